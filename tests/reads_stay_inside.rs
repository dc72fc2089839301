//! Nothing outside the workspace folders and the aiwg root is ever read: a workspace full of
//! links to an "outside" folder, records naming files through them, watched-file events for
//! links and for `..` paths, and a file opened outside every folder. The outside files hold
//! markers; no answer of the server, and no output of `check`, may contain them.

mod support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::lsp::{Session, capabilities};

const SECRET: &str = "TOPSECRET-7f3a";
const SECRET_TITLE: &str = "Classified Heading";
const SIBLING: &str = "SIBLING-SECRET-91c2";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `<tmp>/ws` (the workspace) and `<tmp>/outside`, with links from one into the other.
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let outside = dir.path().join("outside");
    write(&outside.join("secret.md"), &format!("# {SECRET_TITLE}\n\n{SECRET}\n"));
    write(&outside.join("sibling.md"), &format!("# Sibling\n\n{SIBLING}\n"));
    write(&outside.join("loose.md"), "# Loose\n\nSee @./sibling.md.\n");
    write(
        &root.join("docs/a.md"),
        "# A\n\nSee @.aiwg/pw.md and @.aiwg/etclink/secret.md and @.aiwg/later/secret.md.\n",
    );
    // Records that name files reached through links: hashing them would read outside.
    for (name, artifact) in [("a", ".aiwg/etclink/secret.md"), ("b", ".aiwg/pw.md")] {
        write(
            &root.join(format!(".aiwg/research/provenance/records/{name}.prov.yaml")),
            &format!("entity:\n  id: urn:aiwg:artifact:{artifact}\n  checksum: sha256:{}\n", "0".repeat(64)),
        );
    }
    symlink(&outside, root.join(".aiwg/etclink")).unwrap();
    symlink(outside.join("secret.md"), root.join(".aiwg/pw.md")).unwrap();
    let root = root.canonicalize().unwrap();
    let outside = outside.canonicalize().unwrap();
    (dir, root, outside)
}

/// Fails if any message the client received holds an outside marker.
fn assert_nothing_leaked(seen: &[Value], route: &str) {
    for message in seen {
        let text = message.to_string();
        for marker in [SECRET, SECRET_TITLE, SIBLING] {
            assert!(!text.contains(marker), "{route} leaked {marker}: {text}");
        }
    }
}

fn all_messages(session: &mut Session) -> Vec<Value> {
    // One more round trip, so that everything sent before it has arrived.
    session.request("workspace/symbol", json!({"query": ""}));
    session.seen.clone()
}

#[test]
fn links_records_events_and_loose_files_never_read_outside() {
    let (_dir, root, outside) = setup();
    let mut session = Session::start(&root, json!({}), capabilities());
    let text = std::fs::read_to_string(root.join("docs/a.md")).unwrap();
    session.open_text("docs/a.md", &text);
    let uri = session.uri("docs/a.md");
    for needle in ["@.aiwg/pw.md", "@.aiwg/etclink/secret.md"] {
        let offset = text.find(needle).unwrap() + 3;
        let hover = session.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": offset - text.find("See").unwrap()}}),
        );
        assert_nothing_leaked(&[hover], needle);
    }
    for record in ["a", "b"] {
        session.open(&format!(".aiwg/research/provenance/records/{record}.prov.yaml"));
    }
    let diagnostics = session.next_diagnostics(".aiwg/research/provenance/records/b.prov.yaml");
    assert!(
        !diagnostics.iter().any(|d| d["code"] == "stale-provenance"),
        "a link out is never hashed: {diagnostics:?}"
    );

    // Watched-file events: a link to a folder and to a file out of the workspace, created
    // after start-up, and a path that climbs out with `..`.
    symlink(&outside, root.join(".aiwg/later")).unwrap();
    symlink(outside.join("sibling.md"), root.join("docs/pw2.md")).unwrap();
    let climbing = format!("file://{}/../outside/secret.md", root.display());
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": session.uri(".aiwg/later"), "type": 1},
            {"uri": session.uri("docs/pw2.md"), "type": 1},
            {"uri": climbing, "type": 1},
        ]}),
    );
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "@.aiwg/later/\n"}]}),
    );
    let completion = session.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 13}}),
    );
    let labels: Vec<&str> =
        completion["result"]["items"].as_array().unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(!labels.iter().any(|l| l.contains("secret") || l.contains("sibling")), "{labels:?}");
    let symbols = session.request("workspace/symbol", json!({"query": "Classified"}));
    assert_eq!(symbols["result"], json!([]), "{symbols}");

    // A file opened outside every folder is read alone: its siblings never are.
    let loose = format!("file://{}/loose.md", outside.display());
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": loose, "languageId": "markdown", "version": 1, "text": "# Loose\n\nSee @./sibling.md.\n"}}),
    );
    let links = session.request("textDocument/documentLink", json!({"textDocument": {"uri": loose}}));
    assert_eq!(links["result"], json!([]), "{links}");
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": loose}, "position": {"line": 2, "character": 6}}),
    );
    assert_nothing_leaked(&[hover], "hover in a loose file");

    let seen = all_messages(&mut session);
    assert_nothing_leaked(&seen, "the session");
    session.shutdown();
}

#[test]
fn check_never_reads_outside() {
    let (_dir, root, _outside) = setup();
    let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["check", "--format", "json", "--severity", "hint"])
        .arg(&root)
        .env_remove("AIWG_ROOT")
        .env("HOME", root.join("no-home"))
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).expect("a JSON report");
    assert_nothing_leaked(std::slice::from_ref(&report), "check");
    let stale: Vec<&Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "stale-provenance").collect();
    assert!(stale.is_empty(), "a record naming a file through a link out is never hashed: {stale:?}");
}
