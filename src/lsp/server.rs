//! The `LanguageServer` implementation, as thin as it can be: notifications become
//! [`ClientChange`]s for the host, in order; requests wait until the host has applied every
//! change before them, then run one function of [`handlers`] on the published [`World`] on a
//! blocking thread. A panic in a request becomes an error response and a log line, and a
//! cancelled request sets its [`Cancel`] flag so that long core work stops.
//!
//! The server never waits on the client inside a handler: a `workspace/configuration` answer
//! that never comes must not hold up `initialized`, `shutdown` or `exit`.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{error, info, warn};

use crate::analysis::Cancel;
use crate::lsp::capabilities::{self, ClientSupport};
use crate::lsp::handlers::{self, RequestContext};
use crate::lsp::host::{self, ClientChange, Event, HostProgress, Msg, panic_message};
use crate::lsp::progress::{CancelTokens, Progress};
use crate::lsp::publish::Publisher;
use crate::lsp::settings::{RawSettings, Settings};
use crate::lsp::world::World;
use crate::lsp::{commands, from_proto};
use crate::text::PositionEncoding;

/// How long a request waits for the host to catch up with the changes before it (and with the
/// disk reads those changes asked for) before it answers from what there is.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(10);

/// How long a request waits, after that, for the folders' cold index to complete: long enough
/// for ten thousand documents, so early requests get whole answers (titles, backlinks), short
/// enough that in a huge tree they answer from what is indexed so far.
const INDEX_WAIT_LIMIT: Duration = Duration::from_secs(2);

/// How long the server waits for the client to answer `workspace/configuration`.
const CONFIGURATION_LIMIT: Duration = Duration::from_secs(10);
/// How often a held `workspace/diagnostic` request looks for a new world.
const WORLD_POLL: Duration = Duration::from_millis(100);
/// How long the workspace must stay unchanged before every document's problems are computed
/// again (for a held `workspace/diagnostic` request, and for pushing them all).
pub(crate) const WORKSPACE_QUIET: Duration = Duration::from_millis(500);

pub(crate) struct Backend {
    client: Client,
    world: Arc<ArcSwap<World>>,
    changes: Arc<ChangeSender>,
    progress: tokio::sync::watch::Receiver<HostProgress>,
    /// Set once by `initialize`.
    support: Arc<OnceLock<ClientSupport>>,
    /// The host's events, until `initialized` starts forwarding them (the client may not be
    /// sent requests such as `window/workDoneProgress/create` before that).
    events: Mutex<Option<UnboundedReceiver<Event>>>,
    cancel_tokens: CancelTokens,
    /// Whether `shutdown` came before `exit` (the exit status depends on it).
    shutdown_requested: Arc<AtomicBool>,
    /// Frames written to stdout before a request is answered (see [`super::OutgoingFrame`]).
    outbox: super::Outbox,
}

impl Backend {
    pub(crate) fn new(client: Client, shutdown_requested: Arc<AtomicBool>, outbox: super::Outbox) -> Backend {
        let world = Arc::new(ArcSwap::from_pointee(World::empty(PositionEncoding::Utf16, Settings::default())));
        let (events_tx, events) = tokio::sync::mpsc::unbounded_channel();
        let (inbox, progress) = host::spawn(Arc::clone(&world), events_tx);
        Backend {
            client,
            world,
            changes: Arc::new(ChangeSender { inbox: Mutex::new(inbox), sent: AtomicU64::new(0) }),
            progress,
            support: Arc::new(OnceLock::new()),
            events: Mutex::new(Some(events)),
            cancel_tokens: CancelTokens::default(),
            shutdown_requested,
            outbox,
        }
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Hands a client change to the host, counted so that later requests wait for it.
    pub(crate) fn send(&self, change: ClientChange) {
        self.changes.send(change);
    }

    /// Waits until the host has applied every client change sent so far and has nothing left
    /// to read from the disk for them, so that a request sees the edits that preceded it and the
    /// folders' listings; then, briefly, for indexing to finish. Bounded: a wedged host or a
    /// huge tree must not hang requests.
    async fn caught_up(&self) {
        let target = self.changes.sent.load(Ordering::SeqCst);
        let mut progress = self.progress.clone();
        let wait = progress.wait_for(|p| p.applied >= target && p.settled);
        if tokio::time::timeout(CATCH_UP_LIMIT, wait).await.is_err() {
            warn!("answering from a world that lags the client's changes");
        }
        let indexed = progress.wait_for(|p| p.indexed);
        if tokio::time::timeout(INDEX_WAIT_LIMIT, indexed).await.is_err() {
            info!("answering while indexing goes on");
        }
    }

    /// Waits until the published world is no longer `seen`, then until it has stayed the same
    /// for [`WORKSPACE_QUIET`], so that typing does not recompute every document's problems at
    /// each keystroke.
    async fn quiet_change_after(&self, seen: &Arc<World>) {
        while Arc::ptr_eq(&self.world.load_full(), seen) {
            tokio::time::sleep(WORLD_POLL).await;
        }
        loop {
            let current = self.world.load_full();
            tokio::time::sleep(WORKSPACE_QUIET).await;
            if Arc::ptr_eq(&self.world.load_full(), &current) {
                return;
            }
        }
    }

    pub(crate) fn support(&self) -> ClientSupport {
        self.support.get().copied().unwrap_or_default()
    }

    /// The settings in force now.
    pub(crate) fn settings(&self) -> crate::lsp::settings::Settings {
        self.world.load().settings.clone()
    }

    /// Runs `f` on the current world on a blocking thread. A panic becomes an error response;
    /// a cancelled request (the future dropped by `$/cancelRequest`) sets the context's flag.
    pub(crate) async fn read<T, F>(&self, what: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&World, &RequestContext) -> T + Send + 'static,
    {
        self.caught_up().await;
        let world = self.world.load_full();
        let context = RequestContext { support: self.support(), cancel: Cancel::default() };
        let _cancel_on_drop = CancelOnDrop(context.cancel.clone());
        let job =
            tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(|| f(&world, &context))));
        match job.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => {
                let message = panic_message(&panic);
                error!("{what} panicked: {message}");
                Err(Error {
                    code: ErrorCode::InternalError,
                    message: format!("{what} failed: {message}").into(),
                    data: None,
                })
            }
            Err(err) => {
                error!("{what} did not run: {err}");
                Err(Error::internal_error())
            }
        }
    }

    /// Begins a work-done progress in the client (cancellable when `cancel` is given).
    pub(crate) async fn begin_progress(
        &self,
        client_token: Option<lsp::ProgressToken>,
        title: &str,
        cancel: Option<&Cancel>,
    ) -> Progress {
        let can_create = self.support().work_done_progress;
        Progress::begin(&self.client, &self.cancel_tokens, can_create, client_token, title, None, cancel).await
    }

    /// `window/workDoneProgress/cancel`: the user pressed cancel on one of our progress bars.
    pub(crate) async fn work_done_progress_cancel(&self, params: lsp::WorkDoneProgressCancelParams) {
        self.cancel_tokens.cancel(&params.token);
    }

    /// Asks the client for the `aiwg` section in the background; the answer, if it ever comes,
    /// is applied as a change.
    fn pull_configuration(&self) {
        if !self.support().configuration {
            return;
        }
        let client = self.client.clone();
        let changes = Arc::clone(&self.changes);
        tokio::spawn(async move {
            let item = lsp::ConfigurationItem { scope_uri: None, section: Some("aiwg".into()) };
            match tokio::time::timeout(CONFIGURATION_LIMIT, client.configuration(vec![item])).await {
                Ok(Ok(values)) => {
                    if let Some(value) = values.into_iter().next().filter(|v| !v.is_null()) {
                        changes.send(ClientChange::Configuration(value));
                    }
                }
                Ok(Err(err)) => warn!("the client did not answer workspace/configuration: {}", err.message),
                Err(_) => {
                    warn!("no answer to workspace/configuration within {CONFIGURATION_LIMIT:?}; keeping the settings")
                }
            }
        });
    }

    /// Forwards the host's events: diagnostics, indexing progress and settings warnings.
    fn forward_events(&self, mut events: UnboundedReceiver<Event>) {
        let client = self.client.clone();
        let support = self.support();
        let publisher = Publisher::new(self.client.clone(), Arc::clone(&self.world));
        let tokens = self.cancel_tokens.clone();
        tokio::spawn(async move {
            let mut indexing: std::collections::HashMap<std::path::PathBuf, Progress> = Default::default();
            let mut status = Status::default();
            while let Some(event) = events.recv().await {
                match event {
                    Event::Refresh(uris) if support.pull_diagnostics => {
                        if support.diagnostic_refresh && !uris.is_empty() {
                            publisher.refresh_pulled();
                        }
                    }
                    Event::Refresh(uris) => {
                        uris.into_iter().for_each(|uri| publisher.schedule(uri));
                        publisher.schedule_workspace();
                    }
                    Event::IndexStarted { root } => {
                        if support.status_notifications {
                            status.indexing.insert(root.clone(), (0, 0));
                            status.send(&client).await;
                        }
                        let message = Some(format!("Indexing {}", root.display()));
                        let progress =
                            Progress::begin(&client, &tokens, support.work_done_progress, None, "aiwg", message, None)
                                .await;
                        indexing.insert(root, progress);
                    }
                    Event::IndexProgress { root, done, total } => {
                        if support.status_notifications {
                            status.indexing.insert(root.clone(), (done, total));
                            status.send(&client).await;
                        }
                        if let Some(progress) = indexing.get_mut(&root) {
                            let percentage = (done * 100).checked_div(total).unwrap_or(100) as u32;
                            progress.report(format!("Indexing {done}/{total} documents"), percentage).await;
                        }
                    }
                    Event::IndexDone { root, documents, elapsed } => {
                        if support.status_notifications {
                            status.indexing.remove(&root);
                            status.documents.insert(root.clone(), documents);
                            status.send(&client).await;
                        }
                        if let Some(progress) = indexing.remove(&root) {
                            let ms = elapsed.as_millis();
                            progress.end(format!("Indexed {documents} documents in {ms} ms")).await;
                        }
                    }
                    Event::SettingsWarnings(warnings) => {
                        let text = format!("aiwg-lsp: {}", warnings.join("; "));
                        client.show_message(lsp::MessageType::WARNING, text).await;
                    }
                }
            }
        });
    }
}

/// What `aiwg/status` tells a client that asked for it (`experimental.aiwgStatus`): whether
/// folders are being indexed, how far, and how many documents the indexed ones hold.
#[derive(Default)]
struct Status {
    /// Folders being indexed: documents done and in all.
    indexing: HashMap<std::path::PathBuf, (usize, usize)>,
    documents: HashMap<std::path::PathBuf, usize>,
}

/// `aiwg/status`, the server's own notification.
enum StatusNotification {}

impl lsp::notification::Notification for StatusNotification {
    type Params = serde_json::Value;
    const METHOD: &'static str = "aiwg/status";
}

impl Status {
    async fn send(&self, client: &Client) {
        let (done, total) = self.indexing.values().fold((0, 0), |(d, t), (done, total)| (d + done, t + total));
        let params = serde_json::json!({
            "state": if self.indexing.is_empty() { "ready" } else { "indexing" },
            "done": done,
            "total": total,
            "documents": self.documents.values().sum::<usize>(),
        });
        client.send_notification::<StatusNotification>(params).await;
    }
}

/// The host's inbox for client changes, with the count of changes sent.
struct ChangeSender {
    inbox: Mutex<Sender<Msg>>,
    /// Client changes sent to the host; the host counts those applied in its progress.
    sent: AtomicU64,
}

impl ChangeSender {
    fn send(&self, change: ClientChange) {
        let inbox = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
        // Counted under the lock, so the count and the channel agree on the order.
        self.sent.fetch_add(1, Ordering::SeqCst);
        if inbox.send(Msg::Client(change)).is_err() {
            error!("the host thread is gone; the change is lost");
        }
    }
}

/// Sets a flag when dropped: a request future dropped by `$/cancelRequest` cancels its work.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = from_proto::negotiate_encoding(&params);
        let options = params.initialization_options.clone();
        // Only `pullDiagnostics` matters before the host resolves the rest.
        let raw = RawSettings { initialization_options: options.clone(), configuration: None };
        let pull_requested = Settings::resolve(&raw, &|_| None).settings.pull_diagnostics.value;
        let support = ClientSupport::from_params(&params, pull_requested);
        let _ = self.support.set(support);
        // Folders and settings apply before anything the client sends next, the first didOpen
        // included, and indexing starts now rather than after `initialized`.
        let folders = from_proto::initial_folders(&params).into_iter().map(canonical).collect();
        self.send(ClientChange::Init { encoding, initialization_options: options, folders });
        Ok(lsp::InitializeResult {
            capabilities: capabilities::server_capabilities(encoding, &support),
            server_info: Some(lsp::ServerInfo {
                name: "aiwg-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if let Some(events) = self.events.lock().unwrap_or_else(|e| e.into_inner()).take() {
            self.forward_events(events);
        }
        self.pull_configuration();
        if self.support().watch_registration {
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.register_capability(vec![capabilities::watched_files_registration()]).await {
                    warn!("the client refused file watching: {}", err.message);
                }
            });
        }
        info!("aiwg-lsp {} initialized", env!("CARGO_PKG_VERSION"));
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        self.send(ClientChange::Shutdown);
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.send(ClientChange::Open { uri: doc.uri, version: doc.version, text: doc.text });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let doc = params.text_document;
        self.send(ClientChange::Change { uri: doc.uri, version: doc.version, changes: params.content_changes });
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        self.send(ClientChange::Save { uri: params.text_document.uri });
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.send(ClientChange::Close { uri: params.text_document.uri });
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.send(ClientChange::Watched(params.changes));
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let paths = |folders: &[lsp::WorkspaceFolder]| -> Vec<_> {
            from_proto::folder_paths(folders).into_iter().map(canonical).collect()
        };
        self.send(ClientChange::RemoveFolders(paths(&params.event.removed)));
        self.send(ClientChange::AddFolders(paths(&params.event.added)));
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        // Clients either push the settings here or expect us to pull them.
        match params.settings.get("aiwg").filter(|v| !v.is_null()) {
            Some(value) => self.send(ClientChange::Configuration(value.clone())),
            None => self.pull_configuration(),
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        self.read("hover", |world, context| handlers::hover(world, context, params)).await
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        self.read("definition", |world, context| handlers::definition(world, context, params)).await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        self.read("references", |world, context| handlers::references(world, context, params)).await
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        self.read("completion", |world, context| handlers::completion(world, context, params)).await
    }

    async fn folding_range(&self, params: lsp::FoldingRangeParams) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.read("foldingRange", |world, context| handlers::folding_ranges(world, context, params)).await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        self.read("codeLens", |world, context| handlers::code_lenses(world, context, params)).await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        self.read("semanticTokens/full", |world, context| handlers::semantic_tokens_full(world, context, params)).await
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        self.read("semanticTokens/range", |world, context| handlers::semantic_tokens_range(world, context, params))
            .await
    }

    async fn inlay_hint(&self, params: lsp::InlayHintParams) -> Result<Option<Vec<lsp::InlayHint>>> {
        self.read("inlayHint", |world, context| handlers::inlay_hints(world, context, params)).await
    }

    async fn document_link(&self, params: lsp::DocumentLinkParams) -> Result<Option<Vec<lsp::DocumentLink>>> {
        self.read("documentLink", |world, context| handlers::document_links(world, context, params)).await
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.read("documentSymbol", |world, context| handlers::document_symbols(world, context, params)).await
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.read("workspace/symbol", |world, context| handlers::workspace_symbols(world, context, params))
            .await?
            .map_err(|_| Error::request_cancelled())
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        self.read("codeAction", |world, context| handlers::code_actions(world, context, params)).await
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<serde_json::Value>> {
        commands::execute(self, params).await
    }

    async fn diagnostic(&self, params: lsp::DocumentDiagnosticParams) -> Result<lsp::DocumentDiagnosticReportResult> {
        self.read("diagnostic", |world, context| handlers::pull_diagnostics(world, context, params)).await
    }

    /// Every document's problems. The client asks again as soon as it has an answer (VS Code:
    /// two seconds later), so when nothing changed since the results it holds, the request
    /// stays open until the workspace changes and has been quiet for a moment, as LSP 3.17
    /// allows for long-running workspace pulls; the client cancels it when it wants to.
    async fn workspace_diagnostic(
        &self,
        params: lsp::WorkspaceDiagnosticParams,
    ) -> Result<lsp::WorkspaceDiagnosticReportResult> {
        let previous: Arc<HashMap<lsp::Uri, String>> =
            Arc::new(params.previous_result_ids.into_iter().map(|p| (p.uri, p.value)).collect());
        let token = params.partial_result_params.partial_result_token;
        loop {
            let seen = self.world.load_full();
            let held = Arc::clone(&previous);
            // With a partial-result token, parts go out as they are made, each written to
            // stdout before the next is taken (so a slow client holds the work back rather
            // than letting parts pile up), and all of them before the answer, which a client
            // would otherwise take as the end.
            let (parts, mut received) = tokio::sync::mpsc::channel::<Vec<lsp::WorkspaceDocumentDiagnosticReport>>(1);
            let forwarding = token.clone().map(|token| {
                let outbox = self.outbox.clone();
                tokio::spawn(async move {
                    while let Some(items) = received.recv().await {
                        let value = lsp::WorkspaceDiagnosticReportPartialResult { items };
                        let params = PartialResultParams { token: token.clone(), value };
                        let message = PartialResult { jsonrpc: "2.0", method: "$/progress", params };
                        // Written straight to text: a JSON value of a part is several times its size.
                        let Ok(body) = serde_json::to_vec(&message) else { break };
                        let bytes = super::transport::frame(&body);
                        let (written, out) = tokio::sync::oneshot::channel();
                        if outbox.send(super::OutgoingFrame { bytes, written: Some(written) }).is_err() {
                            break;
                        }
                        let _ = out.await;
                    }
                })
            });
            let streaming = forwarding.is_some();
            let report = self
                .read("workspace/diagnostic", move |world, context| {
                    let mut send = |items| {
                        let _ = parts.blocking_send(items);
                    };
                    let partial: Option<&mut dyn FnMut(_)> = if streaming { Some(&mut send) } else { None };
                    handlers::workspace_diagnostics(world, context, &held, partial)
                })
                .await;
            if let Some(forwarding) = forwarding {
                let _ = forwarding.await;
            }
            let report = report?.map_err(|_| Error::request_cancelled())?;
            if let Some(report) = report {
                return Ok(lsp::WorkspaceDiagnosticReportResult::Report(report));
            }
            self.quiet_change_after(&seen).await;
        }
    }
}

/// A `$/progress` carrying part of a `workspace/diagnostic` result (LSP 3.17, partial result
/// progress); `ProgressParams` models work-done progress only.
#[derive(serde::Serialize)]
struct PartialResult {
    jsonrpc: &'static str,
    method: &'static str,
    params: PartialResultParams,
}

#[derive(serde::Serialize)]
struct PartialResultParams {
    token: lsp::ProgressToken,
    value: lsp::WorkspaceDiagnosticReportPartialResult,
}

/// A folder as the host keys it: links and `..` resolved when it exists.
fn canonical(path: std::path::PathBuf) -> std::path::PathBuf {
    path.canonicalize().unwrap_or(path)
}
