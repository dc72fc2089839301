//! The bulk scanner: a single forward pass over a document's lines that finds the same
//! [`Outline`] as tree-sitter-md, at a fraction of its cost, for the cold index of thousands of
//! closed documents.
//!
//! It is a small CommonMark block parser (block quotes and list items as a container stack, one
//! open leaf block at a time) that keeps only what the outline needs, plus a code-span matcher
//! run over the inline content of paragraphs, headings and table cells. Where tree-sitter-md
//! departs from CommonMark, this follows tree-sitter-md; `tests/syntax_differential.rs` holds
//! the two to the same result.

use memchr::memchr;

use crate::syntax::Outline;
use crate::syntax::outline::{FencedCode, FrontMatter, OutlineHeading};
use crate::text::TextRange;

/// The outline of `text`.
pub fn outline(text: &str) -> Outline {
    scan(text, true)
}

/// The outline of `text` without its code spans, for requests that need only the blocks
/// (folding): on a large document, matching code spans is most of the scan.
pub fn blocks(text: &str) -> Outline {
    scan(text, false)
}

fn scan(text: &str, code_spans: bool) -> Outline {
    let bytes = text.as_bytes();
    let mut scanner = Scanner {
        bytes,
        containers: Vec::new(),
        leaf: Leaf::None,
        task_paragraph: false,
        code_spans,
        outline: Outline::default(),
    };
    let mut line_start = scanner.front_matter();
    // tree-sitter-md does not reset its column count after front matter, so tabs on the first
    // line after it expand as if the line started at the front matter's length.
    let mut start_column = line_start % 4;
    while line_start < bytes.len() {
        let (end, next) = line_bounds(bytes, line_start);
        scanner.line(line_start, end, start_column);
        start_column = 0;
        line_start = next;
    }
    scanner.close_from(0);
    scanner.close_leaf();
    let mut outline = scanner.outline;
    outline.headings.sort_by_key(|heading| heading.range.start);
    outline.code_spans.sort();
    outline
}

/// A container block that a line must continue before its content is looked at.
#[derive(Clone, Copy, Debug)]
enum Container {
    Quote,
    /// A list item whose content is indented this many columns from where its parent's content
    /// starts (tree-sitter-md measures it relative to the line after the parent's markers, not
    /// as an absolute column). An item whose marker line is empty ends at a blank line that
    /// comes before any content (CommonMark: "a list item can begin with at most one blank
    /// line").
    Item {
        indent: usize,
        awaiting_content: bool,
    },
}

/// The open leaf block. Only one is open at a time, in the innermost container.
enum Leaf {
    None,
    /// The line ranges of the paragraph's inline content, container prefixes excluded.
    Paragraph(Vec<TextRange>),
    Fence(Fence),
    IndentedCode,
    Html(HtmlEnd),
    /// A link reference definition just ended; its title may follow on the next line.
    Definition,
    /// The end of the last row so far (trailing whitespace excluded) and the table's start.
    Table {
        start: usize,
        end: usize,
        /// The last data row, which starts a new table when the line after it is a matching
        /// delimiter row, and where the current table then ends.
        last_row: Option<TextRange>,
        end_before_last_row: usize,
    },
}

struct Fence {
    start: usize,
    marker: u8,
    length: usize,
    info: Option<TextRange>,
    /// The end of the last line seen so far, the block's end should it never be closed.
    last_line_end: usize,
}

/// How an HTML block ends (CommonMark's seven kinds collapse into these).
#[derive(Clone, Copy, PartialEq, Eq)]
enum HtmlEnd {
    /// At the first line holding this text (kinds 1 to 5), that line included.
    Contains(&'static [u8]),
    /// Kind 1: `</script>`, `</pre>`, `</style>` or `</textarea>`, case-insensitively.
    RawTagClose,
    /// At a blank line (kinds 6 and 7).
    BlankLine,
    /// Kind 4 (`<!DOCTYPE …`): tree-sitter-md reads a `>` as the end only right after `<!X` or
    /// as the first character of a line; elsewhere it is taken as text, and the block runs on
    /// to the end of its container.
    LeadingAngle,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    containers: Vec<Container>,
    leaf: Leaf,
    /// The open paragraph follows a task list marker (`- [ ] …`): tree-sitter-md never makes it
    /// a setext heading.
    task_paragraph: bool,
    /// Whether inline content is matched for code spans.
    code_spans: bool,
    outline: Outline,
}

/// A position inside the current line: byte offset and the column it stands at (tabs count to
/// the next multiple of 4), since list item continuation is measured in columns.
#[derive(Clone, Copy)]
struct Cursor {
    offset: usize,
    column: usize,
}

impl<'a> Scanner<'a> {
    /// Records YAML front matter when the document starts with one, returning where the
    /// markdown after it starts. Like tree-sitter-md, the closing line must be exactly `---`
    /// (trailing whitespace allowed); the end of the text counts as a line break.
    fn front_matter(&mut self) -> usize {
        let bytes = self.bytes;
        // The opening line may be indented by up to 3 columns; the closing one may not.
        let indented = skip_whitespace(bytes, Cursor { offset: 0, column: 0 }, bytes.len(), usize::MAX);
        if indented.column > 3 {
            return 0;
        }
        let Some(first_break) = dashes_line(bytes, indented.offset) else {
            return 0;
        };
        let mut line_start = first_break;
        while line_start < bytes.len() {
            let after = line_bounds(bytes, line_start).1;
            if dashes_line(bytes, line_start).is_some() {
                let closing_end = line_start + 3;
                self.outline.front_matter = Some(FrontMatter {
                    range: TextRange::new(0, closing_end),
                    body: TextRange::new(first_break, line_start),
                });
                return after;
            }
            line_start = after;
        }
        0
    }

    fn line(&mut self, start: usize, end: usize, start_column: usize) {
        let bytes = self.bytes;
        let mut cursor = Cursor { offset: start, column: start_column };

        // 1. Which open containers does this line continue?
        let mut matched = 0;
        while matched < self.containers.len() {
            let continued = match self.containers[matched] {
                // tree-sitter-md continues an open quote whatever the indentation before `>`.
                Container::Quote => quote_marker(bytes, cursor, end, usize::MAX),
                Container::Item { indent, awaiting_content } => {
                    if is_blank(bytes, cursor.offset, end) {
                        (!awaiting_content).then_some(cursor)
                    } else {
                        let indented = skip_whitespace(bytes, cursor, end, cursor.column + indent);
                        let continues = indented.column - cursor.column >= indent;
                        if continues {
                            self.containers[matched] = Container::Item { indent, awaiting_content: false };
                        }
                        continues.then_some(indented)
                    }
                }
            };
            match continued {
                Some(next) => {
                    cursor = next;
                    matched += 1;
                }
                None => break,
            }
        }
        let all_matched = matched == self.containers.len();

        // 2. Leaf blocks whose lines are not parsed for block starts.
        if all_matched {
            match &mut self.leaf {
                Leaf::Fence(fence) => {
                    let (marker, length) = (fence.marker, fence.length);
                    if let Some(closing_end) = closing_fence(bytes, cursor, end, marker, length) {
                        let Leaf::Fence(fence) = std::mem::replace(&mut self.leaf, Leaf::None) else { unreachable!() };
                        self.outline
                            .fenced_code
                            .push(FencedCode { range: TextRange::new(fence.start, closing_end), info: fence.info });
                    } else {
                        fence.last_line_end = end;
                    }
                    return;
                }
                Leaf::Html(html_end) => {
                    let html_end = *html_end;
                    let blank_ends = html_end == HtmlEnd::BlankLine && is_blank(bytes, cursor.offset, end);
                    if blank_ends || html_ends_in(bytes, cursor.offset, end, html_end) {
                        self.leaf = Leaf::None;
                    }
                    return;
                }
                Leaf::IndentedCode => {
                    let indented = skip_whitespace(bytes, cursor, end, usize::MAX);
                    if indented.offset == end || indented.column - cursor.column >= 4 {
                        return;
                    }
                    self.leaf = Leaf::None;
                }
                _ => {}
            }
        } else if matches!(self.leaf, Leaf::Fence(_) | Leaf::Html(_) | Leaf::IndentedCode) {
            // These never continue lazily: losing a container closes them.
            self.close_leaf();
        }

        // 3. New containers.
        let mut opened = false;
        loop {
            let indented = skip_whitespace(bytes, cursor, end, usize::MAX);
            if indented.column - cursor.column >= 4 || indented.offset >= end {
                break;
            }
            if bytes[indented.offset] == b'>' {
                self.close_from(matched);
                self.containers.push(Container::Quote);
                matched += 1;
                opened = true;
                cursor = quote_marker(bytes, cursor, end, 3).expect("a `>` was just seen");
                continue;
            }
            let continues_all = !opened && matched == self.containers.len();
            let paragraph_continues = continues_all && matches!(self.leaf, Leaf::Paragraph(_));
            let underline_allowed = paragraph_continues && !self.task_paragraph;
            // Paragraphs and tables alike cannot be interrupted by an empty list item.
            let text_continues = continues_all && matches!(self.leaf, Leaf::Paragraph(_) | Leaf::Table { .. });
            if underline_allowed && setext_underline(bytes, indented.offset, end) {
                break;
            }
            if thematic_break(bytes, indented.offset, end) {
                break;
            }
            let Some(item) = list_marker(bytes, indented, end) else {
                break;
            };
            // tree-sitter-md's `-` parser opens an empty item wherever a setext underline is not
            // possible: after a table row or a task item's paragraph.
            let minus_interrupts = text_continues && !underline_allowed && bytes[indented.offset] == b'-';
            if text_continues && !item.can_interrupt_paragraph && !minus_interrupts {
                break;
            }
            self.close_from(matched);
            self.containers
                .push(Container::Item { indent: item.content.column - cursor.column, awaiting_content: item.empty });
            matched += 1;
            opened = true;
            cursor = item.content;
        }
        let all_matched = matched == self.containers.len();

        // 4. The leaf block this line belongs to.
        if is_blank(bytes, cursor.offset, end) {
            self.close_from(matched);
            self.close_leaf();
            return;
        }
        let indented = skip_whitespace(bytes, cursor, end, usize::MAX);
        let at = indented.offset;
        if matches!(self.leaf, Leaf::Definition) {
            // The title of the definition on the line before may stand on this line.
            let title_line =
                all_matched && !opened && title_end(&bytes[..end], at).is_some_and(|title| is_blank(bytes, title, end));
            self.leaf = Leaf::None;
            if title_line {
                return;
            }
        }
        let paragraph_open = !opened && matches!(self.leaf, Leaf::Paragraph(_));
        let table_continues = all_matched && !opened && matches!(self.leaf, Leaf::Table { .. });
        if indented.column - cursor.column >= 4 {
            let text_continues = paragraph_open || table_continues;
            if text_continues && indented_block_start(bytes, at, end) {
                self.close_from(matched);
                self.close_leaf();
                self.leaf = Leaf::IndentedCode;
            } else if table_continues {
                self.table_row(at, end);
            } else if paragraph_open {
                self.continue_paragraph(at, end);
            } else {
                self.close_from(matched);
                self.close_leaf();
                self.leaf = Leaf::IndentedCode;
            }
            return;
        }
        if paragraph_open
            && all_matched
            && !self.task_paragraph
            && let Some(level) = setext_level(bytes, at, end)
        {
            let Leaf::Paragraph(lines) = std::mem::replace(&mut self.leaf, Leaf::None) else { unreachable!() };
            let content_start = lines[0].start;
            let content_end = lines.last().map_or(content_start, |line| trim_end(bytes, line.start, line.end));
            self.outline.headings.push(OutlineHeading {
                level,
                range: TextRange::new(content_start, trim_end(bytes, at, end)),
                content: TextRange::new(content_start, content_end),
            });
            if self.code_spans {
                paragraph_code_spans(bytes, &lines, &mut self.outline.code_spans);
            }
            return;
        }
        if let Some(heading) = atx_heading(bytes, at, end) {
            self.close_from(matched);
            self.close_leaf();
            if self.code_spans {
                code_spans(bytes, &[heading.content], &mut self.outline.code_spans);
            }
            self.outline.headings.push(heading);
            return;
        }
        if let Some(fence) = opening_fence(bytes, at, end) {
            self.close_from(matched);
            self.close_leaf();
            self.leaf = Leaf::Fence(fence);
            return;
        }
        if thematic_break(bytes, at, end) {
            self.close_from(matched);
            self.close_leaf();
            return;
        }
        if let Some(html_end) = html_block_start(bytes, at, end, paragraph_open || table_continues) {
            self.close_from(matched);
            self.close_leaf();
            let ends_at_once = match html_end {
                HtmlEnd::LeadingAngle => bytes.get(at + 3) == Some(&b'>'),
                _ => html_ends_in(bytes, at, end, html_end),
            };
            if !ends_at_once {
                self.leaf = Leaf::Html(html_end);
            }
            return;
        }
        if paragraph_open && all_matched && self.start_table(at, end) {
            return;
        }
        // After a task item's paragraph, a `===` line starts a paragraph of its own.
        let task_underline = self.task_paragraph && all_matched && setext_level(bytes, at, end) == Some(1);
        if paragraph_open && !task_underline {
            self.continue_paragraph(at, end);
            return;
        }
        // A setext underline ends a table even when there is no paragraph for it to underline.
        if table_continues && setext_level(bytes, at, end).is_none() {
            self.table_row(at, end);
            return;
        }
        self.close_from(matched);
        self.close_leaf();
        // A link reference definition is a block of its own, with no inline content; only a
        // one-line definition is recognised here (`paragraph_code_spans` handles the others).
        if link_reference_definition(bytes, &[TextRange::new(at, end)]).is_some() {
            self.leaf = Leaf::Definition;
            return;
        }
        let item_starts_here = opened && matches!(self.containers.last(), Some(Container::Item { .. }));
        self.task_paragraph = item_starts_here && task_marker(&bytes[at..end]);
        self.leaf = Leaf::Paragraph(vec![TextRange::new(at, end)]);
    }

    fn table_row(&mut self, at: usize, end: usize) {
        let bytes = self.bytes;
        let Leaf::Table { start, end: table_end, last_row, end_before_last_row } = &mut self.leaf else { return };
        // tree-sitter-md looks for a table start at every line, inside a table too.
        if let Some(header) = *last_row
            && let Some(cells) = delimiter_row_cells(bytes, at, end)
            && header_cells(bytes, header.start, header.end) == Some(cells)
        {
            self.outline.tables.push(TextRange::new(*start, *end_before_last_row));
            *start = header.start;
            *table_end = trim_end(bytes, at, end);
            *last_row = None;
            return;
        }
        *end_before_last_row = *table_end;
        *table_end = trim_end(bytes, at, end);
        *last_row = Some(TextRange::new(at, end));
        if self.code_spans {
            table_cells(bytes, at, end, &mut self.outline.code_spans);
        }
    }

    fn continue_paragraph(&mut self, at: usize, end: usize) {
        if let Leaf::Paragraph(lines) = &mut self.leaf {
            lines.push(TextRange::new(at, end));
        }
    }

    /// Turns the paragraph's last line into a table header when this line is a delimiter row
    /// with as many cells.
    fn start_table(&mut self, at: usize, end: usize) -> bool {
        let bytes = self.bytes;
        let Leaf::Paragraph(lines) = &mut self.leaf else {
            return false;
        };
        let Some(delimiter_cells) = delimiter_row_cells(bytes, at, end) else {
            return false;
        };
        let header = *lines.last().expect("an open paragraph has a line");
        if header_cells(bytes, header.start, header.end) != Some(delimiter_cells) {
            return false;
        }
        lines.pop();
        if self.code_spans {
            if !lines.is_empty() {
                paragraph_code_spans(bytes, lines, &mut self.outline.code_spans);
            }
            table_cells(bytes, header.start, header.end, &mut self.outline.code_spans);
        }
        let end = trim_end(bytes, at, end);
        self.leaf = Leaf::Table { start: header.start, end, last_row: None, end_before_last_row: end };
        true
    }

    /// Closes the containers from `depth` inwards, and the leaf with them when any is closed.
    fn close_from(&mut self, depth: usize) {
        if depth < self.containers.len() {
            self.close_leaf();
            self.containers.truncate(depth);
        }
    }

    fn close_leaf(&mut self) {
        match std::mem::replace(&mut self.leaf, Leaf::None) {
            Leaf::Paragraph(lines) if self.code_spans => {
                paragraph_code_spans(self.bytes, &lines, &mut self.outline.code_spans)
            }
            Leaf::Fence(fence) => self
                .outline
                .fenced_code
                .push(FencedCode { range: TextRange::new(fence.start, fence.last_line_end), info: fence.info }),
            Leaf::Table { start, end, .. } => self.outline.tables.push(TextRange::new(start, end)),
            Leaf::None | Leaf::Paragraph(_) | Leaf::IndentedCode | Leaf::Html(_) | Leaf::Definition => {}
        }
    }
}

/// The end of the line starting at `start` (its line break excluded) and the start of the next:
/// lines end with `\n`, `\r\n` or a lone `\r`, as in CommonMark and tree-sitter-md.
fn line_bounds(bytes: &[u8], start: usize) -> (usize, usize) {
    match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
        Some(found) => {
            let end = start + found;
            let crlf = bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n');
            (end, end + 1 + usize::from(crlf))
        }
        None => (bytes.len(), bytes.len()),
    }
}

/// When a line starting at `start` is `---` (trailing whitespace allowed) followed by a line
/// break, the offset after that break.
fn dashes_line(bytes: &[u8], start: usize) -> Option<usize> {
    if !bytes[start..].starts_with(b"---") {
        return None;
    }
    let mut at = start + 3;
    while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
        at += 1;
    }
    match bytes.get(at..) {
        Some([b'\r', b'\n', ..]) => Some(at + 2),
        Some([b'\n' | b'\r', ..]) => Some(at + 1),
        Some([]) => Some(at),
        _ => None,
    }
}

fn is_blank(bytes: &[u8], start: usize, end: usize) -> bool {
    bytes[start..end].iter().all(|&byte| byte == b' ' || byte == b'\t')
}

/// `cursor` moved over spaces and tabs, stopping before passing `stop_column`.
/// A tab that would pass `stop_column` is consumed only partly: the cursor stays on it with
/// its column at the stop, so that nested list items can share one tab of indentation.
fn skip_whitespace(bytes: &[u8], mut cursor: Cursor, end: usize, stop_column: usize) -> Cursor {
    while cursor.offset < end && cursor.column < stop_column {
        match bytes[cursor.offset] {
            b' ' => cursor.column += 1,
            b'\t' => {
                let tab_stop = (cursor.column / 4 + 1) * 4;
                if tab_stop > stop_column {
                    cursor.column = stop_column;
                    break;
                }
                cursor.column = tab_stop;
            }
            _ => break,
        }
        cursor.offset += 1;
    }
    cursor
}

/// After a block quote marker (up to `max_indent` columns of indentation, `>`, one optional
/// space), when there is one.
fn quote_marker(bytes: &[u8], cursor: Cursor, end: usize, max_indent: usize) -> Option<Cursor> {
    let indented = skip_whitespace(bytes, cursor, end, usize::MAX);
    if indented.column - cursor.column > max_indent || indented.offset >= end || bytes[indented.offset] != b'>' {
        return None;
    }
    let mut after = Cursor { offset: indented.offset + 1, column: indented.column + 1 };
    if after.offset < end && bytes[after.offset] == b' ' {
        after = Cursor { offset: after.offset + 1, column: after.column + 1 };
    }
    Some(after)
}

struct ListMarker {
    /// Nothing follows the marker on its line.
    empty: bool,
    /// Where the item's content starts (its column is the item's continuation indent).
    content: Cursor,
    /// Empty items cannot interrupt a paragraph, nor can ordered items numbered with more than
    /// one digit (tree-sitter-md lets `2.` interrupt one, unlike CommonMark, but not `10.`).
    can_interrupt_paragraph: bool,
}

fn list_marker(bytes: &[u8], marker: Cursor, end: usize) -> Option<ListMarker> {
    let start = marker.offset;
    let mut multi_digit = false;
    let marker_end = match bytes[start] {
        b'-' | b'+' | b'*' => start + 1,
        b'0'..=b'9' => {
            let digits = bytes[start..end].iter().take_while(|byte| byte.is_ascii_digit()).count();
            let after = start + digits;
            if digits > 9 || after >= end || !matches!(bytes[after], b'.' | b')') {
                return None;
            }
            multi_digit = digits > 1;
            after + 1
        }
        _ => return None,
    };
    let after_marker = Cursor { offset: marker_end, column: marker.column + (marker_end - start) };
    if marker_end < end && !matches!(bytes[marker_end], b' ' | b'\t') {
        return None;
    }
    let spaced = skip_whitespace(bytes, after_marker, end, usize::MAX);
    let empty = spaced.offset == end;
    let spaces = spaced.column - after_marker.column;
    // An empty item, or one whose content is indented code, continues one column after the
    // marker.
    let content = if empty {
        Cursor { offset: end, column: after_marker.column + 1 }
    } else if spaces > 4 {
        skip_whitespace(bytes, after_marker, end, after_marker.column + 1)
    } else {
        spaced
    };
    Some(ListMarker { content, can_interrupt_paragraph: !empty && !multi_digit, empty })
}

/// Whether a line indented by 4 columns or more, which would continue a paragraph or a table,
/// ends it and starts an indented code block instead. tree-sitter-md's scanners for these
/// block starts do not check the indentation, and the parse then settles on indented code.
fn indented_block_start(bytes: &[u8], start: usize, end: usize) -> bool {
    match bytes[start] {
        b'>' => true,
        b'`' | b'~' => opening_fence(bytes, start, end).is_some(),
        b'=' => setext_level(bytes, start, end) == Some(1),
        b'_' => thematic_break(bytes, start, end),
        b'*' => matches!(bytes.get(start + 1), Some(b' ' | b'\t')) && start + 1 < end,
        b'<' => html_block_start(bytes, start, end, true).is_some(),
        _ => false,
    }
}

/// `[ ]`, `[x]` or `[X]` followed by a blank or the end of the line.
fn task_marker(line: &[u8]) -> bool {
    matches!(line, [b'[', b' ' | b'\t' | b'x' | b'X', b']', rest @ ..] if matches!(rest.first(), None | Some(b' ' | b'\t')))
}

fn thematic_break(bytes: &[u8], start: usize, end: usize) -> bool {
    let marker = bytes[start];
    if !matches!(marker, b'-' | b'*' | b'_') {
        return false;
    }
    let mut count = 0;
    for &byte in &bytes[start..end] {
        if byte == marker {
            count += 1;
        } else if byte != b' ' && byte != b'\t' {
            return false;
        }
    }
    count >= 3
}

fn setext_underline(bytes: &[u8], start: usize, end: usize) -> bool {
    setext_level(bytes, start, end).is_some()
}

/// `===` (level 1) or `---` (level 2), of any length, with only trailing whitespace after it.
fn setext_level(bytes: &[u8], start: usize, end: usize) -> Option<u8> {
    let level = match bytes[start] {
        b'=' => 1,
        b'-' => 2,
        _ => return None,
    };
    let run = bytes[start..end].iter().take_while(|&&byte| byte == bytes[start]).count();
    is_blank(bytes, start + run, end).then_some(level)
}

fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

fn atx_heading(bytes: &[u8], start: usize, end: usize) -> Option<OutlineHeading> {
    let level = bytes[start..end].iter().take_while(|&&byte| byte == b'#').count();
    let marker_end = start + level;
    if !(1..=6).contains(&level) || (marker_end < end && !matches!(bytes[marker_end], b' ' | b'\t')) {
        return None;
    }
    let line_end = trim_end(bytes, start, end);
    let mut content_start = marker_end;
    while content_start < line_end && matches!(bytes[content_start], b' ' | b'\t') {
        content_start += 1;
    }
    let content = if content_start >= line_end {
        TextRange::empty(marker_end)
    } else {
        TextRange::new(content_start, strip_closing_sequence(bytes, content_start, line_end))
    };
    Some(OutlineHeading { level: level as u8, range: TextRange::new(start, line_end), content })
}

/// `end` moved back over an ATX closing sequence and the whitespace before it.
fn strip_closing_sequence(bytes: &[u8], start: usize, end: usize) -> usize {
    let hashes = bytes[start..end].iter().rev().take_while(|&&byte| byte == b'#').count();
    let hashes_start = end - hashes;
    if hashes == 0 {
        end
    } else if hashes_start == start {
        start
    } else if matches!(bytes[hashes_start - 1], b' ' | b'\t') {
        trim_end(bytes, start, hashes_start)
    } else {
        end
    }
}

fn opening_fence(bytes: &[u8], start: usize, end: usize) -> Option<Fence> {
    let marker = bytes[start];
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let length = bytes[start..end].iter().take_while(|&&byte| byte == marker).count();
    if length < 3 {
        return None;
    }
    let info_start = start + length;
    if marker == b'`' && memchr(b'`', &bytes[info_start..end]).is_some() {
        return None;
    }
    let mut info_first = info_start;
    while info_first < end && matches!(bytes[info_first], b' ' | b'\t') {
        info_first += 1;
    }
    let info_end = trim_end(bytes, info_first, end);
    let info = (info_first < info_end).then(|| TextRange::new(info_first, info_end));
    Some(Fence { start, marker, length, info, last_line_end: end })
}

/// The end of the closing fence's marker run when this line closes the fence.
fn closing_fence(bytes: &[u8], cursor: Cursor, end: usize, marker: u8, length: usize) -> Option<usize> {
    let indented = skip_whitespace(bytes, cursor, end, usize::MAX);
    if indented.column - cursor.column > 3 {
        return None;
    }
    let start = indented.offset;
    let run = bytes[start..end].iter().take_while(|&&byte| byte == marker).count();
    (run >= length && is_blank(bytes, start + run, end)).then_some(start + run)
}

/// The tag names of CommonMark's HTML block kind 6.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

const RAW_TAGS: &[&str] = &["pre", "script", "style", "textarea"];

/// The HTML block starting on this line, if any; `in_text` is true when the line would
/// otherwise continue a paragraph or a table, which a kind 7 block cannot interrupt.
fn html_block_start(bytes: &[u8], start: usize, end: usize, in_text: bool) -> Option<HtmlEnd> {
    let line = &bytes[start..end];
    if line.first() != Some(&b'<') {
        return None;
    }
    if line.starts_with(b"<!--") {
        return Some(HtmlEnd::Contains(b"-->"));
    }
    if line.starts_with(b"<?") {
        return Some(HtmlEnd::Contains(b"?>"));
    }
    if line.starts_with(b"<![CDATA[") {
        return Some(HtmlEnd::Contains(b"]]>"));
    }
    if line.len() > 2 && line[1] == b'!' && line[2].is_ascii_uppercase() {
        return Some(HtmlEnd::LeadingAngle);
    }
    let closing = line.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    let name_len = line[name_start..].iter().take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-').count();
    if name_len == 0 || !line[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = std::str::from_utf8(&line[name_start..name_start + name_len]).unwrap_or("").to_ascii_lowercase();
    let after = &line[name_start + name_len..];
    let ends_name = |after: &[u8]| matches!(after.first(), None | Some(b' ' | b'\t' | b'>'));
    if !closing && RAW_TAGS.contains(&name.as_str()) && ends_name(after) {
        return Some(HtmlEnd::RawTagClose);
    }
    if BLOCK_TAGS.contains(&name.as_str()) && (ends_name(after) || after.starts_with(b"/>")) {
        return Some(HtmlEnd::BlankLine);
    }
    // Kind 7: a complete tag alone on its line, which cannot interrupt a paragraph.
    if !in_text && complete_tag_alone(after, closing) {
        return Some(HtmlEnd::BlankLine);
    }
    None
}

/// Whether `after` (the line after a tag name) finishes the tag with only whitespace after it.
fn complete_tag_alone(after: &[u8], closing: bool) -> bool {
    let Some(close) = memchr(b'>', after) else {
        return false;
    };
    let inside = &after[..close];
    if closing && !inside.iter().all(|byte| byte.is_ascii_whitespace()) {
        return false;
    }
    if !inside.is_empty() && !matches!(inside[0], b' ' | b'\t' | b'/') {
        return false;
    }
    after[close + 1..].iter().all(|&byte| byte == b' ' || byte == b'\t')
}

fn html_ends_in(bytes: &[u8], start: usize, end: usize, html_end: HtmlEnd) -> bool {
    let line = &bytes[start..end];
    match html_end {
        HtmlEnd::Contains(needle) => memchr::memmem::find(line, needle).is_some(),
        HtmlEnd::RawTagClose => {
            let lower = line.to_ascii_lowercase();
            RAW_TAGS.iter().any(|tag| memchr::memmem::find(&lower, format!("</{tag}>").as_bytes()).is_some())
        }
        HtmlEnd::LeadingAngle => line.first() == Some(&b'>'),
        HtmlEnd::BlankLine => false,
    }
}

/// The ranges between the unescaped pipes of a table row, the optional outer pipes dropped.
fn cell_ranges(bytes: &[u8], start: usize, end: usize) -> Vec<TextRange> {
    let end = trim_end(bytes, start, end);
    let mut cells = Vec::new();
    let mut cell_start = start;
    let mut at = start;
    let mut leading_pipe_seen = false;
    while at < end {
        match bytes[at] {
            b'\\' => at += 1,
            b'|' => {
                if at == start {
                    leading_pipe_seen = true;
                } else {
                    cells.push(TextRange::new(cell_start, at));
                }
                cell_start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    if cell_start < end || (!leading_pipe_seen && cells.is_empty()) {
        cells.push(TextRange::new(cell_start.min(end), end));
    }
    cells
}

/// The number of cells of a table header row, counted as tree-sitter-md does; `None` when the
/// line cannot start a table. A line starting with a character that could open another block
/// (`#`, `>`, `-`, a digit…) never does, even when that block does not materialise.
fn header_cells(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    if matches!(bytes[start], b'`' | b'~' | b'*' | b'_' | b'>' | b'#' | b'=' | b'+' | b'-' | b'<' | b'0'..=b'9') {
        return None;
    }
    let starting_pipe = bytes[start] == b'|';
    let mut at = start + usize::from(starting_pipe);
    let mut cells = 0;
    let mut ending_pipe = false;
    while at < end {
        match bytes[at] {
            b'|' => {
                cells += 1;
                ending_pipe = true;
            }
            b'\\' => {
                ending_pipe = false;
                if at + 1 < end && bytes[at + 1].is_ascii_punctuation() {
                    at += 1;
                }
            }
            b' ' | b'\t' => {}
            _ => ending_pipe = false,
        }
        at += 1;
    }
    if cells == 0 && !(starting_pipe && ending_pipe) {
        return None;
    }
    Some(if ending_pipe { cells } else { cells + 1 })
}

/// The number of cells of a delimiter row such as `|---|:-:|`, when the line is one by
/// tree-sitter-md's grammar: at least one pipe, and dashes in every cell. (Its external scanner
/// also accepts rows without a pipe or with empty cells, which the grammar then rejects with an
/// ERROR node; the scanner sticks to the grammar.)
fn delimiter_row_cells(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let line = &bytes[start..trim_end(bytes, start, end)];
    memchr(b'|', line)?;
    let inner = line.strip_prefix(b"|").unwrap_or(line);
    let inner = inner.strip_suffix(b"|").unwrap_or(inner);
    let mut cells = 0;
    for cell in inner.split(|&byte| byte == b'|') {
        let cell = cell.trim_ascii();
        let dashes = cell.strip_prefix(b":").unwrap_or(cell);
        let dashes = dashes.strip_suffix(b":").unwrap_or(dashes);
        if dashes.is_empty() || dashes.iter().any(|&byte| byte != b'-') {
            return None;
        }
        cells += 1;
    }
    Some(cells)
}

fn table_cells(bytes: &[u8], start: usize, end: usize, spans: &mut Vec<TextRange>) {
    if memchr(b'`', &bytes[start..end]).is_none() {
        return;
    }
    for cell in cell_ranges(bytes, start, end) {
        code_spans(bytes, &[cell], spans);
    }
}

/// The code spans of a paragraph's lines, once the link reference definitions that open it
/// are set aside: tree-sitter-md does not parse their inline content.
fn paragraph_code_spans(bytes: &[u8], lines: &[TextRange], spans: &mut Vec<TextRange>) {
    let mut first = 0;
    while let Some(used) = link_reference_definition(bytes, &lines[first..]) {
        first += used;
    }
    if first < lines.len() {
        code_spans(bytes, &lines[first..], spans);
    }
}

/// How many of `lines` the link reference definition at their start takes (`[label]: dest`,
/// the destination possibly on the next line, an optional title on the same or the next line),
/// when they start with one.
fn link_reference_definition(bytes: &[u8], lines: &[TextRange]) -> Option<usize> {
    let first = *lines.first()?;
    let line = &bytes[first.start..first.end];
    if line.first() != Some(&b'[') {
        return None;
    }
    let mut at = 1;
    while at < line.len() && line[at] != b']' {
        match line[at] {
            b'\\' => at += 1,
            b'[' => return None,
            _ => {}
        }
        at += 1;
    }
    if at >= line.len() || line[1..at].trim_ascii().is_empty() || line.get(at + 1) != Some(&b':') {
        return None;
    }
    let skip_blanks = |line: &[u8], mut at: usize| {
        while at < line.len() && matches!(line[at], b' ' | b'\t') {
            at += 1;
        }
        at
    };
    let (mut index, mut line, mut at) = (0, line, skip_blanks(line, at + 2));
    if at == line.len() {
        let next = *lines.get(1)?;
        (index, line) = (1, &bytes[next.start..next.end]);
        at = skip_blanks(line, 0);
    }
    let destination_start = at;
    if line.get(at) == Some(&b'<') {
        at += 1 + line[at + 1..].iter().position(|&byte| matches!(byte, b'>' | b'<'))?;
        if line[at] != b'>' {
            return None;
        }
        at += 1;
    } else {
        let mut depth = 0usize;
        while at < line.len() && line[at] > b' ' {
            match line[at] {
                b'\\' => at += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => return None,
                b')' => depth -= 1,
                _ => {}
            }
            at += 1;
        }
        if at == destination_start || depth > 0 {
            return None;
        }
    }
    let after_destination = at.min(line.len());
    at = skip_blanks(line, after_destination);
    if at == line.len() {
        // A title may follow on the next line; without one the definition ends here.
        let title_on_next = lines.get(index + 1).is_some_and(|next| {
            let next = &bytes[next.start..next.end];
            title_end(next, skip_blanks(next, 0)).is_some_and(|end| skip_blanks(next, end) == next.len())
        });
        return Some(index + 1 + usize::from(title_on_next));
    }
    if at == after_destination {
        return None;
    }
    let end = title_end(line, at)?;
    (skip_blanks(line, end) == line.len()).then_some(index + 1)
}

/// The end of a link title (`"…"`, `'…'` or `(…)`) starting at `at`, within the line.
fn title_end(line: &[u8], at: usize) -> Option<usize> {
    let closing = match line.get(at)? {
        b'"' => b'"',
        b'\'' => b'\'',
        b'(' => b')',
        _ => return None,
    };
    let mut position = at + 1;
    while position < line.len() {
        match line[position] {
            b'\\' => position += 1,
            byte if byte == closing => return Some(position + 1),
            _ => {}
        }
        position += 1;
    }
    None
}

/// Finds the code spans of one inline content, given as its line ranges in order, the way
/// tree-sitter-md's inline grammar does: a backtick run opens a span when a run of the same
/// length follows (see [`closing_run`]), `\`` outside a span is a literal backtick, and the
/// constructs that start earlier hide the backticks inside them: LaTeX spans (`$…$`, matched
/// like code spans), raw HTML tags, URI autolinks, inline link destinations and titles, and
/// reference link labels.
fn code_spans(bytes: &[u8], lines: &[TextRange], spans: &mut Vec<TextRange>) {
    if lines.iter().all(|line| memchr(b'`', &bytes[line.start..line.end]).is_none()) {
        return;
    }
    let mut line_index = 0;
    let mut at = lines[0].start;
    let mut open_brackets = 0usize;
    let mut last_runs = None;
    while line_index < lines.len() {
        let line = lines[line_index];
        if at >= line.end {
            line_index += 1;
            if let Some(next) = lines.get(line_index) {
                at = next.start;
            }
            continue;
        }
        let line_bytes = &bytes[..line.end];
        match bytes[at] {
            b'\\' if at + 1 < line.end && bytes[at + 1].is_ascii_punctuation() => at += 2,
            marker @ (b'`' | b'$') => {
                let length = bytes[at..line.end].iter().take_while(|&&byte| byte == marker).count();
                let opening_end = at + length;
                let runs = last_runs.get_or_insert_with(|| last_run_starts(bytes, lines));
                let exact_run_follows = runs.iter().any(|&(run_marker, run_length, start)| {
                    (run_marker, run_length) == (marker, length) && start >= opening_end
                });
                let closing = exact_run_follows
                    .then(|| first_closing_run(bytes, lines, line_index, opening_end, marker, length))
                    .flatten();
                match closing {
                    Some((closing_line, closing_end)) => {
                        if marker == b'`' {
                            spans.push(TextRange::new(at, closing_end));
                        }
                        line_index = closing_line;
                        at = closing_end;
                    }
                    None => at = opening_end,
                }
            }
            b'<' => {
                at = uri_autolink_end(&line_bytes[at..])
                    .map(|length| at + length)
                    .or_else(|| html_tag_end(line_bytes, at))
                    .unwrap_or(at + 1)
            }
            b'[' => {
                open_brackets += 1;
                at += 1;
            }
            b']' if open_brackets > 0 => {
                open_brackets -= 1;
                at = link_tail_end(line_bytes, at + 1).or_else(|| link_label_end(line_bytes, at + 1)).unwrap_or(at + 1);
            }
            _ => at += 1,
        }
    }
}

/// The end of a full reference link's `[label]` starting at `open`: the label is not parsed
/// for inline content, so it hides backticks.
fn link_label_end(bytes: &[u8], open: usize) -> Option<usize> {
    if bytes.get(open) != Some(&b'[') {
        return None;
    }
    let mut at = open + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 1,
            b'[' => return None,
            b']' => return Some(at + 1),
            _ => {}
        }
        at += 1;
    }
    None
}

/// The end of an inline link's `(destination "title")` starting at `open`, when it is one.
fn link_tail_end(bytes: &[u8], open: usize) -> Option<usize> {
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let skip_blanks = |mut at: usize| {
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
            at += 1;
        }
        at
    };
    let mut at = skip_blanks(open + 1);
    if bytes.get(at) == Some(&b'<') {
        let close = bytes[at + 1..].iter().position(|&byte| matches!(byte, b'>' | b'<'))?;
        if bytes[at + 1 + close] != b'>' {
            return None;
        }
        at += close + 2;
    } else {
        let mut depth = 0usize;
        while at < bytes.len() {
            match bytes[at] {
                b'\\' if at + 1 < bytes.len() && bytes[at + 1].is_ascii_punctuation() => at += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                byte if byte <= b' ' => break,
                _ => {}
            }
            at += 1;
        }
    }
    let before_title = at;
    at = skip_blanks(at);
    if at > before_title
        && let Some(&quote @ (b'"' | b'\'' | b'(')) = bytes.get(at)
    {
        let closing = if quote == b'(' { b')' } else { quote };
        at += 2 + memchr(closing, &bytes[at + 1..])?;
        at = skip_blanks(at);
    }
    (bytes.get(at) == Some(&b')')).then_some(at + 1)
}

/// The end of the raw HTML tag starting at `start`, when one does (within the line: tags spread
/// over lines are too rare in documents to be worth following).
fn html_tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let rest = &bytes[start..];
    let find = |needle: &[u8], from: usize| {
        memchr::memmem::find(&rest[from..], needle).map(|at| start + from + at + needle.len())
    };
    if rest.starts_with(b"<!--") {
        return find(b"-->", 4);
    }
    if rest.starts_with(b"<?") {
        return find(b"?>", 2);
    }
    if rest.starts_with(b"<![CDATA[") {
        return find(b"]]>", 9);
    }
    if rest.len() > 2 && rest[1] == b'!' && rest[2].is_ascii_alphabetic() {
        return find(b">", 2);
    }
    closing_tag_end(rest).or_else(|| open_tag_end(rest)).map(|end| start + end)
}

/// `</name>`, blanks allowed before the `>`.
fn closing_tag_end(rest: &[u8]) -> Option<usize> {
    if rest.get(1) != Some(&b'/') || !rest.get(2)?.is_ascii_alphabetic() {
        return None;
    }
    let name = rest[2..].iter().take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-').count();
    let blanks = rest[2 + name..].iter().take_while(|byte| matches!(byte, b' ' | b'\t')).count();
    (rest.get(2 + name + blanks) == Some(&b'>')).then_some(2 + name + blanks + 1)
}

/// `<scheme:…>` with a scheme of 2 to 32 characters and no space, `<` or `>` inside.
fn uri_autolink_end(rest: &[u8]) -> Option<usize> {
    let scheme =
        rest[1..].iter().take_while(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'.' | b'-')).count();
    if !(2..=32).contains(&scheme) || !rest[1].is_ascii_alphabetic() || rest.get(1 + scheme) != Some(&b':') {
        return None;
    }
    let body = &rest[2 + scheme..];
    let close = body.iter().position(|&byte| matches!(byte, b'>' | b'<' | b' ' | b'\t'))?;
    (body[close] == b'>').then_some(2 + scheme + close + 1)
}

/// The end of an opening tag with attributes (`<a href="x">`, `<br/>`), the only tag whose
/// quoted attribute values can hold backticks.
fn open_tag_end(rest: &[u8]) -> Option<usize> {
    let name = rest[1..].iter().take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-').count();
    if name == 0 || !rest[1].is_ascii_alphabetic() {
        return None;
    }
    let mut at = 1 + name;
    loop {
        let spaces = rest[at..].iter().take_while(|byte| matches!(byte, b' ' | b'\t')).count();
        at += spaces;
        match rest.get(at)? {
            b'>' => return Some(at + 1),
            b'/' => return (rest.get(at + 1) == Some(&b'>')).then_some(at + 2),
            _ if spaces == 0 => return None,
            _ => {}
        }
        let attribute = rest[at..]
            .iter()
            .take_while(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b':' | b'.' | b'-'))
            .count();
        if attribute == 0 || rest[at].is_ascii_digit() || matches!(rest[at], b'.' | b'-') {
            return None;
        }
        at += attribute;
        let before_equals = rest[at..].iter().take_while(|byte| matches!(byte, b' ' | b'\t')).count();
        if rest.get(at + before_equals) != Some(&b'=') {
            continue;
        }
        at += before_equals + 1;
        at += rest[at..].iter().take_while(|byte| matches!(byte, b' ' | b'\t')).count();
        match rest.get(at)? {
            quote @ (b'"' | b'\'') => at += 1 + memchr(*quote, &rest[at + 1..])? + 1,
            _ => {
                let value = rest[at..]
                    .iter()
                    .take_while(|byte| !matches!(byte, b' ' | b'\t' | b'"' | b'\'' | b'=' | b'<' | b'>' | b'`'))
                    .count();
                if value == 0 {
                    return None;
                }
                at += value;
            }
        }
    }
}

/// For each marker (backtick, dollar) and run length present in the content, where the last run
/// of exactly that length starts. tree-sitter-md opens a span only when a run of exactly the
/// opener's length follows (a plain count to the end of the content, escapes ignored); this
/// answers that for every opener from one pass, keeping lines of many unmatched runs linear.
fn last_run_starts(bytes: &[u8], lines: &[TextRange]) -> Vec<(u8, usize, usize)> {
    let mut runs: Vec<(u8, usize, usize)> = Vec::new();
    for line in lines {
        let mut at = line.start;
        while let Some(found) = memchr::memchr2(b'`', b'$', &bytes[at..line.end]) {
            let start = at + found;
            let marker = bytes[start];
            let length = bytes[start..line.end].iter().take_while(|&&byte| byte == marker).count();
            match runs.iter_mut().find(|(run_marker, run_length, _)| (*run_marker, *run_length) == (marker, length)) {
                Some(run) => run.2 = start,
                None => runs.push((marker, length, start)),
            }
            at = start + length;
        }
    }
    runs
}

/// Where a span whose opener ends at `from` closes, once a run of the opener's length is known
/// to follow: the span then closes on the last `length` markers of the first run at least that
/// long, raw HTML tags inside the span being tokens whose backticks do not count.
///
/// The backticks inside a raw HTML tag do not count, unless no such run follows the tag:
/// tree-sitter-md then recovers by closing the span inside the tag.
fn first_closing_run(
    bytes: &[u8],
    lines: &[TextRange],
    line_index: usize,
    from: usize,
    marker: u8,
    length: usize,
) -> Option<(usize, usize)> {
    // Where the last long-enough run starts, found once at the first tag: checking each tag
    // with a fresh scan would be quadratic on a line full of tags.
    let mut last_long_run = None;
    for (index, line) in lines.iter().enumerate().skip(line_index) {
        let (mut at, end) = (if index == line_index { from } else { line.start }, line.end);
        while at < end {
            let next = bytes[at..end].iter().position(|&byte| byte == marker || byte == b'<');
            let Some(found) = next.map(|offset| at + offset) else { break };
            if bytes[found] == b'<' {
                let tag_end = html_tag_end(&bytes[..end], found);
                let mut run_follows = |tag_end: usize| {
                    let last =
                        *last_long_run.get_or_insert_with(|| last_run(bytes, lines, index, found, marker, length));
                    last.is_some_and(|last_start| last_start >= (index, tag_end))
                };
                at = tag_end.filter(|&tag_end| run_follows(tag_end)).unwrap_or(found + 1);
                continue;
            }
            let run = bytes[found..end].iter().take_while(|&&byte| byte == marker).count();
            if run >= length {
                return Some((index, found + run));
            }
            at = found + run;
        }
    }
    None
}

/// The line index and start of the last run of at least `length` `marker`s after `from`.
fn last_run(
    bytes: &[u8],
    lines: &[TextRange],
    line_index: usize,
    from: usize,
    marker: u8,
    length: usize,
) -> Option<(usize, usize)> {
    let mut last = None;
    for (index, line) in lines.iter().enumerate().skip(line_index) {
        let (mut at, end) = (if index == line_index { from } else { line.start }, line.end);
        while let Some(found) = memchr(marker, &bytes[at..end]) {
            let run_start = at + found;
            let run = bytes[run_start..end].iter().take_while(|&&byte| byte == marker).count();
            if run >= length {
                last = Some((index, run_start));
            }
            at = run_start + run;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline::render;
    use expect_test::expect;

    fn check(text: &str, expected: expect_test::Expect) {
        expected.assert_eq(&render(text, &outline(text)));
    }

    #[test]
    fn outline_of_a_small_adr() {
        check(
            "---\ntitle: ADR-001\n---\n# ADR-001: Use `tree-sitter` #\n\nSome text\nwith a title\n---\n\n```yaml\nk: v\n```\n",
            expect![[r#"
                front_matter 0..22 body 4..19
                h1 23..53 "ADR-001: Use `tree-sitter`"
                h2 55..81 "Some text\nwith a title"
                fence 83..99 info "yaml"
                span 38..51 "`tree-sitter`"
            "#]],
        );
    }

    #[test]
    fn containers_hide_and_end_blocks() {
        check(
            "> # Quoted `q`\n> ```sh\n> ls\n\n- item\n  ~~~\n  # not a heading\nlazy\n\n    # indented code\n\n<div>\n# html `x`\n</div>\n",
            expect![[r#"
                h1 2..14 "Quoted `q`"
                fence 17..27 info "sh"
                fence 38..59
                span 11..14 "`q`"
            "#]],
        );
    }

    #[test]
    fn tables_split_code_spans_at_pipes() {
        check(
            "| a | `b` |\n|---|---|\n| `c|d` | `e\\|f` |\nlazy `row`\n\nafter\n",
            expect![[r#"
            span 6..9 "`b`"
            span 32..38 "`e\\|f`"
            span 46..51 "`row`"
            table 0..51
        "#]],
        );
    }
}
