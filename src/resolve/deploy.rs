//! The inverse of aiwg's deploy mapping (aiwg-format §2.4): a deployed provider path such as
//! `.claude/rules/thought-protocol.md` names a file that `aiwg use` copies from the framework
//! sources under `agentic/code/{frameworks,addons}/*/<kind>/`. Since v2026.2.5 most rules are
//! never copied at all (only `RULES-INDEX.md` is), so these paths are often virtual and must be
//! mapped back to their sources to resolve. [`claude_paths`] is the same map forwards, for
//! completion: the `.claude/…` paths that [`sources`] maps back to a tree's files.

use std::collections::BTreeMap;

use crate::resolve::PathSet;

/// The component a provider folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Component {
    Agents,
    Commands,
    Skills,
    Rules,
}

impl Component {
    fn dir(self) -> &'static str {
        match self {
            Component::Agents => "agents",
            Component::Commands => "commands",
            Component::Skills => "skills",
            Component::Rules => "rules",
        }
    }
}

/// `(provider folder, component folder) -> component`, for the eight providers of
/// `src/cli/handlers/use.ts` and `tools/agents/providers/*.mjs`.
const PROVIDER_DIRS: &[(&str, &str, Component)] = &[
    (".claude", "agents", Component::Agents),
    (".claude", "commands", Component::Commands),
    (".claude", "skills", Component::Skills),
    (".claude", "rules", Component::Rules),
    (".codex", "agents", Component::Agents),
    (".codex", "commands", Component::Commands),
    (".codex", "skills", Component::Skills),
    (".codex", "rules", Component::Rules),
    (".factory", "droids", Component::Agents),
    (".factory", "commands", Component::Commands),
    (".factory", "skills", Component::Skills),
    (".factory", "rules", Component::Rules),
    // Copilot writes agents and commands alike to `.github/agents/*.yaml`; aiwg's CLI also
    // names `.github/commands/` for copilot's commands (`src/cli/handlers/use.ts`).
    (".github", "agents", Component::Agents),
    (".github", "commands", Component::Commands),
    (".github", "skills", Component::Skills),
    (".github", "copilot-rules", Component::Rules),
    // Cursor writes rules as `.mdc`.
    (".cursor", "agents", Component::Agents),
    (".cursor", "commands", Component::Commands),
    (".cursor", "skills", Component::Skills),
    (".cursor", "rules", Component::Rules),
    (".opencode", "agent", Component::Agents),
    (".opencode", "command", Component::Commands),
    (".opencode", "skill", Component::Skills),
    (".opencode", "rule", Component::Rules),
    (".warp", "agents", Component::Agents),
    (".warp", "commands", Component::Commands),
    (".warp", "skills", Component::Skills),
    (".warp", "rules", Component::Rules),
    (".windsurf", "agents", Component::Agents),
    (".windsurf", "workflows", Component::Commands),
    (".windsurf", "skills", Component::Skills),
    (".windsurf", "rules", Component::Rules),
];

const FRAMEWORKS: &str = "agentic/code/frameworks/";
const ADDONS: &str = "agentic/code/addons/";

/// True when `path` lies in a provider folder the deploy map knows.
pub fn is_deployed_path(path: &str) -> bool {
    split_deployed(path).is_some()
}

fn split_deployed(path: &str) -> Option<(&[Component], &str)> {
    let mut parts = path.splitn(3, '/');
    let provider = parts.next()?;
    let component_dir = parts.next()?;
    let rest = parts.next().unwrap_or("");
    let start = PROVIDER_DIRS.iter().position(|(p, c, _)| *p == provider && *c == component_dir)?;
    // Copilot's `agents` folder also receives commands, and cursor writes each command as a
    // rule too (`.cursor/rules/aiwg-<command>.mdc`).
    let components: &[Component] = if provider == ".github" && component_dir == "agents" {
        &[Component::Agents, Component::Commands]
    } else if provider == ".cursor" && component_dir == "rules" {
        &[Component::Rules, Component::Commands]
    } else {
        std::slice::from_ref(&PROVIDER_DIRS[start].2)
    };
    Some((components, rest))
}

/// Every framework or addon source that a deployed path was (or would be) copied from, in
/// path order; `None` when `path` is not a deployed provider path. A bare component folder
/// (`.claude/rules/`) maps to every source folder of that component.
pub(crate) fn sources(paths: &PathSet, path: &str) -> Option<Vec<String>> {
    let (components, rest) = split_deployed(path)?;
    let rest = rest.trim_end_matches('/');
    let mut found = Vec::new();
    for &component in components {
        if rest.is_empty() {
            found.extend(component_dirs(paths, component));
            continue;
        }
        let name = rest.rsplit('/').next().unwrap_or(rest);
        let mut names = vec![name.to_string()];
        // Cursor's `.mdc` rules and Copilot's `.yaml` agents come from `.md` sources.
        for ext in [".mdc", ".yaml", ".yml"] {
            if let Some(stem) = name.strip_suffix(ext) {
                names.push(format!("{stem}.md"));
                // Cursor prefixes what it deploys as rules with `aiwg-`.
                if let Some(unprefixed) = stem.strip_prefix("aiwg-").filter(|_| ext == ".mdc") {
                    names.push(format!("{unprefixed}.md"));
                }
            }
        }
        match component {
            Component::Skills => {
                // Skills are whole directories: `.claude/skills/<skill>/<file>`.
                for dir in component_dirs(paths, component) {
                    let candidate = format!("{dir}/{rest}");
                    if paths.exists(&candidate) {
                        found.push(candidate);
                    }
                }
            }
            Component::Commands => {
                // Framework commands are collected recursively and flattened to their
                // basename (skipping `templates/`); addon commands are not recursive.
                for name in &names {
                    for candidate in paths.with_name(name) {
                        if is_command_source(candidate) {
                            found.push(candidate.to_string());
                        }
                    }
                }
            }
            Component::Agents | Component::Rules => {
                for name in &names {
                    for candidate in paths.with_name(name) {
                        if is_flat_source(candidate, component) {
                            found.push(candidate.to_string());
                        }
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    Some(found)
}

/// `agentic/code/{frameworks,addons}/<name>/<component>` folders that exist.
fn component_dirs(paths: &PathSet, component: Component) -> Vec<String> {
    let mut dirs: Vec<String> = paths
        .dirs()
        .filter(|d| {
            let rest = d.strip_prefix(FRAMEWORKS).or_else(|| d.strip_prefix(ADDONS));
            rest.and_then(|r| r.split_once('/')).is_some_and(|(name, sub)| !name.is_empty() && sub == component.dir())
        })
        .map(str::to_string)
        .collect();
    dirs.sort();
    dirs
}

/// `agentic/code/{frameworks,addons}/<name>/<component>/<file>`.
fn is_flat_source(path: &str, component: Component) -> bool {
    let Some(rest) = path.strip_prefix(FRAMEWORKS).or_else(|| path.strip_prefix(ADDONS)) else {
        return false;
    };
    let mut parts = rest.split('/');
    let (_name, dir, _file, extra) = (parts.next(), parts.next(), parts.next(), parts.next());
    dir == Some(component.dir()) && extra.is_none()
}

/// A `.claude/…` path that deploying a source would write (or that resolves to it as if written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deployed<'a> {
    /// A skill is a whole folder.
    pub(crate) is_dir: bool,
    /// The first source it maps back to, in path order (as [`sources`] lists them).
    pub source: &'a str,
}

/// Every `.claude/{agents,commands,skills,rules}/…` path that [`sources`] maps back to a file or
/// folder of `tree`, by the same rules: agents, rules and addon commands flat, framework commands
/// collected recursively (templates aside), skills as folders. Colliding names appear once.
pub fn claude_paths(tree: &PathSet) -> BTreeMap<String, Deployed<'_>> {
    let mut out: BTreeMap<String, Deployed<'_>> = BTreeMap::new();
    for file in tree.files() {
        let Some(rest) = file.strip_prefix(FRAMEWORKS).or_else(|| file.strip_prefix(ADDONS)) else { continue };
        let Some((name, inner)) = rest.split_once('/') else { continue };
        let Some((dir, inner)) = inner.split_once('/') else { continue };
        let base = inner.rsplit('/').next().unwrap_or(inner);
        let (deployed, is_dir, source) = match dir {
            "skills" => {
                let Some((skill, _)) = inner.split_once('/') else { continue };
                let end = file.len() - inner.len() + skill.len();
                (format!(".claude/skills/{skill}"), true, &file[..end])
            }
            "commands" if is_command_source(file) => (format!(".claude/commands/{base}"), false, file),
            "agents" if is_flat_source(file, Component::Agents) => (format!(".claude/agents/{base}"), false, file),
            "rules" if is_flat_source(file, Component::Rules) => (format!(".claude/rules/{base}"), false, file),
            _ => continue,
        };
        if name.is_empty() {
            continue;
        }
        let entry = out.entry(deployed).or_insert(Deployed { is_dir, source });
        if source < entry.source {
            entry.source = source;
        }
    }
    out
}

fn is_command_source(path: &str) -> bool {
    if let Some(rest) = path.strip_prefix(FRAMEWORKS) {
        let mut parts = rest.split('/');
        let _name = parts.next();
        parts.next() == Some("commands") && !rest.contains("/templates/")
    } else {
        is_flat_source(path, Component::Commands)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> PathSet {
        PathSet::new(
            [
                "agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md",
                "agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md",
                "agentic/code/addons/aiwg-utils/rules/research-before-decision.md",
                "agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md",
                "agentic/code/frameworks/sdlc-complete/commands/flows/flow-inception.md",
                "agentic/code/frameworks/sdlc-complete/commands/templates/flow-inception.md",
                "agentic/code/frameworks/sdlc-complete/skills/auto-provenance/SKILL.md",
            ]
            .map(String::from)
            .to_vec(),
            [],
        )
    }

    #[test]
    fn maps_each_component_back_to_its_sources() {
        let set = set();
        assert_eq!(
            sources(&set, ".claude/rules/thought-protocol.md").unwrap(),
            ["agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md"]
        );
        assert_eq!(
            sources(&set, ".factory/droids/architecture-designer.md").unwrap(),
            ["agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md"]
        );
        assert_eq!(
            sources(&set, ".github/agents/architecture-designer.yaml").unwrap(),
            ["agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md"]
        );
        assert_eq!(
            sources(&set, ".claude/commands/flow-inception.md").unwrap(),
            ["agentic/code/frameworks/sdlc-complete/commands/flows/flow-inception.md"]
        );
        assert_eq!(
            sources(&set, ".github/commands/flow-inception.md").unwrap(),
            ["agentic/code/frameworks/sdlc-complete/commands/flows/flow-inception.md"]
        );
        assert_eq!(
            sources(&set, ".opencode/skill/auto-provenance/SKILL.md").unwrap(),
            ["agentic/code/frameworks/sdlc-complete/skills/auto-provenance/SKILL.md"]
        );
        assert_eq!(
            sources(&set, ".claude/rules/").unwrap(),
            ["agentic/code/addons/aiwg-utils/rules", "agentic/code/frameworks/sdlc-complete/rules"]
        );
        assert_eq!(sources(&set, "docs/x.md"), None);
    }

    #[test]
    fn forward_paths_map_back_to_their_sources() {
        let mut files: Vec<String> = set().files().map(str::to_string).collect();
        files.push("agentic/code/frameworks/sdlc-complete/rules/README.md".into());
        files.push("agentic/code/frameworks/sdlc-complete/agents/nested/not-deployed.md".into());
        let tree = PathSet::new(files, []);
        let forward = claude_paths(&tree);
        let listed: Vec<String> = forward.iter().map(|(path, d)| format!("{path} <- {}", d.source)).collect();
        assert_eq!(
            listed,
            [
                ".claude/agents/architecture-designer.md <- agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md",
                ".claude/commands/flow-inception.md <- agentic/code/frameworks/sdlc-complete/commands/flows/flow-inception.md",
                ".claude/rules/README.md <- agentic/code/frameworks/sdlc-complete/rules/README.md",
                ".claude/rules/research-before-decision.md <- agentic/code/addons/aiwg-utils/rules/research-before-decision.md",
                ".claude/rules/thought-protocol.md <- agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md",
                ".claude/skills/auto-provenance <- agentic/code/frameworks/sdlc-complete/skills/auto-provenance",
            ]
        );
        for (path, deployed) in &forward {
            let back = sources(&tree, path).unwrap();
            assert_eq!(back.first().map(String::as_str), Some(deployed.source), "{path}");
        }
    }

    #[test]
    fn basename_collisions_return_every_candidate() {
        assert_eq!(
            sources(&set(), ".cursor/rules/research-before-decision.mdc").unwrap(),
            [
                "agentic/code/addons/aiwg-utils/rules/research-before-decision.md",
                "agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md",
            ]
        );
    }
}
