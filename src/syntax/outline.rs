//! `Outline`: the block and inline structure of one markdown document that DocFacts extraction
//! needs, and nothing more. Both parsing paths produce it: the tree-sitter path for open
//! documents ([`crate::syntax::tree`]) and the bulk scanner for the cold index
//! ([`crate::syntax::scan`]). Everything after the outline (references, IDs, metadata, slugs,
//! summary) is computed by one shared function, so the two paths can only disagree here, and
//! the differential test compares exactly this value.
//!
//! Semantics follow tree-sitter-md 0.5 (CommonMark + GFM tables + YAML front matter), because
//! the open-document path is the one users watch as they type.

use crate::text::TextRange;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// YAML front matter: a `---` line at the very start of the document, up to the next line
    /// that is exactly `---` (tree-sitter-md's `minus_metadata`).
    pub front_matter: Option<FrontMatter>,
    /// ATX and setext headings in document order.
    pub headings: Vec<OutlineHeading>,
    /// Fenced code blocks (``` or ~~~), from the opening fence line to the end of the closing
    /// fence line (or the end of the enclosing container when unclosed).
    pub fenced_code: Vec<FencedCode>,
    /// Inline code spans, backticks included, in document order.
    pub code_spans: Vec<TextRange>,
    /// GFM pipe tables, from the header row to the end of the last row.
    pub tables: Vec<TextRange>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatter {
    /// From the first byte of the opening `---` to the end of the closing `---` line.
    pub range: TextRange,
    /// The YAML between the two marker lines.
    pub body: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineHeading {
    /// 1 to 6. Setext `===` is 1 and `---` is 2.
    pub level: u8,
    /// The whole heading: for ATX the line from its first `#` to the end of its content (line
    /// break excluded); for setext from the first content line to the end of the underline.
    pub range: TextRange,
    /// The heading's inline content: for ATX without the `#` markers, the surrounding spaces and
    /// an optional closing `#` sequence; for setext the content lines (trimmed) without the
    /// underline. Empty (at the marker's end) for an empty heading such as `#`.
    pub content: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FencedCode {
    pub range: TextRange,
    /// The info string after the opening fence (`yaml`, `bash`…), when present.
    pub info: Option<TextRange>,
}

/// A plain-text rendering of `outline`, one element per line with its range and the text it
/// covers (`h2 12..30 "Context"`), for snapshot tests and readable differential-test failures.
pub fn render(text: &str, outline: &Outline) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if let Some(front_matter) = &outline.front_matter {
        let _ = writeln!(out, "front_matter {:?} body {:?}", front_matter.range, front_matter.body);
    }
    for heading in &outline.headings {
        let content = heading.content.slice(text);
        let _ = writeln!(out, "h{} {:?} {content:?}", heading.level, heading.range);
    }
    for fence in &outline.fenced_code {
        match fence.info {
            Some(info) => {
                let _ = writeln!(out, "fence {:?} info {:?}", fence.range, info.slice(text));
            }
            None => {
                let _ = writeln!(out, "fence {:?}", fence.range);
            }
        }
    }
    for span in &outline.code_spans {
        let _ = writeln!(out, "span {span:?} {:?}", span.slice(text));
    }
    for table in &outline.tables {
        let _ = writeln!(out, "table {table:?}");
    }
    out
}
