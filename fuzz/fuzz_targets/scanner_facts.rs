//! The cold-index path: the bulk scanner's outline and the extraction of facts from it (and
//! for YAML and JSON, the data scanner with its markdown block scalars), on any bytes, under
//! the path of any artifact kind. Every range it reports must lie inside the text,
//! on character boundaries.
#![no_main]

use aiwg_lsp::resolve::RootKind;
use aiwg_lsp::workspace::document_from_text;

const PATHS: [&str; 10] = [
    "docs/notes.md",
    ".aiwg/architecture/decisions/ADR-007-use-redis.md",
    ".aiwg/requirements/use-cases/UC-AP-003-approve.md",
    ".aiwg/risks/risk-register.md",
    ".aiwg/research/findings/REF-018-react.md",
    "agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md",
    "WARP.md",
    ".github/agents/architecture-designer.yaml",
    "agentic/code/frameworks/sdlc-complete/schemas/flows/citation-integrity.yaml",
    "package.json",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let path = PATHS[selector as usize % PATHS.len()];
    // The loader replaces invalid UTF-8 the same way.
    let text = String::from_utf8_lossy(rest);
    let Some(doc) = document_from_text(path, RootKind::Workspace, &text) else { return };
    let facts = doc.facts;
    for (start, end) in facts.ranges() {
        assert!(start <= end && end <= text.len(), "range {start}..{end} of {}", text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "range {start}..{end}");
    }
});
