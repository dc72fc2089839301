//! Provenance records: any bytes as a `*.prov.yaml` file parse to a record (an error value at
//! worst) within the YAML budget, index by the artifact they name and diagnose.
#![no_main]

use std::sync::Arc;

use aiwg_lsp::analysis;
use aiwg_lsp::resolve::RootKind;
use aiwg_lsp::workspace::{Snapshot, SnapshotInput, document_from_text};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = ".aiwg/research/provenance/records/x.prov.yaml";
    let doc = document_from_text(path, RootKind::Workspace, &text).expect("a record, even if an error value");
    assert!(doc.provenance.is_some());
    let snapshot = Snapshot::build(SnapshotInput { roots: Default::default(), documents: vec![Arc::new(doc)] });
    for (id, _) in snapshot.documents() {
        let _ = analysis::diagnostics(&snapshot, id);
    }
});
