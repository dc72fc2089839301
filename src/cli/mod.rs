//! `aiwg-lsp check`: load a workspace from disk, build the same snapshot the server builds, run
//! the same diagnostics, and render them for people (`human`), machines (`json`) or GitHub
//! Actions annotations (`github`).

mod render;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::{self, Diagnostic, Severity};
use crate::loader::{self, LoadOptions};
use crate::resolve::Resolution;
use crate::text::LineIndex;
use crate::workspace::{DocId, Snapshot};

pub use render::Format;

pub struct CheckArgs {
    pub path: PathBuf,
    pub aiwg_root: Option<PathBuf>,
    pub format: Format,
    /// Least severe level printed; every level is counted and decides the exit status anyway.
    pub min_severity: Option<Severity>,
    pub excludes: Vec<String>,
    /// Most diagnostics to print (the rest are counted, and still decide the exit status).
    pub max_diagnostics: Option<usize>,
}

/// Exit statuses of `check`.
mod draft;
pub use draft::{DraftArgs, run_draft};

pub mod exit {
    pub(crate) const CLEAN: u8 = 0;
    pub const ERRORS: u8 = 1;
    pub const USAGE: u8 = 2;
}

/// Counts over the checked documents.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub(crate) documents: usize,
    pub(crate) source_files: usize,
    /// YAML and JSON files.
    pub(crate) data_files: usize,
    pub(crate) references: usize,
    pub(crate) resolved: usize,
    pub(crate) dangling: usize,
    pub(crate) by_stage: BTreeMap<&'static str, usize>,
    pub(crate) by_context: BTreeMap<&'static str, usize>,
    pub(crate) markdown_references: usize,
    pub(crate) markdown_resolved: usize,
    pub(crate) declared_ids: usize,
    pub(crate) id_mentions: usize,
    pub(crate) by_severity: BTreeMap<&'static str, usize>,
    pub(crate) skipped_files: usize,
}

/// One document's diagnostics with what rendering needs: its text's line index and lines.
pub(crate) struct FileReport {
    pub(crate) path: String,
    pub(crate) text: String,
    pub(crate) line_index: LineIndex,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// What is known before the first diagnostic: the workspace, loaded, and what to check in it.
struct Checked {
    root: PathBuf,
    aiwg_root: Option<loader::AiwgRootChoice>,
    snapshot: Snapshot,
    in_scope: Vec<DocId>,
    skipped: usize,
}

/// Runs `check` and writes its report as it goes: each document's diagnostics are written as
/// soon as they are found and its text dropped, so memory stays that of the index whatever the
/// number of diagnostics. Returns the exit status.
pub fn run_check(args: &CheckArgs, out: &mut dyn Write) -> u8 {
    let checked = match load_checked(args) {
        Ok(checked) => checked,
        Err(message) => {
            tracing::error!("{message}");
            let _ = writeln!(std::io::stderr(), "aiwg-lsp check: {message}");
            return exit::USAGE;
        }
    };
    let min = args.min_severity.unwrap_or(args.format.default_min_severity());
    let mut writer = render::Writer::new(args.format, min, args.max_diagnostics, out);
    match stream(&checked, &mut writer) {
        Ok(summary) if summary.by_severity.get(Severity::Error.as_str()).is_some_and(|&n| n > 0) => exit::ERRORS,
        Ok(_) => exit::CLEAN,
        Err(err) => {
            tracing::error!("writing the report: {err}");
            exit::USAGE
        }
    }
}

fn stream(checked: &Checked, writer: &mut render::Writer<'_>) -> std::io::Result<Summary> {
    let Checked { root, aiwg_root, snapshot, in_scope, skipped } = checked;
    writer.begin(root, aiwg_root.as_ref())?;
    let mut summary = summarize(snapshot, in_scope);
    summary.skipped_files = *skipped;
    for &id in in_scope {
        let diagnostics = analysis::diagnostics(snapshot, id);
        for d in &diagnostics {
            *summary.by_severity.entry(d.severity.as_str()).or_default() += 1;
        }
        if !writer.wants(&diagnostics) {
            continue;
        }
        let path = snapshot.doc(id).path.clone();
        let text = loader::read_in_root(root, &path, u64::MAX).unwrap_or_default();
        writer.file(&FileReport { line_index: LineIndex::new(&text), text, path, diagnostics })?;
    }
    writer.finish(&summary, root, aiwg_root.as_ref())?;
    Ok(summary)
}

/// Loads the workspace around `args.path` and lists the documents under it.
fn load_checked(args: &CheckArgs) -> Result<Checked, String> {
    let target = args.path.canonicalize().map_err(|e| format!("{}: {e}", args.path.display()))?;
    let root = loader::project_root(&target);
    let aiwg_setting = args.aiwg_root.as_deref().map(|p| p.canonicalize().unwrap_or_else(|_| p.to_path_buf()));
    if let Some(path) = &aiwg_setting
        && !path.is_dir()
    {
        return Err(format!("--aiwg-root {}: not a folder", path.display()));
    }
    let options = LoadOptions { excludes: args.excludes.clone(), ..LoadOptions::default() };
    let loaded = loader::load_workspace(&root, aiwg_setting.as_deref(), &options);
    let skipped = loaded.skipped.len();
    let aiwg_root = loaded.aiwg_root.clone();
    let snapshot = loaded.into_snapshot();
    // The checked path relative to the root, when it is narrower than the root.
    let scope = loader::relative(&root, &target);
    let in_scope: Vec<DocId> = snapshot
        .workspace_documents()
        .filter(|(_, doc)| scope.as_deref().is_none_or(|s| doc.path == s || doc.path.starts_with(&format!("{s}/"))))
        .map(|(id, _)| id)
        .collect();
    Ok(Checked { root, aiwg_root, snapshot, in_scope, skipped })
}

fn summarize(snapshot: &Snapshot, docs: &[DocId]) -> Summary {
    let mut summary = Summary::default();
    for &id in docs {
        let doc = snapshot.doc(id);
        let is_markdown = doc.is_markdown();
        match crate::workspace::FileRole::of(&doc.path, true) {
            crate::workspace::FileRole::Markdown => summary.documents += 1,
            crate::workspace::FileRole::Data => summary.data_files += 1,
            crate::workspace::FileRole::Code => summary.source_files += 1,
            crate::workspace::FileRole::Provenance | crate::workspace::FileRole::Listed => {}
        }
        summary.declared_ids += doc.facts.declared_ids.len();
        summary.id_mentions += doc.facts.id_mentions.len();
        for (reference, resolution) in doc.facts.references.iter().zip(snapshot.resolutions(id)) {
            summary.references += 1;
            *summary.by_stage.entry(resolution.outcome_str()).or_default() += 1;
            *summary.by_context.entry(reference.context.as_str()).or_default() += 1;
            let resolved = matches!(resolution, Resolution::Resolved { .. });
            summary.resolved += usize::from(resolved);
            summary.dangling += usize::from(matches!(resolution, Resolution::Dangling { .. }));
            if is_markdown {
                summary.markdown_references += 1;
                summary.markdown_resolved += usize::from(resolved);
            }
        }
    }
    summary
}

/// One JSON line per reference of the workspace documents (hidden `dump-refs` command): a
/// debugging aid for comparing resolutions reference by reference with other tools.
pub fn dump_references(path: &Path, aiwg_root: Option<&Path>, out: &mut dyn Write) -> Result<(), String> {
    let root = loader::project_root(path);
    let loaded = loader::load_workspace(&root, aiwg_root, &LoadOptions::default());
    let snapshot = Snapshot::build(loaded.input);
    for (id, doc) in snapshot.workspace_documents() {
        let text = loader::read_in_root(&root, &doc.path, u64::MAX).unwrap_or_default();
        let index = LineIndex::new(&text);
        for (reference, resolution) in doc.facts.references.iter().zip(snapshot.resolutions(id)) {
            let targets: Vec<&str> = resolution.targets().iter().map(|t| &*t.path).collect();
            let line = serde_json::json!({
                "file": doc.path,
                "line": index.line_of(reference.range.start) + 1,
                "path": &*reference.path,
                "anchor": reference.anchor,
                "context": reference.context.as_str(),
                "bare": reference.bare,
                "link": reference.link,
                "outcome": resolution.outcome_str(),
                "targets": targets,
            });
            writeln!(out, "{line}").map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// How `aiwg-lsp adr list` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AdrFormat {
    Table,
    Json,
}

/// `aiwg-lsp adr list`: the project's ADRs (then its ADR templates) as a table or JSON.
pub fn run_adr_list(path: &Path, aiwg_root: Option<&Path>, format: AdrFormat, out: &mut dyn Write) -> u8 {
    let Ok(target) = path.canonicalize() else {
        let _ = writeln!(std::io::stderr(), "aiwg-lsp adr list: {}: no such folder", path.display());
        return exit::USAGE;
    };
    let root = loader::project_root(&target);
    let loaded = loader::load_workspace(&root, aiwg_root, &LoadOptions::default());
    let snapshot = Snapshot::build(loaded.input);
    let rows = analysis::adrs::adr_list(&snapshot);
    let written = match format {
        AdrFormat::Json => {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "title": r.title, "status": r.status, "date": r.date,
                        "deciders": r.deciders, "supersedes": r.supersedes,
                        "superseded_by": r.superseded_by, "related": r.related,
                        "layout": r.layout, "template": r.template, "path": r.path,
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::Value::Array(rows))
        }
        AdrFormat::Table => render::adr_table(&rows, out),
    };
    if written.is_err() { exit::USAGE } else { exit::CLEAN }
}

/// The templates `aiwg-lsp adr new --template` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AdrTemplateArg {
    /// The lightweight form aiwg's flows write: Status, Context, Decision, Consequences…
    Nygard,
    /// MADR: Context and Problem Statement, Decision Drivers, Considered Options…
    Madr,
    /// aiwg's adr-with-tot: Reasoning, Evaluation Criteria, Options Comparison Matrix…
    Tot,
    /// aiwg's phased adr-template.
    Aiwg,
}

/// `aiwg-lsp adr new "Title"`: writes the next ADR of the project, laid out as its ADRs are, and
/// prints its path. Never overwrites a file.
pub fn run_adr_new(
    title: &str,
    path: &Path,
    aiwg_root: Option<&Path>,
    template: Option<AdrTemplateArg>,
    out: &mut dyn Write,
) -> u8 {
    use crate::model::adr::AdrTemplate;
    let Ok(target) = path.canonicalize() else {
        let _ = writeln!(std::io::stderr(), "aiwg-lsp adr new: {}: no such folder", path.display());
        return exit::USAGE;
    };
    if title.trim().is_empty() {
        let _ = writeln!(std::io::stderr(), "aiwg-lsp adr new: the title is empty");
        return exit::USAGE;
    }
    let root = loader::project_root(&target);
    let loaded = loader::load_workspace(&root, aiwg_root, &LoadOptions::default());
    let snapshot = Snapshot::build(loaded.input);
    let template = template.map(|t| match t {
        AdrTemplateArg::Nygard => AdrTemplate::Nygard,
        AdrTemplateArg::Madr => AdrTemplate::Madr,
        AdrTemplateArg::Tot => AdrTemplate::TreeOfThoughts,
        AdrTemplateArg::Aiwg => AdrTemplate::Aiwg,
    });
    let (relative, text) = analysis::adrs::new_adr(&snapshot, title.trim(), template, &loader::today_utc());
    let file = root.join(&relative);
    let written = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::OpenOptions::new().write(true).create_new(true).open(&file))
        .and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) => {
            let _ = writeln!(out, "{relative}");
            exit::CLEAN
        }
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "aiwg-lsp adr new: {}: {err}", file.display());
            exit::USAGE
        }
    }
}
