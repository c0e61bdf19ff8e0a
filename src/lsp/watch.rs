//! Files changed on disk, seen by the server itself when the client cannot watch them for it:
//! it offers no dynamic registration of `workspace/didChangeWatchedFiles` (Neovim on Linux), or
//! refuses ours. The workspace folders are watched with `notify` (inotify, FSEvents, …;
//! symbolic links never followed), and what changed becomes the `FileEvent`s a client would
//! send, handed to the caller of [`start`] (`workspace`, which applies them as a client's: the
//! same discovery rules, `corpus::admitted`, nothing read outside the folders).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use rustc_hash::FxHashMap;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{FileChangeType, FileEvent, MessageType};

use crate::corpus::FileKind;
use crate::lsp::convert;
use crate::lsp::state::{State, Watch, read_state, write_state};

/// Events are applied once they have stopped for this long (an editor's save, a `git checkout`,
/// come as bursts), or this long after the first of a burst that goes on.
const QUIET: Duration = Duration::from_millis(50);
const LONGEST: Duration = Duration::from_millis(500);

/// What the watcher reports.
#[derive(Debug)]
enum Seen {
    /// Something happened at `path`; `appeared` when it was created or moved in: a folder moved
    /// in comes as one event, not one a file.
    Path { path: PathBuf, appeared: bool },
    /// Events were lost (the kernel's queue overflowed): the workspace is indexed again.
    Lost,
    /// The watcher failed, e.g. the system's limit of watches reached on a new folder.
    Failed(String),
}

/// Starts watching for the session, unless it already is. The folders are added by [`sync`]
/// (each index build calls it before reading them). Each burst of changes goes to `changed`:
/// the events a client would send, and whether events were lost (the workspace must be indexed
/// again). A watcher that cannot start is logged; the server goes on without it.
pub fn start(client: &Client, state: &Arc<RwLock<State>>, changed: impl Fn(Vec<FileEvent>, bool) + Send + 'static) {
    if read_state(state).tracking.watch.is_some() {
        return;
    }
    let (tx, rx) = unbounded_channel();
    let config = notify::Config::default().with_follow_symlinks(false);
    match RecommendedWatcher::new(move |event| forward(&tx, event), config) {
        Ok(watcher) => {
            let watch = Watch { watcher, watched: Vec::new() };
            write_state(state).tracking.watch = Some(Arc::new(Mutex::new(watch)));
            tokio::spawn(apply(rx, client.clone(), state.clone(), changed));
        }
        Err(err) => log(client, vec![failure(None, &err)]),
    }
}

/// Watches the workspace folders as they are now, and no others. Adding a folder walks its
/// subfolders: call from a blocking thread. A folder that cannot be watched is logged, and
/// tried again the next time.
pub fn sync(client: &Client, state: &RwLock<State>) {
    let (watch, roots) = {
        let st = read_state(state);
        (st.tracking.watch.clone(), st.session.roots.clone())
    };
    let Some(watch) = watch else { return };
    let mut watch = watch.lock().unwrap_or_else(PoisonError::into_inner);
    let Watch { watcher, watched } = &mut *watch;
    let gone: Vec<PathBuf> = watched.extract_if(.., |r| !roots.contains(r)).collect();
    for root in &gone {
        let _ = watcher.unwatch(root);
    }
    // Unwatching a folder drops the watches below it, which a nested folder still needs.
    let nested = |r: &PathBuf| gone.iter().any(|g| g.starts_with(r) || r.starts_with(g));
    watched.retain(|r| !nested(r));
    let mut failures = Vec::new();
    let new: Vec<&PathBuf> = roots.iter().filter(|r| !watched.contains(r)).collect();
    for root in new {
        match watcher.watch(root, RecursiveMode::Recursive) {
            Ok(()) => watched.push(root.clone()),
            Err(err) => failures.push(failure(Some(root), &err)),
        }
    }
    log(client, failures);
}

/// Runs on the watcher's thread: keeps what may change the corpus. Opening a file is an event
/// too (inotify), so the server's own reads are dropped here.
fn forward(tx: &UnboundedSender<Seen>, event: notify::Result<notify::Event>) {
    let event = match event {
        Ok(event) => event,
        Err(err) => {
            let _ = tx.send(Seen::Failed(failure(None, &err)));
            return;
        }
    };
    if event.need_rescan() {
        let _ = tx.send(Seen::Lost);
        return;
    }
    if matches!(event.kind, EventKind::Access(kind) if kind != AccessKind::Close(AccessMode::Write)) {
        return;
    }
    let kind = event.kind;
    for (i, path) in event.paths.into_iter().enumerate() {
        let appeared = match kind {
            EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => true,
            // The paths of a rename: from, to.
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => i == 1,
            _ => false,
        };
        let _ = tx.send(Seen::Path { path, appeared });
    }
}

/// Hands bursts of events on as they come, until the watcher is dropped.
async fn apply(
    mut rx: UnboundedReceiver<Seen>,
    client: Client,
    state: Arc<RwLock<State>>,
    changed: impl Fn(Vec<FileEvent>, bool),
) {
    while let Some(first) = rx.recv().await {
        let mut burst = Burst::default();
        burst.add(first);
        let end = Instant::now() + LONGEST;
        loop {
            let wait = QUIET.min(end.saturating_duration_since(Instant::now()));
            match tokio::time::timeout(wait, rx.recv()).await {
                Ok(Some(seen)) => burst.add(seen),
                Ok(None) | Err(_) => break,
            }
        }
        log(&client, std::mem::take(&mut burst.failures));
        let lost = burst.lost;
        let roots = read_state(&state).session.roots.clone();
        // Reading the disk: off the runtime's threads.
        let Ok(events) = tokio::task::spawn_blocking(move || burst.events(&roots)).await else { continue };
        changed(events, lost);
    }
}

/// The events of one burst, each path once, in the order first seen.
#[derive(Debug, Default)]
struct Burst {
    paths: Vec<PathBuf>,
    appeared: FxHashMap<PathBuf, bool>,
    lost: bool,
    failures: Vec<String>,
}

impl Burst {
    fn add(&mut self, seen: Seen) {
        match seen {
            Seen::Path { path, appeared } => match self.appeared.get_mut(&path) {
                Some(a) => *a |= appeared,
                None => {
                    self.appeared.insert(path.clone(), appeared);
                    self.paths.push(path);
                }
            },
            Seen::Lost => self.lost = true,
            Seen::Failed(message) => self.failures.push(message),
        }
    }

    /// What a client would report, judged on the disk now: a path gone is deleted (a folder's
    /// files with it), a file there changed or created; a folder that appeared brings its files.
    /// Paths outside `roots`, or hidden below one (`.git`), never hold corpus files: dropped.
    fn events(self, roots: &[PathBuf]) -> Vec<FileEvent> {
        let mut out = Vec::new();
        let mut push = |path: &Path, typ| {
            if let Some(uri) = convert::path_to_uri(path) {
                out.push(FileEvent::new(uri, typ));
            }
        };
        for path in self.paths.iter().filter(|p| visible(roots, p)) {
            let appeared = self.appeared[path];
            match std::fs::symlink_metadata(path) {
                Err(_) => push(path, FileChangeType::DELETED),
                Ok(m) if m.is_dir() => {
                    if appeared {
                        for file in files_under(path) {
                            push(&file, FileChangeType::CREATED);
                        }
                    }
                }
                Ok(_) if appeared => push(path, FileChangeType::CREATED),
                Ok(_) => push(path, FileChangeType::CHANGED),
            }
        }
        out
    }
}

/// Whether `path` is inside a root with no hidden name on the way (a root's `.seedls.json` is
/// seen).
fn visible(roots: &[PathBuf], path: &Path) -> bool {
    let hidden = |c: std::path::Component| c.as_os_str().to_string_lossy().starts_with('.');
    roots.iter().any(|root| {
        path.strip_prefix(root).is_ok_and(|rel| rel == Path::new(".seedls.json") || !rel.components().any(hidden))
    })
}

/// The corpus files below a folder that appeared, as far as names tell: hidden entries and
/// symbolic links skipped, as discovery does (which then judges each one).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_dir() {
                todo.push(path);
            } else if kind.is_file() && FileKind::of(&path).is_some() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A clear message for a watcher or a folder that cannot be watched.
fn failure(root: Option<&Path>, err: &notify::Error) -> String {
    let what = match root {
        Some(root) => format!("cannot watch {} for changes on disk", root.display()),
        None => "cannot watch the workspace for changes on disk".to_string(),
    };
    let limit = match &err.kind {
        notify::ErrorKind::MaxFilesWatch => Some("fs.inotify.max_user_watches"),
        notify::ErrorKind::Io(io) if io.raw_os_error() == Some(24) => Some("fs.inotify.max_user_instances"),
        _ => None,
    };
    let why = match limit {
        Some(setting) => format!("the system's limit is reached (on Linux, raise {setting})"),
        None => err.to_string(),
    };
    format!("seedls: {what}: {why}; files changed outside the editor are seen once the server restarts")
}

fn log(client: &Client, messages: Vec<String>) {
    if messages.is_empty() {
        return;
    }
    let client = client.clone();
    tokio::spawn(async move {
        for message in messages {
            client.log_message(MessageType::WARNING, message).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watcher_that_cannot_start_says_why_and_what_to_do() {
        let limit = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let message = failure(Some(Path::new("/corpus")), &limit);
        assert_eq!(
            message,
            "seedls: cannot watch /corpus for changes on disk: the system's limit is reached (on Linux, raise \
             fs.inotify.max_user_watches); files changed outside the editor are seen once the server restarts"
        );
        let instances = notify::Error::io(std::io::Error::from_raw_os_error(24));
        assert!(failure(None, &instances).contains("raise fs.inotify.max_user_instances"));
        let other = notify::Error::path_not_found();
        assert!(failure(None, &other).starts_with("seedls: cannot watch the workspace for changes on disk: "));
    }

    /// A path is judged on the disk when the burst is applied, whatever the events said.
    #[test]
    fn a_burst_becomes_the_events_a_client_would_send() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("kept.txt"), "").unwrap();
        std::fs::create_dir_all(root.join("moved/in/.hidden")).unwrap();
        for file in ["moved/a.txt", "moved/in/b.txt", "moved/in/notes.md", "moved/in/.hidden/c.txt"] {
            std::fs::write(root.join(file), "").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("kept.txt"), root.join("moved/link.txt")).unwrap();
        let mut burst = Burst::default();
        let seen = |path: &str, appeared| Seen::Path { path: root.join(path), appeared };
        burst.add(seen("kept.txt", false));
        burst.add(seen("gone.txt", true));
        burst.add(seen("moved", true));
        burst.add(seen("kept.txt", true));
        burst.add(seen(".git/index", false));
        burst.add(seen(".seedls.json", false));
        burst.add(Seen::Path { path: root.with_file_name("elsewhere.txt"), appeared: true });
        burst.add(Seen::Lost);
        assert!(burst.lost);
        let events: Vec<(String, FileChangeType)> = burst
            .events(&[root.to_path_buf()])
            .into_iter()
            .map(|e| {
                let path = convert::uri_to_path(&e.uri).unwrap();
                (path.strip_prefix(root).unwrap().display().to_string(), e.typ)
            })
            .collect();
        let want = [
            ("kept.txt", FileChangeType::CREATED),
            ("gone.txt", FileChangeType::DELETED),
            ("moved/a.txt", FileChangeType::CREATED),
            ("moved/in/b.txt", FileChangeType::CREATED),
            (".seedls.json", FileChangeType::DELETED),
        ];
        assert_eq!(events, want.map(|(p, t)| (p.to_string(), t)));
    }
}
