//! The language server adapter: protocol types and position conversions live here only.
