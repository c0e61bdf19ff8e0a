//! What the server knows: the session, the settings, the corpus and the open documents, the
//! bookkeeping of background work, all behind one lock. Offsets only: protocol positions are
//! converted by `convert`.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use notify::RecommendedWatcher;
use ropey::Rope;
use rustc_hash::{FxHashMap, FxHashSet};
use tokio::sync::watch::Receiver;
use tower_lsp_server::ls_types::Uri;

use crate::analysis::Caches;
use crate::corpus::{Changed, Corpus};
use crate::idpass::IdPass;
use crate::lsp::caps::Session;
use crate::syntax::header::Date;
use crate::text::{LineIndex, TextRange};

/// An open document: the editor's text, which wins over the file on disk while it is open.
pub struct Document {
    /// The URI exactly as the client sent it: diagnostics and edits must use the client's
    /// spelling (percent-encoding, drive-letter case), not one rebuilt from the path.
    pub uri: Uri,
    pub version: i32,
    /// The document itself: incremental edits apply here in O(log n).
    pub rope: Rope,
    /// The rope's text in one piece, for the parser and the analysis (which need a `&str`);
    /// derived from the rope after edits, never edited on its own.
    pub text: String,
    pub line_index: LineIndex,
    /// What the edits since the corpus last indexed the text changed, as one change: the
    /// corpus then parses only the lines it touched.
    pub changed: Option<Changed>,
    /// Whether the file belongs to the corpus on disk, so that closing it reloads it from disk
    /// rather than dropping it (an open file outside the corpus is indexed only while open).
    pub on_disk: bool,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: String, on_disk: bool) -> Document {
        let line_index = LineIndex::new(&text);
        Document { uri, version, rope: Rope::from_str(&text), line_index, changed: None, text, on_disk }
    }

    /// Replaces the bytes `range` (the whole text when `None`) with `text`, in the rope and the
    /// line index (which scans only the inserted text), and notes the change for the corpus.
    /// The text in one piece follows once a batch of edits is applied ([`Document::edited`]).
    pub fn replace(&mut self, range: Option<TextRange>, text: &str) {
        let step = match range {
            None => {
                let old = TextRange::new(0, self.line_index.len());
                self.rope = Rope::from_str(text);
                self.line_index = LineIndex::new(text);
                Changed::new(old, text.len() as u32)
            }
            Some(r) => {
                let start = self.rope.byte_to_char(r.start as usize);
                let end = self.rope.byte_to_char(r.end as usize);
                self.rope.remove(start..end);
                self.rope.insert(start, text);
                self.line_index.splice(r, text);
                Changed::new(r, text.len() as u32)
            }
        };
        self.changed = Some(self.changed.map_or(step, |c| c.then(step)));
    }

    /// Derives the text from the rope after a batch of edits: once a batch, not once an edit.
    pub fn edited(&mut self) {
        self.text = self.rope.to_string();
    }
}

/// What the corpus teaches (SPEC §12). The background run that keeps it is `learning`'s.
#[derive(Default)]
pub struct Learning {
    /// Out of the state while a run holds it.
    pub tally: Option<crate::learn::Tally>,
    /// The gazetteer of the last complete tally.
    pub gazetteer: Option<Arc<crate::learn::Gazetteer>>,
    /// The rejections of the workspace roots, by root.
    pub rejections: Vec<(PathBuf, crate::learn::Rejections)>,
    /// Files whose contribution is to be replaced.
    pub dirty: FxHashSet<PathBuf>,
    /// Every file is to be learned again (a new index).
    pub all: bool,
    pub running: bool,
}

/// User settings (`initializationOptions`, `workspace/didChangeConfiguration`), SPEC §8.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Report untagged registered names and aliases (A011 hints).
    pub untagged_alias_hints: bool,
    /// Show the canonical name after a surface that differs from it.
    pub inlay_hints: bool,
    /// Tags learned from the corpus (A012 hints): `suggestions.enabled`, `.minScore`,
    /// `.minCount`.
    pub suggestions: bool,
    pub thresholds: crate::learn::Thresholds,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            untagged_alias_hints: true,
            inlay_hints: true,
            // Off until what is learned fits the memory bar of SPEC §11 at 100,000 files.
            suggestions: false,
            thresholds: crate::learn::Thresholds::default(),
        }
    }
}

/// Bookkeeping of the background work on the workspace.
#[derive(Debug, Default)]
pub struct Tracking {
    /// Number of the latest index build started. A build that is no longer the latest when it
    /// ends is dropped: a newer one, with more folders or new rules, is on its way.
    pub builds: u64,
    /// Number of the build whose result was installed (or that failed).
    pub installed: u64,
    /// Files that changed on disk while a build ran: it may have read them before the change,
    /// so they are read again on top of its result.
    pub changed_during_build: FxHashSet<PathBuf>,
    /// Number of the latest settings change: the answer to an older `workspace/configuration`
    /// pull is stale and dropped.
    pub settings_changes: u64,
    /// Problems in `initializationOptions`, logged once the client can be told.
    pub startup_warnings: Vec<String>,
    /// What the first index build has to show before its index is installed.
    pub early: Option<FirstBuild>,
    /// The server's own watcher of the workspace folders, when the client watches nothing.
    pub watch: Option<Arc<Mutex<Watch>>>,
}

/// The first index build, as the requests that wait for it see it.
#[derive(Clone, Debug)]
pub struct FirstBuild {
    /// Its id pass, once run (references are answered from it).
    pub ids: Receiver<Early>,
    /// Closed when the build ends: its index installed, or none.
    pub done: Receiver<()>,
}

/// What the first index build publishes before its index is installed: the id pass (SPEC §11
/// times the first references answer from a cold start), then that it is no longer needed.
#[derive(Clone, Debug)]
pub enum Early {
    Scanning,
    Ids(Arc<IdPass>),
    /// The id pass failed: only the index will answer.
    Failed,
    /// The index is installed, or the build ended without one: the id pass is dropped.
    Done,
}

impl Tracking {
    /// Whether an index build is running.
    pub fn building(&self) -> bool {
        self.builds != self.installed
    }
}

/// The server's own watcher of the workspace folders (see `watch`), and the folders it watches.
pub struct Watch {
    pub watcher: RecommendedWatcher,
    pub watched: Vec<PathBuf>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").field("watched", &self.watched).finish_non_exhaustive()
    }
}

pub struct State {
    pub session: Session,
    pub settings: Settings,
    pub corpus: Corpus,
    /// What the analysis keeps between runs over `corpus` (open documents' checks).
    pub caches: Caches,
    /// Open documents by path.
    pub docs: FxHashMap<PathBuf, Document>,
    /// Whether the workspace has been indexed; until then the corpus holds only open files.
    pub loaded: bool,
    /// Bumped by every change to the corpus. Results computed at an older generation are
    /// stale: diagnostics of any file can depend on any other (registry, duplicate URLs).
    pub generation: u64,
    /// Index builds in the background, pending disk changes, settings pulls.
    pub tracking: Tracking,
    /// Generation of the last diagnostics pushed for each open document.
    pub published: FxHashMap<PathBuf, u64>,
    /// Closed documents whose pushed diagnostics must be cleared.
    pub to_clear: Vec<Uri>,
    /// What the corpus teaches (SPEC §12): the suggestions' gazetteer.
    pub learning: Learning,
}

impl State {
    pub fn new(today: Date) -> State {
        State {
            session: Session::default(),
            settings: Settings::default(),
            corpus: Corpus::new(Vec::new(), today),
            caches: Caches::default(),
            docs: FxHashMap::default(),
            loaded: false,
            generation: 0,
            tracking: Tracking::default(),
            published: FxHashMap::default(),
            to_clear: Vec::new(),
            learning: Default::default(),
        }
    }

    /// The version of an open document, for versioned edits and reports.
    pub fn version(&self, path: &Path) -> Option<i32> {
        self.docs.get(path).map(|d| d.version)
    }

    /// Whether a path is inside a workspace folder: the server reads nothing else.
    pub fn in_workspace(&self, path: &Path) -> bool {
        self.session.roots.iter().any(|r| path.starts_with(r))
    }

    pub fn open(&mut self, path: PathBuf, doc: Document) {
        self.corpus.keep_line_memo(&path, true);
        self.corpus.set_document(&path, &doc.text, &doc.line_index, None);
        self.docs.insert(path, doc);
        self.generation += 1;
    }

    /// Re-indexes an open document after its text changed.
    pub fn reindex(&mut self, path: &Path) {
        if let Some(doc) = self.docs.get_mut(path) {
            self.corpus.set_document(path, &doc.text, &doc.line_index, doc.changed.take());
            self.generation += 1;
        }
    }

    /// Forgets an open document: the corpus goes back to the file on disk, or drops the file
    /// when it is gone or was never part of the corpus. Returns its URI.
    pub fn close(&mut self, path: &Path) -> Option<Uri> {
        let doc = self.docs.remove(path)?;
        self.published.remove(path);
        self.corpus.keep_line_memo(path, false);
        let from_disk = (doc.on_disk && self.in_workspace(path)).then(|| std::fs::read(path).ok()).flatten();
        match from_disk {
            Some(bytes) => {
                self.corpus.set_text(path, &bytes);
            }
            None => {
                self.corpus.remove(path);
            }
        }
        self.generation += 1;
        Some(doc.uri)
    }

    /// Replaces the corpus with the freshly indexed workspace, re-applying every open
    /// document over it (they may have changed while the index was built).
    pub fn install(&mut self, mut corpus: Corpus) {
        for (path, doc) in &mut self.docs {
            doc.on_disk = corpus.file_id(path).is_some();
            corpus.keep_line_memo(path, true);
            doc.changed = None;
            corpus.set_document(path, &doc.text, &doc.line_index, None);
        }
        self.corpus = corpus;
        self.caches = Caches::default();
        self.loaded = true;
        self.generation += 1;
    }
}

/// Runs `f`, turning a panic into its message. Every body that holds the state lock runs under
/// it (see `server`): a panic is answered or logged, and the lock it poisoned keeps serving.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(&*payload))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// A panic while the lock was held poisons it; the state is still the best we have (each
/// update is one index operation), so keep serving rather than fail every later request.
pub fn read_state(state: &RwLock<State>) -> RwLockReadGuard<'_, State> {
    state.read().unwrap_or_else(PoisonError::into_inner)
}

pub fn write_state(state: &RwLock<State>) -> RwLockWriteGuard<'_, State> {
    state.write().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_messages() {
        assert_eq!(catch(|| 1), Ok(1));
        assert_eq!(catch(|| -> i32 { panic!("boom {}", 1) }), Err("boom 1".to_string()));
        assert_eq!(catch(|| -> i32 { panic!("static") }), Err("static".to_string()));
    }
}
