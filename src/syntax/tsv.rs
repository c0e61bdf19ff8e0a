//! Tab-separated rows with the byte range of every cell, shared by the registry and schema.

use crate::text::{TextRange, lines};

pub struct Row {
    /// Zero-based line number in the file.
    pub line: u32,
    /// The row without its line break.
    pub range: TextRange,
    pub cells: Vec<TextRange>,
}

/// Non-blank, non-comment (`#`) rows of a TSV text, in order.
pub fn rows(text: &str) -> impl Iterator<Item = Row> + '_ {
    lines(text).enumerate().filter_map(move |(line, range)| {
        // A byte-order mark (spreadsheets write one) is not part of the first cell.
        let bom = if range.start == 0 && text.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() as u32 } else { 0 };
        let range = TextRange::new(range.start + bom, range.end);
        let content = &text[range];
        if content.trim().is_empty() || content.starts_with('#') {
            return None;
        }
        let mut cells = Vec::new();
        let mut start = range.start;
        for tab in memchr::memchr_iter(b'\t', content.as_bytes()) {
            let end = range.start + tab as u32;
            cells.push(TextRange::new(start, end));
            start = end + 1;
        }
        cells.push(TextRange::new(start, range.end));
        Some(Row { line: line as u32, range, cells })
    })
}

/// `[a-z][a-z0-9_-]*`: type, mode and role names.
pub fn is_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z')) && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// `[A-Za-z0-9][A-Za-z0-9._-]*`: corpus-wide ids.
pub fn is_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
