//! Plain data describing aiwg documents: per-document facts, artifact IDs and artifact kinds.
//! Nothing here does I/O or knows a protocol; every type is built by `syntax` and read by
//! `resolve`, `workspace` and `analysis`.

mod facts;
mod ids;
mod kind;
mod provenance;

pub use facts::{
    DocFacts, Heading, IdDeclaration, IdDeclarationSource, IdMention, MetaEntry, MetaSource, RefContext, Reference,
};
pub use ids::{ArtifactId, IdKey, find_ids, known_prefix, parse_id};
pub use kind::ArtifactKind;
pub use provenance::{ARTIFACT_URN_PREFIX, ProvActivity, ProvAgent, ProvDerivation, ProvenanceRecord};
