//! Multi-file fixtures for the unit tests of the queries, in rust-analyzer's style: `//- path`
//! starts a file, `\t` stands for a tab, `$0` marks the cursor and two `$0` a selection. The
//! files are indexed in memory under `/ws` (nothing is written to disk).

use std::path::PathBuf;

use crate::corpus::{Corpus, FileId};
use crate::syntax::header::Date;
use crate::text::TextRange;

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
        let mut raw: Vec<(String, String)> = Vec::new();
        for line in fixture.split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                raw.push((path.trim().to_string(), String::new()));
            } else if let Some((_, text)) = raw.last_mut() {
                text.push_str(&line.replace("\\t", "\t"));
            }
        }
        let mut files = Vec::new();
        let mut marked = None;
        for (path, text) in raw {
            let marks: Vec<usize> = text.match_indices("$0").map(|(i, _)| i).collect();
            let text = text.replace("$0", "");
            let file = corpus.set_text(&root.join(&path), text.as_bytes()).expect("a corpus file name");
            match marks.as_slice() {
                [] => {}
                [at] => marked = Some((file, TextRange::empty(*at as u32))),
                [a, b] => marked = Some((file, TextRange::new(*a as u32, (*b - 2) as u32))),
                _ => panic!("more than two `$0` in {path}"),
            }
            files.push((path, file, text));
        }
        Fixture { corpus, files, marked }
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
