//! The tree-sitter parse of open documents, off the keystroke path. The writer derives an open
//! document's facts from the bulk scanner on every change (about 1 ms for 200 KB, where
//! tree-sitter-md re-parses every inline range and takes 40–60 ms), and hands the change to this
//! thread, which re-parses incrementally once the document has been idle for [`IDLE`] and sends
//! the tree-sitter facts back. The two paths produce the same outline by contract
//! (`tests/syntax_differential.rs`), so the writer normally finds nothing to change; when they
//! differ it logs the disagreement and keeps tree-sitter's facts until the next change.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use tower_lsp_server::ls_types as lsp;
use tracing::{error, warn};

use crate::lsp::host::{Internal, InternalSender};
use crate::syntax::extract;
use crate::syntax::tree::ParsedDocument;

/// Largest document parsed with tree-sitter. tree-sitter-md takes 100–200 bytes of memory per
/// byte of markdown (measured with `cargo bench --bench e2e` at 10,000 documents: a 1 MB
/// document raised the server's peak RSS from 144 to 247 MB, a 200 KB one to 183 MB), and the
/// scanner's facts are the same by contract, so larger documents are read by the scanner alone.
/// Every markdown file of the aiwg release is smaller.
pub(crate) const MAX_TREE_BYTES: usize = 128 * 1024;

/// How long a document must stay unchanged before it is parsed: typing bursts coalesce into one
/// parse, which then reuses the previous tree for the unchanged blocks.
const IDLE: Duration = Duration::from_millis(300);

/// What the writer tells the parser, in the order of the changes.
pub(crate) enum ParseJob {
    Update {
        uri: lsp::Uri,
        version: i32,
        path: String,
        text: Arc<str>,
        /// The edits since the previous job, for tree-sitter's reuse of the old tree.
        edits: Vec<tree_sitter::InputEdit>,
        /// The text was replaced wholesale (open, full sync): parse from scratch.
        reset: bool,
    },
    Close {
        uri: lsp::Uri,
    },
}

/// Starts the parser thread; it stops when the returned sender is dropped.
pub(crate) fn spawn(inbox: InternalSender) -> Sender<ParseJob> {
    let (jobs, receiver) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("aiwg-parser".into()).spawn(move || run(receiver, inbox));
    if let Err(err) = spawned {
        error!("cannot start the parser thread: {err}");
    }
    jobs
}

/// The latest unparsed state of a document.
struct Pending {
    version: i32,
    path: String,
    text: Arc<str>,
}

fn run(jobs: Receiver<ParseJob>, inbox: InternalSender) {
    let mut trees: HashMap<lsp::Uri, ParsedDocument> = HashMap::new();
    let mut dirty: HashMap<lsp::Uri, Pending> = HashMap::new();
    loop {
        let job = if dirty.is_empty() {
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        } else {
            match jobs.recv_timeout(IDLE) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    parse_all(&mut trees, &mut dirty, &inbox);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        match job {
            ParseJob::Update { uri, version, path, text, edits, reset } => {
                if reset {
                    trees.remove(&uri);
                } else if let Some(tree) = trees.get_mut(&uri) {
                    // Every edit since the last parse, in order, so the old tree lines up with
                    // the latest text.
                    for edit in &edits {
                        tree.edit(edit);
                    }
                }
                dirty.insert(uri, Pending { version, path, text });
            }
            ParseJob::Close { uri } => {
                trees.remove(&uri);
                dirty.remove(&uri);
            }
        }
    }
}

fn parse_all(
    trees: &mut HashMap<lsp::Uri, ParsedDocument>,
    dirty: &mut HashMap<lsp::Uri, Pending>,
    inbox: &InternalSender,
) {
    for (uri, pending) in dirty.drain() {
        let old = trees.remove(&uri);
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let parsed = ParsedDocument::parse(&pending.text, old.as_ref());
            let facts = extract::facts(&pending.path, &pending.text, &parsed.outline(&pending.text));
            (parsed, facts)
        }));
        match parsed {
            Ok((parsed, facts)) => {
                trees.insert(uri.clone(), parsed);
                inbox.send(Internal::TreeFacts { uri, version: pending.version, facts });
            }
            Err(_) => warn!("tree-sitter panicked on {}; its scanner facts stand", uri.as_str()),
        }
    }
}
