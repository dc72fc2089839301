//! Drafting sections in the editor: the code actions that offer it ("Draft “Context” with
//! architecture-designer", "Draft “Context” (offline)") and the `aiwg.draftSection` command that
//! runs it as cancellable work-done progress, then applies the draft and its provenance record
//! in one `workspace/applyEdit`. The pure work is `crate::agent`'s; the program runs through
//! `crate::exec`, chosen only from the user's own settings.

use std::time::Duration;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tracing::{info, warn};

use crate::agent::backend::{self, Backend, Placeholders};
use crate::agent::{self as drafting, DraftOrigin, DraftTimes};
use crate::analysis::{Cancel, FileChange, FilePath};
use crate::lsp::host::ClientChange;
use crate::lsp::server::Backend as Server;
use crate::lsp::world::{DocView, TargetIndexes, World};
use crate::lsp::{from_proto, to_proto};
use crate::resolve::RootKind;

pub(crate) const DRAFT_SECTION: &str = "aiwg.draftSection";

/// The drafting actions at `range` of an open or indexed document.
pub(crate) fn draft_actions(
    world: &World,
    view: &DocView,
    uri: &lsp::Uri,
    range: lsp::Range,
) -> Vec<lsp::CodeActionOrCommand> {
    let snapshot = &world.folders[view.folder].snapshot;
    let doc = snapshot.doc(view.id);
    if doc.root != RootKind::Workspace || doc.is_framework_text() || !doc.is_markdown() {
        return Vec::new();
    }
    let range = from_proto::text_range(&view.line_index, range, world.encoding);
    // The world publishes an open document's text and its facts together, so they agree; code
    // actions are asked on every cursor move and must not re-read the document.
    let offers = drafting::offers_at(&doc.facts, &view.text, range);
    if offers.is_empty() {
        return Vec::new();
    }
    let settings = &world.settings.agent;
    let backend = settings.backend.value;
    let agent = drafting::choose_agent(snapshot, doc, &settings.agents);
    let mut out = Vec::new();
    for section in offers {
        let command = |offline: bool, title: String| lsp::Command {
            title,
            command: DRAFT_SECTION.to_string(),
            arguments: Some(vec![json!({"uri": uri.as_str(), "section": section.name, "offline": offline})]),
        };
        if backend != Backend::Builtin {
            let title = format!("Draft “{}” with {}", section.name, agent.name);
            let disabled = agent.definition.is_none().then(|| lsp::CodeActionDisabled {
                reason: format!(
                    "the agent {} is not deployed in this project (.claude/agents/) and not in the aiwg root",
                    agent.name
                ),
            });
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: title.clone(),
                kind: Some(lsp::CodeActionKind::new("refactor.rewrite.draft")),
                command: Some(command(false, title)),
                disabled,
                ..Default::default()
            }));
        }
        let title = format!("Draft “{}” (offline)", section.name);
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: title.clone(),
            kind: Some(lsp::CodeActionKind::new("refactor.rewrite.draft")),
            command: Some(command(true, title)),
            ..Default::default()
        }));
    }
    out
}

/// What a draft run needs from the world, gathered on a blocking thread.
struct Plan {
    folder: usize,
    section: String,
    agent: drafting::AgentChoice,
    backend: Backend,
    /// The offline draft, when that is the backend.
    offline: Option<drafting::OfflineDraft>,
    prompt: Option<drafting::Prompt>,
    argv: Option<Vec<String>>,
    project_dir: std::path::PathBuf,
    prompt_file: Option<std::path::PathBuf>,
}

/// `aiwg.draftSection` `{uri, section, offline?}`: drafts the section, applies the draft and
/// its provenance record, answers `{"applied", "section", "record"}`.
pub(crate) async fn draft_section(
    server: &Server,
    arguments: &[Value],
    token: Option<lsp::ProgressToken>,
) -> Result<Option<Value>> {
    let argument = arguments.first().cloned().unwrap_or(Value::Null);
    let (Some(uri), Some(section)) = (argument["uri"].as_str(), argument["section"].as_str()) else {
        return Err(Error::invalid_params("aiwg.draftSection takes {\"uri\": …, \"section\": …, \"offline\"?: bool}"));
    };
    let uri: lsp::Uri = uri.parse().map_err(|_| Error::invalid_params(format!("not a URI: {uri}")))?;
    let offline = argument["offline"].as_bool().unwrap_or(false);
    let support = server.support();
    if !support.apply_edit {
        return Err(Error {
            code: ErrorCode::InvalidRequest,
            message: "the editor does not take edits from the server (workspace/applyEdit)".into(),
            data: None,
        });
    }
    let started = crate::loader::now_utc();
    let plan_uri = uri.clone();
    let section_name = section.to_string();
    let plan = server.read("draftSection", move |world, _| plan(world, &plan_uri, &section_name, offline)).await??;
    let cancel = Cancel::default();
    let title = match plan.backend {
        Backend::Builtin => format!("Drafting {} (offline)", plan.section),
        _ => format!("Drafting {} with {}", plan.section, plan.agent.name),
    };
    let progress = server.begin_progress(token, &format!("{title}…"), Some(&cancel)).await;
    let outcome = run_plan(&plan, &cancel, server).await;
    let (draft, sources, origin) = match outcome {
        Ok(done) => done,
        Err(why) => {
            progress.end(why.clone()).await;
            warn!("drafting {} failed: {why}", plan.section);
            return Err(Error { code: ErrorCode::ServerError(-32803), message: why.into(), data: None });
        }
    };
    let times = DraftTimes { started, ended: crate::loader::now_utc() };
    let apply_uri = uri.clone();
    let section_name = plan.section.clone();
    let edits = server
        .read("draftSection", move |world, context| {
            let view = world.doc(&apply_uri)?;
            let snapshot = &world.folders[view.folder].snapshot;
            let read = |file: &FilePath| world.read(view.folder, file.root, &file.path);
            let applied = drafting::apply_draft(
                snapshot,
                view.id,
                &view.text,
                &section_name,
                &draft,
                &origin,
                &sources,
                &times,
                &read,
            );
            Some(applied.map(|applied| {
                let mut targets = TargetIndexes::new(world);
                let record_text = applied.changes.changes.iter().find_map(|change| match change {
                    FileChange::Create { file, content } if file.path == applied.record_path => Some(content.clone()),
                    FileChange::Edit { file, edits } if file.path == applied.record_path => {
                        edits.first().map(|e| e.new_text.clone())
                    }
                    _ => None,
                });
                let record_uri = world.uri(view.folder, RootKind::Workspace, &applied.record_path);
                (
                    to_proto::workspace_edit(&mut targets, view.folder, &applied.changes, context.support.edits),
                    applied.record_path,
                    record_uri.zip(record_text),
                )
            }))
        })
        .await?;
    let (edit, record, record_file) = match edits {
        Some(Ok((Some(edit), record, record_file))) => (edit, record, record_file),
        Some(Ok((None, _, _))) | None => {
            progress.end("The document is no longer open or indexed".into()).await;
            return Err(Error::invalid_params("the document is no longer open or indexed; nothing was changed"));
        }
        Some(Err(why)) => {
            progress.end(why.clone()).await;
            return Err(Error { code: ErrorCode::ServerError(-32803), message: why.into(), data: None });
        }
    };
    progress.end(format!("Drafted {}", plan.section)).await;
    match server.client().apply_edit(edit).await {
        Ok(answer) if answer.applied => {
            info!("drafted {} of {}; provenance in {record}", plan.section, uri.as_str());
            // Hover shows the record at once, before the editor saves it.
            if let Some((record_uri, text)) = record_file {
                server.send(ClientChange::Written { uri: record_uri, text });
            }
            Ok(Some(json!({"applied": true, "section": plan.section, "record": record})))
        }
        Ok(answer) => Ok(Some(json!({"applied": false, "reason": answer.failure_reason.unwrap_or_default()}))),
        Err(err) => Err(Error {
            code: ErrorCode::ServerError(-32803),
            message: format!("the editor refused the edit: {}", err.message).into(),
            data: None,
        }),
    }
}

fn plan(world: &World, uri: &lsp::Uri, section: &str, offline: bool) -> Result<Plan> {
    let Some(view) = world.doc(uri) else {
        return Err(Error::invalid_params(format!("{} is not an indexed document", uri.as_str())));
    };
    let folder = &world.folders[view.folder];
    let snapshot = &folder.snapshot;
    let doc = snapshot.doc(view.id);
    if doc.root != RootKind::Workspace || doc.is_framework_text() {
        return Err(Error::invalid_params("only the project's own documents are drafted"));
    }
    let facts = crate::syntax::facts_from_text(&doc.path, &view.text);
    let Some(target) = drafting::find_section(&facts, &view.text, section) else {
        let offered: Vec<String> =
            drafting::draftable_sections(&facts, &view.text).into_iter().map(|s| format!("“{}”", s.name)).collect();
        return Err(Error::invalid_params(format!(
            "“{section}” is not an empty or missing section of {} (draftable: {})",
            doc.path,
            if offered.is_empty() { "none".to_string() } else { offered.join(", ") }
        )));
    };
    let settings = &world.settings.agent;
    let agent = drafting::choose_agent(snapshot, doc, &settings.agents);
    let backend = if offline { Backend::Builtin } else { settings.backend.value };
    let project = snapshot.roots().project_dir(doc.root, &doc.path);
    let project_dir = folder.root.join(project);
    if backend == Backend::Builtin {
        let offline = drafting::offline_draft(snapshot, view.id, &target);
        return Ok(Plan {
            folder: view.folder,
            section: target.name,
            agent,
            backend,
            offline: Some(offline),
            prompt: None,
            argv: None,
            project_dir,
            prompt_file: None,
        });
    }
    if agent.definition.is_none() {
        return Err(Error::invalid_params(format!(
            "the agent {} is not deployed in this project (.claude/agents/) and not in the aiwg root; deploy it (aiwg use) or map this kind to another agent in aiwg.agent.agents",
            agent.name
        )));
    }
    let read = |file: &FilePath| world.read(view.folder, file.root, &file.path);
    let prompt = drafting::build_prompt(snapshot, view.id, &view.text, &target, &agent, &read, settings.prompt_budget);
    let agent_file = agent
        .definition
        .as_ref()
        .and_then(|f| world.file_path(view.folder, f.root, &f.path))
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let document =
        world.file_path(view.folder, doc.root, &doc.path).map(|p| p.display().to_string()).unwrap_or_default();
    // Inside the project (aiwg's auto-provenance skips `.aiwg/working/`), removed after the run.
    let prompt_file = crate::exec::prompt_file_in(&project_dir);
    let values = Placeholders {
        agent: &agent.name,
        agent_file: &agent_file,
        section: &target.name,
        document: &document,
        prompt_file: &prompt_file.display().to_string(),
    };
    let Some(argv) = backend::argv(backend, &settings.command.value, &values, &prompt.text) else {
        return Err(Error::invalid_params(
            "aiwg.agent.backend is \"command\" but aiwg.agent.command is not set in your user settings",
        ));
    };
    let prompt_file = backend::wants_prompt_file(&settings.command.value)
        .then_some(prompt_file)
        .filter(|_| backend == Backend::Command);
    Ok(Plan {
        folder: view.folder,
        section: target.name,
        agent,
        backend,
        offline: None,
        prompt: Some(prompt),
        argv: Some(argv),
        project_dir,
        prompt_file,
    })
}

/// Runs the plan's backend: the draft, the documents it was written from, and who wrote it.
async fn run_plan(
    plan: &Plan,
    cancel: &Cancel,
    server: &Server,
) -> std::result::Result<(String, Vec<FilePath>, DraftOrigin), String> {
    if let Some(offline) = &plan.offline {
        return Ok((offline.body.clone(), offline.sources.clone(), DraftOrigin::Offline));
    }
    let (Some(argv), Some(prompt)) = (&plan.argv, &plan.prompt) else { return Err("nothing to run".to_string()) };
    let settings = server.settings();
    let command = crate::exec::AgentCommand {
        argv: argv.clone(),
        cwd: plan.project_dir.clone(),
        stdin: prompt.text.clone(),
        timeout: settings.agent.timeout,
        max_output: settings.agent.max_output,
    };
    let cancelled = {
        let cancel = cancel.clone();
        async move {
            while !cancel.is_cancelled() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    info!("running {} for {} (folder {})", argv[0], plan.section, plan.folder);
    let ask_version = !matches!(plan.backend, Backend::Command | Backend::Builtin);
    let (draft, version) =
        crate::exec::run_drafting(command, plan.prompt_file.as_deref(), ask_version, cancelled).await?;
    let origin =
        DraftOrigin::Agent { name: plan.agent.name.clone(), backend: plan.backend.name().to_string(), version };
    Ok((draft, prompt.sources.clone(), origin))
}
