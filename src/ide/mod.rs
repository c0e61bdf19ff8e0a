//! Queries editor features need (hover, definition, references, …), on top of the corpus and
//! the analysis. No protocol types here: offsets in, plain data out.
//!
//! Every query takes the corpus, a file and a byte offset (or range) and answers from the
//! file's summary and the reverse index, so its cost does not grow with the corpus except
//! through the size of the answer.

pub mod assists;
pub mod change;
pub mod completion;
pub mod dates;
pub mod fixes;
#[cfg(test)]
mod fixture;
pub mod hover;
pub mod inlay_hints;
pub mod lens;
pub mod links;
pub mod markup;
pub mod matching;
pub mod navigation;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;
pub mod target;

pub use assists::{Action, ActionKind, code_actions};
pub use change::{FileEdits, SourceChange, TextEdit};
pub use completion::{Completion, CompletionKind, Completions, completions};
pub use fixes::{QuickFix, quick_fixes};
pub use hover::{HoverResult, hover};
pub use markup::Markup;
pub use navigation::{NavTarget, RangeInfo, Reference, declaration, definition, highlights, references};
pub use rename::{RenameError, RenameTarget, prepare_rename, rename};
pub use target::{Target, target_at};
