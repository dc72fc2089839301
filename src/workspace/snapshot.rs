//! `Snapshot`: an immutable, `Arc`-shareable view of the workspace and its indexes.
//!
//! It is built from documents whose facts were already extracted (in parallel, by the loader
//! or the server's writer) and never reads a file. IDs are not unique in real workspaces
//! (aiwg-format §1.3: ADR-001 three times in one repository), so every ID maps to a set.
//!
//! Updates return a new snapshot that shares everything unchanged with the old one: each
//! index sits behind its own `Arc` and is copied only when the update touches it, so a
//! keystroke that changes prose copies the document table and nothing else. Document IDs are
//! slots that stay stable across updates; a removed document leaves an empty slot.

/// The snapshot's maps are keyed by paths and IDs from the user's own files, hashed on every
/// update; SipHash's resistance to chosen collisions buys nothing there.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use std::sync::{Arc, OnceLock};

use crate::analysis::symbols::SymbolIndex;
use crate::model::IdKey;
use crate::resolve::{Resolution, RootKind, Roots, Target, may_depend_on_referrer_name, resolve_as, resolve_link};
use crate::workspace::Document;

/// A document's slot in its snapshot; stable while the document exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(pub u32);

/// A reference: the document holding it and its index in `facts.references`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefId {
    pub(crate) doc: DocId,
    pub(crate) index: u32,
}

/// What a snapshot is built from.
#[derive(Default)]
pub struct SnapshotInput {
    pub roots: Roots,
    pub documents: Vec<Arc<Document>>,
}

/// A document and how each of its references resolved.
struct Entry {
    doc: Arc<Document>,
    resolutions: Arc<[Resolution]>,
    /// How many of its references only an aiwg root could resolve (none being known).
    wanting_aiwg: u32,
}

impl Entry {
    fn new(roots: &Roots, doc: Arc<Document>) -> Entry {
        Entry::resolve(roots, doc, &mut ResolutionCache::default(), &mut PathInterner::default())
    }

    /// Points each reference whose path is written exactly as its one target's at the target's
    /// path, which the root's path set already holds, and every other at `interner`'s copy.
    /// A document already shared with a snapshot is left as it is.
    fn share_paths(&mut self, interner: &mut PathInterner) {
        let Some(doc) = Arc::get_mut(&mut self.doc) else { return };
        for (reference, resolution) in doc.facts.references.iter_mut().zip(self.resolutions.iter()) {
            reference.path = match resolution.targets() {
                [target] if target.path == reference.path => Arc::clone(&target.path),
                _ => interner.intern(&reference.path),
            };
        }
    }

    /// `doc` resolved against `roots` through `cache`, its paths shared through `interner`.
    fn resolve(roots: &Roots, doc: Arc<Document>, cache: &mut ResolutionCache, interner: &mut PathInterner) -> Entry {
        let resolutions = resolve_all(roots, &doc, cache);
        let wanting_aiwg =
            resolutions.iter().zip(doc.facts.references.iter()).filter(|(res, r)| wants_aiwg(&doc, res, r)).count()
                as u32;
        let mut entry = Entry { doc, resolutions, wanting_aiwg };
        entry.share_paths(interner);
        entry
    }
}

/// A document with its references resolved against some roots, ready for the snapshot: the
/// cold index resolves on the reader threads, in parallel, instead of on the one writer.
pub(crate) struct ResolvedDocument {
    entry: Entry,
    roots: Roots,
}

impl ResolvedDocument {
    /// `doc` resolved against `roots` through `cache`, its paths shared through `interner`.
    pub(crate) fn new(
        roots: &Roots,
        doc: Arc<Document>,
        cache: &mut ResolutionCache,
        interner: &mut PathInterner,
    ) -> ResolvedDocument {
        ResolvedDocument { entry: Entry::resolve(roots, doc, cache, interner), roots: roots.clone() }
    }

    pub(crate) fn doc(&self) -> &Document {
        &self.entry.doc
    }
}

/// A reference that dangles only for want of an aiwg root.
fn wants_aiwg(doc: &Document, resolution: &Resolution, reference: &crate::model::Reference) -> bool {
    matches!(resolution, Resolution::Dangling { glob: false })
        && crate::resolve::could_resolve_in_aiwg_root(reference, doc.is_framework_at(reference.range.start))
}

/// One map per root, so lookups borrow `&str` instead of building keys.
type PerRoot<V> = [HashMap<Box<str>, V>; 2];

/// Backlinks per root, keyed by the targets' shared paths (no copy per key).
type BacklinkMap = [HashMap<Arc<str>, Vec<RefId>>; 2];

fn root_index(root: RootKind) -> usize {
    match root {
        RootKind::Workspace => 0,
        RootKind::Aiwg => 1,
    }
}

#[derive(Clone)]
pub struct Snapshot {
    roots: Roots,
    slots: Arc<Vec<Option<Arc<Entry>>>>,
    by_path: Arc<PerRoot<DocId>>,
    declarations: Arc<HashMap<IdKey, Vec<DocId>>>,
    /// ID -> mentions, as (document, index into `facts.id_mentions`).
    mentions: Arc<HashMap<IdKey, Vec<RefId>>>,
    backlinks: Arc<BacklinkMap>,
    /// Provenance records by the artifact path their entity names.
    provenance: Arc<HashMap<Box<str>, Vec<DocId>>>,
    /// `sha256:<hex>` of the workspace files that provenance records describe, as the loader
    /// read them from disk (the core reads no files).
    digests: Arc<HashMap<Box<str>, Box<str>>>,
    /// [`Snapshot::unresolvable_without_aiwg`], computed on first use (every document's
    /// diagnostics ask); every change starts a fresh cell.
    unresolvable_without_aiwg: Arc<OnceLock<Option<(RefId, usize)>>>,
    /// [`Snapshot::symbol_index`], built on the first workspace/symbol query after a change.
    symbol_index: Arc<OnceLock<SymbolIndex>>,
}

impl Snapshot {
    pub fn build(input: SnapshotInput) -> Snapshot {
        let SnapshotInput { roots, mut documents } = input;
        documents.sort_by(|a, b| (a.root, &a.path).cmp(&(b.root, &b.path)));
        documents.dedup_by(|a, b| a.root == b.root && a.path == b.path);
        let mut interner = PathInterner::default();
        let mut cache = ResolutionCache::default();
        let slots: Vec<Option<Arc<Entry>>> = documents
            .into_iter()
            .map(|doc| Some(Arc::new(Entry::resolve(&roots, doc, &mut cache, &mut interner))))
            .collect();
        Snapshot::index(roots, slots)
    }

    /// Builds every index from the slots.
    fn index(roots: Roots, slots: Vec<Option<Arc<Entry>>>) -> Snapshot {
        let mut snapshot = Snapshot {
            roots,
            slots: Arc::default(),
            by_path: Arc::default(),
            declarations: Arc::default(),
            mentions: Arc::default(),
            backlinks: Arc::default(),
            provenance: Arc::default(),
            digests: Arc::default(),
            unresolvable_without_aiwg: Arc::default(),
            symbol_index: Arc::default(),
        };
        let by_path = Arc::make_mut(&mut snapshot.by_path);
        for (slot, entry) in slots.iter().enumerate() {
            let Some(entry) = entry else { continue };
            by_path[root_index(entry.doc.root)].insert(entry.doc.path.as_str().into(), DocId(slot as u32));
        }
        for (slot, entry) in slots.iter().enumerate() {
            if let Some(entry) = entry {
                snapshot.add_to_indexes(DocId(slot as u32), entry);
            }
        }
        snapshot.slots = Arc::new(slots);
        snapshot
    }

    /// The snapshot with `doc` added, or replacing the document at the same path.
    pub fn with_document(&self, doc: Arc<Document>) -> Snapshot {
        self.with_documents([doc])
    }

    /// The snapshot with each of `docs` added or replacing the document at its path; one copy
    /// of each touched index serves the whole batch.
    pub(crate) fn with_documents(&self, docs: impl IntoIterator<Item = Arc<Document>>) -> Snapshot {
        let mut next = self.clone();
        for doc in docs {
            next.insert(doc);
        }
        next
    }

    /// [`Snapshot::with_documents`] for documents resolved elsewhere; one resolved against
    /// other roots (the listing changed meanwhile) is resolved again.
    pub(crate) fn with_resolved(&self, docs: impl IntoIterator<Item = ResolvedDocument>) -> Snapshot {
        let mut next = self.clone();
        for resolved in docs {
            if resolved.roots.same_as(&next.roots) {
                next.insert_entry(resolved.entry);
            } else {
                next.insert(resolved.entry.doc);
            }
        }
        next
    }

    fn insert(&mut self, doc: Arc<Document>) {
        let entry = Entry::new(&self.roots, doc);
        self.insert_entry(entry);
    }

    fn insert_entry(&mut self, entry: Entry) {
        self.unresolvable_without_aiwg = Arc::default();
        let existing = self.doc_by_path(entry.doc.root, &entry.doc.path);
        let id = existing.unwrap_or(DocId(self.slots.len() as u32));
        let old = existing.and_then(|id| self.slots[id.0 as usize].clone());
        // The symbol index holds names and where they are in their document's list, so an
        // edit that leaves a document's names as they were (most keystrokes) keeps it.
        let same_names = old.as_ref().is_some_and(|old| {
            old.doc.symbols.len() == entry.doc.symbols.len()
                && old.doc.symbols.iter().zip(entry.doc.symbols.iter()).all(|(a, b)| a.name == b.name)
        });
        if !same_names {
            self.symbol_index = Arc::default();
        }
        let entry = Arc::new(entry);
        let slots = Arc::make_mut(&mut self.slots);
        if existing.is_some() {
            slots[id.0 as usize] = Some(Arc::clone(&entry));
        } else {
            slots.push(Some(Arc::clone(&entry)));
            Arc::make_mut(&mut self.by_path)[root_index(entry.doc.root)].insert(entry.doc.path.as_str().into(), id);
        }
        self.reindex_entry(id, old.as_deref(), Some(&entry));
    }

    /// The snapshot without the document at `path`, if there was one.
    pub(crate) fn without_document(&self, root: RootKind, path: &str) -> Snapshot {
        let Some(id) = self.doc_by_path(root, path) else { return self.clone() };
        let mut next = self.clone();
        next.unresolvable_without_aiwg = Arc::default();
        next.symbol_index = Arc::default();
        let old = self.slots[id.0 as usize].clone();
        Arc::make_mut(&mut next.slots)[id.0 as usize] = None;
        Arc::make_mut(&mut next.by_path)[root_index(root)].remove(path);
        next.reindex_entry(id, old.as_deref(), None);
        next
    }

    /// The snapshot over new path sets (files were created or deleted): every reference is
    /// resolved again, since any of them may now point elsewhere.
    pub(crate) fn with_roots(&self, roots: Roots) -> Snapshot {
        // The documents are shared with this snapshot, so their paths stay as they are.
        let (mut cache, mut interner) = (ResolutionCache::default(), PathInterner::default());
        let slots: Vec<Option<Arc<Entry>>> = self
            .slots
            .iter()
            .map(|slot| {
                slot.as_ref()
                    .map(|entry| Arc::new(Entry::resolve(&roots, Arc::clone(&entry.doc), &mut cache, &mut interner)))
            })
            .collect();
        Snapshot { digests: Arc::clone(&self.digests), ..Snapshot::index(roots, slots) }
    }

    /// The snapshot with the digests of some workspace files replaced (`None` forgets one).
    pub(crate) fn with_digests(&self, digests: impl IntoIterator<Item = (String, Option<String>)>) -> Snapshot {
        let mut next = self.clone();
        let map = Arc::make_mut(&mut next.digests);
        for (path, digest) in digests {
            match digest {
                Some(digest) => map.insert(path.into(), digest.into()),
                None => map.remove(path.as_str()),
            };
        }
        next
    }

    /// Every workspace-symbol name in one flat list (see [`SymbolIndex`]).
    pub(crate) fn symbol_index(&self) -> &SymbolIndex {
        self.symbol_index.get_or_init(|| {
            let started = std::time::Instant::now();
            let index = SymbolIndex::build(self);
            tracing::debug!("built the symbol index in {:?}", started.elapsed());
            index
        })
    }

    /// With no aiwg root, the workspace's first reference that only an aiwg root could resolve
    /// (the first document in index order that has one, which is path order for the documents
    /// indexed at start) and how many there are; `None` when there is an aiwg root or none.
    /// Each entry counts its own at resolution, so this costs one pass over the entries.
    pub(crate) fn unresolvable_without_aiwg(&self) -> Option<(RefId, usize)> {
        if !matches!(self.roots.aiwg, crate::resolve::AiwgRoot::Missing) {
            return None;
        }
        *self.unresolvable_without_aiwg.get_or_init(|| self.count_unresolvable_without_aiwg())
    }

    fn count_unresolvable_without_aiwg(&self) -> Option<(RefId, usize)> {
        let mut first = None;
        let mut count = 0;
        for (slot, entry) in self.slots.iter().enumerate() {
            let Some(entry) = entry.as_ref().filter(|e| e.wanting_aiwg > 0 && e.doc.root == RootKind::Workspace) else {
                continue;
            };
            count += entry.wanting_aiwg as usize;
            if first.is_none() {
                let index = entry
                    .resolutions
                    .iter()
                    .zip(entry.doc.facts.references.iter())
                    .position(|(res, r)| wants_aiwg(&entry.doc, res, r))?;
                first = Some(RefId { doc: DocId(slot as u32), index: index as u32 });
            }
        }
        first.map(|f| (f, count))
    }

    /// The `sha256:<hex>` of a workspace file described by a provenance record, when known.
    pub(crate) fn digest(&self, path: &str) -> Option<&str> {
        self.digests.get(path).map(|d| &**d)
    }

    /// Moves `id`'s contributions to the ID, backlink and provenance indexes from `old` to
    /// `new`, copying an index only when they differ.
    fn reindex_entry(&mut self, id: DocId, old: Option<&Entry>, new: Option<&Entry>) {
        let (None, Some(new)) = (old, new) else { return self.move_in_indexes(id, old, new) };
        self.add_to_indexes(id, new);
    }

    /// Adds a document that had no place in the indexes: nothing to compare or take out, and
    /// a key is made only when it is new (a cold load adds every document this way).
    fn add_to_indexes(&mut self, id: DocId, entry: &Entry) {
        let facts = &entry.doc.facts;
        if !facts.declared_ids.is_empty() {
            let declarations = Arc::make_mut(&mut self.declarations);
            for declared in &facts.declared_ids {
                push_under(declarations, &declared.id.key, || declared.id.key.clone(), id);
            }
        }
        if !facts.id_mentions.is_empty() {
            let mentions = Arc::make_mut(&mut self.mentions);
            for (index, mention) in facts.id_mentions.iter().enumerate() {
                push_under(
                    mentions,
                    &mention.id.key,
                    || mention.id.key.clone(),
                    RefId { doc: id, index: index as u32 },
                );
            }
        }
        if entry.resolutions.iter().any(|r| !r.targets().is_empty()) {
            let backlinks = Arc::make_mut(&mut self.backlinks);
            for (index, resolution) in entry.resolutions.iter().enumerate() {
                for target in resolution.targets() {
                    let map = &mut backlinks[root_index(target.root)];
                    push_under(map, &*target.path, || Arc::clone(&target.path), RefId { doc: id, index: index as u32 });
                }
            }
        }
        if let Some(path) = provenance_key(&entry.doc) {
            push_under(Arc::make_mut(&mut self.provenance), path, || path.into(), id);
        }
    }

    /// [`Snapshot::reindex_entry`] when a document changes or goes.
    fn move_in_indexes(&mut self, id: DocId, old: Option<&Entry>, new: Option<&Entry>) {
        let old_keys: Vec<IdKey> = old.map(|e| declared_keys(&e.doc)).unwrap_or_default();
        let new_keys: Vec<IdKey> = new.map(|e| declared_keys(&e.doc)).unwrap_or_default();
        if old_keys != new_keys {
            let declarations = Arc::make_mut(&mut self.declarations);
            for key in &old_keys {
                if let Some(ids) = declarations.get_mut(key) {
                    ids.retain(|&d| d != id);
                    if ids.is_empty() {
                        declarations.remove(key);
                    }
                }
            }
            for key in new_keys {
                declarations.entry(key).or_default().push(id);
            }
        }

        let old_mentions = old.map(|e| mention_keys(&e.doc)).unwrap_or_default();
        let new_mentions = new.map(|e| mention_keys(&e.doc)).unwrap_or_default();
        if old_mentions != new_mentions {
            let mentions = Arc::make_mut(&mut self.mentions);
            for (key, _) in &old_mentions {
                if let Some(refs) = mentions.get_mut(key) {
                    refs.retain(|r| r.doc != id);
                    if refs.is_empty() {
                        mentions.remove(key);
                    }
                }
            }
            for (key, index) in new_mentions {
                mentions.entry(key).or_default().push(RefId { doc: id, index });
            }
        }

        let old_targets: Vec<(Target, u32)> = old.map(targets_of).unwrap_or_default();
        let new_targets: Vec<(Target, u32)> = new.map(targets_of).unwrap_or_default();
        if old_targets != new_targets {
            let backlinks = Arc::make_mut(&mut self.backlinks);
            for (target, _) in &old_targets {
                let map = &mut backlinks[root_index(target.root)];
                if let Some(refs) = map.get_mut(&*target.path) {
                    refs.retain(|r| r.doc != id);
                    if refs.is_empty() {
                        map.remove(&*target.path);
                    }
                }
            }
            for (target, index) in new_targets {
                backlinks[root_index(target.root)]
                    .entry(Arc::clone(&target.path))
                    .or_default()
                    .push(RefId { doc: id, index });
            }
        }

        let old_record = old.and_then(|e| provenance_key(&e.doc));
        let new_record = new.and_then(|e| provenance_key(&e.doc));
        if old_record != new_record {
            let provenance = Arc::make_mut(&mut self.provenance);
            if let Some(path) = old_record
                && let Some(ids) = provenance.get_mut(path)
            {
                ids.retain(|&d| d != id);
                if ids.is_empty() {
                    provenance.remove(path);
                }
            }
            if let Some(path) = new_record {
                provenance.entry(path.into()).or_default().push(id);
            }
        }
    }

    pub(crate) fn roots(&self) -> &Roots {
        &self.roots
    }

    pub fn documents(&self) -> impl Iterator<Item = (DocId, &Document)> {
        self.slots.iter().enumerate().filter_map(|(i, slot)| slot.as_ref().map(|e| (DocId(i as u32), &*e.doc)))
    }

    /// Documents of the workspace itself (not of an external aiwg root).
    pub fn workspace_documents(&self) -> impl Iterator<Item = (DocId, &Document)> {
        self.documents().filter(|(_, d)| d.root == RootKind::Workspace)
    }

    /// The document in slot `id`. Panics on an empty slot: IDs come from this snapshot.
    pub fn doc(&self, id: DocId) -> &Document {
        &self.entry(id).doc
    }

    /// The shared document in slot `id`, for callers that keep it.
    pub(crate) fn doc_arc(&self, id: DocId) -> Arc<Document> {
        Arc::clone(&self.entry(id).doc)
    }

    fn entry(&self, id: DocId) -> &Entry {
        self.slots[id.0 as usize].as_deref().expect("a DocId from this snapshot")
    }

    pub(crate) fn doc_by_path(&self, root: RootKind, path: &str) -> Option<DocId> {
        self.by_path[root_index(root)].get(path).copied()
    }

    /// The indexed document a target names, if it is one.
    pub(crate) fn target_doc(&self, target: &Target) -> Option<DocId> {
        self.doc_by_path(target.root, &target.path)
    }

    /// How each reference of `doc` resolved, in `facts.references` order.
    pub(crate) fn resolutions(&self, doc: DocId) -> &[Resolution] {
        &self.entry(doc).resolutions
    }

    /// Documents declaring `key`.
    pub(crate) fn declaring(&self, key: &IdKey) -> &[DocId] {
        self.declarations.get(key).map_or(&[], Vec::as_slice)
    }

    /// Mentions of `key`, as indexes into each document's `facts.id_mentions`.
    pub(crate) fn mentioning(&self, key: &IdKey) -> &[RefId] {
        self.mentions.get(key).map_or(&[], Vec::as_slice)
    }

    /// Every declared ID with its documents.
    pub(crate) fn declarations(&self) -> impl Iterator<Item = (&IdKey, &[DocId])> {
        self.declarations.iter().map(|(k, v)| (k, v.as_slice()))
    }

    /// Whether any document declares an ID with this prefix (e.g. the workspace tracks `UC-`).
    pub(crate) fn tracks_prefix(&self, prefix: &str) -> bool {
        self.declarations.keys().any(|k| k.prefix == prefix)
    }

    /// References that resolve to `path` in `root`.
    pub(crate) fn backlinks(&self, root: RootKind, path: &str) -> &[RefId] {
        self.backlinks[root_index(root)].get(path).map_or(&[], Vec::as_slice)
    }

    /// Provenance records whose entity is the artifact at `path`.
    pub(crate) fn provenance_of(&self, path: &str) -> &[DocId] {
        self.provenance.get(path).map_or(&[], Vec::as_slice)
    }
}

fn resolve_all(roots: &Roots, doc: &Document, cache: &mut ResolutionCache) -> Arc<[Resolution]> {
    let whole = doc.is_framework_text();
    let framework_at = |offset: usize| whole || doc.facts.generated.iter().any(|g| g.start <= offset && offset < g.end);
    let project = roots.project_dir(doc.root, &doc.path);
    let folder = doc.path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let (in_project, in_folder) = cache.memos(doc.root, project, folder);
    doc.facts
        .references
        .iter()
        .map(|r| {
            let framework = !r.link && framework_at(r.range.start);
            let resolve = || match r.link {
                true => resolve_link(roots, doc.root, &doc.path, &r.path),
                false => resolve_as(roots, doc.root, &doc.path, framework, &r.path),
            };
            let kind = if r.link { 2 } else { usize::from(framework) };
            // What holds across folders was found before the REF-ID fallback was tried, so it
            // holds whatever the document's name; what holds in one folder may not.
            let by_name = !r.link && may_depend_on_referrer_name(&r.path);
            let in_this_project = if r.link { None } else { in_project[kind].get(&*r.path) };
            let in_this_folder = || if by_name { None } else { in_folder[kind].get(&*r.path) };
            if let Some(known) = in_this_project.or_else(in_this_folder) {
                return known.clone();
            }
            let resolution = resolve();
            if !r.link && resolution.holds_across_folders() {
                in_project[kind].insert(Arc::clone(&r.path), resolution.clone());
            } else if !by_name {
                in_folder[kind].insert(Arc::clone(&r.path), resolution.clone());
            }
            resolution
        })
        .collect()
}

/// Resolutions already worked out for documents resolved together (a cold load, a `check`, new
/// listings), so that a path named all over a workspace is resolved once and its references
/// share one list of targets. `resolve_as` reads nothing of the referring document but its
/// root, project, folder and name, and whether the text is aiwg's; only the REF-ID fallback
/// reads the name, and what it finds is never reused.
#[derive(Default)]
pub(crate) struct ResolutionCache {
    /// Per root and project folder, for the user's text then aiwg's: resolutions that hold in
    /// every folder of the project ([`Resolution::holds_across_folders`]).
    projects: [HashMap<Box<str>, [PathMemo; 2]>; 2],
    /// The folders resolved most recently, with what holds only there: links, and references
    /// that resolved relative to the folder or not at all. Documents come in path order, a
    /// folder's together, so a few folders are enough and the cache stays small.
    folders: std::collections::VecDeque<FolderMemo>,
}

type PathMemo = HashMap<Arc<str>, Resolution>;

struct FolderMemo {
    root: RootKind,
    folder: Box<str>,
    /// `@`-references in the user's text, in aiwg's, then links.
    memo: [PathMemo; 3],
}

/// How many folders' own resolutions [`ResolutionCache`] keeps.
const RECENT_FOLDERS: usize = 4;

impl ResolutionCache {
    fn memos(&mut self, root: RootKind, project: &str, folder: &str) -> (&mut [PathMemo; 2], &mut [PathMemo; 3]) {
        let position = self.folders.iter().position(|f| f.root == root && *f.folder == *folder);
        let index = match position {
            Some(index) => index,
            None => {
                if self.folders.len() == RECENT_FOLDERS {
                    self.folders.pop_back();
                }
                self.folders.push_front(FolderMemo { root, folder: folder.into(), memo: Default::default() });
                0
            }
        };
        let project = self.projects[root_index(root)].entry(project.into()).or_default();
        (project, &mut self.folders[index].memo)
    }
}

/// One copy of each reference path written in the documents read together (a cold load, a
/// `check`). At ten thousand documents references are the index's largest part, and most
/// name a path that many others name too, resolved or not (an example path in a template is
/// copied into every document made from it).
#[derive(Default)]
pub(crate) struct PathInterner {
    paths: std::collections::HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl PathInterner {
    fn intern(&mut self, path: &Arc<str>) -> Arc<str> {
        match self.paths.get(path) {
            Some(shared) => Arc::clone(shared),
            None => {
                self.paths.insert(Arc::clone(path));
                Arc::clone(path)
            }
        }
    }
}

/// Appends `value` to the list under `key`, making the key only when it is new.
fn push_under<K, Q, V>(map: &mut HashMap<K, Vec<V>>, key: &Q, make_key: impl FnOnce() -> K, value: V)
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
{
    match map.get_mut(key) {
        Some(list) => list.push(value),
        None => {
            map.insert(make_key(), vec![value]);
        }
    }
}

fn declared_keys(doc: &Document) -> Vec<IdKey> {
    doc.facts.declared_ids.iter().map(|d| d.id.key.clone()).collect()
}

fn mention_keys(doc: &Document) -> Vec<(IdKey, u32)> {
    doc.facts.id_mentions.iter().enumerate().map(|(i, m)| (m.id.key.clone(), i as u32)).collect()
}

fn targets_of(entry: &Entry) -> Vec<(Target, u32)> {
    entry
        .resolutions
        .iter()
        .enumerate()
        .flat_map(|(index, resolution)| resolution.targets().iter().map(move |t| (t.clone(), index as u32)))
        .collect()
}

fn provenance_key(doc: &Document) -> Option<&str> {
    doc.provenance.as_ref()?.artifact_path()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::PathSet;
    use crate::workspace::document_from_text;

    fn doc(path: &str, text: &str) -> Arc<Document> {
        Arc::new(document_from_text(path, RootKind::Workspace, text).expect("a markdown path"))
    }

    fn roots(paths: &[&str]) -> Roots {
        Roots {
            workspace: Arc::new(PathSet::new(paths.iter().map(|p| p.to_string()).collect(), [])),
            ..Roots::default()
        }
    }

    /// Every index of a snapshot as sorted lines, with documents named by path (slots differ
    /// between a patched snapshot, which keeps empty ones, and a fresh build).
    fn index_view(s: &Snapshot) -> Vec<String> {
        let name = |id: &DocId| s.doc(*id).path.clone();
        let reference = |r: &RefId| format!("{}#{}", s.doc(r.doc).path, r.index);
        let sorted = |mut items: Vec<String>| {
            items.sort();
            items.join(" ")
        };
        let mut lines = Vec::new();
        for (root, map) in s.by_path.iter().enumerate() {
            for (path, id) in map {
                lines.push(format!("path {root} {path} -> {}", name(id)));
            }
        }
        for (id, doc) in s.documents() {
            let resolutions: Vec<String> = s.resolutions(id).iter().map(|r| format!("{r:?}")).collect();
            lines.push(format!("resolutions {} {}", doc.path, resolutions.join(" ")));
        }
        for (key, ids) in s.declarations.iter() {
            lines.push(format!("declares {key} {}", sorted(ids.iter().map(name).collect())));
        }
        for (key, refs) in s.mentions.iter() {
            lines.push(format!("mentions {key} {}", sorted(refs.iter().map(reference).collect())));
        }
        for (root, map) in s.backlinks.iter().enumerate() {
            for (target, refs) in map {
                lines.push(format!("backlinks {root} {target} {}", sorted(refs.iter().map(reference).collect())));
            }
        }
        for (artifact, ids) in s.provenance.iter() {
            lines.push(format!("provenance {artifact} {}", sorted(ids.iter().map(name).collect())));
        }
        for (path, digest) in s.digests.iter() {
            lines.push(format!("digest {path} {digest}"));
        }
        lines.sort();
        lines
    }

    /// A snapshot patched step by step must equal one built from scratch, index by index.
    fn assert_same_indexes(patched: &Snapshot, fresh: &Snapshot) {
        assert_eq!(index_view(patched), index_view(fresh));
    }

    #[test]
    fn incremental_updates_match_a_fresh_build() {
        let record = ".aiwg/research/provenance/records/a.prov.yaml";
        let paths = ["a.md", "b.md", ".aiwg/requirements/UC-001-x.md", record];
        let roots = roots(&paths);
        let a = doc("a.md", "# A\nSee @b.md and UC-001.\n");
        let b = doc("b.md", "# B\n");
        let uc = doc(".aiwg/requirements/UC-001-x.md", "# UC-001: X\nBack to @a.md\n");
        let prov = doc(record, "entity:\n  id: urn:aiwg:artifact:a.md\n");
        let documents = vec![a, b.clone(), uc, prov];
        let start = Snapshot::build(SnapshotInput { roots: roots.clone(), documents })
            .with_digests([("a.md".to_string(), Some("sha256:00".to_string()))]);

        let b2 = doc("b.md", "# B\nNow @a.md and @.aiwg/requirements/UC-001-x.md, UC-001 too\n");
        let patched = start.with_document(b2.clone()).without_document(RootKind::Workspace, "a.md");
        let uc2 = doc(".aiwg/requirements/UC-001-x.md", "# UC-001: X again\n");
        // The record loses its artifact: it now describes nothing.
        let prov2 = doc(record, "entity:\n  id: something-else\n");
        let patched = patched.with_document(uc2.clone()).with_document(prov2.clone());
        let fresh = Snapshot::build(SnapshotInput { roots: roots.clone(), documents: vec![b2, uc2, prov2] })
            .with_digests([("a.md".to_string(), Some("sha256:00".to_string()))]);
        assert_same_indexes(&patched, &fresh);
        assert!(patched.doc_by_path(RootKind::Workspace, "a.md").is_none());
        assert_eq!(patched.documents().count(), 3);

        // New listings resolve every reference again, in both.
        let fewer =
            Roots { workspace: Arc::new(PathSet::new(vec!["b.md".into(), record.into()], [])), ..Roots::default() };
        assert_same_indexes(&patched.with_roots(fewer.clone()), &fresh.with_roots(fewer));
    }

    /// Every reference resolved on its own, as if no other document had been resolved before.
    fn resolved_alone(roots: &Roots, doc: &Document) -> Vec<Resolution> {
        doc.facts
            .references
            .iter()
            .map(|r| match r.link {
                true => resolve_link(roots, doc.root, &doc.path, &r.path),
                false => resolve_as(roots, doc.root, &doc.path, doc.is_framework_at(r.range.start), &r.path),
            })
            .collect()
    }

    #[test]
    fn resolutions_reused_across_documents_are_the_ones_each_would_get() {
        let findings = ".aiwg/research/findings";
        let paths = [
            "shared.md".to_string(),
            "a/one.md".into(),
            "a/two.md".into(),
            "a/local.md".into(),
            "b/three.md".into(),
            "p/.aiwg/plan.md".into(),
            "p/docs/four.md".into(),
            format!("{findings}/REF-001-first.md"),
            format!("{findings}/REF-001-second.md"),
        ];
        let refs = "@shared.md @local.md [link](local.md) @.aiwg/plan.md @REF-001.md\n";
        let documents: Vec<Arc<Document>> =
            paths.iter().filter(|p| p.ends_with(".md")).map(|p| doc(p, &format!("# Doc\n{refs}"))).collect();
        let roots = roots(&paths.iter().map(String::as_str).collect::<Vec<_>>());
        let snapshot = Snapshot::build(SnapshotInput { roots: roots.clone(), documents });
        for (id, doc) in snapshot.documents() {
            assert_eq!(snapshot.resolutions(id), resolved_alone(&roots, doc), "{}", doc.path);
        }
        // What would go wrong were a resolution reused too widely: `@local.md` is a's own file,
        // `@.aiwg/plan.md` only the sub-project's, and each finding cites the other.
        let targets = |path: &str, index: usize| -> Vec<String> {
            let id = snapshot.doc_by_path(RootKind::Workspace, path).expect("indexed");
            snapshot.resolutions(id)[index].targets().iter().map(|t| t.path.to_string()).collect()
        };
        assert_eq!(targets("a/two.md", 1), ["a/local.md"]);
        assert_eq!(targets("b/three.md", 1), Vec::<String>::new());
        assert_eq!(targets("b/three.md", 2), Vec::<String>::new());
        assert_eq!(targets("p/docs/four.md", 3), ["p/.aiwg/plan.md"]);
        assert_eq!(targets("a/one.md", 3), Vec::<String>::new());
        assert_eq!(targets(&format!("{findings}/REF-001-first.md"), 4), [format!("{findings}/REF-001-second.md")]);
        assert_eq!(targets(&format!("{findings}/REF-001-second.md"), 4), [format!("{findings}/REF-001-first.md")]);
    }

    #[test]
    fn an_edit_keeps_the_symbol_index_only_while_the_names_stay() {
        let path = ".aiwg/requirements/UC-001-x.md";
        let roots = roots(&[path]);
        let snapshot = Snapshot::build(SnapshotInput { roots, documents: vec![doc(path, "# UC-001: X\n")] });
        let names = |s: &Snapshot| -> Vec<String> {
            let index = s.symbol_index();
            index.names_for_tests().map(|(doc, i)| s.doc(doc).symbols[i].name.to_string()).collect()
        };
        assert_eq!(names(&snapshot), ["UC-001: X"]);
        let body_edited = snapshot.with_document(doc(path, "# UC-001: X\nMore text.\n"));
        assert!(Arc::ptr_eq(&snapshot.symbol_index, &body_edited.symbol_index));
        let renamed = body_edited.with_document(doc(path, "# UC-001: Y\nMore text.\n"));
        assert!(!Arc::ptr_eq(&body_edited.symbol_index, &renamed.symbol_index));
        assert_eq!(names(&renamed), ["UC-001: Y"]);
    }

    #[test]
    fn references_share_their_targets_path() {
        let roots = roots(&["a.md", "c.md", "docs/b.md"]);
        let a = doc("a.md", "# A\nSee @docs/b.md, @docs/./b.md and @missing.md\n");
        let c = doc("c.md", "# C\nAlso @missing.md\n");
        let snapshot = Snapshot::build(SnapshotInput { roots, documents: vec![a, c] });
        let (_, c) = snapshot.documents().nth(1).expect("two documents");
        let (id, a) = snapshot.documents().next().expect("two documents");
        let [written_alike, written_otherwise, dangling] = &a.facts.references[..] else {
            panic!("three references: {:?}", a.facts.references)
        };
        let target = |index: usize| Arc::clone(&snapshot.resolutions(id)[index].targets()[0].path);
        assert!(Arc::ptr_eq(&written_alike.path, &target(0)), "the target's own copy");
        // Written another way, the reference keeps its text: hovers and fixes quote it.
        assert_eq!(&*written_otherwise.path, "docs/./b.md");
        assert_eq!(&*target(1), "docs/b.md");
        assert_eq!(&*dangling.path, "missing.md");
        // Unresolved, the same path written in two documents is one copy too.
        assert!(Arc::ptr_eq(&dangling.path, &c.facts.references[0].path));
    }
}
