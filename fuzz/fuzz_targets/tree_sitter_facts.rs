//! The open-document path: tree-sitter-md through the queries in `queries/`, then the same
//! extraction, on any text (bounded, as the server bounds what it gives tree-sitter).
#![no_main]

use aiwg_lsp::syntax::{extract, tree};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() > 64 * 1024 {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let outline = tree::outline(&text);
    let facts = extract::facts(".aiwg/architecture/decisions/ADR-001-x.md", &text, &outline);
    for (start, end) in facts.ranges() {
        assert!(start <= end && end <= text.len(), "range {start}..{end} of {}", text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "range {start}..{end}");
    }
});
