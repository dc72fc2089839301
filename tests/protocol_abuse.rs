//! A hostile or broken client, over stdio with the real binary: malformed frames and messages,
//! unknown `$/` requests, pathological documents. After each, the server must still be alive
//! and answer a hover and a documentSymbol correctly.

mod support;

use std::path::PathBuf;

use serde_json::{Value, json};
use support::lsp::{Session, capabilities};

const NOTES: &str = "# Notes\n\n## Part\n\nSee @.aiwg/architecture/sad.md here.\n";

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    std::fs::create_dir_all(root.join(".aiwg/architecture")).unwrap();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join(".aiwg/architecture/sad.md"), "# Software Architecture\n").unwrap();
    std::fs::write(root.join("docs/notes.md"), NOTES).unwrap();
    let root = root.canonicalize().unwrap();
    (dir, root)
}

fn started() -> (tempfile::TempDir, Session) {
    let (dir, root) = workspace();
    let mut session = Session::start(&root, json!({}), capabilities());
    session.open_text("docs/notes.md", NOTES);
    (dir, session)
}

/// The server answers a hover on the reference and the document's symbols, as it should.
fn assert_alive(session: &mut Session, after: &str) {
    let uri = session.uri("docs/notes.md");
    let hover = session
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 6}}));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("Software Architecture"), "hover after {after}: {hover}");
    let symbols = session.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert_eq!(symbols["result"][0]["name"], "Notes", "symbols after {after}: {symbols}");
    assert_eq!(symbols["result"][0]["children"][0]["name"], "Part", "symbols after {after}: {symbols}");
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Waits for the transport's error response with the given id and code.
fn expect_error(session: &mut Session, id: Value, code: i64, after: &str) {
    let found = session.wait_for_new(&format!("error {code} after {after}"), |m| {
        m["error"]["code"] == json!(code) && m["id"] == id && m.get("method").is_none()
    });
    assert_eq!(found["jsonrpc"], "2.0", "{found}");
}

#[test]
fn malformed_frames_are_skipped_and_the_server_goes_on() {
    let (_dir, mut session) = started();
    assert_alive(&mut session, "start");
    let hover = br#"{"jsonrpc":"2.0","method":"textDocument/hover","params":{}}"#;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a short Content-Length", [b"Content-Length: 5\r\n\r\n".as_slice(), hover].concat()),
        ("a long Content-Length", [b"Content-Length: 999\r\n\r\n".as_slice(), hover].concat()),
        ("a missing header", [b"Content-Type: x\r\n\r\n".as_slice(), hover].concat()),
        ("garbage between messages", b"\x00\xffnot a header at all\r\n\r\n".to_vec()),
        ("a header with no body yet", b"Content-Length: abc\r\n\r\n".to_vec()),
        ("an oversized Content-Length", b"Content-Length: 999999999999\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec()),
        ("a header split over writes", b"Content-Len".to_vec()),
        ("the rest of it", b"gth: 2\r\n\r\n{}".to_vec()),
    ];
    for (what, bytes) in cases {
        session.send_raw(&bytes);
        assert_alive(&mut session, what);
    }
    session.shutdown();
}

#[test]
fn malformed_messages_get_json_rpc_errors_and_the_server_goes_on() {
    let (_dir, mut session) = started();
    let cases: Vec<(&str, Vec<u8>, Value, i64)> = vec![
        ("invalid JSON", b"{\"jsonrpc\": \"2.0\", \"id\": 1,".to_vec(), Value::Null, -32700),
        ("invalid UTF-8", b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}".to_vec(), Value::Null, -32700),
        (
            "a lone surrogate",
            br#"{"jsonrpc":"2.0","id":5,"method":"x","params":{"t":"\ud800"}}"#.to_vec(),
            Value::Null,
            -32700,
        ),
        ("an array", b"[]".to_vec(), Value::Null, -32600),
        ("a number", b"42".to_vec(), Value::Null, -32600),
        ("null", b"null".to_vec(), Value::Null, -32600),
        ("a fractional id", br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#.to_vec(), Value::Null, -32600),
        ("a boolean id", br#"{"jsonrpc":"2.0","id":true,"method":"x"}"#.to_vec(), Value::Null, -32600),
        ("an object id", br#"{"jsonrpc":"2.0","id":{},"method":"x"}"#.to_vec(), Value::Null, -32600),
        (
            "an id past 2^64",
            br#"{"jsonrpc":"2.0","id":18446744073709551617,"method":"x"}"#.to_vec(),
            Value::Null,
            -32600,
        ),
        (
            "an unknown $/ request",
            br#"{"jsonrpc":"2.0","id":77,"method":"$/unknownRequest"}"#.to_vec(),
            json!(77),
            -32601,
        ),
    ];
    for (what, body, id, code) in cases {
        session.send_raw(&framed(&body));
        expect_error(&mut session, id, code, what);
        assert_alive(&mut session, what);
    }
    // An unknown `$/` notification is ignored, as the protocol allows.
    session.notify("$/unknownNotification", json!({}));
    assert_alive(&mut session, "an unknown $/ notification");
    session.shutdown();
}

/// A change that fails halfway is rolled back: the host panics after forgetting every open
/// document (a test-only command), and an unsaved document the editor has open (so the disk
/// cannot stand in for it) is still there.
#[test]
fn a_change_that_panics_halfway_is_rolled_back() {
    let (_dir, mut session) = started();
    session.open_text("docs/draft.md", "# Draft\n\n## Unsaved\n");
    let outline = |session: &mut Session| {
        let uri = session.uri("docs/draft.md");
        session.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}))["result"][0]["name"]
            .clone()
    };
    assert_eq!(outline(&mut session), "Draft");
    let answer = session.request("workspace/executeCommand", json!({"command": "aiwg.test.panicHost"}));
    assert!(answer.get("error").is_none(), "{answer}");
    assert_eq!(outline(&mut session), "Draft", "the open document survived the failed change");
    assert_alive(&mut session, "a change that panicked halfway");
    session.shutdown();
}

/// Pathological documents open in the editor: a glob reference of 400,000 characters (which
/// once panicked the glob library on the host thread) and 100,000 headings. The outline stops
/// at its bound, and the rest of the workspace keeps its titles and backlinks.
#[test]
fn pathological_documents_are_bounded() {
    let (_dir, mut session) = started();
    let glob = format!("# Glob\n\nSee @docs/{}* now.\n", "x".repeat(400_000));
    session.open_text("docs/glob.md", &glob);
    let headings: String = (0..100_000).map(|i| format!("## H{i}\n")).collect();
    session.open_text("docs/many.md", &format!("# Many\n{headings}"));
    let uri = session.uri("docs/many.md");
    let symbols = session.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let outline = &symbols["result"][0];
    assert_eq!(outline["name"], "Many");
    assert_eq!(outline["children"].as_array().unwrap().len(), 4_999, "the first 5,000 headings");
    assert_alive(&mut session, "pathological documents");
    session.shutdown();
}
