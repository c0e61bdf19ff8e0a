//! `seedls suggest`: the suggestions learned from the corpus (SPEC §12), listed, applied, or
//! measured on the corpus itself (`--evaluate`).
//!
//! Every seed file of the corpus around the paths teaches; only those the paths name get
//! suggestions. Files are read and parsed in parallel; learning is two passes over the texts
//! (the tags, then, once the gazetteer is known, the untagged occurrences), kept in memory
//! between them.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::json;

use super::curation::{Failure, read, selections, table, write_atomic};
use super::{FileReport, Loaded, TableFormat};
use crate::corpus::{Corpus, FileKind};
use crate::curation::Article;
use crate::diagnostic::Diagnostic;
use crate::learn::evaluate::{Counts, Scores, held_out};
use crate::learn::{self, Cover, Gazetteer, Label, Learner, Rejections, Suggestion, Thresholds};
use crate::syntax::header::Date;
use crate::syntax::schema::Schema;
use crate::syntax::{SeedFile, parse_seed};
use crate::text::{Encoding, LineIndex, TextRange};

#[derive(clap::Args)]
pub struct SuggestArgs {
    /// Files or directories to suggest tags for, each in the corpus around it (which is what
    /// is learned from).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub format: TableFormat,
    /// Least relative frequency of the label among the surface's observations.
    #[arg(long, default_value_t = 0.5)]
    pub min_score: f64,
    /// Least number of observations of the surface (tagged, untagged, registry names).
    #[arg(long, default_value_t = 2)]
    pub min_count: u32,
    /// Write the suggestions into the files.
    #[arg(long, conflicts_with = "evaluate")]
    pub apply: bool,
    /// Learn on 80 % of the articles and score the suggestions on the tagged mentions of the
    /// other 20 %.
    #[arg(long)]
    pub evaluate: bool,
}

pub fn run(args: &SuggestArgs) -> Result<(), Failure> {
    if !(0.0..=1.0).contains(&args.min_score) {
        return Err(Failure(format!("--min-score {} is not between 0 and 1", args.min_score)));
    }
    let thresholds = Thresholds { min_score: args.min_score, min_count: args.min_count };
    let json = args.format == TableFormat::Json;
    if args.evaluate {
        if args.paths.len() > 1 {
            return Err(Failure("--evaluate takes one path".to_string()));
        }
        return evaluate(&args.paths, thresholds, json);
    }
    suggest(&args.paths, thresholds, json, args.apply)
}

/// One corpus the paths belong to: its registries and schema, its seed files.
struct Input {
    loaded: Loaded,
    schema: Schema,
    /// Every seed file of the corpus, sorted by path.
    seeds: Vec<PathBuf>,
    rejections: Rejections,
}

/// The corpora around `paths`, as `check` finds them. A path that does not exist, an unreadable
/// registry or a malformed rejections file is a failure.
fn load(paths: &[PathBuf]) -> Result<Vec<Input>, Failure> {
    let mut out = Vec::new();
    for sel in selections(paths)? {
        let mut corpus = Corpus::new(vec![sel.root.clone()], Date::today());
        let mut seeds = Vec::new();
        for (path, kind) in &sel.files {
            match kind {
                FileKind::Seed => seeds.push(path.clone()),
                FileKind::Registry | FileKind::Schema => {
                    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    corpus.set_text(path, &bytes);
                }
            }
        }
        let rejections = rejections(&sel.root)?;
        let schema = corpus.schema().clone();
        out.push(Input { loaded: Loaded { corpus, sel }, schema, seeds, rejections });
    }
    Ok(out)
}

/// The rejections file of the corpus at `root`; none when it does not exist.
fn rejections(root: &Path) -> Result<Rejections, Failure> {
    let path = root.join(learn::rejected::PATH);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Rejections::default()),
        Err(e) => return Err(Failure(format!("cannot read {}: {e}", path.display()))),
    };
    let (rejections, errors) = Rejections::parse(&text);
    match errors.first() {
        Some(e) => Err(Failure(format!("{}:{}: {}", path.display(), e.line, e.message))),
        None => Ok(rejections),
    }
}

/// A seed file read and parsed; `None` (with a warning) when it cannot be read or decoded.
fn parsed(path: &Path, today: Date) -> Option<(String, SeedFile)> {
    match read(path) {
        Ok(text) => {
            let parse = parse_seed(&text, today);
            Some((text, parse))
        }
        Err(e) => {
            eprintln!("warning: {e}");
            None
        }
    }
}

/// The gazetteer of the tags of `files` and the registries of `corpus`; its untagged counts
/// are still to be added.
fn gazetteer(corpus: &Corpus, schema: &Schema, files: &[Option<(String, SeedFile)>]) -> Gazetteer {
    let mut learner = files
        .par_iter()
        .flatten()
        .fold(Learner::default, |mut l, (text, parse)| {
            l.add(learn::tagged(text, parse, schema));
            l
        })
        .reduce(Learner::default, Learner::merge);
    for (_, _, registry) in corpus.registries() {
        learner.add_registry(registry);
    }
    learner.gazetteer()
}

/// The path of `path` from the corpus root, `/`-separated: what rejections and the split name.
fn from_root(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A file's untagged matches: (range, gazetteer entry).
type Matches = Vec<(TextRange, u32)>;

/// One named file's suggestions, with what is needed to show or apply them.
struct Suggested {
    path: PathBuf,
    text: String,
    suggestions: Vec<Suggestion>,
}

fn suggest(paths: &[PathBuf], thresholds: Thresholds, json: bool, apply: bool) -> Result<(), Failure> {
    let inputs = load(paths)?;
    let today = Date::today();
    let mut reports: Vec<(usize, Suggested)> = Vec::new();
    let mut learned = 0;
    for (n, input) in inputs.iter().enumerate() {
        let files: Vec<Option<(String, SeedFile)>> = input.seeds.par_iter().map(|p| parsed(p, today)).collect();
        learned += files.iter().flatten().count();
        let mut gazetteer = gazetteer(&input.loaded.corpus, &input.schema, &files);
        // Untagged occurrences of every file; the matches of the files named are kept.
        let matches: Vec<Option<(Matches, bool)>> = files
            .par_iter()
            .zip(&input.seeds)
            .map(|(file, path)| {
                let (text, parse) = file.as_ref()?;
                let found = gazetteer.matches(text, &Cover::of(text, parse, &input.schema));
                Some((found, input.loaded.sel.naming(path).is_some()))
            })
            .collect();
        gazetteer.add_untagged(matches.iter().flatten().flat_map(|(m, _)| m.iter().map(|&(_, e)| e)));
        let root = &input.loaded.sel.root;
        let named: Vec<Suggested> = files
            .into_par_iter()
            .zip(matches)
            .zip(&input.seeds)
            .filter_map(|((file, matches), path)| {
                let ((text, _), (matches, true)) = (file?, matches?) else { return None };
                let rel = from_root(root, path);
                let index = LineIndex::new(&text);
                let rejected = |surface: &str, label: &str, range: TextRange| {
                    input.rejections.rejects(surface, label, &rel, index.line_of(range.start) + 1)
                };
                let suggestions = gazetteer.suggestions(&matches, thresholds, rejected);
                (!suggestions.is_empty()).then(|| Suggested { path: path.clone(), text, suggestions })
            })
            .collect();
        reports.extend(named.into_iter().map(|s| (n, s)));
    }
    let cwd = std::env::current_dir().ok();
    let display = |(n, s): &(usize, Suggested)| inputs[*n].loaded.display(&s.path, cwd.as_deref());
    reports.sort_by_cached_key(|r| PathBuf::from(display(r)));
    let total: usize = reports.iter().map(|(_, s)| s.suggestions.len()).sum();
    if apply {
        for (_, s) in &reports {
            let mut text = s.text.clone();
            for sug in s.suggestions.iter().rev() {
                for (range, insert) in learn::tag_edits(sug.range, &sug.label).into_iter().rev() {
                    text.replace_range(range.to_usize(), &insert);
                }
            }
            write_atomic(&s.path, text.as_bytes(), true)?;
        }
        eprintln!("applied {} in {}", plural(total, "suggestion"), plural(reports.len(), "file"));
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    for r in &reports {
        let (_, s) = r;
        let shown = display(r);
        let index = LineIndex::new(&s.text);
        let at = |o: u32| {
            let lc = index.line_col(o, Encoding::Char);
            (lc.line + 1, lc.col + 1)
        };
        if json {
            for sug in &s.suggestions {
                let ((line, column), (end_line, end_column)) = (at(sug.range.start), at(sug.range.end));
                let (label, id) = match sug.label.split_once(':') {
                    Some((ty, id)) => (ty, Some(id)),
                    None => (&*sug.label, None),
                };
                let value = JsonSuggestion {
                    path: &shown,
                    line,
                    column,
                    end_line,
                    end_column,
                    surface: &s.text.as_str()[sug.range],
                    label,
                    id,
                    score: round(sug.score),
                    count: sug.count,
                    total: sug.total,
                };
                let value = serde_json::to_string(&value)?;
                writeln!(out, "{value}")?;
            }
            continue;
        }
        let diagnostics = s.suggestions.iter().map(|sug| diagnostic(&s.text, sug)).collect();
        let report = FileReport {
            path: s.path.clone(),
            corpus: r.0,
            display: shown,
            text: Some(s.text.clone()),
            line_index: index,
            diagnostics,
        };
        let renderer = annotate_snippets::Renderer::plain();
        for d in &report.diagnostics {
            writeln!(out, "{}\n", super::render::one(&renderer, &inputs[r.0].loaded, &report, d))?;
        }
    }
    if !json {
        writeln!(
            out,
            "{} in {}, learned from {}",
            plural(total, "suggestion"),
            plural(reports.len(), "file"),
            plural(learned, "article")
        )?;
    }
    Ok(())
}

/// One line of `--format json`; a struct keeps the keys in the contract's order. `label` is
/// the type (with its mode), `id` the id; `count` the observations of that label, `total`
/// those of the surface.
#[derive(serde::Serialize)]
struct JsonSuggestion<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    surface: &'a str,
    label: &'a str,
    id: Option<&'a str>,
    score: f64,
    count: u32,
    total: u32,
}

/// A suggestion as the hint the editor shows (A012), with its fix.
pub fn diagnostic(text: &str, s: &Suggestion) -> Diagnostic {
    learn::diagnostic(text, s)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

// ---------------------------------------------------------------------------------------------
// --evaluate

/// A held-out article: its mentions (the gold) and the matches of its plain text.
struct HeldOut {
    expected: Vec<(TextRange, Label)>,
    matches: Matches,
}

fn evaluate(paths: &[PathBuf], thresholds: Thresholds, json: bool) -> Result<(), Failure> {
    let inputs = load(paths)?;
    let today = Date::today();
    let mut scores = Scores::default();
    for input in &inputs {
        let root = &input.loaded.sel.root;
        let named: Vec<&PathBuf> = input.seeds.iter().filter(|p| input.loaded.sel.naming(p).is_some()).collect();
        let held: Vec<bool> = named.iter().map(|p| held_out(&from_root(root, p))).collect();
        let files: Vec<Option<(String, SeedFile)>> = named.par_iter().map(|p| parsed(p, today)).collect();
        let (mut learning, mut held_files) = (Vec::new(), Vec::new());
        for (file, &h) in files.into_iter().zip(&held) {
            if h { held_files.push(file) } else { learning.push(file) }
        }
        let mut gazetteer = gazetteer(&input.loaded.corpus, &input.schema, &learning);
        let untagged: Vec<u32> = learning
            .par_iter()
            .flatten()
            .flat_map_iter(|(text, parse)| gazetteer.untagged(text, &Cover::of(text, parse, &input.schema)))
            .collect();
        gazetteer.add_untagged(untagged);
        let tested: Vec<HeldOut> = held_files
            .par_iter()
            .flatten()
            .map(|(text, parse)| {
                let article = Article::from_parse(text, parse, &input.schema);
                let expected = article
                    .spans
                    .iter()
                    .filter(|s| s.class.is_some())
                    .map(|s| {
                        let label = match (&s.id, &s.mode, s.is_event()) {
                            (Some(id), _, false) => format!("{}:{id}", s.ty),
                            (_, Some(mode), true) => format!("{}.{mode}", s.ty),
                            _ => s.ty.clone(),
                        };
                        (s.bytes, label.into_boxed_str())
                    })
                    .collect();
                let matches = gazetteer.matches(&article.text, &Cover::plain(article.body_start));
                HeldOut { expected, matches }
            })
            .collect();
        scores.learned += learning.iter().flatten().count();
        scores.scored += tested.len();
        for t in &tested {
            let suggested: Vec<(TextRange, Label)> = gazetteer
                .suggestions(&t.matches, thresholds, |_, _, _| false)
                .into_iter()
                .map(|s| (s.range, s.label))
                .collect();
            scores.add(&t.expected, &suggested);
        }
    }
    let mut out = std::io::stdout().lock();
    let total = scores.total();
    let figures = |c: &Counts| {
        json!({
            "precision": round(c.precision()), "recall": round(c.recall()), "f1": round(c.f1()),
            "correct": c.correct, "suggested": c.suggested, "expected": c.expected,
        })
    };
    if json {
        let types: Vec<_> = scores
            .by_type
            .iter()
            .map(|(ty, c)| {
                let mut v = figures(c);
                v["type"] = json!(ty);
                v
            })
            .collect();
        let value = json!({
            "learned": scores.learned, "scored": scores.scored,
            "min_score": thresholds.min_score, "min_count": thresholds.min_count,
            "types": types, "total": figures(&total),
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "learned from {}, scored on the tagged mentions of {} (held out: FNV-1a of the path, 1 in 5)\n",
        plural(scores.learned, "article"),
        plural(scores.scored, "article")
    )?;
    let row = |name: &str, c: &Counts| {
        vec![
            name.to_string(),
            format!("{:.3}", c.precision()),
            format!("{:.3}", c.recall()),
            format!("{:.3}", c.f1()),
            c.correct.to_string(),
            c.suggested.to_string(),
            c.expected.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = scores.by_type.iter().map(|(ty, c)| row(ty, c)).collect();
    rows.push(row("total", &total));
    let header = ["type", "precision", "recall", "F1", "correct", "suggested", "expected"];
    write!(out, "{}", table(&header, &rows, &[false, true, true, true, true, true, true]))?;
    Ok(())
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
