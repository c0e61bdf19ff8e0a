//! Inline annotations: `[surface]{type.mode:id role=value,value}` (SPEC §3).
//!
//! Matching is line by line with a stack of `[`: a `]{` closes the innermost open `[`, a plain
//! `]` closes it as prose (`[sic]`), so mentions nest and prose brackets inside a surface are
//! kept. Mentions cannot overlap by construction: an attempt at overlap leaves a `]{…}` with no
//! `[` (A002). `\[ \] \{ \}` are literal characters.

use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::syntax::tsv::{is_id, is_name};
use crate::text::{TextRange, lines};

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Mention {
    /// From the opening `[` to the closing `}` inclusive.
    pub range: TextRange,
    /// Between `[` and `]`.
    pub surface: TextRange,
    /// Between `{` and `}`.
    pub tag: TextRange,
    /// `type.mode:id`; `None` when the tag does not start with a well-formed one.
    pub head: Option<Head>,
    pub args: Vec<Arg>,
    /// Index of the innermost mention this one is nested in.
    pub parent: Option<u32>,
}

impl Mention {
    /// The `]{…}` markup after the surface.
    pub fn tag_markup(&self) -> TextRange {
        TextRange::new(self.surface.end, self.range.end)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Head {
    pub ty: TextRange,
    pub mode: Option<TextRange>,
    pub id: Option<TextRange>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Arg {
    /// `role=value,value`.
    pub range: TextRange,
    pub role: TextRange,
    pub values: Vec<TextRange>,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Annotations {
    /// Ordered by start offset (outer before inner).
    pub mentions: Vec<Mention>,
    /// Offsets of the `\` of every escape.
    pub escapes: Vec<u32>,
}

impl Annotations {
    /// Byte ranges the markup occupies, sorted: what stripping removes.
    pub fn markup(&self) -> Vec<TextRange> {
        let mut out: Vec<TextRange> = self
            .mentions
            .iter()
            .flat_map(|m| [TextRange::at(m.range.start, 1), m.tag_markup()])
            .chain(self.escapes.iter().map(|&e| TextRange::at(e, 1)))
            .collect();
        out.sort_unstable();
        out
    }

    /// The innermost mention whose range touches `offset`.
    pub fn mention_at(&self, offset: u32) -> Option<usize> {
        self.mentions.iter().enumerate().rfind(|(_, m)| m.range.touches(offset)).map(|(i, _)| i)
    }
}

pub fn parse_annotations(text: &str) -> (Annotations, Vec<Diagnostic>) {
    let mut out = Annotations::default();
    let mut diags = Vec::new();
    for line in lines(text) {
        // Fast path: most prose lines have no markup at all.
        if !has_markup(&text[line]) {
            continue;
        }
        let (annotations, line_diags) = parse_line(&text[line]);
        out.append(annotations, line.start);
        diags.extend(line_diags.into_iter().map(|d| d.shift(line.start)));
    }
    (out, diags)
}

/// Whether a line may hold markup or escapes (`[`, `]` or `\`).
pub fn has_markup(line: &str) -> bool {
    memchr::memchr3(b'[', b']', b'\\', line.as_bytes()).is_some()
}

/// The annotations of one line on its own, in offsets from the line's start, parents as
/// indices into the line's mentions. Annotations never span lines, so a file's annotations
/// are its lines' put end to end ([`Annotations::append`]).
pub fn parse_line(line: &str) -> (Annotations, Vec<Diagnostic>) {
    let mut out = Annotations::default();
    let mut diags = Vec::new();
    scan_line(line, &mut out, &mut diags);
    out.mentions.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
    // Parents were recorded as range starts while parsing; turn them into indices now.
    if out.mentions.iter().any(|m| m.parent.is_some()) {
        let starts: Vec<u32> = out.mentions.iter().map(|m| m.range.start).collect();
        for m in &mut out.mentions {
            if let Some(p) = m.parent {
                m.parent = Some(starts.binary_search(&p).map(|i| i as u32).unwrap_or_else(|i| i as u32));
            }
        }
    }
    (out, diags)
}

impl Mention {
    /// The same mention `by` bytes further on.
    pub fn shift(mut self, by: u32) -> Mention {
        self.range = self.range.shift(by);
        self.surface = self.surface.shift(by);
        self.tag = self.tag.shift(by);
        self.head = self.head.map(|h| Head {
            ty: h.ty.shift(by),
            mode: h.mode.map(|m| m.shift(by)),
            id: h.id.map(|i| i.shift(by)),
        });
        for a in &mut self.args {
            a.range = a.range.shift(by);
            a.role = a.role.shift(by);
            for v in &mut a.values {
                *v = v.shift(by);
            }
        }
        self
    }
}

impl Annotations {
    /// Appends the annotations of a later line that starts at `offset`.
    pub fn append(&mut self, line: Annotations, offset: u32) {
        let base = self.mentions.len() as u32;
        self.mentions.extend(line.mentions.into_iter().map(|m| {
            let parent = m.parent.map(|p| p + base);
            Mention { parent, ..m.shift(offset) }
        }));
        self.escapes.extend(line.escapes.into_iter().map(|e| e + offset));
    }
}

/// Matches the brackets of one whole line (`text` is the line).
fn scan_line(text: &str, out: &mut Annotations, diags: &mut Vec<Diagnostic>) {
    let b = text.as_bytes();
    let end = text.len();
    let mut stack: Vec<usize> = Vec::new();
    // Mentions closed on this line whose parent is not known yet (start offsets into `out`).
    let mut orphans: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < end {
        // Jump to the next byte that matters (prose is most of a line).
        match memchr::memchr3(b'[', b']', b'\\', &b[i..end]) {
            Some(skip) => i += skip,
            None => break,
        }
        match b[i] {
            b'\\' if i + 1 < end && matches!(b[i + 1], b'[' | b']' | b'{' | b'}') => {
                out.escapes.push(i as u32);
                i += 2;
            }
            b'[' => {
                stack.push(i);
                i += 1;
            }
            b']' if i + 1 < end && b[i + 1] == b'{' => {
                let tag_start = i + 2;
                // A tag holds only names, ids and `role=value`s: a bracket or brace before its
                // `}` means it was never closed, and that `}` belongs to a later tag.
                let close = (tag_start..end)
                    .find(|&j| matches!(b[j], b'}' | b'[' | b']' | b'{') && b[j - 1] != b'\\')
                    .filter(|&j| b[j] == b'}');
                let Some(close) = close else {
                    diags.push(unclosed_tag(text, i, tag_start, end));
                    stack.pop();
                    i = tag_start;
                    continue;
                };
                let tag = TextRange::from_usize(tag_start..close);
                match stack.pop() {
                    None => {
                        let markup = TextRange::from_usize(i..close + 1);
                        diags.push(
                            Diagnostic::new(
                                Code::A002,
                                markup,
                                "this tag has no matching `[` on its line (mentions may nest but not overlap)",
                            )
                            .with_fix(Fix::replace("Remove the tag", markup, "")),
                        );
                    }
                    Some(open) => {
                        let range = TextRange::from_usize(open..close + 1);
                        let surface = TextRange::from_usize(open + 1..i);
                        let (head, args) = parse_tag(text, tag, diags);
                        if surface.is_empty() {
                            diags.push(
                                Diagnostic::new(Code::A010, range, "empty mention: nothing between `[` and `]`")
                                    .with_fix(Fix::replace("Remove the empty mention", range, "")),
                            );
                        }
                        let index = out.mentions.len();
                        // Mentions closed earlier inside this one are its children.
                        orphans.retain(|&c| {
                            let child: &mut Mention = &mut out.mentions[c];
                            if child.range.start as usize > open {
                                child.parent = Some(open as u32);
                                false
                            } else {
                                true
                            }
                        });
                        orphans.push(index);
                        out.mentions.push(Mention { range, surface, tag, head, args, parent: None });
                    }
                }
                i = close + 1;
            }
            b']' => {
                stack.pop();
                i += 1;
            }
            _ => i += 1,
        }
    }
}

fn unclosed_tag(text: &str, bracket: usize, tag_start: usize, end: usize) -> Diagnostic {
    let rest = &text[tag_start..end];
    // Guess the tag ends at the first space: `{person:kz.x` is far more common than a tag with
    // arguments that lost its brace.
    let word_end = tag_start + rest.find(|c: char| c.is_whitespace() || "[]{}".contains(c)).unwrap_or(rest.len());
    let mut d = Diagnostic::new(
        Code::A001,
        TextRange::from_usize(bracket..word_end.max(tag_start)),
        "tag `]{` is not closed by `}` on this line",
    );
    if word_end > tag_start {
        d = d.with_fix(Fix::replace("Close the tag with `}`", TextRange::empty(word_end as u32), "}"));
    }
    d
}

/// Splits a tag into `type.mode:id` and `role=value,value` words, reporting A003.
fn parse_tag(text: &str, tag: TextRange, diags: &mut Vec<Diagnostic>) -> (Option<Head>, Vec<Arg>) {
    let content = &text[tag];
    // Words are visited once, in order: no list of them (a tag of most of the ~30 a file).
    let mut words = content
        .split([' ', '\t'])
        .scan(tag.start, |pos, w| {
            let r = TextRange::at(*pos, w.len() as u32);
            *pos += w.len() as u32 + 1;
            Some(r)
        })
        .filter(|r| !r.is_empty());
    let Some(first) = words.next() else {
        let whole = TextRange::new(tag.start - 2, tag.end + 1);
        diags.push(Diagnostic::new(
            Code::A003,
            whole,
            "empty tag: write a type, e.g. `{person}` or `{person:kz.tokayev}`",
        ));
        return (None, Vec::new());
    };
    let mut head = None;
    let first_is_arg = text[first].contains('=');
    if !first_is_arg {
        head = parse_head(text, first, diags);
    } else {
        diags.push(Diagnostic::new(
            Code::A003,
            first,
            "a tag starts with its type, e.g. `{protest actor=kz.protesters}`",
        ));
    }
    let rest = std::iter::once(first).filter(|_| first_is_arg).chain(words);
    let mut args = Vec::new();
    for w in rest {
        let word = &text[w];
        let Some(eq) = word.find('=') else {
            let msg = if is_id(word) {
                format!("stray `{word}` in the tag: arguments are written `role=value`")
            } else {
                format!("stray characters `{word}` in the tag")
            };
            diags.push(Diagnostic::new(Code::A003, w, msg));
            continue;
        };
        let role = TextRange::at(w.start, eq as u32);
        if !is_name(&text[role]) {
            diags.push(Diagnostic::new(
                Code::A003,
                role,
                format!("`{}` is not a valid role name (lower-case letters, digits, `_`, `-`)", &text[role]),
            ));
            continue;
        }
        let mut values = Vec::new();
        let mut pos = w.start + eq as u32 + 1;
        let mut ok = true;
        for v in word[eq + 1..].split(',') {
            let r = TextRange::at(pos, v.len() as u32);
            pos += v.len() as u32 + 1;
            if v.is_empty() {
                diags.push(Diagnostic::new(
                    Code::A003,
                    TextRange::new(w.start, w.end),
                    format!("empty value in `{word}`"),
                ));
                ok = false;
            } else if !is_id(v) {
                diags.push(Diagnostic::new(Code::A003, r, format!("`{v}` is not a valid id or date")));
                ok = false;
            } else {
                values.push(r);
            }
        }
        if ok || !values.is_empty() {
            args.push(Arg { range: w, role, values });
        }
    }
    (head, args)
}

fn parse_head(text: &str, word: TextRange, diags: &mut Vec<Diagnostic>) -> Option<Head> {
    let s = &text[word];
    let (ty_mode, id) = match s.find(':') {
        Some(c) => (&s[..c], Some(TextRange::at(word.start + c as u32 + 1, (s.len() - c - 1) as u32))),
        None => (s, None),
    };
    let (ty, mode) = match ty_mode.find('.') {
        Some(d) => (
            TextRange::at(word.start, d as u32),
            Some(TextRange::at(word.start + d as u32 + 1, (ty_mode.len() - d - 1) as u32)),
        ),
        None => (TextRange::at(word.start, ty_mode.len() as u32), None),
    };
    let ty_text = &text[ty];
    if !is_name(ty_text) {
        let mut d = Diagnostic::new(
            Code::A003,
            // An empty type has no width to underline: take the whole `:id` word.
            if ty_text.is_empty() { word } else { ty },
            if ty_text.is_empty() {
                "missing type before `:`".to_string()
            } else {
                format!("`{ty_text}` is not a valid type name (lower-case letters, digits, `_`, `-`)")
            },
        );
        let lower = ty_text.to_ascii_lowercase();
        if is_name(&lower) {
            d = d.with_fix(Fix::replace(format!("Write `{lower}`"), ty, lower));
        }
        diags.push(d);
        return None;
    }
    if let Some(m) = mode
        && !is_name(&text[m])
    {
        diags.push(Diagnostic::new(
            Code::A003,
            if m.is_empty() { word } else { m },
            format!("`{}` is not a valid mode name", &text[m]),
        ));
        return None;
    }
    if let Some(id) = id
        && !is_id(&text[id])
    {
        let msg = if id.is_empty() {
            "missing id after `:`".to_string()
        } else {
            format!("`{}` is not a valid id (letters, digits, `.`, `_`, `-`)", &text[id])
        };
        let d = Diagnostic::new(Code::A003, if id.is_empty() { word } else { id }, msg);
        // An empty id is clearly a slip: drop the colon.
        let d = if id.is_empty() {
            d.with_fix(Fix::new("Remove the `:`", vec![Edit::here(TextRange::at(id.start - 1, 1), "")]))
        } else {
            d
        };
        diags.push(d);
        return Some(Head { ty, mode, id: None });
    }
    Some(Head { ty, mode, id })
}

/// The article text with every mention's markup and every escape removed, and a map from
/// offsets in the annotated text to offsets in the stripped one.
pub struct Stripped {
    pub text: String,
    removed: Vec<TextRange>,
    /// Bytes removed before each range of `removed`, so mapping is a binary search.
    shift: Vec<u32>,
}

impl Stripped {
    pub fn new(text: &str, annotations: &Annotations) -> Stripped {
        let removed = annotations.markup();
        let mut out = String::with_capacity(text.len());
        let mut shift = Vec::with_capacity(removed.len());
        let (mut pos, mut total) = (0usize, 0u32);
        for r in &removed {
            out.push_str(&text[pos..r.start as usize]);
            pos = r.end as usize;
            shift.push(total);
            total += r.len();
        }
        out.push_str(&text[pos..]);
        Stripped { text: out, removed, shift }
    }

    /// Offset in the stripped text of a byte offset in the annotated text; an offset inside
    /// removed markup maps to where the markup was.
    pub fn map(&self, offset: u32) -> u32 {
        // Removed ranges are sorted and disjoint: those ending at or before `offset` are a prefix.
        let i = self.removed.partition_point(|r| r.end <= offset);
        let before = self
            .shift
            .get(i)
            .copied()
            .unwrap_or_else(|| self.shift.last().map_or(0, |&s| s + self.removed[i - 1].len()));
        let inside = self.removed.get(i).map_or(0, |r| offset.saturating_sub(r.start));
        offset - before - inside
    }
}

impl Stripped {
    /// Offset in the annotated text of a stripped offset: just after any markup that precedes it.
    pub fn unmap(&self, offset: u32) -> u32 {
        let mut at = offset;
        for r in &self.removed {
            if r.start <= at {
                at += r.len();
            } else {
                break;
            }
        }
        at
    }
}

/// Convenience: parse and strip.
pub fn strip(text: &str) -> String {
    Stripped::new(text, &parse_annotations(text).0).text
}
