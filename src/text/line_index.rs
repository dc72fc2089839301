//! Byte offset <-> (line, column) conversion in UTF-8, UTF-16 or UTF-32 columns.
//!
//! LSP 3.17 §"Position": a position is a zero-based line and a zero-based character offset whose
//! unit is the negotiated `PositionEncodingKind` (UTF-16 unless both sides agree on another).
//! Line breaks are `\n`, `\r\n` and `\r`; a position past the end of a line means the end of that
//! line, and a position past the last line means the end of the document. Every conversion
//! clamps instead of failing, because clients do send such positions.

/// Unit of the `character` part of a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
    Utf32,
}

/// A zero-based line and a column counted in some [`PositionEncoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// A range within one line, with its columns in every encoding: what a short-lived answer
/// (a workspace symbol's location) needs about a document whose text is no longer at hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineSpan {
    line: u32,
    /// Start and end columns in UTF-8, UTF-16 and UTF-32 units.
    start: [u32; 3],
    end: [u32; 3],
}

impl LineSpan {
    /// The span of `start..end` in `text`, breaking lines as [`LineIndex`] does; `None` when the
    /// range leaves its line or the text.
    pub(crate) fn of(text: &str, start: usize, end: usize) -> Option<LineSpan> {
        let before = text.get(..start)?;
        let covered = text.get(start..end)?;
        if covered.contains(['\n', '\r']) {
            return None;
        }
        let bytes = before.as_bytes();
        let mut line = 0u32;
        let mut line_start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n')) {
                line += 1;
                line_start = i + 1;
            }
        }
        let columns =
            |s: &str| [s.len() as u32, s.chars().map(|c| c.len_utf16() as u32).sum(), s.chars().count() as u32];
        let lead = columns(&before[line_start..]);
        let width = columns(covered);
        Some(LineSpan { line, start: lead, end: [lead[0] + width[0], lead[1] + width[1], lead[2] + width[2]] })
    }

    /// Start and end in `encoding`.
    pub fn positions(&self, encoding: PositionEncoding) -> (LineCol, LineCol) {
        let unit = match encoding {
            PositionEncoding::Utf8 => 0,
            PositionEncoding::Utf16 => 1,
            PositionEncoding::Utf32 => 2,
        };
        (LineCol { line: self.line, col: self.start[unit] }, LineCol { line: self.line, col: self.end[unit] })
    }
}

/// A character that takes more than one byte; recorded so that columns in other encodings can
/// be computed without the text.
#[derive(Clone, Copy, Debug)]
struct WideChar {
    /// Byte column of the character within its line.
    col: u32,
    len_utf8: u8,
    len_utf16: u8,
}

/// Line starts of one text, and the multi-byte characters of each line.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts; always holds 0 for the first line.
    line_starts: Vec<u32>,
    /// Byte length of each line's content, line terminator excluded.
    line_lens: Vec<u32>,
    /// Multi-byte characters per line, only for lines that have any.
    wide_chars: std::collections::HashMap<u32, Vec<WideChar>>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0u32];
        let mut line_lens = Vec::new();
        let mut wide_chars = std::collections::HashMap::new();
        let mut line_start = 0usize;
        let mut i = 0usize;
        let mut line_wide: Vec<WideChar> = Vec::new();
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' || b == b'\r' {
                let content_end = i;
                i += if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                line_lens.push((content_end - line_start) as u32);
                if !line_wide.is_empty() {
                    wide_chars.insert(line_lens.len() as u32 - 1, std::mem::take(&mut line_wide));
                }
                line_starts.push(i as u32);
                line_start = i;
                continue;
            }
            if b < 0x80 {
                i += 1;
                continue;
            }
            let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
            let len_utf8 = ch.len_utf8();
            line_wide.push(WideChar {
                col: (i - line_start) as u32,
                len_utf8: len_utf8 as u8,
                len_utf16: ch.len_utf16() as u8,
            });
            i += len_utf8;
        }
        line_lens.push((bytes.len() - line_start) as u32);
        if !line_wide.is_empty() {
            wide_chars.insert(line_lens.len() as u32 - 1, line_wide);
        }
        LineIndex { line_starts, line_lens, wide_chars, len: bytes.len() as u32 }
    }

    /// Byte range of `line`'s content, terminator excluded; `None` past the last line.
    pub(crate) fn line_range(&self, line: u32) -> Option<crate::text::TextRange> {
        let start = *self.line_starts.get(line as usize)? as usize;
        let len = self.line_lens[line as usize] as usize;
        Some(crate::text::TextRange::new(start, start + len))
    }

    /// The zero-based line holding `offset` (clamped to the text).
    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len as usize) as u32;
        (self.line_starts.partition_point(|&start| start <= offset) - 1) as u32
    }

    /// Converts a byte offset to a line and a column in `encoding`. An offset inside a
    /// multi-byte character or inside a `\r\n` pair is moved back to the character's start.
    pub fn line_col(&self, offset: usize, encoding: PositionEncoding) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize] as usize;
        let byte_col = (offset.min(self.len as usize) - start).min(self.line_lens[line as usize] as usize) as u32;
        let byte_col = self.floor_byte_col(line, byte_col);
        LineCol { line, col: self.byte_col_to_col(line, byte_col, encoding) }
    }

    /// Converts a line and a column in `encoding` to a byte offset. Lines past the end give
    /// the end of the text; columns past the end of a line give the end of that line; a column
    /// inside a multi-byte character (e.g. between UTF-16 surrogates) gives its start.
    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> usize {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return self.len as usize;
        };
        let line_len = self.line_lens[pos.line as usize];
        let mut remaining = pos.col;
        let mut byte_col = 0u32;
        if let Some(wide) = self.wide_chars.get(&pos.line) {
            for ch in wide {
                let ascii_run = ch.col - byte_col;
                if remaining <= ascii_run {
                    break;
                }
                remaining -= ascii_run;
                byte_col = ch.col;
                let units = match encoding {
                    PositionEncoding::Utf8 => u32::from(ch.len_utf8),
                    PositionEncoding::Utf16 => u32::from(ch.len_utf16),
                    PositionEncoding::Utf32 => 1,
                };
                if remaining < units {
                    return (start + byte_col) as usize;
                }
                remaining -= units;
                byte_col += u32::from(ch.len_utf8);
            }
        }
        (start + (byte_col + remaining).min(line_len)) as usize
    }

    fn floor_byte_col(&self, line: u32, byte_col: u32) -> u32 {
        if let Some(wide) = self.wide_chars.get(&line) {
            for ch in wide {
                if ch.col < byte_col && byte_col < ch.col + u32::from(ch.len_utf8) {
                    return ch.col;
                }
            }
        }
        byte_col
    }

    fn byte_col_to_col(&self, line: u32, byte_col: u32, encoding: PositionEncoding) -> u32 {
        let mut col = byte_col;
        if let Some(wide) = self.wide_chars.get(&line) {
            for ch in wide.iter().take_while(|ch| ch.col < byte_col) {
                col -= match encoding {
                    PositionEncoding::Utf8 => 0,
                    PositionEncoding::Utf16 => u32::from(ch.len_utf8 - ch.len_utf16),
                    PositionEncoding::Utf32 => u32::from(ch.len_utf8 - 1),
                };
            }
        }
        col
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_line_span_agrees_with_the_line_index() {
        let text = "# x\r\nprefix\rRenée — ADR-007: Use Redis\n";
        let start = text.find("ADR-007").unwrap();
        let end = text.len() - 1;
        let index = LineIndex::new(text);
        let span = LineSpan::of(text, start, end).unwrap();
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            assert_eq!(span.positions(encoding), (index.line_col(start, encoding), index.line_col(end, encoding)));
        }
        assert_eq!(LineSpan::of(text, 0, end), None, "spans one line at most");
    }

    use super::*;
    use PositionEncoding::*;

    fn roundtrip(text: &str, offset: usize, enc: PositionEncoding, expected: (u32, u32)) {
        let index = LineIndex::new(text);
        let lc = index.line_col(offset, enc);
        assert_eq!((lc.line, lc.col), expected, "line_col({offset}) in {enc:?}");
        assert_eq!(index.offset(lc, enc), offset, "offset({lc:?}) in {enc:?}");
    }

    #[test]
    fn ascii_lines() {
        roundtrip("ab\ncd\n", 4, Utf16, (1, 1));
        roundtrip("ab\ncd\n", 6, Utf16, (2, 0));
    }

    #[test]
    fn crlf_counts_as_one_break() {
        let text = "ab\r\ncd";
        roundtrip(text, 4, Utf16, (1, 0));
        let index = LineIndex::new(text);
        // An offset between \r and \n belongs to the end of the first line.
        assert_eq!(index.line_col(3, Utf16), LineCol { line: 0, col: 2 });
        assert_eq!(index.line_range(0), Some(crate::text::TextRange::new(0, 2)));
    }

    #[test]
    fn lone_cr_is_a_line_break() {
        roundtrip("a\rb", 2, Utf16, (1, 0));
    }

    #[test]
    fn astral_characters_take_two_utf16_units() {
        // "😀" is 4 bytes, 2 UTF-16 units, 1 UTF-32 unit.
        let text = "a😀b";
        roundtrip(text, 5, Utf8, (0, 5));
        roundtrip(text, 5, Utf16, (0, 3));
        roundtrip(text, 5, Utf32, (0, 2));
    }

    #[test]
    fn column_between_surrogates_maps_to_character_start() {
        let index = LineIndex::new("a😀b");
        assert_eq!(index.offset(LineCol { line: 0, col: 2 }, Utf16), 1);
    }

    #[test]
    fn offset_inside_a_multibyte_character_moves_back() {
        let index = LineIndex::new("é!");
        assert_eq!(index.line_col(1, Utf16), LineCol { line: 0, col: 0 });
        assert_eq!(index.line_col(1, Utf8), LineCol { line: 0, col: 0 });
    }

    #[test]
    fn past_the_end_positions_clamp() {
        let index = LineIndex::new("ab\ncd");
        assert_eq!(index.offset(LineCol { line: 0, col: 99 }, Utf16), 2);
        assert_eq!(index.offset(LineCol { line: 9, col: 0 }, Utf16), 5);
        assert_eq!(index.line_col(99, Utf16), LineCol { line: 1, col: 2 });
    }

    #[test]
    fn last_line_without_newline_and_empty_text() {
        roundtrip("x\nlast", 6, Utf16, (1, 4));
        let empty = LineIndex::new("");
        assert_eq!(empty.line_col(0, Utf16), LineCol { line: 0, col: 0 });
        assert_eq!(empty.offset(LineCol { line: 3, col: 3 }, Utf16), 0);
    }

    #[test]
    fn bmp_non_ascii_after_ascii() {
        // "—" (em dash) is 3 bytes, 1 UTF-16 unit.
        roundtrip("a—b—c", 8, Utf16, (0, 4));
        roundtrip("a—b—c", 8, Utf8, (0, 8));
    }
}
