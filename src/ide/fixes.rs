//! Quick fixes: the fixes the diagnostics carry, for the diagnostics at a range.

use std::path::{Path, PathBuf};

use crate::analysis::{Caches, file_diagnostics};
use crate::corpus::{Corpus, FileId};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::text::TextRange;

/// A fix with the diagnostic it repairs. Edits with `file: None` target the diagnostic's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuickFix {
    pub diagnostic: Diagnostic,
    pub fix: Fix,
    /// The one fix of its diagnostic: safe to apply without choosing ("fix all", auto-fix).
    pub preferred: bool,
}

/// Fixes of every diagnostic of `file` that `range` touches (a cursor touches a diagnostic it
/// is in or at either end of). `text` is the file's current text when known; it enables the
/// fixes that quote it. `caches` are the corpus's (see [`Caches`]).
pub fn quick_fixes(
    corpus: &Corpus,
    caches: &Caches,
    file: FileId,
    text: Option<&str>,
    range: TextRange,
) -> Vec<QuickFix> {
    let mut out = Vec::new();
    for d in file_diagnostics(corpus, caches, file, text) {
        let hit = d.range.intersects(range) || d.range.touches(range.start) || range.touches(d.range.start);
        if !hit || d.fixes.is_empty() {
            continue;
        }
        // An untagged name of a single entity has one obvious fix: tag this occurrence (its
        // first fix; the second tags every occurrence in the file).
        let one_entity = d.code == Code::A011 && {
            let tag = |f: &Fix| f.edits.last().map(|e| e.insert.clone());
            d.fixes.iter().all(|f| tag(f) == tag(&d.fixes[0]))
        };
        for (i, fix) in d.fixes.iter().enumerate() {
            let preferred = d.fixes.len() == 1 || (one_entity && i == 0);
            out.push(QuickFix { diagnostic: d.clone(), fix: fix.clone(), preferred });
        }
    }
    out
}

/// The file an edit targets: its own, or the diagnostic's file.
pub fn edit_path(corpus: &Corpus, file: FileId, edit_file: Option<&Path>) -> PathBuf {
    edit_file.unwrap_or(&corpus.file(file).path).to_path_buf()
}
