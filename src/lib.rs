//! seedls: a language server and curation CLI for annotated news-event corpora.
//!
//! Layers, bottom up (see ARCHITECTURE.md): [`text`] (ranges, positions), [`syntax`] (pure
//! parsers), [`corpus`] (discovery, summaries, the reverse index), [`analysis`] (diagnostics and
//! the queries features need), then the front ends: [`cli`].

pub mod analysis;
pub mod cli;
pub mod corpus;
pub mod curation;
pub mod diagnostic;
pub mod ide;
pub mod idpass;
pub mod lsp;
pub mod syntax;
pub mod text;
