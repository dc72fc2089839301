//! W3C-PROV provenance records as aiwg stores them (`.aiwg/research/provenance/records/
//! *.prov.yaml`, aiwg-format §3): the entity a record describes, the activity and agent that
//! produced it, and what it was derived from. Real records drift from the schema (`content_hash`
//! for `checksum`, `derived:` for `entity:`, extra derivation types), so every field is optional.

/// Prefix of artifact URNs: `urn:aiwg:artifact:<project-relative path>`.
pub const ARTIFACT_URN_PREFIX: &str = "urn:aiwg:artifact:";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvenanceRecord {
    /// `entity.id`, normally `urn:aiwg:artifact:<path>`.
    pub entity_id: Option<String>,
    pub entity_type: Option<String>,
    /// `sha256:<hex>`, from `checksum`, `content_hash` or `attributes.checksum{algorithm,value}`.
    pub checksum: Option<String>,
    /// Where the checksum's value is written in the record, for diagnostics.
    pub checksum_range: Option<crate::text::TextRange>,
    pub created_at: Option<String>,
    pub activity: Option<ProvActivity>,
    pub agent: Option<ProvAgent>,
    pub derived_from: Vec<ProvDerivation>,
    /// Why the record could not be read in full (invalid YAML, a limit exceeded).
    pub error: Option<String>,
}

impl ProvenanceRecord {
    /// The artifact path the record describes, when its entity is an artifact URN.
    pub fn artifact_path(&self) -> Option<&str> {
        self.entity_id.as_deref()?.strip_prefix(ARTIFACT_URN_PREFIX)
    }

    /// The recorded checksum as `sha256:<lowercase hex>`, whichever way it was written
    /// (`sha256:AB…`, `SHA256:…`, or bare hex under a `sha256` algorithm).
    pub fn normalized_checksum(&self) -> Option<String> {
        let raw = self.checksum.as_deref()?.trim();
        let (algorithm, hex) = raw.split_once(':').unwrap_or(("sha256", raw));
        let hex = hex.trim().to_ascii_lowercase();
        (algorithm.eq_ignore_ascii_case("sha256") && hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| format!("sha256:{hex}"))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvActivity {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvAgent {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    /// `tool` or `model_id`: the model or tool behind the agent.
    pub tool: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvDerivation {
    /// The source entity (`source:`), an artifact URN or path.
    pub source: String,
    pub derivation_type: Option<String>,
}
