//! End-to-end benchmark: drives the release `aiwg-lsp` binary over stdio, as an editor would,
//! on generated workspaces of 1,000 and 10,000 documents and on the extracted aiwg corpus, and
//! prints one table (JSON in `target/bench/e2e.json`):
//!
//! - spawn → `initialize` response and spawn → index ready (the `$/progress` `end`), medians of
//!   several cold starts (the file cache is warm: this measures the server, not the disk);
//! - hover, definition, references, completion (just after an `@`) and workspace/symbol
//!   latencies, p50/p95/p99 over 300 requests at the real references of an opened document;
//! - keystroke → fresh `publishDiagnostics` for that version on a 200 KB and a 1 MB document,
//!   with `diagnosticsDelayMs: 0` so that the debounce is excluded;
//! - peak resident memory (`VmHWM`) after indexing and before shutdown.
//!
//! `cargo bench --bench e2e` runs it; `cargo bench --bench e2e -- --generate N DIR` only writes
//! a generated workspace. Under `cargo test --benches` it does nothing, so CI stays fast.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Samples, generate};
use serde_json::{Value, json};
use support::lsp::Session;

/// Requests per feature.
const REQUESTS: usize = 300;
/// Edits per large document.
const EDITS: usize = 60;
/// A pause after typing: the server's idle delay (300 ms) plus a tree-sitter parse of 1 MB.
const IDLE_PAUSE: Duration = Duration::from_millis(1_500);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--generate") {
        let count: usize = args.get(at + 1).and_then(|c| c.parse().ok()).expect("--generate COUNT DIR");
        let dir = PathBuf::from(args.get(at + 2).expect("--generate COUNT DIR"));
        common::ensure_generated(&dir, count, common::SEED);
        println!("{}: {count} documents, seed {:#x}", dir.display(), common::SEED);
        return;
    }
    if !common::is_bench_run(&args) {
        println!("e2e: a benchmark; run it with `cargo bench --bench e2e`");
        return;
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_aiwg-lsp"));
    eprintln!("server: {}", binary.display());
    let workspaces: Vec<(&str, PathBuf, usize)> = vec![
        ("generated 1k", common::generated_workspace(1_000), 5),
        ("generated 10k", common::generated_workspace(10_000), 3),
        ("gencorpus 1k", common::second_generator_workspace(1_000), 5),
        ("gencorpus 10k", common::second_generator_workspace(10_000), 3),
        ("gencorpus 50k", common::second_generator_workspace(50_000), 2),
        ("aiwg corpus", support::corpus_dir().canonicalize().expect("the corpus"), 5),
    ];
    let mut results = Vec::new();
    for (name, root, starts) in &workspaces {
        eprintln!("== {name}: {}", root.display());
        results.push(measure(name, root, *starts));
    }
    print_table(&results);
    let json = json!({
        "date": today(),
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "workspaces": results.iter().map(Measured::to_json).collect::<Vec<_>>(),
    });
    let out = common::bench_dir().join("e2e.json");
    std::fs::create_dir_all(common::bench_dir()).expect("target/bench");
    std::fs::write(&out, serde_json::to_string_pretty(&json).unwrap()).expect("cannot write e2e.json");
    println!("\nJSON: {}", out.display());
}

/// (feature, latencies, requests answered with a non-empty result)
type FeatureSamples = (&'static str, Samples, usize);

/// What one workspace measured.
struct Measured {
    name: String,
    documents: u64,
    initialize: Samples,
    ready: Samples,
    /// The server's CPU time (all threads) at index ready.
    ready_cpu: Samples,
    /// (feature, latencies, requests answered with a non-empty result)
    features: Vec<FeatureSamples>,
    /// (document size label, keystroke → diagnostics latencies)
    keystrokes: Vec<(&'static str, Samples)>,
    /// (document size label, whole-document requests on that generated document)
    large_documents: Vec<(&'static str, Vec<FeatureSamples>)>,
    rss_ready_mb: f64,
    rss_peak_mb: f64,
}

impl Measured {
    fn to_json(&self) -> Value {
        let stats = |s: &Samples| json!({"n": s.len(), "p50_ms": s.pct_ms(50.0), "p95_ms": s.pct_ms(95.0), "p99_ms": s.pct_ms(99.0)});
        let mut features = serde_json::Map::new();
        for (name, samples, hits) in &self.features {
            let mut entry = stats(samples);
            entry["non_empty"] = json!(hits);
            features.insert(name.to_string(), entry);
        }
        let keystrokes: serde_json::Map<String, Value> =
            self.keystrokes.iter().map(|(name, s)| (name.to_string(), stats(s))).collect();
        let large: serde_json::Map<String, Value> = self
            .large_documents
            .iter()
            .map(|(size, features)| {
                let entries: serde_json::Map<String, Value> =
                    features.iter().map(|(name, s, _)| (name.to_string(), stats(s))).collect();
                (size.to_string(), Value::Object(entries))
            })
            .collect();
        json!({
            "name": self.name,
            "documents": self.documents,
            "initialize_ms": stats(&self.initialize),
            "index_ready_ms": stats(&self.ready),
            "index_ready_cpu_ms": stats(&self.ready_cpu),
            "requests": features,
            "keystroke_to_diagnostics": keystrokes,
            "large_document_requests": large,
            "peak_rss_after_index_mb": self.rss_ready_mb,
            "peak_rss_mb": self.rss_peak_mb,
        })
    }
}

fn capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {"configuration": true, "workspaceFolders": true, "symbol": {}},
        "textDocument": {
            "hover": {"contentFormat": ["markdown"]},
            "definition": {"linkSupport": true},
            "completion": {"completionItem": {"snippetSupport": false}},
            "publishDiagnostics": {"versionSupport": true},
        },
    })
}

/// No debounce: the keystroke figures are the server's work, not its wait.
fn settings() -> Value {
    json!({"diagnosticsDelayMs": 0})
}

/// Starts the server and waits for the end of indexing; returns the session, the time to the
/// `initialize` response, the time to index ready, the CPU time by then, and the documents the
/// server indexed.
fn cold_start(root: &Path) -> (Session, Duration, Duration, Duration, u64) {
    let started = Instant::now();
    let mut session = Session::spawn(root, settings());
    session.initialize(capabilities(), settings(), true);
    let initialized = started.elapsed();
    session.notify("initialized", json!({}));
    let end = session
        .wait_for_new("the end of indexing", |m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let ready = started.elapsed();
    let cpu = cpu_time(&session);
    // "Indexed N documents in M ms"
    let message = end["params"]["value"]["message"].as_str().unwrap_or("");
    let documents = message.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
    (session, initialized, ready, cpu, documents)
}

/// The server's CPU time so far (user and system, all threads), from `/proc/<pid>/stat`.
fn cpu_time(session: &Session) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", session.child.id())).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok())).sum();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

fn measure(name: &str, root: &Path, starts: usize) -> Measured {
    let mut initialize = Samples::default();
    let mut ready = Samples::default();
    let mut ready_cpu = Samples::default();
    let mut kept = None;
    for run in 0..starts {
        let (session, init, done, cpu, documents) = cold_start(root);
        initialize.push(init);
        ready.push(done);
        ready_cpu.push(cpu);
        eprintln!(
            "  cold start {}: initialize {:.1} ms, ready {:.1} ms, CPU {:.2} s",
            run + 1,
            ms(init),
            ms(done),
            cpu.as_secs_f64()
        );
        if run + 1 == starts {
            kept = Some((session, documents));
        } else {
            session.shutdown();
        }
    }
    let (mut session, documents) = kept.expect("at least one start");
    let rss_ready_mb = peak_rss_mb(&session);

    let (rel, text) = busiest_document(root);
    eprintln!("  requests in {rel} ({} bytes)", text.len());
    session.open_text(&rel, &text);
    wait_diagnostics(&mut session, &rel, 1);
    let features = requests(&mut session, &rel, &text);

    let mut keystrokes = Vec::new();
    let mut large_documents = Vec::new();
    for (label, bytes, seed) in [("200 KB", 200_000, 7), ("1 MB", 1_000_000, 11)] {
        let rel = format!("bench-large-{}.md", label.replace(' ', "").to_lowercase());
        let text = generate::large_document(bytes, seed);
        let (typed, document) = typing(&mut session, &rel, &text);
        keystrokes.push((label, typed));
        large_documents.push((label, document));
    }
    let rss_peak_mb = peak_rss_mb(&session);
    session.shutdown();
    Measured {
        name: name.to_string(),
        documents,
        initialize,
        ready,
        ready_cpu,
        features,
        keystrokes,
        large_documents,
        rss_ready_mb,
        rss_peak_mb,
    }
}

/// The markdown document with the most `@`-references (at most 100 KB, preferring `.aiwg/`),
/// the kind of document a user has open while navigating.
fn busiest_document(root: &Path) -> (String, String) {
    let mut best: Option<(usize, String, String)> = None;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                if text.len() > 100_000 {
                    continue;
                }
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                let score = reference_columns(&text).len() * if rel.starts_with(".aiwg/") { 2 } else { 1 };
                if best.as_ref().is_none_or(|(s, r, _)| (score, &rel) > (*s, r)) {
                    best = Some((score, rel, text));
                }
            }
        }
    }
    let (_, rel, text) = best.expect("a markdown document");
    (rel, text)
}

/// (line, UTF-16 column of the `@`) of every `@` that starts a path-like reference.
fn reference_columns(text: &str) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let mut prev: Option<char> = None;
        let mut utf16 = 0u32;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '@'
                && !prev.is_some_and(|p| p.is_alphanumeric())
                && chars.peek().is_some_and(|n| *n == '.' || *n == '~' || n.is_ascii_alphabetic())
            {
                found.push((line_no as u32, utf16));
            }
            utf16 += c.len_utf16() as u32;
            prev = Some(c);
        }
    }
    found
}

fn wait_diagnostics(session: &mut Session, rel: &str, version: i64) {
    let uri = session.uri(rel);
    session.wait_for_new(&format!("diagnostics of {rel} v{version}"), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(uri)
            && m["params"]["version"] == json!(version)
    });
    session.seen.clear();
}

/// Each feature `REQUESTS` times, cycling through the document's references.
fn requests(session: &mut Session, rel: &str, text: &str) -> Vec<FeatureSamples> {
    let uri = session.uri(rel);
    let spots = reference_columns(text);
    assert!(!spots.is_empty(), "{rel} has no references");
    let at = |i: usize, shift: u32| {
        let (line, column) = spots[i % spots.len()];
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": column + shift}})
    };
    const QUERIES: &[&str] =
        &["ADR", "UC-0", "cache", "token gateway", "REF-01", "handle", "adopt quota", "nfr", "agent", "z"];
    let mut out = Vec::new();
    for feature in ["hover", "definition", "references", "completion", "workspace/symbol"] {
        let mut samples = Samples::default();
        let mut non_empty = 0;
        for i in 0..REQUESTS {
            let (method, params) = match feature {
                "hover" => ("textDocument/hover", at(i, 3)),
                "definition" => ("textDocument/definition", at(i, 3)),
                "references" => {
                    let mut p = at(i, 3);
                    p["context"] = json!({"includeDeclaration": true});
                    ("textDocument/references", p)
                }
                "completion" => {
                    let mut p = at(i, 1);
                    p["context"] = json!({"triggerKind": 2, "triggerCharacter": "@"});
                    ("textDocument/completion", p)
                }
                _ => ("workspace/symbol", json!({"query": QUERIES[i % QUERIES.len()]})),
            };
            let (took, answered) = timed_request(session, method, params);
            samples.push(took);
            non_empty += usize::from(answered);
        }
        session.seen.clear();
        log_feature(feature, "", &samples, non_empty);
        out.push((feature, samples, non_empty));
    }
    out.extend(document_requests(session, &uri, text, ""));
    out
}

/// The whole-document requests an editor sends when a document is shown (semantic tokens, code
/// lenses, inlay hints, folding), `REQUESTS` times each on the open document `uri`.
fn document_requests(session: &mut Session, uri: &str, text: &str, size: &str) -> Vec<FeatureSamples> {
    let lines = text.lines().count();
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}});
    let mut out = Vec::new();
    for &feature in DOCUMENT_FEATURES {
        let params = match feature {
            "inlayHint" => json!({"textDocument": {"uri": uri}, "range": whole}),
            _ => json!({"textDocument": {"uri": uri}}),
        };
        let method =
            format!("textDocument/{}", if feature == "semanticTokens" { "semanticTokens/full" } else { feature });
        let mut samples = Samples::default();
        let mut non_empty = 0;
        for _ in 0..REQUESTS {
            let (took, answered) = timed_request(session, &method, params.clone());
            samples.push(took);
            non_empty += usize::from(answered);
        }
        session.seen.clear();
        log_feature(feature, size, &samples, non_empty);
        out.push((feature, samples, non_empty));
    }
    out
}

/// One request's round trip, and whether it answered something (not null, not an empty list,
/// completion items or token data).
fn timed_request(session: &mut Session, method: &str, params: Value) -> (Duration, bool) {
    let started = Instant::now();
    let response = session.request(method, params);
    let took = started.elapsed();
    assert!(response.get("error").is_none(), "{method}: {response}");
    let result = &response["result"];
    let empty = result.is_null()
        || result.as_array().is_some_and(|a| a.is_empty())
        || result["items"].as_array().is_some_and(|a| a.is_empty())
        || result["data"].as_array().is_some_and(|a| a.is_empty());
    (took, !empty)
}

fn log_feature(feature: &str, size: &str, samples: &Samples, non_empty: usize) {
    eprintln!(
        "  {feature}{size}: p50 {:.2} ms, p99 {:.2} ms ({non_empty}/{REQUESTS} non-empty)",
        samples.pct_ms(50.0),
        samples.pct_ms(99.0)
    );
}

const DOCUMENT_FEATURES: &[&str] = &["semanticTokens", "codeLens", "inlayHint", "foldingRange"];

/// Opens `text` as `rel` and types into it: each edit inserts a word at the start of a prose
/// line, spread over the document, and waits for the diagnostics of exactly that version.
fn typing(session: &mut Session, rel: &str, text: &str) -> (Samples, Vec<FeatureSamples>) {
    session.open_text(rel, text);
    wait_diagnostics(session, rel, 1);
    let uri = session.uri(rel);
    let prose: Vec<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(|c: char| c.is_ascii_uppercase()) && !l.starts_with("See"))
        .map(|(n, _)| n as u32)
        .collect();
    let mut samples = Samples::default();
    for edit in 0..EDITS + 3 {
        let version = edit as i64 + 2;
        let line = prose[(edit * 7919) % prose.len()];
        let started = Instant::now();
        session.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                    "text": "word ",
                }],
            }),
        );
        wait_diagnostics(session, rel, version);
        if edit >= 3 {
            samples.push(started.elapsed()); // The first edits warm the incremental parse.
        }
    }
    eprintln!(
        "  keystroke → diagnostics, {} bytes: p50 {:.1} ms, p95 {:.1} ms",
        text.len(),
        samples.pct_ms(50.0),
        samples.pct_ms(95.0)
    );
    // Pause as a user does, so that the parser thread's idle tree-sitter parse of the document
    // runs and its memory counts in the peak.
    std::thread::sleep(IDLE_PAUSE);
    let label = format!(" {} KB", text.len() / 1000);
    let document = document_requests(session, &uri, text, &label);
    session.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    (samples, document)
}

/// The server's peak resident set so far, from `/proc/<pid>/status` (`VmHWM`).
fn peak_rss_mb(session: &Session) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", session.child.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn today() -> String {
    std::process::Command::new("date")
        .arg("+%F")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(String::new, |s| s.trim().to_string())
}

/// One table: a row per figure, a column per workspace, and the budget of guide §7.
fn print_table(results: &[Measured]) {
    let mut rows: Vec<(String, Vec<String>, &str)> = Vec::new();
    let f = |v: f64| if v >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") };
    rows.push(("documents indexed".into(), results.iter().map(|r| r.documents.to_string()).collect(), ""));
    rows.push((
        "spawn → initialize response, median ms".into(),
        results.iter().map(|r| f(r.initialize.median_ms())).collect(),
        "",
    ));
    rows.push((
        "spawn → index ready, median ms".into(),
        results.iter().map(|r| f(r.ready.median_ms())).collect(),
        "≤150 corpus, ≤600 10k, ≤3000 50k",
    ));
    rows.push((
        "CPU seconds to index ready, median".into(),
        results.iter().map(|r| format!("{:.2}", r.ready_cpu.median_ms() / 1e3)).collect(),
        "≤1.2 at 10k",
    ));
    for (i, (feature, _, _)) in results[0].features.iter().enumerate() {
        let budget = match *feature {
            "hover" | "definition" => "p99 ≤5 at 10k",
            "references" | "completion" => "p99 ≤20 at 10k",
            "codeLens" | "inlayHint" | "foldingRange" => "p99 ≤5",
            _ => "",
        };
        rows.push((
            format!("{feature} p50 / p95 / p99 ms"),
            results
                .iter()
                .map(|r| {
                    let s = &r.features[i].1;
                    format!("{} / {} / {}", f(s.pct_ms(50.0)), f(s.pct_ms(95.0)), f(s.pct_ms(99.0)))
                })
                .collect(),
            budget,
        ));
    }
    for (i, (label, _)) in results[0].keystrokes.iter().enumerate() {
        rows.push((
            format!("keystroke → diagnostics {label} p50 / p95 / p99 ms"),
            results
                .iter()
                .map(|r| {
                    let s = &r.keystrokes[i].1;
                    format!("{} / {} / {}", f(s.pct_ms(50.0)), f(s.pct_ms(95.0)), f(s.pct_ms(99.0)))
                })
                .collect(),
            if *label == "200 KB" { "p95 ≤10" } else { "" },
        ));
    }
    for (i, (label, features)) in results[0].large_documents.iter().enumerate() {
        for (j, (feature, _, _)) in features.iter().enumerate() {
            let budget = match (*feature, *label) {
                ("semanticTokens", "1 MB") => "p99 ≤20",
                ("codeLens" | "inlayHint" | "foldingRange", "200 KB") => "p99 ≤5",
                _ => "",
            };
            rows.push((
                format!("{feature} on {label} p50 / p95 / p99 ms"),
                results
                    .iter()
                    .map(|r| {
                        let s = &r.large_documents[i].1[j].1;
                        format!("{} / {} / {}", f(s.pct_ms(50.0)), f(s.pct_ms(95.0)), f(s.pct_ms(99.0)))
                    })
                    .collect(),
                budget,
            ));
        }
    }
    rows.push((
        "peak RSS after indexing, MB".into(),
        results.iter().map(|r| f(r.rss_ready_mb)).collect(),
        "≤100 at 10k, ≤450 at 50k",
    ));
    rows.push(("peak RSS at the end, MB".into(), results.iter().map(|r| f(r.rss_peak_mb)).collect(), "≤120 at 10k"));

    let width = |col: usize| -> usize {
        let header = if col == 0 { "figure".len() } else { results[col - 1].name.chars().count() };
        rows.iter()
            .map(|(name, values, _)| if col == 0 { name.chars().count() } else { values[col - 1].chars().count() })
            .max()
            .unwrap_or(0)
            .max(header)
    };
    let widths: Vec<usize> = (0..=results.len()).map(width).collect();
    let mut out = String::new();
    let _ = write!(out, "\n{:<w$}", "figure", w = widths[0]);
    for (i, r) in results.iter().enumerate() {
        let _ = write!(out, " | {:>w$}", r.name, w = widths[i + 1]);
    }
    out.push_str(" | budget\n");
    for (name, values, budget) in &rows {
        let _ = write!(out, "{name:<w$}", w = widths[0]);
        for (i, v) in values.iter().enumerate() {
            let _ = write!(out, " | {v:>w$}", w = widths[i + 1]);
        }
        let _ = writeln!(out, " | {budget}");
    }
    print!("{out}");
}
