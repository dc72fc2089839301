//! The ADR model: what an architecture decision record says about itself, read from its
//! [`DocFacts`] in any of the layouts aiwg-format §4.1 found (aiwg's adr-template with its
//! phases, adr-with-tot, MADR, the lightweight Nygard form, real projects' bold lines and
//! metadata bullets). Status parsing follows §4.2: the first word decides, case-insensitively,
//! and qualifiers or parentheticals after it are kept as written.

use crate::model::{ArtifactKind, DocFacts, IdKey, Qualifier};
use crate::text::TextRange;

/// The lifecycle states of §4.2's canonical set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AdrStatus {
    Proposed,
    Accepted,
    Rejected,
    Deprecated,
    Superseded,
}

impl AdrStatus {
    /// The status a value names by its first word (`ACCEPTED (Non-Negotiable)` is accepted);
    /// `Draft` counts as proposed, as log4brains has it.
    pub(crate) fn parse(value: &str) -> Option<AdrStatus> {
        let first = value.trim_start_matches(['*', '_', ' ', '[']).split(|c: char| !c.is_ascii_alphabetic()).next()?;
        let is = |word: &str| first.eq_ignore_ascii_case(word);
        Some(if is("proposed") || is("draft") {
            AdrStatus::Proposed
        } else if is("accepted") || is("approved") {
            AdrStatus::Accepted
        } else if is("rejected") {
            AdrStatus::Rejected
        } else if is("deprecated") {
            AdrStatus::Deprecated
        } else if is("superseded") {
            AdrStatus::Superseded
        } else {
            return None;
        })
    }

    /// Whether a decision in this state no longer stands (deprecated, or superseded by another).
    pub(crate) fn no_longer_stands(self) -> bool {
        matches!(self, AdrStatus::Deprecated | AdrStatus::Superseded)
    }
}

/// The values status completion offers, in lifecycle order (§4.2 "Canonical completion set").
pub(crate) const STATUS_VALUES: &[&str] = &["Proposed", "Accepted", "Rejected", "Deprecated", "Superseded by ADR-"];

/// The template an ADR follows, from its metadata and headings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AdrTemplate {
    /// aiwg's `templates/governance/adr-template.md`, with its three phases.
    Aiwg,
    /// aiwg's `templates/architecture/adr-with-tot.md` (`template_id: adr-with-tot`).
    TreeOfThoughts,
    /// MADR: "Context and Problem Statement", "Decision Outcome".
    Madr,
    /// The lightweight form aiwg's flows generate: Status, Context, Decision, Consequences.
    Nygard,
}

impl AdrTemplate {
    /// The template a setting or argument names: `aiwg` (adr-template), `tot` (adr-with-tot),
    /// `madr` or `nygard`, or the template files' own names.
    pub(crate) fn from_name(name: &str) -> Option<AdrTemplate> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "aiwg" | "adr-template" => AdrTemplate::Aiwg,
            "tot" | "tree-of-thoughts" | "adr-with-tot" => AdrTemplate::TreeOfThoughts,
            "madr" => AdrTemplate::Madr,
            "nygard" | "lightweight" => AdrTemplate::Nygard,
            _ => return None,
        })
    }

    /// The template's top-level sections in its canonical order (aiwg-format §4.1), each with
    /// the guidance a new section starts with.
    pub(crate) fn sections(self) -> &'static [(&'static str, &'static str)] {
        match self {
            AdrTemplate::Nygard => &[
                ("Status", "Proposed"),
                ("Context", "[The issue that motivates this decision, and the forces at play.]"),
                ("Decision", "[The change we propose or have agreed to.]"),
                ("Consequences", "[What becomes easier or harder: positive, negative, risks.]"),
                ("Alternatives Considered", "[Each option weighed, and why it was not chosen.]"),
                ("Implementation", "[Migration path, timeline, dependencies.]"),
                ("References", "[@-references to the use cases, NFR modules and ADRs this rests on.]"),
            ],
            AdrTemplate::Madr => &[
                ("Context and Problem Statement", "[The problem, in two or three sentences.]"),
                ("Decision Drivers", "[The forces and concerns that decide.]"),
                ("Considered Options", "[The options, one per bullet.]"),
                ("Decision Outcome", "[Chosen option, because …]"),
                ("Consequences", "[Good, because …; bad, because ….]"),
                ("References", "[@-references to the use cases, NFR modules and ADRs this rests on.]"),
            ],
            AdrTemplate::TreeOfThoughts => &[
                (
                    "Reasoning",
                    "1. **Context Analysis**: [What architectural concern does this address?]\n\
                     2. **Force Identification**: [What forces are in tension?]\n\
                     3. **Option Evaluation**: [What alternatives were considered with trade-offs?]\n\
                     4. **Decision Justification**: [Why is this the best choice given constraints?]\n\
                     5. **Consequence Assessment**: [What are the positive and negative impacts?]",
                ),
                ("Context", "[The issue that motivates this decision.]"),
                (
                    "Evaluation Criteria",
                    "| Criterion | Weight | Source |\n|---|---|---|\n| [criterion] | [weight]% | [@-reference] |",
                ),
                ("Options Considered", "### Option 1: [name]\n\n[Description, pros, cons.]"),
                ("Options Comparison Matrix", "| Criterion (weight) | Option 1 | Option 2 |\n|---|---|---|"),
                ("Decision", "[The chosen option and why.]"),
                ("Consequences", "### Positive\n\n### Negative\n\n### Neutral"),
                ("Implementation Notes", "[Migration path, timeline, dependencies.]"),
                ("Action Items", "- [ ] [action]"),
                ("References", "[@-references to the use cases, NFR modules and ADRs this rests on.]"),
                ("Review History", "| Date | Reviewer | Outcome |\n|---|---|---|"),
            ],
            AdrTemplate::Aiwg => &[
                ("Metadata", "- **ADR ID**: [ADR-XXX]\n- **Status**: Proposed"),
                ("Phase 1: Core Decision (ESSENTIAL)", "### Context\n\n[The problem, constraints and stakeholders.]"),
                ("Phase 2: Decision & Alternatives", "### Decision\n\n[The change.]\n\n### Alternatives Considered"),
                ("Phase 3: Impact & Implementation", "### Consequences\n\n[Positive and negative outcomes.]"),
                ("References", "[@-references to the use cases, NFR modules and ADRs this rests on.]"),
                ("Review & Approval", "[Reviewers and dates.]"),
            ],
        }
    }
}

/// Sections every ADR needs (§4.1 "Required sections for diagnostics"), with the headings that
/// count as each.
pub(crate) const REQUIRED_SECTIONS: &[(&str, &[&str])] = &[
    ("Context", &["context"]),
    ("Decision", &["decision", "decision outcome", "the decision"]),
    ("Consequences", &["consequences"]),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Adr<'a> {
    pub(crate) id: Option<&'a IdKey>,
    /// The status value as written, and where; `None` when the ADR states none.
    pub(crate) status_value: Option<(&'a str, TextRange)>,
    pub(crate) status: Option<AdrStatus>,
    /// IDs this ADR says it supersedes, with where each is written: metadata and status
    /// mentions, and the file names of qualified `@supersedes @path` references.
    pub(crate) supersedes: Vec<(IdKey, TextRange)>,
    /// IDs this ADR says supersede it.
    pub(crate) superseded_by: Vec<(IdKey, TextRange)>,
    /// When it was decided (`Date`, `Decision Date`, `Created`), as written.
    pub(crate) date: Option<&'a str>,
    /// Who decides (`Deciders`, `Decision Makers`, `Author(s)`), as written.
    pub(crate) deciders: Option<&'a str>,
    /// ADRs named as related (`Related ADRs`, `Related Decisions`, `Related`), without repeats.
    pub(crate) related: Vec<IdKey>,
    pub(crate) template: AdrTemplate,
    /// Required sections the document lacks, by name, in canonical order (`Status` when no
    /// status is stated, `Reasoning` when `reasoning_required: true` asks for one).
    pub(crate) missing_sections: Vec<&'static str>,
}

/// The ADR a document is, or `None` for any other kind.
pub(crate) fn adr(facts: &DocFacts) -> Option<Adr<'_>> {
    (facts.kind == ArtifactKind::Adr).then(|| read(facts))
}

/// An ADR template (`templates/governance/adr-template.md`, `adr-with-tot.md`) read as the
/// ADR it shapes; `None` for any other document.
pub(crate) fn adr_template<'a>(facts: &'a DocFacts, path: &str) -> Option<Adr<'a>> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let names_adr = name.starts_with("adr") || name.contains("-adr") || name.contains("decision-record");
    (facts.kind == ArtifactKind::Template && names_adr).then(|| read(facts))
}

fn read(facts: &DocFacts) -> Adr<'_> {
    let id = facts.declared_ids.iter().find(|d| d.id.key.prefix == "ADR").map(|d| &d.id.key);
    let status_entry = facts.metadata.iter().find(|m| {
        (m.key.eq_ignore_ascii_case("status") || m.key.eq_ignore_ascii_case("current status")) && !m.value.is_empty()
    });
    let status_value = status_entry.map(|m| (m.value.as_str(), m.range));
    let status = status_value.and_then(|(value, _)| AdrStatus::parse(value));

    let mut supersedes = Vec::new();
    let mut superseded_by = Vec::new();
    for mention in facts.id_mentions.iter().filter(|m| m.id.key.prefix == "ADR") {
        let Some(relation) = mention.relation.as_deref() else { continue };
        let relation = relation.to_ascii_lowercase();
        let entry = (mention.id.key.clone(), mention.range);
        match relation.as_str() {
            "supersedes" | "replaces" => supersedes.push(entry),
            "superseded by" | "superseded-by" | "superseded_by" | "replaced by" => superseded_by.push(entry),
            "status" | "current status" if status == Some(AdrStatus::Superseded) => superseded_by.push(entry),
            _ => {}
        }
    }

    // `@supersedes @.aiwg/architecture/decisions/ADR-003-x.md` (rules/qualified-references.md).
    for reference in &facts.references {
        let list = match reference.qualifier.map(Qualifier::as_str) {
            Some("supersedes") => &mut supersedes,
            Some("superseded-by") => &mut superseded_by,
            _ => continue,
        };
        let stem = reference.path.rsplit('/').next().unwrap_or(&reference.path).to_ascii_uppercase();
        if let Some((range, id)) = crate::model::find_ids(&stem).into_iter().next()
            && range.start == 0
            && id.key.prefix == "ADR"
            && !list.iter().any(|(k, _)| *k == id.key)
        {
            list.push((id.key, reference.range));
        }
    }

    let headings: Vec<String> = facts
        .headings
        .iter()
        .filter(|h| h.level >= 2)
        .map(|h| {
            let text = h.text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
            text.to_ascii_lowercase()
        })
        .collect();
    let has = |names: &[&str]| {
        headings
            .iter()
            .any(|h| names.iter().any(|n| h == n || h.starts_with(&format!("{n} ")) || h.starts_with(&format!("{n}:"))))
    };
    let template = if facts.meta("template_id").is_some_and(|t| t.trim() == "adr-with-tot") {
        AdrTemplate::TreeOfThoughts
    } else if headings.iter().any(|h| h.starts_with("phase 1")) {
        AdrTemplate::Aiwg
    } else if has(&["context and problem statement", "decision outcome", "considered options"]) {
        AdrTemplate::Madr
    } else {
        AdrTemplate::Nygard
    };
    let mut missing_sections: Vec<&'static str> =
        REQUIRED_SECTIONS.iter().filter(|(_, names)| !has(names)).map(|(name, _)| *name).collect();
    if status_value.is_none() && !has(&["status"]) {
        missing_sections.push("Status");
    }
    if facts.meta("reasoning_required").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) && !has(&["reasoning"]) {
        missing_sections.insert(0, "Reasoning");
    }
    let first_meta = |keys: &[&str]| keys.iter().find_map(|k| facts.meta(k)).filter(|v| !v.trim().is_empty());
    let date = first_meta(&["Date", "Decision Date", "Created"]);
    let deciders = first_meta(&["Deciders", "Decision Makers", "Author(s)", "Authors", "Author"]);
    let mut related: Vec<IdKey> = Vec::new();
    for mention in facts.id_mentions.iter().filter(|m| m.id.key.prefix == "ADR") {
        let is_related = mention.relation.as_deref().is_some_and(|r| r.to_ascii_lowercase().starts_with("related"));
        if is_related && !related.contains(&mention.id.key) {
            related.push(mention.id.key.clone());
        }
    }
    Adr { id, status_value, status, supersedes, superseded_by, date, deciders, related, template, missing_sections }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str, text: &str) -> String {
        let facts = crate::syntax::facts_from_text(path, text);
        let Some(adr) = adr(&facts) else { return "not an ADR".to_string() };
        let ids = |list: &[(IdKey, TextRange)]| list.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>().join(",");
        format!(
            "{} {:?} {:?} {:?} supersedes [{}] superseded-by [{}] missing {:?}",
            adr.id.map(|k| k.to_string()).unwrap_or_default(),
            adr.status_value.map(|(v, _)| v),
            adr.status,
            adr.template,
            ids(&adr.supersedes),
            ids(&adr.superseded_by),
            adr.missing_sections
        )
    }

    #[test]
    fn layouts_statuses_and_supersession() {
        let nygard = "# ADR-007: Use Redis\n\n**Status**: ACCEPTED (Non-Negotiable)\n**Supersedes**: ADR-003\n\n\
                      ## Context\n\nx\n\n## Decision\n\ny\n\n## Consequences\n\nz\n";
        assert_eq!(
            parse(".aiwg/architecture/decisions/ADR-007-use-redis.md", nygard),
            r#"ADR-007 Some("ACCEPTED (Non-Negotiable)") Some(Accepted) Nygard supersedes [ADR-003] superseded-by [] missing []"#
        );
        let superseded = "# ADR-003: Use Memcached\n\n## Status\n\nSuperseded by ADR-007\n\n## Context and Problem Statement\n\nx\n\n\
                          ## Decision Outcome\n\ny\n";
        assert_eq!(
            parse(".aiwg/architecture/adrs/ADR-003-memcached.md", superseded),
            r#"ADR-003 Some("Superseded by ADR-007") Some(Superseded) Madr supersedes [] superseded-by [ADR-007] missing ["Consequences"]"#
        );
        let tot = "# ADR-010: Queue\n\n---\ntemplate_id: adr-with-tot\nreasoning_required: true\n---\n\n\
                   **Status:** Pending review\n\n## Context\n\n## Decision\n\n## Consequences\n";
        assert_eq!(
            parse(".aiwg/architecture/decisions/ADR-010-queue.md", tot),
            r#"ADR-010 Some("Pending review") None TreeOfThoughts supersedes [] superseded-by [] missing ["Reasoning"]"#
        );
        let bare = "# adr-012: Logging\n\nWe log.\n";
        assert_eq!(
            parse(".aiwg/architecture/adr-012-logging.md", bare),
            r#"ADR-012 None None Nygard supersedes [] superseded-by [] missing ["Context", "Decision", "Consequences", "Status"]"#
        );
        assert_eq!(parse("docs/notes.md", "# Notes\n"), "not an ADR");
    }

    #[test]
    fn qualified_supersession_related_decisions_date_and_deciders() {
        let text = "# ADR-009: Streams\n\n## Metadata\n\n- **Status**: Accepted\n- **Created**: 2026-10-01\n\
                    - **Decision Makers**: Ana, Ben\n- **Related ADRs**: ADR-RF-001 (Agents), ADR-004\n\n\
                    ## Context\n\n@supersedes @.aiwg/architecture/decisions/ADR-008-queues.md\n\n## Decision\n\n## Consequences\n";
        let facts = crate::syntax::facts_from_text(".aiwg/architecture/decisions/ADR-009-streams.md", text);
        let adr = adr(&facts).unwrap();
        let keys = |list: &[IdKey]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(adr.supersedes.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>(), ["ADR-008"]);
        assert_eq!(keys(&adr.related), ["ADR-RF-001", "ADR-004"]);
        assert_eq!((adr.date, adr.deciders), (Some("2026-10-01"), Some("Ana, Ben")));
    }

    #[test]
    fn aiwg_phases_and_the_worked_example_layout() {
        let phased = "# ADR-012: Event Bus\n\n## Metadata\n\n- **ADR ID**: ADR-012\n- **Status**: Accepted\n\
                      - **Date**: 2026-11-30\n\n## Phase 1: Core Decision (ESSENTIAL)\n\n### Status\n\n\
                      **Supersedes**: ADR-004\n\n### Context\n\nx\n\n<details>\n\n## Phase 2: Decision & Alternatives\n\n\
                      ### Decision\n\ny\n\n#### Alternative 1: Polling\n\n</details>\n\n\
                      ## Phase 3: Impact & Implementation\n\n### Consequences\n\nz\n";
        assert_eq!(
            parse(".aiwg/architecture/adrs/ADR-012-event-bus.md", phased),
            r#"ADR-012 Some("Accepted") Some(Accepted) Aiwg supersedes [ADR-004] superseded-by [] missing []"#
        );
        let worked = "# Architecture Decision Record: JWT vs Server-Side Sessions\n\n## Document Metadata\n\n\
                      **ADR ID**: ADR-003\n**Date**: 2026-01-15\n**Status**: Accepted\n**Supersedes**: None\n\
                      **Superseded By**: None\n\n## Title\n\nJWT\n\n## Status\n\n**Accepted** on 2026-01-15\n\n\
                      ## Context\n\nx\n\n## Decision\n\ny\n\n## Rationale\n\nr\n\n## Consequences\n\nz\n";
        assert_eq!(
            parse(".aiwg/architecture/decisions/adr-jwt-vs-session.md", worked),
            r#"ADR-003 Some("Accepted") Some(Accepted) Nygard supersedes [] superseded-by [] missing []"#
        );
    }
}
