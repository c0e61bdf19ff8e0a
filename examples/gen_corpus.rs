//! Writes a deterministic benchmark corpus: `cargo run --release --example gen_corpus -- N DIR
//! [--entities M] [--seed S]`. A development tool, not part of the `seedls` command line.

#[path = "../benches/support/corpus_gen.rs"]
mod corpus_gen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || !args[i - 1].starts_with("--")))
        .map(|(_, a)| a)
        .collect();
    let (Some(n), Some(dir)) = (positional.first().and_then(|n| n.parse::<usize>().ok()), positional.get(1)) else {
        eprintln!("usage: gen_corpus N DIR [--entities M] [--seed S]");
        return ExitCode::from(2);
    };
    let m: usize = flag(&args, "--entities").unwrap_or((n / 20).clamp(50, 20_000));
    let seed: u64 = flag(&args, "--seed").unwrap_or(2022);
    match corpus_gen::generate(&PathBuf::from(dir), n, m, seed) {
        Ok(g) => {
            println!("{} files, {:.1} MB, {} mentions, {m} entities", g.files, g.bytes as f64 / 1e6, g.mentions);
            if let Some((id, uses)) = g.id_near_10k {
                println!("id closest to 10,000 uses: {id} ({uses})");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::from(2)
        }
    }
}

fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok())
}
