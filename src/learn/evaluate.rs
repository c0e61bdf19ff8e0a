//! The suggester measured on the corpus itself, as INCEpTION evaluates its recommenders:
//! articles split 80/20 by a stable hash of their path, learned on the 80 %, and the
//! suggestions on the plain text of the other 20 % scored against their tagged mentions.

use std::collections::BTreeMap;

use super::{Label, label_type};
use crate::text::TextRange;

/// 64-bit FNV-1a of `bytes`: stable across runs, platforms and versions (unlike std's hasher).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Whether the article at `path` (from the corpus root, `/`-separated) is held out for
/// scoring: one in five, by [`fnv1a`] of the path.
pub fn held_out(path: &str) -> bool {
    fnv1a(path.as_bytes()).is_multiple_of(5)
}

/// Matches, suggestions and mentions of one type, or of all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Suggestions with the span and the label of a mention.
    pub correct: u64,
    /// Suggestions made.
    pub suggested: u64,
    /// Mentions to find.
    pub expected: u64,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.suggested)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.expected)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    fn add(&mut self, other: Counts) {
        self.correct += other.correct;
        self.suggested += other.suggested;
        self.expected += other.expected;
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Strict span-and-label scores, per type (of the label) and in total.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub by_type: BTreeMap<String, Counts>,
    /// Articles learned from, and scored.
    pub learned: usize,
    pub scored: usize,
}

impl Scores {
    /// Scores one held-out article: `expected` its mentions, `suggested` the suggestions on its
    /// plain text, each a (range, label) in that text.
    pub fn add(&mut self, expected: &[(TextRange, Label)], suggested: &[(TextRange, Label)]) {
        let mut gold: Vec<&(TextRange, Label)> = expected.iter().collect();
        gold.sort_unstable();
        for (_, label) in expected {
            self.by_type.entry(label_type(label).to_string()).or_default().expected += 1;
        }
        for s in suggested {
            let c = self.by_type.entry(label_type(&s.1).to_string()).or_default();
            c.suggested += 1;
            if gold.binary_search(&s).is_ok() {
                c.correct += 1;
            }
        }
    }

    pub fn merge(mut self, other: Scores) -> Scores {
        for (ty, c) in other.by_type {
            self.by_type.entry(ty).or_default().add(c);
        }
        self.learned += other.learned;
        self.scored += other.scored;
        self
    }

    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.by_type.values() {
            t.add(*c);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_is_fnv1a_of_the_path() {
        // The published test vectors of FNV-1a 64.
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        let held = (0..1000).filter(|i| held_out(&format!("articles/{i:03}.txt"))).count();
        assert!((150..250).contains(&held), "{held} of 1000 held out");
    }

    #[test]
    fn strict_span_and_label() {
        let r = TextRange::new;
        let expected: Vec<(TextRange, Label)> =
            vec![(r(0, 5), "person:a".into()), (r(10, 15), "place:b".into()), (r(20, 30), "protest.demo".into())];
        let suggested: Vec<(TextRange, Label)> = vec![
            (r(0, 5), "person:a".into()),
            (r(10, 14), "place:b".into()),
            (r(20, 30), "protest".into()),
            (r(40, 45), "person:a".into()),
        ];
        let mut s = Scores::default();
        s.add(&expected, &suggested);
        assert_eq!(s.by_type["person"], Counts { correct: 1, suggested: 2, expected: 1 });
        assert_eq!(s.by_type["place"], Counts { correct: 0, suggested: 1, expected: 1 });
        assert_eq!(s.by_type["protest"], Counts { correct: 0, suggested: 1, expected: 1 });
        let t = s.total();
        assert_eq!((t.correct, t.suggested, t.expected), (1, 4, 3));
        assert!((t.f1() - 2.0 * 0.25 * (1.0 / 3.0) / (0.25 + 1.0 / 3.0)).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 0.0);
    }
}
