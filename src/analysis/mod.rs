//! Features over a [`crate::workspace::Snapshot`], one module each. Every feature is a pure
//! function from a snapshot and plain inputs (byte offsets, query strings) to plain values; the
//! LSP and CLI layers convert.

pub(crate) mod adr_actions;
pub mod adrs;
pub(crate) mod cancel;
pub(crate) mod change;
pub(crate) mod code_actions;
pub mod completion;
pub(crate) mod cursor;
pub mod definition;
pub mod diagnostics;
#[cfg(test)]
pub(crate) mod fixture;
pub mod folding;
pub mod highlight;
pub mod hover;
pub mod inlay;
pub mod lenses;
pub mod links;
pub mod navigation;
pub mod references;
pub(crate) mod snippets;
pub mod symbols;

pub use cancel::{Cancel, Cancelled};
pub use change::{ChangeSet, FileChange, FilePath, Fix, TextEdit};
pub use diagnostics::{Code, Diagnostic, Severity, diagnostics, diagnostics_with_fixes};
