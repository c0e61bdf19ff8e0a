//! Adding, replacing and removing one file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use crate::syntax::schema::Schema;
use crate::text::LineIndex;

use super::{
    Content, Corpus, FileData, FileId, FileKind, Known, LastDocument, Parsed, Recover, Sym, live, next_stamp,
    parse_known, path_hash, url_hash, url_key,
};

impl Corpus {
    /// Adds or replaces a file from its current text (an open document, or a file changed on
    /// disk) and updates the index for it alone.
    pub fn set_text(&mut self, path: &Path, bytes: &[u8]) -> Option<FileId> {
        self.replace(path, bytes, None)
    }

    /// `document`: the text (the bytes decoded) and line index of an open document.
    pub(super) fn replace(
        &mut self,
        path: &Path,
        bytes: &[u8],
        document: Option<(&str, &LineIndex)>,
    ) -> Option<FileId> {
        let kind = FileKind::of(path)?;
        let mut memo = self.line_memos.remove(path);
        let known = Known { lines: memo.as_mut().map(|m| &mut m.lines), line_index: document.map(|(_, i)| i.clone()) };
        let mut parsed = parse_known(&self.interner, kind, bytes, self.today, known);
        if memo.is_none() {
            // A file nobody edits: kept as a load keeps it.
            parsed = parsed.kept(self.keep);
        }
        if let Some(memo) = memo.as_mut() {
            memo.last = document
                .filter(|_| matches!(parsed.content, Content::Seed(_)))
                .map(|(text, _)| LastDocument::new(text, self.today, parsed.occurrences.clone()));
            memo.report.get_mut().recover().changes.invalidate();
        }
        let id = self.insert(path.to_path_buf(), parsed, memo.as_mut().map(|m| &mut m.runs));
        if let Some(memo) = memo {
            self.line_memos.insert(path.to_path_buf(), memo);
        }
        if kind == FileKind::Schema {
            self.refresh_schema();
        }
        Some(id)
    }

    /// Takes a file out of the corpus (deleted on disk, or excluded).
    pub fn remove(&mut self, path: &Path) -> Option<FileId> {
        let files = &self.files;
        let (id, _) = self.by_path.find_entry(path_hash(path), |&f| live(files, f).path == path).ok()?.remove();
        if let Some(memo) = self.line_memos.get_mut(path) {
            memo.last = None;
            memo.report.get_mut().recover().changes.invalidate();
        }
        self.unindex(id);
        self.forget_recent(id);
        self.far.remove(&id);
        let old = self.files[id.0 as usize].take();
        self.registry_files.retain(|&f| f != id);
        if old.is_some_and(|f| f.kind == FileKind::Schema) {
            self.refresh_schema();
        }
        Some(id)
    }

    pub(super) fn insert(&mut self, path: PathBuf, parsed: Parsed, runs: Option<&mut FxHashMap<Sym, u32>>) -> FileId {
        let known = self.file_id(&path);
        let (id, old_syms) = match known {
            Some(id) => (id, self.unindex_but_occurrences(id)),
            None => {
                let id = FileId(self.files.len() as u32);
                self.files.push(None);
                (id, Vec::new())
            }
        };
        self.forget_recent(id);
        self.far.remove(&id);
        if !parsed.far.is_empty() {
            self.far.insert(id, parsed.far.into());
        }
        let data = FileData {
            path,
            kind: parsed.kind,
            line_index: parsed.line_index,
            syntax_diagnostics: parsed.diagnostics,
            content: parsed.content,
        };
        self.replace_occurrences(id, &old_syms, &parsed.occurrences, runs);
        // The date orders the articles of every id the file holds (`article_cmp`); a new date
        // in a header of the same length moves no occurrence, so their usage goes here.
        let old_date = self.files[id.0 as usize].as_ref().and_then(FileData::seed).and_then(|s| s.date);
        if old_date != data.seed().and_then(|s| s.date) {
            let usage = self.usage.get_mut().recover();
            for sym in old_syms.iter().chain(parsed.occurrences.iter().map(|(s, _)| s)) {
                usage.remove(sym);
            }
        }
        if data.kind == FileKind::Registry {
            self.registry_changed();
            // Only a registry that parsed counts: an undecodable one must not turn every id
            // into "not in the registry".
            match (self.registry_files.binary_search(&id), data.registry().is_some()) {
                (Err(at), true) => self.registry_files.insert(at, id),
                (Ok(at), false) => {
                    self.registry_files.remove(at);
                }
                _ => {}
            }
        }
        self.files[id.0 as usize] = Some(data);
        // The tables hash their entries through the files: a file joins them once in place.
        let files = &self.files;
        let data = live(files, id);
        if known.is_none() {
            self.by_path.insert_unique(path_hash(&data.path), id, |&f| path_hash(&live(files, f).path));
        }
        if let Some(key) = url_key(data) {
            self.urls.insert_unique(url_hash(key), id, |&f| url_hash(url_key(live(files, f)).unwrap_or_default()));
        }
        id
    }

    /// After a registry changed: the registry view goes, and what others derived from it
    /// ([`Corpus::generation`]).
    pub(super) fn registry_changed(&mut self) {
        self.entities = OnceLock::new();
        self.generation = next_stamp();
    }

    /// The schema in effect: the `schema.tsv` nearest a root (shortest path), else the default.
    pub(super) fn refresh_schema(&mut self) {
        let best = self
            .files()
            .filter(|(_, f)| f.kind == FileKind::Schema)
            .min_by_key(|(_, f)| (f.path.components().count(), f.path.clone()))
            .map(|(id, _)| id);
        self.schema_file = best;
        self.schema = Arc::new(match best.map(|id| &self.file(id).content) {
            Some(Content::Schema(s)) => s.clone(),
            _ => Schema::builtin(),
        });
        self.generation = next_stamp();
    }
}
