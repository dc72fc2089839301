//! Which aiwg agent drafts which artifact, and where its definition is. The map follows aiwg's
//! `skills/artifact-orchestration/SKILL.md` ("primary_author": SAD → architecture-designer, test
//! plan → test-architect, threat model → security-architect, requirements → requirements-analyst,
//! deployment plan → deployment-manager) and aiwg-format §8 item 9 (ADR → architecture-designer);
//! the user can override it per kind. A definition is looked up in the project's deployed copy
//! (`.claude/agents/<name>.md`), then the aiwg root's sources; when neither exists the caller says
//! so rather than guessing.

use std::collections::HashMap;

use crate::analysis::FilePath;
use crate::model::ArtifactKind;
use crate::resolve::RootKind;
use crate::workspace::{Document, Snapshot};

/// The kinds a user can map to an agent in settings (`aiwg.agent.agents`).
pub const KINDS: &[&str] = &[
    "adr",
    "architecture",
    "use-case",
    "requirements",
    "test",
    "threat-model",
    "risk",
    "research",
    "deployment",
    "other",
];

/// The agent chosen for a document and where its definition lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentChoice {
    /// The agent's file basename (`architecture-designer`), as aiwg's flows and URNs name it.
    pub name: String,
    /// The settings kind that chose it (`adr`).
    pub kind: &'static str,
    /// Its definition, if one exists in the project or the aiwg root.
    pub definition: Option<FilePath>,
}

/// The settings kind of a document.
pub fn kind_of(doc: &Document) -> &'static str {
    let path = doc.path.to_ascii_lowercase();
    let file = path.rsplit('/').next().unwrap_or(&path);
    match doc.facts.kind {
        ArtifactKind::Adr => "adr",
        ArtifactKind::UseCase | ArtifactKind::Nfr => "requirements",
        ArtifactKind::TestCase => "test",
        ArtifactKind::ThreatModel => "threat-model",
        ArtifactKind::Risk => "risk",
        ArtifactKind::ResearchRef => "research",
        _ if file.starts_with("software-architecture") || file == "sad.md" || path.contains("/architecture/") => {
            "architecture"
        }
        _ if path.contains("/requirements/") => "requirements",
        _ if path.contains("/testing/") || file.starts_with("test-") => "test",
        _ if path.contains("/security/") => "threat-model",
        _ if path.contains("/deployment/") => "deployment",
        _ => "other",
    }
}

/// aiwg's primary author of each kind.
pub fn default_agent(kind: &str) -> &'static str {
    match kind {
        "adr" | "architecture" => "architecture-designer",
        "use-case" | "requirements" => "requirements-analyst",
        "test" => "test-architect",
        "threat-model" => "security-architect",
        "risk" => "project-manager",
        "research" => "technical-researcher",
        "deployment" => "deployment-manager",
        _ => "technical-writer",
    }
}

/// The agent for `doc`: the user's override for its kind, else aiwg's primary author.
pub fn choose_agent(snapshot: &Snapshot, doc: &Document, overrides: &HashMap<String, String>) -> AgentChoice {
    let kind = kind_of(doc);
    let name = overrides
        .get(kind)
        .or_else(|| if kind == "requirements" { overrides.get("use-case") } else { None })
        .cloned()
        .unwrap_or_else(|| default_agent(kind).to_string());
    let definition = definition_of(snapshot, doc, &name);
    AgentChoice { name, kind, definition }
}

/// The definition of agent `name`: the project's deployed copy, then the aiwg root's sources
/// (frameworks first, then addons), then a copy of those sources inside the workspace (an aiwg
/// checkout).
pub fn definition_of(snapshot: &Snapshot, doc: &Document, name: &str) -> Option<FilePath> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return None;
    }
    let file = format!("{name}.md");
    let project = snapshot.roots().project_dir(doc.root, &doc.path);
    let join = |dir: &str| if project.is_empty() { dir.to_string() } else { format!("{project}/{dir}") };
    let deployed = [".claude/agents", ".github/agents", ".cursor/agents", ".factory/droids", ".codex/agents"];
    for dir in deployed {
        let path = format!("{}/{file}", join(dir));
        if snapshot.doc_by_path(RootKind::Workspace, &path).is_some() {
            return Some(FilePath::workspace(path));
        }
    }
    let source = |root: RootKind| {
        snapshot
            .documents()
            .map(|(_, d)| d)
            .filter(|d| d.root == root && d.facts.kind == ArtifactKind::Agent)
            .filter(|d| d.path.starts_with("agentic/code/") && d.path.ends_with(&format!("/agents/{file}")))
            .min_by_key(|d| (!d.path.starts_with("agentic/code/frameworks/"), d.path.len()))
            .map(|d| FilePath { root, path: d.path.clone() })
    };
    source(RootKind::Aiwg).or_else(|| source(RootKind::Workspace))
}
