//! Fuzzy matching for symbol search: case-, accent- and apostrophe-insensitive (`tokaiev`
//! finds `Tokaïev`, `l'etat` finds `L’État`), ranked so that exact, prefix and word-start
//! matches come before scattered ones.

use super::{Accents, fold_with};

/// A query, folded once.
pub struct Pattern {
    chars: Vec<char>,
}

/// Score classes, best first; within a class, shorter candidates rank higher.
const EXACT: u32 = 6_000_000;
const PREFIX: u32 = 5_000_000;
const WORD_SUBSTRING: u32 = 4_000_000;
const SUBSTRING: u32 = 3_000_000;
const WORD_STARTS: u32 = 2_000_000;
const SCATTERED: u32 = 1_000_000;

impl Pattern {
    /// Whitespace in the query is dropped: `kassym tokaiev` matches `Kassym-Jomart Tokaïev`.
    pub fn new(query: &str) -> Pattern {
        let query: String = query.chars().filter(|c| !c.is_whitespace()).collect();
        let mut chars = Vec::with_capacity(query.len());
        fold_with(&query, Accents::Drop, &mut |f| chars.push(f));
        Pattern { chars }
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// How well `candidate` matches, higher is better; `None` when it does not contain the
    /// query's characters in order. The empty query matches everything equally.
    pub fn score(&self, candidate: &str) -> Option<u32> {
        if self.chars.is_empty() {
            return Some(0);
        }
        if !self.could_match(candidate) {
            return None;
        }
        let mut folded = Vec::with_capacity(candidate.len());
        fold_with(candidate, Accents::Drop, &mut |f| folded.push(f));
        let q = &self.chars[..];
        let shorter = (folded.len() as u32).min(99_999);
        if folded == q {
            return Some(EXACT);
        }
        if folded.starts_with(q) {
            return Some(PREFIX - shorter);
        }
        let starts: Vec<usize> = (0..=folded.len() - q.len()).filter(|&i| folded[i..].starts_with(q)).collect();
        if starts.iter().any(|&i| is_word_start(&folded, i)) {
            return Some(WORD_SUBSTRING - shorter);
        }
        if !starts.is_empty() {
            return Some(SUBSTRING - shorter);
        }
        if matches_word_starts(&folded, q) {
            return Some(WORD_STARTS - shorter);
        }
        // Scattered: fewer skipped characters is better.
        let (mut next, mut first, mut last) = (0, None, 0);
        for (i, &c) in folded.iter().enumerate() {
            if next < q.len() && c == q[next] {
                first.get_or_insert(i);
                last = i;
                next += 1;
            }
        }
        let span = (last - first.unwrap_or(0)) as u32;
        Some(SCATTERED - (span * 100 + shorter).min(999_999))
    }
}

impl Pattern {
    /// Whether the query's characters occur in order in `candidate`, folded. Most candidates
    /// fail, so this runs over bytes without allocating: ASCII bytes (most of a title, all of
    /// an id) are folded inline, other characters one by one.
    fn could_match(&self, candidate: &str) -> bool {
        let q = &self.chars[..];
        let bytes = candidate.as_bytes();
        let (mut next, mut i) = (0, 0);
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                if char::from(b.to_ascii_lowercase()) == q[next] {
                    next += 1;
                    if next == q.len() {
                        return true;
                    }
                }
                i += 1;
                continue;
            }
            // Folding without accents goes a character at a time: this one alone folds as it
            // does in the candidate.
            let len = candidate[i..].chars().next().map_or(1, char::len_utf8);
            fold_with(&candidate[i..i + len], Accents::Drop, &mut |f| {
                if next < q.len() && f == q[next] {
                    next += 1;
                }
            });
            if next == q.len() {
                return true;
            }
            i += len;
        }
        false
    }
}

fn is_word_start(s: &[char], i: usize) -> bool {
    i == 0 || !s[i - 1].is_alphanumeric()
}

/// Every query character continues the previous match or starts a word: `kjt` in
/// `kassym-jomart tokaiev`, `kz.tok` in `kz.tokayev`. Backtracks, since a greedy choice can
/// take a letter a later word start needs.
fn matches_word_starts(s: &[char], q: &[char]) -> bool {
    fn go(s: &[char], q: &[char], from: usize, prev: Option<usize>, budget: &mut u32) -> bool {
        let Some((&c, rest)) = q.split_first() else { return true };
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if let Some(p) = prev
            && s.get(p + 1) == Some(&c)
            && go(s, rest, p + 2, Some(p + 1), budget)
        {
            return true;
        }
        (from..s.len()).any(|i| s[i] == c && is_word_start(s, i) && go(s, rest, i + 1, Some(i), budget))
    }
    // Bounded: a pathological candidate must not make a query slow.
    go(s, q, 0, None, &mut 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank<'a>(query: &str, candidates: &[&'a str]) -> Vec<&'a str> {
        let p = Pattern::new(query);
        let mut scored: Vec<(u32, &str)> = candidates.iter().filter_map(|c| Some((p.score(c)?, *c))).collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().map(|(_, c)| c).collect()
    }

    #[test]
    fn accents_case_and_apostrophes_are_ignored() {
        assert!(Pattern::new("tokaiev").score("Kassym-Jomart Tokaïev").is_some());
        assert!(Pattern::new("TOKAÏEV").score("tokaiev").is_some());
        assert!(Pattern::new("l'etat").score("L’État d’urgence").is_some());
        // Decomposed input (e + combining acute) folds like the composed one.
        assert!(Pattern::new("etat").score("E\u{301}tat").is_some());
        assert!(Pattern::new("kassym tokaiev").score("Kassym-Jomart Tokaïev").is_some());
        assert_eq!(Pattern::new("xyz").score("Tokaïev"), None);
        assert_eq!(Pattern::new("").score("anything"), Some(0));
    }

    #[test]
    fn exact_prefix_word_and_scattered_matches_rank_in_that_order() {
        let candidates =
            ["almaty", "Almaty region", "kz.almaty", "Kalmatyx", "a-l-m-a-t-y", "Alma-Ata", "al mary fatty"];
        assert_eq!(
            rank("almaty", &candidates),
            ["almaty", "Almaty region", "kz.almaty", "Kalmatyx", "a-l-m-a-t-y", "al mary fatty"]
        );
        assert_eq!(rank("kjt", &["Kassym-Jomart Tokaïev", "kjxxxxxxt"]), ["Kassym-Jomart Tokaïev", "kjxxxxxxt"]);
    }
}
