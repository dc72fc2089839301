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

/// Only the edges (`lsp/`, `cli/`, `loader/`, `exec/`, `main.rs`) may know the protocol, the async
/// runtime, JSON or the file system; the core takes values and returns values.
#[test]
fn the_core_is_pure() {
    const EDGES: &[&str] = &["src/lsp/", "src/cli/", "src/loader/", "src/exec/", "src/main.rs"];
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
        let code: Vec<&str> = text
            .lines()
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect();
        for (n, line) in code.iter().enumerate() {
            for word in FORBIDDEN {
                if line.contains(word) {
                    offences.push(format!("{rel}:{}: {word}", n + 1));
                }
            }
        }
        // Grouped imports (`use std::{fs as f};`, over several lines) name no forbidden path
        // in one piece: expand them.
        for path in use_paths(&code.join("\n")) {
            if let Some(word) = FORBIDDEN.iter().find(|w| path == **w || path.starts_with(&format!("{w}::"))) {
                offences.push(format!("{rel}: use {path} ({word})"));
            }
        }
    }
    assert!(offences.is_empty(), "the core uses edge-only APIs: {offences:#?}");
}

/// Every path a file's `use` declarations import, groups expanded and renames dropped:
/// `use std::{fs as f, io::{self, Read}};` gives `std::fs`, `std::io::self`, `std::io::Read`.
fn use_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(start) = rest.find("use ") {
        let preceded_by_word = rest[..start].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_');
        let Some(end) = rest[start..].find(';') else { break };
        if !preceded_by_word {
            let tree = squeeze_spaces(&rest[start + 4..start + end]);
            expand_use("", &tree, &mut out);
        }
        rest = &rest[start + end + 1..];
    }
    out
}

/// White space dropped except a single space between two words (`fs as f`).
fn squeeze_spaces(text: &str) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if pending_space && out.chars().last().is_some_and(word) && word(c) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

fn expand_use(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim_start_matches("::");
    match tree.find('{') {
        Some(open) if tree.ends_with('}') => {
            let base = format!("{prefix}{}", &tree[..open]);
            let inner = &tree[open + 1..tree.len() - 1];
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand_use(&base, &inner[item_start..i], out);
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
            expand_use(&base, &inner[item_start..], out);
        }
        _ if !tree.is_empty() => {
            let path = tree.split(" as ").next().unwrap_or(tree);
            out.push(format!("{prefix}{path}").trim_end_matches("::").to_string());
        }
        _ => {}
    }
}

#[test]
fn grouped_imports_are_expanded() {
    let code = "use std::{fs as _fs, io::{self, Read}};\npub use crate::x::{\n  base,\n  b as c,\n};\nfn used() {}";
    assert_eq!(use_paths(code), ["std::fs", "std::io::self", "std::io::Read", "crate::x::base", "crate::x::b"]);
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

/// Comments cite the format notes as "aiwg-format §N" or "§N.M"; each cited section must exist
/// in `docs/aiwg-format.md`, so a citation always leads somewhere.
#[test]
fn every_format_citation_names_a_section_of_the_format_notes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let notes = std::fs::read_to_string(root.join("docs/aiwg-format.md")).expect("docs/aiwg-format.md");
    let sections: Vec<&str> = notes
        .lines()
        .filter_map(|l| l.strip_prefix("### ").or_else(|| l.strip_prefix("## ")))
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.trim_end_matches('.'))
        .collect();
    let mut files = sources("src");
    files.extend(sources("tests"));
    files.extend(sources("benches"));
    files.push(root.join("README.md"));
    let mut missing = Vec::new();
    let mut cited = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable file");
        for (i, _) in text.match_indices("aiwg-format §") {
            let number: String =
                text[i + "aiwg-format §".len()..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let number = number.trim_end_matches('.');
            if number.is_empty() {
                continue; // Not a citation: this test's own text.
            }
            cited += 1;
            if !sections.contains(&number) {
                missing.push(format!("{}: §{number}", file.display()));
            }
        }
    }
    assert!(cited > 20, "the code cites the format notes");
    assert!(missing.is_empty(), "citations of sections docs/aiwg-format.md lacks: {missing:#?}");
}

/// The VS Code extension's settings schema declares every server setting (an object setting by
/// its keys: `aiwg.agent.backend`), every diagnostic code, and nothing the server does not know
/// besides its own client-side `aiwg.server.path` and `aiwg.trace.server`.
#[test]
fn the_vscode_settings_schema_matches_the_server() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/package.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).expect("package.json")).expect("JSON");
    let properties = manifest["contributes"]["configuration"]["properties"].as_object().expect("properties");
    let declared: std::collections::BTreeSet<String> = properties
        .keys()
        .filter(|k| !["aiwg.server.path", "aiwg.trace.server"].contains(&k.as_str()))
        .map(|k| k.trim_start_matches("aiwg.").to_string())
        .collect();
    let mut expected: std::collections::BTreeSet<String> = aiwg_lsp::lsp::settings::KEYS
        .iter()
        .filter(|k| **k != "agent" && **k != "pullDiagnostics")
        .map(|k| k.to_string())
        .collect();
    expected.extend(aiwg_lsp::lsp::settings::AGENT_KEYS.iter().map(|k| format!("agent.{k}")));
    assert_eq!(declared, expected, "pullDiagnostics is set by the extension itself, not a user setting");
    let codes: std::collections::BTreeSet<&str> = properties["aiwg.diagnostics"]["properties"]
        .as_object()
        .expect("one property per code")
        .keys()
        .map(String::as_str)
        .collect();
    let server_codes: std::collections::BTreeSet<&str> =
        aiwg_lsp::analysis::Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, server_codes);
}

/// The extension ships under the project's name, version, licence and repository, with the
/// licence text and icon the marketplace shows.
#[test]
fn the_vscode_extension_matches_the_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("editors/vscode/package.json")).unwrap()).unwrap();
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["license"], env!("CARGO_PKG_LICENSE"));
    let repository = manifest["repository"]["url"].as_str().unwrap_or_default();
    assert_eq!(repository.trim_end_matches(".git"), env!("CARGO_PKG_REPOSITORY"));
    let licence = std::fs::read_to_string(root.join("LICENSE")).expect("LICENSE");
    assert!(licence.starts_with("MIT License"));
    assert_eq!(std::fs::read_to_string(root.join("editors/vscode/LICENSE")).expect("the extension's LICENSE"), licence);
    let icon = std::fs::read(root.join("editors/vscode").join(manifest["icon"].as_str().unwrap())).unwrap();
    assert!(icon.starts_with(b"\x89PNG\r\n\x1a\n"), "the marketplace takes a PNG icon");
}
