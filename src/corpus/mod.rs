//! The corpus model: which files make the corpus, a compact summary of each, and the reverse
//! index from every id to its occurrences.
//!
//! A summary keeps what the features need without the text: header facts, every mention's
//! ranges and interned type/mode/id/role names, the file's
//! [`LineIndex`](crate::text::LineIndex) (so positions in closed files convert without reading
//! them) and its syntax diagnostics. Text is read, parsed, summarised and dropped, in parallel.
//!
//! An open document's change ([`Corpus::set_document`], told what [`Changed`]) is spliced into
//! its last summary: the lines it touched are parsed again, their mentions, diagnostics and
//! occurrences take the old ones' place, what follows moves, and the index is updated for that
//! one file. T002 and the title are computed again only when the change reaches the first lines
//! they read. A change to line 1 (the header), or one not told, summarises the whole text, from
//! the lines' summaries remembered by text ([`LineMemo`]). The analysis keeps an open
//! document's corpus checks the same way, in caches of its own: the corpus holds none, it
//! reports which lines changed and which ids' occurrences changed ([`Corpus::take_changes`]),
//! and when a registry or the schema did ([`Corpus::generation`]).

use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::syntax::header::Date;
use crate::syntax::registry::Registry;
use crate::syntax::schema::Schema;
use crate::text::{LineCol, TextRange};

mod discover;
mod document;
mod edit;
mod entities;
mod file;
mod index;
mod lean;
mod load;
mod memo;
mod model;
mod occurrence;
mod pack;
mod select;
mod summarize;
#[cfg(test)]
mod tests;
mod update;
mod usage;

pub use discover::{Config, ConfigError, admitted, discover, load_config};
pub(crate) use discover::{discover_with, path_order};
pub use edit::{Changed, DocChanges};
pub use entities::{Entities, EntryRef};
pub use file::{Content, Diagnostics, FileData, Mentions, SeedSummary};
pub use lean::{Full, Keep};
pub use memo::LineMemo;
pub(crate) use model::date_shaped;
pub use model::{ArgSummary, FileId, FileKind, Interner, LoadError, MentionSummary, Sym, is_date_shaped};
pub use occurrence::{Occurrence, OccurrenceKind};
pub use select::{Given, Selection, root_of, select};
pub use usage::{FIRST_ARTICLES, Usage};

use edit::{DocMemo, LastDocument};
use index::{url_hash, url_key};
use summarize::{
    Known, LineSummary, Parsed, diagnostic_order, occurrence_order, parse_file, parse_known, summarize_line_into, title,
};

/// A lock's value even after a thread panicked holding it: the corpus's locks guard caches and
/// lists being filled, which stay usable (an open document's report of changes, which does
/// not, is made stale instead: [`Corpus::take_changes`]).
pub(crate) trait Recover<T> {
    fn recover(self) -> T;
}

impl<T> Recover<T> for std::sync::LockResult<T> {
    fn recover(self) -> T {
        self.unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The whole corpus: files, their summaries, the effective schema and the reverse index.
pub struct Corpus {
    pub roots: Vec<PathBuf>,
    pub today: Date,
    keep: Keep,
    /// The lean files [`Corpus::full`] read last, most recent first.
    recent: std::sync::Mutex<Vec<(FileId, Arc<FileData>)>>,
    /// Places of occurrences of lean files that do not fit in them (long files and lines),
    /// sorted by offset.
    far: FxHashMap<FileId, Box<[(u32, LineCol)]>>,
    pub interner: Interner,
    files: Vec<Option<FileData>>,
    /// Every live file by path. Only ids: an entry is hashed and compared through its file's
    /// own `path` ([`path_hash`]), which saves a copy of every path.
    by_path: HashTable<FileId>,
    index: FxHashMap<Sym, Vec<Occurrence>>,
    /// Seed files by normalised source URL (H007), hashed and compared through the URL of their
    /// header ([`url_key`]); a URL several files share is as many entries with one hash.
    /// Nearly every URL heads one file: a key and a list per URL cost more than the ids. (The
    /// two tables as maps with keys were 2.5 MB of a load's 24 MB at 10,000 files; 0.16 MB now.)
    urls: HashTable<FileId>,
    schema: Arc<Schema>,
    schema_file: Option<FileId>,
    /// Per-id answers computed from all of an id's occurrences (hover, declaration), kept
    /// until a file holding the id changes: popular ids have 100,000 occurrences.
    usage: std::sync::Mutex<FxHashMap<Sym, Arc<Usage>>>,
    /// Registry files (sorted ids), so per-file checks need not scan every file.
    registry_files: Vec<FileId>,
    /// Derived from every registry; rebuilt on first use after a registry changes.
    entities: OnceLock<Arc<Entities>>,
    /// What is remembered of the files being edited (open documents).
    line_memos: FxHashMap<PathBuf, DocMemo>,
    /// Files below this id were loaded in path order, so their ids compare as their paths do.
    loaded_in_order: u32,
    /// A stamp no other corpus, registry view or schema had ([`Corpus::generation`]).
    generation: u64,
}

/// A number never given before in this process: stamps of generations and reports, so that
/// one taken from another corpus never matches.
fn next_stamp() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Corpus {
    /// Orders two files by path. Files of the cold load compare by id (they were numbered in
    /// path order); only files added since need their paths read, which for the ~10,000 files
    /// of a much-used id's references was a cache miss or two a comparison.
    pub fn path_cmp(&self, a: FileId, b: FileId) -> std::cmp::Ordering {
        if a.0 < self.loaded_in_order && b.0 < self.loaded_in_order {
            a.cmp(&b)
        } else {
            path_order(&self.file(a).path, &self.file(b).path)
        }
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn schema_file(&self) -> Option<FileId> {
        self.schema_file
    }

    pub fn file(&self, id: FileId) -> &FileData {
        live(&self.files, id)
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        let files = &self.files;
        self.by_path.find(path_hash(path), |&id| live(files, id).path == path).copied()
    }

    /// Every live file, in load order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &FileData)> {
        self.files.iter().enumerate().filter_map(|(i, f)| f.as_ref().map(|f| (FileId(i as u32), f)))
    }

    pub fn seeds(&self) -> impl Iterator<Item = (FileId, &FileData, &SeedSummary)> {
        self.files().filter_map(|(id, f)| f.seed().map(|s| (id, f, s)))
    }

    /// Registry files, in load order. Kept as a list: checks ask for them per file.
    pub fn registries(&self) -> impl Iterator<Item = (FileId, &FileData, &Registry)> {
        self.registry_files.iter().filter_map(|&id| {
            let f = self.file(id);
            f.registry().map(|r| (id, f, r))
        })
    }

    /// Whether the corpus has a registry that could be read (A005 applies only then).
    pub fn has_registry(&self) -> bool {
        !self.registry_files.is_empty()
    }

    /// Orders articles by date (undated last), then path: which article introduced an id, and
    /// which a hover card lists first.
    pub fn article_cmp(&self, a: FileId, b: FileId) -> std::cmp::Ordering {
        let date = |f: FileId| {
            let date = self.file(f).seed().and_then(|s| s.date);
            (date.is_none(), date.map_or((0, 0, 0), |d| d.sort_key()))
        };
        date(a).cmp(&date(b)).then_with(|| self.path_cmp(a, b))
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        self.interner.resolve(&sym)
    }

    /// The length in bytes of an id: its occurrences' ranges' ([`Occurrence::range`]).
    pub fn id_len(&self, id: Sym) -> u32 {
        self.resolve(id).len() as u32
    }

    /// The range of an occurrence of `id`.
    pub fn range(&self, id: Sym, o: &Occurrence) -> TextRange {
        o.range(self.id_len(id))
    }

    pub fn sym(&self, s: &str) -> Option<Sym> {
        self.interner.get(s)
    }

    /// Changes when a registry or the schema does, and differs between two corpora: what is
    /// derived from the registry view, the schema or the interner's symbols (the analysis's
    /// caches) holds while it stays the same.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// A live file of `files` (the tables hold only those).
fn live(files: &[Option<FileData>], id: FileId) -> &FileData {
    files[id.0 as usize].as_ref().expect("file id of a removed file")
}

/// The hash of a path in [`Corpus`]'s `by_path`.
fn path_hash(path: &Path) -> u64 {
    FxBuildHasher.hash_one(path)
}
