//! The stdio transport: any byte stream, cut into reads at places the input chooses, splits
//! into frames and checked messages without panicking; every well-formed frame written after
//! garbage is still found whole.
#![no_main]

use aiwg_lsp::lsp::transport::{Checked, Frame, Framer, check_message, frame};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&cut, stream)) = data.split_first() else { return };
    let chunk = usize::from(cut).max(1);
    let mut framer = Framer::default();
    for piece in stream.chunks(chunk) {
        framer.push(piece);
        while let Some(next) = framer.next_frame() {
            if let Frame::Body(body) = next {
                let _ = check_message(&body);
            }
        }
    }
    // After whatever came before, a well-formed message still arrives whole.
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
    assert!(found, "the message after the fuzzed stream was lost");
});
