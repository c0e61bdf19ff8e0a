//! Matching names as plain text, below every layer that matches names: the one folding
//! ([`fold`], [`fold_with`]) and the matchers built on it. Nothing here knows the corpus;
//! ranking ids against the registry is `ide::matching`'s.

mod folding;

pub use folding::{Accents, fold, fold_with, fold_with_offsets, loosen};

#[cfg(test)]
mod tests {
    use super::*;

    fn fold_without_accents(s: &str) -> String {
        let mut out = String::new();
        fold_with(s, Accents::Drop, &mut |c| out.push(c));
        out
    }

    /// Text where the foldings differ: accents composed and decomposed, marks out of order,
    /// apostrophes, singletons, Hangul, capitals that lower to more than one character.
    fn names() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            any::<String>(),
            "[a-zA-Z -'’‘ʼ`éÉèïİIıßẞĲǅΣσςÅÀ\u{212B}\u{212A}\u{301}\u{308}\u{323}\u{302}\u{345}\u{FB2A}\u{1100}\u{1161}\u{11A8}\u{AC00}\u{1E9B}\u{0130}\u{00A0}\u{2011}]{0,40}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn the_one_folding_agrees_with_the_foldings_it_replaces(s in names()) {
            proptest::prop_assert_eq!(fold(&s), crate::text::fold(&s));
            let mut fuzzy = String::new();
            for c in s.chars() {
                crate::ide::fuzzy::fold_char(c, &mut |f| fuzzy.push(f));
            }
            proptest::prop_assert_eq!(fold_without_accents(&s), fuzzy);
            let folded = fold(&s);
            proptest::prop_assert_eq!(loosen(&folded), crate::text::loosen(&folded));
            proptest::prop_assert_eq!(fold_with_offsets(&s), crate::text::fold_with_offsets(&s));
        }
    }

    #[test]
    fn every_character_folds_as_it_did() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut [0; 4]).to_string();
            assert_eq!(fold(&s), crate::text::fold(&s), "{c:?}");
            let mut fuzzy = String::new();
            crate::ide::fuzzy::fold_char(c, &mut |f| fuzzy.push(f));
            assert_eq!(fold_without_accents(&s), fuzzy, "{c:?}");
            let folded = fold(&s);
            assert_eq!(loosen(&folded), crate::text::loosen(&folded), "{c:?}");
        }
    }
}
