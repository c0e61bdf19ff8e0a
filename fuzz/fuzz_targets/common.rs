//! Invariants shared by the parser targets: what the property tests check, under libFuzzer.
#![allow(dead_code)]

use seedls::diagnostic::Diagnostic;
use seedls::syntax::header::Date;
use seedls::text::TextRange;

pub const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

/// Fuzz input as text: invalid UTF-8 is the decoder's business (F001), not the parsers'.
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

pub fn assert_range(text: &str, r: TextRange, what: &str) {
    assert!(r.start <= r.end && r.end as usize <= text.len(), "{what} {r:?} outside a text of {} bytes", text.len());
    assert!(
        text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
        "{what} {r:?} not on char boundaries"
    );
}

/// Every range a diagnostic carries into its own file: its own, related locations, fix edits.
pub fn assert_diagnostics(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        let what = format!("{} {:?}", d.code.as_str(), d.message);
        assert_range(text, d.range, &what);
        assert!(!d.message.is_empty(), "{what}: empty message");
        for rel in d.related.iter().filter(|r| r.file.is_none()) {
            assert_range(text, rel.range, &format!("related of {what}"));
        }
        for edit in d.fixes.iter().flat_map(|f| &f.edits).filter(|e| e.file.is_none()) {
            assert_range(text, edit.range, &format!("fix edit of {what}"));
        }
    }
}
