//! A small JSON-RPC client for the real `aiwg-lsp` binary over stdio, shared by the end-to-end
//! tests (`tests/lsp_e2e.rs`) and the end-to-end benchmark (`benches/e2e.rs`): it frames
//! messages, reads the server's output on its own thread, and answers the server's requests
//! (`workspace/configuration`, progress and registration) so that the server never waits on us.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Messages from the server, in arrival order.
#[derive(Default)]
struct Inbox {
    messages: Mutex<VecDeque<Value>>,
    arrived: Condvar,
}

pub struct Session {
    pub child: Child,
    stdin: ChildStdin,
    inbox: Arc<Inbox>,
    /// Every message seen so far, for assertions on notifications.
    pub seen: Vec<Value>,
    next_id: i64,
    settings: Value,
    pub root: PathBuf,
    /// How to answer the server's requests, by method: a response body's `result` or `error`
    /// member (`{"result": …}`), or `None` to never answer (a client that hangs).
    pub answers: HashMap<String, Option<Value>>,
}

/// What the tests' client says it can do: everything the server's answers depend on (UTF-16
/// positions, progress, configuration, applyEdit with file operations, watched files, location
/// links); a test removes what it wants absent.
pub fn capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {
            "configuration": true,
            "applyEdit": true,
            "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename"]},
            "workspaceFolders": true,
            "didChangeWatchedFiles": {"dynamicRegistration": true},
        },
        "textDocument": {
            "hover": {"contentFormat": ["markdown"]},
            "definition": {"linkSupport": true},
            "publishDiagnostics": {},
        },
    })
}

fn write_frame(stdin: &mut ChildStdin, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("server stdin open");
    stdin.flush().expect("flush");
}

fn read_frames(stdout: impl Read, inbox: Arc<Inbox>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let message: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        inbox.messages.lock().unwrap().push_back(message);
        inbox.arrived.notify_all();
    }
}

/// The server's stderr: the file named by `AIWG_LSP_TEST_LOG` (appended to), else nowhere.
fn server_log() -> Stdio {
    let file = std::env::var_os("AIWG_LSP_TEST_LOG")
        .and_then(|path| std::fs::OpenOptions::new().create(true).append(true).open(path).ok());
    file.map_or_else(Stdio::null, Stdio::from)
}

impl Session {
    /// Starts the server on `root`, initializes it (with `settings` as initialization options and
    /// as the answer to `workspace/configuration`) and sends `initialized`.
    pub fn start(root: &Path, settings: Value, capabilities: Value) -> Session {
        Session::start_with_folders(root, settings, capabilities, true)
    }

    /// `with_folders: false` starts the way Helix does outside a git repository: no root URI
    /// and no workspace folders.
    pub fn start_with_folders(root: &Path, settings: Value, capabilities: Value, with_folders: bool) -> Session {
        let mut session = Session::spawn(root, settings.clone());
        session.initialize(capabilities, json!({"aiwg": settings}), with_folders);
        session.notify("initialized", json!({}));
        session
    }

    /// Starts the server process only; [`Session::initialize`] comes next.
    pub fn spawn(root: &Path, settings: Value) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
            .current_dir(root)
            .env_remove("AIWG_ROOT")
            .env("HOME", root.join("no-home"))
            .env("AIWG_LSP_LOG", std::env::var("AIWG_LSP_LOG").unwrap_or_else(|_| "info".into()))
            .env("AIWG_LSP_TEST_COMMANDS", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(server_log())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let inbox = Arc::new(Inbox::default());
        let reader_inbox = Arc::clone(&inbox);
        std::thread::spawn(move || read_frames(stdout, reader_inbox));
        Session {
            child,
            stdin,
            inbox,
            seen: Vec::new(),
            next_id: 1,
            settings,
            root: root.to_path_buf(),
            answers: HashMap::new(),
        }
    }

    /// Sends `initialize` (for the session's root as the workspace folder, or with no root at
    /// all) and returns the response.
    pub fn initialize(&mut self, capabilities: Value, initialization_options: Value, with_folders: bool) -> Value {
        let uri = self.uri("");
        let uri = uri.trim_end_matches('/');
        let params = if with_folders {
            json!({
                "processId": null,
                "rootUri": uri,
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": uri, "name": "demo"}],
                "initializationOptions": initialization_options,
            })
        } else {
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": initialization_options,
            })
        };
        let init = self.request("initialize", params);
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        init
    }

    pub fn uri(&self, rel: &str) -> String {
        format!("file://{}/{rel}", self.root.display())
    }

    /// Writes bytes to the server as they are, framing or not.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("server stdin open");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        write_frame(&mut self.stdin, &json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Waits for the next message; answers the server's own requests on the way.
    pub fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let mut messages = self.inbox.messages.lock().unwrap();
        loop {
            if let Some(message) = messages.pop_front() {
                drop(messages);
                if message.get("method").is_some() && message.get("id").is_some() {
                    let method = message["method"].as_str().unwrap();
                    let answer = match self.answers.get(method) {
                        Some(answer) => answer.clone(),
                        None if method == "workspace/configuration" => Some(json!({"result": [self.settings.clone()]})),
                        None => Some(json!({"result": null})),
                    };
                    if let Some(mut answer) = answer {
                        answer["jsonrpc"] = json!("2.0");
                        answer["id"] = message["id"].clone();
                        write_frame(&mut self.stdin, &answer);
                    }
                }
                self.seen.push(message.clone());
                return Some(message);
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            messages = self.inbox.arrived.wait_timeout(messages, deadline - now).unwrap().0;
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id, method)
    }

    /// Sends a request without waiting; [`Session::response`] waits for its answer.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        write_frame(&mut self.stdin, &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64, method: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        while let Some(message) = self.next_message(deadline) {
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
        }
        panic!("no response to {method} within {TIMEOUT:?}");
    }

    /// Waits until a message satisfies `matches`, looking at those already seen first.
    pub fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(found) = self.seen.iter().find(|m| matches(m)) {
            return found.clone();
        }
        self.wait_for_new(what, matches)
    }

    /// Waits until a message not seen yet satisfies `matches`.
    pub fn wait_for_new(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        while let Some(message) = self.next_message(deadline) {
            if matches(&message) {
                return message;
            }
        }
        panic!("timed out waiting for {what}");
    }

    /// The next diagnostics published for `rel` after the messages seen so far.
    pub fn next_diagnostics(&mut self, rel: &str) -> Vec<Value> {
        let uri = self.uri(rel);
        self.seen.clear();
        let message = self.wait_for(&format!("diagnostics of {rel}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        });
        message["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// Opens `rel` with its text on disk and returns the text.
    pub fn open(&mut self, rel: &str) -> String {
        let text = std::fs::read_to_string(self.root.join(rel)).expect("fixture file");
        self.open_text(rel, &text);
        text
    }

    /// Opens `rel` with `text` as its version 1, whether or not the file exists.
    pub fn open_text(&mut self, rel: &str, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// Sends `shutdown` and `exit` and waits for a clean exit.
    pub fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        let status = self.wait_exit();
        assert!(status.success(), "exit after shutdown is a clean exit: {status}");
    }

    /// Waits for the server process to end.
    pub fn wait_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the server's stdin, as a client that goes away does.
    pub fn close_stdin(&mut self) {
        let (_, closed) = std::io::pipe().expect("a pipe");
        let _ = std::mem::replace(&mut self.stdin, ChildStdin::from(std::os::fd::OwnedFd::from(closed)));
    }
}
