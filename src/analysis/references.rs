//! Find references (backlinks): who points at the document, heading or ID under the cursor.

use crate::analysis::navigation::Location;
use crate::workspace::{DocId, Snapshot};

pub fn references(snapshot: &Snapshot, doc: DocId, offset: usize, include_declaration: bool) -> Vec<Location> {
    let _ = (snapshot, doc, offset, include_declaration);
    Vec::new()
}
