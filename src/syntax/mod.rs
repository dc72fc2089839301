//! Markdown syntax: the two ways of finding a document's [`Outline`] (a bulk line scanner for
//! the cold index and for each keystroke, tree-sitter-md for open documents once they are idle,
//! on the server's parser thread) and the one shared extraction from an outline to
//! [`DocFacts`]. Parsing never fails: any byte string yields an outline.

pub(crate) mod data;
pub mod extract;
pub(crate) mod links;
pub mod outline;
pub(crate) mod provenance;
pub(crate) mod refs;
pub mod scan;
pub(crate) mod slug;
pub(crate) mod trade_study;
pub mod tree;

pub(crate) use outline::Outline;

use crate::model::DocFacts;

/// Facts of a closed document, through the bulk scanner (the cold-index path).
pub fn facts_from_text(path: &str, text: &str) -> DocFacts {
    let outline = scan::outline(text);
    extract::facts(path, text, &outline)
}

/// Facts of a source file (TypeScript, Python…): only the references and qualified IDs in its
/// comments matter (`@implements UC-001`, `@tests .aiwg/testing/plan.md`, aiwg-format §2.6).
pub(crate) fn facts_from_code(path: &str, text: &str) -> DocFacts {
    extract::code_facts(path, text)
}
