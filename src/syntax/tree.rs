//! The tree-sitter path for open documents: tree-sitter-md's block and inline grammars, read
//! through the queries in `queries/`, turned into an [`Outline`]. [`ParsedDocument`] keeps the
//! tree so that a later change can be re-parsed incrementally.
//!
//! tree-sitter node ranges include line breaks and the container prefixes (`> `, list
//! indentation) of the following line; this module trims them so that every range means what
//! the [`Outline`] doc comments say, independently of how the grammar happens to cut nodes.
//!
//! tree-sitter-md expects every line to end with a line break: on a last line without one it
//! produces ERROR nodes (a document that is just `# Title` has no heading) or misses tables and
//! setext headings. Editors often leave the last line unterminated, so a document that does
//! not end with a line break is parsed with one appended; ranges never extend past the text.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use tree_sitter::{InputEdit, Node, Query, QueryCursor, StreamingIterator};
use tree_sitter_md::{MarkdownParser, MarkdownTree};

use crate::syntax::Outline;
use crate::syntax::outline::{FencedCode, FrontMatter, OutlineHeading};
use crate::text::TextRange;

const BLOCK_QUERY_SOURCE: &str = include_str!("../../queries/markdown/outline.scm");
const INLINE_QUERY_SOURCE: &str = include_str!("../../queries/markdown_inline/outline.scm");

/// The capture names this module reads from the block query; the query must use exactly these.
const BLOCK_CAPTURES: [&str; 8] = [
    "heading.atx",
    "heading.setext",
    "heading.marker",
    "heading.content",
    "code.fenced",
    "code.info",
    "front_matter",
    "table",
];

/// The capture names this module reads from the inline query.
const INLINE_CAPTURES: [&str; 1] = ["code.span"];

/// The compiled block query with the index of each capture, resolved once.
struct BlockQuery {
    query: Query,
    heading_atx: u32,
    heading_setext: u32,
    heading_marker: u32,
    heading_content: u32,
    code_fenced: u32,
    code_info: u32,
    front_matter: u32,
    table: u32,
}

struct InlineQuery {
    query: Query,
    code_span: u32,
}

fn capture_index(query: &Query, name: &str) -> u32 {
    // The queries are compiled into the binary and checked by a unit test, so a missing capture
    // is a programming error caught before release, not a runtime condition.
    query.capture_index_for_name(name).unwrap_or_else(|| panic!("outline query lacks capture @{name}"))
}

fn block_query() -> &'static BlockQuery {
    static QUERY: OnceLock<BlockQuery> = OnceLock::new();
    QUERY.get_or_init(|| {
        let query = Query::new(&tree_sitter_md::LANGUAGE.into(), BLOCK_QUERY_SOURCE)
            .expect("queries/markdown/outline.scm compiles against tree-sitter-md");
        let [
            heading_atx,
            heading_setext,
            heading_marker,
            heading_content,
            code_fenced,
            code_info,
            front_matter,
            table,
        ] = BLOCK_CAPTURES.map(|name| capture_index(&query, name));
        BlockQuery {
            query,
            heading_atx,
            heading_setext,
            heading_marker,
            heading_content,
            code_fenced,
            code_info,
            front_matter,
            table,
        }
    })
}

fn inline_query() -> &'static InlineQuery {
    static QUERY: OnceLock<InlineQuery> = OnceLock::new();
    QUERY.get_or_init(|| {
        let query = Query::new(&tree_sitter_md::INLINE_LANGUAGE.into(), INLINE_QUERY_SOURCE)
            .expect("queries/markdown_inline/outline.scm compiles against tree-sitter-md");
        let [code_span] = INLINE_CAPTURES.map(|name| capture_index(&query, name));
        InlineQuery { query, code_span }
    })
}

thread_local! {
    // A parser holds allocations worth reusing across parses; one per thread keeps it lock-free.
    static PARSER: RefCell<MarkdownParser> = RefCell::new(MarkdownParser::default());
}

/// One parse of a document, kept so that the next version can be re-parsed incrementally.
pub(crate) struct ParsedDocument {
    /// `None` only when tree-sitter gave up (it does so on timeout or cancellation, neither of
    /// which we set); the outline is then empty rather than an error.
    tree: Option<MarkdownTree>,
}

impl ParsedDocument {
    /// Parses `text`. `old` is the previous parse of the same document, already brought in line
    /// with `text` through [`ParsedDocument::edit`]; tree-sitter then reuses its unchanged parts.
    pub(crate) fn parse(text: &str, old: Option<&ParsedDocument>) -> ParsedDocument {
        let old_tree = old.and_then(|old| old.tree.as_ref());
        let source = terminated(text);
        let tree = PARSER.with(|parser| parser.borrow_mut().parse(source.as_bytes(), old_tree));
        ParsedDocument { tree }
    }

    /// Records an edit of the text so that the next [`ParsedDocument::parse`] can reuse this tree.
    pub(crate) fn edit(&mut self, edit: &InputEdit) {
        if let Some(tree) = &mut self.tree {
            tree.edit(edit);
        }
    }

    /// The outline of `text`, which must be the text this document was parsed from.
    pub(crate) fn outline(&self, text: &str) -> Outline {
        let mut outline = Outline::default();
        let Some(tree) = &self.tree else {
            return outline;
        };
        let source = terminated(text);
        collect_blocks(tree, &source, &mut outline);
        collect_code_spans(tree, &source, &mut outline);
        if source.len() != text.len() {
            clamp_to(text.len(), &mut outline);
        }
        outline.headings.sort_by_key(|heading| heading.range.start);
        outline.fenced_code.sort_by_key(|fence| fence.range.start);
        outline.code_spans.sort();
        outline.tables.sort();
        outline
    }
}

/// The outline of `text`, parsed with tree-sitter-md.
pub fn outline(text: &str) -> Outline {
    ParsedDocument::parse(text, None).outline(text)
}

/// `text` as tree-sitter-md needs it: ending with a line break.
fn terminated(text: &str) -> Cow<'_, str> {
    if text.is_empty() || text.ends_with('\n') || text.ends_with('\r') {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{text}\n"))
    }
}

/// Keeps every range inside a text of `len` bytes, when the parsed text had a line break added.
fn clamp_to(len: usize, outline: &mut Outline) {
    let clamp = |range: &mut TextRange| *range = TextRange::new(range.start.min(len), range.end.min(len));
    if let Some(front_matter) = &mut outline.front_matter {
        clamp(&mut front_matter.range);
        clamp(&mut front_matter.body);
    }
    for heading in &mut outline.headings {
        clamp(&mut heading.range);
        clamp(&mut heading.content);
    }
    for fence in &mut outline.fenced_code {
        clamp(&mut fence.range);
        fence.info.as_mut().map(clamp);
    }
    outline.code_spans.iter_mut().for_each(clamp);
    outline.tables.iter_mut().for_each(clamp);
}

fn collect_blocks(tree: &MarkdownTree, text: &str, outline: &mut Outline) {
    let block = block_query();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&block.query, tree.block_tree().root_node(), text.as_bytes());
    while let Some(found) = matches.next() {
        let node_of = |index: u32| found.captures().iter().find(|capture| capture.index == index).map(|c| c.node);
        if let Some(heading) = node_of(block.heading_atx) {
            let marker = node_of(block.heading_marker);
            let content = node_of(block.heading_content);
            outline.headings.push(atx_heading(text, heading, marker, content));
        } else if node_of(block.heading_setext).is_some() {
            if let (Some(marker), Some(content)) = (node_of(block.heading_marker), node_of(block.heading_content)) {
                outline.headings.push(setext_heading(text, marker, content));
            }
        } else if let Some(fence) = node_of(block.code_fenced) {
            let info = node_of(block.code_info).map(|info| node_range(info));
            outline.fenced_code.push(FencedCode { range: fenced_range(text, fence), info });
        } else if let Some(metadata) = node_of(block.front_matter) {
            outline.front_matter = Some(front_matter(text, metadata));
        } else if let Some(table) = node_of(block.table) {
            outline.tables.push(table_range(table));
        }
    }
}

fn collect_code_spans(tree: &MarkdownTree, text: &str, outline: &mut Outline) {
    let inline = inline_query();
    let mut cursor = QueryCursor::new();
    for inline_tree in tree.inline_trees() {
        let mut captures = cursor.captures(&inline.query, inline_tree.root_node(), text.as_bytes());
        while let Some((found, index)) = captures.next() {
            let capture = found.captures()[*index];
            if capture.index == inline.code_span {
                outline.code_spans.push(node_range(capture.node));
            }
        }
    }
}

fn node_range(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// The level encoded in a marker kind such as `atx_h3_marker` or `setext_h2_underline`.
fn marker_level(marker: Node) -> u8 {
    marker.kind().bytes().find(|byte| byte.is_ascii_digit()).map_or(1, |digit| digit - b'0')
}

fn atx_heading(text: &str, heading: Node, marker: Option<Node>, content: Option<Node>) -> OutlineHeading {
    let bytes = text.as_bytes();
    // The heading node starts at the line's indentation, and the marker node includes it too.
    let start = skip_spaces(bytes, heading.start_byte());
    let end = trim_end_whitespace(bytes, start, line_end(bytes, start));
    let level = marker.map_or(1, marker_level);
    let marker_end = marker.map_or(start, |marker| marker.end_byte());
    let content = match content {
        Some(content) => {
            let content = trim(bytes, node_range(content));
            let end = strip_closing_sequence(bytes, content.start, content.end);
            TextRange::new(content.start, end)
        }
        None => TextRange::empty(marker_end),
    };
    OutlineHeading { level, range: TextRange::new(start, end), content }
}

fn setext_heading(text: &str, underline: Node, content: Node) -> OutlineHeading {
    let bytes = text.as_bytes();
    let content = trim(bytes, node_range(content));
    let end = trim_end_whitespace(bytes, underline.start_byte(), underline.end_byte());
    OutlineHeading { level: marker_level(underline), range: TextRange::new(content.start, end), content }
}

/// A fence ends at its closing delimiter; an unclosed one at the end of its last line.
fn fenced_range(text: &str, fence: Node) -> TextRange {
    let bytes = text.as_bytes();
    // Like a heading, the node starts at the line's indentation.
    let start = skip_spaces(bytes, fence.start_byte());
    let mut delimiters = 0;
    let mut cursor = fence.walk();
    for child in fence.children(&mut cursor) {
        if child.kind() == "fenced_code_block_delimiter" {
            delimiters += 1;
            if delimiters == 2 {
                return TextRange::new(start, child.end_byte());
            }
        }
    }
    // An unclosed fence's node may run on over the container prefix (`> `, list indentation)
    // of the line after its last one; that partial line is not part of the block.
    let mut end = fence.end_byte();
    if end > start && !matches!(bytes[end - 1], b'\n' | b'\r') {
        end = line_start(bytes, end).max(start);
    }
    TextRange::new(start, strip_line_break(bytes, start, end))
}

fn front_matter(text: &str, metadata: Node) -> FrontMatter {
    let bytes = text.as_bytes();
    let start = metadata.start_byte();
    let end = strip_line_break(bytes, start, metadata.end_byte());
    let closing_line = line_start(bytes, end);
    let body_start = (line_end(bytes, start) + line_break_len(bytes, line_end(bytes, start))).min(closing_line);
    FrontMatter {
        range: TextRange::new(start, trim_end_whitespace(bytes, start, end)),
        body: TextRange::new(body_start, closing_line),
    }
}

/// From the header row's first byte to the end of the last row (its line break excluded).
fn table_range(table: Node) -> TextRange {
    let mut cursor = table.walk();
    let mut rows = table.named_children(&mut cursor).filter(|child| child.kind().starts_with("pipe_table_"));
    let Some(header) = rows.next() else {
        return node_range(table);
    };
    let end = rows.last().map_or(header.end_byte(), |row| row.end_byte());
    TextRange::new(header.start_byte(), end)
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
        at += 1;
    }
    at
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    let rest = &bytes[from.min(bytes.len())..];
    from + rest.iter().position(|&byte| byte == b'\n' || byte == b'\r').unwrap_or(rest.len())
}

fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at].iter().rposition(|&byte| byte == b'\n' || byte == b'\r').map_or(0, |newline| newline + 1)
}

fn line_break_len(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at..) {
        Some([b'\r', b'\n', ..]) => 2,
        Some([b'\n' | b'\r', ..]) => 1,
        _ => 0,
    }
}

/// `end` moved back over one trailing line break (`\n`, `\r\n` or `\r`), not before `start`.
fn strip_line_break(bytes: &[u8], start: usize, mut end: usize) -> usize {
    if end > start && bytes[end - 1] == b'\n' {
        end -= 1;
    }
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

fn trim_end_whitespace(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_whitespace(bytes[end - 1]) {
        end -= 1;
    }
    end
}

fn trim(bytes: &[u8], range: TextRange) -> TextRange {
    let mut start = range.start;
    while start < range.end && is_whitespace(bytes[start]) {
        start += 1;
    }
    TextRange::new(start, trim_end_whitespace(bytes, start, range.end))
}

/// `end` moved back over an ATX closing sequence: a run of `#` that is the whole content or
/// follows a space or tab, and the whitespace before it. tree-sitter-md leaves it in the inline.
fn strip_closing_sequence(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut hashes_start = end;
    while hashes_start > start && bytes[hashes_start - 1] == b'#' {
        hashes_start -= 1;
    }
    if hashes_start == end {
        return end;
    }
    if hashes_start == start {
        return start;
    }
    if bytes[hashes_start - 1] == b' ' || bytes[hashes_start - 1] == b'\t' {
        return trim_end_whitespace(bytes, start, hashes_start);
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline::render;
    use expect_test::expect;

    /// Every `.scm` file under `queries/` compiles against its grammar and captures exactly the
    /// names this module reads, so a renamed capture cannot silently empty the outline.
    #[test]
    fn queries_compile_and_use_only_known_captures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        let mut checked = 0;
        for (folder, language, expected) in [
            ("markdown", tree_sitter_md::LANGUAGE, &BLOCK_CAPTURES[..]),
            ("markdown_inline", tree_sitter_md::INLINE_LANGUAGE, &INLINE_CAPTURES[..]),
        ] {
            for entry in std::fs::read_dir(root.join(folder)).expect("queries folder exists") {
                let path = entry.expect("readable entry").path();
                if path.extension().is_none_or(|ext| ext != "scm") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).expect("readable query");
                assert!(source.starts_with(';'), "{} must start with a `;` comment", path.display());
                let query = Query::new(&language.into(), &source)
                    .unwrap_or_else(|error| panic!("{} does not compile: {error}", path.display()));
                let mut names: Vec<&str> = query.capture_names().to_vec();
                names.sort();
                let mut wanted = expected.to_vec();
                wanted.sort();
                assert_eq!(names, wanted, "captures of {}", path.display());
                checked += 1;
            }
        }
        assert_eq!(checked, 2, "one outline query per grammar");
        // The embedded copies are the ones on disk.
        let _ = (block_query(), inline_query());
    }

    fn check(text: &str, expected: expect_test::Expect) {
        expected.assert_eq(&render(text, &outline(text)));
    }

    #[test]
    fn outline_of_a_small_adr() {
        check(
            "---\ntitle: ADR-001\n---\n# ADR-001: Use `tree-sitter` #\n\nSome text\nwith a title\n---\n\n```yaml\nk: v\n```\n\n| a | b |\n|---|---|\n| `x` | 2 |\n",
            expect![[r#"
                front_matter 0..22 body 4..19
                h1 23..53 "ADR-001: Use `tree-sitter`"
                h2 55..81 "Some text\nwith a title"
                fence 83..99 info "yaml"
                span 38..51 "`tree-sitter`"
                span 123..126 "`x`"
                table 101..132
            "#]],
        );
    }

    #[test]
    fn unclosed_fence_in_a_blockquote_ends_with_its_last_line() {
        check(
            "> ```sh\n> echo\n\nafter `x`\n",
            expect![[r#"
                fence 2..14 info "sh"
                span 22..25 "`x`"
            "#]],
        );
    }

    #[test]
    fn nul_bytes_and_empty_input_do_not_panic() {
        check("", expect![[""]]);
        check(
            "# a\0b\n\0`\0`",
            expect![[r#"
            h1 0..5 "a\0b"
        "#]],
        );
    }

    #[test]
    fn reparse_after_an_edit_matches_a_fresh_parse() {
        let before = "# Title\n\nText `code`\n";
        let after = "# Title\n\nMore text `code`\n";
        let mut document = ParsedDocument::parse(before, None);
        document.edit(&InputEdit {
            start_byte: 9,
            old_end_byte: 9,
            new_end_byte: 14,
            start_position: tree_sitter::Point::new(2, 0),
            old_end_position: tree_sitter::Point::new(2, 0),
            new_end_position: tree_sitter::Point::new(2, 5),
        });
        let reparsed = ParsedDocument::parse(after, Some(&document));
        assert_eq!(reparsed.outline(after), outline(after));
    }
}
