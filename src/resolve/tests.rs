//! Resolver tests: one small workspace and an external aiwg root, one case per stage.

use super::*;

fn set(paths: &[&str]) -> Arc<PathSet> {
    Arc::new(PathSet::new(paths.iter().map(|p| p.to_string()).collect(), []))
}

fn roots() -> Roots {
    Roots {
        workspace: set(&[
            ".aiwg/requirements/use-cases/UC-001-login.md",
            ".aiwg/architecture/sad.md",
            "docs/guide.md",
            "docs/sibling.md",
            "sub/.aiwg/intake/project-intake.md",
            "sub/notes.md",
        ]),
        aiwg: AiwgRoot::External(set(&[
            "agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md",
            "agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md",
            "agentic/code/addons/aiwg-utils/prompts/core/orchestrator.md",
            "agentic/code/frameworks/sdlc-complete/commands/flow-deploy-to-production.md",
            "docs/references/REF-018-react-reasoning-acting.md",
            "tools/lint.mjs",
        ])),
        aiwg_problem: None,
    }
}

fn show(res: Resolution) -> String {
    match res {
        Resolution::Resolved { stage, targets } => {
            let targets: Vec<String> = targets
                .iter()
                .map(|t| format!("{}:{}", if t.root == RootKind::Aiwg { "aiwg" } else { "ws" }, t.path))
                .collect();
            format!("{} {}", stage.as_str(), targets.join(" "))
        }
        other => other.outcome_str().to_string(),
    }
}

fn check(from: &str, path: &str, expected: &str) {
    assert_eq!(show(resolve(&roots(), RootKind::Workspace, from, path)), expected, "{path} from {from}");
}

#[test]
fn each_stage_in_order() {
    check("docs/guide.md", ".aiwg/requirements/UC-{NNN}-x.md", "placeholder");
    check("docs/guide.md", "path/to/file.md", "placeholder");
    check(
        "docs/guide.md",
        ".aiwg/requirements/use-cases/UC-*.md",
        "glob ws:.aiwg/requirements/use-cases/UC-001-login.md",
    );
    check("docs/guide.md", ".aiwg/architecture/sad.md", "literal ws:.aiwg/architecture/sad.md");
    check("docs/guide.md", ".aiwg/architecture/", "literal ws:.aiwg/architecture");
    check(
        "docs/guide.md",
        "~/.local/share/ai-writing-guide/agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md",
        "aiwg-root aiwg:agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md",
    );
    check(
        "docs/guide.md",
        "agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md",
        "aiwg-root aiwg:agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md",
    );
    check("docs/guide.md", "~/.claude/CLAUDE.md", "user-home");
    check(
        "docs/guide.md",
        ".claude/rules/thought-protocol.md",
        "deploy-map aiwg:agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md",
    );
    check(
        "docs/guide.md",
        ".aiwg/research/findings/REF-018-react.md",
        "id-fallback aiwg:docs/references/REF-018-react-reasoning-acting.md",
    );
    check("docs/guide.md", "sibling.md", "file-relative ws:docs/sibling.md");
    check(
        "docs/guide.md",
        ".../prompts/core/orchestrator.md",
        "elided aiwg:agentic/code/addons/aiwg-utils/prompts/core/orchestrator.md",
    );
    check("docs/guide.md", ".claude/rules/test-first-development.md", "dangling");
    check("docs/guide.md", ".aiwg/requirements/UC-*-auth*.md", "dangling");
}

#[test]
fn provider_formats_map_back_to_their_sources() {
    let command = "deploy-map aiwg:agentic/code/frameworks/sdlc-complete/commands/flow-deploy-to-production.md";
    check("docs/guide.md", ".cursor/rules/aiwg-flow-deploy-to-production.mdc", command);
    check("docs/guide.md", ".github/agents/flow-deploy-to-production.yaml", command);
    check("docs/guide.md", ".windsurf/workflows/flow-deploy-to-production.md", command);
    check("docs/guide.md", ".claude/commands/aiwg-flow-deploy-to-production.md", "dangling");
}

#[test]
fn ref_ids_name_papers_not_their_companions() {
    let roots = Roots {
        workspace: set(&[
            "docs/references/REF-009-neural-turing-machines.md",
            ".aiwg/research/paper-analysis/REF-009-aiwg-analysis.md",
            "docs/references/REF-003-react.md",
            "docs/references/REF-003-reflexion.md",
        ]),
        ..Roots::default()
    };
    let at = |path: &str| show(resolve(&roots, RootKind::Workspace, "docs/guide.md", path));
    assert_eq!(
        at(".aiwg/research/findings/REF-009-ntm.md"),
        "id-fallback ws:docs/references/REF-009-neural-turing-machines.md"
    );
    assert_eq!(
        at(".aiwg/research/paper-analysis/REF-009-analysis.md"),
        "id-fallback ws:.aiwg/research/paper-analysis/REF-009-aiwg-analysis.md"
    );
    assert_eq!(
        at("docs/references/REF-003-x.md"),
        "id-fallback ws:docs/references/REF-003-react.md ws:docs/references/REF-003-reflexion.md",
        "two papers with one number are ambiguous"
    );
}

#[test]
fn the_users_own_folders_resolve_only_in_the_project() {
    check("docs/guide.md", "tools/lint.mjs", "dangling");
    check(".claude/commands/lint.md", "tools/lint.mjs", "aiwg-root aiwg:tools/lint.mjs");
}

#[test]
fn nested_project_root_wins_over_workspace_root() {
    check("sub/notes.md", ".aiwg/intake/project-intake.md", "literal ws:sub/.aiwg/intake/project-intake.md");
    check("sub/notes.md", "docs/guide.md", "literal ws:docs/guide.md");
}

#[test]
fn paths_cannot_climb_out_of_the_root() {
    check("docs/guide.md", "../../etc/passwd", "dangling");
    check("docs/guide.md", "./../../../etc/passwd.md", "dangling");
}

#[test]
fn workspace_that_is_the_aiwg_root() {
    let roots = Roots {
        workspace: set(&["agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md", "README.md"]),
        aiwg: AiwgRoot::Workspace,
        aiwg_problem: None,
    };
    let res = resolve(&roots, RootKind::Workspace, "README.md", "~/.local/share/ai-writing-guide/README.md");
    assert_eq!(show(res), "aiwg-root ws:README.md");
    let res = resolve(&roots, RootKind::Workspace, "README.md", ".claude/rules/thought-protocol.md");
    assert_eq!(show(res), "deploy-map ws:agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md");
}

#[test]
fn without_an_aiwg_root_framework_paths_dangle() {
    let roots = Roots { workspace: set(&["README.md"]), aiwg: AiwgRoot::Missing, aiwg_problem: None };
    let res = resolve(&roots, RootKind::Workspace, "README.md", ".claude/rules/thought-protocol.md");
    assert_eq!(show(res), "dangling");
}

#[test]
fn huge_globs_are_dangling_not_compiled() {
    let roots = roots();
    let long = format!("docs/{}*", "x".repeat(400_000));
    assert_eq!(show(resolve(&roots, RootKind::Workspace, "README.md", &long)), "dangling");
    let many = format!("docs/{}", "*?".repeat(40));
    assert_eq!(show(resolve(&roots, RootKind::Workspace, "README.md", &many)), "dangling");
    // Globset itself copes with patterns at the bound.
    let at_bound = format!("docs/{}*", "y".repeat(1000));
    assert_eq!(show(resolve(&roots, RootKind::Workspace, "README.md", &at_bound)), "dangling");
    assert_eq!(
        show(resolve(&roots, RootKind::Workspace, "README.md", "docs/*.md")),
        "glob ws:docs/guide.md ws:docs/sibling.md"
    );
}

#[test]
fn ref_id_fallback_keeps_the_kind_and_never_points_home() {
    let roots = Roots {
        workspace: set(&[
            ".aiwg/research/findings/REF-021-reflexion.md",
            "docs/references/REF-003-paper-one.md",
            "docs/references/REF-003-paper-two.md",
        ]),
        aiwg: AiwgRoot::Missing,
        aiwg_problem: None,
    };
    let at = |from: &str, path: &str| show(resolve(&roots, RootKind::Workspace, from, path));
    // A finding's link to its own source never resolves to the finding itself.
    assert_eq!(at(".aiwg/research/findings/REF-021-reflexion.md", "docs/references/REF-021-reflexion.md"), "dangling");
    assert_eq!(
        at("docs/a.md", "docs/references/REF-021-reflexion.md"),
        "id-fallback ws:.aiwg/research/findings/REF-021-reflexion.md"
    );
    // A missing PDF is not its markdown summary.
    assert_eq!(at("docs/a.md", ".aiwg/research/sources/pdfs/REF-021.pdf"), "dangling");
    // Two papers with one number are both returned: the reference is ambiguous, not silently one.
    assert_eq!(
        at("docs/a.md", ".aiwg/research/findings/REF-003-x.md"),
        "id-fallback ws:docs/references/REF-003-paper-one.md ws:docs/references/REF-003-paper-two.md"
    );
}
