//! Plain data describing aiwg documents: per-document facts, artifact IDs and artifact kinds.
//! Nothing here does I/O or knows a protocol; every type is built by `syntax` and read by
//! `resolve`, `workspace` and `analysis`.

pub(crate) mod adr;
mod facts;
mod ids;
mod kind;
pub(crate) mod origin;
mod provenance;
pub(crate) mod trade_study;

pub(crate) use facts::{
    DocFacts, Heading, IdDeclaration, IdDeclarationSource, IdMention, LineSuffix, MetaEntry, MetaSource, Qualifier,
    RefContext, Reference,
};
pub(crate) use ids::{ArtifactId, IdKey, find_ids, parse_id};
pub(crate) use kind::ArtifactKind;
pub(crate) use provenance::{ARTIFACT_URN_PREFIX, ProvActivity, ProvAgent, ProvDerivation, ProvenanceRecord};
