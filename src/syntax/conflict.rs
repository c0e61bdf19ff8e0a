//! Conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`) in a seed file (F002), and the merge of
//! one line's mentions that both `seedls merge-file` and the "keep both" fix use (SPEC §13).
//!
//! A line's mentions are merged by where they are in its plain text (markup stripped): a
//! mention is its span there and which of the mentions of that span it is, counted from the
//! outside. A tag changed on both sides is merged by parts (head, each role), so a role added
//! on each side is clean.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Edit, Fix, Related};
use crate::syntax::annotation::{self, Stripped};
use crate::text::{TextRange, lines};

/// A conflict block: from its `<<<<<<<` line to its `>>>>>>>` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The whole block, the break after its last marker included.
    pub range: TextRange,
    /// Each marker line, without its break.
    pub markers: Vec<TextRange>,
    pub sides: Vec<Side>,
}

/// One side of a conflict block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// What its marker names it (git's branch, an annotator's folder); `base` for diff3's
    /// `|||||||` section when it names nothing.
    pub label: String,
    /// Its lines, their breaks included.
    pub body: TextRange,
    /// diff3's common ancestor (`|||||||`), not a side to keep.
    pub base: bool,
}

/// A marker line: its character, the run's length, and the label after it.
fn marker(line: &str) -> Option<(u8, usize, &str)> {
    let c = *line.as_bytes().first()?;
    if !matches!(c, b'<' | b'=' | b'|' | b'>') {
        return None;
    }
    let run = line.bytes().take_while(|&b| b == c).count();
    let rest = &line[run..];
    if run < 7 || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((c, run, rest.trim()))
}

/// Whether a text may hold a conflict marker: a quick test before [`blocks`].
pub fn has_markers(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"<<<<<<<").is_some()
}

/// The conflict blocks of a text, and the `<<<<<<<` lines no block closes.
pub fn blocks(text: &str) -> (Vec<Block>, Vec<TextRange>) {
    let (mut out, mut open_ended) = (Vec::new(), Vec::new());
    if !has_markers(text) {
        return (out, open_ended);
    }
    let mut open: Option<(usize, Block, u32)> = None;
    let line_end = |line: TextRange| {
        let rest = &text.as_bytes()[line.end as usize..];
        line.end + if rest.starts_with(b"\r\n") { 2 } else { u32::from(rest.starts_with(b"\n")) }
    };
    for line in lines(text) {
        let Some((c, run, label)) = marker(&text[line]) else { continue };
        match (c, open.as_mut()) {
            (b'<', _) => {
                if let Some((_, block, _)) = open.take() {
                    open_ended.push(block.markers[0]);
                }
                let side = Side { label: label.to_string(), body: TextRange::empty(line_end(line)), base: false };
                open = Some((run, Block { range: line, markers: vec![line], sides: vec![side] }, line.start));
            }
            (b'=' | b'|', Some((size, block, _))) if run == *size => {
                let last = block.sides.last_mut().expect("a block starts with a side");
                last.body = TextRange::new(last.body.start, line.start);
                let label = if label.is_empty() && c == b'|' { "base" } else { label };
                block.markers.push(line);
                block.sides.push(Side {
                    label: label.to_string(),
                    body: TextRange::empty(line_end(line)),
                    base: c == b'|',
                });
            }
            (b'>', Some((size, _, _))) if run == *size => {
                let (_, mut block, start) = open.take().expect("matched");
                let last = block.sides.last_mut().expect("a block starts with a side");
                last.body = TextRange::new(last.body.start, line.start);
                if last.label.is_empty() {
                    last.label = label.to_string();
                }
                block.markers.push(line);
                block.range = TextRange::new(start, line_end(line));
                // A block with no `=======` has one side: nothing to choose between.
                if block.sides.iter().filter(|s| !s.base).count() >= 2 {
                    out.push(block);
                } else {
                    open_ended.push(block.markers[0]);
                }
            }
            _ => {}
        }
    }
    if let Some((_, block, _)) = open {
        open_ended.push(block.markers[0]);
    }
    (out, open_ended)
}

/// F002 on every conflict block, with a fix to keep each side and, where their mentions nest,
/// one to keep both; and on every `<<<<<<<` line no block closes. The sides of a block repeat
/// each other's lines: a T002 among `out` inside a block goes.
pub fn diagnostics(text: &str, out: &mut Vec<Diagnostic>) {
    let (blocks, open_ended) = blocks(text);
    if !blocks.is_empty() {
        let inside = |r: TextRange| blocks.iter().any(|b| b.range.start <= r.start && r.end <= b.range.end);
        out.retain(|d| d.code != Code::T002 || !(inside(d.range) || d.related.iter().any(|r| inside(r.range))));
    }
    for block in blocks {
        let names: Vec<&str> = block.sides.iter().filter(|s| !s.base).map(|s| s.label.as_str()).collect();
        let named = |l: &str| if l.is_empty() { "unnamed side".to_string() } else { format!("«{l}»") };
        let message = format!(
            "unresolved merge conflict between {}: keep one side, or edit the block and remove its markers",
            names.iter().map(|l| named(l)).collect::<Vec<_>>().join(" and ")
        );
        let mut d = Diagnostic::new(Code::F002, block.range, message);
        d.related = block
            .markers
            .iter()
            .map(|&m| Related { file: None, range: m, message: "conflict marker".into() })
            .collect();
        for (i, side) in block.sides.iter().enumerate().filter(|(_, s)| !s.base) {
            let title =
                if side.label.is_empty() { format!("Keep side {}", i + 1) } else { format!("Keep {}", side.label) };
            d = d.with_fix(Fix::new(title, vec![Edit::here(block.range, &text[side.body])]));
        }
        if let Some(both) = keep_both(text, &block) {
            d = d.with_fix(Fix::new("Keep both", vec![Edit::here(block.range, both)]));
        }
        out.push(d);
    }
    for start in open_ended {
        out.push(Diagnostic::new(
            Code::F002,
            start,
            "merge conflict marker with no `=======` and `>>>>>>>` after it: remove it, or finish the block",
        ));
    }
}

/// Every side's mentions on the same text, when they can all be had at once: the sides hold
/// the same plain text line by line, and their mentions nest without two tagging one span
/// differently.
fn keep_both(text: &str, block: &Block) -> Option<String> {
    let sides: Vec<&str> = block.sides.iter().filter(|s| !s.base).map(|s| &text[s.body]).collect();
    let split = |s: &str| -> Vec<TextRange> { if s.is_empty() { Vec::new() } else { lines(s).collect() } };
    let first = sides[0];
    let first_lines = split(first);
    let mut merged: Vec<String> = first_lines.iter().map(|&l| first[l].to_string()).collect();
    for other in &sides[1..] {
        let other_lines = split(other);
        if other_lines.len() != merged.len() {
            return None;
        }
        for (line, &o) in merged.iter_mut().zip(&other_lines) {
            let o = &other[o];
            if plain(line) != plain(o) {
                return None;
            }
            match merge_line(None, line, o) {
                LineMerge::Clean(m) => *line = m,
                LineMerge::Conflict { .. } => return None,
            }
        }
    }
    // The first side's line breaks are kept.
    let mut out = String::with_capacity(first.len());
    let mut rest = first;
    for (line, range) in merged.iter().zip(&first_lines) {
        out.push_str(line);
        let end = &rest[range.end as usize - (first.len() - rest.len())..];
        let brk = if end.starts_with("\r\n") {
            "\r\n"
        } else if end.starts_with('\n') {
            "\n"
        } else {
            ""
        };
        out.push_str(brk);
        rest = &end[brk.len()..];
    }
    Some(out)
}

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
pub type Key = (u32, u32, u32);

/// The markup of one line, in offsets of its plain text.
#[derive(Default)]
pub struct Marks<'a> {
    /// Tag contents (between `{` and `}`) by key.
    pub mentions: BTreeMap<Key, &'a str>,
    /// Plain-text offsets of the characters written escaped.
    pub escapes: Vec<u32>,
}

impl<'a> Marks<'a> {
    pub fn of(line: &'a str) -> Marks<'a> {
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
pub fn crossings(keys: impl Iterator<Item = Key>) -> Vec<(Key, Key)> {
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
        write_line(text, mentions, &self.escapes)
    }
}

/// A line's plain text written with these mentions and escapes; `None` when they cross or the
/// line would not read back as exactly them.
pub fn write_line(text: &str, mentions: Vec<(Key, &str)>, escapes: &[u32]) -> Option<String> {
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
    marks.extend(escapes.iter().map(|&p| (p, 3, 0, "\\".to_string())));
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

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    /// Each F002 with its range and each fix applied to the whole text.
    fn check(text: &str, want: Expect) {
        let mut diags = Vec::new();
        diagnostics(text, &mut diags);
        let mut out = String::new();
        for d in &diags {
            out.push_str(&format!("{:?} {}\n", d.range, d.message));
            for r in &d.related {
                out.push_str(&format!("  marker {:?}\n", &text[r.range]));
            }
            for f in &d.fixes {
                let e = &f.edits[0];
                let fixed = format!("{}{}{}", &text[..e.range.start as usize], e.insert, &text[e.range.end as usize..]);
                out.push_str(&format!("  {} => {fixed:?}\n", f.title));
            }
        }
        want.assert_eq(&out);
    }

    #[test]
    fn a_block_is_one_diagnostic_with_a_fix_per_side_and_keep_both_when_mentions_nest() {
        check(
            "a\n<<<<<<< ours\n[Tokaïev]{person} à Almaty.\n=======\nTokaïev à [Almaty]{place}.\n>>>>>>> theirs\nz\n",
            expect![[r#"
                2..97 unresolved merge conflict between «ours» and «theirs»: keep one side, or edit the block and remove its markers
                  marker "<<<<<<< ours"
                  marker "======="
                  marker ">>>>>>> theirs"
                  Keep ours => "a\n[Tokaïev]{person} à Almaty.\nz\n"
                  Keep theirs => "a\nTokaïev à [Almaty]{place}.\nz\n"
                  Keep both => "a\n[Tokaïev]{person} à [Almaty]{place}.\nz\n"
            "#]],
        );
    }

    #[test]
    fn no_keep_both_when_the_text_differs_or_a_span_is_tagged_two_ways() {
        check(
            "<<<<<<< HEAD\r\n[a]{person} b\r\n=======\r\n[a]{place} b\r\n>>>>>>> alice\r\n",
            expect![[r#"
                0..67 unresolved merge conflict between «HEAD» and «alice»: keep one side, or edit the block and remove its markers
                  marker "<<<<<<< HEAD"
                  marker "======="
                  marker ">>>>>>> alice"
                  Keep HEAD => "[a]{person} b\r\n"
                  Keep alice => "[a]{place} b\r\n"
            "#]],
        );
        check(
            "<<<<<<< ours\n[a b]{x} c\n=======\na [b c]{y}\n>>>>>>> theirs",
            expect![[r#"
                0..57 unresolved merge conflict between «ours» and «theirs»: keep one side, or edit the block and remove its markers
                  marker "<<<<<<< ours"
                  marker "======="
                  marker ">>>>>>> theirs"
                  Keep ours => "[a b]{x} c\n"
                  Keep theirs => "a [b c]{y}\n"
            "#]],
        );
    }

    #[test]
    fn diff3_bases_several_annotators_and_open_ended_markers() {
        check(
            "<<<<<<< alice\n[a]{x} b\n||||||| base\na b\n======= bob\na [b]{y}\n======= carol\n[a b]{z}\n>>>>>>> carol\n<<<<<<< lost\nx\n",
            expect![[r#"
                0..98 unresolved merge conflict between «alice» and «bob» and «carol»: keep one side, or edit the block and remove its markers
                  marker "<<<<<<< alice"
                  marker "||||||| base"
                  marker "======= bob"
                  marker "======= carol"
                  marker ">>>>>>> carol"
                  Keep alice => "[a]{x} b\n<<<<<<< lost\nx\n"
                  Keep bob => "a [b]{y}\n<<<<<<< lost\nx\n"
                  Keep carol => "[a b]{z}\n<<<<<<< lost\nx\n"
                  Keep both => "[[a]{x} [b]{y}]{z}\n<<<<<<< lost\nx\n"
                98..110 merge conflict marker with no `=======` and `>>>>>>>` after it: remove it, or finish the block
            "#]],
        );
        // Prose that only looks like a marker is prose.
        check(
            "<<<<<<<< eight\n=======x\n<<<<<<<\n",
            expect![[r#"
            0..14 merge conflict marker with no `=======` and `>>>>>>>` after it: remove it, or finish the block
            24..31 merge conflict marker with no `=======` and `>>>>>>>` after it: remove it, or finish the block
        "#]],
        );
    }
}
