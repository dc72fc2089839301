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

use crate::model::{ArtifactKind, find_ids, origin};

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
    /// Whether `other` holds the very same path sets (not equal ones: the same allocation), so
    /// that what was resolved against one holds for the other.
    pub(crate) fn same_as(&self, other: &Roots) -> bool {
        let same_aiwg = match (&self.aiwg, &other.aiwg) {
            (AiwgRoot::Missing, AiwgRoot::Missing) | (AiwgRoot::Workspace, AiwgRoot::Workspace) => true,
            (AiwgRoot::External(a), AiwgRoot::External(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_aiwg && Arc::ptr_eq(&self.workspace, &other.workspace)
    }

    /// The aiwg tree and how its targets are labelled: the external root's, the workspace's
    /// when it is its own aiwg root, or none.
    pub(crate) fn aiwg_tree(&self) -> Option<(RootKind, &PathSet)> {
        match &self.aiwg {
            AiwgRoot::Missing => None,
            AiwgRoot::Workspace => Some((RootKind::Workspace, &self.workspace)),
            AiwgRoot::External(set) => Some((RootKind::Aiwg, set)),
        }
    }

    pub(crate) fn tree(&self, root: RootKind) -> Option<&PathSet> {
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
    pub(crate) fn project_dir<'a>(&self, root: RootKind, doc_path: &'a str) -> &'a str {
        self.tree(root).map_or("", |tree| tree.project_of(doc_path))
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
    pub(crate) fn as_str(self) -> &'static str {
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

    pub(crate) fn describe(self) -> &'static str {
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
    pub(crate) root: RootKind,
    /// Shared with the root's [`PathSet`].
    pub path: Arc<str>,
    pub(crate) is_dir: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// At least one target; more than one is ambiguous (deploy-map collisions, globs). Shared
    /// by the references resolved together that name the same path (`workspace::snapshot`).
    Resolved { stage: Stage, targets: Arc<[Target]> },
    /// Template text (`UC-{NNN}.md`, `path/to/file`): never checked.
    Placeholder,
    /// A file in the user's home outside the aiwg root (`~/.claude/CLAUDE.md`): not checkable.
    UserHome,
    /// Nothing matched; `glob` when the reference was a pattern that matched no file.
    Dangling { glob: bool },
}

impl Resolution {
    pub(crate) fn outcome_str(&self) -> &'static str {
        match self {
            Resolution::Resolved { stage, .. } => stage.as_str(),
            Resolution::Placeholder => "placeholder",
            Resolution::UserHome => "user-home",
            Resolution::Dangling { .. } => "dangling",
        }
    }

    /// Whether this resolution of an `@`-reference holds for every document of the referring
    /// document's project, in any folder: only the file-relative stage, tried last, reads the
    /// folder (and the REF-ID fallback the document's name), so whatever resolved before them,
    /// a placeholder, a home path or a pattern, does not depend on where it is written.
    pub(crate) fn holds_across_folders(&self) -> bool {
        match self {
            Resolution::Resolved { stage, .. } => !matches!(stage, Stage::FileRelative | Stage::IdFallback),
            Resolution::Placeholder | Resolution::UserHome => true,
            Resolution::Dangling { glob } => *glob,
        }
    }

    pub(crate) fn targets(&self) -> &[Target] {
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

/// Bounds on a glob reference's pattern (see `resolve_glob`).
const MAX_GLOB_BYTES: usize = 1024;
const MAX_GLOB_WILDCARDS: usize = 32;

/// Research folders where REF-ID fallback looks (aiwg-format §1.2 "Research ref").
const REF_FOLDERS: &[&str] = &["docs/references/", ".aiwg/research/"];

/// Resolves `path` (an `@`-reference's path, without anchor and line) written in the document
/// at `from_path` in tree `from_root`.
pub fn resolve(roots: &Roots, from_root: RootKind, from_path: &str, path: &str) -> Resolution {
    let framework_text = origin::is_framework_path(from_path, ArtifactKind::from_path(from_path));
    resolve_as(roots, from_root, from_path, framework_text, path)
}

/// [`resolve`] for a reference whose writer is known: `framework_text` when it stands in aiwg's
/// text (a framework source or copy, or a section aiwg generated), which may point into the
/// aiwg root with any path; the user's own `src/`, `docs/`… paths resolve only in the project.
pub fn resolve_as(roots: &Roots, from_root: RootKind, from_path: &str, framework_text: bool, path: &str) -> Resolution {
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
    let project_dir = roots.project_dir(from_root, from_path);
    let context =
        StageContext { roots, from_root, from_path, framework_text, path, normal: &normal, project_dir, wants_dir };
    let resolved = |stage, targets: Vec<Target>| Resolution::Resolved { stage, targets: targets.into() };

    if path.contains(['*', '?']) {
        return resolve_glob(roots, from_root, project_dir, in_aiwg_root, &normal);
    }
    if in_aiwg_root {
        return match roots.aiwg_tree() {
            Some((root, tree)) if context.lookup(tree, &normal) => {
                resolved(Stage::AiwgRoot, vec![StageContext::target(root, tree, &normal)])
            }
            _ => Resolution::Dangling { glob: false },
        };
    }
    if path.starts_with("~/") || path == "~" {
        return Resolution::UserHome;
    }
    if normal.starts_with("...") {
        return resolve_elided(roots, &normal);
    }

    for &stage in PATH_STAGES.iter().filter(|s| s.applies_to(&normal)) {
        if let Some(targets) = context.try_stage(stage).filter(|t| !t.is_empty()) {
            return resolved(stage, targets);
        }
    }
    Resolution::Dangling { glob: false }
}

/// Resolves a markdown link's destination as CommonMark and GitHub read it: relative to the
/// containing file, or to the root with a leading `/`. No other stage applies: a link names
/// one file, and aiwg's project-root rule is for `@`-references.
pub(crate) fn resolve_link(roots: &Roots, from_root: RootKind, from_path: &str, path: &str) -> Resolution {
    if is_placeholder(path) {
        return Resolution::Placeholder;
    }
    // `[guide](~/.local/share/ai-writing-guide/docs/x.md)`: the install root, spelled out.
    if let Some(inner) = strip_aiwg_prefix(path) {
        return match (roots.aiwg_tree(), normalize(inner)) {
            (Some((root, tree)), Some(normal)) if tree.exists(&normal) => Resolution::Resolved {
                stage: Stage::AiwgRoot,
                targets: vec![Target { root, path: shared(tree, &normal), is_dir: tree.is_dir(&normal) }].into(),
            },
            _ => Resolution::Dangling { glob: false },
        };
    }
    if path.starts_with("~/") {
        return Resolution::UserHome;
    }
    let Some(tree) = roots.tree(from_root) else { return Resolution::Dangling { glob: false } };
    let (stage, joined) = match path.strip_prefix('/') {
        Some(from_root_dir) => (Stage::Literal, from_root_dir.to_string()),
        None => (Stage::FileRelative, join(from_path.rsplit_once('/').map_or("", |(dir, _)| dir), path)),
    };
    match normalize(&joined) {
        Some(normal) if !normal.is_empty() && tree.exists(&normal) => Resolution::Resolved {
            stage,
            targets: vec![Target { root: from_root, path: shared(tree, &normal), is_dir: tree.is_dir(&normal) }].into(),
        },
        _ => Resolution::Dangling { glob: false },
    }
}

/// `to` written relative to the folder `from_dir` (both root-relative): `../b/c.md`.
pub(crate) fn relative_path(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    let target: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}

/// The stages an ordinary path (not a placeholder, glob, aiwg-root spelling, home path or
/// elided path) goes through, in order (aiwg-format §7); the first that finds something wins.
/// Hover lists the same stages for a reference that none resolved.
pub(crate) const PATH_STAGES: [Stage; 5] =
    [Stage::Literal, Stage::AiwgRoot, Stage::DeployMap, Stage::IdFallback, Stage::FileRelative];

impl Stage {
    /// Whether an ordinary path can resolve at this stage at all: only deployed provider paths
    /// go through the deploy map, and only file names starting with a REF ID through the
    /// REF-ID fallback.
    pub(crate) fn applies_to(self, path: &str) -> bool {
        match self {
            Stage::DeployMap => deploy::is_deployed_path(path),
            Stage::IdFallback => ref_id_prefix(path).is_some(),
            _ => true,
        }
    }
}

/// What every stage needs to know about the reference being resolved.
struct StageContext<'a> {
    roots: &'a Roots,
    from_root: RootKind,
    from_path: &'a str,
    framework_text: bool,
    /// As written (for the file-relative stage, which may climb with `..`).
    path: &'a str,
    normal: &'a str,
    project_dir: &'a str,
    wants_dir: bool,
}

impl StageContext<'_> {
    fn lookup(&self, tree: &PathSet, p: &str) -> bool {
        if self.wants_dir { tree.is_dir(p) } else { tree.exists(p) }
    }

    fn target(root: RootKind, tree: &PathSet, p: &str) -> Target {
        Target { root, path: shared(tree, p), is_dir: tree.is_dir(p) }
    }

    /// The targets `stage` finds, if any.
    fn try_stage(&self, stage: Stage) -> Option<Vec<Target>> {
        let roots = self.roots;
        let own_tree = roots.tree(self.from_root);
        match stage {
            // The document's project root, then the workspace root.
            Stage::Literal => {
                let tree = own_tree?;
                let bases: &[&str] = if self.project_dir.is_empty() { &[""] } else { &[self.project_dir, ""] };
                bases
                    .iter()
                    .map(|base| join(base, self.normal))
                    .find(|c| self.lookup(tree, c))
                    .map(|candidate| vec![Self::target(self.from_root, tree, &candidate)])
            }
            // The aiwg root, when it is not the workspace itself (then the literal stage looked).
            Stage::AiwgRoot => match &roots.aiwg {
                AiwgRoot::External(_) if !self.framework_text && is_project_owned(self.normal) => None,
                AiwgRoot::External(tree) if self.from_root == RootKind::Workspace && self.lookup(tree, self.normal) => {
                    Some(vec![Self::target(RootKind::Aiwg, tree, self.normal)])
                }
                _ => None,
            },
            // The project's own sources first, then the aiwg root's.
            Stage::DeployMap => {
                let mut trees: Vec<(RootKind, &PathSet)> = own_tree.map(|t| (self.from_root, t)).into_iter().collect();
                if let Some((root, tree)) = roots.aiwg_tree()
                    && !trees.iter().any(|(r, _)| *r == root)
                {
                    trees.push((root, tree));
                }
                trees.into_iter().find_map(|(root, tree)| {
                    let found = deploy::sources(tree, self.normal).unwrap_or_default();
                    (!found.is_empty()).then(|| found.iter().map(|p| Self::target(root, tree, p)).collect())
                })
            }
            Stage::IdFallback => id_fallback(roots, self.from_root, self.from_path, self.normal),
            Stage::FileRelative => {
                let tree = own_tree?;
                let dir = self.from_path.rsplit_once('/').map_or("", |(dir, _)| dir);
                let joined = join(dir, self.path);
                let candidate = normalize(&joined)?;
                self.lookup(tree, &candidate).then(|| vec![Self::target(self.from_root, tree, &candidate)])
            }
            Stage::Glob | Stage::Elided => None,
        }
    }
}

/// Folders every project has of its own: a user's `@src/auth/login.ts` means the project's
/// file even when the aiwg install happens to hold one of that name, so that a broken link of
/// the user's is not hidden by aiwg's tree. In aiwg's own text they may mean aiwg's files.
const PROJECT_OWNED_ROOTS: &[&str] = &["src", "test", "tests", "docs", "tools"];

fn is_project_owned(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or(path);
    PROJECT_OWNED_ROOTS.contains(&first)
}

/// Every framework source the deployed copy at `path` was made from, in the aiwg root (or the
/// workspace when it is the aiwg checkout); empty when `path` is no deployed copy.
pub(crate) fn copy_sources(roots: &Roots, path: &str) -> Vec<Target> {
    let Some((root, tree)) = roots.aiwg_tree() else { return Vec::new() };
    let found = deploy::sources(tree, path).unwrap_or_default();
    found.iter().map(|p| StageContext::target(root, tree, p)).collect()
}

/// Whether `path` can only resolve through an aiwg install root: it names the root itself
/// (`~/.local/share/ai-writing-guide/…`), the framework sources (`agentic/…`), or a deployed
/// provider path that maps back to them.
pub(crate) fn needs_aiwg_root(path: &str) -> bool {
    strip_aiwg_prefix(path).is_some() || path.starts_with("agentic/") || is_deployed_path(path)
}

/// Whether a reference that resolved nowhere could still resolve in an aiwg root, were one
/// known: a path into the root itself or a deployed path, and in aiwg's own text any path
/// outside the project's `.aiwg/` (its `docs/`, `tools/`… are aiwg's). Links are relative
/// to their file and reach the root only when they spell it out.
pub(crate) fn could_resolve_in_aiwg_root(reference: &crate::model::Reference, framework_text: bool) -> bool {
    let path = &reference.path;
    if reference.link {
        return strip_aiwg_prefix(path).is_some();
    }
    needs_aiwg_root(path)
        || (framework_text && !path.starts_with(".aiwg/") && !path.starts_with("./") && !path.starts_with("../"))
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
pub(crate) fn split_aiwg_prefix(path: &str) -> Option<(&str, &str)> {
    AIWG_ROOT_PREFIXES.iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix)?;
        match rest.strip_prefix('/') {
            Some(inner) => Some((&path[..prefix.len() + 1], inner)),
            None => rest.is_empty().then_some((path, "")),
        }
    })
}

/// Template text: `{NNN}`, `[name]`, `<slug>`, `XXX`, `NNN`, `YYYY`, `path/to/` (aiwg-format §2.1).
pub(crate) fn is_placeholder(path: &str) -> bool {
    // One pass for the brackets and the runs of X, N, Y and # (this runs for every reference).
    let (mut previous, mut run) = (0u8, 0usize);
    for &b in path.as_bytes() {
        if matches!(b, b'{' | b'}' | b'[' | b']' | b'<' | b'>') {
            return true;
        }
        run = if b == previous { run + 1 } else { 1 };
        previous = b;
        let placeholder_run = match b {
            b'X' | b'N' | b'#' => run >= 3,
            b'Y' => run >= 4,
            _ => false,
        };
        if placeholder_run {
            return true;
        }
    }
    path.contains("path/to") || path.contains("/.../")
}

/// Removes `.` segments and folds `..`; `None` when the path climbs above its root (so
/// `@../../etc/passwd` can never name a file outside the trees we know).
fn normalize(path: &str) -> Option<std::borrow::Cow<'_, str>> {
    // Most paths are already normal: no allocation for them (this runs for every reference).
    if path.split('/').all(|segment| !matches!(segment, "" | "." | "..")) {
        return Some(std::borrow::Cow::Borrowed(path));
    }
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
    Some(std::borrow::Cow::Owned(parts.join("/")))
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
    // globset builds an automaton per pattern and panics ("error building NFA") on huge ones:
    // a real glob reference is short and has a few wildcards.
    let wildcards = pattern.bytes().filter(|b| matches!(b, b'*' | b'?' | b'[' | b'{')).count();
    if pattern.len() > MAX_GLOB_BYTES || wildcards > MAX_GLOB_WILDCARDS {
        return Resolution::Dangling { glob: true };
    }
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
/// The `REF-018` a file name starts with, as written.
/// Whether resolving `path` may depend on the referring document's own name, not only on its
/// folder: the REF-ID fallback never resolves a document to itself. Errs towards yes (any
/// `REF` in the path), since the answer only decides whether a resolution may be reused.
pub(crate) fn may_depend_on_referrer_name(path: &str) -> bool {
    path.contains("REF")
}

fn ref_id_prefix(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    let (range, id) = find_ids(name).into_iter().next()?;
    (range.start == 0 && id.key.prefix == "REF").then(|| &name[..range.end])
}

/// A `…/REF-018-anything.ext` reference to any `REF-018*` file of the same kind in a research
/// folder: never the referencing document itself (a finding citing its own source), and never a
/// file of another kind (a missing `.pdf` is not its markdown summary). Several papers with one
/// number come back together, and so are reported as ambiguous.
fn id_fallback(roots: &Roots, from_root: RootKind, from_path: &str, path: &str) -> Option<Vec<Target>> {
    let prefix = ref_id_prefix(path)?;
    let extension = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or(p);
        name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase())
    };
    let wanted = extension(path);
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
                    && !(root == from_root && *p == from_path)
                    && (wanted.is_none() || extension(p) == wanted)
            })
            .map(|p| Target { root, path: shared(tree, p), is_dir: false })
            .collect();
        // A paper and its companions (`paper-analysis/REF-009-aiwg-analysis.md`) share the
        // number: keep the documents of the role the reference names, so that only several
        // different papers are ambiguous.
        let role = origin::companion_role(path);
        let same_role: Vec<Target> =
            found.iter().filter(|t| origin::companion_role(&t.path) == role).cloned().collect();
        let found = if same_role.is_empty() { found } else { same_role };
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
