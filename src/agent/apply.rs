//! What a draft becomes: one edit of the document (the section's body replaced, or the missing
//! section inserted at its template's place), found again by heading in the text as it is when
//! the draft returns, and the provenance record of the draft in aiwg's schema (aiwg-format §3.1:
//! entity with the sha256 of the document after the edit, a generation or modification activity,
//! the agent, and `wasDerivedFrom` the documents that went into the prompt), created or replacing
//! the artifact's existing record, all in one change set.

use sha2::{Digest, Sha256};

use crate::agent::Reader;
use crate::agent::sections::find_section;
use crate::analysis::{ChangeSet, FileChange, FilePath, TextEdit};
use crate::model::ARTIFACT_URN_PREFIX;
use crate::resolve::RootKind;
use crate::text::TextRange;
use crate::workspace::{DocId, Snapshot};

/// Who wrote a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DraftOrigin {
    /// The built-in offline drafter.
    Offline,
    /// An aiwg agent run through a backend (`claude`, `codex`, `command`…), with the backend
    /// program's version when it told.
    Agent { name: String, backend: String, version: Option<String> },
}

/// The edit a draft makes and the record it leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedDraft {
    /// The document edit and the record file's creation or rewrite.
    pub changes: ChangeSet,
    /// The document's text after the edit.
    pub new_text: String,
    /// The record's path in the workspace.
    pub record_path: String,
}

/// When a draft started and ended (RFC 3339, UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftTimes {
    pub started: String,
    pub ended: String,
}

/// Applies `draft` to section `section` of document `doc_id` whose current text is `text`.
/// `Err` says why nothing can be applied (the section is gone or was written meanwhile, or the
/// draft is empty).
#[allow(clippy::too_many_arguments)]
pub fn apply_draft(
    snapshot: &Snapshot,
    doc_id: DocId,
    text: &str,
    section: &str,
    draft: &str,
    origin: &DraftOrigin,
    sources: &[FilePath],
    times: &DraftTimes,
    read: Reader<'_>,
) -> Result<AppliedDraft, String> {
    let doc = snapshot.doc(doc_id);
    let body = clean(draft, section);
    if body.is_empty() {
        return Err(format!("the draft of “{section}” is empty; nothing was changed"));
    }
    let facts = crate::syntax::facts_from_text(&doc.path, text);
    let Some(target) = find_section(&facts, text, section) else {
        return Err(format!(
            "“{section}” is no longer an empty section of `{}` (it was removed or written meanwhile); nothing was changed",
            doc.path
        ));
    };
    let new_text_of_edit = if target.is_missing() {
        let at_end = target.body.start >= text.trim_end().len();
        let lead =
            if at_end && !text.ends_with("\n\n") { if text.ends_with('\n') { "\n" } else { "\n\n" } } else { "" };
        let tail = if at_end { "\n" } else { "\n\n" };
        format!("{lead}{} {}\n\n{body}{tail}", "#".repeat(usize::from(target.level)), target.name)
    } else {
        let at_end = target.body.end >= text.trim_end().len();
        format!("\n{body}{}", if at_end { "\n" } else { "" })
    };
    // A missing section's body is its insertion point; a present one's ends at its last line,
    // so the blank lines before the next heading stay.
    let range = target.body;
    let mut new_text = String::with_capacity(text.len() + new_text_of_edit.len());
    new_text.push_str(&text[..range.start]);
    new_text.push_str(&new_text_of_edit);
    new_text.push_str(&text[range.end..]);

    let document = FilePath { root: doc.root, path: doc.path.clone() };
    let mut changes = ChangeSet {
        changes: vec![FileChange::Edit { file: document, edits: vec![TextEdit { range, new_text: new_text_of_edit }] }],
    };
    let project = snapshot.roots().project_dir(doc.root, &doc.path);
    let artifact = doc.path.strip_prefix(project).map_or(doc.path.as_str(), |p| p.trim_start_matches('/'));
    let existing = snapshot.provenance_of(artifact).first().map(|&id| snapshot.doc(id));
    let record_path = match existing {
        Some(record) => record.path.clone(),
        None => {
            let stem = artifact.rsplit('/').next().unwrap_or(artifact).trim_end_matches(".md").to_ascii_lowercase();
            let dir = ".aiwg/research/provenance/records";
            if project.is_empty() {
                format!("{dir}/{stem}.prov.yaml")
            } else {
                format!("{project}/{dir}/{stem}.prov.yaml")
            }
        }
    };
    let previous = existing.and_then(|r| r.provenance.as_ref());
    let sequence = previous
        .and_then(|p| p.activity.as_ref()?.id.as_deref()?.rsplit(':').next()?.parse::<u32>().ok())
        .map_or(1, |n| n + 1);
    let created_at = previous.and_then(|p| p.created_at.clone()).unwrap_or_else(|| times.ended.clone());
    let record = record_yaml(&RecordInput {
        artifact,
        new_text: &new_text,
        section: &target.name,
        generation: target.is_missing(),
        origin,
        sources,
        times,
        created_at: &created_at,
        sequence,
        project,
    });
    let record_file = FilePath::workspace(record_path.clone());
    match existing.and_then(|_| read(&record_file)) {
        Some(old) => changes.changes.push(FileChange::Edit {
            file: record_file,
            edits: vec![TextEdit { range: TextRange::new(0, old.len()), new_text: record }],
        }),
        None => changes.changes.push(FileChange::Create { file: record_file, content: record }),
    }
    Ok(AppliedDraft { changes, new_text, record_path })
}

/// The draft as a section body: without a repeated heading of the section, without a code
/// fence around the whole answer, trimmed.
fn clean(draft: &str, section: &str) -> String {
    let mut body = draft.trim();
    if let Some(inner) =
        body.strip_prefix("```markdown").or_else(|| body.strip_prefix("```md")).or_else(|| body.strip_prefix("```\n"))
        && let Some(inner) = inner.trim_end().strip_suffix("```")
    {
        body = inner.trim();
    }
    if let Some(first) = body.lines().next()
        && first.starts_with('#')
        && first.trim_start_matches('#').trim().eq_ignore_ascii_case(section.trim())
    {
        body = body[first.len()..].trim_start();
    }
    body.to_string()
}

struct RecordInput<'a> {
    artifact: &'a str,
    new_text: &'a str,
    section: &'a str,
    generation: bool,
    origin: &'a DraftOrigin,
    sources: &'a [FilePath],
    times: &'a DraftTimes,
    created_at: &'a str,
    sequence: u32,
    project: &'a str,
}

/// The record in the form of aiwg's own records (a header document naming the schema, then the
/// record), with every string quoted.
fn record_yaml(input: &RecordInput<'_>) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let entity = format!("{ARTIFACT_URN_PREFIX}{}", input.artifact);
    let checksum = format!("sha256:{:x}", Sha256::digest(input.new_text.as_bytes()));
    let kind = if input.generation { "generation" } else { "modification" };
    let stem = input.artifact.rsplit('/').next().unwrap_or(input.artifact).trim_end_matches(".md");
    let activity = format!("urn:aiwg:activity:{kind}:{stem}:{:03}", input.sequence);
    let (agent_id, agent_type, agent_name, tool) = match input.origin {
        DraftOrigin::Offline => (
            "urn:aiwg:agent:tool:aiwg-lsp".to_string(),
            "automated_tool",
            "aiwg-lsp offline drafter".to_string(),
            format!("aiwg-lsp {}", env!("CARGO_PKG_VERSION")),
        ),
        DraftOrigin::Agent { name, backend, version } => (
            format!("urn:aiwg:agent:{name}"),
            "aiwg_agent",
            name.clone(),
            match version {
                Some(v) => format!("{backend} {v}"),
                None => backend.clone(),
            },
        ),
    };
    let mut out = String::new();
    out.push_str("# Written by aiwg-lsp when a section was drafted: a header naming the schema, then the record.\n");
    out.push_str("template_id: provenance-record\nversion: \"1.0.0\"\nframework: sdlc-complete\nformat: yaml\n");
    out.push_str("schema: \"@agentic/code/frameworks/sdlc-complete/schemas/provenance/prov-record.yaml\"\n---\n");
    out.push_str(&format!(
        "metadata:\n  schema_version: \"1.0\"\n  created_at: {}\n  description: {}\n\n",
        q(&input.times.ended),
        q(&format!("Section \"{}\" drafted by {agent_name}", input.section))
    ));
    out.push_str(&format!(
        "entity:\n  id: {}\n  type: document\n  created_at: {}\n  updated_at: {}\n  checksum: {}\n  size_bytes: {}\n\n",
        q(&entity),
        q(input.created_at),
        q(&input.times.ended),
        q(&checksum),
        input.new_text.len()
    ));
    out.push_str(&format!(
        "activity:\n  id: {}\n  type: {kind}\n  started_at: {}\n  ended_at: {}\n  description: {}\n\n",
        q(&activity),
        q(&input.times.started),
        q(&input.times.ended),
        q(&format!("Drafted the \"{}\" section", input.section))
    ));
    out.push_str(&format!(
        "agent:\n  id: {}\n  type: {agent_type}\n  name: {}\n  tool: {}\n\n",
        q(&agent_id),
        q(&agent_name),
        q(&tool)
    ));
    out.push_str(&format!(
        "relationships:\n  wasGeneratedBy:\n    entity: {}\n    activity: {}\n",
        q(&entity),
        q(&activity)
    ));
    if !input.sources.is_empty() {
        out.push_str("  used:\n");
        for source in input.sources {
            out.push_str(&format!(
                "    - activity: {}\n      entity: {}\n      role: context\n",
                q(&activity),
                q(&source_urn(source, input.project))
            ));
        }
        out.push_str("  wasDerivedFrom:\n");
        for source in input.sources {
            out.push_str(&format!(
                "    - entity: {}\n      source: {}\n      derivation_type: derives_from\n",
                q(&entity),
                q(&source_urn(source, input.project))
            ));
        }
    }
    out.push_str(&format!("  wasAttributedTo:\n    entity: {}\n    agent: {}\n", q(&entity), q(&agent_id)));
    out
}

/// The artifact URN of a source: project-relative for the workspace's files, the framework path
/// for the aiwg root's.
fn source_urn(source: &FilePath, project: &str) -> String {
    let path = match source.root {
        RootKind::Workspace => {
            source.path.strip_prefix(project).map_or(source.path.as_str(), |p| p.trim_start_matches('/'))
        }
        RootKind::Aiwg => source.path.as_str(),
    };
    format!("{ARTIFACT_URN_PREFIX}{path}")
}
