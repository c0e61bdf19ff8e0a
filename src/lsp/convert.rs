//! The one place that turns core offsets and ranges into protocol positions and back, and
//! paths and corpus files into URIs and back. Columns are counted in the negotiated encoding by
//! [`LineIndex`].
//!
//! The functions on a [`LineIndex`] are the arithmetic; those on the [`State`] choose the index
//! (the open document's, else the file's, read again when it is lean), the URI (the client's own
//! spelling for an open document) and the encoding the client negotiated. Incoming document
//! changes are converted here too, one change at a time ([`apply_changes`]).

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::{InitializeParams, Location, Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::corpus::FileId;
use crate::ide;
use crate::lsp::state::{Document, State};
use crate::text::{Encoding, LineCol, LineIndex, TextRange};

pub fn position(index: &LineIndex, offset: u32, enc: Encoding) -> Position {
    from_line_col(index.line_col(offset, enc))
}

/// A line and column already in the negotiated encoding (the id pass keeps them so).
fn from_line_col(LineCol { line, col }: LineCol) -> Position {
    Position { line, character: col }
}

/// A range whose ends are already in the negotiated encoding.
pub fn line_col_range(start: LineCol, end: LineCol) -> Range {
    Range { start: from_line_col(start), end: from_line_col(end) }
}

pub fn range(index: &LineIndex, range: TextRange, enc: Encoding) -> Range {
    Range { start: position(index, range.start, enc), end: position(index, range.end, enc) }
}

/// The byte offset of a protocol position. Never fails: a column past the end of its line
/// clamps to the line's end (before `\r\n` when the text is known), a line past the end of the
/// text clamps to the end of the text, and a column between the two halves of a surrogate pair
/// snaps to the start of the character.
pub fn offset(index: &LineIndex, text: Option<&str>, pos: Position, enc: Encoding) -> u32 {
    offset_by(index, |i| text?.as_bytes().get(i as usize).copied(), pos, enc)
}

/// [`offset`] where the text is read a byte at a time (`byte` answers `None` when unknown).
pub fn offset_by(index: &LineIndex, byte: impl Fn(u32) -> Option<u8>, pos: Position, enc: Encoding) -> u32 {
    let line_end = index.line_range_with_break(pos.line).and_then(|line| {
        let mut end = line.end;
        for b in [b'\n', b'\r'] {
            if end > line.start && byte(end - 1)? == b {
                end -= 1;
            }
        }
        Some(end)
    });
    index.offset(LineCol { line: pos.line, col: pos.character }, enc, line_end).unwrap_or(index.len())
}

/// A protocol range as byte offsets; a reversed range is put in order.
pub fn text_range(index: &LineIndex, text: Option<&str>, range: Range, enc: Encoding) -> TextRange {
    text_range_by(index, |i| text?.as_bytes().get(i as usize).copied(), range, enc)
}

/// [`text_range`] where the text is read a byte at a time, as [`offset_by`].
pub fn text_range_by(index: &LineIndex, byte: impl Fn(u32) -> Option<u8>, range: Range, enc: Encoding) -> TextRange {
    let start = offset_by(index, &byte, range.start, enc);
    let end = offset_by(index, &byte, range.end, enc);
    TextRange::new(start.min(end), start.max(end))
}

/// The path of a `file:` URI; other schemes (`untitled:`, `git:`) have none.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// An `http:` or `https:` URI, for a link's target; none for any other scheme. The core only
/// makes such targets; they are checked again where the URI is made.
pub fn web_uri(target: &str) -> Option<Uri> {
    let uri: Uri = target.parse().ok()?;
    let scheme = uri.scheme().as_str();
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")).then_some(uri)
}

/// The workspace folders of `initialize`: its folders, else the deprecated root URI, else the
/// root path.
#[allow(deprecated)]
pub fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().filter_map(|f| uri_to_path(&f.uri)).collect();
    }
    if let Some(uri) = &params.root_uri {
        return uri_to_path(uri).into_iter().collect();
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

// ---------------------------------------------------------------------------------------------
// Corpus files and the session.

/// The corpus file of a URI, and the open document when it is open.
pub fn file<'a>(st: &'a State, uri: &Uri) -> Option<(FileId, Option<&'a Document>)> {
    let path = uri_to_path(uri)?;
    let file = st.corpus.file_id(&path)?;
    Some((file, st.docs.get(&path)))
}

/// The URI to use for a corpus file: the client's own for open documents.
pub fn uri(st: &State, path: &Path) -> Option<Uri> {
    match st.docs.get(path) {
        Some(doc) => Some(doc.uri.clone()),
        None => path_to_uri(path),
    }
}

/// [`uri`] of a corpus file.
pub fn file_uri(st: &State, file: FileId) -> Option<Uri> {
    uri(st, &st.corpus.file(file).path)
}

/// The corpus file and byte offset of a protocol position.
pub fn locate(st: &State, uri: &Uri, pos: Position) -> Option<(FileId, u32)> {
    let (file, doc) = file(st, uri)?;
    let offset = match doc {
        Some(doc) => offset(&doc.line_index, Some(&doc.text), pos, st.session.encoding),
        None => offset(st.corpus.full(file).line_index(), None, pos, st.session.encoding),
    };
    Some((file, offset))
}

/// A protocol range in a corpus file as byte offsets, against the open document `doc` when it
/// is open, as [`locate`].
pub fn text_range_in(st: &State, file: FileId, doc: Option<&Document>, range: Range) -> TextRange {
    match doc {
        Some(doc) => text_range(&doc.line_index, Some(&doc.text), range, st.session.encoding),
        None => text_range(st.corpus.full(file).line_index(), None, range, st.session.encoding),
    }
}

pub fn position_of(st: &State, file: FileId, offset: u32) -> Position {
    position(st.corpus.full(file).line_index(), offset, st.session.encoding)
}

pub fn range_of(st: &State, file: FileId, range: TextRange) -> Range {
    self::range(st.corpus.full(file).line_index(), range, st.session.encoding)
}

/// [`range_of`], or the place the corpus keeps for a lean file's occurrence (no file read).
pub fn placed_range(st: &State, file: FileId, range: TextRange, place: Option<(LineCol, LineCol)>) -> Range {
    match place {
        Some((start, end)) => line_col_range(start, end),
        None => range_of(st, file, range),
    }
}

pub fn location(st: &State, file: FileId, range: TextRange) -> Option<Location> {
    Some(Location { uri: file_uri(st, file)?, range: range_of(st, file, range) })
}

/// Locations of many ranges grouped by file (as the index keeps them): each file's URI is
/// built once, not once a range (an id can have 10,000 uses).
pub fn locations(st: &State, refs: &[ide::Reference]) -> Vec<Location> {
    let mut last: Option<(FileId, Option<Uri>)> = None;
    let mut out = Vec::new();
    for r in refs {
        if last.as_ref().is_none_or(|(f, _)| *f != r.file) {
            last = Some((r.file, file_uri(st, r.file)));
        }
        if let Some((_, Some(uri))) = &last {
            out.push(Location { uri: uri.clone(), range: placed_range(st, r.file, r.range, r.place) });
        }
    }
    out
}

/// Applies one `didChange` batch in order: each change's range refers to the text left by the
/// previous one, so positions are converted against the current text every time (read from the
/// rope, so that a column past a line's end clamps before its `\r\n`).
pub fn apply_changes(doc: &mut Document, version: i32, changes: Vec<TextDocumentContentChangeEvent>, enc: Encoding) {
    let edited = !changes.is_empty();
    for change in changes {
        let range = change.range.map(|range| {
            let rope = &doc.rope;
            text_range_by(&doc.line_index, |i| rope.get_byte(i as usize), range, enc)
        });
        doc.replace(range, &change.text);
    }
    if edited {
        doc.edited();
    }
    doc.version = version;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Changed;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn emoji_and_crlf_in_both_encodings() {
        let text = "a😀«b»\r\nnext";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap() as u32;
        assert_eq!(position(&index, b, Encoding::Utf16), pos(0, 4));
        assert_eq!(position(&index, b, Encoding::Utf8), pos(0, 7));
        assert_eq!(offset(&index, Some(text), pos(0, 4), Encoding::Utf16), b);
        assert_eq!(offset(&index, Some(text), pos(0, 7), Encoding::Utf8), b);
        // Inside the surrogate pair: snap to the emoji's start.
        assert_eq!(offset(&index, Some(text), pos(0, 2), Encoding::Utf16), 1);
        // Past the line end: clamp before `\r\n`.
        let cr = text.find('\r').unwrap() as u32;
        assert_eq!(offset(&index, Some(text), pos(0, 99), Encoding::Utf16), cr);
        // Past the last line: the end of the text.
        assert_eq!(offset(&index, Some(text), pos(9, 0), Encoding::Utf16), text.len() as u32);
        assert_eq!(offset(&index, Some(text), pos(1, 2), Encoding::Utf8), cr + 4);
    }

    #[test]
    fn file_uris_round_trip_and_other_schemes_have_no_path() {
        let path = Path::new("/tmp/corpus dir/Tokaïev.txt");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&untitled), None);
    }

    #[test]
    fn link_targets_are_web_uris_only() {
        assert!(web_uri("https://example.org/a?b=1").is_some());
        assert!(web_uri("HTTP://example.org").is_some());
        for other in ["javascript:alert(1)", "file:///etc/passwd", "command:workbench.action.quit", "not a uri"] {
            assert_eq!(web_uri(other), None, "{other}");
        }
    }

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range { start: Position::new(l1, c1), end: Position::new(l2, c2) }),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn batched_incremental_changes_apply_in_order_in_each_encoding() {
        let uri: Uri = "file:///tmp/a.txt".parse().unwrap();
        let mut doc = Document::new(uri.clone(), 1, "a😀b\r\nc".into(), false);
        // utf-16: 😀 is two units, so `b` is at column 3.
        apply_changes(&mut doc, 2, vec![change(0, 3, 0, 4, "B"), change(1, 0, 1, 1, "C«")], Encoding::Utf16);
        assert_eq!(doc.text, "a😀B\r\nC«");
        assert_eq!(doc.rope.to_string(), doc.text);
        assert_eq!(doc.version, 2);
        // utf-8: « is two bytes; insert after it, then a change past the line end clamps.
        apply_changes(&mut doc, 3, vec![change(1, 3, 1, 3, "!"), change(0, 99, 0, 99, "?")], Encoding::Utf8);
        assert_eq!(doc.text, "a😀B?\r\nC«!");
        assert_eq!(doc.line_index, LineIndex::new(&doc.text));
        // A position inside the surrogate pair snaps to the emoji's start.
        let mut doc = Document::new(uri, 1, "a😀b".into(), false);
        apply_changes(&mut doc, 2, vec![change(0, 2, 0, 2, "x")], Encoding::Utf16);
        assert_eq!(doc.text, "ax😀b");
        // A change past the end of a CRLF line clamps before its `\r`; a full replace resets.
        let mut doc = Document::new(doc.uri.clone(), 1, "ab\r\ncd".into(), false);
        apply_changes(&mut doc, 2, vec![change(0, 9, 0, 9, "!\n«")], Encoding::Utf16);
        assert_eq!(doc.text, "ab!\n«\r\ncd");
        assert_eq!(doc.line_index, LineIndex::new(&doc.text));
    }

    /// The corpus is told what the batches since it last indexed the text changed, as one
    /// change: the old text with the changed bytes replaced is the new one.
    #[test]
    fn the_changes_of_batches_compose_into_one_until_taken() {
        let uri: Uri = "file:///tmp/a.txt".parse().unwrap();
        let old = "ab\ncd\nef\ngh";
        let mut doc = Document::new(uri, 1, old.into(), false);
        assert_eq!(doc.changed, None);
        apply_changes(&mut doc, 2, vec![change(2, 1, 3, 0, "X\n"), change(0, 0, 0, 1, "")], Encoding::Utf16);
        apply_changes(&mut doc, 3, vec![change(1, 1, 1, 1, "Y")], Encoding::Utf16);
        assert_eq!(doc.text, "b\ncYd\neX\ngh");
        let c = doc.changed.take().unwrap();
        let (s, o, n) = (c.start as usize, c.old_end as usize, c.new_end as usize);
        assert_eq!(format!("{}{}{}", &old[..s], &doc.text[s..n], &old[o..]), doc.text);
        assert_eq!((s, o, n), (0, 9, 9), "from the first byte any change replaced to the last");
        // A whole new text changes everything.
        apply_changes(
            &mut doc,
            4,
            vec![TextDocumentContentChangeEvent { range: None, range_length: None, text: "z".into() }],
            Encoding::Utf16,
        );
        assert_eq!(doc.changed, Some(Changed { start: 0, old_end: 11, new_end: 1 }));
    }
}
