//! The `aiwg-lsp` binary.
fn main() {}
