//! The `LanguageServer` implementation: decode parameters, call `ide` under the state lock,
//! encode the answer. No feature logic lives here.
//!
//! # Handler rules
//!
//! Every handler keeps these, and so does every module it calls; they are stated here once.
//!
//! - **Synchronous.** tower-lsp-server polls each message's future for the first time in
//!   arrival order, and a handler does all its work on the state in that first poll: a
//!   notification (`didOpen`, `didChange`, `didClose`, file events, folder changes, settings)
//!   is applied under the write lock ([`Server::update`]), a request is answered under the read
//!   lock ([`Server::query`]). So changes apply in order, and every answer reflects every edit
//!   sent before it. The files a notification names are read there too (a closed document, a
//!   file changed on disk); only whole index builds run in the background, and the previous
//!   index answers until the new one is installed whole.
//! - **What may await.** A request that arrives before the first index is installed waits for
//!   it (`early::indexed`, `early::references`), without the lock, while the notifications that
//!   follow it apply; once the index is in, that returns without an `.await`. Nothing else in a
//!   handler awaits. Work that waits (index builds, progress, pushing diagnostics, and every
//!   request to the client: registrations, `workspace/configuration`, progress tokens,
//!   refreshes) runs in a task of its own, so a client that answers late or never blocks
//!   nothing: no handler awaits a client reply, and no one holds the lock across an `.await`.
//! - **Slots.** At most `early::CONCURRENCY` messages are in flight. Only a request waiting for
//!   the first index holds its slot for long, never one waiting for the client.
//! - **Panics.** A panic in a request's body is answered with InternalError naming the method
//!   ([`Server::query`]); in a notification's it is logged, and the server goes on
//!   ([`Server::update`]). Background tasks run their bodies under `state::catch` as well (an
//!   index build's load is a blocking task whose panic is its join error). The lock a panic
//!   poisoned keeps serving (`state::read_state`): each update is one index operation, so the
//!   state is still the best there is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rayon::prelude::*;
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::request::{GotoDeclarationParams, GotoDeclarationResponse};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::corpus::{Corpus, FileId, FileKind, OccurrenceKind};
use crate::ide;
use crate::lsp::diagnostics::{file_report, push_worker, result_id};
use crate::lsp::early::{Answer, Waiting};
use crate::lsp::parked::Parked;
use crate::lsp::refresh::{Refresh, refresh};
use crate::lsp::state::{Document, State, catch, read_state, write_state};
use crate::lsp::{caps, completion, convert, edit};

pub struct Server {
    client: Client,
    state: Arc<RwLock<State>>,
    /// Wakes the diagnostics push worker.
    wake: Arc<Notify>,
    /// Set by `shutdown`: the exit code depends on it.
    shutdown: Arc<AtomicBool>,
    /// The last semantic tokens sent for each document, for `full/delta`.
    semantic: super::semantic_tokens::Cache,
    /// Large answers printed as bytes (see `parked`).
    parked: Arc<Parked>,
    /// Requests waiting for the first index (see `early`).
    waiting: Waiting,
    /// Edits of open registries and schemas so far: the views of other documents are refreshed
    /// once they pause (see [`Server::tables_edited`]).
    table_edits: Arc<AtomicU64>,
}

/// How long edits of an open registry or schema must pause before other documents' views are
/// refreshed: a refresh makes the client ask again for every visible document's tokens, hints
/// and lenses, which is too much on every keystroke.
const TABLE_SETTLE: Duration = Duration::from_millis(300);

impl Server {
    pub fn new(client: Client, state: Arc<RwLock<State>>, shutdown: Arc<AtomicBool>, parked: Arc<Parked>) -> Server {
        Server {
            client,
            state,
            wake: Arc::new(Notify::new()),
            shutdown,
            semantic: Default::default(),
            parked,
            waiting: Waiting::default(),
            table_edits: Arc::default(),
        }
    }

    /// After an open registry or schema changed in the editor (opened, edited, closed back to
    /// its text on disk): names, counts, types and token colours of every other document may
    /// have changed, so the client is asked to request its views again, once the edits pause.
    /// Files changed on disk are refreshed by `workspace::follow_up`.
    fn tables_edited(&self, path: &Path) {
        if !matches!(FileKind::of(path), Some(FileKind::Registry | FileKind::Schema)) {
            return;
        }
        let edit = self.table_edits.fetch_add(1, Ordering::SeqCst) + 1;
        let (client, state, edits) = (self.client.clone(), self.state.clone(), self.table_edits.clone());
        tokio::spawn(async move {
            tokio::time::sleep(TABLE_SETTLE).await;
            if edits.load(Ordering::SeqCst) == edit {
                let session = read_state(&state).session.clone();
                refresh(&client, &session, Refresh::CORPUS);
            }
        });
    }

    /// Runs a read-only request body under the state lock; a panic becomes an error answer
    /// instead of taking the server down.
    fn query<R>(&self, method: &str, f: impl FnOnce(&State) -> Result<R>) -> Result<R> {
        catch(|| f(&read_state(&self.state))).unwrap_or_else(|panic| Err(internal_error(method, &panic)))
    }

    /// Waits for the first index when it is not installed yet (see `early::indexed`): no
    /// request is answered from a corpus without the registry, the schema or the files about to
    /// be indexed. `doc` is the request's document. Returns at once, in the handler's first
    /// poll, once the index is in.
    async fn indexed(&self, doc: Option<&Uri>) -> Result<()> {
        super::early::indexed(&self.state, &self.waiting, doc).await
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

impl Server {
    /// A message the client sent malformed (see `framing`): answered with its error.
    pub async fn invalid_message(&self, params: serde_json::Value) -> Result<()> {
        Err(super::framing::invalid_message_error(&params))
    }

    /// `textDocument/references`, its answer parked.
    pub async fn parked_references(&self, params: ReferenceParams) -> Result<serde_json::Value> {
        match super::early::references(&self.state, &self.waiting, params).await {
            Answer::Early(found, _printing) => self.parked.park(&found),
            Answer::Index(params) => self.query("references", |st| self.parked.park(&references(st, params)?)),
            Answer::Refused(err) => Err(err),
        }
    }

    /// `textDocument/rename`, its answer parked.
    pub async fn parked_rename(&self, params: RenameParams) -> Result<serde_json::Value> {
        self.indexed(Some(&params.text_document_position.text_document.uri)).await?;
        self.query("rename", |st| self.parked.park(&edit::rename(st, &params)?))
    }

    /// `textDocument/semanticTokens/full`, its answer parked.
    pub async fn parked_semantic_tokens(&self, params: SemanticTokensParams) -> Result<serde_json::Value> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("semanticTokens/full", |st| {
            self.parked.park(&super::view::semantic_tokens_full(st, &self.semantic, params)?)
        })
    }
}

fn references(st: &State, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let p = params.text_document_position;
    let Some((file, offset)) = convert::locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
    let include = params.context.include_declaration;
    let Some(refs) = ide::references(&st.corpus, file, offset, include) else { return Ok(None) };
    Ok(Some(convert::locations(st, &refs)))
}

fn internal_error(method: &str, panic: &str) -> Error {
    Error { code: ErrorCode::InternalError, message: format!("seedls: {method} failed: {panic}").into(), data: None }
}

fn nav_response(
    st: &State,
    file: FileId,
    found: Option<ide::RangeInfo<Vec<ide::NavTarget>>>,
    links: bool,
) -> Option<GotoDefinitionResponse> {
    let found = found.filter(|f| !f.info.is_empty())?;
    if links {
        let origin = convert::range_of(st, file, found.range);
        let links = found
            .info
            .iter()
            .filter_map(|t| {
                Some(LocationLink {
                    origin_selection_range: Some(origin),
                    target_uri: convert::file_uri(st, t.file)?,
                    target_range: convert::range_of(st, t.file, t.full_range),
                    target_selection_range: convert::range_of(st, t.file, t.focus_range),
                })
            })
            .collect();
        Some(GotoDefinitionResponse::Link(links))
    } else {
        let locations = found.info.iter().filter_map(|t| convert::location(st, t.file, t.focus_range)).collect();
        Some(GotoDefinitionResponse::Array(locations))
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = caps::session(&params, convert::roots(&params));
        let capabilities = caps::server_capabilities(&session);
        let (settings, warnings) = super::settings::initial(params.initialization_options.as_ref());
        self.update("initialize", |st| {
            st.corpus = Corpus::new(session.roots.clone(), st.corpus.today).keeping(super::workspace::lean(&session));
            st.session = session;
            st.settings = settings;
            st.tracking.startup_warnings = warnings;
        });
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo { name: "seedls".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Neither is awaited here, so messages that follow `initialized` are handled while the
        // workspace is indexed and while the client considers our registrations.
        tokio::spawn(push_worker(self.client.clone(), self.state.clone(), self.wake.clone(), self.parked.clone()));
        super::workspace::start(&self.client, &self.state, &self.wake);
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
            st.open(path.clone(), Document::new(doc.uri, doc.version, doc.text, on_disk));
        });
        self.tables_edited(&path);
        super::learning::changed(&self.client, &self.state, &self.wake, &path);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return };
        self.update("didChange", |st| {
            let enc = st.session.encoding;
            let Some(doc) = st.docs.get_mut(&path) else { return };
            convert::apply_changes(doc, params.text_document.version, params.content_changes, enc);
            st.reindex(&path);
        });
        self.tables_edited(&path);
        super::learning::changed(&self.client, &self.state, &self.wake, &path);
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
        self.tables_edited(&path);
        super::learning::changed(&self.client, &self.state, &self.wake, &path);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut outcome = super::workspace::Outcome::default();
        self.update("didChangeWatchedFiles", |st| outcome = super::workspace::watched_files(st, params.changes));
        super::workspace::follow_up(&self.client, &self.state, &self.wake, outcome);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut outcome = super::workspace::Outcome::default();
        self.update("didChangeWorkspaceFolders", |st| outcome = super::workspace::change_folders(st, params.event));
        super::workspace::follow_up(&self.client, &self.state, &self.wake, outcome);
        // Folders removed are no longer watched (those added are, by the build that reads them).
        let (client, state) = (self.client.clone(), self.state.clone());
        tokio::task::spawn_blocking(move || super::watch::sync(&client, &state));
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut change = super::settings::Change::Nothing;
        self.update("didChangeConfiguration", |st| {
            change = super::settings::changed_configuration(st, &params.settings)
        });
        super::settings::follow_up(&self.client, &self.state, &self.wake, change);
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.indexed(Some(&p.text_document.uri)).await?;
        self.query("hover", |st| {
            let Some((file, offset)) = convert::locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            let Some(found) = ide::hover(&st.corpus, file, offset) else {
                // Untagged text: the candidates of a suggestion there.
                let path = &st.corpus.file(file).path;
                let Some(doc) = st.docs.get(path) else { return Ok(None) };
                let Some((range, value)) = super::learning::hover(st, path, &doc.text, offset) else { return Ok(None) };
                let kind = if st.session.markdown { MarkupKind::Markdown } else { MarkupKind::PlainText };
                return Ok(Some(Hover {
                    contents: HoverContents::Markup(MarkupContent { kind, value }),
                    range: Some(convert::range_of(st, file, range)),
                }));
            };
            let (kind, value) = if st.session.markdown {
                (MarkupKind::Markdown, found.markup.markdown().to_string())
            } else {
                (MarkupKind::PlainText, found.markup.plain().to_string())
            };
            Ok(Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind, value }),
                range: Some(convert::range_of(st, file, found.range)),
            }))
        })
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.indexed(Some(&p.text_document.uri)).await?;
        self.query("definition", |st| {
            let Some((file, offset)) = convert::locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            Ok(nav_response(st, file, ide::definition(&st.corpus, file, offset), st.session.definition_links))
        })
    }

    async fn goto_declaration(&self, params: GotoDeclarationParams) -> Result<Option<GotoDeclarationResponse>> {
        let p = params.text_document_position_params;
        self.indexed(Some(&p.text_document.uri)).await?;
        self.query("declaration", |st| {
            let Some((file, offset)) = convert::locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            Ok(nav_response(st, file, ide::declaration(&st.corpus, file, offset), st.session.declaration_links))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        match super::early::references(&self.state, &self.waiting, params).await {
            Answer::Early(found, _) => Ok(found),
            Answer::Index(params) => self.query("references", |st| references(st, params)),
            Answer::Refused(err) => Err(err),
        }
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        self.indexed(Some(&p.text_document.uri)).await?;
        self.query("documentHighlight", |st| {
            let Some((file, offset)) = convert::locate(st, &p.text_document.uri, p.position) else { return Ok(None) };
            let Some(refs) = ide::highlights(&st.corpus, file, offset) else { return Ok(None) };
            let highlights = refs
                .iter()
                .map(|r| DocumentHighlight {
                    range: convert::range_of(st, file, r.range),
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
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("codeAction", |st| edit::code_actions(st, &params))
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("prepareRename", |st| edit::prepare_rename(st, &params))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.indexed(Some(&params.text_document_position.text_document.uri)).await?;
        self.query("rename", |st| edit::rename(st, &params))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.indexed(Some(&params.text_document_position.text_document.uri)).await?;
        self.query("completion", |st| completion::completion(st, &params))
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("diagnostic", |st| {
            let items = match convert::file(st, &params.text_document.uri) {
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
        self.indexed(None).await?;
        self.query("workspace/diagnostic", |st| {
            let previous: HashMap<&str, &str> =
                params.previous_result_ids.iter().map(|p| (p.uri.as_str(), p.value.as_str())).collect();
            let files: Vec<(FileId, &PathBuf)> = st.corpus.files().map(|(id, f)| (id, &f.path)).collect();
            let mut items: Vec<(&PathBuf, WorkspaceDocumentDiagnosticReport)> = files
                .par_iter()
                .filter_map(|&(file, path)| {
                    let uri = convert::uri(st, path)?;
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
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("semanticTokens/full", |st| super::view::semantic_tokens_full(st, &self.semantic, params))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("semanticTokens/full/delta", |st| {
            super::view::semantic_tokens_full_delta(st, &self.semantic, params)
        })
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("semanticTokens/range", |st| super::view::semantic_tokens_range(st, params))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("documentSymbol", |st| super::view::document_symbols(st, params))
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.indexed(None).await?;
        self.query("workspace/symbol", |st| super::view::workspace_symbols(st, params))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("documentLink", |st| super::view::document_links(st, params))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("inlayHint", |st| super::view::inlay_hints(st, params))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.indexed(Some(&params.text_document.uri)).await?;
        self.query("codeLens", |st| super::view::code_lens(st, params))
    }

    async fn code_lens_resolve(&self, params: CodeLens) -> Result<CodeLens> {
        self.indexed(None).await?;
        self.query("codeLens/resolve", |st| super::view::code_lens_resolve(st, params))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::corpus::Corpus;
    use crate::syntax::header::Date;

    #[test]
    fn a_panicking_request_is_answered_with_an_internal_error() {
        let state = Arc::new(RwLock::new(State::new(Date { year: 2024, month: 6, day: Some(15) })));
        let (service, _socket) = tower_lsp_server::LspService::new(|client| {
            Server::new(client, state.clone(), Arc::new(AtomicBool::new(false)), Default::default())
        });
        let server = service.inner();
        let answer: Result<()> = server.query("hover", |_| panic!("index out of bounds"));
        let err = answer.unwrap_err();
        assert_eq!(err.code, ErrorCode::InternalError);
        assert_eq!(err.message, "seedls: hover failed: index out of bounds");
        // The lock is usable afterwards: the next request is answered.
        assert_eq!(server.query("hover", |st| Ok(st.generation)), Ok(0));
    }

    /// The twins that park their answers (see `parked`) print what the plain methods answer.
    #[tokio::test]
    async fn parked_answers_are_the_plain_methods_answers() {
        let dir = tempfile::tempdir().unwrap();
        let registry = "id\ttype\tname\taliases\tdescription\twikidata\tcameo\nkz.x\tperson\tX\t\t\t\t\n";
        std::fs::write(dir.path().join("entities.tsv"), registry).unwrap();
        let article = " date 2022-01\n\n« [X]{person:kz.x} » et 😀 [X]{person:kz.x}\n[grève]{protest actor=kz.x}\n";
        for name in ["a.txt", "b c.txt"] {
            std::fs::write(dir.path().join(name), article).unwrap();
        }
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let state = Arc::new(RwLock::new(State::new(today)));
        write_state(&state).install(Corpus::load(vec![dir.path().to_path_buf()], today, None).0);
        let parked = Arc::new(Parked::default());
        let (service, _socket) = tower_lsp_server::LspService::new(|client| {
            Server::new(client, state.clone(), Arc::new(AtomicBool::new(false)), parked.clone())
        });
        let server = service.inner();
        let printed = |placeholder: serde_json::Value| -> serde_json::Value {
            let body = serde_json::to_vec(&json!({"jsonrpc": "2.0", "result": placeholder, "id": 1})).unwrap();
            serde_json::from_slice::<serde_json::Value>(&parked.unpark(body)).unwrap()["result"].take()
        };
        let uri = |name: &str| convert::path_to_uri(&dir.path().join(name)).unwrap();
        let at = TextDocumentPositionParams {
            text_document: TextDocumentIdentifier { uri: uri("entities.tsv") },
            position: Position { line: 1, character: 1 },
        };

        let references = ReferenceParams {
            text_document_position: at.clone(),
            context: ReferenceContext { include_declaration: true },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        let plain = server.references(references.clone()).await.unwrap();
        assert_eq!(plain.as_ref().map(Vec::len), Some(7), "two articles of three uses, and the row");
        assert_eq!(printed(server.parked_references(references).await.unwrap()), json!(plain));

        let rename = RenameParams {
            text_document_position: at,
            new_name: "kz.y".into(),
            work_done_progress_params: Default::default(),
        };
        let plain = server.rename(rename.clone()).await.unwrap();
        assert!(plain.is_some());
        assert_eq!(printed(server.parked_rename(rename).await.unwrap()), json!(plain));

        server
            .did_open(DidOpenTextDocumentParams {
                text_document: TextDocumentItem::new(uri("b c.txt"), "seed".into(), 1, article.into()),
            })
            .await;
        let tokens = SemanticTokensParams {
            text_document: TextDocumentIdentifier { uri: uri("b c.txt") },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        let Some(SemanticTokensResult::Tokens(plain)) = server.semantic_tokens_full(tokens.clone()).await.unwrap()
        else {
            panic!("no tokens")
        };
        assert!(!plain.data.is_empty());
        let parked = printed(server.parked_semantic_tokens(tokens).await.unwrap());
        // The same tokens; the result id names an answer in the delta cache, each its own.
        let mut plain = json!(plain);
        assert!(parked["resultId"].is_string() && plain["resultId"].is_string());
        plain["resultId"] = parked["resultId"].clone();
        assert_eq!(parked, plain);
    }
}
