//! Features over a [`crate::workspace::Snapshot`], one module each. Every feature is a pure
//! function from a snapshot and plain inputs to plain values; the LSP and CLI layers convert.

pub mod diagnostics;
#[cfg(test)]
pub(crate) mod fixture;

pub use diagnostics::{Code, Diagnostic, Severity, diagnostics};
