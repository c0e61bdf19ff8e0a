//! What the analysis keeps between runs, beside the corpus it was computed from: did-you-mean
//! answers, the names found in open documents' lines and open documents' checks. Held by the
//! corpus's users (the server's state, a CLI run) and passed to the analysis; kept while the
//! corpus's [`generation`](Corpus::generation) stays the same, an open document's checks redone
//! where the corpus says the document changed ([`Corpus::take_changes`]).

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::corpus::{Corpus, FileId, LineMemo, Recover, Sym};
use crate::diagnostic::Diagnostic;
use crate::text::TextRange;

/// Registered names in one line: (range in the line, pattern index).
pub(super) type LineNames = Vec<(TextRange, u32)>;

/// The analysis's caches of one corpus (see the module's doc). Shared by threads: each part
/// has its own lock.
#[derive(Default)]
pub struct Caches {
    /// Did-you-mean answers for ids not in the registry (`registry_suggestions`): every
    /// keystroke checks the same unknown ids again.
    pub(super) suggestions: Mutex<Generation<FxHashMap<String, Vec<Sym>>>>,
    /// Names found in the lines of open documents, by file and line text, as (range in the
    /// line, pattern): a keystroke scans only its line.
    lines: Mutex<Generation<FxHashMap<FileId, LineMemo<LineNames>>>>,
    /// Each open document's checks, under a lock of its own.
    docs: Mutex<FxHashMap<FileId, Arc<Mutex<DocChecks>>>>,
}

/// A value derived from one generation of a corpus (its registry view, schema and symbols).
#[derive(Default)]
pub(super) struct Generation<T> {
    generation: u64,
    value: T,
}

impl<T: Default> Generation<T> {
    /// The value for `corpus`, emptied first if it was derived from another generation.
    pub(super) fn of(&mut self, corpus: &Corpus) -> &mut T {
        if self.generation != corpus.generation() {
            self.value = T::default();
            self.generation = corpus.generation();
        }
        &mut self.value
    }
}

/// What the analysis keeps of an open document's corpus checks between two runs, so that a
/// change checks again only the mentions and lines it touched (the corpus says which:
/// [`crate::corpus::DocChanges`]).
#[derive(Default)]
pub(super) struct DocChecks {
    /// Each mention's diagnostics (A004–A009), by the mention's index.
    pub(super) mentions: Vec<(u32, Diagnostic)>,
    /// Untagged registered names (A011): (range, pattern index), in text order.
    pub(super) names: Vec<(TextRange, u32)>,
    /// What the above was computed for: where line 1's header part ends (names before it are
    /// fine), the text's length and the number of mentions.
    pub(super) header_end: u32,
    pub(super) len: u32,
    pub(super) mention_count: u32,
    /// The corpus's generation, and the stamp of the changes taken last
    /// ([`Corpus::take_changes`]).
    pub(super) generation: u64,
    pub(super) seen: u64,
    /// How many runs checked everything (the others checked what changed).
    pub(super) whole_runs: u32,
}

impl Caches {
    /// The checks kept of an open document. Those of documents no longer open go.
    pub(super) fn doc(&self, corpus: &Corpus, file: FileId) -> Arc<Mutex<DocChecks>> {
        let mut docs = self.docs.lock().recover();
        docs.retain(|&f, _| f == file || corpus.keeps_lines(f));
        docs.entry(file).or_default().clone()
    }

    /// `f` given the names remembered of an open document's lines. Those of documents no
    /// longer open go.
    pub(super) fn with_lines<R>(
        &self,
        corpus: &Corpus,
        file: FileId,
        f: impl FnOnce(&mut LineMemo<LineNames>) -> R,
    ) -> R {
        let mut lines = self.lines.lock().recover();
        let lines = lines.of(corpus);
        lines.retain(|&f, _| f == file || corpus.keeps_lines(f));
        f(lines.entry(file).or_default())
    }
}
