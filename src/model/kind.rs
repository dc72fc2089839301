//! Artifact kinds, decided from a document's workspace-relative path.
//!
//! The locations are those aiwg-format §1.2 observed in real workspaces (every ADR directory
//! variant, flat and nested use cases, NFR modules, research findings, provenance records) and
//! §5.1 for framework sources (agents, commands, skills, rules, templates).

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ArtifactKind {
    Adr,
    UseCase,
    Nfr,
    ResearchRef,
    Risk,
    TestCase,
    ThreatModel,
    ProvenanceRecord,
    Agent,
    Command,
    Skill,
    Rule,
    Template,
    #[default]
    Other,
}

impl ArtifactKind {
    /// Human label for hovers and summaries.
    pub(crate) fn label(self) -> &'static str {
        match self {
            ArtifactKind::Adr => "Architecture decision record",
            ArtifactKind::UseCase => "Use case",
            ArtifactKind::Nfr => "Non-functional requirements",
            ArtifactKind::ResearchRef => "Research reference",
            ArtifactKind::Risk => "Risk",
            ArtifactKind::TestCase => "Test case",
            ArtifactKind::ThreatModel => "Threat model",
            ArtifactKind::ProvenanceRecord => "Provenance record",
            ArtifactKind::Agent => "Agent definition",
            ArtifactKind::Command => "Command",
            ArtifactKind::Skill => "Skill",
            ArtifactKind::Rule => "Rule",
            ArtifactKind::Template => "Template",
            ArtifactKind::Other => "Document",
        }
    }

    /// Part of the aiwg framework rather than of a project: agents, commands, skills, rules and
    /// templates speak of the user's future project, so the IDs and `.aiwg/` paths they cite are
    /// examples (aiwg-format §8.4), not declarations or broken references.
    pub(crate) fn is_framework_source(self) -> bool {
        matches!(
            self,
            ArtifactKind::Template
                | ArtifactKind::Agent
                | ArtifactKind::Command
                | ArtifactKind::Skill
                | ArtifactKind::Rule
        )
    }

    /// The kind of the document at `path` (relative to its root, `/`-separated).
    pub(crate) fn from_path(path: &str) -> ArtifactKind {
        let lower = path.to_ascii_lowercase();
        let file = lower.rsplit('/').next().unwrap_or(&lower);
        let dirs: Vec<&str> = lower.split('/').collect();
        let dirs = &dirs[..dirs.len() - 1];
        let in_dir = |name: &str| dirs.contains(&name);
        let parent = dirs.last().copied().unwrap_or("");

        if file.ends_with(".prov.yaml") || file.ends_with(".prov.yml") {
            return ArtifactKind::ProvenanceRecord;
        }
        // Copilot's deployed agents and commands are YAML with a markdown body.
        if (file.ends_with(".yaml") || file.ends_with(".yml")) && lower.starts_with(".github/agents/") {
            return ArtifactKind::Agent;
        }
        // Cursor's rules are markdown with front matter in `.mdc` files.
        let Some(stem) = [".md", ".mdc", ".markdown"].iter().find_map(|ext| file.strip_suffix(ext)) else {
            return ArtifactKind::Other;
        };
        // Framework sources are classified by their component directory first: an agent named
        // `adr-reviewer.md` is an agent, not an ADR.
        if in_dir("templates") {
            return ArtifactKind::Template;
        }
        if file == "skill.md" {
            return ArtifactKind::Skill;
        }
        let component = |name: &str, alias: &[&str]| parent == name || alias.contains(&parent);
        if component("agents", &["agent", "droids"]) && file != "readme.md" {
            return ArtifactKind::Agent;
        }
        if component("rules", &["rule", "copilot-rules"]) && file != "readme.md" {
            return ArtifactKind::Rule;
        }
        if (in_dir("commands") || parent == "command" || parent == "workflows") && file != "readme.md" {
            return ArtifactKind::Command;
        }

        let starts =
            |p: &str| stem.starts_with(p) && stem[p.len()..].starts_with(|c: char| c == '-' || c.is_ascii_digit());
        // `architecture/decisions/` holds ADRs; `.aiwg/decisions/` holds change requests and CCB
        // minutes (aiwg-format §1.1), so only the former counts.
        let adr_dir = matches!(parent, "adrs" | "adr") || (parent == "decisions" && in_dir("architecture"));
        if starts("adr") || adr_dir {
            return ArtifactKind::Adr;
        }
        if starts("uc") || in_dir("use-cases") || in_dir("use-case-briefs") {
            return ArtifactKind::UseCase;
        }
        if starts("nfr") || in_dir("nfr-modules") || in_dir("nfr") {
            return ArtifactKind::Nfr;
        }
        if starts("ref") && (in_dir("references") || in_dir("findings") || in_dir("research")) {
            return ArtifactKind::ResearchRef;
        }
        if in_dir("risks") || starts("risk") || starts("rsk") {
            return ArtifactKind::Risk;
        }
        if in_dir("test-cases") || starts("tc") {
            return ArtifactKind::TestCase;
        }
        if stem.contains("threat-model") || starts("tm") {
            return ArtifactKind::ThreatModel;
        }
        ArtifactKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::ArtifactKind::{self, *};

    #[test]
    fn kinds_from_real_layouts() {
        let cases = [
            (".aiwg/architecture/decisions/ADR-001-use-postgres.md", Adr),
            (".aiwg/architecture/adrs/001-use-react.md", Adr),
            (".aiwg/architecture/ADR-001-database-selection.md", Adr),
            (".aiwg/architecture/adr-002-caching.md", Adr),
            (".aiwg/flows/research-framework/elaboration/architecture/adrs/ADR-RF-001-x.md", Adr),
            (".aiwg/requirements/use-cases/UC-AP-003-x.md", UseCase),
            (".aiwg/requirements/UC-001-create-task.md", UseCase),
            (".aiwg/requirements/nfr-modules/performance.md", Nfr),
            (".aiwg/research/findings/REF-018-react.md", ResearchRef),
            ("docs/references/REF-001-x.md", ResearchRef),
            (".aiwg/risks/risk-register.md", Risk),
            (".aiwg/testing/test-cases/TC-001.md", TestCase),
            (".aiwg/security/threat-model.md", ThreatModel),
            (".aiwg/research/provenance/records/adr-001.prov.yaml", ProvenanceRecord),
            ("agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md", Agent),
            (".claude/agents/architecture-designer.md", Agent),
            ("agentic/code/frameworks/sdlc-complete/commands/flow/flow-x.md", Command),
            ("agentic/code/frameworks/sdlc-complete/skills/x/SKILL.md", Skill),
            (".claude/rules/thought-protocol.md", Rule),
            (".cursor/rules/aiwg-address-issues.mdc", Rule),
            (".github/agents/architecture-designer.yaml", Agent),
            ("agentic/code/frameworks/sdlc-complete/templates/governance/adr-template.md", Template),
            (".aiwg/decisions/change-requests/cr-001-x.md", Other),
            ("README.md", Other),
        ];
        for (path, kind) in cases {
            assert_eq!(ArtifactKind::from_path(path), kind, "{path}");
        }
    }
}
