//! What the corpus has learned, kept per file so that it follows the corpus incrementally: a
//! file's change or removal takes its old contribution out of the totals and puts the new one
//! in. The language server's index keeps one; the CLI learns in two passes instead
//! ([`super::Learner`]).
//!
//! A file contributes its tagged observations ([`super::tagged`], or a registry's names) as
//! (surface, label, count) of numbered strings, 12 bytes a distinct pair, and its untagged
//! occurrences as (surface, count), 8 bytes a distinct surface. Untagged occurrences are matched against the gazetteer of
//! every surface, so they are valid only for the set of surfaces they were counted with: when
//! a surface appears in or disappears from the corpus, every file's untagged count is stale
//! until it is counted again, and [`Tally::complete`] is false meanwhile. A caller never
//! answers from an incomplete tally.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Gazetteer, Label, Learner, Observation};

/// Strings numbered in order of arrival; never forgotten (a corpus's surfaces and labels are
/// few next to its text).
#[derive(Default)]
struct Numbered {
    by_text: FxHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Numbered {
    fn number(&mut self, s: &str) -> u32 {
        if let Some(&n) = self.by_text.get(s) {
            return n;
        }
        let n = self.texts.len() as u32;
        self.texts.push(s.into());
        self.by_text.insert(s.into(), n);
        n
    }
}

/// One file's contribution.
#[derive(Default)]
struct FileTally {
    /// (surface, label, observations), numbered; a pair once (tags repeat within an article).
    tagged: Box<[(u32, u32, u32)]>,
    /// (surface, occurrences) found untagged.
    untagged: Box<[(u32, u32)]>,
}

#[derive(Default)]
pub struct Tally {
    surfaces: Numbered,
    labels: Numbered,
    /// The labels of event types, by number.
    events: FxHashSet<u32>,
    files: FxHashMap<u32, FileTally>,
    /// Totals over the files: tagged observations per (surface, label), and how many
    /// (surface, label) pairs each surface has (a surface with none is not an entry).
    tagged: FxHashMap<(u32, u32), u32>,
    labels_of: FxHashMap<u32, u32>,
    untagged: FxHashMap<u32, u32>,
    /// Bumped whenever the set of surfaces changes: untagged counts are valid for one.
    generation: u64,
    /// Files whose untagged occurrences were not counted for the current generation.
    stale: FxHashSet<u32>,
}

impl Tally {
    /// Replaces the tagged observations of `file` (a seed file's tags or a registry's names),
    /// after its text changed.
    pub fn set_tagged(&mut self, file: u32, observations: &[Observation]) {
        let mut pairs: Vec<(u32, u32)> = observations
            .iter()
            .map(|o| {
                let label = self.labels.number(&o.label);
                if o.event {
                    self.events.insert(label);
                }
                (self.surfaces.number(&o.surface), label)
            })
            .collect();
        pairs.sort_unstable();
        let tagged: Box<[(u32, u32, u32)]> = counted(&pairs).map(|((s, l), n)| (s, l, n)).collect();
        let old = std::mem::take(&mut self.files.entry(file).or_default().tagged);
        let mut changed = false;
        for &(s, l, n) in old.iter() {
            changed |= self.count_tagged((s, l), -(n as i64));
        }
        for &(s, l, n) in tagged.iter() {
            changed |= self.count_tagged((s, l), n as i64);
        }
        self.files.get_mut(&file).expect("just added").tagged = tagged;
        if changed {
            self.surfaces_changed();
        } else {
            // Its text changed: its own untagged occurrences are to be counted again.
            self.stale.insert(file);
        }
    }

    /// Adds `by` to a pair's total; whether its surface became or stopped being an entry.
    fn count_tagged(&mut self, pair: (u32, u32), by: i64) -> bool {
        let n = self.tagged.entry(pair).or_default();
        let before = *n;
        *n = (i64::from(*n) + by).max(0) as u32;
        let after = *n;
        if after == 0 {
            self.tagged.remove(&pair);
        }
        let pairs = self.labels_of.entry(pair.0).or_default();
        match (before, after) {
            (0, 1..) => *pairs += 1,
            (1.., 0) => *pairs -= 1,
            _ => return false,
        }
        let entry_changed = (*pairs == 1 && before == 0) || *pairs == 0;
        if *pairs == 0 {
            self.labels_of.remove(&pair.0);
        }
        entry_changed
    }

    fn surfaces_changed(&mut self) {
        self.generation += 1;
        self.stale = self.files.keys().copied().collect();
    }

    /// Replaces the untagged occurrences of `file`, counted by [`Gazetteer::untagged`] with a
    /// gazetteer of this tally; ignored when the gazetteer is of an older generation.
    pub fn set_untagged(&mut self, file: u32, gazetteer: &Gazetteer, entries: &[u32]) {
        if gazetteer.generation != self.generation {
            return;
        }
        let mut surfaces: Vec<u32> = entries.iter().map(|&e| self.surfaces.number(gazetteer.surface(e))).collect();
        surfaces.sort_unstable();
        let untagged: Box<[(u32, u32)]> = counted(&surfaces).collect();
        let slot = self.files.entry(file).or_default();
        let old = std::mem::replace(&mut slot.untagged, untagged);
        self.uncount_untagged(&old);
        for &(s, n) in self.files[&file].untagged.iter() {
            *self.untagged.entry(s).or_default() += n;
        }
        self.stale.remove(&file);
    }

    /// Takes a file's contribution out.
    pub fn remove(&mut self, file: u32) {
        let Some(old) = self.files.remove(&file) else { return };
        self.stale.remove(&file);
        let mut changed = false;
        for &(s, l, n) in old.tagged.iter() {
            changed |= self.count_tagged((s, l), -(n as i64));
        }
        self.uncount_untagged(&old.untagged);
        if changed {
            self.surfaces_changed();
        }
    }

    fn uncount_untagged(&mut self, old: &[(u32, u32)]) {
        for (s, by) in old {
            if let Some(n) = self.untagged.get_mut(s) {
                *n = n.saturating_sub(*by);
                if *n == 0 {
                    self.untagged.remove(s);
                }
            }
        }
    }

    /// Whether every file's untagged occurrences are counted for the current surfaces: only
    /// then may suggestions be made.
    pub fn complete(&self) -> bool {
        self.stale.is_empty()
    }

    /// The files that contribute, in no order.
    pub fn files(&self) -> impl Iterator<Item = u32> + '_ {
        self.files.keys().copied()
    }

    /// The files whose untagged occurrences are to be counted (again), in no order.
    pub fn stale(&self) -> impl Iterator<Item = u32> + '_ {
        self.stale.iter().copied()
    }

    /// The gazetteer of the totals, with the untagged counts counted so far.
    pub fn gazetteer(&self) -> Gazetteer {
        let mut learner = Learner::default();
        for (&(s, l), &n) in &self.tagged {
            let label: Label = self.labels.texts[l as usize].clone();
            if self.events.contains(&l) {
                learner.events.insert(label.clone());
            }
            *learner
                .counts
                .entry(self.surfaces.texts[s as usize].to_string())
                .or_default()
                .entry(label)
                .or_default() += n;
        }
        let mut gazetteer = learner.gazetteer();
        gazetteer.generation = self.generation;
        for e in 0..gazetteer.len() as u32 {
            if let Some(s) = self.surfaces.by_text.get(gazetteer.surface(e)) {
                gazetteer.untagged[e as usize] = self.untagged.get(s).copied().unwrap_or(0);
            }
        }
        gazetteer
    }

    /// Bytes held for the totals and the numbered strings (hash tables at their capacity).
    pub fn total_bytes(&self) -> usize {
        let strings = |n: &Numbered| {
            n.texts.iter().map(|t| 2 * t.len()).sum::<usize>()
                + n.texts.capacity() * 16
                + n.by_text.capacity() * (16 + 4 + 1)
        };
        strings(&self.surfaces)
            + strings(&self.labels)
            + self.tagged.capacity() * (8 + 4 + 1)
            + (self.labels_of.capacity() + self.untagged.capacity()) * (4 + 4 + 1)
            + self.events.capacity() * 5
    }

    /// Bytes held for the files' contributions (the totals and numbered strings aside).
    pub fn file_bytes(&self) -> usize {
        self.files
            .values()
            .map(|f| std::mem::size_of_val(&*f.tagged) + std::mem::size_of_val(&*f.untagged))
            .sum::<usize>()
            + self.files.capacity() * (std::mem::size_of::<u32>() + std::mem::size_of::<FileTally>())
    }
}

/// Runs of equal items of a sorted slice, each with its length.
fn counted<T: Copy + PartialEq>(sorted: &[T]) -> impl Iterator<Item = (T, u32)> + '_ {
    sorted.chunk_by(|a, b| a == b).map(|run| (run[0], run.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::{Cover, Thresholds, tagged};
    use crate::syntax::header::Date;
    use crate::syntax::parse_seed;
    use crate::syntax::schema::Schema;

    const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

    /// Suggestions of every file, as (file, range, label, count, total).
    fn listing(g: &Gazetteer, files: &[(u32, String)]) -> Vec<String> {
        let schema = Schema::builtin();
        let mut out = Vec::new();
        for (f, text) in files {
            let cover = Cover::of(text, &parse_seed(text, TODAY), &schema);
            for s in g.suggest(text, &cover, Thresholds { min_score: 0.0, min_count: 1 }, |_, _, _| false) {
                out.push(format!("{f} {:?} {} {}/{}", s.range, s.label, s.count, s.total));
            }
        }
        out
    }

    /// Learns `files` afresh, as the command line does.
    fn fresh(files: &[(u32, String)]) -> Vec<String> {
        let schema = Schema::builtin();
        let mut learner = Learner::default();
        for (_, text) in files {
            learner.add(tagged(text, &parse_seed(text, TODAY), &schema));
        }
        let mut g = learner.gazetteer();
        for (_, text) in files {
            let found = g.untagged(text, &Cover::of(text, &parse_seed(text, TODAY), &schema));
            g.add_untagged(found);
        }
        listing(&g, files)
    }

    /// Brings the tally's untagged counts up to date, as the index's pass over the texts does.
    fn rescan(tally: &mut Tally, files: &[(u32, String)]) {
        let schema = Schema::builtin();
        let g = tally.gazetteer();
        let stale: FxHashSet<u32> = tally.stale().collect();
        for (f, text) in files.iter().filter(|(f, _)| stale.contains(f)) {
            let found = g.untagged(text, &Cover::of(text, &parse_seed(text, TODAY), &schema));
            tally.set_untagged(*f, &g, &found);
        }
    }

    fn set(tally: &mut Tally, files: &mut Vec<(u32, String)>, f: u32, text: &str) {
        let schema = Schema::builtin();
        tally.set_tagged(f, &tagged(text, &parse_seed(text, TODAY), &schema));
        files.retain(|(g, _)| *g != f);
        files.push((f, text.to_string()));
        files.sort();
    }

    #[test]
    fn changes_and_removals_give_what_a_fresh_learning_gives() {
        let h = " date 2022-01\n\n";
        let texts = [
            format!("{h}[Tokaïev]{{person:kz.tokayev}} et Almaty, [Almaty]{{place:kz.almaty}}.\n"),
            format!("{h}Tokaïev à Almaty. [Des manifestants]{{group}} et des manifestants.\n"),
            format!("{h}Rien ici.\n"),
            format!("{h}[Paris]{{place:fr.paris}} et Tokaïev.\n"),
        ];
        let mut tally = Tally::default();
        let mut files = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            set(&mut tally, &mut files, i as u32, t);
        }
        assert!(!tally.complete());
        rescan(&mut tally, &files);
        assert!(tally.complete());
        assert_eq!(listing(&tally.gazetteer(), &files), fresh(&files));
        // A change that tags a new surface: every file is stale until counted again.
        set(&mut tally, &mut files, 2, &format!("{h}Rien ici, [des manifestants]{{group}}, à Paris.\n"));
        assert!(!tally.complete());
        rescan(&mut tally, &files);
        assert!(tally.complete());
        assert_eq!(listing(&tally.gazetteer(), &files), fresh(&files));
        // A change that adds no surface: only that file is counted again.
        set(&mut tally, &mut files, 1, &format!("{h}Almaty. Almaty, [Tokaïev]{{person:kz.tokayev}}.\n"));
        assert_eq!(tally.stale().collect::<Vec<_>>(), [1]);
        rescan(&mut tally, &files);
        assert_eq!(listing(&tally.gazetteer(), &files), fresh(&files));
        // The only tag of a surface removed: it is no longer an entry.
        tally.remove(3);
        files.retain(|(f, _)| *f != 3);
        assert!(!tally.complete());
        rescan(&mut tally, &files);
        assert_eq!(listing(&tally.gazetteer(), &files), fresh(&files));
        assert!(!listing(&tally.gazetteer(), &files).iter().any(|l| l.contains("fr.paris")));
        // An untagged count made with an outdated gazetteer is refused.
        let old = tally.gazetteer();
        set(&mut tally, &mut files, 5, &format!("{h}[Berlin]{{place:de.berlin}}\n"));
        tally.set_untagged(0, &old, &[]);
        assert!(tally.stale().any(|f| f == 0));
    }
}
