//! The language server over stdio: tower-lsp-server glue around the same core `check` uses.
//! This module (with `cli/`, `loader/` and `main.rs`) is the only place that knows the
//! protocol, JSON, tokio and the file system. Each file has one job:
//!
//! - [`server`]: the `LanguageServer` trait, dispatching to the host and the handlers;
//! - [`capabilities`]: what the client can do and what the server offers;
//! - [`handlers`]: one function per request (convert → call one core function → convert);
//! - [`from_proto`], [`to_proto`]: every conversion between LSP and core values, positions
//!   included;
//! - [`host`]: the one thread that applies changes in order and publishes worlds;
//! - [`indexer`]: every disk read for the index (folders, opened, closed and watched files);
//! - [`parser`]: the tree-sitter parse of open documents, off the keystroke path;
//! - [`world`]: the published state requests read;
//! - [`publish`]: diagnostics, pushed or pulled;
//! - [`progress`]: work-done progress and its cancellation;
//! - [`commands`]: the commands of `workspace/executeCommand`;
//! - [`settings`]: the `aiwg` settings, resolved once per change.

mod capabilities;
mod commands;
mod from_proto;
mod handlers;
mod host;
mod indexer;
mod parser;
mod progress;
mod publish;
mod server;
pub mod settings;
mod to_proto;
mod world;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tower_lsp_server::{LspService, Server};

/// How many messages are handled at once. tower-lsp-server's default of 4 lets four slow
/// requests stop it from reading `$/cancelRequest` and `shutdown`; requests here return quickly
/// from blocking threads, so a wider window costs nothing.
const MAX_CONCURRENT_MESSAGES: usize = 32;

/// Serves LSP on stdin/stdout until the client sends `exit` or closes the pipe. The exit status
/// is 0 after `shutdown`, 1 otherwise (LSP 3.17 "exit").
pub fn serve_stdio() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown_requested);
    runtime.block_on(async {
        let (service, socket) = LspService::build(move |client| server::Backend::new(client, Arc::clone(&flag)))
            .custom_method("window/workDoneProgress/cancel", server::Backend::work_done_progress_cancel)
            .finish();
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .concurrency_level(MAX_CONCURRENT_MESSAGES)
            .serve(service)
            .await;
    });
    // Indexer threads may still be reading, and tasks may still wait on the client; the
    // process is done.
    runtime.shutdown_background();
    if shutdown_requested.load(Ordering::SeqCst) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
