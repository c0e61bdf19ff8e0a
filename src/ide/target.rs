//! What is under the cursor: a mention, a role value, the header, or a registry row.

use crate::corpus::{Content, Corpus, FileId, MentionSummary, SeedSummary, Sym, is_date_shaped};
use crate::syntax::registry::Registry;
use crate::text::TextRange;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Target {
    /// A mention, the cursor on its surface or its tag (but not on a role value that is an id).
    Mention { index: usize, id: Option<(Sym, TextRange)> },
    /// `role=value` with the cursor on an id value.
    RoleValue { mention: usize, id: Sym, range: TextRange },
    /// Line 1 of a seed file.
    Header { range: TextRange },
    /// A registry row; `id` with the range of its id cell.
    RegistryRow { entry: usize, id: Option<(Sym, TextRange)> },
}

impl Target {
    /// The id the target names, with the range where it is written.
    pub fn id(&self) -> Option<(Sym, TextRange)> {
        match *self {
            Target::Mention { id, .. } | Target::RegistryRow { id, .. } => id,
            Target::RoleValue { id, range, .. } => Some((id, range)),
            Target::Header { .. } => None,
        }
    }
}

/// The target at `offset` in `file`. Index-backed: a binary search over the file's mentions or
/// registry rows, never a scan of the corpus.
pub fn target_at(corpus: &Corpus, file: FileId, offset: u32) -> Option<Target> {
    match &corpus.full(file).content {
        Content::Seed(seed) => seed_target(corpus, seed, offset),
        Content::Registry(registry) => registry_target(corpus, registry, offset),
        _ => None,
    }
}

fn seed_target(corpus: &Corpus, seed: &SeedSummary, offset: u32) -> Option<Target> {
    let mentions = seed.mentions.get();
    if let Some(index) = mention_at(&mentions, offset) {
        let m = &mentions[index];
        for arg in m.args.iter() {
            for &(value, range) in arg.values.iter() {
                if range.touches(offset) && !is_date_shaped(corpus.resolve(value)) {
                    return Some(Target::RoleValue { mention: index, id: value, range });
                }
            }
        }
        let id = m.id.zip(id_range(corpus, m));
        return Some(Target::Mention { index, id });
    }
    let header = seed.header?;
    header.touches(offset).then_some(Target::Header { range: header })
}

fn registry_target(corpus: &Corpus, registry: &Registry, offset: u32) -> Option<Target> {
    let entries = &registry.entries;
    let n = entries.partition_point(|e| e.range.start <= offset);
    let entry = n.checked_sub(1)?;
    let e = &entries[entry];
    if !e.range.touches(offset) {
        return None;
    }
    let id = corpus.sym(&e.id.text).map(|s| (s, e.id.range));
    Some(Target::RegistryRow { entry, id })
}

/// The innermost mention containing `offset`, else one ending exactly there (a keyboard cursor
/// just after `}`).
pub fn mention_at(mentions: &[MentionSummary], offset: u32) -> Option<usize> {
    // Mentions are sorted by start and nest without overlapping, so every mention containing
    // `offset` is the last one starting at or before it, or one of its ancestors.
    let mut i = mentions.partition_point(|m| m.range.start <= offset).checked_sub(1)?;
    let mut touching = None;
    loop {
        let m = &mentions[i];
        if m.range.contains(offset) {
            return Some(i);
        }
        if touching.is_none() && m.range.touches(offset) {
            touching = Some(i);
        }
        match m.parent {
            Some(p) if (p as usize) < i => i = p as usize,
            _ => return touching,
        }
    }
}

pub fn type_range(corpus: &Corpus, m: &MentionSummary) -> Option<TextRange> {
    m.ty.map(|t| TextRange::at(m.tag_start(), corpus.resolve(t).len() as u32))
}

pub fn mode_range(corpus: &Corpus, m: &MentionSummary) -> Option<TextRange> {
    let ty = type_range(corpus, m)?;
    m.mode.map(|md| TextRange::at(ty.end + 1, corpus.resolve(md).len() as u32))
}

/// Where the mention's id is written: after `type` and `.mode`, and a `:`.
pub fn id_range(corpus: &Corpus, m: &MentionSummary) -> Option<TextRange> {
    let id = m.id?;
    let head_end = mode_range(corpus, m).or_else(|| type_range(corpus, m))?.end;
    Some(TextRange::at(head_end + 1, corpus.resolve(id).len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::Date;

    #[test]
    fn innermost_mention_role_values_header_and_cursor_after_the_tag() {
        let text = " date 2022-01-05 https://example.org/a\n\n[[Tokaïev]{person:kz.tokayev} a limogé]{concede actor=kz.tokayev when=2022-01} x [sic]\n";
        let mut corpus = Corpus::new(Vec::new(), Date { year: 2024, month: 6, day: Some(15) });
        let file = corpus.set_text(std::path::Path::new("/ws/a.txt"), text.as_bytes()).unwrap();
        let at = |needle: &str, delta: usize| target_at(&corpus, file, (text.find(needle).unwrap() + delta) as u32);
        let tokayev = corpus.sym("kz.tokayev").unwrap();
        let inner_id = TextRange::at(text.find("kz.tokayev").unwrap() as u32, 10);
        // On the inner surface and on the inner id: the inner mention, with its id range.
        assert_eq!(at("Tokaïev]", 0), Some(Target::Mention { index: 1, id: Some((tokayev, inner_id)) }));
        assert_eq!(at("kz.tokayev}", 3), Some(Target::Mention { index: 1, id: Some((tokayev, inner_id)) }));
        // Just after the inner `}` but inside the outer mention: the outer one.
        assert_eq!(at(" a limogé", 0), Some(Target::Mention { index: 0, id: None }));
        // Just after a top-level `}` (a keyboard cursor at the end of it): that mention.
        assert_eq!(at(" x [sic]", 0), Some(Target::Mention { index: 0, id: None }));
        // On the outer surface and the event's type: the outer mention, which has no id.
        assert_eq!(at("concede", 2), Some(Target::Mention { index: 0, id: None }));
        // An id role value is its own target; a date value is part of the event.
        let value = TextRange::at(text.find("actor=").unwrap() as u32 + 6, 10);
        assert_eq!(at("actor=", 8), Some(Target::RoleValue { mention: 0, id: tokayev, range: value }));
        assert_eq!(at("2022-01}", 2), Some(Target::Mention { index: 0, id: None }));
        // Prose brackets and plain text are nothing; the header is the header.
        assert_eq!(at("sic", 0), None);
        assert_eq!(at(" x [", 1), None);
        assert_eq!(at(" x [", 2), None);
        assert!(matches!(at("2022-01-05", 0), Some(Target::Header { .. })));
    }
}
