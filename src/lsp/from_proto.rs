//! Client values to core values: positions to byte offsets (in the negotiated encoding, through
//! [`LineIndex`] for published texts and directly on the rope for edits), URIs and workspace
//! folders to paths. Together with [`super::to_proto`] it is the only place positions are
//! converted.

use std::path::PathBuf;

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::text::{LineCol, LineIndex, PositionEncoding, TextRange};

/// LSP 3.17 `general.positionEncodings`: the client lists what it supports in order of
/// preference; UTF-16 is mandatory, so it is the answer when nothing better is offered. UTF-8
/// is our native unit and costs no conversion, so it wins whenever the client offers it.
pub(crate) fn negotiate_encoding(params: &lsp::InitializeParams) -> PositionEncoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&lsp::PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

/// A client position as a byte offset; positions past the end clamp (LSP 3.17 "Position").
pub fn offset(index: &LineIndex, position: lsp::Position, encoding: PositionEncoding) -> usize {
    index.offset(LineCol { line: position.line, col: position.character }, encoding)
}

pub(crate) fn text_range(index: &LineIndex, range: lsp::Range, encoding: PositionEncoding) -> TextRange {
    let start = offset(index, range.start, encoding);
    TextRange::new(start, offset(index, range.end, encoding).max(start))
}

/// A client position as a byte offset in a rope whose lines break at `\n`, `\r\n` and `\r`,
/// as LSP's do (the rope is built without Unicode line breaks for that reason). Used for
/// edits, which arrive against the rope's text before the line index is rebuilt.
pub(crate) fn rope_offset(rope: &Rope, position: lsp::Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_byte(line);
    let mut units = 0usize;
    let mut bytes = 0usize;
    for ch in rope.line(line).chars() {
        if ch == '\n' || ch == '\r' || units >= position.character as usize {
            break;
        }
        let width = match encoding {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if units + width > position.character as usize {
            break; // Inside a character: its start.
        }
        units += width;
        bytes += ch.len_utf8();
    }
    line_start + bytes
}

/// A `file:` URI's path; `None` for other schemes (`untitled:`, `git:`) and malformed URIs.
pub(crate) fn file_path(uri: &lsp::Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

/// The workspace folders of `initialize`: `workspaceFolders`, else `rootUri`, else `rootPath`.
pub(crate) fn initial_folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders.iter().filter_map(|f| file_path(&f.uri)).collect();
    }
    #[allow(deprecated)] // `rootUri` and `rootPath` are the fallbacks for clients without folders.
    let root = params
        .root_uri
        .as_ref()
        .and_then(file_path)
        .or_else(|| params.root_path.as_ref().filter(|p| !p.is_empty()).map(PathBuf::from));
    root.into_iter().collect()
}

pub(crate) fn folder_paths(folders: &[lsp::WorkspaceFolder]) -> Vec<PathBuf> {
    folders.iter().filter_map(|f| file_path(&f.uri)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    #[test]
    fn rope_offsets_match_the_line_index_on_edge_cases() {
        // CRLF, a lone CR, an astral character (two UTF-16 units, four bytes), and a last line
        // without a newline.
        let text = "a\r\nb😀c\rd\né\nlast";
        let rope = Rope::from_str(text);
        let index = LineIndex::new(text);
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            for line in 0..7 {
                for character in 0..8 {
                    assert_eq!(
                        rope_offset(&rope, pos(line, character), encoding),
                        offset(&index, pos(line, character), encoding),
                        "line {line} character {character} in {encoding:?}"
                    );
                }
            }
        }
        // Inside the surrogate pair: the character's start. Past the end: the end of the text.
        assert_eq!(rope_offset(&rope, pos(1, 2), PositionEncoding::Utf16), 4);
        assert_eq!(rope_offset(&rope, pos(1, 3), PositionEncoding::Utf16), 8);
        assert_eq!(rope_offset(&rope, pos(1, 99), PositionEncoding::Utf16), 9);
        assert_eq!(rope_offset(&rope, pos(99, 0), PositionEncoding::Utf16), text.len());
    }

    #[test]
    fn ranges_never_run_backwards() {
        let index = LineIndex::new("abc\ndef");
        let backwards = lsp::Range { start: pos(1, 2), end: pos(0, 1) };
        let range = text_range(&index, backwards, PositionEncoding::Utf16);
        assert_eq!((range.start, range.end), (6, 6));
    }
}
