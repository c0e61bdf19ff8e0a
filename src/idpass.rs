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

use rustc_hash::FxBuildHasher;

use crate::corpus::{FileKind, LoadError, OccurrenceKind, date_shaped, discover_with, is_date_shaped, path_order};
use crate::syntax;
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
    scan_lines(text, &mut Lines::default(), |_, _, found| out.append(found));
    out
}

/// What the scan of lines reuses from file to file.
#[derive(Default)]
struct Lines {
    found: Vec<Found>,
    stack: Vec<usize>,
}

/// Calls `each(line number, line start, occurrences)` for every line of `text` with
/// occurrences, in order, the occurrences sorted by offset (the callback may take them).
fn scan_lines(text: &str, scratch: &mut Lines, mut each: impl FnMut(u32, u32, &mut Vec<Found>)) {
    let b = text.as_bytes();
    let mut line_no = 0u32;
    // Every `\n` before `counted` is counted in `line_no`; `counted` starts a line.
    let mut counted = 0usize;
    let Lines { found, stack } = scratch;
    found.clear();
    // A mention needs `]{`: lines without one are never looked at.
    while let Some(at) = tag_start(b, counted) {
        let start = memchr::memrchr(b'\n', &b[counted..at]).map_or(counted, |i| counted + i + 1);
        line_no += memchr::memchr_iter(b'\n', &b[counted..start]).count() as u32;
        // As `text::lines`: a `\r` is part of the break only before a `\n`.
        let (end, next) = match memchr::memchr(b'\n', &b[at..]) {
            Some(i) if at + i > start && b[at + i - 1] == b'\r' => (at + i - 1, at + i + 1),
            Some(i) => (at + i, at + i + 1),
            None => (b.len(), b.len()),
        };
        let line = &text[start..end];
        if !scan_line(line, start as u32, found, stack) {
            found.clear();
            parse_line(line, start as u32, found);
        }
        if !found.is_empty() {
            each(line_no, start as u32, found);
            found.clear();
        }
        if end == b.len() {
            break;
        }
        line_no += 1;
        counted = next;
    }
}

/// Where the next `]{` from `from` is. In prose a `]` is nearly always one.
fn tag_start(b: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = from + memchr::memchr(b']', &b[from..])?;
        if b.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
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
    stack.clear();
    let mut i = 0;
    while let Some(skip) = memchr::memchr3(b'[', b']', b'\\', &b[i..]) {
        i += skip;
        if b[i] == b'\\' {
            return false;
        } else if b[i] == b'[' {
            stack.push(i);
            i += 1;
        } else if b.get(i + 1) == Some(&b'{') {
            if stack.pop().is_none() {
                return false;
            }
            match scan_tag(b, i + 2, base, out) {
                Some(close) => i = close + 1,
                None => return false,
            }
        } else {
            stack.pop();
            i += 1;
        }
    }
    true
}

/// `[a-z][a-z0-9_-]*` from `i` (a name, as `syntax::tsv::is_name`): where it ends.
fn name_end(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b.get(i), Some(b'a'..=b'z')) {
        return None;
    }
    Some(i + 1 + b[i + 1..].iter().take_while(|&&c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')).count())
}

/// `[A-Za-z0-9][A-Za-z0-9._-]*` from `i` (an id, as `syntax::tsv::is_id`): where it ends.
fn id_end(b: &[u8], i: usize) -> Option<usize> {
    if !b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(
        i + 1
            + b[i + 1..].iter().take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-')).count(),
    )
}

/// The occurrences of the tag from `start` (after `]{`) when it is well formed, read in one
/// pass: blanks, then `type.mode:id`, then `role=value,value` words, up to `}`. Returns where
/// the `}` is, or `None` for any other tag (unclosed, empty, a malformed word, a character that
/// has no place in a tag).
fn scan_tag(b: &[u8], start: usize, base: u32, out: &mut Vec<Found>) -> Option<usize> {
    let range = |from: usize, to: usize| TextRange::from_usize(base as usize + from..base as usize + to);
    let blanks = |i: usize| i + b[i..].iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    // A word ends at a blank or the `}`; anything else means the word is not what it seemed.
    let word_ends = |i: usize| matches!(b.get(i), Some(b' ' | b'\t' | b'}'));
    let mut i = blanks(start);
    let ty_end = name_end(b, i)?;
    let mut at = ty_end;
    if b.get(at) == Some(&b'.') {
        at = name_end(b, at + 1)?;
    }
    if b.get(at) == Some(&b':') {
        let end = id_end(b, at + 1)?;
        out.push(Found { id: range(at + 1, end), kind: OccurrenceKind::Mention, ty: Some(range(i, ty_end)) });
        at = end;
    }
    if !word_ends(at) {
        return None;
    }
    i = blanks(at);
    while b.get(i) != Some(&b'}') {
        let eq = name_end(b, i)?;
        if b.get(eq) != Some(&b'=') {
            return None;
        }
        let mut from = eq + 1;
        loop {
            let to = id_end(b, from)?;
            if !date_shaped(&b[from..to]) {
                out.push(Found { id: range(from, to), kind: OccurrenceKind::RoleValue, ty: None });
            }
            match b.get(to) {
                Some(b',') => from = to + 1,
                _ if word_ends(to) => {
                    i = blanks(to);
                    break;
                }
                _ => return None,
            }
        }
    }
    Some(i)
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
    names: Box<str>,
    /// (hash, range in `names`) of each distinct name.
    table: Box<[(u64, u32, u32)]>,
    /// By offset.
    pub occurrences: Box<[IdOccurrence]>,
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
}

/// Builds a file's record, reused from file to file: names are interned through a small open
/// addressing table by hash (a few dozen a file; a map would cost more than the rest).
#[derive(Default)]
struct Builder {
    names: String,
    table: Vec<(u64, u32, u32)>,
    /// Indices into `table`, `u32::MAX` when free; the length is a power of two.
    slots: Vec<u32>,
    occurrences: Vec<IdOccurrence>,
}

impl Builder {
    fn start(&mut self) {
        self.names.clear();
        self.table.clear();
        self.slots.clear();
        self.slots.resize(64, u32::MAX);
        self.occurrences.clear();
    }

    fn intern(&mut self, s: &str) -> u32 {
        let h = hash(s);
        let mask = self.slots.len() - 1;
        let mut k = (h >> 40) as usize & mask;
        while let Some(&i) = self.slots.get(k).filter(|&&i| i != u32::MAX) {
            let (other, a, b) = self.table[i as usize];
            if other == h && &self.names[a as usize..b as usize] == s {
                return i;
            }
            k = (k + 1) & mask;
        }
        let i = self.table.len() as u32;
        let at = self.names.len() as u32;
        self.names.push_str(s);
        self.table.push((h, at, self.names.len() as u32));
        self.slots[k] = i;
        if self.table.len() * 2 > self.slots.len() {
            let size = self.slots.len() * 2;
            self.slots.clear();
            self.slots.resize(size, u32::MAX);
            for (i, &(h, _, _)) in self.table.iter().enumerate() {
                let mut k = (h >> 40) as usize & (size - 1);
                while self.slots[k] != u32::MAX {
                    k = (k + 1) & (size - 1);
                }
                self.slots[k] = i as u32;
            }
        }
        i
    }

    fn push(&mut self, text: &str, f: Found, start: LineCol, col16: u32, col32: u32) {
        let id = self.intern(&text[f.id]);
        // Mentions' types repeat: most are the previous mention's.
        let last = self.occurrences.iter().rev().find(|o| o.ty != u32::MAX).map(|o| o.ty);
        let ty = match (f.ty, last) {
            (None, _) => u32::MAX,
            (Some(t), Some(last)) if self.name(last) == &text[t] => last,
            (Some(t), _) => self.intern(&text[t]),
        };
        let (line, col8) = (start.line, start.col);
        self.occurrences.push(IdOccurrence { range: f.id, kind: f.kind, id, ty, line, col8, col16, col32 });
    }

    fn name(&self, i: u32) -> &str {
        let (_, a, b) = self.table[i as usize];
        &self.names[a as usize..b as usize]
    }

    /// The record, in allocations of the exact size.
    fn finish(&self) -> IdFile {
        IdFile {
            names: self.names.as_str().into(),
            table: self.table.as_slice().into(),
            occurrences: self.occurrences.as_slice().into(),
            ..IdFile::default()
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<(Lines, Builder)> = std::cell::RefCell::default();
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// Continuation bytes and 4-byte leads of `bytes`: what turns a byte count into UTF-16 units
/// and characters. Counted in bytes over runs of 255, which the compiler vectorises (French
/// text has an accent every few words, so nothing is skipped).
fn wide_counts(bytes: &[u8]) -> (u32, u32) {
    let (mut continuation, mut astral) = (0u32, 0u32);
    for run in bytes.chunks(255) {
        let (mut c, mut a) = (0u8, 0u8);
        for &b in run {
            c += u8::from((b as i8) < -64);
            a += u8::from(b >= 0xF0);
        }
        continuation += u32::from(c);
        astral += u32::from(a);
    }
    (continuation, astral)
}

/// A seed file's occurrences with their positions, counted from line starts as the scan goes.
pub fn scan_seed(text: &str) -> IdFile {
    let b = text.as_bytes();
    SCRATCH.with_borrow_mut(|(lines, builder)| {
        builder.start();
        scan_lines(text, lines, |line, line_start, found| {
            let (mut at, mut continuation, mut astral) = (line_start as usize, 0, 0);
            for &f in found.iter() {
                let (c, a) = wide_counts(&b[at..f.id.start as usize]);
                (continuation, astral) = (continuation + c, astral + a);
                at = f.id.start as usize;
                let col8 = f.id.start - line_start;
                let col32 = col8 - continuation;
                builder.push(text, f, LineCol { line, col: col8 }, col32 + astral, col32);
            }
        });
        builder.finish()
    })
}

/// A registry file's rows' id cells, by the registry parser (registries are few).
pub fn scan_registry(text: &str) -> IdFile {
    let (registry, _) = syntax::registry::parse_registry(text);
    let index = LineIndex::new(text);
    let mut builder = Builder::default();
    builder.start();
    for e in &registry.entries {
        let f = Found { id: e.id.range, kind: OccurrenceKind::RegistryRow, ty: Some(e.ty.range) };
        let col = |enc| index.line_col(e.id.range.start, enc).col;
        builder.push(
            text,
            f,
            index.line_col(e.id.range.start, Encoding::Utf8),
            col(Encoding::Utf16),
            col(Encoding::Char),
        );
    }
    builder.finish()
}

/// Reads and scans one file; an unreadable or invalid UTF-8 (F001) file has no occurrences,
/// as in the full load.
fn scan_file(path: &Path, kind: FileKind) -> IdFile {
    if kind == FileKind::Schema {
        return IdFile::default();
    }
    thread_local! {
        // One buffer a walker thread, reused: no allocation a file.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        let text = match read(path, buffer) {
            Ok(len) => syntax::decode(&buffer[..len]).ok(),
            Err(_) => None,
        };
        let file = match text {
            Some(text) if kind == FileKind::Seed => scan_seed(text),
            Some(text) => scan_registry(text),
            None => IdFile::default(),
        };
        // A large file's buffer is not kept for the rest of the walk.
        if buffer.len() > 1 << 20 {
            *buffer = Vec::new();
        }
        file
    })
}

/// Reads a file into `buffer` (grown as needed), returning its length. Plain
/// reads until the end: `std::fs::read` asks the size first (`statx`, `lseek`), a system call
/// or two a file more than the reads themselves.
fn read(path: &Path, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut file = std::fs::File::open(path)?;
    let mut len = 0;
    loop {
        if len == buffer.len() {
            buffer.resize((buffer.len() * 2).max(16 * 1024), 0);
        }
        match std::io::Read::read(&mut file, &mut buffer[len..]) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
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
        // Boxed while discovery sorts them: a pointer moves faster than a record.
        let (found, errors) = discover_with(roots, &|path, kind| Box::new(scan_file(path, kind)));
        let files = found.into_iter().map(|(path, kind, file)| IdFile { path, kind: Some(kind), ..*file }).collect();
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
                let occurrences = if found.is_some() { &file.occurrences[..] } else { &[] };
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

    /// Well-formed lines take the fast path; anything unusual goes to the parser.
    #[test]
    fn only_unusual_lines_go_to_the_parser() {
        let fast = |line: &str| scan_line(line, 0, &mut Vec::new(), &mut Vec::new());
        for line in [
            "Le [président]{person:kz.a} et [[A]{org} de [sic] B]{protest.riot:ev-1\tactor=kz.a,2022-01  where=kz.b }",
            "« [Tokaïev]{ person:kz.a} » 😀 [x]{event}",
            "pas de tag ] [ du tout",
        ] {
            assert!(fast(line), "{line}");
        }
        for line in [
            "\\[x]{person:kz.a}",
            "[x]{person:kz.a",
            "x]{person:kz.a}",
            "[x]{}",
            "[x]{person:kz.a stray}",
            "[x]{Person:kz.a}",
            "[x]{person:kz.a\r}",
            "[x]{person:kz.a r=}",
            "[x]{person:kz.é}",
            "[x]{actor=kz.a}",
        ] {
            assert!(!fast(line), "{line}");
        }
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
