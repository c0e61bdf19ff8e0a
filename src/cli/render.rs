//! Rendering of `seedls check` output: rustc-style text, JSON lines, SARIF 2.1.0.

use std::collections::BTreeMap;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::json;

use super::FileReport;
use crate::corpus::LoadError;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::text::{Encoding, LineCol, TextRange};

fn level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
        Severity::Hint => Level::NOTE.with_name("hint"),
    }
}

/// The lines of `text` that `range` touches, as (first line's number 1-based, their range).
fn line_span(report: &FileReport, range: TextRange) -> (usize, TextRange) {
    let index = &report.line_index;
    let len = report.text.len() as u32;
    let range = TextRange::new(range.start.min(len), range.end.min(len));
    let first = index.line_of(range.start);
    let last = index.line_of(range.end.max(range.start));
    let start = index.line_start(first).unwrap_or(0);
    let end = index.line_start(last + 1).map_or(len, |n| n.saturating_sub(1)).max(range.end);
    let end =
        if end > start && report.text.as_bytes()[end as usize - 1] == b'\r' && end > range.end { end - 1 } else { end };
    (first as usize + 1, TextRange::new(start, end))
}

pub fn human(
    out: &mut impl Write,
    reports: &[FileReport],
    errors: &[LoadError],
    files: usize,
    color: bool,
) -> io::Result<()> {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    for e in errors {
        let report =
            [Group::with_title(Level::ERROR.primary_title(format!("cannot read {}: {}", e.path.display(), e.message)))];
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    for r in reports {
        for d in &r.diagnostics {
            writeln!(out, "{}\n", render_one(&renderer, r, d))?;
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

fn render_one(renderer: &Renderer, r: &FileReport, d: &Diagnostic) -> String {
    let (line_start, span) = line_span(r, d.range);
    let source = &r.text[span.to_usize()];
    let local = |range: TextRange| {
        let s = range.start.clamp(span.start, span.end) - span.start;
        let e = range.end.clamp(span.start, span.end) - span.start;
        s as usize..e as usize
    };
    let mut snippet = Snippet::source(source)
        .line_start(line_start)
        .path(r.display.as_str())
        .fold(true)
        .annotation(AnnotationKind::Primary.span(local(d.range)));
    for rel in &d.related {
        if rel.file.as_ref().is_none_or(|p| *p == r.path) && span.contains_range(rel.range) {
            snippet = snippet.annotation(AnnotationKind::Context.span(local(rel.range)).label(rel.message.as_str()));
        }
    }
    let mut group = level(d.severity()).primary_title(d.message.as_str()).id(d.code.as_str()).element(snippet);
    for rel in &d.related {
        let same_file = rel.file.as_ref().is_none_or(|p| *p == r.path);
        if same_file && span.contains_range(rel.range) {
            continue;
        }
        let where_ = if same_file {
            let lc = r.line_index.line_col(rel.range.start, Encoding::Char);
            format!("{}:{}:{}", r.display, lc.line + 1, lc.col + 1)
        } else {
            let path = rel.file.as_ref().unwrap();
            super::display_path(path, std::env::current_dir().ok().as_deref())
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
    let lc = r.line_index.line_col(offset.min(r.text.len() as u32), Encoding::Char);
    LineCol { line: lc.line + 1, col: lc.col + 1 }
}

pub fn json(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    for r in reports {
        for d in &r.diagnostics {
            let (s, e) = (position(r, d.range.start), position(r, d.range.end));
            let obj = json!({
                "path": r.display,
                "line": s.line,
                "column": s.col,
                "end_line": e.line,
                "end_column": e.col,
                "severity": d.severity().as_str(),
                "code": d.code.as_str(),
                "message": d.message,
            });
            writeln!(out, "{obj}")?;
        }
    }
    Ok(())
}

pub fn sarif(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
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
    let mut results = Vec::new();
    for r in reports {
        let uri = r.display.replace('\\', "/");
        for d in &r.diagnostics {
            let (s, e) = (position(r, d.range.start), position(r, d.range.end));
            let related: Vec<_> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, rel)| {
                    let uri = rel.file.as_ref().map_or(uri.clone(), |p| super::display_path(p, std::env::current_dir().ok().as_deref()).replace('\\', "/"));
                    json!({ "id": i, "message": { "text": rel.message }, "physicalLocation": { "artifactLocation": { "uri": uri } } })
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
                        "region": { "startLine": s.line, "startColumn": s.col, "endLine": e.line, "endColumn": e.col }
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
