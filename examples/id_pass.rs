//! Times the id pass (the first pass of a cold start, see `seedls::idpass`), then the full load
//! of the files it listed, as `seedls serve` runs them: `cargo run --release --example id_pass
//! -- DIR [ROUNDS]`. Compare the id pass with `rg --count-matches '\]\{' DIR`.

use std::time::Instant;

use seedls::corpus::Corpus;
use seedls::idpass::IdPass;
use seedls::syntax::header::Date;

// The server's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let roots: Vec<std::path::PathBuf> = args.iter().take(1).map(Into::into).collect();
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut times = Vec::new();
    let mut pass = IdPass::default();
    for _ in 0..rounds {
        drop(std::mem::take(&mut pass));
        let start = Instant::now();
        pass = IdPass::run(&roots);
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let occurrences: usize = pass.files.iter().map(|f| f.occurrences.len()).sum();
    times.sort_by(f64::total_cmp);
    println!(
        "id pass: {} files, {occurrences} occurrences; ms by run, sorted: {:.1?} (median {:.1})",
        pass.files.len(),
        times,
        times[times.len() / 2]
    );
    if std::env::var_os("NO_LOAD").is_some() {
        return;
    }
    let start = Instant::now();
    let (corpus, _) = Corpus::load_discovered(roots, Date::today(), pass.paths(), Vec::new(), None);
    let full: usize = corpus.ids().map(|(_, o)| o.len()).sum();
    println!("full load of the same files: {:.1} ms, {full} occurrences", start.elapsed().as_secs_f64() * 1e3);
}
