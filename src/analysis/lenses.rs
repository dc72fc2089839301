//! Code lenses: above each document's title, how many places point at it (for an ADR, after its
//! lifecycle at a glance: status, what it supersedes and what supersedes it), and above each
//! heading that `#anchor` references land on, how many do; each is clickable to that list. The
//! counts are those of the references request at the same place ([`document_backlinks`] for a
//! title, anchored references for a heading), so a lens and its list agree.

use crate::analysis::references::document_backlinks;
use crate::model::adr;
use crate::text::TextRange;
use crate::workspace::{DocId, RefId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The line it stands above (the title heading).
    pub(crate) range: TextRange,
    pub(crate) title: String,
    /// Where the references list opens: the title's start.
    pub(crate) references_at: usize,
}

/// The lenses of one document: its title's, then its headings' with anchored references.
pub fn code_lenses(snapshot: &Snapshot, doc_id: DocId) -> Vec<CodeLens> {
    let doc = snapshot.doc(doc_id);
    let Some(title) = doc.facts.headings.first().filter(|h| h.level == 1) else { return Vec::new() };
    let mut parts = Vec::new();
    if let Some(record) = adr::adr(&doc.facts) {
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
    }
    parts.push(references(document_backlinks(snapshot, doc_id).len()));
    let mut out = vec![CodeLens { range: title.range, title: parts.join(" · "), references_at: title.range.start }];

    // Anchored references counted per heading in one pass over the document's backlinks.
    let mut per_heading: Vec<(TextRange, usize)> = Vec::new();
    for &RefId { doc: from, index } in snapshot.backlinks(doc.root, &doc.path) {
        let Some(reference) = snapshot.doc(from).facts.references.get(index as usize) else { continue };
        let Some(heading) = reference.anchor.as_deref().and_then(|a| doc.facts.heading_for_anchor(a)) else { continue };
        if heading.range == title.range {
            continue;
        }
        match per_heading.iter_mut().find(|(range, _)| *range == heading.range) {
            Some((_, count)) => *count += 1,
            None => per_heading.push((heading.range, 1)),
        }
    }
    per_heading.sort_by_key(|(range, _)| range.start);
    out.extend(per_heading.into_iter().map(|(range, count)| CodeLens {
        range,
        title: references(count),
        references_at: range.start,
    }));
    out
}

fn references(count: usize) -> String {
    match count {
        1 => "1 reference".to_string(),
        n => format!("{n} references"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture::Fixture;

    #[test]
    fn headings_with_anchored_references_count_them() {
        let fixture = Fixture::parse(
            r#"
            //- /.aiwg/architecture/sad.md
            $0# Software Architecture

            ## Caching Strategy

            ## Security
            //- /docs/a.md
            # A
            See @.aiwg/architecture/sad.md#caching-strategy, @.aiwg/architecture/sad.md#caching and @.aiwg/architecture/sad.md.
            "#,
        );
        let (doc, _) = fixture.cursor.unwrap();
        let shown: Vec<(String, String)> = code_lenses(&fixture.snapshot, doc)
            .iter()
            .map(|l| (l.range.slice(fixture.text(doc)).to_string(), l.title.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                ("# Software Architecture".to_string(), "3 references".to_string()),
                ("## Caching Strategy".to_string(), "2 references".to_string()),
            ]
        );
    }

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

            Not an ADR: only the count.
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
        let shown: Vec<String> = code_lenses(&fixture.snapshot, other).iter().map(|l| l.title.clone()).collect();
        assert_eq!(shown, ["0 references"], "any document's title counts its references");
    }
}
