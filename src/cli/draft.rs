//! `aiwg-lsp draft PATH --section NAME`: the editor's "Draft section" from the command line. It
//! prints the draft, or with `--write` writes it into the document with its provenance record,
//! through the same core as the server (`crate::agent`) and the same runner (`crate::exec`). The
//! backend is what the user typed on their own terminal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::agent::backend::{self, Backend, Placeholders};
use crate::agent::{self as drafting, DraftOrigin, DraftTimes};
use crate::analysis::{FileChange, FilePath};
use crate::cli::exit;
use crate::loader::{self, LoadOptions};
use crate::resolve::RootKind;
use crate::workspace::Snapshot;

/// What `aiwg-lsp draft` was asked.
pub struct DraftArgs {
    pub path: PathBuf,
    pub section: String,
    pub backend: String,
    /// The argv of the `command` backend.
    pub command: Vec<String>,
    pub aiwg_root: Option<PathBuf>,
    pub write: bool,
    pub timeout: Duration,
    pub max_output: usize,
    pub prompt_budget: usize,
}

pub fn run_draft(args: &DraftArgs, out: &mut dyn Write) -> u8 {
    match draft(args, out) {
        Ok(()) => exit::CLEAN,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "aiwg-lsp draft: {why}");
            exit::ERRORS
        }
    }
}

fn draft(args: &DraftArgs, out: &mut dyn Write) -> Result<(), String> {
    let file = args.path.canonicalize().map_err(|_| format!("{}: no such file", args.path.display()))?;
    let backend = Backend::from_name(&args.backend)
        .ok_or_else(|| format!("unknown backend {} (one of {})", args.backend, Backend::NAMES.join(", ")))?;
    let root = loader::project_root(&file);
    let loaded = loader::load_workspace(&root, args.aiwg_root.as_deref(), &LoadOptions::default());
    let aiwg_root = loaded.aiwg_root.as_ref().map(|choice| choice.path.clone());
    let snapshot = Snapshot::build(loaded.input);
    let relative = loader::relative(&root, &file).ok_or("the file is outside its project")?;
    let doc_id = snapshot
        .doc_by_path(RootKind::Workspace, &relative)
        .ok_or_else(|| format!("{relative} is not an indexed document"))?;
    let text = loader::read_in_root(&root, &relative, 16 << 20)?;
    let read = |f: &FilePath| read_file(&root, aiwg_root.as_deref(), f);
    let doc = snapshot.doc(doc_id);
    let facts = crate::syntax::facts_from_text(&doc.path, &text);
    let Some(section) = drafting::find_section(&facts, &text, &args.section) else {
        let offered: Vec<String> =
            drafting::draftable_sections(&facts, &text).into_iter().map(|s| format!("\"{}\"", s.name)).collect();
        return Err(format!(
            "\"{}\" is not an empty or missing section of {relative} (draftable: {})",
            args.section,
            if offered.is_empty() { "none".to_string() } else { offered.join(", ") }
        ));
    };
    let agent = drafting::choose_agent(&snapshot, doc, &Default::default());
    let started = loader::now_utc();
    let (draft, sources, origin) = if backend == Backend::Builtin {
        let offline = drafting::offline_draft(&snapshot, doc_id, &section);
        (offline.body, offline.sources, DraftOrigin::Offline)
    } else {
        if agent.definition.is_none() {
            return Err(format!(
                "the agent {} is not deployed in this project (.claude/agents/) and not in the aiwg root",
                agent.name
            ));
        }
        let prompt = drafting::build_prompt(&snapshot, doc_id, &text, &section, &agent, &read, args.prompt_budget);
        let project_dir = root.join(snapshot.roots().project_dir(doc.root, &doc.path));
        let prompt_file = crate::exec::prompt_file_in(&project_dir);
        let agent_file = agent
            .definition
            .as_ref()
            .map(|f| tree_path(&root, aiwg_root.as_deref(), f).display().to_string())
            .unwrap_or_default();
        let values = Placeholders {
            agent: &agent.name,
            agent_file: &agent_file,
            section: &section.name,
            document: &file.display().to_string(),
            prompt_file: &prompt_file.display().to_string(),
        };
        let argv = backend::argv(backend, &args.command, &values, &prompt.text)
            .ok_or("the command backend needs the program after `--`: aiwg-lsp draft PATH --section S --backend command -- PROGRAM ARGS…")?;
        let wants_file = backend == Backend::Command && backend::wants_prompt_file(&args.command);
        let command = crate::exec::AgentCommand {
            argv,
            cwd: project_dir,
            stdin: prompt.text.clone(),
            timeout: args.timeout,
            max_output: args.max_output,
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let ask_version = !matches!(backend, Backend::Command | Backend::Builtin);
        let run = crate::exec::run_drafting(
            command,
            wants_file.then_some(prompt_file.as_path()),
            ask_version,
            std::future::pending(),
        );
        let (draft, version) = runtime.block_on(run)?;
        let origin = DraftOrigin::Agent { name: agent.name.clone(), backend: backend.name().to_string(), version };
        (draft, prompt.sources, origin)
    };
    if !args.write {
        return writeln!(out, "{}", draft.trim_end()).map_err(|e| e.to_string());
    }
    let times = DraftTimes { started, ended: loader::now_utc() };
    let applied =
        drafting::apply_draft(&snapshot, doc_id, &text, &section.name, &draft, &origin, &sources, &times, &read)?;
    for change in &applied.changes.changes {
        match change {
            FileChange::Edit { file: target, .. } if target.path == relative => {
                std::fs::write(&file, &applied.new_text).map_err(|e| format!("{relative}: {e}"))?;
            }
            FileChange::Edit { file: target, edits } => {
                let content = edits.first().map(|e| e.new_text.as_str()).unwrap_or_default();
                std::fs::write(root.join(&target.path), content).map_err(|e| format!("{}: {e}", target.path))?;
            }
            FileChange::Create { file: target, content } => {
                let path = root.join(&target.path);
                std::fs::create_dir_all(path.parent().unwrap_or(&root)).map_err(|e| e.to_string())?;
                std::fs::write(&path, content).map_err(|e| format!("{}: {e}", target.path))?;
            }
            FileChange::Rename { .. } => {}
        }
    }
    writeln!(out, "drafted \"{}\" in {relative}; provenance in {}", section.name, applied.record_path)
        .map_err(|e| e.to_string())
}

fn tree_path(root: &Path, aiwg_root: Option<&Path>, file: &FilePath) -> PathBuf {
    match file.root {
        RootKind::Workspace => root.join(&file.path),
        RootKind::Aiwg => aiwg_root.unwrap_or(root).join(&file.path),
    }
}

/// A file of the workspace or the aiwg root, read inside its root (links resolved), bounded.
fn read_file(root: &Path, aiwg_root: Option<&Path>, file: &FilePath) -> Option<String> {
    let base = match file.root {
        RootKind::Workspace => root,
        RootKind::Aiwg => aiwg_root?,
    };
    loader::read_in_root(base, &file.path, 4 << 20).ok()
}
