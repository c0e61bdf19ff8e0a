//! Line 1 of a seed file: ` date YYYY-MM[-DD] [URL]` (SPEC §2), and the header diagnostics
//! one file can tell (all of H001–H009 but H007, which needs the corpus).

use std::fmt;

use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::text::{TextRange, lines};

/// A date at month or day precision, always a real calendar date.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: Option<u8>,
}

impl Date {
    /// Checks the calendar; `None` for month 13 or 2022-02-30.
    pub fn new(year: u16, month: u8, day: Option<u8>) -> Option<Date> {
        if !(1..=12).contains(&month) {
            return None;
        }
        if let Some(d) = day
            && (d == 0 || d > days_in_month(year, month))
        {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The first day this date can mean, for ordering articles (`2022-01` sorts as `2022-01-01`).
    pub fn sort_key(self) -> (u16, u8, u8) {
        (self.year, self.month, self.day.unwrap_or(0))
    }

    /// Whether two dates can name the same day, at the coarser precision of the two.
    pub fn agrees_with(self, other: Date) -> bool {
        self.year == other.year
            && self.month == other.month
            && match (self.day, other.day) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// This date at month precision when `like` has no day.
    pub fn with_precision_of(self, like: Date) -> Date {
        Date { day: like.day.and(self.day), ..self }
    }

    pub fn today() -> Date {
        let now = jiff::Zoned::now().date();
        Date { year: now.year() as u16, month: now.month() as u8, day: Some(now.day() as u8) }
    }

    pub fn month_of(self) -> Date {
        Date { day: None, ..self }
    }

    /// Whether the period this date names starts after `today`.
    pub fn is_after(self, today: Date) -> bool {
        match self.day {
            Some(_) => self.sort_key() > today.sort_key(),
            None => (self.year, self.month) > (today.year, today.month),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DateError {
    /// Not `YYYY-MM` or `YYYY-MM-DD`.
    Shape,
    /// The right shape but not a calendar date (month 13, 2022-02-30).
    Impossible,
}

/// Parses `YYYY-MM` or `YYYY-MM-DD`.
pub fn parse_date_literal(s: &str) -> Result<Date, DateError> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b[r.clone()].iter().all(u8::is_ascii_digit).then(|| s[r].parse::<u16>().unwrap());
    match b.len() {
        7 if b[4] == b'-' => {
            let (y, m) = (digits(0..4).ok_or(DateError::Shape)?, digits(5..7).ok_or(DateError::Shape)?);
            Date::new(y, m as u8, None).ok_or(DateError::Impossible)
        }
        10 if b[4] == b'-' && b[7] == b'-' => {
            let shape = |r| digits(r).ok_or(DateError::Shape);
            let (y, m, d) = (shape(0..4)?, shape(5..7)?, shape(8..10)?);
            Date::new(y, m as u8, Some(d as u8)).ok_or(DateError::Impossible)
        }
        _ => Err(DateError::Shape),
    }
}

/// The parsed header line. Fields are `None` when absent or unparsable (a diagnostic says why).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Header {
    /// Line 1 without its line break.
    pub range: TextRange,
    /// The date token as written (even when invalid).
    pub date_range: Option<TextRange>,
    pub date: Option<Date>,
    pub url: Option<TextRange>,
    /// Body text on the header line (legacy form).
    pub body: Option<TextRange>,
}

pub fn parse_header(text: &str, today: Date) -> (Option<Header>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let line = lines(text).next().unwrap_or_default();
    // A byte-order mark (Notepad writes one) is invisible in editors: not part of line 1.
    let bom = if text.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() as u32 } else { 0 };
    let line = TextRange::new(line.start + bom, line.end);
    let content = &text[line];
    let lead = content.len() - content.trim_start_matches([' ', '\t']).len();
    let after_kw = &content[lead..];
    let is_header = after_kw.strip_prefix("date").is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']));
    // Line breaks a fix inserts follow the file's own (CRLF files stay CRLF).
    let eol = if text[line.end as usize..].starts_with("\r\n") { "\r\n" } else { "\n" };
    if !is_header {
        let insert = format!(" date {}{eol}", today.month_of());
        let looks_like_date = content
            .split_whitespace()
            .next()
            .is_some_and(|w| w.len() >= 7 && w.starts_with(|c: char| c.is_ascii_digit()));
        let msg = if content.trim().is_empty() {
            "line 1 must be the header ` date YYYY-MM <source URL>`, but it is empty".to_string()
        } else if looks_like_date {
            "line 1 must start with the word `date`: ` date YYYY-MM <source URL>`".to_string()
        } else {
            "line 1 is not a header; a seed file starts with ` date YYYY-MM <source URL>`".to_string()
        };
        let range = if line.is_empty() { line } else { TextRange::at(line.start, first_word_len(content)) };
        diags.push(Diagnostic::new(Code::H001, range, msg).with_fix(Fix::replace(
            format!("Insert a header for {}", today.month_of()),
            TextRange::empty(line.start),
            insert,
        )));
        return (None, diags);
    }
    let kw_start = line.start + lead as u32;
    let mut header = Header { range: line, date_range: None, date: None, url: None, body: None };
    // Tokens after `date`, with their ranges.
    let mut tokens = tokens_from(text, TextRange::new(kw_start + 4, line.end));
    let Some(date_tok) = tokens.next() else {
        diags.push(Diagnostic::new(
            Code::H002,
            TextRange::at(kw_start, 4),
            "header has no date; write it as YYYY-MM or YYYY-MM-DD",
        ));
        return (Some(header), diags);
    };
    header.date_range = Some(date_tok);
    let date_text = &text[date_tok];
    match parse_date_literal(date_text) {
        Ok(date) => header.date = Some(date),
        Err(DateError::Impossible) => diags.push(Diagnostic::new(
            Code::H003,
            date_tok,
            format!("`{date_text}` is not a real date{}", impossible_reason(date_text)),
        )),
        Err(DateError::Shape) => {
            let mut d = Diagnostic::new(
                Code::H002,
                date_tok,
                format!("header date `{date_text}` must be written YYYY-MM or YYYY-MM-DD"),
            );
            if let Some(fixed) = guess_date(date_text) {
                d = d.with_fix(Fix::replace(format!("Write the date as {fixed}"), date_tok, fixed.to_string()));
            }
            diags.push(d);
        }
    }
    if let Some(date) = header.date
        && date.is_after(today)
    {
        diags.push(Diagnostic::new(
            Code::H009,
            date_tok,
            format!("header date {date} is in the future (today is {today})"),
        ));
    }
    let after_date = tokens.next();
    match after_date {
        None => diags.push(no_url(kw_start, date_tok)),
        Some(tok) => {
            let word = &text[tok];
            if is_url(word) {
                header.url = Some(tok);
                if let Some(date) = header.date
                    && let Some((url_date, r)) = date_in_url(word)
                    && !date.agrees_with(url_date)
                {
                    let fixed = url_date.with_precision_of(date);
                    diags.push(
                        Diagnostic::new(
                            Code::H004,
                            date_tok,
                            format!("header date {date} disagrees with the date {url_date} in the source URL"),
                        )
                        .with_related(None, r.shift(tok.start), "date in the URL")
                        .with_fix(Fix::replace(
                            format!("Use the URL's date {fixed}"),
                            date_tok,
                            fixed.to_string(),
                        )),
                    );
                }
                if let Some(body) = tokens.next() {
                    diags.push(body_on_header(
                        TextRange::new(tok.end, body.start),
                        TextRange::new(body.start, line.end),
                        eol,
                    ));
                    header.body = Some(TextRange::new(body.start, line.end));
                }
            } else if let Some(fixed) = broken_url(word) {
                let mut d =
                    Diagnostic::new(Code::H008, tok, format!("`{}` after the date is not a valid URL", shorten(word)));
                if let Some(fixed) = fixed {
                    d.message.push_str(&format!("; did you mean `{}`?", shorten(&fixed)));
                    d = d.with_fix(Fix::replace("Fix the URL", tok, fixed));
                } else {
                    d.message.push_str("; a source URL starts with `http://` or `https://`");
                }
                diags.push(d);
            } else {
                diags.push(no_url(kw_start, date_tok));
                let body = TextRange::new(tok.start, line.end);
                header.body = Some(body);
                diags.push(body_on_header(TextRange::new(date_tok.end, tok.start), body, eol));
            }
        }
    }
    (Some(header), diags)
}

fn no_url(kw_start: u32, date_tok: TextRange) -> Diagnostic {
    Diagnostic::new(
        Code::H005,
        TextRange::new(kw_start, date_tok.end),
        "header has no source URL; add the article's address after the date",
    )
}

fn body_on_header(gap: TextRange, body: TextRange, eol: &str) -> Diagnostic {
    Diagnostic::new(
        Code::H006,
        body,
        "body text on the header line; the article should start on its own line after the header",
    )
    .with_fix(Fix::replace("Move the text to its own line", gap, eol.repeat(2)))
}

fn first_word_len(s: &str) -> u32 {
    let trimmed = s.trim_start();
    let lead = s.len() - trimmed.len();
    (lead + trimmed.find(char::is_whitespace).unwrap_or(trimmed.len())) as u32
}

/// Whitespace-separated tokens in `range`.
fn tokens_from(text: &str, range: TextRange) -> impl Iterator<Item = TextRange> + '_ {
    let s = &text[range];
    s.split([' ', '\t'])
        .scan(0u32, move |pos, w| {
            let start = *pos;
            *pos += w.len() as u32 + 1;
            Some(TextRange::at(range.start + start, w.len() as u32))
        })
        .filter(|r| !r.is_empty())
}

fn impossible_reason(s: &str) -> String {
    let month: u32 = s.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    if !(1..=12).contains(&month) {
        format!(": there is no month {month}")
    } else {
        ": that month has no such day".to_string()
    }
}

/// Reads dates written in common wrong shapes where the intent is clear.
fn guess_date(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 4) {
        return None;
    }
    let n: Vec<u16> = parts.iter().map(|p| p.parse().unwrap()).collect();
    let year_first = parts[0].len() == 4;
    let year_last = parts.last().unwrap().len() == 4;
    match (parts.len(), year_first, year_last) {
        (2, true, false) => Date::new(n[0], n[1] as u8, None),
        (2, false, true) => Date::new(n[1], n[0] as u8, None),
        (3, true, false) => Date::new(n[0], n[1] as u8, Some(n[2] as u8)),
        // DD-MM-YYYY or MM-DD-YYYY: clear only when one of them cannot be a month.
        (3, false, true) => {
            let (a, b) = (n[0] as u8, n[1] as u8);
            if a > 12 || a == b {
                Date::new(n[2], b, Some(a))
            } else if b > 12 {
                Date::new(n[2], a, Some(b))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether `s` is a source URL: `http://` or `https://` and a host.
pub fn is_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| r.len() > 2 && r.contains('.') && !r.starts_with(['/', '.']))
}

/// `Some(fix)` when `s` looks like a URL gone wrong; the fix is given when it is unambiguous.
fn broken_url(s: &str) -> Option<Option<String>> {
    let lower = s.to_ascii_lowercase();
    if let Some(host) = lower.strip_prefix("www.") {
        return Some(host.contains('.').then(|| format!("https://{s}")));
    }
    // A scheme-like prefix: letters then `:` and/or slashes.
    let scheme_len = lower.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (scheme, rest) = lower.split_at(scheme_len);
    let sep_len = rest.bytes().take_while(|&b| b == b':' || b == b'/').count();
    let (sep, _) = rest.split_at(sep_len);
    // Behind a well-formed `://`, only a near miss of http(s) is a typo (`htps`): `ftp` is
    // another scheme, not a slip.
    let max_typo = if sep == "://" { 1 } else { 2 };
    let schemey =
        !scheme.is_empty() && strsim::levenshtein(scheme, "http").min(strsim::levenshtein(scheme, "https")) <= max_typo;
    if sep.is_empty() || !(schemey || sep.contains("//")) {
        return None;
    }
    if sep == "://" && scheme != "http" && scheme != "https" && !schemey {
        // A valid but unsupported scheme (ftp://): broken for a seed header, no obvious fix.
        return Some(None);
    }
    let fixed_scheme =
        if strsim::levenshtein(scheme, "https") <= strsim::levenshtein(scheme, "http") { "https" } else { "http" };
    let tail = &s[scheme_len + sep_len..];
    let fixed = format!("{fixed_scheme}://{tail}");
    Some((schemey && !tail.is_empty() && is_url(&fixed)).then_some(fixed))
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 60 { s.to_string() } else { format!("{}…", s.chars().take(59).collect::<String>()) }
}

/// A date embedded in a URL: `/20220105/`, `/2022/01/05/`, `/2022/01/`, or `2022-01-05`, with
/// its byte range in the URL.
pub fn date_in_url(url: &str) -> Option<(Date, TextRange)> {
    let b = url.as_bytes();
    let digit_run = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let num = |i: usize, n: usize| url[i..i + n].parse::<u16>().ok();
    let plausible_year = |y: u16| (1900..=2100).contains(&y);
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let run = digit_run(i);
        let y = if run >= 4 { num(i, 4) } else { None };
        match (run, y) {
            // /YYYYMMDD/
            (8, Some(y)) if plausible_year(y) && i > 0 && b[i - 1] == b'/' => {
                if let Some(d) = Date::new(y, num(i + 4, 2)? as u8, Some(num(i + 6, 2)? as u8)) {
                    return Some((d, TextRange::from_usize(i..i + 8)));
                }
            }
            (4, Some(y)) if plausible_year(y) => {
                let sep = b.get(i + 4).copied();
                if let Some(sep @ (b'/' | b'-')) = sep
                    && digit_run(i + 5) == 2
                {
                    let m = num(i + 5, 2)? as u8;
                    let day = (b.get(i + 7) == Some(&sep) && digit_run(i + 8) == 2).then(|| num(i + 8, 2)).flatten();
                    let end = if day.is_some() { i + 10 } else { i + 7 };
                    // A bare `2022-01` in a slug is too weak a signal; `/2022/01/` is not.
                    if (day.is_some() || sep == b'/')
                        && let Some(d) = Date::new(y, m, day.map(|d| d as u8))
                    {
                        return Some((d, TextRange::from_usize(i..end)));
                    }
                }
            }
            _ => {}
        }
        i += run;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_dates() {
        let cases = [
            ("https://fr.sputniknews.com/20220105/crise-1054196704.html", Some("2022-01-05")),
            ("https://www.lemonde.fr/international/article/2022/01/05/kazakhstan_123.html", Some("2022-01-05")),
            ("https://example.org/news/2022/01/slug", Some("2022-01")),
            ("https://example.org/2022-01-05-slug", Some("2022-01-05")),
            ("https://example.org/article-1054196704.html", None),
            ("https://example.org/20221305/x", None),
        ];
        for (url, want) in cases {
            assert_eq!(date_in_url(url).map(|(d, _)| d.to_string()).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn date_guesses() {
        let guess = |s| guess_date(s).map(|d| d.to_string());
        assert_eq!(guess("2022/01").as_deref(), Some("2022-01"));
        assert_eq!(guess("2022-1").as_deref(), Some("2022-01"));
        assert_eq!(guess("01-2022").as_deref(), Some("2022-01"));
        assert_eq!(guess("25/01/2022").as_deref(), Some("2022-01-25"));
        assert_eq!(guess("05/01/2022"), None, "day and month are ambiguous");
        assert_eq!(guess("janvier"), None);
    }
}
