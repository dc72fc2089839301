//! Reading `*.prov.yaml` records into [`ProvenanceRecord`]s, leniently and within limits.
//!
//! Records are multi-document YAML with schema drift (aiwg-format §3.4), and a workspace file
//! can be hostile (a "billion laughs" alias bomb), so parsing runs under serde-saphyr's budget
//! with tighter caps than its defaults, and any failure becomes `error` on an empty record.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::model::{
    ARTIFACT_URN_PREFIX, ProvActivity, ProvAgent, ProvDerivation, ProvenanceRecord, RefContext, Reference,
};
use crate::text::TextRange;

/// A YAML value, just enough to walk a record whose shape we do not trust.
#[derive(Clone, Debug, PartialEq)]
enum Yaml {
    Null,
    Scalar(String),
    List(Vec<Yaml>),
    Map(BTreeMap<String, Yaml>),
}

impl Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(map) => map.get(key),
            _ => None,
        }
    }

    fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Yaml::Scalar(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn items(&self) -> &[Yaml] {
        match self {
            Yaml::List(items) => items,
            _ => std::slice::from_ref(self),
        }
    }
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Yaml, D::Error> {
        struct YamlVisitor;
        impl<'de> Visitor<'de> for YamlVisitor {
            type Value = Yaml;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Yaml, E> {
                Ok(Yaml::Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Yaml, E> {
                Ok(Yaml::Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Yaml, E> {
                Ok(Yaml::Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Yaml, E> {
                Ok(Yaml::Scalar(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Yaml, E> {
                Ok(Yaml::Scalar(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Yaml, E> {
                Ok(Yaml::Scalar(v))
            }
            fn visit_unit<E>(self) -> Result<Yaml, E> {
                Ok(Yaml::Null)
            }
            fn visit_none<E>(self) -> Result<Yaml, E> {
                Ok(Yaml::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
                Yaml::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Yaml::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some((key, value)) = map.next_entry::<Yaml, Yaml>()? {
                    let key = match key {
                        Yaml::Scalar(s) => s,
                        _ => continue, // Complex keys carry nothing a record needs.
                    };
                    entries.insert(key, value);
                }
                Ok(Yaml::Map(entries))
            }
        }
        deserializer.deserialize_any(YamlVisitor)
    }
}

/// Budget for one record: real records have a few hundred nodes.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 100_000;
    budget.max_nodes = 50_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 32;
    budget.max_documents = 64;
    budget.max_total_scalar_bytes = 4 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    options
}

/// Reads a provenance record. The first YAML document with an `entity` is the record (the
/// research template puts a template header document first).
pub(crate) fn parse_provenance(text: &str) -> ProvenanceRecord {
    // Records carry long `history`, `metadata` and `attributes` lists the index never reads: the
    // YAML parser sees only the top-level blocks it needs, and the whole text when that reading
    // fails or finds no entity (an alias into a dropped block, a flow mapping at column 0).
    if let Some(reduced) = needed_blocks(text) {
        let record = parse_whole(&reduced, text);
        if record.error.is_none() {
            return record;
        }
    }
    parse_whole(text, text)
}

/// Top-level keys of a record that [`parse_provenance`] reads.
const NEEDED_KEYS: &[&str] = &["entity", "activity", "agent", "relationships"];

/// `text` with only the top-level blocks under [`NEEDED_KEYS`] (and document markers), or
/// `None` when nothing would be left out.
fn needed_blocks(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut keep = true;
    let mut dropped = false;
    for line in text.split_inclusive('\n') {
        let starts_block = line.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '"' || c == '\'');
        if line.starts_with("---") || line.starts_with("...") {
            keep = true;
        } else if starts_block {
            let key = line.split(':').next().unwrap_or("").trim().trim_matches(['"', '\'']);
            keep = NEEDED_KEYS.contains(&key);
        }
        if keep {
            out.push_str(line);
        } else {
            dropped = true;
        }
    }
    dropped.then_some(out)
}

/// The record read from `yaml`, with checksum ranges taken in `original` (the file's text).
fn parse_whole(yaml: &str, original: &str) -> ProvenanceRecord {
    let text = original;
    let documents: Vec<Yaml> = match serde_saphyr::from_str_multiple_with_options(yaml, options()) {
        Ok(docs) => docs,
        Err(err) => {
            let message = err.to_string();
            let first_line = message.lines().next().unwrap_or("invalid YAML").to_string();
            return ProvenanceRecord { error: Some(first_line), ..ProvenanceRecord::default() };
        }
    };
    let Some(doc) = documents.iter().find(|d| d.get("entity").is_some()) else {
        return ProvenanceRecord { error: Some("no `entity` in any YAML document".into()), ..Default::default() };
    };
    let entity = doc.get("entity").cloned().unwrap_or(Yaml::Null);
    let checksum = entity.str("checksum").or_else(|| entity.str("content_hash")).or_else(|| {
        let c = entity.get("attributes")?.get("checksum")?;
        c.str("value").map(|v| match c.str("algorithm") {
            Some(alg) if !v.contains(':') => format!("{}:{v}", alg.to_ascii_lowercase()),
            _ => v,
        })
    });
    let activity = doc.get("activity").map(|a| ProvActivity {
        id: a.str("id"),
        kind: a.str("type"),
        started_at: a.str("started_at").or_else(|| a.get("timing")?.str("started_at")),
        ended_at: a.str("ended_at").or_else(|| a.get("timing")?.str("ended_at")),
        description: a.str("description").or_else(|| a.str("label")),
    });
    let agent = doc.get("agent").map(|a| ProvAgent {
        id: a.str("id"),
        kind: a.str("type"),
        name: a.str("name").or_else(|| a.str("label")),
        tool: a.str("tool").or_else(|| a.str("model_id")).or_else(|| a.get("attributes")?.str("tool")),
    });
    let derived_from = doc
        .get("relationships")
        .and_then(|r| r.get("wasDerivedFrom"))
        .map(|list| {
            list.items()
                .iter()
                .filter_map(|d| {
                    let source = d.str("source").or_else(|| d.str("derived"))?;
                    Some(ProvDerivation { source, derivation_type: d.str("derivation_type") })
                })
                .collect()
        })
        .unwrap_or_default();
    let checksum_range = checksum.as_deref().and_then(|value| value_range(text, value));
    ProvenanceRecord {
        checksum_range,
        entity_id: entity.str("id"),
        entity_type: entity.str("type"),
        checksum,
        created_at: entity.str("created_at").or_else(|| entity.get("attributes")?.str("created_at")),
        activity,
        agent,
        derived_from,
        error: None,
    }
}

/// Keys whose value may be an artifact written as a plain path rather than a URN.
const PATH_KEYS: &[&str] = &["source", "entity", "derived", "used", "path"];

/// The artifacts a record names, as references: every `urn:aiwg:artifact:<path>` (the entity,
/// and the entities of `wasGeneratedBy`, `wasDerivedFrom`, `used`, `wasAttributedTo`) and every
/// plain path under one of [`PATH_KEYS`], outside comments, each where its path is written, so
/// hover, definition and backlinks work on them as on `@`-references (aiwg-format §3).
pub(crate) fn artifact_references(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        // Records are long and mostly free of comments: only a line with a `#` is walked.
        let content = match memchr::memchr(b'#', line.as_bytes()) {
            Some(_) => &line[..comment_start(line)],
            None => line,
        };
        let mut from = 0;
        while let Some(at) = ARTIFACT_URN_FINDER.find(&content.as_bytes()[from..]) {
            let start = from + at + ARTIFACT_URN_PREFIX.len();
            let end = start + content[start..].find(is_value_end).unwrap_or(content.len() - start);
            push_path(&mut out, offset + start, &content[start..end]);
            from = end;
        }
        if let Some((start, value)) = plain_path_value(content) {
            push_path(&mut out, offset + start, value);
        }
        offset += line.len();
    }
    out
}

/// [`ARTIFACT_URN_PREFIX`], searched for on every line of a record.
static ARTIFACT_URN_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(ARTIFACT_URN_PREFIX));

fn push_path(out: &mut Vec<Reference>, start: usize, written: &str) {
    let (path, anchor) = match written.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_string())),
        None => (written, None),
    };
    if path.is_empty() {
        return;
    }
    out.push(Reference {
        range: TextRange::new(start, start + written.len()),
        path: path.into(),
        anchor: anchor.map(Into::into),
        line: None,
        context: RefContext::Provenance,
        qualifier: None,
        bare: true,
        link: false,
        planned: false,
    });
}

/// `  source: ".aiwg/intake/project-intake.md"` → the path and where it starts, for a path
/// (holding `/` and a file extension) under one of [`PATH_KEYS`].
fn plain_path_value(content: &str) -> Option<(usize, &str)> {
    let trimmed = content.trim_start().trim_start_matches("- ");
    let (key, rest) = trimmed.split_once(':')?;
    if !PATH_KEYS.contains(&key.trim()) {
        return None;
    }
    let value = rest.trim().trim_matches(['"', '\'']);
    let looks_like_path = value.contains('/')
        && !value.contains("://")
        && !value.starts_with("urn:")
        && value.rsplit('/').next().is_some_and(|name| name.contains('.'))
        && !value.contains(char::is_whitespace);
    if !looks_like_path {
        return None;
    }
    let start = content.len() - rest.len() + rest.find(value)?;
    Some((start, value))
}

fn is_value_end(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ']' | '}')
}

/// Where a YAML comment starts on the line (`#` at the start or after a blank, outside quotes);
/// the line's length when there is none.
fn comment_start(line: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return i,
            None => {}
        }
        previous = c;
    }
    line.len()
}

/// Where `value` is written in `text` (the first time, on a line that is not a comment).
fn value_range(text: &str, value: &str) -> Option<crate::text::TextRange> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#')
            && let Some(at) = line.find(value)
        {
            return Some(crate::text::TextRange::new(offset + at, offset + at + value.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_are_references_where_their_paths_are_written() {
        let text = r#"# urn:aiwg:artifact:.aiwg/in-a-comment.md
entity:
  id: "urn:aiwg:artifact:.aiwg/requirements/UC-001.md"
relationships:
  wasDerivedFrom:
    - entity: "urn:aiwg:artifact:.aiwg/requirements/UC-001.md#flow"
      source: '.aiwg/intake/project-intake.md' # the intake
    - source: https://example.com/spec.md
  used: [urn:aiwg:artifact:src/a.ts, urn:aiwg:artifact:src/b.ts]
"#;
        let found: Vec<String> = artifact_references(text)
            .iter()
            .map(|r| format!("{:?} {} #{:?}", r.range.slice(text), r.path, r.anchor))
            .collect();
        expect_test::expect![[r##"
            [
                "\".aiwg/requirements/UC-001.md\" .aiwg/requirements/UC-001.md #None",
                "\".aiwg/requirements/UC-001.md#flow\" .aiwg/requirements/UC-001.md #Some(\"flow\")",
                "\".aiwg/intake/project-intake.md\" .aiwg/intake/project-intake.md #None",
                "\"src/a.ts\" src/a.ts #None",
                "\"src/b.ts\" src/b.ts #None",
            ]
        "##]]
        .assert_debug_eq(&found);
    }

    #[test]
    fn blocks_the_index_does_not_read_are_skipped_or_read_when_needed() {
        let record = "history:\n  - at: &when \"2026-01-02T00:00:00Z\"\n    note: long\nentity:\n  id: \"urn:aiwg:artifact:a.md\"\n  checksum: \"sha256:ab\"\nmetadata:\n  tags: [x, y]\n";
        let reduced = needed_blocks(record).expect("history and metadata are left out");
        assert_eq!(reduced, "entity:\n  id: \"urn:aiwg:artifact:a.md\"\n  checksum: \"sha256:ab\"\n");
        let parsed = parse_provenance(record);
        assert_eq!(parsed.entity_id.as_deref(), Some("urn:aiwg:artifact:a.md"));
        assert_eq!(parsed.checksum_range.map(|r| r.slice(record)), Some("sha256:ab"));
        // An alias into a skipped block: the whole text is read instead.
        let aliased = record.replace("  checksum: \"sha256:ab\"\n", "  created_at: *when\n");
        assert_eq!(parse_provenance(&aliased).created_at.as_deref(), Some("2026-01-02T00:00:00Z"));
    }

    #[test]
    fn reads_the_schema_and_its_drift() {
        let record = parse_provenance(
            "entity:\n  id: urn:aiwg:artifact:.aiwg/x.md\n  type: document\n  content_hash: sha256:ab\n\
             activity:\n  id: urn:aiwg:activity:generation:x:001\n  type: generation\n\
             agent:\n  id: urn:aiwg:agent:architecture-designer\n  type: aiwg_agent\n  model_id: opus\n\
             relationships:\n  wasDerivedFrom:\n    - derived: urn:aiwg:artifact:.aiwg/y.md\n      derivation_type: applies_research\n",
        );
        assert_eq!(record.artifact_path(), Some(".aiwg/x.md"));
        assert_eq!(record.checksum.as_deref(), Some("sha256:ab"));
        assert_eq!(record.agent.unwrap().tool.as_deref(), Some("opus"));
        assert_eq!(record.derived_from[0].source, "urn:aiwg:artifact:.aiwg/y.md");
        assert_eq!(record.error, None);
    }

    #[test]
    fn multi_document_record_with_a_template_header() {
        let record = parse_provenance("template_id: x\n---\nentity:\n  id: urn:aiwg:artifact:a.md\n");
        assert_eq!(record.artifact_path(), Some("a.md"));
    }

    #[test]
    fn an_alias_bomb_is_refused_not_expanded() {
        let mut bomb =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (i, prev) in ('b'..='j').zip('a'..='i') {
            bomb.push_str(&format!(
                "{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let record = parse_provenance(&bomb);
        assert!(record.error.is_some(), "{record:?}");
    }

    #[test]
    fn invalid_yaml_is_an_error_value() {
        let record = parse_provenance("entity: [unclosed\n  : :\n");
        assert!(record.error.is_some());
        assert_eq!(record.entity_id, None);
    }
}
