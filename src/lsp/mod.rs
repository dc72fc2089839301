//! The language server over stdio: tower-lsp-server glue around the same core `check` uses.
//! This module (with `cli/`, `loader/` and `main.rs`) is the only place that knows the
//! protocol, JSON, tokio and the file system.
//!
//! - [`server`]: the `LanguageServer` handlers (convert → call → convert);
//! - [`writer`]: the single thread that applies changes in order and publishes worlds;
//! - [`world`]: the published state requests read;
//! - [`convert`]: positions and LSP types; [`settings`]: the `aiwg` settings section.

mod convert;
mod server;
pub mod settings;
mod world;
mod writer;

use std::process::ExitCode;

use tower_lsp_server::{LspService, Server};

/// How many messages are handled at once. tower-lsp-server's default of 4 lets four slow
/// requests stop it from reading `$/cancelRequest` and `shutdown`; requests here return quickly
/// from blocking threads, so a wider window costs nothing.
const MAX_CONCURRENT_MESSAGES: usize = 32;

/// Serves LSP on stdin/stdout until the client sends `exit` or closes the pipe.
pub fn serve_stdio() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let (service, socket) = LspService::new(server::Backend::new);
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .concurrency_level(MAX_CONCURRENT_MESSAGES)
            .serve(service)
            .await;
    });
    // Indexer threads may still be reading; the process is done.
    runtime.shutdown_background();
    ExitCode::SUCCESS
}
