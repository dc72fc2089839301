//! The `LanguageServer` implementation. Notifications become writer messages; requests read the
//! current [`World`] on a blocking thread, call one analysis function, and convert the result.
//! A panic in a request becomes an error response and a log line, never a dead server.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use arc_swap::ArcSwap;
use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{error, info, warn};

use crate::analysis::navigation::{NavigationTarget, Spot};
use crate::analysis::{self, completion, definition, hover, links, references, symbols};
use crate::lsp::convert;
use crate::lsp::settings::Settings;
use crate::lsp::world::World;
use crate::lsp::writer::{Event, Host, Msg};
use crate::text::PositionEncoding;

/// What the client can do, as far as our choices depend on it.
#[derive(Clone, Debug, Default)]
struct ClientSupport {
    /// The client pulls diagnostics and the user asked for that (`pullDiagnostics`).
    pull_diagnostics: bool,
    diagnostic_refresh: bool,
    work_done_progress: bool,
    watch_registration: bool,
    configuration: bool,
}

pub struct Backend {
    client: Client,
    world: Arc<ArcSwap<World>>,
    inbox: Mutex<std::sync::mpsc::Sender<Msg>>,
    /// Client messages sent to the writer, and (below) applied by it.
    sent: std::sync::atomic::AtomicU64,
    applied: tokio::sync::watch::Receiver<u64>,
    /// Set once by `initialize`; shared with the event loop.
    support: Arc<OnceLock<ClientSupport>>,
    initial_folders: Mutex<Vec<PathBuf>>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        let world = Arc::new(ArcSwap::from_pointee(World::empty(PositionEncoding::Utf16, Settings::default())));
        let (inbox, messages) = std::sync::mpsc::channel();
        let (events, event_rx) = tokio::sync::mpsc::unbounded_channel();
        let (applied_tx, applied) = tokio::sync::watch::channel(0);
        let host = Host::new(
            PositionEncoding::Utf16,
            Settings::default(),
            Arc::clone(&world),
            events,
            inbox.clone(),
            applied_tx,
        );
        let spawned = std::thread::Builder::new().name("aiwg-writer".into()).spawn(move || host.run(messages));
        if let Err(err) = spawned {
            error!("cannot start the writer thread: {err}");
        }
        let backend = Backend {
            client,
            world,
            inbox: Mutex::new(inbox),
            sent: std::sync::atomic::AtomicU64::new(0),
            applied,
            support: Arc::new(OnceLock::new()),
            initial_folders: Mutex::new(Vec::new()),
        };
        backend.spawn_event_loop(event_rx);
        backend
    }

    fn send(&self, msg: Msg) {
        let inbox = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
        // Counted under the lock, so the count and the channel agree on the order.
        if msg.is_from_client() {
            self.sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        if inbox.send(msg).is_err() {
            error!("the writer thread is gone; the change is lost");
        }
    }

    /// Waits until the writer has applied every client message sent so far, so that a request
    /// sees the edits that preceded it. Bounded: a wedged writer must not hang requests.
    async fn caught_up(&self) {
        let target = self.sent.load(std::sync::atomic::Ordering::SeqCst);
        let mut applied = self.applied.clone();
        let wait = applied.wait_for(|&count| count >= target);
        if tokio::time::timeout(std::time::Duration::from_secs(10), wait).await.is_err() {
            warn!("answering from a world that lags the client's changes");
        }
    }

    fn support(&self) -> ClientSupport {
        self.support.get().cloned().unwrap_or_default()
    }

    /// Runs `f` on the current world on a blocking thread; a panic becomes an error response.
    async fn read<T, F>(&self, what: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&World) -> T + Send + 'static,
    {
        self.caught_up().await;
        let world = self.world.load_full();
        let job = tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(|| f(&world))));
        match job.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => {
                let message = panic_text(&panic);
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

    /// Forwards the writer's events: debounced diagnostics and indexing progress.
    fn spawn_event_loop(&self, mut events: UnboundedReceiver<Event>) {
        let client = self.client.clone();
        let world = Arc::clone(&self.world);
        let support = Arc::clone(&self.support);
        let generations: Arc<Mutex<HashMap<lsp::Uri, u64>>> = Arc::default();
        tokio::spawn(async move {
            let mut progress: HashMap<
                PathBuf,
                tower_lsp_server::OngoingProgress<tower_lsp_server::Bounded, tower_lsp_server::NotCancellable>,
            > = HashMap::new();
            let mut last_percentage: HashMap<PathBuf, u32> = HashMap::new();
            let mut token_counter = 0u32;
            while let Some(event) = events.recv().await {
                let support = support.get().cloned().unwrap_or_default();
                match event {
                    Event::Refresh(uris) => {
                        if support.pull_diagnostics {
                            if support.diagnostic_refresh {
                                let client = client.clone();
                                tokio::spawn(async move {
                                    let _ = client.workspace_diagnostic_refresh().await;
                                });
                            }
                            continue;
                        }
                        for uri in uris {
                            schedule_diagnostics(&client, &world, &generations, uri);
                        }
                    }
                    Event::IndexStarted { root } => {
                        if !support.work_done_progress {
                            continue;
                        }
                        token_counter += 1;
                        let token = lsp::ProgressToken::String(format!("aiwg-index-{token_counter}"));
                        if client.create_work_done_progress(token.clone()).await.is_err() {
                            continue;
                        }
                        let ongoing = client
                            .progress(token, "aiwg")
                            .with_message(format!("Indexing {}", root.display()))
                            .with_percentage(0)
                            .begin()
                            .await;
                        progress.insert(root, ongoing);
                    }
                    Event::IndexProgress { root, done, total } => {
                        let percentage = (done * 100).checked_div(total).unwrap_or(100) as u32;
                        // One report per percent is plenty for a progress bar.
                        if let Some(ongoing) = progress.get(&root)
                            && last_percentage.insert(root.clone(), percentage) != Some(percentage)
                        {
                            ongoing.report_with_message(format!("Indexing {done}/{total} documents"), percentage).await;
                        }
                    }
                    Event::IndexDone { root, documents, elapsed } => {
                        if let Some(ongoing) = progress.remove(&root) {
                            ongoing
                                .finish_with_message(format!(
                                    "Indexed {documents} documents in {} ms",
                                    elapsed.as_millis()
                                ))
                                .await;
                        }
                    }
                }
            }
        });
    }
}

/// Publishes a document's diagnostics after the configured delay, unless another change came
/// in the meantime, and never for a version that is no longer current.
fn schedule_diagnostics(
    client: &Client,
    world: &Arc<ArcSwap<World>>,
    generations: &Arc<Mutex<HashMap<lsp::Uri, u64>>>,
    uri: lsp::Uri,
) {
    let generation = {
        let mut map = generations.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(uri.clone()).or_insert(0);
        *entry += 1;
        *entry
    };
    let client = client.clone();
    let world = Arc::clone(world);
    let generations = Arc::clone(generations);
    tokio::spawn(async move {
        let delay = world.load().settings.diagnostics_delay();
        if delay.is_zero() {
            // Even a zero sleep waits for the timer's next 1 ms tick; a yield still lets a
            // change that is already queued supersede this one.
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(delay).await;
        }
        let current =
            |g: &Mutex<HashMap<lsp::Uri, u64>>| g.lock().unwrap_or_else(|e| e.into_inner()).get(&uri).copied();
        if current(&generations) != Some(generation) {
            return; // A newer change will publish.
        }
        let snapshot = world.load_full();
        let Some(version) = snapshot.open.get(&uri).map(|o| o.version) else {
            // Closed: clear what we published.
            client.publish_diagnostics(uri, Vec::new(), None).await;
            return;
        };
        let target = uri.clone();
        let computed = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(|| document_diagnostics(&snapshot, &target)))
        })
        .await;
        let diagnostics = match computed {
            Ok(Ok(Some(diagnostics))) => diagnostics,
            Ok(Ok(None)) => return, // Not indexed yet: the end of indexing refreshes it.
            Ok(Err(panic)) => {
                error!("diagnostics of {} panicked: {}", uri.as_str(), panic_text(&panic));
                return;
            }
            Err(_) => return,
        };
        let still_current = world.load().open.get(&uri).map(|o| o.version) == Some(version);
        if still_current && current(&generations) == Some(generation) {
            client.publish_diagnostics(uri, diagnostics, Some(version)).await;
        }
    });
}

/// Diagnostics of an open or closed document; `None` while its folder is still indexing.
fn document_diagnostics(world: &World, uri: &lsp::Uri) -> Option<Vec<lsp::Diagnostic>> {
    let view = world.doc(uri)?;
    let folder = &world.folders[view.folder];
    if !folder.indexed {
        return None;
    }
    let found = analysis::diagnostics(&folder.snapshot, view.id);
    let found = analysis::diagnostics::with_overrides(found, &world.settings.severity_overrides());
    Some(found.iter().map(|d| convert::diagnostic(&view.line_index, d, world.encoding)).collect())
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// The position in `uri` as a byte offset, with the document located in the world.
fn locate(world: &World, params: &lsp::TextDocumentPositionParams) -> Option<(crate::lsp::world::DocView, usize)> {
    let view = world.doc(&params.text_document.uri)?;
    let offset = convert::offset(&view.line_index, params.position, world.encoding);
    Some((view, offset))
}

/// A navigation target as an LSP location link, reading the target's text for positions.
fn location_link(
    world: &World,
    folder: usize,
    origin: Option<lsp::Range>,
    target: &NavigationTarget,
) -> Option<lsp::LocationLink> {
    let uri = world.uri(folder, target.root, &target.path)?;
    let zero = lsp::Range::default();
    let (range, selection) = if target.is_dir {
        (zero, zero)
    } else {
        match &target.focus {
            Spot::File => (zero, zero),
            Spot::Line(line) => {
                let position = lsp::Position { line: *line, character: 0 };
                let r = lsp::Range { start: position, end: position };
                (r, r)
            }
            Spot::Range(focus) => {
                let index = world.line_index(folder, target.root, &target.path)?;
                let selection = convert::range(&index, *focus, world.encoding);
                let full = target.full.map_or(selection, |full| convert::range(&index, full, world.encoding));
                (full, selection)
            }
        }
    };
    Some(lsp::LocationLink {
        origin_selection_range: origin,
        target_uri: uri,
        target_range: range,
        target_selection_range: selection,
    })
}

fn to_location(world: &World, folder: usize, location: &analysis::navigation::Location) -> Option<lsp::Location> {
    let uri = world.uri(folder, location.root, &location.path)?;
    let index = world.line_index(folder, location.root, &location.path)?;
    Some(lsp::Location { uri, range: convert::range(&index, location.range, world.encoding) })
}

fn folders_of(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders.iter().filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned())).collect();
    }
    #[allow(deprecated)] // `rootUri` is the fallback for clients without workspace folders.
    let root = params.root_uri.as_ref().and_then(|u| u.to_file_path().map(|p| p.into_owned()));
    root.into_iter().collect()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = convert::negotiate_encoding(&params);
        let caps = &params.capabilities;
        let support = ClientSupport {
            pull_diagnostics: caps.text_document.as_ref().and_then(|t| t.diagnostic.as_ref()).is_some(),
            diagnostic_refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            watch_registration: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: caps.workspace.as_ref().and_then(|w| w.configuration).unwrap_or(false),
        };
        let settings = params.initialization_options.as_ref().map(Settings::from_json).unwrap_or_default();
        let support =
            ClientSupport { pull_diagnostics: support.pull_diagnostics && settings.pull_diagnostics, ..support };
        let pull = support.pull_diagnostics;
        let _ = self.support.set(support);
        self.send(Msg::Init { encoding, settings });
        *self.initial_folders.lock().unwrap_or_else(|e| e.into_inner()) = folders_of(&params);

        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(convert::encoding_kind(encoding)),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            })),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(["@", "#", "/", "-"].map(String::from).to_vec()),
                ..Default::default()
            }),
            document_link_provider: Some(lsp::DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            }),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            diagnostic_provider: pull.then(|| {
                lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                    identifier: Some("aiwg".into()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: false,
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
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "aiwg-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let support = self.support();
        if support.configuration
            && let Ok(values) = self
                .client
                .configuration(vec![lsp::ConfigurationItem { scope_uri: None, section: Some("aiwg".into()) }])
                .await
            && let Some(value) = values.first().filter(|v| !v.is_null())
        {
            self.send(Msg::Settings(Settings::from_json(value)));
        }
        let folders = std::mem::take(&mut *self.initial_folders.lock().unwrap_or_else(|e| e.into_inner()));
        self.send(Msg::AddFolders(folders));
        if support.watch_registration {
            let watchers = ["**/*.md", "**/*.markdown", "**/*.{yaml,yml}", "**/*.json"]
                .into_iter()
                .map(|glob| lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String(glob.into()), kind: None })
                .collect();
            let registration = lsp::Registration {
                id: "aiwg-watched-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions { watchers }).ok(),
            };
            if let Err(err) = self.client.register_capability(vec![registration]).await {
                warn!("the client refused file watching: {err}");
            }
        }
        info!("aiwg-lsp {} initialized", env!("CARGO_PKG_VERSION"));
    }

    async fn shutdown(&self) -> Result<()> {
        self.send(Msg::Shutdown);
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.send(Msg::Open { uri: doc.uri, version: doc.version, text: doc.text });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let doc = params.text_document;
        self.send(Msg::Change { uri: doc.uri, version: doc.version, changes: params.content_changes });
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.send(Msg::Close { uri: params.text_document.uri });
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.send(Msg::Watched(params.changes));
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let paths = |folders: Vec<lsp::WorkspaceFolder>| -> Vec<PathBuf> {
            folders.iter().filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned())).collect()
        };
        self.send(Msg::RemoveFolders(paths(params.event.removed)));
        self.send(Msg::AddFolders(paths(params.event.added)));
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        // Clients either push the settings here or expect us to pull them.
        let pushed = params.settings.get("aiwg").filter(|v| !v.is_null());
        if let Some(value) = pushed {
            self.send(Msg::Settings(Settings::from_json(value)));
        } else if self.support().configuration
            && let Ok(values) = self
                .client
                .configuration(vec![lsp::ConfigurationItem { scope_uri: None, section: Some("aiwg".into()) }])
                .await
            && let Some(value) = values.first().filter(|v| !v.is_null())
        {
            self.send(Msg::Settings(Settings::from_json(value)));
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        self.read("hover", move |world| {
            let (view, offset) = locate(world, &params.text_document_position_params)?;
            let found = hover::hover(&world.folders[view.folder].snapshot, view.id, offset)?;
            Some(lsp::Hover {
                contents: lsp::HoverContents::Markup(convert::markdown(found.markdown)),
                range: Some(convert::range(&view.line_index, found.range, world.encoding)),
            })
        })
        .await
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        self.read("definition", move |world| {
            let (view, offset) = locate(world, &params.text_document_position_params)?;
            let found = definition::definition(&world.folders[view.folder].snapshot, view.id, offset)?;
            let origin = convert::range(&view.line_index, found.origin, world.encoding);
            let links: Vec<lsp::LocationLink> =
                found.targets.iter().filter_map(|t| location_link(world, view.folder, Some(origin), t)).collect();
            (!links.is_empty()).then_some(lsp::GotoDefinitionResponse::Link(links))
        })
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        self.read("references", move |world| {
            let (view, offset) = locate(world, &params.text_document_position)?;
            let include = params.context.include_declaration;
            let found = references::references(&world.folders[view.folder].snapshot, view.id, offset, include);
            Some(found.iter().filter_map(|l| to_location(world, view.folder, l)).collect())
        })
        .await
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        self.read("completion", move |world| {
            let (view, offset) = locate(world, &params.text_document_position)?;
            let snapshot = &world.folders[view.folder].snapshot;
            let items = completion::completion(snapshot, view.id, &view.text, offset);
            let items: Vec<lsp::CompletionItem> = items
                .into_iter()
                .map(|item| convert::completion_item(&view.line_index, item, world.encoding))
                .collect();
            Some(lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: true, items }))
        })
        .await
    }

    async fn document_link(&self, params: lsp::DocumentLinkParams) -> Result<Option<Vec<lsp::DocumentLink>>> {
        self.read("documentLink", move |world| {
            let view = world.doc(&params.text_document.uri)?;
            let found = links::document_links(&world.folders[view.folder].snapshot, view.id);
            Some(
                found
                    .into_iter()
                    .filter_map(|link| {
                        let target = location_link(world, view.folder, None, &link.target)?;
                        let mut uri = target.target_uri.as_str().to_string();
                        // `file:///x.md#L12` is how VS Code and Neovim open a link at a line.
                        if target.target_selection_range != lsp::Range::default() {
                            uri.push_str(&format!("#L{}", target.target_selection_range.start.line + 1));
                        }
                        Some(lsp::DocumentLink {
                            range: convert::range(&view.line_index, link.range, world.encoding),
                            target: uri.parse().ok().or(Some(target.target_uri)),
                            tooltip: Some(link.tooltip),
                            data: None,
                        })
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.read("documentSymbol", move |world| {
            let view = world.doc(&params.text_document.uri)?;
            let found = symbols::document_symbols(&world.folders[view.folder].snapshot, view.id);
            let symbols =
                found.into_iter().map(|s| convert::document_symbol(&view.line_index, s, world.encoding)).collect();
            Some(lsp::DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.read("workspace/symbol", move |world| {
            let mut out = Vec::new();
            for (index, folder) in world.folders.iter().enumerate() {
                for symbol in symbols::workspace_symbols(&folder.snapshot, &params.query) {
                    let Some(uri) = world.uri(index, symbol.root, &symbol.path) else { continue };
                    let range = match symbol.range {
                        Some(range) => world
                            .line_index(index, symbol.root, &symbol.path)
                            .map(|i| convert::range(&i, range, world.encoding))
                            .unwrap_or_default(),
                        None => lsp::Range::default(),
                    };
                    out.push(convert::workspace_symbol(&symbol, lsp::Location { uri, range }));
                }
            }
            Some(lsp::WorkspaceSymbolResponse::Flat(out))
        })
        .await
    }

    async fn diagnostic(&self, params: lsp::DocumentDiagnosticParams) -> Result<lsp::DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let items = self.read("diagnostic", move |world| document_diagnostics(world, &uri).unwrap_or_default()).await?;
        Ok(lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
            lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }
}
