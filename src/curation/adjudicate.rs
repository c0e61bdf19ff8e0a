//! Adjudication of several annotators' copies of one article (SPEC §13, INCEpTION's curation
//! strategies): per line of the same plain text, each mention span's labels are votes, and the
//! strategy settles the span (a label kept, no mention) or leaves it to the curator, shown as
//! conflict markers with one side per annotator.

use std::collections::BTreeMap;

use crate::syntax::conflict::{Key, Marks, crossings, plain, write_line};

/// When a label wins a span (INCEpTION's merge strategies).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Strategy {
    /// Every annotator tagged the span with the same label. Anything else is left to the
    /// curator, except spans nobody tagged.
    All,
    /// The option with the most annotators wins, "no mention" counting as an option: a label
    /// tagged by more annotators than any other label and than those who left the span
    /// untagged is kept; a tie is left to the curator.
    Majority,
    /// The label most annotators gave wins if at least `min_votes` of them gave it and they are
    /// at least `min_share` of all annotators; below that the span is left untagged; a tie
    /// between labels is left to the curator.
    Threshold { min_votes: usize, min_share: f64 },
}

/// An adjudicated article and how many conflict blocks it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjudicated {
    pub text: String,
    pub conflicts: usize,
}

/// What the strategy says of one span.
enum Decision<'a> {
    Keep(&'a str),
    Drop,
    Undecided,
}

fn decide<'a>(votes: &[Option<&'a str>], strategy: Strategy) -> Decision<'a> {
    let n = votes.len();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for v in votes.iter().flatten() {
        match counts.iter_mut().find(|(l, _)| l == v) {
            Some((_, c)) => *c += 1,
            None => counts.push((v, 1)),
        }
    }
    counts.sort_by_key(|&(_, c)| std::cmp::Reverse(c));
    let untagged = votes.iter().filter(|v| v.is_none()).count();
    let Some(&(top, votes_top)) = counts.first() else { return Decision::Drop };
    let tie = counts.get(1).is_some_and(|&(_, c)| c == votes_top);
    match strategy {
        Strategy::All if votes_top == n => Decision::Keep(top),
        Strategy::All => Decision::Undecided,
        Strategy::Majority if tie || votes_top == untagged => Decision::Undecided,
        Strategy::Majority if votes_top > untagged => Decision::Keep(top),
        Strategy::Majority => Decision::Drop,
        Strategy::Threshold { .. } if tie => Decision::Undecided,
        Strategy::Threshold { min_votes, min_share } => {
            if votes_top >= min_votes && votes_top as f64 >= min_share * n as f64 {
                Decision::Keep(top)
            } else {
                Decision::Drop
            }
        }
    }
}

/// Adjudicates the copies (at least two) of one article. Lines whose plain text differs
/// between copies are conflicts whole; so is the article when the copies' line counts differ.
/// `labels` name the copies' sides (one per copy).
pub fn adjudicate(copies: &[&str], labels: &[String], strategy: Strategy, marker_size: usize) -> Adjudicated {
    let split = |t: &'_ str| -> Vec<(String, String)> {
        t.split_inclusive('\n')
            .map(|l| {
                let body = l.trim_end_matches('\n').trim_end_matches('\r');
                (body.to_string(), l[body.len()..].to_string())
            })
            .collect()
    };
    let lines: Vec<Vec<(String, String)>> = copies.iter().map(|c| split(c)).collect();
    let mut out = Writer { text: String::new(), conflicts: 0, open: None, labels, marker_size };
    if lines.iter().any(|l| l.len() != lines[0].len()) {
        out.conflict(copies.iter().map(|c| c.to_string()).collect());
        return out.finish();
    }
    for i in 0..lines[0].len() {
        let eol = &lines[0][i].1;
        let raw: Vec<&str> = lines.iter().map(|l| l[i].0.as_str()).collect();
        if raw.iter().all(|r| *r == raw[0]) {
            out.clean(&format!("{}{eol}", raw[0]));
            continue;
        }
        let text = plain(raw[0]);
        if raw.iter().any(|r| plain(r) != text) {
            out.conflict(lines.iter().map(|l| format!("{}{}", l[i].0, l[i].1)).collect());
            continue;
        }
        match adjudicate_line(&text, &raw, strategy) {
            Ok(line) => out.clean(&format!("{line}{eol}")),
            Err(sides) => out.conflict(sides.into_iter().map(|s| format!("{s}{eol}")).collect()),
        }
    }
    out.finish()
}

/// One line whose copies share their plain text: the settled line, or one side per copy (the
/// settled mentions plus that copy's own on the spans left to the curator).
fn adjudicate_line(text: &str, raw: &[&str], strategy: Strategy) -> Result<String, Vec<String>> {
    let marks: Vec<Marks> = raw.iter().map(|r| Marks::of(r)).collect();
    let mut keys: Vec<Key> = marks.iter().flat_map(|m| m.mentions.keys().copied()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut kept: BTreeMap<Key, &str> = BTreeMap::new();
    let mut open: Vec<Key> = Vec::new();
    for key in keys {
        let votes: Vec<Option<&str>> = marks.iter().map(|m| m.mentions.get(&key).copied()).collect();
        match decide(&votes, strategy) {
            Decision::Keep(label) => {
                kept.insert(key, label);
            }
            Decision::Drop => {}
            Decision::Undecided => open.push(key),
        }
    }
    // Kept mentions of different annotators that cross are the curator's too.
    for (a, b) in crossings(kept.keys().copied()) {
        for k in [a, b] {
            if kept.remove(&k).is_some() {
                open.push(k);
            }
        }
    }
    // Escapes are the first copy's: they sit on the same text.
    let escapes = &marks[0].escapes;
    if open.is_empty()
        && let Some(line) = write_line(text, kept.iter().map(|(k, v)| (*k, *v)).collect(), escapes)
    {
        return Ok(line);
    }
    Err(marks
        .iter()
        .zip(raw)
        .map(|(m, r)| {
            let mut mentions: Vec<(Key, &str)> = kept.iter().map(|(k, v)| (*k, *v)).collect();
            mentions.extend(open.iter().filter_map(|k| m.mentions.get(k).map(|v| (*k, *v))));
            write_line(text, mentions, escapes).unwrap_or_else(|| r.to_string())
        })
        .collect())
}

/// The output, adjacent conflicting lines gathered into one block.
struct Writer<'a> {
    text: String,
    conflicts: usize,
    open: Option<Vec<String>>,
    labels: &'a [String],
    marker_size: usize,
}

impl Writer<'_> {
    fn clean(&mut self, s: &str) {
        self.close();
        self.text.push_str(s);
    }

    fn conflict(&mut self, sides: Vec<String>) {
        match &mut self.open {
            Some(open) => open.iter_mut().zip(sides).for_each(|(o, s)| o.push_str(&s)),
            None => {
                self.conflicts += 1;
                self.open = Some(sides);
            }
        }
    }

    fn close(&mut self) {
        let Some(sides) = self.open.take() else { return };
        let m = |c: char| c.to_string().repeat(self.marker_size);
        let n = sides.len();
        for (i, (side, label)) in sides.iter().zip(self.labels).enumerate() {
            // Two sides look like git's; more name each side on its `=======` line.
            let line = match i {
                0 => format!("{} {label}\n", m('<')),
                _ if n == 2 => format!("{}\n", m('=')),
                _ => format!("{} {label}\n", m('=')),
            };
            self.text.push_str(&line);
            self.text.push_str(side);
            if !side.is_empty() && !side.ends_with('\n') {
                self.text.push('\n');
            }
        }
        let last = self.labels.get(n - 1).map_or("", String::as_str);
        self.text.push_str(&format!("{} {last}\n", m('>')));
    }

    fn finish(mut self) -> Adjudicated {
        self.close();
        Adjudicated { text: self.text, conflicts: self.conflicts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        ["alice", "bob", "carol"][..n].iter().map(|s| s.to_string()).collect()
    }

    fn run(copies: &[&str], strategy: Strategy) -> Adjudicated {
        adjudicate(copies, &names(copies.len()), strategy, 7)
    }

    #[test]
    fn all_keeps_what_every_annotator_agrees_on_and_leaves_the_rest_to_the_curator() {
        let copies = ["[a]{person} b c\nx\n", "[a]{person} [b]{place} c\nx\n", "[a]{person} b c\nx\n"];
        let got = run(&copies, Strategy::All);
        assert_eq!(got.conflicts, 1);
        assert_eq!(
            got.text,
            "<<<<<<< alice\n[a]{person} b c\n======= bob\n[a]{person} [b]{place} c\n======= carol\n[a]{person} b c\n>>>>>>> carol\nx\n"
        );
        let agreed = run(&["[a]{person} b\n", "[a]{person} b\n"], Strategy::All);
        assert_eq!(agreed, Adjudicated { text: "[a]{person} b\n".into(), conflicts: 0 });
    }

    #[test]
    fn majority_counts_the_annotators_who_left_a_span_untagged() {
        let copies = ["[a]{person} [b]{org} c\n", "[a]{gov} [b]{org} c\n", "[a]{person} b [c]{place}\n"];
        let got = run(&copies, Strategy::Majority);
        // a: person 2 of 3; b: org 2 of 3; c: tagged by 1, untagged by 2.
        assert_eq!(got, Adjudicated { text: "[a]{person} [b]{org} c\n".into(), conflicts: 0 });
        // Two annotators, one label each: a tie, shown with git's markers.
        let tie = run(&["[a]{person} b\n", "[a]{gov} b\n"], Strategy::Majority);
        assert_eq!(tie.text, "<<<<<<< alice\n[a]{person} b\n=======\n[a]{gov} b\n>>>>>>> bob\n");
    }

    #[test]
    fn threshold_keeps_a_label_with_enough_votes_and_share() {
        let copies = ["[a]{person} [b]{org} c\n", "[a]{person} b c\n", "a b c\n"];
        let strict = Strategy::Threshold { min_votes: 2, min_share: 0.5 };
        assert_eq!(run(&copies, strict).text, "[a]{person} b c\n");
        let loose = Strategy::Threshold { min_votes: 1, min_share: 0.0 };
        assert_eq!(run(&copies, loose).text, "[a]{person} [b]{org} c\n");
    }

    #[test]
    fn a_line_whose_text_differs_is_a_conflict_whole_and_crossing_winners_too() {
        let got =
            run(&["[a b]{x} c\nsame\n", "a [b c]{y}\nsame\n"], Strategy::Threshold { min_votes: 1, min_share: 0.0 });
        assert_eq!(got.text, "<<<<<<< alice\n[a b]{x} c\n=======\na [b c]{y}\n>>>>>>> bob\nsame\n");
        let got = run(&["one\n", "one, edited\n"], Strategy::All);
        assert_eq!(got.text, "<<<<<<< alice\none\n=======\none, edited\n>>>>>>> bob\n");
    }
}
