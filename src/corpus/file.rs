//! What the corpus keeps of a file: its kind, line index, own diagnostics and content (a seed
//! file's summary with its mentions, a registry, a schema).

use crate::syntax::header::Date;
use crate::syntax::registry::Registry;
use crate::syntax::schema::Schema;
use crate::text::{LineIndex, TextRange};

use super::{FileKind, pack};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub header: Option<TextRange>,
    pub date: Option<Date>,
    pub date_range: Option<TextRange>,
    pub url: Option<Box<str>>,
    pub url_range: Option<TextRange>,
    /// The first non-empty line of the body, markup stripped (workspace symbols, hover).
    pub title: Option<Box<str>>,
    /// The line the title comes from (workspace symbols point there).
    pub title_range: Option<TextRange>,
    pub mentions: Mentions,
}

/// A seed file's mentions: a list for the documents being edited (a change splices it), packed
/// bytes for the files of a load, which nobody edits and requests seldom read (a fifth of the
/// size, see [`pack`]). Read them with [`Kept::get`](pack::Kept::get), once per use: unpacking allocates.
pub type Mentions = pack::Kept<pack::PackedMentions>;

/// A file's own diagnostics, kept as its mentions are.
pub type Diagnostics = pack::Kept<pack::PackedDiagnostics>;

#[derive(Clone, Debug)]
pub enum Content {
    Seed(SeedSummary),
    Registry(Registry),
    Schema(Schema),
    /// Not valid UTF-8 (F001) or unreadable: only diagnostics.
    Invalid,
}

#[derive(Clone, Debug)]
pub struct FileData {
    pub path: std::path::PathBuf,
    pub kind: FileKind,
    /// `None` in a lean file (see [`Keep::Index`]).
    pub(super) line_index: Option<Box<LineIndex>>,
    /// What the file says on its own: syntax, header, prose, registry row and schema problems.
    pub syntax_diagnostics: Diagnostics,
    pub content: Content,
}

impl FileData {
    /// The file's line index.
    ///
    /// # Panics
    /// On a lean file, which keeps none: the caller reads it through [`Corpus::full`](super::Corpus::full).
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.as_deref().expect("a lean file's line index is read through Corpus::full")
    }

    /// Whether the file keeps only what the index needs (see [`Keep::Index`](super::Keep::Index)).
    pub fn is_lean(&self) -> bool {
        self.line_index.is_none()
    }

    pub fn seed(&self) -> Option<&SeedSummary> {
        match &self.content {
            Content::Seed(s) => Some(s),
            _ => None,
        }
    }

    pub fn registry(&self) -> Option<&Registry> {
        match &self.content {
            Content::Registry(r) => Some(r),
            _ => None,
        }
    }
}
