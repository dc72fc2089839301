//! `DocFacts`, the per-document contract: a pure function of (path, text) that the index is
//! built from. It keeps no text of the document beyond short strings (titles, headings, metadata
//! values, a summary), so closed documents cost little memory.

use crate::model::trade_study::TradeStudy;
use crate::model::{ArtifactId, ArtifactKind};
use crate::text::TextRange;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocFacts {
    /// The first H1's text, else the front matter's `title`, else `None`.
    pub(crate) title: Option<String>,
    pub(crate) kind: ArtifactKind,
    pub(crate) headings: Vec<Heading>,
    pub references: Vec<Reference>,
    /// IDs this document declares (from its file name, its H1, its ID metadata, or the first
    /// column of a risk register's tables).
    pub(crate) declared_ids: Vec<IdDeclaration>,
    /// IDs this document mentions (bare `ADR-004` in prose, `@implements UC-001`, metadata
    /// relations such as `**Supersedes**: ADR-002`), excluding its own declarations.
    pub(crate) id_mentions: Vec<IdMention>,
    pub(crate) metadata: Vec<MetaEntry>,
    /// The first prose paragraph after the title, flattened to one line and bounded.
    pub(crate) summary: Option<String>,
    /// The sections aiwg generated inside an aggregated file (`WARP.md`, `AGENTS.md`…): framework
    /// text in the user's document (see `model::origin`).
    pub(crate) generated: Vec<TextRange>,
    /// An ADR's weighted comparison of options (Tree-of-Thoughts template), when it has one.
    pub(crate) trade_study: Option<Box<TradeStudy>>,
}

impl DocFacts {
    /// The first metadata value whose key equals `key`, ignoring ASCII case.
    pub(crate) fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.iter().find(|m| m.key.eq_ignore_ascii_case(key)).map(|m| m.value.as_str())
    }

    /// The document's status (`Accepted`, `draft`…), from any of the metadata forms.
    pub(crate) fn status(&self) -> Option<&str> {
        self.meta("Status").or_else(|| self.meta("Current Status"))
    }

    /// Every byte range the facts hold (headings, sections, references, IDs, metadata), as
    /// `(start, end)`: for checks that they all lie inside the text, on character boundaries.
    pub fn ranges(&self) -> Vec<(usize, usize)> {
        let headings = self.headings.iter().flat_map(|h| [h.range, h.section]);
        let references = self.references.iter().map(|r| r.range);
        let declared = self.declared_ids.iter().map(|d| d.range);
        let mentions = self.id_mentions.iter().map(|m| m.range);
        let metadata = self.metadata.iter().map(|m| m.range);
        let generated = self.generated.iter().copied();
        let trade_study = self.trade_study.iter().flat_map(|s| s.ranges());
        headings
            .chain(references)
            .chain(declared)
            .chain(mentions)
            .chain(metadata)
            .chain(generated)
            .chain(trade_study)
            .map(|r| (r.start, r.end))
            .collect()
    }

    /// Gives back the spare capacity of every list and of the longer strings: facts live as
    /// long as the index, and they grew by doubling while the document was read.
    pub(crate) fn shrink_to_fit(&mut self) {
        for text in self.title.iter_mut().chain(&mut self.summary) {
            text.shrink_to_fit();
        }
        self.headings.shrink_to_fit();
        self.references.shrink_to_fit();
        self.declared_ids.shrink_to_fit();
        self.id_mentions.shrink_to_fit();
        self.metadata.shrink_to_fit();
        self.generated.shrink_to_fit();
    }

    /// Moves every range through `map` (an offset in the text the facts came from to one in
    /// the file that embeds it, e.g. a YAML block scalar's markdown).
    pub(crate) fn remap(&mut self, map: &dyn Fn(usize) -> usize) {
        let moved = |r: TextRange| TextRange::new(map(r.start), map(r.end));
        for h in &mut self.headings {
            h.range = moved(h.range);
            h.section = moved(h.section);
        }
        for r in &mut self.references {
            r.range = moved(r.range);
        }
        for d in &mut self.declared_ids {
            d.range = moved(d.range);
        }
        for m in &mut self.id_mentions {
            m.range = moved(m.range);
        }
        for m in &mut self.metadata {
            m.range = moved(m.range);
        }
        for g in &mut self.generated {
            *g = moved(*g);
        }
        if let Some(study) = &mut self.trade_study {
            study.remap(&moved);
        }
    }

    /// Every fact as plain text, one per line, with the text each range covers (`text` is the
    /// document the facts were extracted from), for snapshot tests and debugging.
    pub fn render(&self, text: &str) -> String {
        use std::fmt::Write;
        let covered = |range: TextRange| text.get(range.start..range.end).unwrap_or("<out of range>");
        let mut out = String::new();
        let _ = writeln!(out, "kind {:?}", self.kind);
        let _ = writeln!(out, "title {:?}", self.title);
        for h in &self.headings {
            let _ = writeln!(
                out,
                "heading h{} {:?} #{} section {}..{}",
                h.level, h.text, h.slug, h.section.start, h.section.end
            );
        }
        for m in &self.metadata {
            let _ = writeln!(out, "meta {:?} {:?} = {:?} at {:?}", m.source, m.key, m.value, covered(m.range));
        }
        for r in &self.references {
            let mut extra = String::new();
            if let Some(anchor) = &r.anchor {
                let _ = write!(extra, " #{anchor}");
            }
            if let Some((start, end)) = r.line.map(LineSuffix::get) {
                let _ = write!(extra, " :{start}{}", end.map(|e| format!("-{e}")).unwrap_or_default());
            }
            if let Some(q) = r.qualifier {
                let _ = write!(extra, " @{q}{}", if r.bare { " bare" } else { "" });
            }
            if r.planned {
                extra.push_str(" planned");
            }
            if r.link {
                extra.push_str(" link");
            }
            let _ = writeln!(out, "ref {} {:?} path {:?}{extra}", r.context.as_str(), covered(r.range), r.path);
        }
        for d in &self.declared_ids {
            let _ = writeln!(out, "declares {} {:?} at {:?}", d.id.text, d.source, covered(d.range));
        }
        for m in &self.id_mentions {
            let relation = m.relation.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
            let _ = writeln!(out, "mentions {} {}{relation} at {:?}", m.id.text, m.context.as_str(), covered(m.range));
        }
        if let Some(summary) = &self.summary {
            let _ = writeln!(out, "summary {summary:?}");
        }
        for g in &self.generated {
            let _ = writeln!(out, "generated {}..{}", g.start, g.end);
        }
        if let Some(study) = &self.trade_study {
            let _ = writeln!(
                out,
                "trade study: {} alternatives, {} criteria, {} matrix rows, selection {:?}",
                study.alternatives,
                study.criteria.len(),
                study.matrix.len(),
                study.selection.as_ref().map(|s| s.text.as_str())
            );
        }
        out
    }

    /// The heading whose GitHub slug is `anchor`, else the first whose slug starts with it
    /// (aiwg writes `#rule-7` for "Rule 7: Context Budget Estimation").
    pub(crate) fn heading_for_anchor(&self, anchor: &str) -> Option<&Heading> {
        let anchor = anchor.to_lowercase();
        self.headings
            .iter()
            .find(|h| *h.slug == *anchor)
            .or_else(|| self.headings.iter().find(|h| !anchor.is_empty() && h.slug.starts_with(&anchor)))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Heading {
    pub(crate) level: u8,
    /// The heading text as a reader sees it: inline markup (`**`, backticks, link targets)
    /// removed, whitespace collapsed.
    pub(crate) text: Box<str>,
    /// GitHub's anchor for the heading, with `-1`, `-2`… suffixes for repeated slugs.
    pub(crate) slug: Box<str>,
    pub(crate) range: TextRange,
    /// From the heading's start to the start of the next heading of the same or a higher level.
    pub(crate) section: TextRange,
}

/// Where in the document a reference stands; decides how loudly a broken one is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum RefContext {
    Prose,
    TableCell,
    InlineCode,
    /// A code span holding nothing but the reference where the text points at a file with it:
    /// a table cell, a references list, `See `@x``. Broken, it is a warning.
    QuotedPointer,
    FencedCode,
    FrontMatter,
    /// A value or comment in a YAML or JSON file.
    Data,
    /// A value under an `example`/`examples`/`default` key of a YAML file: an illustration.
    DataExample,
    /// An artifact in a provenance record (`urn:aiwg:artifact:<path>`, or a bare path under
    /// `source:`): broken, the record is out of date rather than the prose wrong, a warning.
    Provenance,
}

impl RefContext {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RefContext::Prose => "prose",
            RefContext::TableCell => "table-cell",
            RefContext::InlineCode => "inline-code",
            RefContext::FencedCode => "fenced-code",
            RefContext::FrontMatter => "front-matter",
            RefContext::QuotedPointer => "quoted-pointer",
            RefContext::Data => "data",
            RefContext::DataExample => "data-example",
            RefContext::Provenance => "provenance",
        }
    }

    /// Code spans, fences, front matter and example values quote paths rather than link them.
    pub(crate) fn is_code(self) -> bool {
        matches!(
            self,
            RefContext::InlineCode | RefContext::FencedCode | RefContext::FrontMatter | RefContext::DataExample
        )
    }
}

/// A reference's `:42` or `:42-50`, as written, in eight bytes (a reference is 64 bytes with it,
/// 72 with an `Option<(u32, Option<u32>)>`; there are hundreds of thousands at scale).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineSuffix {
    /// The first line plus one, so that `Option<LineSuffix>` needs no tag.
    start_plus_one: std::num::NonZeroU32,
    /// The last line plus one; zero when only one line is written.
    end_plus_one: u32,
}

impl LineSuffix {
    /// `None` for numbers no document has (the scanner reads at most seven digits).
    pub(crate) fn new(start: u32, end: Option<u32>) -> Option<LineSuffix> {
        let start_plus_one = std::num::NonZeroU32::new(start.checked_add(1)?)?;
        let end_plus_one = match end {
            Some(end) => end.checked_add(1)?,
            None => 0,
        };
        Some(LineSuffix { start_plus_one, end_plus_one })
    }

    /// The first line and, for a range, the last, as written.
    pub(crate) fn get(self) -> (u32, Option<u32>) {
        (self.start_plus_one.get() - 1, self.end_plus_one.checked_sub(1))
    }
}

/// A qualifier of aiwg's qualified references (`rules/qualified-references.md`, aiwg-format
/// §2.6), held as its index in [`Qualifier::ALL`]: a byte per reference rather than a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Qualifier(u8);

impl Qualifier {
    const ALL: &[&str] = &[
        "implements",
        "implemented-by",
        "tests",
        "tested-by",
        "extends",
        "extended-by",
        "depends",
        "dependency-of",
        "derives-from",
        "source-of",
        "references",
        "related",
        "contradicts",
        "supersedes",
        "superseded-by",
        "validates",
        "architecture",
        "nfr",
        "source",
        "agent",
        "command",
        "skill",
        "requirement",
        "security",
        "schema",
        "research",
        "strategy",
        "see",
        "requires",
    ];

    /// The qualifier spelled `word` (`implements`), if it is one.
    pub(crate) fn named(word: &str) -> Option<Qualifier> {
        Qualifier::ALL.iter().position(|q| *q == word).map(|index| Qualifier(index as u8))
    }

    pub(crate) fn as_str(self) -> &'static str {
        Qualifier::ALL[usize::from(self.0)]
    }
}

impl std::fmt::Display for Qualifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `@`-reference (`@.aiwg/x.md#anchor`) or qualified bare path (`@tests .aiwg/x.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// From the `@` (or the bare path's first byte) to the end of the reference, trailing
    /// punctuation excluded.
    pub range: TextRange,
    /// The path as written, without `#anchor` and `:line`. Shared with the resolved target's
    /// path when the two are the same text (`workspace::snapshot` does this), so that the
    /// thousands of references to one document hold one copy of its path.
    pub path: std::sync::Arc<str>,
    pub(crate) anchor: Option<Box<str>>,
    /// `:42` or `:42-50` (1-based, as written).
    pub(crate) line: Option<LineSuffix>,
    pub(crate) context: RefContext,
    /// `implements` for `@implements @path`, `tests` for `@tests .aiwg/x.md`.
    pub(crate) qualifier: Option<Qualifier>,
    /// True for a qualified reference written without `@` on the path.
    pub bare: bool,
    /// A markdown link (`[t](path.md)`): its range is the destination as written, and it
    /// resolves against the containing file, as CommonMark means it.
    pub(crate) link: bool,
    /// The author marks the target as not written yet: "(planned)", "(to be implemented)", a
    /// "Planned" section. Broken, it is information.
    pub(crate) planned: bool,
}

// The index holds hundreds of thousands of references at 10,000 documents: keep them small.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Reference>() <= 64);

impl Reference {
    /// Where the path is written: after the `@` (none for a bare path), before `#anchor`/`:line`.
    pub(crate) fn path_range(&self) -> TextRange {
        let start = self.range.start + usize::from(!self.bare && !self.link);
        TextRange::new(start, (start + self.path.len()).min(self.range.end))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum IdDeclarationSource {
    FileName,
    Title,
    Metadata,
    /// An entry of a register: a table row's first cell or a heading in a risk register or
    /// NFR module. Registers list many IDs, so these never count as duplicates.
    Register,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IdDeclaration {
    pub(crate) id: ArtifactId,
    /// Where the declaration is written; empty at offset 0 for a file-name declaration.
    pub range: TextRange,
    pub(crate) source: IdDeclarationSource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IdMention {
    pub(crate) id: ArtifactId,
    pub(crate) range: TextRange,
    pub(crate) context: RefContext,
    /// The qualifier (`implements`) or relation key (`Supersedes`) that introduces the ID.
    pub(crate) relation: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MetaSource {
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
pub(crate) struct MetaEntry {
    pub(crate) key: String,
    pub(crate) value: String,
    /// The value's range (the key's line when the value is empty).
    pub(crate) range: TextRange,
    pub(crate) source: MetaSource,
}
