//! The merged registry view: rows by id, folded names and their matcher.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use super::{Corpus, FileId, Sym};

/// A registry row's place: (registry file, entry index).
pub type EntryRef = (FileId, u32);

/// Every registry of the corpus seen as one: rows by id, and names/aliases folded for matching.
#[derive(Default)]
pub struct Entities {
    pub by_id: FxHashMap<Sym, Vec<EntryRef>>,
    /// Folded name or alias → the rows that carry it.
    pub by_alias: FxHashMap<String, Vec<EntryRef>>,
    /// Folded names and aliases, in the order of the matcher's patterns.
    pub patterns: Vec<String>,
    pub(super) matcher: OnceLock<Option<aho_corasick::AhoCorasick>>,
    /// `patterns` loosened (`text::matching::loosen`), computed on first use by the fuzzier matching.
    loose: OnceLock<Vec<String>>,
}

impl Entities {
    pub(super) fn build(corpus: &Corpus) -> Entities {
        let mut e = Entities::default();
        for (file, _, registry) in corpus.registries() {
            for (i, entry) in registry.entries.iter().enumerate() {
                let r = (file, i as u32);
                if let Some(sym) = corpus.sym(&entry.id.text) {
                    e.by_id.entry(sym).or_default().push(r);
                }
                for name in entry.names() {
                    let folded = crate::text::matching::fold(&name.text);
                    if folded.is_empty() {
                        continue;
                    }
                    let rows = e.by_alias.entry(folded).or_default();
                    if !rows.contains(&r) {
                        rows.push(r);
                    }
                }
            }
        }
        e.patterns = e.by_alias.keys().cloned().collect();
        e.patterns.sort();
        e
    }

    /// [`Entities::patterns`] without accents, hyphens or double spaces, in the same order.
    pub fn loose_patterns(&self) -> &[String] {
        self.loose.get_or_init(|| self.patterns.iter().map(|p| crate::text::matching::loosen(p).into_owned()).collect())
    }

    /// Leftmost-longest matcher over folded text for every name and alias.
    pub fn matcher(&self) -> Option<&aho_corasick::AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                if self.patterns.is_empty() {
                    return None;
                }
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&self.patterns)
                    .ok()
            })
            .as_ref()
    }
}

impl Corpus {
    /// Registry rows and aliases of the whole corpus.
    pub fn entities(&self) -> &Entities {
        self.entities.get_or_init(|| Arc::new(Entities::build(self)))
    }
}
