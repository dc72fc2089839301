//! `Outline`: the block and inline structure of one markdown document that DocFacts extraction
//! needs, and nothing more. Both parsing paths produce it: the tree-sitter path for open
//! documents ([`crate::syntax::tree`]) and the bulk scanner for the cold index and keystrokes
//! ([`crate::syntax::scan`]). Everything after the outline (references, IDs, metadata, slugs,
//! summary) is computed by one shared function, so the two paths can only disagree here, and
//! the differential test compares exactly this value.
//!
//! Semantics follow tree-sitter-md 0.5 (CommonMark + GFM tables + YAML front matter + LaTeX
//! spans), because the open-document path is the one users watch as they type, including its
//! departures from CommonMark (see `scan.rs` and the fixtures of `tests/syntax_differential.rs`).
//! Lines end with `\n`, `\r\n` or a lone `\r`, and a text is read as if it ended with a line
//! break. No range ends with a line break.

use crate::text::TextRange;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// YAML front matter: a `---` line at the very start of the document, up to the next line
    /// that is exactly `---` (tree-sitter-md's `minus_metadata`).
    pub(crate) front_matter: Option<FrontMatter>,
    /// ATX and setext headings in document order.
    pub(crate) headings: Vec<OutlineHeading>,
    /// Fenced code blocks (``` or ~~~) in document order.
    pub(crate) fenced_code: Vec<FencedCode>,
    /// Inline code spans in document order: from the first backtick of the opening run to the
    /// last backtick of the closing run. The closing run can be longer than the opening one
    /// (tree-sitter-md closes `` `a`` `` on the last backtick of the first run at least as long
    /// as the opener). Spans inside link destinations, link labels, raw HTML, autolinks and
    /// LaTeX spans do not exist, nor do spans in code blocks, HTML blocks or front matter.
    pub(crate) code_spans: Vec<TextRange>,
    /// GFM pipe tables in document order: from the first byte of the header row (after its
    /// indentation and container prefixes) to the end of the last row (trailing blanks
    /// excluded). Any non-blank line that starts no other block continues a table.
    pub(crate) tables: Vec<TextRange>,
}

impl Outline {
    /// The outline without its code spans: what [`crate::syntax::scan::blocks`] finds.
    pub fn without_code_spans(self) -> Outline {
        Outline { code_spans: Vec::new(), ..self }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FrontMatter {
    /// From byte 0 to the end of the closing `---` (its trailing blanks excluded). The opening
    /// line is `---` and the closing line exactly `---`, each with optional trailing blanks.
    pub(crate) range: TextRange,
    /// The YAML: from the start of the line after the opening `---` to the start of the closing
    /// line, so it includes the line break of its last line (empty when there is no YAML).
    pub(crate) body: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutlineHeading {
    /// 1 to 6. Setext `===` is 1 and `---` is 2.
    pub(crate) level: u8,
    /// The whole heading. ATX: from its first `#` to the end of its line, trailing blanks
    /// excluded (a closing `#` sequence included). Setext: from the first non-blank character
    /// of its content to the end of the underline, trailing blanks excluded.
    pub(crate) range: TextRange,
    /// The heading's inline content. ATX: without the `#` marker, the blanks around the content
    /// and an optional closing sequence (a run of `#` preceded by a blank); empty at the end of
    /// the marker when nothing follows it (`#`), empty where the closing sequence starts when
    /// only one follows (`## ##`). Setext: from the first non-blank character of the first
    /// line to the last non-blank character of the last line before the underline; for a
    /// heading in a container the range spans the `> ` or indentation of its inner lines.
    pub(crate) content: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FencedCode {
    /// From the first character of the opening fence to the end of the closing fence's marker
    /// run. An unclosed fence ends at the end of its last line (trailing blanks kept): the last
    /// line before its container ends, or the last line of the document (blank lines included).
    pub(crate) range: TextRange,
    /// The info string after the opening fence (`yaml`, `bash`…), blanks around it excluded,
    /// when present.
    pub(crate) info: Option<TextRange>,
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
