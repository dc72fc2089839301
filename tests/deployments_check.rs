//! `check` on the eight projects that aiwg's own CLI made, one per provider (`aiwg -new` then
//! `aiwg use sdlc --provider P`), with the matching release as the aiwg root. Nothing in them
//! is the user's mistake, so no diagnostic may be an error; aiwg's own breakage is reported as
//! `framework-reference`, naming where the text came from; every provider's format is read.

mod support;

use std::collections::HashMap;
use std::process::Command;

use serde_json::Value;

const PROVIDERS: [&str; 8] = ["claude", "codex", "copilot", "cursor", "factory", "opencode", "warp", "windsurf"];

/// The JSON reports, computed once for all tests of this file.
fn reports() -> &'static HashMap<&'static str, Value> {
    static REPORTS: std::sync::OnceLock<HashMap<&'static str, Value>> = std::sync::OnceLock::new();
    REPORTS.get_or_init(|| {
        let deployments = support::deployments_dir();
        let corpus = support::corpus_dir();
        PROVIDERS
            .iter()
            .map(|&provider| {
                let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
                    .args(["check", "--format", "json", "--aiwg-root"])
                    .arg(&corpus)
                    .arg(deployments.join(provider))
                    .env_remove("AIWG_ROOT")
                    .output()
                    .expect("the binary runs");
                let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
                assert_eq!(output.status.code(), Some(0), "{provider}: no errors, so check passes");
                (provider, report)
            })
            .collect()
    })
}

fn diagnostics(report: &Value) -> impl Iterator<Item = &Value> {
    report["diagnostics"].as_array().expect("diagnostics").iter()
}

#[test]
fn no_diagnostic_in_a_fresh_deployment_is_an_error() {
    for (provider, report) in reports() {
        let errors: Vec<&Value> = diagnostics(report).filter(|d| d["severity"] == "error").collect();
        assert!(errors.is_empty(), "{provider}: {errors:#?}");
    }
}

#[test]
fn aiwgs_breakage_names_the_framework_source() {
    for (provider, report) in reports() {
        let framework: Vec<&Value> = diagnostics(report).filter(|d| d["code"] == "framework-reference").collect();
        assert!(!framework.is_empty(), "{provider}: the release's own broken links are reported");
        for d in &framework {
            assert_eq!(d["severity"], "warning", "{provider}: {d}");
            let message = d["message"].as_str().unwrap();
            let path = d["path"].as_str().unwrap();
            let origin = message.contains("copied from `agentic/code/") || message.contains("section aiwg generated");
            assert!(origin, "{provider}: {path}: {message}");
        }
        // The release's broken schema link, in the deployed copy of the command that cites it.
        let regression_gate = framework.iter().any(|d| {
            d["message"].as_str().unwrap().contains("schemas/flows/regression-gate.yaml")
                && d["message"].as_str().unwrap().contains("commands/flow-deploy-to-production.md")
        });
        // Providers that deploy commands into the project (codex puts them in `~/.codex`).
        if ["claude", "cursor", "factory", "opencode", "warp"].contains(provider) {
            assert!(regression_gate, "{provider}: flow-deploy-to-production's regression-gate.yaml");
        }
    }
}

#[test]
fn every_provider_format_is_read() {
    let reports = reports();
    let in_files = |provider: &str, prefix: &str, suffix: &str| {
        diagnostics(&reports[provider])
            .filter(|d| {
                let path = d["path"].as_str().unwrap();
                path.starts_with(prefix) && path.ends_with(suffix)
            })
            .count()
    };
    // Copilot's agents and commands are YAML with a markdown body: its fences make hints.
    assert!(reports["copilot"]["summary"]["data_files"].as_u64().unwrap() >= 190, "{}", reports["copilot"]["summary"]);
    assert!(in_files("copilot", ".github/agents/", ".yaml") > 0, "copilot's YAML agents are checked");
    assert!(in_files("cursor", ".cursor/rules/", ".mdc") > 0, "cursor's .mdc rules are checked");
    assert!(in_files("warp", "WARP.md", "") > 0, "warp's combined WARP.md is checked");
    assert!(in_files("windsurf", "AGENTS.md", "") > 0, "windsurf's AGENTS.md is checked");
}

#[test]
fn generated_sections_are_framework_text_and_reported_once() {
    let reports = reports();
    for (provider, file) in [("warp", "WARP.md"), ("windsurf", "AGENTS.md")] {
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for d in diagnostics(&reports[provider]).filter(|d| d["path"] == file) {
            assert_ne!(d["code"], "unknown-id", "{provider}: example IDs in aiwg's text: {d}");
            if d["severity"] != "hint" {
                *seen.entry((d["code"].to_string(), d["message"].to_string())).or_default() += 1;
            }
        }
        let repeated: Vec<_> = seen.iter().filter(|&(_, &count)| count > 1).collect();
        assert!(repeated.is_empty(), "{provider}: {file} repeats {repeated:#?}");
    }
}
