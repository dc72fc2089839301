//! Arbitrary text through the whole core must never panic: thousands of seeded random
//! documents assembled from markdown syntax, aiwg references and IDs, multi-byte characters and
//! every kind of line break, through both parsing paths, extraction, resolution, every feature
//! at every offset, and the line index.

use std::sync::Arc;

use aiwg_lsp::analysis::{completion, definition, diagnostics, hover, links, references, symbols};
use aiwg_lsp::resolve::{PathSet, RootKind, Roots};
use aiwg_lsp::syntax::{extract, scan, tree};
use aiwg_lsp::text::{LineCol, LineIndex, PositionEncoding, TextRange};
use aiwg_lsp::workspace::{Snapshot, SnapshotInput, document_from_text};

/// SplitMix64, so every run tries the same documents and a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "# ",
    "## ",
    "###### ",
    "#",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "---\n",
    "===\n",
    "```",
    "~~~",
    "`",
    "``",
    "    ",
    "\t",
    "> ",
    "- ",
    "* ",
    "1. ",
    "| ",
    " |",
    "|---|",
    "**",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "<!--",
    "-->",
    "\\",
    "@",
    "@.aiwg/",
    "@.claude/rules/",
    "@agentic/code/",
    "@~/.local/share/ai-writing-guide/",
    "@.../",
    "x.md",
    "#anchor",
    ":42",
    "{NNN}",
    "*.md",
    "ADR-",
    "UC-AP-",
    "001",
    "REF-018",
    "**Status**: ",
    "- ID: ",
    "## Metadata\n",
    "## Status\n",
    "@implements ",
    "UC-001",
    "é",
    "—",
    "😀",
    "\u{2028}",
    "\0",
    "word ",
    "text",
    " ",
    ":",
    "/",
    ".",
    "..",
    "../",
    "$0",
];

fn document(rng: &mut Rng) -> String {
    let pieces = rng.below(80);
    (0..pieces).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

#[test]
fn random_documents_never_panic_anywhere_in_the_core() {
    let paths =
        [".aiwg/requirements/use-cases/UC-001-x.md", "docs/a.md", ".aiwg/research/provenance/records/r.prov.yaml"];
    let roots = Roots {
        workspace: Arc::new(PathSet::new(paths.iter().map(|p| p.to_string()).collect(), [])),
        ..Roots::default()
    };
    let mut rng = Rng(0x5eed);
    for seed in 0..1500 {
        let texts: Vec<String> = paths.iter().map(|_| document(&mut rng)).collect();
        let result = std::panic::catch_unwind(|| {
            for text in &texts {
                let outline = scan::outline(text);
                let _ = tree::outline(text);
                let _ = extract::facts("docs/a.md", text, &outline);
                let index = LineIndex::new(text);
                for offset in 0..=text.len() + 1 {
                    for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
                        let lc = index.line_col(offset, encoding);
                        let back = index.offset(lc, encoding);
                        assert!(back <= text.len());
                        let _ = index.offset(LineCol { line: lc.line + 1, col: lc.col + 3 }, encoding);
                    }
                }
            }
            let documents = paths
                .iter()
                .zip(&texts)
                .filter_map(|(path, text)| document_from_text(path, RootKind::Workspace, text))
                .map(Arc::new)
                .collect();
            let snapshot = Snapshot::build(SnapshotInput { roots: roots.clone(), documents });
            let _ = symbols::workspace_symbols(&snapshot, "ADR", &aiwg_lsp::analysis::Cancel::never());
            for (id, _) in snapshot.documents() {
                let text = &texts[paths.iter().position(|p| *p == snapshot.doc(id).path).unwrap()];
                let _ = diagnostics(&snapshot, id);
                let _ = links::document_links(&snapshot, id);
                let _ = symbols::document_symbols(&snapshot, id);
                let _ = aiwg_lsp::analysis::folding::folding_ranges(&snapshot.doc(id).facts, text);
                let _ = aiwg_lsp::analysis::lenses::code_lenses(&snapshot, id);
                for range in [TextRange::new(0, text.len()), TextRange::new(text.len() / 3, text.len() / 2)] {
                    let tokens = aiwg_lsp::analysis::highlight::semantic_tokens(&snapshot, id, text, range);
                    assert!(tokens.windows(2).all(|w| w[0].range.end <= w[1].range.start), "{tokens:?}");
                    assert!(tokens.iter().all(|t| !t.range.slice(text).contains('\n')), "{tokens:?}");
                    let _ = aiwg_lsp::analysis::inlay::adr_hints(&snapshot, id, range);
                }
                for offset in 0..=text.len() + 1 {
                    let _ = hover::hover(&snapshot, id, offset);
                    let _ = definition::definition(&snapshot, id, offset);
                    let _ = references::references(&snapshot, id, offset, true);
                    if text.is_char_boundary(offset.min(text.len())) {
                        let _ = completion::completion(&snapshot, id, text, offset);
                    }
                }
            }
        });
        assert!(result.is_ok(), "seed {seed} panicked on {texts:?}");
    }
}
