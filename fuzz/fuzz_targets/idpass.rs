#![no_main]
//! The id pass against the full summary: the same occurrences (id, kind, range, type) for any
//! text, positions as the line index gives them, no panic. Invalid UTF-8 has none in either.

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use seedls::corpus::Corpus;
use seedls::idpass::{scan, scan_seed};
use seedls::text::{Encoding, LineIndex};

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let mut corpus = Corpus::new(vec!["/corpus".into()], TODAY);
    let Some(file) = corpus.set_text(Path::new("/corpus/a.txt"), data) else { return };
    let mut full: Vec<(String, _, u32, u32, Option<String>)> = corpus
        .ids()
        .flat_map(|(id, occs)| occs.iter().filter(move |o| o.file == file).map(move |o| (id, o)))
        .map(|(id, o)| {
            let ty = o.ty.map(|t| corpus.resolve(t).to_string());
            (corpus.resolve(id).to_string(), o.kind(), o.start, corpus.range(id, o).end, ty)
        })
        .collect();
    full.sort_by_key(|r| r.2);
    let Some(text) = text(data) else {
        assert!(full.is_empty(), "occurrences in invalid UTF-8");
        return;
    };
    let scanned: Vec<_> = scan(text)
        .into_iter()
        .map(|f| (text[f.id].to_string(), f.kind, f.id.start, f.id.end, f.ty.map(|t| text[t].to_string())))
        .collect();
    assert_eq!(scanned, full);
    let index = LineIndex::new(text);
    for o in scan_seed(text).occurrences.iter() {
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Char] {
            assert_eq!(o.start(enc), index.line_col(o.range.start, enc));
            assert_eq!(o.end(enc), index.line_col(o.range.end, enc));
        }
    }
});
