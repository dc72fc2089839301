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
    /// As written (`Ana, Ben`), or empty.
    pub deciders: String,
    pub supersedes: Vec<String>,
    pub superseded_by: Vec<String>,
    /// ADRs it names as related.
    pub related: Vec<String>,
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
            let ids = |list: &[(crate::model::IdKey, crate::text::TextRange)]| {
                let mut ids: Vec<String> = list.iter().map(|(key, _)| key.to_string()).collect();
                ids.dedup();
                ids
            };
            let row = AdrRow {
                id: adr.id.map(ToString::to_string).unwrap_or_default(),
                title: doc.facts.title.clone().unwrap_or_default(),
                status: adr.status_value.map(|(value, _)| value.to_string()).unwrap_or_default(),
                date: adr.date.unwrap_or("").to_string(),
                deciders: adr.deciders.unwrap_or("").to_string(),
                related: adr.related.iter().map(ToString::to_string).collect(),
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

/// How the project's ADRs are laid out (aiwg-format §4.3): the folder most of them live in
/// (else `.aiwg/architecture/decisions`), the category most of that folder's IDs carry
/// (`ADR-AP-003`), the next free number in it, the file-name style (`ADR-012-slug.md`,
/// `adr-012-slug.md` or `012-slug.md`) and the template most of them follow.
pub(crate) struct AdrLayout {
    pub(crate) folder: String,
    style: &'static str,
    category: Option<String>,
    pub(crate) next: u32,
    pub(crate) template: Option<adr::AdrTemplate>,
}

impl AdrLayout {
    pub(crate) fn of(snapshot: &Snapshot) -> AdrLayout {
        let existing: Vec<(&str, adr::Adr<'_>)> = snapshot
            .workspace_documents()
            .filter(|(_, doc)| !doc.is_framework_text() && !origin::is_template_path(&doc.path))
            .filter_map(|(_, doc)| Some((doc.path.as_str(), adr::adr(&doc.facts)?)))
            .collect();
        let folder = most_common(existing.iter().filter_map(|(path, _)| path.rsplit_once('/').map(|(dir, _)| dir)))
            .unwrap_or(".aiwg/architecture/decisions");
        let in_folder =
            || existing.iter().filter(|(path, _)| path.rsplit_once('/').is_some_and(|(dir, _)| dir == folder));
        let category = most_common(in_folder().filter_map(|(_, a)| a.id).map(|k| k.category.as_deref())).flatten();
        let next = existing
            .iter()
            .filter_map(|(_, a)| a.id.filter(|k| k.category.as_deref() == category).map(|k| k.number))
            .max()
            .unwrap_or(0)
            + 1;
        let names = in_folder().map(|(path, _)| path.rsplit('/').next().unwrap_or(path));
        let style = most_common(names.map(|name| {
            if name.starts_with("ADR-") {
                "ADR-"
            } else if name.starts_with("adr-") {
                "adr-"
            } else if name.starts_with(|c: char| c.is_ascii_digit()) {
                ""
            } else {
                "ADR-"
            }
        }))
        .unwrap_or("ADR-");
        let template = most_common(existing.iter().map(|(_, a)| a.template));
        AdrLayout { folder: folder.to_string(), style, category: category.map(str::to_string), next, template }
    }

    /// The ID of number `number` in the layout's category: `ADR-008`, `ADR-AP-004`.
    pub(crate) fn id(&self, number: u32) -> String {
        match &self.category {
            Some(category) => format!("ADR-{category}-{number:03}"),
            None => format!("ADR-{number:03}"),
        }
    }

    /// The file of the ADR `id` titled `title`, in the layout's folder and file-name style.
    pub(crate) fn path(&self, id: &str, title: &str) -> String {
        let slug: String = title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join("-");
        let number_part = id.strip_prefix("ADR-").unwrap_or(id);
        let stem = match self.style {
            "adr-" => format!("adr-{}", number_part.to_ascii_lowercase()),
            "" => number_part.rsplit('-').next().unwrap_or(number_part).to_string(),
            _ => format!("ADR-{number_part}"),
        };
        if slug.is_empty() { format!("{}/{stem}.md", self.folder) } else { format!("{}/{stem}-{slug}.md", self.folder) }
    }
}

/// A new ADR's file: the next number of the workspace's layout ([`AdrLayout`]), with `template`
/// or else the one the workspace's ADRs follow, else aiwg's adr-template, dated `today`.
pub(crate) fn new_adr(
    snapshot: &Snapshot,
    title: &str,
    template: Option<adr::AdrTemplate>,
    today: &str,
) -> (String, String) {
    let layout = AdrLayout::of(snapshot);
    let id = layout.id(layout.next);
    let template = template.or(layout.template).unwrap_or(adr::AdrTemplate::Aiwg);
    (layout.path(&id, title), adr_text(&id, title, template, today))
}

/// The text of a new ADR: its title, Proposed status and date in the template's metadata form,
/// then the template's sections with their guidance.
pub(crate) fn adr_text(id: &str, title: &str, template: adr::AdrTemplate, today: &str) -> String {
    let mut text = match template {
        adr::AdrTemplate::TreeOfThoughts => format!(
            "# {id}: {title}\n\n---\ntemplate_id: adr-with-tot\nreasoning_required: true\n---\n\n\
             **Status:** Proposed\n**Date:** {today}\n**Deciders:** \n**Decision ID:** {id}\n"
        ),
        adr::AdrTemplate::Aiwg => format!(
            "# {id}: {title}\n\n## Metadata\n\n- **ADR ID**: {id}\n- **Status**: Proposed\n- **Date**: {today}\n\
             - **Author(s)**: \n- **Reviewers**: \n"
        ),
        adr::AdrTemplate::Madr | adr::AdrTemplate::Nygard => {
            format!("# {id}: {title}\n\n**Status**: Proposed\n**Date**: {today}\n")
        }
    };
    for (section, guidance) in template.sections() {
        if *section == "Status" || *section == "Metadata" {
            continue; // Stated in the lines above.
        }
        text.push_str(&format!("\n## {section}\n\n{guidance}\n"));
    }
    text
}

/// The value that occurs most often (the first of equals), if any.
fn most_common<T: PartialEq + Copy>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    for value in values {
        match counts.iter_mut().find(|(v, _)| *v == value) {
            Some((_, n)) => *n += 1,
            None => counts.push((value, 1)),
        }
    }
    counts
        .iter()
        .fold(None, |best: Option<(T, usize)>, &(v, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((v, n)),
        })
        .map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture::Fixture;

    #[test]
    fn a_new_adr_follows_the_workspace() {
        let fixture = Fixture::parse(
            r#"
            //- /.aiwg/architecture/adrs/adr-003-memcached.md
            # ADR-003: Use Memcached

            ## Context and Problem Statement
            //- /.aiwg/architecture/adrs/adr-007-redis.md
            # ADR-007: Use Redis

            ## Decision Outcome
            "#,
        );
        let (path, text) = new_adr(&fixture.snapshot, "Use NATS for Events!", None, "2026-12-01");
        assert_eq!(path, ".aiwg/architecture/adrs/adr-008-use-nats-for-events.md");
        expect_test::expect![[r#"
            # ADR-008: Use NATS for Events!

            **Status**: Proposed
            **Date**: 2026-12-01

            ## Context and Problem Statement

            [The problem, in two or three sentences.]

            ## Decision Drivers

            [The forces and concerns that decide.]

            ## Considered Options

            [The options, one per bullet.]

            ## Decision Outcome

            [Chosen option, because …]

            ## Consequences

            [Good, because …; bad, because ….]

            ## References

            [@-references to the use cases, NFR modules and ADRs this rests on.]
        "#]]
        .assert_eq(&text);
        let empty = Fixture::parse("//- /README.md\n# Readme\n");
        let (path, _) = new_adr(&empty.snapshot, "First", Some(adr::AdrTemplate::TreeOfThoughts), "2026-12-01");
        assert_eq!(path, ".aiwg/architecture/decisions/ADR-001-first.md");
    }

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
