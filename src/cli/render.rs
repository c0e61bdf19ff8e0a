//! Rendering of `seedls check` output: rustc-style text, JSON lines, SARIF 2.1.0.

use std::collections::BTreeMap;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde_json::json;

use super::{FileReport, Loaded};
use crate::diagnostic::{Code, Diagnostic, Related, Severity};
use crate::text::{Encoding, LineCol, LineIndex, TextRange};

fn level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        // `note`, as rustc says and as the summary line counts them.
        Severity::Information => Level::NOTE,
        Severity::Hint => Level::NOTE.with_name("hint"),
    }
}

/// `range` clamped to the text and widened to character boundaries. The text shown is the file
/// read again (lossily, when it is not UTF-8): a range computed on other bytes (F001's byte
/// offset, a file changed since it was indexed) may fall inside a character, where slicing or
/// `annotate-snippets` would panic.
fn snap(text: &str, range: TextRange) -> TextRange {
    let len = text.len() as u32;
    let mut start = range.start.min(len);
    while !text.is_char_boundary(start as usize) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, len);
    while !text.is_char_boundary(end as usize) {
        end += 1;
    }
    TextRange::new(start, end)
}

/// The lines of `text` that `range` (already snapped to it) touches, as (first line's number
/// 1-based, their range).
fn line_span(text: &str, index: &LineIndex, range: TextRange) -> (usize, TextRange) {
    let len = text.len() as u32;
    let first = index.line_of(range.start);
    // A range that ends just after a line break does not reach into the next line.
    let last = if range.end > range.start { index.line_of(range.end - 1) } else { first };
    let start = index.line_start(first).unwrap_or(0);
    let end = index.line_start(last + 1).map_or(len, |n| n.saturating_sub(1)).max(range.end);
    let end = if end > start && text.as_bytes()[end as usize - 1] == b'\r' && end > range.end { end - 1 } else { end };
    (first as usize + 1, TextRange::new(start, end))
}

/// `path:line:col` of a related location in another file, from the corpus's line index of
/// that file (its text is not at hand); just the path when the file is not in the corpus.
fn elsewhere(loaded: &Loaded, rel: &Related) -> (String, Option<(LineCol, LineCol)>) {
    let path = rel.file.as_deref().expect("a related location in another file");
    let display = loaded.display(path, std::env::current_dir().ok().as_deref());
    let corpus = &loaded.corpus;
    let position = corpus.file_id(path).map(|id| {
        let index = corpus.file(id).line_index();
        let one_based = |lc: LineCol| LineCol { line: lc.line + 1, col: lc.col + 1 };
        (
            one_based(index.line_col(rel.range.start, Encoding::Char)),
            one_based(index.line_col(rel.range.end, Encoding::Char)),
        )
    });
    (display, position)
}

fn same_file(r: &FileReport, rel: &Related) -> bool {
    rel.file.as_ref().is_none_or(|p| *p == r.path)
}

pub fn human(
    out: &mut impl Write,
    corpora: &[Loaded],
    reports: &[FileReport],
    files: usize,
    color: bool,
) -> io::Result<()> {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    for r in reports {
        for d in &r.diagnostics {
            writeln!(out, "{}\n", one(&renderer, &corpora[r.corpus], r, d))?;
        }
    }
    let count = |sev| reports.iter().flat_map(|r| &r.diagnostics).filter(|d| d.severity() == sev).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![plural(count(Severity::Error), "error"), plural(count(Severity::Warning), "warning")];
    for (sev, word) in [(Severity::Information, "note"), (Severity::Hint, "hint")] {
        if count(sev) > 0 {
            parts.push(plural(count(sev), word));
        }
    }
    let with = reports.len();
    writeln!(out, "checked {}: {} in {}", plural(files, "file"), parts.join(", "), plural(with, "file"))
}

pub(super) fn one(renderer: &Renderer, loaded: &Loaded, r: &FileReport, d: &Diagnostic) -> String {
    let text = r.text.as_deref().expect("the human output reads the text of files it reports on");
    let range = snap(text, d.range);
    let (line_start, span) = line_span(text, &r.line_index, range);
    let source = &text[span.to_usize()];
    let local = |range: TextRange| {
        let range = snap(text, range);
        let s = range.start.clamp(span.start, span.end) - span.start;
        let e = range.end.clamp(span.start, span.end) - span.start;
        s as usize..e as usize
    };
    let mut snippet = Snippet::source(source)
        .line_start(line_start)
        .path(r.display.as_str())
        .fold(true)
        .annotation(AnnotationKind::Primary.span(local(range)));
    let shown_inline = |rel: &Related| same_file(r, rel) && span.contains_range(snap(text, rel.range));
    for rel in d.related.iter().filter(|rel| shown_inline(rel)) {
        snippet = snippet.annotation(AnnotationKind::Context.span(local(rel.range)).label(rel.message.as_str()));
    }
    let mut group = level(d.severity()).primary_title(d.message.as_str()).id(d.code.as_str()).element(snippet);
    for rel in d.related.iter().filter(|rel| !shown_inline(rel)) {
        let where_ = if same_file(r, rel) {
            let lc = position(r, rel.range.start);
            format!("{}:{}:{}", r.display, lc.line, lc.col)
        } else {
            match elsewhere(loaded, rel) {
                (path, Some((lc, _))) => format!("{path}:{}:{}", lc.line, lc.col),
                (path, None) => path,
            }
        };
        group = group.element(Level::NOTE.message(format!("{}: {where_}", rel.message)));
    }
    for fix in d.fixes.iter().take(3) {
        group = group.element(Level::HELP.message(fix.title.clone()));
    }
    renderer.render(&[group])
}

/// 1-based line and column in Unicode scalar values, as the contract asks.
fn position(r: &FileReport, offset: u32) -> LineCol {
    let lc = r.line_index.line_col(offset, Encoding::Char);
    LineCol { line: lc.line + 1, col: lc.col + 1 }
}

/// 1-based start and end of a diagnostic's range, widened to whole characters.
fn region(r: &FileReport, range: TextRange) -> (LineCol, LineCol) {
    // Without the text, the range is the corpus's, on the text its line index was made from.
    let range = r.text.as_deref().map_or(range, |text| snap(text, range));
    (position(r, range.start), position(r, range.end))
}

/// A path as a SARIF `artifactLocation.uri`: a relative reference when the path is relative
/// (resolved against the checkout by code-scanning services), else a `file://` URI; bytes
/// outside the unreserved set are percent-encoded, so `#`, `%`, spaces and accents survive.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One line of `--format json`; a struct keeps the keys in the contract's order.
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: &'a str,
    code: &'a str,
    message: &'a str,
}

pub fn json(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    for r in reports {
        for d in &r.diagnostics {
            let (s, e) = region(r, d.range);
            let line = JsonDiagnostic {
                path: &r.display,
                line: s.line,
                column: s.col,
                end_line: e.line,
                end_column: e.col,
                severity: d.severity().as_str(),
                code: d.code.as_str(),
                message: &d.message,
            };
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

pub fn sarif(out: &mut impl Write, corpora: &[Loaded], reports: &[FileReport]) -> io::Result<()> {
    let rules: Vec<_> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "shortDescription": { "text": c.summary() },
                "defaultConfiguration": { "level": sarif_level(c.severity()) },
            })
        })
        .collect();
    let rule_index: BTreeMap<Code, usize> = Code::ALL.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let sarif_region = |(s, e): (LineCol, LineCol)| json!({ "startLine": s.line, "startColumn": s.col, "endLine": e.line, "endColumn": e.col });
    let mut results = Vec::new();
    for r in reports {
        let uri = uri(&r.display);
        for d in &r.diagnostics {
            let related: Vec<_> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, rel)| {
                    let (uri, region) = if same_file(r, rel) {
                        (uri.clone(), Some(region(r, rel.range)))
                    } else {
                        let (path, region) = elsewhere(&corpora[r.corpus], rel);
                        (self::uri(&path), region)
                    };
                    let mut location = json!({ "artifactLocation": { "uri": uri } });
                    if let Some(region) = region {
                        location["region"] = sarif_region(region);
                    }
                    json!({ "id": i, "message": { "text": rel.message }, "physicalLocation": location })
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index[&d.code],
                "level": sarif_level(d.severity()),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": sarif_region(region(r, d.range)),
                    }
                }],
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "seedls",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn sarif_level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}
