//! Edits in the protocol: core changes as workspace edits, and the rename and code action
//! answers built on them. Each function runs under the state lock, synchronously.

use std::collections::HashMap;
use std::path::Path;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse, RenameParams,
    TextDocumentEdit, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

use crate::corpus::FileId;
use crate::diagnostic::Diagnostic;
use crate::ide::{self, ActionKind, RenameError, SourceChange};
use crate::learn::{self, Suggestion};
use crate::lsp::diagnostics::to_lsp;
use crate::lsp::state::State;
use crate::lsp::{convert, learning};
use crate::text::{LineIndex, TextRange};

/// LSP's `RequestFailed`: the request was valid but cannot be done; the message says why.
const REQUEST_FAILED: i64 = -32803;

/// A core change as a workspace edit. Files are ordered by path; each range is converted with
/// its file's line index (the open document's, which the corpus keeps current). With
/// `documentChanges`, open documents are pinned to their version, so a client applying the
/// edit to newer text refuses instead of corrupting it; closed files get a null version.
pub fn workspace_edit(st: &State, change: &SourceChange) -> Option<WorkspaceEdit> {
    let mut files: Vec<_> = change.files.iter().map(|f| (&st.corpus.file(f.file).path, f)).collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let converted = files.into_iter().map(|(path, f)| {
        // A lean file's edits carry their places (rename).
        let edits: Vec<TextEdit> = f
            .edits
            .iter()
            .map(|e| TextEdit {
                range: convert::placed_range(st, f.file, e.range, e.place),
                new_text: e.insert.clone(),
            })
            .collect();
        Some((path, convert::uri(st, path)?, edits))
    });
    if st.session.document_changes {
        let edits = converted
            .map(|c| {
                let (path, uri, edits) = c?;
                Some(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version: st.version(path) },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(edits)), ..Default::default() })
    } else {
        let changes = converted.map(|c| c.map(|(_, uri, edits)| (uri, edits))).collect::<Option<HashMap<_, _>>>()?;
        Some(WorkspaceEdit { changes: Some(changes), ..Default::default() })
    }
}

fn rename_error(err: RenameError) -> Error {
    let code = match err {
        // LSP: "If the given name is not valid the request must return a ResponseError".
        RenameError::Invalid(_) => ErrorCode::InvalidParams,
        RenameError::NotAnId(_) | RenameError::Taken(_) => ErrorCode::ServerError(REQUEST_FAILED),
    };
    Error { code, message: err.message().to_string().into(), data: None }
}

/// A rename before the workspace is indexed would miss every closed file.
fn not_indexed() -> Error {
    Error {
        code: ErrorCode::ServerError(REQUEST_FAILED),
        message: "seedls is still indexing the workspace: try the rename again in a moment".into(),
        data: None,
    }
}

/// The id under the cursor with its range and current text as the placeholder; null on plain
/// text, an error saying why on a near miss (a type, a mention without an id).
pub fn prepare_rename(st: &State, params: &TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
    let Some((file, offset)) = convert::locate(st, &params.text_document.uri, params.position) else { return Ok(None) };
    let Some(target) = ide::prepare_rename(&st.corpus, file, offset).map_err(rename_error)? else {
        return Ok(None);
    };
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::range_of(st, file, target.range),
        placeholder: st.corpus.resolve(target.id).to_string(),
    }))
}

pub fn rename(st: &State, params: &RenameParams) -> Result<Option<WorkspaceEdit>> {
    let p = &params.text_document_position;
    let Some((file, offset)) = convert::locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
    if !st.loaded {
        return Err(not_indexed());
    }
    let change = ide::rename(&st.corpus, file, offset, &params.new_name).map_err(rename_error)?;
    Ok(workspace_edit(st, &change))
}

pub fn action_kind(kind: ActionKind) -> CodeActionKind {
    match kind {
        ActionKind::QuickFix => CodeActionKind::QUICKFIX,
        ActionKind::Refactor => CodeActionKind::REFACTOR,
        ActionKind::RefactorRewrite => CodeActionKind::REFACTOR_REWRITE,
    }
}

/// Whether a `context.only` filter admits `kind`. Kinds are hierarchical by dots: `refactor`
/// admits `refactor.rewrite`, the empty kind admits everything, `quickfix.other` not `quickfix`.
pub fn admits(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let (k, kind) = (k.as_str(), kind.as_str());
            k.is_empty() || kind == k || kind.strip_prefix(k).is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

pub fn code_actions(st: &State, params: &CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let Some((file, doc)) = convert::file(st, &params.text_document.uri) else { return Ok(None) };
    let text = doc.map(|d| d.text.as_str());
    let range = convert::text_range_in(st, file, doc, params.range);
    let only = params.context.only.as_deref();
    let wanted = |kind: ActionKind| admits(only, &action_kind(kind));
    let mut learned = match doc {
        Some(doc) if wanted(ActionKind::QuickFix) => {
            learned_actions(st, file, &st.corpus.file(file).path, &doc.text, range)
        }
        _ => Vec::new(),
    };
    let actions: Vec<CodeActionOrCommand> = ide::code_actions(&st.corpus, &st.caches, file, text, range, &wanted)
        .into_iter()
        .filter_map(|a| {
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                edit: Some(workspace_edit(st, &a.change)?),
                kind: Some(action_kind(a.kind)),
                diagnostics: a.diagnostic.map(|d| vec![to_lsp(st, file, &d)]),
                is_preferred: a.preferred.then_some(true),
                title: a.title,
                ..Default::default()
            }))
        })
        .collect();
    // The learned suggestions' actions first: their accept is the preferred fix.
    learned.extend(actions);
    let actions = learned;
    Ok((!actions.is_empty()).then_some(actions))
}

/// The code actions on the suggestions `range` meets: accept (preferred), accept every
/// suggestion of the file in one edit, reject here, reject the label for the surface everywhere.
fn learned_actions(st: &State, file: FileId, path: &Path, text: &str, range: TextRange) -> Vec<CodeActionOrCommand> {
    let all = learning::suggestions(st, path, text);
    let here: Vec<&Suggestion> =
        all.iter().filter(|s| s.range.intersects(range) || s.range.touches(range.start)).collect();
    if here.is_empty() {
        return Vec::new();
    }
    let action = |title: String, edit: Option<WorkspaceEdit>, preferred: bool, diagnostic: Option<&Diagnostic>| {
        Some(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: diagnostic.map(|d| vec![to_lsp(st, file, d)]),
            edit: Some(edit?),
            is_preferred: preferred.then_some(true),
            ..Default::default()
        }))
    };
    let mut out = Vec::new();
    for s in &here {
        let d = learn::diagnostic(text, s);
        let accept = SourceChange::from_fix(&st.corpus, file, &d.fixes[0]);
        out.extend(action(d.fixes[0].title.clone(), accept.and_then(|c| workspace_edit(st, &c)), true, Some(&d)));
    }
    if all.len() > 1 {
        let edits = all.iter().flat_map(|s| learn::tag_edits(s.range, &s.label)).map(|(r, t)| ide::TextEdit::new(r, t));
        let change = SourceChange::single(file, edits.collect());
        let title = format!("Accept every suggestion in this file ({})", all.len());
        out.extend(action(title, workspace_edit(st, &change), false, None));
    }
    let Some((root, from_root, _)) = learning::place(st, path) else { return out };
    let line_index = LineIndex::new(text);
    for s in &here {
        let surface = &text[s.range];
        let line = line_index.line_of(s.range.start) + 1;
        let d = learn::diagnostic(text, s);
        let here_row = learn::rejected::row(surface, &s.label, Some((&from_root, line)));
        let title = format!("Reject {} here", s.label);
        out.extend(action(title, rejection_edit(st, &root, &here_row), false, Some(&d)));
        let everywhere = learn::rejected::row(surface, &s.label, None);
        let title = format!("Reject {} for «{surface}» everywhere", s.label);
        out.extend(action(title, rejection_edit(st, &root, &everywhere), false, Some(&d)));
    }
    out
}

/// The edit that appends `row` to the root's rejections file: the open document's text, the
/// file on disk, or a new file (created with its header row) when there is none.
fn rejection_edit(st: &State, root: &Path, row: &str) -> Option<WorkspaceEdit> {
    let path = root.join(learn::rejected::PATH);
    let uri = convert::uri(st, &path)?;
    let existing = match st.docs.get(&path) {
        Some(doc) => Some(doc.text.clone()),
        None => std::fs::read_to_string(&path).ok(),
    };
    let end = existing.as_deref().map_or(0, |t| t.len() as u32);
    let index = LineIndex::new(existing.as_deref().unwrap_or(""));
    let edit = lsp::TextEdit {
        range: convert::range(&index, TextRange::empty(end), st.session.encoding),
        new_text: learn::rejected::append(existing.as_deref(), row),
    };
    if !st.session.document_changes {
        // Without document changes a file cannot be created.
        existing.as_ref()?;
        return Some(WorkspaceEdit { changes: Some([(uri, vec![edit])].into_iter().collect()), ..Default::default() });
    }
    let mut ops = Vec::new();
    if existing.is_none() {
        let options = lsp::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) };
        let create = lsp::CreateFile { uri: uri.clone(), options: Some(options), annotation_id: None };
        ops.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(create)));
    }
    let text_document = lsp::OptionalVersionedTextDocumentIdentifier { uri, version: st.version(&path) };
    ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
        text_document,
        edits: vec![OneOf::Left(edit)],
    }));
    Some(WorkspaceEdit { document_changes: Some(lsp::DocumentChanges::Operations(ops)), ..Default::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_filters_are_hierarchical() {
        let k = CodeActionKind::new;
        let quickfix = CodeActionKind::QUICKFIX;
        let rewrite = CodeActionKind::REFACTOR_REWRITE;
        assert!(admits(None, &quickfix));
        assert!(admits(Some(&[k("quickfix")]), &quickfix));
        assert!(admits(Some(&[CodeActionKind::EMPTY]), &rewrite));
        assert!(admits(Some(&[k("refactor")]), &rewrite));
        assert!(admits(Some(&[k("refactor")]), &CodeActionKind::REFACTOR));
        assert!(!admits(Some(&[k("refactor")]), &quickfix));
        assert!(!admits(Some(&[k("quickfix.other")]), &quickfix));
        assert!(!admits(Some(&[k("refactor.rewrite")]), &CodeActionKind::REFACTOR));
        assert!(!admits(Some(&[k("refactor.re")]), &rewrite));
        assert!(!admits(Some(&[]), &quickfix));
    }
}
