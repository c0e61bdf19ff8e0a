//! The corpus model: which files make the corpus, a compact summary of each, and the reverse
//! index from every id to its occurrences.
//!
//! A summary keeps what the features need without the text: header facts, every mention's
//! ranges and interned type/mode/id/role names, the file's [`LineIndex`] (so positions in closed
//! files convert without reading them) and its syntax diagnostics. Text is read, parsed,
//! summarised and dropped, in parallel.
//!
//! An open document's change ([`Corpus::set_document`], told what [`Changed`]) is spliced into
//! its last summary: the lines it touched are parsed again, their mentions, diagnostics and
//! occurrences take the old ones' place, what follows moves, and the index is updated for that
//! one file. T002 and the title are computed again only when the change reaches the first lines
//! they read. A change to line 1 (the header), or one not told, summarises the whole text, from
//! the lines' summaries remembered by text ([`LineMemo`]). The analysis keeps an open
//! document's corpus checks the same way ([`DocChecks`]): the corpus notes which lines changed,
//! which ids' occurrences changed, and when a registry or the schema did.

use std::hash::BuildHasher;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use hashbrown::HashTable;
use ignore::WalkState;
use lasso::Spur;
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::syntax;
use crate::syntax::header::Date;
use crate::syntax::registry::{Registry, is_registry_file_name, parse_registry};
use crate::syntax::schema::{Schema, parse_schema};
use crate::text::{Encoding, LineCol, LineIndex, TextRange};

mod pack;
mod select;

pub use select::{Given, Selection, root_of, select};

/// An interned id, type, mode or role name.
pub type Sym = Spur;

/// Interner shared by the parsing threads (FxHash: keys are short ASCII ids).
pub type Interner = lasso::ThreadedRodeo<Spur, rustc_hash::FxBuildHasher>;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct FileId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum FileKind {
    Seed,
    Registry,
    Schema,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        if is_registry_file_name(name) {
            Some(FileKind::Registry)
        } else if name == "schema.tsv" {
            Some(FileKind::Schema)
        } else if name.ends_with(".txt") {
            Some(FileKind::Seed)
        } else {
            None
        }
    }
}

/// `.seedls.json` at a root.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs (relative to the root) a file must match to be part of the corpus.
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs (relative to the root) that take files out of the corpus.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// A problem reading the corpus (not a diagnostic of its content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

/// A mention as the index keeps it. Ranges of the type, mode and id are derived from where the
/// tag's `type` starts and the interned strings' lengths, which keeps this small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentionSummary {
    pub range: TextRange,
    pub surface: TextRange,
    /// Where `type.mode:id` starts: not always just after `]{`, as the parser accepts blanks
    /// before it (`{ person:x}`). Costs no space: it fills the struct's padding.
    pub head_start: u32,
    pub ty: Option<Sym>,
    pub mode: Option<Sym>,
    pub id: Option<Sym>,
    pub args: Box<[ArgSummary]>,
    pub parent: Option<u32>,
}

impl MentionSummary {
    /// Where the tag's `type` starts (the type, mode and id ranges are counted from here).
    pub fn tag_start(&self) -> u32 {
        self.head_start
    }

    /// The same mention `by` bytes further on, its parent index `base` further on.
    fn shift(mut self, by: u32, base: u32) -> MentionSummary {
        self.range = self.range.shift(by);
        self.surface = self.surface.shift(by);
        self.head_start += by;
        for a in self.args.iter_mut() {
            a.role_range = a.role_range.shift(by);
            for v in a.values.iter_mut() {
                v.1 = v.1.shift(by);
            }
        }
        self.parent = self.parent.map(|p| p + base);
        self
    }

    /// The same mention after an edit before it: `delta` bytes on, its parent index `parents`
    /// places on (either may be negative).
    fn move_by(&mut self, delta: i64, parents: i64) {
        self.range = self.range.moved(delta);
        self.surface = self.surface.moved(delta);
        self.head_start = (i64::from(self.head_start) + delta) as u32;
        for a in self.args.iter_mut() {
            a.role_range = a.role_range.moved(delta);
            for v in a.values.iter_mut() {
                v.1 = v.1.moved(delta);
            }
        }
        self.parent = self.parent.map(|p| (i64::from(p) + parents) as u32);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgSummary {
    pub role: Sym,
    pub role_range: TextRange,
    pub values: Box<[(Sym, TextRange)]>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub header: Option<TextRange>,
    pub date: Option<Date>,
    pub date_range: Option<TextRange>,
    pub url: Option<Box<str>>,
    pub url_range: Option<TextRange>,
    /// The first non-empty line of the body, markup stripped (workspace symbols, hover).
    pub title: Option<Box<str>>,
    /// The line the title comes from (workspace symbols point there).
    pub title_range: Option<TextRange>,
    pub mentions: Mentions,
}

/// A seed file's mentions: a list for the documents being edited (a change splices it), packed
/// bytes for the files of a load, which nobody edits and requests seldom read (a fifth of the
/// size, see [`pack`]). Read them with [`Kept::get`], once per use: unpacking allocates.
pub type Mentions = pack::Kept<pack::PackedMentions>;

/// A file's own diagnostics, kept as its mentions are.
pub type Diagnostics = pack::Kept<pack::PackedDiagnostics>;

#[derive(Clone, Debug)]
pub enum Content {
    Seed(SeedSummary),
    Registry(Registry),
    Schema(Schema),
    /// Not valid UTF-8 (F001) or unreadable: only diagnostics.
    Invalid,
}

#[derive(Clone, Debug)]
pub struct FileData {
    pub path: PathBuf,
    pub kind: FileKind,
    /// `None` in a lean file (see [`Keep::Index`]).
    line_index: Option<Box<LineIndex>>,
    /// What the file says on its own: syntax, header, prose, registry row and schema problems.
    pub syntax_diagnostics: Diagnostics,
    pub content: Content,
}

impl FileData {
    /// The file's line index.
    ///
    /// # Panics
    /// On a lean file, which keeps none: the caller reads it through [`Corpus::full`].
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.as_deref().expect("a lean file's line index is read through Corpus::full")
    }

    /// Whether the file keeps only what the index needs (see [`Keep::Index`]).
    pub fn is_lean(&self) -> bool {
        self.line_index.is_none()
    }

    pub fn seed(&self) -> Option<&SeedSummary> {
        match &self.content {
            Content::Seed(s) => Some(s),
            _ => None,
        }
    }

    pub fn registry(&self) -> Option<&Registry> {
        match &self.content {
            Content::Registry(r) => Some(r),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum OccurrenceKind {
    /// `[…]{type:id}`
    Mention = 0,
    /// `role=id`
    RoleValue = 1,
    /// The id cell of a registry row.
    RegistryRow = 2,
}

/// One place an id is written: where the id itself starts (it ends the id's length on, see
/// [`Occurrence::range`]: a large corpus has millions of occurrences).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub file: FileId,
    pub start: u32,
    /// The mention's or registry row's type (role values have none).
    pub ty: Option<Sym>,
    /// The kind in the top two bits; below them, in a lean file ([`Keep::Index`]), which keeps
    /// no line index, the line (12 bits) and column (18 bits, in the corpus's encoding) of
    /// `start`, else 0. A place that does not fit (a file of 4,096 lines or more, a column of
    /// 262,143 or more) is all ones there, and kept in [`Corpus::far`]: 16 bytes an occurrence,
    /// for the ~30 of an article.
    place: u32,
}

const KIND_SHIFT: u32 = 30;
const COL_BITS: u32 = 18;
const LINE_MAX: u32 = (1 << (KIND_SHIFT - COL_BITS)) - 1;
const COL_MAX: u32 = (1 << COL_BITS) - 1;
const FAR: u32 = (1 << KIND_SHIFT) - 1;

impl Occurrence {
    /// `range` covers the id (its length is the id's).
    pub fn new(file: FileId, range: TextRange, kind: OccurrenceKind, ty: Option<Sym>) -> Occurrence {
        Occurrence { file, start: range.start, ty, place: (kind as u32) << KIND_SHIFT }
    }

    /// The range of the id, `len` its length in bytes ([`Corpus::id_len`]).
    pub fn range(&self, len: u32) -> TextRange {
        TextRange::at(self.start, len)
    }

    pub fn kind(&self) -> OccurrenceKind {
        match self.place >> KIND_SHIFT {
            0 => OccurrenceKind::Mention,
            1 => OccurrenceKind::RoleValue,
            _ => OccurrenceKind::RegistryRow,
        }
    }

    /// The same occurrence with the line and column of its start (a lean file's), and whether
    /// they fit in it (else they go to [`Corpus::far`]).
    fn placed(self, at: LineCol) -> (Occurrence, bool) {
        let kind = self.place & !FAR;
        let fits = at.line < LINE_MAX && at.col < COL_MAX;
        let place = if fits { at.line << COL_BITS | at.col } else { FAR };
        (Occurrence { place: kind | place, ..self }, fits)
    }

    /// The same use of an id, wherever the file keeps its place.
    fn same_use(&self, other: &Occurrence) -> bool {
        (self.file, self.start, self.ty, self.kind()) == (other.file, other.start, other.ty, other.kind())
    }

    /// Where it starts, unless that is kept in [`Corpus::far`] (or the file is not lean: 0, 0).
    fn near(&self) -> Option<LineCol> {
        let place = self.place & FAR;
        (place != FAR).then_some(LineCol { line: place >> COL_BITS, col: place & COL_MAX })
    }
}

impl std::fmt::Debug for Occurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Occurrence");
        d.field("file", &self.file).field("start", &self.start).field("kind", &self.kind()).field("ty", &self.ty);
        match self.near() {
            Some(LineCol { line: 0, col: 0 }) => {}
            Some(at) => drop(d.field("at", &at)),
            None => drop(d.field("at", &"far")),
        }
        d.finish()
    }
}

/// What a corpus keeps of the files nobody edits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// Everything: the CLI reports on every file.
    #[default]
    All,
    /// What the index needs, for a server resident over 100,000 files: seed files are lean,
    /// keeping no line index, mentions or diagnostics (three fifths of a load's heap, which
    /// [`Corpus::full`] reads again from disk for the few files a request looks into), and
    /// their occurrences keep the line and column of their start in this encoding instead
    /// ([`Corpus::place`]), so that references and rename need no file read.
    Index(Encoding),
}

/// A file with everything it holds: kept in the corpus, or read again from disk (lean).
pub enum Full<'a> {
    Kept(&'a FileData),
    Read(Arc<FileData>),
}

impl std::ops::Deref for Full<'_> {
    type Target = FileData;

    fn deref(&self) -> &FileData {
        match self {
            Full::Kept(data) => data,
            Full::Read(data) => data,
        }
    }
}

/// How many lean files read again [`Corpus::full`] remembers: a request reads its file a few
/// times (position, target, conversion back).
const RECENT: usize = 8;

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
}

/// How many first articles [`Usage`] keeps.
pub const FIRST_ARTICLES: usize = 5;

/// What hover and declaration need from all of an id's occurrences.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage {
    pub mentions: usize,
    pub roles: usize,
    /// Distinct files that tag the id or use it in a role.
    pub files: usize,
    /// The first [`FIRST_ARTICLES`] of those files by [`Corpus::article_cmp`].
    pub first_files: Vec<FileId>,
    /// The earliest tagged mention (else role use) by article, then offset.
    pub first: Option<Occurrence>,
}

/// Whether a role value is a date literal rather than an id (`2022`, `2022-01`, `2022-01-05`).
pub fn is_date_shaped(s: &str) -> bool {
    date_shaped(s.as_bytes())
}

/// [`is_date_shaped`] of bytes (a scan that has not checked them for UTF-8).
pub(crate) fn date_shaped(b: &[u8]) -> bool {
    let d = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => d(0..4),
        7 => d(0..4) && b[4] == b'-' && d(5..7),
        10 => d(0..4) && b[4] == b'-' && d(5..7) && b[7] == b'-' && d(8..10),
        _ => false,
    }
}

/// The result of parsing one file, before it joins the corpus.
struct Parsed {
    kind: FileKind,
    /// `None` once lean.
    line_index: Option<Box<LineIndex>>,
    diagnostics: Diagnostics,
    content: Content,
    /// What the file adds to the index, sorted by (id, offset); `file` is filled in by
    /// [`Corpus::insert`]. Computed by the parsing thread, where the text is at hand, so that
    /// the serial merge only appends.
    occurrences: Vec<(Sym, Occurrence)>,
    /// Places of a lean file's occurrences that do not fit in them, by offset.
    far: Vec<(u32, LineCol)>,
}

impl Parsed {
    /// What a cold load keeps of each of thousands of files: its mentions and diagnostics
    /// packed into bytes of the exact size (see [`pack`]).
    fn packed(mut self) -> Parsed {
        if let Content::Seed(seed) = &mut self.content {
            seed.mentions.pack();
        }
        self.diagnostics.pack();
        self
    }

    /// What a corpus keeps of a file nobody edits.
    fn kept(self, keep: Keep) -> Parsed {
        match (keep, &self.content) {
            (Keep::Index(enc), Content::Seed(_)) => self.lean(enc),
            _ => self.packed(),
        }
    }

    /// A lean seed file: its occurrences placed by the line index, which goes with its
    /// mentions and diagnostics (kept: the ids it holds).
    fn lean(mut self, enc: Encoding) -> Parsed {
        let Some(index) = self.line_index.take() else { return self };
        // Placed in text order, one pass over the line index: a file of 100 MB has a million.
        let mut order: Vec<u32> = (0..self.occurrences.len() as u32).collect();
        order.sort_unstable_by_key(|&i| self.occurrences[i as usize].1.start);
        let mut cursor = index.cursor(enc);
        for i in order {
            let o = &mut self.occurrences[i as usize].1;
            let at = cursor.line_col(o.start);
            let fits;
            (*o, fits) = o.placed(at);
            if !fits {
                self.far.push((o.start, at));
            }
        }
        // Sorted by id: each id once.
        let mut ids: Vec<Sym> = self.occurrences.iter().map(|&(sym, _)| sym).collect();
        ids.dedup();
        if let Content::Seed(seed) = &mut self.content {
            seed.mentions = pack::Kept::Dropped(ids.into());
        }
        self.diagnostics = pack::Kept::Dropped(Box::default());
        self
    }
}

/// Files parsed in parallel before their summaries are merged into the index.
const LOAD_CHUNK: usize = 4096;

/// A placeholder file id for occurrences not yet inserted.
const NO_FILE: FileId = FileId(u32::MAX);

fn parse_file(
    interner: &Interner,
    kind: FileKind,
    bytes: &[u8],
    today: Date,
    memo: Option<&mut LineMemo<LineSummary>>,
    line_index: Option<LineIndex>,
) -> Parsed {
    let text = match syntax::decode(bytes) {
        Ok(text) => text,
        Err(diag) => {
            let lossy = String::from_utf8_lossy(bytes);
            return Parsed {
                kind,
                line_index: Some(Box::new(LineIndex::new(&lossy))),
                diagnostics: vec![diag].into(),
                content: Content::Invalid,
                occurrences: Vec::new(),
                far: Vec::new(),
            };
        }
    };
    let line_index = line_index.unwrap_or_else(|| LineIndex::new(text));
    let mut occurrences = Vec::new();
    let (diagnostics, content) = match kind {
        FileKind::Seed => {
            let (summary, diagnostics, occs) = summarize_seed(interner, text, today, memo);
            occurrences = occs;
            (diagnostics, Content::Seed(summary))
        }
        FileKind::Registry => {
            let (registry, diags) = parse_registry(text);
            for e in &registry.entries {
                let id = interner.get_or_intern(&e.id.text);
                let ty = Some(interner.get_or_intern(&e.ty.text));
                let kind = OccurrenceKind::RegistryRow;
                occurrences.push((id, Occurrence::new(NO_FILE, e.id.range, kind, ty)));
            }
            (diags, Content::Registry(registry))
        }
        FileKind::Schema => {
            let (schema, diags) = parse_schema(text);
            (diags, Content::Schema(schema))
        }
    };
    // Keep every list sorted by (file, offset), so that replacing a file (`set_text`) gives
    // the same index as a fresh load, and removing one is a binary search, not a scan.
    // No two occurrences start at the same offset: one packed key orders them.
    occurrences.sort_unstable_by_key(occurrence_order);
    let diagnostics = diagnostics.into();
    Parsed { kind, line_index: Some(Box::new(line_index)), diagnostics, content, occurrences, far: Vec::new() }
}

/// One line's share of a seed file's summary, in offsets from the line's start.
#[derive(Clone, Debug, Default)]
struct LineSummary {
    mentions: Vec<MentionSummary>,
    diagnostics: Vec<Diagnostic>,
    occurrences: Vec<(Sym, Occurrence)>,
}

/// Values computed from the lines of a document being edited, by line text, so that a
/// keystroke recomputes only the line it changed. Each use is a round that marks the lines it
/// meets; [`LineMemo::finish`] drops the others, so the memo holds the current lines only.
pub struct LineMemo<V> {
    /// By the line's hash (computed once a lookup), then its text.
    lines: FxHashMap<u64, Vec<(Box<str>, V, u32)>>,
    round: u32,
}

impl<V> Default for LineMemo<V> {
    fn default() -> LineMemo<V> {
        LineMemo { lines: FxHashMap::default(), round: 0 }
    }
}

impl<V> LineMemo<V> {
    pub fn start(&mut self) {
        self.round = self.round.wrapping_add(1);
    }

    /// The value of a line, computed by `f` when the memo has not met the line.
    pub fn get(&mut self, line: &str, f: impl FnOnce() -> V) -> &V {
        use std::hash::BuildHasher;
        let round = self.round;
        let bucket = self.lines.entry(rustc_hash::FxBuildHasher.hash_one(line)).or_default();
        let i = match bucket.iter().position(|(l, ..)| **l == *line) {
            Some(i) => i,
            None => {
                bucket.push((line.into(), f(), round));
                bucket.len() - 1
            }
        };
        bucket[i].2 = round;
        &bucket[i].1
    }

    pub fn finish(&mut self) {
        let round = self.round;
        self.lines.retain(|_, bucket| {
            bucket.retain(|(.., seen)| *seen == round);
            !bucket.is_empty()
        });
    }
}

/// What is remembered of a document being edited.
#[derive(Default)]
struct DocMemo {
    lines: LineMemo<LineSummary>,
    /// Where each id's run of the document's occurrences started in the id's list last time:
    /// checked, then used instead of a binary search in lists of 100,000 occurrences (a cache
    /// miss a step, thousands of ids a keystroke).
    runs: FxHashMap<Sym, u32>,
    /// The text [`Corpus::set_document`] summarised last, which its next change is spliced
    /// into; `None` once anything else replaced the file (or for files that are not seeds).
    last: Option<LastDocument>,
    /// What the analysis keeps of the document between two runs.
    checks: std::sync::Mutex<DocChecks>,
}

/// What a change to a document is spliced into, besides the file's summary itself.
struct LastDocument {
    len: u32,
    /// Where the last line T002 read starts (`prose::repeated_lines`): a change to the lines
    /// after it leaves T002 and the title alone.
    top: u32,
    /// The document's occurrences, sorted by (id, offset), `file` unset.
    occurrences: Vec<(Sym, Occurrence)>,
}

impl LastDocument {
    fn new(text: &str, today: Date, occurrences: Vec<(Sym, Occurrence)>) -> LastDocument {
        let body_start = syntax::body_start(syntax::header::parse_header(text, today).0.as_ref());
        let top = syntax::prose::repeated_lines(text, body_start, &[], &mut Vec::new());
        LastDocument { len: text.len() as u32, top, occurrences }
    }
}

/// What a change did to a document: bytes `start..old_end` of the old text became
/// `start..new_end` of the new one; the rest is the same. The edits of a `didChange` batch
/// compose into one ([`Changed::then`]). The same arithmetic tracks ranges of mention indices.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Changed {
    pub start: u32,
    pub old_end: u32,
    pub new_end: u32,
}

impl Changed {
    /// `old` replaced by `inserted` bytes.
    pub fn new(old: TextRange, inserted: u32) -> Changed {
        Changed { start: old.start, old_end: old.end, new_end: old.start + inserted }
    }

    /// This change, then `next` (in the offsets this one left), as one change.
    pub fn then(self, next: Changed) -> Changed {
        // Past `mid` of the text in between, both texts are that one's, moved.
        let mid = self.new_end.max(next.old_end);
        Changed {
            start: self.start.min(next.start),
            old_end: mid - self.new_end + self.old_end,
            new_end: mid - next.old_end + next.new_end,
        }
    }

    /// How far the text after the change moved.
    pub fn delta(self) -> i64 {
        i64::from(self.new_end) - i64::from(self.old_end)
    }
}

/// What the analysis keeps of an open document's corpus checks between two runs (see
/// `analysis::file_diagnostics`), so that a change checks again only the mentions and lines it
/// touched. The corpus notes what may have changed underneath: lines of the document
/// (`pending`), ids whose occurrences changed (`dirty`: the type of an id used as a role value
/// comes from them), or anything (`stale`).
pub struct DocChecks {
    /// Nothing below holds: compute everything again.
    pub stale: bool,
    /// The lines changed since, as bytes and as indices into the file's mentions.
    pub pending: Option<(Changed, Changed)>,
    pub dirty: rustc_hash::FxHashSet<Sym>,
    /// Each mention's diagnostics (A004–A009), by the mention's index.
    pub mentions: Vec<(u32, Diagnostic)>,
    /// Untagged registered names (A011): (range, pattern index), in text order.
    pub names: Vec<(TextRange, u32)>,
    /// What the above was computed for: where line 1's header part ends (names before it are
    /// fine), the text's length and the number of mentions.
    pub header_end: u32,
    pub len: u32,
    pub mention_count: u32,
}

impl Default for DocChecks {
    fn default() -> DocChecks {
        DocChecks {
            stale: true,
            pending: None,
            dirty: Default::default(),
            mentions: Vec::new(),
            names: Vec::new(),
            header_end: 0,
            len: 0,
            mention_count: 0,
        }
    }
}

/// Ids noted dirty beyond which a document's checks are simply computed again.
const MAX_DIRTY: usize = 4096;

impl DocChecks {
    fn invalidate(&mut self) {
        *self = DocChecks::default();
    }

    /// Notes that the lines `bytes` (holding the mentions `mentions`) changed.
    fn splice(&mut self, bytes: Changed, mentions: Changed) {
        if !self.stale {
            self.pending = Some(match self.pending {
                Some((b, m)) => (b.then(bytes), m.then(mentions)),
                None => (bytes, mentions),
            });
        }
    }

    fn note_ids(&mut self, ids: &[Sym]) {
        if !self.stale {
            self.dirty.extend(ids);
            if self.dirty.len() > MAX_DIRTY {
                self.invalidate();
            }
        }
    }
}

/// A seed file's summary, syntax diagnostics and occurrences, from its lines' summaries (see
/// [`syntax::LineSyntax`]): the memo, when given, supplies the lines it has already seen.
fn summarize_seed(
    interner: &Interner,
    text: &str,
    today: Date,
    mut memo: Option<&mut LineMemo<LineSummary>>,
) -> (SeedSummary, Vec<Diagnostic>, Vec<(Sym, Occurrence)>) {
    let (header, mut diagnostics) = syntax::header::parse_header(text, today);
    let body_start = syntax::body_start(header.as_ref());
    let mut mentions: Vec<MentionSummary> = Vec::new();
    let mut occurrences = Vec::new();
    if let Some(memo) = memo.as_deref_mut() {
        memo.start();
    }
    let mut top = Vec::new();
    for (i, line) in crate::text::lines(text).enumerate() {
        let (content, from) = (&text[line], body_start.saturating_sub(line.start));
        let mut acc = (&mut mentions, &mut diagnostics, &mut occurrences);
        // Only lines with markup are worth remembering: the others cost a glance.
        match memo.as_deref_mut() {
            Some(memo) if from == 0 && syntax::annotation::has_markup(content) => {
                let s = memo.get(content, || summarize_line(interner, content, 0).0);
                let (m, d, o) =
                    (s.mentions.iter().cloned(), s.diagnostics.iter().cloned(), s.occurrences.iter().copied());
                append_line(&mut acc, line.start, m, d, o);
            }
            _ => {
                let plain = summarize_line_into(interner, content, from, line.start, &mut acc);
                if let Some(plain) = plain.filter(|_| i < syntax::prose::TOP_KNOWN) {
                    top.push((line.start, plain));
                }
            }
        }
    }
    if let Some(memo) = memo {
        memo.finish();
    }
    syntax::prose::repeated_lines(text, body_start, &top, &mut diagnostics);
    diagnostics.sort_by_key(diagnostic_order);
    let header = header.as_ref();
    let (title, title_range) = title(text);
    let summary = SeedSummary {
        header: header.map(|h| h.range),
        date: header.and_then(|h| h.date),
        date_range: header.and_then(|h| h.date_range),
        url: header.and_then(|h| h.url).map(|u| text[u].into()),
        url_range: header.and_then(|h| h.url),
        title,
        title_range,
        mentions: mentions.into(),
    };
    (summary, diagnostics, occurrences)
}

/// The order of a file's diagnostics.
fn diagnostic_order(d: &Diagnostic) -> (u32, u32, crate::diagnostic::Code) {
    (d.range.start, d.range.end, d.code)
}

/// The order of a file's occurrences: by id, then offset (no two start at the same offset).
fn occurrence_order((sym, o): &(Sym, Occurrence)) -> u64 {
    (lasso::Key::into_usize(*sym) as u64) << 32 | u64::from(o.start)
}

/// The first non-empty line of the body, markup stripped, and where it is.
fn title(text: &str) -> (Option<Box<str>>, Option<TextRange>) {
    let line = crate::text::lines(text).skip(1).find(|l| !text[*l].trim().is_empty());
    let title = line.map(|l| {
        let stripped = syntax::annotation::strip(&text[l]);
        stripped.trim().chars().take(200).collect::<String>().into_boxed_str()
    });
    (title, line)
}

type Summaries<'a> = (&'a mut Vec<MentionSummary>, &'a mut Vec<Diagnostic>, &'a mut Vec<(Sym, Occurrence)>);

/// Appends a line's summary, in offsets from the line's start `at`, to the file's.
fn append_line(
    (mentions, diagnostics, occurrences): &mut Summaries,
    at: u32,
    m: impl IntoIterator<Item = MentionSummary>,
    d: impl IntoIterator<Item = Diagnostic>,
    o: impl IntoIterator<Item = (Sym, Occurrence)>,
) {
    let base = mentions.len() as u32;
    mentions.extend(m.into_iter().map(|m| m.shift(at, base)));
    diagnostics.extend(d.into_iter().map(|d| d.shift(at)));
    occurrences.extend(o.into_iter().map(|(s, o)| (s, Occurrence { start: o.start + at, ..o })));
}

/// A line's summary, and the line with its markup stripped when it has any.
fn summarize_line(interner: &Interner, line: &str, prose_from: u32) -> (LineSummary, Option<String>) {
    let mut s = LineSummary::default();
    let plain = summarize_line_into(
        interner,
        line,
        prose_from,
        0,
        &mut (&mut s.mentions, &mut s.diagnostics, &mut s.occurrences),
    );
    (s, plain)
}

/// Appends a line's summary, the line starting at `at`, to a file's (no copy of its own on
/// the way: the cold load is mostly this). Returns the line with its markup stripped.
fn summarize_line_into(
    interner: &Interner,
    line: &str,
    prose_from: u32,
    at: u32,
    (mentions, diagnostics, occurrences): &mut Summaries,
) -> Option<String> {
    let parse = syntax::parse_line(line, prose_from);
    let intern = |r: TextRange| interner.get_or_intern(&line[r]);
    let base = mentions.len() as u32;
    for m in &parse.annotations.mentions {
        let summary = MentionSummary {
            range: m.range,
            surface: m.surface,
            head_start: m.head.map_or(m.tag.start, |h| h.ty.start),
            ty: m.head.map(|h| intern(h.ty)),
            mode: m.head.and_then(|h| h.mode).map(intern),
            id: m.head.and_then(|h| h.id).map(intern),
            args: m
                .args
                .iter()
                .map(|a| ArgSummary {
                    role: intern(a.role),
                    role_range: a.role,
                    values: a.values.iter().map(|&v| (intern(v), v)).collect(),
                })
                .collect(),
            parent: m.parent,
        };
        // The occurrences are taken from the parse's ranges here, where the text is at hand.
        if let (Some(id), Some(range)) = (summary.id, m.head.and_then(|h| h.id)) {
            let kind = OccurrenceKind::Mention;
            occurrences.push((id, Occurrence::new(NO_FILE, range.shift(at), kind, summary.ty)));
        }
        for &(v, range) in summary.args.iter().flat_map(|a| a.values.iter()) {
            if !is_date_shaped(&line[range]) {
                let kind = OccurrenceKind::RoleValue;
                occurrences.push((v, Occurrence::new(NO_FILE, range.shift(at), kind, None)));
            }
        }
        mentions.push(summary.shift(at, base));
    }
    diagnostics.extend(parse.diagnostics.into_iter().map(|d| d.shift(at)));
    parse.plain
}

impl Corpus {
    pub fn new(roots: Vec<PathBuf>, today: Date) -> Corpus {
        Corpus {
            roots,
            today,
            keep: Keep::All,
            recent: Default::default(),
            far: FxHashMap::default(),
            interner: Interner::with_hasher(rustc_hash::FxBuildHasher),
            files: Vec::new(),
            by_path: HashTable::new(),
            index: FxHashMap::default(),
            urls: HashTable::new(),
            schema: Arc::new(Schema::builtin()),
            schema_file: None,
            usage: Default::default(),
            registry_files: Vec::new(),
            entities: OnceLock::new(),
            line_memos: FxHashMap::default(),
            loaded_in_order: 0,
        }
    }

    /// Finds, reads and indexes every corpus file under `roots` in parallel. `progress` is
    /// called with (files done, files total) from worker threads.
    pub fn load(
        roots: Vec<PathBuf>,
        today: Date,
        progress: Option<&(dyn Fn(usize, usize) + Sync)>,
    ) -> (Corpus, Vec<LoadError>) {
        let (paths, errors) = discover(&roots);
        Corpus::new(roots, today).load_discovered(paths, errors, progress)
    }

    /// The same corpus keeping `keep` of the files nobody edits (from the next file added).
    pub fn keeping(mut self, keep: Keep) -> Corpus {
        self.keep = keep;
        self
    }

    /// Reads and indexes the files [`discover`] listed (`errors` are the walk's) into this
    /// empty corpus, in parallel.
    pub fn load_discovered(
        self,
        paths: Vec<(PathBuf, FileKind)>,
        mut errors: Vec<LoadError>,
        progress: Option<&(dyn Fn(usize, usize) + Sync)>,
    ) -> (Corpus, Vec<LoadError>) {
        let mut corpus = self;
        let today = corpus.today;
        let total = paths.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        corpus.files.reserve(total);
        let files = &corpus.files;
        corpus.by_path.reserve(total, |&f| path_hash(&live(files, f).path));
        // Parsed in chunks, each merged before the next is parsed: a chunk's parse results
        // (occurrence lists, the `Parsed` values) are the only transient memory.
        let mut paths = paths.into_iter();
        loop {
            let chunk: Vec<(PathBuf, FileKind)> = paths.by_ref().take(LOAD_CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            let (interner, keep) = (&corpus.interner, corpus.keep);
            let parsed: Vec<(PathBuf, Result<Parsed, String>)> = chunk
                .into_par_iter()
                .map(|(path, kind)| {
                    let result = std::fs::read(&path)
                        .map(|bytes| parse_file(interner, kind, &bytes, today, None, None).kept(keep))
                        .map_err(|e| e.to_string());
                    if let Some(p) = progress {
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if n.is_multiple_of(256) || n == total {
                            p(n, total);
                        }
                    }
                    (path, result)
                })
                .collect();
            for (path, result) in parsed {
                match result {
                    Ok(parsed) => {
                        corpus.insert(path, parsed, None);
                    }
                    Err(message) => errors.push(LoadError { path, message }),
                }
            }
        }
        // Lists grew by doubling; trim them once (about a fifth of the index).
        for list in corpus.index.values_mut() {
            list.shrink_to_fit();
        }
        corpus.loaded_in_order = corpus.files.len() as u32;
        corpus.refresh_schema();
        (corpus, errors)
    }

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

    /// A file with everything it holds: as kept, or, for a lean file, read again from disk
    /// and parsed (the last [`RECENT`] remembered). A lean file that cannot be read any more
    /// (deleted before the watcher says so) reads as empty.
    pub fn full(&self, id: FileId) -> Full<'_> {
        let data = self.file(id);
        if !data.is_lean() {
            return Full::Kept(data);
        }
        if let Some((_, hit)) = self.recent.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(f, _)| *f == id) {
            return Full::Read(hit.clone());
        }
        let bytes = std::fs::read(&data.path).unwrap_or_default();
        let parsed = parse_file(&self.interner, data.kind, &bytes, self.today, None, None);
        let full = Arc::new(FileData {
            path: data.path.clone(),
            kind: data.kind,
            line_index: parsed.line_index,
            syntax_diagnostics: parsed.diagnostics,
            content: parsed.content,
        });
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.retain(|(f, _)| *f != id);
        recent.insert(0, (id, full.clone()));
        recent.truncate(RECENT);
        Full::Read(full)
    }

    fn forget_recent(&mut self, id: FileId) {
        self.recent.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|(f, _)| *f != id);
    }

    /// Where an occurrence of `id` is in a lean file: the line and column of its start and
    /// end, in the encoding of [`Keep::Index`] (an id is on one line). `None` in a file that
    /// keeps its line index, which converts the range.
    pub fn place(&self, id: Sym, o: &Occurrence) -> Option<(LineCol, LineCol)> {
        let Keep::Index(enc) = self.keep else { return None };
        if !self.file(o.file).is_lean() {
            return None;
        }
        let start = match o.near() {
            Some(start) => start,
            None => {
                let far = self.far.get(&o.file)?;
                far[far.binary_search_by_key(&o.start, |&(at, _)| at).ok()?].1
            }
        };
        Some((start, LineCol { line: start.line, col: start.col + enc.width(self.resolve(id)) }))
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

    /// Every occurrence of an id, sorted by file id, then offset.
    pub fn occurrences(&self, id: Sym) -> &[Occurrence] {
        self.index.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Every indexed id with its occurrences (sorted by file, then offset), in no order.
    pub fn ids(&self) -> impl Iterator<Item = (Sym, &[Occurrence])> {
        self.index.iter().map(|(&id, occs)| (id, occs.as_slice()))
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

    /// Counts and firsts of an id's uses, from the cache when no file holding it changed.
    pub fn usage(&self, id: Sym) -> Arc<Usage> {
        if let Some(hit) = self.usage.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return hit.clone();
        }
        let occurrences = self.occurrences(id);
        let count = |kind| occurrences.iter().filter(|o| o.kind() == kind).count();
        // Occurrences are sorted by file: distinct files are consecutive.
        let mut files: Vec<FileId> =
            occurrences.iter().filter(|o| o.kind() != OccurrenceKind::RegistryRow).map(|o| o.file).collect();
        files.dedup();
        let total = files.len();
        let shown = FIRST_ARTICLES.min(files.len());
        let order = |a: &FileId, b: &FileId| self.article_cmp(*a, *b);
        if files.len() > shown {
            files.select_nth_unstable_by(shown, order);
        }
        files.truncate(shown);
        // Kept for every warmed id: not with the capacity of all its files.
        files.shrink_to_fit();
        files.sort_by(order);
        let earliest = |kind: OccurrenceKind| {
            occurrences
                .iter()
                .filter(|o| o.kind() == kind)
                .min_by(|a, b| self.article_cmp(a.file, b.file).then(a.start.cmp(&b.start)))
                .copied()
        };
        let usage = Arc::new(Usage {
            mentions: count(OccurrenceKind::Mention),
            roles: count(OccurrenceKind::RoleValue),
            files: total,
            first_files: files,
            first: earliest(OccurrenceKind::Mention).or_else(|| earliest(OccurrenceKind::RoleValue)),
        });
        self.usage.lock().unwrap_or_else(|e| e.into_inner()).insert(id, usage.clone());
        usage
    }

    /// Builds ahead what the first requests would build while the user waits: the registry
    /// view with its name matcher, and the usage of every id with at least `popular` uses (the
    /// most used first), in parallel.
    pub fn warm(&self, popular: usize) {
        let entities = self.entities();
        let mut ids: Vec<(usize, Sym)> =
            self.ids().filter(|(_, occs)| occs.len() >= popular).map(|(id, occs)| (occs.len(), id)).collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        rayon::join(
            || {
                entities.matcher();
            },
            || ids.par_iter().for_each(|&(_, id)| drop(self.usage(id))),
        );
    }

    /// Whether the usage of an id is computed and kept.
    #[cfg(test)]
    fn has_usage(&self, id: Sym) -> bool {
        self.usage.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&id)
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

    /// Registry rows and aliases of the whole corpus.
    pub fn entities(&self) -> &Entities {
        self.entities.get_or_init(|| Arc::new(Entities::build(self)))
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

    /// Adds or replaces a file from its current text (an open document, or a file changed on
    /// disk) and updates the index for it alone.
    pub fn set_text(&mut self, path: &Path, bytes: &[u8]) -> Option<FileId> {
        self.replace(path, bytes, None)
    }

    /// [`Corpus::set_text`] for an open document, whose line index the editor side keeps.
    /// With `changed`, what changed since the text of the last call, only the lines it touched
    /// are parsed again (when the document's last summary allows; else the whole text is).
    pub fn set_document(
        &mut self,
        path: &Path,
        text: &str,
        line_index: &LineIndex,
        changed: Option<Changed>,
    ) -> Option<FileId> {
        if let Some(changed) = changed
            && let Some(id) = self.splice_document(path, text, line_index, changed)
        {
            return Some(id);
        }
        self.replace(path, text.as_bytes(), Some((text, line_index)))
    }

    /// `document`: the text (the bytes decoded) and line index of an open document.
    fn replace(&mut self, path: &Path, bytes: &[u8], document: Option<(&str, &LineIndex)>) -> Option<FileId> {
        let kind = FileKind::of(path)?;
        let mut memo = self.line_memos.remove(path);
        let lines = memo.as_mut().map(|m| &mut m.lines);
        let line_index = document.map(|(_, index)| index.clone());
        let mut parsed = parse_file(&self.interner, kind, bytes, self.today, lines, line_index);
        if memo.is_none() {
            // A file nobody edits: kept as a load keeps it.
            parsed = parsed.kept(self.keep);
        }
        if let Some(memo) = memo.as_mut() {
            memo.last = document
                .filter(|_| matches!(parsed.content, Content::Seed(_)))
                .map(|(text, _)| LastDocument::new(text, self.today, parsed.occurrences.clone()));
            memo.checks.get_mut().unwrap_or_else(|e| e.into_inner()).invalidate();
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

    /// Applies a change to an open seed document's last summary: the lines it touched are
    /// parsed again, their mentions, diagnostics and occurrences put in place of the old ones,
    /// and what follows moves. `None` when the summary cannot be spliced (nothing to splice
    /// into, or a change to line 1, whose header the whole file depends on): the caller then
    /// summarises the whole text.
    fn splice_document(&mut self, path: &Path, text: &str, line_index: &LineIndex, ch: Changed) -> Option<FileId> {
        let id = self.file_id(path)?;
        let last = self.line_memos.get(path)?.last.as_ref()?;
        let len = text.len() as u32;
        let follows = ch.start <= ch.old_end.min(ch.new_end)
            && ch.old_end <= last.len
            && ch.new_end <= len
            && last.len - ch.old_end == len - ch.new_end;
        if !follows || self.files[id.0 as usize].as_ref()?.seed().is_none() {
            return None;
        }
        // The lines touched, whole: `start..old_end` of the old text became `start..new_end`
        // (each ends at a line break or the end of the text).
        let bytes = text.as_bytes();
        let start = memchr::memrchr(b'\n', &bytes[..ch.start as usize]).map_or(0, |i| i as u32 + 1);
        // Line 1, with its line break: the header.
        if start == 0 {
            return None;
        }
        let new_end = memchr::memchr(b'\n', &bytes[ch.new_end as usize..]).map_or(len, |i| ch.new_end + i as u32);
        let old_end = new_end - ch.new_end + ch.old_end;
        let delta = ch.delta();

        let (mut mentions, mut diagnostics, mut occurrences) = (Vec::new(), Vec::new(), Vec::new());
        let upto = if new_end < len { new_end + 1 } else { len };
        let touched =
            crate::text::lines(&text[start as usize..upto as usize]).take_while(|l| start + l.start <= new_end);
        for line in touched {
            let mut acc = (&mut mentions, &mut diagnostics, &mut occurrences);
            // Lines after the first have no header part: their prose starts at 0.
            summarize_line_into(&self.interner, &text[line.shift(start)], 0, start + line.start, &mut acc);
        }
        diagnostics.sort_by_key(diagnostic_order);
        occurrences.sort_unstable_by_key(occurrence_order);

        let mut memo = self.line_memos.remove(path)?;
        let (Some(last), Some(FileData { content: Content::Seed(seed), syntax_diagnostics, line_index: index, .. })) =
            (memo.last.take(), self.files[id.0 as usize].as_mut())
        else {
            self.line_memos.insert(path.to_path_buf(), memo);
            return None;
        };
        // Mentions of the touched lines are replaced; those after move, and so do their parents'
        // indices (a mention's parent is on its line).
        let list = seed.mentions.to_mut();
        let m0 = list.partition_point(|m| m.range.start < start);
        let m1 = m0 + list[m0..].partition_point(|m| m.range.start <= old_end);
        let added = mentions.len() as u32;
        let parents = i64::from(added) - (m1 - m0) as i64;
        for m in &mut list[m1..] {
            m.move_by(delta, parents);
        }
        list.splice(m0..m1, mentions.into_iter().map(|m| m.shift(0, m0 as u32)));
        // T002 and the title read the first lines of the body: when the change reached them,
        // they are computed again (before anything moves: T002 points at earlier lines).
        let retop = start <= last.top;
        let diags = syntax_diagnostics.to_mut();
        if retop {
            diags.retain(|d| d.code != crate::diagnostic::Code::T002);
        }
        let d0 = diags.partition_point(|d| d.range.start < start);
        let d1 = d0 + diags[d0..].partition_point(|d| d.range.start <= old_end);
        for d in &mut diags[d1..] {
            d.move_by(delta);
        }
        diags.splice(d0..d1, diagnostics);
        let mut top = last.top;
        if retop {
            let body_start = syntax::body_start(syntax::header::parse_header(text, self.today).0.as_ref());
            let mut repeated = Vec::new();
            top = syntax::prose::repeated_lines(text, body_start, &[], &mut repeated);
            diags.extend(repeated);
            diags.sort_by_key(diagnostic_order);
            (seed.title, seed.title_range) = title(text);
        }
        *index = Some(Box::new(line_index.clone()));

        // The document's occurrences: the touched lines' replaced, those after moved. Only ids
        // with an occurrence from the touched lines on have their runs in the index rewritten;
        // those whose occurrences in the touched lines differ (not just moved) are noted.
        let mut list = last.occurrences;
        let (mut affected, mut removed) = (Vec::new(), Vec::new());
        list.retain_mut(|(sym, o)| {
            if o.start < start {
                return true;
            }
            if affected.last() != Some(sym) {
                affected.push(*sym);
            }
            if o.start <= old_end {
                removed.push((*sym, *o));
                return false;
            }
            o.start = (i64::from(o.start) + delta) as u32;
            true
        });
        for &n in &occurrences {
            list.insert(list.partition_point(|o| occurrence_order(o) < occurrence_order(&n)), n);
        }
        let kind_of = |&(sym, o): &(Sym, Occurrence)| (sym, o.kind(), o.ty);
        let mut ids: Vec<Sym> = Vec::new();
        if !removed.iter().map(kind_of).eq(occurrences.iter().map(kind_of)) {
            ids.extend(removed.iter().chain(&occurrences).map(|o| o.0));
            ids.sort_unstable();
            ids.dedup();
        }
        affected.extend(occurrences.iter().map(|o| o.0));
        affected.sort_unstable();
        affected.dedup();
        let mut runs = Vec::new();
        let mut wanted = affected.iter().copied().peekable();
        for group in list.chunk_by(|a, b| a.0 == b.0) {
            while wanted.next_if(|&s| s < group[0].0).is_some() {}
            if wanted.peek() == Some(&group[0].0) {
                runs.extend_from_slice(group);
            }
        }
        self.replace_occurrences(id, &affected, &runs, Some(&mut memo.runs), None);
        memo.last = Some(LastDocument { len, top, occurrences: list });
        let checks = memo.checks.get_mut().unwrap_or_else(|e| e.into_inner());
        checks.splice(
            Changed { start, old_end, new_end },
            Changed { start: m0 as u32, old_end: m1 as u32, new_end: m0 as u32 + added },
        );
        self.line_memos.insert(path.to_path_buf(), memo);
        self.note_changed_ids(&ids);
        Some(id)
    }

    /// Tells the open documents' checks that the occurrences of `ids` changed.
    fn note_changed_ids(&mut self, ids: &[Sym]) {
        if !ids.is_empty() {
            for memo in self.line_memos.values_mut() {
                memo.checks.get_mut().unwrap_or_else(|e| e.into_inner()).note_ids(ids);
            }
        }
    }

    /// After a registry or the schema changed: everything derived from them is computed again.
    fn invalidate_checks(&mut self) {
        for memo in self.line_memos.values_mut() {
            memo.checks.get_mut().unwrap_or_else(|e| e.into_inner()).invalidate();
        }
    }

    /// What the analysis keeps of an open document ([`DocChecks`]); `None` for other files.
    pub fn doc_checks(&self, file: FileId) -> Option<std::sync::MutexGuard<'_, DocChecks>> {
        let memo = self.line_memos.get(&self.file(file).path)?;
        // A panic in the middle of an update leaves nothing to trust.
        Some(memo.checks.lock().unwrap_or_else(|e| {
            let mut checks = e.into_inner();
            checks.invalidate();
            checks
        }))
    }

    /// Whether [`Corpus::set_text`] remembers the lines of this file: worth it for a document
    /// being edited, where each change touches a line or two of thousands.
    pub fn keep_line_memo(&mut self, path: &Path, keep: bool) {
        if keep {
            self.line_memos.entry(path.to_path_buf()).or_default();
        } else {
            self.line_memos.remove(path);
            if let Some(entities) = self.entities.get() {
                entities.forget_lines(self.file_id(path));
            }
        }
    }

    /// Whether the lines of a file are remembered ([`Corpus::keep_line_memo`]).
    pub fn keeps_lines(&self, file: FileId) -> bool {
        self.line_memos.contains_key(&self.file(file).path)
    }

    /// Takes a file out of the corpus (deleted on disk, or excluded).
    pub fn remove(&mut self, path: &Path) -> Option<FileId> {
        let files = &self.files;
        let (id, _) = self.by_path.find_entry(path_hash(path), |&f| live(files, f).path == path).ok()?.remove();
        if let Some(memo) = self.line_memos.get_mut(path) {
            memo.last = None;
            memo.checks.get_mut().unwrap_or_else(|e| e.into_inner()).invalidate();
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

    fn insert(&mut self, path: PathBuf, parsed: Parsed, runs: Option<&mut FxHashMap<Sym, u32>>) -> FileId {
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
        let mut changed = Vec::new();
        let note = (!self.line_memos.is_empty()).then_some(&mut changed);
        self.replace_occurrences(id, &old_syms, &parsed.occurrences, runs, note);
        self.note_changed_ids(&changed);
        // The date orders the articles of every id the file holds (`article_cmp`); a new date
        // in a header of the same length moves no occurrence, so their usage goes here.
        let old_date = self.files[id.0 as usize].as_ref().and_then(FileData::seed).and_then(|s| s.date);
        if old_date != data.seed().and_then(|s| s.date) {
            let usage = self.usage.get_mut().unwrap_or_else(|e| e.into_inner());
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

    /// Puts `new` (sorted by id, then offset) in place of the file's occurrences of `old` ids
    /// (sorted). Each id's occurrences in one file are one run of its list: a run that keeps
    /// its length is overwritten in place, so an edit moves no other file's occurrences, and
    /// only ids whose occurrences changed lose their cached usage (and go to `changed`).
    fn replace_occurrences(
        &mut self,
        id: FileId,
        old: &[Sym],
        new: &[(Sym, Occurrence)],
        mut runs: Option<&mut FxHashMap<Sym, u32>>,
        mut changed: Option<&mut Vec<Sym>>,
    ) {
        let usage = self.usage.get_mut().unwrap_or_else(|e| e.into_inner());
        let mut groups = new.chunk_by(|a, b| a.0 == b.0).peekable();
        let mut old = old.iter().copied().peekable();
        loop {
            let next_new = groups.peek().map(|g| g[0].0);
            let sym = match (old.peek().copied(), next_new) {
                (None, None) => break,
                (Some(o), Some(n)) => o.min(n),
                (Some(o), None) => o,
                (None, Some(n)) => n,
            };
            if old.peek() == Some(&sym) {
                old.next();
            }
            let group: &[(Sym, Occurrence)] =
                if next_new == Some(sym) { groups.next().unwrap_or_default() } else { &[] };
            let list = match self.index.get_mut(&sym) {
                Some(list) => list,
                None if group.is_empty() => continue,
                None => self.index.entry(sym).or_default(),
            };
            let hint = runs.as_deref().and_then(|r| r.get(&sym)).map(|&i| i as usize);
            let from = hint
                .filter(|&i| i <= list.len() && list.get(i).is_none_or(|o| o.file >= id))
                .filter(|&i| i == 0 || list[i - 1].file < id)
                .unwrap_or_else(|| list.partition_point(|o| o.file < id));
            if let Some(runs) = runs.as_deref_mut() {
                runs.insert(sym, from as u32);
            }
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
                    continue;
                }
            } else {
                list.splice(from..to, occs);
            }
            if list.is_empty() {
                self.index.remove(&sym);
            }
            if !usage.is_empty() {
                usage.remove(&sym);
            }
            if let Some(changed) = changed.as_deref_mut() {
                changed.push(sym);
            }
        }
    }

    /// After a registry changed: the registry view and what was derived from it go.
    fn registry_changed(&mut self) {
        self.entities = OnceLock::new();
        self.invalidate_checks();
    }

    /// Takes a file out of the URL index and the registry view, and returns the ids it holds
    /// (sorted), whose occurrences [`Corpus::replace_occurrences`] then updates.
    fn unindex_but_occurrences(&mut self, id: FileId) -> Vec<Sym> {
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

    fn unindex(&mut self, id: FileId) {
        let syms = self.unindex_but_occurrences(id);
        let mut changed = Vec::new();
        let note = (!self.line_memos.is_empty()).then_some(&mut changed);
        self.replace_occurrences(id, &syms, &[], None, note);
        self.note_changed_ids(&changed);
    }

    /// The schema in effect: the `schema.tsv` nearest a root (shortest path), else the default.
    fn refresh_schema(&mut self) {
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
        self.invalidate_checks();
    }
}

fn normalize_url(url: &str) -> &str {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    rest.strip_prefix("www.").unwrap_or(rest).trim_end_matches('/')
}

/// A live file of `files` (the tables hold only those).
fn live(files: &[Option<FileData>], id: FileId) -> &FileData {
    files[id.0 as usize].as_ref().expect("file id of a removed file")
}

/// The hash of a path in [`Corpus`]'s `by_path`.
fn path_hash(path: &Path) -> u64 {
    FxBuildHasher.hash_one(path)
}

/// What [`Corpus`]'s `urls` knows a seed file by: its header's URL, normalised.
fn url_key(file: &FileData) -> Option<&str> {
    file.seed()?.url.as_deref().map(normalize_url)
}

/// The hash of a normalised URL in [`Corpus`]'s `urls`.
fn url_hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key)
}

/// Registered names in one line: (range in the line, pattern index).
pub type LineNames = Vec<(TextRange, u32)>;

/// A registry row's place: (registry file, entry index).
pub type EntryRef = (FileId, u32);

/// Every registry of the corpus seen as one: rows by id, and names/aliases folded for matching.
#[derive(Default)]
pub struct Entities {
    pub by_id: FxHashMap<Sym, Vec<EntryRef>>,
    /// Folded name or alias → the rows that carry it.
    pub by_alias: FxHashMap<String, Vec<EntryRef>>,
    /// Folded names and aliases, in the order of the matcher's patterns.
    pub patterns: Vec<String>,
    matcher: OnceLock<Option<aho_corasick::AhoCorasick>>,
    /// Did-you-mean answers for ids not in the registry (see `analysis::registry_suggestions`).
    pub suggestions: std::sync::Mutex<FxHashMap<String, Vec<Sym>>>,
    /// `patterns` loosened (`text::matching::loosen`), computed on first use by the fuzzier matching.
    loose: OnceLock<Vec<String>>,
    /// Names found in the lines of open documents (see `analysis::untagged_aliases`), by file
    /// and line text, as (range in the line, pattern): a keystroke scans only its line.
    pub untagged_lines: std::sync::Mutex<FxHashMap<FileId, LineMemo<LineNames>>>,
}

impl Entities {
    fn build(corpus: &Corpus) -> Entities {
        let mut e = Entities::default();
        for (file, _, registry) in corpus.registries() {
            for (i, entry) in registry.entries.iter().enumerate() {
                let r = (file, i as u32);
                if let Some(sym) = corpus.sym(&entry.id.text) {
                    e.by_id.entry(sym).or_default().push(r);
                }
                for name in entry.names() {
                    let folded = crate::text::matching::fold(&name.text);
                    if folded.is_empty() {
                        continue;
                    }
                    let rows = e.by_alias.entry(folded).or_default();
                    if !rows.contains(&r) {
                        rows.push(r);
                    }
                }
            }
        }
        e.patterns = e.by_alias.keys().cloned().collect();
        e.patterns.sort();
        e
    }

    /// Drops what [`Entities::untagged_lines`] remembers of a file.
    fn forget_lines(&self, file: Option<FileId>) {
        if let Some(file) = file {
            self.untagged_lines.lock().unwrap_or_else(|e| e.into_inner()).remove(&file);
        }
    }

    /// [`Entities::patterns`] without accents, hyphens or double spaces, in the same order.
    pub fn loose_patterns(&self) -> &[String] {
        self.loose.get_or_init(|| self.patterns.iter().map(|p| crate::text::matching::loosen(p).into_owned()).collect())
    }

    /// Leftmost-longest matcher over folded text for every name and alias.
    pub fn matcher(&self) -> Option<&aho_corasick::AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                if self.patterns.is_empty() {
                    return None;
                }
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&self.patterns)
                    .ok()
            })
            .as_ref()
    }
}

/// `Path`'s order (component by component) for the walker's paths, which are normalised: their
/// bytes with the separator as the smallest byte. `Path::cmp` splits both paths into
/// components on every comparison, which made sorting 10,000 paths 5 % of a cold load.
pub(crate) fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (a, b) = (a.as_os_str().as_bytes(), b.as_os_str().as_bytes());
        let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let next = |s: &[u8]| s.get(common).map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 });
        next(a).cmp(&next(b))
    }
    #[cfg(not(unix))]
    {
        a.cmp(b)
    }
}

/// Lists corpus files under `roots` in parallel, honouring `.gitignore`, `.ignore` and
/// `.seedls.json`, never following symbolic links (a link may lead out of the workspace).
/// The result is sorted by path so every run and every thread count sees the same order.
/// A file reached from two overlapping roots (`. seeds`) is listed once.
pub fn discover(roots: &[PathBuf]) -> (Vec<(PathBuf, FileKind)>, Vec<LoadError>) {
    let (found, errors) = discover_with(roots, &|_, _| ());
    (found.into_iter().map(|(path, kind, ())| (path, kind)).collect(), errors)
}

/// [`discover`], calling `visit` on each file from the walker's thread as it is found (a
/// first pass reads files while the walk goes on); its result comes back with the file.
pub(crate) fn discover_with<T: Send>(
    roots: &[PathBuf],
    visit: &(dyn Fn(&Path, FileKind) -> T + Sync),
) -> (Vec<(PathBuf, FileKind, T)>, Vec<LoadError>) {
    // (path, kind, index of the root it was found under, what `visit` made of it)
    let found = std::sync::Mutex::new(Vec::new());
    let errors = std::sync::Mutex::new(Vec::new());
    for (root_index, root) in roots.iter().enumerate() {
        if root.is_file() {
            match FileKind::of(root) {
                Some(kind) => {
                    let seen = visit(root, kind);
                    found.lock().unwrap().push((root.clone(), kind, root_index, seen))
                }
                None => errors.lock().unwrap().push(LoadError {
                    path: root.clone(),
                    message: "not a seed (.txt), registry (entities.tsv) or schema (schema.tsv) file".into(),
                }),
            }
            continue;
        }
        if !root.is_dir() {
            errors.lock().unwrap().push(LoadError { path: root.clone(), message: "no such file or directory".into() });
            continue;
        }
        let filter = match load_config(root).and_then(|c| c.map(|c| Filter::new(&c)).transpose()) {
            Ok(filter) => filter.map(Arc::new),
            Err(message) => {
                // Without its configuration the root's file set is unknown: loading it anyway
                // would report on files the team excluded.
                errors.lock().unwrap().push(LoadError { path: root.join(".seedls.json"), message });
                continue;
            }
        };
        let mut builder = walk_builder(root);
        if let Some(filter) = &filter {
            let (filter, root) = (filter.clone(), root.clone());
            // Prune excluded directories instead of walking them.
            builder.filter_entry(move |e| !filter.excluded(e.path().strip_prefix(&root).unwrap_or(e.path())));
        }
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        if entry.file_type().is_some_and(|t| t.is_file())
                            && let Some(kind) = FileKind::of(entry.path())
                            && filter
                                .as_ref()
                                .is_none_or(|f| f.included(entry.path().strip_prefix(root).unwrap_or(entry.path())))
                        {
                            let seen = visit(entry.path(), kind);
                            found.lock().unwrap().push((entry.into_path(), kind, root_index, seen));
                        }
                    }
                    Err(err) => {
                        let message = err.to_string();
                        errors.lock().unwrap().push(LoadError { path: error_path(err), message });
                    }
                }
                WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap();
    found.sort_unstable_by(|a, b| path_order(&a.0, &b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    found.dedup_by(|a, b| a.0 == b.0);
    if roots.len() > 1 {
        // The same file under two spellings (`./seeds/a.txt`, `seeds/a.txt`, an absolute path)
        // would be its own duplicate (H007, R002). Key each file by its root's canonical path
        // and its path below the root: one system call per root, not per file.
        let canonical: Vec<PathBuf> =
            roots.iter().map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone())).collect();
        let mut seen = rustc_hash::FxHashSet::default();
        found.retain(|(path, _, i, _)| {
            let key = match path.strip_prefix(&roots[*i]) {
                Ok(rel) if !rel.as_os_str().is_empty() => canonical[*i].join(rel),
                _ => canonical[*i].clone(),
            };
            seen.insert(key)
        });
    }
    let found = found.into_iter().map(|(path, kind, _, seen)| (path, kind, seen)).collect();
    (found, errors.into_inner().unwrap())
}

/// The walker of `discover`: `.gitignore` and `.ignore` honoured with or without a git
/// repository, hidden files skipped, symbolic links never followed. Only ignore files inside
/// the root count: nothing above it (parent folders, git's global excludes) is ever read.
fn walk_builder(root: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder.require_git(false).follow_links(false).parents(false).git_global(false);
    builder
}

/// Which of `paths` [`discover`] would list under `roots`, by the same rules, visiting only the
/// folders on the way to them: a file that changed on disk is judged without walking the whole
/// corpus. Paths not under any root are never looked at.
pub fn admitted(roots: &[PathBuf], paths: &[PathBuf]) -> Vec<(PathBuf, FileKind)> {
    let mut out = Vec::new();
    for root in roots {
        let wanted: rustc_hash::FxHashSet<PathBuf> = paths
            .iter()
            .filter(|p| p.starts_with(root) && FileKind::of(p).is_some())
            // `a/../b` is under `a` by components only: never follow it out of the root.
            .filter(|p| !p.components().any(|c| matches!(c, Component::ParentDir | Component::CurDir)))
            .cloned()
            .collect();
        if wanted.is_empty() {
            continue;
        }
        if root.is_file() {
            out.extend(wanted.contains(root).then(|| FileKind::of(root).map(|k| (root.clone(), k))).flatten());
            continue;
        }
        if !root.is_dir() {
            continue;
        }
        // An unreadable or invalid `.seedls.json` keeps the whole root out, as in `discover`.
        let Ok(filter) = load_config(root).and_then(|c| c.map(|c| Filter::new(&c)).transpose()) else { continue };
        let filter = filter.map(Arc::new);
        let ancestors: rustc_hash::FxHashSet<PathBuf> = wanted
            .iter()
            .flat_map(|p| p.ancestors().skip(1).take_while(|a| a.starts_with(root)))
            .map(Path::to_path_buf)
            .collect();
        let wanted = Arc::new(wanted);
        let mut builder = walk_builder(root);
        {
            let (wanted, root) = (wanted.clone(), root.clone());
            let filter = filter.clone();
            builder.filter_entry(move |e| {
                let path = e.path();
                (ancestors.contains(path) || wanted.contains(path))
                    && filter.as_ref().is_none_or(|f| !f.excluded(path.strip_prefix(&root).unwrap_or(path)))
            });
        }
        for entry in builder.build().flatten() {
            let path = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file())
                && wanted.contains(path)
                && let Some(kind) = FileKind::of(path)
                && filter.as_ref().is_none_or(|f| f.included(path.strip_prefix(root).unwrap_or(path)))
            {
                out.push((entry.into_path(), kind));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The path an error of the walk is about, looking through the context `ignore` wraps it in.
fn error_path(err: ignore::Error) -> PathBuf {
    match err {
        ignore::Error::WithPath { path, .. } => path,
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(*err),
        ignore::Error::Loop { child, .. } => child,
        ignore::Error::Partial(errs) => errs.into_iter().next().map_or_else(PathBuf::new, error_path),
        _ => PathBuf::new(),
    }
}

pub fn load_config(root: &Path) -> Result<Option<Config>, String> {
    let path = root.join(".seedls.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| format!("invalid .seedls.json: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read .seedls.json: {e}")),
    }
}

/// `.seedls.json` globs, matched against paths relative to the root.
struct Filter {
    include: Option<globset::GlobSet>,
    exclude: globset::GlobSet,
}

impl Filter {
    fn new(config: &Config) -> Result<Filter, String> {
        let set = |globs: &[String], what: &str| {
            let mut b = globset::GlobSetBuilder::new();
            for g in globs {
                // `*` stays within one folder, as in .gitignore; `**` crosses folders.
                let glob = globset::GlobBuilder::new(g).literal_separator(true).build();
                b.add(glob.map_err(|e| format!("bad {what} glob `{g}` in .seedls.json: {e}"))?);
            }
            b.build().map_err(|e| e.to_string())
        };
        let include = if config.include.is_empty() { None } else { Some(set(&config.include, "include")?) };
        Ok(Filter { include, exclude: set(&config.exclude, "exclude")? })
    }

    fn excluded(&self, rel: &Path) -> bool {
        self.exclude.is_match(rel)
    }

    /// Registries and schemas are always in: include globs select seed files.
    fn included(&self, rel: &Path) -> bool {
        FileKind::of(rel) != Some(FileKind::Seed) || self.include.as_ref().is_none_or(|i| i.is_match(rel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus of 100,000 articles has three million: what an occurrence costs counts.
    #[test]
    fn an_occurrence_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Occurrence>(), 16);
    }

    #[test]
    fn files_compare_by_path_also_when_added_after_the_load() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.txt", "d/a.txt", "d-x.txt"] {
            std::fs::create_dir_all(dir.path().join(name).parent().unwrap()).unwrap();
            std::fs::write(dir.path().join(name), " date 2022-01\n\nx\n").unwrap();
        }
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let (mut corpus, _) = Corpus::load(vec![dir.path().to_path_buf()], today, None);
        for name in ["c.txt", "a.txt", "d/0.txt"] {
            corpus.set_text(&dir.path().join(name), b" date 2022-01\n\nx\n");
        }
        let mut files: Vec<FileId> = corpus.files().map(|(id, _)| id).collect();
        files.sort_by(|&a, &b| corpus.path_cmp(a, b));
        let names: Vec<_> = files.iter().map(|&f| corpus.file(f).path.strip_prefix(dir.path()).unwrap()).collect();
        let want = ["a.txt", "b.txt", "c.txt", "d/0.txt", "d/a.txt", "d-x.txt"];
        assert_eq!(names, want.map(Path::new));
    }

    #[test]
    fn paths_sort_as_path_orders_them() {
        let paths = [
            "a",
            "a/b",
            "a-b",
            "a.b",
            "a/b/c",
            "a/bc",
            "a/b-c",
            "a/b.txt",
            "ab",
            "A",
            "é/x",
            "e/x",
            "/r/a",
            "/r/a b/c",
            "/r/a/b",
            "/r/a!/b",
            "",
            "000/00001_x.txt",
            "000/0001_x.txt",
            "00/1.txt",
            "0/1.txt",
        ];
        for a in paths {
            for b in paths {
                assert_eq!(path_order(Path::new(a), Path::new(b)), Path::new(a).cmp(Path::new(b)), "{a:?} {b:?}");
            }
        }
    }

    /// Files nobody edits keep their mentions and diagnostics packed; a document being edited
    /// has lists (a change splices them), packed again once it is closed and read from disk.
    #[test]
    fn only_edited_documents_keep_their_mentions_and_diagnostics_unpacked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        let text = " date 2022-01\n\n[A]{person:kz.a} [[B]{person:kz.b} x]{event:ev1 agent=kz.a} la fin.Puis\n";
        std::fs::write(&path, text).unwrap();
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let (mut corpus, _) = Corpus::load(vec![dir.path().to_path_buf()], today, None);
        let mentions = |c: &Corpus| c.file(c.file_id(&path).unwrap()).seed().unwrap().mentions.clone();
        let loaded = mentions(&corpus);
        assert!(matches!(loaded, Mentions::Packed(_)));
        assert_eq!(loaded.len(), 3);
        let diagnostics = |c: &Corpus| c.file(c.file_id(&path).unwrap()).syntax_diagnostics.clone();
        let glued = diagnostics(&corpus);
        assert!(matches!(glued, Diagnostics::Packed(_)));
        assert!(glued.get().iter().any(|d| d.code == crate::diagnostic::Code::T001));

        corpus.keep_line_memo(&path, true);
        corpus.set_document(&path, text, &LineIndex::new(text), None);
        let open = mentions(&corpus);
        assert!(matches!(open, Mentions::List(_)));
        assert_eq!(open, loaded, "the same mentions, packed or not");
        assert!(matches!(diagnostics(&corpus), Diagnostics::List(_)));
        assert_eq!(diagnostics(&corpus), glued);
        assert_eq!(open.get().iter().map(|m| m.args.len()).sum::<usize>(), 1, "the event's role");

        corpus.keep_line_memo(&path, false);
        corpus.set_text(&path, text.as_bytes());
        assert!(matches!(mentions(&corpus), Mentions::Packed(_)));
        assert_eq!(mentions(&corpus), loaded);
        assert!(matches!(diagnostics(&corpus), Diagnostics::Packed(_)));
    }

    /// The usage cache follows every change to a file holding the id, and only those.
    #[test]
    fn warming_computes_the_usage_of_the_most_used_ids_only() {
        let dir = tempfile::tempdir().unwrap();
        let popular = "[A]{person:kz.a} ".repeat(20);
        std::fs::write(dir.path().join("a.txt"), format!(" date 2022-01\n\n{popular}[B]{{person:kz.b}}\n")).unwrap();
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let (corpus, _) = Corpus::load(vec![dir.path().to_path_buf()], today, None);
        let (a, b) = (corpus.sym("kz.a").unwrap(), corpus.sym("kz.b").unwrap());
        assert!(!corpus.has_usage(a));
        corpus.warm(20);
        assert!(corpus.has_usage(a) && !corpus.has_usage(b));
        assert_eq!(corpus.usage(a).mentions, 20);
    }

    #[test]
    fn opening_a_lean_file_keeps_the_usage_of_its_ids_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        let text = " date 2022-01\n\nÉté [A]{person:kz.a}, [B]{person:kz.b}.\n";
        std::fs::write(&path, text).unwrap();
        std::fs::write(dir.path().join("b.txt"), " date 2022-02\n\n[A]{person:kz.a}\n").unwrap();
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let roots = vec![dir.path().to_path_buf()];
        let (paths, errors) = discover(&roots);
        let keep = Keep::Index(Encoding::Utf16);
        let mut corpus = Corpus::new(roots, today).keeping(keep).load_discovered(paths, errors, None).0;
        let (a, b) = (corpus.sym("kz.a").unwrap(), corpus.sym("kz.b").unwrap());
        corpus.warm(1);
        assert!(corpus.file(corpus.file_id(&path).unwrap()).is_lean());
        // Opened: the same uses, now without places (the document keeps its line index).
        corpus.keep_line_memo(&path, true);
        let file = corpus.set_document(&path, text, &LineIndex::new(text), None).unwrap();
        assert!(!corpus.file(file).is_lean());
        assert!(corpus.has_usage(a) && corpus.has_usage(b), "a place is not a use");
        let edited = text.replace("[B]{person:kz.b}", "B");
        corpus.set_document(&path, &edited, &LineIndex::new(&edited), None);
        assert!(corpus.has_usage(a) && !corpus.has_usage(b));
    }

    #[test]
    fn usage_is_recomputed_when_a_file_holding_the_id_changes() {
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let mut corpus = Corpus::new(Vec::new(), today);
        let (a, b, c) = (Path::new("/ws/a.txt"), Path::new("/ws/b.txt"), Path::new("/ws/c.txt"));
        corpus.set_text(a, " date 2022-02\n\n[X]{person:kz.x} [Y]{person:kz.y}\n".as_bytes());
        corpus.set_text(b, " date 2022-01\n\n[X]{person:kz.x}\n".as_bytes());
        let x = corpus.sym("kz.x").unwrap();
        let first = |c: &Corpus| c.usage(x).first.map(|o| c.file(o.file).path.clone());
        assert_eq!((corpus.usage(x).mentions, corpus.usage(x).files), (2, 2));
        assert_eq!(first(&corpus).as_deref(), Some(b), "the earlier article introduced it");
        // A third file, then an edit that moves b's date after a's: both change the answer.
        corpus.set_text(c, " date 2021-12\n\n[[X]{person:kz.x} a parlé]{support actor=kz.x}\n".as_bytes());
        assert_eq!((corpus.usage(x).mentions, corpus.usage(x).roles, corpus.usage(x).files), (3, 1, 3));
        assert_eq!(first(&corpus).as_deref(), Some(c));
        corpus.remove(c);
        assert_eq!(first(&corpus).as_deref(), Some(b));
        // A new date of the same length moves no occurrence, but it reorders the articles.
        corpus.set_text(b, " date 2022-03\n\n[X]{person:kz.x}\n".as_bytes());
        assert_eq!(first(&corpus).as_deref(), Some(a));
        assert_eq!(
            corpus.usage(x).first_files.iter().map(|&f| corpus.file(f).path.as_path()).collect::<Vec<_>>(),
            [a, b]
        );
    }

    #[test]
    fn files_are_found_by_path_and_url_after_changes_and_removals() {
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let mut corpus = Corpus::new(Vec::new(), today);
        let seed = |url: &str| format!(" date 2022-01 {url}\n\nTexte.\n").into_bytes();
        let (u, v) = ("https://example.org/same", "https://example.org/other");
        // Enough files for both tables to grow (they hash their entries through the files);
        // the URL spelled the ways it is compared without.
        let spellings = [u, "http://www.example.org/same/", "https://www.example.org/same"];
        let paths: Vec<PathBuf> = (0..40).map(|i| PathBuf::from(format!("/ws/{i:02}.txt"))).collect();
        let ids: Vec<FileId> =
            paths.iter().enumerate().map(|(i, p)| corpus.set_text(p, &seed(spellings[i % 3])).unwrap()).collect();
        let (a, b) = (paths[3].as_path(), paths[7].as_path());
        assert_eq!(corpus.files_with_url(u), ids, "every file, sorted by id");
        assert_eq!(corpus.files_with_url("https://www.example.org/same/"), ids);
        assert!(corpus.files_with_url(v).is_empty());

        // A new URL in b's header: listed under it, no longer under the old one.
        assert_eq!(corpus.set_text(b, &seed(v)), Some(ids[7]));
        assert_eq!(corpus.files_with_url(v), [ids[7]]);
        assert!(!corpus.files_with_url(u).contains(&ids[7]));
        assert_eq!(corpus.files_with_url(u).len(), 39);
        // No URL at all, then the old one back.
        corpus.set_text(b, b" date 2022-01\n\nTexte.\n");
        assert!(corpus.files_with_url(v).is_empty());
        corpus.set_text(b, &seed(u));
        assert_eq!(corpus.files_with_url(u), ids);

        // A removed file is found neither by path nor by URL; added again, it is a new file.
        assert_eq!(corpus.remove(a), Some(ids[3]));
        assert_eq!(corpus.file_id(a), None);
        assert_eq!(corpus.remove(a), None);
        assert!(!corpus.files_with_url(u).contains(&ids[3]));
        let again = corpus.set_text(a, &seed(v)).unwrap();
        assert_ne!(again, ids[3]);
        assert_eq!(corpus.file_id(a), Some(again));
        assert_eq!(corpus.files_with_url(v), [again]);
        assert_eq!(corpus.files_with_url(u).len(), 39);
        for (p, &id) in paths.iter().zip(&ids).filter(|(p, _)| p.as_path() != a) {
            assert_eq!(corpus.file_id(p), Some(id));
        }
        assert_eq!(corpus.file_id(Path::new("/ws/none.txt")), None);
    }

    /// Replaces the first `find` of `text` that follows `after` with `with`, as an editor's
    /// change.
    fn change(text: &mut String, after: &str, find: &str, with: &str) -> Changed {
        let whole = format!("{after}{find}");
        let at = text.find(&whole).unwrap_or_else(|| panic!("{whole:?} not in {text:?}")) + after.len();
        text.replace_range(at..at + find.len(), with);
        Changed::new(TextRange::from_usize(at..at + find.len()), with.len() as u32)
    }

    /// Everything the corpus holds of one file: its data, and its occurrences in the index.
    fn state(corpus: &Corpus, path: &Path) -> String {
        let id = corpus.file_id(path).unwrap();
        let data = corpus.file(id);
        let mut ids: Vec<(Sym, Vec<Occurrence>)> = corpus
            .ids()
            .map(|(sym, occs)| (sym, occs.iter().filter(|o| o.file == id).copied().collect::<Vec<_>>()))
            .filter(|(_, occs)| !occs.is_empty())
            .collect();
        ids.sort_by_key(|(sym, _)| *sym);
        format!("{:?}\n{:?}\n{:?}\n{ids:?}", data.syntax_diagnostics, data.content, data.line_index)
    }

    /// Changes below line 1 are spliced into the document's last summary (its line memo is
    /// not even consulted); the result must be what parsing the whole text gives, which the
    /// same corpus gives when it is not told what changed. Line 1 is parsed whole.
    #[test]
    fn a_change_spliced_into_a_document_leaves_it_as_a_whole_parse() {
        let today = Date { year: 2024, month: 6, day: Some(15) };
        let mut corpus = Corpus::new(Vec::new(), today);
        let doc = Path::new("/ws/doc.txt");
        corpus.set_text(Path::new("/ws/other.txt"), " date 2022-01\n\n[B]{person:kz.b} [A]{person:kz.a}\n".as_bytes());
        let mut text = " date 2022-01 https://example.org/a\r\n\r\nUn titre assez long\n\nUn titre assez long\n\n\
            [[A]{person:kz.a} parle à [B]{place:kz.b}]{consult actor=kz.a recipient=kz.b}.Puis\n\
            Un\n\nDeux\nTrois\nQuatre\nCinq\nSix\n\
            [Ici [A]{person:kz.a} et [[B]{person:kz.b} là]{protest actor=kz.b}]{consult actor=kz.a}\n\
            [C]{person:kz.c} en fin.Sans saut"
            .to_string();
        corpus.keep_line_memo(doc, true);
        corpus.set_document(doc, &text, &LineIndex::new(&text), None);
        let steps: &[(&str, &str, &str, bool)] = &[
            // In a line far below the top: its mentions change, nested ones after it move.
            ("", "Ici", "Là-bas", true),
            // Lines joined: the nested mentions' parents are one line's now.
            ("Six", "\n", " ", true),
            // A line split in the middle of a nested tag, then put back.
            ("là", "]{protest", "\n]{protest", true),
            ("là", "\n]", "]", true),
            // A whole line with nested mentions goes: every parent index after it moves back.
            ("", "[[A]{person:kz.a} parle à [B]{place:kz.b}]{consult actor=kz.a recipient=kz.b}.Puis\n", "", true),
            // The repeated title (T002) and the title itself, near the top.
            ("Un titre assez long\n\nUn titre assez ", "long", "court", true),
            ("", "Un titre", "Le titre", true),
            ("", "Le titre assez long", "Un titre assez court", true),
            // The end of a text without a final line break, then one added and removed.
            ("Sans saut", "", "\n", true),
            ("saut", "\n", "", true),
            // The blank line before the title goes: the lines T002 reads change.
            ("https://example.org/a\r\n", "\r\n", "", true),
            // Line 1 (the header), and the line break after it.
            ("", "2022-01", "2022-02", false),
            ("https://example.org/a", "\r\n", " ", false),
        ];
        for &(after, find, with, spliced) in steps {
            let changed = change(&mut text, after, find, with);
            let round = corpus.line_memos[doc].lines.round;
            corpus.set_document(doc, &text, &LineIndex::new(&text), Some(changed));
            assert_eq!(corpus.line_memos[doc].lines.round == round, spliced, "{after:?} {find:?} → {with:?}");
            let edited = state(&corpus, doc);
            corpus.set_document(doc, &text, &LineIndex::new(&text), None);
            assert_eq!(edited, state(&corpus, doc), "{after:?} {find:?} → {with:?} in {text:?}");
        }
    }

    /// A batch's changes compose into one, whatever their order and overlap.
    #[test]
    fn changes_compose_into_one() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        for _ in 0..2000 {
            let old: String = (0..next(12)).map(|_| (b'a' + next(26) as u8) as char).collect();
            let mut text = old.clone();
            let mut composed: Option<Changed> = None;
            for _ in 0..1 + next(4) {
                let start = next(text.len() + 1);
                let end = start + next(text.len() - start + 1);
                let insert: String = (0..next(4)).map(|_| 'X').collect();
                text.replace_range(start..end, &insert);
                let step = Changed::new(TextRange::from_usize(start..end), insert.len() as u32);
                composed = Some(composed.map_or(step, |c| c.then(step)));
            }
            let c = composed.unwrap();
            let (s, o, n) = (c.start as usize, c.old_end as usize, c.new_end as usize);
            assert_eq!(format!("{}{}{}", &old[..s], &text[s..n], &old[o..]), text, "{old:?} → {text:?}: {c:?}");
        }
    }

    /// `admitted` must say exactly what `discover` says, for every rule of discovery.
    #[test]
    fn admitted_agrees_with_discovery() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, outside) = (dir.path().join("ws"), dir.path().join("outside"));
        let files = [
            "ws/a.txt",
            "ws/entities.tsv",
            "ws/kz.entities.tsv",
            "ws/schema.tsv",
            "ws/notes.md",
            "ws/.hidden.txt",
            "ws/.hid/b.txt",
            "ws/ignored/c.txt",
            "ws/sub/d.txt",
            "ws/sub/e.txt",
            "ws/drafts/x.txt",
            "ws/deep/er/y.txt",
            "outside/f.txt",
            "outside/g.txt",
        ];
        for f in files {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, " date 2022-01\n").unwrap();
        }
        std::fs::write(ws.join(".gitignore"), "ignored/\n").unwrap();
        std::fs::write(ws.join("sub/.ignore"), "d.txt\n").unwrap();
        std::fs::write(ws.join(".seedls.json"), r#"{"exclude": ["drafts/**"]}"#).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, ws.join("link")).unwrap();
            std::os::unix::fs::symlink(outside.join("g.txt"), ws.join("linked.txt")).unwrap();
        }
        let mut candidates: Vec<PathBuf> = files.iter().map(|f| dir.path().join(f)).collect();
        candidates.extend(
            ["link/f.txt", "linked.txt", "missing.txt", "../outside/f.txt", "sub/../a.txt"].map(|f| ws.join(f)),
        );
        let roots = vec![ws.clone()];
        let found = admitted(&roots, &candidates);
        let (discovered, errors) = discover(&roots);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(found, discovered);
        let rel: Vec<String> = found.iter().map(|(p, _)| p.strip_prefix(&ws).unwrap().display().to_string()).collect();
        assert_eq!(rel, ["a.txt", "deep/er/y.txt", "entities.tsv", "kz.entities.tsv", "schema.tsv", "sub/e.txt"]);

        // Include globs select seed files; an invalid configuration keeps the root out.
        std::fs::write(ws.join(".seedls.json"), r#"{"include": ["sub/**"]}"#).unwrap();
        assert_eq!(admitted(&roots, &candidates), discover(&roots).0);
        std::fs::write(ws.join(".seedls.json"), "{").unwrap();
        assert!(admitted(&roots, &candidates).is_empty());
        // A file as a root admits itself only.
        let file_root = vec![ws.join("a.txt")];
        assert_eq!(admitted(&file_root, &candidates), [(ws.join("a.txt"), FileKind::Seed)]);
    }
}
