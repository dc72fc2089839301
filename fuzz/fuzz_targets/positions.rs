//! The line index: every position, in every encoding, converts to an offset on a character
//! boundary inside the text, and an offset converts back to a position that leads to it.
#![no_main]

use aiwg_lsp::text::{LineCol, LineIndex, PositionEncoding};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (probes, rest) = data.split_at(8);
    let text = String::from_utf8_lossy(rest);
    let index = LineIndex::new(&text);
    for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
        for pair in probes.chunks(2) {
            let position = LineCol { line: u32::from(pair[0] % 16), col: u32::from(pair[1]) };
            let offset = index.offset(position, encoding);
            assert!(offset <= text.len() && text.is_char_boundary(offset), "{position:?} -> {offset}");
            let back = index.line_col(offset, encoding);
            assert_eq!(index.offset(back, encoding), offset, "{offset} -> {back:?}");
        }
        for &probe in probes {
            let offset = (probe as usize * text.len()) / 255;
            let position = index.line_col(offset, encoding);
            let again = index.offset(position, encoding);
            assert!(again <= offset, "{offset} -> {position:?} -> {again}");
        }
    }
});
