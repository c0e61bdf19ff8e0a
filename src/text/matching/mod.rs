//! Matching names as plain text, below every layer that matches names: the one folding
//! ([`fold`], [`fold_with`]) and the matchers built on it. Nothing here knows the corpus;
//! ranking ids against the registry is `ide::matching`'s.

mod folding;

pub use folding::{Accents, fold, fold_with, fold_with_offsets, loosen};

#[cfg(test)]
mod tests {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;

    use super::*;

    fn fold_without_accents(s: &str) -> String {
        let mut out = String::new();
        fold_with(s, Accents::Drop, &mut |c| out.push(c));
        out
    }

    /// What folding without accents means: the folding with them, then decomposed and without
    /// its combining marks. The fast paths (ASCII, the Latin-1 table, one character at a time)
    /// must not change it.
    fn folded_then_without_marks(s: &str) -> String {
        fold(s).nfd().filter(|c| !is_combining_mark(*c)).collect()
    }

    #[test]
    fn case_apostrophes_normalisation_and_accents() {
        assert_eq!(fold("L’E\u{301}TAT d‘Ankara ʼ"), "l'état d'ankara '");
        assert_eq!(fold("\u{212B}ngstr\u{F6}m"), "ångström");
        assert_eq!(fold_without_accents("Kassym-Jomart TOKAÏEV l’État"), "kassym-jomart tokaiev l'etat");
        assert_eq!(loosen(&fold("Alma-Ata  Tokaïev")), "alma ata tokaiev");
        assert!(matches!(loosen("alma ata"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn every_character_folds_without_accents_as_the_folding_then_without_marks() {
        let mut s = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            s.clear();
            s.push(c);
            assert_eq!(fold_without_accents(&s), folded_then_without_marks(&s), "{c:?}");
        }
    }

    /// Text where foldings can go wrong: accents composed and decomposed, marks out of order,
    /// apostrophes, singletons, Hangul jamo, capitals that lower to more than one character.
    fn names() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            any::<String>(),
            "[a-zA-Z -'’‘ʼ`éÉèïİIıßẞĲǅΣσςÅÀ\u{212B}\u{212A}\u{301}\u{308}\u{323}\u{302}\u{345}\u{FB2A}\u{1100}\u{1161}\u{11A8}\u{AC00}\u{1E9B}\u{00A0}\u{2011}]{0,40}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn the_folding_without_accents_is_the_folding_then_without_marks(s in names()) {
            let without = fold_without_accents(&s);
            proptest::prop_assert_eq!(&without, &folded_then_without_marks(&s));
            // A character at a time, as the fuzzy matcher folds a candidate.
            let one_by_one: String = s.chars().map(|c| fold_without_accents(c.encode_utf8(&mut [0; 4]))).collect();
            proptest::prop_assert_eq!(&without, &one_by_one);
            // Loosened: the same, hyphens and spaces as one space.
            let mut spaced = String::new();
            for c in without.chars().map(|c| if c == '-' || c.is_whitespace() { ' ' } else { c }) {
                if !(c == ' ' && spaced.ends_with(' ')) {
                    spaced.push(c);
                }
            }
            let folded = fold(&s);
            proptest::prop_assert_eq!(loosen(&folded), spaced);
        }
    }

    #[test]
    fn folding_with_offsets_normalises_as_fold_does() {
        // Marks out of canonical order (Vietnamese typed decomposed), a singleton (Å as the
        // Angstrom sign), a composition exclusion (Hebrew) and Hangul jamo.
        for text in
            ["Tie\u{302}\u{323}t Vie\u{323}\u{302}t", "\u{212B}ngstr\u{F6}m", "\u{FB2A}", "\u{1100}\u{1161}\u{11A8}"]
        {
            let (folded, map) = fold_with_offsets(text);
            assert_eq!(folded, fold(text), "{text:?}");
            assert_eq!(map.len(), folded.len() + 1);
        }
        let (folded, map) = fold_with_offsets("L’E\u{301}TAT");
        assert_eq!(folded, "l'état");
        assert_eq!(map, [0, 1, 4, 4, 7, 8, 9, 10]);
    }
}
