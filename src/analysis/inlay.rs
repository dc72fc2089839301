//! Inlay hints: after an ADR ID mentioned in a document, the decision's title and status, so a
//! reader of `Builds on ADR-007` sees what ADR-007 decided and whether it still stands without
//! opening it (aiwg-format §4). IDs in code, the document's own ID, and IDs no ADR of the same
//! project declares get no hint.

use crate::model::{ArtifactKind, adr, origin};
use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

/// Longest title shown, in characters.
const MAX_TITLE_CHARS: usize = 48;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes: right after the ID.
    pub(crate) offset: usize,
    pub(crate) label: String,
}

/// The hints for the ADR IDs mentioned in `range` of the document.
pub fn adr_hints(snapshot: &Snapshot, doc_id: DocId, range: TextRange) -> Vec<InlayHint> {
    let doc = snapshot.doc(doc_id);
    let project = snapshot.roots().project_dir(doc.root, &doc.path);
    doc.facts
        .id_mentions
        .iter()
        .filter(|m| m.id.key.prefix == "ADR" && !m.context.is_code())
        .filter(|m| m.range.start >= range.start && m.range.end <= range.end)
        .filter_map(|mention| {
            let target = snapshot
                .declaring(&mention.id.key)
                .iter()
                .map(|&id| snapshot.doc(id))
                .filter(|d| d.facts.kind == ArtifactKind::Adr && origin::companion_role(&d.path).is_none())
                .find(|d| d.root == doc.root && snapshot.roots().project_dir(d.root, &d.path) == project)?;
            let record = adr::adr(&target.facts)?;
            let title = target.facts.title.as_deref().unwrap_or("");
            // `ADR-007: Use Redis` → `Use Redis`: the ID is already on the line.
            let title = title
                .split_once(':')
                .filter(|(head, _)| crate::model::parse_id(head.trim()).is_some())
                .map_or(title, |(_, rest)| rest.trim());
            let mut label: String = title.chars().take(MAX_TITLE_CHARS).collect();
            if title.chars().count() > MAX_TITLE_CHARS {
                label.push('…');
            }
            if let Some((status, _)) = record.status_value {
                if !label.is_empty() {
                    label.push_str(" · ");
                }
                label.push_str(status);
            }
            (!label.is_empty()).then_some(InlayHint { offset: mention.range.end, label })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture::Fixture;

    #[test]
    fn title_and_status_after_each_adr_mention() {
        let fixture = Fixture::parse(
            r#"
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            # ADR-007: Use Redis for Sessions and the Rate Limiter's Sliding Windows

            **Status**: Superseded by ADR-009
            //- /.aiwg/architecture/decisions/ADR-009-valkey.md
            # ADR-009: Use Valkey

            **Status**: Accepted
            //- /docs/notes.md
            # Notes
            ADR-007 gave way to ADR-009; `ADR-009` in code and ADR-404 get nothing.
            "#,
        );
        let (doc, _) = fixture.snapshot.workspace_documents().find(|(_, d)| d.path == "docs/notes.md").unwrap();
        let text = fixture.text(doc);
        let hints: Vec<String> = adr_hints(&fixture.snapshot, doc, TextRange::new(0, text.len()))
            .iter()
            .map(|h| format!("{:?} {}", &text[..h.offset].rsplit(' ').next().unwrap_or(""), h.label))
            .collect();
        expect_test::expect![[r#"
            [
                "\"Notes\\nADR-007\" Use Redis for Sessions and the Rate Limiter's Sl… · Superseded by ADR-009",
                "\"ADR-009\" Use Valkey · Accepted",
            ]
        "#]]
        .assert_debug_eq(&hints);
    }
}
