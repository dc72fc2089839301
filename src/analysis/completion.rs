//! Completion: paths after `@`, headings after `#` in a reference, and artifact IDs.

use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    File,
    Folder,
    Heading,
    Id,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Replaces `replace` in the document.
    pub insert_text: String,
    pub replace: TextRange,
    /// Orders items: best first.
    pub sort_text: String,
    pub filter_text: Option<String>,
}

/// Items at `offset` in `doc`, whose current text is `text` (open documents change faster than
/// their facts are shared, and completion reads the characters before the cursor).
pub fn completion(snapshot: &Snapshot, doc: DocId, text: &str, offset: usize) -> Vec<CompletionItem> {
    let _ = (snapshot, doc, text, offset);
    Vec::new()
}
