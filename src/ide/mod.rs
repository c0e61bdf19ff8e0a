//! Queries editor features need (hover, definition, references, …), on top of the corpus and
//! the analysis. No protocol types here: offsets in, plain data out.
