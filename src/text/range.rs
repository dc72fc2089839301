//! `TextRange`: a half-open byte range `[start, end)` into one document's UTF-8 text.

use std::fmt;

/// A half-open range of UTF-8 byte offsets, `start..end`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        debug_assert!(start <= end, "inverted range {start}..{end}");
        TextRange { start, end }
    }

    pub(crate) fn empty(at: usize) -> TextRange {
        TextRange { start: at, end: at }
    }

    pub(crate) fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies inside the range; the end is included so that a cursor placed
    /// right after a token still counts as "on" it, as editors expect.
    pub(crate) fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub(crate) fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub(crate) fn shifted(self, by: usize) -> TextRange {
        TextRange::new(self.start + by, self.end + by)
    }

    /// The text this range covers, or `""` when it does not fall on character boundaries of
    /// `text` (a stale range must never panic).
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(range: std::ops::Range<usize>) -> TextRange {
        TextRange::new(range.start, range.end)
    }
}
