//! Curation: statistics, exports, inter-annotator agreement and new seed files (SPEC §10).
//!
//! Pure functions over parsed articles ([`Article`], built from one file's text with
//! [`crate::syntax::parse_seed`]) and the registry and schema view; the CLI reads the files,
//! calls these in parallel and writes the results.

pub mod adjudicate;
pub mod agree;
pub mod article;
pub mod export;
pub mod import;
pub mod merge;
pub mod naming;
pub mod stats;

pub use article::{Article, Registry, Span};
