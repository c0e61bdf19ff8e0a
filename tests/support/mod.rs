//! What the integration tests share: fixtures ([`fixture`], the parser the unit tests use too)
//! loaded from a temporary folder and checked against their expected diagnostics, and a
//! language-server client ([`lsp`]).
#![allow(dead_code)]

pub mod fixture;
pub mod lsp;

pub use fixture::{Fixture, Marker};

use std::path::{Path, PathBuf};

use seedls::analysis::{Caches, file_diagnostics};
use seedls::corpus::Corpus;
use seedls::diagnostic::{Diagnostic, apply_edits};
use seedls::syntax::header::Date;
use seedls::text::{Encoding, LineIndex, TextRange};

/// The fixed "today" of every fixture (H001's inserted month, H009).
pub const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

/// Writes the fixture's files under `dir`.
pub fn write(fixture: &Fixture, dir: &Path) {
    for (path, text) in &fixture.files {
        write_raw(dir, path, text.as_bytes());
    }
}

/// Loads a fixture into a corpus in a temporary directory.
pub fn load(fixture: &Fixture) -> (tempfile::TempDir, Corpus) {
    load_raw(fixture, &[])
}

/// Writes `bytes` as the file `path` under `dir`, as they are (invalid UTF-8 included).
pub fn write_raw(dir: &Path, path: &str, bytes: &[u8]) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

/// [`load`], with some fixture files written as raw bytes instead of their text. The fixture
/// lists such a file as an editor shows it, each invalid sequence as U+FFFD, so its markers
/// work as usual; the bytes must decode (lossily) to exactly that text.
pub fn load_raw(fixture: &Fixture, raw: &[(&str, &[u8])]) -> (tempfile::TempDir, Corpus) {
    let dir = tempfile::tempdir().unwrap();
    write(fixture, dir.path());
    for &(path, bytes) in raw {
        let text = fixture.files.iter().find(|(p, _)| p == path).map(|(_, t)| t.as_str());
        assert_eq!(
            Some(&*String::from_utf8_lossy(bytes)),
            text,
            "raw file {path} must be in the fixture as it decodes"
        );
        write_raw(dir.path(), path, bytes);
    }
    let (corpus, errors) = Corpus::load(vec![dir.path().to_path_buf()], TODAY, None);
    assert!(errors.is_empty(), "{errors:?}");
    (dir, corpus)
}

fn range(marker: &Marker) -> TextRange {
    TextRange::from_usize(marker.range.clone())
}

fn rel(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Every diagnostic of the corpus, rendered for a snapshot: position, code, message, related
/// locations, and each fix as the line it produces.
pub fn render(dir: &Path, corpus: &Corpus, diagnostics: &[(PathBuf, String, Diagnostic)]) -> String {
    let _ = corpus;
    let mut out = String::new();
    for (path, text, d) in diagnostics {
        let index = LineIndex::new(text);
        let s = index.line_col(d.range.start, Encoding::Char);
        let e = index.line_col(d.range.end, Encoding::Char);
        out.push_str(&format!(
            "{}:{}:{}-{}:{} {} {}: {}\n",
            rel(dir, path),
            s.line + 1,
            s.col + 1,
            e.line + 1,
            e.col + 1,
            d.code,
            d.severity().as_str(),
            d.message
        ));
        for r in &d.related {
            let where_ = r.file.as_deref().map_or_else(|| "here".to_string(), |p| rel(dir, p));
            out.push_str(&format!("  related {where_} {:?}: {}\n", r.range, r.message));
        }
        for fix in &d.fixes {
            let local: Vec<_> = fix.edits.iter().filter(|e| e.file.as_deref().is_none_or(|p| p == path)).collect();
            let mut line = format!("  fix: {}", fix.title);
            if !local.is_empty() {
                let fixed = apply_edits(text, &local);
                // Show the line(s) the first edit lands on, after the fix, up to the end of
                // what it inserted (a fix that breaks a line shows both parts).
                let first = local.iter().min_by_key(|e| e.range.start).unwrap();
                let (at, inserted_end) = (first.range.start as usize, first.range.start as usize + first.insert.len());
                let start = fixed[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = fixed[inserted_end..].find('\n').map_or(fixed.len(), |i| inserted_end + i);
                line.push_str(&format!(" => {:?}", &fixed[start..end]));
            }
            for e in fix.edits.iter().filter(|e| e.file.as_deref().is_some_and(|p| p != path)) {
                line.push_str(&format!(
                    " => {} @{:?} insert {:?}",
                    rel(dir, e.file.as_deref().unwrap()),
                    e.range,
                    e.insert
                ));
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Checks a fixture: every marker with a code must be matched by a diagnostic of that code
/// and range, and every diagnostic must be marked. Returns the rendering for a snapshot.
pub fn check_diagnostics(fixture: &str) -> String {
    check_diagnostics_raw(fixture, &[])
}

/// [`check_diagnostics`] with some files written as raw bytes (see [`load_raw`]).
pub fn check_diagnostics_raw(fixture: &str, raw: &[(&str, &[u8])]) -> String {
    let fixture = Fixture::parse(fixture);
    let (dir, corpus) = load_raw(&fixture, raw);
    let (mut all, caches) = (Vec::new(), Caches::default());
    for (id, data) in corpus.files() {
        let text = String::from_utf8_lossy(&std::fs::read(&data.path).unwrap()).into_owned();
        for d in file_diagnostics(&corpus, &caches, id, Some(&text)) {
            all.push((data.path.clone(), text.clone(), d));
        }
    }
    all.sort_by(|a, b| (&a.0, a.2.range.start, a.2.code).cmp(&(&b.0, b.2.range.start, b.2.code)));
    let mut unmatched: Vec<String> = Vec::new();
    for m in fixture.markers.iter().filter(|m| m.code.is_some()) {
        let found = all.iter().any(|(p, _, d)| {
            rel(dir.path(), p) == m.path && d.range == range(m) && Some(d.code.as_str()) == m.code.as_deref()
        });
        if !found {
            unmatched.push(format!("expected {} at {}:{:?}", m.code.as_deref().unwrap(), m.path, range(m)));
        }
    }
    for (p, _, d) in &all {
        let path = rel(dir.path(), p);
        let marked = fixture
            .markers
            .iter()
            .any(|m| m.path == path && range(m) == d.range && m.code.as_deref() == Some(d.code.as_str()));
        if !marked {
            unmatched.push(format!("unexpected {} at {}:{:?}: {}", d.code, path, d.range, d.message));
        }
    }
    let rendered = render(dir.path(), &corpus, &all);
    assert!(unmatched.is_empty(), "{}\n\nall diagnostics:\n{rendered}", unmatched.join("\n"));
    rendered
}
