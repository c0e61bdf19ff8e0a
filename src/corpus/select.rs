//! The corpus a path given on the command line belongs to (SPEC §7), and which of its files the
//! paths given name. A file or folder is checked with the registry, schema and other articles
//! of the corpus around it; only what it names is reported, counted or exported.

use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};

use super::{FileKind, LoadError, discover, path_order};
use crate::syntax::registry::is_registry_file_name;

/// The root of the corpus that `path` (canonical) belongs to: the nearest folder from `path`
/// up (for a file, from its folder up) holding `.seedls.json`, a registry or a schema; else the
/// nearest holding `.git`; else `path` itself. Only names are looked at above the path, never
/// the content of a file.
pub fn root_of(path: &Path) -> PathBuf {
    RootFinder::default().root_of(path)
}

/// [`root_of`] for many paths (`check seeds/*.txt`): what a folder holds is looked at once.
#[derive(Default)]
struct RootFinder {
    /// Folder → (holds a corpus marker, holds `.git`).
    seen: rustc_hash::FxHashMap<PathBuf, (bool, bool)>,
}

impl RootFinder {
    fn root_of(&mut self, path: &Path) -> PathBuf {
        let start = if path.is_dir() { Some(path) } else { path.parent() };
        let Some(start) = start else { return path.to_path_buf() };
        let mut git = None;
        for dir in start.ancestors() {
            let (corpus, has_git) = self.marks(dir);
            if corpus {
                return dir.to_path_buf();
            }
            if has_git && git.is_none() {
                git = Some(dir);
            }
        }
        git.unwrap_or(path).to_path_buf()
    }

    fn marks(&mut self, dir: &Path) -> (bool, bool) {
        if let Some(&marks) = self.seen.get(dir) {
            return marks;
        }
        let has = |name: &str| dir.join(name).symlink_metadata().is_ok();
        let corpus = [".seedls.json", "entities.tsv", "schema.tsv"].iter().any(|name| has(name))
            || std::fs::read_dir(dir).is_ok_and(|entries| {
                entries.flatten().any(|e| e.file_name().to_str().is_some_and(is_registry_file_name))
            });
        let marks = (corpus, has(".git"));
        self.seen.insert(dir.to_path_buf(), marks);
        marks
    }
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
    /// Which of `given` is the root, the files given by path, the folders given: a glob of
    /// thousands of files given is looked up, not scanned, for each file of the corpus.
    root_given: Option<usize>,
    files_given: FxHashMap<PathBuf, usize>,
    folders_given: Vec<usize>,
    /// Files named by an earlier selection too (nested corpora given together): reported once.
    taken: FxHashSet<PathBuf>,
}

impl Selection {
    /// The path given that names `path` (a file of the corpus): the file itself, or a folder
    /// above it.
    pub fn naming(&self, path: &Path) -> Option<&Given> {
        let index = self
            .root_given
            .or_else(|| self.files_given.get(path).copied())
            .or_else(|| self.folders_given.iter().copied().find(|&i| path.starts_with(&self.given[i].path)))?;
        (self.taken.is_empty() || !self.taken.contains(path)).then_some(&self.given[index])
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
    /// A path given: as spelled, canonical, whether it is a file.
    type GivenPath = (PathBuf, PathBuf, bool);
    // (canonical root, the paths given that belong to it)
    let mut groups: Vec<(PathBuf, Vec<GivenPath>)> = Vec::new();
    let mut group_of: FxHashMap<PathBuf, usize> = FxHashMap::default();
    let mut finder = RootFinder::default();
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
        let root = finder.root_of(&canonical);
        match group_of.get(&root) {
            Some(&i) => groups[i].1.push((spelled.clone(), canonical, is_file)),
            None => {
                group_of.insert(root.clone(), groups.len());
                groups.push((root, vec![(spelled.clone(), canonical, is_file)]));
            }
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
        let (mut root_given, mut files_given, mut folders_given) = (None, FxHashMap::default(), Vec::new());
        for (spelled, canonical, is_file) in list {
            let rel = canonical.strip_prefix(&canonical_root).expect("a root is above what it holds");
            let is_root = rel.as_os_str().is_empty();
            let path = if is_root { root.clone() } else { root.join(rel) };
            if is_root {
                root_given = root_given.or(Some(given.len()));
            } else if is_file {
                files_given.entry(path.clone()).or_insert(given.len());
            } else {
                folders_given.push(given.len());
            }
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
        selections.push(Selection {
            root,
            files,
            errors,
            given,
            root_given,
            files_given,
            folders_given,
            taken: FxHashSet::default(),
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_nearest_corpus_marker_then_git_then_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(dir.path()).unwrap();
        for (path, text) in [
            (".git/HEAD", "ref: refs/heads/main\n"),
            ("mid/people.entities.tsv", "id\ttype\tname\n"),
            ("mid/low/a.txt", ""),
            ("other/low/b.txt", ""),
            ("outer/entities.tsv", "id\ttype\tname\n"),
            ("outer/repo/.git", "gitdir: elsewhere\n"),
            ("outer/repo/c.txt", ""),
        ] {
            std::fs::create_dir_all(top.join(path).parent().unwrap()).unwrap();
            std::fs::write(top.join(path), text).unwrap();
        }
        // A `*.entities.tsv` marks a corpus as `entities.tsv` does.
        assert_eq!(root_of(&top.join("mid/low/a.txt")), top.join("mid"));
        assert_eq!(root_of(&top.join("mid/low")), top.join("mid"));
        assert_eq!(root_of(&top.join("mid")), top.join("mid"));
        // Only `.git` above: the repository.
        assert_eq!(root_of(&top.join("other/low/b.txt")), top);
        // A corpus marker above a repository still wins: `.git` is only the fallback.
        assert_eq!(root_of(&top.join("outer/repo/c.txt")), top.join("outer"));
    }
}
