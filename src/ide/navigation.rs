//! Definition, declaration, references and document highlights of ids, from the reverse index.

use crate::corpus::{Corpus, FileId, Occurrence, OccurrenceKind, Sym};
use crate::ide::target::target_at;
use crate::text::{LineCol, TextRange};

/// A place to jump to: `full_range` is the whole construct (a registry row), `focus_range` the
/// part to select (the id).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NavTarget {
    pub file: FileId,
    pub full_range: TextRange,
    pub focus_range: TextRange,
}

/// A result with the range of the source it was asked from (what the editor underlines).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RangeInfo<T> {
    pub range: TextRange,
    pub info: T,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Reference {
    pub file: FileId,
    pub range: TextRange,
    pub kind: OccurrenceKind,
    /// Where `range` is, when its file is lean ([`Corpus::place`]).
    pub place: Option<(LineCol, LineCol)>,
}

/// Registry rows of the id under the cursor; for an id without a row, its first mention in the
/// corpus (the article that introduced it).
pub fn definition(corpus: &Corpus, file: FileId, offset: u32) -> Option<RangeInfo<Vec<NavTarget>>> {
    let (id, range) = target_at(corpus, file, offset)?.id()?;
    let rows = registry_rows(corpus, id);
    let info = if rows.is_empty() {
        first_mention(corpus, id).map(|o| nav(corpus, id, o)).into_iter().collect()
    } else {
        rows
    };
    Some(RangeInfo { range, info })
}

/// The first mention of the id under the cursor, whether or not it has a registry row.
pub fn declaration(corpus: &Corpus, file: FileId, offset: u32) -> Option<RangeInfo<Vec<NavTarget>>> {
    let (id, range) = target_at(corpus, file, offset)?.id()?;
    Some(RangeInfo { range, info: first_mention(corpus, id).map(|o| nav(corpus, id, o)).into_iter().collect() })
}

/// Every mention and role use of the id under the cursor in every file, open or closed, and
/// its registry rows with `include_declaration`. Sorted by path, then offset.
pub fn references(corpus: &Corpus, file: FileId, offset: u32, include_declaration: bool) -> Option<Vec<Reference>> {
    let (id, _) = target_at(corpus, file, offset)?.id()?;
    let len = corpus.id_len(id);
    let mut refs: Vec<Reference> = corpus
        .occurrences(id)
        .iter()
        .filter(|o| include_declaration || o.kind() != OccurrenceKind::RegistryRow)
        .map(|o| Reference { file: o.file, range: o.range(len), kind: o.kind(), place: corpus.place(id, o) })
        .collect();
    // Sort on integers, then order the per-file groups by path: a path comparison per pair
    // would dominate for an id with thousands of uses.
    refs.sort_unstable_by_key(|r| (r.file, r.range.start));
    let mut groups: Vec<&[Reference]> = refs.chunk_by(|a, b| a.file == b.file).collect();
    groups.sort_by(|a, b| corpus.path_cmp(a[0].file, b[0].file));
    Some(groups.concat())
}

/// Every occurrence of the id under the cursor in this file.
pub fn highlights(corpus: &Corpus, file: FileId, offset: u32) -> Option<Vec<Reference>> {
    let target = target_at(corpus, file, offset)?;
    let (id, _) = target.id()?;
    let len = corpus.id_len(id);
    let mut refs: Vec<Reference> = corpus
        .occurrences(id)
        .iter()
        .filter(|o| o.file == file)
        .map(|o| Reference { file, range: o.range(len), kind: o.kind(), place: corpus.place(id, o) })
        .collect();
    refs.sort_by_key(|r| r.range.start);
    Some(refs)
}

/// The registry rows of an id (several when it is duplicated, R002).
pub fn registry_rows(corpus: &Corpus, id: Sym) -> Vec<NavTarget> {
    let Some(rows) = corpus.entities().by_id.get(&id) else { return Vec::new() };
    rows.iter()
        .filter_map(|&(file, i)| {
            let entry = corpus.file(file).registry()?.entries.get(i as usize)?;
            Some(NavTarget { file, full_range: entry.range, focus_range: entry.id.range })
        })
        .collect()
}

/// The mention that introduced an id: the earliest article by header date (articles without a
/// date last), then by path, then by offset. An id only ever used as a role value is
/// introduced by its first role use.
pub fn first_mention(corpus: &Corpus, id: Sym) -> Option<Occurrence> {
    corpus.usage(id).first
}

fn nav(corpus: &Corpus, id: Sym, o: Occurrence) -> NavTarget {
    let range = corpus.range(id, &o);
    NavTarget { file: o.file, full_range: range, focus_range: range }
}
