//! What is remembered of a document being edited between two changes.

use rustc_hash::FxHashMap;

use crate::syntax;
use crate::syntax::header::Date;
use crate::text::TextRange;

use super::{LineMemo, LineSummary, Occurrence, Sym};

/// What is remembered of a document being edited.
#[derive(Default)]
pub(super) struct DocMemo {
    pub(super) lines: LineMemo<LineSummary>,
    /// Where each id's run of the document's occurrences started in the id's list last time:
    /// checked, then used instead of a binary search in lists of 100,000 occurrences (a cache
    /// miss a step, thousands of ids a keystroke).
    pub(super) runs: FxHashMap<Sym, u32>,
    /// The text [`Corpus::set_document`](super::Corpus::set_document) summarised last, which its next change is spliced
    /// into; `None` once anything else replaced the file (or for files that are not seeds).
    pub(super) last: Option<LastDocument>,
    /// What changed since the analysis last took the changes ([`Corpus::take_changes`](super::Corpus::take_changes)).
    pub(super) report: std::sync::Mutex<Report>,
}

/// What a change to a document is spliced into, besides the file's summary itself.
pub(super) struct LastDocument {
    pub(super) len: u32,
    /// Where the last line T002 read starts (`prose::repeated_lines`): a change to the lines
    /// after it leaves T002 and the title alone.
    pub(super) top: u32,
    /// The document's occurrences, sorted by (id, offset), `file` unset.
    pub(super) occurrences: Vec<(Sym, Occurrence)>,
}

impl LastDocument {
    pub(super) fn new(text: &str, today: Date, occurrences: Vec<(Sym, Occurrence)>) -> LastDocument {
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

/// What changed in an open document, and underneath it, since its changes were last taken
/// ([`Corpus::take_changes`](super::Corpus::take_changes); the analysis keeps its checks of the document between two runs
/// and checks again only what this names): lines of the document (`pending`), ids whose
/// occurrences changed (`dirty`: the type of an id used as a role value comes from them), or
/// anything (`stale`). A registry or the schema changing is told apart, by
/// [`Corpus::generation`](super::Corpus::generation).
pub struct DocChanges {
    /// Nothing the analysis kept holds: it computes everything again.
    pub stale: bool,
    /// The lines changed since, as bytes and as indices into the file's mentions.
    pub pending: Option<(Changed, Changed)>,
    pub dirty: rustc_hash::FxHashSet<Sym>,
}

impl Default for DocChanges {
    fn default() -> DocChanges {
        DocChanges { stale: true, pending: None, dirty: Default::default() }
    }
}

/// An open document's changes not yet taken, and the stamp the last taker was given: a
/// reader that shows another (it did not take the changes before these) gets them stale.
#[derive(Default)]
pub(super) struct Report {
    pub(super) changes: DocChanges,
    pub(super) stamp: u64,
}

/// Ids noted dirty beyond which a document's checks are simply computed again.
const MAX_DIRTY: usize = 4096;

impl DocChanges {
    /// Nothing changed.
    pub(super) fn none() -> DocChanges {
        DocChanges { stale: false, pending: None, dirty: Default::default() }
    }

    pub(super) fn invalidate(&mut self) {
        *self = DocChanges::default();
    }

    /// Notes that the lines `bytes` (holding the mentions `mentions`) changed.
    pub(super) fn splice(&mut self, bytes: Changed, mentions: Changed) {
        if !self.stale {
            self.pending = Some(match self.pending {
                Some((b, m)) => (b.then(bytes), m.then(mentions)),
                None => (bytes, mentions),
            });
        }
    }

    pub(super) fn note_ids(&mut self, ids: &[Sym]) {
        if !self.stale {
            self.dirty.extend(ids);
            if self.dirty.len() > MAX_DIRTY {
                self.invalidate();
            }
        }
    }
}
