//! seedls: a language server and curation CLI for annotated news-event corpora.
//!
//! Every top-level module, by layer, bottom up (see ARCHITECTURE.md). A module uses only those
//! of the layers below its own; the two of a layer do not use each other.
//!
//! 1. [`text`]: byte ranges, line/column positions, names matched as plain text
//!    ([`text::matching`]: the one folding, fuzzy, did-you-mean).
//! 2. [`diagnostic`]: the contract's codes; diagnostics with their fixes.
//! 3. [`syntax`]: pure parsers (header, annotations, registry, schema, prose).
//! 4. [`corpus`]: discovery, per-file summaries, the reverse index, the registry view;
//!    [`learn`]: the gazetteer learned from tagged surfaces, and suggestions from it.
//! 5. [`analysis`]: the checks that need the schema, the registries or the index;
//!    [`idpass`]: a cold start's first pass, the occurrences of ids only.
//! 6. [`ide`]: queries for editor features; [`curation`]: statistics, exports, agreement.
//! 7. [`lsp`]: the language server.
//! 8. [`cli`]: the commands (`seedls serve` starts the language server).

pub mod analysis;
pub mod cli;
pub mod corpus;
pub mod curation;
pub mod diagnostic;
pub mod ide;
pub mod idpass;
pub mod learn;
pub mod lsp;
pub mod syntax;
pub mod text;
