//! Diagnostics of one document: broken references and anchors, ambiguous references, unknown
//! and duplicate IDs.
//!
//! Severity follows context (architecture guide §4, aiwg-format §8.4): only a concrete
//! reference in prose that resolves nowhere is an error. References in code spans, fences and
//! front matter are quoted rather than linked, so they are hints; placeholders are template
//! text and never reported. Framework sources (agents, commands, rules, templates) speak of the
//! user's future project, so their `.aiwg/…` paths are hints, and so are `.aiwg/…` paths in a
//! project that has no `.aiwg/` folder yet (the aiwg repository itself is one).

use crate::analysis::change::{ChangeSet, FilePath, Fix};
use crate::model::{DocFacts, IdDeclarationSource, RefContext, Reference, adr, origin};
use crate::resolve::{AiwgRoot, Resolution, RootKind, Stage, is_deployed_path, needs_aiwg_root};
use crate::text::TextRange;
use crate::workspace::{DocId, Document, Snapshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

/// Stable diagnostic codes; documented in the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    BrokenReference,
    BrokenAnchor,
    AmbiguousReference,
    UnknownId,
    DuplicateId,
    NoAiwgRoot,
    StaleProvenance,
    /// A broken reference in aiwg's text copied into the project (a deployed agent or command,
    /// a section aiwg generated): aiwg's to fix, so apart from the user's own errors.
    FrameworkReference,
    /// An ADR lacks a section every ADR needs (Context, Decision, Consequences, a Status;
    /// Reasoning when it declares `reasoning_required: true`).
    AdrSection,
    /// An ADR's status is none of the lifecycle's values.
    AdrStatus,
    /// Supersession that is not reciprocal: A supersedes B but B does not say so, or the reverse.
    AdrSupersession,
    /// A Tree-of-Thoughts trade study that does not add up: too few alternatives, weights that
    /// do not make 100%, weighted scores or totals that are not weight × score, a Pass below
    /// the minimum score, an option chosen over a better-scoring one without a reason.
    AdrScoring,
}

impl Code {
    pub const ALL: [Code; 12] = [
        Code::BrokenReference,
        Code::FrameworkReference,
        Code::AdrSection,
        Code::AdrStatus,
        Code::AdrSupersession,
        Code::AdrScoring,
        Code::BrokenAnchor,
        Code::AmbiguousReference,
        Code::UnknownId,
        Code::DuplicateId,
        Code::NoAiwgRoot,
        Code::StaleProvenance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::BrokenReference => "broken-reference",
            Code::BrokenAnchor => "broken-anchor",
            Code::AmbiguousReference => "ambiguous-reference",
            Code::UnknownId => "unknown-id",
            Code::DuplicateId => "duplicate-id",
            Code::NoAiwgRoot => "no-aiwg-root",
            Code::StaleProvenance => "stale-provenance",
            Code::FrameworkReference => "framework-reference",
            Code::AdrSection => "adr-section",
            Code::AdrStatus => "adr-status",
            Code::AdrSupersession => "adr-supersession",
            Code::AdrScoring => "adr-scoring",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub(crate) range: TextRange,
    pub(crate) severity: Severity,
    pub(crate) code: Code,
    pub(crate) message: String,
    /// Repairs to offer as code actions, most likely first.
    pub(crate) fixes: Vec<Fix>,
}

/// Every diagnostic of `doc`, ordered by position, without fixes (what is published after each
/// keystroke; fixes cost allocations per broken reference and are needed only on request).
pub fn diagnostics(snapshot: &Snapshot, doc_id: DocId) -> Vec<Diagnostic> {
    diagnostics_of(snapshot, doc_id, false)
}

/// [`diagnostics`] with the fixes each one carries, for code actions.
pub fn diagnostics_with_fixes(snapshot: &Snapshot, doc_id: DocId) -> Vec<Diagnostic> {
    diagnostics_of(snapshot, doc_id, true)
}

/// What every reference's diagnostics depend on besides the reference.
struct DocContext<'a> {
    snapshot: &'a Snapshot,
    doc: &'a Document,
    project_has_aiwg: bool,
    with_fixes: bool,
}

fn diagnostics_of(snapshot: &Snapshot, doc_id: DocId, with_fixes: bool) -> Vec<Diagnostic> {
    let doc = snapshot.doc(doc_id);
    let mut out = Vec::new();
    let framework = doc.is_framework_text();
    let project_has_aiwg = {
        let project = snapshot.roots().project_dir(doc.root, &doc.path);
        let aiwg_dir = if project.is_empty() { ".aiwg".to_string() } else { format!("{project}/.aiwg") };
        snapshot.roots().tree(doc.root).is_some_and(|t| t.is_dir(&aiwg_dir))
    };
    let context = DocContext { snapshot, doc, project_has_aiwg, with_fixes };
    let aiwg_root_wanted = snapshot.unresolvable_without_aiwg();
    for (index, (reference, resolution)) in doc.facts.references.iter().zip(snapshot.resolutions(doc_id)).enumerate() {
        match aiwg_root_wanted {
            Some((first, count)) if first.doc == doc_id && first.index as usize == index => {
                out.push(no_aiwg_root_summary(snapshot, reference, count));
            }
            _ => reference_diagnostics(&context, reference, resolution, &mut out),
        }
    }
    id_diagnostics(snapshot, doc_id, framework, &mut out);
    if !framework && !origin::is_template_path(&doc.path) {
        adr_diagnostics(snapshot, doc, with_fixes, &mut out);
    }
    trade_study_diagnostics(doc, with_fixes, &mut out);
    provenance_diagnostics(snapshot, doc, &mut out);
    out.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    drop_repeated_sections(doc, &mut out);
    out
}

/// warp's deploy appends its generated section to `WARP.md` again on every run instead of
/// replacing it: a problem in aiwg's text is reported in the first copy only.
fn drop_repeated_sections(doc: &Document, out: &mut Vec<Diagnostic>) {
    let sections = &doc.facts.generated;
    if sections.len() < 2 {
        return;
    }
    let section_of = |offset: usize| sections.iter().position(|g| g.start <= offset && offset < g.end);
    let mut first_section: std::collections::HashMap<(Code, String), usize> = std::collections::HashMap::new();
    out.retain(|d| {
        let Some(section) = section_of(d.range.start) else { return true };
        let first = *first_section.entry((d.code, d.message.clone())).or_insert(section);
        first == section
    });
}

/// An ADR's structure and lifecycle (aiwg-format §4): required sections, a known status, and
/// supersession that both ADRs state.
fn adr_diagnostics(snapshot: &Snapshot, doc: &Document, with_fixes: bool, out: &mut Vec<Diagnostic>) {
    let Some(adr) = adr::adr(&doc.facts) else { return };
    let title_range = doc.facts.headings.first().map_or(TextRange::empty(0), |h| h.range);
    if !adr.missing_sections.is_empty() {
        let names: Vec<String> = adr.missing_sections.iter().map(|n| format!("`{n}`")).collect();
        out.push(Diagnostic {
            range: title_range,
            severity: Severity::Warning,
            code: Code::AdrSection,
            message: format!(
                "this ADR has no {} {} (an ADR states its Context, Decision, Consequences and Status)",
                names.join(", "),
                if names.len() == 1 { "section" } else { "sections" }
            ),
            fixes: if with_fixes { add_missing_sections(doc, &adr) } else { Vec::new() },
        });
    }
    if let Some((value, range)) = adr.status_value
        && adr.status.is_none()
        && !crate::resolve::is_placeholder(value)
    {
        out.push(Diagnostic {
            range,
            severity: Severity::Warning,
            code: Code::AdrStatus,
            message: format!(
                "`{value}` is not an ADR status: Proposed, Accepted, Rejected, Deprecated or Superseded by ADR-…"
            ),
            fixes: Vec::new(),
        });
    }
    // A supersession naming an ADR the project does not have (written as an ID: a qualified
    // `@supersedes @path` to a missing file is already a broken reference). This replaces the
    // `unknown-id` report of that mention, so that it is said once.
    let written_as_id = |range: TextRange| doc.facts.id_mentions.iter().any(|m| m.range == range);
    let relations = adr
        .supersedes
        .iter()
        .map(|e| (e, "supersedes"))
        .chain(adr.superseded_by.iter().map(|e| (e, "is superseded by")));
    for ((key, range), relation) in relations {
        let declared = snapshot.declaring(key).iter().any(|&id| {
            let other = snapshot.doc(id);
            !std::ptr::eq(other, doc) && same_project(snapshot, doc, other)
        });
        if !declared && written_as_id(*range) {
            out.push(Diagnostic {
                range: *range,
                severity: Severity::Warning,
                code: Code::AdrSupersession,
                message: format!("this ADR {relation} {key}, but no document of the project declares {key}"),
                fixes: Vec::new(),
            });
        }
    }
    let Some(own) = adr.id else { return };
    // The other side of each supersession, among the ADRs of the same project.
    let other_adrs = |key: &crate::model::IdKey| -> Vec<&Document> {
        snapshot
            .declaring(key)
            .iter()
            .map(|&id| snapshot.doc(id))
            .filter(|other| !std::ptr::eq(*other, doc) && same_project(snapshot, doc, other))
            .filter(|other| other.facts.kind == crate::model::ArtifactKind::Adr)
            .collect()
    };
    for (older, range) in &adr.supersedes {
        let range = *range;
        for other in other_adrs(older) {
            let Some(other_adr) = adr::adr(&other.facts) else { continue };
            if !other_adr.superseded_by.iter().any(|(k, _)| k == own) {
                let status = other_adr.status_value.map_or("no status".to_string(), |(v, _)| format!("status `{v}`"));
                out.push(Diagnostic {
                    range,
                    severity: Severity::Warning,
                    code: Code::AdrSupersession,
                    message: format!("{older} does not say it is superseded by {own} (`{}` has {status})", other.path),
                    fixes: if with_fixes {
                        vec![Fix {
                            label: format!("Mark {older} as superseded by {own}"),
                            changes: crate::analysis::adr_actions::mark_superseded(other, &other_adr, own),
                            preferred: true,
                        }]
                    } else {
                        Vec::new()
                    },
                });
            }
        }
    }
    for (newer, range) in &adr.superseded_by {
        let range = *range;
        for other in other_adrs(newer) {
            let Some(other_adr) = adr::adr(&other.facts) else { continue };
            if !other_adr.supersedes.iter().any(|(k, _)| k == own) {
                out.push(Diagnostic {
                    range,
                    severity: Severity::Warning,
                    code: Code::AdrSupersession,
                    message: format!(
                        "{newer} does not say it supersedes {own} (`{}` has no `Supersedes: {own}`)",
                        other.path
                    ),
                    fixes: if with_fixes {
                        vec![Fix {
                            label: format!("Add `Supersedes: {own}` to {newer}"),
                            changes: crate::analysis::adr_actions::add_supersedes(other, own),
                            preferred: true,
                        }]
                    } else {
                        Vec::new()
                    },
                });
            }
        }
    }
}

/// Arithmetic and choices of an ADR's trade study (`model::trade_study`). Templates are checked
/// too: their worked numbers are what authors copy, so a wrong sum there is reported (as
/// information: it is aiwg's text).
fn trade_study_diagnostics(doc: &Document, with_fixes: bool, out: &mut Vec<Diagnostic>) {
    let Some(study) = doc.facts.trade_study.as_deref() else { return };
    let title_range = doc.facts.headings.first().map_or(TextRange::empty(0), |h| h.range);
    let recompute = if with_fixes { recompute_scores(doc) } else { None };
    // aiwg's own templates are aiwg's to fix: told, not warned.
    let framework = doc.is_framework_text();
    for finding in study.findings() {
        out.push(Diagnostic {
            range: finding.range.unwrap_or(title_range),
            severity: if finding.doubtful || framework { Severity::Information } else { Severity::Warning },
            code: Code::AdrScoring,
            message: finding.message,
            fixes: recompute.iter().filter(|_| finding.recomputable).cloned().collect(),
        });
    }
}

/// The fix that rewrites every weighted score and total of the comparison matrix that does not
/// agree with its scores and weights; `None` when all agree.
pub(crate) fn recompute_scores(doc: &Document) -> Option<Fix> {
    let edits = doc.facts.trade_study.as_deref()?.recomputed();
    if edits.is_empty() {
        return None;
    }
    let file = FilePath { root: doc.root, path: doc.path.clone() };
    let edits =
        edits.into_iter().map(|(range, new_text)| crate::analysis::change::TextEdit { range, new_text }).collect();
    Some(Fix {
        label: "Recompute weighted scores".to_string(),
        changes: ChangeSet { changes: vec![crate::analysis::change::FileChange::Edit { file, edits }] },
        preferred: true,
    })
}

/// The fix that adds an ADR's missing required sections, each with its template's guidance:
/// a Status line under the title, the rest as `## ` sections at the end in canonical order.
fn add_missing_sections(doc: &Document, adr: &adr::Adr<'_>) -> Vec<Fix> {
    let file = FilePath { root: doc.root, path: doc.path.clone() };
    let Some(title) = doc.facts.headings.first() else { return Vec::new() };
    let guidance = |name: &str| {
        let canonical = adr.template.sections().iter().chain(adr::AdrTemplate::Nygard.sections());
        canonical.clone().find(|(section, _)| *section == name).map_or("", |(_, text)| *text)
    };
    let mut changes: Option<ChangeSet> = None;
    let mut add = |change: ChangeSet| match &mut changes {
        Some(all) => all.extend(change),
        None => changes = Some(change),
    };
    if adr.missing_sections.contains(&"Status") {
        add(ChangeSet::edit(file.clone(), TextRange::empty(title.range.end), "\n\n**Status**: Proposed"));
    }
    let appended: String = adr
        .missing_sections
        .iter()
        .filter(|name| **name != "Status")
        .map(|name| format!("\n## {name}\n\n{}\n", guidance(name)))
        .collect();
    if !appended.is_empty() {
        // The title's section runs to the end of the document.
        let end = title.section.end;
        add(ChangeSet::edit(file, TextRange::empty(end), appended));
    }
    let label = match adr.missing_sections.as_slice() {
        [one] => format!("Add the missing `{one}` section"),
        _ => "Add the missing sections".to_string(),
    };
    changes.map(|changes| Fix { label, changes, preferred: true }).into_iter().collect()
}

/// A provenance record whose checksum no longer matches its artifact: the artifact changed
/// after the record was written (`/provenance-validate`, aiwg-format §3.1 `checksum`).
fn provenance_diagnostics(snapshot: &Snapshot, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(record) = &doc.provenance else { return };
    let (Some(path), Some(recorded)) = (record.artifact_path(), record.normalized_checksum()) else { return };
    let Some(actual) = snapshot.digest(path).filter(|_| doc.root == RootKind::Workspace) else { return };
    if actual == recorded {
        return;
    }
    let short = |digest: &str| digest.chars().take(19).collect::<String>();
    out.push(Diagnostic {
        range: record.checksum_range.unwrap_or_default(),
        severity: Severity::Warning,
        code: Code::StaleProvenance,
        message: format!(
            "`{path}` changed after this record was written: the file's checksum is {}…, the record says {}…",
            short(actual),
            short(&recorded)
        ),
        fixes: Vec::new(),
    });
}

/// Applies per-code severity overrides from the user's settings; `None` drops the code.
pub(crate) fn with_overrides(
    diagnostics: Vec<Diagnostic>,
    overrides: &std::collections::HashMap<Code, Option<Severity>>,
) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|mut d| match overrides.get(&d.code) {
            Some(Some(severity)) => {
                d.severity = *severity;
                Some(d)
            }
            Some(None) => None,
            None => Some(d),
        })
        .collect()
}

/// How a dangling reference is reported, decided by where it stands (the one place that does;
/// the README's diagnostic table lists the rules).
fn dangling_report(context: &DocContext<'_>, reference: &Reference, glob: bool) -> (Severity, Code, Example) {
    let DocContext { doc, project_has_aiwg, .. } = *context;
    let in_framework = doc.is_framework_at(reference.range.start);
    let example = if reference.path.starts_with(".aiwg/") && (in_framework || !project_has_aiwg) {
        Example::ProjectArtifact
    } else if origin::is_template_path(&doc.path) && !needs_aiwg_root(&reference.path) {
        // Templates and worked examples illustrate a project (`@src/auth/login.ts`).
        Example::TemplateText
    } else {
        Example::No
    };
    let severity = if reference.context.is_code() || example != Example::No {
        Severity::Hint
    } else if reference.planned {
        Severity::Information
    } else if glob || matches!(reference.context, RefContext::QuotedPointer | RefContext::Provenance) {
        Severity::Warning
    } else {
        Severity::Error
    };
    if severity != Severity::Hint && in_framework && is_copy_at(doc, reference.range.start) {
        return (severity.max(Severity::Warning), Code::FrameworkReference, example);
    }
    (severity, Code::BrokenReference, example)
}

/// Whether a dangling path is an illustration rather than a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Example {
    No,
    /// A `.aiwg/…` path in framework text or in a project without `.aiwg/` yet.
    ProjectArtifact,
    /// A project path in a template or a worked example.
    TemplateText,
}

/// aiwg's text copied into the project: a deployed copy, a `plugins/` mirror, or a section aiwg
/// generated inside an aggregated file. Its sources are fixed upstream, not here.
fn is_copy_at(doc: &Document, offset: usize) -> bool {
    origin::is_deployed_copy(&doc.path)
        || doc.path.starts_with("plugins/")
        || doc.facts.generated.iter().any(|g| g.start <= offset && offset < g.end)
}

fn reference_diagnostics(
    context: &DocContext<'_>,
    reference: &Reference,
    resolution: &Resolution,
    out: &mut Vec<Diagnostic>,
) {
    let DocContext { snapshot, doc, with_fixes, .. } = *context;
    let quiet = reference.context.is_code();
    let shown = shown_path(reference);
    match resolution {
        Resolution::Placeholder | Resolution::UserHome => {}
        Resolution::Dangling { glob } => {
            let aiwg_missing = matches!(snapshot.roots().aiwg, AiwgRoot::Missing);
            let framework_text = doc.is_framework_at(reference.range.start);
            if aiwg_missing && !glob && crate::resolve::could_resolve_in_aiwg_root(reference, framework_text) {
                // Not broken as far as we can tell: we have nothing to check it against. One
                // workspace-level diagnostic says what to configure; the rest are hints.
                out.push(Diagnostic {
                    range: reference.range,
                    severity: Severity::Hint,
                    code: Code::NoAiwgRoot,
                    message: format!("`{shown}` points into the aiwg install root, {}", aiwg_root_problem(snapshot)),
                    fixes: Vec::new(),
                });
                return;
            }
            let (severity, code, example) = dangling_report(context, reference, *glob);
            let (mut message, fixes) = if *glob {
                (format!("`{shown}` matches no file"), Vec::new())
            } else {
                let fixes = if with_fixes && example == Example::No && code == Code::BrokenReference {
                    dangling_fixes(snapshot, doc, reference)
                } else {
                    Vec::new()
                };
                (dangling_message(snapshot, doc, reference, &shown, example), fixes)
            };
            if code == Code::FrameworkReference {
                message.push_str(&copy_origin(snapshot, doc, reference.range.start));
            }
            out.push(Diagnostic { range: reference.range, severity, code, message, fixes });
        }
        Resolution::Resolved { stage, targets } => {
            if targets.len() > 1 && *stage != Stage::Glob {
                let list: Vec<&str> = targets.iter().map(|t| &*t.path).collect();
                out.push(Diagnostic {
                    range: reference.range,
                    severity: if quiet { Severity::Hint } else { Severity::Information },
                    code: Code::AmbiguousReference,
                    message: format!("`{shown}` matches {} files: {}", targets.len(), list.join(", ")),
                    fixes: Vec::new(),
                });
            }
            if let Some(anchor) =
                reference.anchor.as_deref().filter(|a| !a.is_empty() && !crate::resolve::is_placeholder(a))
            {
                let target_facts: Vec<&DocFacts> =
                    targets.iter().filter_map(|t| snapshot.target_doc(t)).map(|id| &snapshot.doc(id).facts).collect();
                // Only markdown documents we indexed have headings to check against.
                let checkable: Vec<&&DocFacts> = target_facts.iter().filter(|f| !f.headings.is_empty()).collect();
                if !checkable.is_empty() && checkable.iter().all(|f| f.heading_for_anchor(anchor).is_none()) {
                    out.push(Diagnostic {
                        range: reference.range,
                        severity: if quiet { Severity::Hint } else { Severity::Warning },
                        code: Code::BrokenAnchor,
                        message: format!("no heading in `{}` has the anchor `#{anchor}`", targets[0].path),
                        fixes: Vec::new(),
                    });
                }
            }
        }
    }
}

/// Why there is no aiwg root to check against, as the end of a sentence.
fn aiwg_root_problem(snapshot: &Snapshot) -> String {
    match &snapshot.roots().aiwg_problem {
        Some(problem) => format!("but {problem}"),
        None => "which is not configured (set --aiwg-root, $AIWG_ROOT or the aiwgRoot setting)".to_string(),
    }
}

/// The one workspace-level `no-aiwg-root` diagnostic, on the workspace's first reference that
/// only an aiwg root could resolve.
fn no_aiwg_root_summary(snapshot: &Snapshot, reference: &Reference, count: usize) -> Diagnostic {
    let (others, verb, pronoun) = match count {
        0 | 1 => (String::new(), "points", "it is"),
        2 => (" and 1 other reference".to_string(), "point", "they are"),
        n => (format!(" and {} other references", n - 1), "point", "they are"),
    };
    Diagnostic {
        range: reference.range,
        severity: Severity::Information,
        code: Code::NoAiwgRoot,
        message: format!(
            "`{}`{others} in this workspace {verb} into the aiwg install root, {}; {pronoun} not checked until it is set",
            shown_path(reference),
            aiwg_root_problem(snapshot)
        ),
        fixes: Vec::new(),
    }
}

fn shown_path(reference: &Reference) -> String {
    let mut shown = reference.path.to_string();
    if let Some(anchor) = &reference.anchor {
        shown.push('#');
        shown.push_str(anchor);
    }
    shown
}

/// Where a framework reference's text comes from, as a clause for its message.
fn copy_origin(snapshot: &Snapshot, doc: &Document, offset: usize) -> String {
    if doc.facts.generated.iter().any(|g| g.start <= offset && offset < g.end) {
        return " (in the section aiwg generated in this file; `aiwg use` rewrites it)".to_string();
    }
    if doc.path.starts_with("plugins/") {
        return " (in a `plugins/` mirror of a framework source: fix the source and package again)".to_string();
    }
    match crate::resolve::copy_sources(snapshot.roots(), &doc.path).first() {
        Some(source) => format!(" (aiwg's text, copied from `{}` in the aiwg root)", source.path),
        None => " (aiwg's text, deployed by `aiwg use`)".to_string(),
    }
}

fn dangling_message(
    snapshot: &Snapshot,
    doc: &Document,
    reference: &Reference,
    shown: &str,
    example: Example,
) -> String {
    let path = reference.path.trim_end_matches('/');
    let mut message = format!("`{shown}` resolves to no file");
    match example {
        Example::ProjectArtifact => {
            message.push_str(" (an example path for a project's `.aiwg/` folder)");
            return message;
        }
        Example::TemplateText => {
            message.push_str(" (an example path in a template)");
            return message;
        }
        Example::No => {}
    }
    if reference.link && crate::resolve::split_aiwg_prefix(path).is_none() {
        let dir = doc.path.rsplit_once('/').map_or("", |(dir, _)| dir);
        if path.starts_with('/') || dir.is_empty() {
            message.push_str(" from the workspace root (a link)");
        } else {
            message.push_str(&format!(" from `{dir}/` (a link resolves against its document's folder)"));
        }
    } else if is_deployed_path(path) {
        message.push_str(" in the project, and no framework source of that name exists under the aiwg root");
    } else {
        message.push_str(" in the project or the aiwg root");
    }
    if let Some(only) = same_name_file(snapshot, doc, path) {
        message.push_str(&format!("; did you mean `{only}`?"));
    }
    message
}

/// The one file elsewhere with the same name as a dangling path: the likely target after a
/// move or a typo in a folder name. It is looked for in the document's tree and, for a path
/// into the aiwg root, among the aiwg root's framework sources (`agentic/…`).
fn same_name_file<'a>(snapshot: &'a Snapshot, doc: &Document, path: &str) -> Option<&'a str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let own = snapshot.roots().tree(doc.root)?.with_name(name).filter(|p| *p != doc.path);
    let aiwg = match snapshot.roots().aiwg_tree() {
        Some((root, tree)) if root != doc.root && needs_aiwg_root(path) => {
            Some(tree.with_name(name).filter(|p| p.starts_with("agentic/")))
        }
        _ => None,
    };
    let mut same_name = own.chain(aiwg.into_iter().flatten());
    match (same_name.next(), same_name.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Repairs of a dangling reference: point it at the unique file of the same name (the preferred
/// fix), or create the missing markdown document under the document's project root.
fn dangling_fixes(snapshot: &Snapshot, doc: &Document, reference: &Reference) -> Vec<Fix> {
    let mut fixes = Vec::new();
    let path = reference.path.trim_end_matches('/');
    let file = FilePath { root: doc.root, path: doc.path.clone() };
    // A link's target lies in the document's own tree; one found in the aiwg root is no link.
    let same_name = same_name_file(snapshot, doc, path)
        .filter(|only| !reference.link || snapshot.roots().tree(doc.root).is_some_and(|t| t.exists(only)));
    if let Some(only) = same_name {
        // Written as the reference's own stage reads it: a link from the document's folder, an
        // `@`-reference from the document's project root when inside.
        let project = snapshot.roots().project_dir(doc.root, &doc.path);
        let written = if reference.link {
            crate::resolve::relative_path(doc.path.rsplit_once('/').map_or("", |(dir, _)| dir), only)
        } else {
            only.strip_prefix(project).and_then(|p| p.strip_prefix('/')).unwrap_or(only).to_string()
        };
        let written = written.as_str();
        fixes.push(Fix {
            label: format!("Change the reference to `{written}`"),
            changes: ChangeSet::edit(file, reference.path_range(), written),
            preferred: true,
        });
    }
    let creatable = doc.root == RootKind::Workspace
        && path.ends_with(".md")
        && !path.starts_with('~')
        && !path.starts_with('$')
        && !path.starts_with("...")
        && !is_deployed_path(path)
        && !needs_aiwg_root(path);
    if creatable && let Some(new_path) = created_path(snapshot, doc, reference, path) {
        let title = title_from_name(&new_path);
        fixes.push(Fix {
            label: format!("Create `{new_path}`"),
            changes: ChangeSet::create(FilePath::workspace(new_path), format!("# {title}\n")),
            preferred: false,
        });
    }
    fixes
}

/// Where a new file for `path` goes: beside the document for `./` and `../` paths, else under
/// the document's project root (how the literal stage reads it). `None` when it climbs out.
pub(crate) fn created_path(snapshot: &Snapshot, doc: &Document, reference: &Reference, path: &str) -> Option<String> {
    let base = if reference.link && path.starts_with('/') {
        ""
    } else if reference.link || path.starts_with("./") || path.starts_with("../") {
        doc.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    } else {
        snapshot.roots().project_dir(doc.root, &doc.path)
    };
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    (!joined.is_empty()).then_some(joined)
}

/// `ADR-012-use-postgres.md` → `ADR-012 Use postgres`: a starting title for a new document.
fn title_from_name(path: &str) -> String {
    let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md");
    let words: Vec<&str> = stem.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    let mut title = String::new();
    let is_id_part = |word: &str| word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    for (i, word) in words.iter().enumerate() {
        let previous_id = i > 0 && is_id_part(words[i - 1]);
        if i > 0 {
            // Keep `ADR-012` together; the words after it are the title.
            title.push(if previous_id && is_id_part(word) { '-' } else { ' ' });
        }
        if i == 0 || previous_id || is_id_part(word) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                title.extend(first.to_uppercase());
                title.push_str(chars.as_str());
            }
        } else {
            title.push_str(word);
        }
    }
    title
}

/// Whether two documents belong to the same project: the nearest folder holding `.aiwg/`, so
/// that a nested project (a fixture project inside a repository) is its own ID space.
pub(crate) fn same_project(snapshot: &Snapshot, a: &Document, b: &Document) -> bool {
    a.root == b.root && snapshot.roots().project_dir(a.root, &a.path) == snapshot.roots().project_dir(b.root, &b.path)
}

fn id_diagnostics(snapshot: &Snapshot, doc_id: DocId, framework: bool, out: &mut Vec<Diagnostic>) {
    let doc = snapshot.doc(doc_id);
    if framework {
        return; // Framework sources cite example IDs (`UC-001`, `ADR-005`) by design.
    }
    // Supersession mentions of an ADR are `adr_diagnostics`' to report.
    let supersession_ranges: Vec<TextRange> = if origin::is_template_path(&doc.path) {
        Vec::new()
    } else {
        adr::adr(&doc.facts)
            .map(|a| a.supersedes.iter().chain(&a.superseded_by).map(|(_, range)| *range).collect())
            .unwrap_or_default()
    };
    for mention in &doc.facts.id_mentions {
        if mention.context.is_code()
            || doc.is_framework_at(mention.range.start)
            || supersession_ranges.contains(&mention.range)
        {
            continue;
        }
        // Each project (the nearest folder holding `.aiwg/`) is its own ID space.
        let declared_here =
            snapshot.declaring(&mention.id.key).iter().any(|&other| same_project(snapshot, doc, snapshot.doc(other)));
        if !declared_here {
            let severity = match &mention.relation {
                Some(_) => Severity::Warning,
                None if snapshot.tracks_prefix(mention.id.key.prefix) => Severity::Information,
                None => continue,
            };
            let how = mention.relation.as_deref().map(|r| format!(" (`{r}`)")).unwrap_or_default();
            out.push(Diagnostic {
                range: mention.range,
                severity,
                code: Code::UnknownId,
                message: format!("no document declares {}{how}", mention.id.text),
                fixes: Vec::new(),
            });
        }
    }
    let own_role = origin::companion_role(&doc.path);
    for decl in &doc.facts.declared_ids {
        if decl.source == IdDeclarationSource::Register {
            continue;
        }
        let others: Vec<&Document> = snapshot
            .declaring(&decl.id.key)
            .iter()
            .filter(|&&other| other != doc_id)
            .map(|&other| snapshot.doc(other))
            .filter(|other| other.root == RootKind::Workspace && other.root == doc.root && !other.is_framework_text())
            .filter(|other| same_project(snapshot, doc, other) && origin::companion_role(&other.path) == own_role)
            .filter(|other| {
                other
                    .facts
                    .declared_ids
                    .iter()
                    .any(|d| d.id.key == decl.id.key && d.source != IdDeclarationSource::Register)
            })
            .collect();
        if others.is_empty() {
            continue;
        }
        let range = if decl.source == IdDeclarationSource::FileName {
            doc.facts.headings.first().map_or(decl.range, |h| h.range)
        } else {
            decl.range
        };
        let list: Vec<String> = others.iter().map(|o| format!("`{}`", o.path)).collect();
        out.push(Diagnostic {
            range,
            severity: Severity::Warning,
            code: Code::DuplicateId,
            message: format!("{} is also declared by {}", decl.id.key, list.join(", ")),
            fixes: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::fixture::Fixture;

    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let mut out = String::new();
        for (id, _) in fixture.snapshot.workspace_documents() {
            for d in diagnostics(&fixture.snapshot, id) {
                let covered = d.range.slice(fixture.text(id));
                out.push_str(&format!(
                    "{} {}[{}] {:?}: {}\n",
                    fixture.position(id, d.range.start),
                    d.severity.as_str(),
                    d.code.as_str(),
                    covered,
                    d.message
                ));
            }
        }
        expect.assert_eq(&out);
    }

    /// Every fix of every diagnostic, rendered as the change it makes.
    fn check_fixes(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let mut out = String::new();
        for (id, _) in fixture.snapshot.workspace_documents() {
            for d in diagnostics_with_fixes(&fixture.snapshot, id) {
                for fix in &d.fixes {
                    let text_of = |file: &FilePath| fixture.file_text(file.root, &file.path).to_string();
                    let preferred = if fix.preferred { " (preferred)" } else { "" };
                    out.push_str(&format!("{}{preferred}\n{}", fix.label, fix.changes.render(&text_of)));
                }
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn dangling_references_carry_fixes() {
        check_fixes(
            r#"
            //- /sub/.aiwg/architecture/sad.md
            # SAD
            //- /sub/docs/guide.md
            # Guide
            //- /sub/notes/a.md
            # A
            Moved: @docs/old/guide.md#setup. Planned: @.aiwg/architecture/ADR-012-use-redis.md.
            Beside: @./b-side.md. Escaping: @../../../x.md. Not markdown: @src/missing.ts.
            Deployed: @.claude/rules/none.md.
            "#,
            expect![[r#"
                Change the reference to `docs/guide.md` (preferred)
                edit /sub/notes/a.md "docs/old/guide.md" -> "docs/guide.md"
                Create `sub/docs/old/guide.md`
                create /sub/docs/old/guide.md
                  | # Guide
                Create `sub/.aiwg/architecture/ADR-012-use-redis.md`
                create /sub/.aiwg/architecture/ADR-012-use-redis.md
                  | # ADR-012 Use redis
                Create `sub/notes/b-side.md`
                create /sub/notes/b-side.md
                  | # B side
            "#]],
        );
    }

    #[test]
    fn broken_links_are_file_relative_and_carry_fixes() {
        let fixture = r#"
            //- /.aiwg/architecture/sad.md
            # Architecture
            //- /docs/reference/install.md
            # Install
            //- /docs/guides/setup.md
            # Setup
            See [the SAD](../../.aiwg/architecture/sad.md#nowhere), [moved](../setup.md),
            [new](./new-page.md), [web](https://example.com) and `[code](nothing.md)`.
            Then [install](install.md).
            "#;
        check(
            fixture,
            expect![[r#"
                docs/guides/setup.md:2:15 warning[broken-anchor] "../../.aiwg/architecture/sad.md#nowhere": no heading in `.aiwg/architecture/sad.md` has the anchor `#nowhere`
                docs/guides/setup.md:2:65 error[broken-reference] "../setup.md": `../setup.md` resolves to no file from `docs/guides/` (a link resolves against its document's folder)
                docs/guides/setup.md:3:7 error[broken-reference] "./new-page.md": `./new-page.md` resolves to no file from `docs/guides/` (a link resolves against its document's folder)
                docs/guides/setup.md:4:16 error[broken-reference] "install.md": `install.md` resolves to no file from `docs/guides/` (a link resolves against its document's folder); did you mean `docs/reference/install.md`?
            "#]],
        );
        check_fixes(
            fixture,
            expect![[r#"
            Create `docs/setup.md`
            create /docs/setup.md
              | # Setup
            Create `docs/guides/new-page.md`
            create /docs/guides/new-page.md
              | # New page
            Change the reference to `../reference/install.md` (preferred)
            edit /docs/guides/setup.md "install.md" -> "../reference/install.md"
            Create `docs/guides/install.md`
            create /docs/guides/install.md
              | # Install
        "#]],
        );
    }

    #[test]
    fn broken_references_by_context() {
        check(
            r#"
            //- /.aiwg/architecture/sad.md
            # Architecture

            ## Caching Strategy
            //- /docs/notes.md
            # Notes
            Prose @.aiwg/missing.md and `@.aiwg/in-span.md`.

            ```text
            @.aiwg/in-fence.md
            ```

            | Table | @.aiwg/in-table.md |
            |---|---|
            | row | @.aiwg/architecture/sad.md#caching |

            Template @.aiwg/requirements/UC-{NNN}-x.md and @~/.claude/CLAUDE.md.
            Anchor @.aiwg/architecture/sad.md#nowhere, glob @.aiwg/adrs/ADR-*.md.
            "#,
            expect![[r#"
                docs/notes.md:2:7 error[broken-reference] "@.aiwg/missing.md": `.aiwg/missing.md` resolves to no file in the project or the aiwg root
                docs/notes.md:2:30 hint[broken-reference] "@.aiwg/in-span.md": `.aiwg/in-span.md` resolves to no file in the project or the aiwg root
                docs/notes.md:5:1 hint[broken-reference] "@.aiwg/in-fence.md": `.aiwg/in-fence.md` resolves to no file in the project or the aiwg root
                docs/notes.md:8:11 error[broken-reference] "@.aiwg/in-table.md": `.aiwg/in-table.md` resolves to no file in the project or the aiwg root
                docs/notes.md:13:8 warning[broken-anchor] "@.aiwg/architecture/sad.md#nowhere": no heading in `.aiwg/architecture/sad.md` has the anchor `#nowhere`
                docs/notes.md:13:49 warning[broken-reference] "@.aiwg/adrs/ADR-*.md": `.aiwg/adrs/ADR-*.md` matches no file
            "#]],
        );
    }

    #[test]
    fn framework_paths_with_and_without_an_aiwg_root() {
        check(
            r#"
            //- /.aiwg/intake/project-intake.md
            # Intake
            See @.claude/rules/thought-protocol.md and @.claude/rules/test-first-development.md.
            Also @.claude/rules/research-before-decision.md.
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/thought-protocol.md
            # Thought protocol
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            # Research first
            //- /aiwg-root/agentic/code/addons/aiwg-utils/rules/research-before-decision.md
            # Research first (utils)
            "#,
            expect![[r#"
                .aiwg/intake/project-intake.md:2:44 error[broken-reference] "@.claude/rules/test-first-development.md": `.claude/rules/test-first-development.md` resolves to no file in the project, and no framework source of that name exists under the aiwg root
                .aiwg/intake/project-intake.md:3:6 info[ambiguous-reference] "@.claude/rules/research-before-decision.md": `.claude/rules/research-before-decision.md` matches 2 files: agentic/code/addons/aiwg-utils/rules/research-before-decision.md, agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            "#]],
        );
        check(
            r#"
            //- /.aiwg/intake/project-intake.md
            # Intake
            See @.claude/rules/thought-protocol.md.
            //- /docs/guide.md
            # Guide
            Read @agentic/code/frameworks/sdlc-complete/README.md and @.claude/agents/x.md.
            //- /.claude/agents/smith.md
            # Smith
            Aiwg's own docs: @docs/smithing/agentic-smiths.md; the project's: @.aiwg/intake/none.md.
            "#,
            expect![[r#"
                .aiwg/intake/project-intake.md:2:5 info[no-aiwg-root] "@.claude/rules/thought-protocol.md": `.claude/rules/thought-protocol.md` and 3 other references in this workspace point into the aiwg install root, which is not configured (set --aiwg-root, $AIWG_ROOT or the aiwgRoot setting); they are not checked until it is set
                .claude/agents/smith.md:2:18 hint[no-aiwg-root] "@docs/smithing/agentic-smiths.md": `docs/smithing/agentic-smiths.md` points into the aiwg install root, which is not configured (set --aiwg-root, $AIWG_ROOT or the aiwgRoot setting)
                .claude/agents/smith.md:2:67 hint[broken-reference] "@.aiwg/intake/none.md": `.aiwg/intake/none.md` resolves to no file (an example path for a project's `.aiwg/` folder)
                docs/guide.md:2:6 hint[no-aiwg-root] "@agentic/code/frameworks/sdlc-complete/README.md": `agentic/code/frameworks/sdlc-complete/README.md` points into the aiwg install root, which is not configured (set --aiwg-root, $AIWG_ROOT or the aiwgRoot setting)
                docs/guide.md:2:59 hint[no-aiwg-root] "@.claude/agents/x.md": `.claude/agents/x.md` points into the aiwg install root, which is not configured (set --aiwg-root, $AIWG_ROOT or the aiwgRoot setting)
            "#]],
        );
    }

    #[test]
    fn framework_sources_speak_of_a_future_project() {
        check(
            r#"
            //- /agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md
            # Architecture Designer
            Write the ADR to @.aiwg/architecture/adrs/ADR-005-jwt-strategy.md and cite UC-001.
            //- /README.md
            # aiwg
            Read @agentic/code/frameworks/sdlc-complete/config/issueing-config.md first.
            "#,
            expect![[r#"
                README.md:2:6 error[broken-reference] "@agentic/code/frameworks/sdlc-complete/config/issueing-config.md": `agentic/code/frameworks/sdlc-complete/config/issueing-config.md` resolves to no file in the project or the aiwg root
                agentic/code/frameworks/sdlc-complete/agents/architecture-designer.md:2:18 hint[broken-reference] "@.aiwg/architecture/adrs/ADR-005-jwt-strategy.md": `.aiwg/architecture/adrs/ADR-005-jwt-strategy.md` resolves to no file (an example path for a project's `.aiwg/` folder)
            "#]],
        );
    }

    #[test]
    fn framework_copies_report_breakage_as_aiwgs() {
        check(
            r#"
            //- /.aiwg/intake/project-intake.md
            # Intake
            Ours: @src/auth/login.ts and @tools/lint.mjs.
            //- /.claude/commands/issue-create.md
            # Issue create
            - @agentic/code/frameworks/sdlc-complete/config/issueing-config.md - Configuration schema
            - @tools/lint.mjs - resolves in the aiwg root, where aiwg's text means it
            //- /WARP.md
            # Project Context
            Mine: @docs/missing.md
            <!-- AIWG SDLC Framework (auto-updated) -->
            See @agentic/code/nowhere.md, UC-404.
            <!-- AIWG SDLC Framework (auto-updated) -->
            See @agentic/code/nowhere.md, UC-404.
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/commands/issue-create.md
            # Issue create
            //- /aiwg-root/tools/lint.mjs
            //- /aiwg-root/src/auth/login.ts
            "#,
            expect![[r#"
                .aiwg/intake/project-intake.md:2:7 error[broken-reference] "@src/auth/login.ts": `src/auth/login.ts` resolves to no file in the project or the aiwg root
                .aiwg/intake/project-intake.md:2:30 error[broken-reference] "@tools/lint.mjs": `tools/lint.mjs` resolves to no file in the project or the aiwg root
                .claude/commands/issue-create.md:2:3 warning[framework-reference] "@agentic/code/frameworks/sdlc-complete/config/issueing-config.md": `agentic/code/frameworks/sdlc-complete/config/issueing-config.md` resolves to no file in the project or the aiwg root (aiwg's text, copied from `agentic/code/frameworks/sdlc-complete/commands/issue-create.md` in the aiwg root)
                WARP.md:2:7 error[broken-reference] "@docs/missing.md": `docs/missing.md` resolves to no file in the project or the aiwg root
                WARP.md:4:5 warning[framework-reference] "@agentic/code/nowhere.md": `agentic/code/nowhere.md` resolves to no file in the project or the aiwg root (in the section aiwg generated in this file; `aiwg use` rewrites it)
            "#]],
        );
    }

    #[test]
    fn quoted_pointers_and_planned_targets() {
        check(
            r#"
            //- /.aiwg/architecture/sad.md
            # Architecture

            | Component | Source |
            |---|---|
            | Indexer | `@src/indexer.ts` |

            The cache lives in `@src/cache.ts`; run `@src/cache.ts --flush` to clear it.

            ## References

            - `@agentic/code/addons/code-intelligence/`
            - @docs/runbook.md (planned)
            - Implementation: @src/auth/login.ts - Implementation (when complete)

            ## Planned Work

            - @docs/migration.md

            ```text
            `@src/in-fence.ts`
            ```
            //- /aiwg-root/agentic/code/addons/aiwg-utils/README.md
            # Utils
            "#,
            expect![[r#"
                .aiwg/architecture/sad.md:5:14 warning[broken-reference] "@src/indexer.ts": `src/indexer.ts` resolves to no file in the project or the aiwg root
                .aiwg/architecture/sad.md:7:21 warning[broken-reference] "@src/cache.ts": `src/cache.ts` resolves to no file in the project or the aiwg root
                .aiwg/architecture/sad.md:7:42 hint[broken-reference] "@src/cache.ts": `src/cache.ts` resolves to no file in the project or the aiwg root
                .aiwg/architecture/sad.md:11:4 warning[broken-reference] "@agentic/code/addons/code-intelligence/": `agentic/code/addons/code-intelligence/` resolves to no file in the project or the aiwg root
                .aiwg/architecture/sad.md:12:3 info[broken-reference] "@docs/runbook.md": `docs/runbook.md` resolves to no file in the project or the aiwg root
                .aiwg/architecture/sad.md:13:19 info[broken-reference] "@src/auth/login.ts": `src/auth/login.ts` resolves to no file in the project or the aiwg root
                .aiwg/architecture/sad.md:17:3 info[broken-reference] "@docs/migration.md": `docs/migration.md` resolves to no file in the project or the aiwg root
                .aiwg/architecture/sad.md:20:2 hint[broken-reference] "@src/in-fence.ts": `src/in-fence.ts` resolves to no file in the project or the aiwg root
            "#]],
        );
    }

    #[test]
    fn did_you_mean_looks_in_the_aiwg_root_too() {
        check(
            r#"
            //- /.aiwg/flows/citation.md
            # Citation flow
            Validated by @agentic/code/agents/writing-validator.md and @src/writing-validator.md.
            //- /aiwg-root/agentic/code/addons/writing-quality/agents/writing-validator.md
            # Writing validator
            "#,
            expect![[r#"
                .aiwg/flows/citation.md:2:14 error[broken-reference] "@agentic/code/agents/writing-validator.md": `agentic/code/agents/writing-validator.md` resolves to no file in the project or the aiwg root; did you mean `agentic/code/addons/writing-quality/agents/writing-validator.md`?
                .aiwg/flows/citation.md:2:60 error[broken-reference] "@src/writing-validator.md": `src/writing-validator.md` resolves to no file in the project or the aiwg root
            "#]],
        );
    }

    #[test]
    fn templates_illustrate_a_project() {
        check(
            r#"
            //- /.aiwg/requirements/use-cases/UC-001-x.md
            # UC-001: X
            //- /agentic/code/frameworks/sdlc-complete/templates/requirements/use-case-template.md
            # Use case
            - @src/auth/login.ts - Implementation (when complete)
            - @agentic/code/frameworks/sdlc-complete/templates/missing.md
            //- /templates/examples/worked/UC-001-login.md
            # Worked example
            See @test/auth/login.test.ts.
            "#,
            expect![[r#"
                agentic/code/frameworks/sdlc-complete/templates/requirements/use-case-template.md:2:3 hint[broken-reference] "@src/auth/login.ts": `src/auth/login.ts` resolves to no file (an example path in a template)
                agentic/code/frameworks/sdlc-complete/templates/requirements/use-case-template.md:3:3 error[broken-reference] "@agentic/code/frameworks/sdlc-complete/templates/missing.md": `agentic/code/frameworks/sdlc-complete/templates/missing.md` resolves to no file in the project or the aiwg root
                templates/examples/worked/UC-001-login.md:2:5 hint[broken-reference] "@test/auth/login.test.ts": `test/auth/login.test.ts` resolves to no file (an example path in a template)
            "#]],
        );
    }

    #[test]
    fn unknown_and_duplicate_ids() {
        check(
            r#"
            //- /.aiwg/requirements/use-cases/UC-001-create-task.md
            # UC-001: Create Task
            - ID: UC-001
            //- /.aiwg/requirements/use-cases/UC-001-create-task-v2.md
            # UC-001: Create Task Again
            //- /.aiwg/architecture/decisions/ADR-002-tokens.md
            # ADR-002: Tokens

            **Status**: Accepted
            **Supersedes**: ADR-001

            Implements UC-001 and mentions UC-042 in passing; `UC-777` is quoted.
            //- /src/tasks.ts
            // @implements UC-001, UC-009
            "#,
            expect![[r##"
                .aiwg/architecture/decisions/ADR-002-tokens.md:1:1 warning[adr-section] "# ADR-002: Tokens": this ADR has no `Context`, `Decision`, `Consequences` sections (an ADR states its Context, Decision, Consequences and Status)
                .aiwg/architecture/decisions/ADR-002-tokens.md:4:17 warning[adr-supersession] "ADR-001": this ADR supersedes ADR-001, but no document of the project declares ADR-001
                .aiwg/architecture/decisions/ADR-002-tokens.md:6:32 info[unknown-id] "UC-042": no document declares UC-042
                .aiwg/requirements/use-cases/UC-001-create-task-v2.md:1:3 warning[duplicate-id] "UC-001": UC-001 is also declared by `.aiwg/requirements/use-cases/UC-001-create-task.md`
                .aiwg/requirements/use-cases/UC-001-create-task.md:1:3 warning[duplicate-id] "UC-001": UC-001 is also declared by `.aiwg/requirements/use-cases/UC-001-create-task-v2.md`
                src/tasks.ts:1:24 warning[unknown-id] "UC-009": no document declares UC-009 (`implements`)
            "##]],
        );
    }

    #[test]
    fn collections_declare_their_entries_and_companions_share_an_id() {
        check(
            r#"
            //- /.aiwg/requirements/user-stories/agent-persistence-stories.md
            # Agent Persistence Stories

            - **Document ID**: US-AP-001

            ### US-AP-017: Generate Persistence Scorecard

            | Requirement | Target |
            |---|---|
            | NFR-MA-01: Workflow completion | 95% |
            | NFR-MA-02 | traced, not defined here |
            //- /.aiwg/requirements/traceability.md
            # Traceability
            US-AP-001, US-AP-017 and NFR-MA-01 are covered; NFR-MA-02 and US-AP-099 are not.

            **Next Available REF**: REF-027
            //- /docs/references/REF-009-neural-turing-machines.md
            # REF-009: Neural Turing Machines
            //- /.aiwg/research/paper-analysis/REF-009-aiwg-analysis.md
            # REF-009 AIWG Analysis: Neural Turing Machines
            //- /.aiwg/requirements/use-case-briefs/UC-005-export.md
            # UC-005: Export
            //- /.aiwg/requirements/use-cases/UC-005-export.md
            # UC-005: Export
            //- /docs/references/REF-003-react.md
            # REF-003: ReAct
            //- /docs/references/REF-003-reflexion.md
            # REF-003: Reflexion
            //- /test/fixtures/demo/.aiwg/requirements/use-cases/UC-005-fixture.md
            # UC-005: Fixture
            Uses US-AP-017.
            "#,
            expect![[r#"
                .aiwg/requirements/traceability.md:2:49 info[unknown-id] "NFR-MA-02": no document declares NFR-MA-02
                .aiwg/requirements/traceability.md:2:63 info[unknown-id] "US-AP-099": no document declares US-AP-099
                .aiwg/requirements/user-stories/agent-persistence-stories.md:10:3 info[unknown-id] "NFR-MA-02": no document declares NFR-MA-02
                docs/references/REF-003-react.md:1:3 warning[duplicate-id] "REF-003": REF-003 is also declared by `docs/references/REF-003-reflexion.md`
                docs/references/REF-003-reflexion.md:1:3 warning[duplicate-id] "REF-003": REF-003 is also declared by `docs/references/REF-003-react.md`
                test/fixtures/demo/.aiwg/requirements/use-cases/UC-005-fixture.md:2:6 info[unknown-id] "US-AP-017": no document declares US-AP-017
            "#]],
        );
    }

    #[test]
    fn adr_sections_status_and_supersession() {
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-003: Use Memcached

            **Status**: Accepted

            ## Context
            ## Decision
            ## Consequences
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            # ADR-007: Use Redis

            **Status**: Pending review
            **Supersedes**: ADR-003

            ## Context
            ## Decision
            //- /.aiwg/architecture/decisions/ADR-008-queue.md
            # ADR-008: Queue

            ## Status

            Superseded by ADR-009

            ## Context and Problem Statement
            ## Decision Outcome
            ## Consequences
            //- /.aiwg/architecture/decisions/ADR-009-stream.md
            # ADR-009: Stream

            **Status**: ACCEPTED (Non-Negotiable)
            **Supersedes**: ADR-008

            ## Context
            ## Decision
            ## Consequences
            //- /agentic/code/frameworks/sdlc-complete/templates/governance/adr-template.md
            # Architecture Decision Record (ADR)
            "#,
            expect![[r##"
                .aiwg/architecture/decisions/ADR-007-redis.md:1:1 warning[adr-section] "# ADR-007: Use Redis": this ADR has no `Consequences` section (an ADR states its Context, Decision, Consequences and Status)
                .aiwg/architecture/decisions/ADR-007-redis.md:3:13 warning[adr-status] "Pending review": `Pending review` is not an ADR status: Proposed, Accepted, Rejected, Deprecated or Superseded by ADR-…
                .aiwg/architecture/decisions/ADR-007-redis.md:4:17 warning[adr-supersession] "ADR-003": ADR-003 does not say it is superseded by ADR-007 (`.aiwg/architecture/decisions/ADR-003-memcached.md` has status `Accepted`)
            "##]],
        );
    }

    #[test]
    fn a_missing_successor_is_a_supersession_problem_reported_once() {
        check(
            r#"
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-003: Use Memcached

            **Status**: Superseded by ADR-009
            **Supersedes**: ADR-001

            ## Context

            ## Decision

            ## Consequences
            //- /docs/notes.md
            # Notes

            **Related**: ADR-009
            "#,
            expect![[r#"
                .aiwg/architecture/decisions/ADR-003-memcached.md:3:27 warning[adr-supersession] "ADR-009": this ADR is superseded by ADR-009, but no document of the project declares ADR-009
                .aiwg/architecture/decisions/ADR-003-memcached.md:4:17 warning[adr-supersession] "ADR-001": this ADR supersedes ADR-001, but no document of the project declares ADR-001
                docs/notes.md:3:14 warning[unknown-id] "ADR-009": no document declares ADR-009 (`Related`)
            "#]],
        );
    }

    #[test]
    fn trade_study_arithmetic_is_checked_and_recomputed() {
        let fixture = r#"
            //- /.aiwg/architecture/decisions/ADR-010-queue.md
            # ADR-010: Queue

            **Status**: Proposed

            ## Context

            ## Evaluation Criteria

            | Criterion | Weight |
            |---|---|
            | Throughput | 60% |
            | Cost | 40% |

            **Minimum Acceptable Score:** 7/10

            ## Options Comparison Matrix

            | Option | Throughput | Cost | Total | Pass/Fail |
            |---|---|---|---|---|
            | Kafka | 9 (5.4) | 4 (1.8) | 7.2 | Pass |
            | SQS | 6 (3.6) | 8 (3.2) | 6.8 | Pass |

            ## Decision

            **Selected Option:** SQS

            ## Consequences
            //- /agentic/code/frameworks/sdlc-complete/templates/architecture/adr-with-tot.md
            # ADR Template

            ## Options Comparison Matrix

            | Option | Speed (50%) | Cost (50%) | **Total** |
            |---|---|---|---|
            | Option 1 | 8 (4) | 6 (3) | **71** |
            "#;
        check(
            fixture,
            expect![[r#"
                .aiwg/architecture/decisions/ADR-010-queue.md:20:24 warning[adr-scoring] "1.8": Kafka: 4 × 40% is 1.6, not 1.8
                .aiwg/architecture/decisions/ADR-010-queue.md:20:31 warning[adr-scoring] "7.2": Kafka's total is 7.2, but its weighted scores sum to 7
                .aiwg/architecture/decisions/ADR-010-queue.md:21:35 warning[adr-scoring] "Pass": SQS passes with 68 of 100, below the Minimum Acceptable Score of 70
                .aiwg/architecture/decisions/ADR-010-queue.md:25:22 warning[adr-scoring] "SQS": SQS scores 6.8, below Kafka (7), and the Decision does not say why it was chosen anyway
                agentic/code/frameworks/sdlc-complete/templates/architecture/adr-with-tot.md:7:32 info[adr-scoring] "71": Option 1's total is 71, but its weighted scores sum to 70
            "#]],
        );
        check_fixes(
            fixture,
            expect![[r#"
                Recompute weighted scores (preferred)
                edit /.aiwg/architecture/decisions/ADR-010-queue.md "1.8" -> "1.6"
                edit /.aiwg/architecture/decisions/ADR-010-queue.md "7.2" -> "7"
                Recompute weighted scores (preferred)
                edit /.aiwg/architecture/decisions/ADR-010-queue.md "1.8" -> "1.6"
                edit /.aiwg/architecture/decisions/ADR-010-queue.md "7.2" -> "7"
                Recompute weighted scores (preferred)
                edit /agentic/code/frameworks/sdlc-complete/templates/architecture/adr-with-tot.md "71" -> "70"
            "#]],
        );
    }

    #[test]
    fn one_sided_supersession_is_fixed_on_the_other_side() {
        check_fixes(
            r#"
            //- /.aiwg/architecture/decisions/ADR-003-memcached.md
            # ADR-003: Use Memcached

            **Status**: Accepted (2025-01-10)
            //- /.aiwg/architecture/decisions/ADR-007-redis.md
            # ADR-007: Use Redis

            **Status**: Accepted
            **Supersedes**: ADR-003
            //- /.aiwg/architecture/decisions/ADR-008-queue.md
            # ADR-008: Queue

            ## Status

            Superseded by ADR-009
            //- /.aiwg/architecture/decisions/ADR-009-stream.md
            # ADR-009: Stream
            "#,
            expect![[r#"
                Add the missing sections (preferred)
                edit /.aiwg/architecture/decisions/ADR-003-memcached.md "" -> "\n## Context\n\n[The issue that motivates this decision, and the forces at play.]\n\n## Decision\n\n[The change we propose or have agreed to.]\n\n## Consequences\n\n[What becomes easier or harder: positive, negative, risks.]\n"
                Add the missing sections (preferred)
                edit /.aiwg/architecture/decisions/ADR-007-redis.md "" -> "\n## Context\n\n[The issue that motivates this decision, and the forces at play.]\n\n## Decision\n\n[The change we propose or have agreed to.]\n\n## Consequences\n\n[What becomes easier or harder: positive, negative, risks.]\n"
                Mark ADR-003 as superseded by ADR-007 (preferred)
                edit /.aiwg/architecture/decisions/ADR-003-memcached.md "Accepted (2025-01-10)" -> "Superseded by ADR-007"
                Add the missing sections (preferred)
                edit /.aiwg/architecture/decisions/ADR-008-queue.md "" -> "\n## Context\n\n[The issue that motivates this decision, and the forces at play.]\n\n## Decision\n\n[The change we propose or have agreed to.]\n\n## Consequences\n\n[What becomes easier or harder: positive, negative, risks.]\n"
                Add `Supersedes: ADR-008` to ADR-009 (preferred)
                edit /.aiwg/architecture/decisions/ADR-009-stream.md "" -> "\n\n**Supersedes**: ADR-008"
                Add the missing sections (preferred)
                edit /.aiwg/architecture/decisions/ADR-009-stream.md "" -> "\n\n**Status**: Proposed"
                edit /.aiwg/architecture/decisions/ADR-009-stream.md "" -> "\n## Context\n\n[The issue that motivates this decision, and the forces at play.]\n\n## Decision\n\n[The change we propose or have agreed to.]\n\n## Consequences\n\n[What becomes easier or harder: positive, negative, risks.]\n"
            "#]],
        );
    }

    #[test]
    fn missing_adr_sections_are_added_with_guidance() {
        check_fixes(
            r#"
            //- /.aiwg/architecture/decisions/ADR-012-logging.md
            # ADR-012: Structured Logging

            ## Context

            We grep logs.
            "#,
            expect![[r#"
                Add the missing sections (preferred)
                edit /.aiwg/architecture/decisions/ADR-012-logging.md "" -> "\n\n**Status**: Proposed"
                edit /.aiwg/architecture/decisions/ADR-012-logging.md "" -> "\n## Decision\n\n[The change we propose or have agreed to.]\n\n## Consequences\n\n[What becomes easier or harder: positive, negative, risks.]\n"
            "#]],
        );
    }

    #[test]
    fn a_provenance_record_whose_artifact_changed() {
        let mut fixture = Fixture::parse(
            r#"
            //- /.aiwg/requirements/use-cases/UC-001-x.md
            # UC-001: X
            //- /.aiwg/research/provenance/records/uc-001.prov.yaml
            entity:
              id: urn:aiwg:artifact:.aiwg/requirements/use-cases/UC-001-x.md
              checksum: "sha256:ED1BA2554F7E03D0178285FC9EAB9192A46291C2A7A6A94239F7270F963CEAFE"
            //- /.aiwg/research/provenance/records/other.prov.yaml
            entity:
              id: urn:aiwg:artifact:.aiwg/requirements/use-cases/UC-001-x.md
              content_hash: sha256:ed1ba2554f7e03d0178285fc9eab9192a46291c2a7a6a94239f7270f963ceafe
            "#,
        );
        let render = |fixture: &Fixture| {
            let mut out = String::new();
            for (id, doc) in fixture.snapshot.workspace_documents() {
                for d in diagnostics(&fixture.snapshot, id) {
                    out.push_str(&format!(
                        "{} {} {}: {}\n",
                        doc.path,
                        d.severity.as_str(),
                        d.code.as_str(),
                        d.range.slice(fixture.text(id))
                    ));
                }
            }
            out
        };
        // Without a digest of the artifact nothing can be said.
        assert_eq!(render(&fixture), "");
        let same = "sha256:ed1ba2554f7e03d0178285fc9eab9192a46291c2a7a6a94239f7270f963ceafe";
        let path = ".aiwg/requirements/use-cases/UC-001-x.md".to_string();
        fixture.snapshot = fixture.snapshot.with_digests([(path.clone(), Some(same.to_string()))]);
        assert_eq!(render(&fixture), "", "upper-case hex and content_hash match too");
        fixture.snapshot = fixture.snapshot.with_digests([(path, Some(format!("sha256:{}", "0".repeat(64))))]);
        expect![[r#"
            .aiwg/research/provenance/records/other.prov.yaml warning stale-provenance: sha256:ed1ba2554f7e03d0178285fc9eab9192a46291c2a7a6a94239f7270f963ceafe
            .aiwg/research/provenance/records/uc-001.prov.yaml warning stale-provenance: sha256:ED1BA2554F7E03D0178285FC9EAB9192A46291C2A7A6A94239F7270F963CEAFE
        "#]]
        .assert_eq(&render(&fixture));
    }
}
