//! Which ids a piece of text may stand for: registry names and aliases ranked by how well they
//! match it (completion after `]{`, "Tag selection as …"). Matching is case-, normalisation-
//! and apostrophe-insensitive ([`fold`]), and from the second tier on, accent-insensitive too.

use std::borrow::Cow;
use std::cmp::Reverse;

use crate::corpus::{Corpus, FileId, Sym};
use crate::syntax::annotation::strip;
use crate::text::matching::{fold, loosen};

/// How well a name matches, best first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Tier {
    /// Equal once folded.
    Exact,
    /// Equal but for accents, hyphens and spacing (`Tokaiev`, `Alma Ata`).
    Accents,
    /// The name starts with the text (`Kassym` → «Kassym-Jomart Tokaïev»).
    Prefix,
    /// One contains the other as whole words (`le président kazakh` ⊃ «président kazakh»).
    Substring,
    /// A few typos apart (`Tokayev` ~ «Tokaïev»).
    Fuzzy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdMatch {
    pub id: Sym,
    /// The registry row's type, or the type the matching mention was tagged with.
    pub ty: Option<Sym>,
    pub tier: Tier,
    /// The registry name or alias that matched, as written; `None` when the match is a mention
    /// of the same article tagged with this id.
    pub matched: Option<String>,
}

/// Ids `surface` may stand for, best first, one entry per id. `text` is the current text of
/// `file`: with it, mentions of this article with the same surface count as exact matches
/// (what the curator already decided here), registered or not.
pub fn match_surface(corpus: &Corpus, file: FileId, text: Option<&str>, surface: &str) -> Vec<IdMatch> {
    let plain = if surface.contains(['[', '\\']) { Cow::Owned(strip(surface)) } else { Cow::Borrowed(surface) };
    let needle = fold(plain.trim());
    if needle.is_empty() {
        return Vec::new();
    }
    let loose_needle = loosen(&needle);
    // (match, source rank: 0 this article, 1 registry name, 2 alias)
    let mut found: Vec<(IdMatch, u8)> = Vec::new();
    let data = corpus.full(file);
    if let (Some(text), Some(seed)) = (text, data.seed()) {
        for m in seed.mentions.get().iter() {
            let Some(id) = m.id else { continue };
            let Some(other) = text.get(m.surface.to_usize()) else { continue };
            // Cheap length check first: folding never changes a length by a factor of two.
            if other.len() > 2 * surface.len() + 8 || surface.len() > 2 * other.len() + 8 {
                continue;
            }
            let other = if other.contains(['[', '\\']) { Cow::Owned(strip(other)) } else { Cow::Borrowed(other) };
            let other = fold(other.trim());
            let tier = if other == needle {
                Tier::Exact
            } else if loosen(&other) == loose_needle {
                Tier::Accents
            } else {
                continue;
            };
            found.push((IdMatch { id, ty: m.ty, tier, matched: None }, 0));
        }
    }
    let entities = corpus.entities();
    for (pattern, loose) in entities.patterns.iter().zip(entities.loose_patterns()) {
        let Some(tier) = tier(&needle, &loose_needle, pattern, loose) else { continue };
        for &(reg, i) in entities.by_alias.get(pattern).into_iter().flatten() {
            let Some(entry) = corpus.file(reg).registry().and_then(|r| r.entries.get(i as usize)) else { continue };
            let Some(id) = corpus.sym(&entry.id.text) else { continue };
            let is_name = fold(&entry.name.text) == *pattern;
            let written = entry.names().find(|n| fold(&n.text) == *pattern).map(|n| n.text.clone());
            let ty = corpus.sym(&entry.ty.text);
            found.push((IdMatch { id, ty, tier, matched: written }, if is_name { 1 } else { 2 }));
        }
    }
    found.sort_by_cached_key(|(m, rank)| (m.tier, *rank, Reverse(usage(corpus, m.id)), corpus.resolve(m.id)));
    let mut seen = rustc_hash::FxHashSet::default();
    found.into_iter().filter(|(m, _)| seen.insert(m.id)).map(|(m, _)| m).collect()
}

/// How many times an id is used in seed files (mentions and role values): its occurrences
/// but its registry rows, without walking the thousands an id may have.
pub fn usage(corpus: &Corpus, id: Sym) -> usize {
    let rows = corpus.entities().by_id.get(&id).map_or(0, Vec::len);
    corpus.occurrences(id).len().saturating_sub(rows)
}

/// The tier of `pattern` (folded) and `lp` (loosened) for the folded and loosened text.
fn tier(needle: &str, loose_needle: &str, pattern: &str, lp: &str) -> Option<Tier> {
    if pattern == needle {
        return Some(Tier::Exact);
    }
    if lp == loose_needle {
        return Some(Tier::Accents);
    }
    if loose_needle.len() >= 3 && lp.starts_with(loose_needle) {
        return Some(Tier::Prefix);
    }
    if contains_word(lp, loose_needle) || contains_word(loose_needle, lp) {
        return Some(Tier::Substring);
    }
    // A typo per four characters, among names of about the same length.
    let n = loose_needle.chars().count();
    let limit = n / 4;
    if limit > 0 && lp.chars().count().abs_diff(n) <= limit && strsim::levenshtein(lp, loose_needle) <= limit {
        return Some(Tier::Fuzzy);
    }
    None
}

/// `needle` (at least three bytes) occurs in `hay` between word boundaries.
fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.len() < 3 || needle.len() >= hay.len() {
        return false;
    }
    hay.match_indices(needle).any(|(at, _)| {
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    fn render(fixture: &str, surface: &str) -> String {
        let f = Fixture::parse(fixture);
        let file = f.file("a.txt");
        let text = f.text("a.txt");
        match_surface(&f.corpus, file, Some(text), surface)
            .iter()
            .map(|m| {
                let ty = m.ty.map_or("?", |t| f.corpus.resolve(t));
                let via = m.matched.as_deref().unwrap_or("(this article)");
                format!("{:?} {}:{} via {via}\n", m.tier, ty, f.corpus.resolve(m.id))
            })
            .collect()
    }

    const CORPUS: &str = r#"
//- entities.tsv
id\ttype\tname\taliases
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh
kz.almaty\tplace\tAlmaty\tAlma-Ata
kz.gov\tgov\tGouvernement du Kazakhstan\tgouvernement kazakh
kz.tokaev-fan\tgroup\tTokaev fans\t
//- a.txt
 date 2022-01-05 https://example.org/a

Le [chef]{person:adhoc.chef} et [TOKAÏEV]{person:kz.tokayev}.
"#;

    #[test]
    fn tiers_rank_names_aliases_and_this_articles_mentions() {
        expect_test::expect![[r#"
            Exact person:kz.tokayev via (this article)
        "#]]
        .assert_eq(&render(CORPUS, "tokaïev"));
        // Without the accent: the looser tier (the article's own mention comes first).
        expect_test::expect![[r#"
            Accents person:kz.tokayev via (this article)
        "#]]
        .assert_eq(&render(CORPUS, "Tokaiev"));
        // A prefix beats a typo.
        expect_test::expect![[r#"
            Prefix group:kz.tokaev-fan via Tokaev fans
            Fuzzy person:kz.tokayev via Tokaïev
        "#]]
        .assert_eq(&render(CORPUS, "Tokaev"));
        expect_test::expect![[r#"
            Exact place:kz.almaty via Alma-Ata
        "#]]
        .assert_eq(&render(CORPUS, "ALMA-ATA"));
        expect_test::expect![[r#"
            Accents place:kz.almaty via Alma-Ata
        "#]]
        .assert_eq(&render(CORPUS, "alma ata"));
        expect_test::expect![[r#"
            Substring person:kz.tokayev via président kazakh
        "#]]
        .assert_eq(&render(CORPUS, "le Président Kazakh"));
        expect_test::expect![[r#"
            Fuzzy place:kz.almaty via Almaty
        "#]]
        .assert_eq(&render(CORPUS, "Almati"));
        // Markup of nested mentions is not part of the surface.
        expect_test::expect![[r#"
            Exact person:adhoc.chef via (this article)
        "#]]
        .assert_eq(&render(CORPUS, "[Chef]{person:x}"));
        assert_eq!(render(CORPUS, "  "), "");
        assert_eq!(render(CORPUS, "al"), "");
    }
}
