//! Dates written in prose, French or English, as date literals: what completion offers after
//! `when=` ("le 8 janvier" in an article of 2022-01 → `2022-01-08`). The article's date gives
//! the year, or the year and month, a text leaves out.

use crate::syntax::header::Date;
use crate::text::matching::{Accents, fold_with};

/// A date found in a text, with the words that wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenDate {
    pub date: Date,
    pub words: String,
}

/// Month names and their usual abbreviations, folded without accents, French then English.
#[rustfmt::skip]
const MONTHS: &[(&str, u8)] = &[
    ("janvier", 1), ("fevrier", 2), ("mars", 3), ("avril", 4), ("mai", 5), ("juin", 6), ("juillet", 7),
    ("aout", 8), ("septembre", 9), ("octobre", 10), ("novembre", 11), ("decembre", 12),
    ("janv", 1), ("fevr", 2), ("fev", 2), ("avr", 4), ("juil", 7), ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("may", 5), ("june", 6), ("july", 7),
    ("august", 8), ("september", 9), ("october", 10), ("november", 11), ("december", 12),
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8), ("sep", 9),
];

/// Weekdays, folded without accents: before a day number they say it is a day of the
/// article's month ("mercredi 5").
#[rustfmt::skip]
const WEEKDAYS: &[&str] = &[
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
];

/// A word or a number of the text, or one punctuation character, with its byte range.
#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if c.is_alphanumeric() {
            while let Some(&(i, d)) = chars.peek() {
                if !d.is_alphanumeric() {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
        }
        out.push(Token { text: &text[start..end], start, end });
    }
    out
}

fn folded(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_with(word, Accents::Drop, &mut |c| out.push(c));
    out
}

fn month(word: &str) -> Option<u8> {
    let w = folded(word);
    MONTHS.iter().find(|(name, _)| *name == w).map(|&(_, m)| m)
}

/// A day of the month: `8`, `08`, `1er`, `1st`, `2nd`, `8th`.
fn day(word: &str) -> Option<u8> {
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
    let suffix = &word[digits.len()..];
    if !(1..=2).contains(&digits.len()) || !["", "er", "st", "nd", "rd", "th"].contains(&suffix) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year(word: &str) -> Option<u16> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit())).then(|| word.parse().ok()).flatten()
}

/// The year a month with no year written is in: the article's, or the one before or after
/// when that puts it nearer the article (December in a January article is last December).
fn year_of(month: u8, base: Date) -> u16 {
    let diff = month as i32 - base.month as i32;
    match diff {
        d if d > 6 => base.year.saturating_sub(1),
        d if d < -6 => base.year + 1,
        _ => base.year,
    }
}

/// Every date written in `text`, in order, once each. `base`, the article's date, gives the
/// year (and for a weekday and a day, the month) the text leaves out; without it such dates
/// are left out.
pub fn written_dates(text: &str, base: Option<Date>) -> Vec<WrittenDate> {
    let t = tokens(text);
    let mut out: Vec<WrittenDate> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let found = numeric(&t, i).or_else(|| named(&t, i, base));
        match found {
            Some((date, last)) => {
                let words = text[t[i].start..t[last].end].to_string();
                if !out.iter().any(|w| w.date == date) {
                    out.push(WrittenDate { date, words });
                }
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// `2022-01-08`, `08/01/2022`, `8.1.2022` (day first, as French writes it) from token `i`:
/// the date and the index of its last token.
fn numeric(t: &[Token<'_>], i: usize) -> Option<(Date, usize)> {
    let at = |k: usize| t.get(i + k).map(|x| x.text);
    let (a, sep, b, sep2, c) = (at(0)?, at(1)?, at(2)?, at(3)?, at(4)?);
    let adjacent = (0..4).all(|k| t[i + k].end == t[i + k + 1].start);
    if !adjacent || sep != sep2 || !["-", "/", "."].contains(&sep) {
        return None;
    }
    let num = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<u16>().ok()).flatten();
    let date = if let (Some(y), "-") = (year(a), sep) {
        Date::new(y, u8::try_from(num(b)?).ok()?, Some(u8::try_from(num(c)?).ok()?))
    } else {
        let (d, m, y) = (day(a)?, num(b)?, year(c)?);
        Date::new(y, u8::try_from(m).ok()?, Some(d))
    }?;
    // A longer run of numbers (`1.2.2022.5`) is something else.
    let next_glued = t.get(i + 5).is_some_and(|n| n.start == t[i + 4].end && n.text.starts_with(char::is_alphanumeric));
    (!next_glued).then_some((date, i + 4))
}

/// A date with a month name or a weekday from token `i`: `8 janvier [2022]`, `le 1er février`,
/// `January 8[, 2022]`, `janvier 2022` (a month), `mercredi 5` (a day of the article's month).
fn named(t: &[Token<'_>], i: usize, base: Option<Date>) -> Option<(Date, usize)> {
    let word = |k: usize| t.get(k).map(|x| x.text);
    let with_year = |k: usize| word(k).and_then(year);
    let weekday = WEEKDAYS.contains(&folded(t[i].text).as_str());
    let start = if weekday { i + 1 } else { i };
    // Day then month: `8 janvier 2022`, `8 janvier`.
    if let Some(d) = word(start).and_then(day) {
        if let Some(m) = word(start + 1).and_then(month) {
            let (y, last) = match with_year(start + 2) {
                Some(y) => (y, start + 2),
                None => (year_of(m, base?), start + 1),
            };
            return Some((Date::new(y, m, Some(d))?, last));
        }
        // A weekday and a day: the article's month.
        if weekday {
            let base = base?;
            return Some((Date::new(base.year, base.month, Some(d))?, start));
        }
        return None;
    }
    // Month then day or year: `January 8, 2022`, `Jan. 8`, `janvier 2022`.
    let m = word(start).and_then(month)?;
    // A month's abbreviation is also a word (`mar`, `sept`, `may`): it needs a number after it.
    let mut k = start + 1;
    if word(k) == Some(".") {
        k += 1;
    }
    if let Some(y) = with_year(k) {
        return Some((Date::new(y, m, None)?, k));
    }
    let d = word(k).and_then(day)?;
    let comma = if word(k + 1) == Some(",") { 1 } else { 0 };
    match with_year(k + 1 + comma) {
        Some(y) => Some((Date::new(y, m, Some(d))?, k + 1 + comma)),
        None => Some((Date::new(year_of(m, base?), m, Some(d))?, k)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> String {
        let base = Date::new(2022, 1, None);
        written_dates(text, base).iter().map(|w| format!("{} «{}»\n", w.date, w.words)).collect()
    }

    #[test]
    fn french_and_english_dates_with_the_year_and_month_of_the_article() {
        expect_test::expect![[r#"
            2022-01-08 «8 janvier»
            2022-01-01 «1er janvier 2022»
            2021-12-28 «28 décembre»
            2022-02-03 «3 Février»
            2022-01-05 «mercredi 5»
            2022-01-06 «January 6, 2022»
            2022-01-07 «Jan. 7»
            2021-12 «décembre 2021»
            2022-01-09 «09/01/2022»
            2022-01-10 «2022-01-10»
            2022-01-11 «11.01.2022»
        "#]]
        .assert_eq(&dates(
            "Le 8 janvier, puis le 1er janvier 2022, le 28 décembre, le 3 Février, mercredi 5, on January 6, 2022 \
             and Jan. 7, en décembre 2021, le 09/01/2022, le 2022-01-10 et le 11.01.2022.",
        ));
        // Numbers that are no dates, a month's name as a word, the same date twice.
        assert_eq!(dates("Les 3.000 manifestants, 45 morts, le 32 janvier, mars au 8, à 12/13/2022."), "");
        assert_eq!(dates("may 5 and May 5"), "2022-05-05 «may 5»\n");
        // Without the article's date, a date without a year is not known.
        assert!(written_dates("le 8 janvier", None).is_empty());
        assert_eq!(written_dates("le 8 janvier 2021", None)[0].date.to_string(), "2021-01-08");
    }
}
