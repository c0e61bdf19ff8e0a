//! Reading and indexing the files discovery lists, in parallel.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::syntax::header::Date;
use crate::syntax::schema::Schema;

use super::{Corpus, FileKind, Interner, Keep, LoadError, Parsed, discover, live, next_stamp, parse_file, path_hash};

/// Files parsed in parallel before their summaries are merged into the index.
const LOAD_CHUNK: usize = 4096;

impl Corpus {
    pub fn new(roots: Vec<PathBuf>, today: Date) -> Corpus {
        Corpus {
            roots,
            today,
            keep: Keep::All,
            recent: Default::default(),
            far: FxHashMap::default(),
            interner: Interner::with_hasher(rustc_hash::FxBuildHasher),
            files: Vec::new(),
            by_path: HashTable::new(),
            index: FxHashMap::default(),
            urls: HashTable::new(),
            schema: Arc::new(Schema::builtin()),
            schema_file: None,
            usage: Default::default(),
            registry_files: Vec::new(),
            entities: OnceLock::new(),
            line_memos: FxHashMap::default(),
            generation: next_stamp(),
            loaded_in_order: 0,
        }
    }

    /// Finds, reads and indexes every corpus file under `roots` in parallel. `progress` is
    /// called with (files done, files total) from worker threads.
    pub fn load(
        roots: Vec<PathBuf>,
        today: Date,
        progress: Option<&(dyn Fn(usize, usize) + Sync)>,
    ) -> (Corpus, Vec<LoadError>) {
        let (paths, errors) = discover(&roots);
        Corpus::new(roots, today).load_discovered(paths, errors, progress)
    }

    /// The same corpus keeping `keep` of the files nobody edits (from the next file added).
    pub fn keeping(mut self, keep: Keep) -> Corpus {
        self.keep = keep;
        self
    }

    /// Reads and indexes the files [`discover`] listed (`errors` are the walk's) into this
    /// empty corpus, in parallel.
    pub fn load_discovered(
        self,
        paths: Vec<(PathBuf, FileKind)>,
        mut errors: Vec<LoadError>,
        progress: Option<&(dyn Fn(usize, usize) + Sync)>,
    ) -> (Corpus, Vec<LoadError>) {
        let mut corpus = self;
        let today = corpus.today;
        let total = paths.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        corpus.files.reserve(total);
        let files = &corpus.files;
        corpus.by_path.reserve(total, |&f| path_hash(&live(files, f).path));
        // Parsed in chunks, each merged before the next is parsed: a chunk's parse results
        // (occurrence lists, the `Parsed` values) are the only transient memory.
        let mut paths = paths.into_iter();
        loop {
            let chunk: Vec<(PathBuf, FileKind)> = paths.by_ref().take(LOAD_CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            let (interner, keep) = (&corpus.interner, corpus.keep);
            let parsed: Vec<(PathBuf, std::io::Result<Parsed>)> = chunk
                .into_par_iter()
                .map(|(path, kind)| {
                    let result = std::fs::read(&path).map(|bytes| parse_file(interner, kind, &bytes, today).kept(keep));
                    if let Some(p) = progress {
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if n.is_multiple_of(256) || n == total {
                            p(n, total);
                        }
                    }
                    (path, result)
                })
                .collect();
            for (path, result) in parsed {
                match result {
                    Ok(parsed) => {
                        corpus.insert(path, parsed, None);
                    }
                    Err(e) => errors.push(LoadError { path, message: e.to_string() }),
                }
            }
        }
        // Lists grew by doubling; trim them once (about a fifth of the index).
        for list in corpus.index.values_mut() {
            list.shrink_to_fit();
        }
        corpus.loaded_in_order = corpus.files.len() as u32;
        corpus.refresh_schema();
        (corpus, errors)
    }
}
