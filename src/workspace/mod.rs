//! The workspace model: every indexed document with its facts, and the immutable [`Snapshot`]
//! that features read: path lookup, ID -> documents, each reference's resolution, backlinks,
//! and provenance records by the artifact they describe.

mod document;
mod snapshot;

pub use document::{Document, FileRole, document_from_text};
pub use snapshot::{DocId, RefId, Snapshot, SnapshotInput};
pub(crate) use snapshot::{PathInterner, ResolutionCache, ResolvedDocument};
