//! The `LanguageServer` implementation: decode parameters, call `ide` under the state lock,
//! encode the answer. No feature logic lives here.
//!
//! Ordering: tower-lsp-server polls each message's future for the first time in arrival order,
//! and every handler here does all its work synchronously in that first poll (no `.await`
//! before the state is read or written). So document changes apply in order, and a request
//! sees exactly the edits sent before it. Work that waits (progress, publishing, client
//! requests) runs in spawned tasks and never holds the lock across an `.await`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rayon::prelude::*;
use serde_json::json;
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::request::{GotoDeclarationParams, GotoDeclarationResponse};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::corpus::{Corpus, FileId, OccurrenceKind};
use crate::diagnostic::Fix;
use crate::ide;
use crate::lsp::diagnostics::{file_report, push_worker, result_id, to_lsp};
use crate::lsp::state::{Document, State};
use crate::lsp::{caps, catch, convert, read_state, write_state};

pub struct Server {
    client: Client,
    state: Arc<RwLock<State>>,
    /// Wakes the diagnostics push worker.
    wake: Arc<Notify>,
    /// Set by `shutdown`: the exit code depends on it.
    shutdown: Arc<AtomicBool>,
    /// The last semantic tokens sent for each document, for `full/delta`.
    semantic: super::semantic_tokens::Cache,
}

impl Server {
    pub fn new(client: Client, state: Arc<RwLock<State>>, shutdown: Arc<AtomicBool>) -> Server {
        Server { client, state, wake: Arc::new(Notify::new()), shutdown, semantic: Default::default() }
    }

    /// Runs a read-only request body under the state lock; a panic becomes an error answer
    /// instead of taking the server down.
    fn query<R>(&self, method: &str, f: impl FnOnce(&State) -> Result<R>) -> Result<R> {
        catch(|| f(&read_state(&self.state))).unwrap_or_else(|panic| Err(internal_error(method, &panic)))
    }

    /// Runs a notification body under the write lock. A panic is logged (notifications have no
    /// answer) and the server keeps going.
    fn update(&self, method: &str, f: impl FnOnce(&mut State)) {
        if let Err(panic) = catch(|| f(&mut write_state(&self.state))) {
            let client = self.client.clone();
            let message = format!("seedls: {method} failed: {panic}");
            tokio::spawn(async move { client.log_message(MessageType::ERROR, message).await });
        }
        self.wake.notify_one();
    }
}

fn internal_error(method: &str, panic: &str) -> Error {
    Error { code: ErrorCode::InternalError, message: format!("seedls: {method} failed: {panic}").into(), data: None }
}

/// The answer to a pull before the workspace is indexed: LSP's ServerCancelled, asking the
/// client to ask again, rather than a report that would be wrong (every id unknown).
fn not_ready() -> Error {
    Error {
        code: ErrorCode::ServerError(-32802),
        message: "seedls is still indexing the workspace".into(),
        data: Some(json!({ "retriggerRequest": true })),
    }
}

/// The corpus file and byte offset of a protocol position.
fn locate(st: &State, uri: &Uri, pos: Position) -> Option<(FileId, u32)> {
    let (file, doc) = st.file(uri)?;
    let offset = match doc {
        Some(doc) => convert::offset(&doc.line_index, Some(&doc.text), pos, st.session.encoding),
        None => convert::offset(&st.corpus.file(file).line_index, None, pos, st.session.encoding),
    };
    Some((file, offset))
}

fn range_of(st: &State, file: FileId, range: crate::text::TextRange) -> Range {
    convert::range(&st.corpus.file(file).line_index, range, st.session.encoding)
}

fn location(st: &State, file: FileId, range: crate::text::TextRange) -> Option<Location> {
    Some(Location { uri: st.uri(&st.corpus.file(file).path)?, range: range_of(st, file, range) })
}

fn nav_response(
    st: &State,
    file: FileId,
    found: Option<ide::RangeInfo<Vec<ide::NavTarget>>>,
    links: bool,
) -> Option<GotoDefinitionResponse> {
    let found = found.filter(|f| !f.info.is_empty())?;
    if links {
        let origin = range_of(st, file, found.range);
        let links = found
            .info
            .iter()
            .filter_map(|t| {
                Some(LocationLink {
                    origin_selection_range: Some(origin),
                    target_uri: st.uri(&st.corpus.file(t.file).path)?,
                    target_range: range_of(st, t.file, t.full_range),
                    target_selection_range: range_of(st, t.file, t.focus_range),
                })
            })
            .collect();
        Some(GotoDefinitionResponse::Link(links))
    } else {
        let locations = found.info.iter().filter_map(|t| location(st, t.file, t.focus_range)).collect();
        Some(GotoDefinitionResponse::Array(locations))
    }
}

/// A core fix as a workspace edit. Edits into other files (a row appended to entities.tsv)
/// target those files; with `documentChanges`, open documents are pinned to their version so a
/// client applying it to newer text refuses instead of corrupting it.
fn workspace_edit(st: &State, file: FileId, fix: &Fix) -> Option<WorkspaceEdit> {
    let mut by_file: BTreeMap<PathBuf, Vec<TextEdit>> = BTreeMap::new();
    for edit in &fix.edits {
        let path = ide::fixes::edit_path(&st.corpus, file, edit.file.as_deref());
        // Ranges of another file convert with that file's line index: it must be indexed.
        let target = st.corpus.file_id(&path)?;
        by_file
            .entry(path)
            .or_default()
            .push(TextEdit { range: range_of(st, target, edit.range), new_text: edit.insert.clone() });
    }
    if st.session.document_changes {
        let edits = by_file
            .into_iter()
            .map(|(path, edits)| {
                Some(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: st.uri(&path)?,
                        version: st.version(&path),
                    },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(edits)), ..Default::default() })
    } else {
        let changes = by_file
            .into_iter()
            .map(|(path, edits)| Some((st.uri(&path)?, edits)))
            .collect::<Option<HashMap<_, _>>>()?;
        Some(WorkspaceEdit { changes: Some(changes), ..Default::default() })
    }
}

/// Whether a `context.only` filter admits quick fixes. Kinds are hierarchical by dots, so only
/// `quickfix` itself and the empty (root) kind admit ours.
fn wants_quickfix(only: &Option<Vec<CodeActionKind>>) -> bool {
    only.as_ref().is_none_or(|kinds| kinds.iter().any(|k| k.as_str().is_empty() || *k == CodeActionKind::QUICKFIX))
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = caps::session(&params);
        let capabilities = caps::server_capabilities(&session);
        self.update("initialize", |st| {
            st.corpus = Corpus::new(session.roots.clone(), st.corpus.today);
            st.session = session;
        });
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo { name: "seedls".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Both run for the life of the server; neither is awaited here, so messages that follow
        // `initialized` are handled while the workspace is indexed.
        tokio::spawn(push_worker(self.client.clone(), self.state.clone(), self.wake.clone()));
        tokio::spawn(load_workspace(self.client.clone(), self.state.clone(), self.wake.clone()));
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = convert::uri_to_path(&doc.uri) else { return };
        self.update("didOpen", |st| {
            let on_disk = st.loaded && st.corpus.file_id(&path).is_some();
            st.open(path, Document::new(doc.uri, doc.version, doc.text, on_disk));
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return };
        self.update("didChange", |st| {
            let enc = st.session.encoding;
            let Some(doc) = st.docs.get_mut(&path) else { return };
            doc.apply_changes(params.text_document.version, params.content_changes, enc);
            st.reindex(&path);
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return };
        self.update("didClose", |st| {
            if let Some(uri) = st.close(&path)
                && !st.session.pull_diagnostics
            {
                // Problems of a closed file are not shown from pushes; clear what was pushed.
                st.to_clear.push(uri);
            }
        });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.query("hover", |st| {
            let Some((file, offset)) = locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            let Some(found) = ide::hover(&st.corpus, file, offset) else { return Ok(None) };
            let (kind, value) = if st.session.markdown {
                (MarkupKind::Markdown, found.markup.markdown().to_string())
            } else {
                (MarkupKind::PlainText, found.markup.plain().to_string())
            };
            Ok(Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind, value }),
                range: Some(range_of(st, file, found.range)),
            }))
        })
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.query("definition", |st| {
            let Some((file, offset)) = locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            Ok(nav_response(st, file, ide::definition(&st.corpus, file, offset), st.session.definition_links))
        })
    }

    async fn goto_declaration(&self, params: GotoDeclarationParams) -> Result<Option<GotoDeclarationResponse>> {
        let p = params.text_document_position_params;
        self.query("declaration", |st| {
            let Some((file, offset)) = locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            Ok(nav_response(st, file, ide::declaration(&st.corpus, file, offset), st.session.declaration_links))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        self.query("references", |st| {
            let Some((file, offset)) = locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            let include = params.context.include_declaration;
            let Some(refs) = ide::references(&st.corpus, file, offset, include) else { return Ok(None) };
            Ok(Some(refs.iter().filter_map(|r| location(st, r.file, r.range)).collect()))
        })
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        self.query("documentHighlight", |st| {
            let Some((file, offset)) = locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            let Some(refs) = ide::highlights(&st.corpus, file, offset) else { return Ok(None) };
            let highlights = refs
                .iter()
                .map(|r| DocumentHighlight {
                    range: range_of(st, file, r.range),
                    // A tag or registry row assigns the id; a role value only refers to it.
                    kind: Some(match r.kind {
                        OccurrenceKind::RoleValue => DocumentHighlightKind::READ,
                        OccurrenceKind::Mention | OccurrenceKind::RegistryRow => DocumentHighlightKind::WRITE,
                    }),
                })
                .collect();
            Ok(Some(highlights))
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.query("codeAction", |st| {
            if !wants_quickfix(&params.context.only) {
                return Ok(None);
            }
            let Some((file, doc)) = st.file(&params.text_document.uri) else { return Ok(None) };
            let index = doc.map_or(&st.corpus.file(file).line_index, |d| &d.line_index);
            let text = doc.map(|d| d.text.as_str());
            let range = convert::text_range(index, text, params.range, st.session.encoding);
            let actions = ide::quick_fixes(&st.corpus, file, text, range)
                .iter()
                .filter_map(|q| {
                    Some(CodeActionOrCommand::CodeAction(CodeAction {
                        title: q.fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![to_lsp(st, file, &q.diagnostic)]),
                        edit: Some(workspace_edit(st, file, &q.fix)?),
                        is_preferred: q.preferred.then_some(true),
                        ..Default::default()
                    }))
                })
                .collect::<Vec<_>>();
            Ok((!actions.is_empty()).then_some(actions))
        })
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        self.query("diagnostic", |st| {
            if !st.loaded {
                return Err(not_ready());
            }
            let items = match st.file(&params.text_document.uri) {
                Some((file, _)) => file_report(st, file),
                None => Vec::new(),
            };
            let id = result_id(&items);
            let report = if params.previous_result_id.as_deref() == Some(id.as_str()) {
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id: id },
                })
            } else {
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: Some(id), items },
                })
            };
            Ok(DocumentDiagnosticReportResult::Report(report))
        })
    }

    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        self.query("workspace/diagnostic", |st| {
            if !st.loaded {
                return Err(not_ready());
            }
            let previous: HashMap<&str, &str> =
                params.previous_result_ids.iter().map(|p| (p.uri.as_str(), p.value.as_str())).collect();
            let files: Vec<(FileId, &PathBuf)> = st.corpus.files().map(|(id, f)| (id, &f.path)).collect();
            let mut items: Vec<(&PathBuf, WorkspaceDocumentDiagnosticReport)> = files
                .par_iter()
                .filter_map(|&(file, path)| {
                    let uri = st.uri(path)?;
                    let version = st.version(path).map(i64::from);
                    let diagnostics = file_report(st, file);
                    let id = result_id(&diagnostics);
                    let report = match previous.get(uri.as_str()) {
                        Some(&prev) if prev == id => {
                            WorkspaceDocumentDiagnosticReport::Unchanged(WorkspaceUnchangedDocumentDiagnosticReport {
                                uri,
                                version,
                                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                                    result_id: id,
                                },
                            })
                        }
                        // A clean file the client knows nothing about needs no report.
                        None if diagnostics.is_empty() => return None,
                        _ => WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                            uri,
                            version,
                            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                                result_id: Some(id),
                                items: diagnostics,
                            },
                        }),
                    };
                    Some((path, report))
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(b.0));
            let items = items.into_iter().map(|(_, r)| r).collect();
            Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }))
        })
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.query("semanticTokens/full", |st| super::view::semantic_tokens_full(st, &self.semantic, params))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        self.query("semanticTokens/full/delta", |st| {
            super::view::semantic_tokens_full_delta(st, &self.semantic, params)
        })
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.query("semanticTokens/range", |st| super::view::semantic_tokens_range(st, params))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.query("documentSymbol", |st| super::view::document_symbols(st, params))
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.query("workspace/symbol", |st| super::view::workspace_symbols(st, params))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.query("documentLink", |st| super::view::document_links(st, params))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.query("inlayHint", |st| super::view::inlay_hints(st, params))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.query("codeLens", |st| super::view::code_lens(st, params))
    }

    async fn code_lens_resolve(&self, params: CodeLens) -> Result<CodeLens> {
        self.query("codeLens/resolve", |st| super::view::code_lens_resolve(st, params))
    }
}

/// Indexes the workspace folders in parallel, reporting `$/progress` when the client supports
/// it, then installs the index and has diagnostics pushed and pulled again.
async fn load_workspace(client: Client, state: Arc<RwLock<State>>, wake: Arc<Notify>) {
    let (session, today) = {
        let st = read_state(&state);
        (st.session.clone(), st.corpus.today)
    };
    let (tx, mut rx) = tokio::sync::watch::channel((0usize, 0usize));
    let roots = session.roots.clone();
    let mut load = tokio::task::spawn_blocking(move || {
        let report = move |done: usize, total: usize| {
            tx.send_replace((done, total));
        };
        Corpus::load(roots, today, Some(&report))
    });
    // The token must exist before any `$/progress` for it, and only clients that said so
    // accept `window/workDoneProgress/create`. A client that never answers must not stall us.
    let progress = if session.work_done_progress {
        let token = NumberOrString::String("seedls/index".into());
        match tokio::time::timeout(Duration::from_secs(5), client.create_work_done_progress(token.clone())).await {
            Ok(Ok(())) => Some(
                client
                    .progress(token, "Indexing")
                    .with_message("looking for seed files")
                    .with_percentage(0)
                    .begin()
                    .await,
            ),
            _ => None,
        }
    } else {
        None
    };
    let mut watching = true;
    let result = loop {
        tokio::select! {
            result = &mut load => break result,
            changed = rx.changed(), if watching => match changed {
                // The loader finished and dropped its sender; its result is next.
                Err(_) => watching = false,
                Ok(()) => {
                    let (done, total) = *rx.borrow_and_update();
                    if let (Some(p), true) = (&progress, total > 0) {
                        p.report_with_message(format!("{done}/{total} files"), (done * 100 / total) as u32).await;
                    }
                }
            },
        }
    };
    let summary = match result {
        Ok((corpus, errors)) => {
            let files = corpus.files().count();
            if let Err(panic) = catch(|| write_state(&state).install(corpus)) {
                client.log_message(MessageType::ERROR, format!("seedls: indexing failed: {panic}")).await;
            }
            for e in errors.iter().take(20) {
                let message = format!("seedls: {}: {}", e.path.display(), e.message);
                client.log_message(MessageType::WARNING, message).await;
            }
            format!("{files} files")
        }
        Err(err) => {
            // Keep serving the open documents rather than nothing.
            write_state(&state).loaded = true;
            client.log_message(MessageType::ERROR, format!("seedls: indexing failed: {err}")).await;
            "failed".to_string()
        }
    };
    if let Some(p) = progress {
        p.finish_with_message(summary).await;
    }
    wake.notify_one();
    if session.workspace_diagnostic_refresh {
        // Pulled reports computed before indexing are wrong; ask for new ones.
        let _ = client.workspace_diagnostic_refresh().await;
    }
    super::view::refresh(&client, session.view).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::Date;

    #[test]
    fn a_panicking_request_is_answered_with_an_internal_error() {
        let state = Arc::new(RwLock::new(State::new(Date { year: 2024, month: 6, day: Some(15) })));
        let (service, _socket) = tower_lsp_server::LspService::new(|client| {
            Server::new(client, state.clone(), Arc::new(AtomicBool::new(false)))
        });
        let server = service.inner();
        let answer: Result<()> = server.query("hover", |_| panic!("index out of bounds"));
        let err = answer.unwrap_err();
        assert_eq!(err.code, ErrorCode::InternalError);
        assert_eq!(err.message, "seedls: hover failed: index out of bounds");
        // The lock is usable afterwards: the next request is answered.
        assert_eq!(server.query("hover", |st| Ok(st.generation)), Ok(0));
    }

    #[test]
    fn quickfix_filter_is_hierarchical() {
        assert!(wants_quickfix(&None));
        assert!(wants_quickfix(&Some(vec![CodeActionKind::QUICKFIX])));
        assert!(wants_quickfix(&Some(vec![CodeActionKind::EMPTY])));
        assert!(!wants_quickfix(&Some(vec![CodeActionKind::REFACTOR])));
        assert!(!wants_quickfix(&Some(vec![CodeActionKind::new("quickfix.other")])));
    }
}
