//! Inputs the fuzzers once failed on (`tests/fuzz-regressions/<target>/`), replayed through the
//! same properties as the fuzz targets in `fuzz/`, so a fixed failure stays fixed without
//! running the fuzzer.

mod support;

use std::path::Path;

fn inputs(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("regression folder").map(|e| e.unwrap().path()).collect();
    files.sort();
    files.into_iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn framing_regressions() {
    let cases = inputs("framing");
    assert!(!cases.is_empty());
    for data in cases {
        support::framing_property::check(&data);
    }
}
