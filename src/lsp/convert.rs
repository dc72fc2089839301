//! Conversions between core values (byte offsets, plain structs) and LSP types. Positions are
//! converted here and nowhere else, through [`LineIndex`] in the negotiated encoding.

use tower_lsp_server::ls_types as lsp;

use crate::analysis::completion::{CompletionItem, CompletionKind};
use crate::analysis::symbols::{DocumentSymbol, WorkspaceSymbol};
use crate::analysis::{Diagnostic, Severity};
use crate::model::ArtifactKind;
use crate::text::{LineCol, LineIndex, PositionEncoding, TextRange};

/// LSP 3.17 `general.positionEncodings`: the client lists what it supports in order of
/// preference; UTF-16 is mandatory, so it is the answer when nothing better is offered. UTF-8
/// is our native unit and costs no conversion, so it wins whenever the client offers it.
pub fn negotiate_encoding(params: &lsp::InitializeParams) -> PositionEncoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&lsp::PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

pub fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

pub fn position(index: &LineIndex, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let lc = index.line_col(offset, encoding);
    lsp::Position { line: lc.line, character: lc.col }
}

pub fn range(index: &LineIndex, range: TextRange, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range { start: position(index, range.start, encoding), end: position(index, range.end, encoding) }
}

/// A client position as a byte offset; positions past the end clamp (LSP 3.17 "Position").
pub fn offset(index: &LineIndex, position: lsp::Position, encoding: PositionEncoding) -> usize {
    index.offset(LineCol { line: position.line, col: position.character }, encoding)
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(index: &LineIndex, d: &Diagnostic, encoding: PositionEncoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(index, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("aiwg".to_string()),
        message: d.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

pub fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }
}

pub fn completion_item(index: &LineIndex, item: CompletionItem, encoding: PositionEncoding) -> lsp::CompletionItem {
    let kind = match item.kind {
        CompletionKind::File => lsp::CompletionItemKind::FILE,
        CompletionKind::Folder => lsp::CompletionItemKind::FOLDER,
        CompletionKind::Heading => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Id => lsp::CompletionItemKind::CONSTANT,
    };
    lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(|doc| lsp::Documentation::MarkupContent(markdown(doc))),
        sort_text: Some(item.sort_text),
        filter_text: item.filter_text,
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(index, item.replace, encoding),
            new_text: item.insert_text,
        })),
        ..lsp::CompletionItem::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out.
pub fn document_symbol(index: &LineIndex, symbol: DocumentSymbol, encoding: PositionEncoding) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if symbol.name.is_empty() { "(empty heading)".to_string() } else { symbol.name },
        detail: Some(format!("h{}", symbol.level)),
        kind: lsp::SymbolKind::STRING,
        tags: None,
        deprecated: None,
        range: range(index, symbol.range, encoding),
        selection_range: range(index, symbol.selection_range, encoding),
        children: Some(symbol.children.into_iter().map(|c| document_symbol(index, c, encoding)).collect()),
    }
}

pub fn symbol_kind(kind: ArtifactKind) -> lsp::SymbolKind {
    match kind {
        ArtifactKind::Adr => lsp::SymbolKind::EVENT,
        ArtifactKind::UseCase | ArtifactKind::TestCase => lsp::SymbolKind::FUNCTION,
        ArtifactKind::Nfr => lsp::SymbolKind::PROPERTY,
        ArtifactKind::ResearchRef => lsp::SymbolKind::KEY,
        ArtifactKind::Risk | ArtifactKind::ThreatModel => lsp::SymbolKind::ENUM_MEMBER,
        ArtifactKind::ProvenanceRecord => lsp::SymbolKind::OBJECT,
        ArtifactKind::Agent => lsp::SymbolKind::CLASS,
        ArtifactKind::Command | ArtifactKind::Skill => lsp::SymbolKind::METHOD,
        ArtifactKind::Rule | ArtifactKind::Template => lsp::SymbolKind::INTERFACE,
        ArtifactKind::Other => lsp::SymbolKind::FILE,
    }
}

#[allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.
pub fn workspace_symbol(symbol: &WorkspaceSymbol, location: lsp::Location) -> lsp::SymbolInformation {
    lsp::SymbolInformation {
        name: symbol.name.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        location,
        container_name: Some(match &symbol.detail {
            Some(status) => format!("{} · {status}", symbol.kind.label()),
            None => symbol.kind.label().to_string(),
        }),
    }
}
