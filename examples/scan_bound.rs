//! The floor under a cold index: discover, read and scan every file for its tags' ids, with
//! nothing else (no validation, summaries, line indexes or diagnostics):
//! `cargo run --release --example scan_bound -- DIR`. A first pass that only indexed ids
//! could not be faster than this; BENCHMARKS.md compares it with ripgrep. The scan is looser
//! than the parser (it takes every `:`-id and `=`-value), so it counts a few more occurrences.
//! Ids are grouped by a hash of their text, without an interner: the floor, not the index.
use std::time::Instant;

use rayon::prelude::*;
use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};
use seedls::corpus::discover;

fn main() {
    let roots: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let start = Instant::now();
    let (paths, _) = discover(&roots);
    let walked = start.elapsed();
    let key = |id: &str| FxBuildHasher.hash_one(id);
    let per_file: Vec<Vec<(u64, u32, u32)>> = paths
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
                            out.push((key(id), f as u32, line));
                        }
                    } else if let Some((_, values)) = word.split_once('=') {
                        for v in values.split(',') {
                            out.push((key(v), f as u32, line));
                        }
                    }
                }
            }
            out
        })
        .collect();
    let scanned = start.elapsed();
    let mut index: FxHashMap<u64, Vec<(u32, u32)>> = FxHashMap::default();
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
