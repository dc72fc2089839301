//! Diagnostics publishing: pushed per open document after the configured delay, dropped when a
//! newer change came in meanwhile or the document's version moved on, cleared when it closes;
//! or, for clients that pull, a refresh request instead of a push.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;
use tracing::error;

use crate::analysis::{self, Cancel, Cancelled, diagnostics};
use crate::lsp::host::panic_message;
use crate::lsp::to_proto;
use crate::lsp::world::World;
use crate::text::LineIndex;

#[derive(Clone)]
pub(crate) struct Publisher {
    client: Client,
    world: Arc<ArcSwap<World>>,
    /// A counter per document; a scheduled publication only goes out if it is still the latest.
    generations: Arc<Mutex<HashMap<lsp::Uri, u64>>>,
    /// With `workspaceDiagnostics`: the fingerprint of what was last pushed for each closed
    /// document with problems, [`OPEN_IN_EDITOR`] for a document whose problems `schedule`
    /// pushes.
    pushed: Arc<Mutex<HashMap<lsp::Uri, u64>>>,
    /// Like `generations`, for the workspace-wide pass.
    workspace_generation: Arc<AtomicU64>,
}

/// Marks an open document in `Publisher::pushed`: when it closes, its problems are pushed again.
const OPEN_IN_EDITOR: u64 = u64::MAX;

impl Publisher {
    pub(crate) fn new(client: Client, world: Arc<ArcSwap<World>>) -> Publisher {
        Publisher {
            client,
            world,
            generations: Arc::default(),
            pushed: Arc::default(),
            workspace_generation: Arc::default(),
        }
    }

    /// With the `workspaceDiagnostics` setting, pushes the problems of every closed document
    /// whose problems changed, once the workspace has been quiet for a moment; clears what was
    /// pushed when the setting goes off or the document goes away. Open documents are
    /// `schedule`'s.
    pub(crate) fn schedule_workspace(&self) {
        let wanted = self.world.load().settings.workspace_diagnostics.value;
        if !wanted && self.pushed.lock().unwrap_or_else(|e| e.into_inner()).is_empty() {
            return;
        }
        let generation = self.workspace_generation.fetch_add(1, Ordering::SeqCst) + 1;
        let this = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(crate::lsp::server::WORKSPACE_QUIET).await;
            if this.workspace_generation.load(Ordering::SeqCst) != generation {
                return;
            }
            let world = this.world.load_full();
            let held: std::collections::HashSet<lsp::Uri> =
                this.pushed.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect();
            let computing = Arc::clone(&world);
            let computed = tokio::task::spawn_blocking(move || {
                std::panic::catch_unwind(AssertUnwindSafe(|| {
                    if !computing.settings.workspace_diagnostics.value {
                        return Vec::new();
                    }
                    workspace_reports(&computing, &Cancel::default(), &|uri| held.contains(uri)).unwrap_or_default()
                }))
            })
            .await;
            let reports = match computed {
                Ok(Ok(reports)) => reports,
                Ok(Err(panic)) => {
                    error!("workspace diagnostics panicked: {}", panic_message(&panic));
                    return;
                }
                Err(_) => return,
            };
            if this.workspace_generation.load(Ordering::SeqCst) != generation {
                return; // A newer pass will push.
            }
            let mut sends = Vec::new();
            {
                let mut pushed = this.pushed.lock().unwrap_or_else(|e| e.into_inner());
                let mut reported = std::collections::HashSet::new();
                for report in reports {
                    reported.insert(report.uri.clone());
                    if world.open.contains_key(&report.uri) {
                        pushed.insert(report.uri, OPEN_IN_EDITOR);
                    } else if pushed.get(&report.uri) != Some(&report.fingerprint) {
                        pushed.insert(report.uri.clone(), report.fingerprint);
                        sends.push((report.uri, report.items));
                    }
                }
                pushed.retain(|uri, fingerprint| {
                    let keep = reported.contains(uri);
                    if !keep && *fingerprint != OPEN_IN_EDITOR && !world.open.contains_key(uri) {
                        sends.push((uri.clone(), Vec::new()));
                    }
                    keep
                });
            }
            for (uri, items) in sends {
                this.client.publish_diagnostics(uri, items, None).await;
            }
        });
    }

    /// Publishes a document's diagnostics after the configured delay, unless another change
    /// came in the meantime, and never for a version that is no longer current.
    pub(crate) fn schedule(&self, uri: lsp::Uri) {
        let generation = {
            let mut map = self.generations.lock().unwrap_or_else(|e| e.into_inner());
            let entry = map.entry(uri.clone()).or_insert(0);
            *entry += 1;
            *entry
        };
        let this = self.clone();
        tokio::spawn(async move {
            let delay = this.world.load().settings.diagnostics_delay();
            if delay.is_zero() {
                // Even a zero sleep waits for the timer's next 1 ms tick; a yield still lets a
                // change that is already queued supersede this one.
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(delay).await;
            }
            if !this.is_latest(&uri, generation) {
                return; // A newer change will publish.
            }
            let snapshot = this.world.load_full();
            let Some(version) = snapshot.open.get(&uri).map(|o| o.version) else {
                // Closed: clear what we published, unless every document's problems are pushed
                // (then the workspace pass pushes the closed file's).
                this.generations.lock().unwrap_or_else(|e| e.into_inner()).remove(&uri);
                if !snapshot.settings.workspace_diagnostics.value {
                    this.client.publish_diagnostics(uri, Vec::new(), None).await;
                }
                return;
            };
            let push_all = snapshot.settings.workspace_diagnostics.value;
            let target = uri.clone();
            let computed = tokio::task::spawn_blocking(move || {
                std::panic::catch_unwind(AssertUnwindSafe(|| document_diagnostics(&snapshot, &target)))
            })
            .await;
            let diagnostics = match computed {
                Ok(Ok(Some(diagnostics))) => diagnostics,
                Ok(Ok(None)) => return, // Not indexed yet: the end of indexing refreshes it.
                Ok(Err(panic)) => {
                    error!("diagnostics of {} panicked: {}", uri.as_str(), panic_message(&panic));
                    return;
                }
                Err(_) => return,
            };
            let still_current = this.world.load().open.get(&uri).map(|o| o.version) == Some(version);
            if still_current && this.is_latest(&uri, generation) {
                if push_all {
                    // What the client shows is now the editor's text: push the file's own
                    // problems when it closes.
                    this.pushed.lock().unwrap_or_else(|e| e.into_inner()).insert(uri.clone(), OPEN_IN_EDITOR);
                }
                this.client.publish_diagnostics(uri, diagnostics, Some(version)).await;
            }
        });
    }

    /// Asks a pulling client to pull again.
    pub(crate) fn refresh_pulled(&self) {
        let client = self.client.clone();
        tokio::spawn(async move {
            let _ = client.workspace_diagnostic_refresh().await;
        });
    }

    fn is_latest(&self, uri: &lsp::Uri, generation: u64) -> bool {
        self.generations.lock().unwrap_or_else(|e| e.into_inner()).get(uri).copied() == Some(generation)
    }
}

/// The core diagnostics of a document with the user's severity overrides applied, with their
/// fixes when asked; `None` while its folder is still indexing.
pub(crate) fn core_diagnostics(
    world: &World,
    uri: &lsp::Uri,
    with_fixes: bool,
) -> Option<(crate::lsp::world::DocView, Vec<analysis::Diagnostic>)> {
    let view = world.doc(uri)?;
    let folder = &world.folders[view.folder];
    if !folder.indexed {
        return None;
    }
    if folder.loose {
        return Some((view, Vec::new())); // Nobody's project: nothing to check it against.
    }
    let found = if with_fixes {
        analysis::diagnostics_with_fixes(&folder.snapshot, view.id)
    } else {
        analysis::diagnostics(&folder.snapshot, view.id)
    };
    let found = diagnostics::with_overrides(found, world.settings.severity_overrides());
    Some((view, found))
}

/// Diagnostics sent for one document, at most: the most severe first. An editor shows no more
/// usefully, and each costs kilobytes on its way through JSON (a document with 100,000 broken
/// references would otherwise publish hundreds of megabytes). `check` reports them all.
const MAX_PUBLISHED_DIAGNOSTICS: usize = 2_000;

/// A document's diagnostics as the client receives them; `None` while its folder is indexing.
pub(crate) fn document_diagnostics(world: &World, uri: &lsp::Uri) -> Option<Vec<lsp::Diagnostic>> {
    let (view, found) = core_diagnostics(world, uri, false)?;
    Some(published(&view.line_index, found, world))
}

fn published(line_index: &LineIndex, mut found: Vec<analysis::Diagnostic>, world: &World) -> Vec<lsp::Diagnostic> {
    if found.len() > MAX_PUBLISHED_DIAGNOSTICS {
        // Most severe first, then in document order, as they were.
        found.sort_by_key(|d| (d.severity, d.range.start));
        found.truncate(MAX_PUBLISHED_DIAGNOSTICS);
        found.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    }
    found.iter().map(|d| to_proto::diagnostic(line_index, d, world.encoding)).collect()
}

/// One workspace document's diagnostics, for `workspace/diagnostic` and for pushing every
/// document's problems.
pub(crate) struct DocumentReport {
    pub(crate) uri: lsp::Uri,
    /// The open document's version; `None` for a closed file.
    pub(crate) version: Option<i32>,
    pub(crate) items: Vec<lsp::Diagnostic>,
    /// Equal for equal `items` (within one server process): what the client sends back as its
    /// previous result, and what decides whether to push again.
    pub(crate) fingerprint: u64,
}

/// The diagnostics of every document of every indexed folder, as [`document_diagnostics`]
/// gives them one by one; documents without any are left out unless `keep` wants them (a
/// client holds earlier problems for them, which must be cleared). Files are read only for
/// documents with problems, to convert positions.
pub(crate) fn workspace_reports(
    world: &World,
    cancel: &Cancel,
    keep: &dyn Fn(&lsp::Uri) -> bool,
) -> Result<Vec<DocumentReport>, Cancelled> {
    let mut reports = Vec::new();
    each_workspace_report(world, cancel, keep, &mut |report| reports.push(report))?;
    Ok(reports)
}

/// [`workspace_reports`] one document at a time, so that a caller can pass them on in parts
/// instead of holding a whole workspace's diagnostics.
pub(crate) fn each_workspace_report(
    world: &World,
    cancel: &Cancel,
    keep: &dyn Fn(&lsp::Uri) -> bool,
    each: &mut dyn FnMut(DocumentReport),
) -> Result<(), Cancelled> {
    for (index, folder) in world.folders.iter().enumerate() {
        if !folder.indexed || folder.loose {
            continue;
        }
        for (id, doc) in folder.snapshot.workspace_documents() {
            cancel.check()?;
            let Some(uri) = world.uri(index, doc.root, &doc.path) else { continue };
            let found = analysis::diagnostics(&folder.snapshot, id);
            let found = diagnostics::with_overrides(found, world.settings.severity_overrides());
            if found.is_empty() && !keep(&uri) {
                continue;
            }
            let open = world.open.get(&uri);
            let items = if found.is_empty() {
                Vec::new()
            } else {
                let line_index = match open {
                    Some(open) => Arc::clone(&open.line_index),
                    None => Arc::new(LineIndex::new(&world.read(index, doc.root, &doc.path).unwrap_or_default())),
                };
                published(&line_index, found, world)
            };
            let fingerprint = fingerprint(&items);
            each(DocumentReport { uri, version: open.map(|o| o.version), items, fingerprint });
        }
    }
    Ok(())
}

pub(crate) fn fingerprint(items: &[lsp::Diagnostic]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_string(items).unwrap_or_default().hash(&mut hasher);
    hasher.finish()
}
