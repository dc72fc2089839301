//! Hover: on a reference or ID, a markdown preview of what it points to.

use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The reference or ID hovered.
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(snapshot: &Snapshot, doc: DocId, offset: usize) -> Option<Hover> {
    let _ = (snapshot, doc, offset);
    None
}
