//! References before the index is installed, from the id pass (see `crate::idpass`): a cold
//! start's first answer, exactly the one the index will give.
//!
//! A request that arrives while the first build runs waits for the id pass without holding
//! the state lock, then answers from it under the lock: the id under the cursor comes from the
//! open document, or from the file on disk parsed on its own; occurrences come from the id pass
//! for files on disk and from the corpus for open documents (before the index is installed the
//! corpus holds exactly them, with the editor's text), so edits made meanwhile are reflected.

use std::path::Path;
use std::sync::RwLock;

use tokio::sync::watch::Receiver;

use tower_lsp_server::ls_types::{Location, Position, Range, ReferenceParams};

use crate::corpus::{Corpus, OccurrenceKind, path_order};
use crate::ide;
use crate::idpass::{IdOccurrence, IdPass};
use crate::lsp::server::{locate, range_of};
use crate::lsp::state::State;
use crate::lsp::workspace::Early;
use crate::lsp::{catch, convert, read_state};
use crate::text::Encoding;

/// How a references request is answered.
pub enum Answer {
    /// From the id pass; the full load waits (a moment) while the receiver is held, so the
    /// caller holds it until the answer is printed.
    Early(Option<Vec<Location>>, Receiver<Early>),
    /// From the index (installed, or the build ended without one): answer as usual.
    Index(ReferenceParams),
}

/// Waits for the first build's id pass when the index is not installed yet, and answers from
/// it. Never waits on a build that cannot end: a dropped channel means answer as usual.
pub async fn references(state: &RwLock<State>, params: ReferenceParams) -> Answer {
    // A newer build (a folder added meanwhile) replaces the channel: follow it a few times.
    for _ in 0..8 {
        let mut rx = {
            let st = read_state(state);
            match &st.tracking.early {
                Some(rx) if !st.loaded => rx.clone(),
                _ => return Answer::Index(params),
            }
        };
        let Ok(phase) = rx.wait_for(|p| !matches!(p, Early::Scanning)).await.map(|p| p.clone()) else {
            return Answer::Index(params);
        };
        match phase {
            Early::Ids(pass) => {
                // A panic here leaves the answer to the index.
                if let Ok(Some(found)) = catch(|| from_id_pass(&read_state(state), &pass, &params)) {
                    return Answer::Early(found, rx);
                }
                // Folders changed since the id pass ran: only the index can answer.
                if rx.wait_for(|p| matches!(p, Early::Done)).await.is_err() {
                    return Answer::Index(params);
                }
            }
            Early::Failed => {
                if rx.wait_for(|p| matches!(p, Early::Done)).await.is_err() {
                    return Answer::Index(params);
                }
            }
            Early::Done | Early::Scanning => {}
        }
        if read_state(state).loaded {
            return Answer::Index(params);
        }
    }
    Answer::Index(params)
}

/// The answer from the id pass, or `None` when only the index can give it (it is installed,
/// or the folders changed since the id pass ran).
fn from_id_pass(st: &State, pass: &IdPass, params: &ReferenceParams) -> Option<Option<Vec<Location>>> {
    if st.loaded || pass.roots != st.session.roots {
        return None;
    }
    let p = &params.text_document_position;
    let Some(id) = id_at(st, pass, &p.text_document.uri, p.position) else { return Some(None) };
    let include = params.context.include_declaration;
    let enc = st.session.encoding;
    // (path, ranges) a file, in the index's order.
    let mut groups: Vec<(&Path, Vec<Range>)> = Vec::new();
    let mut push = |path, range| match groups.last_mut() {
        Some((last, ranges)) if *last == path => ranges.push(range),
        _ => groups.push((path, vec![range])),
    };
    for (file, o) in pass.references(&id, include) {
        if !st.docs.contains_key(&file.path) {
            push(&file.path, range(o, enc));
        }
    }
    if let Some(sym) = st.corpus.sym(&id) {
        let occurrences = st.corpus.occurrences(sym).iter();
        for o in occurrences.filter(|o| include || o.kind() != OccurrenceKind::RegistryRow) {
            push(st.corpus.file(o.file).path.as_path(), range_of(st, o.file, st.corpus.range(sym, o)));
        }
    }
    groups.sort_by(|a, b| path_order(a.0, b.0));
    let mut out = Vec::new();
    for (path, ranges) in groups {
        if let Some(uri) = st.uri(path) {
            out.extend(ranges.into_iter().map(|range| Location { uri: uri.clone(), range }));
        }
    }
    Some(Some(out))
}

/// The id under the cursor: from the open document, else from the file on disk (one the index
/// will hold, so inside the workspace folders) parsed on its own.
fn id_at(st: &State, pass: &IdPass, uri: &tower_lsp_server::ls_types::Uri, pos: Position) -> Option<String> {
    if st.file(uri).is_some() {
        let (file, offset) = locate(st, uri, pos)?;
        let (sym, _) = ide::target_at(&st.corpus, file, offset)?.id()?;
        return Some(st.corpus.resolve(sym).to_string());
    }
    let path = convert::uri_to_path(uri)?;
    if !st.in_workspace(&path) {
        return None;
    }
    pass.file(&path)?;
    let bytes = std::fs::read(&path).ok()?;
    let mut one = Corpus::new(st.session.roots.clone(), st.corpus.today);
    let file = one.set_text(&path, &bytes)?;
    let offset = convert::offset(one.file(file).line_index(), None, pos, st.session.encoding);
    let (sym, _) = ide::target_at(&one, file, offset)?.id()?;
    Some(one.resolve(sym).to_string())
}

fn range(o: &IdOccurrence, enc: Encoding) -> Range {
    Range { start: convert::from_line_col(o.start(enc)), end: convert::from_line_col(o.end(enc)) }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use tower_lsp_server::ls_types::{ReferenceContext, TextDocumentIdentifier, TextDocumentPositionParams};

    use super::*;
    use crate::lsp::write_state;
    use crate::syntax::header::Date;

    fn params() -> ReferenceParams {
        ReferenceParams {
            text_document_position: TextDocumentPositionParams {
                text_document: TextDocumentIdentifier { uri: "file:///corpus/a.txt".parse().unwrap() },
                position: Position::new(0, 0),
            },
            context: ReferenceContext { include_declaration: true },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        }
    }

    /// A request waiting on the first build: the state, and the build's end of the channel.
    fn waiting() -> (Arc<RwLock<State>>, tokio::sync::watch::Sender<Early>) {
        let state = Arc::new(RwLock::new(State::new(Date { year: 2024, month: 6, day: Some(15) })));
        let (tx, rx) = tokio::sync::watch::channel(Early::Scanning);
        write_state(&state).tracking.early = Some(rx);
        (state, tx)
    }

    /// A references request in a task of its own: whether the index answers it.
    fn answered_by_index(state: &Arc<RwLock<State>>) -> tokio::task::JoinHandle<bool> {
        let state = state.clone();
        tokio::spawn(async move { matches!(references(&state, params()).await, Answer::Index(_)) })
    }

    /// Whatever goes wrong with the id pass, the request ends up answered by the index.
    #[tokio::test]
    async fn a_failed_or_stale_id_pass_leaves_the_answer_to_the_index() {
        // The build dropped its channel (it panicked).
        let (state, tx) = waiting();
        let request = answered_by_index(&state);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!request.is_finished(), "waits while the id pass runs");
        drop(tx);
        assert!(request.await.unwrap());

        // The id pass failed: the request waits for the index.
        let (state, tx) = waiting();
        let request = answered_by_index(&state);
        tx.send_replace(Early::Failed);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!request.is_finished(), "waits for the index after a failed id pass");
        write_state(&state).loaded = true;
        tx.send_replace(Early::Done);
        assert!(request.await.unwrap());

        // An id pass of other folders than the workspace's now: the index answers.
        let (state, tx) = waiting();
        write_state(&state).session.roots = vec!["/corpus".into()];
        let request = answered_by_index(&state);
        tx.send_replace(Early::Ids(Arc::new(IdPass { roots: vec!["/elsewhere".into()], ..IdPass::default() })));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!request.is_finished(), "waits for the index");
        write_state(&state).loaded = true;
        tx.send_replace(Early::Done);
        assert!(request.await.unwrap());

        // The id pass of these folders answers (here: a file it did not list has no references).
        let (state, tx) = waiting();
        write_state(&state).session.roots = vec!["/corpus".into()];
        tx.send_replace(Early::Ids(Arc::new(IdPass { roots: vec!["/corpus".into()], ..IdPass::default() })));
        assert!(matches!(references(&state, params()).await, Answer::Early(None, _)));

        // Installed: answered at once, without waiting.
        let (state, _tx) = waiting();
        write_state(&state).loaded = true;
        assert!(matches!(references(&state, params()).await, Answer::Index(_)));
    }
}
