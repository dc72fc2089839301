//! Code actions: the fixes diagnostics carry, offered where the editor asks, and "fix all" for a
//! document (every preferred fix whose edits do not collide). Actions that repair no diagnostic
//! (ADR lifecycle edits) come from `adr_actions` in the same shape.

use crate::analysis::change::{ChangeSet, FileChange};
use crate::analysis::diagnostics::Diagnostic;
use crate::text::TextRange;

/// What kind of change an action makes, as the editor groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ActionKind {
    /// Repairs a problem.
    QuickFix,
    /// Rewrites correct text into other correct text (marking an ADR superseded).
    Refactor,
}

/// One offer of a code action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CodeAction {
    pub(crate) title: String,
    /// The diagnostic it repairs, if any.
    pub(crate) diagnostic: Option<Diagnostic>,
    pub(crate) kind: ActionKind,
    pub(crate) changes: ChangeSet,
    pub(crate) preferred: bool,
}

/// The fixes of the diagnostics that touch `range` (a cursor is an empty range), in the order of
/// the diagnostics and, within one, of its fixes.
pub(crate) fn code_actions(diagnostics: &[Diagnostic], range: TextRange) -> Vec<CodeAction> {
    diagnostics
        .iter()
        .filter(|d| d.range.start <= range.end && range.start <= d.range.end)
        .flat_map(|d| {
            d.fixes.iter().map(move |fix| CodeAction {
                title: fix.label.clone(),
                diagnostic: Some(d.clone()),
                kind: ActionKind::QuickFix,
                changes: fix.changes.clone(),
                preferred: fix.preferred,
            })
        })
        .collect()
}

/// Every preferred fix of a document in one change set, and how many fixes it holds. A fix
/// whose edits overlap one already taken is left for a second run, so the result always
/// applies cleanly.
pub(crate) fn fix_all(diagnostics: &[Diagnostic]) -> (ChangeSet, usize) {
    let mut all = ChangeSet::default();
    let mut count = 0;
    let mut taken: Vec<TextRange> = Vec::new();
    for fix in diagnostics.iter().flat_map(|d| &d.fixes).filter(|f| f.preferred) {
        let ranges: Vec<TextRange> = fix
            .changes
            .changes
            .iter()
            .flat_map(|c| match c {
                FileChange::Edit { edits, .. } => edits.iter().map(|e| e.range).collect(),
                _ => Vec::new(),
            })
            .collect();
        let collides = ranges.iter().any(|r| taken.iter().any(|t| r.start < t.end && t.start < r.end));
        if !collides {
            taken.extend(ranges);
            all.extend(fix.changes.clone());
            count += 1;
        }
    }
    (all, count)
}
