//! The corpus's suggestions in the server (SPEC §12): a [`Tally`] of every file's contribution,
//! kept up to date in the background, and the gazetteer of a complete tally, from which open
//! documents get their A012 hints.
//!
//! Learning runs in a blocking task of its own, never under the state lock while it reads or
//! matches texts: the tally is taken out of the state for the run and put back with the new
//! gazetteer. A file changed meanwhile (an edit, a close, the index installed) is marked dirty
//! and the run goes round again. No gazetteer is installed from an incomplete tally (untagged
//! counts of an older set of surfaces): until the first run ends, no A012 is shown.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};
use tokio::sync::Notify;
use tower_lsp_server::Client;

use crate::corpus::{FileId, FileKind};
use crate::diagnostic::Diagnostic;

use crate::learn::{self, Cover, Rejections, Suggestion, Tally};
use crate::lsp::refresh::{Refresh, refresh};
use crate::lsp::state::{Learning, State, read_state, write_state};
use crate::syntax::{SeedFile, parse_seed};
use crate::text::{LineIndex, TextRange};

/// The whole corpus is to be learned again (a new index, files changed on disk).
pub fn relearn_all(client: &Client, state: &Arc<RwLock<State>>, wake: &Arc<Notify>) {
    write_state(state).learning.all = true;
    start(client, state, wake);
}

/// A file's text changed (an open document edited, opened or closed).
pub fn changed(client: &Client, state: &Arc<RwLock<State>>, wake: &Arc<Notify>, path: &Path) {
    {
        let mut st = write_state(state);
        if !st.loaded {
            return;
        }
        st.learning.dirty.insert(path.to_path_buf());
    }
    start(client, state, wake);
}

/// The suggestions were turned on or off: on, the corpus is learned (it was not while they were
/// off); off, what was learned is dropped, and with it the memory it holds.
pub fn toggled(client: &Client, state: &Arc<RwLock<State>>, wake: &Arc<Notify>) {
    {
        let mut st = write_state(state);
        if !st.settings.suggestions {
            if !st.learning.running {
                st.learning = Learning { all: true, ..Learning::default() };
            }
            return;
        }
        if st.learning.gazetteer.is_some() {
            return;
        }
        st.learning.all = true;
    }
    start(client, state, wake);
}

fn start(client: &Client, state: &Arc<RwLock<State>>, wake: &Arc<Notify>) {
    {
        let mut st = write_state(state);
        // Off, nothing is learned: a tally over 100,000 files holds tens of megabytes.
        if st.learning.running || !st.loaded || !st.settings.suggestions {
            return;
        }
        st.learning.running = true;
    }
    let (client, state, wake) = (client.clone(), state.clone(), wake.clone());
    tokio::task::spawn_blocking(move || {
        // A panic must not leave the run marked as running forever.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&state)));
        if result.is_err() {
            write_state(&state).learning.running = false;
        } else {
            let session = {
                let mut st = write_state(&state);
                st.generation += 1;
                st.session.clone()
            };
            wake.notify_one();
            refresh(&client, &session, Refresh { diagnostics: true, ..Refresh::default() });
        }
    });
}

/// A file as a run reads it: its text (the open document's, or the file's on disk).
struct Source {
    id: u32,
    path: PathBuf,
    text: Option<String>,
}

/// Learns until nothing is dirty; marks the run ended (`running`) under the lock it last
/// looked at the dirty files with.
fn run(state: &RwLock<State>) {
    loop {
        // What to learn, taken under the lock; the texts of closed files are read after.
        let (mut tally, dirty, registries, schema, today, roots) = {
            let mut st = write_state(state);
            let all = std::mem::take(&mut st.learning.all);
            let dirty = std::mem::take(&mut st.learning.dirty);
            let fresh = all || st.learning.tally.is_none();
            let tally = if fresh { Tally::default() } else { st.learning.tally.take().unwrap_or_default() };
            if !fresh && dirty.is_empty() && tally.complete() {
                st.learning.tally = Some(tally);
                st.learning.running = false;
                return;
            }
            let chosen: Vec<PathBuf> = if fresh {
                st.corpus.files().map(|(_, f)| f.path.clone()).collect()
            } else {
                dirty.into_iter().collect()
            };
            let mut seeds = Vec::new();
            let mut registries = Vec::new();
            for path in chosen {
                match st.corpus.file_id(&path) {
                    None => seeds.push((None, path)),
                    Some(id) => match FileKind::of(&path) {
                        Some(FileKind::Seed) => seeds.push((Some(id), path)),
                        Some(FileKind::Registry) => registries.push(id),
                        _ => {}
                    },
                }
            }
            let registries: Vec<(u32, Vec<learn::Observation>)> = st
                .corpus
                .registries()
                .filter(|(id, _, _)| registries.contains(id))
                .map(|(id, _, r)| (id.0, learn::registry_observations(r)))
                .collect();
            let seeds: Vec<(Option<FileId>, PathBuf, Option<String>)> =
                seeds.into_iter().map(|(id, p)| (id, p.clone(), st.docs.get(&p).map(|d| d.text.clone()))).collect();
            (tally, seeds, registries, st.corpus.schema().clone(), st.corpus.today, st.session.roots.clone())
        };
        for (id, observations) in &registries {
            tally.set_tagged(*id, observations);
        }
        let mut parsed: FxHashMap<u32, (String, SeedFile)> = FxHashMap::default();
        for (id, path, text) in dirty {
            let Some(id) = id else { continue };
            let Some(text) = text.or_else(|| std::fs::read_to_string(&path).ok()) else {
                tally.remove(id.0);
                continue;
            };
            let parse = parse_seed(&text, today);
            tally.set_tagged(id.0, &learn::tagged(&text, &parse, &schema));
            parsed.insert(id.0, (text, parse));
        }
        // Files gone from the corpus take their contribution with them.
        let live: FxHashMap<u32, (PathBuf, Option<String>)> = {
            let st = read_state(state);
            let stale: FxHashSet<u32> = tally.stale().collect();
            st.corpus
                .files()
                .map(|(id, f)| {
                    let text = if stale.contains(&id.0) && !parsed.contains_key(&id.0) {
                        st.docs.get(&f.path).map(|d| d.text.clone())
                    } else {
                        None
                    };
                    (id.0, (f.path.clone(), text))
                })
                .collect()
        };
        let gone: Vec<u32> = tally.files().filter(|f| !live.contains_key(f)).collect();
        for f in gone {
            tally.remove(f);
        }
        let gazetteer = tally.gazetteer();
        let stale: Vec<u32> = tally.stale().collect();
        let sources: Vec<Source> = stale
            .iter()
            .filter(|f| !parsed.contains_key(f))
            .filter_map(|f| {
                let (path, text) = live.get(f)?;
                Some(Source { id: *f, path: path.clone(), text: text.clone() })
            })
            .collect();
        for s in sources {
            if FileKind::of(&s.path) != Some(FileKind::Seed) {
                tally.set_untagged(s.id, &gazetteer, &[]);
                continue;
            }
            let Some(text) = s.text.or_else(|| std::fs::read_to_string(&s.path).ok()) else { continue };
            let parse = parse_seed(&text, today);
            parsed.insert(s.id, (text, parse));
        }
        for f in stale {
            match parsed.get(&f) {
                Some((text, parse)) => {
                    let entries = gazetteer.untagged(text, &Cover::of(text, parse, &schema));
                    tally.set_untagged(f, &gazetteer, &entries);
                }
                None => tally.set_untagged(f, &gazetteer, &[]),
            }
        }
        let mut st = write_state(state);
        let rejections = roots.iter().map(|r| (r.clone(), rejections(&st, r))).collect();
        if tally.complete() {
            st.learning.gazetteer = Some(Arc::new(tally.gazetteer()));
            st.learning.rejections = rejections;
        }
        st.learning.tally = Some(tally);
        // Ended under the same lock as the last look at the dirty files: a change marked after
        // it starts a run of its own.
        if st.learning.dirty.is_empty() && !st.learning.all {
            st.learning.running = false;
            return;
        }
    }
}

/// The rejections file of a root; none when missing or unreadable (a malformed row is left out:
/// `seedls suggest` reports it).
/// The open document's text wins over the file's.
fn rejections(st: &State, root: &Path) -> Rejections {
    let path = root.join(learn::rejected::PATH);
    let text = match st.docs.get(&path) {
        Some(doc) => Some(doc.text.clone()),
        None => std::fs::read_to_string(&path).ok(),
    };
    text.map(|t| Rejections::parse(&t).0).unwrap_or_default()
}

/// Where a file is seen from its root, `/`-separated (as rejection rows name it), and the
/// root's rejections.
pub fn place<'a>(st: &'a State, path: &Path) -> Option<(PathBuf, String, &'a Rejections)> {
    st.learning.rejections.iter().find(|(r, _)| path.starts_with(r)).map(|(root, rejections)| {
        let from_root = path.strip_prefix(root).unwrap_or(path);
        let shown: Vec<String> = from_root.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        (root.clone(), shown.join("/"), rejections)
    })
}

/// The suggestions of an open document that reach the settings' thresholds and are not
/// rejected there; none until the corpus is learned, or with suggestions off.
pub fn suggestions(st: &State, path: &Path, text: &str) -> Vec<Suggestion> {
    let Some(gazetteer) = &st.learning.gazetteer else { return Vec::new() };
    if !st.settings.suggestions {
        return Vec::new();
    }
    let parse = parse_seed(text, st.corpus.today);
    let cover = Cover::of(text, &parse, st.corpus.schema());
    let line_index = LineIndex::new(text);
    let place = place(st, path);
    let rejected = |surface: &str, label: &str, range: TextRange| {
        place.as_ref().is_some_and(|(_, p, r)| r.rejects(surface, label, p, line_index.line_of(range.start) + 1))
    };
    gazetteer.suggest(text, &cover, st.settings.thresholds, rejected)
}

/// The candidates of the suggestion at `offset` of an open document, with their counts, as
/// Markdown lines (plain text reads them alike): what a hover on a suggested span shows.
pub fn hover(st: &State, path: &Path, text: &str, offset: u32) -> Option<(TextRange, String)> {
    let s = suggestions(st, path, text).into_iter().find(|s| s.range.touches(offset))?;
    let gazetteer = st.learning.gazetteer.as_ref()?;
    let (labels, untagged) = gazetteer.candidates(s.entry);
    let mut out = format!("Suggested tags for «{}» ({} observations)\n", &text[s.range], s.total);
    for (label, n) in labels {
        out.push_str(&format!("\n- `{label}`: {n}"));
    }
    if untagged > 0 {
        out.push_str(&format!("\n- no tag: {untagged}"));
    }
    Some((s.range, out))
}

/// The A012 hints of an open document ([`suggestions`]).
pub fn hints(st: &State, path: &Path, text: &str) -> Vec<Diagnostic> {
    suggestions(st, path, text).iter().map(|s| learn::diagnostic(text, s)).collect()
}
