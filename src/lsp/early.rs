//! Requests that arrive before the first index is installed (SPEC §8 "Start-up").
//!
//! Until the index is in, the corpus holds only the open documents: no registry, no schema, none
//! of the files about to be indexed. No request is answered from that. Every request waits,
//! without the state lock, until the index is installed (or the build ends without one, when
//! what there is answers), and is then answered as usual ([`indexed`]). While it waits,
//! `didOpen`/`didChange` still apply at once: a waiting request holds one of the server's
//! concurrency slots, so at most [`MAX_WAITING`] wait (see [`CONCURRENCY`]), the others are
//! answered ServerCancelled with `retriggerRequest`. A request whose document changed while it
//! waited is answered ContentModified: its position belongs to a text that is gone.
//!
//! References are answered sooner, from the id pass (see `crate::idpass`): a cold start's first
//! answer, exactly the one the index will give. The id under the cursor comes from the open
//! document, or from the file on disk parsed on its own; occurrences come from the id pass for
//! files on disk and from the corpus for open documents (before the index is installed the
//! corpus holds exactly them, with the editor's text), so edits made meanwhile are reflected.

use std::path::Path;
use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;
use tokio::sync::watch::Receiver;

use tower_lsp_server::jsonrpc::{Error, ErrorCode};
use tower_lsp_server::ls_types::{Location, Position, Range, ReferenceParams, Uri};

use crate::corpus::{Corpus, OccurrenceKind, path_order};
use crate::ide;
use crate::idpass::IdPass;
use crate::lsp::convert;
use crate::lsp::state::{Early, FirstBuild, State, catch, read_state};

/// How many messages may be in flight at once. Handlers finish in their first poll once the
/// first index is in; before, requests wait for it, each holding a slot, and a message finds no
/// slot until one is freed. So there are many, and at most [`MAX_WAITING`] of them wait: the
/// rest carry `didOpen`, `didChange`, cancellations and the other requests meanwhile. A slot is
/// never held waiting for the client.
pub const CONCURRENCY: usize = 256;

/// How many requests may wait for the first index at once: each holds a concurrency slot until
/// the index is in, and the slots left must carry every other message meanwhile.
pub const MAX_WAITING: usize = CONCURRENCY * 3 / 4;

/// The requests waiting for the first index.
#[derive(Debug, Default)]
pub struct Waiting(AtomicUsize);

/// One waiting request's place, given back when dropped.
struct Slot<'a>(&'a AtomicUsize);

impl Waiting {
    fn take(&self) -> Option<Slot<'_>> {
        let n = &self.0;
        n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |w| (w < MAX_WAITING).then_some(w + 1)).ok()?;
        Some(Slot(n))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// LSP's ServerCancelled, asking the client to ask again: the answer to a request that cannot
/// be answered exactly now and cannot wait.
pub fn not_ready() -> Error {
    Error {
        code: ErrorCode::ServerError(-32802),
        message: "seedls is still indexing the workspace".into(),
        data: Some(json!({ "retriggerRequest": true })),
    }
}

/// LSP's ContentModified: the document changed while the request waited for the index.
fn modified() -> Error {
    Error {
        code: ErrorCode::ContentModified,
        message: "the document changed while seedls indexed the workspace".into(),
        data: None,
    }
}

/// Where a request stands with respect to the first index: `None` when it is installed (or
/// there is none to wait for), else the build to wait for and the version of the request's
/// document as the request saw it.
fn pending(state: &RwLock<State>, doc: Option<&Uri>) -> Option<(FirstBuild, Option<Version>)> {
    let st = read_state(state);
    match &st.tracking.early {
        Some(build) if !st.loaded => Some((build.clone(), doc.map(|uri| version(&st, uri)))),
        _ => None,
    }
}

/// A document as a request saw it: its path and version (`None`: not open).
type Version = (Option<std::path::PathBuf>, Option<i32>);

fn version(st: &State, uri: &Uri) -> Version {
    let path = convert::uri_to_path(uri);
    let version = path.as_deref().and_then(|p| st.version(p));
    (path, version)
}

/// Whether the request's document is still as the request saw it.
fn unchanged(state: &RwLock<State>, seen: &Option<Version>) -> bool {
    let st = read_state(state);
    seen.as_ref().is_none_or(|(path, v)| path.as_deref().and_then(|p| st.version(p)) == *v)
}

/// Waits until the first index is installed or the build ends without one (its `done` channel
/// closes, even if it panicked). A newer build (a folder added before the first index was in)
/// replaces the first: followed, a few times at most.
async fn until_done(state: &RwLock<State>, mut done: Receiver<()>) {
    for _ in 0..8 {
        // Nothing is ever sent: this returns when the channel closes.
        while done.changed().await.is_ok() {}
        let st = read_state(state);
        match &st.tracking.early {
            Some(next) if !st.loaded && !next.done.same_channel(&done) => done = next.done.clone(),
            _ => return,
        }
    }
}

/// Waits, while the first index is not installed, until it is (or the build ends without
/// one). `Ok` when the request may be answered from the state now; else the error to answer
/// with. `doc` is the request's document, whose version must not change while it waits.
///
/// Returns without an `.await` when the index is in, so the handler stays in its first poll.
pub async fn indexed(state: &RwLock<State>, waiting: &Waiting, doc: Option<&Uri>) -> Result<(), Error> {
    let Some((build, seen)) = pending(state, doc) else { return Ok(()) };
    let Some(_slot) = waiting.take() else { return Err(not_ready()) };
    until_done(state, build.done).await;
    // Handlers are polled one at a time, so no change lands between this check and the answer.
    if unchanged(state, &seen) { Ok(()) } else { Err(modified()) }
}

/// How a references request is answered.
pub enum Answer {
    /// From the id pass; the full load waits (a moment) while the receiver is held, so the
    /// caller holds it until the answer is printed.
    Early(Option<Vec<Location>>, Receiver<Early>),
    /// From the index (installed, or the build ended without one): answer as usual.
    Index(ReferenceParams),
    /// Not answered: too many requests wait, or the document changed while this one waited.
    Refused(Error),
}

/// Waits for the first build's id pass when the index is not installed yet, and answers from
/// it. Never waits on a build that cannot end: a dropped channel means answer as usual.
pub async fn references(state: &RwLock<State>, waiting: &Waiting, params: ReferenceParams) -> Answer {
    let uri = &params.text_document_position.text_document.uri;
    let Some((FirstBuild { ids: mut rx, done }, seen)) = pending(state, Some(uri)) else {
        return Answer::Index(params);
    };
    let Some(_slot) = waiting.take() else { return Answer::Refused(not_ready()) };
    if let Ok(Early::Ids(pass)) = rx.wait_for(|p| !matches!(p, Early::Scanning)).await.map(|p| p.clone()) {
        if !unchanged(state, &seen) {
            return Answer::Refused(modified());
        }
        // A panic here, or folders changed since the id pass ran, leave the answer to the index.
        if let Ok(Some(found)) = catch(|| from_id_pass(&read_state(state), &pass, &params)) {
            return Answer::Early(found, rx);
        }
    }
    // The full load waits while references hold a receiver of the id pass: let it go.
    drop(rx);
    until_done(state, done).await;
    if unchanged(state, &seen) { Answer::Index(params) } else { Answer::Refused(modified()) }
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
            push(&file.path, convert::line_col_range(o.start(enc), o.end(enc)));
        }
    }
    if let Some(sym) = st.corpus.sym(&id) {
        let occurrences = st.corpus.occurrences(sym).iter();
        for o in occurrences.filter(|o| include || o.kind() != OccurrenceKind::RegistryRow) {
            push(st.corpus.file(o.file).path.as_path(), convert::range_of(st, o.file, st.corpus.range(sym, o)));
        }
    }
    groups.sort_by(|a, b| path_order(a.0, b.0));
    let mut out = Vec::new();
    for (path, ranges) in groups {
        if let Some(uri) = convert::uri(st, path) {
            out.extend(ranges.into_iter().map(|range| Location { uri: uri.clone(), range }));
        }
    }
    Some(Some(out))
}

/// The id under the cursor: from the open document, else from the file on disk (one the index
/// will hold, so inside the workspace folders) parsed on its own.
fn id_at(st: &State, pass: &IdPass, uri: &tower_lsp_server::ls_types::Uri, pos: Position) -> Option<String> {
    if convert::file(st, uri).is_some() {
        let (file, offset) = convert::locate(st, uri, pos)?;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::sync::watch::{Sender, channel};
    use tower_lsp_server::ls_types::{ReferenceContext, TextDocumentIdentifier, TextDocumentPositionParams};

    use super::*;
    use crate::lsp::state::{Document, write_state};
    use crate::syntax::header::Date;

    const URI: &str = "file:///corpus/a.txt";

    fn params() -> ReferenceParams {
        ReferenceParams {
            text_document_position: TextDocumentPositionParams {
                text_document: TextDocumentIdentifier { uri: URI.parse().unwrap() },
                position: Position::new(0, 0),
            },
            context: ReferenceContext { include_declaration: true },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        }
    }

    /// The first build's ends of its channels.
    struct Build {
        ids: Sender<Early>,
        done: Sender<()>,
    }

    /// A first build that requests wait on.
    fn building(state: &RwLock<State>) -> Build {
        let (ids, ids_rx) = channel(Early::Scanning);
        let (done, done_rx) = channel(());
        write_state(state).tracking.early = Some(FirstBuild { ids: ids_rx, done: done_rx });
        Build { ids, done }
    }

    fn waiting() -> (Arc<RwLock<State>>, Build) {
        let state = Arc::new(RwLock::new(State::new(Date { year: 2024, month: 6, day: Some(15) })));
        let build = building(&state);
        (state, build)
    }

    /// What the build does once its index is installed.
    fn install(state: &RwLock<State>, build: Build) {
        write_state(state).loaded = true;
        build.ids.send_replace(Early::Done);
        drop(build.done);
    }

    /// A references request in a task of its own: whether the index answers it.
    fn answered_by_index(state: &Arc<RwLock<State>>, waiting: &Arc<Waiting>) -> tokio::task::JoinHandle<bool> {
        let (state, waiting) = (state.clone(), waiting.clone());
        tokio::spawn(async move { matches!(references(&state, &waiting, params()).await, Answer::Index(_)) })
    }

    /// Any other request in a task of its own: what waiting for the index gave.
    fn indexed_in_task(
        state: &Arc<RwLock<State>>,
        waiting: &Arc<Waiting>,
    ) -> tokio::task::JoinHandle<Result<(), Error>> {
        let (state, waiting) = (state.clone(), waiting.clone());
        tokio::spawn(async move { indexed(&state, &waiting, Some(&URI.parse().unwrap())).await })
    }

    async fn still_waiting<T>(request: &tokio::task::JoinHandle<T>) -> bool {
        tokio::time::sleep(Duration::from_millis(20)).await;
        !request.is_finished()
    }

    /// Whatever goes wrong with the id pass, the request ends up answered by the index.
    #[tokio::test]
    async fn a_failed_or_stale_id_pass_leaves_the_answer_to_the_index() {
        let slots = Arc::new(Waiting::default());
        // The load panicked, dropping the id pass's channel: the request waits for the build's
        // end, not for an id pass that will never come.
        let (state, build) = waiting();
        let request = answered_by_index(&state, &slots);
        assert!(still_waiting(&request).await, "waits while the id pass runs");
        drop(build.ids);
        assert!(still_waiting(&request).await, "waits for the end of the build");
        write_state(&state).loaded = true;
        drop(build.done);
        assert!(request.await.unwrap());

        // The id pass failed: the request waits for the index.
        let (state, build) = waiting();
        let request = answered_by_index(&state, &slots);
        build.ids.send_replace(Early::Failed);
        assert!(still_waiting(&request).await, "waits for the index after a failed id pass");
        install(&state, build);
        assert!(request.await.unwrap());

        // An id pass of other folders than the workspace's now: the index answers.
        let (state, build) = waiting();
        write_state(&state).session.roots = vec!["/corpus".into()];
        let request = answered_by_index(&state, &slots);
        build.ids.send_replace(Early::Ids(Arc::new(IdPass { roots: vec!["/elsewhere".into()], ..IdPass::default() })));
        assert!(still_waiting(&request).await, "waits for the index");
        install(&state, build);
        assert!(request.await.unwrap());

        // The id pass of these folders answers (here: a file it did not list has no references).
        let (state, build) = waiting();
        write_state(&state).session.roots = vec!["/corpus".into()];
        build.ids.send_replace(Early::Ids(Arc::new(IdPass { roots: vec!["/corpus".into()], ..IdPass::default() })));
        assert!(matches!(references(&state, &slots, params()).await, Answer::Early(None, _)));

        // Installed: answered at once, without waiting.
        let (state, build) = waiting();
        write_state(&state).loaded = true;
        assert!(matches!(references(&state, &slots, params()).await, Answer::Index(_)));
        drop(build);
        assert_eq!(slots.0.load(Ordering::SeqCst), 0, "every slot given back");
    }

    /// Other requests wait for the end of the build, following a newer build that replaces the
    /// first, and are answered from what there is when the build ends without an index.
    #[tokio::test]
    async fn requests_wait_for_the_end_of_the_first_build() {
        let slots = Arc::new(Waiting::default());
        let (state, first) = waiting();
        let request = indexed_in_task(&state, &slots);
        first.ids.send_replace(Early::Ids(Arc::new(IdPass::default())));
        assert!(still_waiting(&request).await, "the id pass is not the index");
        // A folder added: a newer build replaces the first, which ends without installing.
        let second = building(&state);
        drop(first);
        assert!(still_waiting(&request).await, "waits for the newer build");
        install(&state, second);
        assert_eq!(request.await.unwrap(), Ok(()));

        // A build that ends without an index (it panicked): answered from what there is.
        let (state, build) = waiting();
        let request = indexed_in_task(&state, &slots);
        assert!(still_waiting(&request).await);
        drop(build);
        assert_eq!(request.await.unwrap(), Ok(()));

        // No build to wait for, or the index in: at once, without a slot.
        let (state, build) = waiting();
        write_state(&state).loaded = true;
        assert_eq!(indexed(&state, &slots, None).await, Ok(()));
        drop(build);
        assert_eq!(slots.0.load(Ordering::SeqCst), 0);
    }

    /// A request whose document changed while it waited is not answered from the new text.
    #[tokio::test]
    async fn a_document_changed_while_waiting_is_content_modified() {
        let slots = Arc::new(Waiting::default());
        let (state, build) = waiting();
        let open = |version| {
            let doc = Document::new(URI.parse().unwrap(), version, " date 2022-01\n".into(), false);
            write_state(&state).open("/corpus/a.txt".into(), doc);
        };
        open(1);
        let request = indexed_in_task(&state, &slots);
        let other = tokio::spawn({
            let (state, slots) = (state.clone(), slots.clone());
            async move { indexed(&state, &slots, Some(&"file:///corpus/b.txt".parse().unwrap())).await }
        });
        let references = {
            let (state, slots) = (state.clone(), slots.clone());
            tokio::spawn(async move { references(&state, &slots, params()).await })
        };
        assert!(still_waiting(&request).await);
        open(2);
        install(&state, build);
        assert_eq!(request.await.unwrap().unwrap_err().code, ErrorCode::ContentModified);
        assert!(matches!(references.await.unwrap(), Answer::Refused(e) if e.code == ErrorCode::ContentModified));
        assert_eq!(other.await.unwrap(), Ok(()), "another document's change does not matter");
    }

    /// Past [`MAX_WAITING`] requests, the next is asked to come again rather than take a slot
    /// the messages that follow need.
    #[tokio::test]
    async fn too_many_waiting_are_asked_to_retry() {
        let slots = Arc::new(Waiting::default());
        let (state, build) = waiting();
        let requests: Vec<_> = (0..MAX_WAITING).map(|_| indexed_in_task(&state, &slots)).collect();
        while slots.0.load(Ordering::SeqCst) < MAX_WAITING {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let refused = indexed(&state, &slots, None).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::ServerError(-32802));
        assert_eq!(refused.data, Some(json!({ "retriggerRequest": true })));
        assert!(matches!(references(&state, &slots, params()).await, Answer::Refused(_)));
        install(&state, build);
        for request in requests {
            assert_eq!(request.await.unwrap(), Ok(()));
        }
        assert_eq!(slots.0.load(Ordering::SeqCst), 0);
    }
}
