//! Diagnostics as the core produces them: a stable code, a byte range, a message, related
//! locations and quick fixes as plain text edits. Front ends (CLI, language server) only render.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::text::TextRange;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

macro_rules! codes {
    ($($code:ident $sev:ident $summary:literal,)*) => {
        /// Every diagnostic code of the product contract (SPEC §6).
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum Code { $($code,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$sev,)* }
            }

            /// One line saying when the code fires (README table, SARIF rule descriptions).
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $summary,)* }
            }
        }
    };
}

codes! {
    F001 Error "file is not valid UTF-8",
    F002 Error "unresolved merge conflict markers",
    H001 Error "line 1 is not a header",
    H002 Error "header date is not YYYY-MM or YYYY-MM-DD",
    H003 Error "impossible header date",
    H004 Warning "date in the source URL disagrees with the header",
    H005 Warning "header has no source URL",
    H006 Information "body text on the header line",
    H007 Warning "same source URL heads another seed file",
    H008 Error "broken URL after the header date",
    H009 Warning "header date in the future",
    A001 Error "annotation tag not closed by `}` on its line",
    A002 Error "annotation tag with no matching `[`, or overlapping mentions",
    A003 Error "malformed annotation tag",
    A004 Error "unknown type or mode",
    A005 Warning "id not in the registry",
    A006 Error "mention type differs from the registry type of its id",
    A007 Error "role not declared for the event type, or arguments on an entity",
    A008 Error "role value of a disallowed type, unknown id, or bad date",
    A009 Warning "required role missing, or too many values",
    A010 Warning "empty mention surface",
    A011 Hint "untagged registered name or alias",
    A012 Hint "untagged text the corpus tags elsewhere (a learned suggestion)",
    R001 Error "registry: bad header row, column count or id",
    R002 Error "registry: duplicate id",
    R003 Error "registry: unknown type",
    R004 Warning "registry: the same alias on two ids",
    R005 Hint "registry: id never mentioned in the corpus",
    S001 Error "schema: malformed row, duplicate type or unknown role type",
    T001 Hint "glued sentence (missing space after a full stop)",
    T002 Hint "line repeated near the top of the article",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Code {
    type Err = ();
    fn from_str(s: &str) -> Result<Code, ()> {
        Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s)).ok_or(())
    }
}

/// A file a related location or an edit points into. `None` means the diagnostic's own file.
pub type FileRef = Option<PathBuf>;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Related {
    pub file: FileRef,
    pub range: TextRange,
    pub message: String,
}

/// Replace `range` of `file` with `insert`. Ranges of one fix never overlap.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Edit {
    pub file: FileRef,
    pub range: TextRange,
    pub insert: String,
}

impl Edit {
    pub fn here(range: TextRange, insert: impl Into<String>) -> Edit {
        Edit { file: None, range, insert: insert.into() }
    }
}

/// A quick fix: a title and the edits that apply it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), edits }
    }

    pub fn replace(title: impl Into<String>, range: TextRange, insert: impl Into<String>) -> Fix {
        Fix::new(title, vec![Edit::here(range, insert)])
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, range, message: message.into(), related: Vec::new(), fixes: Vec::new() }
    }

    /// The same diagnostic `by` bytes further on in its file (places in other files stay).
    pub fn shift(mut self, by: u32) -> Diagnostic {
        self.range = self.range.shift(by);
        for r in self.related.iter_mut().filter(|r| r.file.is_none()) {
            r.range = r.range.shift(by);
        }
        for e in self.fixes.iter_mut().flat_map(|f| &mut f.edits).filter(|e| e.file.is_none()) {
            e.range = e.range.shift(by);
        }
        self
    }

    /// [`Diagnostic::shift`] in place, by `delta` bytes either way.
    pub fn move_by(&mut self, delta: i64) {
        self.range = self.range.moved(delta);
        for r in self.related.iter_mut().filter(|r| r.file.is_none()) {
            r.range = r.range.moved(delta);
        }
        for e in self.fixes.iter_mut().flat_map(|f| &mut f.edits).filter(|e| e.file.is_none()) {
            e.range = e.range.moved(delta);
        }
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Diagnostic {
        self.fixes.extend(fixes);
        self
    }

    pub fn with_related(mut self, file: FileRef, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related { file, range, message: message.into() });
        self
    }
}

/// Applies edits that all target one text (tests, and the CLI's `--fix` later). Edits must not
/// overlap; they are applied from the end so earlier offsets stay valid.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
    let mut out = text.to_string();
    for e in sorted {
        out.replace_range(e.range.to_usize(), &e.insert);
    }
    out
}
