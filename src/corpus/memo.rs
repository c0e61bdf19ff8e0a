//! Values computed per line of a document being edited, remembered by line text.

use rustc_hash::FxHashMap;

/// Values computed from the lines of a document being edited, by line text, so that a
/// keystroke recomputes only the line it changed. Each use is a round that marks the lines it
/// meets; [`LineMemo::finish`] drops the others, so the memo holds the current lines only.
pub struct LineMemo<V> {
    /// By the line's hash (computed once a lookup), then its text.
    pub(super) lines: FxHashMap<u64, Vec<(Box<str>, V, u32)>>,
    pub(super) round: u32,
}

impl<V> Default for LineMemo<V> {
    fn default() -> LineMemo<V> {
        LineMemo { lines: FxHashMap::default(), round: 0 }
    }
}

impl<V> LineMemo<V> {
    pub fn start(&mut self) {
        self.round = self.round.wrapping_add(1);
    }

    /// The value of a line, computed by `f` when the memo has not met the line.
    pub fn get(&mut self, line: &str, f: impl FnOnce() -> V) -> &V {
        use std::hash::BuildHasher;
        let round = self.round;
        let bucket = self.lines.entry(rustc_hash::FxBuildHasher.hash_one(line)).or_default();
        let i = match bucket.iter().position(|(l, ..)| **l == *line) {
            Some(i) => i,
            None => {
                bucket.push((line.into(), f(), round));
                bucket.len() - 1
            }
        };
        bucket[i].2 = round;
        &bucket[i].1
    }

    pub fn finish(&mut self) {
        let round = self.round;
        self.lines.retain(|_, bucket| {
            bucket.retain(|(.., seen)| *seen == round);
            !bucket.is_empty()
        });
    }
}
