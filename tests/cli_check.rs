//! `aiwg-lsp check` end to end: the real binary on the bundled example workspace, in each
//! output format, with its exit statuses.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect_file;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .arg("check")
        .args(args)
        .current_dir(crate_dir())
        .env_remove("AIWG_ROOT")
        .env("HOME", crate_dir().join("target/no-home"))
        .output()
        .expect("the binary runs");
    let root = crate_dir().join("examples/demo").canonicalize().expect("demo exists");
    let aiwg = crate_dir().join("examples/aiwg-root").canonicalize().expect("aiwg root exists");
    let clean = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace(&aiwg.display().to_string(), "<aiwg-root>")
            .replace(&root.display().to_string(), "<demo>")
    };
    (output.status.code().unwrap_or(-1), clean(&output.stdout), clean(&output.stderr))
}

#[test]
fn human_report_of_the_demo() {
    let (status, stdout, _) = check(&["examples/demo", "--aiwg-root", "examples/aiwg-root"]);
    assert_eq!(status, 1, "errors exit with 1");
    expect_file!["snapshots/check-demo-human.txt"].assert_eq(&stdout);
}

#[test]
fn json_report_of_the_demo() {
    let (status, stdout, _) = check(&["examples/demo", "--aiwg-root", "examples/aiwg-root", "--format", "json"]);
    assert_eq!(status, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let summary = &report["summary"];
    for key in ["documents", "references", "resolved", "dangling", "by_stage"] {
        assert!(!summary[key].is_null(), "summary lacks {key}");
    }
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics array");
    for d in diagnostics {
        for key in ["path", "range", "severity", "code", "message"] {
            assert!(!d[key].is_null(), "diagnostic lacks {key}: {d}");
        }
        assert!(!d["path"].as_str().unwrap().starts_with('/'), "paths are relative to the root");
    }
    expect_file!["snapshots/check-demo.json"].assert_eq(&stdout);
}

#[test]
fn json_ranges_count_utf16_columns() {
    // ADR-002:22 has "é" and "—" (one UTF-16 unit each, 2 and 3 bytes) before the reference.
    let (_, stdout, _) = check(&["examples/demo", "--aiwg-root", "examples/aiwg-root", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("token-rotation-runbook"))
        .expect("the deliberate broken reference");
    let text = std::fs::read_to_string(crate_dir().join("examples/demo").join(d["path"].as_str().unwrap())).unwrap();
    let line = text.lines().nth(d["range"]["start"]["line"].as_u64().unwrap() as usize).unwrap();
    let byte_column = line.find("@.aiwg/security/token-rotation-runbook").expect("the reference is on that line");
    assert!(line.len() > line.chars().count(), "the line has multi-byte characters");
    let utf16_column = line[..byte_column].encode_utf16().count() as u64;
    assert_eq!(d["range"]["start"]["character"].as_u64().unwrap(), utf16_column);
}

#[test]
fn github_annotations_of_the_demo() {
    let (status, stdout, _) = check(&["examples/demo", "--aiwg-root", "examples/aiwg-root", "--format", "github"]);
    assert_eq!(status, 1);
    assert!(
        stdout.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "))
    );
    expect_file!["snapshots/check-demo-github.txt"].assert_eq(&stdout);
}

#[test]
fn without_an_aiwg_root_framework_paths_are_not_errors() {
    let (_, stdout, _) = check(&["examples/demo", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let framework_errors: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error" && d["message"].as_str().unwrap().contains(".claude/"))
        .collect();
    assert!(framework_errors.is_empty(), "{framework_errors:#?}");
    assert!(report["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "no-aiwg-root"));
}

#[test]
fn a_clean_subfolder_exits_zero() {
    let (status, stdout, _) = check(&["examples/demo/.aiwg/intake", "--aiwg-root", "examples/aiwg-root"]);
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("0 errors"), "{stdout}");
}

#[test]
fn usage_and_io_errors_exit_two() {
    let (status, _, stderr) = check(&["examples/no-such-folder"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("no-such-folder"), "{stderr}");
    let (status, _, _) = check(&["examples/demo", "--format", "yaml"]);
    assert_eq!(status, 2);
    let (status, _, _) = check(&["examples/demo", "--aiwg-root", "examples/nowhere"]);
    assert_eq!(status, 2);
}

#[test]
fn the_check_covers_one_document_too() {
    let file: &Path = Path::new("examples/demo/.aiwg/architecture/decisions/ADR-002-jwt-access-tokens.md");
    let (status, stdout, _) = check(&[file.to_str().unwrap(), "--aiwg-root", "examples/aiwg-root"]);
    assert_eq!(status, 1);
    assert!(stdout.contains("checked 1 document, 0 data files and 0 source files"), "{stdout}");
}

#[test]
fn an_aiwg_root_variable_naming_no_folder_is_reported_as_such() {
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["check", "examples/demo", "--format", "json"])
        .current_dir(crate_dir())
        .env("AIWG_ROOT", "/nonexistent/aiwg")
        .env("HOME", crate_dir().join("target/no-home"))
        .output()
        .expect("the binary runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "no-aiwg-root")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(!messages.is_empty(), "{report}");
    for message in messages {
        assert!(
            message.contains("but the configured aiwg root ($AIWG_ROOT) is `/nonexistent/aiwg`, which is not a folder"),
            "{message}"
        );
    }
    let infos = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "no-aiwg-root" && d["severity"] == "info")
        .count();
    assert_eq!(infos, 1, "one workspace-level diagnostic says what to configure; the rest are hints");
}

#[test]
fn adr_list_shows_the_demo_supersession_chain() {
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["adr", "list", "examples/demo", "--format", "json"])
        .current_dir(crate_dir())
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON array");
    let summary: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {} {} {}", r["id"], r["status"], r["supersedes"], r["superseded_by"]))
        .collect();
    expect_test::expect![[r#"
        [
            "\"ADR-001\" \"Superseded by ADR-003\" [] [\"ADR-003\"]",
            "\"ADR-002\" \"Accepted\" [] []",
            "\"ADR-003\" \"Accepted\" [\"ADR-001\"] []",
            "\"ADR-004\" \"Proposed\" [] []",
            "\"ADR-005\" \"Accepted\" [] []",
            "\"ADR-006\" \"Proposed\" [] []",
        ]
    "#]]
    .assert_debug_eq(&summary);
}

#[test]
fn adr_list_of_the_release_names_its_decision_and_its_templates() {
    let corpus = support::corpus_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["adr", "list"])
        .arg(&corpus)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("test/fixtures/mcp-test-project/.aiwg/architecture/"), "{table}");
    for template in [
        "templates/governance/adr-template.md",
        "templates/architecture/adr-with-tot.md",
        "templates/examples/governance/adr-jwt-vs-session-complete.md",
    ] {
        assert!(table.lines().any(|l| l.contains("(template)") && l.ends_with(template)), "{template}:\n{table}");
    }
    assert!(table.ends_with("1 ADR, 3 templates\n"), "{table}");

    // Each record read in its own layout.
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["adr", "list", "--format", "json"])
        .arg(&corpus)
        .output()
        .expect("the binary runs");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("a JSON list");
    let layouts: Vec<String> = rows
        .iter()
        .map(|r| {
            let file = r["path"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
            format!("{file} {} {} {:?}", r["id"], r["layout"], r["status"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        layouts,
        [
            r#"ADR-001-database-selection.md "ADR-001" "nygard" "ACCEPTED""#,
            r#"adr-jwt-vs-session-complete.md "ADR-003" "nygard" "Accepted""#,
            r#"adr-with-tot.md "" "tree-of-thoughts" "[Proposed | Accepted | Rejected | Deprecated | Superseded]""#,
            r#"adr-template.md "" "aiwg" "Proposed | Accepted | Rejected | Superseded by ADR-XXX""#,
        ]
    );
}

#[test]
fn the_release_s_tree_of_thoughts_template_miscounts_its_worked_row() {
    let corpus = support::corpus_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["check", "--format", "json"])
        .arg(&corpus)
        .output()
        .expect("the binary runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let scoring: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "adr-scoring")
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d["path"].as_str().unwrap(),
                d["range"]["start"]["line"],
                d["severity"],
                d["message"]
            )
        })
        .collect();
    // 8×0.30 + 7×0.25 + 6×0.20 + 9×0.15 + 5×0.10 = 7.2, 72 out of 100; the template says 71.
    assert_eq!(
        scoring,
        [
            r#"agentic/code/frameworks/sdlc-complete/templates/architecture/adr-with-tot.md:124 "info" "Option 1's total is 71, but its weighted scores sum to 72""#
        ]
    );
}

#[test]
fn adr_new_writes_the_next_record_as_the_project_lays_them_out() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    for (path, text) in [
        (".aiwg/architecture/adrs/adr-003-memcached.md", "# ADR-003: Use Memcached\n\n**Status**: Accepted\n"),
        (".aiwg/architecture/adrs/adr-004-redis.md", "# ADR-004: Use Redis\n\n**Status**: Proposed\n"),
    ] {
        std::fs::create_dir_all(project.join(path).parent().unwrap()).unwrap();
        std::fs::write(project.join(path), text).unwrap();
    }
    let new = |title: &str| {
        Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
            .args(["adr", "new", title])
            .arg(&project)
            .args(["--template", "madr"])
            .output()
            .expect("the binary runs")
    };
    let output = new("Use NATS for events");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), ".aiwg/architecture/adrs/adr-005-use-nats-for-events.md\n");
    let text = std::fs::read_to_string(project.join(".aiwg/architecture/adrs/adr-005-use-nats-for-events.md")).unwrap();
    assert!(text.starts_with("# ADR-005: Use NATS for events\n\n**Status**: Proposed\n**Date**: 20"), "{text}");
    assert!(
        text.contains("\n## Context and Problem Statement\n") && text.contains("\n## Decision Outcome\n"),
        "{text}"
    );
    // The next one takes the next number; a file is never overwritten.
    let output = new("Use NATS for events");
    assert_eq!(String::from_utf8_lossy(&output.stdout), ".aiwg/architecture/adrs/adr-006-use-nats-for-events.md\n");
    // The new record passes the ADR checks.
    let check = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["check", "--format", "json"])
        .arg(project.join(".aiwg/architecture/adrs/adr-005-use-nats-for-events.md"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let adr_codes: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("adr-"))
        .collect();
    assert!(adr_codes.is_empty(), "{adr_codes:#?}");
}

#[test]
fn max_diagnostics_caps_what_is_printed_but_not_what_counts() {
    let demo = ["examples/demo", "--aiwg-root", "examples/aiwg-root"];
    let (status, human, _) = check(&[&demo[..], &["--max-diagnostics", "2"]].concat());
    assert_eq!(status, 1, "the errors left out still fail the check");
    assert_eq!(human.lines().filter(|l| l.contains("]: ")).count(), 2, "{human}");
    assert!(human.contains("… 13 more diagnostics not shown (--max-diagnostics 2)"), "{human}");
    assert!(human.contains("diagnostics: 6 errors, 7 warnings, 2 infos, 1 hint"), "the summary counts them all");

    let (_, json, _) = check(&[&demo[..], &["--format", "json", "--max-diagnostics", "0"]].concat());
    let report: serde_json::Value = serde_json::from_str(&json).expect("still one JSON object");
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["omitted"], 16);
    assert_eq!(report["summary"]["diagnostics"]["error"], 6);

    let (_, github, _) = check(&[&demo[..], &["--format", "github", "--max-diagnostics", "1"]].concat());
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 2, "{github}");
    assert_eq!(lines[1], "::notice title=aiwg-lsp::14 more diagnostics not shown (--max-diagnostics 1)");
}
