#![no_main]
//! The header parser (line 1) and the date helpers: no panic, every range on character
//! boundaries of line 1, the parsed date is what the date token says.

use libfuzzer_sys::fuzz_target;
use seedls::syntax::header::{date_in_url, parse_date_literal, parse_header};

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let (header, diags) = parse_header(text, TODAY);
    assert_diagnostics(text, &diags);
    let line_end = text.find('\n').unwrap_or(text.len());
    for d in &diags {
        assert!(d.range.end as usize <= line_end, "{} past line 1", d.code.as_str());
    }
    if let Some(h) = header {
        assert_range(text, h.range, "header");
        assert!(h.range.end as usize <= line_end);
        for r in [h.date_range, h.url, h.body].into_iter().flatten() {
            assert_range(text, r, "header part");
            assert!(h.range.contains_range(r), "{r:?} outside the header {:?}", h.range);
        }
        // A parsed date is the one its token spells.
        if let (Some(date), Some(r)) = (h.date, h.date_range) {
            assert_eq!(parse_date_literal(&text[r.to_usize()]), Ok(date));
        }
        if let Some(url) = h.url {
            let url = &text[url.to_usize()];
            if let Some((_, r)) = date_in_url(url) {
                assert_range(url, r, "date in the URL");
            }
        }
    }
    if let Ok(date) = parse_date_literal(text) {
        // Round trip: a valid literal prints back as itself.
        assert_eq!(date.to_string(), text);
    }
    if let Some((_, r)) = date_in_url(text) {
        assert_range(text, r, "date in the URL");
    }
});
