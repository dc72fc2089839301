//! The `@`-reference resolver: where a reference points, and which rule found it.
//!
//! aiwg resolves references against the project root, not the containing file
//! (`rules/mention-wiring.md`, aiwg-format §2.3), and three namespaces share one syntax: project
//! files, the aiwg install root (`agentic/…`, `~/.local/share/ai-writing-guide/…`), and deployed
//! provider paths (`.claude/rules/…`) that map back to framework sources. The stages of
//! aiwg-format §7 are tried in order and the first hit wins:
//!
//! 1. placeholder (`{NNN}`, `XXX`, `<name>`, `path/to/`) → template text; glob → the files it matches;
//! 2. literal, relative to the document's project root (nearest ancestor holding `.aiwg/`), then
//!    the workspace root;
//! 3. the aiwg root: `~/.local/share/ai-writing-guide/…`, `$AIWG_ROOT/…`, and any path found
//!    there (`agentic/…` in a user project); other `~/…` paths are the user's own files;
//! 4. the inverse deploy map, every candidate on basename collisions;
//! 5. REF-ID fallback: `…/REF-018-anything.md` → a `REF-018*` file;
//! 6. relative to the containing file;
//! 7. elided `@.../x/y.md` → a file ending in `/x/y.md` under the aiwg root;
//! 8. dangling.

mod deploy;
mod paths;

use std::sync::Arc;

pub use deploy::{Deployed, claude_paths, is_deployed_path};
pub use paths::PathSet;

use crate::model::find_ids;

/// Which tree a path belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RootKind {
    Workspace,
    /// An aiwg install root outside the workspace.
    Aiwg,
}

/// The aiwg install root, as far as resolution is concerned.
#[derive(Clone, Debug, Default)]
pub enum AiwgRoot {
    /// None was configured or found: aiwg-root references cannot resolve.
    #[default]
    Missing,
    /// The workspace is itself an aiwg checkout (it holds `agentic/code/frameworks`).
    Workspace,
    External(Arc<PathSet>),
}

/// The trees references resolve against.
#[derive(Clone, Debug, Default)]
pub struct Roots {
    pub workspace: Arc<PathSet>,
    pub aiwg: AiwgRoot,
    /// Why there is no aiwg root although one was asked for (a setting naming no folder), so
    /// that diagnostics can say it is invalid rather than not configured.
    pub aiwg_problem: Option<Arc<str>>,
}

impl Roots {
    /// The aiwg tree and how its targets are labelled: the external root's, the workspace's
    /// when it is its own aiwg root, or none.
    pub fn aiwg_tree(&self) -> Option<(RootKind, &PathSet)> {
        match &self.aiwg {
            AiwgRoot::Missing => None,
            AiwgRoot::Workspace => Some((RootKind::Workspace, &self.workspace)),
            AiwgRoot::External(set) => Some((RootKind::Aiwg, set)),
        }
    }

    pub fn tree(&self, root: RootKind) -> Option<&PathSet> {
        match root {
            RootKind::Workspace => Some(&self.workspace),
            RootKind::Aiwg => match &self.aiwg {
                AiwgRoot::External(set) => Some(set),
                _ => None,
            },
        }
    }

    /// The project root of a document: its nearest ancestor directory holding `.aiwg/` (how
    /// aiwg's MCP server finds the project, `src/mcp/server.mjs:40-54`), else the root.
    pub fn project_dir<'a>(&self, root: RootKind, doc_path: &'a str) -> &'a str {
        let Some(tree) = self.tree(root) else { return "" };
        let mut dir = doc_path;
        while let Some(slash) = dir.rfind('/') {
            dir = &dir[..slash];
            if tree.is_dir(&format!("{dir}/.aiwg")) {
                return dir;
            }
        }
        ""
    }
}

/// The stage that resolved a reference (aiwg-format §7), reported by hover and `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Glob,
    Literal,
    AiwgRoot,
    DeployMap,
    IdFallback,
    FileRelative,
    Elided,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Glob => "glob",
            Stage::Literal => "literal",
            Stage::AiwgRoot => "aiwg-root",
            Stage::DeployMap => "deploy-map",
            Stage::IdFallback => "id-fallback",
            Stage::FileRelative => "file-relative",
            Stage::Elided => "elided",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Stage::Glob => "glob pattern",
            Stage::Literal => "path relative to the project root",
            Stage::AiwgRoot => "path in the aiwg install root",
            Stage::DeployMap => "deployed provider path mapped back to its framework source",
            Stage::IdFallback => "research reference found by its REF ID",
            Stage::FileRelative => "path relative to the containing file",
            Stage::Elided => "elided path (`...`) completed under the aiwg root",
        }
    }
}

/// A file or directory a reference points to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    pub root: RootKind,
    /// Shared with the root's [`PathSet`].
    pub path: Arc<str>,
    pub is_dir: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// At least one target; more than one is ambiguous (deploy-map collisions, globs).
    Resolved { stage: Stage, targets: Box<[Target]> },
    /// Template text (`UC-{NNN}.md`, `path/to/file`): never checked.
    Placeholder,
    /// A file in the user's home outside the aiwg root (`~/.claude/CLAUDE.md`): not checkable.
    UserHome,
    /// Nothing matched; `glob` when the reference was a pattern that matched no file.
    Dangling { glob: bool },
}

impl Resolution {
    pub fn outcome_str(&self) -> &'static str {
        match self {
            Resolution::Resolved { stage, .. } => stage.as_str(),
            Resolution::Placeholder => "placeholder",
            Resolution::UserHome => "user-home",
            Resolution::Dangling { .. } => "dangling",
        }
    }

    pub fn targets(&self) -> &[Target] {
        match self {
            Resolution::Resolved { targets, .. } => targets,
            _ => &[],
        }
    }
}

/// Prefixes that name the aiwg install root (aiwg-format §2.3: `$AIWG_ROOT`, the edge-channel
/// clone, the system-wide install, and the `{AIWG_ROOT}` template placeholder).
const AIWG_ROOT_PREFIXES: &[&str] = &[
    "~/.local/share/ai-writing-guide",
    "$AIWG_ROOT",
    "${AIWG_ROOT}",
    "{AIWG_ROOT}",
    "/usr/local/share/ai-writing-guide",
];

/// Research folders where REF-ID fallback looks (aiwg-format §1.2 "Research ref").
const REF_FOLDERS: &[&str] = &["docs/references/", ".aiwg/research/"];

/// Resolves `path` (an `@`-reference's path, without anchor and line) written in the document
/// at `from_path` in tree `from_root`.
pub fn resolve(roots: &Roots, from_root: RootKind, from_path: &str, path: &str) -> Resolution {
    let (in_aiwg_root, path) = match strip_aiwg_prefix(path) {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    if is_placeholder(path) {
        return Resolution::Placeholder;
    }
    let wants_dir = path.ends_with('/') || path.is_empty();
    let Some(normal) = normalize(path) else {
        return Resolution::Dangling { glob: false };
    };
    let own_tree = roots.tree(from_root);
    let project_dir = roots.project_dir(from_root, from_path);
    let lookup = |tree: &PathSet, p: &str| if wants_dir { tree.is_dir(p) } else { tree.exists(p) };
    let target =
        |root: RootKind, tree: &PathSet, p: &str| Target { root, path: shared(tree, p), is_dir: tree.is_dir(p) };
    let resolved = |stage, targets: Vec<Target>| Resolution::Resolved { stage, targets: targets.into() };

    if path.contains(['*', '?']) {
        return resolve_glob(roots, from_root, project_dir, in_aiwg_root, &normal);
    }
    if in_aiwg_root {
        return match roots.aiwg_tree() {
            Some((root, tree)) if lookup(tree, &normal) => resolved(Stage::AiwgRoot, vec![target(root, tree, &normal)]),
            _ => Resolution::Dangling { glob: false },
        };
    }
    if path.starts_with("~/") || path == "~" {
        return Resolution::UserHome;
    }
    if normal.starts_with("...") {
        return resolve_elided(roots, &normal);
    }

    // 2. Literal: the document's project root, then the workspace root.
    if let Some(tree) = own_tree {
        for base in [project_dir, ""] {
            let candidate = join(base, &normal);
            if lookup(tree, &candidate) {
                return resolved(Stage::Literal, vec![target(from_root, tree, &candidate)]);
            }
            if base.is_empty() {
                break;
            }
        }
    }
    // 3. The aiwg root, when it is not the workspace itself (then stage 2 looked there).
    if from_root == RootKind::Workspace
        && let AiwgRoot::External(tree) = &roots.aiwg
        && lookup(tree, &normal)
    {
        return resolved(Stage::AiwgRoot, vec![target(RootKind::Aiwg, tree, &normal)]);
    }
    // 4. The deploy map: the project's own sources first, then the aiwg root's.
    if deploy::is_deployed_path(&normal) {
        let mut trees: Vec<(RootKind, &PathSet)> = own_tree.map(|t| (from_root, t)).into_iter().collect();
        if let Some((root, tree)) = roots.aiwg_tree()
            && !trees.iter().any(|(r, _)| *r == root)
        {
            trees.push((root, tree));
        }
        for (root, tree) in trees {
            let found = deploy::sources(tree, &normal).unwrap_or_default();
            if !found.is_empty() {
                return resolved(Stage::DeployMap, found.iter().map(|p| target(root, tree, p)).collect());
            }
        }
    }
    // 5. REF-ID fallback.
    if let Some(found) = id_fallback(roots, from_root, &normal)
        && !found.is_empty()
    {
        return resolved(Stage::IdFallback, found);
    }
    // 6. Relative to the containing file.
    if let Some(tree) = own_tree {
        let dir = from_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        if let Some(candidate) = normalize(&join(dir, path))
            && lookup(tree, &candidate)
        {
            return resolved(Stage::FileRelative, vec![target(from_root, tree, &candidate)]);
        }
    }
    Resolution::Dangling { glob: false }
}

/// Whether `path` can only resolve through an aiwg install root: it names the root itself
/// (`~/.local/share/ai-writing-guide/…`), the framework sources (`agentic/…`), or a deployed
/// provider path that maps back to them.
pub fn needs_aiwg_root(path: &str) -> bool {
    strip_aiwg_prefix(path).is_some() || path.starts_with("agentic/") || is_deployed_path(path)
}

/// The set's copy of a path it holds (no allocation), else a new one.
fn shared(tree: &PathSet, path: &str) -> Arc<str> {
    tree.intern(path).unwrap_or_else(|| Arc::from(path))
}

fn strip_aiwg_prefix(path: &str) -> Option<&str> {
    split_aiwg_prefix(path).map(|(_, rest)| rest)
}

/// A path that names the aiwg install root, split into the spelling used (with its `/`, as
/// written: `~/.local/share/ai-writing-guide/`) and the path inside the root.
pub fn split_aiwg_prefix(path: &str) -> Option<(&str, &str)> {
    AIWG_ROOT_PREFIXES.iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix)?;
        match rest.strip_prefix('/') {
            Some(inner) => Some((&path[..prefix.len() + 1], inner)),
            None => rest.is_empty().then_some((path, "")),
        }
    })
}

/// Template text: `{NNN}`, `[name]`, `<slug>`, `XXX`, `NNN`, `YYYY`, `path/to/` (aiwg-format §2.1).
pub fn is_placeholder(path: &str) -> bool {
    path.contains(['{', '}', '[', ']', '<', '>'])
        || path.contains("XXX")
        || path.contains("NNN")
        || path.contains("YYYY")
        || path.contains("###")
        || path.contains("path/to")
        || path.contains("/.../")
}

/// Removes `.` segments and folds `..`; `None` when the path climbs above its root (so
/// `@../../etc/passwd` can never name a file outside the trees we know).
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() { path.to_string() } else { format!("{dir}/{path}") }
}

fn resolve_glob(
    roots: &Roots,
    from_root: RootKind,
    project_dir: &str,
    in_aiwg_root: bool,
    pattern: &str,
) -> Resolution {
    let Ok(glob) = globset::GlobBuilder::new(pattern).literal_separator(true).build() else {
        return Resolution::Dangling { glob: true };
    };
    let matcher = glob.compile_matcher();
    let matches = |root: RootKind, tree: &PathSet, base: &str| -> Vec<Target> {
        let strip = if base.is_empty() { 0 } else { base.len() + 1 };
        tree.under(base)
            .filter(|p| matcher.is_match(&p[strip..]))
            .map(|p| Target { root, path: shared(tree, p), is_dir: false })
            .collect()
    };
    let mut trees: Vec<(RootKind, &PathSet, &str)> = Vec::new();
    if !in_aiwg_root && let Some(tree) = roots.tree(from_root) {
        trees.push((from_root, tree, project_dir));
        if !project_dir.is_empty() {
            trees.push((from_root, tree, ""));
        }
    }
    if let Some((root, tree)) = roots.aiwg_tree() {
        trees.push((root, tree, ""));
    }
    for (root, tree, base) in trees {
        let found = matches(root, tree, base);
        if !found.is_empty() {
            return Resolution::Resolved { stage: Stage::Glob, targets: found.into() };
        }
        // `.claude/commands/flow-*.md`: match the pattern's file name among the deployed sources.
        if deploy::is_deployed_path(pattern)
            && let Some((dir, file_pattern)) = pattern.rsplit_once('/')
            && let Some(source_dirs) = deploy::sources(tree, &format!("{dir}/"))
            && let Ok(file_glob) = globset::Glob::new(file_pattern)
        {
            let file_matcher = file_glob.compile_matcher();
            let found: Vec<Target> = source_dirs
                .iter()
                .flat_map(|d| tree.under(d))
                .filter(|p| p.rsplit('/').next().is_some_and(|name| file_matcher.is_match(name)))
                .map(|p| Target { root, path: shared(tree, p), is_dir: false })
                .collect();
            if !found.is_empty() {
                return Resolution::Resolved { stage: Stage::Glob, targets: found.into() };
            }
        }
    }
    Resolution::Dangling { glob: true }
}

/// `…/REF-018-react.md` → any `REF-018*` file in the research folders: aiwg's docs cite
/// findings under `.aiwg/research/findings/` that the repository keeps in `docs/references/`.
fn id_fallback(roots: &Roots, from_root: RootKind, path: &str) -> Option<Vec<Target>> {
    let name = path.rsplit('/').next()?;
    let (range, id) = find_ids(name).into_iter().next()?;
    if range.start != 0 || id.key.prefix != "REF" {
        return None;
    }
    let prefix = &name[..range.end];
    let mut trees: Vec<(RootKind, &PathSet)> = roots.tree(from_root).map(|t| (from_root, t)).into_iter().collect();
    if let Some((root, tree)) = roots.aiwg_tree()
        && !trees.iter().any(|(r, _)| *r == root)
    {
        trees.push((root, tree));
    }
    for (root, tree) in trees {
        let found: Vec<Target> = tree
            .with_name_prefix(prefix)
            .filter(|p| {
                let name = p.rsplit('/').next().unwrap_or(p);
                name[prefix.len()..].starts_with(['-', '.'])
                    && REF_FOLDERS.iter().any(|f| p.starts_with(f) || p.contains(&format!("/{f}")))
            })
            .map(|p| Target { root, path: shared(tree, p), is_dir: false })
            .collect();
        if !found.is_empty() {
            return Some(found);
        }
    }
    None
}

/// `.../prompts/core/orchestrator.md` means "somewhere under the aiwg root" (aiwg-format §2.1).
fn resolve_elided(roots: &Roots, path: &str) -> Resolution {
    let suffix = path.trim_start_matches('.');
    let name = suffix.rsplit('/').next().unwrap_or(suffix);
    let Some((root, tree)) = roots.aiwg_tree().or(Some((RootKind::Workspace, &roots.workspace))) else {
        return Resolution::Dangling { glob: false };
    };
    let targets: Vec<Target> = tree
        .with_name(name)
        .filter(|p| p.ends_with(suffix))
        .map(|p| Target { root, path: shared(tree, p), is_dir: false })
        .collect();
    if targets.is_empty() {
        Resolution::Dangling { glob: false }
    } else {
        Resolution::Resolved { stage: Stage::Elided, targets: targets.into() }
    }
}

#[cfg(test)]
mod tests;
