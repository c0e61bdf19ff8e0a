//! `seedls merge-file`: git's merge driver for seed files (SPEC §13). The merge itself is
//! `curation::merge`; this reads the three versions and writes the result.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::curation::{Failure, write_atomic};
use crate::curation::merge::{Labels, merge_file};
use crate::syntax;

#[derive(clap::Args)]
pub struct MergeFileArgs {
    /// The common ancestor (git's `%O`).
    pub base: PathBuf,
    /// Our version (`%A`): the result is written here unless `-o` is given.
    pub ours: PathBuf,
    /// Their version (`%B`).
    pub theirs: PathBuf,
    /// Write the result here instead (`-` for standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Labels of the conflict markers, as git merge-file's: ours, then base, then theirs.
    #[arg(short = 'L', value_name = "LABEL", action = clap::ArgAction::Append)]
    pub labels: Vec<String>,
    /// Length of the conflict markers (git's `%L`).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u16).range(2..))]
    pub marker_size: u16,
}

/// Exit 0 when the merge is clean, 1 with conflicts, 2 on bad input (nothing written then).
pub fn merge_file_command(args: MergeFileArgs) -> ExitCode {
    match run(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(n) => {
            let out = args.output.as_deref().unwrap_or(&args.ours);
            eprintln!("seedls merge-file: {n} conflict{} in {}", if n == 1 { "" } else { "s" }, out.display());
            ExitCode::from(1)
        }
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &MergeFileArgs) -> Result<usize, Failure> {
    if args.labels.len() > 3 {
        return Err(Failure("-L is given at most three times (ours, base, theirs)".into()));
    }
    let base = read(&args.base)?;
    let ours = read(&args.ours)?;
    let theirs = read(&args.theirs)?;
    let mut labels = Labels { marker_size: args.marker_size.into(), ..Labels::default() };
    // A git older than 2.44 passes `%X`, `%S`, `%Y` on unexpanded: no label was given.
    let given = |i: usize| args.labels.get(i).filter(|l| !matches!(l.as_str(), "%X" | "%S" | "%Y")).cloned();
    if let Some(l) = given(0) {
        labels.ours = l;
    }
    if let Some(l) = given(2) {
        labels.theirs = l;
    }
    let merged = merge_file(&base, &ours, &theirs, &labels);
    match args.output.as_deref() {
        Some(p) if p == Path::new("-") => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(merged.text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| Failure(format!("cannot write the result: {e}")))?;
        }
        Some(p) => write_atomic(p, merged.text.as_bytes(), true)?,
        None => write_atomic(&args.ours, merged.text.as_bytes(), true)?,
    }
    Ok(merged.conflicts)
}

/// One version read and decoded; a message naming the file when it cannot be.
fn read(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    match syntax::decode(&bytes) {
        Ok(_) => Ok(String::from_utf8(bytes).expect("validated")),
        Err(d) => Err(Failure(format!("{}: {}", path.display(), d.message))),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StrategyName {
    All,
    Majority,
    Threshold,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The annotators' copies: files, or folders holding the same articles at the same paths.
    #[arg(required = true, num_args = 2..)]
    pub copies: Vec<PathBuf>,
    /// The adjudicated file (for files) or folder (for folders).
    #[arg(short, long)]
    pub output: PathBuf,
    /// When a label wins a span: every annotator agrees (`all`), the most annotators
    /// (`majority`, leaving a span untagged counts as a vote), or `threshold`.
    #[arg(long, value_enum, default_value_t = StrategyName::Majority)]
    pub strategy: StrategyName,
    /// `threshold`: at least this many annotators gave the label.
    #[arg(long, default_value_t = 2)]
    pub min_votes: usize,
    /// `threshold`: those annotators are at least this share of all of them (0 to 1).
    #[arg(long, default_value_t = 0.5)]
    pub min_share: f64,
    /// Overwrite output files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// Exit 0 when every span was settled, 1 when some are left to the curator, 2 on bad input.
pub fn merge_command(args: MergeArgs) -> ExitCode {
    match adjudicate_all(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(n) => {
            eprintln!(
                "seedls merge: {n} conflict{} left to the curator in {}",
                if n == 1 { "" } else { "s" },
                args.output.display()
            );
            ExitCode::from(1)
        }
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn adjudicate_all(args: &MergeArgs) -> Result<usize, Failure> {
    use crate::curation::adjudicate::{Strategy, adjudicate};
    if !(0.0..=1.0).contains(&args.min_share) {
        return Err(Failure(format!("--min-share {} is not between 0 and 1", args.min_share)));
    }
    let strategy = match args.strategy {
        StrategyName::All => Strategy::All,
        StrategyName::Majority => Strategy::Majority,
        StrategyName::Threshold => Strategy::Threshold { min_votes: args.min_votes, min_share: args.min_share },
    };
    let labels = side_names(&args.copies);
    let folders = args.copies.iter().filter(|p| p.is_dir()).count();
    // Each article: its path under the output, and its copy in each input (if there).
    let mut articles: std::collections::BTreeMap<PathBuf, Vec<Option<PathBuf>>> = Default::default();
    match folders {
        0 => {
            articles.insert(args.output.clone(), args.copies.iter().cloned().map(Some).collect());
        }
        n if n == args.copies.len() => {
            for (i, dir) in args.copies.iter().enumerate() {
                for rel in seed_files(dir)? {
                    let slot = articles.entry(args.output.join(&rel)).or_insert_with(|| vec![None; args.copies.len()]);
                    slot[i] = Some(dir.join(&rel));
                }
            }
        }
        _ => return Err(Failure("give either files or folders to merge, not both".into())),
    }
    // Everything is read and merged before anything is written.
    let mut results = Vec::with_capacity(articles.len());
    let mut conflicts = 0;
    for (out, copies) in &articles {
        let present: Vec<usize> = (0..copies.len()).filter(|&i| copies[i].is_some()).collect();
        if present.len() < copies.len() {
            let missing: Vec<&str> =
                (0..copies.len()).filter(|i| copies[*i].is_none()).map(|i| labels[i].as_str()).collect();
            eprintln!(
                "warning: {} is missing from {}: merged from the other copies",
                out.display(),
                missing.join(", ")
            );
        }
        let texts: Vec<String> =
            present.iter().map(|&i| read(copies[i].as_deref().unwrap())).collect::<Result<_, _>>()?;
        let names: Vec<String> = present.iter().map(|&i| labels[i].clone()).collect();
        let text = if texts.len() == 1 {
            texts[0].clone()
        } else {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let a = adjudicate(&refs, &names, strategy, 7);
            conflicts += a.conflicts;
            a.text
        };
        results.push((out, text));
    }
    for (out, text) in results {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Failure(format!("cannot create {}: {e}", parent.display())))?;
        }
        write_atomic(out, text.as_bytes(), args.force)?;
    }
    Ok(conflicts)
}

/// Each copy's side name: its folder's name (a file's: the folder holding it), made unique.
fn side_names(copies: &[PathBuf]) -> Vec<String> {
    let name = |p: &Path| {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let folder = if abs.is_dir() { Some(abs.as_path()) } else { abs.parent() };
        folder
            .and_then(|f| f.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let names: Vec<String> = copies.iter().map(|p| name(p)).collect();
    names
        .iter()
        .zip(copies)
        .map(|(n, p)| if names.iter().filter(|m| *m == n).count() > 1 { p.display().to_string() } else { n.clone() })
        .collect()
}

/// The `*.txt` files under a folder, relative to it, hidden folders skipped.
fn seed_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = std::fs::read_dir(dir.join(&rel))
            .map_err(|e| Failure(format!("cannot read {}: {e}", dir.join(&rel).display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| Failure(format!("cannot read {}: {e}", dir.join(&rel).display())))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let kind =
                entry.file_type().map_err(|e| Failure(format!("cannot read {}: {e}", entry.path().display())))?;
            if kind.is_dir() {
                stack.push(rel.join(&name));
            } else if kind.is_file() && Path::new(&name).extension().is_some_and(|e| e == "txt") {
                out.push(rel.join(&name));
            }
        }
    }
    out.sort();
    Ok(out)
}
