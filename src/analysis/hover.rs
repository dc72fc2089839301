//! Hover: on a reference or ID, a markdown preview of what it points to.
//!
//! Each preview reads the same way: a bold title line, a short metadata line (path, kind, IDs,
//! status), the summary, provenance when a record describes the artifact, then a footer with how
//! the reference resolved and how many references point at the target. Everything comes from
//! the snapshot's facts; no file is read.

use std::fmt::Write;

use crate::analysis::cursor::{self, CursorTarget};
use crate::analysis::references::section_backlinks;
use crate::model::{Heading, IdKey, ProvenanceRecord, Reference, origin};
use crate::resolve::{AiwgRoot, PATH_STAGES, Resolution, RootKind, Stage, Target};
use crate::text::TextRange;
use crate::workspace::{DocId, Document, Snapshot};

/// Targets previewed in full before the rest are only counted: a glob can match hundreds.
const MAX_PREVIEWS: usize = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The reference or ID hovered.
    pub(crate) range: TextRange,
    pub markdown: String,
}

pub fn hover(snapshot: &Snapshot, doc: DocId, offset: usize) -> Option<Hover> {
    let document = snapshot.doc(doc);
    let at = cursor::target_at(&document.facts, offset)?;
    let markdown = match at {
        CursorTarget::Reference { index, reference } => {
            reference_hover(snapshot, document, reference, snapshot.resolutions(doc).get(index)?)
        }
        CursorTarget::IdMention { mention, .. } => id_hover(snapshot, &mention.id.key, &mention.id.text),
        CursorTarget::IdDeclaration { declaration, .. } => {
            id_hover(snapshot, &declaration.id.key, &declaration.id.text)
        }
        CursorTarget::Heading { heading, .. } => heading_hover(snapshot, doc, heading),
    };
    Some(Hover { range: at.range(), markdown })
}

fn reference_hover(snapshot: &Snapshot, from: &Document, reference: &Reference, resolution: &Resolution) -> String {
    let shown = shown_path(reference);
    match resolution {
        Resolution::Placeholder => {
            format!("**Template placeholder** `{shown}`\n\nTemplate text to fill in, not a path to check.")
        }
        Resolution::UserHome => format!(
            "**Outside the workspace** `{shown}`\n\nA file in the user's home folder, outside the workspace and the \
             aiwg root: it cannot be checked."
        ),
        Resolution::Dangling { glob: true } => format!("**Unresolved glob** `{shown}`\n\nThe pattern matches no file."),
        Resolution::Dangling { glob: false } => format!(
            "**Unresolved reference** `{shown}`\n\nNo file found. Tried: {}.",
            stages_tried(snapshot, from, &reference.path)
        ),
        Resolution::Resolved { stage, targets } => {
            let mut out = String::new();
            if targets.len() > 1 {
                let what = if *stage == Stage::Glob { "matches" } else { "is ambiguous between" };
                let _ = writeln!(out, "`{shown}` {what} {} files.\n", targets.len());
            }
            for (i, target) in targets.iter().take(MAX_PREVIEWS).enumerate() {
                if i > 0 {
                    out.push_str("\n---\n\n");
                }
                target_preview(snapshot, target, reference, *stage, &mut out);
            }
            if targets.len() > MAX_PREVIEWS {
                let _ = write!(out, "\n---\n\n…and {} more.\n", targets.len() - MAX_PREVIEWS);
            }
            out.trim_end().to_string()
        }
    }
}

/// The stages a dangling reference went through, in resolution order (the resolver's own list).
fn stages_tried(snapshot: &Snapshot, from: &Document, path: &str) -> String {
    let roots = snapshot.roots();
    let tried: Vec<String> = PATH_STAGES
        .iter()
        .filter(|stage| stage.applies_to(path))
        .map(|stage| match stage {
            Stage::Literal => match roots.project_dir(from.root, &from.path) {
                "" => "the project root".to_string(),
                project => format!("the project root `{project}/`"),
            },
            Stage::AiwgRoot => match (&roots.aiwg, &roots.aiwg_problem) {
                (AiwgRoot::Missing, Some(problem)) => format!("the aiwg root (invalid: {problem})"),
                (AiwgRoot::Missing, None) => "the aiwg root (not configured)".to_string(),
                _ => "the aiwg root".to_string(),
            },
            Stage::DeployMap => "the deploy map".to_string(),
            Stage::IdFallback => "REF-ID fallback".to_string(),
            Stage::FileRelative => "the containing file's folder".to_string(),
            Stage::Glob | Stage::Elided => stage.describe().to_string(),
        })
        .collect();
    tried.join(", ")
}

fn shown_path(reference: &Reference) -> String {
    let mut shown = reference.path.to_string();
    if let Some(anchor) = &reference.anchor {
        let _ = write!(shown, "#{anchor}");
    }
    if let Some((start, end)) = reference.line.map(crate::model::LineSuffix::get) {
        let _ = write!(shown, ":{start}");
        if let Some(end) = end {
            let _ = write!(shown, "-{end}");
        }
    }
    shown
}

fn target_preview(snapshot: &Snapshot, target: &Target, reference: &Reference, stage: Stage, out: &mut String) {
    let doc = snapshot.target_doc(target).map(|id| snapshot.doc(id));
    match doc {
        Some(doc) => document_block(doc, out),
        None => {
            // A folder or a file that is only listed (an image, a config file): its name is all
            // there is to show.
            let what = if target.is_dir { "Folder" } else { "File" };
            let name = target.path.rsplit('/').next().unwrap_or(&target.path);
            let _ = writeln!(out, "**{name}{}**\n", if target.is_dir { "/" } else { "" });
            let _ = writeln!(out, "`{}` · {what}\n", display_path(target.root, &target.path, target.is_dir));
        }
    }
    if let Some(anchor) = reference.anchor.as_deref()
        && let Some(doc) = doc
    {
        match doc.facts.heading_for_anchor(anchor) {
            Some(heading) => _ = writeln!(out, "Section: {}\n", heading.text),
            None if !doc.facts.headings.is_empty() => _ = writeln!(out, "No heading matches `#{anchor}`.\n"),
            None => {}
        }
    }
    if target.root == RootKind::Workspace {
        for &record in snapshot.provenance_of(&target.path) {
            if let Some(provenance) = &snapshot.doc(record).provenance {
                provenance_block(provenance, &snapshot.doc(record).path, snapshot.digest(&target.path), out);
            }
        }
    }
    let backlinks = snapshot.backlinks(target.root, &target.path).len();
    let _ = writeln!(out, "_{} · {}_", capitalized(stage.describe()), count(backlinks, "backlink", "backlinks"));
}

/// Title line, metadata line and summary of an indexed document.
fn document_block(doc: &Document, out: &mut String) {
    let facts = &doc.facts;
    let path = display_path(doc.root, &doc.path, false);
    let _ = writeln!(out, "**{}**\n", facts.title.as_deref().unwrap_or(&path));
    let mut meta = vec![format!("`{path}`"), facts.kind.label().to_string()];
    let ids: Vec<&str> = facts.declared_ids.iter().map(|d| d.id.text.as_str()).collect();
    if !ids.is_empty() {
        meta.push(ids.join(", "));
    }
    if let Some(status) = facts.status() {
        meta.push(format!("Status: {status}"));
    }
    let _ = writeln!(out, "{}\n", meta.join(" · "));
    if let Some(summary) = &facts.summary {
        let _ = writeln!(out, "{summary}\n");
    }
}

fn provenance_block(record: &ProvenanceRecord, record_path: &str, digest: Option<&str>, out: &mut String) {
    let mut lines: Vec<String> = Vec::new();
    if let Some(agent) = &record.agent {
        let mut who = agent.id.clone().unwrap_or_else(|| "unknown agent".to_string());
        let extra: Vec<&str> = [agent.name.as_deref(), agent.tool.as_deref()].into_iter().flatten().collect();
        if !extra.is_empty() {
            who = format!("{who} ({})", extra.join(", "));
        }
        lines.push(format!("agent: {who}"));
    }
    if let Some(activity) = &record.activity {
        let mut what = activity.kind.clone().or_else(|| activity.id.clone()).unwrap_or_else(|| "activity".to_string());
        match (&activity.started_at, &activity.ended_at) {
            (Some(start), Some(end)) => _ = write!(what, " {start} → {end}"),
            (Some(start), None) => _ = write!(what, " from {start}"),
            (None, Some(end)) => _ = write!(what, " until {end}"),
            (None, None) => {}
        }
        lines.push(format!("activity: {what}"));
    }
    if let Some(created) = &record.created_at {
        lines.push(format!("created: {created}"));
    }
    match (record.normalized_checksum(), digest) {
        (Some(recorded), Some(actual)) if recorded == actual => lines.push("checksum: matches the file".to_string()),
        (Some(_), Some(_)) => {
            lines.push("checksum: **does not match the file** (changed since this record)".to_string())
        }
        _ => {}
    }
    if !record.derived_from.is_empty() {
        let sources: Vec<String> = record
            .derived_from
            .iter()
            .map(|d| format!("`{}`", d.source.strip_prefix(crate::model::ARTIFACT_URN_PREFIX).unwrap_or(&d.source)))
            .collect();
        lines.push(format!("derived from: {}", sources.join(", ")));
    }
    let _ = writeln!(out, "Provenance (`{record_path}`):");
    for line in lines {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
}

/// A heading: the document itself for its title, else the section and who links to it.
fn heading_hover(snapshot: &Snapshot, doc: DocId, heading: &Heading) -> String {
    let document = snapshot.doc(doc);
    let mut out = String::new();
    if heading.level == 1 {
        document_block(document, &mut out);
        let backlinks = snapshot.backlinks(document.root, &document.path).len();
        let _ = write!(out, "_{}_", count(backlinks, "backlink", "backlinks"));
    } else {
        let anchored = section_backlinks(snapshot, doc, heading).len();
        let _ = write!(
            out,
            "**{}**\n\n`#{}` in `{}`\n\n_{} to this section_",
            heading.text,
            heading.slug,
            display_path(document.root, &document.path, false),
            count(anchored, "reference", "references")
        );
    }
    out
}

fn id_hover(snapshot: &Snapshot, key: &IdKey, written: &str) -> String {
    let declaring = snapshot.declaring(key);
    let mentions = snapshot.mentioning(key).len();
    let mut out = String::new();
    let mut docs: Vec<&Document> = declaring.iter().map(|&id| snapshot.doc(id)).collect();
    // The artifact first, then its companions (a paper's analysis, a use case's brief).
    docs.sort_by(|a, b| {
        (origin::companion_role(&a.path), a.root, &a.path).cmp(&(origin::companion_role(&b.path), b.root, &b.path))
    });
    let companions = docs.iter().filter(|d| origin::companion_role(&d.path).is_some()).count();
    match docs.len() {
        0 => {
            let _ = write!(out, "**{written}**\n\nNo document declares {key}.");
            return out;
        }
        1 => {}
        n if n - companions <= 1 => {
            _ = writeln!(
                out,
                "**{written}**, with {}.\n",
                count(companions, "companion document", "companion documents")
            )
        }
        n => _ = writeln!(out, "**{written}** is declared by {n} documents.\n"),
    }
    for (i, doc) in docs.iter().enumerate().take(MAX_PREVIEWS) {
        if i > 0 {
            out.push_str("---\n\n");
        }
        if let Some(role) = origin::companion_role(&doc.path) {
            let _ = writeln!(out, "_Companion: {role}_\n");
        }
        document_block(doc, &mut out);
    }
    if docs.len() > MAX_PREVIEWS {
        let _ = writeln!(out, "---\n\n…and {} more.\n", docs.len() - MAX_PREVIEWS);
    }
    // Documents are reached by path as often as by ID; both count as uses of the artifact.
    let backlinks: usize = docs.iter().map(|d| snapshot.backlinks(d.root, &d.path).len()).sum();
    let _ = write!(out, "_{} · {}_", count(mentions, "mention", "mentions"), count(backlinks, "backlink", "backlinks"));
    out
}

fn display_path(root: RootKind, path: &str, is_dir: bool) -> String {
    let mut shown = match root {
        RootKind::Workspace => path.to_string(),
        RootKind::Aiwg => format!("aiwg-root: {path}"),
    };
    if is_dir && !shown.ends_with('/') {
        shown.push('/');
    }
    shown
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::fixture::Fixture;

    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let (doc, offset) = fixture.cursor.expect("a $0 cursor in an indexed document");
        let out = match hover(&fixture.snapshot, doc, offset) {
            None => "no hover\n".to_string(),
            Some(found) => format!("[{:?}]\n{}\n", found.range.slice(fixture.text(doc)), found.markdown),
        };
        expect.assert_eq(&out);
    }

    #[test]
    fn reference_to_an_adr_with_provenance() {
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-003-sse.md
            # ADR-003: Server-sent events for live updates

            **Status**: Accepted

            Push task changes to browsers over SSE instead of polling.

            ## Consequences

            One long-lived connection per tab.
            //- /.aiwg/research/provenance/records/adr-003.prov.yaml
            entity:
              id: "urn:aiwg:artifact:.aiwg/architecture/decisions/ADR-003-sse.md"
              type: document
              created_at: "2026-01-10T09:05:00Z"
            activity:
              id: "urn:aiwg:activity:draft-adr-003"
              type: generation
              started_at: "2026-01-10T09:00:00Z"
              ended_at: "2026-01-10T09:05:00Z"
            agent:
              id: "urn:aiwg:agent:architecture-designer"
              name: Architecture Designer
              tool: claude-opus-4
            relationships:
              wasDerivedFrom:
                - source: "urn:aiwg:artifact:.aiwg/requirements/UC-001-create-task.md"
                  derivation_type: refinement
            //- /docs/notes.md
            # Notes
            Live updates: @.aiwg/architecture/decisions/ADR-003-sse.md#conseq$0uences.
            //- /README.md
            # Readme
            See @.aiwg/architecture/decisions/ADR-003-sse.md.
            "#,
            expect![[r#"
                ["@.aiwg/architecture/decisions/ADR-003-sse.md#consequences"]
                **ADR-003: Server-sent events for live updates**

                `.aiwg/architecture/decisions/ADR-003-sse.md` · Architecture decision record · ADR-003 · Status: Accepted

                Push task changes to browsers over SSE instead of polling.

                Section: Consequences

                Provenance (`.aiwg/research/provenance/records/adr-003.prov.yaml`):
                - agent: urn:aiwg:agent:architecture-designer (Architecture Designer, claude-opus-4)
                - activity: generation 2026-01-10T09:00:00Z → 2026-01-10T09:05:00Z
                - created: 2026-01-10T09:05:00Z
                - derived from: `.aiwg/requirements/UC-001-create-task.md`

                _Path relative to the project root · 3 backlinks_
            "#]],
        );
    }

    #[test]
    fn dangling_placeholder_and_home_references() {
        check(
            r#"
            //- /.aiwg/intake/intake.md
            # Intake
            See @.claude/rules/no-such-rule.md$0.
            "#,
            expect![[r#"
                ["@.claude/rules/no-such-rule.md"]
                **Unresolved reference** `.claude/rules/no-such-rule.md`

                No file found. Tried: the project root, the aiwg root (not configured), the deploy map, the containing file's folder.
            "#]],
        );
        check(
            r#"
            //- /.aiwg/intake/intake.md
            # Intake
            Write @.aiwg/requirements/UC-{NNN}-slug.md$0 next.
            "#,
            expect![[r#"
                ["@.aiwg/requirements/UC-{NNN}-slug.md"]
                **Template placeholder** `.aiwg/requirements/UC-{NNN}-slug.md`

                Template text to fill in, not a path to check.
            "#]],
        );
        check(
            r#"
            //- /.aiwg/intake/intake.md
            # Intake
            Personal notes in @~/.claude/CLAUDE.md$0.
            "#,
            expect![[r#"
                ["@~/.claude/CLAUDE.md"]
                **Outside the workspace** `~/.claude/CLAUDE.md`

                A file in the user's home folder, outside the workspace and the aiwg root: it cannot be checked.
            "#]],
        );
    }

    #[test]
    fn glob_and_deploy_map_list_their_targets() {
        check(
            r#"
            //- /.aiwg/intake/project-intake.md
            # Intake
            Follow @.claude/rules/research-before-decision.md$0.
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            # Research first
            Look before you leap.
            //- /aiwg-root/agentic/code/addons/aiwg-utils/rules/research-before-decision.md
            # Research first (utils)
            "#,
            expect![[r#"
                ["@.claude/rules/research-before-decision.md"]
                `.claude/rules/research-before-decision.md` is ambiguous between 2 files.

                **Research first (utils)**

                `aiwg-root: agentic/code/addons/aiwg-utils/rules/research-before-decision.md` · Rule

                _Deployed provider path mapped back to its framework source · 1 backlink_

                ---

                **Research first**

                `aiwg-root: agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md` · Rule

                Look before you leap.

                _Deployed provider path mapped back to its framework source · 1 backlink_
            "#]],
        );
    }

    #[test]
    fn headings_show_their_document_or_their_section_backlinks() {
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: To$0kens

            ## Consequences
            //- /docs/notes.md
            # Notes
            See @.aiwg/architecture/decisions/ADR-002-tokens.md and its
            @.aiwg/architecture/decisions/ADR-002-tokens.md#consequences.
            "#,
            expect![[r##"
                ["# ADR-002: Tokens"]
                **ADR-002: Tokens**

                `.aiwg/architecture/decisions/ADR-002-tokens.md` · Architecture decision record · ADR-002

                _2 backlinks_
            "##]],
        );
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens

            ## Conseq$0uences
            //- /docs/notes.md
            # Notes
            See @.aiwg/architecture/decisions/ADR-002-tokens.md and its
            @.aiwg/architecture/decisions/ADR-002-tokens.md#consequences.
            "#,
            expect![[r###"
                ["## Consequences"]
                **Consequences**

                `#consequences` in `.aiwg/architecture/decisions/ADR-002-tokens.md`

                _1 reference to this section_
            "###]],
        );
    }

    #[test]
    fn folders_and_long_globs() {
        check(
            r#"
            //- /.aiwg/research/sources/a.pdf
            //- /docs/notes.md
            # Notes
            Sources: @.aiwg/research/sources/$0
            "#,
            expect![[r#"
                ["@.aiwg/research/sources/"]
                **sources/**

                `.aiwg/research/sources/` · Folder

                _Path relative to the project root · 1 backlink_
            "#]],
        );
        check(
            r#"
            //- /.aiwg/requirements/UC-001-a.md
            # UC-001: A
            //- /.aiwg/requirements/UC-002-b.md
            # UC-002: B
            //- /.aiwg/requirements/UC-003-c.md
            # UC-003: C
            //- /.aiwg/requirements/UC-004-d.md
            # UC-004: D
            //- /.aiwg/requirements/UC-005-e.md
            # UC-005: E
            //- /.aiwg/requirements/UC-006-f.md
            # UC-006: F
            //- /.aiwg/requirements/UC-007-g.md
            # UC-007: G
            //- /CLAUDE.md
            # Project
            All use cases: @.aiwg/requirements/UC-*.md$0
            "#,
            expect![[r#"
                ["@.aiwg/requirements/UC-*.md"]
                `.aiwg/requirements/UC-*.md` matches 7 files.

                **UC-001: A**

                `.aiwg/requirements/UC-001-a.md` · Use case · UC-001

                _Glob pattern · 1 backlink_

                ---

                **UC-002: B**

                `.aiwg/requirements/UC-002-b.md` · Use case · UC-002

                _Glob pattern · 1 backlink_

                ---

                **UC-003: C**

                `.aiwg/requirements/UC-003-c.md` · Use case · UC-003

                _Glob pattern · 1 backlink_

                ---

                **UC-004: D**

                `.aiwg/requirements/UC-004-d.md` · Use case · UC-004

                _Glob pattern · 1 backlink_

                ---

                **UC-005: E**

                `.aiwg/requirements/UC-005-e.md` · Use case · UC-005

                _Glob pattern · 1 backlink_

                ---

                …and 2 more.
            "#]],
        );
    }

    #[test]
    fn an_artifact_comes_before_its_companions() {
        check(
            r#"
            //- /.aiwg/research/paper-analysis/REF-009-aiwg-analysis.md
            # REF-009 AIWG Analysis: Neural Turing Machines
            //- /docs/references/REF-009-neural-turing-machines.md
            # REF-009: Neural Turing Machines
            //- /.aiwg/architecture/decisions/ADR-002-memory.md
            # ADR-002: Memory
            Builds on REF-0$009.
            "#,
            expect![[r#"
                ["REF-009"]
                **REF-009**, with 1 companion document.

                **REF-009: Neural Turing Machines**

                `docs/references/REF-009-neural-turing-machines.md` · Research reference · REF-009

                ---

                _Companion: analysis_

                **REF-009 AIWG Analysis: Neural Turing Machines**

                `.aiwg/research/paper-analysis/REF-009-aiwg-analysis.md` · Research reference · REF-009

                _1 mention · 0 backlinks_
            "#]],
        );
    }

    #[test]
    fn ids_known_ambiguous_and_unknown() {
        check(
            r#"
            //- /.aiwg/requirements/use-cases/UC-001-create-task.md
            # UC-001: Create Task

            **Status**: Approved

            A user creates a task with a title and a due date.
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens
            Implements UC-00$01.
            "#,
            expect![[r#"
                ["UC-001"]
                **UC-001: Create Task**

                `.aiwg/requirements/use-cases/UC-001-create-task.md` · Use case · UC-001 · Status: Approved

                A user creates a task with a title and a due date.

                _1 mention · 0 backlinks_
            "#]],
        );
        check(
            r#"
            //- /.aiwg/requirements/use-cases/UC-001-create-task.md
            # UC-001: Create Task
            //- /.aiwg/requirements/use-cases/UC-001-create-task-v2.md
            # UC-001: Create Task Again
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens
            Implements UC-0$001 and UC-001.
            "#,
            expect![[r#"
                ["UC-001"]
                **UC-001** is declared by 2 documents.

                **UC-001: Create Task Again**

                `.aiwg/requirements/use-cases/UC-001-create-task-v2.md` · Use case · UC-001

                ---

                **UC-001: Create Task**

                `.aiwg/requirements/use-cases/UC-001-create-task.md` · Use case · UC-001

                _2 mentions · 0 backlinks_
            "#]],
        );
        check(
            r#"
            //- /.aiwg/requirements/create-task.md
            # Create Task

            **ID**: UC-0$001
            **Status**: Draft
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens
            Implements UC-001.
            "#,
            expect![[r#"
                ["UC-001"]
                **Create Task**

                `.aiwg/requirements/create-task.md` · Document · UC-001 · Status: Draft

                _1 mention · 0 backlinks_
            "#]],
        );
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens
            Implements UC-042$0.
            "#,
            expect![[r#"
                ["UC-042"]
                **UC-042**

                No document declares UC-042.
            "#]],
        );
    }

    #[test]
    fn the_id_in_a_title_is_hovered_as_the_artifact() {
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-00$02: Tokens
            //- /docs/notes.md
            # Notes
            See @.aiwg/architecture/decisions/ADR-002-tokens.md and ADR-002.
            "#,
            expect![[r#"
                ["ADR-002"]
                **ADR-002: Tokens**

                `.aiwg/architecture/decisions/ADR-002-tokens.md` · Architecture decision record · ADR-002

                _1 mention · 1 backlink_
            "#]],
        );
    }
}
