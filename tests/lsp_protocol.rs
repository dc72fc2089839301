//! The protocol layer end to end, over stdio with the real binary: each test is a regression
//! test for something real editors hit (the first file opened before indexing, a configuration
//! request nobody answers, an ill-typed setting, files written without watcher events, titles,
//! clients without `linkSupport`, files outside every folder) or a feature of the layer itself
//! (code actions from core fixes, `workspace/applyEdit`, commands with cancellable progress,
//! `$/cancelRequest`, didClose, configuration changes, symbols), asserting the JSON the client
//! receives.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::lsp::{Session, capabilities};

/// A workspace written from `(path, text)` pairs into `<tmp>/ws`; `<tmp>` is kept alive by the
/// returned guard and may hold other trees beside it.
fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    write_files(&root, files);
    let root = root.canonicalize().unwrap();
    (dir, root)
}

fn write_files(root: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(root).unwrap();
    for (path, text) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
}

/// The position of the first occurrence of `needle` in `text` (ASCII fixtures: bytes are
/// UTF-16 units), moved `into` characters in.
fn at(session: &Session, rel: &str, text: &str, needle: &str, into: usize) -> Value {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle} in {rel}")) + into;
    let line = text[..offset].matches('\n').count();
    let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"textDocument": {"uri": session.uri(rel)}, "position": {"line": line, "character": character}})
}

const SAD: &str = "# Software Architecture\n\n## Caching\n\nRedis.\n";
const NOTES: &str = "# Notes\n\nSee @.aiwg/architecture/sad.md and @.aiwg/architecture/sad.md#caching.\n";

fn notes_workspace() -> (tempfile::TempDir, PathBuf) {
    workspace(&[(".aiwg/architecture/sad.md", SAD), ("docs/notes.md", NOTES)])
}

#[test]
fn a_file_opened_at_once_resolves_against_the_folders_of_initialize() {
    let (_dir, root) = notes_workspace();
    // No waiting for indexing: initialize, initialized, didOpen and requests back to back.
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text("docs/notes.md", NOTES);
    let hover = session.request("textDocument/hover", at(&session, "docs/notes.md", NOTES, "@.aiwg", 3));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("Software Architecture") && !markdown.contains("Unresolved"), "{hover}");
    let links =
        session.request("textDocument/documentLink", json!({"textDocument": {"uri": session.uri("docs/notes.md")}}));
    let targets: Vec<&str> =
        links["result"].as_array().unwrap().iter().map(|l| l["target"].as_str().unwrap()).collect();
    assert_eq!(targets.len(), 2, "{links}");
    assert!(targets[0].ends_with("/.aiwg/architecture/sad.md") && targets[1].ends_with("sad.md#L3"), "{links}");
    session.shutdown();
}

#[test]
fn references_on_a_title_are_the_documents_backlinks() {
    let (_dir, root) = notes_workspace();
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text(".aiwg/architecture/sad.md", SAD);
    let mut params = at(&session, ".aiwg/architecture/sad.md", SAD, "Software", 2);
    params["context"] = json!({"includeDeclaration": false});
    let references = session.request("textDocument/references", params);
    let found: Vec<String> = references["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let uri = l["uri"].as_str().unwrap();
            let start = &l["range"]["start"];
            format!("{}:{}:{}", &uri[uri.len() - 13..], start["line"], start["character"])
        })
        .collect();
    assert_eq!(found, ["docs/notes.md:2:4", "docs/notes.md:2:35"], "{references}");
    session.shutdown();
}

#[test]
fn definition_answers_plain_locations_without_link_support() {
    let (_dir, root) = notes_workspace();
    let mut capabilities = capabilities();
    capabilities["textDocument"]["definition"] = json!({});
    let mut session = Session::start(&root, json!({}), capabilities);
    session.open_text("docs/notes.md", NOTES);
    let definition = session.request("textDocument/definition", at(&session, "docs/notes.md", NOTES, "@.aiwg", 3));
    let location = &definition["result"][0];
    assert!(location["uri"].as_str().unwrap().ends_with("/.aiwg/architecture/sad.md"), "{definition}");
    assert!(location.get("targetUri").is_none() && location["range"].is_object(), "{definition}");
    session.shutdown();
}

#[test]
fn an_unanswered_configuration_request_does_not_keep_the_server_alive() {
    let (_dir, root) = notes_workspace();
    let unanswered = |root: &Path| {
        let mut session = Session::spawn(root, json!({}));
        session.answers.insert("workspace/configuration".into(), None);
        session.initialize(capabilities(), json!({}), true);
        session.notify("initialized", json!({}));
        session.wait_for("the configuration request", |m| m["method"] == "workspace/configuration");
        session
    };
    // shutdown + exit: status 0, at once.
    let mut session = unanswered(&root);
    session.open_text("docs/notes.md", NOTES);
    let hover = session.request("textDocument/hover", at(&session, "docs/notes.md", NOTES, "@.aiwg", 3));
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("Software Architecture"), "{hover}");
    session.shutdown();
    // The client goes away without a word.
    let mut session = unanswered(&root);
    session.close_stdin();
    session.wait_exit();
    // exit without shutdown: status 1 (LSP 3.17 "exit").
    let mut session = unanswered(&root);
    session.notify("exit", Value::Null);
    assert_eq!(session.wait_exit().code(), Some(1));
}

/// An aiwg root beside the workspace with one rule, and a workspace that cites it deployed.
fn rule_workspace() -> (tempfile::TempDir, PathBuf) {
    let (dir, root) =
        workspace(&[("CLAUDE.md", "# Claude\n\nFollow @.claude/rules/tidy.md always.\n"), ("no-home/.keep", "")]);
    write_files(&dir.path().join("aiwg-root"), &[("agentic/code/frameworks/sdlc-complete/rules/tidy.md", "# Tidy\n")]);
    (dir, root)
}

#[test]
fn one_bad_setting_costs_only_itself_and_paths_expand_home() {
    let (_dir, root) = rule_workspace();
    // HOME is <tmp>/ws/no-home for the server, so this is <tmp>/aiwg-root. Neovim sends
    // `diagnostics = {}` as `[]`; `exclude` is ill-typed; `colour` is unknown.
    let settings = json!({"aiwgRoot": "~/../../aiwg-root", "diagnostics": [], "exclude": "dist", "colour": 1});
    let mut session = Session::start(&root, settings, capabilities());
    let text = std::fs::read_to_string(root.join("CLAUDE.md")).unwrap();
    session.open_text("CLAUDE.md", &text);
    let definition = session.request("textDocument/definition", at(&session, "CLAUDE.md", &text, "@.claude", 3));
    let target = definition["result"][0]["targetUri"].as_str().unwrap_or_default();
    assert!(target.ends_with("/aiwg-root/agentic/code/frameworks/sdlc-complete/rules/tidy.md"), "{definition}");
    let warning = session.wait_for("a settings warning", |m| m["method"] == "window/showMessage");
    let message = warning["params"]["message"].as_str().unwrap();
    assert!(message.contains("ignoring aiwg.exclude: expected a list of globs, not a string"), "{message}");
    assert!(message.contains("unknown setting aiwg.colour"), "{message}");
    assert!(!message.contains("aiwg.diagnostics"), "an empty list is an empty object: {message}");
    session.shutdown();
}

#[test]
fn an_invalid_aiwg_root_is_reported_as_invalid() {
    let (dir, root) = rule_workspace();
    let missing = dir.path().join("no-such-aiwg");
    let mut session = Session::start(&root, json!({"aiwgRoot": missing}), capabilities());
    session.open("CLAUDE.md");
    let diagnostics = session.next_diagnostics("CLAUDE.md");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "no-aiwg-root");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("which is not a folder;") && message.contains("no-such-aiwg"), "{message}");
    session.shutdown();
}

#[test]
fn a_file_saved_or_opened_from_disk_counts_without_watcher_events() {
    let text = "# A\n\nSee @docs/new.md and @docs/other.md.\n";
    let (_dir, root) = workspace(&[("docs/a.md", text)]);
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text("docs/a.md", text);
    let broken = |diagnostics: &[Value]| -> Vec<String> {
        diagnostics.iter().map(|d| d["message"].as_str().unwrap().split('`').nth(1).unwrap().to_string()).collect()
    };
    assert_eq!(broken(&session.next_diagnostics("docs/a.md")), ["docs/new.md", "docs/other.md"]);
    // Neovim: `:edit docs/new.md` on a missing file, then `:write` (no watched-file event).
    session.open_text("docs/new.md", "# New\n");
    std::fs::write(root.join("docs/new.md"), "# New\n").unwrap();
    session.notify("textDocument/didSave", json!({"textDocument": {"uri": session.uri("docs/new.md")}}));
    assert_eq!(broken(&session.next_diagnostics("docs/a.md")), ["docs/other.md"]);
    // A file written by another program and then opened exists too.
    std::fs::write(root.join("docs/other.md"), "# Other\n").unwrap();
    session.open("docs/other.md");
    assert_eq!(broken(&session.next_diagnostics("docs/a.md")), Vec::<String>::new());
    session.shutdown();
}

#[test]
fn a_file_outside_every_folder_is_indexed_alone() {
    let (dir, root) = notes_workspace();
    let outside = dir.path().join("elsewhere");
    let loose = "# Loose\n\n## Part\n\nSee @./sibling.md.\n";
    write_files(&outside, &[("loose.md", loose), ("sibling.md", "# Sibling\n")]);
    let mut session = Session::start(&root, json!({}), capabilities());
    let uri = format!("file://{}/loose.md", outside.display());
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": loose}}),
    );
    let symbols = session.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert_eq!(symbols["result"][0]["name"], "Loose", "{symbols}");
    assert_eq!(symbols["result"][0]["children"][0]["name"], "Part", "{symbols}");
    let links = session.request("textDocument/documentLink", json!({"textDocument": {"uri": uri}}));
    assert_eq!(links["result"], json!([]), "the sibling is never read or listed: {links}");
    let published = session.wait_for("diagnostics of the loose file", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
    });
    assert_eq!(published["params"]["diagnostics"], json!([]), "nobody's project, nothing to report");
    let symbols = session.request("workspace/symbol", json!({"query": "Sibling"}));
    assert_eq!(symbols["result"], json!([]), "{symbols}");
    session.shutdown();
}

#[test]
fn without_a_root_a_git_repository_is_the_project() {
    let text = "# A\n\nSee @docs/b.md.\n";
    let (_dir, root) = workspace(&[("docs/a.md", text), ("docs/b.md", "# B\n"), (".git/HEAD", "ref: x\n")]);
    let mut session = Session::start_with_folders(&root, json!({}), capabilities(), false);
    session.open_text("docs/a.md", text);
    let links =
        session.request("textDocument/documentLink", json!({"textDocument": {"uri": session.uri("docs/a.md")}}));
    let target = links["result"][0]["target"].as_str().unwrap_or_default();
    assert!(target.ends_with("/ws/docs/b.md"), "{links}");
    session.shutdown();
}

const MOVED: &str = "# A\n\nSee @docs/old/guide.md for more.\n";

#[test]
fn quick_fixes_come_from_the_core_and_fix_all_applies_them_through_apply_edit() {
    let (_dir, root) = workspace(&[("docs/a.md", MOVED), ("docs/guide.md", "# Guide\n")]);
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text("docs/a.md", MOVED);
    let diagnostics = session.next_diagnostics("docs/a.md");
    let mut params = at(&session, "docs/a.md", MOVED, "@docs", 2);
    let position = params["position"].clone();
    params["range"] = json!({"start": position, "end": position});
    params["context"] = json!({"diagnostics": diagnostics});
    params.as_object_mut().unwrap().remove("position");
    let actions = session.request("textDocument/codeAction", params);
    let actions = actions["result"].as_array().unwrap();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Change the reference to `docs/guide.md`", "Create `docs/old/guide.md`"]);
    let replace = &actions[0];
    assert_eq!(replace["kind"], "quickfix");
    assert_eq!(replace["isPreferred"], true);
    assert_eq!(replace["diagnostics"][0]["code"], "broken-reference");
    let edit = &replace["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 1, "the open document's version");
    assert_eq!(
        edit["edits"][0],
        json!({"range": {"start": {"line": 2, "character": 5}, "end": {"line": 2, "character": 22}}, "newText": "docs/guide.md"})
    );
    let create = &actions[1]["edit"]["documentChanges"];
    assert_eq!(create[0]["kind"], "create");
    assert!(create[0]["uri"].as_str().unwrap().ends_with("/docs/old/guide.md"));
    assert_eq!(create[1]["edits"][0]["newText"], "# Guide\n");

    // Fix all, through workspace/applyEdit: applied, declined, refused.
    let uri = session.uri("docs/a.md");
    let fix_all = json!({"command": "aiwg.fixAll", "arguments": [uri]});
    session.answers.insert("workspace/applyEdit".into(), Some(json!({"result": {"applied": true}})));
    let applied = session.request("workspace/executeCommand", fix_all.clone());
    assert_eq!(applied["result"], json!({"applied": true, "fixes": 1}), "{applied}");
    let sent = session.wait_for("the applyEdit request", |m| m["method"] == "workspace/applyEdit");
    assert_eq!(sent["params"]["edit"]["documentChanges"][0]["edits"][0]["newText"], "docs/guide.md");
    session.answers.insert(
        "workspace/applyEdit".into(),
        Some(json!({"result": {"applied": false, "failureReason": "the buffer changed"}})),
    );
    let declined = session.request("workspace/executeCommand", fix_all.clone());
    assert_eq!(declined["result"], json!({"applied": false, "reason": "the buffer changed"}), "{declined}");
    session
        .answers
        .insert("workspace/applyEdit".into(), Some(json!({"error": {"code": -32603, "message": "read-only buffer"}})));
    let refused = session.request("workspace/executeCommand", fix_all);
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("read-only buffer"), "{refused}");
    session.shutdown();
}

/// Starts the test-only countdown command (500 steps of 20 ms) and waits for its progress to
/// begin, cancellable; returns the request's ID and the progress token.
fn start_countdown(session: &mut Session) -> (i64, Value) {
    let id = session.send_request(
        "workspace/executeCommand",
        json!({"command": "aiwg.test.countdown", "arguments": [{"steps": 500, "stepMs": 20}]}),
    );
    let begin = session.wait_for("the countdown's progress", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["title"] == "aiwg test countdown"
    });
    assert_eq!(begin["params"]["value"]["cancellable"], true, "{begin}");
    (id, begin["params"]["token"].clone())
}

fn wait_for_progress_end(session: &mut Session, token: &Value) {
    session.wait_for("the end of the countdown's progress", |m| {
        m["method"] == "$/progress" && m["params"]["token"] == *token && m["params"]["value"]["kind"] == "end"
    });
}

#[test]
fn a_long_command_shows_progress_and_stops_when_the_user_cancels_it() {
    let (_dir, root) = notes_workspace();
    let mut session = Session::start(&root, json!({}), capabilities());
    let (id, token) = start_countdown(&mut session);
    session.notify("window/workDoneProgress/cancel", json!({"token": token}));
    let response = session.response(id, "workspace/executeCommand");
    assert_eq!(response["result"]["cancelled"], true, "{response}");
    assert!(response["result"]["completed"].as_u64().unwrap() < 500, "{response}");
    wait_for_progress_end(&mut session, &token);
    session.shutdown();
}

#[test]
fn cancel_request_stops_a_command_and_ends_its_progress() {
    let (_dir, root) = notes_workspace();
    let mut session = Session::start(&root, json!({}), capabilities());
    let (id, token) = start_countdown(&mut session);
    session.notify("$/cancelRequest", json!({"id": id}));
    let response = session.response(id, "workspace/executeCommand");
    assert_eq!(response["error"]["code"], -32800, "{response}");
    wait_for_progress_end(&mut session, &token);
    session.shutdown();
}

#[test]
fn closing_a_document_clears_its_diagnostics_and_configuration_changes_apply() {
    let (_dir, root) = workspace(&[("docs/a.md", MOVED), ("docs/b.md", MOVED)]);
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text("docs/a.md", MOVED);
    assert_eq!(session.next_diagnostics("docs/a.md")[0]["code"], "broken-reference");
    session.notify("textDocument/didClose", json!({"textDocument": {"uri": session.uri("docs/a.md")}}));
    assert_eq!(session.next_diagnostics("docs/a.md"), Vec::<Value>::new());
    session.open_text("docs/b.md", MOVED);
    assert_eq!(session.next_diagnostics("docs/b.md")[0]["code"], "broken-reference");
    session.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aiwg": {"diagnostics": {"broken-reference": "off"}}}}),
    );
    assert_eq!(session.next_diagnostics("docs/b.md"), Vec::<Value>::new());
    session.shutdown();
}

#[test]
fn document_and_workspace_symbols() {
    let adr = "# ADR-007: Use Redis\n\n**Status**: Accepted\n\n## Context\n\n## Decision\n";
    let (_dir, root) = workspace(&[
        (".aiwg/architecture/decisions/ADR-007-use-redis.md", adr),
        (
            ".aiwg/architecture/decisions/ADR-003-memcached.md",
            "# ADR-003: Memcached\n\n**Status**: Superseded by ADR-007\n",
        ),
    ]);
    let mut session = Session::start(&root, json!({}), capabilities());
    let rel = ".aiwg/architecture/decisions/ADR-007-use-redis.md";
    session.open_text(rel, adr);
    let symbols = session.request("textDocument/documentSymbol", json!({"textDocument": {"uri": session.uri(rel)}}));
    let outline = &symbols["result"][0];
    assert_eq!(outline["name"], "ADR-007: Use Redis");
    let children: Vec<&str> =
        outline["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(children, ["Context", "Decision"]);
    let found = session.request("workspace/symbol", json!({"query": "ADR-007"}));
    let symbol = &found["result"][0];
    assert_eq!(symbol["name"], "ADR-007: Use Redis", "{found}");
    assert_eq!(symbol["containerName"], "Architecture decision record · Accepted", "{found}");
    assert_eq!(symbol["kind"], 1, "a document is a file: {found}");
    assert_eq!(outline["kind"], 15, "headings are strings, as in VS Code's own markdown outline");
    let older = session.request("workspace/symbol", json!({"query": "ADR-003"}));
    assert_eq!(older["result"][0]["tags"], json!([1]), "a superseded decision is deprecated: {older}");
    assert_eq!(
        symbol["location"]["range"],
        json!({"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 9}}),
        "the ID in the title: {found}"
    );
    session.shutdown();
}

#[test]
fn provider_formats_and_data_files_get_diagnostics_and_navigation_when_open() {
    let agent = "name: Architect\ninstructions: |\n  # Process\n\n  Read @docs/missing.md and @docs/guide.md.\n\n  ```text\n  @docs/in-fence.md\n  ```\n";
    let rule =
        "---\ndescription: x\n---\n\n# Rule\n\nSee [the guide](../../docs/guide.md) and [gone](../../docs/gone.md).\n";
    let (dir, root) = workspace(&[
        (".aiwg/intake/intake.md", "# Intake\n"),
        ("docs/guide.md", "# Guide\n"),
        (".github/agents/architect.yaml", agent),
        (".cursor/rules/team.mdc", rule),
    ]);
    let aiwg_root = dir.path().join("aiwg-root");
    write_files(&aiwg_root, &[("agentic/code/frameworks/sdlc-complete/agents/architect.md", "# Architect\n")]);
    let mut session = Session::start(&root, json!({"aiwgRoot": aiwg_root}), capabilities());
    session.open(".github/agents/architect.yaml");
    let diagnostics = session.next_diagnostics(".github/agents/architect.yaml");
    let summary: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("{} {} {}", d["range"]["start"]["line"], d["code"].as_str().unwrap(), d["severity"]))
        .collect();
    // A deployed copy's broken link is aiwg's (a warning); the fenced one is a hint.
    assert_eq!(summary, ["4 framework-reference 2", "7 broken-reference 4"], "{diagnostics:#?}");
    let definition = session
        .request("textDocument/definition", at(&session, ".github/agents/architect.yaml", agent, "@docs/guide", 3));
    let target = definition["result"][0]["targetUri"].as_str().unwrap_or_default();
    assert!(target.ends_with("/docs/guide.md"), "{definition}");

    session.open(".cursor/rules/team.mdc");
    let diagnostics = session.next_diagnostics(".cursor/rules/team.mdc");
    let messages: Vec<&str> = diagnostics.iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(messages.len(), 1, "{diagnostics:#?}");
    assert!(messages[0].starts_with("`../../docs/gone.md` resolves to no file"), "{messages:?}");
    let definition =
        session.request("textDocument/definition", at(&session, ".cursor/rules/team.mdc", rule, "../../docs/guide", 1));
    let target = definition["result"][0]["targetUri"].as_str().unwrap_or_default();
    assert!(target.ends_with("/docs/guide.md"), "{definition}");
    session.shutdown();
}

#[test]
fn fix_all_on_an_adr_marks_the_one_it_supersedes_through_apply_edit() {
    const NEWER: &str = "# ADR-007: Use Redis\n\n**Status**: Accepted\n**Supersedes**: ADR-003\n\n## Context\n\n## Decision\n\n## Consequences\n";
    const OLDER: &str =
        "# ADR-003: Use Memcached\n\n**Status**: Accepted\n\n## Context\n\n## Decision\n\n## Consequences\n";
    let (_dir, root) = workspace(&[
        (".aiwg/architecture/decisions/ADR-007-redis.md", NEWER),
        (".aiwg/architecture/decisions/ADR-003-memcached.md", OLDER),
    ]);
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text(".aiwg/architecture/decisions/ADR-007-redis.md", NEWER);
    let diagnostics = session.next_diagnostics(".aiwg/architecture/decisions/ADR-007-redis.md");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["adr-supersession"], "{diagnostics:#?}");
    let uri = session.uri(".aiwg/architecture/decisions/ADR-007-redis.md");
    session.answers.insert("workspace/applyEdit".into(), Some(json!({"result": {"applied": true}})));
    let applied = session.request("workspace/executeCommand", json!({"command": "aiwg.fixAll", "arguments": [uri]}));
    assert_eq!(applied["result"], json!({"applied": true, "fixes": 1}), "{applied}");
    let sent = session.wait_for("the applyEdit request", |m| m["method"] == "workspace/applyEdit");
    let change = &sent["params"]["edit"]["documentChanges"][0];
    assert!(change["textDocument"]["uri"].as_str().unwrap().ends_with("/ADR-003-memcached.md"), "{sent}");
    assert_eq!(change["textDocument"]["version"], Value::Null, "the older ADR is not open");
    assert_eq!(
        change["edits"][0],
        json!({"range": {"start": {"line": 2, "character": 12}, "end": {"line": 2, "character": 20}}, "newText": "Superseded by ADR-007"})
    );
    session.shutdown();
}

#[test]
fn marking_an_adr_superseded_is_a_refactor_that_edits_both_records() {
    const OLDER: &str = "# ADR-003: Use Memcached\n\n**Status**: Accepted\n";
    const NEWER: &str = "# ADR-007: Use Redis\n\n**Status**: Accepted\n";
    let (_dir, root) = workspace(&[
        (".aiwg/architecture/decisions/ADR-003-memcached.md", OLDER),
        (".aiwg/architecture/decisions/ADR-007-redis.md", NEWER),
    ]);
    let mut session = Session::start(&root, json!({}), capabilities());
    let older = ".aiwg/architecture/decisions/ADR-003-memcached.md";
    session.open_text(older, OLDER);
    session.next_diagnostics(older);
    let mut params = at(&session, older, OLDER, "ADR-003", 2);
    let position = params["position"].clone();
    params["range"] = json!({"start": position, "end": position});
    params["context"] = json!({"diagnostics": [], "only": ["refactor"]});
    let actions = session.request("textDocument/codeAction", params);
    let actions: Vec<&Value> = actions["result"]
        .as_array()
        .expect("a list of actions")
        .iter()
        .filter(|a| a["kind"] == "refactor.rewrite")
        .collect();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["title"], "Mark ADR-003 as superseded by ADR-007: Use Redis");
    assert_eq!(actions[0]["kind"], "refactor.rewrite");
    let changes = actions[0]["edit"]["documentChanges"].as_array().unwrap();
    let edited: Vec<(String, &str)> = changes
        .iter()
        .map(|c| {
            let uri = c["textDocument"]["uri"].as_str().unwrap();
            (uri.rsplit('/').next().unwrap().to_string(), c["edits"][0]["newText"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        edited,
        [
            ("ADR-003-memcached.md".to_string(), "Superseded by ADR-007"),
            ("ADR-007-redis.md".to_string(), "\n\n**Supersedes**: ADR-003")
        ]
    );
    session.shutdown();
}

#[test]
fn an_adr_title_carries_a_code_lens_with_its_lifecycle_and_references() {
    const OLDER: &str = "# ADR-003: Use Memcached\n\n**Status**: Superseded by ADR-007\n";
    const NEWER: &str = "# ADR-007: Use Redis\n\n**Status**: Accepted\n**Supersedes**: ADR-003\n";
    let (_dir, root) = workspace(&[
        (".aiwg/architecture/decisions/ADR-003-memcached.md", OLDER),
        (".aiwg/architecture/decisions/ADR-007-redis.md", NEWER),
        ("docs/notes.md", "# Notes\n\nCaching follows ADR-007.\n"),
    ]);
    let mut session = Session::start(&root, json!({}), capabilities());
    let newer = ".aiwg/architecture/decisions/ADR-007-redis.md";
    session.open_text(newer, NEWER);
    session.next_diagnostics(newer);
    let uri = session.uri(newer);
    let lenses = session.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    assert_eq!(
        lenses["result"],
        json!([{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 20}},
            "command": {
                "title": "Accepted · supersedes ADR-003 · 2 references",
                "command": "aiwg.showReferences",
                "arguments": [uri, {"line": 0, "character": 0}]
            }
        }])
    );
    // What the lens opens: the title's references, the same two.
    let references = session.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}, "context": {"includeDeclaration": false}}),
    );
    assert_eq!(references["result"].as_array().map(Vec::len), Some(2), "{references}");
    session.shutdown();
}

#[test]
fn adr_snippets_are_snippets_only_for_clients_that_take_them() {
    const ADR: &str = "# ADR-002: Queue\n\n**Status**: Proposed\n\n";
    let (_dir, root) = workspace(&[(".aiwg/architecture/decisions/ADR-002-queue.md", ADR)]);
    let path = ".aiwg/architecture/decisions/ADR-002-queue.md";
    for snippet_support in [true, false] {
        let mut caps = capabilities();
        caps["textDocument"]["completion"] = json!({"completionItem": {"snippetSupport": snippet_support}});
        let mut session = Session::start(&root, json!({}), caps);
        session.open_text(path, ADR);
        let end = json!({"textDocument": {"uri": session.uri(path)}, "position": {"line": 4, "character": 0}});
        let items = session.request("textDocument/completion", end);
        let items = items["result"]["items"].as_array().expect("items");
        let reasoning = items.iter().find(|i| i["label"] == "Reasoning block").expect("the Reasoning snippet");
        let text = reasoning["textEdit"]["newText"].as_str().unwrap();
        if snippet_support {
            assert_eq!(reasoning["insertTextFormat"], 2, "{reasoning}");
            assert!(text.contains("${1:What architectural concern does this address?}"), "{text}");
        } else {
            assert_eq!(reasoning["insertTextFormat"], Value::Null, "{reasoning}");
            assert!(
                text.contains("1. **Context Analysis**: What architectural concern does this address?\n"),
                "{text}"
            );
        }
        session.shutdown();
    }
}

#[test]
fn the_new_adr_command_creates_the_next_record_through_apply_edit() {
    let (_dir, root) = workspace(&[(
        ".aiwg/architecture/decisions/ADR-004-redis.md",
        "# ADR-004: Use Redis\n\n**Status**: Accepted\n\n## Context\n\n## Decision\n\n## Consequences\n",
    )]);
    let mut session = Session::start(&root, json!({}), capabilities());
    session.answers.insert("workspace/applyEdit".into(), Some(json!({"result": {"applied": true}})));
    let made = session
        .request("workspace/executeCommand", json!({"command": "aiwg.newAdr", "arguments": [{"title": "Use NATS"}]}));
    assert_eq!(made["result"]["applied"], true, "{made}");
    assert_eq!(made["result"]["path"], ".aiwg/architecture/decisions/ADR-005-use-nats.md");
    let sent = session.wait_for("the applyEdit request", |m| m["method"] == "workspace/applyEdit");
    let changes = sent["params"]["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes[0]["kind"], "create", "{sent}");
    assert!(changes[0]["uri"].as_str().unwrap().ends_with("/.aiwg/architecture/decisions/ADR-005-use-nats.md"));
    let text = changes[1]["edits"][0]["newText"].as_str().unwrap();
    assert!(text.starts_with("# ADR-005: Use NATS\n\n**Status**: Proposed\n**Date**: 20"), "{text}");
    let missing = session.request("workspace/executeCommand", json!({"command": "aiwg.newAdr", "arguments": [{}]}));
    assert_eq!(missing["error"]["code"], -32602, "{missing}");
    session.shutdown();
}

#[test]
fn inlay_hints_show_an_adr_s_title_and_status_unless_turned_off() {
    const NOTES: &str = "# Notes\n\nWe follow ADR-007 here.\n";
    let (_dir, root) = workspace(&[
        (".aiwg/architecture/decisions/ADR-007-redis.md", "# ADR-007: Use Redis\n\n**Status**: Accepted\n"),
        ("docs/notes.md", NOTES),
    ]);
    let hints = |settings: Value| {
        let mut session = Session::start(&root, settings, capabilities());
        session.open_text("docs/notes.md", NOTES);
        let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}});
        let answer = session.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": session.uri("docs/notes.md")}, "range": range}),
        );
        session.shutdown();
        answer["result"].clone()
    };
    let shown = hints(json!({}));
    assert_eq!(shown[0]["label"], "Use Redis · Accepted", "{shown}");
    assert_eq!(shown[0]["position"], json!({"line": 2, "character": 17}));
    assert_eq!(hints(json!({"inlayHints": false})), json!([]));
}

#[test]
fn folding_ranges_cover_sections_and_details() {
    const ADR: &str = "# ADR-001: X\n\n**Status**: Accepted\n\n## Context\n\nWhy.\n\n<details>\n<summary>More</summary>\n\nText.\n</details>\n";
    let (_dir, root) = workspace(&[(".aiwg/architecture/decisions/ADR-001-x.md", ADR)]);
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text(".aiwg/architecture/decisions/ADR-001-x.md", ADR);
    let uri = session.uri(".aiwg/architecture/decisions/ADR-001-x.md");
    let folds = session.request("textDocument/foldingRange", json!({"textDocument": {"uri": uri}}));
    let lines: Vec<(u64, u64)> = folds["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["startLine"].as_u64().unwrap(), f["endLine"].as_u64().unwrap()))
        .collect();
    assert_eq!(lines, [(0, 12), (4, 12), (8, 12)], "{folds}");
    session.shutdown();
}

#[test]
fn semantic_tokens_classify_references_and_ids_in_the_negotiated_encoding() {
    // The `é` is two UTF-8 bytes and one UTF-16 unit: the tokens after it move with the encoding.
    const NOTES: &str = "# Notes\n\nCafé @implements @docs/a.md, @docs/gone.md and ADR-007.\n";
    let (_dir, root) = workspace(&[
        (".aiwg/architecture/decisions/ADR-007-redis.md", "# ADR-007: Use Redis\n\n**Status**: Accepted\n"),
        ("docs/a.md", "# A\n"),
        ("docs/notes.md", NOTES),
    ]);
    for (encodings, width) in [(json!(["utf-16"]), 1), (json!(["utf-8", "utf-16"]), 2)] {
        let mut caps = capabilities();
        caps["general"] = json!({"positionEncodings": encodings});
        let mut session = Session::spawn(&root, json!({}));
        let init = session.initialize(caps, json!({"aiwg": {}}), true);
        session.notify("initialized", json!({}));
        let legend = &init["result"]["capabilities"]["semanticTokensProvider"]["legend"];
        assert_eq!(legend["tokenTypes"], json!(["namespace", "enumMember", "decorator", "typeParameter"]));
        assert_eq!(
            legend["tokenModifiers"],
            json!(["declaration", "deprecated", "defaultLibrary", "broken", "ambiguous"])
        );
        session.open_text("docs/notes.md", NOTES);
        let uri = session.uri("docs/notes.md");
        let full = session.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}}));
        // (deltaLine, deltaStart, length, type, modifiers) per token.
        let data: Vec<u64> = full["result"]["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        let at = 4 + width; // "Café" then a space
        assert_eq!(
            data,
            [
                2, at, 11, 2, 0, // @implements: decorator
                0, 12, 10, 0, 0, // @docs/a.md: resolved reference
                0, 12, 13, 0, 8, // @docs/gone.md: broken
                0, 18, 7, 1, 0, // ADR-007: a known ID
            ],
            "{full}"
        );
        let range = json!({"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": at + 12}});
        let part =
            session.request("textDocument/semanticTokens/range", json!({"textDocument": {"uri": uri}, "range": range}));
        assert_eq!(part["result"]["data"], json!([2, at, 11, 2, 0]), "{part}");
        session.shutdown();
    }
}
