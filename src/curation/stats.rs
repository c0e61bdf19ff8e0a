//! `seedls stats`: counts over a corpus, accumulated per file and merged (in parallel).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::Article;
use crate::syntax::SeedFile;
use crate::syntax::header::Date;
use crate::syntax::schema::{Class, Schema};
use crate::text::TextRange;

/// Uses of one id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdCount {
    /// The type of its first mention.
    pub ty: String,
    pub event: bool,
    pub mentions: usize,
    pub articles: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub articles: usize,
    pub undated: usize,
    pub first: Option<Date>,
    pub last: Option<Date>,
    pub mentions: usize,
    /// Mentions tagged with an id.
    pub with_id: usize,
    pub by_type: BTreeMap<String, usize>,
    pub ids: FxHashMap<String, IdCount>,
    /// Occurrences of registered names and aliases inside an entity mention's surface.
    pub tagged_aliases: usize,
    /// Occurrences A011 reports: in prose, outside every mention and its markup.
    pub untagged_aliases: usize,
}

impl Stats {
    /// The counts of one article; `aliases` is its (tagged, untagged) alias occurrences.
    pub fn of(article: &Article, aliases: (usize, usize)) -> Stats {
        let mut s = Stats {
            articles: 1,
            undated: article.date.is_none() as usize,
            first: article.date,
            last: article.date,
            mentions: article.spans.len(),
            tagged_aliases: aliases.0,
            untagged_aliases: aliases.1,
            ..Stats::default()
        };
        for span in &article.spans {
            *s.by_type.entry(span.ty.clone()).or_default() += 1;
            if let Some(id) = &span.id {
                s.with_id += 1;
                let c = s.ids.entry(id.clone()).or_insert_with(|| IdCount {
                    ty: span.ty.clone(),
                    event: span.is_event(),
                    articles: 1,
                    ..IdCount::default()
                });
                c.mentions += 1;
            }
        }
        s
    }

    pub fn merge(mut self, other: Stats) -> Stats {
        self.articles += other.articles;
        self.undated += other.undated;
        self.first = match (self.first, other.first) {
            (Some(a), Some(b)) => Some(if b.sort_key() < a.sort_key() { b } else { a }),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, other.last) {
            (Some(a), Some(b)) => Some(if b.sort_key() > a.sort_key() { b } else { a }),
            (a, b) => a.or(b),
        };
        self.mentions += other.mentions;
        self.with_id += other.with_id;
        for (ty, n) in other.by_type {
            *self.by_type.entry(ty).or_default() += n;
        }
        // Merge the smaller map into the larger.
        let (mut big, small) =
            if self.ids.len() >= other.ids.len() { (self.ids, other.ids) } else { (other.ids, self.ids) };
        for (id, c) in small {
            let e = big.entry(id).or_insert_with(|| IdCount { mentions: 0, articles: 0, ..c.clone() });
            e.mentions += c.mentions;
            e.articles += c.articles;
        }
        self.ids = big;
        self.tagged_aliases += other.tagged_aliases;
        self.untagged_aliases += other.untagged_aliases;
        self
    }

    /// The `n` most mentioned ids of events (`true`) or entities, most mentioned first.
    pub fn top(&self, events: bool, n: usize) -> Vec<(&str, &IdCount)> {
        let mut v: Vec<(&str, &IdCount)> =
            self.ids.iter().filter(|(_, c)| c.event == events).map(|(id, c)| (id.as_str(), c)).collect();
        v.sort_by(|a, b| b.1.mentions.cmp(&a.1.mentions).then(b.1.articles.cmp(&a.1.articles)).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    /// Share of alias occurrences that are tagged; `None` without any.
    pub fn alias_coverage(&self) -> Option<f64> {
        let total = self.tagged_aliases + self.untagged_aliases;
        (total > 0).then(|| self.tagged_aliases as f64 / total as f64)
    }
}

/// (tagged, untagged) occurrences of registered names and aliases in one annotated file.
/// Untagged ones are exactly what A011 reports: whole words outside entity mentions, tag
/// markup and the header. Tagged ones lie inside an entity mention's surface.
pub fn alias_coverage(
    matcher: &aho_corasick::AhoCorasick,
    text: &str,
    parse: &SeedFile,
    schema: &Schema,
) -> (usize, usize) {
    let mentions = &parse.annotations.mentions;
    let is_entity = |m: &crate::syntax::annotation::Mention| {
        m.head.and_then(|h| schema.get(&text[h.ty])).is_none_or(|d| d.class == Class::Entity)
    };
    // As in `analysis::untagged_aliases`: entity mentions whole, event tags, every `[`, and
    // the header up to any legacy body text.
    let mut covered: Vec<TextRange> = Vec::with_capacity(mentions.len() * 2 + 1);
    if let Some(h) = &parse.header {
        covered.push(TextRange::new(0, h.body.map_or(h.range.end, |b| b.start)));
    }
    let mut surfaces: Vec<TextRange> = Vec::new();
    for m in mentions {
        if is_entity(m) {
            covered.push(m.range);
            surfaces.push(m.surface);
        } else {
            covered.push(m.tag_markup());
        }
        covered.push(TextRange::at(m.range.start, 1));
    }
    let covered = TextRange::joined(covered);
    // Nested surfaces merge into the outermost: inside one of them is inside the union.
    let surfaces = TextRange::joined(surfaces);
    let within = |ranges: &[TextRange], range: TextRange, test: fn(TextRange, TextRange) -> bool| {
        let i = ranges.partition_point(|c| c.end <= range.start);
        ranges[i..].iter().take_while(|c| c.start < range.end).any(|&c| test(c, range))
    };
    let (mut tagged, mut untagged) = (0, 0);
    for (range, _) in crate::analysis::alias_occurrences(matcher, text) {
        if !within(&covered, range, TextRange::intersects) {
            untagged += 1;
        } else if within(&surfaces, range, TextRange::contains_range) {
            tagged += 1;
        }
    }
    (tagged, untagged)
}
