#![no_main]
//! The annotation parser and stripping: no panic, every mention range on character
//! boundaries and properly nested, and the offset map agrees with the stripped text.

use libfuzzer_sys::fuzz_target;
use seedls::syntax::annotation::{Stripped, parse_annotations, strip};
use seedls::syntax::parse_seed;

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let (annotations, diags) = parse_annotations(text);
    assert_diagnostics(text, &diags);
    let stripped = Stripped::new(text, &annotations);
    let markup = annotations.markup();
    let removed: u32 = markup.iter().map(|r| r.len()).sum();
    assert_eq!(stripped.text.len() as u32 + removed, text.len() as u32);
    for r in &markup {
        assert_range(text, *r, "markup");
    }
    assert!(markup.windows(2).all(|w| w[0].end <= w[1].start), "markup overlaps: {markup:?}");
    for (i, m) in annotations.mentions.iter().enumerate() {
        for r in [m.range, m.surface, m.tag] {
            assert_range(text, r, "mention part");
        }
        assert!(m.range.contains_range(m.surface) && m.range.contains_range(m.tag));
        assert_eq!(&text[m.range.start as usize..m.range.start as usize + 1], "[");
        assert!(!text[m.range.to_usize()].contains('\n'), "a mention spans lines");
        if let Some(h) = m.head {
            for r in [Some(h.ty), h.mode, h.id].into_iter().flatten() {
                assert_range(text, r, "mention head");
                assert!(m.tag.contains_range(r));
            }
        }
        for a in &m.args {
            for r in std::iter::once(a.role).chain(a.values.iter().copied()) {
                assert_range(text, r, "argument");
                assert!(m.tag.contains_range(r));
            }
        }
        if let Some(p) = m.parent {
            let parent = &annotations.mentions[p as usize];
            assert!((p as usize) < i && parent.surface.contains_range(m.range));
        }
        // The surface's place in the stripped text holds the surface, stripped.
        let (start, end) = (stripped.map(m.surface.start), stripped.map(m.surface.end));
        assert!(start <= end && end as usize <= stripped.text.len());
        assert_range(&stripped.text, seedls::text::TextRange::new(start, end), "stripped surface");
        assert_eq!(&stripped.text[start as usize..end as usize], strip(&text[m.surface.to_usize()]));
    }
    // Every character boundary of the stripped text maps back to a boundary of the annotated
    // text outside the markup, and forth to itself.
    // (A sample on long texts: each check walks the markup.)
    let boundaries: Vec<usize> = stripped.text.char_indices().map(|(o, _)| o).chain([stripped.text.len()]).collect();
    for &o in boundaries.iter().step_by(boundaries.len().div_ceil(256)) {
        let back = stripped.unmap(o as u32);
        assert!(text.is_char_boundary(back as usize), "unmap({o}) = {back} not a boundary");
        assert_eq!(stripped.map(back), o as u32, "map(unmap({o}))");
        assert!(!markup.iter().any(|r| r.contains(back) && r.start != back), "unmap({o}) = {back} inside markup");
    }
    let seed = parse_seed(text, TODAY);
    assert_diagnostics(text, &seed.diagnostics);
});
