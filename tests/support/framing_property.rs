//! The property the framing fuzz target checks, shared with `tests/fuzz_regressions.rs` so that
//! a failure the fuzzer once found is replayed by `cargo test`: any byte stream, read in pieces
//! of a size its first byte chooses, splits into frames and checked messages without panicking,
//! and a well-formed message written after it still arrives whole.

use aiwg_lsp::lsp::transport::{Checked, Frame, Framer, check_message, frame};

pub fn check(data: &[u8]) {
    let Some((&cut, stream)) = data.split_first() else { return };
    let mut framer = Framer::default();
    for piece in stream.chunks(usize::from(cut).max(1)) {
        framer.push(piece);
        while let Some(next) = framer.next_frame() {
            if let Frame::Body(body) = next {
                let _ = check_message(&body);
            }
        }
    }
    let sentinel = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
    framer.push(b"\r\n\r\n");
    framer.push(&frame(sentinel));
    let mut found = false;
    while let Some(next) = framer.next_frame() {
        if next == Frame::Body(sentinel.to_vec()) {
            found = true;
            assert_eq!(check_message(sentinel), Checked::Forward);
        }
    }
    assert!(found, "the message after {} fuzzed bytes was lost", data.len());
}
