//! The language server end to end: the real binary over stdio, driven by a small JSON-RPC
//! client, through the lifecycle users see (initialize, indexing progress, open, diagnostics,
//! requests, edits, watched files, shutdown, exit).

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::lsp::{Session, capabilities};

/// A copy of the demo workspace and the aiwg root, so tests may write files.
fn demo_copy() -> (tempfile::TempDir, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&crate_dir.join("examples/demo"), &dir.path().join("demo"));
    copy_tree(&crate_dir.join("examples/aiwg-root"), &dir.path().join("aiwg-root"));
    let root = dir.path().join("demo").canonicalize().unwrap();
    let settings = json!({"aiwgRoot": dir.path().join("aiwg-root").canonicalize().unwrap()});
    (dir, root, settings)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The LSP position (UTF-16 column) of the first occurrence of `needle`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle} in the document"));
    let line = text[..offset].matches('\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].encode_utf16().count())
}

const ADR_002: &str = ".aiwg/architecture/decisions/ADR-002-jwt-access-tokens.md";

#[test]
fn lifecycle_progress_diagnostics_edits_and_exit() {
    let (_dir, root, settings) = demo_copy();
    let mut session = Session::start(&root, settings, capabilities());
    // Indexing reports progress and ends.
    session.wait_for("an indexing progress report", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "report"
    });
    session.wait_for("the end of indexing", |m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    assert!(
        session.seen.iter().any(|m| m["method"] == "client/registerCapability"),
        "the server registers file watching"
    );

    // didOpen -> diagnostics, with the deliberate broken reference as an error.
    let text = session.open(ADR_002);
    let diagnostics = session.next_diagnostics(ADR_002);
    let broken: Vec<&Value> = diagnostics.iter().filter(|d| d["code"] == "broken-reference").collect();
    assert_eq!(broken.len(), 2, "{diagnostics:#?}");
    assert!(
        broken.iter().any(|d| d["severity"] == 1 && d["message"].as_str().unwrap().contains("token-rotation-runbook"))
    );

    // didChange fixing the reference -> fresh diagnostics without it.
    let line = text.lines().position(|l| l.contains("token-rotation-runbook")).unwrap();
    let column = text.lines().nth(line).unwrap().find("@.aiwg/security/token-rotation-runbook.md").unwrap();
    let utf16 = text.lines().nth(line).unwrap()[..column].encode_utf16().count();
    let old = "@.aiwg/security/token-rotation-runbook.md";
    let uri = session.uri(ADR_002);
    session.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": utf16}, "end": {"line": line, "character": utf16 + old.len()}},
                "text": "@.aiwg/security/threat-model.md",
            }],
        }),
    );
    let diagnostics = session.next_diagnostics(ADR_002);
    assert!(
        !diagnostics.iter().any(|d| d["message"].as_str().unwrap().contains("token-rotation-runbook")),
        "{diagnostics:#?}"
    );

    // Hover, definition and completion on real references.
    let text = std::fs::read_to_string(root.join(ADR_002)).unwrap();
    let (line, character) = position_of(&text, "@.aiwg/architecture/software-architecture-doc.md");
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character + 3}});
    let hover = session.request("textDocument/hover", at.clone());
    let markdown = hover["result"]["contents"]["value"].as_str().expect("markdown hover");
    assert!(markdown.contains("Software Architecture"), "{markdown}");
    let definition = session.request("textDocument/definition", at);
    let target = definition["result"][0]["targetUri"].as_str().expect("a location link");
    assert!(target.ends_with("/.aiwg/architecture/software-architecture-doc.md"), "{definition}");
    let claude = session.open("CLAUDE.md");
    let (line, character) = position_of(&claude, "@.claude/rules/mention-wiring.md");
    let rule = json!({"textDocument": {"uri": session.uri("CLAUDE.md")}, "position": {"line": line, "character": character + 3}});
    let definition = session.request("textDocument/definition", rule);
    let target = definition["result"][0]["targetUri"].as_str().expect("a location link");
    assert!(
        target.ends_with("/aiwg-root/agentic/code/frameworks/sdlc-complete/rules/mention-wiring.md"),
        "a deployed rule leads to its framework source: {definition}"
    );
    session.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "@.aiwg/req\n"}],
        }),
    );
    let completion = session.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 10}, "context": {"triggerKind": 1}}),
    );
    let labels: Vec<&str> =
        completion["result"]["items"].as_array().expect("items").iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.iter().any(|l| l.contains("requirements/use-cases/UC-001")), "{labels:?}");

    // A watched file created on disk makes a dangling reference resolve.
    let runbook = root.join(".aiwg/security/token-rotation-runbook.md");
    let strategy = ".aiwg/testing/test-strategy.md";
    session.open(strategy);
    let before = session.next_diagnostics(strategy);
    assert!(before.iter().any(|d| d["message"].as_str().unwrap().contains("load-test-plan")), "{before:#?}");
    let plan = root.join(".aiwg/testing/test-plans/load-test-plan.md");
    std::fs::create_dir_all(plan.parent().unwrap()).unwrap();
    std::fs::write(&plan, "# Load test plan\n").unwrap();
    std::fs::write(&runbook, "# Runbook\n").unwrap();
    let plan_uri = format!("file://{}", plan.display());
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": plan_uri, "type": 1}]}));
    let after = session.next_diagnostics(strategy);
    assert!(!after.iter().any(|d| d["message"].as_str().unwrap().contains("load-test-plan")), "{after:#?}");

    session.shutdown();
}

#[test]
fn requests_on_unknown_documents_and_positions_past_the_end_do_not_fail() {
    let (_dir, root, settings) = demo_copy();
    let mut session = Session::start(&root, settings, capabilities());
    let response = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere/at/all.md"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(response.get("error").is_none() && response["result"].is_null(), "{response}");
    session.open(ADR_002);
    let uri = session.uri(ADR_002);
    let response = session.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9999, "character": 9999}}),
    );
    assert!(response.get("error").is_none(), "{response}");
    session.shutdown();
}

#[test]
fn without_any_root_the_project_is_found_from_the_opened_file() {
    let (_dir, root, settings) = demo_copy();
    let mut session = Session::start_with_folders(&root, settings, capabilities(), false);
    session.open(ADR_002);
    let diagnostics = session.next_diagnostics(ADR_002);
    assert!(
        diagnostics.iter().any(|d| d["message"].as_str().unwrap().contains("token-rotation-runbook")),
        "the demo was indexed from the opened file's nearest .aiwg ancestor: {diagnostics:#?}"
    );
    session.shutdown();
}

#[test]
fn a_stale_provenance_record_is_reported_when_opened() {
    let (_dir, root, settings) = demo_copy();
    let mut session = Session::start(&root, settings, capabilities());
    let record = ".aiwg/research/provenance/records/uc-001-create-task.prov.yaml";
    session.open(record);
    let diagnostics = session.next_diagnostics(record);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "stale-provenance" && d["severity"] == 2),
        "the demo's deliberately stale checksum: {diagnostics:#?}"
    );
    session.shutdown();
}

/// A session whose client pulls diagnostics and asked for that (`pullDiagnostics`), once the
/// index is ready, with the `initialize` response.
fn pulling_session(root: &Path, settings: Value) -> (Session, Value) {
    let mut capabilities = capabilities();
    capabilities["textDocument"]["diagnostic"] = json!({"dynamicRegistration": false});
    let mut options = settings.clone();
    options["pullDiagnostics"] = json!(true);
    let mut session = Session::spawn(root, settings);
    let init = session.initialize(capabilities, json!({"aiwg": options}), true);
    session.notify("initialized", json!({}));
    session.wait_for("the end of indexing", |m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    (session, init)
}

#[test]
fn pull_diagnostics_when_the_client_asks_for_them() {
    let (_dir, root, settings) = demo_copy();
    let (mut session, init) = pulling_session(&root, settings);
    assert_eq!(init["result"]["capabilities"]["diagnosticProvider"]["identifier"], "aiwg", "{init}");
    session.open(ADR_002);
    let uri = session.uri(ADR_002);
    let report = session.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    let items = report["result"]["items"].as_array().expect("a full report");
    assert!(items.iter().any(|d| d["code"] == "broken-reference"), "{report}");
    // Well past the push delay, then one more round trip to read whatever the server sent.
    std::thread::sleep(std::time::Duration::from_millis(500));
    session
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}));
    assert!(
        !session.seen.iter().any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "a pulling client gets no pushes"
    );
    session.shutdown();
}

/// The diagnostics a `workspace/diagnostic` report holds for one document, and its kind.
fn workspace_item<'a>(report: &'a Value, uri: &str) -> Option<&'a Value> {
    report["result"]["items"].as_array()?.iter().find(|item| item["uri"] == uri)
}

fn mentions_runbook(diagnostics: &Value) -> bool {
    diagnostics.as_array().is_some_and(|items| {
        items.iter().any(|d| d["message"].as_str().is_some_and(|m| m.contains("token-rotation-runbook")))
    })
}

#[test]
fn workspace_diagnostics_are_pulled_and_answered_again_when_something_changes() {
    let (_dir, root, settings) = demo_copy();
    let (mut session, init) = pulling_session(&root, settings);
    assert_eq!(init["result"]["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"], true, "{init}");

    // Nothing is open: the closed ADR's broken reference is reported all the same.
    let first = session.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let adr = session.uri(ADR_002);
    let item = workspace_item(&first, &adr).unwrap_or_else(|| panic!("the ADR's problems: {first}"));
    assert_eq!(item["kind"], "full");
    assert!(mentions_runbook(&item["items"]), "{item}");
    assert_eq!(item["version"], Value::Null, "a closed file has no version");

    // The client hands back what it holds; the answer comes once the runbook exists.
    let held: Vec<Value> = first["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| json!({"uri": item["uri"], "value": item["resultId"]}))
        .collect();
    let id = session.send_request("workspace/diagnostic", json!({"previousResultIds": held}));
    let runbook = ".aiwg/security/token-rotation-runbook.md";
    std::fs::write(root.join(runbook), "# Token rotation runbook\n").unwrap();
    session.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": session.uri(runbook), "type": 1}]}));
    let second = session.response(id, "workspace/diagnostic");
    let item = workspace_item(&second, &adr).unwrap_or_else(|| panic!("the ADR again: {second}"));
    assert_eq!(item["kind"], "full", "{item}");
    assert!(!mentions_runbook(&item["items"]), "{item}");
    let unchanged = second["result"]["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "unchanged").count();
    assert!(unchanged > 0, "the other documents are unchanged: {second}");
    session.shutdown();
}

#[test]
fn a_workspace_pull_with_a_partial_result_token_comes_in_parts() {
    // 600 documents with a problem each: more than one part's worth.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let notes = root.join(".aiwg/notes");
    std::fs::create_dir_all(&notes).unwrap();
    for i in 0..600 {
        std::fs::write(notes.join(format!("note-{i:03}.md")), format!("# Note {i}\n\nSee @.aiwg/missing-{i}.md\n"))
            .unwrap();
    }
    let (mut session, _) = pulling_session(&root, json!({}));
    let token = "workspace-pull-1";
    let answer = session.request("workspace/diagnostic", json!({"previousResultIds": [], "partialResultToken": token}));
    let parts: Vec<&Value> = session
        .seen
        .iter()
        .filter(|m| m["method"] == "$/progress" && m["params"]["token"] == token)
        .map(|m| &m["params"]["value"]["items"])
        .collect();
    assert!(parts.len() >= 2, "{} parts", parts.len());
    let mut uris: Vec<&str> = Vec::new();
    for part in parts.iter().chain([&&answer["result"]["items"]]) {
        let items = part.as_array().expect("a list of reports");
        assert!(items.len() <= 256, "a part of {} reports", items.len());
        for item in items {
            assert_eq!(item["kind"], "full", "{item}");
            assert!(mentions_missing(&item["items"]), "{item}");
            uris.push(item["uri"].as_str().unwrap());
        }
    }
    uris.sort_unstable();
    uris.dedup();
    assert_eq!(uris.len(), 600, "every document");
    let reports = parts.iter().chain([&&answer["result"]["items"]]).map(|p| p.as_array().unwrap().len()).sum::<usize>();
    assert_eq!(reports, 600, "each once");
    session.shutdown();
}

fn mentions_missing(diagnostics: &Value) -> bool {
    diagnostics
        .as_array()
        .is_some_and(|items| items.iter().any(|d| d["message"].as_str().is_some_and(|m| m.contains(".aiwg/missing-"))))
}

#[test]
fn with_workspace_diagnostics_closed_documents_problems_are_pushed() {
    let (_dir, root, mut settings) = demo_copy();
    settings["workspaceDiagnostics"] = json!(true);
    let mut session = Session::start(&root, settings, capabilities());
    let adr = session.uri(ADR_002);
    let is_adr = |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == adr;
    let pushed = session.wait_for("the closed ADR's problems", is_adr);
    assert!(mentions_runbook(&pushed["params"]["diagnostics"]), "{pushed}");

    // Opened and edited, the editor's text decides; closed unsaved, the file's problems return.
    let text = session.open(ADR_002);
    let fixed = text.replace("@.aiwg/security/token-rotation-runbook.md", "@.aiwg/security/threat-model.md");
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": adr, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let edited = session.wait_for_new("the edited ADR's problems", |m| is_adr(m) && m["params"]["version"] == 2);
    assert!(!mentions_runbook(&edited["params"]["diagnostics"]), "{edited}");
    session.notify("textDocument/didClose", json!({"textDocument": {"uri": adr}}));
    let closed = session.wait_for_new("the closed file's problems", is_adr);
    assert!(mentions_runbook(&closed["params"]["diagnostics"]), "{closed}");
    session.shutdown();
}

#[test]
fn status_notifications_only_for_clients_that_ask() {
    let (_dir, root, settings) = demo_copy();
    let mut asking = capabilities();
    asking["experimental"] = json!({"aiwgStatus": true});
    let mut session = Session::start(&root, settings.clone(), asking);
    let ready =
        session.wait_for("the ready status", |m| m["method"] == "aiwg/status" && m["params"]["state"] == "ready");
    let documents = ready["params"]["documents"].as_u64().unwrap();
    assert!(documents > 20, "the demo's documents: {ready}");
    session.shutdown();

    let mut session = Session::start(&root, settings, capabilities());
    session.wait_for("the end of indexing", |m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    session.request("workspace/symbol", json!({"query": ""}));
    assert!(!session.seen.iter().any(|m| m["method"] == "aiwg/status"), "no status for a client that did not ask");
    session.shutdown();
}

#[test]
fn a_provenance_record_s_artifacts_have_hover_and_definition() {
    let (_dir, root, settings) = demo_copy();
    let mut session = Session::start(&root, settings, capabilities());
    let record = ".aiwg/research/provenance/records/uc-001-create-task.prov.yaml";
    let text = session.open(record);
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("urn:aiwg:artifact:.aiwg/intake/project-intake.md").map(|c| (i, c + 20)))
        .expect("the record derives from the intake");
    let at = json!({"textDocument": {"uri": session.uri(record)}, "position": {"line": line, "character": column}});
    let hover = session.request("textDocument/hover", at.clone());
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains("Project Intake"), "{hover}");
    let definition = session.request("textDocument/definition", at);
    let target = definition["result"][0]["targetUri"].as_str().or(definition["result"][0]["uri"].as_str());
    assert!(target.is_some_and(|t| t.ends_with("/.aiwg/intake/project-intake.md")), "{definition}");
    // The use case counts its record once among its references, not once per mention.
    let use_case = ".aiwg/requirements/use-cases/UC-001-create-task.md";
    session.open(use_case);
    let title = json!({"textDocument": {"uri": session.uri(use_case)}, "position": {"line": 0, "character": 0}, "context": {"includeDeclaration": false}});
    let references = session.request("textDocument/references", title);
    let from_record = references["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["uri"].as_str().unwrap().ends_with(".prov.yaml"))
        .count();
    assert_eq!(from_record, 1, "{references}");
    session.shutdown();
}
