//! Server-initiated work-done progress (`window/workDoneProgress/create`, then `$/progress`
//! begin, reports and end) for anything long: indexing a folder, a command. A cancellable
//! progress registers its token, and `window/workDoneProgress/cancel` for that token sets the
//! work's [`Cancel`] flag. A client that cannot show progress gets none, and the work runs the
//! same.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;

use crate::analysis::Cancel;

/// Tokens of cancellable progress still running, by token.
#[derive(Clone, Default)]
pub(crate) struct CancelTokens(Arc<Mutex<HashMap<String, Cancel>>>);

impl CancelTokens {
    /// The client's `window/workDoneProgress/cancel`.
    pub(crate) fn cancel(&self, token: &lsp::ProgressToken) {
        let key = token_key(token);
        if let Some(cancel) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            tracing::info!("the user cancelled {key}");
            cancel.cancel();
        }
    }

    fn insert(&self, token: &lsp::ProgressToken, cancel: Cancel) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(token_key(token), cancel);
    }

    fn remove(&self, token: &lsp::ProgressToken) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&token_key(token));
    }
}

fn token_key(token: &lsp::ProgressToken) -> String {
    match token {
        lsp::ProgressToken::Number(n) => format!("#{n}"),
        lsp::ProgressToken::String(s) => s.clone(),
    }
}

/// A progress shown in the client, ended when finished or dropped.
pub(crate) struct Progress {
    client: Client,
    /// `None` when the client shows no progress.
    token: Option<lsp::ProgressToken>,
    tokens: CancelTokens,
    last_percentage: Option<u32>,
    ended: bool,
}

impl Progress {
    /// Begins a progress. `client_token` is the `workDoneToken` the client sent with its request,
    /// if any (then no token is created); `can_create` says whether the client takes
    /// `window/workDoneProgress/create`. `cancel` is set if the user cancels a cancellable one.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn begin(
        client: &Client,
        tokens: &CancelTokens,
        can_create: bool,
        client_token: Option<lsp::ProgressToken>,
        title: &str,
        message: Option<String>,
        cancel: Option<&Cancel>,
    ) -> Progress {
        let token = match client_token {
            Some(token) => Some(token),
            None if can_create => {
                let token = lsp::ProgressToken::String(format!("aiwg/{}", next_id()));
                client.create_work_done_progress(token.clone()).await.is_ok().then_some(token)
            }
            None => None,
        };
        if let Some(token) = &token {
            if let Some(cancel) = cancel {
                tokens.insert(token, cancel.clone());
            }
            let begin = lsp::WorkDoneProgressBegin {
                title: title.to_string(),
                cancellable: Some(cancel.is_some()),
                message,
                percentage: Some(0),
            };
            send(client, token, lsp::WorkDoneProgress::Begin(begin)).await;
        }
        Progress { client: client.clone(), token, tokens: tokens.clone(), last_percentage: None, ended: false }
    }

    /// Reports progress; repeated percentages are not sent again (one report per percent is
    /// plenty for a progress bar).
    pub(crate) async fn report(&mut self, message: String, percentage: u32) {
        let Some(token) = &self.token else { return };
        let percentage = percentage.min(100);
        if self.last_percentage == Some(percentage) {
            return;
        }
        self.last_percentage = Some(percentage);
        let report =
            lsp::WorkDoneProgressReport { cancellable: None, message: Some(message), percentage: Some(percentage) };
        send(&self.client, token, lsp::WorkDoneProgress::Report(report)).await;
    }

    pub(crate) async fn end(mut self, message: String) {
        self.ended = true;
        if let Some(token) = self.token.take() {
            self.tokens.remove(&token);
            let end = lsp::WorkDoneProgressEnd { message: Some(message) };
            send(&self.client, &token, lsp::WorkDoneProgress::End(end)).await;
        }
    }
}

impl Drop for Progress {
    /// A progress whose work was dropped (a cancelled request) still ends in the client.
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        let Some(token) = self.token.take() else { return };
        self.tokens.remove(&token);
        let client = self.client.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let end = lsp::WorkDoneProgressEnd { message: Some("Cancelled".into()) };
                send(&client, &token, lsp::WorkDoneProgress::End(end)).await;
            });
        }
    }
}

async fn send(client: &Client, token: &lsp::ProgressToken, value: lsp::WorkDoneProgress) {
    let params = lsp::ProgressParams { token: token.clone(), value: lsp::ProgressParamsValue::WorkDone(value) };
    client.send_notification::<lsp::notification::Progress>(params).await;
}

fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
