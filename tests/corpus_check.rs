//! `check` on a real aiwg release (the shared corpus, checked with itself as the aiwg root):
//! the resolver must do at least as well as the reference census of aiwg-format §7 and must
//! report the real breakages that census names.

mod support;

use std::process::Command;

use serde_json::Value;

/// The report, computed once for all tests of this file.
fn corpus_report() -> &'static Value {
    static REPORT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    REPORT.get_or_init(check_corpus)
}

fn check_corpus() -> Value {
    let corpus = support::corpus_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["check", "--format", "json", "--aiwg-root"])
        .arg(&corpus)
        .arg(&corpus)
        .env_remove("AIWG_ROOT")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(1), "the release has real breakages, so check fails");
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

#[test]
fn resolves_at_least_what_the_census_resolves() {
    let report = corpus_report();
    let summary = &report["summary"];
    assert_eq!(summary["documents"], 1337, "{summary}");
    // The census resolves 1,930 of 2,993 markdown references in the full checkout; 80 of those
    // point at source files (`.ts`, `.mjs`) that this markdown/YAML/JSON corpus does not
    // contain, so the census itself resolves 1,850 here (literal 1,132, deploy-mapped 460,
    // id-fallback 146, aiwg-home 112).
    // Four of the census's id-fallback hits are wrong: a `.pdf` resolved to a paper's markdown
    // summary, once from that summary itself. REF-ID fallback keeps the file's kind and never
    // points a document at itself, so those four are dangling here.
    let resolved = summary["markdown"]["resolved"].as_u64().unwrap();
    assert!(resolved >= 1850 - 4, "resolved {resolved}: {summary}");
    let by_stage = &summary["by_stage"];
    assert!(by_stage["deploy-map"].as_u64().unwrap() >= 460, "{by_stage}");
    assert!(by_stage["aiwg-root"].as_u64().unwrap() >= 112, "{by_stage}");
    assert!(by_stage["id-fallback"].as_u64().unwrap() >= 146 - 4, "{by_stage}");
    assert!(by_stage["elided"].as_u64().unwrap() >= 7, "{by_stage}");
}

#[test]
fn reports_the_real_breakages() {
    let report = corpus_report();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    for broken in [
        "agentic/code/frameworks/sdlc-complete/config/issueing-config.md",
        "agentic/code/frameworks/sdlc-complete/schemas/flows/regression-gate.yaml",
        ".claude/rules/test-first-development.md",
        // In a flow schema's YAML (`schemas/flows/citation-integrity.yaml`): the agent lives
        // under `addons/writing-quality/agents/`.
        "agentic/code/agents/writing-validator.md",
    ] {
        let hits: Vec<&Value> = diagnostics
            .iter()
            .filter(|d| d["code"] == "broken-reference" && d["message"].as_str().unwrap().contains(broken))
            .collect();
        assert!(!hits.is_empty(), "{broken} is not reported");
        assert!(hits.iter().any(|d| d["severity"] == "error"), "{broken} is never an error: {hits:#?}");
    }
}

#[test]
fn example_artifact_paths_in_the_framework_are_hints_not_errors() {
    let report = corpus_report();
    let errors_on_aiwg_paths: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error" && d["message"].as_str().unwrap().starts_with("`.aiwg/"))
        .collect();
    assert!(errors_on_aiwg_paths.is_empty(), "{errors_on_aiwg_paths:#?}");
    let hints = report["summary"]["diagnostics"]["hint"].as_u64().unwrap();
    assert!(hints >= 700, "the census's 736 absent .aiwg/ paths are hints: {hints}");
}

/// Completion's deployed paths and the resolver's deploy map are one map read both ways: every
/// `.claude/…` path offered for the real release resolves back to the source it was offered for.
#[test]
fn every_offered_deployed_path_resolves_to_its_source() {
    use aiwg_lsp::resolve::{AiwgRoot, RootKind, Roots, Stage, claude_paths, resolve};
    let tree = aiwg_lsp::loader::walk(&support::corpus_dir(), &aiwg_lsp::loader::LoadOptions::default());
    let roots = Roots {
        workspace: std::sync::Arc::new(aiwg_lsp::resolve::PathSet::new(tree.files, tree.dirs)),
        aiwg: AiwgRoot::Workspace,
        aiwg_problem: None,
    };
    let forward = claude_paths(&roots.workspace);
    assert!(forward.len() > 300, "the release deploys hundreds of agents, commands, rules and skills");
    for (path, deployed) in &forward {
        match resolve(&roots, RootKind::Workspace, "CLAUDE.md", path) {
            aiwg_lsp::resolve::Resolution::Resolved { stage: Stage::DeployMap, targets } => {
                assert_eq!(&*targets[0].path, deployed.source, "{path}");
            }
            other => panic!("{path} offered for {} resolves as {other:?}", deployed.source),
        }
    }
}
