//! Three-way merge of a seed file's versions, annotation by annotation (SPEC §13).
//!
//! A paragraph is one line, so git's line merge conflicts whenever two annotators tag the same
//! paragraph. Here lines are aligned by their plain text (markup stripped): where base, ours
//! and theirs hold the same plain text, a line's mentions are merged one by one (a mention is
//! its span in the plain text, the n-th of that span counted from the outside); where the text
//! itself changed, those lines are merged as lines (diff3). Conflicts are written as git's
//! markers around the fewest whole lines that hold them.

use std::borrow::Cow;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::syntax::conflict::{self, LineMerge, plain};

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
    let eol = o.eol;
    match conflict::merge_line(Some(b.raw), o.raw, t.raw) {
        LineMerge::Clean(line) => Piece::Clean(format!("{line}{eol}")),
        LineMerge::Conflict { ours, theirs } => {
            Piece::Conflict { ours: format!("{ours}{eol}"), theirs: format!("{theirs}{eol}") }
        }
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
