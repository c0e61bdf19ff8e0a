//! Per-id answers computed from all of an id's occurrences (hover, declaration), cached.

use std::sync::Arc;

use rayon::prelude::*;

use super::{Corpus, FileId, Occurrence, OccurrenceKind, Recover, Sym};

/// How many first articles [`Usage`] keeps.
pub const FIRST_ARTICLES: usize = 5;

/// What hover and declaration need from all of an id's occurrences.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage {
    pub mentions: usize,
    pub roles: usize,
    /// Distinct files that tag the id or use it in a role.
    pub files: usize,
    /// The first [`FIRST_ARTICLES`] of those files by [`Corpus::article_cmp`].
    pub first_files: Vec<FileId>,
    /// The earliest tagged mention (else role use) by article, then offset.
    pub first: Option<Occurrence>,
}

impl Corpus {
    /// Counts and firsts of an id's uses, from the cache when no file holding it changed.
    pub fn usage(&self, id: Sym) -> Arc<Usage> {
        if let Some(hit) = self.usage.lock().recover().get(&id) {
            return hit.clone();
        }
        let occurrences = self.occurrences(id);
        let count = |kind| occurrences.iter().filter(|o| o.kind() == kind).count();
        // Occurrences are sorted by file: distinct files are consecutive.
        let mut files: Vec<FileId> =
            occurrences.iter().filter(|o| o.kind() != OccurrenceKind::RegistryRow).map(|o| o.file).collect();
        files.dedup();
        let total = files.len();
        let shown = FIRST_ARTICLES.min(files.len());
        let order = |a: &FileId, b: &FileId| self.article_cmp(*a, *b);
        if files.len() > shown {
            files.select_nth_unstable_by(shown, order);
        }
        files.truncate(shown);
        // Kept for every warmed id: not with the capacity of all its files.
        files.shrink_to_fit();
        files.sort_by(order);
        let earliest = |kind: OccurrenceKind| {
            occurrences
                .iter()
                .filter(|o| o.kind() == kind)
                .min_by(|a, b| self.article_cmp(a.file, b.file).then(a.start.cmp(&b.start)))
                .copied()
        };
        let usage = Arc::new(Usage {
            mentions: count(OccurrenceKind::Mention),
            roles: count(OccurrenceKind::RoleValue),
            files: total,
            first_files: files,
            first: earliest(OccurrenceKind::Mention).or_else(|| earliest(OccurrenceKind::RoleValue)),
        });
        self.usage.lock().recover().insert(id, usage.clone());
        usage
    }

    /// Builds ahead what the first requests would build while the user waits: the registry
    /// view with its name matcher, and the usage of every id with at least `popular` uses (the
    /// most used first), in parallel.
    pub fn warm(&self, popular: usize) {
        let entities = self.entities();
        let mut ids: Vec<(usize, Sym)> =
            self.ids().filter(|(_, occs)| occs.len() >= popular).map(|(id, occs)| (occs.len(), id)).collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        rayon::join(
            || {
                entities.matcher();
            },
            || ids.par_iter().for_each(|&(_, id)| drop(self.usage(id))),
        );
    }

    /// Whether the usage of an id is computed and kept.
    #[cfg(test)]
    pub(super) fn has_usage(&self, id: Sym) -> bool {
        self.usage.lock().recover().contains_key(&id)
    }
}
