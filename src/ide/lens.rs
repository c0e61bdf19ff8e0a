//! Code lens on registry rows: how much the corpus uses each id ("3 mentions · 2 articles").
//! Lenses are listed cheaply (one per row); the counts are computed when a lens is resolved,
//! so a registry of thousands of rows costs only the rows on screen.

use crate::corpus::{Corpus, FileId, OccurrenceKind, Sym};
use crate::ide::navigation::{Reference, references};
use crate::text::TextRange;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Lens {
    /// The id cell of the row.
    pub range: TextRange,
    pub id: String,
}

/// One lens per registry row of `file`.
pub fn registry_lenses(corpus: &Corpus, file: FileId) -> Vec<Lens> {
    let Some(registry) = corpus.file(file).registry() else { return Vec::new() };
    registry.entries.iter().map(|e| Lens { range: e.id.range, id: e.id.text.clone() }).collect()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Usage {
    /// `[…]{type:id}`
    pub mentions: usize,
    /// `role=id`
    pub roles: usize,
    /// Seed files with either.
    pub articles: usize,
}

impl Usage {
    /// "3 mentions · 2 articles", and the role uses when there are any.
    pub fn title(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut title = format!(
            "{} · {}",
            plural(self.mentions, "mention", "mentions"),
            plural(self.articles, "article", "articles")
        );
        if self.roles > 0 {
            title.push_str(&format!(" · {}", plural(self.roles, "role use", "role uses")));
        }
        title
    }
}

/// How the corpus uses an id: one pass over its occurrences (sorted by file, so articles are
/// counted without a set).
pub fn usage(corpus: &Corpus, id: &str) -> Usage {
    let Some(sym) = corpus.sym(id) else { return Usage::default() };
    usage_of(corpus, sym)
}

fn usage_of(corpus: &Corpus, sym: Sym) -> Usage {
    let mut u = Usage::default();
    let mut last_file = None;
    for o in corpus.occurrences(sym) {
        match o.kind() {
            OccurrenceKind::Mention => u.mentions += 1,
            OccurrenceKind::RoleValue => u.roles += 1,
            OccurrenceKind::RegistryRow => continue,
        }
        if last_file != Some(o.file) {
            u.articles += 1;
            last_file = Some(o.file);
        }
    }
    u
}

/// Every mention and role use of the id of the lens at `offset` in the registry `file`, as
/// find-references lists them.
pub fn lens_references(corpus: &Corpus, file: FileId, offset: u32) -> Vec<Reference> {
    references(corpus, file, offset, false).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::Date;
    use std::path::Path;

    #[test]
    fn counts_mentions_roles_and_articles() {
        let mut corpus = Corpus::new(Vec::new(), Date { year: 2024, month: 6, day: Some(15) });
        let registry = "id\ttype\tname\nkz.a\tperson\tA\nkz.b\tplace\tB\nkz.unused\tplace\tU\n";
        let reg = corpus.set_text(Path::new("/ws/entities.tsv"), registry.as_bytes()).unwrap();
        corpus.set_text(Path::new("/ws/1.txt"), b" date 2022-01\n\n[a]{person:kz.a} [a]{person:kz.a}\n");
        corpus.set_text(Path::new("/ws/2.txt"), b" date 2022-01\n\n[a]{person:kz.a} [x]{protest where=kz.b}\n");
        let lenses = registry_lenses(&corpus, reg);
        let titles: Vec<String> = lenses.iter().map(|l| usage(&corpus, &l.id).title()).collect();
        assert_eq!(
            titles,
            ["3 mentions · 2 articles", "0 mentions · 1 article · 1 role use", "0 mentions · 0 articles"]
        );
        let refs = lens_references(&corpus, reg, lenses[0].range.start);
        assert_eq!(refs.len(), 3);
        assert!(refs.iter().all(|r| r.kind == OccurrenceKind::Mention));
    }
}
