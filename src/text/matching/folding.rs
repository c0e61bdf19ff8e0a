//! The one folding for name matching: what every matcher compares.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{canonical_combining_class, compose, decompose_canonical, is_combining_mark};

/// The apostrophes a name may be written with, each folded to `'`: the typographic ones (’ and
/// the ‘ some keyboards give) and the modifier letter ʼ.
const APOSTROPHES: [char; 3] = ['\u{2019}', '\u{2018}', '\u{02BC}'];

/// What [`fold_with`] does with accents.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Accents {
    /// Kept, the text normalised to NFC: a precomposed and a decomposed `é` fold alike.
    Keep,
    /// Left out: each character decomposed, without its combining marks (`Tokaïev` folds as
    /// `tokaiev`).
    Drop,
}

/// Folds `s` for name matching, character by character into `out`: lower case, every
/// apostrophe as `'`, Unicode normalisation, accents kept or left out. Without accents a
/// text's folding is its characters' put end to end, so a matcher may fold one character at a
/// time.
pub fn fold_with(s: &str, accents: Accents, out: &mut impl FnMut(char)) {
    match accents {
        Accents::Keep => s.nfc().flat_map(char::to_lowercase).for_each(|c| out(apostrophe(c))),
        Accents::Drop => s.chars().for_each(|c| fold_char_without_accents(c, out)),
    }
}

/// [`fold_with`] accents kept, as a string: what names, aliases and surfaces are compared as.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_with(s, Accents::Keep, &mut |c| out.push(c));
    out
}

fn apostrophe(c: char) -> char {
    if APOSTROPHES.contains(&c) { '\'' } else { c }
}

/// `fold_char_without_accents` of U+00C0..=U+00FF, the accented letters of most Western
/// European text, without a decomposition lookup each.
const LATIN1: [char; 64] = [
    'a', 'a', 'a', 'a', 'a', 'a', 'æ', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', 'ð', 'n', 'o', 'o', 'o', 'o', 'o',
    '×', 'ø', 'u', 'u', 'u', 'u', 'y', 'þ', 'ß', 'a', 'a', 'a', 'a', 'a', 'a', 'æ', 'c', 'e', 'e', 'e', 'e', 'i', 'i',
    'i', 'i', 'ð', 'n', 'o', 'o', 'o', 'o', 'o', '÷', 'ø', 'u', 'u', 'u', 'u', 'y', 'þ', 'y',
];

/// One character folded without accents: decomposed, its combining marks left out, in lower
/// case (itself without marks: `İ` lowers to `i` and a dot), apostrophes as `'`. ASCII and
/// Latin-1 letters, most of a corpus, skip the decomposition.
fn fold_char_without_accents(c: char, out: &mut impl FnMut(char)) {
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
        return;
    }
    if let Some(&f) = LATIN1.get((c as usize).wrapping_sub(0xC0)) {
        out(f);
        return;
    }
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            for l in d.to_lowercase() {
                if !is_combining_mark(l) {
                    out(apostrophe(l));
                }
            }
        }
    });
}

/// [`fold`]ed text without accents, with hyphens as spaces and runs of spaces collapsed: what
/// the looser tiers compare. ASCII text without hyphens or double spaces is returned as is.
pub fn loosen(folded: &str) -> Cow<'_, str> {
    if folded.is_ascii() && !folded.contains('-') && !folded.contains("  ") {
        return Cow::Borrowed(folded);
    }
    let mut out = String::with_capacity(folded.len());
    fold_with(folded, Accents::Drop, &mut |c| {
        let c = if c == '-' || c.is_whitespace() { ' ' } else { c };
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    });
    Cow::Owned(out)
}

/// [`fold`] applied to a whole text, with the original byte offset of every folded byte, so
/// matches in the folded text map back: `fold_with_offsets(t).0 == fold(t)`, which the alias
/// patterns need. The text is folded a cluster at a time, a character with what NFC may merge
/// into it (combining marks, in any order, and characters that compose with the one before,
/// like Hangul jamo); every byte a cluster folds to maps to the cluster's start.
pub fn fold_with_offsets(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        // What the cluster composes to so far, for the next character to compose with (L+V
        // then LV+T in Hangul). Taking in too much is harmless; stopping too early is not.
        let mut composed = c;
        // No character composes with an ASCII one that follows it: prose stays on the fast path.
        while let Some(&(i, next)) = chars.peek() {
            if next.is_ascii() {
                break;
            }
            if canonical_combining_class(next) == 0 {
                match compose(composed, next) {
                    Some(x) => composed = x,
                    None => break,
                }
            }
            end = i + next.len_utf8();
            chars.next();
        }
        let before = out.len();
        if c.is_ascii() && end == start + 1 {
            out.push(c.to_ascii_lowercase());
        } else {
            fold_with(&text[start..end], Accents::Keep, &mut |f| out.push(f));
        }
        map.extend(std::iter::repeat_n(start as u32, out.len() - before));
    }
    map.push(text.len() as u32);
    (out, map)
}
