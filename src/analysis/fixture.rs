//! Test fixtures: a whole workspace written inline.
//!
//! ```text
//! //- /.aiwg/architecture/decisions/ADR-001-x.md
//! # ADR-001: Use PostgreSQL
//! //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/r.md
//! # A rule
//! ```
//!
//! Each `//- /path` line starts a file. Files under `/aiwg-root/` form an external aiwg install
//! root; the rest form the workspace. `$0` marks a cursor (removed from the text).

use std::sync::Arc;

use crate::analysis::navigation::{Location, NavigationTarget, Spot};
use crate::resolve::{AiwgRoot, PathSet, RootKind, Roots};
use crate::text::LineIndex;
use crate::workspace::{DocId, Snapshot, SnapshotInput, document_from_text};

const AIWG_ROOT_DIR: &str = "/aiwg-root/";

pub(crate) struct Fixture {
    pub(crate) snapshot: Snapshot,
    /// (root, path, text) of every file, in fixture order.
    pub(crate) files: Vec<(RootKind, String, String)>,
    /// The file and byte offset of `$0`, if any.
    pub(crate) cursor: Option<(DocId, usize)>,
}

impl Fixture {
    pub(crate) fn parse(fixture: &str) -> Fixture {
        let mut files: Vec<(RootKind, String, String)> = Vec::new();
        for line in trim_indent(fixture).split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                let path = path.trim();
                let (root, rel) = match path.strip_prefix(AIWG_ROOT_DIR) {
                    Some(rel) => (RootKind::Aiwg, rel),
                    None => (RootKind::Workspace, path.trim_start_matches('/')),
                };
                files.push((root, rel.to_string(), String::new()));
            } else if let Some(file) = files.last_mut() {
                file.2.push_str(line);
            }
        }
        let mut cursor_at = None;
        for (i, file) in files.iter_mut().enumerate() {
            if let Some(offset) = file.2.find("$0") {
                file.2.replace_range(offset..offset + 2, "");
                cursor_at = Some((i, offset));
            }
        }
        let paths =
            |root: RootKind| -> Vec<String> { files.iter().filter(|f| f.0 == root).map(|f| f.1.clone()).collect() };
        let aiwg_paths = paths(RootKind::Aiwg);
        let workspace_paths = paths(RootKind::Workspace);
        // Like the loader: a workspace holding the framework sources is its own aiwg root.
        let aiwg = if !aiwg_paths.is_empty() {
            AiwgRoot::External(Arc::new(PathSet::new(aiwg_paths, [])))
        } else if workspace_paths.iter().any(|p| p.starts_with("agentic/code/frameworks/")) {
            AiwgRoot::Workspace
        } else {
            AiwgRoot::Missing
        };
        let roots = Roots { workspace: Arc::new(PathSet::new(workspace_paths, [])), aiwg, aiwg_problem: None };
        let documents =
            files.iter().filter_map(|(root, path, text)| document_from_text(path, *root, text)).map(Arc::new).collect();
        let snapshot = Snapshot::build(SnapshotInput { roots, documents });
        let cursor = cursor_at.and_then(|(i, offset)| {
            let (root, path, _) = &files[i];
            snapshot.doc_by_path(*root, path).map(|id| (id, offset))
        });
        Fixture { snapshot, files, cursor }
    }

    pub(crate) fn text(&self, doc: DocId) -> &str {
        let doc = self.snapshot.doc(doc);
        self.files.iter().find(|f| f.0 == doc.root && f.1 == doc.path).map_or("", |f| &f.2)
    }

    /// `path:line:col` (1-based) of an offset in a document, for readable expectations.
    pub(crate) fn position(&self, doc: DocId, offset: usize) -> String {
        let doc = self.snapshot.doc(doc);
        self.position_in(doc.root, &doc.path, offset)
    }

    /// The text of any fixture file, indexed or only listed.
    pub(crate) fn file_text(&self, root: RootKind, path: &str) -> &str {
        self.files.iter().find(|f| f.0 == root && f.1 == path).map_or("", |f| &f.2)
    }

    /// `path:line:col` (1-based) of an offset in any fixture file.
    pub(crate) fn position_in(&self, root: RootKind, path: &str, offset: usize) -> String {
        let lc = LineIndex::new(self.file_text(root, path)).line_col(offset, crate::text::PositionEncoding::Utf32);
        format!("{}{path}:{}:{}", root_marker(root), lc.line + 1, lc.col + 1)
    }

    /// A navigation target as `path:line:col "covered text"`, with its section's last line
    /// when it reveals one; folders end in `/`, `:line` targets show the line alone. Paths of the
    /// external aiwg root are written `/aiwg-root/…`, as in the fixture.
    pub(crate) fn render_target(&self, target: &NavigationTarget) -> String {
        let marker = root_marker(target.root);
        let mut out = match target.focus {
            Spot::File if target.is_dir => format!("{marker}{}/", target.path),
            Spot::File => format!("{marker}{}", target.path),
            Spot::Line(line) => format!("{marker}{}:{}", target.path, line + 1),
            Spot::Range(range) => format!(
                "{} {:?}",
                self.position_in(target.root, &target.path, range.start),
                range.slice(self.file_text(target.root, &target.path))
            ),
        };
        if let Some(full) = target.full {
            let index = LineIndex::new(self.file_text(target.root, &target.path));
            let line = |offset| index.line_col(offset, crate::text::PositionEncoding::Utf32).line + 1;
            out.push_str(&format!(" (section lines {}..{})", line(full.start), line(full.end)));
        }
        out
    }

    /// A location as `path:line:col "covered text"`.
    pub(crate) fn render_location(&self, location: &Location) -> String {
        format!(
            "{} {:?}",
            self.position_in(location.root, &location.path, location.range.start),
            location.range.slice(self.file_text(location.root, &location.path))
        )
    }
}

fn root_marker(root: RootKind) -> &'static str {
    match root {
        RootKind::Workspace => "",
        RootKind::Aiwg => AIWG_ROOT_DIR,
    }
}

/// Removes the indentation common to all non-blank lines, and a leading newline.
fn trim_indent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    text.split_inclusive('\n')
        .map(|l| if l.len() > indent { &l[indent..] } else { l.trim_start_matches(' ') })
        .collect()
}
