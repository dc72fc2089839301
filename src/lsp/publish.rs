//! Diagnostics publishing: pushed per open document after the configured delay, dropped when a
//! newer change came in meanwhile or the document's version moved on, cleared when it closes;
//! or, for clients that pull, a refresh request instead of a push.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;
use tracing::error;

use crate::analysis::{self, diagnostics};
use crate::lsp::host::panic_message;
use crate::lsp::to_proto;
use crate::lsp::world::World;

#[derive(Clone)]
pub(crate) struct Publisher {
    client: Client,
    world: Arc<ArcSwap<World>>,
    /// A counter per document; a scheduled publication only goes out if it is still the latest.
    generations: Arc<Mutex<HashMap<lsp::Uri, u64>>>,
}

impl Publisher {
    pub(crate) fn new(client: Client, world: Arc<ArcSwap<World>>) -> Publisher {
        Publisher { client, world, generations: Arc::default() }
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
                // Closed: clear what we published.
                this.generations.lock().unwrap_or_else(|e| e.into_inner()).remove(&uri);
                this.client.publish_diagnostics(uri, Vec::new(), None).await;
                return;
            };
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
    let (view, mut found) = core_diagnostics(world, uri, false)?;
    if found.len() > MAX_PUBLISHED_DIAGNOSTICS {
        // Most severe first, then in document order, as they were.
        found.sort_by_key(|d| (d.severity, d.range.start));
        found.truncate(MAX_PUBLISHED_DIAGNOSTICS);
        found.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    }
    Some(found.iter().map(|d| to_proto::diagnostic(&view.line_index, d, world.encoding)).collect())
}
