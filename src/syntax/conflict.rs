//! Conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`) in a seed file (F002), and the merge of
//! one line's mentions that both `seedls merge-file` and the "keep both" fix use (SPEC §13).
//!
//! A line's mentions are merged by where they are in its plain text (markup stripped): a
//! mention is its span there and which of the mentions of that span it is, counted from the
//! outside. A tag changed on both sides is merged by parts (head, each role), so a role added
//! on each side is clean.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::syntax::annotation::{self, Stripped};

/// A line with its markup stripped (borrowed when it has none).
pub fn plain(line: &str) -> Cow<'_, str> {
    if !annotation::has_markup(line) {
        return Cow::Borrowed(line);
    }
    let (ann, _) = annotation::parse_line(line);
    if ann.mentions.is_empty() && ann.escapes.is_empty() {
        return Cow::Borrowed(line);
    }
    Cow::Owned(Stripped::new(line, &ann).text)
}

/// One line merged: clean, or a conflict whose sides each hold every clean change and their
/// own version of the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineMerge {
    Clean(String),
    Conflict { ours: String, theirs: String },
}

/// Merges two versions of a line (without its break) against their base; `None` for a base
/// without mentions. The three must have the same plain text ([`plain`]).
pub fn merge_line(base: Option<&str>, ours: &str, theirs: &str) -> LineMerge {
    if ours == theirs || base == Some(theirs) {
        return LineMerge::Clean(ours.to_string());
    }
    if base == Some(ours) {
        return LineMerge::Clean(theirs.to_string());
    }
    let (bm, om, tm) = (base.map(Marks::of).unwrap_or_default(), Marks::of(ours), Marks::of(theirs));
    let merged = bm.merge(&om, &tm);
    let text = plain(ours);
    if merged.conflicts.is_empty()
        && let Some(line) = merged.render(&text, None)
    {
        return LineMerge::Clean(line);
    }
    let side = |which: usize, raw: &str| merged.render(&text, Some(which)).unwrap_or_else(|| raw.to_string());
    LineMerge::Conflict { ours: side(1, ours), theirs: side(2, theirs) }
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
