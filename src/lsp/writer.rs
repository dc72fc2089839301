//! The writer: the one thread that changes state. didOpen/didChange/didClose, watched-file
//! events, settings, folder changes and the background indexer's batches arrive here in order,
//! are applied to the mutable [`Host`], and each change publishes a new [`World`] for requests
//! to read. Diagnostics refreshes and progress go back to the async side as [`Event`]s.
//!
//! Notification handlers only send a message, synchronously, as their first action, so the
//! order of the client's notifications is the order of the messages (tower-lsp-server polls
//! handler futures first in arrival order; see tower-lsp#284 for why state must not depend on
//! later polls).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use arc_swap::ArcSwap;
use ropey::Rope;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types as lsp;
use tracing::{debug, info, warn};

use crate::loader::{self, AiwgRootPlace, LoadOptions};
use crate::lsp::parser::{self, ParseJob};
use crate::lsp::settings::Settings;
use crate::lsp::world::{DocPlace, Folder, OpenText, World};
use crate::model::DocFacts;
use crate::resolve::{AiwgRoot, PathSet, RootKind, Roots};
use crate::text::{LineIndex, PositionEncoding};
use crate::workspace::{Document, FileRole, Snapshot, document_from_text};

/// Messages to the writer, applied in the order sent.
pub enum Msg {
    /// The negotiated encoding and the initial settings, before anything else.
    Init {
        encoding: PositionEncoding,
        settings: Settings,
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
    Close {
        uri: lsp::Uri,
    },
    Watched(Vec<lsp::FileEvent>),
    Settings(Settings),
    /// From an indexer: the folder's listing is known.
    Paths {
        root: PathBuf,
        generation: u64,
        roots: Roots,
        files: Vec<String>,
        dirs: Vec<String>,
        aiwg_root: Option<PathBuf>,
    },
    /// From an indexer: a batch of read documents.
    Documents {
        root: PathBuf,
        generation: u64,
        docs: Vec<Document>,
    },
    /// From an indexer: every document is read.
    Indexed {
        root: PathBuf,
        generation: u64,
        documents: usize,
        elapsed: std::time::Duration,
        /// Checksums of the files provenance records describe.
        digests: Vec<(String, Option<String>)>,
    },
    /// From the parser thread: an open document's facts through tree-sitter.
    TreeFacts {
        uri: lsp::Uri,
        version: i32,
        facts: DocFacts,
    },
    Shutdown,
}

impl Msg {
    /// Messages that come from the client (as opposed to the indexer). The server counts the
    /// ones it sends and the writer the ones it applied, so a request can wait until every
    /// notification before it is visible (LSP requires requests to see earlier changes).
    pub fn is_from_client(&self) -> bool {
        !matches!(self, Msg::Paths { .. } | Msg::Documents { .. } | Msg::Indexed { .. } | Msg::TreeFacts { .. })
    }
}

/// What the writer tells the async side.
#[derive(Debug)]
pub enum Event {
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
}

struct FolderHost {
    root: PathBuf,
    aiwg_root: Option<PathBuf>,
    snapshot: Arc<Snapshot>,
    generation: u64,
    indexed: bool,
    files: BTreeSet<String>,
    dirs: BTreeSet<String>,
}

struct OpenDoc {
    place: Option<DocPlace>,
    version: i32,
    rope: Rope,
    text: Arc<OpenText>,
}

pub struct Host {
    folders: Vec<FolderHost>,
    open: HashMap<lsp::Uri, OpenDoc>,
    encoding: PositionEncoding,
    settings: Settings,
    next_generation: u64,
    world: Arc<ArcSwap<World>>,
    events: UnboundedSender<Event>,
    inbox: Sender<Msg>,
    /// How many client messages have been applied and published.
    applied: tokio::sync::watch::Sender<u64>,
    /// The tree-sitter parse of open markdown documents, off the keystroke path.
    parser: Sender<ParseJob>,
    /// Events of the message being applied, sent once its world is published: a diagnostics
    /// task that ran before that would read the previous world (where a just-opened document
    /// is not open yet) and publish nothing, or stale results.
    outbox: std::cell::RefCell<Vec<Event>>,
}

impl Host {
    pub fn new(
        encoding: PositionEncoding,
        settings: Settings,
        world: Arc<ArcSwap<World>>,
        events: UnboundedSender<Event>,
        inbox: Sender<Msg>,
        applied: tokio::sync::watch::Sender<u64>,
    ) -> Host {
        let parser = parser::spawn(inbox.clone());
        Host {
            folders: Vec::new(),
            open: HashMap::new(),
            encoding,
            settings,
            next_generation: 1,
            world,
            events,
            inbox,
            applied,
            parser,
            outbox: Default::default(),
        }
    }

    /// Applies messages until `Shutdown` or until every sender is gone.
    pub fn run(mut self, messages: Receiver<Msg>) {
        while let Ok(msg) = messages.recv() {
            let from_client = msg.is_from_client();
            let shutdown = matches!(msg, Msg::Shutdown);
            // A bug in one message must not take the server down: log it and go on.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.apply(msg)));
            if let Err(panic) = outcome {
                tracing::error!("the writer panicked applying a change: {}", panic_message(&panic));
            }
            self.publish();
            for event in self.outbox.get_mut().drain(..) {
                let _ = self.events.send(event);
            }
            if from_client {
                self.applied.send_modify(|count| *count += 1);
            }
            if shutdown {
                break;
            }
        }
        debug!("writer stopped");
    }

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Init { encoding, settings } => {
                self.encoding = encoding;
                self.settings = settings;
            }
            Msg::AddFolders(roots) => {
                for root in roots {
                    self.add_folder(root);
                }
            }
            Msg::RemoveFolders(roots) => {
                self.folders.retain(|f| !roots.iter().any(|r| loader::same_dir(r, &f.root)));
                self.relocate_open_documents();
            }
            Msg::Open { uri, version, text } => self.open_document(uri, version, text),
            Msg::Change { uri, version, changes } => self.change_document(&uri, version, changes),
            Msg::Close { uri } => self.close_document(&uri),
            Msg::Watched(events) => self.watched(events),
            Msg::Settings(settings) => self.update_settings(settings),
            Msg::Paths { root, generation, roots, files, dirs, aiwg_root } => {
                let open_docs = self.open_documents_in(&root);
                let Some(folder) = self.folder_mut(&root, generation) else { return };
                folder.files = files.into_iter().collect();
                folder.dirs = dirs.into_iter().collect();
                folder.aiwg_root = aiwg_root;
                folder.snapshot = Arc::new(folder.snapshot.with_roots(roots).with_documents(open_docs));
            }
            Msg::Documents { root, generation, docs } => {
                let open_paths: Vec<(RootKind, String)> =
                    self.open.values().filter_map(|o| o.place.as_ref()).map(|p| (p.root, p.path.clone())).collect();
                let Some(folder) = self.folder_mut(&root, generation) else { return };
                // The editor's text of an open document wins over the file on disk.
                let docs = docs
                    .into_iter()
                    .filter(|d| !open_paths.iter().any(|(r, p)| *r == d.root && *p == d.path))
                    .map(Arc::new);
                folder.snapshot = Arc::new(folder.snapshot.with_documents(docs));
            }
            Msg::Indexed { root, generation, documents, elapsed, digests } => {
                let Some(folder) = self.folder_mut(&root, generation) else { return };
                folder.indexed = true;
                folder.snapshot = Arc::new(folder.snapshot.with_digests(digests));
                info!("indexed {} documents of {} in {} ms", documents, root.display(), elapsed.as_millis());
                self.emit(Event::IndexDone { root: root.clone(), documents, elapsed });
                self.refresh_folder(&root);
            }
            Msg::TreeFacts { uri, version, facts } => self.tree_facts(&uri, version, facts),
            Msg::Shutdown => {}
        }
    }

    fn folder_mut(&mut self, root: &Path, generation: u64) -> Option<&mut FolderHost> {
        self.folders.iter_mut().find(|f| f.root == root && f.generation == generation)
    }

    fn add_folder(&mut self, root: PathBuf) {
        let root = root.canonicalize().unwrap_or(root);
        if self.folders.iter().any(|f| f.root == root) {
            return;
        }
        self.folders.push(FolderHost {
            root: root.clone(),
            aiwg_root: None,
            snapshot: Arc::new(Snapshot::build(Default::default())),
            generation: 0,
            indexed: false,
            files: BTreeSet::new(),
            dirs: BTreeSet::new(),
        });
        self.relocate_open_documents();
        self.start_indexing(&root);
    }

    /// Starts (or restarts) the background indexer of a folder; older indexers' messages are
    /// dropped by generation.
    fn start_indexing(&mut self, root: &Path) {
        let generation = self.next_generation;
        self.next_generation += 1;
        let Some(folder) = self.folders.iter_mut().find(|f| f.root == root) else { return };
        folder.generation = generation;
        folder.indexed = false;
        let root = folder.root.clone();
        let settings = self.settings.clone();
        let inbox = self.inbox.clone();
        let events = self.events.clone();
        let _ = events.send(Event::IndexStarted { root: root.clone() });
        let spawned = std::thread::Builder::new()
            .name("aiwg-indexer".into())
            .spawn(move || index_folder(root, generation, settings, inbox, events));
        if let Err(err) = spawned {
            warn!("cannot start the indexer: {err}");
        }
    }

    fn update_settings(&mut self, settings: Settings) {
        let reindex = settings.aiwg_root != self.settings.aiwg_root || settings.exclude != self.settings.exclude;
        self.settings = settings;
        if reindex {
            let roots: Vec<PathBuf> = self.folders.iter().map(|f| f.root.clone()).collect();
            for root in roots {
                self.start_indexing(&root);
            }
        } else {
            self.refresh_all();
        }
    }

    /// Places every open document again after folders changed.
    fn relocate_open_documents(&mut self) {
        let uris: Vec<lsp::Uri> = self.open.keys().cloned().collect();
        for uri in uris {
            let place = self.place_of(&uri);
            if let Some(open) = self.open.get_mut(&uri) {
                open.place = place;
            }
            self.reanalyze(&uri);
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
            })
            .collect()
    }

    fn open_document(&mut self, uri: lsp::Uri, version: i32, text: String) {
        let mut place = self.place_of(&uri);
        if place.is_none()
            && let Some(path) = uri.to_file_path()
        {
            // No folder holds it (Helix outside a repository sends no root): index the nearest
            // ancestor holding `.aiwg/`, else the working directory when it holds the file,
            // else the file's own folder.
            let root = fallback_root(&path);
            info!("no workspace folder holds {}; indexing {}", path.display(), root.display());
            self.add_folder(root);
            place = self.place_of(&uri);
        }
        let rope = Rope::from_str(&text);
        let text: Arc<str> = text.into();
        let open_text = Arc::new(OpenText { version, line_index: Arc::new(LineIndex::new(&text)), text });
        self.open.insert(uri.clone(), OpenDoc { place, version, rope, text: open_text });
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
                    let start = rope_offset(&open.rope, range.start, encoding);
                    let end = rope_offset(&open.rope, range.end, encoding).max(start);
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
        let doc = Document { facts, ..(*current).clone() };
        folder.snapshot = Arc::new(folder.snapshot.with_document(Arc::new(doc)));
        self.emit(Event::Refresh(vec![uri.clone()]));
    }

    fn close_document(&mut self, uri: &lsp::Uri) {
        let _ = self.parser.send(ParseJob::Close { uri: uri.clone() });
        let Some(open) = self.open.remove(uri) else { return };
        let Some(place) = open.place else { return };
        // Back to what is on disk, or gone if the file was deleted while open.
        let Some(folder) = self.folders.get_mut(place.folder) else { return };
        let disk = match place.root {
            RootKind::Workspace => Some(folder.root.join(&place.path)),
            RootKind::Aiwg => folder.aiwg_root.as_ref().map(|r| r.join(&place.path)),
        };
        let doc = disk
            .and_then(|file| loader::read_text(&file, LoadOptions::default().max_document_bytes).ok())
            .and_then(|text| document_from_text(&place.path, place.root, &text));
        folder.snapshot = Arc::new(match doc {
            Some(doc) => folder.snapshot.with_document(Arc::new(doc)),
            None => folder.snapshot.without_document(place.root, &place.path),
        });
        self.emit(Event::Refresh(vec![uri.clone()]));
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

    fn watched(&mut self, events: Vec<lsp::FileEvent>) {
        let mut touched_folders: BTreeSet<usize> = BTreeSet::new();
        let mut listing_changed: BTreeSet<usize> = BTreeSet::new();
        let mut changed: Vec<(usize, String)> = Vec::new();
        let excludes = loader::exclude_set(&self.settings.exclude);
        for event in events {
            let Some(place) = self.place_of(&event.uri) else { continue };
            if place.root != RootKind::Workspace || loader::is_excluded(&place.path, &excludes) {
                continue;
            }
            changed.push((place.folder, place.path.clone()));
            let is_open = self.open.contains_key(&event.uri);
            let Some(folder) = self.folders.get_mut(place.folder) else { continue };
            touched_folders.insert(place.folder);
            let file = folder.root.join(&place.path);
            match event.typ {
                lsp::FileChangeType::DELETED => {
                    // A folder deletion arrives as one event for the folder.
                    let prefix = format!("{}/", place.path);
                    let gone: Vec<String> =
                        folder.files.iter().filter(|f| **f == place.path || f.starts_with(&prefix)).cloned().collect();
                    folder.files.retain(|f| *f != place.path && !f.starts_with(&prefix));
                    folder.dirs.retain(|d| *d != place.path && !d.starts_with(&prefix));
                    let mut snapshot = (*folder.snapshot).clone();
                    for path in gone {
                        if !is_open {
                            snapshot = snapshot.without_document(RootKind::Workspace, &path);
                        }
                    }
                    folder.snapshot = Arc::new(snapshot);
                    listing_changed.insert(place.folder);
                }
                _ => {
                    if file.is_dir() {
                        // A new folder: list it (its files may arrive as their own events too).
                        let tree = loader::walk(&file, &LoadOptions::default());
                        let base = &place.path;
                        folder.dirs.insert(base.clone());
                        folder.dirs.extend(tree.dirs.iter().map(|d| format!("{base}/{d}")));
                        folder.files.extend(tree.files.iter().map(|f| format!("{base}/{f}")));
                        listing_changed.insert(place.folder);
                        continue;
                    }
                    if folder.files.insert(place.path.clone()) {
                        listing_changed.insert(place.folder);
                    }
                    if is_open {
                        continue; // The editor's text wins.
                    }
                    let options = LoadOptions { excludes: self.settings.exclude.clone(), ..LoadOptions::default() };
                    match loader::load_document(&folder.root, &place.path, RootKind::Workspace, &options) {
                        Ok(Some(doc)) => folder.snapshot = Arc::new(folder.snapshot.with_document(Arc::new(doc))),
                        Ok(None) => {}
                        Err(reason) => warn!("not indexing {}: {reason}", place.path),
                    }
                }
            }
        }
        for index in listing_changed {
            let folder = &mut self.folders[index];
            let workspace = Arc::new(PathSet::new(
                folder.files.iter().cloned().collect(),
                folder.dirs.iter().cloned().collect::<Vec<_>>(),
            ));
            let roots = Roots { workspace, aiwg: folder.snapshot.roots().aiwg.clone() };
            folder.snapshot = Arc::new(folder.snapshot.with_roots(roots));
        }
        // Provenance checksums: an artifact that changed on disk, or a record that changed.
        for index in &touched_folders {
            let folder = &mut self.folders[*index];
            let snapshot = &folder.snapshot;
            let mut paths: Vec<String> = Vec::new();
            for (_, path) in changed.iter().filter(|(f, _)| f == index) {
                if !snapshot.provenance_of(path).is_empty() {
                    paths.push(path.clone());
                }
                if let Some(id) = snapshot.doc_by_path(RootKind::Workspace, path) {
                    paths.extend(loader::recorded_artifacts([snapshot.doc(id)]));
                }
            }
            if !paths.is_empty() {
                folder.snapshot = Arc::new(folder.snapshot.with_digests(loader::digests_of(&folder.root, paths)));
            }
        }
        for index in touched_folders {
            let root = self.folders[index].root.clone();
            self.refresh_folder(&root);
        }
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

    fn refresh_folder(&self, root: &Path) {
        let index = self.folders.iter().position(|f| f.root == root);
        let uris: Vec<lsp::Uri> = self
            .open
            .iter()
            .filter(|(_, o)| o.place.as_ref().map(|p| p.folder) == index)
            .map(|(u, _)| u.clone())
            .collect();
        if !uris.is_empty() {
            self.emit(Event::Refresh(uris));
        }
    }

    /// Queues an event for after the next publish.
    fn emit(&self, event: Event) {
        self.outbox.borrow_mut().push(event);
    }

    fn refresh_all(&self) {
        self.emit(Event::Refresh(self.open.keys().cloned().collect()));
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

/// How long the indexer gathers documents before handing them to the writer.
const INDEX_BATCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

/// Loads a folder in the background: the listing first (so references resolve at once), then
/// the documents in batches, with progress.
fn index_folder(
    root: PathBuf,
    generation: u64,
    settings: Settings,
    inbox: Sender<Msg>,
    events: UnboundedSender<Event>,
) {
    let started = std::time::Instant::now();
    let options = LoadOptions { excludes: settings.exclude.clone(), ..LoadOptions::default() };
    let aiwg_choice = loader::discover_aiwg_root(settings.aiwg_root.as_deref(), &root);
    let tree = loader::walk(&root, &options);
    let aiwg_options = LoadOptions { read_code: false, ..options.clone() };
    let (aiwg, aiwg_tree, aiwg_path) = match loader::place_aiwg_root(aiwg_choice.as_ref(), &root) {
        AiwgRootPlace::Missing => (AiwgRoot::Missing, None, None),
        AiwgRootPlace::Workspace => (AiwgRoot::Workspace, None, None),
        AiwgRootPlace::External(path) => {
            let tree = loader::walk(&path, &aiwg_options);
            let set = Arc::new(PathSet::new(tree.files.clone(), tree.dirs.clone()));
            (AiwgRoot::External(set), Some(tree), Some(path))
        }
    };
    info!("aiwg root for {}: {:?}", root.display(), aiwg_choice);
    let roots = Roots { workspace: Arc::new(PathSet::new(tree.files.clone(), tree.dirs.clone())), aiwg };
    let count =
        |files: &[String], read_code| files.iter().filter(|f| FileRole::of(f, read_code) != FileRole::Listed).count();
    let total = count(&tree.files, true) + aiwg_tree.as_ref().map_or(0, |t| count(&t.files, false));
    let sent = inbox.send(Msg::Paths {
        root: root.clone(),
        generation,
        roots,
        files: tree.files.clone(),
        dirs: tree.dirs.clone(),
        aiwg_root: aiwg_path.clone(),
    });
    if sent.is_err() {
        return; // The server is gone.
    }
    let mut offset = 0;
    let mut documents = 0;
    let mut trees: Vec<(&Path, RootKind, &[String], &LoadOptions)> =
        vec![(&root, RootKind::Workspace, &tree.files, &options)];
    if let (Some(path), Some(tree)) = (&aiwg_path, &aiwg_tree) {
        trees.push((path, RootKind::Aiwg, &tree.files, &aiwg_options));
    }
    // Each batch the writer applies copies the snapshot's indexes once, so batches are
    // gathered for a while rather than sent as the readers finish them: a 10,000-document
    // workspace then costs a handful of copies instead of one per 64 documents.
    let pending: std::sync::Mutex<(Vec<Document>, std::time::Instant)> =
        std::sync::Mutex::new((Vec::new(), std::time::Instant::now()));
    let flush = |pending: &mut (Vec<Document>, std::time::Instant)| {
        if !pending.0.is_empty() {
            let docs = std::mem::take(&mut pending.0);
            let _ = inbox.send(Msg::Documents { root: root.clone(), generation, docs });
        }
        pending.1 = std::time::Instant::now();
    };
    let recorded: std::sync::Mutex<Vec<String>> = std::sync::Mutex::default();
    for (base, kind, files, options) in trees {
        let read = std::sync::atomic::AtomicUsize::new(0);
        loader::stream_documents(base, kind, files, options, &|docs, _skipped, done, _| {
            read.fetch_add(docs.len(), std::sync::atomic::Ordering::Relaxed);
            recorded.lock().unwrap_or_else(|e| e.into_inner()).extend(loader::recorded_artifacts(&docs));
            let mut pending = pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.0.extend(docs);
            if pending.1.elapsed() >= INDEX_BATCH_INTERVAL {
                flush(&mut pending);
            }
            drop(pending);
            let _ = events.send(Event::IndexProgress { root: root.clone(), done: offset + done, total });
        });
        offset += count(files, options.read_code);
        documents += read.into_inner();
    }
    flush(&mut pending.lock().unwrap_or_else(|e| e.into_inner()));
    let digests = loader::digests_of(&root, recorded.into_inner().unwrap_or_else(|e| e.into_inner()));
    let _ = inbox.send(Msg::Indexed { root, generation, documents, elapsed: started.elapsed(), digests });
}

/// The root for a document opened outside every workspace folder.
fn fallback_root(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or(file);
    if let Some(project) = loader::nearest_project(dir) {
        return project;
    }
    match std::env::current_dir() {
        Ok(cwd) if file.starts_with(&cwd) => cwd,
        _ => dir.to_path_buf(),
    }
}

/// A client position as a byte offset in a rope whose lines break at `\n`, `\r\n` and `\r`,
/// as LSP's do (the rope is built without Unicode line breaks for that reason).
fn rope_offset(rope: &Rope, position: lsp::Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_byte(line);
    let mut units = 0usize;
    let mut bytes = 0usize;
    for ch in rope.line(line).chars() {
        if ch == '\n' || ch == '\r' || units >= position.character as usize {
            break;
        }
        let width = match encoding {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if units + width > position.character as usize {
            break; // Inside a character: its start.
        }
        units += width;
        bytes += ch.len_utf8();
    }
    line_start + bytes
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

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
