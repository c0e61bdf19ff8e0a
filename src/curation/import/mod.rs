//! Imports: another tool's annotated documents turned into seed files (SPEC §14), the inverse
//! of [`super::export`]. One module a format ([`brat`], [`jsonl`], [`conll`]); each turns its
//! input into a [`Doc`] (the plain text and its mentions in characters) and [`Issue`]s for what
//! inline markup cannot hold; [`place`] drops and reports the spans that cannot be written
//! inline, and [`render`] writes the rest as markup. Pure functions: the CLI reads and writes.

pub mod brat;
pub mod conll;
pub mod jsonl;

use std::fmt::Write as _;

use crate::corpus::is_date_shaped;
use crate::curation::naming;
use crate::diagnostic::Code;
use crate::syntax::annotation::{Stripped, parse_line};
use crate::syntax::header::{Date, parse_header};
use crate::syntax::tsv::{is_id, is_name};
use crate::text::lines;

/// A mention to write: offsets in Unicode scalar values of [`Doc::text`], end exclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub ty: String,
    pub mode: Option<String>,
    pub id: Option<String>,
    /// `role=value,value` in the order they are written.
    pub args: Vec<(String, Vec<String>)>,
    /// The line of the source that gave this mention (1-based), for reports.
    pub line: usize,
}

/// A document to write as a seed file: its full text (header line included) and its mentions.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub text: String,
    pub mentions: Vec<Mention>,
}

/// Something of the source that the seed file does not hold, or holds differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// 1-based line in the source file; 0 for the file as a whole.
    pub line: usize,
    pub kind: Kind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A span in several pieces.
    Discontinuous,
    /// A span that overlaps another without nesting in it.
    Crossing,
    /// A span over a line break (a mention is on one line).
    Multiline,
    /// A relation that is not an event role.
    Relation,
    /// An attribute other than the mode.
    Attribute,
    /// An equivalence (`*` lines).
    Equivalence,
    /// An annotator's note.
    Note,
    /// The text a span line gives differs from the document's.
    Mismatch,
    /// A type the schema in effect does not know (kept).
    UnknownType,
    /// Something else the seed file cannot hold (said in the message).
    Dropped,
    /// What the schema cannot say as the source did.
    Schema,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Discontinuous => "discontinuous",
            Kind::Crossing => "crossing",
            Kind::Multiline => "multiline",
            Kind::Relation => "relation",
            Kind::Attribute => "attribute",
            Kind::Equivalence => "equivalence",
            Kind::Note => "note",
            Kind::Mismatch => "mismatch",
            Kind::UnknownType => "unknown-type",
            Kind::Dropped => "dropped",
            Kind::Schema => "schema",
        }
    }
}

impl Issue {
    pub fn new(line: usize, kind: Kind, message: impl Into<String>) -> Issue {
        Issue { line, kind, message: message.into() }
    }
}

/// Input the format's reader refuses: the line (1-based; 0 for the whole file) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bad {
    pub line: usize,
    pub message: String,
}

impl Bad {
    pub fn new(line: usize, message: impl Into<String>) -> Bad {
        Bad { line, message: message.into() }
    }
}

/// A seed type or role name for another tool's label: lower case, characters a name cannot
/// hold as `-`, a leading non-letter after `t-` (`GPE` → `gpe`, `Merge-org` → `merge-org`,
/// `B.1` → `b-1`).
pub fn name_of(label: &str) -> String {
    let mut s: String = label
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' { c } else { '-' })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s.insert_str(0, "t-");
    }
    debug_assert!(is_name(&s));
    s
}

/// An id made of `s`: characters an id cannot hold as `-`, a leading one that cannot start an
/// id after `x`.
pub fn id_of(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        out.insert(0, 'x');
    }
    debug_assert!(is_id(&out));
    out
}

/// Whether the first line of `text` is a seed header with a date: then it is the header.
pub fn has_header(text: &str, today: Date) -> bool {
    parse_header(text, today).0.is_some_and(|h| h.date.is_some())
}

/// The header line (with the blank line after it) for a document without one: the date and
/// URL its metadata gives, else the month of `today` (H005 then says the URL is missing).
pub fn made_header(date: Option<&str>, url: Option<&str>, today: Date) -> String {
    let date = date.map(|d| d.get(..10).filter(|d| is_date_shaped(d)).or(d.get(..7)).unwrap_or(d));
    match (date.filter(|d| is_date_shaped(d)), url) {
        (Some(d), Some(u)) => format!(" date {d} {u}\n\n"),
        (Some(d), None) => format!(" date {d}\n\n"),
        (None, u) => naming::header(u, today),
    }
}

/// Drops the mentions inline markup cannot hold, reporting each with its source line: a span
/// out of the text or not on character boundaries is the caller's to refuse; a span over a line
/// break, and a span crossing one kept before it (in source order), are dropped here. Returns
/// which were kept, in the order given.
pub fn place(text: &str, mentions: &[Mention], issues: &mut Vec<Issue>) -> Vec<bool> {
    let breaks: Vec<usize> =
        text.chars().enumerate().filter(|(_, c)| matches!(c, '\n' | '\r')).map(|(i, _)| i).collect();
    let mut kept: Vec<&Mention> = Vec::new();
    let mut out = Vec::with_capacity(mentions.len());
    let surface = |m: &Mention| text.chars().skip(m.start).take(m.end - m.start).collect::<String>();
    for m in mentions {
        let first_break = breaks.partition_point(|&b| b < m.start);
        if breaks.get(first_break).is_some_and(|&b| b < m.end) {
            issues.push(Issue::new(
                m.line,
                Kind::Multiline,
                format!("{} «{}» spans a line break; a mention is on one line", m.ty, surface(m).escape_debug()),
            ));
            out.push(false);
            continue;
        }
        let crossing = kept.iter().find(|other| {
            let (s, e) = (other.start, other.end);
            (s < m.start && m.start < e && e < m.end) || (m.start < s && s < m.end && m.end < e)
        });
        if let Some(other) = crossing {
            issues.push(Issue::new(
                m.line,
                Kind::Crossing,
                format!(
                    "{} «{}» crosses {} «{}» (line {}) without nesting in it",
                    m.ty,
                    surface(m),
                    other.ty,
                    surface(other),
                    other.line
                ),
            ));
            out.push(false);
            continue;
        }
        kept.push(m);
        out.push(true);
    }
    out
}

/// The tag of a mention: `type.mode:id role=value,value …`.
fn tag(m: &Mention) -> String {
    let mut s = m.ty.clone();
    if let Some(mode) = &m.mode {
        let _ = write!(s, ".{mode}");
    }
    if let Some(id) = &m.id {
        let _ = write!(s, ":{id}");
    }
    for (role, values) in &m.args {
        let _ = write!(s, " {role}={}", values.join(","));
    }
    s
}

/// The seed file of `doc`: its text with every mention written inline. The mentions must have
/// been [`place`]d (nested or apart, each on one line). Mentions on the same span nest in the
/// order given. A line is written with its brackets and braces escaped (`\[`) only when it
/// would otherwise not read back as its own text and mentions; a line that cannot be written
/// either way (a backslash just before a mention's end) keeps its text, its mentions dropped and
/// reported.
pub fn render(doc: &Doc, issues: &mut Vec<Issue>) -> String {
    let text = &doc.text;
    // Byte offset of every character start, and the end.
    let bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let mut order: Vec<usize> = (0..doc.mentions.len()).collect();
    order.sort_by_key(|&i| (doc.mentions[i].start, std::cmp::Reverse(doc.mentions[i].end), i));
    let mut out = String::with_capacity(text.len() + doc.mentions.len() * 24);
    let mut next = 0;
    for range in lines(text) {
        let (ls, le) = (range.start as usize, range.end as usize);
        let mut here = Vec::new();
        while next < order.len() && bytes[doc.mentions[order[next]].start] <= le {
            let m = &doc.mentions[order[next]];
            if bytes[m.start] >= ls {
                here.push(m);
            }
            next += 1;
        }
        let line = &text[ls..le];
        let written = [false, true].into_iter().find_map(|escape| {
            let s = render_line(line, ls, &bytes, &here, escape);
            reads_back(&s, line, ls, &bytes, &here).then_some(s)
        });
        match written {
            Some(s) => out.push_str(&s),
            None => {
                for m in &here {
                    issues.push(Issue::new(
                        m.line,
                        Kind::Dropped,
                        format!("{} cannot be written inline on its line (a backslash before its end)", tag(m)),
                    ));
                }
                out.push_str(&render_line(line, ls, &bytes, &[], true));
            }
        }
        // The line's end as it was.
        let end = text[le..].find('\n').map_or(text.len(), |i| le + i + 1);
        out.push_str(&text[le..end]);
    }
    out
}

fn render_line<'a>(line: &str, base: usize, bytes: &[usize], here: &[&'a Mention], escape: bool) -> String {
    let mut out = String::with_capacity(line.len() + here.len() * 24);
    let mut stack: Vec<&'a Mention> = Vec::new();
    let mut k = 0;
    let mut at = |b: usize, out: &mut String, stack: &mut Vec<&'a Mention>| {
        while stack.last().is_some_and(|m| bytes[m.end] == b) {
            let _ = write!(out, "]{{{}}}", tag(stack.pop().expect("checked")));
        }
        while k < here.len() && bytes[here[k].start] == b {
            out.push('[');
            stack.push(here[k]);
            k += 1;
            while stack.last().is_some_and(|m| bytes[m.end] == b) {
                let _ = write!(out, "]{{{}}}", tag(stack.pop().expect("checked")));
            }
        }
    };
    for (i, c) in line.char_indices() {
        at(base + i, &mut out, &mut stack);
        if escape && matches!(c, '[' | ']' | '{' | '}') {
            out.push('\\');
        }
        out.push(c);
    }
    at(base + line.len(), &mut out, &mut stack);
    out
}

/// Whether `written` reads back as `line` with exactly the mentions `here`.
fn reads_back(written: &str, line: &str, base: usize, bytes: &[usize], here: &[&Mention]) -> bool {
    let (annotations, diagnostics) = parse_line(written);
    // A stray `]{…}` reads back as text, but is an error (A002) in the file.
    if diagnostics.iter().any(|d| matches!(d.code, Code::A001 | Code::A002 | Code::A003)) {
        return false;
    }
    let stripped = Stripped::new(written, &annotations);
    if stripped.text != line {
        return false;
    }
    let mut got: Vec<(u32, u32, String)> = annotations
        .mentions
        .iter()
        .map(|m| (stripped.map(m.surface.start), stripped.map(m.surface.end), written[m.tag].to_string()))
        .collect();
    let mut want: Vec<(u32, u32, String)> =
        here.iter().map(|m| ((bytes[m.start] - base) as u32, (bytes[m.end] - base) as u32, tag(m))).collect();
    got.sort();
    want.sort();
    got == want
}

/// Role arguments grouped by role, in the order each role first appears, each value once.
pub fn group_args(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (role, value) in pairs {
        match out.iter_mut().find(|(r, _)| *r == role) {
            Some((_, values)) => {
                if !values.contains(&value) {
                    values.push(value)
                }
            }
            None => out.push((role, vec![value])),
        }
    }
    out
}

/// Character offsets of a text: how many characters it has.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: usize, end: usize, ty: &str) -> Mention {
        Mention { start, end, ty: ty.into(), line: 1, ..Mention::default() }
    }

    #[test]
    fn renders_nested_and_escaped_markup() {
        let doc = Doc {
            text: " date 2022-01\n\nLe président [sic] a dit]{x}.\n".into(),
            mentions: vec![m(15, 27, "concede"), m(18, 27, "person"), m(15, 15, "gov")],
        };
        let mut issues = Vec::new();
        let out = render(&doc, &mut issues);
        // The stray `]{x}` of the prose would be an A002: that line is written escaped.
        assert_eq!(out, " date 2022-01\n\n[[]{gov}Le [président]{person}]{concede} \\[sic\\] a dit\\]\\{x\\}.\n");
        assert!(issues.is_empty());
        let parsed = crate::syntax::parse_seed(&out, Date::new(2026, 1, None).unwrap());
        assert!(
            parsed.diagnostics.iter().all(|d| matches!(d.code, Code::A010 | Code::H005)),
            "{:?}",
            parsed.diagnostics
        );
        assert_eq!(crate::syntax::annotation::strip(&out), doc.text);
        let plain = Doc { text: "a [sic] b".into(), mentions: vec![m(0, 1, "person"), m(2, 7, "org")] };
        assert_eq!(render(&plain, &mut issues), "[a]{person} [[sic]]{org} b");
    }

    #[test]
    fn crossing_and_multiline_spans_are_reported() {
        let text = "abc def\nghi";
        let ms = vec![m(0, 5, "a"), m(2, 7, "b"), m(4, 9, "c"), m(1, 3, "d")];
        let mut issues = Vec::new();
        assert_eq!(place(text, &ms, &mut issues), vec![true, false, false, true]);
        let kinds: Vec<Kind> = issues.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, vec![Kind::Crossing, Kind::Multiline]);
    }

    #[test]
    fn names_and_ids_are_made_valid() {
        assert_eq!(name_of("GPE"), "gpe");
        assert_eq!(name_of("Merge-org"), "merge-org");
        assert_eq!(name_of("1st.B"), "t-1st-b");
        assert_eq!(id_of("090-event structures.T1"), "090-event-structures.T1");
        assert_eq!(id_of("_a"), "x_a");
    }
}
