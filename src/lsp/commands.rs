//! The commands the server executes (`workspace/executeCommand`), declared in one table: their
//! names are what `initialize` advertises and what [`execute`] routes. Test-only commands are
//! declared here too and offered only when `AIWG_LSP_TEST_COMMANDS=1` is in the server's
//! environment, which only the test suite sets.

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tracing::warn;

use crate::analysis::Cancel;
use crate::lsp::handlers;
use crate::lsp::host::ClientChange;
use crate::lsp::server::Backend;

/// A command the server offers.
pub(crate) struct Command {
    pub(crate) name: &'static str,
    test_only: bool,
}

pub(crate) const FIX_ALL: &str = "aiwg.fixAll";
pub(crate) const REINDEX: &str = "aiwg.reindex";
pub(crate) const NEW_ADR: &str = "aiwg.newAdr";
const TEST_COUNTDOWN: &str = "aiwg.test.countdown";
const TEST_PANIC_HOST: &str = "aiwg.test.panicHost";

/// Every command; the README's "Commands" section says what each does.
pub(crate) const COMMANDS: &[Command] = &[
    Command { name: FIX_ALL, test_only: false },
    Command { name: REINDEX, test_only: false },
    Command { name: NEW_ADR, test_only: false },
    Command { name: crate::lsp::draft::DRAFT_SECTION, test_only: false },
    Command { name: TEST_COUNTDOWN, test_only: true },
    Command { name: TEST_PANIC_HOST, test_only: true },
];

fn test_commands_enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("AIWG_LSP_TEST_COMMANDS").is_ok_and(|v| v == "1"))
}

fn offered() -> impl Iterator<Item = &'static Command> {
    COMMANDS.iter().filter(|c| !c.test_only || test_commands_enabled())
}

/// The names `initialize` advertises.
pub(crate) fn names() -> Vec<String> {
    offered().map(|c| c.name.to_string()).collect()
}

pub(crate) async fn execute(backend: &Backend, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
    let Some(command) = offered().find(|c| c.name == params.command) else {
        return Err(Error::invalid_params(format!("unknown command {}", params.command)));
    };
    let token = params.work_done_progress_params.work_done_token;
    match command.name {
        FIX_ALL => fix_all(backend, &params.arguments).await,
        NEW_ADR => new_adr(backend, &params.arguments).await,
        crate::lsp::draft::DRAFT_SECTION => crate::lsp::draft::draft_section(backend, &params.arguments, token).await,
        REINDEX => {
            backend.send(ClientChange::Reindex);
            Ok(None)
        }
        TEST_COUNTDOWN => countdown(backend, &params.arguments, token).await,
        TEST_PANIC_HOST => {
            backend.send(ClientChange::PanicHalfway);
            Ok(None)
        }
        _ => unreachable!("every offered command is routed"),
    }
}

/// Applies every preferred fix of a document through `workspace/applyEdit`, and says whether
/// the editor applied it: `{"applied": true, "fixes": N}`, or `{"applied": false, "reason": …}`
/// when the editor declined; an error when it refused the request or cannot take one.
async fn fix_all(backend: &Backend, arguments: &[Value]) -> Result<Option<Value>> {
    let uri: lsp::Uri = arguments
        .first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::invalid_params("aiwg.fixAll takes the document's URI"))?;
    let support = backend.support();
    if !support.apply_edit {
        return Err(Error {
            code: ErrorCode::InvalidRequest,
            message: "the editor does not take edits from the server (workspace/applyEdit)".into(),
            data: None,
        });
    }
    let target = uri.clone();
    let found =
        backend.read("fixAll", move |world, context| handlers::fix_all(world, &context.support, &target)).await?;
    let Some((fixes, edit)) = found else {
        return Err(Error::invalid_params(format!("{} is not an indexed document", uri.as_str())));
    };
    if fixes == 0 {
        return Ok(Some(json!({"applied": true, "fixes": 0})));
    }
    match backend.client().apply_edit(edit).await {
        Ok(answer) if answer.applied => Ok(Some(json!({"applied": true, "fixes": fixes}))),
        Ok(answer) => {
            let reason = answer.failure_reason.unwrap_or_else(|| "no reason given".into());
            warn!("the editor did not apply the fixes of {}: {reason}", uri.as_str());
            Ok(Some(json!({"applied": false, "reason": reason})))
        }
        Err(err) => Err(Error {
            // LSP 3.17 `RequestFailed`: the request was valid but could not be carried out.
            code: ErrorCode::ServerError(-32803),
            message: format!("the editor refused the edit: {}", err.message).into(),
            data: None,
        }),
    }
}

/// Creates the project's next ADR through `workspace/applyEdit` and opens it when the editor
/// can be asked to: argument `{"title": …, "template"?: "nygard" | "madr" | "tot" | "aiwg",
/// "uri"?: a document of the folder}`; answers `{"applied", "path", "uri"}`.
async fn new_adr(backend: &Backend, arguments: &[Value]) -> Result<Option<Value>> {
    use crate::model::adr::AdrTemplate;
    let argument = arguments.first().cloned().unwrap_or(Value::Null);
    let title = argument["title"].as_str().or_else(|| argument.as_str()).unwrap_or("").trim().to_string();
    if title.is_empty() {
        return Err(Error::invalid_params("aiwg.newAdr takes {\"title\": …}"));
    }
    let template = match argument["template"].as_str() {
        None => None,
        Some(name) => Some(
            AdrTemplate::from_name(name)
                .ok_or_else(|| Error::invalid_params(format!("unknown ADR template {name}")))?,
        ),
    };
    let near: Option<lsp::Uri> = argument["uri"].as_str().and_then(|s| s.parse().ok());
    let support = backend.support();
    if !support.apply_edit || !support.edits.create {
        return Err(Error {
            code: ErrorCode::InvalidRequest,
            message: "the editor does not take file creations from the server (workspace/applyEdit)".into(),
            data: None,
        });
    }
    let today = crate::loader::today_utc();
    let made = backend
        .read("newAdr", move |world, context| {
            handlers::new_adr(world, &context.support, near.as_ref(), &title, template, &today)
        })
        .await?;
    let Some((path, uri, edit)) = made else {
        return Err(Error::invalid_params("no workspace folder to write the ADR in"));
    };
    match backend.client().apply_edit(edit).await {
        Ok(answer) if answer.applied => {
            if support.show_document {
                let show = lsp::ShowDocumentParams {
                    uri: uri.clone(),
                    external: None,
                    take_focus: Some(true),
                    selection: None,
                };
                if let Err(err) = backend.client().show_document(show).await {
                    warn!("the editor did not open {}: {}", uri.as_str(), err.message);
                }
            }
            Ok(Some(json!({"applied": true, "path": path, "uri": uri.as_str()})))
        }
        Ok(answer) => Ok(Some(json!({"applied": false, "reason": answer.failure_reason.unwrap_or_default()}))),
        Err(err) => Err(Error {
            code: ErrorCode::ServerError(-32803),
            message: format!("the editor refused the edit: {}", err.message).into(),
            data: None,
        }),
    }
}

/// Tests only: `steps` steps of `stepMs` milliseconds with cancellable progress; answers how
/// many completed and whether the user cancelled.
async fn countdown(backend: &Backend, arguments: &[Value], token: Option<lsp::ProgressToken>) -> Result<Option<Value>> {
    let argument = arguments.first().cloned().unwrap_or(Value::Null);
    let steps = argument["steps"].as_u64().unwrap_or(10);
    let step = std::time::Duration::from_millis(argument["stepMs"].as_u64().unwrap_or(100));
    let cancel = Cancel::default();
    let mut progress = backend.begin_progress(token, "aiwg test countdown", Some(&cancel)).await;
    let mut completed = 0;
    while completed < steps && !cancel.is_cancelled() {
        tokio::time::sleep(step).await;
        completed += 1;
        progress.report(format!("{completed}/{steps}"), (completed * 100 / steps.max(1)) as u32).await;
    }
    let cancelled = cancel.is_cancelled();
    progress.end(if cancelled { "Cancelled".into() } else { "Done".into() }).await;
    Ok(Some(json!({"completed": completed, "cancelled": cancelled})))
}
