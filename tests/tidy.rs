//! House rules checked by `cargo test`: every Rust file opens with a `//!` paragraph, the core
//! stays free of protocol, runtime, JSON and file-system types, and the README documents every
//! diagnostic code.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(sub: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(sub), &mut files);
    files.sort();
    files
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let mut missing = Vec::new();
    for file in sources("src").into_iter().chain(sources("tests")) {
        let text = std::fs::read_to_string(&file).expect("readable file");
        if !text.starts_with("//!") {
            missing.push(file.display().to_string());
        }
    }
    assert!(missing.is_empty(), "files without a leading //! paragraph: {missing:#?}");
}

/// Only the edges (`lsp/`, `cli/`, `loader/`, `main.rs`) may know the protocol, the async
/// runtime, JSON or the file system; the core takes values and returns values.
#[test]
fn the_core_is_pure() {
    const EDGES: &[&str] = &["src/lsp/", "src/cli/", "src/loader/", "src/main.rs"];
    const FORBIDDEN: &[&str] = &[
        "lsp_types",
        "ls_types",
        "tower_lsp_server",
        "arc_swap",
        "tokio",
        "serde_json",
        "std::fs",
        "std::env",
        "std::process",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offences = Vec::new();
    for file in sources("src") {
        let rel = file.strip_prefix(root).expect("inside the crate").to_string_lossy().replace('\\', "/");
        if EDGES.iter().any(|edge| rel.starts_with(edge)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable file");
        // Unit tests sit at the end of a file, after `#[cfg(test)]`, and may read fixtures.
        for (n, line) in text.lines().enumerate().take_while(|(_, l)| l.trim() != "#[cfg(test)]") {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                if code.contains(word) {
                    offences.push(format!("{rel}:{}: {word}", n + 1));
                }
            }
        }
    }
    assert!(offences.is_empty(), "the core uses edge-only APIs: {offences:#?}");
}

#[test]
fn readme_documents_every_diagnostic_code() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README.md");
    let missing: Vec<&str> = aiwg_lsp::analysis::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|code| !readme.contains(&format!("`{code}`")))
        .collect();
    assert!(missing.is_empty(), "README.md does not document {missing:?}");
}
