//! Learns a corpus the way the index keeps what it learned (`learn::Tally`: each file's
//! contribution apart, so that a change takes it out) and prints the bytes the contributions
//! and the totals add: `cargo run --release --example learn_tally -- DIR`. A development tool.

use std::time::Instant;

use rayon::prelude::*;
use seedls::corpus::{FileKind, discover};
use seedls::learn::{self, Cover, Tally};
use seedls::syntax::header::Date;
use seedls::syntax::schema::Schema;
use seedls::syntax::{parse_seed, registry::parse_registry};

fn main() {
    let roots: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let start = Instant::now();
    let (paths, _) = discover(&roots);
    let schema = Schema::builtin();
    let today = Date::today();
    let texts: Vec<(FileKind, String)> =
        paths.par_iter().filter_map(|(p, k)| std::fs::read_to_string(p).ok().map(|t| (*k, t))).collect();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let observed: Vec<Vec<learn::Observation>> = texts
        .par_iter()
        .map(|(kind, text)| match kind {
            FileKind::Seed => learn::tagged(text, &parse_seed(text, today), &schema),
            FileKind::Registry => learn::registry_observations(&parse_registry(text).0),
            FileKind::Schema => Vec::new(),
        })
        .collect();
    let mut tally = Tally::default();
    for (i, o) in observed.iter().enumerate() {
        tally.set_tagged(i as u32, o);
    }
    let tagged = start.elapsed();
    let gazetteer = tally.gazetteer();
    let found: Vec<Vec<u32>> = texts
        .par_iter()
        .map(|(kind, text)| match kind {
            FileKind::Seed => gazetteer.untagged(text, &Cover::of(text, &parse_seed(text, today), &schema)),
            _ => Vec::new(),
        })
        .collect();
    for (i, f) in found.iter().enumerate() {
        tally.set_untagged(i as u32, &gazetteer, f);
    }
    println!(
        "{} files, {:.1} MB; {} entries; contributions {:.2} MB ({:.1} bytes a file), totals {:.2} MB; complete: {}; tags {:.2} s, all {:.2} s",
        texts.len(),
        bytes as f64 / 1e6,
        tally.gazetteer().len(),
        tally.file_bytes() as f64 / 1e6,
        tally.file_bytes() as f64 / texts.len().max(1) as f64,
        tally.total_bytes() as f64 / 1e6,
        tally.complete(),
        tagged.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}
