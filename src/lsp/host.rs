//! The document host: the one thread that changes state. The client's changes (opens, edits,
//! saves, closes, watched files, settings, folders) and the results of work done elsewhere (the
//! indexer, the disk worker, the parser) arrive here as [`Msg`]s, are applied in order to the
//! mutable [`Host`], and each message publishes a new [`World`] for requests to read. It reads
//! no file: disk work goes to [`super::indexer`] and comes back as a message. Diagnostics
//! refreshes, progress and settings warnings go back to the async side as [`Event`]s.
//!
//! Notification handlers only send a message, synchronously, as their first action, so the
//! order of the client's notifications is the order of the messages (tower-lsp-server polls
//! handler futures first in arrival order; see tower-lsp#284 for why state must not depend on
//! later polls).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use arc_swap::ArcSwap;
use ropey::Rope;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types as lsp;
use tracing::{debug, info, warn};

use crate::loader::{self, LoadOptions};
use crate::lsp::from_proto;
use crate::lsp::indexer::{self, DiskJob, DiskResult, FolderTag, Loaded};
use crate::lsp::parser::{self, ParseJob};
use crate::lsp::settings::{RawSettings, Settings};
use crate::lsp::world::{DocPlace, Folder, OpenText, World};
use crate::model::DocFacts;
use crate::resolve::{PathSet, RootKind, Roots};
use crate::text::{LineIndex, PositionEncoding};
use crate::workspace::{Document, FileRole, ResolvedDocument, Snapshot, document_from_text};

/// A change the client made. The server counts the ones it sends and the host the ones it
/// applied, so a request can wait until every change before it is visible (LSP requires
/// requests to see earlier changes).
pub(crate) enum ClientChange {
    /// `initialize`: the negotiated encoding, the initialization options and the workspace
    /// folders, applied before anything the client sends later (the first `didOpen` included).
    Init {
        encoding: PositionEncoding,
        initialization_options: Option<serde_json::Value>,
        folders: Vec<PathBuf>,
    },
    AddFolders(Vec<PathBuf>),
    RemoveFolders(Vec<PathBuf>),
    Open {
        uri: lsp::Uri,
        version: i32,
        text: String,
    },
    Change {
        uri: lsp::Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    },
    Save {
        uri: lsp::Uri,
    },
    Close {
        uri: lsp::Uri,
    },
    Watched(Vec<lsp::FileEvent>),
    /// A file the server itself had the editor write (a draft's provenance record), with its
    /// text: indexed at once, before the editor saves it or a watcher reports it.
    Written {
        uri: lsp::Uri,
        text: String,
    },
    /// The `aiwg` section of `workspace/configuration` (or pushed by `didChangeConfiguration`).
    Configuration(serde_json::Value),
    /// Index every folder again (the `aiwg.reindex` command).
    Reindex,
    /// Tests only (the `aiwg.test.panicHost` command): forget every open document, then panic,
    /// as a bug halfway through a change would.
    PanicHalfway,
    Shutdown,
}

/// Work finished off the host thread.
pub(crate) enum Internal {
    /// A folder's listing is known.
    Listing {
        folder: FolderTag,
        roots: Roots,
        files: Vec<String>,
        dirs: Vec<String>,
        aiwg_root: Option<PathBuf>,
    },
    /// A batch of read documents.
    Documents {
        folder: FolderTag,
        docs: Vec<ResolvedDocument>,
    },
    /// Every document of a folder is read.
    Indexed {
        folder: FolderTag,
        documents: usize,
        elapsed: std::time::Duration,
        /// Checksums of the files provenance records describe.
        digests: Vec<(String, Option<String>)>,
    },
    Disk(Box<DiskResult>),
    /// A disk job panicked; it still counts as done.
    DiskFailed,
    /// An open document's facts through tree-sitter.
    TreeFacts {
        uri: lsp::Uri,
        version: i32,
        facts: DocFacts,
    },
}

pub(crate) enum Msg {
    Client(ClientChange),
    Internal(Internal),
}

/// The sending side for work done off the host thread: it can send only [`Internal`] messages,
/// so nothing but the server's handlers can count as a client change.
#[derive(Clone)]
pub(crate) struct InternalSender(Sender<Msg>);

impl InternalSender {
    pub(crate) fn send(&self, message: Internal) {
        if self.0.send(Msg::Internal(message)).is_err() {
            debug!("the host is gone");
        }
    }
}

/// What requests wait for: every client change applied, and nothing the host is waiting on
/// from the disk (a folder's listing, an opened file's existence, a reported file's content).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HostProgress {
    pub(crate) applied: u64,
    pub(crate) settled: bool,
    /// Every folder's cold index is complete.
    pub(crate) indexed: bool,
}

/// What the host tells the async side.
#[derive(Debug)]
pub(crate) enum Event {
    /// Recompute and publish diagnostics of these open documents.
    Refresh(Vec<lsp::Uri>),
    /// An indexer started on a folder.
    IndexStarted {
        root: PathBuf,
    },
    /// `done` of `total` documents of a folder are read.
    IndexProgress {
        root: PathBuf,
        done: usize,
        total: usize,
    },
    IndexDone {
        root: PathBuf,
        documents: usize,
        elapsed: std::time::Duration,
    },
    /// Settings that could not be used, one line each, for the user to see once.
    SettingsWarnings(Vec<String>),
}

#[derive(Clone)]
struct FolderHost {
    root: PathBuf,
    aiwg_root: Option<PathBuf>,
    snapshot: Arc<Snapshot>,
    generation: u64,
    /// The listing is known (references can resolve).
    listed: bool,
    indexed: bool,
    loose: bool,
    /// The folder's listing, shared with the copy kept while a message is applied.
    files: Arc<BTreeSet<String>>,
    dirs: Arc<BTreeSet<String>>,
}

impl FolderHost {
    fn tag(&self) -> FolderTag {
        FolderTag { root: self.root.clone(), generation: self.generation }
    }

    /// Resolves every reference again over the current listing.
    fn relist(&mut self) {
        let workspace = Arc::new(PathSet::new(self.files.iter().cloned().collect(), self.dirs.iter().cloned()));
        let roots = Roots { workspace, ..self.snapshot.roots().clone() };
        self.snapshot = Arc::new(self.snapshot.with_roots(roots));
    }

    fn base(&self, root: RootKind) -> Option<PathBuf> {
        match root {
            RootKind::Workspace => Some(self.root.clone()),
            RootKind::Aiwg => self.aiwg_root.clone(),
        }
    }
}

#[derive(Clone)]
struct OpenDoc {
    place: Option<DocPlace>,
    version: i32,
    rope: Rope,
    text: Arc<OpenText>,
}

pub(crate) struct Host {
    folders: Vec<FolderHost>,
    open: HashMap<lsp::Uri, OpenDoc>,
    encoding: PositionEncoding,
    raw_settings: RawSettings,
    settings: Settings,
    next_generation: u64,
    world: Arc<ArcSwap<World>>,
    events: UnboundedSender<Event>,
    internal: InternalSender,
    progress: tokio::sync::watch::Sender<HostProgress>,
    /// The tree-sitter parse of open markdown documents, off the keystroke path.
    parser: Sender<ParseJob>,
    disk: Sender<DiskJob>,
    /// Disk jobs sent and not answered yet.
    disk_pending: usize,
    /// Events of the message being applied, sent once its world is published: a diagnostics
    /// task that ran before that would read the previous world (where a just-opened document
    /// is not open yet) and publish nothing, or stale results.
    outbox: Vec<Event>,
}

/// Starts the host thread. The returned sender is for client changes only; requests wait on the
/// progress receiver.
pub(crate) fn spawn(
    world: Arc<ArcSwap<World>>,
    events: UnboundedSender<Event>,
) -> (Sender<Msg>, tokio::sync::watch::Receiver<HostProgress>) {
    let (inbox, messages) = std::sync::mpsc::channel();
    let (progress, progress_rx) =
        tokio::sync::watch::channel(HostProgress { applied: 0, settled: true, indexed: true });
    let internal = InternalSender(inbox.clone());
    let host = Host {
        folders: Vec::new(),
        open: HashMap::new(),
        encoding: PositionEncoding::Utf16,
        raw_settings: RawSettings::default(),
        settings: Settings::default(),
        next_generation: 1,
        world,
        events,
        parser: parser::spawn(internal.clone()),
        disk: indexer::spawn_disk_worker(internal.clone()),
        internal,
        progress,
        disk_pending: 0,
        outbox: Vec::new(),
    };
    let spawned = std::thread::Builder::new().name("aiwg-host".into()).spawn(move || host.run(messages));
    if let Err(err) = spawned {
        tracing::error!("cannot start the host thread: {err}");
    }
    (inbox, progress_rx)
}

/// Builds the workspace-symbol index of a freshly indexed folder on a thread of its own, so
/// that the first workspace/symbol request does not wait for it (its names are sorted: tens of
/// milliseconds at 50,000 documents). Requests share the index with this snapshot, and edits
/// that leave a document's names alone keep it.
fn warm_symbol_index(snapshot: &Arc<Snapshot>) {
    let snapshot = Arc::clone(snapshot);
    let spawned = std::thread::Builder::new().name("aiwg-symbols".into()).spawn(move || {
        snapshot.symbol_index();
    });
    if let Err(err) = spawned {
        warn!("cannot start the symbol indexer: {err}");
    }
}

impl Host {
    /// Applies messages until `Shutdown` or until every sender is gone.
    fn run(mut self, messages: Receiver<Msg>) {
        while let Ok(msg) = messages.recv() {
            let (from_client, shutdown) = match &msg {
                Msg::Client(change) => (true, matches!(change, ClientChange::Shutdown)),
                Msg::Internal(_) => (false, false),
            };
            // A bug in one message must not take the server down, nor leave a change half
            // applied: the state before it comes back, and the message is logged and dropped.
            // The copy is cheap: snapshots, listings and ropes are shared, not copied.
            let before = (self.folders.clone(), self.open.clone(), self.settings.clone(), self.raw_settings.clone());
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match msg {
                Msg::Client(change) => self.apply_client(change),
                Msg::Internal(internal) => self.apply_internal(internal),
            }));
            if let Err(panic) = outcome {
                tracing::error!("the host panicked applying a change, which is dropped: {}", panic_message(&panic));
                (self.folders, self.open, self.settings, self.raw_settings) = before;
                self.outbox.clear();
            }
            self.publish();
            for event in self.outbox.drain(..) {
                let _ = self.events.send(event);
            }
            let settled = self.disk_pending == 0 && self.folders.iter().all(|f| f.listed);
            let indexed = self.folders.iter().all(|f| f.indexed);
            self.progress.send_modify(|p| {
                p.applied += u64::from(from_client);
                p.settled = settled;
                p.indexed = indexed;
            });
            if shutdown {
                break;
            }
        }
        debug!("host stopped");
    }

    fn apply_client(&mut self, change: ClientChange) {
        match change {
            ClientChange::Init { encoding, initialization_options, folders } => {
                self.encoding = encoding;
                self.raw_settings.initialization_options = initialization_options;
                self.resolve_settings();
                for root in folders {
                    self.add_folder(root);
                }
            }
            ClientChange::AddFolders(roots) => {
                for root in roots {
                    self.add_folder(root);
                }
            }
            ClientChange::RemoveFolders(roots) => {
                self.folders.retain(|f| !roots.contains(&f.root));
                self.relocate_open_documents();
            }
            ClientChange::Open { uri, version, text } => self.open_document(uri, version, text),
            ClientChange::Change { uri, version, changes } => self.change_document(&uri, version, changes),
            ClientChange::Save { uri } => self.saved(&uri),
            ClientChange::Close { uri } => self.close_document(&uri),
            ClientChange::Watched(events) => self.watched(events),
            ClientChange::Written { uri, text } => self.written(&uri, &text),
            ClientChange::Configuration(value) => {
                self.raw_settings.configuration = Some(value);
                let before = self.settings.clone();
                self.resolve_settings();
                if before.needs_reindex(&self.settings) {
                    self.reindex_all();
                } else if before != self.settings {
                    self.refresh_all();
                }
            }
            ClientChange::Reindex => self.reindex_all(),
            ClientChange::PanicHalfway => {
                self.open.clear();
                panic!("a change failed halfway (test command)");
            }
            ClientChange::Shutdown => {}
        }
    }

    fn apply_internal(&mut self, internal: Internal) {
        match internal {
            Internal::Listing { folder, roots, files, dirs, aiwg_root } => {
                let open_docs = self.open_documents_in(&folder.root);
                let Some(host) = self.folder_mut(&folder) else { return };
                host.files = Arc::new(files.into_iter().collect());
                host.dirs = Arc::new(dirs.into_iter().collect());
                host.aiwg_root = aiwg_root;
                host.listed = true;
                host.snapshot = Arc::new(host.snapshot.with_roots(roots).with_documents(open_docs));
                // Open documents of the aiwg root can be placed now that it is known.
                self.relocate_open_documents();
            }
            Internal::Documents { folder, docs } => {
                let count = docs.len();
                let open_paths: Vec<(RootKind, String)> =
                    self.open.values().filter_map(|o| o.place.as_ref()).map(|p| (p.root, p.path.clone())).collect();
                let Some(host) = self.folder_mut(&folder) else { return };
                // The editor's text of an open document wins over the file on disk.
                let docs = docs.into_iter().filter(|resolved| {
                    let d = resolved.doc();
                    !open_paths.iter().any(|(r, p)| *r == d.root && *p == d.path)
                });
                let started = std::time::Instant::now();
                host.snapshot = Arc::new(host.snapshot.with_resolved(docs));
                tracing::debug!("applied {count} indexed documents in {:?}", started.elapsed());
            }
            Internal::Indexed { folder, documents, elapsed, digests } => {
                let Some(host) = self.folder_mut(&folder) else { return };
                host.indexed = true;
                host.snapshot = Arc::new(host.snapshot.with_digests(digests));
                info!("indexed {} documents of {} in {} ms", documents, folder.root.display(), elapsed.as_millis());
                warm_symbol_index(&host.snapshot);
                self.emit(Event::IndexDone { root: folder.root.clone(), documents, elapsed });
                self.refresh_folder(&folder.root);
            }
            Internal::Disk(result) => {
                self.disk_pending = self.disk_pending.saturating_sub(1);
                self.disk_result(*result);
            }
            Internal::DiskFailed => self.disk_pending = self.disk_pending.saturating_sub(1),
            Internal::TreeFacts { uri, version, facts } => self.tree_facts(&uri, version, facts),
        }
    }

    fn resolve_settings(&mut self) {
        let resolved = Settings::resolve(&self.raw_settings, &|name| std::env::var(name).ok());
        for warning in &resolved.warnings {
            warn!("{warning}");
        }
        if !resolved.warnings.is_empty() {
            self.emit(Event::SettingsWarnings(resolved.warnings));
        }
        self.settings = resolved.settings;
    }

    fn folder_mut(&mut self, tag: &FolderTag) -> Option<&mut FolderHost> {
        self.folders.iter_mut().find(|f| f.root == tag.root && f.generation == tag.generation)
    }

    fn folder_index(&self, tag: &FolderTag) -> Option<usize> {
        self.folders.iter().position(|f| f.root == tag.root && f.generation == tag.generation)
    }

    fn ask_disk(&mut self, job: DiskJob) {
        if self.disk.send(job).is_ok() {
            self.disk_pending += 1;
        } else {
            warn!("the disk worker is gone");
        }
    }

    fn add_folder(&mut self, root: PathBuf) {
        if let Some(existing) = self.folders.iter().position(|f| f.root == root) {
            if !self.folders[existing].loose {
                return;
            }
            // A folder made for loose files becomes a real one.
            self.folders.remove(existing);
        }
        self.folders.push(FolderHost {
            root: root.clone(),
            aiwg_root: None,
            snapshot: Arc::new(Snapshot::build(Default::default())),
            generation: 0,
            listed: false,
            indexed: false,
            loose: false,
            files: Arc::default(),
            dirs: Arc::default(),
        });
        self.start_indexing(&root);
        self.relocate_open_documents();
    }

    /// A folder for a file opened outside every workspace folder: it lists that file only, so
    /// nothing beside it is read.
    fn add_loose_file(&mut self, file: &Path) -> Option<usize> {
        let dir = file.parent()?.to_path_buf();
        let name = file.file_name()?.to_string_lossy().into_owned();
        let index = match self.folders.iter().position(|f| f.root == dir) {
            Some(index) => index,
            None => {
                info!("{} lies outside every workspace folder; indexing it alone", file.display());
                self.folders.push(FolderHost {
                    root: dir,
                    aiwg_root: None,
                    snapshot: Arc::new(Snapshot::build(Default::default())),
                    generation: 0,
                    listed: true,
                    indexed: true,
                    loose: true,
                    files: Arc::default(),
                    dirs: Arc::default(),
                });
                self.folders.len() - 1
            }
        };
        let folder = &mut self.folders[index];
        if folder.loose && Arc::make_mut(&mut folder.files).insert(name) {
            folder.relist();
        }
        Some(index)
    }

    /// Starts (or restarts) the background indexer of a folder; older indexers' messages are
    /// dropped by generation.
    fn start_indexing(&mut self, root: &Path) {
        let generation = self.next_generation;
        self.next_generation += 1;
        let Some(folder) = self.folders.iter_mut().find(|f| f.root == root && !f.loose) else { return };
        folder.generation = generation;
        folder.indexed = false;
        indexer::spawn_index(folder.tag(), self.settings.clone(), self.internal.clone(), self.events.clone());
    }

    fn reindex_all(&mut self) {
        let roots: Vec<PathBuf> = self.folders.iter().filter(|f| !f.loose).map(|f| f.root.clone()).collect();
        for root in roots {
            self.start_indexing(&root);
        }
    }

    /// Places every open document again after folders changed.
    fn relocate_open_documents(&mut self) {
        let uris: Vec<lsp::Uri> = self.open.keys().cloned().collect();
        for uri in uris {
            let place = self.place_of(&uri);
            let Some(open) = self.open.get_mut(&uri) else { continue };
            if open.place != place {
                open.place = place;
                self.reanalyze(&uri);
            }
        }
    }

    fn place_of(&self, uri: &lsp::Uri) -> Option<DocPlace> {
        let world = World { folders: self.world_folders(), ..World::empty(self.encoding, Settings::default()) };
        world.place_of_uri(uri)
    }

    /// The folders as requests see them.
    fn world_folders(&self) -> Vec<Folder> {
        self.folders
            .iter()
            .map(|f| Folder {
                root: f.root.clone(),
                aiwg_root: f.aiwg_root.clone(),
                snapshot: Arc::clone(&f.snapshot),
                indexed: f.indexed,
                loose: f.loose,
            })
            .collect()
    }

    fn open_document(&mut self, uri: lsp::Uri, version: i32, text: String) {
        let mut place = self.place_of(&uri);
        if place.is_none()
            && let Some(file) = from_proto::file_path(&uri)
        {
            if self.folders.iter().any(|f| !f.loose) {
                // Outside every workspace folder: this file alone, never its parent tree.
                self.add_loose_file(&file);
                place = self.place_of(&uri);
            } else {
                // The editor named no folder (Helix outside a repository): find the project.
                self.ask_disk(DiskJob::FindRoot { uri: uri.clone(), file });
            }
        }
        let rope = Rope::from_str(&text);
        let text: Arc<str> = text.into();
        let open_text = Arc::new(OpenText { version, line_index: Arc::new(LineIndex::new(&text)), text });
        self.open.insert(uri.clone(), OpenDoc { place: place.clone(), version, rope, text: open_text });
        // A document opened from disk exists on disk: references to it resolve.
        if let Some(place) = place.filter(|p| p.root == RootKind::Workspace) {
            let folder = &self.folders[place.folder];
            if !folder.loose && !folder.files.contains(&place.path) {
                let job = DiskJob::Stat { folder: folder.tag(), path: place.path.clone() };
                self.ask_disk(job);
            }
        }
        self.reanalyze(&uri);
        self.send_to_parser(&uri, Vec::new(), true);
    }

    fn change_document(&mut self, uri: &lsp::Uri, version: i32, changes: Vec<lsp::TextDocumentContentChangeEvent>) {
        let encoding = self.encoding;
        let Some(open) = self.open.get_mut(uri) else {
            warn!("change for a document that is not open: {}", uri.as_str());
            return;
        };
        let mut edits = Vec::new();
        let mut reset = false;
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = from_proto::rope_offset(&open.rope, range.start, encoding);
                    let end = from_proto::rope_offset(&open.rope, range.end, encoding).max(start);
                    let edit = input_edit(&open.rope, start, end, &change.text);
                    let (start_char, end_char) = (open.rope.byte_to_char(start), open.rope.byte_to_char(end));
                    open.rope.remove(start_char..end_char);
                    open.rope.insert(start_char, &change.text);
                    edits.push(edit);
                }
                None => {
                    open.rope = Rope::from_str(&change.text);
                    edits.clear();
                    reset = true;
                }
            }
        }
        open.version = version;
        let text: Arc<str> = open.rope.to_string().into();
        open.text = Arc::new(OpenText { version, line_index: Arc::new(LineIndex::new(&text)), text });
        self.reanalyze(uri);
        self.send_to_parser(uri, edits, reset);
    }

    /// A saved document exists on disk, whether or not the client reports it as a watched file.
    fn saved(&mut self, uri: &lsp::Uri) {
        let Some(place) = self.open.get(uri).and_then(|o| o.place.clone()) else { return };
        if place.root != RootKind::Workspace {
            return;
        }
        let folder = &mut self.folders[place.folder];
        if Arc::make_mut(&mut folder.files).insert(place.path.clone()) {
            folder.relist();
            let root = folder.root.clone();
            self.refresh_folder(&root);
        }
    }

    /// Hands an open markdown document's change to the parser thread.
    fn send_to_parser(&self, uri: &lsp::Uri, edits: Vec<tree_sitter::InputEdit>, reset: bool) {
        let Some(open) = self.open.get(uri) else { return };
        let Some(place) = &open.place else { return };
        if FileRole::of(&place.path, true) != FileRole::Markdown {
            return;
        }
        if open.text.text.len() > parser::MAX_TREE_BYTES {
            // The scanner's facts stand alone; drop any tree of a smaller earlier version.
            let _ = self.parser.send(ParseJob::Close { uri: uri.clone() });
            return;
        }
        let job = ParseJob::Update {
            uri: uri.clone(),
            version: open.version,
            path: place.path.clone(),
            text: Arc::clone(&open.text.text),
            edits,
            reset,
        };
        if self.parser.send(job).is_err() {
            debug!("the parser thread is gone");
        }
    }

    /// Tree-sitter's facts of an open document, when they are still about its current version.
    /// They equal the scanner's by contract; a difference is a bug worth a log line, and
    /// tree-sitter's reading wins until the next change.
    fn tree_facts(&mut self, uri: &lsp::Uri, version: i32, facts: DocFacts) {
        let Some(open) = self.open.get(uri).filter(|o| o.version == version) else { return };
        let Some(place) = open.place.clone() else { return };
        let Some(folder) = self.folders.get_mut(place.folder) else { return };
        let current = folder.snapshot.doc_by_path(place.root, &place.path).map(|id| folder.snapshot.doc_arc(id));
        let Some(current) = current else { return };
        if current.facts == facts {
            return;
        }
        warn!("tree-sitter and the bulk scanner disagree on {}; using tree-sitter's facts", uri.as_str());
        let text = Arc::clone(&open.text);
        let doc = Document::new(
            current.root,
            current.path.clone(),
            &text.text,
            facts,
            current.provenance.as_deref().cloned(),
        );
        folder.snapshot = Arc::new(folder.snapshot.with_document(Arc::new(doc)));
        self.emit(Event::Refresh(vec![uri.clone()]));
    }

    fn close_document(&mut self, uri: &lsp::Uri) {
        let _ = self.parser.send(ParseJob::Close { uri: uri.clone() });
        let Some(open) = self.open.remove(uri) else { return };
        self.emit(Event::Refresh(vec![uri.clone()]));
        let Some(place) = open.place else { return };
        let Some(folder) = self.folders.get_mut(place.folder) else { return };
        // Until the disk answers, the document is what is on disk: unknown, so gone.
        folder.snapshot = Arc::new(folder.snapshot.without_document(place.root, &place.path));
        if folder.loose {
            if Arc::make_mut(&mut folder.files).remove(&place.path) {
                folder.relist();
            }
            return;
        }
        let Some(base) = folder.base(place.root) else { return };
        let job = DiskJob::ReadBack { folder: folder.tag(), root: place.root, base, path: place.path };
        self.ask_disk(job);
    }

    /// Re-extracts an open document's facts from its current text and patches its folder. The
    /// bulk scanner reads markdown here, on the keystroke path; tree-sitter follows on the
    /// parser thread (see [`parser`]).
    fn reanalyze(&mut self, uri: &lsp::Uri) {
        let Some(open) = self.open.get(uri) else { return };
        let Some(place) = open.place.clone() else { return };
        let text = Arc::clone(&open.text.text);
        let Some(doc) = document_from_text(&place.path, place.root, &text) else { return };
        if let Some(folder) = self.folders.get_mut(place.folder) {
            folder.snapshot = Arc::new(folder.snapshot.with_document(Arc::new(doc)));
        }
        self.emit(Event::Refresh(vec![uri.clone()]));
    }

    /// Indexes a file the editor was asked to write, from the text asked for; the disk's
    /// version replaces it when the editor saves it. An open document keeps the editor's text.
    fn written(&mut self, uri: &lsp::Uri, text: &str) {
        let Some(place) = self.place_of(uri) else { return };
        if place.root != RootKind::Workspace || self.open.contains_key(uri) {
            return;
        }
        let Some(folder) = self.folders.get_mut(place.folder) else { return };
        if folder.loose {
            return;
        }
        let Some(doc) = document_from_text(&place.path, place.root, text) else { return };
        Arc::make_mut(&mut folder.files).insert(place.path.clone());
        folder.snapshot = Arc::new(folder.snapshot.with_document(Arc::new(doc)));
        folder.relist();
        let root = folder.root.clone();
        self.refresh_folder(&root);
    }

    /// Watched-file events: deletions apply at once; created and changed paths go to the disk
    /// worker and apply when read.
    fn watched(&mut self, events: Vec<lsp::FileEvent>) {
        let excludes = loader::exclude_set(&self.settings.exclude.value);
        let mut to_load: HashMap<usize, Vec<String>> = HashMap::new();
        let mut deleted_in: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for event in events {
            let Some(place) = self.place_of(&event.uri) else { continue };
            let folder = &self.folders[place.folder];
            if folder.loose || place.root != RootKind::Workspace || loader::is_excluded(&place.path, &excludes) {
                continue;
            }
            if event.typ == lsp::FileChangeType::DELETED {
                self.forget_path(place.folder, &place.path);
                deleted_in.entry(place.folder).or_default().push(place.path);
            } else {
                to_load.entry(place.folder).or_default().push(place.path);
            }
        }
        for (index, deleted) in deleted_in {
            // Folders left without any listed file may be gone too (per-file delete events say
            // nothing of their folders): ask the disk about the deleted paths' folders that now
            // list nothing.
            let folder = &self.folders[index];
            let lists_something = |dir: &str| {
                let prefix = format!("{dir}/");
                folder.files.range(prefix.clone()..).next().is_some_and(|f| f.starts_with(&prefix))
            };
            let emptied: BTreeSet<String> = deleted
                .iter()
                .flat_map(|path| path.match_indices('/').map(move |(i, _)| &path[..i]))
                .filter(|dir| folder.dirs.contains(*dir) && !lists_something(dir))
                .map(str::to_string)
                .collect();
            if !emptied.is_empty() {
                let job = DiskJob::GoneDirs { folder: folder.tag(), dirs: emptied.into_iter().collect() };
                self.ask_disk(job);
            }
            self.folders[index].relist();
            let root = self.folders[index].root.clone();
            self.refresh_folder(&root);
        }
        let options = LoadOptions { excludes: self.settings.exclude.value.clone(), ..LoadOptions::default() };
        for (index, paths) in to_load {
            let job = DiskJob::Load { folder: self.folders[index].tag(), paths, options: options.clone() };
            self.ask_disk(job);
        }
    }

    /// Removes a deleted file or folder (one event for a whole folder) from the listing and,
    /// for the files the editor does not have open, from the index: an open document keeps the
    /// editor's text whatever happens on disk.
    fn forget_path(&mut self, index: usize, path: &str) {
        let open_paths = self.open_paths_in(index);
        let folder = &mut self.folders[index];
        let prefix = format!("{path}/");
        let under = |p: &String| p == path || p.starts_with(&prefix);
        let gone: Vec<String> = folder.files.iter().filter(|f| under(f)).cloned().collect();
        if !gone.is_empty() {
            Arc::make_mut(&mut folder.files).retain(|f| !under(f));
        }
        if folder.dirs.iter().any(under) {
            Arc::make_mut(&mut folder.dirs).retain(|d| !under(d));
        }
        let mut snapshot = (*folder.snapshot).clone();
        for file in gone.iter().filter(|f| !open_paths.contains(*f)) {
            snapshot = snapshot.without_document(RootKind::Workspace, file);
        }
        let digests: Vec<(String, Option<String>)> =
            gone.into_iter().filter(|f| !snapshot.provenance_of(f).is_empty()).map(|f| (f, None)).collect();
        folder.snapshot = Arc::new(snapshot.with_digests(digests));
    }

    /// Workspace paths of the open documents of a folder.
    fn open_paths_in(&self, index: usize) -> BTreeSet<String> {
        self.open
            .values()
            .filter_map(|o| o.place.as_ref())
            .filter(|p| p.folder == index && p.root == RootKind::Workspace)
            .map(|p| p.path.clone())
            .collect()
    }

    fn disk_result(&mut self, result: DiskResult) {
        match result {
            DiskResult::Root { uri, root } => {
                match root {
                    Some(root) => {
                        info!("no workspace folder holds {}; indexing {}", uri.as_str(), root.display());
                        self.add_folder(root);
                    }
                    None => {
                        if let Some(file) = from_proto::file_path(&uri) {
                            self.add_loose_file(&file);
                        }
                    }
                }
                self.relocate_open_documents();
            }
            DiskResult::Stat { folder, path, exists } => {
                let Some(host) = self.folder_mut(&folder) else { return };
                if exists && Arc::make_mut(&mut host.files).insert(path) {
                    host.relist();
                    self.refresh_folder(&folder.root);
                }
            }
            DiskResult::GoneDirs { folder, gone } => {
                let Some(host) = self.folder_mut(&folder) else { return };
                if !gone.is_empty() {
                    Arc::make_mut(&mut host.dirs).retain(|d| !gone.contains(d));
                    host.relist();
                    self.refresh_folder(&folder.root);
                }
            }
            DiskResult::ReadBack { folder, root, path, doc } => {
                let still_closed =
                    !self.open.values().any(|o| o.place.as_ref().is_some_and(|p| p.root == root && p.path == path));
                let Some(host) = self.folder_mut(&folder) else { return };
                if let (true, Some(doc)) = (still_closed, doc) {
                    host.snapshot = Arc::new(host.snapshot.with_document(Arc::new(*doc)));
                    self.refresh_folder(&folder.root);
                }
            }
            DiskResult::Loaded { folder, entries } => self.loaded(&folder, entries),
            DiskResult::Digests { folder, digests } => {
                let Some(host) = self.folder_mut(&folder) else { return };
                host.snapshot = Arc::new(host.snapshot.with_digests(digests));
                self.refresh_folder(&folder.root);
            }
        }
    }

    /// Applies what the disk worker read for watched-file events.
    fn loaded(&mut self, tag: &FolderTag, entries: Vec<Loaded>) {
        let Some(index) = self.folder_index(tag) else { return };
        let open_paths = self.open_paths_in(index);
        let folder = &mut self.folders[index];
        let mut digest_paths: Vec<String> = Vec::new();
        for entry in entries {
            match entry {
                Loaded::Dir { path, tree, docs } => {
                    let files = Arc::make_mut(&mut folder.files);
                    files.extend(tree.files.iter().map(|f| format!("{path}/{f}")));
                    let dirs = Arc::make_mut(&mut folder.dirs);
                    dirs.insert(path.clone());
                    dirs.extend(tree.dirs.iter().map(|d| format!("{path}/{d}")));
                    // A folder restored or moved in: its documents, except those the editor has.
                    let docs: Vec<Arc<Document>> =
                        docs.into_iter().filter(|d| !open_paths.contains(&d.path)).map(Arc::new).collect();
                    digest_paths.extend(loader::recorded_artifacts(docs.iter().map(|d| &**d)));
                    digest_paths.extend(
                        docs.iter()
                            .filter(|d| !folder.snapshot.provenance_of(&d.path).is_empty())
                            .map(|d| d.path.clone()),
                    );
                    folder.snapshot = Arc::new(folder.snapshot.with_documents(docs));
                }
                Loaded::File { path, doc } => {
                    Arc::make_mut(&mut folder.files).insert(path.clone());
                    // A changed artifact's checksum, and the artifact a changed record names.
                    if !folder.snapshot.provenance_of(&path).is_empty() {
                        digest_paths.push(path.clone());
                    }
                    if open_paths.contains(&path) {
                        continue; // The editor's text wins.
                    }
                    if let Some(doc) = doc {
                        digest_paths.extend(loader::recorded_artifacts([&*doc]));
                        folder.snapshot = Arc::new(folder.snapshot.with_document(Arc::new(*doc)));
                    }
                }
                Loaded::Missing { path } => debug!("{path} was reported but cannot be read inside the folder"),
            }
        }
        folder.relist();
        let root = folder.root.clone();
        if !digest_paths.is_empty() {
            let job = DiskJob::Digests { folder: tag.clone(), paths: digest_paths };
            self.ask_disk(job);
        }
        self.refresh_folder(&root);
    }

    /// Documents of `root` that are open, as the editor has them.
    fn open_documents_in(&self, root: &Path) -> Vec<Arc<Document>> {
        let Some(index) = self.folders.iter().position(|f| f.root == root) else { return Vec::new() };
        let folder = &self.folders[index];
        self.open
            .values()
            .filter_map(|o| o.place.as_ref().filter(|p| p.folder == index))
            .filter_map(|p| folder.snapshot.doc_by_path(p.root, &p.path).map(|id| folder.snapshot.doc_arc(id)))
            .collect()
    }

    fn refresh_folder(&mut self, root: &Path) {
        let index = self.folders.iter().position(|f| f.root == root);
        let uris: Vec<lsp::Uri> = self
            .open
            .iter()
            .filter(|(_, o)| o.place.as_ref().map(|p| p.folder) == index)
            .map(|(u, _)| u.clone())
            .collect();
        // Sent even with no document open: closed documents' problems may have changed.
        self.emit(Event::Refresh(uris));
    }

    /// Queues an event for after the next publish.
    fn emit(&mut self, event: Event) {
        self.outbox.push(event);
    }

    fn refresh_all(&mut self) {
        let uris = self.open.keys().cloned().collect();
        self.emit(Event::Refresh(uris));
    }

    fn publish(&self) {
        let open = self.open.iter().map(|(uri, o)| (uri.clone(), Arc::clone(&o.text))).collect();
        self.world.store(Arc::new(World {
            folders: self.world_folders(),
            open: Arc::new(open),
            encoding: self.encoding,
            settings: self.settings.clone(),
        }));
    }
}

/// tree-sitter's description of replacing `[start, end)` of the rope with `new_text`. Points
/// are (row, byte column). tree-sitter counts rows at `\n` only and the rope also at a lone
/// `\r`; the two differ only in files that use bare `\r` line ends, where tree-sitter's point
/// bookkeeping is then approximate but its byte offsets, which drive reuse, stay exact.
fn input_edit(rope: &Rope, start: usize, end: usize, new_text: &str) -> tree_sitter::InputEdit {
    let point = |offset: usize| {
        let row = rope.byte_to_line(offset);
        tree_sitter::Point { row, column: offset - rope.line_to_byte(row) }
    };
    let start_position = point(start);
    let old_end_position = point(end);
    let new_end_position = match new_text.rfind('\n') {
        None => tree_sitter::Point { row: start_position.row, column: start_position.column + new_text.len() },
        Some(last) => tree_sitter::Point {
            row: start_position.row + new_text.matches('\n').count(),
            column: new_text.len() - last - 1,
        },
    };
    tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: start + new_text.len(),
        start_position,
        old_end_position,
        new_end_position,
    }
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
