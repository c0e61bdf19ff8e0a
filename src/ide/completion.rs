//! Completion (SPEC §8), from the open document's text around the cursor plus the summaries
//! and the reverse index:
//!
//! - after `]{`: `type:id` pairs whose registry names match the bracketed surface best, then
//!   every type;
//! - after `type:` the ids of that type, after `type.` its modes;
//! - after a space in an event tag, what the event id's other mentions give its roles, each
//!   participant in each open role that takes it, then the roles still open (required ones
//!   first);
//! - after `role=` or `,` the ids the role allows (the event id's known values, then its own
//!   participants, first), or dates for a date role (known, then written in the event or its
//!   sentence, then the article's);
//! - on an empty line 1, the header for the current month.
//!
//! Only the cursor's line is looked at: a tag never spans lines.

use std::cmp::Reverse;

use rustc_hash::FxHashMap;

use crate::analysis::registry_entry;
use crate::corpus::{Corpus, FileId, OccurrenceKind, SeedSummary, Sym};
use crate::ide::dates::{WrittenDate, written_dates};
use crate::ide::matching::{Tier, match_surface};
use crate::ide::rename::times;
use crate::syntax::schema::{Allowed, Card, Class, Role, TypeDef};
use crate::text::TextRange;
use crate::text::matching::{fold, subsequence};

/// How many `type:id` pairs a surface suggests.
const MAX_PAIRS: usize = 20;
/// How many ids a list holds; longer lists are cut and marked incomplete.
const MAX_IDS: usize = 100;

/// How many other articles the roles of an event id are read from.
const KNOWN_FILES: usize = 3;
/// How many value lists of a role an event's other mentions suggest.
const KNOWN_LISTS: usize = 3;

/// What the other mentions of an event id give its roles.
#[derive(Default, Debug)]
struct Known {
    mentions: usize,
    /// Role → its value lists as written (`kz.mangystau,kz.almaty`) with how often, most
    /// frequent first; roles by how often they are given.
    roles: Vec<(String, Vec<(String, usize)>)>,
}

impl Known {
    fn add(&mut self, role: String, values: Vec<&str>) {
        let at = match self.roles.iter().position(|(r, _)| *r == role) {
            Some(at) => at,
            None => {
                self.roles.push((role, Vec::new()));
                self.roles.len() - 1
            }
        };
        let list = values.join(",");
        let lists = &mut self.roles[at].1;
        match lists.iter_mut().find(|(l, _)| *l == list) {
            Some((_, n)) => *n += 1,
            None => lists.push((list, 1)),
        }
    }

    /// Most frequent first, the first seen on a tie (the sort is stable).
    fn rank(&mut self) {
        for (_, lists) in &mut self.roles {
            lists.sort_by_key(|(_, n)| Reverse(*n));
        }
        self.roles.sort_by_key(|(_, lists)| Reverse(lists.iter().map(|(_, n)| n).sum::<usize>()));
    }

    /// The values given to `role`, most frequent list first, once each.
    fn values<'k>(&'k self, role: &str) -> impl Iterator<Item = &'k str> {
        let lists = self.roles.iter().find(|(r, _)| r == role).map_or(&[][..], |(_, l)| l.as_slice());
        let mut seen: Vec<&str> = Vec::new();
        lists.iter().flat_map(|(l, _)| l.split(',')).filter(move |v| {
            let new = !seen.contains(v);
            if new {
                seen.push(v);
            }
            new
        })
    }
}

/// A piece of a line without its markup: tags (`]{…}`) and brackets left out.
fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("]{") {
        out.push_str(&rest[..i]);
        rest = rest[i + 2..].find('}').map_or("", |j| &rest[i + 2 + j + 1..]);
    }
    out.push_str(rest);
    out.replace(['[', ']'], "")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CompletionKind {
    EntityType,
    EventType,
    Mode,
    /// An id, or a `type:id` pair.
    Id,
    Role,
    Date,
    Header,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// What the item replaces: the token being completed, on the cursor's line. It reaches
    /// past the cursor only over the rest of the same token (`kz.tok|ayev`, `pl|ace`), never
    /// over punctuation, a brace, another role or prose after it, and only when part of the
    /// token is typed: a cursor at a token's start inserts before what follows.
    pub range: TextRange,
    /// What the item overwrites when the editor inserts rather than replaces: `range` up to
    /// the cursor (LSP's `InsertReplaceEdit.insert`).
    pub insert_range: TextRange,
    pub insert: String,
    /// `insert` has snippet placeholders (`${1:2022}`).
    pub snippet: bool,
    /// What the editor filters on, when not the label.
    pub filter: Option<String>,
    pub preselect: bool,
}

/// Items best first: the order is the ranking, which the client must keep.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Completions {
    pub items: Vec<Completion>,
    /// The list was cut or filtered on what is typed: ask again as typing goes on.
    pub incomplete: bool,
}

/// Completions at `offset` of `file`, whose current text is `text`. `snippets`: the client
/// accepts snippet syntax.
pub fn completions(corpus: &Corpus, file: FileId, text: &str, offset: u32, snippets: bool) -> Option<Completions> {
    let data = corpus.full(file);
    let seed = data.seed()?;
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if line_end > offset && text.as_bytes()[line_end - 1] == b'\r' {
        line_end -= 1;
    }
    let line = &text[line_start..line_end];
    let col = offset - line_start;
    if line_start == 0 {
        return header(corpus, line, col);
    }
    let tag = open_tag(line, col)?;
    let cx = Cx { corpus, file, text, seed, line, line_start, col, tag, snippets };
    let ws = line[tag.start..col].rfind([' ', '\t']).map_or(tag.start, |i| tag.start + i + 1);
    let word = &line[ws..col];
    match line[tag.start..ws].split([' ', '\t']).find(|w| !w.is_empty()) {
        None => cx.head(ws, word),
        Some(head) => cx.args(head, ws, word),
    }
}

/// A `]{` tag the cursor is in, as offsets into its line.
#[derive(Clone, Copy, Debug)]
struct OpenTag {
    /// The `]` of `]{`.
    bracket: usize,
    /// Just after `{`.
    start: usize,
    /// The closing `}`, or where the tag is cut short (a bracket, the line's end).
    end: usize,
    closed: bool,
}

/// Bytes of a type, mode or role name.
fn name_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')
}

/// Bytes of an id or a date literal.
fn id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// Where an item goes: what it replaces, and what it overwrites when inserted instead.
#[derive(Clone, Copy, Debug)]
struct Span {
    replace: TextRange,
    insert: TextRange,
}

/// The tag containing `col`, scanning as the parser does: a tag ends at its `}`, or is cut
/// short by a bracket or brace before it.
fn open_tag(line: &str, col: usize) -> Option<OpenTag> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < col {
        match b[i] {
            b'\\' if i + 1 < b.len() && matches!(b[i + 1], b'[' | b']' | b'{' | b'}') => i += 2,
            b']' if b.get(i + 1) == Some(&b'{') => {
                let start = i + 2;
                let stop = (start..b.len()).find(|&j| matches!(b[j], b'}' | b'[' | b']' | b'{') && b[j - 1] != b'\\');
                match stop {
                    Some(j) if j < col => i = if b[j] == b'}' { j + 1 } else { start },
                    _ if col < start => return None,
                    _ => {
                        let closed = stop.is_some_and(|j| b[j] == b'}');
                        return Some(OpenTag { bracket: i, start, end: stop.unwrap_or(b.len()), closed });
                    }
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The `[` that opens the surface ending at `bracket`, skipping nested mentions and prose
/// brackets.
fn surface_open(line: &str, bracket: usize) -> Option<usize> {
    let b = line.as_bytes();
    let mut depth = 0usize;
    let mut i = bracket;
    while i > 0 {
        i -= 1;
        let escaped = i > 0 && b[i - 1] == b'\\';
        match b[i] {
            b']' if !escaped => depth += 1,
            b'[' if !escaped => match depth.checked_sub(1) {
                None => return Some(i),
                Some(d) => depth = d,
            },
            _ => {}
        }
    }
    None
}

struct Cx<'a> {
    corpus: &'a Corpus,
    file: FileId,
    text: &'a str,
    seed: &'a SeedSummary,
    line: &'a str,
    line_start: usize,
    col: usize,
    tag: OpenTag,
    snippets: bool,
}

/// An id that may be offered, and what ranks it.
struct Candidate {
    id: Sym,
    ty: Sym,
    /// Smaller first: how well it matches the surface, or how close to the cursor it is used.
    group: u32,
    usage: usize,
}

impl<'a> Cx<'a> {
    fn range(&self, from: usize, to: usize) -> TextRange {
        TextRange::from_usize(self.line_start + from..self.line_start + to)
    }

    /// The token starting at `from` (in the line) and running through the cursor: replaced up
    /// to the end of the bytes `same` admits after the cursor when some of it is typed, else
    /// up to the cursor (what follows a token's start is a token of its own).
    fn span(&self, from: usize, same: fn(u8) -> bool) -> Span {
        let typed = from < self.col;
        let rest = self.line.as_bytes()[self.col..self.tag.end].iter().take_while(|&&b| typed && same(b)).count();
        Span { replace: self.range(from, self.col + rest), insert: self.range(from, self.col) }
    }

    /// The byte just after what `span` replaces.
    fn after(&self, span: Span) -> Option<u8> {
        self.text.as_bytes().get(span.replace.end as usize).copied()
    }

    /// The bracketed surface (markup of nested mentions included) and its range in the line.
    fn surface(&self) -> Option<(&'a str, usize)> {
        let open = surface_open(self.line, self.tag.bracket)?;
        Some((&self.line[open + 1..self.tag.bracket], open + 1))
    }

    fn head(&self, ws: usize, word: &str) -> Option<Completions> {
        let schema = self.corpus.schema();
        if let Some(colon) = word.find(':') {
            let ty = word[..colon].split('.').next().unwrap_or_default();
            let ty_sym = self.corpus.sym(ty)?;
            let prefix = &word[colon + 1..];
            let span = self.span(ws + colon + 1, id_byte);
            let surface = self.surface().map(|(s, _)| s);
            let groups = self.surface_groups(surface, |t| t == ty_sym);
            return Some(self.id_items(&|t| t == ty_sym, prefix, span, &groups, &[], false));
        }
        if let Some(dot) = word.find('.') {
            let def = schema.get(&word[..dot])?;
            let span = self.span(ws + dot + 1, name_byte);
            let items = def
                .modes
                .iter()
                .map(|mode| Completion {
                    detail: Some(format!("mode of `{}`", def.name)),
                    ..item(mode, CompletionKind::Mode, span, mode)
                })
                .collect();
            return Some(Completions { items, incomplete: false });
        }
        // With `:id` or `.mode` after the type, only the type is replaced.
        let span = self.span(ws, name_byte);
        let cut = matches!(self.after(span), Some(b':' | b'.'));
        let mut items = Vec::new();
        // A surface with mentions inside is an event's: names inside it are its participants,
        // not what it is; event types come first then.
        let surface = self.surface().map(|(s, _)| s);
        let event = surface.is_some_and(|s| s.contains("]{"));
        if !cut
            && !event
            && let Some(surface) = surface
        {
            for m in match_surface(self.corpus, self.file, Some(self.text), surface).into_iter().take(MAX_PAIRS) {
                let Some(ty) = m.ty else { continue };
                let pair = format!("{}:{}", self.corpus.resolve(ty), self.corpus.resolve(m.id));
                let why = match &m.matched {
                    Some(name) => format!("{} «{name}»", tier_words(m.tier)),
                    None => "tagged so earlier in this article".to_string(),
                };
                let (detail, doc) = self.describe(m.id, ty, false);
                items.push(Completion {
                    detail: Some(detail),
                    documentation: Some(match doc {
                        Some(doc) => format!("{why}\n\n{doc}"),
                        None => why,
                    }),
                    preselect: items.is_empty() && m.tier == Tier::Exact,
                    ..item(&pair, CompletionKind::Id, span, &pair)
                });
            }
        }
        let mut types: Vec<&TypeDef> = schema.types.iter().collect();
        if event {
            types.sort_by_key(|d| d.class == Class::Entity);
        }
        for def in types {
            let kind = if def.class == Class::Entity { CompletionKind::EntityType } else { CompletionKind::EventType };
            items.push(Completion {
                detail: (!def.description.is_empty()).then(|| def.description.clone()),
                ..item(&def.name, kind, span, &def.name)
            });
        }
        Some(Completions { items, incomplete: false })
    }

    fn args(&self, head: &str, ws: usize, word: &str) -> Option<Completions> {
        let ty = head.split(['.', ':']).next().unwrap_or_default();
        let def = self.corpus.schema().get(ty).filter(|d| d.class == Class::Event)?;
        // Roles filled by the other words of the tag; after the cursor only when the tag is
        // closed (else what follows is prose).
        let upto = if self.tag.closed { self.tag.end } else { ws };
        let mut filled: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        let mut at = self.tag.start;
        for w in self.line[self.tag.start..upto].split([' ', '\t']) {
            let start = at;
            at += w.len() + 1;
            if start == ws {
                continue;
            }
            if let Some((role, values)) = w.split_once('=') {
                filled.entry(role).or_default().extend(values.split(',').filter(|v| !v.is_empty()));
            }
        }
        // The event's id, used elsewhere: what its other mentions say comes first.
        let known = head.split_once(':').and_then(|(_, id)| self.corpus.sym(id)).map(|id| self.known(id));
        let known = known.unwrap_or_default();
        match word.split_once('=') {
            None => Some(self.roles(def, &filled, ws, &known)),
            Some((role, values)) => {
                let role = def.role(role)?;
                let value_start = ws + role.name.len() + 1 + values.rfind(',').map_or(0, |i| i + 1);
                // Values already given leave the list; the one being typed stays (re-asking
                // at the end of a complete id lists it).
                let mut taken: Vec<&str> = filled.get(role.name.as_str()).cloned().unwrap_or_default();
                let before = values.rfind(',').map_or("", |i| &values[..i]);
                taken.extend(before.split(',').filter(|v| !v.is_empty()));
                let span = self.span(value_start, id_byte);
                let prefix = &self.line[value_start..self.col];
                Some(self.role_values(role, prefix, span, &taken, &known))
            }
        }
    }

    /// The roles and values of the other mentions of the event `id`: in this article, and in
    /// the first [`KNOWN_FILES`] other articles the index lists for it (a lean corpus keeps
    /// no mentions of files nobody edits: those are read again, so only a few).
    fn known(&self, id: Sym) -> Known {
        let mut files = vec![self.file];
        for o in self.corpus.occurrences(id) {
            if o.kind() == OccurrenceKind::Mention && !files.contains(&o.file) {
                if files.len() > KNOWN_FILES {
                    break;
                }
                files.push(o.file);
            }
        }
        let cursor = (self.line_start + self.col) as u32;
        let mut known = Known::default();
        for f in files {
            let data = (f != self.file).then(|| self.corpus.full(f));
            let Some(seed) = data.as_ref().map_or(Some(self.seed), |d| d.seed()) else { continue };
            for m in seed.mentions.get().iter().filter(|m| m.id == Some(id)) {
                // The mention being written is not another one.
                if f == self.file && m.range.start <= cursor && cursor <= m.range.end {
                    continue;
                }
                known.mentions += 1;
                for arg in m.args.iter() {
                    let role = self.corpus.resolve(arg.role).to_string();
                    let list: Vec<&str> = arg.values.iter().map(|&(v, _)| self.corpus.resolve(v)).collect();
                    if list.is_empty() {
                        continue;
                    }
                    known.add(role, list);
                }
            }
        }
        known.rank();
        known
    }

    fn roles(&self, def: &TypeDef, filled: &FxHashMap<&str, Vec<&str>>, ws: usize, known: &Known) -> Completions {
        let span = self.span(ws, name_byte);
        // A `=` right after the role name stays: only the name is written then.
        let eq = self.after(span) == Some(b'=');
        let n_filled = |role: &Role| filled.get(role.name.as_str()).map_or(0, Vec::len);
        let mut open: Vec<(bool, &Role)> = def
            .roles
            .iter()
            .filter_map(|role| {
                let n = n_filled(role);
                let full = role.card.max().is_some_and(|max| n >= max);
                (!full).then_some((n < role.card.min(), role))
            })
            .collect();
        // Required roles still missing first, then those not given yet (a role that takes
        // more values is offered again, last); the schema's order otherwise.
        open.sort_by_key(|(required, role)| (!required, n_filled(role) > 0));
        let mut items = Vec::new();
        // What the event's other mentions give its roles not given here, when the role
        // name is still to be written: all of it in one item, then each role's values.
        let unfilled: Vec<(&Role, &[(String, usize)])> = match eq {
            true => Vec::new(),
            false => known
                .roles
                .iter()
                .filter_map(|(name, lists)| {
                    let role = def.role(name)?;
                    (n_filled(role) == 0).then_some((role, lists.as_slice()))
                })
                .collect(),
        };
        let from = match known.mentions {
            1 => "as its other mention has it".to_string(),
            n => format!("as its {n} other mentions have it"),
        };
        if unfilled.len() > 1 {
            let all: Vec<String> =
                unfilled.iter().map(|(role, lists)| format!("{}={}", role.name, lists[0].0)).collect();
            let all = all.join(" ");
            items.push(Completion { detail: Some(from.clone()), ..item(&all, CompletionKind::Role, span, &all) });
        }
        for (role, lists) in &unfilled {
            for (list, _) in lists.iter().take(KNOWN_LISTS) {
                let arg = format!("{}={list}", role.name);
                items.push(Completion { detail: Some(from.clone()), ..item(&arg, CompletionKind::Role, span, &arg) });
            }
        }
        // Then each participant (an id tagged inside the event) in each role not given yet
        // that takes its type, and a date written in the event's text as its date: one item
        // writes role and value.
        if !eq {
            let schema = self.corpus.schema();
            let given = |id: &str| filled.values().flatten().any(|v| *v == id);
            let shown: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
            let mut pairs: Vec<String> = Vec::new();
            for (id, ty) in self.participant_types() {
                let (id, ty) = (self.corpus.resolve(id), self.corpus.resolve(ty));
                if given(id) {
                    continue;
                }
                for role in def.roles.iter().filter(|r| n_filled(r) == 0 && r.allows_type(schema, ty)) {
                    pairs.push(format!("{}={id}", role.name));
                }
            }
            if let Some(role) = def.roles.iter().find(|r| n_filled(r) == 0 && r.allows_date())
                && let Some((written, true)) = self.written_dates().into_iter().next()
            {
                pairs.push(format!("{}={}", role.name, written.date));
            }
            for pair in pairs.into_iter().filter(|p| !shown.contains(p)) {
                let detail = Some("from the event's text".to_string());
                items.push(Completion { detail, ..item(&pair, CompletionKind::Role, span, &pair) });
            }
        }
        items.extend(open.into_iter().map(|(required, role)| {
            let insert = if eq { role.name.clone() } else { format!("{}=", role.name) };
            Completion {
                detail: Some(role.spec()),
                documentation: Some(role_doc(role, required)),
                ..item(&role.name, CompletionKind::Role, span, &insert)
            }
        }));
        Completions { items, incomplete: false }
    }

    fn role_values(&self, role: &Role, prefix: &str, span: Span, taken: &[&str], known: &Known) -> Completions {
        let mut out = Completions::default();
        let known_values: Vec<&str> = known.values(&role.name).filter(|v| !taken.contains(v)).collect();
        if role.allows_date() {
            // The dates the event's other mentions give, then those written in the event's
            // text and in its sentence, before the article's own date.
            let mut offered: Vec<String> = Vec::new();
            for v in known_values.iter().filter(|v| crate::corpus::is_date_shaped(v)) {
                let detail = Some("as the event's other mentions have it".to_string());
                out.items.push(Completion { detail, ..item(v, CompletionKind::Date, span, v) });
                offered.push(v.to_string());
            }
            for (written, in_event) in self.written_dates() {
                let day = written.date.to_string();
                if offered.contains(&day) || taken.contains(&day.as_str()) {
                    continue;
                }
                let place = if in_event { "in the event" } else { "in its sentence" };
                out.items.push(Completion {
                    detail: Some(format!("«{}» {place}", written.words)),
                    preselect: out.items.is_empty(),
                    ..item(&day, CompletionKind::Date, span, &day)
                });
                offered.push(day);
            }
            let (date, whose) = match self.seed.date {
                Some(d) => (d, "the article's date"),
                None => (self.corpus.today, "today"),
            };
            let day = date.to_string();
            let month = date.month_of().to_string();
            if self.snippets {
                let snippet =
                    format!("${{1:{:04}}}-${{2:{:02}}}-${{3:{:02}}}", date.year, date.month, date.day.unwrap_or(1));
                out.items.push(Completion {
                    detail: Some(format!("a date, from {whose}")),
                    snippet: true,
                    filter: Some(day.clone()),
                    ..item("YYYY-MM-DD", CompletionKind::Date, span, &snippet)
                });
            }
            out.items
                .push(Completion { detail: Some(whose.to_string()), ..item(&day, CompletionKind::Date, span, &day) });
            if date.day.is_some() {
                let detail = Some(format!("the month of {whose}"));
                out.items.push(Completion { detail, ..item(&month, CompletionKind::Date, span, &month) });
            }
        }
        let schema = self.corpus.schema();
        if role.allowed.iter().any(|a| !matches!(a, Allowed::Date)) {
            // The event's known values first, then its participants.
            let mut groups: FxHashMap<Sym, u32> = self
                .participants()
                .into_iter()
                .map(|(id, g)| (id, g.saturating_add(KNOWN_LISTS as u32 * 100)))
                .collect();
            for (rank, v) in known_values.iter().enumerate() {
                if let Some(id) = self.corpus.sym(v) {
                    groups.insert(id, rank as u32);
                }
            }
            let allowed = |t: Sym| role.allows_type(schema, self.corpus.resolve(t));
            let ids = self.id_items(&allowed, prefix, span, &groups, taken, true);
            out.items.extend(ids.items);
            out.incomplete = ids.incomplete;
        }
        out
    }

    /// Dates written in the event's surface (`true`), then in the rest of its sentence, with
    /// the article's date for what they leave out.
    fn written_dates(&self) -> Vec<(WrittenDate, bool)> {
        let Some((surface, open)) = self.surface() else { return Vec::new() };
        let base = self.seed.date;
        let mut out: Vec<(WrittenDate, bool)> =
            written_dates(&prose(surface), base).into_iter().map(|w| (w, true)).collect();
        let ends = |c: char| matches!(c, '.' | '!' | '?' | '…');
        // The sentence: from the end of the one before the event's `[` to the next end after
        // its tag (a full stop followed by a space; `3.000` is a number).
        let before = &self.line[..open.saturating_sub(1)];
        let start = before
            .char_indices()
            .rev()
            .find(|&(i, c)| ends(c) && before[i + c.len_utf8()..].starts_with(' '))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let after = &self.line[self.tag.end..];
        let end = after
            .char_indices()
            .find(|&(i, c)| ends(c) && after[i + c.len_utf8()..].chars().next().is_none_or(char::is_whitespace))
            .map_or(self.line.len(), |(i, _)| self.tag.end + i);
        let sentence =
            format!("{} {}", prose(&self.line[start..open.saturating_sub(1)]), prose(&self.line[self.tag.end..end]));
        for w in written_dates(&sentence, base) {
            if !out.iter().any(|(o, _)| o.date == w.date) {
                out.push((w, false));
            }
        }
        out
    }

    /// The ids tagged inside the event's own surface (its participants) with their types, in
    /// order, once each.
    fn participant_types(&self) -> Vec<(Sym, Sym)> {
        let Some((_, open)) = self.surface() else { return Vec::new() };
        let surface = self.range(open, self.tag.bracket);
        let mentions = self.seed.mentions.get();
        let first = mentions.partition_point(|m| m.range.start < surface.start);
        let mut out: Vec<(Sym, Sym)> = Vec::new();
        for m in mentions[first..].iter().take_while(|m| m.range.start < surface.end) {
            if let (Some(id), Some(ty)) = (m.id, m.ty)
                && surface.contains_range(m.range)
                && !out.iter().any(|(i, _)| *i == id)
            {
                out.push((id, ty));
            }
        }
        out
    }

    /// Ids tagged inside the event's own surface (its participants), in order, then ids
    /// tagged on the same line (a paragraph).
    fn participants(&self) -> FxHashMap<Sym, u32> {
        let mut groups = FxHashMap::default();
        let Some((_, open)) = self.surface() else { return groups };
        let surface = self.range(open, self.tag.bracket);
        let line = self.range(0, self.line.len());
        let mentions = self.seed.mentions.get();
        let first = mentions.partition_point(|m| m.range.start < line.start);
        for (i, m) in mentions[first..].iter().take_while(|m| m.range.start < line.end).enumerate() {
            let Some(id) = m.id else { continue };
            let group = if surface.contains_range(m.range) { i as u32 } else { 1000 };
            let g = groups.entry(id).or_insert(group);
            *g = (*g).min(group);
        }
        groups
    }

    /// Groups from how well registry names match the surface.
    fn surface_groups(&self, surface: Option<&str>, keep: impl Fn(Sym) -> bool) -> FxHashMap<Sym, u32> {
        let Some(surface) = surface else { return FxHashMap::default() };
        match_surface(self.corpus, self.file, Some(self.text), surface)
            .into_iter()
            .filter(|m| m.ty.is_some_and(&keep))
            .map(|m| (m.id, m.tier as u32))
            .collect()
    }

    /// Every id whose type passes `allowed`, registered or ad hoc, ranked: by `groups`, then
    /// used in this article, then by use count. `prefix` (what is typed) filters.
    fn id_items(
        &self,
        allowed: &dyn Fn(Sym) -> bool,
        prefix: &str,
        span: Span,
        groups: &FxHashMap<Sym, u32>,
        taken: &[&str],
        with_type: bool,
    ) -> Completions {
        let corpus = self.corpus;
        let entities = corpus.entities();
        let needle = prefix.to_ascii_lowercase();
        let folded_prefix = fold(prefix);
        let mut filtered = false;
        let mut candidates: Vec<Candidate> = Vec::new();
        for (id, occs) in corpus.ids() {
            let rows = entities.by_id.get(&id);
            let ty = match rows.and_then(|r| r.first()) {
                // The registry row's type, from its occurrence (interned already): a binary
                // search to the registry's run, not a scan of an id's thousands of uses.
                Some(&(reg, _)) => {
                    let from = occs.partition_point(|o| o.file < reg);
                    occs[from..].iter().take_while(|o| o.file == reg).find(|o| o.kind() == OccurrenceKind::RegistryRow)
                }
                None => occs.iter().find(|o| o.kind() == OccurrenceKind::Mention),
            }
            .and_then(|o| o.ty);
            let Some(ty) = ty.filter(|&t| allowed(t)) else { continue };
            let name = corpus.resolve(id);
            // The id being typed is indexed too (the tag may be closed): it is not a choice.
            let here = occs.iter().all(|o| o.file == self.file && o.start == span.replace.start);
            if here || taken.contains(&name) {
                continue;
            }
            if !prefix.is_empty() && !subsequence(&needle, &name.to_ascii_lowercase()) {
                let by_name =
                    registry_entry(corpus, id).is_some_and(|(_, e)| fold(&e.name.text).contains(&folded_prefix));
                if !by_name {
                    filtered = true;
                    continue;
                }
            }
            let in_file = occs.binary_search_by(|o| o.file.cmp(&self.file)).is_ok();
            let group = groups.get(&id).copied().unwrap_or(if in_file { 10_000 } else { u32::MAX });
            let usage = occs.len() - rows.map_or(0, Vec::len);
            candidates.push(Candidate { id, ty, group, usage });
        }
        let order = |a: &Candidate, b: &Candidate| {
            (a.group, Reverse(a.usage), corpus.resolve(a.id)).cmp(&(b.group, Reverse(b.usage), corpus.resolve(b.id)))
        };
        let incomplete = filtered || candidates.len() > MAX_IDS;
        // Only the first ones are shown: select them in linear time, then sort those.
        if candidates.len() > MAX_IDS {
            candidates.select_nth_unstable_by(MAX_IDS, order);
            candidates.truncate(MAX_IDS);
        }
        candidates.sort_by(order);
        let items = candidates
            .iter()
            .take(MAX_IDS)
            .map(|c| {
                let id = corpus.resolve(c.id);
                let (detail, doc) = self.describe(c.id, c.ty, with_type);
                Completion { detail: Some(detail), documentation: doc, ..item(id, CompletionKind::Id, span, id) }
            })
            .collect();
        Completions { items, incomplete }
    }

    /// A one-line detail for an id (its registry name, or its use) and its description.
    fn describe(&self, id: Sym, ty: Sym, with_type: bool) -> (String, Option<String>) {
        match registry_entry(self.corpus, id) {
            Some((_, entry)) => {
                let detail = match with_type {
                    true => format!("{} · {}", entry.name.text, self.corpus.resolve(ty)),
                    false => entry.name.text.clone(),
                };
                (detail, entry.description.as_ref().map(|d| d.text.clone()))
            }
            None => {
                let n = self.corpus.occurrences(id).len();
                (format!("{} · not in the registry, used {}", self.corpus.resolve(ty), times(n)), None)
            }
        }
    }
}

fn item(label: &str, kind: CompletionKind, span: Span, insert: &str) -> Completion {
    Completion {
        label: label.to_string(),
        kind,
        detail: None,
        documentation: None,
        range: span.replace,
        insert_range: span.insert,
        insert: insert.to_string(),
        snippet: false,
        filter: None,
        preselect: false,
    }
}

fn tier_words(tier: Tier) -> &'static str {
    match tier {
        Tier::Exact => "matches",
        Tier::Accents => "matches, but for accents,",
        Tier::Prefix => "starts",
        Tier::Substring => "shares words with",
        Tier::Fuzzy => "is close to",
    }
}

fn role_doc(role: &Role, required: bool) -> String {
    let takes: Vec<&str> = role
        .allowed
        .iter()
        .map(|a| match a {
            Allowed::Type(t) => t.as_str(),
            Allowed::Date => "a date",
            Allowed::AnyEntity => "any entity",
        })
        .collect();
    let how_many = match role.card {
        Card::One => "exactly one value",
        Card::Optional => "at most one value",
        Card::Many => "any number of values",
        Card::OneOrMore => "one or more values",
    };
    let required = if required { "Required. " } else { "" };
    format!("{required}Takes {}; {how_many}.", takes.join(", "))
}

/// On line 1 while it is empty or a start of ` date`: the header for the current month
/// (preselected) or for today. The whole line is the start of the header: it is replaced, and
/// overwritten up to the cursor when inserted.
fn header(corpus: &Corpus, line: &str, col: usize) -> Option<Completions> {
    if !(line.is_empty() || " date".starts_with(line) || "date".starts_with(line)) {
        return None;
    }
    let span = Span { replace: TextRange::from_usize(0..line.len()), insert: TextRange::from_usize(0..col) };
    let today = corpus.today;
    let items = [(today.month_of(), "this month", true), (today, "today", false)]
        .into_iter()
        .filter(|(d, ..)| d.day.is_none() || today.day.is_some())
        .map(|(date, when, preselect)| {
            let insert = format!(" date {date} ");
            Completion {
                detail: Some(format!("Header dated {when}; the source URL goes after it")),
                filter: Some(insert.clone()),
                preselect,
                ..item(&format!("date {date}"), CompletionKind::Header, span, &insert)
            }
        })
        .collect();
    Some(Completions { items, incomplete: false })
}

#[cfg(test)]
mod tests;
