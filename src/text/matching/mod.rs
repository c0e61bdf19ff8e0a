//! Matching names as plain text, for every layer above: the one folding and the matchers that
//! know nothing of the corpus. Ranking ids against the registry and the article is
//! `ide::matching`'s.
//!
//! - [`fold`], [`fold_with`]: case, Unicode normalisation, apostrophes, accents kept or left
//!   out; [`loosen`] for the looser tiers, [`fold_with_offsets`] for names found in a text
//!   (A011, alias coverage).
//! - [`fuzzy`]: a query scored against candidates (workspace symbols).
//! - [`closest`]: did-you-mean names (A004, A005, A007, R003).
//! - [`subsequence`]: typed characters in order (completion of ids).

mod folding;
pub mod fuzzy;

pub use folding::{Accents, fold, fold_with, fold_with_offsets, loosen};

/// Closest candidates to `target`, best first: what a "did you mean" offers. Types, modes,
/// roles and ids are compared as written: case counts.
pub fn closest<'a>(target: &str, candidates: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<&'a str> {
    let len = target.chars().count();
    let limit = (len / 3).max(1);
    let prefix = |c: &str| c.starts_with(target) || target.starts_with(c) && c.len() >= 3;
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != target)
        // The length difference bounds the distance from below: most candidates stop here.
        .filter(|c| prefix(c) || c.chars().count().abs_diff(len) <= limit)
        .map(|c| (strsim::damerau_levenshtein(target, c), c))
        .filter(|(d, c)| *d <= limit || prefix(c))
        .collect();
    scored.sort();
    scored.dedup_by_key(|(_, c)| *c);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// `needle`'s characters appear in `hay` in order (what editors call fuzzy matching).
pub fn subsequence(needle: &str, hay: &str) -> bool {
    let mut hay = hay.chars();
    needle.chars().all(|c| hay.any(|h| h == c))
}

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
    fn closest_names_are_a_few_edits_away_or_share_a_prefix() {
        let names = ["person", "place", "persona", "group", "gov", "kz.tokayev", "kz.tokaev-fan"];
        assert_eq!(closest("persn", names, 3), ["person"]);
        assert_eq!(closest("plcae", names, 3), ["place"]);
        // Never the name itself; a prefix of three characters or more counts whatever its length.
        assert_eq!(closest("person", names, 3), ["persona"]);
        assert_eq!(closest("kz.tok", names, 1), ["kz.tokayev"]);
        assert!(closest("xyz", names, 3).is_empty());
    }

    #[test]
    fn a_subsequence_is_the_characters_in_order() {
        assert!(subsequence("kztok", "kz.tokayev"));
        assert!(subsequence("", "kz.tokayev"));
        assert!(!subsequence("tokz", "kz.tokayev"));
        assert!(!subsequence("Kz", "kz.tokayev"));
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
