//! Handlers of the features that show the corpus (semantic tokens, document and workspace
//! symbols, document links, inlay hints, code lens): protocol in, one `ide` query under the
//! state lock, protocol out. The server's methods call these synchronously.

use std::path::Path;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::corpus::FileId;
use crate::ide::semantic_tokens::{self as highlight, TokenType};
use crate::ide::symbols::{self, Symbol, SymbolKind as Kind};
use crate::ide::{inlay_hints as hints, lens, links};
use crate::lsp::caps::SHOW_REFERENCES;
use crate::lsp::convert;
use crate::lsp::semantic_tokens::{self as tokens, Cache};
use crate::lsp::state::State;
use crate::text::TextRange;

/// How many workspace symbols one query returns at most.
const WORKSPACE_SYMBOLS: usize = 128;

fn encoded(st: &State, file: FileId, window: Option<TextRange>) -> Vec<SemanticToken> {
    let highlights = highlight::semantic_tokens(&st.corpus, file, window);
    tokens::encode(st.corpus.full(file).line_index(), &highlights, st.session.encoding)
}

fn is_open(st: &State) -> impl Fn(&Path) -> bool + '_ {
    |p| st.docs.contains_key(p)
}

pub fn semantic_tokens_full(
    st: &State,
    cache: &Cache,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let Some((file, _)) = convert::file(st, &params.text_document.uri) else { return Ok(None) };
    let data = encoded(st, file, None);
    let (id, _) = cache.replace(&st.corpus.file(file).path, &data, None, is_open(st));
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: Some(id), data })))
}

pub fn semantic_tokens_full_delta(
    st: &State,
    cache: &Cache,
    params: SemanticTokensDeltaParams,
) -> Result<Option<SemanticTokensFullDeltaResult>> {
    let Some((file, _)) = convert::file(st, &params.text_document.uri) else { return Ok(None) };
    let data = encoded(st, file, None);
    let path = &st.corpus.file(file).path;
    let previous = Some(params.previous_result_id.as_str());
    let (id, old) = cache.replace(path, &data, previous, is_open(st));
    Ok(Some(match old {
        Some(old) => SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
            result_id: Some(id),
            edits: tokens::diff(&old, &data),
        }),
        // A result the client holds that we no longer know: all of it again.
        None => SemanticTokensFullDeltaResult::Tokens(SemanticTokens { result_id: Some(id), data }),
    }))
}

pub fn semantic_tokens_range(
    st: &State,
    params: SemanticTokensRangeParams,
) -> Result<Option<SemanticTokensRangeResult>> {
    let Some((file, doc)) = convert::file(st, &params.text_document.uri) else { return Ok(None) };
    let window = convert::text_range_in(st, file, doc, params.range);
    let data = encoded(st, file, Some(window));
    Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens { result_id: None, data })))
}

pub fn document_symbols(st: &State, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
    let uri = params.text_document.uri;
    let Some((file, doc)) = convert::file(st, &uri) else { return Ok(None) };
    let text = doc.map(|d| d.text.as_str());
    let found = symbols::document_symbols(&st.corpus, file, text);
    if st.session.view.hierarchical_symbols {
        let nested = found.iter().map(|s| nested_symbol(st, file, s)).collect();
        return Ok(Some(DocumentSymbolResponse::Nested(nested)));
    }
    let mut flat = Vec::new();
    flatten(st, file, &uri, &found, None, &mut flat);
    Ok(Some(DocumentSymbolResponse::Flat(flat)))
}

#[allow(deprecated)]
fn nested_symbol(st: &State, file: FileId, s: &Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: convert::range_of(st, file, s.range),
        selection_range: convert::range_of(st, file, s.focus_range),
        children: (!s.children.is_empty()).then(|| s.children.iter().map(|c| nested_symbol(st, file, c)).collect()),
    }
}

#[allow(deprecated)]
fn flatten(
    st: &State,
    file: FileId,
    uri: &Uri,
    found: &[Symbol],
    parent: Option<&str>,
    out: &mut Vec<SymbolInformation>,
) {
    for s in found {
        out.push(SymbolInformation {
            name: s.name.clone(),
            kind: symbol_kind(s.kind),
            tags: None,
            deprecated: None,
            location: Location { uri: uri.clone(), range: convert::range_of(st, file, s.range) },
            container_name: parent.map(str::to_string),
        });
        flatten(st, file, uri, &s.children, Some(&s.name), out);
    }
}

/// Icons follow colours: an entity's kind comes from its type's token, so persons, groups,
/// organisations, governments and places of the default schema get distinct icons too.
fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Header | Kind::Article => SymbolKind::FILE,
        Kind::Date => SymbolKind::NUMBER,
        Kind::Url => SymbolKind::KEY,
        Kind::Event => SymbolKind::EVENT,
        Kind::Role => SymbolKind::PROPERTY,
        Kind::Entity(None) => SymbolKind::OBJECT,
        Kind::Entity(Some(t)) => token_symbol_kind(t),
    }
}

fn token_symbol_kind(t: TokenType) -> SymbolKind {
    match t.name() {
        "namespace" => SymbolKind::NAMESPACE,
        "type" | "struct" => SymbolKind::STRUCT,
        "class" => SymbolKind::CLASS,
        "enum" => SymbolKind::ENUM,
        "interface" => SymbolKind::INTERFACE,
        "typeParameter" => SymbolKind::TYPE_PARAMETER,
        "parameter" | "variable" => SymbolKind::VARIABLE,
        "property" | "decorator" => SymbolKind::PROPERTY,
        "enumMember" => SymbolKind::ENUM_MEMBER,
        "event" => SymbolKind::EVENT,
        "function" => SymbolKind::FUNCTION,
        "method" => SymbolKind::METHOD,
        "macro" => SymbolKind::CONSTANT,
        "keyword" | "modifier" => SymbolKind::KEY,
        "number" => SymbolKind::NUMBER,
        "operator" => SymbolKind::OPERATOR,
        _ => SymbolKind::STRING,
    }
}

#[allow(deprecated)]
pub fn workspace_symbols(st: &State, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
    let found = symbols::workspace_symbols(&st.corpus, &params.query, WORKSPACE_SYMBOLS);
    let infos = found
        .into_iter()
        .filter_map(|s| {
            Some(SymbolInformation {
                name: s.name,
                kind: symbol_kind(s.kind),
                tags: None,
                deprecated: None,
                location: Location {
                    uri: convert::file_uri(st, s.file)?,
                    range: convert::range_of(st, s.file, s.range),
                },
                container_name: s.container,
            })
        })
        .collect();
    Ok(Some(WorkspaceSymbolResponse::Flat(infos)))
}

pub fn document_links(st: &State, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
    let Some((file, _)) = convert::file(st, &params.text_document.uri) else { return Ok(None) };
    let found = links::document_links(&st.corpus, file)
        .into_iter()
        .filter_map(|l| {
            Some(DocumentLink {
                range: convert::range_of(st, file, l.range),
                target: Some(convert::web_uri(&l.target)?),
                tooltip: Some(l.tooltip),
                data: None,
            })
        })
        .collect();
    Ok(Some(found))
}

pub fn inlay_hints(st: &State, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    if !st.settings.inlay_hints {
        return Ok(None);
    }
    // Surfaces are compared with names: that needs the text, which only open documents have.
    let Some((file, Some(doc))) = convert::file(st, &params.text_document.uri) else { return Ok(None) };
    let window = convert::text_range_in(st, file, Some(doc), params.range);
    let text = doc.text.as_str();
    let data = st.corpus.full(file);
    let index = data.line_index();
    let found = hints::inlay_hints(&st.corpus, file, text, window)
        .into_iter()
        .map(|h| InlayHint {
            position: convert::position(index, h.offset, st.session.encoding),
            // Plain strings: registry text is shown, never interpreted.
            label: InlayHintLabel::String(h.label),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(h.tooltip)),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect();
    Ok(Some(found))
}

/// Lenses on registry rows, listed without counting: the counts are made on resolve, for the
/// rows the editor shows.
pub fn code_lens(st: &State, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some((file, _)) = convert::file(st, &uri) else { return Ok(None) };
    let lenses = lens::registry_lenses(&st.corpus, file)
        .into_iter()
        .map(|l| CodeLens {
            range: convert::range_of(st, file, l.range),
            command: None,
            data: Some(json!({ "uri": uri.as_str(), "id": l.id })),
        })
        .collect();
    Ok(Some(lenses))
}

/// "N mentions · M articles". With a client that runs `editor.action.showReferences`, a click
/// lists them; otherwise the command has no id, which clients show as a plain label.
pub fn code_lens_resolve(st: &State, mut lens: CodeLens) -> Result<CodeLens> {
    let data = lens.data.as_ref();
    let id = data.and_then(|d| d.get("id")).and_then(Value::as_str).unwrap_or_default();
    let uri = data.and_then(|d| d.get("uri")).and_then(Value::as_str).and_then(|u| u.parse::<Uri>().ok());
    let title = lens::usage(&st.corpus, id).title();
    let mut command = Command { title, command: String::new(), arguments: None };
    if st.session.view.show_references
        && let Some(uri) = uri
        && let Some((file, _)) = convert::file(st, &uri)
        && let Some(entry) = st.corpus.file(file).registry().and_then(|r| r.entries.iter().find(|e| e.id.text == id))
    {
        let at = entry.id.range.start;
        let locations: Vec<Location> = lens::lens_references(&st.corpus, file, at)
            .iter()
            .filter_map(|r| {
                let uri = convert::file_uri(st, r.file)?;
                Some(Location { uri, range: convert::placed_range(st, r.file, r.range, r.place) })
            })
            .collect();
        let position = convert::position_of(st, file, at);
        command.command = SHOW_REFERENCES.to_string();
        command.arguments = Some(vec![json!(uri), json!(position), json!(locations)]);
    }
    lens.command = Some(command);
    Ok(lens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::state::Document;
    use crate::syntax::header::Date;

    #[test]
    fn inlay_hints_follow_the_setting() {
        let mut st = State::new(Date { year: 2024, month: 6, day: Some(15) });
        let registry = "id\ttype\tname\nkz.t\tperson\tKassym-Jomart Tokaïev\n";
        st.corpus.set_text(Path::new("/ws/entities.tsv"), registry.as_bytes());
        let text = " date 2022-01\n\n[président]{person:kz.t}\n";
        let uri: Uri = "file:///ws/a.txt".parse().unwrap();
        st.open("/ws/a.txt".into(), Document::new(uri.clone(), 1, text.to_string(), false));
        let params = || InlayHintParams {
            work_done_progress_params: Default::default(),
            text_document: TextDocumentIdentifier { uri: uri.clone() },
            range: Range { start: Position::new(0, 0), end: Position::new(3, 0) },
        };
        let hints = inlay_hints(&st, params()).unwrap().unwrap();
        assert_eq!(hints.len(), 1);
        assert_eq!(hints[0].position, Position::new(2, 10));
        assert!(matches!(&hints[0].label, InlayHintLabel::String(s) if s == "Kassym-Jomart Tokaïev"));
        st.settings.inlay_hints = false;
        assert!(inlay_hints(&st, params()).unwrap().is_none());
    }
}
