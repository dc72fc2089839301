//! Outline + text -> [`DocFacts`]: the one extraction both parsing paths share.
//!
//! Metadata follows every form aiwg-format §4.1 and §3.5 observed: front matter at line 1, a
//! `---` block right after the H1 (31 template files), bold `**Key**: value` / `**Key:** value`
//! lines in the preamble or a metadata section, `- Key: value` bullets under `## Metadata`, and
//! the first paragraph under `## Status`. IDs are declared by the file name (the most reliable
//! source, §1.3), the H1, ID metadata (`**ADR ID**`, `- ID:`, `**Decision ID:**`, `ref_id`), and
//! in risk registers and NFR modules by table first cells and headings.

use crate::model::{
    ArtifactId, ArtifactKind, DocFacts, Heading, IdDeclaration, IdDeclarationSource, IdKey, IdMention, MetaEntry,
    MetaSource, RefContext, Reference, find_ids,
};
use crate::syntax::outline::{FencedCode, Outline};
use crate::syntax::refs::find_references;
use crate::syntax::slug::SlugCounter;
use crate::text::TextRange;

/// Longest summary kept for hovers, in bytes.
const SUMMARY_MAX: usize = 280;
/// Metadata keys longer than this are prose in bold, not keys.
const META_KEY_MAX: usize = 40;
/// Metadata keys whose value is the document's own ID.
const ID_KEYS: &[&str] = &[
    "id",
    "adr id",
    "decision id",
    "ref_id",
    "ref id",
    "uc id",
    "use case id",
    "use-case id",
    "risk id",
    "requirement id",
    "nfr id",
    "test case id",
    "document id",
    "story id",
    "user story id",
    "artifact id",
];
/// Metadata keys whose ID value is by nature not declared yet (`**Next Available REF**: REF-027`).
const NOT_YET_DECLARED_KEY_PREFIXES: &[&str] = &["next"];

pub fn facts(path: &str, text: &str, outline: &Outline) -> DocFacts {
    let kind = ArtifactKind::from_path(path);
    let contexts = Contexts::new(text, outline);
    let headings = headings(text, outline);
    let lines = Lines::new(text);

    let metadata = metadata(text, outline, &headings, &lines, &contexts);
    let (mut raw_refs, qualified_ids) = find_references(text);
    // Markdown links count where CommonMark sees them: not in code.
    let links = crate::syntax::links::find_links(text).into_iter().filter(|l| !contexts.at(l.range.start).is_code());
    raw_refs.extend(links);
    raw_refs.sort_by_key(|r| r.range.start);
    // Section words matter only to references; many documents have none.
    let sections = Sections::new(if raw_refs.is_empty() { &[] } else { &headings });
    let mut planned_line = None;
    let references: Vec<Reference> = raw_refs
        .into_iter()
        .map(|r| {
            let context = contexts.at(r.range.start);
            let mut reference = r.with_context(context);
            classify_reference(&mut reference, &contexts, &sections, &lines, &mut planned_line);
            reference
        })
        .collect();
    let declared_ids = declared_ids(path, kind, text, outline, &headings, &metadata);
    let id_mentions = id_mentions(&contexts, &references, &declared_ids, &qualified_ids, &metadata);
    let title =
        headings.iter().find(|h| h.level == 1).map(|h| h.text.to_string()).filter(|t| !t.is_empty()).or_else(|| {
            metadata.iter().find(|m| m.source == MetaSource::FrontMatter && m.key == "title").map(|m| m.value.clone())
        });
    let summary = summary(&lines, &headings, &contexts, &metadata);
    let generated = crate::model::origin::generated_sections(path, text);
    // ADRs, and the templates of ADRs (their worked numbers are what authors copy).
    let adr_like = kind == ArtifactKind::Adr
        || (kind == ArtifactKind::Template && {
            let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
            file.contains("adr") || file.contains("decision")
        });
    let trade_study = if adr_like {
        let tot = metadata.iter().any(|m| m.key == "template_id" && m.value.trim() == "adr-with-tot");
        crate::syntax::trade_study::read(text, outline, &headings, tot).map(Box::new)
    } else {
        None
    };

    DocFacts { title, kind, headings, references, declared_ids, id_mentions, metadata, summary, generated, trade_study }
}

/// Words right before a code span that introduce a path: "see `@x`", "defined in `@x`".
const POINTER_LEADS: &[&str] = &["see", "in", "at", "from", "per", "by", "under"];
/// Refines a reference's context from the text around it: a code span holding only the
/// reference where the text points at a file is a [`RefContext::QuotedPointer`], and a target
/// the author marks as not written yet is `planned`.
fn classify_reference(
    reference: &mut Reference,
    contexts: &Contexts<'_>,
    sections: &Sections<'_>,
    lines: &Lines<'_>,
    planned_line: &mut Option<(usize, bool)>,
) {
    let offset = reference.range.start;
    let line_index = lines.index_of(offset);
    let (line_start, line) = lines.get(line_index);
    let section = sections.at(offset);
    // References come in order, so the last line's answer serves the rest of its references.
    let line_planned = match *planned_line {
        Some((index, planned)) if index == line_index => planned,
        _ => {
            let planned = has_planned_mark(line);
            *planned_line = Some((line_index, planned));
            planned
        }
    };
    reference.planned = line_planned || section.is_some_and(|s| s.planned);
    if reference.context != RefContext::InlineCode {
        return;
    }
    let Some(span) = contexts.span_at(offset) else { return };
    let inner = span.slice(contexts.text).trim_matches('`').trim();
    let written = reference.range.slice(contexts.text);
    let only_the_reference =
        inner.strip_prefix(written).is_some_and(|rest| rest.chars().all(|c| c.is_ascii_punctuation()));
    if !only_the_reference {
        return;
    }
    let before = line.get(..span.start.saturating_sub(line_start)).unwrap_or("").trim_end();
    let body = before.trim_start();
    let list_item = body.is_empty()
        || body == "-"
        || body == "*"
        || body.strip_suffix('.').is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
    let last_word = before.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
    let introduced = before.ends_with(':') || POINTER_LEADS.iter().any(|w| last_word.eq_ignore_ascii_case(w));
    if contexts.in_table(offset) || (list_item && section.is_some_and(|s| s.pointers)) || introduced {
        reference.context = RefContext::QuotedPointer;
    }
}

/// Whether a line marks its targets as planned: one of [`PLANNED_PHRASES`] starts a word of it,
/// as written, in Title Case or in capitals, its first letter in either case.
///
/// Every line holding a reference is asked, and long paragraphs hold many, so the phrases'
/// tails are looked for together in one SIMD pass (the `packed` searcher of `aho-corasick`);
/// fifteen separate searches took twice as long on the gencorpus workspaces. The letters left
/// out of each tail, whose case varies, are compared at each hit.
fn has_planned_mark(line: &str) -> bool {
    has_planned_mark_with(&PLANNED_SEARCH, line)
}

/// [`has_planned_mark`] through a given search of the tails.
fn has_planned_mark_with((search, tails): &(TailSearch, Vec<PlannedTail>), line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(hit) = search.find_from(bytes, from) {
        // Any tail found here may be the one whose head is right, not only the one reported.
        if tails.iter().any(|tail| bytes[hit..].starts_with(tail.text.as_bytes()) && tail.head_is_before(bytes, hit)) {
            return true;
        }
        from = hit + 1;
    }
    false
}

/// How authors mark a target that is not written yet.
const PLANNED_PHRASES: &[&str] = &[
    "(planned)",
    "(future)",
    "(tbd)",
    "to be implemented",
    "to be created",
    "to be written",
    "not yet implemented",
    "not yet created",
    "will be written",
    "will be created",
    "will be added",
    "will live in",
    "when complete",
    "coming soon",
];

/// A phrase without its first letter (and the `(` before it), in one of the cases it is
/// written in: what the searcher looks for.
struct PlannedTail {
    head: &'static str,
    text: String,
}

impl PlannedTail {
    /// Whether the phrase's head, in either case, stands right before `hit` at a word start.
    fn head_is_before(&self, bytes: &[u8], hit: usize) -> bool {
        let Some(start) = hit.checked_sub(self.head.len()) else { return false };
        bytes[start..hit].eq_ignore_ascii_case(self.head.as_bytes())
            && (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
    }
}

/// The search for the tails: the packed SIMD searcher where this CPU has it (it needs SSSE3 or
/// NEON), else an Aho-Corasick automaton, which finds the same hits.
enum TailSearch {
    Packed(aho_corasick::packed::Searcher),
    Automaton(aho_corasick::AhoCorasick),
}

impl TailSearch {
    fn new(tails: &[PlannedTail], packed: bool) -> TailSearch {
        let texts = || tails.iter().map(|t| t.text.as_bytes());
        let mut builder = aho_corasick::packed::Config::new().builder();
        match packed.then(|| builder.extend(texts()).build()).flatten() {
            Some(searcher) => TailSearch::Packed(searcher),
            None => TailSearch::Automaton(
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(texts())
                    .expect("a few dozen short phrases make a small automaton"),
            ),
        }
    }

    /// Where the first tail found at or after `from` starts.
    fn find_from(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let span = aho_corasick::Span::from(from..bytes.len());
        match self {
            TailSearch::Packed(searcher) => searcher.find_in(bytes, span).map(|m| m.start()),
            TailSearch::Automaton(automaton) => {
                automaton.find(aho_corasick::Input::new(bytes).span(span)).map(|m| m.start())
            }
        }
    }
}

static PLANNED_SEARCH: std::sync::LazyLock<(TailSearch, Vec<PlannedTail>)> =
    std::sync::LazyLock::new(|| planned_search(true));

/// The tails of every phrase in each case they are written in, and their search (`packed` to
/// try the SIMD searcher first).
fn planned_search(packed: bool) -> (TailSearch, Vec<PlannedTail>) {
    let mut tails: Vec<PlannedTail> = Vec::new();
    for phrase in PLANNED_PHRASES {
        let (head, tail) = phrase.split_at(if phrase.starts_with('(') { 2 } else { 1 });
        for text in [tail.to_string(), title_case(tail), tail.to_ascii_uppercase()] {
            if !tails.iter().any(|t| t.text == text) {
                tails.push(PlannedTail { head, text });
            }
        }
    }
    (TailSearch::new(&tails, packed), tails)
}

/// `text` with the first letter of each word after a space in capitals.
fn title_case(text: &str) -> String {
    let mut after_space = false;
    text.chars()
        .map(|c| {
            let c = if after_space { c.to_ascii_uppercase() } else { c };
            after_space = c == ' ';
            c
        })
        .collect()
}

/// The runs of ASCII letters of `text`, with their offsets.
fn ascii_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        (start < i).then(|| (start, &text[start..i]))
    })
}

/// What each heading's section says about the references in it, decided once per document.
struct Sections<'a> {
    headings: &'a [Heading],
    flags: Vec<SectionFlags>,
}

#[derive(Clone, Copy)]
struct SectionFlags {
    planned: bool,
    pointers: bool,
}

impl SectionFlags {
    /// From a heading's words: a Planned / Future / Roadmap / Next Steps section holds planned
    /// work; a References / See also / Related / Dependencies / Sources / Files / Links /
    /// Components / Artifacts section lists pointers to files.
    fn of(heading: &str) -> SectionFlags {
        let mut flags = SectionFlags { planned: false, pointers: false };
        let mut previous = "";
        for (_, word) in ascii_words(heading) {
            let is = |w: &str| word.eq_ignore_ascii_case(w);
            let starts = |w: &str| word.len() >= w.len() && word[..w.len()].eq_ignore_ascii_case(w);
            flags.planned |= is("planned")
                || is("future")
                || is("roadmap")
                || (previous.eq_ignore_ascii_case("next") && is("steps"));
            flags.pointers |= starts("reference")
                || is("related")
                || is("dependencies")
                || is("sources")
                || is("files")
                || is("links")
                || is("components")
                || is("artifacts")
                || (previous.eq_ignore_ascii_case("see") && is("also"));
            previous = word;
        }
        flags
    }
}

impl<'a> Sections<'a> {
    fn new(headings: &'a [Heading]) -> Sections<'a> {
        let flags = headings.iter().map(|h| SectionFlags::of(&h.text)).collect();
        Sections { headings, flags }
    }

    /// The innermost section holding `offset`.
    fn at(&self, offset: usize) -> Option<SectionFlags> {
        let i = self.headings.iter().rposition(|h| h.section.start <= offset && offset < h.section.end)?;
        Some(self.flags[i])
    }
}

/// Decides the [`RefContext`] of an offset from the outline's sorted ranges.
struct Contexts<'a> {
    text: &'a str,
    front_matter: Option<TextRange>,
    fences: &'a [FencedCode],
    spans: &'a [TextRange],
    tables: &'a [TextRange],
}

impl<'a> Contexts<'a> {
    fn new(text: &'a str, outline: &'a Outline) -> Contexts<'a> {
        Contexts {
            text,
            front_matter: outline.front_matter.as_ref().map(|f| f.range),
            fences: &outline.fenced_code,
            spans: &outline.code_spans,
            tables: &outline.tables,
        }
    }

    fn at(&self, offset: usize) -> RefContext {
        let inside = |ranges: &[TextRange]| {
            let i = ranges.partition_point(|r| r.end <= offset);
            ranges.get(i).is_some_and(|r| r.start <= offset && offset < r.end)
        };
        if self.front_matter.is_some_and(|r| r.start <= offset && offset < r.end) {
            return RefContext::FrontMatter;
        }
        let i = self.fences.partition_point(|f| f.range.end <= offset);
        if self.fences.get(i).is_some_and(|f| f.range.start <= offset && offset < f.range.end) {
            return RefContext::FencedCode;
        }
        if inside(self.spans) {
            return RefContext::InlineCode;
        }
        if inside(self.tables) {
            return RefContext::TableCell;
        }
        RefContext::Prose
    }

    /// The code span holding `offset`, if any.
    fn span_at(&self, offset: usize) -> Option<TextRange> {
        let i = self.spans.partition_point(|r| r.end <= offset);
        self.spans.get(i).copied().filter(|r| r.start <= offset && offset < r.end)
    }

    fn in_table(&self, offset: usize) -> bool {
        let i = self.tables.partition_point(|r| r.end <= offset);
        self.tables.get(i).is_some_and(|r| r.start <= offset && offset < r.end)
    }

    fn is_fenced_or_front_matter(&self, offset: usize) -> bool {
        matches!(self.at(offset), RefContext::FencedCode | RefContext::FrontMatter)
    }
}

/// Line starts of the text, for line-oriented metadata and summary scans.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1).filter(|&i| i < text.len()));
        Lines { text, starts }
    }

    /// The line starting at `starts[i]`, without its terminator.
    fn get(&self, i: usize) -> (usize, &'a str) {
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&next| next - 1);
        let line = &self.text[start..end];
        (start, line.strip_suffix('\r').unwrap_or(line))
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    fn index_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }
}

fn headings(text: &str, outline: &Outline) -> Vec<Heading> {
    let mut slugs = SlugCounter::default();
    let mut headings: Vec<Heading> = outline
        .headings
        .iter()
        .map(|h| {
            let rendered = render_inline(h.content.slice(text));
            Heading {
                level: h.level,
                slug: slugs.unique(&rendered).into(),
                text: rendered.into(),
                range: h.range,
                section: TextRange::new(h.range.start, text.len()),
            }
        })
        .collect();
    for i in 0..headings.len() {
        let level = headings[i].level;
        if let Some(next) = headings[i + 1..].iter().find(|h| h.level <= level) {
            headings[i].section.end = next.range.start;
        }
    }
    headings
}

/// Inline markdown as a reader sees it: links and images become their text, emphasis markers,
/// backticks and HTML tags disappear, whitespace collapses.
pub(crate) fn render_inline(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        match ch {
            '*' | '`' => {}
            '!' if raw[i + 1..].starts_with('[') => {}
            ']' if raw[i + 1..].starts_with('(') => {
                // Skip the link destination.
                if let Some(close) = raw[i + 1..].find(')') {
                    let skip_to = i + 1 + close;
                    while chars.peek().is_some_and(|&(j, _)| j <= skip_to) {
                        chars.next();
                    }
                }
            }
            '[' | ']' => {}
            '<' if raw[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') => {
                if let Some(close) = raw[i..].find('>') {
                    let skip_to = i + close;
                    while chars.peek().is_some_and(|&(j, _)| j <= skip_to) {
                        chars.next();
                    }
                }
            }
            c if c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// `**Key**: value`, `**Key:** value`, optionally after a list marker. Returns the key and the
/// value's byte range within `line`.
fn bold_key_value(line: &str) -> Option<(&str, TextRange)> {
    let body_start = line.len() - strip_list_marker(line).len();
    let body = &line[body_start..];
    let inner = body.strip_prefix("**")?;
    let close = inner.find("**")?;
    let key_raw = &inner[..close];
    let after = &inner[close + 2..];
    let (key, value_rel) = if let Some(key) = key_raw.strip_suffix(':') {
        (key, close + 2)
    } else if let Some(rest) = after.strip_prefix(':') {
        let _ = rest;
        (key_raw, close + 3)
    } else {
        return None;
    };
    let key = key.trim();
    if key.is_empty() || key.len() > META_KEY_MAX || key.contains('`') {
        return None;
    }
    let value_start = body_start + 2 + value_rel;
    Some((key, trimmed_range(line, value_start, line.len())))
}

/// `Key: value` (a plain bullet under `## Metadata`).
fn plain_key_value(line: &str) -> Option<(&str, TextRange)> {
    let stripped = strip_list_marker(line);
    if stripped.len() == line.len() {
        return None;
    }
    let body_start = line.len() - stripped.len();
    let colon = stripped.find(':')?;
    let key = stripped[..colon].trim();
    if key.is_empty() || key.len() > META_KEY_MAX || key.contains(['`', '[', '@', '*']) {
        return None;
    }
    Some((key, trimmed_range(line, body_start + colon + 1, line.len())))
}

fn strip_list_marker(line: &str) -> &str {
    let trimmed = line.trim_start();
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = trimmed.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && trimmed[digits..].starts_with(". ") {
        return trimmed[digits + 2..].trim_start();
    }
    trimmed
}

fn trimmed_range(line: &str, start: usize, end: usize) -> TextRange {
    let slice = &line[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let kept = slice.trim().len();
    TextRange::new(start + lead, start + lead + kept)
}

/// A metadata value as shown to users: wrapping `**`/backticks/quotes removed.
fn clean_value(raw: &str) -> String {
    let mut value = raw.trim();
    for wrap in ["**", "`", "\"", "'"] {
        if value.len() >= 2 * wrap.len() && value.starts_with(wrap) && value.ends_with(wrap) {
            value = &value[wrap.len()..value.len() - wrap.len()];
        }
    }
    value.trim().to_string()
}

fn metadata(
    text: &str,
    outline: &Outline,
    headings: &[Heading],
    lines: &Lines<'_>,
    contexts: &Contexts<'_>,
) -> Vec<MetaEntry> {
    let mut entries = Vec::new();
    if let Some(front) = &outline.front_matter {
        yaml_like_block(text, front.body, MetaSource::FrontMatter, &mut entries);
    }
    let block = block_after_title(lines, headings, contexts);
    if let Some(block) = block {
        yaml_like_block(text, block, MetaSource::BlockAfterTitle, &mut entries);
    }

    // Bold lines count in the preamble (before the first H2) and in metadata or status
    // sections; elsewhere `**Pros**:` and friends are prose. The block after the title ends in
    // `---`, which makes its last line a setext heading: that is no section.
    let in_block = |h: &&Heading| block.is_some_and(|b| h.range.start < b.end + 4 && b.start <= h.range.start);
    let first_h2 =
        headings.iter().filter(|h| !in_block(h)).find(|h| h.level >= 2).map_or(text.len(), |h| h.range.start);
    let mut status_found = false;
    let mut heading_idx = 0;
    for i in 0..lines.len() {
        let (start, line) = lines.get(i);
        while heading_idx < headings.len() && headings[heading_idx].range.end <= start {
            heading_idx += 1;
        }
        if heading_idx < headings.len() && headings[heading_idx].range.start <= start {
            continue; // A heading line.
        }
        if line.trim().is_empty() || contexts.is_fenced_or_front_matter(start) {
            continue;
        }
        let section = heading_idx.checked_sub(1).map(|i| &headings[i]);
        let section_name = section.map(|h| h.text.to_ascii_lowercase());
        let in_metadata = section_name.as_deref().is_some_and(|n| n == "metadata" || n.ends_with(" metadata"));
        let in_status = section_name.as_deref() == Some("status");
        let in_preamble = start < first_h2;
        if (in_preamble || in_metadata || in_status)
            && let Some((key, value)) = bold_key_value(line)
        {
            let source = if in_metadata { MetaSource::MetadataList } else { MetaSource::BoldLine };
            entries.push(entry(key, value.shifted(start), text, source));
            continue;
        }
        if in_metadata && let Some((key, value)) = plain_key_value(line) {
            entries.push(entry(key, value.shifted(start), text, MetaSource::MetadataList));
            continue;
        }
        if in_status && !status_found && section.is_some_and(|h| h.range.end <= start) {
            status_found = true;
            let body = strip_list_marker(line);
            let range = trimmed_range(line, line.len() - body.len(), line.len()).shifted(start);
            entries.push(MetaEntry {
                key: "Status".to_string(),
                value: render_inline(range.slice(text)),
                range,
                source: MetaSource::StatusSection,
            });
        }
    }
    entries
}

fn entry(key: &str, value: TextRange, text: &str, source: MetaSource) -> MetaEntry {
    MetaEntry { key: key.to_string(), value: clean_value(value.slice(text)), range: value, source }
}

/// The `---` … `---` block that aiwg templates put right after the H1 (aiwg-format §4.1).
fn block_after_title(lines: &Lines<'_>, headings: &[Heading], contexts: &Contexts<'_>) -> Option<TextRange> {
    let h1 = headings.iter().find(|h| h.level == 1)?;
    let mut i = lines.index_of(h1.range.end) + 1;
    while i < lines.len() && lines.get(i).1.trim().is_empty() {
        i += 1;
    }
    if i >= lines.len() || lines.get(i).1.trim_end() != "---" || contexts.is_fenced_or_front_matter(lines.get(i).0) {
        return None;
    }
    let body_start = lines.starts.get(i + 1).copied()?;
    for j in i + 1..lines.len() {
        let (start, line) = lines.get(j);
        if line.trim_end() == "---" {
            return Some(TextRange::new(body_start, start));
        }
        if line.trim().is_empty() {
            return None;
        }
    }
    None
}

/// `key: value` lines at column 0 of a YAML-ish block; a key followed by `- item` lines gets
/// the items joined. This is deliberately not a YAML parser: document metadata must never fail
/// or blow up, and only top-level scalars are shown.
fn yaml_like_block(text: &str, block: TextRange, source: MetaSource, entries: &mut Vec<MetaEntry>) {
    let body = block.slice(text);
    let mut offset = block.start;
    let mut pending_list: Option<usize> = None;
    for raw_line in body.split_inclusive('\n') {
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let line_start = offset;
        offset += raw_line.len();
        let first = line.bytes().next();
        if let Some(idx) = pending_list {
            let item = line.trim_start();
            if line.starts_with([' ', '-']) && item.starts_with("- ") {
                let value = clean_value(&item[2..]);
                let entry: &mut MetaEntry = &mut entries[idx];
                if !entry.value.is_empty() {
                    entry.value.push_str(", ");
                }
                entry.value.push_str(&value);
                continue;
            }
            if line.starts_with(' ') {
                continue;
            }
            pending_list = None;
        }
        if !first.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        let Some(colon) = line.find(':') else { continue };
        let key = &line[..colon];
        if key.len() > META_KEY_MAX
            || !key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b' '))
        {
            continue;
        }
        let value = trimmed_range(line, colon + 1, line.len()).shifted(line_start);
        let mut value_text = clean_value(value.slice(text));
        if value_text.starts_with('[') && value_text.ends_with(']') {
            value_text = value_text[1..value_text.len() - 1].split(',').map(clean_value).collect::<Vec<_>>().join(", ");
        }
        if value_text.is_empty() {
            pending_list = Some(entries.len());
        }
        entries.push(MetaEntry {
            key: key.trim().to_string(),
            value: value_text,
            range: if value.is_empty() { TextRange::new(line_start, line_start + colon) } else { value },
            source,
        });
    }
}

fn declared_ids(
    path: &str,
    kind: ArtifactKind,
    text: &str,
    outline: &Outline,
    headings: &[Heading],
    metadata: &[MetaEntry],
) -> Vec<IdDeclaration> {
    let mut decls: Vec<IdDeclaration> = Vec::new();
    // One declaration per ID. The file name comes first (the most reliable source) but has no
    // place in the text, so a later declaration of the same ID that has one takes its place:
    // navigation and hover then land on the ID as written in the H1 or metadata.
    let mut push = |decl: IdDeclaration| match decls.iter_mut().find(|d| d.id.key == decl.id.key) {
        Some(existing) if existing.source == IdDeclarationSource::FileName && !decl.range.is_empty() => {
            *existing = decl;
        }
        Some(_) => {}
        None => decls.push(decl),
    };

    if !kind.is_framework_source()
        && let Some(id) = id_from_file_name(path, kind)
    {
        push(IdDeclaration { id, range: TextRange::empty(0), source: IdDeclarationSource::FileName });
    }

    // `# ADR-001: Title` or `# Use-Case Specification: UC-001`.
    if let Some(h1) = headings.iter().find(|h| h.level == 1)
        && let Some(outline_heading) = outline.headings.iter().find(|o| o.range == h1.range)
    {
        let content = outline_heading.content.slice(text);
        let ids = find_ids(content);
        let leading = ids.first().filter(|(r, _)| content[..r.start].trim_matches(['*', ' ']).is_empty());
        let trailing = ids.last().filter(|(r, _)| content[r.end..].trim_matches(['*', ' ']).is_empty());
        if let Some((range, id)) = leading.or(trailing) {
            push(IdDeclaration {
                id: id.clone(),
                range: range.shifted(outline_heading.content.start),
                source: IdDeclarationSource::Title,
            });
        }
    }

    for meta in metadata {
        if !ID_KEYS.contains(&meta.key.to_ascii_lowercase().as_str()) {
            continue;
        }
        let raw = meta.range.slice(text);
        if let Some((range, id)) = find_ids(raw).into_iter().next()
            && raw[..range.start].trim_matches(['*', '`', '"', '\'', ' ']).is_empty()
        {
            push(IdDeclaration { id, range: range.shifted(meta.range.start), source: IdDeclarationSource::Metadata });
        }
    }

    // Registers (`| R-001 | … |` rows and `### NFR-PERF-001 …` headings) declare their IDs, and
    // so do the entries of collection documents everywhere: a heading that opens with an ID and
    // a title (`### US-AP-017: Generate Persistence Scorecard`) and a table's definition cell
    // (`| NFR-MA-01: Workflow completion |`). A bare ID in a first cell elsewhere is a
    // traceability row that points at the ID, not a declaration.
    let register = matches!(kind, ArtifactKind::Risk | ArtifactKind::Nfr);
    if !kind.is_framework_source() {
        for heading in outline.headings.iter().filter(|h| h.level >= 2) {
            let content = heading.content.slice(text);
            // Most headings are words: only one whose first token could be an ID is searched.
            let first = content.trim_start_matches(['*', ' ']);
            if !first.starts_with(|c: char| c.is_ascii_alphabetic())
                || !first.split(' ').next().is_some_and(|w| w.contains('-'))
            {
                continue;
            }
            if let Some((range, id)) = find_ids(content).into_iter().next()
                && content[..range.start].trim_matches(['*', ' ']).is_empty()
                && (register || is_entry_title(content[range.end..].trim_start_matches('*')))
            {
                push(IdDeclaration {
                    id,
                    range: range.shifted(heading.content.start),
                    source: IdDeclarationSource::Register,
                });
            }
        }
        for table in &outline.tables {
            let mut offset = table.start;
            for (row_index, row) in table.slice(text).split_inclusive('\n').enumerate() {
                let row_start = offset;
                offset += row.len();
                if row_index < 2 {
                    continue; // Header and delimiter rows.
                }
                let cells = row.trim_start().trim_start_matches('|');
                let cell = cells.split('|').next().unwrap_or("");
                let cell_start =
                    row_start + (row.len() - row.trim_start().len()) + (row.trim_start().len() - cells.len());
                let trimmed = cell.trim().trim_matches('*');
                let declared = match trimmed.split_once(':') {
                    Some((id, name)) if !name.trim().is_empty() => crate::model::parse_id(id.trim().trim_matches('*')),
                    _ if register => crate::model::parse_id(trimmed),
                    _ => None,
                };
                if let Some(id) = declared {
                    let at = cell.find(&id.text).unwrap_or(0);
                    let range = TextRange::new(cell_start + at, cell_start + at + id.text.len());
                    push(IdDeclaration { id, range, source: IdDeclarationSource::Register });
                }
            }
        }
    }
    decls
}

/// `ADR-001-x.md`, `adr-002-x.md`, `UC-AP-003-x.md`, `REF-018-x.md`, and `001-x.md` inside an
/// ADR directory (`.aiwg-structure.md` names ADRs `adrs/001-use-react.md`).
fn id_from_file_name(path: &str, kind: ArtifactKind) -> Option<ArtifactId> {
    let file = path.rsplit('/').next()?;
    let stem = file.split('.').next()?;
    let upper = stem.to_ascii_uppercase();
    if let Some((range, id)) = find_ids(&upper).into_iter().next()
        && range.start == 0
    {
        return Some(id);
    }
    if kind == ArtifactKind::Adr {
        let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=4).contains(&digits) && stem[digits..].starts_with('-') {
            let number: u32 = stem[..digits].parse().ok()?;
            return Some(ArtifactId {
                key: IdKey { prefix: "ADR", category: None, number },
                text: format!("ADR-{}", &stem[..digits]),
            });
        }
    }
    None
}

/// What follows an ID in a heading that defines an entry: a title after `:` or a dash.
fn is_entry_title(rest: &str) -> bool {
    let title = rest.strip_prefix(':').or_else(|| rest.trim_start().strip_prefix(['-', '–', '—']));
    title.is_some_and(|t| !t.trim().is_empty())
}

fn id_mentions(
    contexts: &Contexts<'_>,
    references: &[Reference],
    declared: &[IdDeclaration],
    qualified: &[crate::syntax::refs::QualifiedIds],
    metadata: &[MetaEntry],
) -> Vec<IdMention> {
    let overlaps = |a: TextRange, b: TextRange| a.start < b.end && b.start < a.end;
    let mut mentions = Vec::new();
    let mut ref_idx = 0;
    for (range, id) in find_ids(contexts.text) {
        while ref_idx < references.len() && references[ref_idx].range.end <= range.start {
            ref_idx += 1;
        }
        if references.get(ref_idx).is_some_and(|r| overlaps(r.range, range)) {
            continue; // Part of a path such as `@.aiwg/adrs/ADR-001-x.md`.
        }
        if declared.iter().any(|d| d.id.key == id.key) {
            continue;
        }
        let meta = metadata.iter().find(|m| m.range.contains_range(range));
        let key = meta.map(|m| m.key.to_ascii_lowercase());
        if key.as_deref().is_some_and(|k| NOT_YET_DECLARED_KEY_PREFIXES.iter().any(|p| k.starts_with(p))) {
            continue;
        }
        let relation = qualified
            .iter()
            .find(|q| q.range.contains_range(range))
            .map(|q| q.qualifier.to_string())
            .or_else(|| meta.map(|m| m.key.clone()));
        mentions.push(IdMention { id, range, context: contexts.at(range.start), relation });
    }
    mentions
}

fn summary(lines: &Lines<'_>, headings: &[Heading], contexts: &Contexts<'_>, metadata: &[MetaEntry]) -> Option<String> {
    let from = headings.iter().find(|h| h.level == 1).map_or(0, |h| lines.index_of(h.range.end) + 1);
    let mut paragraph: Vec<&str> = Vec::new();
    // An indented line after a list item continues the item: a fragment, not a summary
    // ("implemented in `src/auth/session.ts`.").
    let mut in_list_item = false;
    for i in from..lines.len().min(from + 200) {
        let (start, line) = lines.get(i);
        let trimmed = line.trim();
        let is_list_item = trimmed.starts_with(['-', '*', '+'])
            || trimmed.starts_with(|c: char| c.is_ascii_digit() && trimmed.contains(". "));
        if is_list_item {
            in_list_item = true;
        } else if !trimmed.is_empty() && !line.starts_with([' ', '\t']) {
            in_list_item = false;
        }
        let is_heading = headings.iter().any(|h| h.range.touches(start) && h.range.start <= start);
        let is_meta = metadata.iter().any(|m| lines.index_of(m.range.start) == i);
        let is_prose = !trimmed.is_empty()
            && !is_heading
            && !is_meta
            && !in_list_item
            && !contexts.is_fenced_or_front_matter(start)
            && !trimmed.starts_with(['#', '|', '<', '>', '!', '[', '`', '~', '=']);
        if is_prose {
            paragraph.push(trimmed);
        } else if !paragraph.is_empty() {
            break;
        }
    }
    if paragraph.is_empty() {
        return None;
    }
    let mut summary = render_inline(&paragraph.join(" "));
    if summary.len() > SUMMARY_MAX {
        let mut cut = SUMMARY_MAX;
        while !summary.is_char_boundary(cut) {
            cut -= 1;
        }
        summary.truncate(cut);
        summary.push('…');
    }
    Some(summary)
}

/// References and qualified ID mentions of a source file. Code has no markdown structure, and
/// a reference in a comment is prose to its reader, so every context is [`RefContext::Prose`].
pub(crate) fn code_facts(path: &str, text: &str) -> DocFacts {
    let (raw_refs, qualified_ids) = find_references(text);
    let references = raw_refs.into_iter().map(|r| r.with_context(RefContext::Prose)).collect();
    let id_mentions = qualified_ids
        .iter()
        .flat_map(|q| {
            find_ids(q.range.slice(text)).into_iter().map(move |(range, id)| IdMention {
                id,
                range: range.shifted(q.range.start),
                context: RefContext::Prose,
                relation: Some(q.qualifier.to_string()),
            })
        })
        .collect();
    DocFacts { kind: ArtifactKind::from_path(path), references, id_mentions, ..DocFacts::default() }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    /// The facts of `text` at `path`, rendered; the scanner supplies the outline (the
    /// differential test holds tree-sitter's equal).
    fn check(path: &str, text: &str, expect: Expect) {
        let facts = crate::syntax::facts_from_text(path, text);
        expect.assert_eq(&facts.render(text));
    }

    #[test]
    fn a_summary_is_a_paragraph_not_a_list_items_continuation() {
        let text = "# Threat Model\n\n**Owner**: Ana\n\n## STRIDE\n\n- **Control**: token rotation (ADR-002);\n  \
                    implemented in `src/auth/session.ts`.\n\nEvery boundary is reviewed each quarter.\n";
        let facts = crate::syntax::facts_from_text(".aiwg/security/threat-model.md", text);
        assert_eq!(facts.summary.as_deref(), Some("Every boundary is reviewed each quarter."));
    }

    #[test]
    fn the_planned_mark_scan_agrees_with_a_search_of_the_lowercased_line() {
        // The plain definition: the lowercased line holds a phrase at a word start, and the
        // phrase's tail is written there as in the phrase, in Title Case or in capitals.
        fn lowercase_search(line: &str) -> bool {
            let lower = line.to_ascii_lowercase();
            super::PLANNED_PHRASES.iter().any(|phrase| {
                let head = if phrase.starts_with('(') { 2 } else { 1 };
                let tail = &phrase[head..];
                lower.match_indices(phrase).any(|(at, _)| {
                    let written = &line[at + head..at + phrase.len()];
                    let at_word_start = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
                    at_word_start
                        && (written == tail
                            || written == super::title_case(tail)
                            || written == tail.to_ascii_uppercase())
                })
            })
        }
        // Whole phrases, their pieces, and what may stand before them.
        const PIECES: &[&str] = &[
            "To be ",
            "to",
            " ",
            "be",
            "Be",
            "Written",
            "written",
            "created",
            "CREATED",
            "(",
            "PLANNED",
            "planned",
            ")",
            "(tbd)",
            "(TBD)",
            "not yet ",
            "NOT YET ",
            "Implemented",
            "will ",
            "live in",
            "Live In",
            "when",
            " complete",
            "coming soon",
            "Coming Soon",
            "x",
            "9",
            "_",
            "-",
            "é",
            "@docs/a.md",
            "`",
        ];
        // The automaton stands in where the CPU has no packed searcher; it must agree too.
        let automaton = super::planned_search(false);
        assert!(matches!(automaton.0, super::TailSearch::Automaton(_)));
        let mut planned = 0;
        for line in crate::pieces::texts(PIECES, 10, 20_000, 0x2545_F491_4F6C_DD1D) {
            let expected = lowercase_search(&line);
            assert_eq!(super::has_planned_mark(&line), expected, "{line:?}");
            assert_eq!(super::has_planned_mark_with(&automaton, &line), expected, "automaton: {line:?}");
            planned += usize::from(expected);
        }
        // The pieces make both answers often enough for the comparison to mean something.
        assert!((1_000..19_000).contains(&planned), "{planned} of 20,000 lines were planned");
    }

    #[test]
    fn planned_marks_and_section_words() {
        let planned = [
            "- @docs/x.md (Planned)",
            "runbook to be written: @docs/r.md",
            "Not yet implemented, see @src/x.ts",
            "The plan will live in `@.aiwg/p.md` once approved",
            "@src/auth/login.ts - Implementation (when complete)",
            "Coming soon: @docs/y.md (TBD)",
            "- @docs/x.md (PLANNED)",
            "Runbook To Be Written: @docs/r.md",
            "NOT YET CREATED: @docs/z.md",
        ];
        for line in planned {
            assert!(super::has_planned_mark(line), "{line}");
        }
        for line in [
            "The planned rollout is in @docs/rollout.md",
            "Done, see @docs/x.md (implemented)",
            "toBe written",
            "to Be written",
        ] {
            assert!(!super::has_planned_mark(line), "{line}");
        }
        let flags = |h: &str| {
            let f = super::SectionFlags::of(h);
            (f.planned, f.pointers)
        };
        assert_eq!(flags("Future Work"), (true, false));
        assert_eq!(flags("Next Steps"), (true, false));
        assert_eq!(flags("References"), (false, true));
        assert_eq!(flags("See Also"), (false, true));
        assert_eq!(flags("Referenced Architecture"), (false, true));
        assert_eq!(flags("Overview"), (false, false));
    }

    #[test]
    fn an_adr_with_bold_metadata_references_and_relations() {
        check(
            ".aiwg/architecture/decisions/ADR-007-use-redis.md",
            "# ADR-007: Use Redis\n\n**Status**: Accepted\n**Supersedes**: ADR-003\n\n\
             Redis caches sessions for @.aiwg/requirements/use-cases/UC-001-login.md#flow.\n\n\
             ## Context\n\nSee `@docs/notes.md` and @implements UC-002, UC-003.\n",
            expect![[r#"
                kind Adr
                title Some("ADR-007: Use Redis")
                heading h1 "ADR-007: Use Redis" #adr-007-use-redis section 0..212
                heading h2 "Context" #context section 147..212
                meta BoldLine "Status" = "Accepted" at "Accepted"
                meta BoldLine "Supersedes" = "ADR-003" at "ADR-003"
                ref prose "@.aiwg/requirements/use-cases/UC-001-login.md#flow" path ".aiwg/requirements/use-cases/UC-001-login.md" #flow
                ref quoted-pointer "@docs/notes.md" path "docs/notes.md"
                declares ADR-007 Title at "ADR-007"
                mentions ADR-003 prose (Supersedes) at "ADR-003"
                mentions UC-002 prose (implements) at "UC-002"
                mentions UC-003 prose (implements) at "UC-003"
                summary "Redis caches sessions for @.aiwg/requirements/use-cases/UC-001-login.md#flow."
            "#]],
        );
    }

    #[test]
    fn front_matter_a_block_after_the_title_and_a_metadata_list() {
        check(
            ".aiwg/research/findings/REF-018-react.md",
            "---\ntitle: ReAct\nref_id: REF-018\n---\n\n# ReAct: Reasoning and Acting\n\n\
             ## Metadata\n\n- Status: draft\n- Source: @docs/references/REF-018-react.md:12\n",
            expect![[r#"
                kind ResearchRef
                title Some("ReAct: Reasoning and Acting")
                heading h1 "ReAct: Reasoning and Acting" #react-reasoning-and-acting section 38..145
                heading h2 "Metadata" #metadata section 69..145
                meta FrontMatter "title" = "ReAct" at "ReAct"
                meta FrontMatter "ref_id" = "REF-018" at "REF-018"
                meta MetadataList "Status" = "draft" at "draft"
                meta MetadataList "Source" = "@docs/references/REF-018-react.md:12" at "@docs/references/REF-018-react.md:12"
                ref prose "@docs/references/REF-018-react.md:12" path "docs/references/REF-018-react.md" :12
                declares REF-018 Metadata at "REF-018"
            "#]],
        );
    }

    #[test]
    fn a_risk_register_declares_its_rows_and_fences_quote_references() {
        check(
            ".aiwg/risks/risk-register.md",
            "# Risk Register\n\n| ID | Risk |\n|---|---|\n| RISK-001 | Cache stampede, see @.aiwg/x.md |\n\n\
             ```text\n@.aiwg/in-fence.md\n```\n",
            expect![[r#"
                kind Risk
                title Some("Risk Register")
                heading h1 "Risk Register" #risk-register section 0..120
                ref table-cell "@.aiwg/x.md" path ".aiwg/x.md"
                ref fenced-code "@.aiwg/in-fence.md" path ".aiwg/in-fence.md"
                declares RISK-001 Register at "RISK-001"
            "#]],
        );
    }
}
