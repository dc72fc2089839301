//! Text primitives shared by every layer: byte ranges inside a document and the line index that
//! converts UTF-8 byte offsets to line/column positions in the encoding a client negotiated.
//!
//! Inside the core every offset is a UTF-8 byte offset (tree-sitter's native unit). Columns in
//! other encodings exist only at the edges (LSP, `check --format json`), through [`LineIndex`].

mod line_index;
mod range;

pub use line_index::{LineCol, LineIndex, LineSpan, PositionEncoding};
pub use range::TextRange;
