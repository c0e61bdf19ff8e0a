//! The corpus's vocabulary: interned names, file ids and kinds, load errors, mentions as the
//! index keeps them.

use std::path::{Path, PathBuf};

use lasso::Spur;

use crate::syntax::registry::is_registry_file_name;
use crate::text::TextRange;

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
    pub(super) fn shift(mut self, by: u32, base: u32) -> MentionSummary {
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
    pub(super) fn move_by(&mut self, delta: i64, parents: i64) {
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
