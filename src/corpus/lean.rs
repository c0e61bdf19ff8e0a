//! What a corpus keeps of the files nobody edits (packed, or lean: the policy methods of
//! [`Parsed`]), and reading a lean file again in full.

use std::sync::Arc;

use crate::text::{Encoding, LineCol};

use super::summarize::{Parsed, parse_file};
use super::{Content, Corpus, FileData, FileId, Occurrence, Recover, Sym, pack};

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

impl Parsed {
    /// What a cold load keeps of each of thousands of files: its mentions and diagnostics
    /// packed into bytes of the exact size (see [`pack`]).
    pub(super) fn packed(mut self) -> Parsed {
        if let Content::Seed(seed) = &mut self.content {
            seed.mentions.pack();
        }
        self.diagnostics.pack();
        self
    }

    /// What a corpus keeps of a file nobody edits.
    pub(super) fn kept(self, keep: Keep) -> Parsed {
        match (keep, &self.content) {
            (Keep::Index(enc), Content::Seed(_)) => self.lean(enc),
            _ => self.packed(),
        }
    }

    /// A lean seed file: its occurrences placed by the line index, which goes with its
    /// mentions and diagnostics (kept: the ids it holds).
    pub(super) fn lean(mut self, enc: Encoding) -> Parsed {
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

impl Corpus {
    /// A file with everything it holds: as kept, or, for a lean file, read again from disk
    /// and parsed (the last [`RECENT`] remembered). A lean file that cannot be read any more
    /// (deleted before the watcher says so) reads as empty.
    pub fn full(&self, id: FileId) -> Full<'_> {
        let data = self.file(id);
        if !data.is_lean() {
            return Full::Kept(data);
        }
        if let Some((_, hit)) = self.recent.lock().recover().iter().find(|(f, _)| *f == id) {
            return Full::Read(hit.clone());
        }
        let bytes = std::fs::read(&data.path).unwrap_or_default();
        let parsed = parse_file(&self.interner, data.kind, &bytes, self.today);
        let full = Arc::new(FileData {
            path: data.path.clone(),
            kind: data.kind,
            line_index: parsed.line_index,
            syntax_diagnostics: parsed.diagnostics,
            content: parsed.content,
        });
        let mut recent = self.recent.lock().recover();
        recent.retain(|(f, _)| *f != id);
        recent.insert(0, (id, full.clone()));
        recent.truncate(RECENT);
        Full::Read(full)
    }

    pub(super) fn forget_recent(&mut self, id: FileId) {
        self.recent.get_mut().recover().retain(|(f, _)| *f != id);
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
}
