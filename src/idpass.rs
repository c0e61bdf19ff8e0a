//! The id pass: a first pass over the workspace that finds every id's occurrences and nothing
//! else, so that references can be answered before the full index is built (SPEC §11's cold
//! index bound leaves no room for the full parse before the first answer).
//!
//! Each file is read and scanned on the walker's thread as discovery finds it. A seed file's
//! scan jumps from `]{` to `]{` and matches the brackets of only the lines that hold one; a
//! line it cannot be sure about (a `\`, an unclosed or unmatched tag, a malformed word) goes
//! to the real parser ([`syntax::annotation::parse_line`]). The occurrences are those the full
//! index would hold (mentions' and role values' ids, registry rows' id cells), with the line and
//! the column of their start in every position encoding, so that a file's text is not needed
//! to answer.

use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::corpus::{FileKind, LoadError, OccurrenceKind, discover_with, is_date_shaped, path_order};
use crate::syntax;
use crate::syntax::tsv::{is_id, is_name};
use crate::text::{Encoding, LineCol, LineIndex, TextRange};

/// An occurrence as the scan of one text finds it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Found {
    /// The id.
    pub id: TextRange,
    pub kind: OccurrenceKind,
    /// The mention's or registry row's type (role values have none).
    pub ty: Option<TextRange>,
}

/// The occurrences of a seed file's text, by offset: the full summary's, found by a scan.
pub fn scan(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    scan_lines(text, |_, _, found| out.append(found));
    out
}

/// Calls `each(line number, line start, occurrences)` for every line of `text` with
/// occurrences, in order, the occurrences sorted by offset (the callback may take them).
fn scan_lines(text: &str, mut each: impl FnMut(u32, u32, &mut Vec<Found>)) {
    let b = text.as_bytes();
    let finder = memchr::memmem::Finder::new(b"]{");
    let mut line_no = 0u32;
    // Every `\n` before `counted` is counted in `line_no`; `counted` starts a line.
    let mut counted = 0usize;
    let mut found = Vec::new();
    let mut stack = Vec::new();
    // A mention needs `]{`: lines without one are never looked at.
    while let Some(at) = finder.find(&b[counted..]).map(|i| i + counted) {
        let start = memchr::memrchr(b'\n', &b[counted..at]).map_or(counted, |i| counted + i + 1);
        line_no += memchr::memchr_iter(b'\n', &b[counted..start]).count() as u32;
        // As `text::lines`: a `\r` is part of the break only before a `\n`.
        let (end, next) = match memchr::memchr(b'\n', &b[at..]) {
            Some(i) if at + i > start && b[at + i - 1] == b'\r' => (at + i - 1, at + i + 1),
            Some(i) => (at + i, at + i + 1),
            None => (b.len(), b.len()),
        };
        let line = &text[start..end];
        if !scan_line(line, start as u32, &mut found, &mut stack) {
            found.clear();
            parse_line(line, start as u32, &mut found);
        }
        if !found.is_empty() {
            each(line_no, start as u32, &mut found);
            found.clear();
        }
        if end == b.len() {
            break;
        }
        line_no += 1;
        counted = next;
    }
}

/// The occurrences of one line by the real parser, as the full summary takes them.
fn parse_line(line: &str, base: u32, out: &mut Vec<Found>) {
    let (annotations, _) = syntax::annotation::parse_line(line);
    for m in &annotations.mentions {
        if let Some(h) = m.head
            && let Some(id) = h.id
        {
            out.push(Found { id: id.shift(base), kind: OccurrenceKind::Mention, ty: Some(h.ty.shift(base)) });
        }
        for &v in m.args.iter().flat_map(|a| a.values.iter()) {
            if !is_date_shaped(&line[v]) {
                out.push(Found { id: v.shift(base), kind: OccurrenceKind::RoleValue, ty: None });
            }
        }
    }
    // Mentions come outer first; occurrences go by offset.
    out.sort_unstable_by_key(|f| f.id.start);
}

/// The bracket matching of `syntax::annotation` for a line without escapes whose tags are all
/// well formed: a stack of `[`, a `]{` closing the innermost, a plain `]` dropping it. Returns
/// false, with `out` half written, for anything else: the line then goes to the parser.
fn scan_line(line: &str, base: u32, out: &mut Vec<Found>, stack: &mut Vec<usize>) -> bool {
    let b = line.as_bytes();
    if memchr::memchr(b'\\', b).is_some() {
        return false;
    }
    stack.clear();
    let mut i = 0;
    while let Some(skip) = memchr::memchr2(b'[', b']', &b[i..]) {
        i += skip;
        if b[i] == b'[' {
            stack.push(i);
            i += 1;
        } else if b.get(i + 1) == Some(&b'{') {
            let tag_start = i + 2;
            // The tag ends at the first bracket or brace; only a `}` closes it.
            let close = b[tag_start..].iter().position(|c| matches!(c, b'}' | b'[' | b']' | b'{'));
            let Some(close) = close.map(|c| tag_start + c).filter(|&c| b[c] == b'}') else { return false };
            if stack.pop().is_none() || !scan_tag(line, tag_start, close, base, out) {
                return false;
            }
            i = close + 1;
        } else {
            stack.pop();
            i += 1;
        }
    }
    true
}

/// The occurrences of a tag whose words are all well formed (`type.mode:id role=value,value`);
/// false for any other.
fn scan_tag(line: &str, start: usize, end: usize, base: u32, out: &mut Vec<Found>) -> bool {
    let b = line.as_bytes();
    let range = |r: std::ops::Range<usize>| TextRange::from_usize(base as usize + r.start..base as usize + r.end);
    // Byte by byte rather than `str::split`: the tags are most of what this pass looks at.
    let name = |r: std::ops::Range<usize>| is_name(&line[r]);
    let id = |r: std::ops::Range<usize>| is_id(&line[r]);
    let mut head = true;
    let mut i = start;
    while i < end {
        if matches!(b[i], b' ' | b'\t') {
            i += 1;
            continue;
        }
        let word = i;
        while i < end && !matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        let word = word..i;
        if std::mem::take(&mut head) {
            let (mut colon, mut dot) = (None, None);
            for j in word.clone() {
                match b[j] {
                    b'=' => return false,
                    b':' if colon.is_none() => colon = Some(j),
                    b'.' if colon.is_none() && dot.is_none() => dot = Some(j),
                    _ => {}
                }
            }
            let ty_mode_end = colon.unwrap_or(word.end);
            let ty = word.start..dot.unwrap_or(ty_mode_end);
            if !name(ty.clone()) || !dot.is_none_or(|d| name(d + 1..ty_mode_end)) {
                return false;
            }
            if let Some(c) = colon {
                if !id(c + 1..word.end) {
                    return false;
                }
                out.push(Found { id: range(c + 1..word.end), kind: OccurrenceKind::Mention, ty: Some(range(ty)) });
            }
            continue;
        }
        let Some(eq) = word.clone().find(|&j| b[j] == b'=') else { return false };
        if !name(word.start..eq) {
            return false;
        }
        let mut from = eq + 1;
        loop {
            let to = (from..word.end).find(|&j| b[j] == b',').unwrap_or(word.end);
            if !id(from..to) {
                return false;
            }
            if !is_date_shaped(&line[from..to]) {
                out.push(Found { id: range(from..to), kind: OccurrenceKind::RoleValue, ty: None });
            }
            if to == word.end {
                break;
            }
            from = to + 1;
        }
    }
    // An empty tag is A003: the parser says what it is.
    !head
}

/// One occurrence of a file as the id pass keeps it: enough to answer in any encoding.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct IdOccurrence {
    pub range: TextRange,
    pub kind: OccurrenceKind,
    /// Index of the id in the file's names.
    id: u32,
    /// Index of the type in the file's names, or `u32::MAX`.
    ty: u32,
    pub line: u32,
    /// Column of the start in UTF-16 units and in characters (in bytes it is `col8`).
    col16: u32,
    col32: u32,
    col8: u32,
}

impl IdOccurrence {
    /// Where the id starts, as `LineIndex::line_col` would say.
    pub fn start(&self, enc: Encoding) -> LineCol {
        let col = match enc {
            Encoding::Utf8 => self.col8,
            Encoding::Utf16 => self.col16,
            Encoding::Char => self.col32,
        };
        LineCol { line: self.line, col }
    }

    /// Where the id ends: ids are ASCII and never span lines.
    pub fn end(&self, enc: Encoding) -> LineCol {
        let start = self.start(enc);
        LineCol { line: start.line, col: start.col + self.range.len() }
    }
}

/// What the id pass found in one file.
#[derive(Debug, Default)]
pub struct IdFile {
    pub path: PathBuf,
    pub kind: Option<FileKind>,
    /// The file's distinct ids and types end to end.
    names: String,
    /// (hash, range in `names`) of each distinct name.
    table: Vec<(u64, u32, u32)>,
    /// By offset.
    pub occurrences: Vec<IdOccurrence>,
}

impl IdFile {
    fn name(&self, i: u32) -> &str {
        let (_, start, end) = self.table[i as usize];
        &self.names[start as usize..end as usize]
    }

    /// The id of an occurrence of this file.
    pub fn id(&self, o: &IdOccurrence) -> &str {
        self.name(o.id)
    }

    /// The type of an occurrence of this file, for mentions and registry rows.
    pub fn ty(&self, o: &IdOccurrence) -> Option<&str> {
        (o.ty != u32::MAX).then(|| self.name(o.ty))
    }

    /// The index of `id` in the names, if the file has it.
    fn find(&self, id: &str, hash: u64) -> Option<u32> {
        let i = self.table.iter().position(|&(h, s, e)| h == hash && &self.names[s as usize..e as usize] == id)?;
        Some(i as u32)
    }

    /// Builds a file's record from a text's occurrences and their positions.
    fn new(text: &str, found: impl IntoIterator<Item = (Found, LineCol, u32, u32)>) -> IdFile {
        let mut file = IdFile::default();
        // A file has a few dozen distinct names: a look along the table beats a map, which is
        // built (by hash) only for a file with many.
        let mut by_hash: Option<FxHashMap<u64, u32>> = None;
        for (f, start, col16, col32) in found {
            let mut intern = |r: TextRange| -> u32 {
                let s = &text[r];
                let h = hash(s);
                let known = match &by_hash {
                    Some(map) => match map.get(&h) {
                        Some(&i) if file.name(i) == s => Some(i),
                        // Another name with the same hash: look along the table.
                        Some(_) => file.find(s, h),
                        None => None,
                    },
                    None => file.find(s, h),
                };
                if let Some(i) = known {
                    return i;
                }
                let at = file.names.len() as u32;
                file.names.push_str(s);
                file.table.push((h, at, file.names.len() as u32));
                let i = (file.table.len() - 1) as u32;
                match &mut by_hash {
                    Some(map) => {
                        map.entry(h).or_insert(i);
                    }
                    None if file.table.len() > 32 => {
                        by_hash =
                            Some(file.table.iter().enumerate().rev().map(|(i, &(h, _, _))| (h, i as u32)).collect());
                    }
                    None => {}
                }
                i
            };
            let id = intern(f.id);
            let ty = f.ty.map_or(u32::MAX, &mut intern);
            file.occurrences.push(IdOccurrence {
                range: f.id,
                kind: f.kind,
                id,
                ty,
                line: start.line,
                col8: start.col,
                col16,
                col32,
            });
        }
        file.names.shrink_to_fit();
        file.table.shrink_to_fit();
        file.occurrences.shrink_to_fit();
        file
    }
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// Continuation bytes and 4-byte leads of `bytes`: what turns a byte count into UTF-16 units
/// and characters. Eight bytes at a time: French text has an accent every few words.
fn wide_counts(bytes: &[u8]) -> (u32, u32) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (mut continuation, mut astral) = (0u32, 0u32);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().unwrap());
        if x & HIGH == 0 {
            continue;
        }
        // Per byte, bit 7 of `x << k` is bit 7 - k of the same byte: `10xxxxxx` continues a
        // character, `11110xxx` starts an astral one.
        continuation += (x & !(x << 1) & HIGH).count_ones();
        astral += (x & (x << 1) & (x << 2) & (x << 3) & HIGH).count_ones();
    }
    for &b in chunks.remainder() {
        continuation += u32::from((b as i8) < -64);
        astral += u32::from(b >= 0xF0);
    }
    (continuation, astral)
}

/// A seed file's occurrences with their positions, counted from line starts as the scan goes.
pub fn scan_seed(text: &str) -> IdFile {
    let b = text.as_bytes();
    let mut all = Vec::new();
    scan_lines(text, |line, line_start, found| {
        let (mut at, mut continuation, mut astral) = (line_start as usize, 0, 0);
        for f in found.drain(..) {
            let (c, a) = wide_counts(&b[at..f.id.start as usize]);
            (continuation, astral) = (continuation + c, astral + a);
            at = f.id.start as usize;
            let col8 = f.id.start - line_start;
            let col32 = col8 - continuation;
            all.push((f, LineCol { line, col: col8 }, col32 + astral, col32));
        }
    });
    IdFile::new(text, all)
}

/// A registry file's rows' id cells, by the registry parser (registries are few).
pub fn scan_registry(text: &str) -> IdFile {
    let (registry, _) = syntax::registry::parse_registry(text);
    let index = LineIndex::new(text);
    let found = registry.entries.iter().map(|e| {
        let f = Found { id: e.id.range, kind: OccurrenceKind::RegistryRow, ty: Some(e.ty.range) };
        let col = |enc| index.line_col(e.id.range.start, enc).col;
        (f, index.line_col(e.id.range.start, Encoding::Utf8), col(Encoding::Utf16), col(Encoding::Char))
    });
    IdFile::new(text, found.collect::<Vec<_>>())
}

/// Reads and scans one file; an unreadable or invalid UTF-8 (F001) file has no occurrences,
/// as in the full load.
fn scan_file(path: &Path, kind: FileKind) -> IdFile {
    if kind == FileKind::Schema {
        return IdFile::default();
    }
    thread_local! {
        // One buffer a walker thread, reused: no allocation (nor `stat` for its size) a file.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|bytes| {
        bytes.clear();
        let read = std::fs::File::open(path).and_then(|mut f| std::io::Read::read_to_end(&mut f, bytes));
        let text = match read {
            Ok(_) => syntax::decode(bytes).ok(),
            Err(_) => None,
        };
        let file = match text {
            Some(text) if kind == FileKind::Seed => scan_seed(text),
            Some(text) => scan_registry(text),
            None => IdFile::default(),
        };
        // A large file's buffer is not kept for the rest of the walk.
        if bytes.capacity() > 1 << 20 {
            *bytes = Vec::new();
        }
        file
    })
}

/// The id pass over a workspace: every file discovery lists, in path order.
#[derive(Debug, Default)]
pub struct IdPass {
    pub roots: Vec<PathBuf>,
    pub files: Vec<IdFile>,
    /// The walk's errors, for the full load to report.
    pub errors: Vec<LoadError>,
}

impl IdPass {
    /// Discovers the files under `roots` by [`crate::corpus::discover`]'s rules, scanning
    /// each on the walker's thread as it is found.
    pub fn run(roots: &[PathBuf]) -> IdPass {
        let (found, errors) = discover_with(roots, &scan_file);
        let files = found.into_iter().map(|(path, kind, file)| IdFile { path, kind: Some(kind), ..file }).collect();
        IdPass { roots: roots.to_vec(), files, errors }
    }

    /// The files with their kinds, as `discover` lists them.
    pub fn paths(&self) -> Vec<(PathBuf, FileKind)> {
        self.files.iter().filter_map(|f| Some((f.path.clone(), f.kind?))).collect()
    }

    /// The file at `path`, if discovery listed it.
    pub fn file(&self, path: &Path) -> Option<&IdFile> {
        let i = self.files.binary_search_by(|f| path_order(&f.path, path)).ok()?;
        Some(&self.files[i])
    }

    /// Every occurrence of `id` (registry rows only with `include_declaration`), by file in
    /// path order, then by offset: the order of the full index's references.
    pub fn references(&self, id: &str, include_declaration: bool) -> Vec<(&IdFile, &IdOccurrence)> {
        let hash = hash(id);
        // Not on rayon's pool: the full load keeps it busy while this answers.
        self.files
            .iter()
            .flat_map(|file| {
                let found = file.find(id, hash);
                let occurrences = if found.is_some() { file.occurrences.as_slice() } else { &[] };
                occurrences
                    .iter()
                    .filter(move |o| Some(o.id) == found)
                    .filter(move |o| include_declaration || o.kind != OccurrenceKind::RegistryRow)
                    .map(move |o| (file, o))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(&str, OccurrenceKind, Option<&str>)> {
        scan(text).into_iter().map(|f| (&text[f.id], f.kind, f.ty.map(|t| &text[t]))).collect()
    }

    /// The escaped `[` leaves `kz.c`'s tag without a `[`, and `kz.d`'s tag is not closed.
    #[test]
    fn tags_nested_escaped_and_broken() {
        use OccurrenceKind::*;
        let text = " date 2022-01\n[[A]{person:kz.a} et [sic] B]{protest.riot:ev-1 actor=kz.a,2022-01 where=kz.b}\r\n\\[x]{person:kz.c} [y]{person:kz.d\n[z]{person:kz.e bad}";
        assert_eq!(
            ids(text),
            [
                ("kz.a", Mention, Some("person")),
                ("ev-1", Mention, Some("protest")),
                ("kz.a", RoleValue, None),
                ("kz.b", RoleValue, None),
                ("kz.e", Mention, Some("person")),
            ]
        );
    }

    /// Past a few dozen names a file's table is searched by hash.
    #[test]
    fn a_file_with_many_ids_keeps_each_once() {
        let text: String =
            (0..200).map(|i| format!("[a]{{t{}:id-{} r=id-{}}}\n", i % 3, i % 100, (i + 1) % 100)).collect();
        let file = scan_seed(&text);
        assert_eq!(file.occurrences.len(), 400);
        assert_eq!(file.table.len(), 103, "100 ids and 3 types");
        for i in 0..100 {
            let id = format!("id-{i}");
            let k = file.find(&id, hash(&id)).unwrap();
            assert_eq!(file.name(k), id);
            assert_eq!(file.occurrences.iter().filter(|o| o.id == k).count(), 4);
        }
        let pass = IdPass { files: vec![file], ..IdPass::default() };
        assert_eq!(pass.references("id-7", true).len(), 4);
        assert!(pass.references("id-100", true).is_empty());
    }

    #[test]
    fn positions_in_every_encoding_are_the_line_index_ones() {
        let text = "é😀 [a]{person:kz.a}\r\n«x» [b]{p:kz.b r=kz.c}";
        let file = scan_seed(text);
        let index = LineIndex::new(text);
        assert_eq!(file.occurrences.len(), 3);
        for o in &file.occurrences {
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Char] {
                assert_eq!(o.start(enc), index.line_col(o.range.start, enc));
                assert_eq!(o.end(enc), index.line_col(o.range.end, enc));
            }
        }
    }
}
