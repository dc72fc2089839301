//! Files and folders changing on disk while the server runs, reported as watched-file events:
//! deleting an open file, deleting and restoring a whole folder with one event, per-file
//! deletions that empty a folder, and a link loop created after start-up.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::lsp::{Session, capabilities};

const SPEC: &str = ".aiwg/requirements/use-cases/UC-002-assign-task.md";
/// A second document declaring UC-002 (a brief would be a companion, not a duplicate).
const OTHER: &str = ".aiwg/requirements/UC-002-assign-task-v2.md";
const SPEC_TEXT: &str = "# UC-002: Assign task\n\n## Flow\n\nThe lead assigns.\n";
const OTHER_TEXT: &str =
    "# UC-002: Assign task (v2)\n\nFull spec: @.aiwg/requirements/use-cases/UC-002-assign-task.md\n";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    write(&root, SPEC, SPEC_TEXT);
    write(&root, OTHER, OTHER_TEXT);
    write(
        &root,
        "docs/index.md",
        "# Index\n\nSee @.aiwg/requirements/use-cases/UC-002-assign-task.md and @.aiwg/old/.\n",
    );
    write(&root, ".aiwg/old/a.md", "# A\n");
    write(&root, ".aiwg/old/b.md", "# B\n");
    let root = root.canonicalize().unwrap();
    (dir, root)
}

fn event(session: &Session, rel: &str, typ: u32) -> Value {
    json!({"uri": session.uri(rel), "type": typ})
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["message"].as_str().unwrap())).collect()
}

fn symbols_of(session: &mut Session, rel: &str) -> Value {
    let uri = session.uri(rel);
    session.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}))["result"].clone()
}

#[test]
fn deleting_an_open_file_then_closing_it_leaves_one_true_diagnostic() {
    let (_dir, root) = workspace();
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text(OTHER, OTHER_TEXT);
    let before = codes(&session.next_diagnostics(OTHER));
    assert!(before.iter().any(|c| c.starts_with("duplicate-id")), "{before:?}");
    session.open_text(SPEC, SPEC_TEXT);
    std::fs::remove_file(root.join(SPEC)).unwrap();
    let deleted = event(&session, SPEC, 3);
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": [deleted]}));
    // The editor's text still wins while it is open.
    assert_eq!(symbols_of(&mut session, SPEC)[0]["name"], "UC-002: Assign task");
    session.notify("textDocument/didClose", json!({"textDocument": {"uri": session.uri(SPEC)}}));
    let after = codes(&session.next_diagnostics(OTHER));
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].starts_with("broken-reference"), "{after:?}");
    session.shutdown();
}

#[test]
fn a_folder_deleted_and_restored_with_one_event_each() {
    let (dir, root) = workspace();
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text(SPEC, SPEC_TEXT);
    session.open("docs/index.md");
    assert!(codes(&session.next_diagnostics("docs/index.md")).is_empty());
    // `mv .aiwg/requirements elsewhere`: one event for the folder.
    let parked = dir.path().join("parked");
    std::fs::rename(root.join(".aiwg/requirements"), &parked).unwrap();
    let deleted = event(&session, ".aiwg/requirements", 3);
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": [deleted]}));
    let broken = codes(&session.next_diagnostics("docs/index.md"));
    assert!(broken.iter().any(|c| c.starts_with("broken-reference")), "{broken:?}");
    // The open document under it stays as the editor has it.
    assert_eq!(symbols_of(&mut session, SPEC)[0]["name"], "UC-002: Assign task");
    // Moved back: one event for the folder again; its documents come back with their titles.
    std::fs::rename(&parked, root.join(".aiwg/requirements")).unwrap();
    let created = event(&session, ".aiwg/requirements", 1);
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": [created]}));
    assert!(codes(&session.next_diagnostics("docs/index.md")).is_empty());
    let text = std::fs::read_to_string(root.join("docs/index.md")).unwrap();
    let character = text.lines().nth(2).unwrap().find("@.aiwg").unwrap() + 3;
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": session.uri("docs/index.md")}, "position": {"line": 2, "character": character}}),
    );
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("UC-002: Assign task"), "{hover}");
    session.shutdown();
}

#[test]
fn a_folder_emptied_file_by_file_is_gone_too() {
    let (_dir, root) = workspace();
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open("docs/index.md");
    assert!(codes(&session.next_diagnostics("docs/index.md")).is_empty());
    std::fs::remove_dir_all(root.join(".aiwg/old")).unwrap();
    let events = json!([event(&session, ".aiwg/old/a.md", 3), event(&session, ".aiwg/old/b.md", 3)]);
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": events}));
    let after = codes(&session.next_diagnostics("docs/index.md"));
    assert!(after.iter().any(|c| c.starts_with("broken-reference") && c.contains(".aiwg/old/")), "{after:?}");
    session.shutdown();
}

#[test]
fn a_link_loop_created_later_is_not_followed() {
    let (_dir, root) = workspace();
    write(&root, "docs/loop.md", "# Loop\n\nSee @.aiwg/loop/old/a.md.\n");
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open("docs/loop.md");
    let before = codes(&session.next_diagnostics("docs/loop.md"));
    assert!(before.iter().any(|c| c.starts_with("broken-reference")), "{before:?}");
    std::os::unix::fs::symlink(root.join(".aiwg"), root.join(".aiwg/loop")).unwrap();
    let created = event(&session, ".aiwg/loop", 1);
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": [created]}));
    // Another event, so that a refresh of the document's diagnostics certainly follows.
    write(&root, "docs/other.md", "# Other\n");
    let other = event(&session, "docs/other.md", 1);
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": [other]}));
    let after = codes(&session.next_diagnostics("docs/loop.md"));
    assert!(after.iter().any(|c| c.starts_with("broken-reference")), "directory links are never followed: {after:?}");
    session.shutdown();
}
