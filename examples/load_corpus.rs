//! Loads a corpus the way `seedls serve` does at startup and prints how long it took and the
//! peak resident memory: `cargo run --release --example load_corpus -- DIR`. A development tool
//! for profiling indexing (`perf record`, `valgrind --tool=callgrind` / `massif`).

use std::time::Instant;

use seedls::corpus::{Corpus, Keep, discover};
use seedls::syntax::header::Date;
use seedls::text::Encoding;

fn main() {
    let roots: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let start = Instant::now();
    // Lean, as the server keeps a corpus (`ALL=1`: everything, as the CLI does).
    let keep = if std::env::var_os("ALL").is_some() { Keep::All } else { Keep::Index(Encoding::Utf16) };
    let (paths, errors) = discover(&roots);
    let (corpus, errors) = Corpus::new(roots, Date::today()).keeping(keep).load_discovered(paths, errors, None);
    let elapsed = start.elapsed();
    // What the server does next, before installing the index.
    let warm = Instant::now();
    corpus.warm(1_000);
    let warm = warm.elapsed();
    let occurrences: usize = corpus.ids().map(|(_, o)| o.len()).sum();
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
        })
        .unwrap_or_default();
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
        })
        .unwrap_or_default();
    println!(
        "{} files, {} occurrences, {} errors, {:.3} s (then warmed in {:.3} s), peak {} kB, now {} kB",
        corpus.files().count(),
        occurrences,
        errors.len(),
        elapsed.as_secs_f64(),
        warm.as_secs_f64(),
        hwm,
        rss
    );
}
