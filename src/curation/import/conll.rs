//! CoNLL (BIO/IOB2, IOB1 and IOBES tags) into seed files: the inverse of
//! [`crate::curation::export::conll`] for entity spans.
//!
//! A line is `token … tag` (the first column the token, the last its tag); a blank line ends a
//! sentence; a `-DOCSTART-` line starts a document. `B-x` starts a span, `I-x` continues one of
//! type `x` (or starts one, as in IOB1), `E-x` ends one, `S-x` is one on its own (BILOU's `L-`
//! and `U-` alike), `O` is outside. With the documents' text given, each token is found in it in order and the text is
//! kept as it is; without, tokens are joined by single spaces and sentences by line breaks.

use super::{Bad, Doc, Issue, Mention, has_header, made_header, name_of, place};
use crate::syntax::header::Date;

/// One document of a CoNLL file: its tokens, each with its tag and line.
#[derive(Debug, Default)]
pub struct Tokens {
    /// Token, tag, 1-based line; `None` marks a sentence break.
    pub items: Vec<Option<(String, String, usize)>>,
}

/// Splits a CoNLL file into documents.
pub fn documents(text: &str) -> Result<Vec<Tokens>, Bad> {
    let mut docs: Vec<Tokens> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches('\r');
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.first() == Some(&"-DOCSTART-") {
            docs.push(Tokens::default());
            continue;
        }
        if docs.is_empty() {
            docs.push(Tokens::default());
        }
        let doc = docs.last_mut().expect("pushed");
        if cols.is_empty() {
            if doc.items.last().is_some_and(Option::is_some) {
                doc.items.push(None);
            }
            continue;
        }
        if cols.len() < 2 {
            return Err(Bad::new(n, format!("`{line}` has no tag: a CoNLL line is `token … tag`")));
        }
        doc.items.push(Some((cols[0].to_string(), cols[cols.len() - 1].to_string(), n)));
    }
    docs.retain(|d| d.items.iter().any(Option::is_some));
    Ok(docs)
}

/// The seed document of `tokens`: in `text` when given (found token by token after its
/// header), else tokens joined by spaces and sentences by line breaks after a made header.
pub fn import(tokens: &Tokens, text: Option<&str>, today: Date) -> Result<(Doc, Vec<Issue>), Bad> {
    let (mut full, from) = match text {
        Some(t) => {
            let from = if has_header(t, today) {
                crate::curation::Article::parse(t, &crate::syntax::schema::Schema::builtin(), today).body_start as usize
            } else {
                0
            };
            let prefix = if has_header(t, today) { String::new() } else { made_header(None, None, today) };
            (prefix.clone() + t, from + prefix.len())
        }
        None => {
            let h = made_header(None, None, today);
            let n = h.len();
            (h, n)
        }
    };
    // Byte ranges of the tokens in `full`.
    let mut places: Vec<Option<(usize, usize)>> = Vec::with_capacity(tokens.items.len());
    let mut at = from;
    for item in &tokens.items {
        let Some((tok, _, n)) = item else {
            if text.is_none() && !full.ends_with('\n') {
                full.push('\n');
            }
            places.push(None);
            continue;
        };
        if text.is_some() {
            let found = full[at..]
                .find(tok.as_str())
                .ok_or_else(|| Bad::new(*n, format!("token «{tok}» is not in the text after the previous token")))?;
            places.push(Some((at + found, at + found + tok.len())));
            at += found + tok.len();
        } else {
            if !full.ends_with('\n') {
                full.push(' ');
            }
            places.push(Some((full.len(), full.len() + tok.len())));
            full.push_str(tok);
        }
    }
    if text.is_none() && !full.ends_with('\n') {
        full.push('\n');
    }
    // Spans in bytes, then characters.
    let mut spans: Vec<(usize, usize, String, usize)> = Vec::new();
    let mut open: Option<(usize, usize, String, usize)> = None;
    for (item, place) in tokens.items.iter().zip(&places) {
        let (Some((_, tag, n)), Some((s, e))) = (item, place) else {
            spans.extend(open.take());
            continue;
        };
        let (prefix, ty) = match tag.split_once('-') {
            Some((p, t)) if matches!(p, "B" | "I" | "E" | "S" | "L" | "U") => (p, t),
            _ if tag == "O" => ("O", ""),
            _ => return Err(Bad::new(*n, format!("`{tag}` is not a BIO or IOBES tag (`B-type`, `I-type`, `O` …)"))),
        };
        let continues = open.as_ref().is_some_and(|o| o.2 == ty) && matches!(prefix, "I" | "E" | "L");
        if continues {
            open.as_mut().expect("checked").1 = *e;
        } else {
            spans.extend(open.take());
            if prefix != "O" {
                open = Some((*s, *e, ty.to_string(), *n));
            }
        }
        if matches!(prefix, "E" | "S" | "L" | "U") {
            spans.extend(open.take());
        }
    }
    spans.extend(open);
    let chars: Vec<usize> = full.char_indices().map(|(i, _)| i).chain([full.len()]).collect();
    let char_of = |b: usize| chars.partition_point(|&x| x < b);
    let mentions: Vec<Mention> = spans
        .into_iter()
        .map(|(s, e, t, n)| Mention {
            start: char_of(s),
            end: char_of(e),
            ty: name_of(&t),
            line: n,
            ..Mention::default()
        })
        .collect();
    let mut issues = Vec::new();
    let kept = place(&full, &mentions, &mut issues);
    let mentions = mentions.into_iter().zip(kept).filter(|(_, k)| *k).map(|(m, _)| m).collect();
    Ok((Doc { text: full, mentions }, issues))
}
