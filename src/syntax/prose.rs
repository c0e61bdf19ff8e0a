//! Checks on the article's prose, after stripping markup: scraping artefacts (T001, T002).

use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use std::borrow::Cow;

use crate::syntax::annotation::{Stripped, has_markup, parse_line};
use crate::text::{TextRange, lines};

/// How many non-empty body lines count as "near the top" for repeated titles.
const TOP_LINES: usize = 6;

/// How many first lines of a file a parse hands to [`repeated_lines`] already stripped.
pub const TOP_KNOWN: usize = 24;

/// T001 on one line (`from` on: the header's date and URL are not prose), given the line with
/// its markup stripped when it has any.
pub fn glued_sentences(line: &str, stripped: Option<&Stripped>, from: u32, diags: &mut Vec<Diagnostic>) {
    match stripped {
        None => glued_in_plain(line, |o| o, from, diags),
        Some(s) => glued_in_plain(&s.text, |o| s.unmap(o), s.map(from), diags),
    }
}

/// `situation.La`: a sentence end glued to the next sentence, as scrapers leave paragraph
/// breaks. Needs two lower-case letters before the stop and an upper-case then lower-case letter
/// after it (or a closing bracket or quote before it), so `M.Dupont`, `3.000`, `U.S.A.` and
/// host names do not fire.
fn glued_in_plain(plain: &str, unmap: impl Fn(u32) -> u32, body_start: u32, diags: &mut Vec<Diagnostic>) {
    let bytes = plain.as_bytes();
    for stop in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        if (stop as u32) < body_start {
            continue;
        }
        let mut before = plain[..stop].chars().rev();
        let mut after = plain[stop + 1..].chars();
        let lower = |c: Option<char>| c.is_some_and(char::is_lowercase);
        // A word of two lower-case letters, or a closing bracket or quote: `(GPL).Depuis`.
        let prev = before.next();
        let closing = prev.is_some_and(|c| matches!(c, ')' | '»' | '"' | '”'));
        if !(closing || (lower(prev) && lower(before.next()))) {
            continue;
        }
        if !(after.next().is_some_and(char::is_uppercase) && lower(after.next())) {
            continue;
        }
        // Skip URLs and e-mail-like words: look at the whole word around the stop.
        // Whitespace may be wider than a byte: French puts U+00A0 and U+202F before `!` or `»`.
        let word_start =
            plain[..stop].char_indices().rfind(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
        let word_end = plain[stop..].find(char::is_whitespace).map_or(plain.len(), |i| stop + i);
        let word = &plain[word_start..word_end];
        if word.contains("://") || word.contains("www.") || word.contains('@') {
            continue;
        }
        let at = unmap(stop as u32);
        let left =
            plain[word_start..stop].chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect::<String>();
        let right: String = plain[stop + 1..word_end].chars().take(12).collect();
        diags.push(
            Diagnostic::new(
                Code::T001,
                TextRange::at(at, 1),
                format!(
                    "glued sentence `{left}{}{right}`: a space or line break is missing after the full stop",
                    &plain[stop..stop + 1]
                ),
            )
            .with_fix(Fix::new("Insert a space", vec![Edit::here(TextRange::empty(at + 1), " ")])),
        );
    }
}

/// Normalises a line for comparison: trimmed, with ’ and ' equal.
fn comparable(line: &str) -> String {
    line.trim().replace('\u{2019}', "'")
}

/// T002: a line repeated verbatim among the first lines of the body (a title scraped twice).
/// `known` holds lines already stripped, by start offset (the parse has them at hand); the
/// others are stripped here. Returns where the last line it read starts: an edit to lines
/// after that one leaves the result as it is.
pub fn repeated_lines(text: &str, body_start: u32, known: &[(u32, String)], diags: &mut Vec<Diagnostic>) -> u32 {
    // Only the first lines of the body are looked at (plus two for the fix's range).
    let mut annotated: Vec<TextRange> = Vec::new();
    let mut text_lines = lines(text);
    let mut seen: Vec<(String, TextRange)> = Vec::new();
    let mut count = 0;
    for i in 0.. {
        while annotated.len() < i + 3 {
            match text_lines.next() {
                Some(l) => annotated.push(l),
                None => break,
            }
        }
        let Some(&line) = annotated.get(i) else { break };
        if line.start < body_start {
            continue;
        }
        let plain = match known.iter().find(|(at, _)| *at == line.start) {
            Some((_, plain)) => Cow::Borrowed(plain.as_str()),
            None => plain_line(&text[line]),
        };
        if plain.trim().is_empty() {
            continue;
        }
        count += 1;
        if count > TOP_LINES {
            break;
        }
        let key = comparable(&plain);
        if key.chars().count() < 12 {
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            // Remove the line, its break and the blank line after it, if any.
            let mut end = annotated.get(i + 1).map_or(line.end, |n| n.start);
            if let Some(&blank) = annotated.get(i + 1)
                && text[blank].trim().is_empty()
            {
                end = annotated.get(i + 2).map_or(blank.end, |n| n.start);
            }
            diags.push(
                Diagnostic::new(
                    Code::T002,
                    line,
                    "this line repeats an earlier line of the article (a title scraped twice?)",
                )
                .with_related(None, *first, "first occurrence")
                .with_fix(Fix::replace(
                    "Remove the repeated line",
                    TextRange::new(line.start, end),
                    "",
                )),
            );
        } else {
            seen.push((key, line));
        }
    }
    annotated.last().map_or(0, |l| l.start)
}

/// One line with its markup stripped.
fn plain_line(line: &str) -> Cow<'_, str> {
    if has_markup(line) { Cow::Owned(Stripped::new(line, &parse_line(line).0).text) } else { Cow::Borrowed(line) }
}
