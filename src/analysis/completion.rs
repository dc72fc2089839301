//! Completion: paths after `@` and in a markdown link's `](`, headings after `#` in either,
//! and artifact IDs.
//!
//! Paths come from three places: the workspace's files and folders, the external aiwg root's
//! (`agentic/…`, which resolve there), and the virtual deployed paths (`.claude/rules/x.md`…)
//! that resolve through the deploy map to framework sources although no such file exists. They
//! are ranked by fuzzy matching against what was typed after the `@`.
//!
//! Completion runs on every keystroke over workspaces of 10,000 documents, so candidates are
//! borrowed from the path sets, scored into one reused buffer, and only the best
//! [`MAX_PATH_ITEMS`] become items.

use std::borrow::Cow;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::model::{IdKey, parse_id};
use crate::resolve::{
    AiwgRoot, Deployed, PathSet, Resolution, RootKind, claude_paths, relative_path, resolve, resolve_link,
    split_aiwg_prefix,
};
use crate::syntax::refs::typed_path_start;
use crate::text::TextRange;
use crate::workspace::{DocId, Document, Snapshot};

/// Clients truncate long lists anyway; ranking decides which 100 are worth sending.
const MAX_PATH_ITEMS: usize = 100;
/// "Superseded by ADR-N" items a status completion lists, newest ADRs first.
const MAX_SUCCESSOR_ITEMS: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CompletionKind {
    File,
    Folder,
    Heading,
    Id,
    Status,
    /// Inserted as an LSP snippet (`${1:placeholder}` tab stops).
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub(crate) label: String,
    pub(crate) kind: CompletionKind,
    pub(crate) detail: Option<String>,
    /// Markdown.
    pub(crate) documentation: Option<String>,
    /// Replaces `replace` in the document.
    pub(crate) insert_text: String,
    pub(crate) replace: TextRange,
    /// Orders items: best first.
    pub(crate) sort_text: String,
    pub(crate) filter_text: Option<String>,
}

/// Items at `offset` in `doc`, whose current text is `text` (open documents change faster than
/// their facts are shared, and completion reads the characters before the cursor).
pub fn completion(snapshot: &Snapshot, doc: DocId, text: &str, offset: usize) -> Vec<CompletionItem> {
    completion_on(snapshot, doc, text, offset, None)
}

/// [`completion`] on a known date (`YYYY-MM-DD`), which the edge supplies: an ADR's `**Date**`
/// completes to it.
pub fn completion_on(
    snapshot: &Snapshot,
    doc: DocId,
    text: &str,
    offset: usize,
    today: Option<&str>,
) -> Vec<CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    if let Some(start) = typed_link_start(before) {
        let typed = &before[start..];
        let from = snapshot.doc(doc);
        return match typed.split_once('#') {
            Some((path, anchor)) => {
                let target = resolve_link(snapshot.roots(), from.root, &from.path, path);
                heading_items(snapshot, &target, anchor, TextRange::new(offset - anchor.len(), offset))
            }
            None => link_items(snapshot, from, typed, TextRange::new(start, offset)),
        };
    }
    if let Some(start) = typed_path_start(before) {
        let typed = &before[start..];
        return match typed.split_once('#') {
            Some((path, anchor)) => {
                let from = snapshot.doc(doc);
                let target = resolve(snapshot.roots(), from.root, &from.path, path);
                heading_items(snapshot, &target, anchor, TextRange::new(offset - anchor.len(), offset))
            }
            None => path_items(snapshot, typed, TextRange::new(start, offset)),
        };
    }
    if let Some(items) = adr_section_items(snapshot.doc(doc), before, offset) {
        return items;
    }
    if let Some(items) = adr_metadata_items(snapshot.doc(doc), before, offset, today) {
        return items;
    }
    if let Some(start) = typed_status_start(snapshot.doc(doc), before) {
        return status_items(snapshot, snapshot.doc(doc), &before[start..], TextRange::new(start, offset));
    }
    if let Some(start) = relation_word_start(before) {
        // `**Supersedes**: ` or `Related: ADR-001, A`: the project's ADRs, from whatever was typed.
        let typed = &before[start..];
        let word = if "ADR-".starts_with(&typed.to_ascii_uppercase()) { "ADR-" } else { typed };
        let items = id_items(snapshot, word, TextRange::new(start, offset));
        if !items.is_empty() {
            return items;
        }
    }
    if let Some(items) = crate::analysis::snippets::adr_snippet_items(snapshot, snapshot.doc(doc), text, offset, today)
    {
        return items;
    }
    let word_start = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '-').len();
    id_items(snapshot, &before[word_start..], TextRange::new(word_start, offset))
}

/// Words after which a line names other ADRs (aiwg-format §4.3: `**Supersedes**: ADR-004`,
/// a status `Superseded by ADR-012`, `- **Related ADRs**: ADR-RF-001, …`).
const RELATION_WORDS: &[&str] = &["supersedes", "superseded by", "superseded-by", "replaces", "replaced by", "related"];

/// Where the ID being typed after a relation word starts, when only IDs, separators and
/// emphasis follow the word on the line (`**Supersedes**: ADR-003, ` → the cursor).
fn relation_word_start(before: &str) -> Option<usize> {
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = before[line_start..].to_ascii_lowercase();
    let word_end = RELATION_WORDS.iter().filter_map(|word| line.rfind(word).map(|at| at + word.len())).max()?;
    let after = &line[word_end..];
    // `Related ADRs:` / `Related Decisions:` keep a word before the colon.
    let after = after.strip_prefix(" adrs").or_else(|| after.strip_prefix(" decisions")).unwrap_or(after);
    if !after.bytes().all(|b| b.is_ascii_alphanumeric() || b"-*:, ".contains(&b)) || !after.contains([':', ' ']) {
        return None;
    }
    let typed = after.len() - after.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '-').len();
    // What comes between the word and the ID being typed must be IDs already listed.
    let listed = after[..after.len() - typed].split([',', ' ', '*', ':']).filter(|t| !t.is_empty());
    let word = &after[after.len() - typed..];
    let names_adr = word.starts_with("adr-") || "adr-".starts_with(word);
    let only_ids = listed.into_iter().all(|t| t == "and" || parse_id(&t.to_ascii_uppercase()).is_some());
    (names_adr && only_ids).then(|| before.len() - typed)
}

/// After `## ` in an ADR: the sections of the ADR's template that it lacks, in the template's
/// canonical order (aiwg-format §4.1), each inserted with its guidance.
fn adr_section_items(doc: &Document, before: &str, offset: usize) -> Option<Vec<CompletionItem>> {
    let adr = crate::model::adr::adr(&doc.facts)?;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let typed = before[line_start..].strip_prefix("## ")?;
    if typed.contains(['#', '`', '[', '@']) {
        return None;
    }
    let present: Vec<String> = doc.facts.headings.iter().map(|h| h.text.to_ascii_lowercase()).collect();
    let lower = typed.to_ascii_lowercase();
    let start = offset - typed.len();
    let items = adr
        .template
        .sections()
        .iter()
        .filter(|(name, _)| !present.iter().any(|p| p == &name.to_ascii_lowercase()))
        .filter(|(name, _)| *name != "Status" || adr.status_value.is_none())
        .filter(|(name, _)| name.to_ascii_lowercase().starts_with(&lower))
        .enumerate()
        .map(|(position, (name, guidance))| CompletionItem {
            label: name.to_string(),
            kind: CompletionKind::Heading,
            detail: Some("ADR section".to_string()),
            documentation: Some(guidance.to_string()),
            insert_text: format!("{name}\n\n{guidance}\n"),
            replace: TextRange::new(start, offset),
            sort_text: format!("{position:04}"),
            filter_text: Some(name.to_string()),
        })
        .collect();
    Some(items)
}

/// Metadata keys an ADR author writes (aiwg-format §4.1), with a starting value.
const ADR_METADATA_KEYS: &[(&str, &str)] = &[
    ("ADR ID", ""),
    ("Status", "Proposed"),
    ("Date", ""),
    ("Deciders", ""),
    ("Author(s)", ""),
    ("Reviewers", ""),
    ("Category", ""),
    ("Supersedes", "ADR-"),
];

/// After `**` at the start of a line (or a list item) in an ADR: the metadata keys it does not
/// state yet, as `**Key**: value` lines; `**ADR ID**` gets the ADR's own ID and `**Date**` today.
fn adr_metadata_items(doc: &Document, before: &str, offset: usize, today: Option<&str>) -> Option<Vec<CompletionItem>> {
    let adr = crate::model::adr::adr(&doc.facts)?;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = &before[line_start..];
    let body = line.trim_start();
    let body = body.strip_prefix("- ").unwrap_or(body);
    let typed = body.strip_prefix("**")?;
    if typed.contains(['*', ':', '`', '@']) {
        return None;
    }
    let lower = typed.to_ascii_lowercase();
    let start = offset - typed.len() - 2;
    let items = ADR_METADATA_KEYS
        .iter()
        .filter(|(key, _)| doc.facts.meta(key).is_none())
        .filter(|(key, _)| key.to_ascii_lowercase().starts_with(&lower))
        .enumerate()
        .map(|(position, (key, value))| {
            let value = match *key {
                "ADR ID" => adr.id.map(ToString::to_string).unwrap_or_default(),
                "Date" => today.unwrap_or("").to_string(),
                _ => value.to_string(),
            };
            CompletionItem {
                label: format!("**{key}**"),
                kind: CompletionKind::Status,
                detail: Some("ADR metadata".to_string()),
                documentation: None,
                insert_text: format!("**{key}**: {value}"),
                replace: TextRange::new(start, offset),
                sort_text: format!("{position:04}"),
                filter_text: Some(format!("**{key}")),
            }
        })
        .collect::<Vec<_>>();
    // Bold prose (`**ADR-0…`) that names no key falls through to the other completions.
    (!items.is_empty()).then_some(items)
}

/// Where the status value being typed in an ADR starts: after `**Status**:`, `Status:` or
/// `- **Status**:` on the line, or on the first line under `## Status` (aiwg-format §4.1's
/// metadata forms), when only a word has been typed since.
fn typed_status_start(doc: &Document, before: &str) -> Option<usize> {
    if doc.facts.kind != crate::model::ArtifactKind::Adr {
        return None;
    }
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = &before[line_start..];
    let typed_len = line.len() - line.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
    let lead = line[..line.len() - typed_len].trim_start();
    let lead = lead.strip_prefix("- ").or_else(|| lead.strip_prefix("* ")).unwrap_or(lead).trim_end();
    let keyed = ["**Status**:", "**Status:**", "Status:", "**Current Status**:", "**Current Status:**"]
        .iter()
        .any(|key| lead.eq_ignore_ascii_case(key));
    let under_heading = lead.is_empty() && {
        // The nearest non-blank line above is a `Status` heading.
        let above = before[..line_start].trim_end();
        let previous = above.rsplit('\n').next().unwrap_or(above).trim();
        previous.starts_with('#') && previous.trim_start_matches('#').trim().eq_ignore_ascii_case("status")
    };
    (keyed || under_heading).then_some(before.len() - typed_len)
}

/// The lifecycle's status values (aiwg-format §4.2) that start with what was typed.
fn status_items(snapshot: &Snapshot, doc: &Document, typed: &str, replace: TextRange) -> Vec<CompletionItem> {
    let typed = typed.to_ascii_lowercase();
    let mut values: Vec<(String, String)> =
        crate::model::adr::STATUS_VALUES.iter().map(|v| (v.to_string(), "ADR status".to_string())).collect();
    // "Superseded by" completes to each ADR of the project, newest first, with its title.
    let own = crate::model::adr::adr(&doc.facts).and_then(|a| a.id.cloned());
    let project = snapshot.roots().project_dir(doc.root, &doc.path);
    let mut successors: Vec<(&IdKey, &Document)> = snapshot
        .workspace_documents()
        .filter(|(_, other)| other.root == doc.root && snapshot.roots().project_dir(other.root, &other.path) == project)
        .filter_map(|(_, other)| Some((crate::model::adr::adr(&other.facts)?.id?, other)))
        .filter(|(key, _)| Some(*key) != own.as_ref())
        .collect();
    successors.sort_by(|a, b| b.0.cmp(a.0));
    for (key, other) in successors.into_iter().take(MAX_SUCCESSOR_ITEMS) {
        let title = other.facts.title.clone().unwrap_or_else(|| other.path.clone());
        let detail = match other.facts.status() {
            Some(status) => format!("{title} · {status}"),
            None => title,
        };
        values.push((format!("Superseded by {key}"), detail));
    }
    values
        .into_iter()
        .filter(|(value, _)| value.to_ascii_lowercase().starts_with(&typed))
        .enumerate()
        .map(|(position, (value, detail))| CompletionItem {
            label: value.clone(),
            kind: CompletionKind::Status,
            detail: Some(detail),
            documentation: None,
            insert_text: value,
            replace,
            sort_text: format!("{position:04}"),
            filter_text: None,
        })
        .collect()
}

/// Where a path candidate comes from; also the tie-break order between equal scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Workspace,
    /// A deployed provider path that maps back to a framework source.
    Deployed,
    AiwgRoot,
}

struct PathCandidate<'a> {
    /// As inserted after the `@` (and after an aiwg-root prefix), without the trailing `/` of
    /// folders, which only the item gets.
    path: Cow<'a, str>,
    is_dir: bool,
    origin: Origin,
    /// The tree and path of the file the candidate opens: itself, or a deployed path's source.
    root: RootKind,
    source: &'a str,
}

fn path_items(snapshot: &Snapshot, typed: &str, replace: TextRange) -> Vec<CompletionItem> {
    let roots = snapshot.roots();
    let workspace = &*roots.workspace;
    let aiwg_tree = roots.aiwg_tree();
    // After a spelling of the aiwg install root, only the root's own paths make sense.
    let (spelled_root, query) = match split_aiwg_prefix(typed) {
        Some((prefix, rest)) if prefix.ends_with('/') => (Some(prefix), rest),
        _ => (None, typed),
    };

    let mut candidates: Vec<PathCandidate<'_>> = Vec::with_capacity(workspace.len() * 2);
    match (spelled_root, aiwg_tree) {
        (Some(_), Some((root, tree))) => add_tree(&mut candidates, tree, root, Origin::AiwgRoot, None),
        (Some(_), None) => {}
        (None, _) => {
            add_tree(&mut candidates, workspace, RootKind::Workspace, Origin::Workspace, None);
            if let AiwgRoot::External(aiwg) = &roots.aiwg {
                // `agentic/…` resolves in the aiwg root when the workspace does not hold it.
                add_tree(&mut candidates, aiwg, RootKind::Aiwg, Origin::AiwgRoot, Some(workspace));
            }
            if let Some((root, tree)) = aiwg_tree {
                for (deployed, Deployed { is_dir, source }) in claude_paths(tree) {
                    if !workspace.exists(&deployed) {
                        candidates.push(PathCandidate {
                            path: Cow::Owned(deployed),
                            is_dir,
                            origin: Origin::Deployed,
                            root,
                            source,
                        });
                    }
                }
            }
        }
    }

    // Equal scores: the workspace's own paths first, then shorter ones, then a stable order.
    let scored = best_paths(
        query,
        &candidates,
        |c| &c.path,
        |x, y| x.origin.cmp(&y.origin).then(x.path.len().cmp(&y.path.len())).then_with(|| x.path.cmp(&y.path)),
    );

    scored
        .iter()
        .enumerate()
        .map(|(position, &(_, i))| {
            let c = &candidates[i];
            let label = format!("{}{}{}", spelled_root.unwrap_or(""), c.path, if c.is_dir { "/" } else { "" });
            let documentation = match c.origin {
                Origin::Workspace => None,
                Origin::Deployed => Some(format!("Deployed from `{}`", c.source)),
                Origin::AiwgRoot => Some("In the aiwg install root".to_string()),
            };
            let mut item = file_item(snapshot, (c.root, c.source, c.is_dir), label, replace, position);
            item.documentation = documentation;
            item
        })
        .collect()
}

/// The [`MAX_PATH_ITEMS`] candidates whose path (`path_of`) best matches `query`, fuzzily, as
/// `(score, index)` best first; `tie` orders equal scores. Selection before sorting keeps a
/// 10,000-path workspace cheap per keystroke.
fn best_paths<T>(
    query: &str,
    candidates: &[T],
    path_of: impl Fn(&T) -> &str,
    tie: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<(u32, usize)> {
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT.match_paths());
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((pattern.score(Utf32Str::new(path_of(c), &mut buf), &mut matcher)?, i)))
        .collect();
    let order =
        |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then_with(|| tie(&candidates[a.1], &candidates[b.1]));
    if scored.len() > MAX_PATH_ITEMS {
        scored.select_nth_unstable_by(MAX_PATH_ITEMS - 1, order);
        scored.truncate(MAX_PATH_ITEMS);
    }
    scored.sort_unstable_by(order);
    scored
}

/// Every file and folder of `tree` as candidates, except those `skip` holds too.
fn add_tree<'a>(
    candidates: &mut Vec<PathCandidate<'a>>,
    tree: &'a PathSet,
    root: RootKind,
    origin: Origin,
    skip: Option<&PathSet>,
) {
    let fresh = |p: &&str| skip.is_none_or(|s| !s.exists(p));
    let files = tree.files().filter(fresh).map(|p| (p, false));
    let dirs = tree.dirs().filter(fresh).map(|p| (p, true));
    for (path, is_dir) in files.chain(dirs) {
        candidates.push(PathCandidate { path: Cow::Borrowed(path), is_dir, origin, root, source: path });
    }
}

/// A file or folder item inserting `label`, detailed with the title and kind of the document
/// it opens (`(root, path, is_dir)`) when that is indexed, ranked at `position`.
fn file_item(
    snapshot: &Snapshot,
    (root, path, is_dir): (RootKind, &str, bool),
    label: String,
    replace: TextRange,
    position: usize,
) -> CompletionItem {
    let indexed = (!is_dir).then(|| snapshot.doc_by_path(root, path)).flatten();
    CompletionItem {
        kind: if is_dir { CompletionKind::Folder } else { CompletionKind::File },
        detail: indexed.map(|id| title_and_kind(snapshot.doc(id))),
        documentation: None,
        insert_text: label.clone(),
        label,
        replace,
        sort_text: format!("{position:04}"),
        filter_text: None,
    }
}

/// `Title · Kind` of an indexed document.
fn title_and_kind(doc: &Document) -> String {
    let name = doc.facts.title.as_deref().unwrap_or_else(|| doc.path.rsplit('/').next().unwrap_or(&doc.path));
    format!("{name} · {}", doc.facts.kind.label())
}

/// Where the destination of the markdown link being typed starts, for a cursor at the end of
/// `before`: after the line's last `](` (and a `<`), with no `)` or blank typed since.
fn typed_link_start(before: &str) -> Option<usize> {
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = &before[line_start..];
    let open = line.rfind("](")? + 2;
    if !line[..open].contains('[') {
        return None;
    }
    let typed = &line[open..];
    if typed.contains([')', ' ', '\t', '>']) || typed.starts_with('@') {
        return None;
    }
    Some(line_start + open + usize::from(typed.starts_with('<')))
}

/// Files and folders of the document's tree, written relative to its folder as a link's
/// destination is, ranked against what was typed.
fn link_items(snapshot: &Snapshot, from: &Document, typed: &str, replace: TextRange) -> Vec<CompletionItem> {
    let Some(tree) = snapshot.roots().tree(from.root) else { return Vec::new() };
    let dir = from.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let files = tree.files().filter(|p| *p != from.path).map(|p| (p, false));
    let candidates: Vec<(String, &str, bool)> =
        files.chain(tree.dirs().map(|p| (p, true))).map(|(p, is_dir)| (relative_path(dir, p), p, is_dir)).collect();
    // Equal scores: nearer (shorter) paths first.
    let scored = best_paths(typed, &candidates, |c| &c.0, |x, y| x.0.len().cmp(&y.0.len()).then_with(|| x.0.cmp(&y.0)));
    scored
        .iter()
        .enumerate()
        .map(|(position, &(_, i))| {
            let (relative, path, is_dir) = &candidates[i];
            let label = format!("{relative}{}", if *is_dir { "/" } else { "" });
            file_item(snapshot, (from.root, path, *is_dir), label, replace, position)
        })
        .collect()
}

/// Headings of the document a reference resolved to, for `@path#anchor` and `](path#anchor`.
fn heading_items(snapshot: &Snapshot, resolution: &Resolution, typed: &str, replace: TextRange) -> Vec<CompletionItem> {
    let Some(target) = resolution.targets().first().and_then(|t| snapshot.target_doc(t)) else {
        return Vec::new();
    };
    let pattern = Pattern::parse(typed, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let headings = &snapshot.doc(target).facts.headings;
    let mut scored: Vec<(u32, usize)> = headings
        .iter()
        .enumerate()
        .filter_map(|(i, h)| Some((pattern.score(Utf32Str::new(&h.slug, &mut buf), &mut matcher)?, i)))
        .collect();
    // Best match first; equal scores (an empty query) keep the document's order.
    scored.sort_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
    scored
        .iter()
        .enumerate()
        .map(|(position, &(_, i))| {
            let heading = &headings[i];
            CompletionItem {
                label: heading.slug.to_string(),
                kind: CompletionKind::Heading,
                detail: Some(heading.text.to_string()),
                documentation: None,
                insert_text: heading.slug.to_string(),
                replace,
                sort_text: format!("{position:04}"),
                filter_text: None,
            }
        })
        .collect()
}

/// What was typed of an ID: `ADR-`, `uc-ap-`, `REF-0`, `NFR-PERF-`.
struct IdPrefix {
    /// Upper-cased, as IDs are written.
    typed: String,
    prefix: &'static str,
    /// The category, when it was typed in full (followed by `-`).
    category: Option<String>,
    /// True when the part after the last `-` is digits or empty: a number is being typed, so
    /// the next free number of this prefix and category is worth offering.
    at_number: bool,
}

fn id_prefix(word: &str) -> Option<IdPrefix> {
    let typed = word.to_ascii_uppercase();
    let parts: Vec<&str> = typed.split('-').collect();
    if parts.len() < 2 || !parts[0].bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    // The ID grammar decides what a prefix and a category are: check with a number appended.
    let prefix = parse_id(&format!("{}-1", parts[0]))?.key.prefix;
    let last = parts[parts.len() - 1];
    let at_number = last.bytes().all(|b| b.is_ascii_digit());
    let category = match parts.len() {
        2 => None,
        3 => {
            parse_id(&format!("{}-{}-1", parts[0], parts[1]))?;
            Some(parts[1].to_string())
        }
        _ => return None,
    };
    if !at_number && category.is_some() {
        return None;
    }
    Some(IdPrefix { prefix, category, at_number, typed })
}

fn id_items(snapshot: &Snapshot, word: &str, replace: TextRange) -> Vec<CompletionItem> {
    let Some(wanted) = id_prefix(word) else { return Vec::new() };
    let mut matches: Vec<(&IdKey, &[DocId])> = Vec::new();
    let mut highest = 0;
    for (key, docs) in snapshot.declarations() {
        if key.prefix != wanted.prefix {
            continue;
        }
        if key.category == wanted.category {
            highest = highest.max(key.number);
        }
        if wanted.category.is_some() && key.category != wanted.category {
            continue;
        }
        let written = written_id(snapshot, key, docs);
        if written.to_ascii_uppercase().starts_with(&wanted.typed) || key.to_string().starts_with(&wanted.typed) {
            matches.push((key, docs));
        }
    }
    matches.sort_by(|a, b| a.0.cmp(b.0));

    let mut items: Vec<CompletionItem> = matches
        .iter()
        .map(|&(key, docs)| {
            let label = written_id(snapshot, key, docs).to_string();
            let first = snapshot.doc(docs[0]);
            let mut notes: Vec<String> = Vec::new();
            if let Some(status) = first.facts.status() {
                notes.push(format!("Status: {status}"));
            }
            if let Some(summary) = &first.facts.summary {
                notes.push(summary.clone());
            }
            if docs.len() > 1 {
                notes.push(format!("Declared by {} documents.", docs.len()));
            }
            let title = first.facts.title.clone().unwrap_or_else(|| first.path.clone());
            CompletionItem {
                detail: Some(match first.facts.status() {
                    Some(status) => format!("{title} · {status}"),
                    None => title,
                }),
                documentation: (!notes.is_empty()).then(|| notes.join("\n\n")),
                kind: CompletionKind::Id,
                insert_text: label.clone(),
                label,
                replace,
                sort_text: String::new(),
                filter_text: None,
            }
        })
        .collect();
    if wanted.at_number {
        let next = IdKey { prefix: wanted.prefix, category: wanted.category.clone(), number: highest + 1 };
        let label = next.to_string();
        if label.starts_with(&wanted.typed) {
            items.push(CompletionItem {
                insert_text: label.clone(),
                label,
                kind: CompletionKind::Id,
                detail: Some("next free number".to_string()),
                documentation: None,
                replace,
                sort_text: String::new(),
                filter_text: None,
            });
        }
    }
    for (position, item) in items.iter_mut().enumerate() {
        item.sort_text = format!("{position:04}");
    }
    items
}

/// The ID as its first declaring document writes it (`ADR-007`, or `ADR-7` if so written).
fn written_id<'a>(snapshot: &'a Snapshot, key: &IdKey, docs: &[DocId]) -> &'a str {
    docs.iter()
        .flat_map(|&id| snapshot.doc(id).facts.declared_ids.iter())
        .find(|d| &d.id.key == key)
        .map_or("", |d| d.id.text.as_str())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::fixture::Fixture;

    /// Lists the items best first, with what each replaces; `limit` keeps long path lists short.
    fn check(fixture: &str, limit: usize, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let (doc, offset) = fixture.cursor.expect("a $0 cursor in an indexed document");
        let text = fixture.text(doc);
        let items = completion(&fixture.snapshot, doc, text, offset);
        let mut out = String::new();
        for item in items.iter().take(limit) {
            out.push_str(&format!("{} {:?} {}", item.sort_text, item.kind, item.label));
            if let Some(detail) = &item.detail {
                out.push_str(&format!(" — {detail}"));
            }
            if let Some(doc) = &item.documentation {
                out.push_str(&format!(" [{}]", doc.replace('\n', " ")));
            }
            out.push_str(&format!(" replaces {:?}\n", item.replace.slice(text)));
        }
        if items.len() > limit {
            out.push_str(&format!("… {} items in all\n", items.len()));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn adr_sections_the_template_has_and_the_document_lacks() {
        let adr = "//- /.aiwg/architecture/decisions/ADR-007-cache.md\n# ADR-007: Cache\n\n**Status**: Proposed\n\n\
                   ## Context\n\nx\n\n## $0\n";
        check(
            adr,
            10,
            expect![[r#"
            0000 Heading Decision — ADR section [[The change we propose or have agreed to.]] replaces ""
            0001 Heading Consequences — ADR section [[What becomes easier or harder: positive, negative, risks.]] replaces ""
            0002 Heading Alternatives Considered — ADR section [[Each option weighed, and why it was not chosen.]] replaces ""
            0003 Heading Implementation — ADR section [[Migration path, timeline, dependencies.]] replaces ""
            0004 Heading References — ADR section [[@-references to the use cases, NFR modules and ADRs this rests on.]] replaces ""
        "#]],
        );
        check(
            &adr.replace("## $0", "## Con$0"),
            10,
            expect![[r#"
            0000 Heading Consequences — ADR section [[What becomes easier or harder: positive, negative, risks.]] replaces "Con"
        "#]],
        );
    }

    #[test]
    fn adr_metadata_keys_it_lacks_with_its_id_and_today() {
        let fixture = Fixture::parse(
            "//- /.aiwg/architecture/decisions/ADR-007-cache.md\n# ADR-007: Cache\n\n**Status**: Proposed\n**$0\n",
        );
        let (doc, offset) = fixture.cursor.unwrap();
        let items = completion_on(&fixture.snapshot, doc, fixture.text(doc), offset, Some("2026-12-01"));
        let inserted: Vec<&str> = items.iter().map(|i| i.insert_text.as_str()).collect();
        assert_eq!(
            inserted,
            [
                "**ADR ID**: ADR-007",
                "**Date**: 2026-12-01",
                "**Deciders**: ",
                "**Author(s)**: ",
                "**Reviewers**: ",
                "**Category**: ",
                "**Supersedes**: ADR-"
            ]
        );
        assert_eq!(items[0].replace.slice(fixture.text(doc)), "**");
    }

    fn snippets_at(fixture: &str) -> String {
        let fixture = Fixture::parse(fixture);
        let (doc, offset) = fixture.cursor.unwrap();
        let items = completion_on(&fixture.snapshot, doc, fixture.text(doc), offset, Some("2026-12-01"));
        let mut out = String::new();
        for item in items.iter().filter(|i| i.kind == CompletionKind::Snippet) {
            out.push_str(&format!(
                "== {} (replaces {:?})\n{}\n",
                item.label,
                item.replace.slice(fixture.text(doc)),
                item.insert_text
            ));
        }
        out
    }

    #[test]
    fn adr_snippets_are_filled_from_the_project() {
        let fixture = r#"
            //- /.aiwg/requirements/use-cases/UC-001-login.md
            # UC-001: Log in
            //- /.aiwg/requirements/use-cases/UC-002-export.md
            # UC-002: Export data
            //- /.aiwg/requirements/nfr-modules/performance.md
            # NFR Module: Performance
            //- /.aiwg/requirements/nfr-modules/security.md
            # NFR Module: Security
            //- /.aiwg/architecture/software-architecture-doc.md
            # Software Architecture Document
            //- /.aiwg/architecture/decisions/ADR-004-sessions.md
            # ADR-004: Sessions

            **Status**: Proposed

            Export (UC-002) needs this.

            ### Alternative 1: Cookies

            ### Alternative 2: JWT

            ## Review History

            | Date | Reviewer | Outcome | Notes |
            |---|---|---|---|
            $0
            "#;
        expect![[r#"
            == Reasoning block (replaces "")
            ## Reasoning

            1. **Context Analysis**: ${1:What architectural concern does this address?}
            2. **Force Identification**: ${2:What forces are in tension?}
            3. **Option Evaluation**: ${3:What alternatives were considered with trade-offs?}
            4. **Decision Justification**: ${4:Why is this the best choice given constraints?}
            5. **Consequence Assessment**: ${5:What are the positive and negative impacts?}
            $0
            == Alternative 3 block (replaces "")
            ### Alternative 3: ${1:Name}

            ${2:What this option is.}

            **Pros:**
            - ${3}

            **Cons:**
            - ${4}

            **Why Not Chosen:** ${5}
            $0
            == Evaluation criteria table (replaces "")
            ## Evaluation Criteria

            | Criterion | Weight | Description | Source NFR |
            |-----------|--------|-------------|------------|
            | Performance | ${1:50}% | ${2} | @.aiwg/requirements/nfr-modules/performance.md |
            | Security | ${3:50}% | ${4} | @.aiwg/requirements/nfr-modules/security.md |

            **Minimum Acceptable Score:** ${5:65}/100
            $0
            == Options comparison matrix (replaces "")
            ## Options Comparison Matrix

            | Option | Performance (50%) | Security (50%) | **Total** | Pass/Fail? |
            |--------|---|---|-----------|------------|
            | Alternative 1 | ${1} | ${2} | ${3} | ${4} |
            | Alternative 2 | ${5} | ${6} | ${7} | ${8} |

            *Score (0-10) with its weighted contribution in parentheses: `8 (2.4)`. Totals are out of 100.*
            $0
            == References list (replaces "")
            ## References

            - @.aiwg/requirements/use-cases/UC-002-export.md — UC-002: Export data
            - @.aiwg/requirements/use-cases/UC-001-login.md — UC-001: Log in
            - @.aiwg/architecture/software-architecture-doc.md — Software Architecture Document
            - @.aiwg/requirements/nfr-modules/performance.md — NFR Module: Performance
            - @.aiwg/requirements/nfr-modules/security.md — NFR Module: Security
            $0
            == Review History row (replaces "")
            | ${1:2026-12-01} | ${2:Reviewer} | ${3:Approved} | ${4:Notes} |
            $0
        "#]]
        .assert_eq(&snippets_at(fixture));
        // Mid-line, or with text after the cursor, no snippet is offered.
        let mid_line = fixture.replace("            $0\n", "            We chose $0\n");
        assert_eq!(snippets_at(&mid_line), "");
    }

    #[test]
    fn adr_ids_after_relation_words() {
        let workspace = r#"
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-003: Use Memcached

            **Status**: Accepted
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            # ADR-007: Use Redis

            **Status**: Proposed
            CURSOR_LINE
            "#;
        for line in ["**Supersedes**: $0", "Superseded by A$0", "- **Related ADRs**: ADR-003, $0", "Related: AD$0"] {
            let fixture = Fixture::parse(&workspace.replace("CURSOR_LINE", line));
            let (doc, offset) = fixture.cursor.unwrap();
            let items = completion(&fixture.snapshot, doc, fixture.text(doc), offset);
            let shown: Vec<String> = items
                .iter()
                .map(|i| {
                    format!(
                        "{} — {} replaces {:?}",
                        i.label,
                        i.detail.as_deref().unwrap_or(""),
                        i.replace.slice(fixture.text(doc))
                    )
                })
                .collect();
            let typed = line.trim_end_matches("$0").rsplit([' ']).next().unwrap_or("");
            assert_eq!(
                shown,
                [
                    format!("ADR-003 — ADR-003: Use Memcached · Accepted replaces {typed:?}"),
                    format!("ADR-007 — ADR-007: Use Redis · Proposed replaces {typed:?}"),
                    format!("ADR-008 — next free number replaces {typed:?}"),
                ],
                "after {line:?}"
            );
        }
        // Prose after the word is not a list of IDs.
        let prose = Fixture::parse(&workspace.replace("CURSOR_LINE", "This supersedes the cache we $0"));
        let (doc, offset) = prose.cursor.unwrap();
        assert!(completion(&prose.snapshot, doc, prose.text(doc), offset).iter().all(|i| i.kind != CompletionKind::Id));
    }

    #[test]
    fn adr_status_values_after_every_status_form() {
        let adr =
            |line: &str| format!("//- /.aiwg/architecture/decisions/ADR-007-cache.md\n# ADR-007: Cache\n\n{line}\n");
        check(
            &adr("**Status**: Acc$0"),
            5,
            expect![[r#"
            0000 Status Accepted — ADR status replaces "Acc"
        "#]],
        );
        check(
            &adr("- **Status**: $0"),
            5,
            expect![[r#"
            0000 Status Proposed — ADR status replaces ""
            0001 Status Accepted — ADR status replaces ""
            0002 Status Rejected — ADR status replaces ""
            0003 Status Deprecated — ADR status replaces ""
            0004 Status Superseded by ADR- — ADR status replaces ""
        "#]],
        );
        check(
            &adr("## Status\n\nsup$0"),
            5,
            expect![[r#"
            0000 Status Superseded by ADR- — ADR status replaces "sup"
        "#]],
        );
        check(
            "//- /.aiwg/architecture/decisions/ADR-003-memcached.md\n# ADR-003: Use Memcached\n\n**Status**: Superseded by ADR-007\n\
             //- /.aiwg/architecture/decisions/ADR-009-nats.md\n# ADR-009: Use NATS\n\n**Status**: Proposed\n\
             //- /.aiwg/architecture/decisions/ADR-007-cache.md\n# ADR-007: Cache\n\n**Status**: Superseded$0\n",
            5,
            expect![[r#"
            0000 Status Superseded by ADR- — ADR status replaces "Superseded"
            0001 Status Superseded by ADR-009 — ADR-009: Use NATS · Proposed replaces "Superseded"
            0002 Status Superseded by ADR-003 — ADR-003: Use Memcached · Superseded by ADR-007 replaces "Superseded"
        "#]],
        );
        check(&adr("Status: Accepted and$0"), 5, expect![[r#""#]]);
        check("//- /docs/notes.md\n# Notes\n\n**Status**: $0\n", 5, expect![[r#""#]]);
    }

    #[test]
    fn link_destinations_complete_relative_to_the_document() {
        let project = r#"
            //- /.aiwg/architecture/sad.md
            # Software Architecture

            ## Caching Strategy
            //- /docs/guides/setup.md
            # Setup
            //- /docs/guides/notes.md
            # Notes
            See [the SAD](../../.aiwg/arch$0
            "#;
        check(
            project,
            3,
            expect![[r#"
                0000 Folder ../../.aiwg/architecture/ replaces "../../.aiwg/arch"
                0001 File ../../.aiwg/architecture/sad.md — Software Architecture · Document replaces "../../.aiwg/arch"
            "#]],
        );
        check(
            &project.replace("../../.aiwg/arch$0", "../../.aiwg/architecture/sad.md#cach$0"),
            3,
            expect![[r#"
                0000 Heading caching-strategy — Caching Strategy replaces "cach"
            "#]],
        );
        check(
            &project.replace("../../.aiwg/arch$0", "<set$0"),
            2,
            expect![[r#"
            0000 File setup.md — Setup · Document replaces "set"
        "#]],
        );
        check(&project.replace("../../.aiwg/arch$0", "x.md) and more$0"), 2, expect![[r#""#]]);
    }

    const PROJECT: &str = r#"
        //- /.aiwg/architecture/sad.md
        # Software Architecture

        ## Caching Strategy

        ## Rule 7: Context Budget Estimation
        //- /.aiwg/requirements/use-cases/UC-001-create-task.md
        # UC-001: Create Task
        //- /.aiwg/config.yaml
        issue_tracking: {}
        //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md
        # Thought Protocol
        //- /aiwg-root/agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md
        # Architecture Designer
        //- /aiwg-root/agentic/code/frameworks/sdlc-complete/commands/flows/flow-inception.md
        # Flow: Inception
        //- /aiwg-root/agentic/code/frameworks/sdlc-complete/skills/auto-provenance/SKILL.md
        # Auto provenance
        "#;

    fn with_notes(line: &str) -> String {
        format!("{PROJECT}//- /docs/notes.md\n        # Notes\n        {line}\n")
    }

    #[test]
    fn paths_after_at_from_workspace_deploy_map_and_aiwg_root() {
        check(
            &with_notes("See @$0"),
            40,
            expect![[r#"
                0000 Folder docs/ replaces ""
                0001 Folder .aiwg/ replaces ""
                0002 File docs/notes.md — Notes · Document replaces ""
                0003 File .aiwg/config.yaml — config.yaml · Document replaces ""
                0004 Folder .aiwg/architecture/ replaces ""
                0005 Folder .aiwg/requirements/ replaces ""
                0006 File .aiwg/architecture/sad.md — Software Architecture · Document replaces ""
                0007 Folder .aiwg/requirements/use-cases/ replaces ""
                0008 File .aiwg/requirements/use-cases/UC-001-create-task.md — UC-001: Create Task · Use case replaces ""
                0009 Folder .claude/skills/auto-provenance/ [Deployed from `agentic/code/frameworks/sdlc-complete/skills/auto-provenance`] replaces ""
                0010 File .claude/rules/thought-protocol.md — Thought Protocol · Rule [Deployed from `agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md`] replaces ""
                0011 File .claude/commands/flow-inception.md — Flow: Inception · Command [Deployed from `agentic/code/frameworks/sdlc-complete/commands/flows/flow-inception.md`] replaces ""
                0012 File .claude/agents/architecture-designer.md — Architecture Designer · Agent definition [Deployed from `agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md`] replaces ""
                0013 Folder agentic/ [In the aiwg install root] replaces ""
                0014 Folder agentic/code/ [In the aiwg install root] replaces ""
                0015 Folder agentic/code/frameworks/ [In the aiwg install root] replaces ""
                0016 Folder agentic/code/frameworks/sdlc-complete/ [In the aiwg install root] replaces ""
                0017 Folder agentic/code/frameworks/sdlc-complete/rules/ [In the aiwg install root] replaces ""
                0018 Folder agentic/code/frameworks/sdlc-complete/agents/ [In the aiwg install root] replaces ""
                0019 Folder agentic/code/frameworks/sdlc-complete/skills/ [In the aiwg install root] replaces ""
                0020 Folder agentic/code/frameworks/sdlc-complete/commands/ [In the aiwg install root] replaces ""
                0021 Folder agentic/code/frameworks/sdlc-complete/commands/flows/ [In the aiwg install root] replaces ""
                0022 Folder agentic/code/frameworks/sdlc-complete/skills/auto-provenance/ [In the aiwg install root] replaces ""
                0023 File agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md — Thought Protocol · Rule [In the aiwg install root] replaces ""
                0024 File agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md — Architecture Designer · Agent definition [In the aiwg install root] replaces ""
                0025 File agentic/code/frameworks/sdlc-complete/skills/auto-provenance/SKILL.md — Auto provenance · Skill [In the aiwg install root] replaces ""
                0026 File agentic/code/frameworks/sdlc-complete/commands/flows/flow-inception.md — Flow: Inception · Command [In the aiwg install root] replaces ""
            "#]],
        );
    }

    #[test]
    fn deployed_paths_of_a_workspace_that_is_its_own_aiwg_root() {
        // The aiwg repository itself: its framework sources are in the workspace. Colliding rule
        // names appear once, command templates are not deployed, and a README resolves like any
        // other rule (the deploy map maps `.claude/rules/README.md` back to it).
        check(
            r#"
            //- /agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            # Research first
            //- /agentic/code/frameworks/sdlc-complete/rules/README.md
            # Rules
            //- /agentic/code/frameworks/sdlc-complete/commands/templates/flow-template.md
            # Template
            //- /agentic/code/addons/aiwg-utils/rules/research-before-decision.md
            # Research first (utils)
            //- /agentic/code/addons/aiwg-utils/commands/aiwg-regenerate.md
            # Regenerate
            //- /CLAUDE.md
            # Project
            Load @.claude/$0
            "#,
            5,
            expect![[r#"
                0000 File .claude/rules/README.md — Rules · Document [Deployed from `agentic/code/frameworks/sdlc-complete/rules/README.md`] replaces ".claude/"
                0001 File .claude/commands/aiwg-regenerate.md — Regenerate · Command [Deployed from `agentic/code/addons/aiwg-utils/commands/aiwg-regenerate.md`] replaces ".claude/"
                0002 File .claude/rules/research-before-decision.md — Research first (utils) · Rule [Deployed from `agentic/code/addons/aiwg-utils/rules/research-before-decision.md`] replaces ".claude/"
            "#]],
        );
    }

    #[test]
    fn fuzzy_path_ranking() {
        check(
            &with_notes("See @.cl/rul$0"),
            5,
            expect![[r#"
                0000 File .claude/rules/thought-protocol.md — Thought Protocol · Rule [Deployed from `agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md`] replaces ".cl/rul"
            "#]],
        );
        check(
            &with_notes("See @sad$0 now"),
            3,
            expect![[r#"
                0000 File .aiwg/architecture/sad.md — Software Architecture · Document replaces "sad"
                0001 File .claude/agents/architecture-designer.md — Architecture Designer · Agent definition [Deployed from `agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md`] replaces "sad"
                0002 File agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md — Architecture Designer · Agent definition [In the aiwg install root] replaces "sad"
                … 8 items in all
            "#]],
        );
        check(
            &with_notes("From @~/.local/share/ai-writing-guide/thought$0"),
            3,
            expect![[r#"
                0000 File ~/.local/share/ai-writing-guide/agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md — Thought Protocol · Rule [In the aiwg install root] replaces "~/.local/share/ai-writing-guide/thought"
            "#]],
        );
        // An e-mail address is not a reference.
        check(&with_notes("mail me@sad$0"), 3, expect![""]);
    }

    #[test]
    fn headings_after_hash() {
        check(
            &with_notes("See @.aiwg/architecture/sad.md#$0"),
            10,
            expect![[r#"
            0000 Heading software-architecture — Software Architecture replaces ""
            0001 Heading caching-strategy — Caching Strategy replaces ""
            0002 Heading rule-7-context-budget-estimation — Rule 7: Context Budget Estimation replaces ""
        "#]],
        );
        check(
            &with_notes("See @.aiwg/architecture/sad.md#rule$0"),
            10,
            expect![[r#"
            0000 Heading rule-7-context-budget-estimation — Rule 7: Context Budget Estimation replaces "rule"
        "#]],
        );
    }

    #[test]
    fn ids_by_prefix_with_the_next_free_number() {
        let fixture = r#"
            //- /.aiwg/architecture/decisions/ADR-001-postgres.md
            # ADR-001: Use PostgreSQL

            **Status**: Accepted

            Store tasks in PostgreSQL 16.
            //- /.aiwg/architecture/decisions/ADR-005-sse.md
            # ADR-005: Server-sent events
            //- /.aiwg/requirements/use-cases/UC-AP-003-approve.md
            # UC-AP-003: Approve
            //- /.aiwg/requirements/use-cases/UC-007-list.md
            # UC-007: List
            //- /docs/notes.md
            # Notes
            "#;
        check(
            &format!("{fixture}See ADR-$0\n"),
            10,
            expect![[r#"
                0000 Id ADR-001 — ADR-001: Use PostgreSQL · Accepted [Status: Accepted  Store tasks in PostgreSQL 16.] replaces "ADR-"
                0001 Id ADR-005 — ADR-005: Server-sent events replaces "ADR-"
                0002 Id ADR-006 — next free number replaces "ADR-"
            "#]],
        );
        check(
            &format!("{fixture}See uc-ap-$0\n"),
            10,
            expect![[r#"
                0000 Id UC-AP-003 — UC-AP-003: Approve replaces "uc-ap-"
                0001 Id UC-AP-004 — next free number replaces "uc-ap-"
            "#]],
        );
        check(
            &format!("{fixture}See UC-$0\n"),
            10,
            expect![[r#"
                0000 Id UC-007 — UC-007: List replaces "UC-"
                0001 Id UC-AP-003 — UC-AP-003: Approve replaces "UC-"
                0002 Id UC-008 — next free number replaces "UC-"
            "#]],
        );
        check(
            &format!("{fixture}See NFR-PERF-$0\n"),
            10,
            expect![[r#"
                0000 Id NFR-PERF-001 — next free number replaces "NFR-PERF-"
            "#]],
        );
        check(&format!("{fixture}See DOC-$0\n"), 10, expect![""]);
    }
}
