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

/// Trees kept for incremental re-parses: those of the documents edited most recently. A tree
/// costs 100–200 bytes per byte of text, so keeping one for every open document made each
/// cost about 0.7 MB; a document opened but not edited is parsed once, for the check of the
/// scanner's facts, and its tree dropped. An evicted document's next parse starts afresh.
const KEPT_TREES: usize = 8;

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
    /// The job came from edits (not an open or a reset): its tree is worth keeping.
    edited: bool,
}

fn run(jobs: Receiver<ParseJob>, inbox: InternalSender) {
    let mut trees = Trees::default();
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
                let edited = !reset && !edits.is_empty() || dirty.get(&uri).is_some_and(|p| p.edited);
                dirty.insert(uri, Pending { version, path, text, edited });
            }
            ParseJob::Close { uri } => {
                trees.remove(&uri);
                dirty.remove(&uri);
            }
        }
    }
}

/// The kept trees, most recently edited last.
#[derive(Default)]
struct Trees {
    trees: HashMap<lsp::Uri, ParsedDocument>,
    order: std::collections::VecDeque<lsp::Uri>,
}

impl Trees {
    fn remove(&mut self, uri: &lsp::Uri) -> Option<ParsedDocument> {
        self.order.retain(|u| u != uri);
        self.trees.remove(uri)
    }

    fn get_mut(&mut self, uri: &lsp::Uri) -> Option<&mut ParsedDocument> {
        self.trees.get_mut(uri)
    }

    /// Keeps `tree` as the most recent, dropping the oldest beyond [`KEPT_TREES`].
    fn keep(&mut self, uri: lsp::Uri, tree: ParsedDocument) {
        self.remove(&uri);
        self.order.push_back(uri.clone());
        self.trees.insert(uri, tree);
        while self.order.len() > KEPT_TREES {
            if let Some(oldest) = self.order.pop_front() {
                self.trees.remove(&oldest);
            }
        }
    }
}

fn parse_all(trees: &mut Trees, dirty: &mut HashMap<lsp::Uri, Pending>, inbox: &InternalSender) {
    for (uri, pending) in dirty.drain() {
        let old = trees.remove(&uri);
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let parsed = ParsedDocument::parse(&pending.text, old.as_ref());
            let facts = extract::facts(&pending.path, &pending.text, &parsed.outline(&pending.text));
            (parsed, facts)
        }));
        match parsed {
            Ok((parsed, facts)) => {
                if pending.edited {
                    trees.keep(uri.clone(), parsed);
                }
                inbox.send(Internal::TreeFacts { uri, version: pending.version, facts });
            }
            Err(_) => warn!("tree-sitter panicked on {}; its scanner facts stand", uri.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_most_recently_edited_trees_are_kept() {
        let mut trees = Trees::default();
        let uri = |i: usize| -> lsp::Uri { format!("file:///w/doc-{i}.md").parse().unwrap() };
        for i in 0..KEPT_TREES + 3 {
            trees.keep(uri(i), ParsedDocument::parse("# Title\n\nText.\n", None));
        }
        trees.keep(uri(3), ParsedDocument::parse("# Again\n", None));
        assert_eq!(trees.trees.len(), KEPT_TREES);
        let kept: Vec<&lsp::Uri> = trees.order.iter().collect();
        assert_eq!(kept.last(), Some(&&uri(3)), "an edited document becomes the most recent");
        assert!((0..3).all(|i| trees.get_mut(&uri(i)).is_none()), "the oldest are dropped");
        assert!(trees.get_mut(&uri(4)).is_some());
        assert!(trees.remove(&uri(3)).is_some() && !trees.order.contains(&uri(3)));
    }
}
