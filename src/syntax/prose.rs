//! Checks on the article's prose, after stripping markup: scraping artefacts (T001, T002).

use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::syntax::annotation::Stripped;
use crate::text::{TextRange, lines};

/// How many non-empty body lines count as "near the top" for repeated titles.
const TOP_LINES: usize = 6;

pub fn check_prose(text: &str, stripped: &Stripped, body_start: u32, diags: &mut Vec<Diagnostic>) {
    let plain = &stripped.text;
    let plain_body_start = stripped.map(body_start);
    glued_sentences(plain, stripped, plain_body_start, diags);
    repeated_lines(text, plain, body_start, diags);
}

/// `situation.La`: a sentence end glued to the next sentence, as scrapers leave paragraph
/// breaks. Needs two lower-case letters before the stop and an upper-case then lower-case letter
/// after it (or a closing bracket or quote before it), so `M.Dupont`, `3.000`, `U.S.A.` and
/// host names do not fire.
fn glued_sentences(plain: &str, stripped: &Stripped, body_start: u32, diags: &mut Vec<Diagnostic>) {
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
        let word_start = plain[..stop].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word_end = plain[stop..].find(char::is_whitespace).map_or(plain.len(), |i| stop + i);
        let word = &plain[word_start..word_end];
        if word.contains("://") || word.contains("www.") || word.contains('@') {
            continue;
        }
        let at = stripped.unmap(stop as u32);
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

/// A line repeated verbatim among the first lines of the body (a title scraped twice).
fn repeated_lines(text: &str, plain: &str, body_start: u32, diags: &mut Vec<Diagnostic>) {
    // Only the first lines of the body are looked at (plus two for the fix's range).
    let mut annotated: Vec<TextRange> = Vec::new();
    let mut text_lines = lines(text);
    let mut seen: Vec<(String, TextRange)> = Vec::new();
    let mut count = 0;
    for (i, plain_line) in lines(plain).enumerate() {
        while annotated.len() < i + 3 {
            match text_lines.next() {
                Some(l) => annotated.push(l),
                None => break,
            }
        }
        let Some(&line) = annotated.get(i) else { break };
        if line.start < body_start || plain[plain_line].trim().is_empty() {
            continue;
        }
        count += 1;
        if count > TOP_LINES {
            break;
        }
        let key = comparable(&plain[plain_line]);
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
}
