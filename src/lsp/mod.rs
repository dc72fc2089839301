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
//! - [`settings`]: the `aiwg` settings, resolved once per change;
//! - [`transport`]: base-protocol framing that survives bad input, in front of tower-lsp-server.

mod capabilities;
mod commands;
mod draft;
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
pub mod transport;
mod world;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tower_lsp_server::{LspService, Server};

/// How many messages are handled at once. tower-lsp-server's default of 4 lets four slow
/// requests stop it from reading `$/cancelRequest` and `shutdown`; requests here return quickly
/// from blocking threads, so a wider window costs nothing.
const MAX_CONCURRENT_MESSAGES: usize = 32;

/// A frame written to stdout between tower-lsp-server's frames: the transport's own error
/// responses, and messages the server must have written before it answers a request (the
/// parts of a partial result, which a client ignores once the answer is in). `written`, when
/// given, hears when the frame is out.
pub(crate) struct OutgoingFrame {
    pub(crate) bytes: Vec<u8>,
    pub(crate) written: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Where [`OutgoingFrame`]s go.
pub(crate) type Outbox = tokio::sync::mpsc::UnboundedSender<OutgoingFrame>;

/// Capacity of the pipes between the transport and tower-lsp-server.
const PIPE_BYTES: usize = 1 << 20;

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
        let (replies, pending_replies) = tokio::sync::mpsc::unbounded_channel();
        let outbox = replies.clone();
        let (service, socket) =
            LspService::build(move |client| server::Backend::new(client, Arc::clone(&flag), outbox.clone()))
                .custom_method("window/workDoneProgress/cancel", server::Backend::work_done_progress_cancel)
                .finish();
        // tower-lsp-server reads and writes pipes; the transport sits between them and stdio.
        let (server_input, to_server) = tokio::io::duplex(PIPE_BYTES);
        let (from_server, server_output) = tokio::io::duplex(PIPE_BYTES);
        tokio::spawn(read_stdin(tokio::io::stdin(), to_server, replies));
        let output = tokio::spawn(write_stdout(from_server, pending_replies, tokio::io::stdout()));
        Server::new(server_input, server_output, socket)
            .concurrency_level(MAX_CONCURRENT_MESSAGES)
            .serve(service)
            .await;
        // `serve` has dropped its end of the output pipe: the writer drains it and stops.
        let _ = output.await;
    });
    // Indexer threads may still be reading, and tasks may still wait on the client; the
    // process is done.
    runtime.shutdown_background();
    if shutdown_requested.load(Ordering::SeqCst) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Reads stdin into frames, forwards well-formed messages to the server and queues the
/// transport's own error responses. Ends when stdin closes, which closes the server's input.
async fn read_stdin(
    mut stdin: impl tokio::io::AsyncRead + Unpin,
    mut to_server: impl tokio::io::AsyncWrite + Unpin,
    replies: Outbox,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut framer = transport::Framer::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let read = match stdin.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        framer.push(&chunk[..read]);
        while let Some(frame) = framer.next_frame() {
            match frame {
                transport::Frame::Body(body) => match transport::check_message(&body) {
                    transport::Checked::Forward => {
                        if to_server.write_all(&transport::frame(&body)).await.is_err() {
                            return; // The server has stopped reading (after `exit`).
                        }
                    }
                    transport::Checked::Reply(reply) => {
                        tracing::warn!("refused a message: {}", reply["error"]["message"]);
                        let bytes = transport::frame(reply.to_string().as_bytes());
                        let _ = replies.send(OutgoingFrame { bytes, written: None });
                    }
                },
                transport::Frame::Skipped(count) => tracing::warn!("skipped {count} bytes that were not a message"),
            }
        }
    }
    let _ = to_server.shutdown().await;
}

/// Copies the server's frames to stdout whole, with the [`OutgoingFrame`]s in between.
async fn write_stdout(
    mut from_server: impl tokio::io::AsyncRead + Unpin,
    mut replies: tokio::sync::mpsc::UnboundedReceiver<OutgoingFrame>,
    mut stdout: impl tokio::io::AsyncWrite + Unpin,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut framer = transport::Framer::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        tokio::select! {
            read = from_server.read(&mut chunk) => {
                let read = match read {
                    Ok(0) | Err(_) => break,
                    Ok(read) => read,
                };
                framer.push(&chunk[..read]);
                while let Some(body) = framer.next_trusted_frame() {
                    if stdout.write_all(&transport::frame(&body)).await.is_err() {
                        return;
                    }
                }
            }
            Some(reply) = replies.recv() => {
                if stdout.write_all(&reply.bytes).await.is_err() {
                    return;
                }
                let _ = stdout.flush().await;
                if let Some(written) = reply.written {
                    let _ = written.send(());
                }
            }
        }
        let _ = stdout.flush().await;
    }
    while let Ok(reply) = replies.try_recv() {
        let _ = stdout.write_all(&reply.bytes).await;
    }
    let _ = stdout.flush().await;
}
