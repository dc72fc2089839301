//! Document links: every resolved reference as a clickable link, with a tooltip naming the
//! target and the resolution stage.
//!
//! A link has one target, so a reference with several (a glob, a deploy-map collision) links to
//! the first and says so in the tooltip; go to definition lists them all.

use crate::analysis::definition::reference_target;
use crate::analysis::navigation::NavigationTarget;
use crate::resolve::Resolution;
use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLink {
    pub(crate) range: TextRange,
    pub(crate) target: NavigationTarget,
    pub(crate) tooltip: String,
}

/// Links of one document, at most (as [`crate::analysis::symbols::MAX_DOCUMENT_SYMBOLS`]).
pub const MAX_DOCUMENT_LINKS: usize = 5_000;

/// A link for each resolved reference, the first [`MAX_DOCUMENT_LINKS`] only.
pub fn document_links(snapshot: &Snapshot, doc: DocId) -> Vec<DocumentLink> {
    let facts = &snapshot.doc(doc).facts;
    facts
        .references
        .iter()
        .zip(snapshot.resolutions(doc))
        .filter_map(|(reference, resolution)| {
            let Resolution::Resolved { stage, targets } = resolution else { return None };
            let first = targets.first()?;
            let slash = if first.is_dir { "/" } else { "" };
            let mut tooltip = format!("{}{slash} — {}", first.path, stage.describe());
            if targets.len() > 1 {
                tooltip.push_str(&format!(" (1 of {})", targets.len()));
            }
            Some(DocumentLink { range: reference.range, target: reference_target(snapshot, first, reference), tooltip })
        })
        .take(MAX_DOCUMENT_LINKS)
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::fixture::Fixture;

    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let (doc, _) = fixture.cursor.expect("a $0 in the document whose links are listed");
        let out: String = document_links(&fixture.snapshot, doc)
            .iter()
            .map(|link| {
                format!(
                    "{:?} -> {} | {}\n",
                    link.range.slice(fixture.text(doc)),
                    fixture.render_target(&link.target),
                    link.tooltip
                )
            })
            .collect();
        expect.assert_eq(&out);
    }

    #[test]
    fn one_link_per_resolved_reference() {
        check(
            r#"
            //- /.aiwg/architecture/sad.md
            # Software Architecture

            ## Caching Strategy
            //- /.aiwg/requirements/UC-001-a.md
            # UC-001: A
            //- /.aiwg/requirements/UC-002-b.md
            # UC-002: B
            //- /src/login.ts
            export {}
            //- /docs/notes.md
            $0# Notes
            See @.aiwg/architecture/sad.md#caching, @src/login.ts:3, @.aiwg/requirements/ and
            @.aiwg/requirements/UC-*.md, but not @.aiwg/missing.md or @.aiwg/UC-{NNN}.md.
            Rules: @.claude/rules/research-before-decision.md.
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            # Research first
            //- /aiwg-root/agentic/code/addons/aiwg-utils/rules/research-before-decision.md
            # Research first (utils)
            "#,
            expect![[r###"
                "@.aiwg/architecture/sad.md#caching" -> .aiwg/architecture/sad.md:3:1 "## Caching Strategy" (section lines 3..4) | .aiwg/architecture/sad.md — path relative to the project root
                "@src/login.ts:3" -> src/login.ts:3 | src/login.ts — path relative to the project root
                "@.aiwg/requirements/" -> .aiwg/requirements/ | .aiwg/requirements/ — path relative to the project root
                "@.aiwg/requirements/UC-*.md" -> .aiwg/requirements/UC-001-a.md | .aiwg/requirements/UC-001-a.md — glob pattern (1 of 2)
                "@.claude/rules/research-before-decision.md" -> /aiwg-root/agentic/code/addons/aiwg-utils/rules/research-before-decision.md | agentic/code/addons/aiwg-utils/rules/research-before-decision.md — deployed provider path mapped back to its framework source (1 of 2)
            "###]],
        );
    }
}
