//! The prompt an agent is given to draft one section: its own instructions (the body of its
//! definition), the task (the section, its template guidance, what to answer with), the document
//! as it stands, and the documents its `@`-references and ID mentions lead to, most relevant
//! first, within a byte budget. What went in is returned with the prompt: those documents are
//! what the draft `wasDerivedFrom`.

use crate::agent::Reader;
use crate::agent::roster::AgentChoice;
use crate::agent::sections::DraftSection;
use crate::analysis::FilePath;
use crate::model::ArtifactKind;
use crate::resolve::RootKind;
use crate::workspace::{DocId, Document, Snapshot};

/// The default budget, in bytes (`aiwg.agent.promptBudgetBytes`).
pub const DEFAULT_BUDGET: usize = 64 * 1024;
/// Under this many bytes left, a referenced document is not worth starting.
const MIN_EXCERPT: usize = 512;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub text: String,
    /// The referenced documents whose content is in the prompt, in the order given.
    pub sources: Vec<FilePath>,
}

/// The documents `doc` leads to, most relevant first: references and ID mentions inside the
/// section being drafted, then use cases, NFR modules, ADRs, research findings, architecture
/// documents and the rest, each group in document order; each document once, never itself.
pub fn related_documents<'a>(snapshot: &'a Snapshot, doc_id: DocId, section: &DraftSection) -> Vec<&'a Document> {
    let doc = snapshot.doc(doc_id);
    let project = snapshot.roots().project_dir(doc.root, &doc.path);
    let mut found: Vec<(bool, usize, &Document)> = Vec::new();
    let in_section =
        |offset: usize| section.heading.is_some() && section.body.start <= offset && offset <= section.body.end;
    let add = |found: &mut Vec<(bool, usize, &'a Document)>, offset: usize, target: &'a Document| {
        if std::ptr::eq(target, doc) || found.iter().any(|(_, _, d)| std::ptr::eq(*d, target)) {
            return;
        }
        found.push((in_section(offset), found.len(), target));
    };
    for (reference, resolution) in doc.facts.references.iter().zip(snapshot.resolutions(doc_id)) {
        for target in resolution.targets().iter().filter(|t| !t.is_dir) {
            if let Some(id) = snapshot.doc_by_path(target.root, &target.path) {
                add(&mut found, reference.range.start, snapshot.doc(id));
            }
        }
    }
    for mention in &doc.facts.id_mentions {
        for &id in snapshot.declaring(&mention.id.key) {
            let target = snapshot.doc(id);
            if target.root == doc.root && snapshot.roots().project_dir(target.root, &target.path) == project {
                add(&mut found, mention.range.start, target);
            }
        }
    }
    found.sort_by_key(|(in_section, order, d)| (!*in_section, rank(d), *order));
    found.into_iter().map(|(_, _, d)| d).collect()
}

fn rank(doc: &Document) -> u8 {
    match doc.facts.kind {
        ArtifactKind::UseCase => 0,
        ArtifactKind::Nfr => 1,
        ArtifactKind::Adr => 2,
        ArtifactKind::ResearchRef => 3,
        ArtifactKind::Agent | ArtifactKind::Command | ArtifactKind::Skill | ArtifactKind::Rule => 6,
        ArtifactKind::Template => 7,
        _ if doc.path.contains("architecture") => 4,
        _ => 5,
    }
}

/// The prompt for drafting `section` of document `doc_id` (current text `text`) with `agent`,
/// reading files through `read`, within `budget` bytes (the agent's instructions and the
/// document itself always go in; referenced documents fill what is left).
pub fn build_prompt(
    snapshot: &Snapshot,
    doc_id: DocId,
    text: &str,
    section: &DraftSection,
    agent: &AgentChoice,
    read: Reader<'_>,
    budget: usize,
) -> Prompt {
    let doc = snapshot.doc(doc_id);
    let mut out = String::new();
    if let Some(body) = agent.definition.as_ref().and_then(read) {
        out.push_str(&format!(
            "You are the aiwg agent `{}`. Your instructions:\n\n<agent-instructions>\n{}\n</agent-instructions>\n\n",
            agent.name,
            without_front_matter(&body).trim()
        ));
    }
    let action = if section.is_missing() { "Write" } else { "Draft" };
    out.push_str(&format!(
        "Task: {action} the body of the section \"{}\" of `{}` ({}). Answer with the section's body only, in \
         markdown: no heading for the section itself, no preamble or closing remarks, no code fence around the \
         answer. Cite the documents below with their @-paths where you use them.\n\n",
        section.name,
        doc.path,
        describe(doc)
    ));
    if !section.guidance.is_empty() {
        out.push_str(&format!("Template guidance for this section:\n\n{}\n\n", section.guidance));
    }
    out.push_str(&format!(
        "The document as it stands:\n\n<document path=\"{}\">\n{}\n</document>\n",
        doc.path,
        text.trim_end()
    ));
    let mut sources = Vec::new();
    let mut heading_written = false;
    for related in related_documents(snapshot, doc_id, section) {
        let left = budget.saturating_sub(out.len());
        if left < MIN_EXCERPT {
            break;
        }
        let file = FilePath { root: related.root, path: related.path.clone() };
        let Some(content) = read(&file) else { continue };
        if !heading_written {
            out.push_str("\nDocuments it references, most relevant first:\n");
            heading_written = true;
        }
        let at = format!(
            "@{}",
            if related.root == RootKind::Aiwg { format!("$AIWG_ROOT/{}", related.path) } else { related.path.clone() }
        );
        let wrapper = format!("\n<document path=\"{at}\">\n</document>\n").len();
        let room = left.saturating_sub(wrapper + 16);
        let (excerpt, cut) =
            if content.len() <= room { (content.as_str(), false) } else { (prefix(&content, room), true) };
        out.push_str(&format!(
            "\n<document path=\"{at}\">\n{}{}\n</document>\n",
            excerpt.trim_end(),
            if cut { "\n[… truncated]" } else { "" }
        ));
        sources.push(file);
    }
    Prompt { text: out, sources }
}

fn describe(doc: &Document) -> String {
    let kind = match doc.facts.kind {
        ArtifactKind::Adr => "an architecture decision record",
        ArtifactKind::UseCase => "a use case",
        ArtifactKind::Nfr => "a non-functional requirements module",
        ArtifactKind::ThreatModel => "a threat model",
        ArtifactKind::Risk => "a risk register",
        ArtifactKind::TestCase => "a test case",
        ArtifactKind::ResearchRef => "a research finding",
        _ => "an aiwg artifact",
    };
    match &doc.facts.title {
        Some(title) => format!("{kind}, \"{title}\""),
        None => kind.to_string(),
    }
}

/// The definition without its YAML front matter: the agent's system prompt.
fn without_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else { return text };
    match rest.find("\n---") {
        Some(end) => rest[end + 4..].trim_start_matches(['\r', '\n']),
        None => text,
    }
}

/// The longest prefix of `text` of at most `len` bytes that ends on a line break, else on a
/// character boundary.
fn prefix(text: &str, len: usize) -> &str {
    let mut end = len.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(line_end) if line_end > end / 2 => &text[..line_end],
        _ => &text[..end],
    }
}
