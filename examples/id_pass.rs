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
    // `NO_LOAD=1`: the id pass only, and what the process keeps of it once dropped.
    if std::env::var_os("NO_LOAD").is_some() {
        println!("resident with the id pass: {} kB", rss_kb());
        drop(pass);
        std::thread::sleep(std::time::Duration::from_millis(500));
        println!("resident 0.5 s after dropping it: {} kB", rss_kb());
        return;
    }
    let start = Instant::now();
    let (corpus, _) = Corpus::new(roots, Date::today()).load_discovered(pass.paths(), Vec::new(), None);
    let full: usize = corpus.ids().map(|(_, o)| o.len()).sum();
    println!("full load of the same files: {:.1} ms, {full} occurrences", start.elapsed().as_secs_f64() * 1e3);
}

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()).unwrap_or(0)
}
