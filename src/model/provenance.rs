//! W3C-PROV provenance records as aiwg stores them (`.aiwg/research/provenance/records/
//! *.prov.yaml`, aiwg-format §3): the entity a record describes, the activity and agent that
//! produced it, and what it was derived from. Real records drift from the schema (`content_hash`
//! for `checksum`, `derived:` for `entity:`, extra derivation types), so every field is optional.

/// Prefix of artifact URNs: `urn:aiwg:artifact:<project-relative path>`.
pub const ARTIFACT_URN_PREFIX: &str = "urn:aiwg:artifact:";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvenanceRecord {
    /// `entity.id`, normally `urn:aiwg:artifact:<path>`.
    pub(crate) entity_id: Option<String>,
    pub(crate) entity_type: Option<String>,
    /// `sha256:<hex>`, from `checksum`, `content_hash` or `attributes.checksum{algorithm,value}`.
    pub(crate) checksum: Option<String>,
    /// Where the checksum's value is written in the record, for diagnostics.
    pub(crate) checksum_range: Option<crate::text::TextRange>,
    pub(crate) created_at: Option<String>,
    pub(crate) activity: Option<ProvActivity>,
    pub(crate) agent: Option<ProvAgent>,
    pub(crate) derived_from: Vec<ProvDerivation>,
    /// Why the record could not be read in full (invalid YAML, a limit exceeded).
    pub(crate) error: Option<String>,
}

impl ProvenanceRecord {
    /// The artifact path the record describes, when its entity is an artifact URN.
    pub(crate) fn artifact_path(&self) -> Option<&str> {
        self.entity_id.as_deref()?.strip_prefix(ARTIFACT_URN_PREFIX)
    }

    /// The recorded checksum as `sha256:<lowercase hex>`, whichever way it was written
    /// (`sha256:AB…`, `SHA256:…`, or bare hex under a `sha256` algorithm).
    pub(crate) fn normalized_checksum(&self) -> Option<String> {
        let raw = self.checksum.as_deref()?.trim();
        let (algorithm, hex) = raw.split_once(':').unwrap_or(("sha256", raw));
        let hex = hex.trim().to_ascii_lowercase();
        (algorithm.eq_ignore_ascii_case("sha256") && hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| format!("sha256:{hex}"))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProvActivity {
    pub(crate) id: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) started_at: Option<String>,
    pub(crate) ended_at: Option<String>,
    pub(crate) description: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProvAgent {
    pub(crate) id: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) name: Option<String>,
    /// `tool` or `model_id`: the model or tool behind the agent.
    pub(crate) tool: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProvDerivation {
    /// The source entity (`source:`), an artifact URN or path.
    pub(crate) source: String,
    pub(crate) derivation_type: Option<String>,
}
