//! Drafting a section end to end, with the real binary over stdio and small scripted fake
//! agents (`tests/agents/`): one records its argv, stdin and prompt file and answers a canned
//! draft; one sleeps (timeout and cancel); one fails; one floods its stdout. Asserted: the
//! prompt's parts, the edit to exactly one section, the provenance record and its checksum,
//! that a stopped agent's process is gone, and that workspace-level settings cannot choose the
//! program. Also `aiwg-lsp draft` on the command line.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::lsp::{Session, capabilities};

const ADR: &str = "# ADR-004: Session Store\n\n**Status**: Proposed\n\nServes @.aiwg/requirements/use-cases/UC-001-login.md.\n\n\
## Context\n\n[Describe the forces at play.]\n\n## Decision\n\nWe keep sessions in Redis.\n\n## Consequences\n\nRedis becomes critical.\n";
const ADR_PATH: &str = ".aiwg/architecture/decisions/ADR-004-sessions.md";
const DRAFT: &str = "Sessions must survive a restart of any node (@.aiwg/requirements/use-cases/UC-001-login.md).\n\nRedis already runs for rate limits.";

fn agent(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents").join(name).display().to_string()
}

/// A project with the ADR, the use case it serves and a deployed architecture-designer.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let files = [
        (ADR_PATH, ADR),
        (
            ".aiwg/requirements/use-cases/UC-001-login.md",
            "# UC-001: Log in\n\nA user signs in with SSO; the session survives node restarts.\n",
        ),
        ("docs/notes.md", "# Notes\n\nSessions: @.aiwg/architecture/decisions/ADR-004-sessions.md\n"),
        (
            ".claude/agents/architecture-designer.md",
            "---\nname: Architecture Designer\nmodel: opus\n---\n\n# Architecture Designer\n\nYou design architectures and write ADRs.\n",
        ),
    ];
    for (path, text) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let root = root.canonicalize().unwrap();
    (dir, root)
}

fn draft_context(session: &mut Session) -> Value {
    let uri = session.uri(ADR_PATH);
    session.request(
        "workspace/executeCommand",
        json!({"command": "aiwg.draftSection", "arguments": [{"uri": uri, "section": "Context"}]}),
    )
}

fn action_titles(session: &mut Session) -> Vec<String> {
    let uri = session.uri(ADR_PATH);
    let at = json!({"line": 6, "character": 3});
    let actions = session.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}),
    );
    actions["result"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect()
}

fn applied_edit(session: &mut Session) -> Value {
    session.wait_for("the applyEdit request", |m| m["method"] == "workspace/applyEdit")
}

fn sent_apply_edit(session: &Session) -> bool {
    session.seen.iter().any(|m| m["method"] == "workspace/applyEdit")
}

#[test]
fn a_configured_agent_drafts_one_section_with_a_provenance_record() {
    let (dir, root) = project();
    let log = dir.path().join("agent");
    let settings = json!({"agent": {"backend": "command", "command": [agent("record.sh"), log.display().to_string(), "{agent}", "{section}", "{promptFile}"]}});
    let mut session = Session::start(&root, settings, capabilities());
    session.open_text(ADR_PATH, ADR);
    let titles = action_titles(&mut session);
    assert!(titles.contains(&"Draft “Context” with architecture-designer".to_string()), "{titles:?}");
    assert!(titles.contains(&"Draft “Context” (offline)".to_string()), "{titles:?}");

    session.answers.insert("workspace/applyEdit".into(), Some(json!({"result": {"applied": true}})));
    let answer = draft_context(&mut session);
    assert_eq!(answer["result"]["applied"], true, "{answer}");
    let record_path = ".aiwg/research/provenance/records/adr-004-sessions.prov.yaml";
    assert_eq!(answer["result"]["record"], record_path);

    // What the agent was given.
    let argv = std::fs::read_to_string(format!("{}.argv", log.display())).unwrap();
    let argv: Vec<&str> = argv.lines().collect();
    assert_eq!(argv[1..3], ["architecture-designer", "Context"]);
    assert!(argv[3].starts_with(&root.join(".aiwg/working/aiwg-lsp/prompt-").display().to_string()), "{argv:?}");
    assert!(!Path::new(argv[3]).exists(), "the prompt file is removed after the run");
    let stdin = std::fs::read_to_string(format!("{}.stdin", log.display())).unwrap();
    let prompt_file = std::fs::read_to_string(format!("{}.promptfile", log.display())).unwrap();
    assert_eq!(stdin, prompt_file, "the prompt goes to stdin and to the prompt file");
    for part in [
        "You are the aiwg agent `architecture-designer`",
        "You design architectures and write ADRs.",
        "Task: Draft the body of the section \"Context\" of `.aiwg/architecture/decisions/ADR-004-sessions.md`",
        "Template guidance for this section:\n\n[Describe the forces at play.]",
        "<document path=\".aiwg/architecture/decisions/ADR-004-sessions.md\">\n# ADR-004: Session Store",
        "<document path=\"@.aiwg/requirements/use-cases/UC-001-login.md\">\n# UC-001: Log in",
    ] {
        assert!(stdin.contains(part), "the prompt lacks {part:?}:\n{stdin}");
    }
    assert!(!stdin.contains("name: Architecture Designer"), "the agent's front matter is not instructions");

    // One edit of exactly the Context body, and the record of the draft.
    let sent = applied_edit(&mut session);
    let changes = sent["params"]["edit"]["documentChanges"].as_array().unwrap();
    let doc_edit = &changes[0];
    assert!(doc_edit["textDocument"]["uri"].as_str().unwrap().ends_with(ADR_PATH));
    let edits = doc_edit["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["range"], json!({"start": {"line": 7, "character": 0}, "end": {"line": 8, "character": 30}}));
    assert_eq!(edits[0]["newText"], format!("\n{DRAFT}"));
    let after = ADR.replace("\n[Describe the forces at play.]", &format!("\n{DRAFT}"));
    assert_eq!(changes[1]["kind"], "create");
    assert!(changes[1]["uri"].as_str().unwrap().ends_with(record_path));
    let record = changes[2]["edits"][0]["newText"].as_str().unwrap();
    let checksum = format!("sha256:{:x}", Sha256::digest(after.as_bytes()));
    for line in [
        "  id: \"urn:aiwg:artifact:.aiwg/architecture/decisions/ADR-004-sessions.md\"".to_string(),
        format!("  checksum: \"{checksum}\""),
        "  type: modification".to_string(),
        "  id: \"urn:aiwg:agent:architecture-designer\"".to_string(),
        "  tool: \"command\"".to_string(),
        "      source: \"urn:aiwg:artifact:.aiwg/requirements/use-cases/UC-001-login.md\"".to_string(),
    ] {
        assert!(record.lines().any(|l| l == line), "the record lacks {line:?}:\n{record}");
    }

    // Hover shows the record at once, before the editor has saved anything.
    let notes = "# Notes\n\nSessions: @.aiwg/architecture/decisions/ADR-004-sessions.md\n";
    session.open_text("docs/notes.md", notes);
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": session.uri("docs/notes.md")}, "position": {"line": 2, "character": 14}}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains(&format!("Provenance (`{record_path}`)")), "{shown}");
    assert!(shown.contains("architecture-designer"), "{shown}");
    session.shutdown();
}

fn process_is_gone(pid_file: &Path) -> bool {
    let pid = std::fs::read_to_string(pid_file).expect("the agent wrote its pid");
    let proc = PathBuf::from(format!("/proc/{}", pid.trim()));
    // A killed child may linger as a zombie until reaped; either way it runs no more.
    for _ in 0..50 {
        match std::fs::read_to_string(proc.join("stat")) {
            Err(_) => return true,
            Ok(stat) if stat.split_whitespace().nth(2) == Some("Z") => return true,
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
    false
}

#[test]
fn an_agent_that_does_not_answer_in_time_is_stopped_and_nothing_changes() {
    let (dir, root) = project();
    let pid = dir.path().join("pid");
    let settings = json!({"agent": {"backend": "command", "command": [agent("sleep.sh"), pid.display().to_string()], "timeoutSeconds": 1}});
    let mut session = Session::start(&root, settings, capabilities());
    session.open_text(ADR_PATH, ADR);
    let answer = draft_context(&mut session);
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("did not answer within 1 s"), "{answer}");
    assert!(process_is_gone(&pid), "the agent still runs");
    assert!(!sent_apply_edit(&session), "nothing is applied");
    session.shutdown();
}

#[test]
fn cancelling_the_progress_stops_the_agent_and_changes_nothing() {
    let (dir, root) = project();
    let pid = dir.path().join("pid");
    let settings = json!({"agent": {"backend": "command", "command": [agent("sleep.sh"), pid.display().to_string()]}});
    let mut session = Session::start(&root, settings, capabilities());
    session.open_text(ADR_PATH, ADR);
    let uri = session.uri(ADR_PATH);
    let id = session.send_request(
        "workspace/executeCommand",
        json!({"command": "aiwg.draftSection", "arguments": [{"uri": uri, "section": "Context"}], "workDoneToken": "draft-1"}),
    );
    let begin = session.wait_for("the draft's progress", |m| {
        m["method"] == "$/progress" && m["params"]["token"] == "draft-1" && m["params"]["value"]["kind"] == "begin"
    });
    assert_eq!(begin["params"]["value"]["title"], "Drafting Context with architecture-designer…", "{begin}");
    assert_eq!(begin["params"]["value"]["cancellable"], true, "{begin}");
    // Wait until the agent runs, then cancel.
    for _ in 0..100 {
        if pid.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    session.notify("window/workDoneProgress/cancel", json!({"token": begin["params"]["token"]}));
    let answer = session.response(id, "workspace/executeCommand");
    assert!(answer["error"]["message"].as_str().unwrap_or_default().starts_with("cancelled"), "{answer}");
    assert!(process_is_gone(&pid), "the agent still runs");
    assert!(!sent_apply_edit(&session), "nothing is applied");
    session.shutdown();
}

#[test]
fn a_failing_or_flooding_agent_is_reported_plainly() {
    let (_dir, root) = project();
    let settings = json!({"agent": {"backend": "command", "command": [agent("fail.sh")]}});
    let mut session = Session::start(&root, settings, capabilities());
    session.open_text(ADR_PATH, ADR);
    let answer = draft_context(&mut session);
    assert_eq!(
        answer["error"]["message"],
        "the agent exited with status 3: starting agent / error: model overloaded, try again later",
        "{answer}"
    );
    session.shutdown();

    let settings = json!({"agent": {"backend": "command", "command": [agent("flood.sh")], "maxOutputBytes": 1000}});
    let mut session = Session::start(&root, settings, capabilities());
    session.open_text(ADR_PATH, ADR);
    let answer = draft_context(&mut session);
    assert_eq!(answer["error"]["message"], "the agent wrote more than 1000 bytes and was stopped", "{answer}");
    assert!(!sent_apply_edit(&session));
    session.shutdown();
}

#[test]
fn workspace_settings_cannot_choose_the_program() {
    let (dir, root) = project();
    let log = dir.path().join("agent");
    // The workspace layer (workspace/configuration) names a program; the user's own layer
    // (initializationOptions) names none.
    let workspace =
        json!({"agent": {"backend": "command", "command": [agent("record.sh"), log.display().to_string()]}});
    let mut session = Session::spawn(&root, workspace);
    session.initialize(capabilities(), json!({}), true);
    session.notify("initialized", json!({}));
    session.open_text(ADR_PATH, ADR);
    session.next_diagnostics(ADR_PATH);
    let titles = action_titles(&mut session);
    assert_eq!(titles.iter().filter(|t| t.starts_with("Draft")).collect::<Vec<_>>(), ["Draft “Context” (offline)"]);
    session.answers.insert("workspace/applyEdit".into(), Some(json!({"result": {"applied": true}})));
    let answer = draft_context(&mut session);
    assert_eq!(answer["result"]["applied"], true, "{answer}");
    let sent = applied_edit(&mut session);
    let record = sent["params"]["edit"]["documentChanges"][2]["edits"][0]["newText"].as_str().unwrap().to_string();
    assert!(record.contains("  id: \"urn:aiwg:agent:tool:aiwg-lsp\""), "the offline drafter wrote it:\n{record}");
    assert!(!Path::new(&format!("{}.argv", log.display())).exists(), "the workspace's program never ran");
    session.shutdown();
}

#[test]
fn the_command_line_drafts_offline_and_writes_with_provenance() {
    let (_dir, root) = project();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
            .args(["draft", ADR_PATH, "--section", "context"])
            .args(extra)
            .current_dir(&root)
            .env_remove("AIWG_ROOT")
            .env("HOME", root.join("no-home"))
            .output()
            .expect("the binary runs")
    };
    let printed = run(&[]);
    assert_eq!(printed.status.code(), Some(0), "{}", String::from_utf8_lossy(&printed.stderr));
    expect_test::expect![[r#"
        Session Store is needed by:

        - @.aiwg/requirements/use-cases/UC-001-login.md — UC-001: Log in: A user signs in with SSO; the session survives node restarts.
    "#]]
    .assert_eq(&String::from_utf8(printed.stdout).unwrap());
    assert_eq!(std::fs::read_to_string(root.join(ADR_PATH)).unwrap(), ADR, "printing changes nothing");

    let written = run(&["--write"]);
    assert_eq!(written.status.code(), Some(0), "{}", String::from_utf8_lossy(&written.stderr));
    let after = std::fs::read_to_string(root.join(ADR_PATH)).unwrap();
    assert!(
        after.contains("## Context\n\nSession Store is needed by:\n\n- @.aiwg/requirements/use-cases/UC-001-login.md"),
        "{after}"
    );
    assert!(
        after.ends_with("## Decision\n\nWe keep sessions in Redis.\n\n## Consequences\n\nRedis becomes critical.\n"),
        "{after}"
    );
    let record =
        std::fs::read_to_string(root.join(".aiwg/research/provenance/records/adr-004-sessions.prov.yaml")).unwrap();
    let checksum = format!("sha256:{:x}", Sha256::digest(after.as_bytes()));
    assert!(record.contains(&format!("checksum: \"{checksum}\"")), "{record}");

    // The section is written now: drafting it again is refused, and says what can be drafted.
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&again.stderr),
        "aiwg-lsp draft: \"context\" is not an empty or missing section of .aiwg/architecture/decisions/ADR-004-sessions.md (draftable: none)\n"
    );
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

#[test]
fn the_offline_drafter_writes_from_the_demo_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo"), &root);
    let adr = ".aiwg/architecture/decisions/ADR-007-board-cache.md";
    std::fs::write(
        root.join(adr),
        "# ADR-007: Board Read Cache\n\n**Status**: Proposed\n\nBoards (UC-001, UC-002) must load within \
         @.aiwg/requirements/nfr-modules/performance.md; live updates come from ADR-003.\n\n## Context\n\n\
         [The issue that motivates this decision.]\n\n## Decision\n\n## References\n\n<!-- EXAMPLE: - @.aiwg/... -->\n",
    )
    .unwrap();
    let draft = |section: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
            .args(["draft", adr, "--section", section])
            .current_dir(&root)
            .env_remove("AIWG_ROOT")
            .env("HOME", root.join("no-home"))
            .output()
            .expect("the binary runs");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        format!("== {section}\n{}", String::from_utf8(output.stdout).unwrap())
    };
    let drafts: String = ["Context", "Decision", "Consequences", "References"].iter().map(|s| draft(s)).collect();
    expect_test::expect![[r#"
        == Context
        Board Read Cache is needed by:

        - @.aiwg/requirements/use-cases/UC-001-create-task.md — UC-001: Create Task: A team member adds a task to a board. Everyone watching the board sees the new card without reloading.
        - @.aiwg/requirements/use-cases/UC-002-assign-task.md — UC-002: Assign Task: A team member assigns a task to a colleague. The assignee is notified by e-mail and the board updates for everyone watching it.
        - @.aiwg/requirements/use-cases/UC-002-reassign-task.md — UC-002: Reassign Task in Bulk: When a team member leaves or goes on holiday, a workspace admin moves all of their open tasks to another member in one step.

        It must meet these quality requirements:

        - @.aiwg/requirements/nfr-modules/performance.md — Performance Requirements: Targets are measured in the staging environment with the load profile described in @.aiwg/testing/test-strategy.md. Percentiles are computed over a 10-minute window.

        It builds on these decisions:

        - @.aiwg/architecture/decisions/ADR-003-server-sent-events-for-live-updates.md — ADR-003: Server-Sent Events for Live Board Updates (Accepted)
        == Decision
        No option is named in this document yet: state the chosen option and the forces that decide it.
        == Consequences
        ### Positive

        - 

        ### Negative

        - 

        ### Requirements to verify

        - @.aiwg/requirements/nfr-modules/performance.md — Performance Requirements
        == References
        - @.aiwg/requirements/use-cases/UC-001-create-task.md — UC-001: Create Task: A team member adds a task to a board. Everyone watching the board sees the new card without reloading.
        - @.aiwg/requirements/use-cases/UC-002-assign-task.md — UC-002: Assign Task: A team member assigns a task to a colleague. The assignee is notified by e-mail and the board updates for everyone watching it.
        - @.aiwg/requirements/use-cases/UC-002-reassign-task.md — UC-002: Reassign Task in Bulk: When a team member leaves or goes on holiday, a workspace admin moves all of their open tasks to another member in one step.
        - @.aiwg/requirements/nfr-modules/performance.md — Performance Requirements: Targets are measured in the staging environment with the load profile described in @.aiwg/testing/test-strategy.md. Percentiles are computed over a 10-minute window.
        - @.aiwg/architecture/decisions/ADR-003-server-sent-events-for-live-updates.md — ADR-003: Server-Sent Events for Live Board Updates: Polling (ADR-001) kept the beta simple, but it misses the board-freshness target in NFR-PERF-002 and wastes capacity: 85% of poll responses were empty in the February beta. Boards are read-mostly from the client's point of view — every write already goes through the REST API …
    "#]]
    .assert_eq(&drafts);
}
