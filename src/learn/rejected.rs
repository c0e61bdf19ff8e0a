//! `.seedls/rejected.tsv` at the corpus root: suggestions never to make again (SPEC §12),
//! meant to be committed so that a rejection holds for everyone.
//!
//! ```text
//! surface⇥label⇥path⇥line
//! Tokaïev⇥person:kz.tokayev
//! Almaty⇥place:kz.almaty⇥articles/001.txt⇥12
//! ```
//!
//! (`⇥` a tab.) A row with a surface and a label rejects that label for that surface everywhere; one with a
//! path (relative to the root, `/`-separated) and a line (1-based) too rejects it at that line
//! only. Surfaces are compared folded, as matching compares them. Blank lines and lines
//! starting with `#` are skipped.

use rustc_hash::FxHashSet;

use super::{Label, fold};
use crate::syntax::tsv;

/// Where the file is, from the corpus root.
pub const PATH: &str = ".seedls/rejected.tsv";

/// The header row a new file starts with.
pub const HEADER: &str = "surface\tlabel\tpath\tline";

const COLUMNS: [&str; 4] = ["surface", "label", "path", "line"];

/// A malformed row: its line (1-based) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u32,
    pub message: String,
}

/// The rejections of a corpus.
#[derive(Default, Debug)]
pub struct Rejections {
    everywhere: FxHashSet<(String, Label)>,
    at: FxHashSet<(String, Label, String, u32)>,
}

impl Rejections {
    /// Parses the file's text; rows in error are left out and reported.
    pub fn parse(text: &str) -> (Rejections, Vec<RowError>) {
        let mut out = Rejections::default();
        let mut errors = Vec::new();
        let mut rows = tsv::rows(text);
        let error = |line: u32, message: String| RowError { line: line + 1, message };
        match rows.next() {
            None => return (out, errors),
            Some(header) => {
                let names: Vec<&str> = header.cells.iter().map(|&c| text[c].trim()).collect();
                if names != COLUMNS[..names.len().min(4)] || names.len() < 2 {
                    errors.push(error(header.line, format!("the header row must be `{}`", HEADER.replace('\t', "⇥"))));
                    return (out, errors);
                }
            }
        }
        for row in rows {
            let cell = |i: usize| row.cells.get(i).map_or("", |&c| text[c].trim());
            if row.cells.len() > 4 {
                errors.push(error(row.line, format!("{} columns, at most 4 expected", row.cells.len())));
                continue;
            }
            let (surface, label, path, line) = (fold(cell(0)), cell(1), cell(2), cell(3));
            if surface.is_empty() || label.is_empty() {
                errors.push(error(row.line, "a row needs a surface and a label".to_string()));
                continue;
            }
            if label.contains(char::is_whitespace) {
                errors.push(error(row.line, format!("bad label `{label}`: a tag without arguments, as `type:id`")));
                continue;
            }
            let label: Label = label.into();
            match (path.is_empty(), line.is_empty()) {
                (true, true) => {
                    out.everywhere.insert((surface, label));
                }
                (false, false) => match line.parse::<u32>() {
                    Ok(n) if n > 0 => {
                        out.at.insert((surface, label, path.replace('\\', "/"), n));
                    }
                    _ => errors.push(error(row.line, format!("bad line number `{line}`"))),
                },
                _ => errors.push(error(row.line, "a path needs a line, and a line a path".to_string())),
            }
        }
        (out, errors)
    }

    /// Whether `label` is rejected for the folded `surface` at `line` (1-based) of the file at
    /// `path` from the root (`/`-separated).
    pub fn rejects(&self, surface: &str, label: &str, path: &str, line: u32) -> bool {
        if self.everywhere.is_empty() && self.at.is_empty() {
            return false;
        }
        let key = (surface.to_string(), Label::from(label));
        self.everywhere.contains(&key) || self.at.contains(&(key.0, key.1, path.to_string(), line))
    }

    pub fn is_empty(&self) -> bool {
        self.everywhere.is_empty() && self.at.is_empty()
    }
}

/// The row that rejects `label` for `surface`, everywhere or at one line of one file.
pub fn row(surface: &str, label: &str, place: Option<(&str, u32)>) -> String {
    // A tab or line break in a surface would break the row: surfaces never span lines, and a
    // tab folds to a space when compared.
    let surface = surface.replace(['\t', '\r', '\n'], " ");
    match place {
        Some((path, line)) => format!("{surface}\t{label}\t{path}\t{line}"),
        None => format!("{surface}\t{label}"),
    }
}

/// The text to append to the file (`existing`: its text, `None` when there is none) to add
/// `row`: the header first in a new file, a line break first when the last line has none.
pub fn append(existing: Option<&str>, row: &str) -> String {
    match existing {
        None | Some("") => format!("{HEADER}\n{row}\n"),
        Some(t) if t.ends_with('\n') => format!("{row}\n"),
        Some(_) => format!("\n{row}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_everywhere_and_at_one_place() {
        let text = "surface\tlabel\tpath\tline\n# a comment\nTokaïev\tperson:kz.tokayev\nALMATY\tplace:kz.almaty\ta/001.txt\t12\n";
        let (r, errors) = Rejections::parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(r.rejects(&fold("tokaiev"), "person:kz.tokayev", "b.txt", 3));
        assert!(!r.rejects(&fold("tokaiev"), "person", "b.txt", 3));
        assert!(r.rejects("almaty", "place:kz.almaty", "a/001.txt", 12));
        assert!(!r.rejects("almaty", "place:kz.almaty", "a/001.txt", 13));
        assert!(!r.rejects("almaty", "place:kz.almaty", "a/002.txt", 12));
    }

    #[test]
    fn errors_name_their_line() {
        let text = "surface\tlabel\n\nx\t\nx\tperson\tp.txt\ny\tperson\tp.txt\t0\nz\tperson x\nw\tgov\ta\tb\tc\n";
        let (_, errors) = Rejections::parse(text);
        let lines: Vec<u32> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7], "{errors:?}");
        let (_, errors) = Rejections::parse("label\tsurface\n");
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].message.contains("header"), "{errors:?}");
    }

    #[test]
    fn appended_rows_parse_back() {
        let first = append(None, &row("Tokaïev", "person:kz.tokayev", None));
        let text = first.clone() + &append(Some(&first), &row("Alma\tAta", "place:kz.almaty", Some(("a.txt", 2))));
        let (r, errors) = Rejections::parse(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(r.rejects("tokaiev", "person:kz.tokayev", "x", 1));
        assert!(r.rejects("alma ata", "place:kz.almaty", "a.txt", 2));
        assert_eq!(append(Some("surface\tlabel"), "x\ty"), "\nx\ty\n");
    }
}
