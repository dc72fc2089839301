//! Document symbols (the heading tree) and workspace symbols (artifacts by ID and title).
//!
//! Workspace symbols name artifacts the way people search for them: `ADR-003: Server-sent events`
//! for every declared ID, and the title for artifacts that declare none (agents, rules, NFR
//! modules). Documents of the external aiwg root would drown the user's own artifacts, so they
//! only appear after them, and only for a query that matches them.

use crate::analysis::{Cancel, Cancelled};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::analysis::cursor::declaration_range;
use crate::model::{ArtifactKind, DocFacts, IdDeclarationSource};
use crate::resolve::RootKind;
use crate::text::{LineSpan, TextRange};
use crate::workspace::{DocId, Snapshot};

/// Most clients show a few dozen; more only costs time on large workspaces.
const MAX_WORKSPACE_SYMBOLS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub(crate) name: String,
    pub(crate) level: u8,
    /// The heading's section.
    pub(crate) range: TextRange,
    /// The heading line.
    pub(crate) selection_range: TextRange,
    pub(crate) children: Vec<DocumentSymbol>,
}

/// Headings shown in a document's outline, at most. No editor outline is usable beyond a few
/// thousand entries, and each costs about 5 KB on its way through JSON: 100,000 headings took
/// the server past 580 MB.
pub const MAX_DOCUMENT_SYMBOLS: usize = 5_000;

/// The heading tree: each heading holds the deeper headings that follow it until one of its own
/// level or shallower. A skipped level (`#` then `###`) still nests. The first
/// [`MAX_DOCUMENT_SYMBOLS`] headings only.
pub fn document_symbols(snapshot: &Snapshot, doc: DocId) -> Vec<DocumentSymbol> {
    let mut roots: Vec<DocumentSymbol> = Vec::new();
    // The open path from the outermost heading to the latest one.
    let mut open: Vec<DocumentSymbol> = Vec::new();
    for heading in snapshot.doc(doc).facts.headings.iter().take(MAX_DOCUMENT_SYMBOLS) {
        while open.last().is_some_and(|top| top.level >= heading.level) {
            close_innermost(&mut open, &mut roots);
        }
        open.push(DocumentSymbol {
            name: heading.text.to_string(),
            level: heading.level,
            range: heading.section,
            selection_range: heading.range,
            children: Vec::new(),
        });
    }
    while !open.is_empty() {
        close_innermost(&mut open, &mut roots);
    }
    roots
}

fn close_innermost(open: &mut Vec<DocumentSymbol>, roots: &mut Vec<DocumentSymbol>) {
    if let Some(done) = open.pop() {
        match open.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// `ADR-003: Server-sent events for live updates`, or the title alone.
    pub(crate) name: String,
    pub(crate) kind: ArtifactKind,
    /// The artifact's status, when it has one.
    pub(crate) detail: Option<String>,
    pub(crate) root: RootKind,
    pub(crate) path: String,
    /// The declaration or title, when known.
    pub(crate) range: Option<TextRange>,
    /// `range` as a line and columns in every encoding.
    pub(crate) span: Option<LineSpan>,
}

/// A workspace symbol's name and where it points, worked out once when its document is read
/// (see [`Document::symbols`]) so that a query only scores names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolName {
    pub(crate) name: Box<str>,
    /// The declaration or title, when known.
    pub(crate) range: Option<TextRange>,
    /// The same range as a line and columns, so that answering needs no read of the file.
    pub(crate) span: Option<LineSpan>,
}

/// Every workspace-symbol name of a snapshot in one flat list: a query walks it without
/// visiting the documents, rejects most names on a mask of the characters they hold, and reads
/// a document only for the names it scores. Built on the first query after a change (the
/// symbol picker sends a query per keystroke and nothing changes in between).
pub(crate) struct SymbolIndex {
    names: Vec<IndexedName>,
    /// Every name, ASCII-lowercased, one after another.
    lowercase: String,
}

struct IndexedName {
    doc: DocId,
    /// Into the document's [`Document::symbols`].
    index: u32,
    root: RootKind,
    /// [`char_mask`] of the name.
    mask: u64,
    /// The name's bytes in [`SymbolIndex::lowercase`].
    start: u32,
    len: u32,
}

impl SymbolIndex {
    /// Every name of `snapshot`'s documents, in answer order: the workspace's before the aiwg
    /// root's, then by name ignoring case, by name, and by path. A one-word query's names that
    /// start with it are then one run of the list, already in the order they are answered in.
    pub(crate) fn build(snapshot: &Snapshot) -> SymbolIndex {
        /// A name met in a document, with its lowercase text in the first buffer.
        struct Found<'a> {
            root: RootKind,
            lowercase: std::ops::Range<usize>,
            name: &'a str,
            path: &'a str,
            doc: DocId,
            index: u32,
        }
        let mut lowercase = String::new();
        let mut found: Vec<Found<'_>> = Vec::new();
        for (doc, document) in snapshot.documents() {
            for (i, symbol) in document.symbols.iter().enumerate() {
                let start = lowercase.len();
                lowercase.extend(symbol.name.chars().map(|c| c.to_ascii_lowercase()));
                found.push(Found {
                    root: document.root,
                    lowercase: start..lowercase.len(),
                    name: &symbol.name,
                    path: &document.path,
                    doc,
                    index: i as u32,
                });
            }
        }
        found.sort_unstable_by(|a, b| {
            let folded = |f: &Found<'_>| &lowercase[f.lowercase.clone()];
            (a.root, folded(a), a.name, a.path).cmp(&(b.root, folded(b), b.name, b.path))
        });
        let mut index = SymbolIndex { names: Vec::with_capacity(found.len()), lowercase: String::new() };
        index.lowercase.reserve_exact(lowercase.len());
        for f in &found {
            let start = index.lowercase.len() as u32;
            index.lowercase.push_str(&lowercase[f.lowercase.clone()]);
            index.names.push(IndexedName {
                doc: f.doc,
                index: f.index,
                root: f.root,
                mask: char_mask(f.name.as_bytes()),
                start,
                len: index.lowercase.len() as u32 - start,
            });
        }
        index
    }

    /// Each name's document and place in its list, in index order.
    #[cfg(test)]
    pub(crate) fn names_for_tests(&self) -> impl Iterator<Item = (DocId, usize)> + '_ {
        self.names.iter().map(|e| (e.doc, e.index as usize))
    }

    fn lowercase_of(&self, entry: &IndexedName) -> &[u8] {
        &self.lowercase.as_bytes()[entry.start as usize..(entry.start + entry.len) as usize]
    }

    /// The first `count` names of `root` that start with `needle` (lowercase), in answer order,
    /// when there are that many.
    fn first_starting_with(&self, root: RootKind, needle: &[u8], count: usize) -> Option<&[IndexedName]> {
        let first = self.names.partition_point(|e| (e.root, self.lowercase_of(e)) < (root, needle));
        let run = self.names[first..]
            .iter()
            .take(count)
            .take_while(|e| e.root == root && self.lowercase_of(e).starts_with(needle));
        (run.count() == count).then(|| &self.names[first..first + count])
    }
}

/// A candidate: root, tier, best score first, name, document, and the name's index in the
/// document.
type Ranked<'a> = (RootKind, Tier, std::cmp::Reverse<u32>, &'a str, DocId, usize);

/// How a one-word query matches a name (see [`workspace_symbols`]); other queries put every
/// name in `Contiguous` and rank by score alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Prefix,
    Contiguous,
    Scattered,
}

/// One bit per ASCII letter (either case), digit and `-_:./`, and one for any other byte: a
/// name can match a plain query only when its mask holds the query's.
fn char_mask(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |mask, &b| {
        let bit = match b.to_ascii_lowercase() {
            l @ b'a'..=b'z' => l - b'a',
            d @ b'0'..=b'9' => 26 + d - b'0',
            b'-' => 36,
            b'_' => 37,
            b':' => 38,
            b'.' => 39,
            b'/' => 40,
            _ => 63,
        };
        mask | 1 << bit
    })
}

/// Artifacts matching `query` fuzzily, best first: the workspace's own, then (for a non-empty
/// query) the aiwg root's. Names come from the snapshot's [`SymbolIndex`], and only the best
/// [`MAX_WORKSPACE_SYMBOLS`] are sorted and built; it stops early when `cancel` is set.
pub fn workspace_symbols(snapshot: &Snapshot, query: &str, cancel: &Cancel) -> Result<Vec<WorkspaceSymbol>, Cancelled> {
    let everything = query.trim().is_empty();
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let needles = plain_atoms(query);
    let needed = needles.iter().fold(0, |mask, needle| mask | char_mask(needle));
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let index = snapshot.symbol_index();
    // A one-word query ranks the names it starts (`adr` and `ADR-012: Caching`) first, in name
    // order, then the names holding it elsewhere, then the names holding its characters apart
    // (`ADapter bReaker`), each by score; a tier is only scored when those before it do not
    // fill the answer. A broad query at 50,000 documents then scores hundreds of names
    // instead of tens of thousands, and an ID prefix lists its IDs in order.
    let single = match needles.as_slice() {
        [needle] => Some((needle.as_slice(), memchr::memmem::Finder::new(needle))),
        _ => None,
    };
    // Enough of the workspace's names start with a one-word query to fill the answer: they
    // are one run of the index, in answer order (an ID prefix such as `ADR` at 50,000
    // documents), so nothing else is looked at.
    if let Some((needle, _)) = &single
        && let Some(run) = index.first_starting_with(RootKind::Workspace, needle, MAX_WORKSPACE_SYMBOLS)
    {
        return Ok(run.iter().map(|entry| workspace_symbol(snapshot, entry.doc, entry.index as usize)).collect());
    }
    let mut score = |entry: &IndexedName, tier: Tier| -> Option<Ranked<'_>> {
        let name = &snapshot.doc(entry.doc).symbols[entry.index as usize].name;
        let score = match everything || tier == Tier::Prefix {
            true => 0,
            false => pattern.score(Utf32Str::new(name, &mut buf), &mut matcher)?,
        };
        Some((entry.root, tier, std::cmp::Reverse(score), name, entry.doc, entry.index as usize))
    };
    let mut ranked: Vec<Ranked<'_>> = Vec::new();
    let mut deferred: Vec<(&IndexedName, Tier)> = Vec::new();
    // How many of the workspace's names each tier has placed.
    let mut placed = [0usize; 3];
    for (i, entry) in index.names.iter().enumerate() {
        if i % 4096 == 0 {
            cancel.check()?;
        }
        if entry.root != RootKind::Workspace && everything {
            continue;
        }
        if entry.mask & needed != needed {
            continue;
        }
        let lowercase = index.lowercase_of(entry);
        if !needles.iter().all(|needle| is_subsequence(needle, lowercase)) {
            continue; // Cannot match: a fuzzy atom's characters appear in order.
        }
        let tier = match &single {
            None => Tier::Contiguous,
            Some((needle, _)) if lowercase.starts_with(needle) => Tier::Prefix,
            Some((_, finder)) if finder.find(lowercase).is_some() => Tier::Contiguous,
            Some(_) => Tier::Scattered,
        };
        if tier == Tier::Prefix {
            placed[tier as usize] += usize::from(entry.root == RootKind::Workspace);
            ranked.extend(score(entry, tier));
        } else {
            deferred.push((entry, tier));
        }
    }
    deferred.sort_by_key(|(_, tier)| *tier);
    for (i, (entry, tier)) in deferred.into_iter().enumerate() {
        if i % 4096 == 0 {
            cancel.check()?;
        }
        // Enough of the workspace's names rank above this tier, and so above the rest.
        if placed[..tier as usize].iter().sum::<usize>() >= MAX_WORKSPACE_SYMBOLS {
            break;
        }
        if let Some(candidate) = score(entry, tier) {
            placed[tier as usize] += usize::from(entry.root == RootKind::Workspace);
            ranked.push(candidate);
        }
    }
    // Workspace before aiwg root, contiguous before scattered, then best score, then a stable
    // order by name (ignoring case first, as the index is) and path.
    let order = |a: &Ranked<'_>, b: &Ranked<'_>| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| folded(a.3).cmp(folded(b.3)))
            .then_with(|| (a.3, &snapshot.doc(a.4).path).cmp(&(b.3, &snapshot.doc(b.4).path)))
    };
    if ranked.len() > MAX_WORKSPACE_SYMBOLS {
        ranked.select_nth_unstable_by(MAX_WORKSPACE_SYMBOLS, order);
        ranked.truncate(MAX_WORKSPACE_SYMBOLS);
    }
    ranked.sort_by(order);
    Ok(ranked.into_iter().map(|(_, _, _, _, id, index)| workspace_symbol(snapshot, id, index)).collect())
}

/// `name`'s bytes, ASCII-lowercased, as the index orders names.
fn folded(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes().map(|b| b.to_ascii_lowercase())
}

/// The answer for name `index` of document `id`.
fn workspace_symbol(snapshot: &Snapshot, id: DocId, index: usize) -> WorkspaceSymbol {
    let doc = snapshot.doc(id);
    let entry = &doc.symbols[index];
    WorkspaceSymbol {
        name: entry.name.to_string(),
        kind: doc.facts.kind,
        detail: doc.facts.status().map(str::to_string),
        root: doc.root,
        path: doc.path.clone(),
        range: entry.range,
        span: entry.span,
    }
}

/// The query's words, lowercased, when every word is a plain fuzzy atom (ASCII letters, digits
/// and `-_:./`): the characters a matching name must hold in order. Empty (no prefilter) for a
/// query using nucleo's syntax (`^`, `$`, `'`, `!`) or non-ASCII text.
fn plain_atoms(query: &str) -> Vec<Vec<u8>> {
    let words: Vec<&str> = query.split_whitespace().collect();
    let plain =
        |w: &&str| w.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.' | b'/'));
    if !words.iter().all(plain) {
        return Vec::new();
    }
    words.iter().map(|w| w.to_ascii_lowercase().into_bytes()).collect()
}

/// Whether `needle`'s bytes appear in order in `haystack` (both lowercase).
fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack.iter();
    needle.iter().all(|wanted| rest.any(|b| b == wanted))
}

/// The names a document is found by: one per declared ID (`ADR-003: Server-sent events`), or
/// the title for an artifact without an ID; none for other documents.
pub(crate) fn symbol_names(path: &str, facts: &DocFacts, text: &str) -> Box<[SymbolName]> {
    let entry = |name: Box<str>, range: Option<TextRange>| SymbolName {
        span: range.and_then(|r| LineSpan::of(text, r.start, r.end)),
        name,
        range,
    };
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let title = facts.title.as_deref();
    if facts.declared_ids.is_empty() {
        if facts.kind == ArtifactKind::Other {
            return Box::default();
        }
        let range = facts.headings.iter().find(|h| h.level == 1).map(|h| h.range);
        return Box::new([entry(title.unwrap_or(file_name).into(), range)]);
    }
    facts
        .declared_ids
        .iter()
        .map(|declaration| {
            let id = &declaration.id.text;
            let name = match (declaration.source, title) {
                // A register row is one entry of a larger document: name the document it lives in.
                (IdDeclarationSource::Register, _) => format!("{id} (in {})", title.unwrap_or(file_name)),
                (_, Some(title)) => match title_without_id(title, id) {
                    "" => id.clone(),
                    rest => format!("{id}: {rest}"),
                },
                (_, None) => id.clone(),
            };
            let range = declaration_range(facts, declaration);
            entry(name.into(), (!range.is_empty()).then_some(range))
        })
        .collect()
}

/// `ADR-003: Server-sent events` → `Server-sent events`, and `Use-Case Specification: UC-001` →
/// `Use-Case Specification`, so the ID is not named twice.
fn title_without_id<'a>(title: &'a str, id: &str) -> &'a str {
    const SEPARATORS: [char; 6] = [':', '-', '—', '–', ' ', '.'];
    if let Some(head) = title.get(..id.len())
        && head.eq_ignore_ascii_case(id)
    {
        return title[id.len()..].trim_start_matches(SEPARATORS);
    }
    if let Some(cut) = title.len().checked_sub(id.len())
        && let Some(tail) = title.get(cut..)
        && tail.eq_ignore_ascii_case(id)
    {
        return title[..cut].trim_end_matches(SEPARATORS);
    }
    title
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::fixture::Fixture;

    fn check_document(fixture: &str, expect: Expect) {
        fn render(fixture: &Fixture, doc: DocId, symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
            for symbol in symbols {
                out.push_str(&format!(
                    "{}{} (h{}) {} sel {:?}\n",
                    "  ".repeat(depth),
                    symbol.name,
                    symbol.level,
                    fixture.position(doc, symbol.range.start),
                    symbol.selection_range.slice(fixture.text(doc)),
                ));
                render(fixture, doc, &symbol.children, depth + 1, out);
            }
        }
        let fixture = Fixture::parse(fixture);
        let (doc, _) = fixture.cursor.expect("a $0 in the document whose symbols are listed");
        let mut out = String::new();
        render(&fixture, doc, &document_symbols(&fixture.snapshot, doc), 0, &mut out);
        expect.assert_eq(&out);
    }

    fn check_workspace(fixture: &str, query: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let out: String = workspace_symbols(&fixture.snapshot, query, &Cancel::never())
            .unwrap()
            .iter()
            .map(|s| {
                let at = match s.range {
                    Some(range) => fixture.position_in(s.root, &s.path, range.start),
                    None => s.path.clone(),
                };
                format!(
                    "{} [{}] {at}{}\n",
                    s.name,
                    s.kind.label(),
                    s.detail.as_ref().map_or(String::new(), |d| format!(" ({d})"))
                )
            })
            .collect();
        expect.assert_eq(&out);
    }

    #[test]
    fn headings_nest_by_level_even_across_skipped_levels() {
        check_document(
            r#"
            //- /.aiwg/architecture/sad.md
            $0# Software Architecture

            ## Context

            #### Constraints (skipped a level)

            ### Stakeholders

            ## Decisions

            # Appendix

            ### Glossary
            "#,
            expect![[r#####"
                Software Architecture (h1) .aiwg/architecture/sad.md:1:1 sel "# Software Architecture"
                  Context (h2) .aiwg/architecture/sad.md:3:1 sel "## Context"
                    Constraints (skipped a level) (h4) .aiwg/architecture/sad.md:5:1 sel "#### Constraints (skipped a level)"
                    Stakeholders (h3) .aiwg/architecture/sad.md:7:1 sel "### Stakeholders"
                  Decisions (h2) .aiwg/architecture/sad.md:9:1 sel "## Decisions"
                Appendix (h1) .aiwg/architecture/sad.md:11:1 sel "# Appendix"
                  Glossary (h3) .aiwg/architecture/sad.md:13:1 sel "### Glossary"
            "#####]],
        );
    }

    const ARTIFACTS: &str = r#"
        //- /.aiwg/architecture/decisions/ADR-001-postgres.md
        # ADR-001: Use PostgreSQL

        **Status**: Accepted
        //- /.aiwg/architecture/decisions/ADR-003-sse.md
        # ADR-003: Server-sent events for live updates

        **Status**: Proposed
        //- /.aiwg/requirements/use-cases/UC-AP-002-approve.md
        # Use-Case Specification: UC-AP-002
        //- /.aiwg/risks/risk-register.md
        # Risk Register

        | ID | Risk |
        |---|---|
        | R-001 | Vendor lock-in |
        //- /.aiwg/requirements/nfr-modules/performance.md
        # Performance Requirements
        //- /README.md
        # Taskhive
        //- /aiwg-root/agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md
        # Architecture Designer
        "#;

    #[test]
    fn all_workspace_artifacts_for_an_empty_query() {
        check_workspace(
            ARTIFACTS,
            "",
            expect![[r#"
                ADR-001: Use PostgreSQL [Architecture decision record] .aiwg/architecture/decisions/ADR-001-postgres.md:1:3 (Accepted)
                ADR-003: Server-sent events for live updates [Architecture decision record] .aiwg/architecture/decisions/ADR-003-sse.md:1:3 (Proposed)
                Performance Requirements [Non-functional requirements] .aiwg/requirements/nfr-modules/performance.md:1:1
                R-001 (in Risk Register) [Risk] .aiwg/risks/risk-register.md:5:3
                UC-AP-002: Use-Case Specification [Use case] .aiwg/requirements/use-cases/UC-AP-002-approve.md:1:27
            "#]],
        );
    }

    #[test]
    fn fuzzy_query_ranks_and_reaches_the_aiwg_root() {
        check_workspace(
            ARTIFACTS,
            "sse live",
            expect![[r#"
                ADR-003: Server-sent events for live updates [Architecture decision record] .aiwg/architecture/decisions/ADR-003-sse.md:1:3 (Proposed)
            "#]],
        );
        check_workspace(
            ARTIFACTS,
            "archdesign",
            expect![[r#"
                Architecture Designer [Agent definition] /aiwg-root/agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md:1:1
            "#]],
        );
    }

    #[test]
    fn a_one_word_query_lists_what_it_starts_then_holds_then_scatters() {
        check_workspace(
            r#"
            //- /.aiwg/architecture/decisions/ADR-010-logging.md
            # ADR-010: Logging
            //- /.aiwg/requirements/nfr-modules/adapters.md
            # Adapter Drivers
            //- /.aiwg/requirements/nfr-modules/review.md
            # Review of every ADR
            //- /.aiwg/architecture/decisions/ADR-002-caching.md
            # ADR-002: Caching
            "#,
            "adr",
            expect![[r#"
                ADR-002: Caching [Architecture decision record] .aiwg/architecture/decisions/ADR-002-caching.md:1:3
                ADR-010: Logging [Architecture decision record] .aiwg/architecture/decisions/ADR-010-logging.md:1:3
                Review of every ADR [Non-functional requirements] .aiwg/requirements/nfr-modules/review.md:1:1
                Adapter Drivers [Non-functional requirements] .aiwg/requirements/nfr-modules/adapters.md:1:1
            "#]],
        );
    }

    #[test]
    fn a_query_that_starts_enough_names_answers_the_first_of_them_ignoring_case() {
        // More names start with `adr` than an answer holds, in both cases: the answer is the
        // first of them by name ignoring case, as when every name is ranked.
        let mut fixture = String::new();
        let mut names = Vec::new();
        for i in (0..150).rev() {
            let name = format!("ADR-{i:03}: Decision {i}");
            fixture.push_str(&format!("//- /.aiwg/architecture/decisions/ADR-{i:03}-d.md\n# {name}\n"));
            names.push(name);
        }
        for i in 0..100 {
            let name = format!("adr note {i}");
            fixture.push_str(&format!("//- /.aiwg/requirements/nfr-modules/n{i}.md\n# {name}\n"));
            names.push(name);
        }
        let fixture = Fixture::parse(&fixture);
        names.sort_by_key(|name| (name.to_ascii_lowercase(), name.clone()));
        names.truncate(MAX_WORKSPACE_SYMBOLS);
        let found: Vec<String> = workspace_symbols(&fixture.snapshot, "adr", &Cancel::never())
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(found, names);
    }

    #[test]
    fn outlines_stop_at_the_bound() {
        let headings: String = (0..MAX_DOCUMENT_SYMBOLS + 10).map(|i| format!("## H{i}\n")).collect();
        let fixture = Fixture::parse(&format!("//- /docs/big.md\n# Big$0\n{headings}"));
        let (doc, _) = fixture.cursor.unwrap();
        let symbols = document_symbols(&fixture.snapshot, doc);
        let count: usize = symbols.iter().map(|s| 1 + s.children.len()).sum();
        assert_eq!(count, MAX_DOCUMENT_SYMBOLS);
    }
}
