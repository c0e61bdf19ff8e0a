#![no_main]
//! The registry parser: no panic, every cell's range holds exactly its text, rows on
//! character boundaries.

use libfuzzer_sys::fuzz_target;
use seedls::syntax::registry::parse_registry;

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let (registry, diags) = parse_registry(text);
    assert_diagnostics(text, &diags);
    for e in &registry.entries {
        assert_range(text, e.range, "row");
        let cells = [&e.id, &e.ty, &e.name].into_iter().chain(&e.aliases).chain(e.extra.iter().map(|(_, c)| c));
        for c in cells.chain(e.description.iter()).chain(e.wikidata.iter()).chain(e.cameo.iter()) {
            assert_range(text, c.range, "cell");
            assert!(e.range.contains_range(c.range), "cell {:?} outside its row {:?}", c.range, e.range);
            assert_eq!(&text[c.range.to_usize()], c.text);
        }
    }
});
