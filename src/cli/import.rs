//! `seedls import`: another tool's corpus read whole, turned into seed files in memory, then
//! written (atomically, each file) only when every input was read: bad input writes nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::curation::{Failure, write_atomic};
use crate::corpus::is_date_shaped;
use crate::curation::import::{self, Bad, Doc, Issue, Kind, brat, conll, jsonl};
use crate::syntax::header::Date;
use crate::syntax::schema::{Class, Schema, parse_schema};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    Brat,
    Jsonl,
    Conll,
}

/// Every file an import writes, with what it reported, before anything is written.
#[derive(Default)]
struct Plan {
    /// Path relative to the output folder, and the bytes.
    files: Vec<(PathBuf, String)>,
    /// The source file (as shown) and what it reported.
    reports: Vec<(String, Issue)>,
}

fn read(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|e| Failure(format!("{}: not UTF-8 (byte offset {})", path.display(), e.utf8_error().valid_up_to())))
}

/// A file of annotations (not a text kept byte for byte): without the byte-order mark Windows
/// editors put first, which would otherwise make its first line unreadable.
fn read_annotations(path: &Path) -> Result<String, Failure> {
    let text = read(path)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn bad(path: &Path, b: Bad) -> Failure {
    if b.line == 0 {
        Failure(format!("{}: {}", path.display(), b.message))
    } else {
        Failure(format!("{}:{}: {}", path.display(), b.line, b.message))
    }
}

/// Files under `dir` (recursively, hidden ones left out) ending in `ext`, in path order.
fn files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))? {
            let e = e.map_err(|e| format!("cannot read {}: {e}", d.display()))?;
            let path = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Mentions of types the schema does not know: kept, reported once per type and file.
fn unknown_types(doc: &Doc, schema: &Schema, issues: &mut Vec<Issue>) {
    let mut seen: Vec<&str> = Vec::new();
    for m in &doc.mentions {
        if schema.get(&m.ty).is_none() && !seen.contains(&m.ty.as_str()) {
            seen.push(&m.ty);
            issues.push(Issue::new(m.line, Kind::UnknownType, format!("type `{}` is not in the schema (kept)", m.ty)));
        }
    }
}

fn plan_brat(src: &Path, out_dir: &Path, today: Date) -> Result<Plan, Failure> {
    let mut plan = Plan::default();
    let (root, anns) = if src.is_dir() {
        // A text without an `.ann` is a document without annotations, as brat shows it.
        let mut docs: Vec<PathBuf> = files(src, "txt")?;
        docs.extend(files(src, "ann")?.into_iter().map(|a| a.with_extension("txt")));
        docs.sort();
        docs.dedup();
        (src.to_path_buf(), docs)
    } else {
        let dir = src.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        (dir.to_path_buf(), vec![src.with_extension("txt")])
    };
    let conf_path = root.join("annotation.conf");
    let conf = if conf_path.is_file() { Some(read_annotations(&conf_path)?) } else { None };
    // The schema the configuration gives (its date roles added once the documents are read).
    let schema_of = |dates: &[(String, String, bool)]| -> Result<(Option<String>, Schema, Vec<Issue>), Failure> {
        let Some(conf) = &conf else { return Ok((None, existing_schema(out_dir)?, Vec::new())) };
        let (tsv, issues) = brat::schema_of_conf(conf, dates);
        let Some(tsv) = tsv else { return Ok((None, Schema::builtin(), issues)) };
        let (schema, errors) = parse_schema(&tsv);
        if let Some(e) = errors.first() {
            return Err(Failure(format!("{}: makes a schema seedls cannot read: {}", conf_path.display(), e.message)));
        }
        Ok((Some(tsv), schema, issues))
    };
    let (_, schema, issues) = schema_of(&[])?;
    plan.reports.extend(issues.into_iter().map(|i| (conf_path.display().to_string(), i)));
    let mut rows: BTreeMap<String, (String, String, Option<String>)> = BTreeMap::new();
    let mut any_wikidata = false;
    let mut docs = Vec::new();
    for txt_path in anns {
        let ann_path = txt_path.with_extension("ann");
        let txt = read(&txt_path)?;
        let ann = if ann_path.exists() { read_annotations(&ann_path)? } else { String::new() };
        let rel = txt_path.strip_prefix(&root).unwrap_or(&txt_path).to_path_buf();
        let stem = rel.with_extension("").to_string_lossy().replace(std::path::MAIN_SEPARATOR, "-");
        let mut got = brat::import(&stem, &txt, &ann, today).map_err(|b| bad(&ann_path, b))?;
        unknown_types(&got.doc, &schema, &mut got.issues);
        for r in &got.rows {
            any_wikidata |= r.wikidata.is_some();
            let row = rows.entry(r.id.clone()).or_insert_with(|| (r.ty.clone(), r.name.clone(), None));
            row.2 = row.2.take().or_else(|| r.wikidata.clone());
        }
        docs.push((ann_path, rel, got.doc, got.issues));
    }
    let mut dates: Vec<(String, String, bool)> = Vec::new();
    for (_, _, doc, _) in &docs {
        for m in &doc.mentions {
            let Some(def) = schema.get(&m.ty) else { continue };
            for (role, values) in &m.args {
                if def.class == Class::Event && def.role(role).is_none() && values.iter().all(|v| is_date_shaped(v)) {
                    match dates.iter_mut().find(|(t, r, _)| *t == m.ty && r == role) {
                        Some(d) => d.2 |= values.len() > 1,
                        None => dates.push((m.ty.clone(), role.clone(), values.len() > 1)),
                    }
                }
            }
        }
    }
    if let (Some(tsv), _, _) = schema_of(&dates)? {
        plan.files.push((PathBuf::from("schema.tsv"), tsv));
    }
    // With Wikidata links the corpus gets a registry: a row for every id, so none is unknown.
    if any_wikidata {
        let mut tsv = String::from("id\ttype\tname\twikidata\n");
        for (id, (ty, name, q)) in &rows {
            let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
            let _ = writeln!(tsv, "{id}\t{ty}\t{}\t{}", clean(name), q.as_deref().unwrap_or(""));
        }
        plan.files.push((PathBuf::from("entities.tsv"), tsv));
    }
    for (ann_path, rel, doc, mut issues) in docs {
        let seed = import::render(&doc, &mut issues);
        plan.reports.extend(issues.into_iter().map(|i| (ann_path.display().to_string(), i)));
        plan.files.push((rel, seed));
    }
    Ok(plan)
}

/// The schema of the folder imported into, when it has one, else the built-in.
fn existing_schema(out_dir: &Path) -> Result<Schema, Failure> {
    let path = out_dir.join("schema.tsv");
    Ok(if path.is_file() { parse_schema(&read(&path)?).0 } else { Schema::builtin() })
}

fn plan_jsonl(src: &Path, out_dir: &Path, today: Date) -> Result<Plan, Failure> {
    let mut plan = Plan::default();
    let schema = existing_schema(out_dir)?;
    let sources = if src.is_dir() { files(src, "jsonl")? } else { vec![src.to_path_buf()] };
    let mut names: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    let mut index = 0;
    for path in sources {
        let text = read_annotations(&path)?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut r = jsonl::import(line, i + 1, index, today).map_err(|b| bad(&path, b))?;
            index += 1;
            if let Some((p, n)) = names.insert(r.name.clone(), (path.clone(), i + 1)) {
                return Err(Failure(format!(
                    "{}:{}: a second record named `{}` (the first is {}:{n})",
                    path.display(),
                    i + 1,
                    r.name,
                    p.display()
                )));
            }
            unknown_types(&r.doc, &schema, &mut r.issues);
            let seed = import::render(&r.doc, &mut r.issues);
            plan.reports.extend(r.issues.into_iter().map(|i| (path.display().to_string(), i)));
            plan.files.push((PathBuf::from(format!("{}.txt", r.name)), seed));
        }
    }
    Ok(plan)
}

fn plan_conll(src: &Path, out_dir: &Path, text: Option<&Path>, today: Date) -> Result<Plan, Failure> {
    let mut plan = Plan::default();
    let schema = existing_schema(out_dir)?;
    let docs = conll::documents(&read_annotations(src)?).map_err(|b| bad(src, b))?;
    // The texts, in the order of the documents, with the names they give the seed files.
    let texts: Vec<(PathBuf, Option<String>)> = match text {
        Some(t) if t.is_dir() => {
            let paths = files(t, "txt")?;
            if paths.len() != docs.len() {
                return Err(Failure(format!(
                    "{} has {} documents, {} has {} texts: give one text a document, in path order",
                    src.display(),
                    docs.len(),
                    t.display(),
                    paths.len()
                )));
            }
            paths
                .into_iter()
                .map(|p| Ok((p.strip_prefix(t).unwrap_or(&p).to_path_buf(), Some(read(&p)?))))
                .collect::<Result<_, Failure>>()?
        }
        Some(t) => {
            if docs.len() != 1 {
                return Err(Failure(format!(
                    "{} has {} documents; give a folder of texts, one a document",
                    src.display(),
                    docs.len()
                )));
            }
            vec![(PathBuf::from(t.file_name().unwrap_or_default()), Some(read(t)?))]
        }
        None => (0..docs.len())
            .map(|i| {
                let hash = crate::curation::naming::fnv1a(format!("{}:{i}", src.display()).as_bytes());
                (PathBuf::from(format!("{i:03}_{hash:016x}.txt")), None)
            })
            .collect(),
    };
    for (tokens, (name, t)) in docs.iter().zip(texts) {
        let (doc, mut issues) = conll::import(tokens, t.as_deref(), today).map_err(|b| bad(src, b))?;
        unknown_types(&doc, &schema, &mut issues);
        let seed = import::render(&doc, &mut issues);
        plan.reports.extend(issues.into_iter().map(|i| (src.display().to_string(), i)));
        plan.files.push((name, seed));
    }
    Ok(plan)
}

/// Runs the import: exit 0, 1 when `strict` and something was reported (nothing written), 2
/// on bad input or I/O failure (nothing written).
pub fn run(
    format: ImportFormat,
    src: &Path,
    out_dir: &Path,
    force: bool,
    strict: bool,
    text: Option<&Path>,
) -> ExitCode {
    match import(format, src, out_dir, force, strict, text) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn import(
    format: ImportFormat,
    src: &Path,
    out_dir: &Path,
    force: bool,
    strict: bool,
    text: Option<&Path>,
) -> Result<bool, Failure> {
    if !src.exists() {
        return Err(Failure(format!("{} does not exist", src.display())));
    }
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Failure(format!("{} is not a directory", out_dir.display())));
    }
    if text.is_some() && format != ImportFormat::Conll {
        return Err(Failure("--text is for --format conll only".into()));
    }
    let today = Date::today();
    let mut plan = match format {
        ImportFormat::Brat => plan_brat(src, out_dir, today)?,
        ImportFormat::Jsonl => plan_jsonl(src, out_dir, today)?,
        ImportFormat::Conll => plan_conll(src, out_dir, text, today)?,
    };
    let mut report = String::new();
    for (source, i) in &plan.reports {
        let at = if i.line == 0 { source.clone() } else { format!("{source}:{}", i.line) };
        let _ = writeln!(report, "{at}: {}: {}", i.kind.name(), i.message);
    }
    print!("{report}");
    if strict && !plan.reports.is_empty() {
        eprintln!("error: {} things the seed files cannot hold (--strict); nothing written", plan.reports.len());
        return Ok(false);
    }
    if !plan.reports.is_empty() {
        let mut tsv = String::from("source\tline\tkind\tmessage\n");
        for (source, i) in &plan.reports {
            let _ = writeln!(tsv, "{source}\t{}\t{}\t{}", i.line, i.kind.name(), i.message.replace(['\t', '\n'], " "));
        }
        plan.files.push((PathBuf::from("import-report.tsv"), tsv));
    }
    let targets: Vec<PathBuf> = plan.files.iter().map(|(rel, _)| out_dir.join(rel)).collect();
    if !force && let Some(existing) = targets.iter().find(|t| t.exists()) {
        return Err(Failure(format!("{} already exists (use --force to overwrite)", existing.display())));
    }
    let mut dirs: Vec<&Path> = targets.iter().filter_map(|t| t.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    for (t, (_, bytes)) in targets.iter().zip(&plan.files) {
        write_atomic(t, bytes.as_bytes(), force)?;
    }
    let seeds = plan.files.iter().filter(|(rel, _)| rel.extension().is_some_and(|x| x == "txt")).count();
    eprintln!(
        "imported {seeds} article{} to {}; {} reported{}",
        if seeds == 1 { "" } else { "s" },
        out_dir.display(),
        plan.reports.len(),
        if plan.reports.is_empty() { String::new() } else { " (also in import-report.tsv)".into() }
    );
    Ok(true)
}
