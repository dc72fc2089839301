//! The workspace's ADRs as a list (for `aiwg-lsp adr list`): number, title, status, date,
//! supersession and layout of each, built from the ADR model (aiwg-format §4). Templates and
//! worked examples are listed too, marked as such, so that a project's and a release's records
//! read alike.

use crate::model::{adr, origin};
use crate::workspace::Snapshot;

/// One ADR of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdrRow {
    /// `ADR-007`, or empty for a template without a number.
    pub id: String,
    pub title: String,
    /// As written (`ACCEPTED (Non-Negotiable)`), or empty.
    pub status: String,
    pub date: String,
    pub supersedes: Vec<String>,
    pub superseded_by: Vec<String>,
    /// `aiwg`, `tree-of-thoughts`, `madr` or `nygard`.
    pub layout: &'static str,
    /// A template or worked example rather than a decision.
    pub template: bool,
    pub path: String,
}

/// Every ADR of the workspace (the aiwg root's are left out), by number, then path.
pub fn adr_list(snapshot: &Snapshot) -> Vec<AdrRow> {
    let mut rows: Vec<(Option<u32>, AdrRow)> = snapshot
        .workspace_documents()
        .filter_map(|(_, doc)| {
            let adr = adr::adr(&doc.facts).or_else(|| adr::adr_template(&doc.facts, &doc.path))?;
            let ids = |list: &[(&crate::model::IdKey, crate::text::TextRange)]| {
                let mut ids: Vec<String> = list.iter().map(|(key, _)| key.to_string()).collect();
                ids.dedup();
                ids
            };
            let row = AdrRow {
                id: adr.id.map(ToString::to_string).unwrap_or_default(),
                title: doc.facts.title.clone().unwrap_or_default(),
                status: adr.status_value.map(|(value, _)| value.to_string()).unwrap_or_default(),
                date: doc.facts.meta("Date").or_else(|| doc.facts.meta("Decision Date")).unwrap_or("").to_string(),
                supersedes: ids(&adr.supersedes),
                superseded_by: ids(&adr.superseded_by),
                layout: match adr.template {
                    adr::AdrTemplate::Aiwg => "aiwg",
                    adr::AdrTemplate::TreeOfThoughts => "tree-of-thoughts",
                    adr::AdrTemplate::Madr => "madr",
                    adr::AdrTemplate::Nygard => "nygard",
                },
                template: origin::is_template_path(&doc.path) || doc.is_framework_text(),
                path: doc.path.clone(),
            };
            Some((adr.id.map(|k| k.number), row))
        })
        .collect();
    rows.sort_by(|(a, x), (b, y)| (x.template, a.is_none(), a, &x.path).cmp(&(y.template, b.is_none(), b, &y.path)));
    rows.into_iter().map(|(_, row)| row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture::Fixture;

    #[test]
    fn decisions_by_number_then_templates() {
        let fixture = Fixture::parse(
            r#"
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            # ADR-007: Use Redis

            **Status**: Accepted
            **Date**: 2026-11-02
            **Supersedes**: ADR-003
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-003: Use Memcached

            ## Status

            Superseded by ADR-007
            //- /templates/governance/adr-template.md
            # Architecture Decision Record (ADR)

            ## Phase 1: Core Decision (ESSENTIAL)
            "#,
        );
        let rows: Vec<String> = adr_list(&fixture.snapshot)
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {:?} {:?} {:?} {:?} {} {} {}",
                    r.id, r.title, r.status, r.date, r.supersedes, r.superseded_by, r.layout, r.template, r.path
                )
            })
            .collect();
        expect_test::expect![[r#"
            [
                "ADR-003 \"ADR-003: Use Memcached\" \"Superseded by ADR-007\" \"\" [] [\"ADR-007\"] nygard false .aiwg/architecture/decisions/ADR-003-memcached.md",
                "ADR-007 \"ADR-007: Use Redis\" \"Accepted\" \"2026-11-02\" [\"ADR-003\"] [] nygard false .aiwg/architecture/decisions/ADR-007-redis.md",
                " \"Architecture Decision Record (ADR)\" \"\" \"\" [] [] aiwg true templates/governance/adr-template.md",
            ]
        "#]].assert_debug_eq(&rows);
    }
}
