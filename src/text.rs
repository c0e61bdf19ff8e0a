//! Byte ranges and the one place that converts byte offsets to line/column positions.
//!
//! Everything in the core speaks UTF-8 byte offsets (`u32`: a seed file is far below 4 GiB).
//! Front ends ask a [`LineIndex`] for line/column in the unit they need: bytes (LSP utf-8),
//! UTF-16 code units (LSP default) or Unicode scalar values (CLI output). A `LineIndex` keeps
//! only line starts and the offsets of non-ASCII characters, so positions in closed files can be
//! converted without keeping their text.

use std::fmt;
use std::ops::Range;

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

/// Zero-based line and column; the column unit depends on the [`Encoding`] asked for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts plus every non-ASCII character, enough to convert offsets without the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of every line; `line_starts[0] == 0`.
    line_starts: Vec<u32>,
    /// Sorted byte offsets of non-ASCII characters, the UTF-8 length in the top two bits
    /// (`len - 1`, so 1..=3). Four bytes a character keeps French text cheap.
    wide: Vec<u32>,
    len: u32,
}

const OFFSET_MASK: u32 = (1 << 30) - 1;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32 + 1));
        let mut wide = Vec::new();
        // Scan only where non-ASCII bytes are: most of a line is ASCII.
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i..].iter().position(|b| !b.is_ascii()) {
                None => break,
                Some(skip) => {
                    i += skip;
                    let len = utf8_len(bytes[i]);
                    wide.push(i as u32 | ((len as u32 - 1) << 30));
                    i += len;
                }
            }
        }
        LineIndex { line_starts, wide, len: text.len() as u32 }
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the text ends with a line break (where an appended line can go directly).
    pub fn ends_with_newline(&self) -> bool {
        self.len > 0 && self.line_starts.last() == Some(&self.len)
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Byte offset where `line` starts, or `None` past the last line.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
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
        (self.line_starts.partition_point(|&s| s <= offset) - 1) as u32
    }

    fn wide_between(&self, start: u32, end: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let from = self.wide.partition_point(|&w| (w & OFFSET_MASK) < start);
        self.wide[from..].iter().map(|&w| (w & OFFSET_MASK, (w >> 30) + 1)).take_while(move |&(off, _)| off < end)
    }

    /// Line and column of a byte offset. An offset inside a multi-byte character is clamped to
    /// the start of that character.
    pub fn line_col(&self, offset: u32, enc: Encoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize];
        // Snap an offset inside a multi-byte character to that character's start.
        let offset = match self.wide_between(start, offset).last() {
            Some((off, len)) if off + len > offset => off,
            _ => offset,
        };
        let mut col = offset - start;
        if enc != Encoding::Utf8 {
            for (_, len) in self.wide_between(start, offset) {
                col -= len - units(len, enc);
            }
        }
        LineCol { line, col }
    }

    /// Byte offset of a line and column. Columns past the end of the line clamp to its end (as
    /// LSP asks); a column inside a character (a UTF-16 position between the two halves of a
    /// surrogate pair) snaps to that character's start. `None` when the line does not exist.
    pub fn offset(&self, pos: LineCol, enc: Encoding, text_line_end: Option<u32>) -> Option<u32> {
        let start = self.line_start(pos.line)?;
        let next = self.line_start(pos.line + 1);
        // Without the caller telling where the content ends, stop before the `\n`.
        let end = text_line_end.unwrap_or_else(|| next.map_or(self.len, |n| n - 1));
        let mut offset = start;
        let mut remaining = pos.col;
        let mut wide = self.wide_between(start, end).peekable();
        while offset < end && remaining > 0 {
            match wide.peek() {
                Some(&(off, len)) if off == offset => {
                    let u = units(len, enc);
                    if remaining < u {
                        break;
                    }
                    remaining -= u;
                    offset += len;
                    wide.next();
                }
                Some(&(off, _)) => {
                    let ascii = (off - offset).min(remaining);
                    offset += ascii;
                    remaining -= ascii;
                }
                None => {
                    let ascii = (end - offset).min(remaining);
                    offset += ascii;
                    remaining -= ascii;
                }
            }
        }
        Some(offset.min(end))
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

/// Folds text for name matching: NFC, lower case, and ’ equal to '.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().flat_map(char::to_lowercase).map(fold_apostrophe).collect()
}

fn fold_apostrophe(c: char) -> char {
    if matches!(c, '\u{2019}' | '\u{2018}' | '\u{02BC}') { '\'' } else { c }
}

/// [`fold`] applied to a whole text, with the original byte offset of every folded byte, so
/// matches in the folded text map back. Decomposed accents (e + U+0301) compose with the
/// character before them, as NFC would.
pub fn fold_with_offsets(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut last: Option<(usize, char, u32)> = None; // (out position, char, source offset)
    for (offset, c) in text.char_indices() {
        if let Some((pos, prev, src)) = last
            && let Some(composed) = unicode_normalization::char::compose(prev, c)
        {
            out.truncate(pos);
            map.truncate(pos);
            let folded: String = composed.to_lowercase().map(fold_apostrophe).collect();
            out.push_str(&folded);
            map.extend(std::iter::repeat_n(src, folded.len()));
            last = folded.chars().last().map(|f| (out.len() - f.len_utf8(), f, src));
            continue;
        }
        let pos = out.len();
        for f in c.to_lowercase().map(fold_apostrophe) {
            out.push(f);
        }
        map.extend(std::iter::repeat_n(offset as u32, out.len() - pos));
        last = Some((pos, out[pos..].chars().next().unwrap_or(c), offset as u32));
    }
    map.push(text.len() as u32);
    (out, map)
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
