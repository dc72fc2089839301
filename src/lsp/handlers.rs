//! One function per request: convert the client's parameters, call one core function on the
//! published [`World`], convert the answer. They run on blocking threads (see
//! [`super::server`]), never touch the host, and read files only to convert positions in
//! targets.

use tower_lsp_server::ls_types as lsp;

use crate::analysis::adr_actions::{self, NewAdrDefaults};
use crate::analysis::code_actions::ActionKind;
use crate::analysis::{Cancel, Cancelled, code_actions, completion, definition, hover, links, references, symbols};
use crate::lsp::capabilities::ClientSupport;
use crate::lsp::world::{DocView, TargetIndexes, World};
use crate::lsp::{from_proto, publish, to_proto};

/// What a handler may need beside the world and its parameters.
pub(crate) struct RequestContext {
    pub(crate) support: ClientSupport,
    /// Set when the client cancels the request.
    pub(crate) cancel: Cancel,
}

/// The document and byte offset of a position.
fn locate(world: &World, params: &lsp::TextDocumentPositionParams) -> Option<(DocView, usize)> {
    let view = world.doc(&params.text_document.uri)?;
    let offset = from_proto::offset(&view.line_index, params.position, world.encoding);
    Some((view, offset))
}

pub fn hover(world: &World, _: &RequestContext, params: lsp::HoverParams) -> Option<lsp::Hover> {
    let (view, offset) = locate(world, &params.text_document_position_params)?;
    let found = hover::hover(&world.folders[view.folder].snapshot, view.id, offset)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(to_proto::markdown(found.markdown)),
        range: Some(to_proto::range(&view.line_index, found.range, world.encoding)),
    })
}

/// Every target, as location links when the client takes them (`linkSupport`), else as plain
/// locations.
pub fn definition(
    world: &World,
    context: &RequestContext,
    params: lsp::GotoDefinitionParams,
) -> Option<lsp::GotoDefinitionResponse> {
    let (view, offset) = locate(world, &params.text_document_position_params)?;
    let found = definition::definition(&world.folders[view.folder].snapshot, view.id, offset)?;
    let origin = to_proto::range(&view.line_index, found.origin, world.encoding);
    let mut targets = TargetIndexes::new(world);
    let links: Vec<lsp::LocationLink> = found
        .targets
        .iter()
        .filter_map(|t| to_proto::location_link(&mut targets, view.folder, Some(origin), t))
        .collect();
    if links.is_empty() {
        return None;
    }
    Some(if context.support.definition_links {
        lsp::GotoDefinitionResponse::Link(links)
    } else {
        lsp::GotoDefinitionResponse::Array(links.into_iter().map(to_proto::link_to_location).collect())
    })
}

pub fn references(world: &World, _: &RequestContext, params: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let (view, offset) = locate(world, &params.text_document_position)?;
    let include = params.context.include_declaration;
    let found = references::references(&world.folders[view.folder].snapshot, view.id, offset, include);
    let mut targets = TargetIndexes::new(world);
    Some(found.iter().filter_map(|l| to_proto::location(&mut targets, view.folder, l)).collect())
}

pub fn completion(
    world: &World,
    context: &RequestContext,
    params: lsp::CompletionParams,
) -> Option<lsp::CompletionResponse> {
    let (view, offset) = locate(world, &params.text_document_position)?;
    let snapshot = &world.folders[view.folder].snapshot;
    let today = crate::loader::today_utc();
    let items = completion::completion_on(snapshot, view.id, &view.text, offset, Some(&today));
    let items: Vec<lsp::CompletionItem> = items
        .into_iter()
        .map(|item| to_proto::completion_item(&view.line_index, item, world.encoding, context.support.snippets))
        .collect();
    Some(lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: true, items }))
}

pub fn inlay_hints(world: &World, _: &RequestContext, params: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    if !world.settings.inlay_hints.value {
        return Some(Vec::new());
    }
    let view = world.doc(&params.text_document.uri)?;
    let range = from_proto::text_range(&view.line_index, params.range, world.encoding);
    let hints = crate::analysis::inlay::adr_hints(&world.folders[view.folder].snapshot, view.id, range);
    Some(
        hints
            .into_iter()
            .map(|hint| lsp::InlayHint {
                position: to_proto::position(&view.line_index, hint.offset, world.encoding),
                label: lsp::InlayHintLabel::String(hint.label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}

pub fn semantic_tokens_full(
    world: &World,
    _: &RequestContext,
    params: lsp::SemanticTokensParams,
) -> Option<lsp::SemanticTokensResult> {
    let view = world.doc(&params.text_document.uri)?;
    let data = semantic_tokens(world, &view, crate::text::TextRange::new(0, view.text.len()));
    Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens { result_id: None, data }))
}

pub fn semantic_tokens_range(
    world: &World,
    _: &RequestContext,
    params: lsp::SemanticTokensRangeParams,
) -> Option<lsp::SemanticTokensRangeResult> {
    let view = world.doc(&params.text_document.uri)?;
    let range = from_proto::text_range(&view.line_index, params.range, world.encoding);
    let data = semantic_tokens(world, &view, range);
    Some(lsp::SemanticTokensRangeResult::Tokens(lsp::SemanticTokens { result_id: None, data }))
}

fn semantic_tokens(world: &World, view: &DocView, range: crate::text::TextRange) -> Vec<lsp::SemanticToken> {
    let snapshot = &world.folders[view.folder].snapshot;
    let tokens = crate::analysis::highlight::semantic_tokens(snapshot, view.id, &view.text, range);
    to_proto::semantic_tokens(&view.line_index, &tokens, world.encoding)
}

/// An ADR's lifecycle and reference count above its title. The command is the client's to run
/// (`aiwg.showReferences` with the document and the title's position: the VS Code extension
/// opens the references list there, and the Neovim setup asks for `textDocument/references`);
/// the server does not advertise it, so no client forwards it back.
pub fn code_lenses(world: &World, _: &RequestContext, params: lsp::CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let view = world.doc(&params.text_document.uri)?;
    let lenses = crate::analysis::lenses::code_lenses(&world.folders[view.folder].snapshot, view.id);
    Some(
        lenses
            .into_iter()
            .map(|lens| {
                let at = to_proto::position(&view.line_index, lens.references_at, world.encoding);
                lsp::CodeLens {
                    range: to_proto::range(&view.line_index, lens.range, world.encoding),
                    command: Some(lsp::Command {
                        title: lens.title,
                        command: SHOW_REFERENCES.to_string(),
                        arguments: Some(vec![
                            serde_json::json!(params.text_document.uri.as_str()),
                            serde_json::json!(at),
                        ]),
                    }),
                    data: None,
                }
            })
            .collect(),
    )
}

/// The client-side command a code lens runs to list a document's references.
pub(crate) const SHOW_REFERENCES: &str = "aiwg.showReferences";

pub fn folding_ranges(
    world: &World,
    _: &RequestContext,
    params: lsp::FoldingRangeParams,
) -> Option<Vec<lsp::FoldingRange>> {
    use crate::analysis::folding::{FoldKind, folding_ranges};
    let view = world.doc(&params.text_document.uri)?;
    let facts = &world.folders[view.folder].snapshot.doc(view.id).facts;
    let folds = folding_ranges(facts, &view.text);
    Some(
        folds
            .into_iter()
            .map(|(range, kind)| {
                // Folds are whole lines, so no column is worked out (on a long line of a large
                // document that is most of the answer's cost).
                lsp::FoldingRange {
                    start_line: view.line_index.line_of(range.start),
                    start_character: None,
                    end_line: view.line_index.line_of(range.end),
                    end_character: None,
                    // Every fold is a region; `imports` would make some editors fold metadata on open.
                    kind: match kind {
                        FoldKind::Metadata
                        | FoldKind::Section
                        | FoldKind::Details
                        | FoldKind::Code
                        | FoldKind::Table
                        | FoldKind::List => Some(lsp::FoldingRangeKind::Region),
                    },
                    collapsed_text: None,
                }
            })
            .filter(|fold| fold.end_line > fold.start_line)
            .collect(),
    )
}

pub fn document_links(
    world: &World,
    _: &RequestContext,
    params: lsp::DocumentLinkParams,
) -> Option<Vec<lsp::DocumentLink>> {
    let view = world.doc(&params.text_document.uri)?;
    let found = links::document_links(&world.folders[view.folder].snapshot, view.id);
    let mut targets = TargetIndexes::new(world);
    let links = found
        .into_iter()
        .filter_map(|link| {
            let target = to_proto::location_link(&mut targets, view.folder, None, &link.target)?;
            let mut uri = target.target_uri.as_str().to_string();
            // `file:///x.md#L12` is how VS Code and Neovim open a link at a line.
            if target.target_selection_range != lsp::Range::default() {
                uri.push_str(&format!("#L{}", target.target_selection_range.start.line + 1));
            }
            Some(lsp::DocumentLink {
                range: to_proto::range(&view.line_index, link.range, world.encoding),
                target: uri.parse().ok().or(Some(target.target_uri)),
                tooltip: Some(link.tooltip),
                data: None,
            })
        })
        .collect();
    Some(links)
}

pub fn document_symbols(
    world: &World,
    _: &RequestContext,
    params: lsp::DocumentSymbolParams,
) -> Option<lsp::DocumentSymbolResponse> {
    let view = world.doc(&params.text_document.uri)?;
    let found = symbols::document_symbols(&world.folders[view.folder].snapshot, view.id);
    let symbols = found.into_iter().map(|s| to_proto::document_symbol(&view.line_index, s, world.encoding)).collect();
    Some(lsp::DocumentSymbolResponse::Nested(symbols))
}

pub fn workspace_symbols(
    world: &World,
    context: &RequestContext,
    params: lsp::WorkspaceSymbolParams,
) -> Result<Option<lsp::WorkspaceSymbolResponse>, Cancelled> {
    let mut out = Vec::new();
    let mut targets = TargetIndexes::new(world);
    for (index, folder) in world.folders.iter().enumerate() {
        for symbol in symbols::workspace_symbols(&folder.snapshot, &params.query, &context.cancel)? {
            let Some(uri) = world.uri(index, symbol.root, &symbol.path) else { continue };
            // Positions come from the span worked out when the document was read; the file is
            // read only for a range without one.
            let range = match (symbol.span, symbol.range) {
                (Some(span), _) => {
                    let (start, end) = span.positions(world.encoding);
                    lsp::Range {
                        start: lsp::Position { line: start.line, character: start.col },
                        end: lsp::Position { line: end.line, character: end.col },
                    }
                }
                (None, Some(range)) => targets
                    .get(index, symbol.root, &symbol.path)
                    .map(|i| to_proto::range(&i, range, world.encoding))
                    .unwrap_or_default(),
                (None, None) => lsp::Range::default(),
            };
            out.push(to_proto::workspace_symbol(&symbol, lsp::Location { uri, range }));
        }
    }
    Ok(Some(lsp::WorkspaceSymbolResponse::Flat(out)))
}

/// Quick fixes from the fixes the document's diagnostics carry, and the ADR lifecycle actions
/// at the range (`analysis::adr_actions`), of the kinds the editor asks for.
pub(crate) fn code_actions(
    world: &World,
    context: &RequestContext,
    params: lsp::CodeActionParams,
) -> Option<lsp::CodeActionResponse> {
    let wants = |kind: lsp::CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| only.iter().any(|k| kind.as_str().starts_with(k.as_str())))
    };
    let (view, diagnostics) = publish::core_diagnostics(world, &params.text_document.uri, true)?;
    let range = from_proto::text_range(&view.line_index, params.range, world.encoding);
    let mut actions = Vec::new();
    if wants(lsp::CodeActionKind::QUICKFIX) || wants(lsp::CodeActionKind::REFACTOR_REWRITE) {
        let today = crate::loader::today_utc();
        let defaults = NewAdrDefaults { template: world.settings.adr_template.value, today: &today };
        let snapshot = &world.folders[view.folder].snapshot;
        actions = code_actions::code_actions(&diagnostics, range);
        actions.extend(adr_actions::adr_actions(snapshot, view.id, &view.text, range, &defaults));
    }
    let mut targets = TargetIndexes::new(world);
    let mut actions: Vec<lsp::CodeActionOrCommand> = actions
        .iter()
        .filter(|action| match action.kind {
            ActionKind::QuickFix => wants(lsp::CodeActionKind::QUICKFIX),
            ActionKind::Refactor => wants(lsp::CodeActionKind::REFACTOR_REWRITE),
        })
        .filter_map(|action| {
            to_proto::code_action(&mut targets, view.folder, &view.line_index, action, context.support.edits)
        })
        .map(lsp::CodeActionOrCommand::CodeAction)
        .collect();
    if wants(lsp::CodeActionKind::new("refactor.rewrite.draft")) {
        actions.extend(crate::lsp::draft::draft_actions(world, &view, &params.text_document.uri, params.range));
    }
    Some(actions)
}

/// Every preferred fix of a document as one edit (the `aiwg.fixAll` command); `None` for a
/// document that is not indexed, an empty edit when there is nothing to fix.
pub(crate) fn fix_all(world: &World, support: &ClientSupport, uri: &lsp::Uri) -> Option<(usize, lsp::WorkspaceEdit)> {
    let (view, diagnostics) = publish::core_diagnostics(world, uri, true)?;
    let (changes, count) = code_actions::fix_all(&diagnostics);
    let mut targets = TargetIndexes::new(world);
    Some((count, to_proto::workspace_edit(&mut targets, view.folder, &changes, support.edits)?))
}

/// `aiwg.newAdr`: the next ADR of the folder holding `near` (else the first folder), as a
/// workspace edit that creates it, with its path and URI.
pub(crate) fn new_adr(
    world: &World,
    support: &ClientSupport,
    near: Option<&lsp::Uri>,
    title: &str,
    template: Option<crate::model::adr::AdrTemplate>,
    today: &str,
) -> Option<(String, lsp::Uri, lsp::WorkspaceEdit)> {
    let folder = near
        .and_then(|uri| world.place_of_uri(uri))
        .map(|place| place.folder)
        .or_else(|| world.folders.iter().position(|f| !f.loose))?;
    let snapshot = &world.folders[folder].snapshot;
    // An explicit template, else the user's setting, else the workspace's own (in the core).
    let template = template.or(world.settings.adr_template.value);
    let (path, text) = crate::analysis::adrs::new_adr(snapshot, title, template, today);
    let changes = crate::analysis::ChangeSet::create(crate::analysis::FilePath::workspace(path.clone()), text);
    let mut targets = TargetIndexes::new(world);
    let edit = to_proto::workspace_edit(&mut targets, folder, &changes, support.edits)?;
    let uri = world.uri(folder, crate::resolve::RootKind::Workspace, &path)?;
    Some((path, uri, edit))
}

/// Every document's problems for a client that pulls them: a full report for each document
/// with problems whose result differs from the one the client holds (`previous`), an empty one
/// for each document the client holds problems for that has none now, and "unchanged" for the
/// rest the client holds. `None` when the client already holds exactly this.
/// At most how many documents' reports, and about how many diagnostics, a partial result of
/// `workspace/diagnostic` carries: each part is held whole until it is written.
const PARTIAL_RESULT_DOCUMENTS: usize = 256;
const PARTIAL_RESULT_DIAGNOSTICS: usize = 500;

/// The project-wide problems, as a `workspace/diagnostic` report, or `None` when nothing
/// changed since `previous` (the caller then waits for a change). With `partial`, reports are
/// handed over in parts ([`PARTIAL_RESULT_DOCUMENTS`], [`PARTIAL_RESULT_DIAGNOSTICS`]) as they
/// are made, each part holding a changed one, so that the whole workspace's diagnostics are
/// never held at once; what is left (unchanged reports, mostly) comes back in the report.
pub(crate) fn workspace_diagnostics(
    world: &World,
    context: &RequestContext,
    previous: &std::collections::HashMap<lsp::Uri, String>,
    mut partial: Option<&mut dyn FnMut(Vec<lsp::WorkspaceDocumentDiagnosticReport>)>,
) -> Result<Option<lsp::WorkspaceDiagnosticReport>, Cancelled> {
    let mut changed = previous.is_empty();
    let mut reported: std::collections::HashSet<lsp::Uri> = std::collections::HashSet::new();
    let mut held: Vec<lsp::WorkspaceDocumentDiagnosticReport> = Vec::new();
    let mut held_changed = false;
    let mut held_diagnostics = 0;
    let mut take = |report: publish::DocumentReport, reported: &mut std::collections::HashSet<lsp::Uri>| {
        reported.insert(report.uri.clone());
        held_diagnostics += report.items.len();
        let (item, is_new) = workspace_item(report, previous);
        changed |= is_new;
        held_changed |= is_new;
        held.push(item);
        if let Some(send) = partial.as_deref_mut()
            && held_changed
            && (held.len() >= PARTIAL_RESULT_DOCUMENTS || held_diagnostics >= PARTIAL_RESULT_DIAGNOSTICS)
        {
            send(std::mem::take(&mut held));
            held_changed = false;
            held_diagnostics = 0;
        }
    };
    publish::each_workspace_report(world, &context.cancel, &|uri| previous.contains_key(uri), &mut |report| {
        take(report, &mut reported)
    })?;
    // Documents gone from the workspace (deleted, excluded): their problems go too, once.
    let none = publish::fingerprint(&[]);
    let none_id = format!("{none:016x}");
    let gone: Vec<lsp::Uri> = previous
        .iter()
        .filter(|(uri, id)| !reported.contains(*uri) && **id != none_id)
        .map(|(uri, _)| uri.clone())
        .collect();
    for uri in gone {
        take(publish::DocumentReport { uri, version: None, items: Vec::new(), fingerprint: none }, &mut reported);
    }
    if let Some(send) = partial
        && held_changed
    {
        send(std::mem::take(&mut held));
    }
    Ok(changed.then_some(lsp::WorkspaceDiagnosticReport { items: held }))
}

/// A document's report as `workspace/diagnostic` gives it: unchanged when the client's
/// previous result ID is this one, else in full (and then `true`).
fn workspace_item(
    report: publish::DocumentReport,
    previous: &std::collections::HashMap<lsp::Uri, String>,
) -> (lsp::WorkspaceDocumentDiagnosticReport, bool) {
    let result_id = format!("{:016x}", report.fingerprint);
    let version = report.version.map(i64::from);
    if previous.get(&report.uri) == Some(&result_id) {
        let unchanged = lsp::WorkspaceUnchangedDocumentDiagnosticReport {
            uri: report.uri,
            version,
            unchanged_document_diagnostic_report: lsp::UnchangedDocumentDiagnosticReport { result_id },
        };
        return (lsp::WorkspaceDocumentDiagnosticReport::Unchanged(unchanged), false);
    }
    let full = lsp::WorkspaceFullDocumentDiagnosticReport {
        uri: report.uri,
        version,
        full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
            result_id: Some(result_id),
            items: report.items,
        },
    };
    (lsp::WorkspaceDocumentDiagnosticReport::Full(full), true)
}

pub(crate) fn pull_diagnostics(
    world: &World,
    _: &RequestContext,
    params: lsp::DocumentDiagnosticParams,
) -> lsp::DocumentDiagnosticReportResult {
    let items = publish::document_diagnostics(world, &params.text_document.uri).unwrap_or_default();
    lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
        lsp::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: None, items },
        },
    ))
}
