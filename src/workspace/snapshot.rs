//! `Snapshot`: an immutable, `Arc`-shareable view of the workspace and its indexes.
//!
//! It is built from documents whose facts were already extracted (in parallel, by the loader
//! or the server's writer) and never reads a file. IDs are not unique in real workspaces
//! (aiwg-format §1.3: ADR-001 three times in one repository), so every ID maps to a set.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::IdKey;
use crate::resolve::{Resolution, RootKind, Roots, Target, resolve};
use crate::workspace::Document;

/// Index of a document in its snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(pub u32);

/// A reference: the document holding it and its index in `facts.references`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefId {
    pub doc: DocId,
    pub index: u32,
}

/// What a snapshot is built from.
#[derive(Default)]
pub struct SnapshotInput {
    pub roots: Roots,
    pub documents: Vec<Arc<Document>>,
}

pub struct Snapshot {
    roots: Roots,
    docs: Vec<Arc<Document>>,
    by_path: HashMap<(RootKind, String), DocId>,
    declarations: HashMap<IdKey, Vec<DocId>>,
    /// Per document, one resolution per reference.
    resolutions: Vec<Vec<Resolution>>,
    backlinks: HashMap<(RootKind, String), Vec<RefId>>,
    provenance: HashMap<String, Vec<DocId>>,
}

impl Snapshot {
    pub fn build(input: SnapshotInput) -> Snapshot {
        let SnapshotInput { roots, mut documents } = input;
        documents.sort_by(|a, b| (a.root, &a.path).cmp(&(b.root, &b.path)));
        let mut by_path = HashMap::with_capacity(documents.len());
        let mut declarations: HashMap<IdKey, Vec<DocId>> = HashMap::new();
        let mut provenance: HashMap<String, Vec<DocId>> = HashMap::new();
        for (i, doc) in documents.iter().enumerate() {
            let id = DocId(i as u32);
            by_path.insert((doc.root, doc.path.clone()), id);
            for decl in &doc.facts.declared_ids {
                declarations.entry(decl.id.key.clone()).or_default().push(id);
            }
            if let Some(path) = doc.provenance.as_ref().and_then(|p| p.artifact_path()) {
                provenance.entry(path.to_string()).or_default().push(id);
            }
        }
        let resolutions: Vec<Vec<Resolution>> = documents
            .iter()
            .map(|doc| doc.facts.references.iter().map(|r| resolve(&roots, doc.root, &doc.path, &r.path)).collect())
            .collect();
        let mut backlinks: HashMap<(RootKind, String), Vec<RefId>> = HashMap::new();
        for (doc, resolutions) in resolutions.iter().enumerate() {
            for (index, resolution) in resolutions.iter().enumerate() {
                for target in resolution.targets() {
                    let id = RefId { doc: DocId(doc as u32), index: index as u32 };
                    backlinks.entry((target.root, target.path.clone())).or_default().push(id);
                }
            }
        }
        Snapshot { roots, docs: documents, by_path, declarations, resolutions, backlinks, provenance }
    }

    pub fn roots(&self) -> &Roots {
        &self.roots
    }

    pub fn documents(&self) -> impl Iterator<Item = (DocId, &Document)> {
        self.docs.iter().enumerate().map(|(i, d)| (DocId(i as u32), &**d))
    }

    /// Documents of the workspace itself (not of an external aiwg root).
    pub fn workspace_documents(&self) -> impl Iterator<Item = (DocId, &Document)> {
        self.documents().filter(|(_, d)| d.root == RootKind::Workspace)
    }

    pub fn doc(&self, id: DocId) -> &Document {
        &self.docs[id.0 as usize]
    }

    pub fn doc_by_path(&self, root: RootKind, path: &str) -> Option<DocId> {
        self.by_path.get(&(root, path.to_string())).copied()
    }

    /// The indexed document a target names, if it is one.
    pub fn target_doc(&self, target: &Target) -> Option<DocId> {
        self.doc_by_path(target.root, &target.path)
    }

    /// How each reference of `doc` resolved, in `facts.references` order.
    pub fn resolutions(&self, doc: DocId) -> &[Resolution] {
        &self.resolutions[doc.0 as usize]
    }

    /// Documents declaring `key`, in path order.
    pub fn declaring(&self, key: &IdKey) -> &[DocId] {
        self.declarations.get(key).map_or(&[], Vec::as_slice)
    }

    /// Whether any document declares an ID with this prefix (e.g. the workspace tracks `UC-`).
    pub fn tracks_prefix(&self, prefix: &str) -> bool {
        self.declarations.keys().any(|k| k.prefix == prefix)
    }

    /// References that resolve to `path` in `root`.
    pub fn backlinks(&self, root: RootKind, path: &str) -> &[RefId] {
        self.backlinks.get(&(root, path.to_string())).map_or(&[], Vec::as_slice)
    }

    /// Provenance records whose entity is the artifact at `path`.
    pub fn provenance_of(&self, path: &str) -> &[DocId] {
        self.provenance.get(path).map_or(&[], Vec::as_slice)
    }
}
