//! Fixtures: several files in one string, with a cursor and expected ranges, in the style of
//! rust-analyzer's and texlab's test fixtures.
//!
//! ```text
//! //- entities.tsv
//! id\ttype\tname
//! kz.tokayev\tperson\tKassym-Jomart Tokaïev
//! //- seeds/a.txt
//!  date 2022-01 https://example.org/a
//! [Tokaïev]{persn:kz.to$0kayev}
//!           ^^^^^ A004
//! ```
//!
//! - `//- path` starts a file; only blank lines may come before the first.
//! - `\t` in a file line stands for a tab, so registry rows stay readable.
//! - `$0` marks the cursor, two `$0` in a file a selection (between them); one file holds them.
//! - A line made only of spaces and `^` (or a single `|` for an empty range), optionally followed
//!   by a code (`A004`), marks a range of the file's line above it, counted in characters.
//!
//! Markers are not part of the files. The parser is plain text and std only: the library's unit
//! tests include this file by path (`ide::fixture` indexes the files in memory), the integration
//! tests as `support::fixture` (written to a temporary folder), so both read a fixture alike.

use std::ops::Range;

pub struct Fixture {
    /// Each file's path and text without markers, in order.
    pub files: Vec<(String, String)>,
    /// The file holding `$0` and the cursor (an empty range) or selection, in bytes.
    pub cursor: Option<(String, Range<usize>)>,
    /// The `^` and `|` lines, in order.
    pub markers: Vec<Marker>,
}

/// An expected range, in bytes of the file at `path`, with the code a marker line gives it.
pub struct Marker {
    pub path: String,
    pub range: Range<usize>,
    pub code: Option<String>,
}

const CURSOR: &str = "$0";

impl Fixture {
    pub fn parse(fixture: &str) -> Fixture {
        let mut files: Vec<(String, String)> = Vec::new();
        let mut markers = Vec::new();
        let mut cursor: Option<(String, Vec<usize>)> = None;
        // Start offset of the last line of the current file, for the marker lines under it.
        let mut last_line: Option<usize> = None;
        for line in fixture.split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                files.push((path.trim().to_string(), String::new()));
                last_line = None;
                continue;
            }
            let Some((path, text)) = files.last_mut() else {
                assert!(line.trim().is_empty(), "text before the first `//- path`: {line:?}");
                continue;
            };
            if let (Some((from, to, code)), Some(start)) = (marker_line(line), last_line) {
                let source = &text[start..];
                let source = source.strip_suffix('\n').unwrap_or(source);
                let offset = |col: usize| start + source.char_indices().nth(col).map_or(source.len(), |(i, _)| i);
                markers.push(Marker { path: path.clone(), range: offset(from)..offset(to), code });
                continue;
            }
            last_line = Some(text.len());
            let line = line.replace("\\t", "\t");
            for (k, (i, _)) in line.match_indices(CURSOR).enumerate() {
                let (file, marks) = cursor.get_or_insert_with(|| (path.clone(), Vec::new()));
                assert!(file == path, "`{CURSOR}` in {file} and in {path}");
                // Offsets in the text without markers: those before it on this line are gone.
                marks.push(text.len() + i - k * CURSOR.len());
            }
            text.push_str(&line.replace(CURSOR, ""));
        }
        let cursor = cursor.map(|(path, marks)| match marks[..] {
            [at] => (path, at..at),
            [start, end] => (path, start..end),
            _ => panic!("more than two `{CURSOR}` in {path}"),
        });
        Fixture { files, cursor, markers }
    }

    pub fn text(&self, path: &str) -> &str {
        &self.files.iter().find(|(p, _)| p == path).unwrap_or_else(|| panic!("no file {path}")).1
    }
}

/// The range a marker line marks, in characters of the line above, and its code.
fn marker_line(line: &str) -> Option<(usize, usize, Option<String>)> {
    let trimmed = line.trim_end();
    let body = trimmed.trim_start();
    let indent = trimmed.chars().count() - body.chars().count();
    let (marks, rest) = body.split_at(body.find(' ').unwrap_or(body.len()));
    let code = rest.trim();
    let code_ok = code.is_empty() || (code.len() == 4 && code.chars().next().unwrap().is_ascii_uppercase());
    if !code_ok || marks.is_empty() {
        return None;
    }
    let code = (!code.is_empty()).then(|| code.to_string());
    if marks == "|" {
        return Some((indent, indent, code));
    }
    marks.chars().all(|c| c == '^').then(|| (indent, indent + marks.chars().count(), code))
}
