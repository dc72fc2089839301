//! `DocFacts`, the per-document contract: a pure function of (path, text) that the index is
//! built from. It keeps no text of the document beyond short strings (titles, headings, metadata
//! values, a summary), so closed documents cost little memory.

use crate::model::{ArtifactId, ArtifactKind};
use crate::text::TextRange;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocFacts {
    /// The first H1's text, else the front matter's `title`, else `None`.
    pub title: Option<String>,
    pub kind: ArtifactKind,
    pub headings: Vec<Heading>,
    pub references: Vec<Reference>,
    /// IDs this document declares (from its file name, its H1, its ID metadata, or the first
    /// column of a risk register's tables).
    pub declared_ids: Vec<IdDeclaration>,
    /// IDs this document mentions (bare `ADR-004` in prose, `@implements UC-001`, metadata
    /// relations such as `**Supersedes**: ADR-002`), excluding its own declarations.
    pub id_mentions: Vec<IdMention>,
    pub metadata: Vec<MetaEntry>,
    /// The first prose paragraph after the title, flattened to one line and bounded.
    pub summary: Option<String>,
}

impl DocFacts {
    /// The first metadata value whose key equals `key`, ignoring ASCII case.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.iter().find(|m| m.key.eq_ignore_ascii_case(key)).map(|m| m.value.as_str())
    }

    /// The document's status (`Accepted`, `draft`…), from any of the metadata forms.
    pub fn status(&self) -> Option<&str> {
        self.meta("Status").or_else(|| self.meta("Current Status"))
    }

    /// The heading whose GitHub slug is `anchor`, else the first whose slug starts with it
    /// (aiwg writes `#rule-7` for "Rule 7: Context Budget Estimation").
    pub fn heading_for_anchor(&self, anchor: &str) -> Option<&Heading> {
        let anchor = anchor.to_lowercase();
        self.headings
            .iter()
            .find(|h| h.slug == anchor)
            .or_else(|| self.headings.iter().find(|h| !anchor.is_empty() && h.slug.starts_with(&anchor)))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The heading text as a reader sees it: inline markup (`**`, backticks, link targets)
    /// removed, whitespace collapsed.
    pub text: String,
    /// GitHub's anchor for the heading, with `-1`, `-2`… suffixes for repeated slugs.
    pub slug: String,
    pub range: TextRange,
    /// From the heading's start to the start of the next heading of the same or a higher level.
    pub section: TextRange,
}

/// Where in the document a reference stands; decides how loudly a broken one is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefContext {
    Prose,
    TableCell,
    InlineCode,
    FencedCode,
    FrontMatter,
}

impl RefContext {
    pub fn as_str(self) -> &'static str {
        match self {
            RefContext::Prose => "prose",
            RefContext::TableCell => "table-cell",
            RefContext::InlineCode => "inline-code",
            RefContext::FencedCode => "fenced-code",
            RefContext::FrontMatter => "front-matter",
        }
    }

    /// Code spans, fences and front matter quote paths rather than link them.
    pub fn is_code(self) -> bool {
        matches!(self, RefContext::InlineCode | RefContext::FencedCode | RefContext::FrontMatter)
    }
}

/// One `@`-reference (`@.aiwg/x.md#anchor`) or qualified bare path (`@tests .aiwg/x.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// From the `@` (or the bare path's first byte) to the end of the reference, trailing
    /// punctuation excluded.
    pub range: TextRange,
    /// The path as written, without `#anchor` and `:line`.
    pub path: String,
    pub anchor: Option<String>,
    /// `:42` or `:42-50` (1-based, as written).
    pub line: Option<(u32, Option<u32>)>,
    pub context: RefContext,
    /// `implements` for `@implements @path`, `tests` for `@tests .aiwg/x.md`.
    pub qualifier: Option<&'static str>,
    /// True for a qualified reference written without `@` on the path.
    pub bare: bool,
}

impl Reference {
    /// Where the path is written: after the `@` (none for a bare path), before `#anchor`/`:line`.
    pub fn path_range(&self) -> TextRange {
        let start = self.range.start + usize::from(!self.bare);
        TextRange::new(start, (start + self.path.len()).min(self.range.end))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdDeclarationSource {
    FileName,
    Title,
    Metadata,
    /// An entry of a register: a table row's first cell or a heading in a risk register or
    /// NFR module. Registers list many IDs, so these never count as duplicates.
    Register,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdDeclaration {
    pub id: ArtifactId,
    /// Where the declaration is written; empty at offset 0 for a file-name declaration.
    pub range: TextRange,
    pub source: IdDeclarationSource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdMention {
    pub id: ArtifactId,
    pub range: TextRange,
    pub context: RefContext,
    /// The qualifier (`implements`) or relation key (`Supersedes`) that introduces the ID.
    pub relation: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetaSource {
    /// YAML front matter at line 1.
    FrontMatter,
    /// A `---` block right after the H1 (aiwg templates' pseudo front matter).
    BlockAfterTitle,
    /// `**Key**: value` or `**Key:** value` lines, with or without a list marker.
    BoldLine,
    /// `- Key: value` bullets in a `## Metadata` section.
    MetadataList,
    /// The first paragraph under `## Status`.
    StatusSection,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaEntry {
    pub key: String,
    pub value: String,
    /// The value's range (the key's line when the value is empty).
    pub range: TextRange,
    pub source: MetaSource,
}
