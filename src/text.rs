//! Byte ranges and the one place that converts byte offsets to line/column positions.
//!
//! Everything in the core speaks UTF-8 byte offsets (`u32`: a seed file is far below 4 GiB).
//! Front ends ask a [`LineIndex`] for line/column in the unit they need: bytes (LSP utf-8),
//! UTF-16 code units (LSP default) or Unicode scalar values (CLI output). A `LineIndex` keeps
//! only line starts and the offsets of non-ASCII characters, so positions in closed files can be
//! converted without keeping their text.
//!
//! Names compared as text (folding, fuzzy matching, did-you-mean) are in [`matching`].

use std::fmt;
use std::ops::Range;

pub mod matching;

/// A half-open byte range `start..end` into one file's text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> TextRange {
        debug_assert!(start <= end, "bad range {start}..{end}");
        TextRange { start, end }
    }

    pub fn at(offset: u32, len: u32) -> TextRange {
        TextRange::new(offset, offset + len)
    }

    pub fn empty(offset: u32) -> TextRange {
        TextRange::new(offset, offset)
    }

    /// The ranges sorted, overlapping ones joined (ranges that only touch stay apart).
    pub fn joined(mut ranges: Vec<TextRange>) -> Vec<TextRange> {
        ranges.sort_unstable();
        let mut out: Vec<TextRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match out.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        out
    }

    /// Builds a range from `usize` offsets (all offsets in this crate fit in `u32`).
    pub fn from_usize(range: Range<usize>) -> TextRange {
        TextRange::new(range.start as u32, range.end as u32)
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// `offset` lies inside the range or on its end (a cursor just after a word still touches it).
    pub fn touches(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn intersects(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn shift(self, by: u32) -> TextRange {
        TextRange::new(self.start + by, self.end + by)
    }

    /// The range `delta` bytes further on, or back when negative (text after an edit moves).
    pub fn moved(self, delta: i64) -> TextRange {
        let at = |o: u32| (i64::from(o) + delta) as u32;
        TextRange::new(at(self.start), at(self.end))
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn to_usize(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl std::ops::Index<TextRange> for str {
    type Output = str;
    fn index(&self, range: TextRange) -> &str {
        &self[range.to_usize()]
    }
}

/// The unit a column is counted in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoding {
    /// UTF-8 bytes (LSP `utf-8`).
    Utf8,
    /// UTF-16 code units (LSP `utf-16`, the protocol default).
    Utf16,
    /// Unicode scalar values (LSP `utf-32`, and the CLI's columns).
    Char,
}

impl Encoding {
    /// How many units `s` counts for.
    pub fn width(self, s: &str) -> u32 {
        (match self {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.encode_utf16().count(),
            Encoding::Char => s.chars().count(),
        }) as u32
    }
}

/// Zero-based line and column; the column unit depends on the [`Encoding`] asked for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts plus every non-ASCII character, enough to convert offsets without the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of every line; `line_starts[0] == 0`.
    line_starts: Offsets,
    /// Sorted byte offsets of non-ASCII characters, the UTF-8 length in the top two bits
    /// (`len - 1`, so 1..=3). A few bytes a character keeps French text cheap.
    wide: Offsets,
    /// Running totals before every `BLOCK`-th entry of `wide` (and after the last one): extra
    /// UTF-8 bytes (`len - 1`) and astral characters. A conversion is then a binary search and
    /// at most `BLOCK` steps, not a walk over every accent of a long line (a scraped article on
    /// one line is common; walking made a 1 MB line cost ~0.3 ms a position).
    blocks: Vec<(u32, u32)>,
    len: u32,
}

/// Index of the first non-ASCII byte, eight bytes at a time.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap()) & HIGH;
        if word != 0 {
            return Some(at + word.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks.remainder().iter().position(|b| !b.is_ascii()).map(|i| at + i)
}

const OFFSET_MASK: u32 = (1 << 30) - 1;
const BLOCK: usize = 64;

/// Texts shorter than this (most articles) keep their offsets in two bytes.
const SHORT: u32 = 1 << 14;

/// A two-byte entry as a four-byte one.
fn widen(w: u16) -> u32 {
    let w = u32::from(w);
    (w & (SHORT - 1)) | (w >> 14) << 30
}

/// A sorted list of offsets, as `wide` entries (a plain offset is one without length bits): in
/// two bytes each (14 bits of offset, the length bits above) when the text is shorter than
/// [`SHORT`], which halves what the index keeps of every closed file; else in four.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Offsets {
    Short(Box<[u16]>),
    Long(Vec<u32>),
}

impl Offsets {
    fn at(&self, i: usize) -> u32 {
        match self {
            Offsets::Short(v) => widen(v[i]),
            Offsets::Long(v) => v[i],
        }
    }

    fn get(&self, i: usize) -> Option<u32> {
        (i < self.len()).then(|| self.at(i))
    }

    fn len(&self) -> usize {
        match self {
            Offsets::Short(v) => v.len(),
            Offsets::Long(v) => v.len(),
        }
    }

    fn last(&self) -> Option<u32> {
        self.len().checked_sub(1).map(|i| self.at(i))
    }

    /// The first index whose entry fails `pred`, which holds for a prefix of the entries.
    fn partition_point(&self, pred: impl Fn(u32) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.at(mid)) { lo = mid + 1 } else { hi = mid }
        }
        lo
    }

    /// The four-byte list, to be changed; [`Offsets::compact`] after.
    fn long(&mut self) -> &mut Vec<u32> {
        if let Offsets::Short(v) = self {
            *self = Offsets::Long(v.iter().map(|&w| widen(w)).collect());
        }
        match self {
            Offsets::Long(v) => v,
            Offsets::Short(_) => unreachable!("made long above"),
        }
    }

    /// Two bytes an entry when the text is `len` bytes long and that is enough; no spare
    /// capacity either way.
    fn compact(&mut self, len: u32) {
        match self {
            Offsets::Long(v) if len < SHORT => {
                let short = v.iter().map(|&w| ((w & OFFSET_MASK) | (w >> 30) << 14) as u16).collect();
                *self = Offsets::Short(short);
            }
            Offsets::Long(v) => v.shrink_to_fit(),
            Offsets::Short(_) => {}
        }
    }
}

impl Default for LineIndex {
    fn default() -> LineIndex {
        LineIndex::new("")
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let (line_starts, wide) = (Offsets::Long(vec![0]), Offsets::Long(Vec::new()));
        let mut index = LineIndex { line_starts, wide, blocks: Vec::new(), len: 0 };
        index.splice(TextRange::empty(0), text);
        index
    }

    /// Updates the index for `inserted` replacing `old`: only the inserted text is scanned,
    /// what follows is shifted. `old` must lie on character boundaries.
    pub fn splice(&mut self, old: TextRange, inserted: &str) {
        let (start, end) = (old.start.min(self.len), old.end.min(self.len));
        let delta = inserted.len() as i64 - i64::from(end - start);
        let shift = |o: u32| (i64::from(o) + delta) as u32;
        let bytes = inserted.as_bytes();
        // Line starts follow a `\n`: those after a removed one go, those after an inserted one
        // come, the rest move.
        let line_starts = self.line_starts.long();
        let from = line_starts.partition_point(|&s| s <= start);
        let to = line_starts.partition_point(|&s| s <= end);
        let added = memchr::memchr_iter(b'\n', bytes).map(|i| start + i as u32 + 1);
        let tail = line_starts.len() - to;
        line_starts.splice(from..to, added);
        let at = line_starts.len() - tail;
        line_starts[at..].iter_mut().for_each(|s| *s = shift(*s));
        // Non-ASCII characters the same way, scanning only where they are.
        let wide = self.wide.long();
        let from = wide.partition_point(|&w| (w & OFFSET_MASK) < start);
        let to = wide.partition_point(|&w| (w & OFFSET_MASK) < end);
        let mut added = Vec::new();
        let mut i = 0;
        while let Some(skip) = first_non_ascii(&bytes[i..]) {
            i += skip;
            let len = utf8_len(bytes[i]);
            added.push((start + i as u32) | ((len as u32 - 1) << 30));
            i += len;
        }
        let tail = wide.len() - to;
        wide.splice(from..to, added);
        let at = wide.len() - tail;
        wide[at..].iter_mut().for_each(|w| *w = shift(*w & OFFSET_MASK) | (*w & !OFFSET_MASK));
        self.len = shift(self.len);
        self.blocks.clear();
        self.blocks.reserve_exact(wide.len() / BLOCK + 1);
        let (mut extra, mut astral) = (0, 0);
        for i in 0..=wide.len() {
            if i.is_multiple_of(BLOCK) {
                self.blocks.push((extra, astral));
            }
            if let Some(&w) = wide.get(i) {
                extra += w >> 30;
                astral += u32::from(w >> 30 == 3);
            }
        }
        // Kept for every file of the corpus: as small as the text allows.
        self.line_starts.compact(self.len);
        self.wide.compact(self.len);
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the text ends with a line break (where an appended line can go directly).
    pub fn ends_with_newline(&self) -> bool {
        self.len > 0 && self.line_starts.last() == Some(self.len)
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Byte offset where `line` starts, or `None` past the last line.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize)
    }

    /// Byte range of `line` without its line break (`\n` or `\r\n`).
    /// Needs the text only to know whether the break is CRLF, so it takes a flag-free path:
    /// the end is the next line start minus the `\n`; callers trim a `\r` themselves.
    pub fn line_range_with_break(&self, line: u32) -> Option<TextRange> {
        let start = self.line_start(line)?;
        let end = self.line_start(line + 1).unwrap_or(self.len);
        Some(TextRange::new(start, end))
    }

    /// The line containing `offset` (an offset at a line's end belongs to that line).
    pub fn line_of(&self, offset: u32) -> u32 {
        (self.line_starts.partition_point(|s| s <= offset) - 1) as u32
    }

    /// How many non-ASCII characters start before `offset`.
    fn wide_before(&self, offset: u32) -> usize {
        self.wide.partition_point(|w| (w & OFFSET_MASK) < offset)
    }

    /// Offset and UTF-8 length of the `i`-th non-ASCII character.
    fn wide_at(&self, i: usize) -> (u32, u32) {
        let w = self.wide.at(i);
        (w & OFFSET_MASK, (w >> 30) + 1)
    }

    /// (extra UTF-8 bytes, astral characters) of the non-ASCII characters `wide[from..to]`.
    fn totals(&self, from: usize, to: usize) -> (u32, u32) {
        let sum = |ws: std::ops::Range<usize>, (extra, astral): (u32, u32)| {
            ws.map(|i| self.wide.at(i) >> 30).fold((extra, astral), |(e, a), w| (e + w, a + u32::from(w == 3)))
        };
        if to - from <= BLOCK {
            return sum(from..to, (0, 0));
        }
        let prefix = |i: usize| sum(i / BLOCK * BLOCK..i, self.blocks[i / BLOCK]);
        let ((e0, a0), (e1, a1)) = (prefix(from), prefix(to));
        (e1 - e0, a1 - a0)
    }

    /// Column of `offset`, `bytes` after its line's start, where the line's non-ASCII
    /// characters are `wide[first..upto]`.
    fn column(&self, bytes: u32, first: usize, upto: usize, enc: Encoding) -> u32 {
        if enc == Encoding::Utf8 || first == upto {
            return bytes;
        }
        let (extra, astral) = self.totals(first, upto);
        // An astral character is one scalar value but two UTF-16 units.
        if enc == Encoding::Utf16 { bytes - extra + astral } else { bytes - extra }
    }

    /// Line and column of a byte offset. An offset inside a multi-byte character is clamped to
    /// the start of that character.
    pub fn line_col(&self, offset: u32, enc: Encoding) -> LineCol {
        let mut offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts.at(line as usize);
        let first = self.wide_before(start);
        let mut upto = self.wide_before(offset);
        // Snap an offset inside a multi-byte character to that character's start.
        if upto > first {
            let (off, len) = self.wide_at(upto - 1);
            if off + len > offset {
                offset = off;
                upto -= 1;
            }
        }
        LineCol { line, col: self.column(offset - start, first, upto, enc) }
    }

    /// Byte offset of a line and column. Columns past the end of the line clamp to its end (as
    /// LSP asks); a column inside a character (a UTF-16 position between the two halves of a
    /// surrogate pair) snaps to that character's start. `None` when the line does not exist.
    pub fn offset(&self, pos: LineCol, enc: Encoding, text_line_end: Option<u32>) -> Option<u32> {
        let start = self.line_start(pos.line)?;
        let next = self.line_start(pos.line + 1);
        // Without the caller telling where the content ends, stop before the `\n`; a caller's
        // end is kept within the line so that a bad one cannot give an offset before `start`.
        let line_end = next.map_or(self.len, |n| n - 1);
        let end = text_line_end.map_or(line_end, |e| e.clamp(start, line_end));
        let first = self.wide_before(start);
        let last = self.wide_before(end);
        // The line's non-ASCII characters that start at a column at most `col`: columns grow
        // with offsets, so a binary search narrows them down on a long line...
        let col_of = |i: usize| self.column(self.wide_at(i).0 - start, first, i, enc);
        let (mut lo, mut hi) = (first, last);
        while hi - lo > BLOCK {
            let mid = lo + (hi - lo) / 2;
            if col_of(mid) <= pos.col { lo = mid + 1 } else { hi = mid }
        }
        // ... then a walk over at most `BLOCK` finds the last one: (offset, length, column).
        let mut found = (lo > first).then(|| {
            let (off, len) = self.wide_at(lo - 1);
            (off, len, col_of(lo - 1))
        });
        for i in lo..hi {
            let (off, len) = self.wide_at(i);
            let col = match found {
                None => off - start,
                Some((o, l, c)) => c + units(l, enc) + (off - o - l),
            };
            if col > pos.col {
                break;
            }
            found = Some((off, len, col));
        }
        let offset = match found {
            // Only ASCII before the column.
            None => start.saturating_add(pos.col),
            Some((off, len, col)) if pos.col < col + units(len, enc) => off,
            // ASCII after that character, before the next non-ASCII one.
            Some((off, len, col)) => (off + len).saturating_add(pos.col - col - units(len, enc)),
        };
        Some(offset.min(end))
    }
}

/// Converts offsets visited in increasing order (every token of a file) in one pass: each
/// conversion continues from the previous one, so a whole file costs O(tokens + non-ASCII
/// characters) instead of a few binary searches per offset. An offset before the previous one
/// is still answered, by [`LineIndex::line_col`].
pub struct Cursor<'a> {
    index: &'a LineIndex,
    enc: Encoding,
    /// The offset of the previous call.
    last: u32,
    line: u32,
    line_start: u32,
    next_line_start: u32,
    /// Entries of `wide` before `last`, and their totals since `line_start`.
    wide: usize,
    extra: u32,
    astral: u32,
}

/// How far a [`Cursor`] steps before it searches.
const SCAN: usize = 8;

impl LineIndex {
    pub fn cursor(&self, enc: Encoding) -> Cursor<'_> {
        let next_line_start = self.line_starts.get(1).unwrap_or(u32::MAX);
        Cursor { index: self, enc, last: 0, line: 0, line_start: 0, next_line_start, wide: 0, extra: 0, astral: 0 }
    }
}

impl Cursor<'_> {
    /// Same answer as [`LineIndex::line_col`].
    pub fn line_col(&mut self, offset: u32) -> LineCol {
        let index = self.index;
        let offset = offset.min(index.len);
        if offset < self.last {
            return index.line_col(offset, self.enc);
        }
        self.last = offset;
        if offset >= self.next_line_start {
            // Usually the next line or one soon after: step there, search only for far jumps.
            let starts = &index.line_starts;
            let next = self.line as usize + 1;
            self.line = match (next..starts.len()).take(SCAN).find(|&i| starts.at(i) > offset) {
                Some(i) => i - 1,
                None => starts.partition_point(|s| s <= offset) - 1,
            } as u32;
            self.line_start = starts.at(self.line as usize);
            self.next_line_start = starts.get(self.line as usize + 1).unwrap_or(u32::MAX);
            let line_start = self.line_start;
            let wide = &index.wide;
            let before = |w: u32| (w & OFFSET_MASK) < line_start;
            self.wide = match (self.wide..wide.len()).take(SCAN).find(|&i| !before(wide.at(i))) {
                Some(i) => i,
                None if self.wide + SCAN >= wide.len() => wide.len(),
                None => wide.partition_point(before),
            };
            (self.extra, self.astral) = (0, 0);
        }
        let mut at = offset;
        while let Some(w) = index.wide.get(self.wide) {
            let (off, len) = (w & OFFSET_MASK, (w >> 30) + 1);
            if off >= offset {
                break;
            }
            if off + len > offset {
                // Inside a character: its start, as `line_col` does.
                at = off;
                break;
            }
            self.extra += len - 1;
            self.astral += u32::from(len == 4);
            self.wide += 1;
        }
        let bytes = at - self.line_start;
        let col = match self.enc {
            Encoding::Utf8 => bytes,
            Encoding::Utf16 => bytes - self.extra + self.astral,
            Encoding::Char => bytes - self.extra,
        };
        LineCol { line: self.line, col }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

/// Units a non-ASCII character of `len` UTF-8 bytes counts for in `enc`.
fn units(len: u32, enc: Encoding) -> u32 {
    match enc {
        Encoding::Utf8 => len,
        Encoding::Utf16 => {
            if len == 4 {
                2
            } else {
                1
            }
        }
        Encoding::Char => 1,
    }
}

/// Line ranges of `text` without their `\n` / `\r\n` break.
pub fn lines(text: &str) -> impl Iterator<Item = TextRange> + '_ {
    let mut start = 0usize;
    let len = text.len();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let rest = &text.as_bytes()[start..];
        let (end, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (start + i, start + i + 1),
            None => {
                done = true;
                (len, len)
            }
        };
        // A `\r` is part of the break only before a `\n`.
        let content_end = if !done && end > start && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        let range = TextRange::from_usize(start..content_end);
        start = next;
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_round_trip_in_every_encoding() {
        let text = "é’«x»\r\n😀a\nlast";
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Char] {
                let lc = index.line_col(offset as u32, enc);
                let line_end = lines(text).nth(lc.line as usize).unwrap().end;
                let back = index.offset(lc, enc, Some(line_end.max(offset as u32))).unwrap();
                assert_eq!(back, offset as u32, "{enc:?} at {offset}: {lc:?}");
            }
        }
        assert_eq!(index.line_col(text.find('a').unwrap() as u32, Encoding::Utf16), LineCol { line: 1, col: 2 });
        assert_eq!(index.line_col(text.find('a').unwrap() as u32, Encoding::Char), LineCol { line: 1, col: 1 });
        assert_eq!(index.line_col(text.find('x').unwrap() as u32, Encoding::Utf8), LineCol { line: 0, col: 7 });
    }

    #[test]
    fn a_cursor_agrees_with_line_col_forwards_and_backwards() {
        let text = "é’«x»\r\n😀a\n\nlast😀é\n";
        let index = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Char] {
            let mut cursor = index.cursor(enc);
            // Every byte offset (inside characters too), then a few going back.
            for offset in (0..=text.len() as u32 + 2).chain([3, 0, 12]) {
                assert_eq!(cursor.line_col(offset), index.line_col(offset, enc), "{enc:?} at {offset}");
            }
            // Skipping lines at once.
            let mut cursor = index.cursor(enc);
            let last = text.find("é\n").unwrap() as u32;
            assert_eq!(cursor.line_col(last), index.line_col(last, enc));
        }
    }

    proptest::proptest! {
        #[test]
        fn a_cursor_agrees_with_line_col_on_any_text(
            text in "[a\\né’😀\r]{0,200}",
            offsets in proptest::collection::vec(0u32..260, 0..40),
        ) {
            let index = LineIndex::new(&text);
            let mut sorted = offsets.clone();
            sorted.sort_unstable();
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Char] {
                // Increasing offsets (the intended use), then in any order.
                for list in [&sorted, &offsets] {
                    let mut cursor = index.cursor(enc);
                    for &o in list.iter() {
                        assert_eq!(cursor.line_col(o), index.line_col(o, enc), "{enc:?} at {o} in {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn positions_inside_characters_snap_to_their_start() {
        let text = "a😀b";
        let index = LineIndex::new(text);
        // UTF-16 column 2 is between the surrogates of 😀.
        assert_eq!(index.offset(LineCol { line: 0, col: 2 }, Encoding::Utf16, None), Some(1));
        assert_eq!(index.line_col(2, Encoding::Utf16), LineCol { line: 0, col: 1 });
        assert_eq!(index.line_col(2, Encoding::Utf8), LineCol { line: 0, col: 1 });
        // Far columns clamp to the line end; far lines are `None`.
        assert_eq!(index.offset(LineCol { line: 0, col: 99 }, Encoding::Utf16, None), Some(text.len() as u32));
        assert_eq!(index.offset(LineCol { line: 5, col: 0 }, Encoding::Utf16, None), None);
    }

    #[test]
    fn lines_strip_crlf() {
        let text = "a\r\nb\n\r\nc\r";
        let got: Vec<&str> = lines(text).map(|r| &text[r]).collect();
        assert_eq!(got, ["a", "b", "", "c\r"]);
    }
}
