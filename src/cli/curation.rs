//! The curation commands: `stats`, `export`, `agree`, `new`. Files are found as `check` finds
//! them ([`corpus::select`]: the files the paths name, in the corpus around each), read and
//! parsed one by one in parallel; each corpus's registries and schema are loaded into a corpus
//! of their own for the registry view and the alias matcher.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::corpus::{self, Corpus, FileKind};
use crate::curation::agree::{Agreement, Counts, Relaxed};
use crate::curation::stats::{self, Stats};
use crate::curation::{Article, Registry, export, naming};
use crate::syntax::header::{Date, is_url};
use crate::syntax::schema::Schema;
use crate::syntax::{self, parse_seed};

/// A usage or I/O failure: printed as `error: …`, exit status 2.
pub struct Failure(pub String);

/// The corpora `paths` belong to (`corpus::select`). A path that cannot be read, or an
/// unreadable file among those the paths name, is a failure; one elsewhere in a corpus only a
/// warning (its corpus is read without it).
pub fn selections(paths: &[PathBuf]) -> Result<Vec<corpus::Selection>, Failure> {
    let (selections, errors) = corpus::select(paths);
    if let Some(e) = errors.first() {
        return Err(Failure(format!("cannot read {}: {}", e.path.display(), e.message)));
    }
    for sel in &selections {
        for e in &sel.errors {
            if sel.naming(&e.path).is_some() {
                return Err(Failure(format!("cannot read {}: {}", e.path.display(), e.message)));
            }
            eprintln!("warning: cannot read {}: {} (its corpus is read without it)", e.path.display(), e.message);
        }
    }
    Ok(selections)
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

pub fn run(f: impl FnOnce() -> Result<(), Failure>) -> ExitCode {
    match f() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The seed files the paths given name, each with the registry and schema of its corpus.
pub struct Input {
    /// Every seed file named, sorted by path within each corpus.
    pub seeds: Vec<Seed>,
    /// The corpora they belong to (SPEC §7), in the order first given.
    pub corpora: Vec<Context>,
}

pub struct Seed {
    pub path: PathBuf,
    /// Relative to the path given that names it; a file given: its name.
    pub rel: PathBuf,
    /// Its corpus in [`Input::corpora`].
    pub corpus: usize,
}

/// What a corpus puts in effect for its articles.
pub struct Context {
    pub schema: Schema,
    pub registry: Registry,
    /// Registries and schema only: the alias matcher comes from its `Entities`.
    pub corpus: Corpus,
}

impl Input {
    /// The seed files `paths` name, with the registries and schema of the corpus around each.
    /// A path that does not exist, an unreadable `.seedls.json` or registry, or an unreadable
    /// folder among the paths given is a failure: figures would be wrong. A folder of the
    /// corpus that is not named and cannot be read is only a warning.
    pub fn load(paths: &[PathBuf]) -> Result<Input, Failure> {
        let mut seeds = Vec::new();
        let mut corpora = Vec::new();
        for sel in selections(paths)? {
            let mut corpus = Corpus::new(vec![sel.root.clone()], Date::today());
            for (path, kind) in &sel.files {
                match kind {
                    FileKind::Seed => {
                        if sel.naming(path).is_some() {
                            seeds.push(Seed { path: path.clone(), rel: sel.relative(path), corpus: corpora.len() });
                        }
                    }
                    FileKind::Registry | FileKind::Schema => {
                        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                        corpus.set_text(path, &bytes);
                    }
                }
            }
            let schema = corpus.schema().clone();
            let registry = Registry::from_registries(corpus.registries().map(|(_, _, r)| r));
            corpora.push(Context { schema, registry, corpus });
        }
        Ok(Input { seeds, corpora })
    }

    /// The one corpus of an input loaded from one path.
    fn only(&self) -> &Context {
        &self.corpora[0]
    }

    fn context(&self, seed: &Seed) -> &Context {
        &self.corpora[seed.corpus]
    }
}

/// A seed file read and decoded; `Err` with a message when it cannot be (it is skipped).
pub(super) fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match syntax::decode(&bytes) {
        Ok(_) => Ok(String::from_utf8(bytes).expect("validated")),
        Err(d) => Err(format!("skipped {}: {}", path.display(), d.message)),
    }
}

/// The article key: the file name without `.txt`.
fn key(rel: &Path) -> String {
    let name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.strip_suffix(".txt").map(str::to_string).unwrap_or(name)
}

fn warn_skipped(skipped: &[String]) {
    for s in skipped.iter().take(20) {
        eprintln!("warning: {s}");
    }
    if skipped.len() > 20 {
        eprintln!("warning: … and {} more files skipped", skipped.len() - 20);
    }
}

// ---------------------------------------------------------------------------------------------
// stats

pub fn stats(paths: &[PathBuf], json_out: bool, top: usize) -> Result<(), Failure> {
    let input = Input::load(paths)?;
    let today = Date::today();
    let matchers: Vec<_> = input.corpora.iter().map(|c| c.corpus.entities().matcher()).collect();
    let (stats, skipped) = input
        .seeds
        .par_iter()
        .map(|seed| match read(&seed.path) {
            Ok(text) => {
                let schema = &input.context(seed).schema;
                let parse = parse_seed(&text, today);
                let article = Article::from_parse(&text, &parse, schema);
                let aliases = matchers[seed.corpus].map_or((0, 0), |m| stats::alias_coverage(m, &text, &parse, schema));
                (Stats::of(&article, aliases), Vec::new())
            }
            Err(e) => (Stats::default(), vec![e]),
        })
        .reduce(|| (Stats::default(), Vec::new()), |a, b| (a.0.merge(b.0), [a.1, b.1].concat()));
    warn_skipped(&skipped);
    let mut out = std::io::stdout().lock();
    // With articles of several corpora, the first corpus that knows a type or an id says.
    let class_of = |ty: &str| {
        input.corpora.iter().find_map(|c| c.schema.get(ty)).map_or("unknown", |d| match d.class {
            crate::syntax::schema::Class::Entity => "entity",
            crate::syntax::schema::Class::Event => "event",
        })
    };
    let mut types: Vec<(&String, &usize)> = stats.by_type.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let name = |id: &str| input.corpora.iter().find_map(|c| c.registry.get(id)).map(|r| r.name.clone());
    if json_out {
        let top_list = |events| {
            stats
                .top(events, top)
                .into_iter()
                .map(|(id, c)| json!({"id": id, "type": c.ty, "name": name(id), "mentions": c.mentions, "articles": c.articles}))
                .collect::<Vec<_>>()
        };
        let value = json!({
            "articles": stats.articles,
            "undated": stats.undated,
            "skipped": skipped.len(),
            "date_range": { "first": stats.first.map(|d| d.to_string()), "last": stats.last.map(|d| d.to_string()) },
            "mentions": stats.mentions,
            "mentions_with_id": stats.with_id,
            "distinct_ids": stats.ids.len(),
            "mentions_per_type": types.iter().map(|(t, n)| json!({"type": t, "class": class_of(t), "mentions": n})).collect::<Vec<_>>(),
            "top_entities": top_list(false),
            "top_events": top_list(true),
            "aliases": {
                "tagged": stats.tagged_aliases,
                "untagged": stats.untagged_aliases,
                "tagged_share": stats.alias_coverage(),
            },
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    let dates = match (stats.first, stats.last) {
        (Some(a), Some(b)) => format!("{a} … {b}"),
        _ => "none".into(),
    };
    let mut summary = vec![
        vec!["articles".to_string(), format!("{}", stats.articles)],
        vec!["undated".to_string(), stats.undated.to_string()],
        vec!["date range".to_string(), dates],
        vec!["mentions".to_string(), stats.mentions.to_string()],
        vec!["with an id".to_string(), stats.with_id.to_string()],
        vec!["distinct ids".to_string(), stats.ids.len().to_string()],
    ];
    if !skipped.is_empty() {
        summary.push(vec!["skipped".to_string(), skipped.len().to_string()]);
    }
    write!(out, "{}", table(&[], &summary, &[false, false]))?;
    writeln!(out)?;
    let rows: Vec<Vec<String>> =
        types.iter().map(|(t, n)| vec![t.to_string(), class_of(t).to_string(), n.to_string()]).collect();
    write!(out, "{}", table(&["type", "class", "mentions"], &rows, &[false, false, true]))?;
    for (events, title) in [(false, "top entities"), (true, "top events")] {
        let rows: Vec<Vec<String>> = stats
            .top(events, top)
            .into_iter()
            .map(|(id, c)| {
                vec![
                    id.to_string(),
                    c.ty.clone(),
                    c.mentions.to_string(),
                    c.articles.to_string(),
                    name(id).unwrap_or_default(),
                ]
            })
            .collect();
        writeln!(out)?;
        write!(
            out,
            "{}",
            table(&[title, "type", "mentions", "articles", "name"], &rows, &[false, false, true, true, false])
        )?;
    }
    writeln!(out)?;
    let total = stats.tagged_aliases + stats.untagged_aliases;
    match stats.alias_coverage() {
        Some(share) => writeln!(
            out,
            "registered names and aliases in the prose: {total}, {} tagged, {} untagged ({:.1}% tagged)",
            stats.tagged_aliases,
            stats.untagged_aliases,
            share * 100.0
        )?,
        None => writeln!(out, "registered names and aliases in the prose: none (no registry, or no name found)")?,
    }
    Ok(())
}

/// A plain-text table: columns padded to their widest cell, numbers (`right`) aligned right.
pub fn table(header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let cols = right.len();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
            .chain(header.get(i).map(|h| h.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            let last = i + 1 == cells.len();
            if right[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                if !last {
                    s.push_str(&" ".repeat(pad));
                }
            }
            if !last {
                s.push_str("  ");
            }
        }
        s.push('\n');
        s
    };
    let mut out = String::new();
    if !header.is_empty() {
        out.push_str(&line(header.to_vec()));
    }
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// export

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Text,
    Brat,
    Jsonl,
    Conll,
    Plover,
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, renamed over
/// `path` (which must not exist unless `overwrite`). Every file a command writes goes through
/// here. The file gets the permissions a plain create gives it (0666 less the umask, and the
/// folder's default ACL), not the temporary file's private 0600; a file overwritten keeps its
/// own, as an editor saving it does.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), Failure> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".seedls-");
    // Given at creation, the mode goes through the umask as `File::create`'s does.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if overwrite && let Ok(existing) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(existing.permissions())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let done = if overwrite { tmp.persist(path) } else { tmp.persist_noclobber(path) };
    done.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            format!("{} already exists (use --force to overwrite)", path.display())
        } else {
            format!("cannot write {}: {}", path.display(), e.error)
        }
    })?;
    Ok(())
}

pub fn export(paths: &[PathBuf], format: ExportFormat, out_dir: &Path, force: bool) -> Result<(), Failure> {
    let input = Input::load(paths)?;
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Failure(format!("{} is not a directory", out_dir.display())));
    }
    let today = Date::today();
    // One annotation.conf describes every article: corpora with different schemas cannot share it.
    let conf = match format {
        ExportFormat::Brat => {
            let mut confs: Vec<String> = input.corpora.iter().map(|c| export::annotation_conf(&c.schema)).collect();
            confs.dedup();
            if confs.len() > 1 {
                return Err(Failure(
                    "the paths belong to corpora with different schemas, which one annotation.conf cannot describe; \
                     export them one at a time"
                        .into(),
                ));
            }
            confs.pop().unwrap_or_else(|| export::annotation_conf(&Schema::builtin()))
        }
        _ => String::new(),
    };
    let with_ext = |rel: &Path, ext: &str| out_dir.join(rel).with_extension(ext);
    // Every file this export writes, known before anything is parsed: refuse early.
    let mut targets: Vec<PathBuf> = match format {
        ExportFormat::Text => input.seeds.iter().map(|s| out_dir.join(&s.rel)).collect(),
        ExportFormat::Brat => input
            .seeds
            .iter()
            .flat_map(|s| [with_ext(&s.rel, "txt"), with_ext(&s.rel, "ann")])
            .chain([out_dir.join("annotation.conf")])
            .collect(),
        ExportFormat::Jsonl => vec![out_dir.join("corpus.jsonl")],
        ExportFormat::Conll => vec![out_dir.join("corpus.conll")],
        ExportFormat::Plover => vec![out_dir.join("plover.jsonl")],
    };
    if !force && let Some(existing) = targets.iter().find(|t| t.exists()) {
        return Err(Failure(format!("{} already exists (use --force to overwrite)", existing.display())));
    }
    targets.sort();
    // Two roots can hold files with the same relative path: one would replace the other.
    if let Some(w) = targets.windows(2).find(|w| w[0] == w[1]) {
        return Err(Failure(format!(
            "two seed files would be exported to {}; export the roots one at a time",
            w[0].display()
        )));
    }
    let mut dirs: Vec<&Path> = targets.iter().filter_map(|t| t.parent()).collect();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let parse = |seed: &Seed| read(&seed.path).map(|text| Article::parse(&text, &input.context(seed).schema, today));
    let started = std::time::Instant::now();
    let results: Vec<Result<Option<String>, String>> = input
        .seeds
        .par_iter()
        .map(|seed| {
            let article = match parse(seed) {
                Ok(a) => a,
                Err(e) => return Ok(Err(e)),
            };
            let (rel, registry) = (&seed.rel, &input.context(seed).registry);
            let k = key(rel);
            Ok(Ok(match format {
                ExportFormat::Text => {
                    write_atomic(&out_dir.join(rel), article.text.as_bytes(), force)?;
                    None
                }
                ExportFormat::Brat => {
                    write_atomic(&with_ext(rel, "txt"), export::brat_text(&article.text).as_bytes(), force)?;
                    let ann = export::brat_ann(&article, registry);
                    write_atomic(&with_ext(rel, "ann"), ann.as_bytes(), force)?;
                    None
                }
                ExportFormat::Jsonl => Some(export::jsonl(&article, &k).to_string() + "\n"),
                ExportFormat::Conll => Some(export::conll(&article)),
                ExportFormat::Plover => {
                    let mut s = String::new();
                    for r in export::plover(&article, &k, registry) {
                        s.push_str(&r.to_string());
                        s.push('\n');
                    }
                    Some(s)
                }
            }))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let mut skipped = Vec::new();
    let mut joined = String::new();
    let mut exported = 0;
    for r in results {
        match r {
            Ok(Some(s)) => {
                joined.push_str(&s);
                exported += 1;
            }
            Ok(None) => exported += 1,
            Err(e) => skipped.push(e),
        }
    }
    match format {
        ExportFormat::Brat => write_atomic(&out_dir.join("annotation.conf"), conf.as_bytes(), force)?,
        ExportFormat::Text => {}
        _ => write_atomic(&targets[0], joined.as_bytes(), force)?,
    }
    warn_skipped(&skipped);
    eprintln!(
        "exported {exported} article{} to {} in {:.2?}",
        if exported == 1 { "" } else { "s" },
        out_dir.display(),
        started.elapsed()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// agree

pub fn agree(a: &Path, b: &Path, json_out: bool) -> Result<(), Failure> {
    let (ia, ib) = (Input::load(&[a.to_path_buf()])?, Input::load(&[b.to_path_buf()])?);
    let today = Date::today();
    let by_key = |input: &Input| {
        input
            .seeds
            .iter()
            .map(|s| (s.rel.to_string_lossy().into_owned(), s.path.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (ka, kb) = (by_key(&ia), by_key(&ib));
    let mut pairs: Vec<(String, &PathBuf, &PathBuf)> =
        ka.iter().filter_map(|(k, pa)| kb.get(k).map(|pb| (k.clone(), pa, pb))).collect();
    // Files whose paths differ pair by file name when that name is unique on both sides (a
    // copy reorganised into folders); two sides of one file each pair whatever their names.
    let name = |k: &str| Path::new(k).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let lonely = |own: &BTreeMap<String, PathBuf>, other: &BTreeMap<String, PathBuf>| {
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for k in own.keys().filter(|k| !other.contains_key(*k)) {
            by_name.entry(name(k)).or_default().push(k.clone());
        }
        by_name
    };
    let (mut na, mut nb) = (lonely(&ka, &kb), lonely(&kb, &ka));
    if pairs.is_empty() && ka.len() == 1 && kb.len() == 1 {
        let (a, b) = (ka.keys().next().unwrap().clone(), kb.keys().next().unwrap().clone());
        na = BTreeMap::from([(a.clone(), vec![a])]);
        nb = BTreeMap::from([(na.keys().next().unwrap().clone(), vec![b])]);
    }
    let mut paired_by_name: Vec<(&String, &String)> = Vec::new();
    for (n, a_keys) in &na {
        if let Some(b_keys) = nb.get(n)
            && a_keys.len() == 1
            && b_keys.len() == 1
        {
            pairs.push((n.clone(), &ka[&a_keys[0]], &kb[&b_keys[0]]));
            paired_by_name.push((&a_keys[0], &b_keys[0]));
        }
    }
    let unpaired_a: Vec<&String> =
        ka.keys().filter(|k| !kb.contains_key(*k) && !paired_by_name.iter().any(|p| p.0 == *k)).collect();
    let unpaired_b: Vec<&String> =
        kb.keys().filter(|k| !ka.contains_key(*k) && !paired_by_name.iter().any(|p| p.1 == *k)).collect();
    pairs.sort();
    // Parsed in parallel, compared in order (alpha-u lays the articles end to end).
    type Pair = Result<(Article, Article), String>;
    let parsed: Vec<(&String, Pair)> = pairs
        .par_iter()
        .map(|(k, pa, pb)| {
            let one = |p: &Path, input: &Input| read(p).map(|t| Article::parse(&t, &input.only().schema, today));
            (k, one(pa, &ia).and_then(|x| one(pb, &ib).map(|y| (x, y))))
        })
        .collect();
    let mut g = Agreement::default();
    let (mut differ, mut skipped) = (Vec::new(), Vec::new());
    for (k, r) in parsed {
        match r {
            Ok((x, y)) if x.text != y.text => differ.push(k.clone()),
            Ok((x, y)) => g.add(&x.spans, &y.spans, x.text.chars().count() as u64),
            Err(e) => skipped.push(e),
        }
    }
    warn_skipped(&skipped);
    let (alpha, alpha_by) = g.alpha.alpha();
    let mut out = std::io::stdout().lock();
    if json_out {
        let counts = |c: &Counts| json!({"a": c.a, "b": c.b, "both": c.both, "precision": c.precision(), "recall": c.recall(), "f1": c.f1()});
        let relaxed = |r: &Relaxed| json!({"a": r.a, "b": r.b, "a_found": r.a_found, "b_found": r.b_found, "precision": r.precision(), "recall": r.recall(), "f1": r.f1()});
        let value = json!({
            "articles": g.articles,
            "unpaired_a": unpaired_a,
            "unpaired_b": unpaired_b,
            "text_differs": differ,
            "skipped": skipped.len(),
            "strict": counts(&g.strict),
            "strict_by_type": g.strict_by_type.iter().map(|(t, c)| (t.clone(), counts(c))).collect::<serde_json::Map<String, Value>>(),
            "relaxed": relaxed(&g.relaxed),
            "relaxed_by_type": g.relaxed_by_type.iter().map(|(t, r)| (t.clone(), relaxed(r))).collect::<serde_json::Map<String, Value>>(),
            "ids": {"pairs": g.id_pairs, "equal": g.id_equal, "agreement": g.id_agreement()},
            "roles": counts(&g.roles),
            "alpha_u": {"all": alpha, "by_type": alpha_by},
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.1}", x * 100.0));
    let num = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.3}"));
    writeln!(
        out,
        "articles compared: {} (unpaired: {} in A, {} in B; text differs: {})",
        g.articles,
        unpaired_a.len(),
        unpaired_b.len(),
        differ.len()
    )?;
    for (side, list) in [("A", &unpaired_a), ("B", &unpaired_b)] {
        for k in list.iter().take(10) {
            writeln!(out, "  only in {side}: {k}")?;
        }
    }
    for k in differ.iter().take(10) {
        writeln!(out, "  text differs: {k}")?;
    }
    writeln!(out)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let row = |name: &str, c: &Counts, r: &Relaxed, alpha: Option<f64>| {
        vec![
            name.to_string(),
            c.a.to_string(),
            c.b.to_string(),
            c.both.to_string(),
            pct(c.precision()),
            pct(c.recall()),
            pct(c.f1()),
            pct(r.f1()),
            num(alpha),
        ]
    };
    for (t, c) in &g.strict_by_type {
        rows.push(row(t, c, &g.relaxed_by_type[t], alpha_by.get(t).copied().flatten()));
    }
    rows.push(row("all", &g.strict, &g.relaxed, alpha));
    write!(
        out,
        "{}",
        table(
            &["type", "A", "B", "same", "P%", "R%", "strict F1%", "relaxed F1%", "alpha-u"],
            &rows,
            &[false, true, true, true, true, true, true, true, true]
        )
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "id agreement: {}% ({} of {} strictly matched spans)",
        pct(g.id_agreement()),
        g.id_equal,
        g.id_pairs
    )?;
    writeln!(
        out,
        "event roles: {} in A, {} in B, {} same: P {}%, R {}%, F1 {}%",
        g.roles.a,
        g.roles.b,
        g.roles.both,
        pct(g.roles.precision()),
        pct(g.roles.recall()),
        pct(g.roles.f1())
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// new

pub fn new(url: Option<&str>, dir: &Path) -> Result<(), Failure> {
    if let Some(u) = url
        && !is_url(u)
    {
        return Err(Failure(format!("`{u}` is not a source URL (http:// or https://, then a host)")));
    }
    if !dir.is_dir() {
        return Err(Failure(format!("{} is not a directory", dir.display())));
    }
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().and_then(|e| e.file_name().into_string().ok()))
        .collect();
    let hash = match url {
        Some(u) => naming::fnv1a(u.as_bytes()),
        None => {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            naming::fnv1a(format!("{nanos}:{}", std::process::id()).as_bytes())
        }
    };
    let name = naming::next_name(names.iter().map(String::as_str), hash);
    let path = dir.join(&name);
    write_atomic(&path, naming::header(url, Date::today()).as_bytes(), false)?;
    println!("{}", path.display());
    Ok(())
}
