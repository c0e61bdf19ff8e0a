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
    if let Some(l) = args.labels.first() {
        labels.ours = l.clone();
    }
    if let Some(l) = args.labels.get(2) {
        labels.theirs = l.clone();
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
