//! The workspace on disk: indexing the folders (at start-up, when a folder is added, when a
//! `.seedls.json` changes), files changed on disk (`workspace/didChangeWatchedFiles`, or the
//! server's own watcher), folders removed, and the dynamic registrations.
//!
//! Changes apply in the handler, index builds in the background (see the handler rules in
//! `server`).

use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use rustc_hash::{FxHashMap, FxHashSet};
use tokio::sync::Notify;
use tokio::sync::watch::Sender;
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileChangeType, FileEvent, FileSystemWatcher, GlobPattern, MessageType,
    NumberOrString, Registration, WorkspaceFoldersChangeEvent,
};
use tower_lsp_server::{Bounded, Client, NotCancellable, OngoingProgress};

use crate::corpus::{self, Corpus, Keep};
use crate::idpass::IdPass;
use crate::lsp::caps::Session;
use crate::lsp::convert;
use crate::lsp::memory::return_free_memory;
use crate::lsp::refresh::{Refresh, refresh};
use crate::lsp::state::{Early, FirstBuild, State, catch, read_state, write_state};
use crate::lsp::watch;

/// What a client asked to be told, as globs: the corpus files of SPEC §1 and the per-root
/// configuration that decides which of them count.
pub const WATCHED: [&str; 5] = ["**/*.txt", "**/entities.tsv", "**/*.entities.tsv", "**/schema.tsv", "**/.seedls.json"];

/// How long to wait for the client to accept a progress token before indexing without one.
const PROGRESS_CREATE_TIMEOUT: Duration = Duration::from_secs(5);

/// The dynamic registrations the client supports: file watching, and configuration changes
/// for our section.
pub fn registrations(session: &Session) -> Vec<Registration> {
    let mut out = Vec::new();
    if session.workspace.watch_registration {
        let watchers = WATCHED
            .iter()
            .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_string()), kind: None })
            .collect();
        out.push(Registration {
            id: "seedls/watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions { watchers }).ok(),
        });
    }
    if session.workspace.configuration_registration {
        out.push(Registration {
            id: "seedls/configuration".into(),
            method: "workspace/didChangeConfiguration".into(),
            register_options: Some(serde_json::json!({ "section": "seedls" })),
        });
    }
    out
}

/// Work that follows `initialized`, each piece in a task of its own so that a client that
/// never answers one request delays nothing else.
pub fn start(client: &Client, state: &Arc<RwLock<State>>, wake: &Arc<Notify>) {
    let (session, warnings, pull) = {
        let mut st = write_state(state);
        let pull = st.session.workspace.configuration.then(|| {
            st.tracking.settings_changes += 1;
            st.tracking.settings_changes
        });
        (st.session.clone(), std::mem::take(&mut st.tracking.startup_warnings), pull)
    };
    // A client that cannot watch files for us: the server watches the folders itself (each
    // index build adds them before it reads them).
    if !session.workspace.watch_registration {
        watch::start(client, state, changed_on_disk(client, state, wake));
    }
    let registrations = registrations(&session);
    if !registrations.is_empty() {
        let (client, state, wake) = (client.clone(), state.clone(), wake.clone());
        tokio::spawn(async move {
            if let Err(err) = client.register_capability(registrations).await {
                let message = format!("seedls: the client refused to watch files: {}", err.message);
                client.log_message(MessageType::WARNING, message).await;
                if session.workspace.watch_registration {
                    watch::start(&client, &state, changed_on_disk(&client, &state, &wake));
                    let _ = tokio::task::spawn_blocking(move || watch::sync(&client, &state)).await;
                }
            }
        });
    }
    if !warnings.is_empty() {
        let client = client.clone();
        tokio::spawn(async move {
            for w in warnings {
                client.log_message(MessageType::WARNING, w).await;
            }
        });
    }
    // The client's configuration is the live one: it overrides `initializationOptions`.
    if let Some(change) = pull {
        tokio::spawn(crate::lsp::settings::pull(client.clone(), state.clone(), wake.clone(), change));
    }
    let early = early_channel(&mut write_state(state));
    tokio::spawn(index(client.clone(), state.clone(), wake.clone(), early));
}

// ---------------------------------------------------------------------------------------------
// Index builds.

/// What the server keeps of the files nobody edits: only what the index needs, positions in
/// the session's encoding (see [`Keep::Index`]).
pub fn lean(session: &Session) -> Keep {
    Keep::Index(session.encoding)
}

/// How long the full load waits for the answers to requests that waited for the id pass.
const ANSWERS_FIRST: Duration = Duration::from_millis(100);

/// Ids with at least this many uses have their usage computed with the index
/// ([`Corpus::warm`]): the first hover on an id with 100,000 uses would take milliseconds.
const PRIME_USES: usize = 1_000;

/// Indexes every workspace folder in parallel, reporting `$/progress` when the client supports
/// it, then installs the index and has diagnostics pushed and pulled again. Started at
/// `initialized`, when a folder is added, and when a root's `.seedls.json` changes.
pub async fn index(client: Client, state: Arc<RwLock<State>>, wake: Arc<Notify>, first: Option<FirstSender>) {
    // The build's end is told by dropping `ended`, which this task keeps whatever the load
    // does (a panic in it drops only `early`).
    let (early, ended) = first.map_or((None, None), |f| (Some(f.ids), Some(f.done)));
    let (session, today, build) = {
        let mut st = write_state(&state);
        st.tracking.builds += 1;
        (st.session.clone(), st.corpus.today, st.tracking.builds)
    };
    let (tx, mut rx) = tokio::sync::watch::channel((0usize, 0usize));
    let (roots, keep) = (session.roots.clone(), lean(&session));
    let (for_watch, watched) = (client.clone(), state.clone());
    let mut load = tokio::task::spawn_blocking(move || {
        let report = move |done: usize, total: usize| {
            tx.send_replace((done, total));
        };
        delay_for_tests();
        // The id pass walks the folders; the full load reads the files it listed.
        let (paths, errors) = match &early {
            Some(early) => match catch(|| IdPass::run(&roots)) {
                Ok(mut pass) => {
                    let found = (pass.paths(), std::mem::take(&mut pass.errors));
                    early.send_replace(Early::Ids(Arc::new(pass)));
                    // Requests that waited for the id pass hold a receiver until answered: let
                    // them have the cores before the load takes both (for a moment at most).
                    // Only references hold one: other requests wait on `done`.
                    let waited = std::time::Instant::now();
                    while early.receiver_count() > 1 && waited.elapsed() < ANSWERS_FIRST {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    found
                }
                Err(_) => {
                    early.send_replace(Early::Failed);
                    corpus::discover(&roots)
                }
            },
            None => corpus::discover(&roots),
        };
        // Before the files are read, so that a change after the read is seen (once the first
        // references are answered: a cold start's first answer does not wait for it).
        watch::sync(&for_watch, &watched);
        let (corpus, errors) = Corpus::new(roots, today).keeping(keep).load_discovered(paths, errors, Some(&report));
        // What the first requests would otherwise compute while the user waits.
        corpus.warm(PRIME_USES);
        return_free_memory();
        (corpus, errors, early)
    });
    // A token must be created before any `$/progress` for it, and only by clients that said
    // they accept `window/workDoneProgress/create`. Each build has its own: a client may
    // reject a token it has seen before. The index is built and installed whether or not the
    // client answers; progress is only shown once it has.
    let token = NumberOrString::String(format!("seedls/index/{build}"));
    let create_token = token.clone();
    let mut create = pin!(async {
        if !session.work_done_progress {
            return false;
        }
        let created = client.create_work_done_progress(create_token);
        matches!(tokio::time::timeout(PROGRESS_CREATE_TIMEOUT, created).await, Ok(Ok(())))
    });
    let mut created = None;
    let mut progress = None;
    let mut watching = true;
    let result = loop {
        tokio::select! {
            result = &mut load => break result,
            ok = &mut create, if created.is_none() => {
                created = Some(ok);
                if ok {
                    progress = Some(begin(&client, token.clone()).await);
                }
            }
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
        Ok((corpus, errors, early)) => {
            let files = corpus.files().count();
            let installed = catch(|| install(&mut write_state(&state), build, corpus));
            // Requests waiting for the index are answered from it.
            drop(ended);
            // Requests waiting on the id pass now answer from the index (and the id pass's
            // memory goes).
            if let Some(early) = early {
                let ids = early.send_replace(Early::Done);
                // A file record a corpus file: freed off the runtime's threads, and its pages
                // handed back (the walker threads that allocated them are gone). Before the
                // end of progress: a client that waits for it to ask finds the cores free.
                let _ = tokio::task::spawn_blocking(move || {
                    drop(ids);
                    return_free_memory();
                })
                .await;
            }
            match installed {
                Err(panic) => client.log_message(MessageType::ERROR, format!("seedls: indexing failed: {panic}")).await,
                Ok(false) => {}
                Ok(true) => {
                    for e in errors.iter().take(20) {
                        let message = format!("seedls: {}: {}", e.path.display(), e.message);
                        client.log_message(MessageType::WARNING, message).await;
                    }
                }
            }
            format!("{files} files")
        }
        Err(err) => {
            // Keep serving what we have (the open documents, or the previous index).
            {
                let mut st = write_state(&state);
                st.loaded = true;
                st.tracking.early = None;
                if st.tracking.builds == build {
                    st.tracking.installed = build;
                }
            }
            drop(ended);
            client.log_message(MessageType::ERROR, format!("seedls: indexing failed: {err}")).await;
            "failed".to_string()
        }
    };
    wake.notify_one();
    // Results computed before indexing are wrong; ask for new ones.
    refresh(&client, &session, Refresh::CORPUS);
    super::learning::relearn_all(&client, &state, &wake);
    // Progress is begun (late) and ended even for a build that beat the client's answer, so
    // a client waiting for the end of indexing sees it.
    if created.is_none() && create.await {
        progress = Some(begin(&client, token).await);
    }
    if let Some(p) = progress {
        p.finish_with_message(summary).await;
    }
}

/// The first build's ends of the channels of [`FirstBuild`].
pub struct FirstSender {
    ids: Sender<Early>,
    done: Sender<()>,
}

/// Before the first index is installed, a build runs the id pass first and publishes it, then
/// its end, on new channels. Made in the handler that starts the build, before its task runs:
/// a request that follows `initialized` must find the channels to wait on.
fn early_channel(st: &mut State) -> Option<FirstSender> {
    (!st.loaded).then(|| {
        let (ids, ids_rx) = tokio::sync::watch::channel(Early::Scanning);
        let (done, done_rx) = tokio::sync::watch::channel(());
        st.tracking.early = Some(FirstBuild { ids: ids_rx, done: done_rx });
        FirstSender { ids, done }
    })
}

/// `SEEDLS_TEST_INDEX_DELAY_MS`: tests make the index build start this much later, so that
/// requests surely arrive before it is installed. Unset, nothing changes.
fn delay_for_tests() {
    static DELAY: OnceLock<Option<Duration>> = OnceLock::new();
    let delay = DELAY.get_or_init(|| {
        let ms = std::env::var("SEEDLS_TEST_INDEX_DELAY_MS").ok()?;
        Some(Duration::from_millis(ms.parse().ok()?))
    });
    if let Some(delay) = delay {
        std::thread::sleep(*delay);
    }
}

async fn begin(client: &Client, token: NumberOrString) -> OngoingProgress<Bounded, NotCancellable> {
    client.progress(token, "Indexing").with_message("looking for seed files").with_percentage(0).begin().await
}

/// Installs a finished build, unless a newer one was started meanwhile. Folders removed and
/// files changed on disk while it ran are applied on top. Returns whether it was installed.
fn install(st: &mut State, build: u64, corpus: Corpus) -> bool {
    if st.tracking.builds != build {
        return false;
    }
    st.install(corpus);
    st.tracking.installed = build;
    st.tracking.early = None;
    // The build read the folders it was started with; some may be gone.
    st.corpus.roots = st.session.roots.clone();
    let outside: Vec<PathBuf> = st
        .corpus
        .files()
        .map(|(_, f)| f.path.clone())
        .filter(|p| !st.in_workspace(p) && !st.docs.contains_key(p))
        .collect();
    for path in outside {
        st.corpus.remove(&path);
    }
    let changed: Vec<PathBuf> = std::mem::take(&mut st.tracking.changed_during_build).into_iter().collect();
    sync_paths(st, &changed);
    true
}

// ---------------------------------------------------------------------------------------------
// Files changed on disk.

/// What a batch of file events asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The corpus changed: republish, refresh.
    pub changed: bool,
    /// A root's `.seedls.json` changed: which files belong to the corpus must be found again.
    pub rebuild: bool,
}

/// Applies `workspace/didChangeWatchedFiles`. Each path is judged again against the disk
/// rather than trusting the event's type (events coalesce and arrive late): a file discovery
/// would list is read and indexed; anything else leaves the corpus. Open documents keep the
/// editor's text. Nothing outside the workspace folders is read.
pub fn watched_files(st: &mut State, events: Vec<FileEvent>) -> Outcome {
    let mut out = Outcome::default();
    // The last event for a path wins; the order of first appearance is kept.
    let mut last: FxHashMap<PathBuf, FileChangeType> = FxHashMap::default();
    let mut order = Vec::new();
    for event in events {
        let Some(path) = convert::uri_to_path(&event.uri) else { continue };
        if !st.in_workspace(&path) {
            continue;
        }
        if last.insert(path.clone(), event.typ).is_none() {
            order.push(path);
        }
    }
    let mut paths = Vec::new();
    let mut folders = FxHashSet::default();
    for path in order {
        if path.file_name().is_some_and(|n| n == ".seedls.json") {
            // Discovery reads it only at a root.
            out.rebuild |= is_root_config(st, &path);
        } else if corpus::FileKind::of(&path).is_some() {
            paths.push(path);
        } else if last[&path] == FileChangeType::DELETED {
            // A folder, maybe: clients report its deletion, not each file's.
            folders.insert(path);
        }
    }
    // One pass over the corpus for all of them (a `git gc` deletes thousands of other files).
    if !folders.is_empty() {
        let under = |p: &&PathBuf| p.ancestors().skip(1).any(|a| folders.contains(a));
        paths.extend(st.corpus.files().map(|(_, f)| &f.path).filter(under).cloned());
    }
    if paths.is_empty() {
        return out;
    }
    if st.tracking.building() || !st.loaded {
        st.tracking.changed_during_build.extend(paths.iter().cloned());
    }
    // Before the first index there is nothing on disk to update: the build reads it all.
    if st.loaded {
        out.changed = sync_paths(st, &paths);
    }
    out
}

/// What the server's own watcher hands on (see `watch`): the events applied as a client's,
/// and events lost answered with a new index.
fn changed_on_disk(
    client: &Client,
    state: &Arc<RwLock<State>>,
    wake: &Arc<Notify>,
) -> impl Fn(Vec<FileEvent>, bool) + Send + 'static {
    let (client, state, wake) = (client.clone(), state.clone(), wake.clone());
    move |events, lost| {
        let mut outcome = Outcome::default();
        if !events.is_empty() {
            let applied = catch(|| outcome = watched_files(&mut write_state(&state), events));
            if let Err(panic) = applied {
                let client = client.clone();
                let message = format!("seedls: files changed on disk: {panic}");
                tokio::spawn(async move { client.log_message(MessageType::WARNING, message).await });
            }
            wake.notify_one();
        }
        outcome.rebuild |= lost;
        follow_up(&client, &state, &wake, outcome);
    }
}

/// Brings the corpus in line with the disk for `paths`: a file discovery would list is read
/// and indexed, anything else is dropped. Returns whether the corpus changed.
fn sync_paths(st: &mut State, paths: &[PathBuf]) -> bool {
    if paths.is_empty() {
        return false;
    }
    let admitted: FxHashSet<PathBuf> =
        corpus::admitted(&st.session.roots, paths).into_iter().map(|(path, _)| path).collect();
    let mut changed = false;
    for path in paths {
        let on_disk = admitted.contains(path);
        if let Some(doc) = st.docs.get_mut(path) {
            // The editor's text wins while the file is open; closing it goes back to the disk
            // only if the file still belongs to the corpus.
            doc.on_disk = on_disk;
            continue;
        }
        let read = if on_disk { std::fs::read(path).ok() } else { None };
        changed |= match read {
            Some(bytes) => st.corpus.set_text(path, &bytes).is_some(),
            None => st.corpus.remove(path).is_some(),
        };
    }
    if changed {
        st.generation += 1;
    }
    changed
}

// ---------------------------------------------------------------------------------------------
// Workspace folders.

/// Applies `workspace/didChangeWorkspaceFolders`. Files only a removed folder held leave at
/// once (open documents stay while open); returns whether folders were added, which needs a
/// background build.
pub fn change_folders(st: &mut State, event: WorkspaceFoldersChangeEvent) -> Outcome {
    let removed: Vec<PathBuf> = event.removed.iter().filter_map(|f| convert::uri_to_path(&f.uri)).collect();
    let added: Vec<PathBuf> = event.added.iter().filter_map(|f| convert::uri_to_path(&f.uri)).collect();
    st.session.roots.retain(|r| !removed.contains(r));
    let mut rebuild = false;
    for root in added {
        if !st.session.roots.contains(&root) {
            st.session.roots.push(root);
            rebuild = true;
        }
    }
    st.corpus.roots = st.session.roots.clone();
    let mut changed = false;
    if !removed.is_empty() {
        let candidates: Vec<PathBuf> = st
            .corpus
            .files()
            .map(|(_, f)| f.path.clone())
            .filter(|p| removed.iter().any(|r| p.starts_with(r)) && !st.docs.contains_key(p))
            .collect();
        // A file may still belong to another folder (nested folders), by that folder's rules.
        let kept: FxHashSet<PathBuf> =
            corpus::admitted(&st.session.roots, &candidates).into_iter().map(|(p, _)| p).collect();
        for path in candidates.iter().filter(|p| !kept.contains(*p)) {
            changed |= st.corpus.remove(path).is_some();
        }
        for (path, doc) in st.docs.iter_mut() {
            if !st.session.roots.iter().any(|r| path.starts_with(r)) {
                doc.on_disk = false;
            }
        }
    }
    if changed {
        st.generation += 1;
    }
    Outcome { changed, rebuild }
}

/// Whether `path` is a workspace folder's `.seedls.json`.
pub fn is_root_config(st: &State, path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == ".seedls.json")
        && path.parent().is_some_and(|dir| st.session.roots.iter().any(|r| r == dir))
}

/// What follows a handler that changed the workspace: refresh requests, and a background
/// build when the set of files must be found again.
pub fn follow_up(client: &Client, state: &Arc<RwLock<State>>, wake: &Arc<Notify>, outcome: Outcome) {
    if outcome.changed {
        let session = read_state(state).session.clone();
        refresh(client, &session, Refresh::CORPUS);
        super::learning::relearn_all(client, state, wake);
    }
    if outcome.rebuild {
        let early = early_channel(&mut write_state(state));
        tokio::spawn(index(client.clone(), state.clone(), wake.clone(), early));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_on(root: &Path) -> State {
        let today = crate::syntax::header::Date { year: 2024, month: 6, day: Some(15) };
        let mut st = State::new(today);
        st.session.roots = vec![root.to_path_buf()];
        st.corpus = Corpus::new(st.session.roots.clone(), today);
        st
    }

    fn created(path: &Path) -> FileEvent {
        FileEvent::new(convert::path_to_uri(path).unwrap(), FileChangeType::CREATED)
    }

    fn paths(st: &State) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = st.corpus.files().map(|(_, f)| f.path.clone()).collect();
        paths.sort();
        paths
    }

    #[test]
    fn files_changed_while_a_build_runs_are_read_again_on_top_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), " date 2022-01\n").unwrap();
        let mut st = state_on(root);
        st.tracking.builds = 1;
        // The build reads the folder before `b.txt` exists...
        let snapshot = Corpus::load(st.session.roots.clone(), st.corpus.today, None).0;
        std::fs::write(root.join("b.txt"), " date 2022-02\n").unwrap();
        // ...and the event arrives before it is installed: noted, not applied to the empty corpus.
        let outcome = watched_files(&mut st, vec![created(&root.join("b.txt"))]);
        assert_eq!(outcome, Outcome::default());
        assert!(paths(&st).is_empty());
        assert!(install(&mut st, 1, snapshot));
        assert_eq!(paths(&st), [root.join("a.txt"), root.join("b.txt")]);
        assert!(!st.tracking.building() && st.tracking.changed_during_build.is_empty());
    }

    #[test]
    fn an_older_build_is_dropped_and_removed_folders_stay_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("one"), dir.path().join("two"));
        for d in [&one, &two] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("a.txt"), " date 2022-01\n").unwrap();
        }
        let mut st = state_on(&one);
        st.session.roots.push(two.clone());
        let both = Corpus::load(st.session.roots.clone(), st.corpus.today, None).0;
        let older = Corpus::load(st.session.roots.clone(), st.corpus.today, None).0;
        st.tracking.builds = 2;
        assert!(!install(&mut st, 1, older));
        assert!(!st.loaded);
        // Folder `two` removed while build 2 ran: its files do not come back with it.
        let folder = |p: &Path| tower_lsp_server::ls_types::WorkspaceFolder {
            uri: convert::path_to_uri(p).unwrap(),
            name: String::new(),
        };
        let event = WorkspaceFoldersChangeEvent { added: vec![], removed: vec![folder(&two)] };
        assert_eq!(change_folders(&mut st, event), Outcome::default());
        assert!(install(&mut st, 2, both));
        assert_eq!(paths(&st), [one.join("a.txt")]);
        assert_eq!(st.corpus.roots, [one]);
    }

    #[test]
    fn registrations_follow_dynamic_registration_support() {
        let mut session = Session::default();
        assert!(registrations(&session).is_empty());
        session.workspace.watch_registration = true;
        let regs = registrations(&session);
        assert_eq!(regs.len(), 1);
        assert_eq!(regs[0].method, "workspace/didChangeWatchedFiles");
        let globs: Vec<&str> = regs[0].register_options.as_ref().unwrap()["watchers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["globPattern"].as_str().unwrap())
            .collect();
        assert_eq!(globs, WATCHED);
        session.workspace.configuration_registration = true;
        assert_eq!(registrations(&session)[1].method, "workspace/didChangeConfiguration");
    }
}
