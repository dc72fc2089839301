//! The disk: finding the project and aiwg roots, walking a tree in parallel, reading files
//! within limits, and turning them into [`Document`]s. This is the only module below `cli/` and
//! `lsp/` that touches the file system or the environment; `check` and the server share it.
//!
//! The walk includes hidden folders and ignores `.gitignore`, because aiwg's own repository
//! gitignores `.aiwg/` and the provider folders (`.claude/`…) that hold what we index. It skips
//! `.git`, `node_modules`, `target` and configured excludes, never follows directory symlinks
//! (so symlink loops cannot trap it), follows file symlinks only when they stay inside the
//! root, and skips binary, oversized and unreadable files with a log line.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use tracing::{debug, warn};

use crate::resolve::{AiwgRoot, PathSet, RootKind, Roots};
use crate::workspace::{Document, FileRole, SnapshotInput, document_from_text};

/// Folders never walked.
pub(crate) const ALWAYS_SKIPPED: &[&str] = &[".git", "node_modules", "target"];

#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Globs (relative to the root) of files and folders to leave out.
    pub(crate) excludes: Vec<String>,
    /// Larger markdown and YAML files are listed but not read.
    pub(crate) max_document_bytes: u64,
    /// Larger source files are listed but not read.
    pub(crate) max_code_bytes: u64,
    /// Whether to read source files for qualified references (not for an aiwg root).
    pub(crate) read_code: bool,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            excludes: Vec::new(),
            max_document_bytes: 8 * 1024 * 1024,
            max_code_bytes: 1024 * 1024,
            read_code: true,
        }
    }
}

/// A file left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Skipped {
    pub(crate) path: String,
    pub(crate) reason: String,
}

/// One walked tree: every file path, and the documents read from it.
#[derive(Debug, Default)]
pub struct LoadedTree {
    pub files: Vec<String>,
    /// Every folder, so that references to empty folders resolve too.
    pub dirs: Vec<String>,
    pub(crate) documents: Vec<Document>,
    pub(crate) skipped: Vec<Skipped>,
}

/// How the aiwg root was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AiwgRootChoice {
    pub(crate) path: PathBuf,
    /// `setting`, `$AIWG_ROOT`, `~/.local/share/ai-writing-guide`, … or `workspace`.
    pub(crate) source: String,
}

/// The nearest ancestor of `start` (itself included) holding `.aiwg/`, else `start`.
pub(crate) fn project_root(start: &Path) -> PathBuf {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
    let dir =
        if start.is_file() { start.parent().map(Path::to_path_buf).unwrap_or(start.clone()) } else { start.clone() };
    nearest_project(&dir).unwrap_or(dir)
}

/// The nearest ancestor of `dir` (itself included) that holds a project's `.aiwg/` folder.
/// The home folder does not count: aiwg keeps its own settings in `~/.aiwg/` (`channel.json`,
/// `src/channel/manager.mjs`), which would otherwise make every folder under home one project.
pub(crate) fn nearest_project(dir: &Path) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from).and_then(|h| h.canonicalize().ok());
    dir.ancestors().filter(|a| home.as_deref() != Some(*a)).find(|a| a.join(".aiwg").is_dir()).map(Path::to_path_buf)
}

/// Whether two paths name the same folder, links and `..` resolved.
pub(crate) fn same_dir(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b)
}

/// Where a chosen aiwg root lies for a workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AiwgRootPlace {
    /// None was found, or the chosen one is not a folder.
    Missing,
    /// The workspace is its own aiwg root.
    Workspace,
    /// Elsewhere: its own tree, canonicalized.
    External(PathBuf),
}

/// Decides how the chosen aiwg root relates to `workspace`.
pub(crate) fn place_aiwg_root(choice: Option<&AiwgRootChoice>, workspace: &Path) -> AiwgRootPlace {
    match choice {
        None => AiwgRootPlace::Missing,
        Some(choice) if same_dir(&choice.path, workspace) => AiwgRootPlace::Workspace,
        Some(choice) if !choice.path.is_dir() => {
            warn!("aiwg root {} is not a folder", choice.path.display());
            AiwgRootPlace::Missing
        }
        Some(choice) => AiwgRootPlace::External(choice.path.canonicalize().unwrap_or_else(|_| choice.path.clone())),
    }
}

/// Why a chosen aiwg root gives no tree to resolve against: it was configured (by setting,
/// `--aiwg-root` or `$AIWG_ROOT`) but is not a folder. Diagnostics say so instead of "not
/// configured".
pub(crate) fn aiwg_root_problem(choice: Option<&AiwgRootChoice>, place: &AiwgRootPlace) -> Option<String> {
    match (choice, place) {
        (Some(choice), AiwgRootPlace::Missing) => Some(format!(
            "the configured aiwg root ({}) is `{}`, which is not a folder",
            choice.source,
            choice.path.display()
        )),
        _ => None,
    }
}

/// Whether `dir` is an aiwg checkout or install (it holds the framework sources).
pub(crate) fn is_aiwg_tree(dir: &Path) -> bool {
    dir.join("agentic/code/frameworks").is_dir()
}

/// Finds the aiwg install root: the setting, `$AIWG_ROOT`, `~/.local/share/ai-writing-guide`,
/// `/usr/local/share/ai-writing-guide`, the global npm package, then the workspace itself when
/// it holds `agentic/code/frameworks` (the detection order of aiwg's
/// `templates/configuration/aiwg-config-template.md` and `src/mcp/server.mjs`). The global npm
/// package is looked for in the usual prefixes rather than by running `npm`.
pub(crate) fn discover_aiwg_root(setting: Option<&Path>, workspace: &Path) -> Option<AiwgRootChoice> {
    let choice = |path: PathBuf, source: &str| AiwgRootChoice { path, source: source.to_string() };
    if let Some(path) = setting {
        return Some(choice(path.to_path_buf(), "setting"));
    }
    if let Some(env) = std::env::var_os("AIWG_ROOT").filter(|v| !v.is_empty()) {
        return Some(choice(PathBuf::from(env), "$AIWG_ROOT"));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut candidates: Vec<(PathBuf, &str)> = Vec::new();
    if let Some(home) = &home {
        candidates.push((home.join(".local/share/ai-writing-guide"), "~/.local/share/ai-writing-guide"));
    }
    candidates.push((PathBuf::from("/usr/local/share/ai-writing-guide"), "/usr/local/share/ai-writing-guide"));
    if let Some(prefix) = std::env::var_os("NPM_CONFIG_PREFIX") {
        candidates.push((PathBuf::from(prefix).join("lib/node_modules/aiwg"), "global npm package"));
    }
    if let Some(home) = &home {
        candidates.push((home.join(".npm-global/lib/node_modules/aiwg"), "global npm package"));
    }
    candidates.push((PathBuf::from("/usr/local/lib/node_modules/aiwg"), "global npm package"));
    candidates.push((PathBuf::from("/usr/lib/node_modules/aiwg"), "global npm package"));
    for (path, source) in candidates {
        if is_aiwg_tree(&path) {
            return Some(choice(path, source));
        }
    }
    is_aiwg_tree(workspace).then(|| choice(workspace.to_path_buf(), "workspace"))
}

pub(crate) fn exclude_set(excludes: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in excludes {
        match Glob::new(pattern.trim_end_matches('/')) {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(err) => warn!("ignoring exclude pattern {pattern:?}: {err}"),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Whether the walk leaves `rel` out: it lies in an always-skipped folder, or it or one of its
/// folders matches an exclude glob (the walk prunes a matching folder with all it holds).
pub(crate) fn is_excluded(rel: &str, excludes: &GlobSet) -> bool {
    let mut prefix_end = 0;
    for segment in rel.split('/') {
        prefix_end += segment.len();
        if ALWAYS_SKIPPED.contains(&segment) || excludes.is_match(&rel[..prefix_end]) {
            return true;
        }
        prefix_end += 1;
    }
    false
}

/// `path` relative to `root`, `/`-separated; `None` outside `root`, for `root` itself, and for a
/// path that climbs with `..` (`/ws/../../etc/x` starts with `/ws` but is not inside it).
pub(crate) fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts: Vec<String> = Vec::new();
    for component in rel.components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The file `rel` of `root`, when it really lies inside `root`: `rel` has no `..` and is not
/// absolute, and the file, links resolved, is under the root, links resolved. `None` for anything
/// that would read outside (a symlink to `/etc`, `a/../../x`), and for files that do not exist.
/// Every read, hash and listing of a single path goes through here (or [`RootGuard`], the same
/// check with the root resolved once).
pub(crate) fn inside_root(root: &Path, rel: &str) -> Option<PathBuf> {
    RootGuard::new(root)?.resolve(rel)
}

/// The check of [`inside_root`] for many paths of one root.
pub(crate) struct RootGuard {
    root: PathBuf,
    canonical_root: PathBuf,
    /// Whether each folder (relative to the root) resolves inside it, links followed: a
    /// workspace's files share few folders, and resolving every file's whole path cost one
    /// `readlink` per component per file.
    folders: std::sync::RwLock<std::collections::HashMap<String, bool>>,
}

impl RootGuard {
    pub(crate) fn new(root: &Path) -> Option<RootGuard> {
        Some(RootGuard {
            root: root.to_path_buf(),
            canonical_root: root.canonicalize().ok()?,
            folders: std::sync::RwLock::default(),
        })
    }

    /// The path of `rel`, when it lies inside the root, links resolved: its folder resolves
    /// inside the root (checked once per folder), and the file is not a link, or is one whose
    /// target resolves inside the root.
    pub(crate) fn resolve(&self, rel: &str) -> Option<PathBuf> {
        let file = self.in_inside_folder(rel)?;
        let is_link = std::fs::symlink_metadata(&file).ok()?.file_type().is_symlink();
        if is_link {
            return self.link_inside(file);
        }
        Some(file)
    }

    /// `rel` under the root, when it is a plain relative path whose folder lies inside the root;
    /// the file itself may still be a link.
    fn in_inside_folder(&self, rel: &str) -> Option<PathBuf> {
        if rel.is_empty() || !Path::new(rel).components().all(|c| matches!(c, std::path::Component::Normal(_))) {
            return None;
        }
        let folder = rel.rsplit_once('/').map_or("", |(folder, _)| folder);
        self.folder_inside(folder).then(|| self.root.join(rel))
    }

    /// `link`, when where it leads is inside the root.
    fn link_inside(&self, link: PathBuf) -> Option<PathBuf> {
        let canonical = link.canonicalize().ok()?;
        canonical.starts_with(&self.canonical_root).then_some(link)
    }

    fn folder_inside(&self, folder: &str) -> bool {
        if folder.is_empty() {
            return true;
        }
        if let Some(&known) = self.folders.read().unwrap_or_else(|e| e.into_inner()).get(folder) {
            return known;
        }
        let inside = self.root.join(folder).canonicalize().is_ok_and(|c| c.starts_with(&self.canonical_root));
        self.folders.write().unwrap_or_else(|e| e.into_inner()).insert(folder.to_string(), inside);
        inside
    }

    /// The text of `rel` within `limit` bytes (see [`read_opened`]), refused outside the root.
    pub(crate) fn read(&self, rel: &str, limit: u64) -> Result<String, String> {
        const REFUSED: &str = "missing, or outside the root through a link";
        let file = self.in_inside_folder(rel).ok_or(REFUSED)?;
        // Opened without following a final link, the file is read through the descriptor
        // that was checked: one open and one fstat for a plain file, where asking first would
        // cost an lstat and two stats (a cold index reads every document).
        match open_no_follow(&file) {
            Ok(opened) => read_opened(opened, limit),
            Err(err) if is_link_refusal(&err) => {
                let file = self.link_inside(file).ok_or(REFUSED)?;
                let mut options = std::fs::OpenOptions::new();
                options.read(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
                read_opened(options.open(file).map_err(|e| e.to_string())?, limit)
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(REFUSED.into()),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// [`RootGuard::read`] for one path.
pub(crate) fn read_in_root(root: &Path, rel: &str, limit: u64) -> Result<String, String> {
    RootGuard::new(root).ok_or("the root does not exist")?.read(rel, limit)
}

/// The folder to index for a file opened when the editor named no workspace folder: the
/// nearest ancestor holding `.aiwg/`, else the nearest holding `.git` or the aiwg framework
/// sources (an aiwg checkout). Never the home folder or `/`, and `None` when nothing marks a
/// project, in which case the file is indexed alone.
pub(crate) fn fallback_root(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    if let Some(project) = nearest_project(dir) {
        return Some(project);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).and_then(|h| h.canonicalize().ok());
    dir.ancestors()
        .filter(|a| home.as_deref() != Some(*a) && a.parent().is_some())
        .find(|a| a.join(".git").exists() || is_aiwg_tree(a))
        .map(Path::to_path_buf)
}

/// Reads an opened file's text within `limit` bytes; anything but a regular file is refused
/// before a byte is read. Binary files (a NUL byte in the first 8 KiB) are
/// refused; invalid UTF-8 is replaced, so the rest of the document still counts. Callers go
/// through [`RootGuard`], which decides whether the path may be read at all.
fn read_opened(file: std::fs::File, limit: u64) -> Result<String, String> {
    use std::io::Read;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > limit {
        return Err(format!("larger than {} MiB ({} bytes)", limit / (1024 * 1024), meta.len()));
    }
    // One byte more than the size, so that the end is seen without growing the buffer; a file
    // that grows meanwhile is still read no further than the limit.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(limit).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return Err("binary content".into());
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    })
}

/// Opens `path` for reading, refusing to follow it when it is itself a link (which the caller
/// then checks); the folders above it are the caller's to have checked. Non-blocking, so that
/// a named pipe in the workspace is refused by [`read_opened`] instead of waiting for a writer.
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a link"));
    }
    options.open(path)
}

/// Whether opening failed because the path is a link ([`open_no_follow`]).
fn is_link_refusal(err: &std::io::Error) -> bool {
    #[cfg(unix)]
    return err.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    return err.kind() == std::io::ErrorKind::Other;
}

/// Reads one file of the tree into a document, when it is one we index.
pub(crate) fn load_document(
    guard: &RootGuard,
    rel: &str,
    root_kind: RootKind,
    options: &LoadOptions,
) -> Result<Option<Document>, String> {
    let role = FileRole::of(rel, options.read_code);
    let limit = match role {
        FileRole::Listed => return Ok(None),
        FileRole::Code | FileRole::Data => options.max_code_bytes,
        FileRole::Markdown | FileRole::Provenance => options.max_document_bytes,
    };
    let text = guard.read(rel, limit)?;
    Ok(document_from_text(rel, root_kind, &text))
}

/// Lists every file and folder under `root` in parallel, without reading any.
pub fn walk(root: &Path, options: &LoadOptions) -> LoadedTree {
    let excludes = exclude_set(&options.excludes);
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let result = Arc::new(Mutex::new(LoadedTree::default()));
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .parents(false)
        .follow_links(false)
        .threads(worker_count())
        .filter_entry({
            let root = root.to_path_buf();
            move |entry| {
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_some_and(|t| t.is_dir()) && ALWAYS_SKIPPED.contains(&name.as_ref()) {
                    return false;
                }
                relative(&root, entry.path()).is_none_or(|rel| !excludes.is_match(&rel))
            }
        })
        .build_parallel();
    walker.run(|| {
        let result = Arc::clone(&result);
        let root = root.to_path_buf();
        let canonical_root = canonical_root.clone();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    warn!("walking {}: {err}", root.display());
                    return ignore::WalkState::Continue;
                }
            };
            let Some(file_type) = entry.file_type() else { return ignore::WalkState::Continue };
            let Some(rel) = relative(&root, entry.path()) else { return ignore::WalkState::Continue };
            let mut result = result.lock().unwrap_or_else(|e| e.into_inner());
            if file_type.is_dir() {
                result.dirs.push(rel);
            } else if file_type.is_file() {
                result.files.push(rel);
            } else if file_type.is_symlink() {
                match entry.path().canonicalize() {
                    Ok(target) if target.starts_with(&canonical_root) && target.is_file() => result.files.push(rel),
                    Ok(_) => debug!("not following symlink {rel}: it leaves the root or is not a file"),
                    Err(err) => {
                        warn!("skipping symlink {rel}: {err}");
                        result.skipped.push(Skipped { path: rel, reason: err.to_string() });
                    }
                }
            } else {
                // FIFOs, sockets, devices: reading one could block forever.
                warn!("skipping {rel}: not a regular file");
                result.skipped.push(Skipped { path: rel, reason: "not a regular file".to_string() });
            }
            ignore::WalkState::Continue
        })
    });
    let mut tree =
        Arc::try_unwrap(result).map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).unwrap_or_default();
    tree.files.sort_unstable();
    tree.dirs.sort_unstable();
    tree
}

pub(crate) fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).min(8)
}

/// Reads the documents among `files` in parallel, calling `progress(done, total)` as batches
/// finish. Files that cannot be read are returned as skipped, with a log line.
pub(crate) fn read_documents(
    root: &Path,
    root_kind: RootKind,
    files: &[String],
    options: &LoadOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Vec<Document>, Vec<Skipped>) {
    let results: Mutex<(Vec<Document>, Vec<Skipped>)> = Mutex::new((Vec::new(), Vec::new()));
    stream_documents(root, root_kind, files, options, &|docs, skipped, done, total| {
        let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
        results.0.extend(docs);
        results.1.extend(skipped);
        drop(results);
        progress(done, total);
    });
    let (mut documents, mut skipped) = results.into_inner().unwrap_or_else(|e| e.into_inner());
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    (documents, skipped)
}

/// A batch of read documents, the files skipped in it, and `(done, total)` so far.
pub(crate) type BatchSink<'a> = dyn Fn(Vec<Document>, Vec<Skipped>, usize, usize) + Sync + 'a;

/// Reads the documents among `files` on all cores, handing each finished batch to `sink`.
pub(crate) fn stream_documents(
    root: &Path,
    root_kind: RootKind,
    files: &[String],
    options: &LoadOptions,
    sink: &BatchSink<'_>,
) {
    const BATCH: usize = 64;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let wanted: Vec<&String> =
        files.iter().filter(|f| FileRole::of(f, options.read_code) != FileRole::Listed).collect();
    let total = wanted.len();
    let Some(guard) = RootGuard::new(root) else {
        warn!("cannot read {}: the folder does not exist", root.display());
        return;
    };
    let guard = &guard;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..worker_count().min(total.div_ceil(BATCH).max(1)) {
            scope.spawn(|| {
                loop {
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= total {
                        break;
                    }
                    let batch = &wanted[start..(start + BATCH).min(total)];
                    let mut docs = Vec::with_capacity(batch.len());
                    let mut skipped = Vec::new();
                    for rel in batch {
                        match load_document(guard, rel, root_kind, options) {
                            Ok(Some(doc)) => docs.push(doc),
                            Ok(None) => {}
                            Err(reason) => {
                                warn!("skipping {rel}: {reason}");
                                skipped.push(Skipped { path: rel.to_string(), reason });
                            }
                        }
                    }
                    let now = done.fetch_add(batch.len(), Ordering::Relaxed) + batch.len();
                    sink(docs, skipped, now, total);
                }
            });
        }
    });
}

/// Walks `root` and reads its documents.
pub(crate) fn load_tree(root: &Path, root_kind: RootKind, options: &LoadOptions) -> LoadedTree {
    load_tree_with_progress(root, root_kind, options, &|_, _| {})
}

fn load_tree_with_progress(
    root: &Path,
    root_kind: RootKind,
    options: &LoadOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> LoadedTree {
    let mut tree = walk(root, options);
    let (documents, skipped) = read_documents(root, root_kind, &tree.files, options, progress);
    tree.documents = documents;
    tree.skipped.extend(skipped);
    tree.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    tree
}

/// A loaded workspace, ready to become a snapshot.
pub struct LoadedWorkspace {
    pub(crate) aiwg_root: Option<AiwgRootChoice>,
    pub input: SnapshotInput,
    pub(crate) skipped: Vec<Skipped>,
    /// Checksums of the files provenance records describe, for `Snapshot::with_digests`.
    pub(crate) digests: Vec<(String, Option<String>)>,
}

impl LoadedWorkspace {
    /// The snapshot of this workspace, with its provenance digests.
    pub(crate) fn into_snapshot(self) -> crate::workspace::Snapshot {
        crate::workspace::Snapshot::build(self.input).with_digests(self.digests)
    }
}

/// The `sha256:<hex>` of a file's bytes (how aiwg's provenance records state checksums), or
/// `None` when it cannot be read within the document size limit or lies outside the root.
fn file_digest(guard: &RootGuard, rel: &str) -> Option<String> {
    use sha2::{Digest, Sha256};
    let path = guard.resolve(rel)?;
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > LoadOptions::default().max_document_bytes {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    let hash = Sha256::digest(&bytes);
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in hash {
        hex.push_str(&format!("{byte:02x}"));
    }
    Some(hex)
}

/// The workspace files that these documents' provenance records describe.
pub(crate) fn recorded_artifacts<'a>(documents: impl IntoIterator<Item = &'a Document>) -> Vec<String> {
    documents
        .into_iter()
        .filter(|d| d.root == RootKind::Workspace)
        .filter_map(|d| d.provenance.as_ref()?.artifact_path().map(str::to_string))
        .collect()
}

/// Digests of the workspace files that these documents' provenance records describe.
pub(crate) fn provenance_digests<'a>(
    root: &Path,
    documents: impl IntoIterator<Item = &'a Document>,
) -> Vec<(String, Option<String>)> {
    digests_of(root, recorded_artifacts(documents))
}

/// Digests of workspace files by relative path; `None` for a file that cannot be read. A record
/// names a path of the workspace: one that climbs out, is absolute
/// (`urn:aiwg:artifact:/etc/passwd`) or leads out through a link is never read.
pub(crate) fn digests_of(root: &Path, mut paths: Vec<String>) -> Vec<(String, Option<String>)> {
    paths.sort();
    paths.dedup();
    let guard = RootGuard::new(root);
    paths
        .into_iter()
        .map(|p| {
            let digest = guard.as_ref().and_then(|g| file_digest(g, &p));
            (p, digest)
        })
        .collect()
}

/// Loads the workspace at `root` and, when it is elsewhere, the aiwg root's documents.
pub fn load_workspace(root: &Path, aiwg_setting: Option<&Path>, options: &LoadOptions) -> LoadedWorkspace {
    load_workspace_with_progress(root, aiwg_setting, options, &|_, _| {})
}

/// [`load_workspace`], reporting `(documents read, documents to read)` as it goes.
pub(crate) fn load_workspace_with_progress(
    root: &Path,
    aiwg_setting: Option<&Path>,
    options: &LoadOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> LoadedWorkspace {
    let aiwg_root = discover_aiwg_root(aiwg_setting, root);
    let workspace_tree = load_tree_with_progress(root, RootKind::Workspace, options, progress);
    let mut documents: Vec<Arc<Document>> = workspace_tree.documents.into_iter().map(Arc::new).collect();
    let mut skipped = workspace_tree.skipped;
    let place = place_aiwg_root(aiwg_root.as_ref(), root);
    let aiwg_problem = aiwg_root_problem(aiwg_root.as_ref(), &place).map(Into::into);
    let aiwg = match place {
        AiwgRootPlace::Missing => AiwgRoot::Missing,
        AiwgRootPlace::Workspace => AiwgRoot::Workspace,
        AiwgRootPlace::External(path) => {
            let aiwg_options = LoadOptions { read_code: false, ..options.clone() };
            let tree = load_tree(&path, RootKind::Aiwg, &aiwg_options);
            documents.extend(tree.documents.into_iter().map(Arc::new));
            skipped.extend(tree.skipped);
            AiwgRoot::External(Arc::new(PathSet::new(tree.files, tree.dirs)))
        }
    };
    let roots =
        Roots { workspace: Arc::new(PathSet::new(workspace_tree.files, workspace_tree.dirs)), aiwg, aiwg_problem };
    let digests = provenance_digests(root, documents.iter().map(|d| &**d));
    LoadedWorkspace { aiwg_root, input: SnapshotInput { roots, documents }, skipped, digests }
}

/// Today's date, `YYYY-MM-DD` in UTC.
pub(crate) fn today_utc() -> String {
    now_utc()[..10].to_string()
}

/// The current time in UTC as RFC 3339 (`2026-12-01T20:14:26Z`), as provenance records write it.
pub(crate) fn now_utc() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, time) = (seconds / 86_400, seconds % 86_400);
    format!("{}T{:02}:{:02}:{:02}Z", civil_date(days as i64), time / 3600, time % 3600 / 60, time % 60)
}

/// The date `days` after 1970-01-01 (Howard Hinnant's days-to-civil algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_guard_follows_links_in_folders_and_files() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("root"), dir.path().join("outside"));
        std::fs::create_dir_all(root.join("docs/inner")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.md"), "# Secret\n").unwrap();
        std::fs::write(root.join("docs/inner/a.md"), "# A\n").unwrap();
        symlink(&outside, root.join("docs/away")).unwrap();
        symlink(outside.join("secret.md"), root.join("docs/secret.md")).unwrap();
        symlink(root.join("docs/inner/a.md"), root.join("docs/alias.md")).unwrap();
        let guard = RootGuard::new(&root).unwrap();
        let allowed = |rel: &str| guard.resolve(rel).is_some();
        assert!(allowed("docs/inner/a.md"));
        assert!(allowed("docs/alias.md"), "a link that stays inside");
        assert!(!allowed("docs/away/secret.md"), "a folder that leads outside");
        assert!(!allowed("docs/away/secret.md"), "and again, from the folder cache");
        assert!(!allowed("docs/secret.md"), "a file link that leads outside");
        assert!(!allowed("docs/../../outside/secret.md") && !allowed("/etc/passwd"));

        // Reading opens the file without following a link, then checks the link: the same
        // answers, and a link's text is its target's.
        symlink(root.join("docs/nowhere.md"), root.join("docs/dangling.md")).unwrap();
        let read = |rel: &str| guard.read(rel, 1 << 20);
        assert_eq!(read("docs/inner/a.md").as_deref(), Ok("# A\n"));
        assert_eq!(read("docs/alias.md").as_deref(), Ok("# A\n"));
        for refused in ["docs/away/secret.md", "docs/secret.md", "docs/dangling.md", "docs/missing.md", "docs/inner"] {
            assert!(read(refused).is_err(), "{refused}");
        }
        assert!(read("docs/../../outside/secret.md").is_err() && read("/etc/passwd").is_err());
        assert!(guard.read("docs/inner/a.md", 2).is_err(), "over the limit");
    }

    #[test]
    fn a_file_with_no_project_above_it_has_no_fallback_root() {
        // `file:///x.md` opened with no workspace: never `/`, so nothing is walked.
        assert_eq!(fallback_root(Path::new("/x.md")), None);
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join("repo");
        std::fs::create_dir_all(git.join(".git")).unwrap();
        std::fs::create_dir_all(git.join("docs/deep")).unwrap();
        assert_eq!(fallback_root(&git.join("docs/deep/a.md")), Some(git.clone()));
        std::fs::create_dir_all(git.join("docs/.aiwg")).unwrap();
        assert_eq!(fallback_root(&git.join("docs/deep/a.md")), Some(git.join("docs")), ".aiwg wins over .git");
    }

    #[test]
    fn exclusion_covers_folders_and_their_contents() {
        let excludes = exclude_set(&["dist".to_string(), "**/*.draft.md".to_string()]);
        assert!(is_excluded("dist", &excludes));
        assert!(is_excluded("dist/notes/x.md", &excludes));
        assert!(is_excluded("docs/a.draft.md", &excludes));
        assert!(is_excluded("node_modules/pkg/README.md", &excludes));
        assert!(!is_excluded("docs/distant.md", &excludes));
        assert!(!is_excluded(".aiwg/requirements/UC-001.md", &excludes));
    }
}
