//! The floor under a cold index: discover, read and scan every file for its tags' ids, with
//! nothing else (no validation, summaries, line indexes or diagnostics):
//! `cargo run --release --example scan_bound -- DIR`. A first pass that only indexed ids
//! could not be faster than this; BENCHMARKS.md compares it with ripgrep. The scan is looser
//! than the parser (it takes every `:`-id and `=`-value), so it counts a few more occurrences.
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use seedls::corpus::{Interner, discover};

fn main() {
    let roots: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let start = Instant::now();
    let (paths, _) = discover(&roots);
    let walked = start.elapsed();
    let interner = Interner::with_hasher(Default::default());
    let per_file: Vec<Vec<(lasso::Spur, u32, u32)>> = paths
        .par_iter()
        .enumerate()
        .map(|(f, (path, _))| {
            let bytes = std::fs::read(path).unwrap_or_default();
            let Ok(text) = std::str::from_utf8(&bytes) else { return Vec::new() };
            let mut out = Vec::new();
            let mut line = 0u32;
            let mut last = 0usize;
            for at in memchr::memmem::find_iter(text.as_bytes(), b"]{") {
                let tag_start = at + 2;
                let Some(close) = memchr::memchr(b'}', &text.as_bytes()[tag_start..]) else { continue };
                line += memchr::memchr_iter(b'\n', &text.as_bytes()[last..at]).count() as u32;
                last = at;
                let tag = &text[tag_start..tag_start + close];
                for (i, word) in tag.split(' ').enumerate() {
                    if i == 0 {
                        if let Some((_, id)) = word.split_once(':') {
                            out.push((interner.get_or_intern(id), f as u32, line));
                        }
                    } else if let Some((_, values)) = word.split_once('=') {
                        for v in values.split(',') {
                            out.push((interner.get_or_intern(v), f as u32, line));
                        }
                    }
                }
            }
            out
        })
        .collect();
    let scanned = start.elapsed();
    let mut index: FxHashMap<lasso::Spur, Vec<(u32, u32)>> = FxHashMap::default();
    for occs in per_file {
        for (s, f, l) in occs {
            index.entry(s).or_default().push((f, l));
        }
    }
    let total: usize = index.values().map(Vec::len).sum();
    println!(
        "{} files, {} occurrences, {} ids: walk {:?}, scan {:?}, merged {:?}",
        paths.len(),
        total,
        index.len(),
        walked,
        scanned,
        start.elapsed()
    );
}
