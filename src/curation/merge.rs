//! Three-way merge of a seed file's versions, annotation by annotation (SPEC §13).
//!
//! A paragraph is one line, so git's line merge conflicts whenever two annotators tag the same
//! paragraph. Here lines are aligned by their plain text (markup stripped): where base, ours
//! and theirs hold the same plain text, a line's mentions are merged one by one (a mention is
//! its span in the plain text, the n-th of that span counted from the outside); where the text
//! itself changed, those lines are merged as lines (diff3). Conflicts are written as git's
//! markers around the fewest whole lines that hold them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::syntax::annotation::{self, Stripped};

/// The names written after the conflict markers (git's `-L`), and their length (`%L`).
#[derive(Clone, Debug)]
pub struct Labels {
    pub ours: String,
    pub theirs: String,
    pub marker_size: usize,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels { ours: "ours".into(), theirs: "theirs".into(), marker_size: 7 }
    }
}

/// A merge's result: the text to write and how many conflict blocks it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub conflicts: usize,
}

/// One line of a version: its text without the line break, the break, and its plain text.
struct Line<'a> {
    raw: &'a str,
    eol: &'a str,
    plain: Cow<'a, str>,
}

impl Line<'_> {
    /// What lines are aligned by: the plain text and the line break.
    fn key(&self) -> (&str, &str) {
        (&self.plain, self.eol)
    }
}

fn split(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, eol, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => {
                let cr = i > 0 && rest.as_bytes()[i - 1] == b'\r';
                let content = if cr { i - 1 } else { i };
                (&rest[..content], &rest[content..=i], &rest[i + 1..])
            }
            None => (rest, "", ""),
        };
        out.push(Line { raw: line, eol, plain: plain(line) });
        rest = next;
    }
    out
}

fn plain(line: &str) -> Cow<'_, str> {
    if !annotation::has_markup(line) {
        return Cow::Borrowed(line);
    }
    let (ann, _) = annotation::parse_line(line);
    if ann.mentions.is_empty() && ann.escapes.is_empty() {
        return Cow::Borrowed(line);
    }
    Cow::Owned(Stripped::new(line, &ann).text)
}

/// For each line of `old`, the line of `new` it is aligned with, if any.
fn align(old: &[Line], new: &[Line]) -> Vec<Option<usize>> {
    let a: Vec<_> = old.iter().map(Line::key).collect();
    let b: Vec<_> = new.iter().map(Line::key).collect();
    let mut out = vec![None; old.len()];
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        if let DiffOp::Equal { old_index, new_index, len } = op {
            for d in 0..len {
                out[old_index + d] = Some(new_index + d);
            }
        }
    }
    out
}

/// What the merge writes, piece by piece before conflicts are gathered into blocks.
enum Piece {
    Clean(String),
    Conflict { ours: String, theirs: String },
}

pub fn merge_file(base: &str, ours: &str, theirs: &str, labels: &Labels) -> Merged {
    let (b, o, t) = (split(base), split(ours), split(theirs));
    let (bo, bt) = (align(&b, &o), align(&b, &t));
    let mut pieces = Vec::new();
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < b.len() || j < o.len() || k < t.len() {
        if i < b.len() && bo[i] == Some(j) && bt[i] == Some(k) {
            pieces.push(merge_line(&b[i], &o[j], &t[k]));
            (i, j, k) = (i + 1, j + 1, k + 1);
            continue;
        }
        // diff3: the next base line both sides keep ends the unstable chunk.
        let mut e = i;
        while e < b.len() && !(bo[e].is_some() && bt[e].is_some()) {
            e += 1;
        }
        let (je, ke) = match (bo.get(e).copied().flatten(), bt.get(e).copied().flatten()) {
            (Some(je), Some(ke)) => (je, ke),
            _ => (o.len(), t.len()),
        };
        merge_chunk(&b[i..e], &o[j..je], &t[k..ke], &mut pieces);
        (i, j, k) = (e, je, ke);
    }
    write(pieces, labels, ours)
}

fn joined(lines: &[Line]) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(l.raw);
        s.push_str(l.eol);
    }
    s
}

/// Lines whose text changed on one side at least: a line merge.
fn merge_chunk(b: &[Line], o: &[Line], t: &[Line], out: &mut Vec<Piece>) {
    let same =
        |x: &[Line], y: &[Line]| x.len() == y.len() && x.iter().zip(y).all(|(x, y)| x.raw == y.raw && x.eol == y.eol);
    if same(o, b) {
        out.push(Piece::Clean(joined(t)));
        return;
    }
    if same(t, b) || same(o, t) {
        out.push(Piece::Clean(joined(o)));
        return;
    }
    // Lines both sides begin or end with alike are not part of the conflict (git's zealous merge).
    let head = o.iter().zip(t).take_while(|(x, y)| x.raw == y.raw && x.eol == y.eol).count();
    let tail = o[head..]
        .iter()
        .rev()
        .zip(t[head..].iter().rev())
        .take_while(|(x, y)| x.raw == y.raw && x.eol == y.eol)
        .count();
    out.push(Piece::Clean(joined(&o[..head])));
    out.push(Piece::Conflict { ours: joined(&o[head..o.len() - tail]), theirs: joined(&t[head..t.len() - tail]) });
    out.push(Piece::Clean(joined(&o[o.len() - tail..])));
}

/// A line whose plain text is the same in all three versions: its mentions merged.
fn merge_line(b: &Line, o: &Line, t: &Line) -> Piece {
    let clean = |l: &Line| Piece::Clean(format!("{}{}", l.raw, l.eol));
    if o.raw == t.raw || b.raw == t.raw {
        return clean(o);
    }
    if b.raw == o.raw {
        return clean(t);
    }
    let (bm, om, tm) = (Marks::of(b.raw), Marks::of(o.raw), Marks::of(t.raw));
    let merged = bm.merge(&om, &tm);
    let eol = o.eol;
    if merged.conflicts.is_empty()
        && let Some(line) = merged.render(&o.plain, None)
    {
        return Piece::Clean(format!("{line}{eol}"));
    }
    // Each side of the conflict holds every clean change, and its own version of the rest.
    let side = |which: usize, raw: &str| merged.render(&o.plain, Some(which)).unwrap_or_else(|| raw.to_string());
    Piece::Conflict { ours: format!("{}{eol}", side(1, o.raw)), theirs: format!("{}{eol}", side(2, t.raw)) }
}

/// Where a mention is: its span in the line's plain text, and which of the mentions of that
/// span it is, counted from the outside.
type Key = (u32, u32, u32);

/// The markup of one line, in offsets of its plain text.
#[derive(Default)]
struct Marks<'a> {
    /// Tag contents (between `{` and `}`) by key.
    mentions: BTreeMap<Key, &'a str>,
    /// Plain-text offsets of the characters written escaped.
    escapes: Vec<u32>,
}

impl<'a> Marks<'a> {
    fn of(line: &'a str) -> Marks<'a> {
        let (ann, _) = annotation::parse_line(line);
        let stripped = Stripped::new(line, &ann);
        let mut marks = Marks::default();
        let mut last: Option<(u32, u32)> = None;
        let mut nth = 0;
        // Outer before inner: the order `parse_line` gives.
        for m in &ann.mentions {
            let span = (stripped.map(m.surface.start), stripped.map(m.surface.end));
            nth = if last == Some(span) { nth + 1 } else { 0 };
            last = Some(span);
            marks.mentions.insert((span.0, span.1, nth), &line[m.tag]);
        }
        marks.escapes = ann.escapes.iter().map(|&e| stripped.map(e)).collect();
        marks
    }

    fn merge(&self, o: &Marks<'a>, t: &Marks<'a>) -> Merge {
        let mut keys: Vec<Key> =
            self.mentions.keys().chain(o.mentions.keys()).chain(t.mentions.keys()).copied().collect();
        keys.sort_unstable();
        keys.dedup();
        let mut out = Merge::default();
        for key in keys {
            let get = |m: &Marks<'a>| m.mentions.get(&key).copied();
            let (b, ov, tv) = (get(self), get(o), get(t));
            match merge_tag(b, ov, tv) {
                Some(v) => {
                    if let Some(v) = v {
                        out.clean.push((key, v));
                    }
                }
                None => out.conflicts.push((key, ov.map(str::to_string), tv.map(str::to_string))),
            }
        }
        // New mentions that cross (overlap without nesting) are a conflict, with both sides'.
        for (a, b) in crossings(out.clean.iter().map(|(k, _)| *k)) {
            for key in [a, b] {
                if let Some(at) = out.clean.iter().position(|(k, _)| *k == key) {
                    out.clean.remove(at);
                    out.conflicts.push((
                        key,
                        o.mentions.get(&key).map(|s| s.to_string()),
                        t.mentions.get(&key).map(|s| s.to_string()),
                    ));
                }
            }
        }
        let mut positions: Vec<u32> = self.escapes.iter().chain(&o.escapes).chain(&t.escapes).copied().collect();
        positions.sort_unstable();
        positions.dedup();
        out.escapes = positions
            .into_iter()
            .filter(|p| {
                let has = |m: &Marks| m.escapes.contains(p);
                let (b, ov, tv) = (has(self), has(o), has(t));
                if ov == tv || b == ov { tv } else { ov }
            })
            .collect();
        out
    }
}

/// Pairs of keys whose spans overlap without nesting.
fn crossings(keys: impl Iterator<Item = Key>) -> Vec<(Key, Key)> {
    let mut keys: Vec<Key> = keys.collect();
    keys.sort_by_key(|&(s, e, n)| (s, std::cmp::Reverse(e), n));
    let mut stack: Vec<Key> = Vec::new();
    let mut out = Vec::new();
    for k in keys {
        while stack.last().is_some_and(|top| top.1 <= k.0 && !(top.0 == k.0 && top.1 == k.1)) {
            stack.pop();
        }
        if let Some(&top) = stack.last()
            && k.1 > top.1
        {
            out.push((top, k));
            continue;
        }
        stack.push(k);
    }
    out
}

/// One line's mentions merged: those settled, and those in conflict with each side's version.
#[derive(Default)]
struct Merge {
    clean: Vec<(Key, String)>,
    conflicts: Vec<(Key, Option<String>, Option<String>)>,
    escapes: Vec<u32>,
}

impl Merge {
    /// The line written out, with the conflicts settled for side 1 (ours) or 2 (theirs);
    /// `None` if that does not parse back to exactly these mentions (then the side's own line
    /// is shown instead).
    fn render(&self, text: &str, side: Option<usize>) -> Option<String> {
        let mut mentions: Vec<(Key, &str)> = self.clean.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if let Some(side) = side {
            mentions.extend(
                self.conflicts
                    .iter()
                    .filter_map(|(k, o, t)| if side == 1 { o.as_deref() } else { t.as_deref() }.map(|v| (*k, v))),
            );
        }
        if !crossings(mentions.iter().map(|(k, _)| *k)).is_empty() {
            return None;
        }
        // What goes before each plain offset: tags that close there (innermost first), empty
        // mentions, `[`s that open there (outermost first), an escape's `\`.
        let mut marks: Vec<(u32, u8, i64, String)> = Vec::new();
        for &((s, e, n), tag) in &mentions {
            if s == e {
                marks.push((s, 1, n as i64, format!("[]{{{tag}}}")));
            } else {
                marks.push((e, 0, -(s as i64) * 1024 - n as i64, format!("]{{{tag}}}")));
                marks.push((s, 2, -(e as i64) * 1024 + n as i64, "[".into()));
            }
        }
        marks.extend(self.escapes.iter().map(|&p| (p, 3, 0, "\\".to_string())));
        marks.sort();
        let mut out = String::with_capacity(text.len() + marks.iter().map(|m| m.3.len()).sum::<usize>());
        let mut pos = 0usize;
        for (at, _, _, mark) in &marks {
            let at = (*at as usize).min(text.len());
            out.push_str(text.get(pos..at)?);
            pos = at;
            out.push_str(mark);
        }
        out.push_str(&text[pos..]);
        // The written line must read back as exactly what was merged.
        let back = Marks::of(&out);
        let mut want: Vec<(Key, &str)> = mentions;
        want.sort();
        let got: Vec<(Key, &str)> = back.mentions.iter().map(|(k, v)| (*k, *v)).collect();
        (got == want && self::plain(&out) == text).then_some(out)
    }
}

/// A tag merged three ways: `Some(result)` (`None` inside: no mention), or `None` for a
/// conflict. A tag changed on both sides is merged by parts: its head (`type.mode:id`) and
/// each role (the n-th of that name), so a role added on each side is clean.
fn merge_tag<'a>(b: Option<&'a str>, o: Option<&'a str>, t: Option<&'a str>) -> Option<Option<String>> {
    if o == t || b == t {
        return Some(o.map(str::to_string));
    }
    if b == o {
        return Some(t.map(str::to_string));
    }
    let (o, t) = (o?, t?);
    let (bp, op, tp) = (Parts::of(b.unwrap_or("")), Parts::of(o), Parts::of(t));
    let head = three(bp.head, op.head, tp.head)?;
    let mut roles: Vec<(&str, usize)> = op.args.iter().chain(&tp.args).map(|(k, _)| *k).collect();
    let mut seen = std::collections::HashSet::new();
    roles.retain(|k| seen.insert(*k));
    let mut words: Vec<&str> = head.into_iter().collect();
    for role in roles {
        let get = |p: &Parts<'a>| -> Option<&'a str> { p.args.iter().find(|(k, _)| *k == role).map(|(_, w)| *w) };
        if let Some(w) = three(get(&bp), get(&op), get(&tp))? {
            words.push(w);
        }
    }
    Some(Some(words.join(" ")))
}

/// A value merged three ways: `None` for a conflict.
fn three<T: PartialEq + Copy>(b: T, o: T, t: T) -> Option<T> {
    if o == t || b == t {
        Some(o)
    } else if b == o {
        Some(t)
    } else {
        None
    }
}

/// A tag's words: its head, and each argument word by (role, how many of that role before it).
struct Parts<'a> {
    head: Option<&'a str>,
    args: Vec<((&'a str, usize), &'a str)>,
}

impl<'a> Parts<'a> {
    fn of(tag: &'a str) -> Parts<'a> {
        let mut words = tag.split([' ', '\t']).filter(|w| !w.is_empty()).peekable();
        let head = words.next_if(|w| !w.contains('='));
        let mut args: Vec<((&str, usize), &str)> = Vec::new();
        for w in words {
            let role = w.split_once('=').map_or(w, |(r, _)| r);
            let nth = args.iter().filter(|((r, _), _)| *r == role).count();
            args.push(((role, nth), w));
        }
        Parts { head, args }
    }
}

/// The pieces written out, adjacent conflicts gathered into one block.
fn write(pieces: Vec<Piece>, labels: &Labels, ours: &str) -> Merged {
    let crlf = ours.find('\n').is_some_and(|i| i > 0 && ours.as_bytes()[i - 1] == b'\r');
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut text = String::with_capacity(ours.len() + 64);
    let mut conflicts = 0;
    let mut open: Option<(String, String)> = None;
    let close = |text: &mut String, (o, t): (String, String)| {
        let marker = |c: char| c.to_string().repeat(labels.marker_size);
        let ended = |s: &str| s.is_empty() || s.ends_with('\n');
        text.push_str(&format!("{} {}{nl}", marker('<'), labels.ours));
        text.push_str(&o);
        if !ended(&o) {
            text.push_str(nl);
        }
        text.push_str(&format!("{}{nl}", marker('=')));
        text.push_str(&t);
        if !ended(&t) {
            text.push_str(nl);
        }
        text.push_str(&format!("{} {}{nl}", marker('>'), labels.theirs));
    };
    for piece in pieces {
        match piece {
            Piece::Clean(s) if s.is_empty() => {}
            Piece::Clean(s) => {
                if let Some(block) = open.take() {
                    close(&mut text, block);
                }
                text.push_str(&s);
            }
            Piece::Conflict { ours, theirs } => match &mut open {
                Some((o, t)) => {
                    o.push_str(&ours);
                    t.push_str(&theirs);
                }
                None => {
                    conflicts += 1;
                    open = Some((ours, theirs));
                }
            },
        }
    }
    if let Some(block) = open.take() {
        close(&mut text, block);
    }
    Merged { text, conflicts }
}

#[cfg(test)]
mod tests;
