//! One place an id is written, and how its kind and (in a lean file) its place fit in it.

use crate::text::{LineCol, TextRange};

use super::{FileId, Sym};

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
    pub(super) place: u32,
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

    /// The range of the id, `len` its length in bytes ([`Corpus::id_len`](super::Corpus::id_len)).
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
    pub(super) fn placed(self, at: LineCol) -> (Occurrence, bool) {
        let kind = self.place & !FAR;
        let fits = at.line < LINE_MAX && at.col < COL_MAX;
        let place = if fits { at.line << COL_BITS | at.col } else { FAR };
        (Occurrence { place: kind | place, ..self }, fits)
    }

    /// The same use of an id, wherever the file keeps its place.
    pub(super) fn same_use(&self, other: &Occurrence) -> bool {
        (self.file, self.start, self.ty, self.kind()) == (other.file, other.start, other.ty, other.kind())
    }

    /// Where it starts, unless that is kept in [`Corpus::far`] (or the file is not lean: 0, 0).
    pub(super) fn near(&self) -> Option<LineCol> {
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
