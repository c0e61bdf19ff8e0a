//! The command line: argument parsing and the commands. Commands run on the same core as the
//! language server; this module only loads, asks the analysis, and renders.

mod curation;
mod import;
mod merge;
mod render;
mod suggest;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::analysis;
use crate::corpus::{self, Corpus, FileId, Selection};
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::header::Date;
use crate::syntax::schema::DEFAULT_SCHEMA;

#[derive(Parser)]
#[command(name = "seedls", version, about = "Language server and curation CLI for annotated news-event corpora", long_about = None)]
pub struct Cli {
    /// Run the language server on stdio (the default without a command).
    #[arg(long, global = false)]
    pub stdio: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the language server on stdio.
    Serve,
    /// Report every diagnostic of a corpus.
    Check(CheckArgs),
    /// Print the built-in schema (PLOVER event types), to start a schema.tsv from.
    Schema,
    /// Corpus statistics: articles, dates, mentions per type, top ids, alias coverage.
    Stats(StatsArgs),
    /// Export the corpus as plain text, brat, doccano JSONL, CoNLL or PLOVER records.
    Export(ExportArgs),
    /// Import a brat, doccano JSONL or CoNLL corpus as seed files.
    Import(ImportArgs),
    /// Agreement between two annotated copies of the same articles.
    Agree(AgreeArgs),
    /// Create the next seed file `NNN_<16 hex>.txt` with its header.
    New(NewArgs),
    /// Three-way merge of a seed file, annotation by annotation (a git merge driver).
    MergeFile(merge::MergeFileArgs),
    /// Adjudicate several annotators' copies of the same articles (INCEpTION's strategies).
    Merge(merge::MergeArgs),
    /// Suggest tags learned from the corpus: list them, apply them, or measure them (--evaluate).
    Suggest(suggest::SuggestArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Human,
    Json,
}

#[derive(clap::Args)]
pub struct StatsArgs {
    /// Files or directories to count, each with the registry and schema of the corpus around it.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub format: TableFormat,
    /// How many entities and events to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: curation::ExportFormat,
    /// Files or directories to export, each with the registry and schema of the corpus around it.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Directory to write into (created if missing).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Input format.
    #[arg(long, value_enum)]
    pub format: import::ImportFormat,
    /// A brat folder (or one `.ann`), a JSONL file (or a folder of them), or a CoNLL file.
    pub src: PathBuf,
    /// Directory to write the seed files into (created if missing).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Fail (exit 1, nothing written) when anything cannot be held by seed files.
    #[arg(long)]
    pub strict: bool,
    /// CoNLL: the documents' plain text (a file, or a folder of `.txt` files in the order of
    /// the documents), so tokens keep their spacing; without it they are joined by spaces.
    #[arg(long)]
    pub text: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct AgreeArgs {
    /// The first annotator's copy (a folder or a file).
    pub a: PathBuf,
    /// The second annotator's copy.
    pub b: PathBuf,
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub format: TableFormat,
}

#[derive(clap::Args)]
pub struct NewArgs {
    /// The article's source URL (its date goes in the header when it has one).
    #[arg(long)]
    pub url: Option<String>,
    /// Directory to create the file in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check, each in the corpus around it (the nearest folder up with
    /// .seedls.json, a registry or a schema, else .git, else the path itself).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also report hints (untagged aliases, glued sentences, unused registry rows …).
    #[arg(long)]
    pub hints: bool,
    /// Make warnings fail the check (exit 1).
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // clap: help and version are not failures; usage errors are exit 2.
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check(args),
        Some(Command::Schema) => {
            print!("{DEFAULT_SCHEMA}");
            ExitCode::SUCCESS
        }
        Some(Command::Stats(a)) => curation::run(|| curation::stats(&a.paths, a.format == TableFormat::Json, a.top)),
        Some(Command::Export(a)) => curation::run(|| curation::export(&a.paths, a.format, &a.output, a.force)),
        Some(Command::Import(a)) => import::run(a.format, &a.src, &a.output, a.force, a.strict, a.text.as_deref()),
        Some(Command::Agree(a)) => curation::run(|| curation::agree(&a.a, &a.b, a.format == TableFormat::Json)),
        Some(Command::New(a)) => curation::run(|| curation::new(a.url.as_deref(), &a.dir)),
        Some(Command::MergeFile(a)) => merge::merge_file_command(a),
        Some(Command::Merge(a)) => merge::merge_command(a),
        Some(Command::Suggest(a)) => curation::run(|| suggest::run(&a)),
        Some(Command::Serve) | None => {
            let _ = cli.stdio;
            crate::lsp::run_stdio()
        }
    }
}

/// A corpus of the command, and which of its files the paths given name.
pub struct Loaded {
    pub corpus: Corpus,
    pub sel: Selection,
}

impl Loaded {
    /// A path of the corpus as shown: as the user wrote the path given that names it, else as
    /// the corpus spells it; relative to the current folder when under it.
    pub fn display(&self, path: &std::path::Path, cwd: Option<&std::path::Path>) -> String {
        let spelled = self.sel.spelled(path);
        // A file of a corpus whose root is above the current folder (`check .` in one of its
        // folders): `../other/b.txt`, not an absolute path.
        if let Some(cwd) = cwd
            && spelled.is_absolute()
            && !spelled.starts_with(cwd)
            && cwd.starts_with(&self.sel.root)
            && spelled.starts_with(&self.sel.root)
        {
            let common = cwd.components().zip(spelled.components()).take_while(|(a, b)| a == b).count();
            let up = cwd.components().count() - common;
            let mut rel: PathBuf = std::iter::repeat_n("..", up).collect();
            rel.extend(spelled.components().skip(common));
            return rel.to_string_lossy().into_owned();
        }
        display_path(&spelled, cwd)
    }
}

/// One file's diagnostics with the text they were computed on (for rendering).
pub struct FileReport {
    /// The path in its corpus.
    pub path: PathBuf,
    /// Which corpus of the command it belongs to.
    pub corpus: usize,
    /// The path as the user wrote it (relative to the current folder when under it).
    pub display: String,
    /// The file read again, lossily: for the source lines of the human output, and for hints
    /// that need the text. `None` otherwise: JSON and SARIF need only positions, which the
    /// corpus's line index gives without reading the file twice.
    pub text: Option<String>,
    /// The line index of `text` when there is one, else the corpus's.
    pub line_index: crate::text::LineIndex,
    pub diagnostics: Vec<Diagnostic>,
}

fn check(args: CheckArgs) -> ExitCode {
    let stderr_tty = std::io::stderr().is_terminal();
    let bar = stderr_tty.then(|| {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} indexing {pos}/{len} files {wide_bar} {eta}").unwrap(),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar
            && total >= 2000
        {
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    // Each path belongs to the corpus around it (SPEC §7): every corpus given is loaded whole,
    // and only the files the paths name are reported.
    let (selections, mut errors) = corpus::select(&args.paths);
    let total: usize = selections.iter().map(|s| s.files.len()).sum();
    let today = Date::today();
    let mut corpora = Vec::with_capacity(selections.len());
    let mut unnamed = Vec::new();
    let mut offset = 0;
    for mut sel in selections {
        let files = std::mem::take(&mut sel.files);
        let count = files.len();
        let progress = |done: usize, _: usize| progress(offset + done, total);
        let (corpus, load_errors) = Corpus::new(vec![sel.root.clone()], today).load_discovered(
            files,
            std::mem::take(&mut sel.errors),
            Some(&progress),
        );
        offset += count;
        // A file the paths do not name is only context: failing to read it is a warning.
        for e in load_errors {
            if sel.naming(&e.path).is_some() { errors.push(e) } else { unnamed.push(e) }
        }
        corpora.push(Loaded { corpus, sel });
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut reports: Vec<FileReport> = corpora
        .iter()
        .enumerate()
        .flat_map(|(i, loaded)| collect(i, loaded, args.hints, args.format == Format::Human))
        .collect();
    reports.sort_by(|a, b| std::path::Path::new(&a.display).cmp(std::path::Path::new(&b.display)));
    let files_checked: usize =
        corpora.iter().map(|l| l.corpus.files().filter(|(_, data)| l.sel.naming(&data.path).is_some()).count()).sum();
    let mut stdout = std::io::stdout().lock();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let result = match args.format {
        Format::Human => render::human(&mut stdout, &corpora, &reports, files_checked, color),
        Format::Json => render::json(&mut stdout, &reports),
        Format::Sarif => render::sarif(&mut stdout, &corpora, &reports),
    };
    if let Err(e) = result.and_then(|_| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("seedls: cannot write output: {e}");
        }
        return ExitCode::from(2);
    }
    // Load failures go to stderr in every format, so stdout stays parseable.
    for e in &unnamed {
        eprintln!("warning: cannot read {}: {} (its corpus is checked without it)", e.path.display(), e.message);
    }
    for e in &errors {
        eprintln!("error: cannot read {}: {}", e.path.display(), e.message);
    }
    let counts = |sev: Severity| reports.iter().flat_map(|r| &r.diagnostics).filter(|d| d.severity() == sev).count();
    if !errors.is_empty() {
        ExitCode::from(2)
    } else if counts(Severity::Error) > 0 || (args.deny == Some(Deny::Warnings) && counts(Severity::Warning) > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Diagnostics of the files the paths given name in corpus number `corpus_index`; files are
/// read again only when needed (hints that need the text, and the source lines the human
/// output shows).
fn collect(corpus_index: usize, loaded: &Loaded, hints: bool, show_source: bool) -> Vec<FileReport> {
    let cwd = std::env::current_dir().ok();
    let (corpus, sel) = (&loaded.corpus, &loaded.sel);
    let ids: Vec<FileId> =
        corpus.files().filter(|(_, data)| sel.naming(&data.path).is_some()).map(|(id, _)| id).collect();
    let caches = analysis::Caches::default();
    ids.par_iter()
        .filter_map(|&id| {
            let data = corpus.file(id);
            // A file that cannot be read again shows as empty (its range is clamped to it).
            let read = || {
                let bytes = std::fs::read(&data.path).unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            };
            let mut text = hints.then(read);
            let mut diagnostics = analysis::file_diagnostics(corpus, &caches, id, text.as_deref());
            diagnostics.retain(|d| hints || d.severity() != Severity::Hint);
            if diagnostics.is_empty() {
                return None;
            }
            if show_source && text.is_none() {
                text = Some(read());
            }
            let line_index = match &text {
                Some(text) => crate::text::LineIndex::new(text),
                None => data.line_index().clone(),
            };
            let display = loaded.display(&data.path, cwd.as_deref());
            Some(FileReport { path: data.path.clone(), corpus: corpus_index, display, text, line_index, diagnostics })
        })
        .collect()
}

pub fn display_path(path: &std::path::Path, cwd: Option<&std::path::Path>) -> String {
    let rel = cwd.and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    let s = rel.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}
