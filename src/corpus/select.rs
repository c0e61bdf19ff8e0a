//! The corpus a path given on the command line belongs to (SPEC §7), and which of its files the
//! paths given name. A file or folder is checked with the registry, schema and other articles
//! of the corpus around it; only what it names is reported, counted or exported.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;

use super::{FileKind, LoadError, discover, path_order};
use crate::syntax::registry::is_registry_file_name;

/// The root of the corpus that `path` (canonical) belongs to: the nearest folder from `path`
/// up (for a file, from its folder up) holding `.seedls.json`, a registry or a schema; else the
/// nearest holding `.git`; else `path` itself. Only names are looked at above the path, never
/// the content of a file.
pub fn root_of(path: &Path) -> PathBuf {
    let start = if path.is_dir() { Some(path) } else { path.parent() };
    let Some(start) = start else { return path.to_path_buf() };
    let has = |dir: &Path, name: &str| dir.join(name).symlink_metadata().is_ok();
    let marks_corpus = |dir: &Path| {
        [".seedls.json", "entities.tsv", "schema.tsv"].iter().any(|name| has(dir, name))
            || std::fs::read_dir(dir).is_ok_and(|entries| {
                entries.flatten().any(|e| e.file_name().to_str().is_some_and(is_registry_file_name))
            })
    };
    start
        .ancestors()
        .find(|dir| marks_corpus(dir))
        .or_else(|| start.ancestors().find(|dir| has(dir, ".git")))
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

/// A path given on the command line, in a [`Selection`].
#[derive(Clone, Debug)]
pub struct Given {
    /// As it was typed.
    pub spelled: PathBuf,
    /// In the corpus's spelling: the selection's root joined with its place below the root.
    pub path: PathBuf,
    /// It is the root: it names every file.
    pub is_root: bool,
}

/// One corpus of the paths given: every file it holds, and the paths given that belong to it.
#[derive(Debug)]
pub struct Selection {
    /// The root, spelled as given when a path given is the root (`check .` lists `./a.txt` as
    /// before), else canonical.
    pub root: PathBuf,
    /// Every file of the corpus, sorted by path: what [`discover`] lists under the root, plus
    /// the paths given that it leaves out (see [`select`]).
    pub files: Vec<(PathBuf, FileKind)>,
    /// Problems of the walks: fatal when they concern a file named, else only a warning.
    pub errors: Vec<LoadError>,
    pub given: Vec<Given>,
    /// Files named by an earlier selection too (nested corpora given together): reported once.
    taken: FxHashSet<PathBuf>,
}

impl Selection {
    /// The path given that names `path` (a file of the corpus): the file itself, or a folder
    /// above it.
    pub fn naming(&self, path: &Path) -> Option<&Given> {
        let given = self.given.iter().find(|g| g.is_root || path.starts_with(&g.path))?;
        (self.taken.is_empty() || !self.taken.contains(path)).then_some(given)
    }

    /// `path` as the user wrote it: the path given that names it, joined with the rest.
    pub fn spelled(&self, path: &Path) -> PathBuf {
        match self.naming(path) {
            Some(g) => match path.strip_prefix(&g.path) {
                Ok(rest) if !rest.as_os_str().is_empty() => g.spelled.join(rest),
                Ok(_) => g.spelled.clone(),
                Err(_) => path.to_path_buf(),
            },
            None => path.to_path_buf(),
        }
    }

    /// `path` relative to the path given that names it; a file given: its name.
    pub fn relative(&self, path: &Path) -> PathBuf {
        let rest = self.naming(path).and_then(|g| path.strip_prefix(&g.path).ok());
        match rest {
            Some(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
            _ => path.file_name().map(PathBuf::from).unwrap_or_default(),
        }
    }
}

/// Groups `paths` by the corpus they belong to ([`root_of`]), in the order first given, and
/// lists each corpus: its root's files as [`discover`] finds them (the root's `.seedls.json`
/// and ignore files apply). A path given that the root's rules leave out is still checked, as
/// rg and ruff do for a path named on their command line: a file is added as it is; a folder
/// of which the root lists nothing is walked on its own rules. The errors returned are fatal:
/// a path that does not exist or is not a corpus file, a root whose `.seedls.json` is invalid.
pub fn select(paths: &[PathBuf]) -> (Vec<Selection>, Vec<LoadError>) {
    let mut fatal = Vec::new();
    // (canonical root, [(spelled, canonical, is a file)])
    let mut groups: Vec<(PathBuf, Vec<(PathBuf, PathBuf, bool)>)> = Vec::new();
    for spelled in paths {
        let canonical = match std::fs::canonicalize(spelled) {
            Ok(c) => c,
            Err(e) => {
                let message = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    _ => e.to_string(),
                };
                fatal.push(LoadError { path: spelled.clone(), message });
                continue;
            }
        };
        let is_file = canonical.is_file();
        if is_file && FileKind::of(spelled).or_else(|| FileKind::of(&canonical)).is_none() {
            fatal.push(LoadError {
                path: spelled.clone(),
                message: "not a seed (.txt), registry (entities.tsv) or schema (schema.tsv) file".into(),
            });
            continue;
        }
        if !is_file && !canonical.is_dir() {
            fatal.push(LoadError { path: spelled.clone(), message: "not a file or folder".into() });
            continue;
        }
        let root = root_of(&canonical);
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, list)) => list.push((spelled.clone(), canonical, is_file)),
            None => groups.push((root, vec![(spelled.clone(), canonical, is_file)])),
        }
    }
    let mut selections = Vec::new();
    let mut canonical_roots = Vec::new();
    for (canonical_root, list) in groups {
        let root = match list.iter().find(|(_, c, _)| *c == canonical_root) {
            Some((spelled, _, _)) => spelled.clone(),
            None => canonical_root.clone(),
        };
        let (mut files, mut errors) = discover(std::slice::from_ref(&root));
        let config = root.join(".seedls.json");
        if let Some(i) = errors.iter().position(|e| e.path == config) {
            // Without its configuration the corpus's file set is unknown.
            fatal.push(errors.swap_remove(i));
            continue;
        }
        let listed = files.len();
        let mut given = Vec::new();
        for (spelled, canonical, is_file) in list {
            let rel = canonical.strip_prefix(&canonical_root).expect("a root is above what it holds");
            let is_root = rel.as_os_str().is_empty();
            let path = if is_root { root.clone() } else { root.join(rel) };
            if is_file {
                if files[..listed].binary_search_by(|(f, _)| path_order(f, &path)).is_err() {
                    let kind = FileKind::of(&spelled).or_else(|| FileKind::of(&canonical)).expect("checked above");
                    files.push((path.clone(), kind));
                }
            } else if !is_root {
                let first = files[..listed].partition_point(|(f, _)| path_order(f, &path).is_lt());
                if files.get(first).is_none_or(|(f, _)| !f.starts_with(&path)) {
                    let (own, own_errors) = discover(std::slice::from_ref(&path));
                    files.extend(own);
                    errors.extend(own_errors);
                }
            }
            given.push(Given { spelled, path, is_root });
        }
        if files.len() > listed {
            files.sort_unstable_by(|a, b| path_order(&a.0, &b.0));
            files.dedup_by(|a, b| a.0 == b.0);
        }
        canonical_roots.push(canonical_root);
        selections.push(Selection { root, files, errors, given, taken: FxHashSet::default() });
    }
    if selections.len() > 1 {
        // A file named in two corpora (a corpus given with a corpus nested in it) is reported
        // by the first only.
        let mut seen = FxHashSet::default();
        for (sel, canonical_root) in selections.iter_mut().zip(&canonical_roots) {
            let mut taken = FxHashSet::default();
            for (path, _) in &sel.files {
                if sel.naming(path).is_some() {
                    let key = match path.strip_prefix(&sel.root) {
                        Ok(rel) if !rel.as_os_str().is_empty() => canonical_root.join(rel),
                        _ => canonical_root.clone(),
                    };
                    if !seen.insert(key) {
                        taken.insert(path.clone());
                    }
                }
            }
            sel.taken = taken;
        }
    }
    (selections, fatal)
}
