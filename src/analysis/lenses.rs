//! Code lenses: above an ADR's title, its lifecycle at a glance (status, what it supersedes and
//! what supersedes it) and how many places point at it, clickable to that list. The count is
//! [`document_backlinks`], the list the title's references request returns, so the two agree.

use crate::analysis::references::document_backlinks;
use crate::model::adr;
use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The line it stands above (the title heading).
    pub(crate) range: TextRange,
    pub(crate) title: String,
    /// Where the references list opens: the title's start.
    pub(crate) references_at: usize,
}

/// The lenses of one document: one per ADR, on its title.
pub fn code_lenses(snapshot: &Snapshot, doc_id: DocId) -> Vec<CodeLens> {
    let doc = snapshot.doc(doc_id);
    let Some(record) = adr::adr(&doc.facts) else { return Vec::new() };
    let Some(title) = doc.facts.headings.first() else { return Vec::new() };
    let mut parts = Vec::new();
    match record.status_value {
        Some((value, _)) => parts.push(value.to_string()),
        None => parts.push("no status".to_string()),
    }
    let ids = |list: &[(crate::model::IdKey, TextRange)]| {
        let mut ids: Vec<String> = list.iter().map(|(k, _)| k.to_string()).collect();
        ids.dedup();
        ids.join(", ")
    };
    if !record.supersedes.is_empty() {
        parts.push(format!("supersedes {}", ids(&record.supersedes)));
    }
    // A status "Superseded by ADR-012" already says it.
    if !record.superseded_by.is_empty() && record.status != Some(adr::AdrStatus::Superseded) {
        parts.push(format!("superseded by {}", ids(&record.superseded_by)));
    }
    let count = document_backlinks(snapshot, doc_id).len();
    parts.push(match count {
        1 => "1 reference".to_string(),
        n => format!("{n} references"),
    });
    vec![CodeLens { range: title.range, title: parts.join(" · "), references_at: title.range.start }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture::Fixture;

    #[test]
    fn an_adr_title_shows_its_lifecycle_and_references() {
        let fixture = Fixture::parse(
            r#"
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-003: Use Memcached

            **Status**: Superseded by ADR-007
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            $0# ADR-007: Use Redis

            **Status**: ACCEPTED (Non-Negotiable)
            **Supersedes**: ADR-003
            **Superseded By**: ADR-009
            //- /docs/notes.md
            # Notes

            Caching follows ADR-007 (see @.aiwg/architecture/decisions/ADR-007-redis.md).
            //- /docs/other.md
            # Other

            Not an ADR, so no lens.
            "#,
        );
        let (doc, _) = fixture.cursor.unwrap();
        let lenses = code_lenses(&fixture.snapshot, doc);
        let shown: Vec<(String, &str)> =
            lenses.iter().map(|l| (l.range.slice(fixture.text(doc)).to_string(), l.title.as_str())).collect();
        assert_eq!(
            shown,
            [(
                "# ADR-007: Use Redis".to_string(),
                "ACCEPTED (Non-Negotiable) · supersedes ADR-003 · superseded by ADR-009 · 3 references"
            )]
        );
        let older = fixture
            .snapshot
            .doc_by_path(crate::resolve::RootKind::Workspace, ".aiwg/architecture/decisions/ADR-003-memcached.md")
            .unwrap();
        assert_eq!(code_lenses(&fixture.snapshot, older)[0].title, "Superseded by ADR-007 · 1 reference");
        let other = fixture.snapshot.doc_by_path(crate::resolve::RootKind::Workspace, "docs/other.md").unwrap();
        assert!(code_lenses(&fixture.snapshot, other).is_empty());
    }
}
