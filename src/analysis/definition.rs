//! Go to definition: from a reference to every file it resolves to (at the anchor's heading or
//! the `:line`), and from an ID mention to every document declaring it.
//!
//! Ambiguity is shown, not hidden: a glob, a deploy-map collision or an ID declared twice yields
//! every target, and the editor lets the user pick.

use crate::analysis::cursor::{self, CursorTarget};
use crate::analysis::navigation::{NavigationTarget, Spot};
use crate::model::{IdKey, Reference};
use crate::resolve::Target;
use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

/// What the cursor was on, and where it leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// The reference or ID under the cursor.
    pub(crate) origin: TextRange,
    pub targets: Vec<NavigationTarget>,
}

pub fn definition(snapshot: &Snapshot, doc: DocId, offset: usize) -> Option<Definition> {
    let facts = &snapshot.doc(doc).facts;
    let at = cursor::target_at(facts, offset)?;
    let targets = match at {
        CursorTarget::Reference { index, reference } => snapshot
            .resolutions(doc)
            .get(index)?
            .targets()
            .iter()
            .map(|target| reference_target(snapshot, target, reference))
            .collect(),
        CursorTarget::IdMention { mention, .. } => id_targets(snapshot, &mention.id.key),
        CursorTarget::IdDeclaration { declaration, .. } => id_targets(snapshot, &declaration.id.key),
        CursorTarget::Heading { .. } => return None,
    };
    if targets.is_empty() {
        return None;
    }
    Some(Definition { origin: at.range(), targets })
}

/// Where `reference` lands in one of its resolved targets: the heading its `#anchor` names (its
/// section revealed), its `:line`, or the top of the file.
pub(crate) fn reference_target(snapshot: &Snapshot, target: &Target, reference: &Reference) -> NavigationTarget {
    let mut focus = Spot::File;
    let mut full = None;
    if let Some((line, _)) = reference.line.map(crate::model::LineSuffix::get) {
        focus = Spot::Line(line.saturating_sub(1));
    }
    if let Some(anchor) = reference.anchor.as_deref()
        && let Some(id) = snapshot.target_doc(target)
        && let Some(heading) = snapshot.doc(id).facts.heading_for_anchor(anchor)
    {
        focus = Spot::Range(heading.range);
        full = Some(heading.section);
    }
    NavigationTarget { root: target.root, path: target.path.to_string(), is_dir: target.is_dir, focus, full }
}

/// Every document declaring `key`, focused on its declaration, in (root, path) order.
fn id_targets(snapshot: &Snapshot, key: &IdKey) -> Vec<NavigationTarget> {
    let mut targets: Vec<NavigationTarget> = snapshot
        .declaring(key)
        .iter()
        .map(|&id| {
            let doc = snapshot.doc(id);
            let range = doc
                .facts
                .declared_ids
                .iter()
                .find(|d| &d.id.key == key)
                .map(|d| cursor::declaration_range(&doc.facts, d))
                .unwrap_or_default();
            let focus = if range.is_empty() { Spot::File } else { Spot::Range(range) };
            NavigationTarget { root: doc.root, path: doc.path.clone(), is_dir: false, focus, full: None }
        })
        .collect();
    targets.sort_by(|a, b| (a.root, &a.path).cmp(&(b.root, &b.path)));
    targets
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::fixture::Fixture;

    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let (doc, offset) = fixture.cursor.expect("a $0 cursor in an indexed document");
        let out = match definition(&fixture.snapshot, doc, offset) {
            None => "no definition\n".to_string(),
            Some(found) => {
                let mut out = format!("from {:?}\n", found.origin.slice(fixture.text(doc)));
                for target in &found.targets {
                    out.push_str(&format!("-> {}\n", fixture.render_target(target)));
                }
                out
            }
        };
        expect.assert_eq(&out);
    }

    #[test]
    fn markdown_links_resolve_against_their_file() {
        let fixture = r#"
            //- /.aiwg/architecture/sad.md
            # Software Architecture

            ## Caching Strategy
            //- /docs/guide.md
            # Guide
            //- /docs/notes.md
            # Notes
            See [the SAD](../.aiwg/architecture/sad.md#caching-strategy)$A, [guide](guide.md)$B,
            [root](/docs/guide.md)$C and [ref][sad].

            [sad]: <../.aiwg/architecture/sad.md>$D
            "#;
        let at = |marker: &str| {
            let text = fixture.replace(marker, "$0");
            ["$A", "$B", "$C", "$D"].iter().fold(text, |t, m| t.replace(m, ""))
        };
        // The cursor sits right after each destination, still inside it.
        check(
            &at("$A").replace(")$0", "$0)"),
            expect![[r###"
                from "../.aiwg/architecture/sad.md#caching-strategy"
                -> .aiwg/architecture/sad.md:3:1 "## Caching Strategy" (section lines 3..4)
            "###]],
        );
        check(
            &at("$B").replace(")$0", "$0)"),
            expect![[r#"
                from "guide.md"
                -> docs/guide.md
            "#]],
        );
        check(
            &at("$C").replace(")$0", "$0)"),
            expect![[r#"
                from "/docs/guide.md"
                -> docs/guide.md
            "#]],
        );
        check(
            &at("$D").replace(">$0", "$0>"),
            expect![[r#"
                from "../.aiwg/architecture/sad.md"
                -> .aiwg/architecture/sad.md
            "#]],
        );
    }

    #[test]
    fn anchor_lands_on_its_heading_exactly_or_by_prefix() {
        check(
            r#"
            //- /.aiwg/architecture/sad.md
            # Software Architecture

            ## Caching Strategy

            Redis in front of Postgres.

            ## Rule 7: Context Budget Estimation

            Keep prompts small.
            //- /docs/notes.md
            # Notes
            See @.aiwg/architecture/sad.md#caching-strategy$0 and @.aiwg/architecture/sad.md#rule-7.
            "#,
            expect![[r###"
                from "@.aiwg/architecture/sad.md#caching-strategy"
                -> .aiwg/architecture/sad.md:3:1 "## Caching Strategy" (section lines 3..7)
            "###]],
        );
        check(
            r#"
            //- /.aiwg/architecture/sad.md
            # Software Architecture

            ## Caching Strategy

            Redis in front of Postgres.

            ## Rule 7: Context Budget Estimation

            Keep prompts small.
            //- /docs/notes.md
            # Notes
            See @.aiwg/architecture/sad.md#caching-strategy and @.aiwg/arch$0itecture/sad.md#rule-7.
            "#,
            expect![[r###"
                from "@.aiwg/architecture/sad.md#rule-7"
                -> .aiwg/architecture/sad.md:7:1 "## Rule 7: Context Budget Estimation" (section lines 7..10)
            "###]],
        );
    }

    #[test]
    fn line_suffix_folder_and_glob() {
        check(
            r#"
            //- /src/auth/login.ts
            export function login() {}
            //- /docs/notes.md
            # Notes
            @tests @src/auth/login.ts:42$0
            "#,
            expect![[r#"
                from "@src/auth/login.ts:42"
                -> src/auth/login.ts:42
            "#]],
        );
        check(
            r#"
            //- /.aiwg/research/findings/REF-001-x.md
            # REF-001
            //- /docs/notes.md
            # Notes
            Sources live in @.aiwg/research/$0 and nowhere else.
            "#,
            expect![[r#"
                from "@.aiwg/research/"
                -> .aiwg/research/
            "#]],
        );
        check(
            r#"
            //- /.aiwg/requirements/UC-001-create-task.md
            # UC-001: Create Task
            //- /.aiwg/requirements/UC-002-assign-task.md
            # UC-002: Assign Task
            //- /CLAUDE.md
            # Project
            All use cases: @.aiwg/requirements/UC-*.md$0
            "#,
            expect![[r#"
                from "@.aiwg/requirements/UC-*.md"
                -> .aiwg/requirements/UC-001-create-task.md
                -> .aiwg/requirements/UC-002-assign-task.md
            "#]],
        );
    }

    #[test]
    fn deploy_map_collisions_lead_to_every_source() {
        check(
            r#"
            //- /.aiwg/intake/project-intake.md
            # Intake
            Follow @.claude/rules/research-before-decision.md$0.
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            # Research first
            //- /aiwg-root/agentic/code/addons/aiwg-utils/rules/research-before-decision.md
            # Research first (utils)
            "#,
            expect![[r#"
                from "@.claude/rules/research-before-decision.md"
                -> /aiwg-root/agentic/code/addons/aiwg-utils/rules/research-before-decision.md
                -> /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            "#]],
        );
    }

    #[test]
    fn id_mentions_lead_to_every_declaration() {
        check(
            r#"
            //- /.aiwg/requirements/use-cases/UC-001-create-task.md
            # UC-001: Create Task
            //- /.aiwg/requirements/use-cases/UC-001-create-task-v2.md
            # Create Task, revised

            - ID: UC-001
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens
            Implements UC-0$001.
            "#,
            expect![[r##"
                from "UC-001"
                -> .aiwg/requirements/use-cases/UC-001-create-task-v2.md:1:1 "# Create Task, revised"
                -> .aiwg/requirements/use-cases/UC-001-create-task.md:1:3 "UC-001"
            "##]],
        );
    }

    #[test]
    fn dangling_references_and_unknown_ids_go_nowhere() {
        check(
            r#"
            //- /docs/notes.md
            # Notes
            See @.aiwg/missing.md$0.
            "#,
            expect![[r#"
                no definition
            "#]],
        );
        check(
            r#"
            //- /docs/notes.md
            # Notes
            See ADR-00$09.
            "#,
            expect![[r#"
                no definition
            "#]],
        );
    }
}
