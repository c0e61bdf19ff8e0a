//! The syntax layer: pure functions from text to a parse plus diagnostics. No I/O, no panics,
//! no failure: every input gives a result.

pub mod annotation;
pub mod conflict;
pub mod header;
pub mod prose;
pub mod registry;
pub mod schema;
pub mod tsv;

use crate::diagnostic::{Code, Diagnostic};
use crate::text::{TextRange, lines};
use annotation::Annotations;
use header::{Date, Header};

/// Everything one seed file says on its own.
pub struct SeedFile {
    pub header: Option<Header>,
    pub annotations: Annotations,
    /// Syntax and prose diagnostics (H001–H006, H008, H009, A001–A003, A010, T001, T002, F002).
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse_seed(text: &str, today: Date) -> SeedFile {
    let (header, mut diagnostics) = header::parse_header(text, today);
    let body_start = body_start(header.as_ref());
    let mut annotations = Annotations::default();
    let mut top = Vec::new();
    for (i, line) in lines(text).enumerate() {
        let parsed = parse_line(&text[line], body_start.saturating_sub(line.start));
        if let Some(plain) = parsed.plain.filter(|_| i < prose::TOP_KNOWN) {
            top.push((line.start, plain));
        }
        annotations.append(parsed.annotations, line.start);
        diagnostics.extend(parsed.diagnostics.into_iter().map(|d| d.shift(line.start)));
    }
    prose::repeated_lines(text, body_start, &top, &mut diagnostics);
    conflict::diagnostics(text, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    SeedFile { header, annotations, diagnostics }
}

/// Where the prose starts: after the header's date and URL (body text on line 1 counts).
pub fn body_start(header: Option<&Header>) -> u32 {
    header.map_or(0, |h| h.body.map_or(h.range.end, |b| b.start))
}

/// What one line says on its own, in offsets from the line's start. A file's parse is its
/// header, its lines' put end to end, and the repeated-title check (T002) on its first lines,
/// so an edit needs only the lines it touched parsed again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineSyntax {
    pub annotations: Annotations,
    /// A001–A003, A010 and T001.
    pub diagnostics: Vec<Diagnostic>,
    /// The line with its markup stripped, when it has any.
    pub plain: Option<String>,
}

/// Parses one line: its annotations, and the prose checks from `prose_from` on.
pub fn parse_line(line: &str, prose_from: u32) -> LineSyntax {
    let (annotations, mut diagnostics) =
        if annotation::has_markup(line) { annotation::parse_line(line) } else { Default::default() };
    let stripped = (!annotations.mentions.is_empty() || !annotations.escapes.is_empty())
        .then(|| annotation::Stripped::new(line, &annotations));
    prose::glued_sentences(line, stripped.as_ref(), prose_from, &mut diagnostics);
    LineSyntax { annotations, diagnostics, plain: stripped.map(|s| s.text) }
}

/// Decodes a file's bytes. Invalid UTF-8 is F001 at the first bad byte, naming the likely
/// legacy encoding so the curator knows how to convert it.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    // SIMD validation first (French text is non-ASCII every few bytes); the standard one
    // only to locate an error.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    let err = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(err) => err,
    };
    let at = err.valid_up_to();
    let bad = bytes[at];
    let invalid: Vec<u8> = invalid_bytes(bytes);
    let cp1252 = invalid.iter().any(|b| (0x80..0xA0).contains(b));
    let latin =
        invalid.iter().all(|&b| b >= 0x80) && invalid.iter().filter(|&&b| b >= 0xC0).count() * 2 >= invalid.len();
    let guess = if cp1252 {
        " It looks like Windows-1252 (e.g. 0x92 is ’ there); convert it with `iconv -f WINDOWS-1252 -t UTF-8`."
    } else if latin {
        " It looks like Latin-1 (e.g. 0xE9 is é there); convert it with `iconv -f LATIN1 -t UTF-8`."
    } else {
        ""
    };
    let binary = bytes.iter().take(8192).any(|&b| b == 0);
    let message = if binary {
        format!(
            "file is not valid UTF-8 text (byte 0x{bad:02X} at offset {at}; it contains NUL bytes and looks binary)"
        )
    } else {
        format!("file is not valid UTF-8: byte 0x{bad:02X} at offset {at}.{guess}")
    };
    // Front ends see the file decoded lossily, where the bad sequence is one U+FFFD: the range
    // is in that text (its prefix up to `at` is the same).
    let len = char::REPLACEMENT_CHARACTER.len_utf8() as u32;
    Err(Diagnostic::new(Code::F001, TextRange::at(at as u32, len), message))
}

/// Bytes that start an invalid UTF-8 sequence (first 64 of them).
fn invalid_bytes(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < 64 {
        match std::str::from_utf8(bytes) {
            Ok(_) => break,
            Err(e) => {
                let at = e.valid_up_to();
                out.push(bytes[at]);
                bytes = &bytes[at + e.error_len().unwrap_or(bytes.len() - at)..];
            }
        }
    }
    out
}
