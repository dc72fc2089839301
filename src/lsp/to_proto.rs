//! Core values to LSP types: byte offsets to positions (through [`LineIndex`], in the negotiated
//! encoding), diagnostics, completion items, symbols, navigation targets, change sets to
//! `WorkspaceEdit`s and code actions. With [`super::from_proto`] the only place positions are
//! converted.

use tower_lsp_server::ls_types as lsp;

use crate::analysis::code_actions::{ActionKind, CodeAction};
use crate::analysis::completion::{CompletionItem, CompletionKind};
use crate::analysis::highlight::{Token, TokenKind, TokenModifier};
use crate::analysis::navigation::{Location, NavigationTarget, Spot};
use crate::analysis::symbols::{DocumentSymbol, WorkspaceSymbol};
use crate::analysis::{ChangeSet, FileChange};
use crate::analysis::{Diagnostic, Severity};
use crate::lsp::world::TargetIndexes;
use crate::model::ArtifactKind;
use crate::text::{LineIndex, PositionEncoding, TextRange};

pub(crate) fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

pub(crate) fn position(index: &LineIndex, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let lc = index.line_col(offset, encoding);
    lsp::Position { line: lc.line, character: lc.col }
}

pub(crate) fn range(index: &LineIndex, range: TextRange, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range { start: position(index, range.start, encoding), end: position(index, range.end, encoding) }
}

/// Token types in legend order: standard types, so default themes colour them. A reference is
/// like an import (`namespace`), an ID a named constant (`enumMember`), a qualifier an annotation
/// (`decorator`), a placeholder a parameter to fill in (`typeParameter`).
const TOKEN_TYPES: [(TokenKind, lsp::SemanticTokenType); 4] = [
    (TokenKind::Reference, lsp::SemanticTokenType::NAMESPACE),
    (TokenKind::Id, lsp::SemanticTokenType::ENUM_MEMBER),
    (TokenKind::Qualifier, lsp::SemanticTokenType::DECORATOR),
    (TokenKind::Placeholder, lsp::SemanticTokenType::TYPE_PARAMETER),
];

/// Modifier names in legend order (bit `i` of the LSP mask is entry `i`). `deprecated` is
/// struck through by Neovim and VS Code; `broken` and `ambiguous` are ours (the VS Code
/// extension maps them to scopes; `editors/neovim/aiwg.lua` links them to highlight groups).
const TOKEN_MODIFIERS: [(TokenModifier, &str); 5] = [
    (TokenModifier::Declaration, "declaration"),
    (TokenModifier::Deprecated, "deprecated"),
    (TokenModifier::Framework, "defaultLibrary"),
    (TokenModifier::Broken, "broken"),
    (TokenModifier::Ambiguous, "ambiguous"),
];

pub(crate) fn semantic_token_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES.iter().map(|(_, t)| t.clone()).collect(),
        token_modifiers: TOKEN_MODIFIERS.iter().map(|(_, m)| lsp::SemanticTokenModifier::new(m)).collect(),
    }
}

/// Tokens (sorted, not overlapping, single-line) in the LSP's relative encoding.
pub(crate) fn semantic_tokens(
    index: &LineIndex,
    tokens: &[Token],
    encoding: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut col) = (0, 0);
    for token in tokens {
        let start = index.line_col(token.range.start, encoding);
        let end = index.line_col(token.range.end, encoding);
        if end.line != start.line || end.col <= start.col {
            continue;
        }
        let token_type = TOKEN_TYPES.iter().position(|(kind, _)| *kind == token.kind).unwrap_or(0) as u32;
        let modifiers = TOKEN_MODIFIERS
            .iter()
            .enumerate()
            .filter(|(_, (modifier, _))| token.has(*modifier))
            .fold(0u32, |mask, (bit, _)| mask | 1 << bit);
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 { start.col - col } else { start.col };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.col - start.col,
            token_type,
            token_modifiers_bitset: modifiers,
        });
        (line, col) = (start.line, start.col);
    }
    out
}

pub(crate) fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub(crate) fn diagnostic(index: &LineIndex, d: &Diagnostic, encoding: PositionEncoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(index, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("aiwg".to_string()),
        message: d.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

pub(crate) fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }
}

pub(crate) fn completion_item(
    index: &LineIndex,
    item: CompletionItem,
    encoding: PositionEncoding,
    snippet_support: bool,
) -> lsp::CompletionItem {
    let snippet = item.kind == CompletionKind::Snippet;
    let (insert_text_format, new_text) = match (snippet, snippet_support) {
        (true, true) => (Some(lsp::InsertTextFormat::SNIPPET), item.insert_text),
        (true, false) => (None, crate::analysis::snippets::plain_text(&item.insert_text)),
        (false, _) => (None, item.insert_text),
    };
    let kind = match item.kind {
        CompletionKind::File => lsp::CompletionItemKind::FILE,
        CompletionKind::Folder => lsp::CompletionItemKind::FOLDER,
        CompletionKind::Heading => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Id => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Status => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
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
            new_text,
        })),
        insert_text_format,
        ..lsp::CompletionItem::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out.
pub(crate) fn document_symbol(
    index: &LineIndex,
    symbol: DocumentSymbol,
    encoding: PositionEncoding,
) -> lsp::DocumentSymbol {
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

/// A workspace artifact's symbol kind: a document is a file (its kind and status are in the
/// container name, `ADR · Accepted`), an entry of a register (a risk, an NFR) a member of it,
/// and aiwg's framework pieces what they act as: an agent a class, a command or skill a function
/// to invoke, a rule or template an interface to follow.
pub(crate) fn symbol_kind(kind: ArtifactKind) -> lsp::SymbolKind {
    match kind {
        ArtifactKind::Adr
        | ArtifactKind::UseCase
        | ArtifactKind::TestCase
        | ArtifactKind::ResearchRef
        | ArtifactKind::ThreatModel
        | ArtifactKind::ProvenanceRecord
        | ArtifactKind::Other => lsp::SymbolKind::FILE,
        ArtifactKind::Nfr | ArtifactKind::Risk => lsp::SymbolKind::ENUM_MEMBER,
        ArtifactKind::Agent => lsp::SymbolKind::CLASS,
        ArtifactKind::Command | ArtifactKind::Skill => lsp::SymbolKind::FUNCTION,
        ArtifactKind::Rule | ArtifactKind::Template => lsp::SymbolKind::INTERFACE,
    }
}

#[allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.
pub(crate) fn workspace_symbol(symbol: &WorkspaceSymbol, location: lsp::Location) -> lsp::SymbolInformation {
    // A superseded or deprecated decision is struck through in symbol lists.
    let gone = symbol
        .detail
        .as_deref()
        .and_then(crate::model::adr::AdrStatus::parse)
        .is_some_and(crate::model::adr::AdrStatus::no_longer_stands);
    lsp::SymbolInformation {
        name: symbol.name.clone(),
        kind: symbol_kind(symbol.kind),
        tags: gone.then(|| vec![lsp::SymbolTag::DEPRECATED]),
        deprecated: None,
        location,
        container_name: Some(match &symbol.detail {
            Some(status) => format!("{} · {status}", symbol.kind.label()),
            None => symbol.kind.label().to_string(),
        }),
    }
}

/// A navigation target as an LSP location link; positions in the target come from its text.
pub(crate) fn location_link(
    targets: &mut TargetIndexes<'_>,
    folder: usize,
    origin: Option<lsp::Range>,
    target: &NavigationTarget,
) -> Option<lsp::LocationLink> {
    let world = targets.world();
    let uri = world.uri(folder, target.root, &target.path)?;
    let zero = lsp::Range::default();
    let (range, selection) = if target.is_dir {
        (zero, zero)
    } else {
        match &target.focus {
            Spot::File => (zero, zero),
            Spot::Line(line) => {
                let position = lsp::Position { line: *line, character: 0 };
                let r = lsp::Range { start: position, end: position };
                (r, r)
            }
            Spot::Range(focus) => {
                let index = targets.get(folder, target.root, &target.path)?;
                let selection = range(&index, *focus, world.encoding);
                let full = target.full.map_or(selection, |full| range(&index, full, world.encoding));
                (full, selection)
            }
        }
    };
    Some(lsp::LocationLink {
        origin_selection_range: origin,
        target_uri: uri,
        target_range: range,
        target_selection_range: selection,
    })
}

/// A location link as a plain location, for clients without `linkSupport`.
pub(crate) fn link_to_location(link: lsp::LocationLink) -> lsp::Location {
    lsp::Location { uri: link.target_uri, range: link.target_selection_range }
}

pub(crate) fn location(targets: &mut TargetIndexes<'_>, folder: usize, location: &Location) -> Option<lsp::Location> {
    let world = targets.world();
    let uri = world.uri(folder, location.root, &location.path)?;
    let index = targets.get(folder, location.root, &location.path)?;
    Some(lsp::Location { uri, range: range(&index, location.range, world.encoding) })
}

/// What the client can apply, from `workspace.workspaceEdit` capabilities.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EditSupport {
    /// `documentChanges` (versioned edits, and file operations when below).
    pub(crate) document_changes: bool,
    pub(crate) create: bool,
    pub(crate) rename: bool,
}

/// A change set as a `WorkspaceEdit`: `documentChanges` with the open documents' versions when
/// the client supports it, plain `changes` otherwise. `None` when it needs a file operation the
/// client cannot do (creating or renaming without `resourceOperations`).
pub(crate) fn workspace_edit(
    targets: &mut TargetIndexes<'_>,
    folder: usize,
    changes: &ChangeSet,
    support: EditSupport,
) -> Option<lsp::WorkspaceEdit> {
    let world = targets.world();
    let encoding = world.encoding;
    let mut operations: Vec<lsp::DocumentChangeOperation> = Vec::new();
    let mut plain: std::collections::HashMap<lsp::Uri, Vec<lsp::TextEdit>> = Default::default();
    for change in &changes.changes {
        match change {
            FileChange::Edit { file, edits } => {
                let uri = world.uri(folder, file.root, &file.path)?;
                let index = targets.get(folder, file.root, &file.path)?;
                let edits: Vec<lsp::TextEdit> = edits
                    .iter()
                    .map(|e| lsp::TextEdit { range: range(&index, e.range, encoding), new_text: e.new_text.clone() })
                    .collect();
                if support.document_changes {
                    let version = world.open.get(&uri).map(|o| o.version);
                    operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version },
                        edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                    }));
                } else {
                    plain.entry(uri).or_default().extend(edits);
                }
            }
            FileChange::Create { file, content } => {
                if !(support.document_changes && support.create) {
                    return None;
                }
                let uri = world.uri(folder, file.root, &file.path)?;
                let options = lsp::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) };
                operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                    uri: uri.clone(),
                    options: Some(options),
                    annotation_id: None,
                })));
                let start = lsp::Position::default();
                operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                        range: lsp::Range { start, end: start },
                        new_text: content.clone(),
                    })],
                }));
            }
            FileChange::Rename { from, to } => {
                if !(support.document_changes && support.rename) {
                    return None;
                }
                operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Rename(lsp::RenameFile {
                    old_uri: world.uri(folder, from.root, &from.path)?,
                    new_uri: world.uri(folder, to.root, &to.path)?,
                    options: Some(lsp::RenameFileOptions { overwrite: Some(false), ignore_if_exists: Some(false) }),
                    annotation_id: None,
                })));
            }
        }
    }
    Some(if support.document_changes {
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(operations)),
            ..Default::default()
        }
    } else {
        lsp::WorkspaceEdit { changes: Some(plain), ..Default::default() }
    })
}

/// A quick fix with its edit and the diagnostic it repairs.
pub(crate) fn code_action(
    targets: &mut TargetIndexes<'_>,
    folder: usize,
    index: &LineIndex,
    action: &CodeAction,
    support: EditSupport,
) -> Option<lsp::CodeAction> {
    let encoding = targets.world().encoding;
    let edit = workspace_edit(targets, folder, &action.changes, support)?;
    Some(lsp::CodeAction {
        title: action.title.clone(),
        kind: Some(match action.kind {
            ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
            ActionKind::Refactor => lsp::CodeActionKind::REFACTOR_REWRITE,
        }),
        diagnostics: action.diagnostic.as_ref().map(|d| vec![diagnostic(index, d, encoding)]),
        edit: Some(edit),
        is_preferred: action.preferred.then_some(true),
        ..Default::default()
    })
}
