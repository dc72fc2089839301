//! Every disk read the server makes for its index happens here, off the writer thread: the cold
//! index of a folder (one thread per folder: the listing first, then the documents in batches
//! with progress) and a disk worker for the small reads that changes need (a file the editor
//! opened or closed, files the watcher reported, provenance checksums, the root for a file opened
//! without a workspace). Results go back to the writer as [`Internal`] messages, tagged with the
//! folder and generation they were asked for, so the writer can drop stale ones.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types as lsp;
use tracing::{debug, info, warn};

use crate::loader::{self, AiwgRootPlace, LoadOptions, LoadedTree};
use crate::lsp::host::{Event, Internal, InternalSender};
use crate::lsp::settings::{AiwgRootSetting, Settings};
use crate::resolve::{AiwgRoot, PathSet, RootKind, Roots};
use crate::workspace::{Document, FileRole, PathInterner, ResolutionCache, ResolvedDocument};

/// How long the indexer gathers documents before handing them to the writer, at least.
const INDEX_BATCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

/// Documents read and resolved, waiting to go to the writer together.
struct Gathered {
    docs: Vec<ResolvedDocument>,
    since: std::time::Instant,
    /// Whether the batch sent once most documents are read has gone.
    tail_sent: bool,
}

impl Gathered {
    fn new() -> Gathered {
        Gathered { docs: Vec::new(), since: std::time::Instant::now(), tail_sent: false }
    }

    /// Whether to send what is gathered, `elapsed` into a load that has read `read` of `total`
    /// documents. At least [`INDEX_BATCH_INTERVAL`] and half the time the load has run so far
    /// apart, so that a workspace of any size costs a handful of index copies (a 50,000-document
    /// one took 16 at a fixed interval). And once when seven eighths are read, because the
    /// writer applies the last batch after the reading is over, with nothing else to overlap:
    /// left to the time rule it held half the workspace (190 ms at 50,000 documents).
    fn due(&mut self, elapsed: std::time::Duration, read: usize, total: usize) -> bool {
        let tail = !self.tail_sent && read * 8 >= total * 7;
        self.tail_sent |= tail;
        tail || self.since.elapsed() >= INDEX_BATCH_INTERVAL.max(elapsed / 2)
    }
}

/// Which folder and which of its indexings a job is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FolderTag {
    pub(crate) root: PathBuf,
    pub(crate) generation: u64,
}

/// Small reads for the writer, done in the order asked.
pub(crate) enum DiskJob {
    /// The project root of a file opened when the editor named no workspace folder.
    FindRoot { uri: lsp::Uri, file: PathBuf },
    /// Whether an opened file exists on disk, so that references to it resolve.
    Stat { folder: FolderTag, path: String },
    /// Which of these folders are gone, after files under them were reported deleted.
    GoneDirs { folder: FolderTag, dirs: Vec<String> },
    /// A document's text on disk after the editor closed it.
    ReadBack { folder: FolderTag, root: RootKind, base: PathBuf, path: String },
    /// Files and folders the watcher reported created or changed.
    Load { folder: FolderTag, paths: Vec<String>, options: LoadOptions },
    /// Checksums of the files provenance records describe.
    Digests { folder: FolderTag, paths: Vec<String> },
}

/// What a [`DiskJob`] found.
pub(crate) enum DiskResult {
    Root { uri: lsp::Uri, root: Option<PathBuf> },
    Stat { folder: FolderTag, path: String, exists: bool },
    GoneDirs { folder: FolderTag, gone: Vec<String> },
    ReadBack { folder: FolderTag, root: RootKind, path: String, doc: Option<Box<Document>> },
    Loaded { folder: FolderTag, entries: Vec<Loaded> },
    Digests { folder: FolderTag, digests: Vec<(String, Option<String>)> },
}

/// One reported path, read.
pub(crate) enum Loaded {
    /// A new folder, everything under it, and its documents.
    Dir { path: String, tree: LoadedTree, docs: Vec<Document> },
    /// A file; `doc` is `None` for files that are only listed or could not be read.
    File { path: String, doc: Option<Box<Document>> },
    /// Gone again, outside the folder through a link, or excluded.
    Missing { path: String },
}

/// Starts the disk worker; it stops when the returned sender is dropped.
pub(crate) fn spawn_disk_worker(internal: InternalSender) -> Sender<DiskJob> {
    let (jobs, receiver) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("aiwg-disk".into()).spawn(move || run_disk(receiver, internal));
    if let Err(err) = spawned {
        tracing::error!("cannot start the disk worker: {err}");
    }
    jobs
}

fn run_disk(jobs: Receiver<DiskJob>, internal: InternalSender) {
    while let Ok(job) = jobs.recv() {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| disk_job(job)));
        match result {
            Ok(result) => internal.send(Internal::Disk(Box::new(result))),
            // The writer counts jobs in flight; it must hear back even when one fails.
            Err(_) => internal.send(Internal::DiskFailed),
        }
    }
}

fn disk_job(job: DiskJob) -> DiskResult {
    match job {
        DiskJob::FindRoot { uri, file } => DiskResult::Root { uri, root: loader::fallback_root(&file) },
        DiskJob::Stat { folder, path } => {
            let exists = loader::inside_root(&folder.root, &path).is_some_and(|file| file.is_file());
            DiskResult::Stat { folder, path, exists }
        }
        DiskJob::GoneDirs { folder, dirs } => {
            let guard = loader::RootGuard::new(&folder.root);
            let gone = dirs
                .into_iter()
                .filter(|d| guard.as_ref().and_then(|g| g.resolve(d)).is_none_or(|path| !path.is_dir()))
                .collect();
            DiskResult::GoneDirs { folder, gone }
        }
        DiskJob::ReadBack { folder, root, base, path } => {
            let text = loader::read_in_root(&base, &path, LoadOptions::default().max_document_bytes).ok();
            let doc = text.and_then(|text| crate::workspace::document_from_text(&path, root, &text)).map(Box::new);
            DiskResult::ReadBack { folder, root, path, doc }
        }
        DiskJob::Load { folder, paths, options } => {
            let entries = match loader::RootGuard::new(&folder.root) {
                Some(guard) => paths.into_iter().map(|path| load_reported(&guard, path, &options)).collect(),
                None => paths.into_iter().map(|path| Loaded::Missing { path }).collect(),
            };
            DiskResult::Loaded { folder, entries }
        }
        DiskJob::Digests { folder, paths } => {
            DiskResult::Digests { digests: loader::digests_of(&folder.root, paths), folder }
        }
    }
}

/// Reads a path the watcher reported: a folder with all its documents, or one file. Links are
/// read only when they lead to a file inside the folder; a link to a folder is never followed
/// (as the walk never follows one), so a link loop or a link out of the workspace stays unread.
/// The host has already left out excluded paths.
fn load_reported(guard: &loader::RootGuard, path: String, options: &LoadOptions) -> Loaded {
    let Some(file) = guard.resolve(&path) else { return Loaded::Missing { path } };
    let Ok(meta) = std::fs::symlink_metadata(&file) else { return Loaded::Missing { path } };
    if meta.is_dir() {
        let tree = loader::walk(&file, options);
        let docs = tree
            .files
            .iter()
            .filter_map(|f| loader::load_document(guard, &format!("{path}/{f}"), RootKind::Workspace, options).ok()?)
            .collect();
        return Loaded::Dir { path, tree, docs };
    }
    // A plain file, or a link that resolved to a file inside the folder.
    if !file.is_file() {
        return Loaded::Missing { path };
    }
    let doc = match loader::load_document(guard, &path, RootKind::Workspace, options) {
        Ok(doc) => doc.map(Box::new),
        Err(reason) => {
            warn!("not indexing {path}: {reason}");
            None
        }
    };
    Loaded::File { path, doc }
}

/// Loads a folder in the background: the listing first (so references resolve at once), then
/// the documents in batches, with progress.
pub(crate) fn spawn_index(
    folder: FolderTag,
    settings: Settings,
    internal: InternalSender,
    events: UnboundedSender<Event>,
) {
    let _ = events.send(Event::IndexStarted { root: folder.root.clone() });
    let spawned = std::thread::Builder::new()
        .name("aiwg-indexer".into())
        .spawn(move || index_folder(folder, settings, internal, events));
    if let Err(err) = spawned {
        warn!("cannot start the indexer: {err}");
    }
}

/// The aiwg root for a folder, and why there is none when there is none.
fn choose_aiwg_root(settings: &Settings, root: &Path) -> (AiwgRootPlace, Option<String>) {
    match &settings.aiwg_root.value {
        AiwgRootSetting::Invalid(why) => (AiwgRootPlace::Missing, Some(why.clone())),
        setting => {
            let path = match setting {
                AiwgRootSetting::Path(path) => Some(path.as_path()),
                _ => None,
            };
            let choice = loader::discover_aiwg_root(path, root);
            info!("aiwg root for {}: {:?}", root.display(), choice);
            let place = loader::place_aiwg_root(choice.as_ref(), root);
            let problem = loader::aiwg_root_problem(choice.as_ref(), &place);
            (place, problem)
        }
    }
}

fn index_folder(folder: FolderTag, settings: Settings, internal: InternalSender, events: UnboundedSender<Event>) {
    let started = std::time::Instant::now();
    let root = folder.root.clone();
    let options = LoadOptions { excludes: settings.exclude.value.clone(), ..LoadOptions::default() };
    let tree = loader::walk(&root, &options);
    let aiwg_options = LoadOptions { read_code: false, ..options.clone() };
    let (place, problem) = choose_aiwg_root(&settings, &root);
    let (aiwg, aiwg_tree, aiwg_path) = match place {
        AiwgRootPlace::Missing => (AiwgRoot::Missing, None, None),
        AiwgRootPlace::Workspace => (AiwgRoot::Workspace, None, None),
        AiwgRootPlace::External(path) => {
            let tree = loader::walk(&path, &aiwg_options);
            let set = Arc::new(PathSet::new(tree.files.clone(), tree.dirs.clone()));
            (AiwgRoot::External(set), Some(tree), Some(path))
        }
    };
    let roots = Roots {
        workspace: Arc::new(PathSet::new(tree.files.clone(), tree.dirs.clone())),
        aiwg,
        aiwg_problem: problem.map(Into::into),
    };
    let count =
        |files: &[String], read_code| files.iter().filter(|f| FileRole::of(f, read_code) != FileRole::Listed).count();
    let total = count(&tree.files, true) + aiwg_tree.as_ref().map_or(0, |t| count(&t.files, false));
    // The same path sets as the snapshot's, so that documents resolved on the reader threads
    // are taken as they are (`Snapshot::with_resolved`).
    let resolving = roots.clone();
    internal.send(Internal::Listing {
        folder: folder.clone(),
        roots,
        files: tree.files.clone(),
        dirs: tree.dirs.clone(),
        aiwg_root: aiwg_path.clone(),
    });
    let mut offset = 0;
    let mut documents = 0;
    let mut trees: Vec<(&Path, RootKind, &[String], &LoadOptions)> =
        vec![(&root, RootKind::Workspace, &tree.files, &options)];
    if let (Some(path), Some(tree)) = (&aiwg_path, &aiwg_tree) {
        trees.push((path, RootKind::Aiwg, &tree.files, &aiwg_options));
    }
    // Each batch the writer applies copies the snapshot's indexes once, and they grow as the
    // load goes on, so batches are gathered for a while rather than sent as the readers finish
    // them (see `Gathered::due`).
    let pending: std::sync::Mutex<Gathered> = std::sync::Mutex::new(Gathered::new());
    let flush = |pending: &mut Gathered| {
        if !pending.docs.is_empty() {
            let docs = std::mem::take(&mut pending.docs);
            debug!("sending {} indexed documents at {:?}", docs.len(), started.elapsed());
            internal.send(Internal::Documents { folder: folder.clone(), docs });
        }
        pending.since = std::time::Instant::now();
    };
    // The files provenance records describe, hashed by the reader that meets the record, so
    // that no file is left to hash once the last document is read (at 50,000 documents that
    // took 190 ms after the reading, on one thread).
    let recorded: std::sync::Mutex<std::collections::HashSet<String>> = std::sync::Mutex::default();
    let digests: std::sync::Mutex<Vec<(String, Option<String>)>> = std::sync::Mutex::default();
    // One resolution cache and path interner per reader thread, so that a path named all over
    // the workspace is resolved and held once per thread. A single shared one serialized the
    // readers: its lookups wait on memory (the memo outgrows the caches at 50,000 documents),
    // and resolving under its lock took 40% of the load's wall time there.
    let caches: Vec<std::sync::Mutex<(ResolutionCache, PathInterner)>> =
        (0..loader::worker_count()).map(|_| std::sync::Mutex::default()).collect();
    for (base, kind, files, options) in trees {
        let read = std::sync::atomic::AtomicUsize::new(0);
        loader::stream_documents(base, kind, files, options, &|docs, _skipped, done, _| {
            read.fetch_add(docs.len(), std::sync::atomic::Ordering::Relaxed);
            let new_artifacts: Vec<String> = {
                let mut recorded = recorded.lock().unwrap_or_else(|e| e.into_inner());
                loader::recorded_artifacts(&docs).into_iter().filter(|path| recorded.insert(path.clone())).collect()
            };
            if !new_artifacts.is_empty() {
                let found = loader::digests_of(&root, new_artifacts);
                digests.lock().unwrap_or_else(|e| e.into_inner()).extend(found);
            }
            // Resolved here, on this reader thread, rather than by the writer one at a time.
            let resolved: Vec<ResolvedDocument> = {
                let free = caches.iter().find_map(|cache| match cache.try_lock() {
                    Ok(guard) => Some(guard),
                    Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                    Err(std::sync::TryLockError::WouldBlock) => None,
                });
                let mut guard = free.unwrap_or_else(|| caches[0].lock().unwrap_or_else(|e| e.into_inner()));
                let (cache, interner) = &mut *guard;
                docs.into_iter().map(|doc| ResolvedDocument::new(&resolving, Arc::new(doc), cache, interner)).collect()
            };
            let mut pending = pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.docs.extend(resolved);
            if pending.due(started.elapsed(), offset + done, total) {
                flush(&mut pending);
            }
            drop(pending);
            let _ = events.send(Event::IndexProgress { root: root.clone(), done: offset + done, total });
        });
        offset += count(files, options.read_code);
        documents += read.into_inner();
    }
    flush(&mut pending.lock().unwrap_or_else(|e| e.into_inner()));
    debug!("read {documents} documents of {} in {:?}", root.display(), started.elapsed());
    let mut digests = digests.into_inner().unwrap_or_else(|e| e.into_inner());
    digests.sort_unstable();
    internal.send(Internal::Indexed { folder, documents, elapsed: started.elapsed(), digests });
}

#[cfg(test)]
mod tests {
    use super::Gathered;
    use std::time::Duration;

    #[test]
    fn a_batch_goes_once_seven_eighths_are_read_and_then_by_time_alone() {
        let mut gathered = Gathered::new();
        // Early in a long load, a batch just begun waits for the interval.
        assert!(!gathered.due(Duration::from_secs(10), 100, 1_000));
        assert!(!gathered.due(Duration::from_secs(10), 874, 1_000));
        assert!(gathered.due(Duration::from_secs(10), 875, 1_000));
        // The tail batch goes once; the next waits for the time rule again.
        assert!(!gathered.due(Duration::from_secs(10), 950, 1_000));
        gathered.since = gathered.since.checked_sub(Duration::from_secs(6)).expect("the clock has run six seconds");
        assert!(gathered.due(Duration::from_secs(10), 990, 1_000));
    }
}
