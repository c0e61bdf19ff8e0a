//! Suggestions learned from the corpus (SPEC §12): every surface tagged anywhere and every
//! registry name or alias is a gazetteer entry; untagged text matching an entry (longest match,
//! on word boundaries, folded without case or accents) is suggested the label most often given
//! to that surface, scored by its relative frequency among the surface's observations, where an
//! untagged occurrence counts as an observation of "no tag".
//!
//! Pure: texts and parses in, counts and suggestions out. Learning is in three steps, each
//! per file so that callers run them in parallel and merge: [`tagged`] (what a file's tags
//! teach), [`Learner`] (tagged observations and registry names merged into a [`Gazetteer`]),
//! [`Gazetteer::untagged`] (what a file leaves untagged, once the gazetteer is known). Then
//! [`Gazetteer::suggest`] gives a file's suggestions.
//!
//! A label is a tag without its arguments, as written between the braces: `type:id` or `type`
//! for an entity, `type.mode` or `type` for an event.

pub mod evaluate;
pub mod rejected;
pub mod tally;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::syntax::SeedFile;
use crate::syntax::annotation::strip;
use crate::syntax::schema::{Class, Schema};
use crate::text::TextRange;
use crate::text::matching::{Accents, fold_with};

pub use rejected::Rejections;
pub use tally::Tally;

/// A tag without its arguments: `type:id`, `type`, `type.mode`.
pub type Label = Box<str>;

/// The type a label tags: `person` of `person:kz.tokayev`, `protest` of `protest.demo`.
pub fn label_type(label: &str) -> &str {
    label.split([':', '.']).next().unwrap_or(label)
}

/// What is suggested: thresholds a suggestion must reach.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Least relative frequency of the best label (SPEC default 0.5).
    pub min_score: f64,
    /// Least number of observations of the surface, tagged or not (SPEC default 2).
    pub min_count: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds { min_score: 0.5, min_count: 2 }
    }
}

/// `s` folded as matching compares it: lower case, apostrophes as `'`, accents left out
/// (completion's accent-insensitive tier), each character on its own.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_with(s, Accents::Drop, &mut |c| out.push(c));
    out
}

/// [`fold`] of a whole text with the original byte offset of every folded byte (and the
/// text's length at the end), so that matches map back. Without accents a text's folding is
/// its characters' put end to end, so one character at a time is exact.
fn fold_with_offsets(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        let before = out.len();
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            fold_with(c.encode_utf8(&mut [0; 4]), Accents::Drop, &mut |f| out.push(f));
        }
        map.extend(std::iter::repeat_n(at as u32, out.len() - before));
    }
    map.push(text.len() as u32);
    (out, map)
}

/// The label of a mention's head in `text`, with its class; `None` for a type the schema does
/// not know (A004 says so; nothing is learned from it).
fn label_of(text: &str, head: &crate::syntax::annotation::Head, schema: &Schema) -> Option<(Label, Class)> {
    let ty = &text[head.ty];
    let class = schema.get(ty)?.class;
    let label = match class {
        Class::Entity => match head.id {
            Some(id) => format!("{ty}:{}", &text[id]),
            None => ty.to_string(),
        },
        Class::Event => match head.mode {
            Some(mode) => format!("{ty}.{}", &text[mode]),
            None => ty.to_string(),
        },
    };
    Some((label.into_boxed_str(), class))
}

/// Whether a surface can be an entry: one with a letter or digit (a tagged `«` or `-` would
/// match between any two words).
fn is_word(surface: &str) -> bool {
    surface.chars().any(char::is_alphanumeric)
}

/// A surface tagged with a label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Folded ([`fold`]).
    pub surface: String,
    pub label: Label,
    /// Whether the label's type is an event type.
    pub event: bool,
}

/// What one file's tags teach: (folded surface, label) for every mention whose type the schema
/// knows, its surface without the markup nested in it.
pub fn tagged(text: &str, parse: &SeedFile, schema: &Schema) -> Vec<Observation> {
    let mut out = Vec::new();
    for m in &parse.annotations.mentions {
        let Some((label, class)) = m.head.and_then(|h| label_of(text, &h, schema)) else { continue };
        let surface = &text[m.surface];
        let plain = if surface.contains(['[', '\\']) { strip(surface) } else { surface.to_string() };
        let folded = fold(plain.trim());
        if is_word(&folded) {
            out.push(Observation { surface: folded, label, event: class == Class::Event });
        }
    }
    out
}

/// Every name and alias of a registry as one observation of its `type:id` (a name written
/// twice in one row, folded alike, counts once).
pub fn registry_observations(registry: &crate::syntax::registry::Registry) -> Vec<Observation> {
    let mut out = Vec::new();
    for entry in &registry.entries {
        let label: Label = format!("{}:{}", entry.ty.text, entry.id.text).into_boxed_str();
        let from = out.len();
        for name in entry.names() {
            let surface = fold(name.text.trim());
            if is_word(&surface) && !out[from..].iter().any(|o: &Observation| o.surface == surface) {
                out.push(Observation { surface, label: label.clone(), event: false });
            }
        }
    }
    out
}

/// Tagged observations and registry names, merged: the gazetteer's entries and their counts.
#[derive(Default)]
pub struct Learner {
    counts: FxHashMap<String, FxHashMap<Label, u32>>,
    /// The labels of event types.
    events: FxHashSet<Label>,
}

impl Learner {
    /// Adds the observations of [`tagged`].
    pub fn add(&mut self, observations: impl IntoIterator<Item = Observation>) {
        for o in observations {
            if o.event && !self.events.contains(&o.label) {
                self.events.insert(o.label.clone());
            }
            *self.counts.entry(o.surface).or_default().entry(o.label).or_default() += 1;
        }
    }

    /// Both learners' observations.
    pub fn merge(mut self, other: Learner) -> Learner {
        if self.counts.len() < other.counts.len() {
            return other.merge(self);
        }
        self.events.extend(other.events);
        for (surface, labels) in other.counts {
            let mine = self.counts.entry(surface).or_default();
            for (label, n) in labels {
                *mine.entry(label).or_default() += n;
            }
        }
        self
    }

    /// Every registry name and alias as one observation of its `type:id` (a name written twice
    /// in one row, folded alike, counts once).
    pub fn add_registry(&mut self, registry: &crate::syntax::registry::Registry) {
        self.add(registry_observations(registry));
    }

    /// The entries, in surface order, with their labels best first; no untagged count yet.
    pub fn gazetteer(self) -> Gazetteer {
        let mut entries: Vec<(String, FxHashMap<Label, u32>)> = self.counts.into_iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut surfaces = Vec::with_capacity(entries.len());
        let mut labels = Vec::with_capacity(entries.len());
        let mut event = Vec::with_capacity(entries.len());
        for (surface, counts) in entries {
            let mut counts: Vec<(Label, u32)> = counts.into_iter().collect();
            counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            event.push(self.events.contains(&counts[0].0));
            surfaces.push(surface);
            labels.push(counts);
        }
        // A DFA finds overlapping matches several times faster than the default NFA; past its
        // size limit (a very large gazetteer) the builder's own choice.
        let build = |kind| AhoCorasick::builder().match_kind(MatchKind::Standard).kind(kind).build(&surfaces).ok();
        let matcher =
            (!surfaces.is_empty()).then(|| build(Some(AhoCorasickKind::DFA)).or_else(|| build(None))).flatten();
        let untagged = vec![0; surfaces.len()];
        Gazetteer { surfaces, labels, event, events: self.events, untagged, matcher, generation: 0 }
    }
}

/// The learned entries: folded surfaces, the labels each was given with their counts, and how
/// often each is left untagged.
pub struct Gazetteer {
    surfaces: Vec<String>,
    /// Per surface, (label, count) best first, ties by label.
    labels: Vec<Vec<(Label, u32)>>,
    /// Per surface, whether its best label is an event's: inside an event's surface it is
    /// tagged already.
    event: Vec<bool>,
    /// The labels of event types.
    events: FxHashSet<Label>,
    /// Per surface, its untagged occurrences in the corpus.
    untagged: Vec<u32>,
    matcher: Option<AhoCorasick>,
    /// The [`tally::Tally`] generation it was made from (its untagged counts hold for it).
    generation: u64,
}

/// The best label of an untagged span, with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// Byte range in the text given.
    pub range: TextRange,
    /// Index of the surface in the gazetteer.
    pub entry: u32,
    pub label: Label,
    /// Observations of the label for this surface.
    pub count: u32,
    /// Observations of the surface: tagged with any label, or untagged.
    pub total: u32,
    pub score: f64,
}

/// Which ranges of a text already carry a tag, or markup, where nothing is suggested.
pub struct Cover {
    /// Sorted, merged: entity mentions whole, event tags, every `[`, the header.
    blocked: Vec<TextRange>,
    /// Event surfaces, sorted: an event's own surface is tagged already.
    events: Vec<TextRange>,
    /// Their union (sorted, merged): for an event entry, any text inside an event is tagged.
    in_events: Vec<TextRange>,
    /// Where prose starts: nothing before it is matched.
    from: u32,
}

impl Cover {
    /// Nothing covered: a plain text (markup stripped) from offset `from` on.
    pub fn plain(from: u32) -> Cover {
        Cover { blocked: Vec::new(), events: Vec::new(), in_events: Vec::new(), from }
    }

    /// An annotated file's tags: as A011 sees them, entity mentions whole (nothing inside an
    /// entity is suggested), events' tag markup and `[` (a span inside an event's surface may
    /// be, if it is not that surface), the header up to any legacy body text. Mentions of types
    /// the schema does not know count as entities.
    pub fn of(text: &str, parse: &SeedFile, schema: &Schema) -> Cover {
        let mentions = &parse.annotations.mentions;
        let mut blocked = Vec::with_capacity(mentions.len() * 2);
        let mut events = Vec::new();
        for m in mentions {
            let event = m.head.and_then(|h| schema.get(&text[h.ty])).is_some_and(|d| d.class == Class::Event);
            if event {
                blocked.push(m.tag_markup());
                events.push(m.surface);
            } else {
                blocked.push(m.range);
            }
            blocked.push(TextRange::at(m.range.start, 1));
        }
        events.sort_unstable();
        let in_events = TextRange::joined(events.clone());
        Cover {
            blocked: TextRange::joined(blocked),
            events,
            in_events,
            from: crate::syntax::body_start(parse.header.as_ref()),
        }
    }

    /// Whether `range` is tagged already, or markup, for an entry whose best label is an event
    /// (`event`) or an entity.
    fn covers(&self, range: TextRange, event: bool) -> bool {
        let meets = |ranges: &[TextRange]| {
            let i = ranges.partition_point(|c| c.end <= range.start);
            ranges[i..].iter().take_while(|c| c.start < range.end).any(|c| c.intersects(range))
        };
        range.start < self.from
            || meets(&self.blocked)
            || if event { meets(&self.in_events) } else { self.events.binary_search(&range).is_ok() }
    }
}

impl Gazetteer {
    pub fn len(&self) -> usize {
        self.surfaces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.surfaces.is_empty()
    }

    /// The folded surface of entry `entry`.
    pub fn surface(&self, entry: u32) -> &str {
        &self.surfaces[entry as usize]
    }

    /// The labels of entry `entry`, best first, and its untagged occurrences.
    pub fn candidates(&self, entry: u32) -> (&[(Label, u32)], u32) {
        (&self.labels[entry as usize], self.untagged[entry as usize])
    }

    /// The entries of `text` outside `cover`, as (range, entry) in text order: of the whole
    /// words the folded text matches outside the cover, the leftmost longest, then the next
    /// after it. Covered matches are left out before choosing, so that a name inside an
    /// event's tagged surface (itself an entry) is still found.
    pub fn matches(&self, text: &str, cover: &Cover) -> Vec<(TextRange, u32)> {
        let Some(matcher) = &self.matcher else { return Vec::new() };
        let from = (cover.from as usize).min(text.len());
        let (folded, map) = fold_with_offsets(&text[from..]);
        let mut found: Vec<(TextRange, u32)> = Vec::new();
        for hit in matcher.find_overlapping_iter(&folded) {
            let range = TextRange::new(map[hit.start()], map[hit.end()]).shift(from as u32);
            let before = text[..range.start as usize].chars().next_back();
            let after = text[range.end as usize..].chars().next();
            let whole_words = !(before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric));
            let entry = hit.pattern().as_usize();
            if whole_words && !range.is_empty() && !cover.covers(range, self.event[entry]) {
                found.push((range, entry as u32));
            }
        }
        found.sort_unstable_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        let mut out: Vec<(TextRange, u32)> = Vec::with_capacity(found.len());
        for (range, entry) in found {
            if out.last().is_none_or(|(last, _)| range.start >= last.end) {
                out.push((range, entry));
            }
        }
        out
    }

    /// A file's untagged occurrences, per entry: what [`Gazetteer::add_untagged`] merges.
    pub fn untagged(&self, text: &str, cover: &Cover) -> Vec<u32> {
        self.matches(text, cover).into_iter().map(|(_, entry)| entry).collect()
    }

    /// Counts the untagged occurrences [`Gazetteer::untagged`] found in a file.
    pub fn add_untagged(&mut self, entries: impl IntoIterator<Item = u32>) {
        for e in entries {
            self.untagged[e as usize] += 1;
        }
    }

    /// The best label of entry `entry` not in `rejected`, if it reaches the thresholds and no
    /// other label ties with it: (label, its count, all observations, score).
    pub fn best(
        &self,
        entry: u32,
        thresholds: Thresholds,
        rejected: impl Fn(&str) -> bool,
    ) -> Option<(&Label, u32, u32, f64)> {
        let (labels, untagged) = self.candidates(entry);
        let total = labels.iter().map(|(_, n)| n).sum::<u32>() + untagged;
        let mut open = labels.iter().filter(|(l, _)| !rejected(l));
        let (label, count) = open.next()?;
        if open.next().is_some_and(|(_, n)| n == count) {
            return None;
        }
        let score = f64::from(*count) / f64::from(total.max(1));
        (total >= thresholds.min_count && score >= thresholds.min_score).then_some((label, *count, total, score))
    }

    /// The suggestions for the untagged text of a file: one per match whose best label reaches
    /// the thresholds; `rejected(surface, label, range)` rules out a label at a place.
    pub fn suggest(
        &self,
        text: &str,
        cover: &Cover,
        thresholds: Thresholds,
        rejected: impl Fn(&str, &str, TextRange) -> bool,
    ) -> Vec<Suggestion> {
        self.suggestions(&self.matches(text, cover), thresholds, rejected)
    }

    /// [`Gazetteer::suggest`] of the matches [`Gazetteer::matches`] found.
    pub fn suggestions(
        &self,
        matches: &[(TextRange, u32)],
        thresholds: Thresholds,
        rejected: impl Fn(&str, &str, TextRange) -> bool,
    ) -> Vec<Suggestion> {
        matches
            .iter()
            .filter_map(|&(range, entry)| {
                let surface = self.surface(entry);
                let (label, count, total, score) = self.best(entry, thresholds, |l| rejected(surface, l, range))?;
                Some(Suggestion { range, entry, label: label.clone(), count, total, score })
            })
            .collect()
    }
}

impl Gazetteer {
    /// The event labels (`type.mode` or `type`) the corpus gave to the words of `selection`,
    /// best first: those of the selection as a whole before those of the entries found in it
    /// (every whole-word match, overlapping ones too), each by its observations, then by label.
    /// What "Tag as event …" and the completion of event types rank by.
    pub fn event_labels(&self, selection: &str) -> Vec<(Label, u32)> {
        let Some(matcher) = &self.matcher else { return Vec::new() };
        let whole = fold(selection.trim());
        let mut ranked: FxHashMap<&Label, (u32, u32)> = FxHashMap::default();
        let (folded, map) = fold_with_offsets(selection);
        for hit in matcher.find_overlapping_iter(&folded) {
            let range = TextRange::new(map[hit.start()], map[hit.end()]);
            let before = selection[..range.start as usize].chars().next_back();
            let after = selection[range.end as usize..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            let entry = hit.pattern().as_usize();
            let exact = self.surfaces[entry] == whole;
            for (label, n) in self.labels[entry].iter().filter(|(l, _)| self.events.contains(l)) {
                let r = ranked.entry(label).or_default();
                if exact {
                    r.0 += n;
                } else {
                    r.1 += n;
                }
            }
        }
        let mut out: Vec<(&Label, (u32, u32))> = ranked.into_iter().collect();
        out.sort_unstable_by(|a, b| (b.1).cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        out.into_iter().map(|(l, (exact, inside))| (l.clone(), exact + inside)).collect()
    }
}

/// The text that tags `range` with `label`: the edits of accepting a suggestion.
pub fn tag_edits(range: TextRange, label: &str) -> [(TextRange, String); 2] {
    [(TextRange::at(range.start, 0), "[".to_string()), (TextRange::at(range.end, 0), format!("]{{{label}}}"))]
}

/// A suggestion as the hint the editor shows (A012), with its fix: accepting it.
pub fn diagnostic(text: &str, s: &Suggestion) -> crate::diagnostic::Diagnostic {
    use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
    let edits = tag_edits(s.range, &s.label).into_iter().map(|(r, t)| Edit::here(r, t));
    Diagnostic::new(Code::A012, s.range, message(&text[s.range], s))
        .with_fixes(vec![Fix::new(format!("Tag as {}", s.label), edits.collect())])
}

/// A file's diagnostics with its A012 hints (`learned`) added, in place of the A011 hints
/// they meet (SPEC §12: the learned label is the more telling), sorted as the analysis sorts.
pub fn with_hints(found: &mut Vec<crate::diagnostic::Diagnostic>, learned: Vec<crate::diagnostic::Diagnostic>) {
    use crate::diagnostic::Code;
    if learned.is_empty() {
        return;
    }
    found.retain(|d| d.code != Code::A011 || !learned.iter().any(|l| l.range.intersects(d.range)));
    found.extend(learned);
    found.sort_by_key(|d| (d.range.start, d.range.end, d.code));
}

/// The hint's message: "tag as person kz.tokayev: 14 of 15 tagged «Tokaïev»".
pub fn message(surface: &str, s: &Suggestion) -> String {
    let label = match s.label.split_once(':') {
        Some((ty, id)) => format!("{ty} {id}"),
        None => s.label.to_string(),
    };
    format!("tag as {label}: {} of {} tagged «{surface}»", s.count, s.total)
}

#[cfg(test)]
mod tests;
