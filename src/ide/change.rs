//! Edits a feature proposes, possibly across files (rename, code actions). Files are corpus
//! files, so every range converts with that file's line index, open or closed.

use crate::corpus::{Corpus, FileId};
use crate::diagnostic::Fix;
use crate::text::{LineCol, TextRange};

/// Replace `range` with `insert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub insert: String,
    /// Where `range` is, when its file is lean ([`crate::corpus::Corpus::place`]).
    pub place: Option<(LineCol, LineCol)>,
}

impl TextEdit {
    pub fn new(range: TextRange, insert: impl Into<String>) -> TextEdit {
        TextEdit { range, insert: insert.into(), place: None }
    }
}

/// The edits of one file: sorted by offset, never overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdits {
    pub file: FileId,
    pub edits: Vec<TextEdit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SourceChange {
    /// At most one entry per file.
    pub files: Vec<FileEdits>,
}

impl SourceChange {
    pub fn single(file: FileId, mut edits: Vec<TextEdit>) -> SourceChange {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        SourceChange { files: vec![FileEdits { file, edits }] }
    }

    /// A diagnostic's fix for `file`. Edits into other files (a row for entities.tsv) target
    /// those files; `None` when one of them is not part of the corpus (its positions could not
    /// be converted).
    pub fn from_fix(corpus: &Corpus, file: FileId, fix: &Fix) -> Option<SourceChange> {
        let mut change = SourceChange::default();
        for edit in &fix.edits {
            let target = match &edit.file {
                Some(path) => corpus.file_id(path)?,
                None => file,
            };
            let at = match change.files.iter().position(|f| f.file == target) {
                Some(at) => at,
                None => {
                    change.files.push(FileEdits { file: target, edits: Vec::new() });
                    change.files.len() - 1
                }
            };
            change.files[at].edits.push(TextEdit::new(edit.range, edit.insert.clone()));
        }
        for f in &mut change.files {
            f.edits.sort_by_key(|e| (e.range.start, e.range.end));
        }
        Some(change)
    }

    pub fn edits_of(&self, file: FileId) -> &[TextEdit] {
        self.files.iter().find(|f| f.file == file).map_or(&[], |f| f.edits.as_slice())
    }

    /// `text` (the text of `file`) with this change's edits of that file applied.
    pub fn apply(&self, file: FileId, text: &str) -> String {
        let mut out = text.to_string();
        for e in self.edits_of(file).iter().rev() {
            out.replace_range(e.range.to_usize(), &e.insert);
        }
        out
    }
}
