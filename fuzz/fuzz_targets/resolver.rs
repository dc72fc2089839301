//! The resolver and diagnostics, globs included: the first lines of the input are the
//! workspace's (and the aiwg root's) file listing, the rest a document whose references are
//! resolved against them and diagnosed.
#![no_main]

use std::sync::Arc;

use aiwg_lsp::analysis;
use aiwg_lsp::resolve::{AiwgRoot, PathSet, RootKind, Roots};
use aiwg_lsp::workspace::{Snapshot, SnapshotInput, document_from_text};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (listing, document) = text.split_once("\n\n").unwrap_or(("", &text));
    let mut workspace: Vec<String> = Vec::new();
    let mut aiwg: Vec<String> = Vec::new();
    for line in listing.lines().take(64) {
        match line.strip_prefix("aiwg:") {
            Some(path) => aiwg.push(path.to_string()),
            None => workspace.push(line.to_string()),
        }
    }
    let aiwg_root = if aiwg.is_empty() {
        if workspace.iter().any(|p| p.starts_with("agentic/")) { AiwgRoot::Workspace } else { AiwgRoot::Missing }
    } else {
        AiwgRoot::External(Arc::new(PathSet::new(aiwg.clone(), [])))
    };
    let roots = Roots { workspace: Arc::new(PathSet::new(workspace.clone(), [])), aiwg: aiwg_root, aiwg_problem: None };
    let mut documents = Vec::new();
    for (i, path) in ["docs/a.md", ".aiwg/architecture/decisions/ADR-001-x.md"].iter().enumerate() {
        let body = if i == 0 { document.to_string() } else { format!("# ADR-001: X\n{document}") };
        if let Some(doc) = document_from_text(path, RootKind::Workspace, &body) {
            documents.push(Arc::new(doc));
        }
    }
    for path in aiwg.iter().take(8) {
        if let Some(doc) = document_from_text(path, RootKind::Aiwg, document) {
            documents.push(Arc::new(doc));
        }
    }
    let snapshot = Snapshot::build(SnapshotInput { roots, documents });
    for (id, _) in snapshot.documents() {
        let _ = analysis::diagnostics_with_fixes(&snapshot, id);
    }
});
