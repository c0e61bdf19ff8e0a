//! The reverse index (id to occurrences) and the URL index: reading them, and updating them
//! for one file.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::{Content, Corpus, FileData, FileId, FileKind, Occurrence, Recover, Sym, pack};

impl Corpus {
    /// Every occurrence of an id, sorted by file id, then offset.
    pub fn occurrences(&self, id: Sym) -> &[Occurrence] {
        self.index.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Every indexed id with its occurrences (sorted by file, then offset), in no order.
    pub fn ids(&self) -> impl Iterator<Item = (Sym, &[Occurrence])> {
        self.index.iter().map(|(&id, occs)| (id, occs.as_slice()))
    }

    /// Seed files whose header has this URL (compared without scheme, `www.` and trailing
    /// slash), sorted by id.
    pub fn files_with_url(&self, url: &str) -> Vec<FileId> {
        let key = normalize_url(url);
        let mut found = Vec::new();
        // `find` calls `eq` for every entry with the hash until one is accepted (so hashbrown
        // documents it): accepting none visits every file with the URL.
        self.urls.find(url_hash(key), |&id| {
            if url_key(self.file(id)) == Some(key) {
                found.push(id);
            }
            false
        });
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Puts `new` (sorted by id, then offset) in place of the file's occurrences of `old` ids
    /// (sorted), each id's run looked for first where `runs` (an open document's) says it was
    /// last time, and noted there. Open documents' checks are told which ids' uses changed.
    pub(super) fn replace_occurrences(
        &mut self,
        id: FileId,
        old: &[Sym],
        new: &[(Sym, Occurrence)],
        mut runs: Option<&mut FxHashMap<Sym, u32>>,
    ) {
        let note = !self.line_memos.is_empty();
        let mut changed = Vec::new();
        for (sym, group) in runs_by_id(old, new) {
            let hint = runs.as_deref().and_then(|r| r.get(&sym).copied());
            let Some((from, uses_changed)) = self.replace_run(id, sym, group, hint) else { continue };
            if let Some(runs) = runs.as_deref_mut() {
                runs.insert(sym, from);
            }
            if uses_changed && note {
                changed.push(sym);
            }
        }
        self.note_changed_ids(&changed);
    }

    /// Puts `group` (occurrences of `sym` in file `id`, by offset) in place of the file's run in
    /// the id's list, looked for at `hint` first. Each id's occurrences in one file are one run
    /// of its list: a run that keeps its length is overwritten in place, so an edit moves no
    /// other file's occurrences, and only an id whose uses changed loses its cached usage.
    /// Returns where the run starts and whether the uses changed; `None` when the id has no
    /// occurrences, before or after.
    pub(super) fn replace_run(
        &mut self,
        id: FileId,
        sym: Sym,
        group: &[(Sym, Occurrence)],
        hint: Option<u32>,
    ) -> Option<(u32, bool)> {
        let list = match self.index.get_mut(&sym) {
            Some(list) => list,
            None if group.is_empty() => return None,
            None => self.index.entry(sym).or_default(),
        };
        let from = hint
            .map(|i| i as usize)
            .filter(|&i| i <= list.len() && list.get(i).is_none_or(|o| o.file >= id))
            .filter(|&i| i == 0 || list[i - 1].file < id)
            .unwrap_or_else(|| list.partition_point(|o| o.file < id));
        let to = from + list[from..].partition_point(|o| o.file == id);
        let occs = group.iter().map(|&(_, o)| Occurrence { file: id, ..o });
        if to - from == group.len() {
            let mut changed = false;
            for (slot, o) in list[from..to].iter_mut().zip(occs) {
                // A place is not a use: opening a lean file (whose occurrences have places)
                // must not throw away the usage of every id it holds (10,000 uses each).
                changed |= !slot.same_use(&o);
                *slot = o;
            }
            if !changed {
                return Some((from as u32, false));
            }
        } else {
            list.splice(from..to, occs);
        }
        if list.is_empty() {
            self.index.remove(&sym);
        }
        let usage = self.usage.get_mut().recover();
        if !usage.is_empty() {
            usage.remove(&sym);
        }
        Some((from as u32, true))
    }

    /// Takes a file out of the URL index and the registry view, and returns the ids it holds
    /// (sorted), whose occurrences [`Corpus::replace_occurrences`] then updates.
    pub(super) fn unindex_but_occurrences(&mut self, id: FileId) -> Vec<Sym> {
        if self.files[id.0 as usize].as_ref().is_some_and(|f| f.kind == FileKind::Registry) {
            self.registry_changed();
        }
        let Some(old) = self.files[id.0 as usize].as_ref() else { return Vec::new() };
        // Hashed through the old summary, before it is replaced or taken.
        if let Some(key) = url_key(old)
            && let Ok(entry) = self.urls.find_entry(url_hash(key), |&f| f == id)
        {
            entry.remove();
        }
        // A superset is fine (date-shaped role values are not indexed): their runs are empty.
        let mut syms: Vec<Sym> = match &old.content {
            Content::Seed(s) if let pack::Kept::Dropped(ids) = &s.mentions => ids.to_vec(),
            Content::Seed(s) => s
                .mentions
                .get()
                .iter()
                .flat_map(|m| m.id.into_iter().chain(m.args.iter().flat_map(|a| a.values.iter().map(|v| v.0))))
                .collect(),
            Content::Registry(r) => r.entries.iter().filter_map(|e| self.interner.get(&e.id.text)).collect(),
            _ => Vec::new(),
        };
        syms.sort_unstable();
        syms.dedup();
        syms
    }

    pub(super) fn unindex(&mut self, id: FileId) {
        let syms = self.unindex_but_occurrences(id);
        self.replace_occurrences(id, &syms, &[], None);
    }
}

/// The ids of `old` (sorted) and of `new` (sorted by id, then offset) in order, each once with
/// its occurrences in `new` (none for an id only `old` has).
pub(super) fn runs_by_id<'a>(
    old: &'a [Sym],
    new: &'a [(Sym, Occurrence)],
) -> impl Iterator<Item = (Sym, &'a [(Sym, Occurrence)])> + 'a {
    let mut groups = new.chunk_by(|a, b| a.0 == b.0).peekable();
    let mut old = old.iter().copied().peekable();
    std::iter::from_fn(move || {
        let next_new = groups.peek().map(|g| g[0].0);
        let sym = match (old.peek().copied(), next_new) {
            (None, None) => return None,
            (Some(o), Some(n)) => o.min(n),
            (Some(o), None) => o,
            (None, Some(n)) => n,
        };
        if old.peek() == Some(&sym) {
            old.next();
        }
        let group: &[(Sym, Occurrence)] = if next_new == Some(sym) { groups.next().unwrap_or_default() } else { &[] };
        Some((sym, group))
    })
}

fn normalize_url(url: &str) -> &str {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    rest.strip_prefix("www.").unwrap_or(rest).trim_end_matches('/')
}

/// What [`Corpus`]'s `urls` knows a seed file by: its header's URL, normalised.
pub(super) fn url_key(file: &FileData) -> Option<&str> {
    file.seed()?.url.as_deref().map(normalize_url)
}

/// The hash of a normalised URL in [`Corpus`]'s `urls`.
pub(super) fn url_hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key)
}
