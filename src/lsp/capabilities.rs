//! What the client can do (as far as our answers depend on it) and what the server offers in
//! return: the `initialize` handshake's two halves, plus the file-watching registration.

use tower_lsp_server::ls_types as lsp;

use crate::lsp::commands;
use crate::lsp::to_proto::{self, EditSupport};
use crate::text::PositionEncoding;

/// The client capabilities the server's behaviour depends on.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ClientSupport {
    /// The client pulls diagnostics and the user asked for that (`pullDiagnostics`).
    pub(crate) pull_diagnostics: bool,
    pub(crate) diagnostic_refresh: bool,
    pub(crate) work_done_progress: bool,
    pub(crate) watch_registration: bool,
    pub(crate) configuration: bool,
    /// Definition answers may be `LocationLink`s (`textDocument.definition.linkSupport`).
    pub(crate) definition_links: bool,
    /// The client takes `workspace/applyEdit` requests.
    pub(crate) apply_edit: bool,
    pub(crate) edits: EditSupport,
    /// The client opens documents on request (`window/showDocument`).
    pub(crate) show_document: bool,
    /// Completion items may be snippets (`completionItem.snippetSupport`).
    pub(crate) snippets: bool,
    /// The client shows the server's state from `aiwg/status` notifications
    /// (`experimental.aiwgStatus`; the VS Code extension's status bar item).
    pub(crate) status_notifications: bool,
}

impl ClientSupport {
    /// Reads the capabilities; `pull_requested` is the user's `pullDiagnostics` setting.
    pub(crate) fn from_params(params: &lsp::InitializeParams, pull_requested: bool) -> ClientSupport {
        let caps = &params.capabilities;
        let workspace = caps.workspace.as_ref();
        let text_document = caps.text_document.as_ref();
        let edit = workspace.and_then(|w| w.workspace_edit.as_ref());
        let operations = edit.and_then(|e| e.resource_operations.as_deref()).unwrap_or_default();
        ClientSupport {
            pull_diagnostics: pull_requested && text_document.and_then(|t| t.diagnostic.as_ref()).is_some(),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            watch_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            definition_links: text_document
                .and_then(|t| t.definition.as_ref())
                .and_then(|d| d.link_support)
                .unwrap_or(false),
            apply_edit: workspace.and_then(|w| w.apply_edit).unwrap_or(false),
            snippets: text_document
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                .unwrap_or(false),
            status_notifications: caps
                .experimental
                .as_ref()
                .and_then(|e| e.get("aiwgStatus"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            show_document: caps.window.as_ref().and_then(|w| w.show_document.as_ref()).is_some_and(|s| s.support),
            edits: EditSupport {
                document_changes: edit.and_then(|e| e.document_changes).unwrap_or(false),
                create: operations.contains(&lsp::ResourceOperationKind::Create),
                rename: operations.contains(&lsp::ResourceOperationKind::Rename),
            },
        }
    }
}

pub(crate) fn server_capabilities(encoding: PositionEncoding, support: &ClientSupport) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(to_proto::encoding_kind(encoding)),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            // A saved file exists on disk, whether or not the client watches files (Neovim sends
            // no watched-file event for a file it writes itself).
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(["@", "#", "/", "-", "(", "*"].map(String::from).to_vec()),
            ..Default::default()
        }),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
            lsp::SemanticTokensOptions {
                legend: to_proto::semantic_token_legend(),
                range: Some(true),
                full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            },
        )),
        code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![
                lsp::CodeActionKind::QUICKFIX,
                lsp::CodeActionKind::REFACTOR_REWRITE,
                lsp::CodeActionKind::new("refactor.rewrite.draft"),
            ]),
            ..Default::default()
        })),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: commands::names(),
            work_done_progress_options: lsp::WorkDoneProgressOptions { work_done_progress: Some(true) },
        }),
        diagnostic_provider: support.pull_diagnostics.then(|| {
            lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                identifier: Some("aiwg".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                ..Default::default()
            })
        }),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

/// File watching for every file: every file is listed so that references to it resolve (not only
/// the markdown, provenance and source files that are read), so a new `.ts`, `.yaml` or `.png`
/// matters as much as a new `.md`. Clients leave out what their own excludes say.
pub(crate) fn watched_files_registration() -> lsp::Registration {
    let watchers = vec![lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String("**/*".into()), kind: None }];
    lsp::Registration {
        id: "aiwg-watched-files".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions { watchers }).ok(),
    }
}
