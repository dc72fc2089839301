//! ADR lifecycle actions at a cursor, beside the fixes diagnostics carry (aiwg-format §4.2):
//! create a missing ADR from its template where a reference or ID names one, and mark an ADR
//! superseded, editing both records as adr-tools' `adr new -s` does: the older one's status
//! becomes "Superseded by …" and the newer one's `Supersedes` line names it.

use crate::analysis::adrs::{AdrLayout, adr_text};
use crate::analysis::change::{ChangeSet, FilePath};
use crate::analysis::code_actions::{ActionKind, CodeAction};
use crate::analysis::diagnostics::same_project;
use crate::model::{IdKey, RefContext, adr, parse_id};
use crate::resolve::{Resolution, RootKind};
use crate::text::TextRange;
use crate::workspace::{DocId, Document, Snapshot};

/// Later ADRs offered as successors from an ADR's title, newest first.
const MAX_SUCCESSORS: usize = 5;

/// What a new ADR needs besides the snapshot: the template to use when the workspace's ADRs
/// do not decide it (the user's setting), and today's date.
pub(crate) struct NewAdrDefaults<'a> {
    pub(crate) template: Option<adr::AdrTemplate>,
    pub(crate) today: &'a str,
}

/// The ADR actions for `range` in document `doc_id`, whose current text is `text`.
pub(crate) fn adr_actions(
    snapshot: &Snapshot,
    doc_id: DocId,
    text: &str,
    range: TextRange,
    defaults: &NewAdrDefaults<'_>,
) -> Vec<CodeAction> {
    let doc = snapshot.doc(doc_id);
    if doc.root != RootKind::Workspace || doc.is_framework_text() {
        return Vec::new();
    }
    let touches = |r: TextRange| r.start <= range.end && range.start <= r.end;
    let mut out = Vec::new();
    let own = adr::adr(&doc.facts);

    for (reference, resolution) in doc.facts.references.iter().zip(snapshot.resolutions(doc_id)) {
        if touches(reference.range)
            && matches!(resolution, Resolution::Dangling { glob: false })
            && let Some(action) = create_referenced_adr(snapshot, doc, reference, defaults)
        {
            out.push(action);
        }
    }

    for mention in doc.facts.id_mentions.iter().filter(|m| m.id.key.prefix == "ADR" && touches(m.range)) {
        if mention.context.is_code() && mention.context != RefContext::QuotedPointer {
            continue;
        }
        let declared = project_adrs(snapshot, doc, &mention.id.key);
        if declared.is_empty() {
            let layout = AdrLayout::of(snapshot);
            let title = title_after(text, mention.range.end).unwrap_or_else(|| "Decision".to_string());
            let id = mention.id.text.clone();
            let path = layout.path(&id, &title);
            if snapshot.doc_by_path(RootKind::Workspace, &path).is_some() {
                continue;
            }
            let template = defaults.template.or(layout.template).unwrap_or(adr::AdrTemplate::Aiwg);
            out.push(CodeAction {
                title: format!("Create {id} (`{path}`)"),
                diagnostic: None,
                kind: ActionKind::QuickFix,
                changes: ChangeSet::create(FilePath::workspace(path), adr_text(&id, &title, template, defaults.today)),
                preferred: false,
            });
        } else if let Some(own) = &own
            && let Some(own_id) = own.id
            && *own_id != mention.id.key
        {
            for older in declared {
                if let Some(action) = supersede(doc, own_id, older) {
                    out.push(action);
                }
            }
        }
    }

    // From an ADR's title or status: mark it superseded by one of the project's later ADRs.
    if let Some(own) = &own
        && let Some(own_id) = own.id
        && (doc.facts.headings.first().is_some_and(|h| touches(h.range))
            || own.status_value.is_some_and(|(_, r)| touches(r)))
    {
        let mut successors: Vec<(&IdKey, &Document)> = snapshot
            .workspace_documents()
            .filter(|(_, other)| !std::ptr::eq(*other, doc) && same_project(snapshot, doc, other))
            .filter_map(|(_, other)| Some((adr::adr(&other.facts)?.id?, other)))
            .filter(|(key, _)| key.category == own_id.category && key.number > own_id.number)
            .filter(|(key, _)| !own.superseded_by.iter().any(|(k, _)| k == *key))
            .collect();
        successors.sort_by_key(|(key, _)| std::cmp::Reverse(key.number));
        for (_, newer) in successors.into_iter().take(MAX_SUCCESSORS) {
            if let Some(newer_adr) = adr::adr(&newer.facts)
                && let Some(newer_id) = newer_adr.id
            {
                let mut changes = mark_superseded(doc, own, newer_id);
                if !newer_adr.supersedes.iter().any(|(k, _)| k == own_id) {
                    changes.extend(add_supersedes(newer, own_id));
                }
                let title = newer.facts.title.as_deref().unwrap_or(&newer.path);
                out.push(CodeAction {
                    title: format!("Mark {own_id} as superseded by {title}"),
                    diagnostic: None,
                    kind: ActionKind::Refactor,
                    changes,
                    preferred: false,
                });
            }
        }
    }
    out
}

/// "Mark `older` as superseded by this ADR", unless both sides already say so.
fn supersede(newer: &Document, newer_id: &IdKey, older: &Document) -> Option<CodeAction> {
    let own = adr::adr(&newer.facts)?;
    let older_adr = adr::adr(&older.facts)?;
    let older_id = older_adr.id?;
    let says_superseded = older_adr.superseded_by.iter().any(|(k, _)| k == newer_id);
    let says_supersedes = own.supersedes.iter().any(|(k, _)| k == older_id);
    if says_superseded && says_supersedes {
        return None;
    }
    let mut changes = ChangeSet::default();
    if !says_superseded {
        changes.extend(mark_superseded(older, &older_adr, newer_id));
    }
    if !says_supersedes {
        changes.extend(add_supersedes(newer, older_id));
    }
    Some(CodeAction {
        title: format!("Mark {older_id} as superseded by {newer_id}"),
        diagnostic: None,
        kind: ActionKind::Refactor,
        changes,
        preferred: false,
    })
}

/// A dangling reference whose file name is an ADR's (`ADR-009-queue.md`): create that file from
/// the ADR template, titled from the rest of its name.
fn create_referenced_adr(
    snapshot: &Snapshot,
    doc: &Document,
    reference: &crate::model::Reference,
    defaults: &NewAdrDefaults<'_>,
) -> Option<CodeAction> {
    let path = crate::analysis::diagnostics::created_path(snapshot, doc, reference, &reference.path)?;
    let file = path.rsplit('/').next()?;
    let stem = file.strip_suffix(".md")?;
    let id =
        parse_id(stem.get(..stem.find(|c: char| c.is_ascii_lowercase()).unwrap_or(stem.len()))?.trim_end_matches('-'))
            .or_else(|| parse_id(&stem.to_ascii_uppercase()))
            .filter(|id| id.key.prefix == "ADR")?;
    let words: String = stem[stem.to_ascii_uppercase().find(&id.text).map_or(0, |i| i + id.text.len())..]
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let title = capitalized(if words.is_empty() { "Decision" } else { &words });
    let template = defaults.template.or(AdrLayout::of(snapshot).template).unwrap_or(adr::AdrTemplate::Aiwg);
    let id_text = id.key.to_string();
    Some(CodeAction {
        title: format!("Create {id_text} from the ADR template (`{path}`)"),
        diagnostic: None,
        kind: ActionKind::QuickFix,
        changes: ChangeSet::create(FilePath::workspace(path), adr_text(&id_text, &title, template, defaults.today)),
        preferred: false,
    })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The ADR documents of `doc`'s project that declare `key`.
fn project_adrs<'a>(snapshot: &'a Snapshot, doc: &Document, key: &IdKey) -> Vec<&'a Document> {
    snapshot
        .declaring(key)
        .iter()
        .map(|&id| snapshot.doc(id))
        .filter(|other| !std::ptr::eq(*other, doc) && same_project(snapshot, doc, other))
        .filter(|other| other.facts.kind == crate::model::ArtifactKind::Adr)
        .collect()
}

/// The title written after an ID (`ADR-009: Event sourcing`, `ADR-009 (Event sourcing)`,
/// `ADR-009 — Event sourcing`), up to the end of the clause.
fn title_after(text: &str, end: usize) -> Option<String> {
    let rest = text.get(end..)?.split('\n').next()?;
    let rest = rest.trim_start_matches([' ', '*']);
    let inner = if let Some(paren) = rest.strip_prefix('(') {
        paren.split(')').next()?
    } else {
        let rest = rest.strip_prefix([':', '-', '–', '—'])?;
        rest.split([',', ';', '.', ')', '|', '*']).next()?
    };
    let title = inner.trim();
    (!title.is_empty() && title.len() <= 80).then(|| title.to_string())
}

/// The edit that gives `older` the status "Superseded by `newer`": its status value replaced,
/// or a status line added under its title (adr-tools rewrites the old record the same way); a
/// `Superseded By` line that says none gets the successor too.
pub(crate) fn mark_superseded(older: &Document, older_adr: &adr::Adr<'_>, newer: &IdKey) -> ChangeSet {
    let file = FilePath { root: older.root, path: older.path.clone() };
    let mut changes = match older_adr.status_value {
        Some((_, range)) => ChangeSet::edit(file.clone(), range, format!("Superseded by {newer}")),
        None => {
            let at = older.facts.headings.first().map_or(0, |h| h.range.end);
            ChangeSet::edit(file.clone(), TextRange::empty(at), format!("\n\n**Status**: Superseded by {newer}"))
        }
    };
    let superseded_by = older.facts.metadata.iter().find(|m| {
        let key = m.key.to_ascii_lowercase();
        key == "superseded by" || key == "superseded-by" || key == "superseded_by"
    });
    if let Some(entry) = superseded_by
        && says_none(&entry.value)
        && older_adr.status_value.is_none_or(|(_, status)| status != entry.range)
    {
        changes.extend(ChangeSet::edit(file, entry.range, newer.to_string()));
    }
    changes
}

/// A metadata value that states nothing: `None`, `N/A`, `-` or empty.
fn says_none(value: &str) -> bool {
    ["", "none", "n/a", "-", "—"].contains(&value.trim().to_ascii_lowercase().as_str())
}

/// The edit that makes `newer` say it supersedes `older`: added to its `Supersedes` line (or
/// replacing a `None` there), else a new line under its title.
pub(crate) fn add_supersedes(newer: &Document, older: &IdKey) -> ChangeSet {
    let file = FilePath { root: newer.root, path: newer.path.clone() };
    let existing = newer.facts.metadata.iter().find(|m| m.key.eq_ignore_ascii_case("supersedes"));
    match existing {
        Some(entry) if says_none(&entry.value) => ChangeSet::edit(file, entry.range, older.to_string()),
        Some(entry) => ChangeSet::edit(file, TextRange::empty(entry.range.end), format!(", {older}")),
        None => {
            let at = newer.facts.headings.first().map_or(0, |h| h.range.end);
            ChangeSet::edit(file, TextRange::empty(at), format!("\n\n**Supersedes**: {older}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture::Fixture;
    use expect_test::{Expect, expect};

    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let (doc, offset) = fixture.cursor.expect("a $0 cursor");
        let defaults = NewAdrDefaults { template: None, today: "2026-12-01" };
        let actions = adr_actions(&fixture.snapshot, doc, fixture.text(doc), TextRange::empty(offset), &defaults);
        let mut out = String::new();
        for action in actions {
            let text_of = |file: &FilePath| fixture.file_text(file.root, &file.path).to_string();
            out.push_str(&format!("{:?}: {}\n{}", action.kind, action.title, action.changes.render(&text_of)));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn marks_an_adr_superseded_from_its_title_editing_both_records() {
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-$0003: Use Memcached

            **Status**: Accepted
            **Superseded By**: None
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            # ADR-007: Use Redis

            **Status**: Accepted
            **Supersedes**: None
            //- /.aiwg/architecture/decisions/ADR-002-older.md
            # ADR-002: Older
            "#,
            expect![[r#"
                Refactor: Mark ADR-003 as superseded by ADR-007: Use Redis
                edit /.aiwg/architecture/decisions/ADR-003-memcached.md "Accepted" -> "Superseded by ADR-007"
                edit /.aiwg/architecture/decisions/ADR-003-memcached.md "None" -> "ADR-007"
                edit /.aiwg/architecture/decisions/ADR-007-redis.md "None" -> "ADR-003"
            "#]],
        );
    }

    #[test]
    fn marks_a_mentioned_adr_superseded_by_this_one() {
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-003: Use Memcached

            ## Status

            Accepted
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            # ADR-007: Use Redis

            **Status**: Proposed

            This replaces ADR-0$003 for caching.
            "#,
            expect![[r#"
                Refactor: Mark ADR-003 as superseded by ADR-007
                edit /.aiwg/architecture/decisions/ADR-003-memcached.md "Accepted" -> "Superseded by ADR-007"
                edit /.aiwg/architecture/decisions/ADR-007-redis.md "" -> "\n\n**Supersedes**: ADR-003"
            "#]],
        );
    }

    #[test]
    fn creates_a_missing_adr_from_a_mention_or_a_reference() {
        check(
            r#"
            //- /.aiwg/architecture/adrs/adr-001-cache.md
            # ADR-001: Cache

            **Status**: Accepted

            ## Context and Problem Statement

            ## Decision Outcome

            See ADR-0$009 (Event sourcing for orders).
            "#,
            expect![[r#"
                QuickFix: Create ADR-009 (`.aiwg/architecture/adrs/adr-009-event-sourcing-for-orders.md`)
                create /.aiwg/architecture/adrs/adr-009-event-sourcing-for-orders.md
                  | # ADR-009: Event sourcing for orders
                  | 
                  | **Status**: Proposed
                  | **Date**: 2026-12-01
                  | 
                  | ## Context and Problem Statement
                  | 
                  | [The problem, in two or three sentences.]
                  | 
                  | ## Decision Drivers
                  | 
                  | [The forces and concerns that decide.]
                  | 
                  | ## Considered Options
                  | 
                  | [The options, one per bullet.]
                  | 
                  | ## Decision Outcome
                  | 
                  | [Chosen option, because …]
                  | 
                  | ## Consequences
                  | 
                  | [Good, because …; bad, because ….]
                  | 
                  | ## References
                  | 
                  | [@-references to the use cases, NFR modules and ADRs this rests on.]
            "#]],
        );
        check(
            r#"
            //- /.aiwg/requirements/use-cases/UC-001-login.md
            # UC-001: Log in

            Sessions follow @.aiwg/architecture/decisions/ADR-$0004-session-tokens.md.
            "#,
            expect![[r#"
                QuickFix: Create ADR-004 from the ADR template (`.aiwg/architecture/decisions/ADR-004-session-tokens.md`)
                create /.aiwg/architecture/decisions/ADR-004-session-tokens.md
                  | # ADR-004: Session tokens
                  | 
                  | ## Metadata
                  | 
                  | - **ADR ID**: ADR-004
                  | - **Status**: Proposed
                  | - **Date**: 2026-12-01
                  | - **Author(s)**: 
                  | - **Reviewers**: 
                  | 
                  | ## Phase 1: Core Decision (ESSENTIAL)
                  | 
                  | ### Context
                  | 
                  | [The problem, constraints and stakeholders.]
                  | 
                  | ## Phase 2: Decision & Alternatives
                  | 
                  | ### Decision
                  | 
                  | [The change.]
                  | 
                  | ### Alternatives Considered
                  | 
                  | ## Phase 3: Impact & Implementation
                  | 
                  | ### Consequences
                  | 
                  | [Positive and negative outcomes.]
                  | 
                  | ## References
                  | 
                  | [@-references to the use cases, NFR modules and ADRs this rests on.]
                  | 
                  | ## Review & Approval
                  | 
                  | [Reviewers and dates.]
            "#]],
        );
    }
}
