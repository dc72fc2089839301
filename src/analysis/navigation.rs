//! Types shared by the navigation features (definition, links, references, symbols): places in
//! files, named by root and path with byte ranges, for the LSP layer to turn into locations.

use crate::resolve::RootKind;
use crate::text::TextRange;

/// Where in a target file to land.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Spot {
    /// The start of the file (or a folder).
    File,
    /// A byte range in the target's text (a heading, an ID declaration).
    Range(TextRange),
    /// A 0-based line (from a `:42` suffix, which is 1-based as written).
    Line(u32),
}

/// A file or folder a reference or ID leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub(crate) root: RootKind,
    pub(crate) path: String,
    pub(crate) is_dir: bool,
    /// Where to put the cursor.
    pub(crate) focus: Spot,
    /// The enclosing range to reveal (a heading's whole section), when there is one.
    pub(crate) full: Option<TextRange>,
}

/// A range in some file of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub(crate) root: RootKind,
    pub(crate) path: String,
    pub(crate) range: TextRange,
}
