//! The one place that turns core offsets and ranges into protocol positions and back, and
//! paths into URIs. Columns are counted in the negotiated encoding by [`LineIndex`].

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::{InitializeParams, Position, Range, Uri};

use crate::text::{Encoding, LineCol, LineIndex, TextRange};

pub fn position(index: &LineIndex, offset: u32, enc: Encoding) -> Position {
    from_line_col(index.line_col(offset, enc))
}

/// A line and column already in the negotiated encoding (the id pass keeps them so).
pub fn from_line_col(LineCol { line, col }: LineCol) -> Position {
    Position { line, character: col }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
