//! Inputs the fuzzers once failed on (`tests/fuzz-regressions/<target>/`), replayed through the
//! same properties as the fuzz targets in `fuzz/`, so a fixed failure stays fixed without
//! running the fuzzer.

use std::path::Path;

use aiwg_lsp::lsp::transport::{Frame, Framer, check_message, frame};

fn inputs(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("regression folder").map(|e| e.unwrap().path()).collect();
    files.sort();
    files.into_iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// The framing target's property: any stream, read in pieces, leaves the next message whole.
#[test]
fn framing_regressions() {
    let cases = inputs("framing");
    assert!(!cases.is_empty());
    for data in cases {
        let (&cut, stream) = data.split_first().unwrap();
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
        let mut frames = Vec::new();
        while let Some(next) = framer.next_frame() {
            frames.push(next);
        }
        assert!(frames.contains(&Frame::Body(sentinel.to_vec())), "lost the message after {} bytes", data.len());
    }
}
