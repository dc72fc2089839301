//! `Document`: one indexed file (a markdown document, a provenance record or a source file
//! whose comments carry references), and how a file's path decides which it is.

use crate::analysis::symbols::SymbolName;
use crate::model::{ArtifactKind, DocFacts, ProvenanceRecord, origin};
use crate::resolve::RootKind;
use crate::syntax;

/// Source files scanned for qualified references in comments (aiwg-format §2.6).
const CODE_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "mjs", "cjs", "jsx", "py", "go", "rs", "java"];
/// Data files scanned for `@`-references in values and comments (flow schemas, manifests, copilot's
/// YAML agents).
const DATA_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "jsonc"];

#[derive(Clone, Debug)]
pub struct Document {
    pub root: RootKind,
    /// Relative to its root, `/`-separated.
    pub path: String,
    pub facts: DocFacts,
    /// Boxed: most documents are not records, and a record is several times a document's size.
    pub provenance: Option<Box<ProvenanceRecord>>,
    /// What workspace/symbol finds it by, from `facts` (kept here so that a query scores
    /// names instead of building them for every document).
    pub(crate) symbols: Box<[SymbolName]>,
}

impl Document {
    /// The document read from `text`, whose facts and provenance record are given.
    pub(crate) fn new(
        root: RootKind,
        path: String,
        text: &str,
        mut facts: DocFacts,
        provenance: Option<ProvenanceRecord>,
    ) -> Document {
        facts.shrink_to_fit();
        let symbols = crate::analysis::symbols::symbol_names(&path, &facts, text);
        Document { root, path, facts, provenance: provenance.map(Box::new), symbols }
    }

    pub fn is_markdown(&self) -> bool {
        FileRole::of(&self.path, false) == FileRole::Markdown
    }

    /// Whether the whole document is aiwg's text rather than the user's (`model::origin`).
    pub fn is_framework_text(&self) -> bool {
        origin::is_framework_path(&self.path, self.facts.kind)
    }

    /// Whether the text at `offset` is aiwg's: the whole document is, or the offset lies in a
    /// section aiwg generated.
    pub(crate) fn is_framework_at(&self, offset: usize) -> bool {
        self.is_framework_text() || self.facts.generated.iter().any(|r| r.start <= offset && offset < r.end)
    }
}

/// What a file is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    Markdown,
    Provenance,
    Code,
    /// YAML or JSON: references in values, comments and markdown block scalars.
    Data,
    /// Listed so references to it resolve, never read.
    Listed,
}

impl FileRole {
    pub(crate) fn of(path: &str, read_code: bool) -> FileRole {
        let lower = path.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        // Cursor's `.mdc` rules and `.windsurfrules` are markdown too.
        if lower.ends_with(".md") || lower.ends_with(".markdown") || lower.ends_with(".mdc") || name == ".windsurfrules"
        {
            FileRole::Markdown
        } else if ArtifactKind::from_path(&lower) == ArtifactKind::ProvenanceRecord {
            FileRole::Provenance
        } else if read_code && lower.rsplit_once('.').is_some_and(|(_, ext)| CODE_EXTENSIONS.contains(&ext)) {
            FileRole::Code
        } else if read_code && lower.rsplit_once('.').is_some_and(|(_, ext)| DATA_EXTENSIONS.contains(&ext)) {
            FileRole::Data
        } else {
            FileRole::Listed
        }
    }
}

/// The document for a file's text, by its path; `None` for files that are only listed.
pub fn document_from_text(path: &str, root: RootKind, text: &str) -> Option<Document> {
    let (facts, provenance) = match FileRole::of(path, true) {
        FileRole::Markdown => (syntax::facts_from_text(path, text), None),
        FileRole::Provenance => {
            let references = syntax::provenance::artifact_references(text);
            let facts = DocFacts { kind: ArtifactKind::ProvenanceRecord, references, ..DocFacts::default() };
            (facts, Some(syntax::provenance::parse_provenance(text)))
        }
        FileRole::Code => (syntax::facts_from_code(path, text), None),
        FileRole::Data => (syntax::data::data_facts(path, text), None),
        FileRole::Listed => return None,
    };
    Some(Document::new(root, path.to_string(), text, facts, provenance))
}
