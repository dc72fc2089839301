//! Micro-benchmarks of the core, with a small harness (warm-up, timed runs, medians): bulk
//! scanner, tree-sitter and DocFacts throughput on the real aiwg corpus; cold load, snapshot
//! build, reference resolution and one keystroke's snapshot patch on a generated 10,000-document
//! workspace; and the per-call latency of every feature query on that 10k index.
//!
//! `cargo bench --bench core` runs it and writes `target/bench/core.json`. Under
//! `cargo test --benches` it does nothing, so CI stays fast.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aiwg_lsp::analysis::{self, Cancel, completion, definition, hover, references, symbols};
use aiwg_lsp::loader::{self, LoadOptions};
use aiwg_lsp::resolve::resolve_as;
use aiwg_lsp::syntax::{extract, scan, tree};
use aiwg_lsp::workspace::{DocId, Snapshot, SnapshotInput, document_from_text};
use common::Samples;
use serde_json::{Value, json};

/// Calls per feature query.
const CALLS: usize = 1_000;
/// Bytes of corpus text given to tree-sitter per run (a full pass takes seconds).
const TREE_SITTER_BYTES: usize = 3_000_000;

struct Report {
    rows: Vec<(String, String)>,
    json: serde_json::Map<String, Value>,
}

impl Report {
    fn throughput(&mut self, name: &str, bytes: usize, samples: &Samples) {
        let median = samples.median_ms();
        let mbps = bytes as f64 / 1e6 / (median / 1e3);
        let line = format!("{mbps:8.1} MB/s   (median {median:.1} ms for {:.1} MB)", bytes as f64 / 1e6);
        eprintln!("{name}: {line}");
        self.rows.push((name.to_string(), line));
        self.json.insert(name.to_string(), json!({"mb_per_s": mbps, "median_ms": median, "bytes": bytes}));
    }

    fn duration(&mut self, name: &str, samples: &Samples) {
        let line = format!("{:8.1} ms   median of {}", samples.median_ms(), samples.len());
        eprintln!("{name}: {line}");
        self.rows.push((name.to_string(), line));
        self.json.insert(name.to_string(), json!({"median_ms": samples.median_ms(), "runs": samples.len()}));
    }

    fn latency(&mut self, name: &str, samples: &Samples, non_empty: usize) {
        let (p50, p99) = (samples.pct_ms(50.0), samples.pct_ms(99.0));
        let line = format!("p50 {p50:8.3} ms   p99 {p99:8.3} ms   ({non_empty}/{} non-empty)", samples.len());
        eprintln!("{name}: {line}");
        self.rows.push((name.to_string(), line));
        self.json.insert(
            name.to_string(),
            json!({"p50_ms": p50, "p99_ms": p99, "calls": samples.len(), "non_empty": non_empty}),
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !common::is_bench_run(&args) {
        println!("core: a benchmark; run it with `cargo bench --bench core`");
        return;
    }
    let mut report = Report { rows: Vec::new(), json: serde_json::Map::new() };
    corpus_throughput(&mut report);
    index_10k(&mut report);

    println!();
    let width = report.rows.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
    for (name, line) in &report.rows {
        println!("{name:<width$}  {line}");
    }
    let out = common::bench_dir().join("core.json");
    std::fs::create_dir_all(common::bench_dir()).expect("target/bench");
    std::fs::write(&out, serde_json::to_string_pretty(&Value::Object(report.json)).unwrap()).expect("core.json");
    println!("\nJSON: {}", out.display());
}

/// Parsing throughput on every markdown file of the real aiwg release.
fn corpus_throughput(report: &mut Report) {
    let files: Vec<(String, String)> = support::corpus_markdown_files()
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(support::corpus_dir()).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read_to_string(&p).unwrap_or_default())
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    eprintln!("corpus: {} markdown files, {:.1} MB", files.len(), bytes as f64 / 1e6);

    let samples = common::time_runs(1, 7, || {
        for (_, text) in &files {
            black_box(scan::outline(text));
        }
    });
    report.throughput("bulk scanner (outline), corpus", bytes, &samples);

    let mut subset = Vec::new();
    let mut subset_bytes = 0;
    for file in &files {
        if subset_bytes >= TREE_SITTER_BYTES {
            break;
        }
        subset_bytes += file.1.len();
        subset.push(file);
    }
    let samples = common::time_runs(1, 3, || {
        for (_, text) in &subset {
            black_box(tree::outline(text));
        }
    });
    report.throughput("tree-sitter (outline), corpus subset", subset_bytes, &samples);

    let outlines: Vec<_> = files.iter().map(|(_, t)| scan::outline(t)).collect();
    let samples = common::time_runs(1, 7, || {
        for ((path, text), outline) in files.iter().zip(&outlines) {
            black_box(extract::facts(path, text, outline));
        }
    });
    report.throughput("DocFacts extraction (from outlines), corpus", bytes, &samples);

    let samples = common::time_runs(1, 7, || {
        for (path, text) in &files {
            black_box(aiwg_lsp::syntax::facts_from_text(path, text));
        }
    });
    report.throughput("scan + extract (cold-index path), corpus", bytes, &samples);

    let root = support::corpus_dir();
    let samples = common::time_runs(1, 5, || {
        black_box(loader::load_workspace(&root, None, &LoadOptions::default()));
    });
    report.duration("load_workspace (walk+read+facts), corpus", &samples);
    let input = loader::load_workspace(&root, None, &LoadOptions::default()).input;
    let samples = common::time_runs(1, 5, || {
        black_box(Snapshot::build(clone_input(&input)));
    });
    report.duration("Snapshot::build, corpus", &samples);
}

fn clone_input(input: &SnapshotInput) -> SnapshotInput {
    SnapshotInput { roots: input.roots.clone(), documents: input.documents.clone() }
}

/// The 10k workspace: load, build, resolve, patch, and every feature query.
fn index_10k(report: &mut Report) {
    let root: PathBuf = common::generated_workspace(10_000);
    let samples = common::time_runs(1, 3, || {
        black_box(loader::load_workspace(&root, None, &LoadOptions::default()));
    });
    report.duration("load_workspace (walk+read+facts), 10k", &samples);
    let loaded = loader::load_workspace(&root, None, &LoadOptions::default());
    let input = loaded.input;
    let samples = common::time_runs(1, 3, || {
        black_box(Snapshot::build(clone_input(&input)));
    });
    report.duration("Snapshot::build, 10k", &samples);

    let references_total: usize = input.documents.iter().map(|d| d.facts.references.len()).sum();
    let samples = common::time_runs(1, 5, || {
        for doc in &input.documents {
            // As the index does: whether the document is framework text is decided once.
            let framework = doc.is_framework_text();
            for r in &doc.facts.references {
                black_box(resolve_as(&input.roots, doc.root, &doc.path, framework, &r.path));
            }
        }
    });
    let median = samples.median_ms();
    let line = format!(
        "{median:8.1} ms   for {references_total} references ({:.0} ns each)",
        median * 1e6 / references_total as f64
    );
    eprintln!("resolve every reference, 10k: {line}");
    report.rows.push(("resolve every reference, 10k".into(), line));
    report
        .json
        .insert("resolve every reference, 10k".into(), json!({"median_ms": median, "references": references_total}));

    let snapshot = Snapshot::build(clone_input(&input));
    // The document features run on: the markdown document of `.aiwg/` with most references.
    let (doc_id, doc) = snapshot
        .workspace_documents()
        .filter(|(_, d)| d.is_markdown() && d.path.starts_with(".aiwg/"))
        .max_by_key(|(_, d)| (d.facts.references.len(), std::cmp::Reverse(d.path.clone())))
        .expect("a markdown document");
    let text = std::fs::read_to_string(root.join(&doc.path)).expect("the document");
    let path = doc.path.clone();
    eprintln!("queries in {path}: {} references", doc.facts.references.len());

    // One keystroke: re-extract the edited document and patch it into the snapshot.
    let mut edited = text.clone();
    edited.insert_str(text.len() / 2, "word ");
    let patched = Arc::new(document_from_text(&path, doc.root, &edited).expect("markdown"));
    let samples = common::time_runs(5, 200, || {
        black_box(snapshot.with_document(Arc::clone(&patched)));
    });
    report.latency("Snapshot::with_document (one keystroke's patch), 10k", &samples, samples.len());

    let offsets: Vec<usize> = doc.facts.references.iter().map(|r| r.range.start + 2).collect();
    let at_signs: Vec<usize> = doc.facts.references.iter().filter(|r| !r.bare).map(|r| r.range.start + 1).collect();
    query(report, "hover, 10k", &offsets, |o| hover::hover(&snapshot, doc_id, o).is_some());
    query(report, "definition, 10k", &offsets, |o| definition::definition(&snapshot, doc_id, o).is_some());
    query(report, "references, 10k", &offsets, |o| !references::references(&snapshot, doc_id, o, true).is_empty());
    query(report, "completion after @, 10k", &at_signs, |o| {
        !completion::completion(&snapshot, doc_id, &text, o).is_empty()
    });
    const QUERIES: &[&str] =
        &["ADR", "UC-0", "cache", "token gateway", "REF-01", "handle", "adopt quota", "nfr", "agent", "z"];
    let samples = sample_calls(QUERIES.len(), |i| {
        !symbols::workspace_symbols(&snapshot, QUERIES[i], &Cancel::never()).unwrap().is_empty()
    });
    report.latency("workspace_symbols, 10k", &samples.0, samples.1);
    let ids: Vec<DocId> = snapshot.workspace_documents().filter(|(_, d)| d.is_markdown()).map(|(id, _)| id).collect();
    let samples =
        sample_calls(ids.len(), |i| !analysis::diagnostics(&snapshot, ids[(i * 7919) % ids.len()]).is_empty());
    report.latency("diagnostics of one document, 10k", &samples.0, samples.1);
}

fn query(report: &mut Report, name: &str, offsets: &[usize], mut f: impl FnMut(usize) -> bool) {
    let (samples, non_empty) = sample_calls(offsets.len(), |i| f(offsets[i]));
    report.latency(name, &samples, non_empty);
}

/// `CALLS` timed calls of `f(i % count)` after a few untimed ones; returns the samples and how
/// many calls found something.
fn sample_calls(count: usize, mut f: impl FnMut(usize) -> bool) -> (Samples, usize) {
    for i in 0..10 {
        black_box(f(i % count));
    }
    let mut samples = Samples::default();
    let mut non_empty = 0;
    let budget = Instant::now();
    for i in 0..CALLS {
        let started = Instant::now();
        non_empty += usize::from(black_box(f(i % count)));
        samples.push(started.elapsed());
        if budget.elapsed() > Duration::from_secs(20) {
            break; // A slow feature: enough samples for its percentiles.
        }
    }
    (samples, non_empty)
}
