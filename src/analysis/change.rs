//! Changes a feature wants made to the workspace: text edits per file, new files with their
//! content, and file renames, as plain values. Features (fixes, code actions, commands) return
//! them; the LSP layer turns them into a `WorkspaceEdit` and nothing here knows that type.

use crate::resolve::RootKind;
use crate::text::TextRange;

/// A file of a snapshot's trees.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FilePath {
    pub root: RootKind,
    /// Relative to its root, `/`-separated.
    pub path: String,
}

impl FilePath {
    pub fn workspace(path: impl Into<String>) -> FilePath {
        FilePath { root: RootKind::Workspace, path: path.into() }
    }
}

/// Replace `range` (bytes of the file's current text) with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// One step of a change set, applied in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileChange {
    /// Edits of one existing file; their ranges do not overlap.
    Edit { file: FilePath, edits: Vec<TextEdit> },
    /// A new file with its content; never overwrites an existing one.
    Create { file: FilePath, content: String },
    /// Move a file; never overwrites an existing one.
    Rename { from: FilePath, to: FilePath },
}

/// What one fix, code action or command changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub changes: Vec<FileChange>,
}

impl ChangeSet {
    pub fn edit(file: FilePath, range: TextRange, new_text: impl Into<String>) -> ChangeSet {
        ChangeSet {
            changes: vec![FileChange::Edit { file, edits: vec![TextEdit { range, new_text: new_text.into() }] }],
        }
    }

    pub fn create(file: FilePath, content: impl Into<String>) -> ChangeSet {
        ChangeSet { changes: vec![FileChange::Create { file, content: content.into() }] }
    }

    /// Appends another set's changes, merging edits of a file already edited here.
    pub fn extend(&mut self, other: ChangeSet) {
        for change in other.changes {
            match change {
                FileChange::Edit { file, edits } => {
                    let existing = self.changes.iter_mut().find_map(|c| match c {
                        FileChange::Edit { file: f, edits } if *f == file => Some(edits),
                        _ => None,
                    });
                    match existing {
                        Some(existing) => existing.extend(edits),
                        None => self.changes.push(FileChange::Edit { file, edits }),
                    }
                }
                other => self.changes.push(other),
            }
        }
    }

    /// A plain-text rendering for tests: each edit with the text it replaces, each new file with
    /// its content. `text_of` gives a file's current text.
    pub fn render(&self, text_of: &dyn Fn(&FilePath) -> String) -> String {
        let mut out = String::new();
        for change in &self.changes {
            match change {
                FileChange::Edit { file, edits } => {
                    let text = text_of(file);
                    for edit in edits {
                        out.push_str(&format!(
                            "edit {}{} {:?} -> {:?}\n",
                            root_marker(file.root),
                            file.path,
                            edit.range.slice(&text),
                            edit.new_text
                        ));
                    }
                }
                FileChange::Create { file, content } => {
                    out.push_str(&format!("create {}{}\n", root_marker(file.root), file.path));
                    for line in content.lines() {
                        out.push_str(&format!("  | {line}\n"));
                    }
                }
                FileChange::Rename { from, to } => out.push_str(&format!(
                    "rename {}{} -> {}{}\n",
                    root_marker(from.root),
                    from.path,
                    root_marker(to.root),
                    to.path
                )),
            }
        }
        out
    }
}

fn root_marker(root: RootKind) -> &'static str {
    match root {
        RootKind::Workspace => "/",
        RootKind::Aiwg => "/aiwg-root/",
    }
}

/// A labelled change set that repairs a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub label: String,
    pub changes: ChangeSet,
    /// The one obvious repair, safe to apply without asking (quick-fix "preferred", fix-all).
    pub preferred: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_merges_edits_of_one_file() {
        let file = FilePath::workspace("a.md");
        let mut set = ChangeSet::edit(file.clone(), TextRange::new(0, 1), "x");
        set.extend(ChangeSet::create(FilePath::workspace("b.md"), "# B\n"));
        set.extend(ChangeSet::edit(file.clone(), TextRange::new(2, 3), "y"));
        set.changes.push(FileChange::Rename { from: FilePath::workspace("b.md"), to: FilePath::workspace("c.md") });
        let rendered = set.render(&|_| "abcdef".to_string());
        assert_eq!(
            rendered,
            "edit /a.md \"a\" -> \"x\"\nedit /a.md \"c\" -> \"y\"\ncreate /b.md\n  | # B\nrename /b.md -> /c.md\n"
        );
    }
}
