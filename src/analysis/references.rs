//! Find references (backlinks): who points at the document, heading or ID under the cursor.
//!
//! - on a reference: every reference resolving to the same file (its first target);
//! - on a heading: the references into this document whose `#anchor` lands on that heading;
//! - on an ID mention or declaration: every mention of the ID, plus the declarations on request;
//! - anywhere else: the document's own backlinks.

use crate::analysis::cursor::{self, CursorTarget};
use crate::analysis::navigation::Location;
use crate::model::{Heading, IdKey, Reference};
use crate::resolve::RootKind;
use crate::workspace::{DocId, RefId, Snapshot};

pub fn references(snapshot: &Snapshot, doc: DocId, offset: usize, include_declaration: bool) -> Vec<Location> {
    let document = snapshot.doc(doc);
    let mut out = match cursor::target_at(&document.facts, offset) {
        Some(CursorTarget::Reference { index, .. }) => match snapshot.resolutions(doc).get(index) {
            Some(resolution) => match resolution.targets().first() {
                Some(target) => backlinks(snapshot, target.root, &target.path, |_| true),
                None => Vec::new(),
            },
            None => Vec::new(),
        },
        // A document's title stands for the document.
        Some(CursorTarget::Heading { heading, .. }) if is_title(&document.facts, heading) => {
            document_backlinks(snapshot, doc)
        }
        Some(CursorTarget::Heading { heading, .. }) => section_backlinks(snapshot, doc, heading),
        Some(CursorTarget::IdMention { mention, .. }) => id_locations(snapshot, &mention.id.key, include_declaration),
        Some(CursorTarget::IdDeclaration { declaration, .. }) => {
            id_locations(snapshot, &declaration.id.key, include_declaration)
        }
        None => backlinks(snapshot, document.root, &document.path, |_| true),
    };
    out.sort();
    out.dedup();
    out
}

/// Everything that points at a document from elsewhere: references to its file (anchored ones
/// included) and mentions of the IDs it declares as its own (file name, title, ID metadata; not a
/// register's entries), in
/// order and once each. What a title's references list and an ADR's code lens count.
pub(crate) fn document_backlinks(snapshot: &Snapshot, doc: DocId) -> Vec<Location> {
    let document = snapshot.doc(doc);
    // A provenance record names its artifact several times (entity, generation, attribution):
    // it counts once.
    let mut records = std::collections::HashSet::new();
    let mut out: Vec<Location> = snapshot
        .backlinks(document.root, &document.path)
        .iter()
        .filter_map(|&RefId { doc: from_id, index }| {
            let from = snapshot.doc(from_id);
            let reference = from.facts.references.get(index as usize)?;
            if reference.context == crate::model::RefContext::Provenance && !records.insert(from_id) {
                return None;
            }
            Some(Location { root: from.root, path: from.path.clone(), range: reference.range })
        })
        .collect();
    let own_ids =
        document.facts.declared_ids.iter().filter(|d| d.source != crate::model::IdDeclarationSource::Register);
    for declaration in own_ids {
        let mentions = id_locations(snapshot, &declaration.id.key, false);
        out.extend(mentions.into_iter().filter(|l| !(l.root == document.root && l.path == document.path)));
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `heading` is the document's title: its first heading, at level 1.
fn is_title(facts: &crate::model::DocFacts, heading: &Heading) -> bool {
    heading.level == 1 && facts.headings.first().is_some_and(|first| first.range == heading.range)
}

/// References into `doc` whose `#anchor` lands on `heading` (exactly or as a slug prefix, the
/// way [`crate::model::DocFacts::heading_for_anchor`] resolves it).
pub(crate) fn section_backlinks(snapshot: &Snapshot, doc: DocId, heading: &Heading) -> Vec<Location> {
    let document = snapshot.doc(doc);
    backlinks(snapshot, document.root, &document.path, |r: &Reference| {
        r.anchor
            .as_deref()
            .and_then(|anchor| document.facts.heading_for_anchor(anchor))
            .is_some_and(|h| h.range == heading.range)
    })
}

/// References resolving to `path` in `root` that satisfy `keep`.
fn backlinks(snapshot: &Snapshot, root: RootKind, path: &str, keep: impl Fn(&Reference) -> bool) -> Vec<Location> {
    snapshot
        .backlinks(root, path)
        .iter()
        .filter_map(|&RefId { doc, index }| {
            let from = snapshot.doc(doc);
            let reference = from.facts.references.get(index as usize)?;
            keep(reference).then(|| Location { root: from.root, path: from.path.clone(), range: reference.range })
        })
        .collect()
}

fn id_locations(snapshot: &Snapshot, key: &IdKey, include_declaration: bool) -> Vec<Location> {
    let mut out: Vec<Location> = snapshot
        .mentioning(key)
        .iter()
        .filter_map(|&RefId { doc, index }| {
            let from = snapshot.doc(doc);
            let mention = from.facts.id_mentions.get(index as usize)?;
            Some(Location { root: from.root, path: from.path.clone(), range: mention.range })
        })
        .collect();
    if include_declaration {
        for &id in snapshot.declaring(key) {
            let doc = snapshot.doc(id);
            for declaration in doc.facts.declared_ids.iter().filter(|d| &d.id.key == key) {
                let range = cursor::declaration_range(&doc.facts, declaration);
                out.push(Location { root: doc.root, path: doc.path.clone(), range });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::fixture::Fixture;

    fn check(fixture: &str, include_declaration: bool, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let (doc, offset) = fixture.cursor.expect("a $0 cursor in an indexed document");
        let out: String = references(&fixture.snapshot, doc, offset, include_declaration)
            .iter()
            .map(|location| format!("{}\n", fixture.render_location(location)))
            .collect();
        expect.assert_eq(&out);
    }

    const WORKSPACE: &str = r#"
        //- /.aiwg/architecture/sad.md
        # Software Architecture

        ## Caching Strategy$0

        Redis.

        ## Rule 7: Context Budget Estimation
        //- /docs/a.md
        # A
        See @.aiwg/architecture/sad.md#caching-strategy and @.aiwg/architecture/sad.md#caching.
        //- /docs/b.md
        # B
        See @.aiwg/architecture/sad.md#rule-7 and @.aiwg/architecture/sad.md.
        "#;

    #[test]
    fn heading_finds_anchored_references_exact_and_prefix() {
        check(
            WORKSPACE,
            false,
            expect![[r#"
                docs/a.md:2:5 "@.aiwg/architecture/sad.md#caching-strategy"
                docs/a.md:2:53 "@.aiwg/architecture/sad.md#caching"
            "#]],
        );
    }

    #[test]
    fn title_finds_the_documents_backlinks() {
        check(
            &WORKSPACE.replacen("$0", "", 1).replace("# Software Architecture", "# Software $0Architecture"),
            false,
            expect![[r#"
                docs/a.md:2:5 "@.aiwg/architecture/sad.md#caching-strategy"
                docs/a.md:2:53 "@.aiwg/architecture/sad.md#caching"
                docs/b.md:2:5 "@.aiwg/architecture/sad.md#rule-7"
                docs/b.md:2:43 "@.aiwg/architecture/sad.md"
            "#]],
        );
    }

    #[test]
    fn elsewhere_finds_the_documents_backlinks() {
        check(
            &WORKSPACE.replace("Redis.", "Re$0dis.").replacen("$0\n", "\n", 1),
            false,
            expect![[r#"
                docs/a.md:2:5 "@.aiwg/architecture/sad.md#caching-strategy"
                docs/a.md:2:53 "@.aiwg/architecture/sad.md#caching"
                docs/b.md:2:5 "@.aiwg/architecture/sad.md#rule-7"
                docs/b.md:2:43 "@.aiwg/architecture/sad.md"
            "#]],
        );
    }

    #[test]
    fn reference_finds_references_to_the_same_file() {
        check(
            &WORKSPACE.replacen("$0", "", 1).replace("sad.md.\n", "sad.md$0.\n"),
            false,
            expect![[r#"
                docs/a.md:2:5 "@.aiwg/architecture/sad.md#caching-strategy"
                docs/a.md:2:53 "@.aiwg/architecture/sad.md#caching"
                docs/b.md:2:5 "@.aiwg/architecture/sad.md#rule-7"
                docs/b.md:2:43 "@.aiwg/architecture/sad.md"
            "#]],
        );
    }

    #[test]
    fn id_mentions_with_and_without_declarations() {
        let fixture = r#"
            //- /.aiwg/requirements/use-cases/UC-001-create-task.md
            # UC-001: Create Task
            //- /.aiwg/requirements/use-cases/UC-001-create-task-v2.md
            # Create Task, revised

            - ID: UC-001
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens
            Implements UC-001$0 and again UC-1.
            //- /src/tasks.ts
            // @implements UC-001
            "#;
        check(
            fixture,
            false,
            expect![[r#"
                .aiwg/architecture/decisions/ADR-002-tokens.md:2:12 "UC-001"
                .aiwg/architecture/decisions/ADR-002-tokens.md:2:29 "UC-1"
                src/tasks.ts:1:16 "UC-001"
            "#]],
        );
        check(
            fixture,
            true,
            expect![[r##"
                .aiwg/architecture/decisions/ADR-002-tokens.md:2:12 "UC-001"
                .aiwg/architecture/decisions/ADR-002-tokens.md:2:29 "UC-1"
                .aiwg/requirements/use-cases/UC-001-create-task-v2.md:1:1 "# Create Task, revised"
                .aiwg/requirements/use-cases/UC-001-create-task.md:1:3 "UC-001"
                src/tasks.ts:1:16 "UC-001"
            "##]],
        );
    }
}
