//! Completion in the protocol: the core's ranked items with text edits in the negotiated
//! encoding, and `sortText` so that the client keeps our order. A client with
//! `insertReplaceSupport` gets both ranges (`InsertReplaceEdit`) and applies the one its user
//! chose; any other gets the replace range, which passes the cursor only over the rest of the
//! token being typed.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, InsertReplaceEdit, InsertTextFormat, MarkupContent, MarkupKind, TextEdit,
};

use crate::ide::{self, CompletionKind};
use crate::lsp::convert;
use crate::lsp::state::State;

pub fn completion(st: &State, params: &CompletionParams) -> Result<Option<CompletionResponse>> {
    let p = &params.text_document_position;
    // Completion reads the text around the cursor: only open documents have one.
    let Some((file, Some(doc))) = convert::file(st, &p.text_document.uri) else { return Ok(None) };
    let enc = st.session.encoding;
    let insert_replace = st.session.insert_replace;
    let offset = convert::offset(&doc.line_index, Some(&doc.text), p.position, enc);
    let Some(found) = ide::completions(&st.corpus, file, &doc.text, offset, st.session.snippets) else {
        return Ok(None);
    };
    // Enough digits that the order survives a string sort.
    let width = found.items.len().to_string().len();
    let items = found
        .items
        .into_iter()
        .enumerate()
        .map(|(i, c)| CompletionItem {
            kind: Some(kind(c.kind)),
            detail: c.detail,
            documentation: c
                .documentation
                .map(|value| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::PlainText, value })),
            preselect: c.preselect.then_some(true),
            sort_text: Some(format!("{i:0width$}")),
            filter_text: c.filter,
            insert_text_format: Some(if c.snippet { InsertTextFormat::SNIPPET } else { InsertTextFormat::PLAIN_TEXT }),
            text_edit: Some(match insert_replace {
                true => CompletionTextEdit::InsertAndReplace(InsertReplaceEdit {
                    new_text: c.insert,
                    insert: convert::range(&doc.line_index, c.insert_range, enc),
                    replace: convert::range(&doc.line_index, c.range, enc),
                }),
                false => CompletionTextEdit::Edit(TextEdit {
                    range: convert::range(&doc.line_index, c.range, enc),
                    new_text: c.insert,
                }),
            }),
            label: c.label,
            ..Default::default()
        })
        .collect();
    Ok(Some(CompletionResponse::List(CompletionList { is_incomplete: found.incomplete, items })))
}

fn kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::EntityType => CompletionItemKind::CLASS,
        CompletionKind::EventType => CompletionItemKind::EVENT,
        CompletionKind::Mode => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Id => CompletionItemKind::REFERENCE,
        CompletionKind::Role => CompletionItemKind::FIELD,
        CompletionKind::Date => CompletionItemKind::CONSTANT,
        CompletionKind::Header => CompletionItemKind::SNIPPET,
    }
}
