//! Which files make the corpus: the walk, `.seedls.json` and judging single paths.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ignore::WalkState;
use serde::Deserialize;

use super::{FileKind, LoadError, Recover};

/// `Path`'s order (component by component) for the walker's paths, which are normalised: their
/// bytes with the separator as the smallest byte. `Path::cmp` splits both paths into
/// components on every comparison, which made sorting 10,000 paths 5 % of a cold load.
pub(crate) fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (a, b) = (a.as_os_str().as_bytes(), b.as_os_str().as_bytes());
        let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let next = |s: &[u8]| s.get(common).map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 });
        next(a).cmp(&next(b))
    }
    #[cfg(not(unix))]
    {
        a.cmp(b)
    }
}

/// Lists corpus files under `roots` in parallel, honouring `.gitignore`, `.ignore` and
/// `.seedls.json`, never following symbolic links (a link may lead out of the workspace).
/// The result is sorted by path so every run and every thread count sees the same order.
/// A file reached from two overlapping roots (`. seeds`) is listed once.
pub fn discover(roots: &[PathBuf]) -> (Vec<(PathBuf, FileKind)>, Vec<LoadError>) {
    let (found, errors) = discover_with(roots, &|_, _| ());
    (found.into_iter().map(|(path, kind, ())| (path, kind)).collect(), errors)
}

/// [`discover`], calling `visit` on each file from the walker's thread as it is found (a
/// first pass reads files while the walk goes on); its result comes back with the file.
pub(crate) fn discover_with<T: Send>(
    roots: &[PathBuf],
    visit: &(dyn Fn(&Path, FileKind) -> T + Sync),
) -> (Vec<(PathBuf, FileKind, T)>, Vec<LoadError>) {
    // (path, kind, index of the root it was found under, what `visit` made of it)
    let found = std::sync::Mutex::new(Vec::new());
    let errors = std::sync::Mutex::new(Vec::new());
    for (root_index, root) in roots.iter().enumerate() {
        if root.is_file() {
            match FileKind::of(root) {
                Some(kind) => {
                    let seen = visit(root, kind);
                    found.lock().recover().push((root.clone(), kind, root_index, seen))
                }
                None => errors.lock().recover().push(LoadError {
                    path: root.clone(),
                    message: "not a seed (.txt), registry (entities.tsv) or schema (schema.tsv) file".into(),
                }),
            }
            continue;
        }
        if !root.is_dir() {
            errors.lock().recover().push(LoadError { path: root.clone(), message: "no such file or directory".into() });
            continue;
        }
        let filter = match filter_of(root) {
            Ok(filter) => filter.map(Arc::new),
            Err(e) => {
                // Without its configuration the root's file set is unknown: loading it anyway
                // would report on files the team excluded.
                let message = e.to_string();
                errors.lock().recover().push(LoadError { path: root.join(".seedls.json"), message });
                continue;
            }
        };
        let mut builder = walk_builder(root);
        if let Some(filter) = &filter {
            let (filter, root) = (filter.clone(), root.clone());
            // Prune excluded directories instead of walking them.
            builder.filter_entry(move |e| !filter.excluded(e.path().strip_prefix(&root).unwrap_or(e.path())));
        }
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        if entry.file_type().is_some_and(|t| t.is_file())
                            && let Some(kind) = FileKind::of(entry.path())
                            && filter
                                .as_ref()
                                .is_none_or(|f| f.included(entry.path().strip_prefix(root).unwrap_or(entry.path())))
                        {
                            let seen = visit(entry.path(), kind);
                            found.lock().recover().push((entry.into_path(), kind, root_index, seen));
                        }
                    }
                    Err(err) => {
                        let message = err.to_string();
                        errors.lock().recover().push(LoadError { path: error_path(err), message });
                    }
                }
                WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().recover();
    found.sort_unstable_by(|a, b| path_order(&a.0, &b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    found.dedup_by(|a, b| a.0 == b.0);
    if roots.len() > 1 {
        // The same file under two spellings (`./seeds/a.txt`, `seeds/a.txt`, an absolute path)
        // would be its own duplicate (H007, R002). Key each file by its root's canonical path
        // and its path below the root: one system call per root, not per file.
        let canonical: Vec<PathBuf> =
            roots.iter().map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone())).collect();
        let mut seen = rustc_hash::FxHashSet::default();
        found.retain(|(path, _, i, _)| {
            let key = match path.strip_prefix(&roots[*i]) {
                Ok(rel) if !rel.as_os_str().is_empty() => canonical[*i].join(rel),
                _ => canonical[*i].clone(),
            };
            seen.insert(key)
        });
    }
    let found = found.into_iter().map(|(path, kind, _, seen)| (path, kind, seen)).collect();
    (found, errors.into_inner().recover())
}

/// The walker of `discover`: `.gitignore` and `.ignore` honoured with or without a git
/// repository, hidden files skipped, symbolic links never followed. Only ignore files inside
/// the root count: nothing above it (parent folders, git's global excludes) is ever read.
fn walk_builder(root: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder.require_git(false).follow_links(false).parents(false).git_global(false);
    builder
}

/// Which of `paths` [`discover`] would list under `roots`, by the same rules, visiting only the
/// folders on the way to them: a file that changed on disk is judged without walking the whole
/// corpus. Paths not under any root are never looked at.
pub fn admitted(roots: &[PathBuf], paths: &[PathBuf]) -> Vec<(PathBuf, FileKind)> {
    let mut out = Vec::new();
    for root in roots {
        let wanted: rustc_hash::FxHashSet<PathBuf> = paths
            .iter()
            .filter(|p| p.starts_with(root) && FileKind::of(p).is_some())
            // `a/../b` is under `a` by components only: never follow it out of the root.
            .filter(|p| !p.components().any(|c| matches!(c, Component::ParentDir | Component::CurDir)))
            .cloned()
            .collect();
        if wanted.is_empty() {
            continue;
        }
        if root.is_file() {
            out.extend(wanted.contains(root).then(|| FileKind::of(root).map(|k| (root.clone(), k))).flatten());
            continue;
        }
        if !root.is_dir() {
            continue;
        }
        // An unreadable or invalid `.seedls.json` keeps the whole root out, as in `discover`.
        let Ok(filter) = filter_of(root) else { continue };
        let filter = filter.map(Arc::new);
        let ancestors: rustc_hash::FxHashSet<PathBuf> = wanted
            .iter()
            .flat_map(|p| p.ancestors().skip(1).take_while(|a| a.starts_with(root)))
            .map(Path::to_path_buf)
            .collect();
        let wanted = Arc::new(wanted);
        let mut builder = walk_builder(root);
        {
            let (wanted, root) = (wanted.clone(), root.clone());
            let filter = filter.clone();
            builder.filter_entry(move |e| {
                let path = e.path();
                (ancestors.contains(path) || wanted.contains(path))
                    && filter.as_ref().is_none_or(|f| !f.excluded(path.strip_prefix(&root).unwrap_or(path)))
            });
        }
        for entry in builder.build().flatten() {
            let path = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file())
                && wanted.contains(path)
                && let Some(kind) = FileKind::of(path)
                && filter.as_ref().is_none_or(|f| f.included(path.strip_prefix(root).unwrap_or(path)))
            {
                out.push((entry.into_path(), kind));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The path an error of the walk is about, looking through the context `ignore` wraps it in.
fn error_path(err: ignore::Error) -> PathBuf {
    match err {
        ignore::Error::WithPath { path, .. } => path,
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(*err),
        ignore::Error::Loop { child, .. } => child,
        ignore::Error::Partial(errs) => errs.into_iter().next().map_or_else(PathBuf::new, error_path),
        _ => PathBuf::new(),
    }
}

/// A root's `.seedls.json`, `None` when there is none.
pub fn load_config(root: &Path) -> Result<Option<Config>, ConfigError> {
    let path = root.join(".seedls.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(ConfigError::Invalid),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::Read(e)),
    }
}

/// What is wrong with a root's `.seedls.json` (reported against that file's path).
#[derive(Debug)]
pub enum ConfigError {
    /// It is there but cannot be read.
    Read(std::io::Error),
    /// Not the settings expected; serde_json's message names the line and column.
    Invalid(serde_json::Error),
    /// A glob that does not parse.
    Glob { what: &'static str, glob: String, error: globset::Error },
    /// The globs that parsed do not build into one matcher.
    Globs(globset::Error),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Read(e) => write!(f, "cannot read .seedls.json: {e}"),
            ConfigError::Invalid(e) => write!(f, "invalid .seedls.json: {e}"),
            ConfigError::Glob { what, glob, error } => write!(f, "bad {what} glob `{glob}` in .seedls.json: {error}"),
            ConfigError::Globs(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The root's configuration as a filter; `None` without one.
fn filter_of(root: &Path) -> Result<Option<Filter>, ConfigError> {
    load_config(root)?.map(|c| Filter::new(&c)).transpose()
}

/// `.seedls.json` globs, matched against paths relative to the root.
struct Filter {
    include: Option<globset::GlobSet>,
    exclude: globset::GlobSet,
}

impl Filter {
    fn new(config: &Config) -> Result<Filter, ConfigError> {
        let set = |globs: &[String], what: &'static str| {
            let mut b = globset::GlobSetBuilder::new();
            for g in globs {
                // `*` stays within one folder, as in .gitignore; `**` crosses folders.
                let glob = globset::GlobBuilder::new(g).literal_separator(true).build();
                b.add(glob.map_err(|error| ConfigError::Glob { what, glob: g.clone(), error })?);
            }
            b.build().map_err(ConfigError::Globs)
        };
        let include = if config.include.is_empty() { None } else { Some(set(&config.include, "include")?) };
        Ok(Filter { include, exclude: set(&config.exclude, "exclude")? })
    }

    fn excluded(&self, rel: &Path) -> bool {
        self.exclude.is_match(rel)
    }

    /// Registries and schemas are always in: include globs select seed files.
    fn included(&self, rel: &Path) -> bool {
        FileKind::of(rel) != Some(FileKind::Seed) || self.include.as_ref().is_none_or(|i| i.is_match(rel))
    }
}

/// `.seedls.json` at a root.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs (relative to the root) a file must match to be part of the corpus.
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs (relative to the root) that take files out of the corpus.
    #[serde(default)]
    pub exclude: Vec<String>,
}
