//! Document symbols (the heading tree) and workspace symbols (artifacts by ID and title).

use crate::model::ArtifactKind;
use crate::resolve::RootKind;
use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub level: u8,
    /// The heading's section.
    pub range: TextRange,
    /// The heading line.
    pub selection_range: TextRange,
    pub children: Vec<DocumentSymbol>,
}

pub fn document_symbols(snapshot: &Snapshot, doc: DocId) -> Vec<DocumentSymbol> {
    let _ = (snapshot, doc);
    Vec::new()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// `ADR-003: Server-sent events for live updates`, or the title alone.
    pub name: String,
    pub kind: ArtifactKind,
    /// The artifact's status, when it has one.
    pub detail: Option<String>,
    pub root: RootKind,
    pub path: String,
    /// The declaration or title, when known.
    pub range: Option<TextRange>,
}

pub fn workspace_symbols(snapshot: &Snapshot, query: &str) -> Vec<WorkspaceSymbol> {
    let _ = (snapshot, query);
    Vec::new()
}
