//! aiwg-lsp: a language server and checker for aiwg architecture and SDLC documents.
//!
//! Modules in reading order, from plain data to the edges:
//! - [`text`]: byte ranges and the line index (the only place columns are counted);
//! - [`model`]: per-document facts, artifact IDs and kinds;
//! - [`syntax`]: markdown outline (a bulk scanner for the cold index and each keystroke,
//!   tree-sitter for open documents once they are idle) and the shared extraction of facts;
//! - [`resolve`]: the `@`-reference resolver (project root, aiwg root, deploy map, IDs);
//! - [`workspace`]: the immutable snapshot of all documents and its indexes;
//! - [`analysis`]: features over a snapshot, one module each (diagnostics first);
//! - [`agent`]: drafting a section with an aiwg agent: sections, agents, prompts, the offline
//!   drafter, and the edit and provenance record a draft becomes;
//! - [`loader`]: the disk: walking a workspace, reading files, finding the aiwg root;
//! - [`exec`]: running an agent program (no shell, a timeout, bounded output, killed on cancel);
//! - [`cli`]: `aiwg-lsp check` and its renderers;
//! - [`lsp`]: the language server over stdio.
//!
//! Everything above `loader` is pure and synchronous: it takes values and returns values.
//! `loader`, `exec`, `cli` and `lsp` are the edges: the disk, programs, the terminal and the
//! protocol.

pub mod agent;
pub mod analysis;
pub mod cli;
pub mod exec;
pub mod loader;
pub mod lsp;
pub mod model;
#[cfg(test)]
mod pieces;
pub mod resolve;
pub mod syntax;
pub mod text;
pub mod workspace;
