//! Fixtures for the unit tests of the queries: the fixture text the integration tests read too
//! (`tests/support/fixture.rs`: `//- path` files, `\t` for a tab, `$0` the cursor and two `$0`
//! a selection, `^` lines for ranges), its files indexed in memory under `/ws` (nothing is
//! written to disk).

use std::path::PathBuf;

use crate::corpus::{Corpus, FileId};
use crate::syntax::header::Date;
use crate::text::TextRange;

/// The parser lives with the integration tests' support and is compiled here as well, since
/// those cannot see the library's test code: one parser, plain text, for both.
#[path = "../../tests/support/fixture.rs"]
// Marker codes are for the integration tests' expected diagnostics.
#[allow(dead_code)]
mod text;

pub const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

pub struct Fixture {
    pub corpus: Corpus,
    /// (path relative to `/ws`, file, text without markers)
    pub files: Vec<(String, FileId, String)>,
    /// The file with markers, and the cursor (or selection).
    pub marked: Option<(FileId, TextRange)>,
}

impl Fixture {
    pub fn parse(fixture: &str) -> Fixture {
        let root = PathBuf::from("/ws");
        let mut corpus = Corpus::new(vec![root.clone()], TODAY);
        let parsed = text::Fixture::parse(fixture);
        let mut files = Vec::new();
        for (path, text) in parsed.files {
            let file = corpus.set_text(&root.join(&path), text.as_bytes()).expect("a corpus file name");
            files.push((path, file, text));
        }
        let mut fixture = Fixture { corpus, files, marked: None };
        fixture.marked = parsed.cursor.map(|(path, range)| (fixture.file(&path), TextRange::from_usize(range)));
        fixture
    }

    pub fn file(&self, path: &str) -> FileId {
        self.files.iter().find(|(p, ..)| p == path).unwrap_or_else(|| panic!("no file {path}")).1
    }

    pub fn text(&self, path: &str) -> &str {
        &self.files.iter().find(|(p, ..)| p == path).unwrap_or_else(|| panic!("no file {path}")).2
    }

    pub fn text_of(&self, file: FileId) -> &str {
        &self.files.iter().find(|(_, f, _)| *f == file).expect("a fixture file").2
    }

    pub fn path_of(&self, file: FileId) -> &str {
        &self.files.iter().find(|(_, f, _)| *f == file).expect("a fixture file").0
    }

    /// The marked file and the cursor offset.
    pub fn cursor(&self) -> (FileId, u32) {
        let (file, range) = self.marked.expect("a `$0` cursor");
        (file, range.start)
    }

    pub fn selection(&self) -> (FileId, TextRange) {
        self.marked.expect("`$0` markers")
    }
}

/// The fixture parser's own tests, run once here rather than in every integration test that
/// includes it.
#[cfg(test)]
mod tests {
    use super::text::Fixture;

    fn marked<'a>(f: &'a Fixture, path: &str) -> Vec<(&'a str, Option<&'a str>)> {
        let text = f.text(path);
        f.markers.iter().filter(|m| m.path == path).map(|m| (&text[m.range.clone()], m.code.as_deref())).collect()
    }

    #[test]
    fn files_with_tabs_a_cursor_and_marker_lines() {
        let f = Fixture::parse(concat!(
            "\n",
            "//- entities.tsv\n",
            "id\\ttype\n",
            "//- seeds/a.txt\n",
            " date 2022-01\n",
            "[Tokaïev]{persn:kz.to$0kayev} \\t[x]\n",
            "          ^^^^^ A004\n",
            " |\n",
            "                             ^^^\n",
        ));
        let files: Vec<(&str, &str)> = f.files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        assert_eq!(
            files,
            [("entities.tsv", "id\ttype\n"), ("seeds/a.txt", " date 2022-01\n[Tokaïev]{persn:kz.tokayev} \t[x]\n")]
        );
        let (path, cursor) = f.cursor.clone().unwrap();
        assert_eq!((path.as_str(), cursor.len(), &f.text(&path)[cursor.start..]), ("seeds/a.txt", 0, "kayev} \t[x]\n"));
        // Columns count characters of the line as it is in the file: `ï` is one, the tab one.
        assert_eq!(marked(&f, "seeds/a.txt"), [("persn", Some("A004")), ("", None), ("[x]", None)]);
        assert_eq!(f.markers[1].range.start, f.text("seeds/a.txt").find("Tok").unwrap());
    }

    #[test]
    fn two_cursors_select_what_is_between_them() {
        let f = Fixture::parse("//- a.txt\nLe $0[pré]{place}$0 et\\t\n//- b.txt\nrien\n");
        let (path, range) = f.cursor.clone().unwrap();
        assert_eq!(&f.text(&path)[range], "[pré]{place}");
        assert_eq!(f.text("a.txt"), "Le [pré]{place} et\t\n");
    }

    #[test]
    fn a_marker_line_needs_a_line_above_it_and_a_code_like_a004() {
        let f = Fixture::parse("//- a.txt\n^^\nab\n^^ not a code\n|| A004\n");
        assert_eq!(f.text("a.txt"), "^^\nab\n^^ not a code\n|| A004\n");
        assert!(f.markers.is_empty() && f.cursor.is_none());
    }

    #[test]
    #[should_panic(expected = "more than two `$0` in a.txt")]
    fn three_cursors_are_refused() {
        Fixture::parse("//- a.txt\n$0 $0\n$0\n");
    }

    #[test]
    #[should_panic(expected = "`$0` in a.txt and in b.txt")]
    fn cursors_in_two_files_are_refused() {
        Fixture::parse("//- a.txt\n$0\n//- b.txt\n$0\n");
    }

    #[test]
    #[should_panic(expected = "text before the first `//- path`")]
    fn text_before_the_first_file_is_refused() {
        Fixture::parse("a\n//- a.txt\n");
    }
}
