//! End-to-end tests of `seedls suggest` (SPEC §12): the real binary on temporary corpora.

use std::path::Path;
use std::process::Command;

use expect_test::expect;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_seedls");

fn corpus(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json_lines(&self) -> Vec<Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    Run {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

const HEADER: &str = " date 2022-01\n\n";

const REGISTRY: &str = "id\ttype\tname\taliases\nkz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\n";

fn files() -> Vec<(&'static str, String)> {
    vec![
        ("entities.tsv", REGISTRY.to_string()),
        ("a.txt", format!("{HEADER}[Tokaïev]{{person:kz.tokayev}} parle à des [manifestants]{{group}} d'Almaty.\n")),
        ("b.txt", format!("{HEADER}Les manifestants écoutent.\nTokaïev parle, TOKAIEV répond.\n")),
    ]
}

fn with(files: &[(&'static str, String)]) -> tempfile::TempDir {
    corpus(&files.iter().map(|(p, t)| (*p, t.as_str())).collect::<Vec<_>>())
}

#[test]
fn json_lines_name_the_span_the_label_and_the_evidence() {
    let dir = with(&files());
    // Only b.txt is named; a.txt still teaches.
    let r = run(dir.path(), &["suggest", "--format", "json", "b.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    // The keys in the contract's order.
    let first = r.stdout.lines().next().unwrap();
    let keys =
        ["path", "line", "column", "end_line", "end_column", "surface", "label", "id", "score", "count", "total"];
    let at: Vec<usize> = keys.iter().map(|k| first.find(&format!("\"{k}\":")).unwrap()).collect();
    assert!(at.is_sorted(), "{first}");
    let short: Vec<String> = lines
        .iter()
        .map(|v| {
            format!(
                "{}:{}:{}-{}:{} {} {} {} {} {}/{}",
                v["path"].as_str().unwrap(),
                v["line"],
                v["column"],
                v["end_line"],
                v["end_column"],
                v["surface"].as_str().unwrap(),
                v["label"].as_str().unwrap(),
                v["id"],
                v["score"],
                v["count"],
                v["total"]
            )
        })
        .collect();
    // «manifestants»: one tag, one untagged use: 1 of 2. «Tokaïev»: the alias, a tag and two
    // untagged uses (accents and case folded): 2 of 4.
    expect![[r#"
        b.txt:3:5-3:17 manifestants group null 0.5 1/2
        b.txt:4:1-4:8 Tokaïev person "kz.tokayev" 0.5 2/4
        b.txt:4:16-4:23 TOKAIEV person "kz.tokayev" 0.5 2/4
    "#]]
    .assert_eq(&(short.join("\n") + "\n"));
    // Thresholds.
    let r = run(dir.path(), &["suggest", "--format", "json", "--min-score", "0.6", "b.txt"]);
    assert_eq!(r.json_lines().len(), 0, "{}", r.stdout);
    let r = run(dir.path(), &["suggest", "--format", "json", "--min-count", "3", "b.txt"]);
    assert_eq!(r.json_lines().len(), 2, "{}", r.stdout);
    let r = run(dir.path(), &["suggest", "--min-score", "2"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--min-score"), "{}", r.stderr);
}

#[test]
fn human_output_is_check_style_hints() {
    let dir = with(&files());
    let r = run(dir.path(), &["suggest", "--min-count", "3"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    expect![[r#"
        hint[A012]: tag as person kz.tokayev: 2 of 4 tagged «Tokaïev»
         --> b.txt:4:1
          |
        4 | Tokaïev parle, TOKAIEV répond.
          | ^^^^^^^
          |
          = help: Tag as person:kz.tokayev

        hint[A012]: tag as person kz.tokayev: 2 of 4 tagged «TOKAIEV»
         --> b.txt:4:16
          |
        4 | Tokaïev parle, TOKAIEV répond.
          |                ^^^^^^^
          |
          = help: Tag as person:kz.tokayev

        2 suggestions in 1 file, learned from 2 articles
    "#]]
    .assert_eq(&r.stdout);
}

#[test]
fn apply_writes_the_tags_and_leaves_nothing_to_suggest() {
    let dir = with(&files());
    let r = run(dir.path(), &["suggest", "--apply", "b.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("applied 3 suggestions in 1 file"), "{}", r.stderr);
    let b = std::fs::read_to_string(dir.path().join("b.txt")).unwrap();
    assert_eq!(
        b,
        format!(
            "{HEADER}Les [manifestants]{{group}} écoutent.\n[Tokaïev]{{person:kz.tokayev}} parle, [TOKAIEV]{{person:kz.tokayev}} répond.\n"
        )
    );
    // Nothing untagged is left, and the corpus checks clean.
    let r = run(dir.path(), &["suggest", "--format", "json"]);
    assert_eq!(r.json_lines().len(), 0, "{}", r.stdout);
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // No temporary file left behind.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".seedls-")), "{names:?}");
}

#[test]
fn rejections_rule_out_a_label_everywhere_or_at_one_line() {
    let mut f = files();
    f.push((
        ".seedls/rejected.tsv",
        "surface\tlabel\tpath\tline\nmanifestants\tgroup\ntokaiev\tperson:kz.tokayev\tb.txt\t4\n".into(),
    ));
    let dir = with(&f);
    let r = run(dir.path(), &["suggest", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.json_lines().is_empty(), "{}", r.stdout);
    // Another line of the file is not rejected.
    std::fs::write(dir.path().join("b.txt"), format!("{HEADER}\nLes manifestants.\nTokaïev parle.\n")).unwrap();
    let r = run(dir.path(), &["suggest", "--format", "json"]);
    let at: Vec<(u64, String)> = r
        .json_lines()
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["label"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(at, [(5, "person".to_string())], "{}", r.stdout);
    // A malformed row: the file and the line, exit 2.
    std::fs::write(dir.path().join(".seedls/rejected.tsv"), "surface\tlabel\tpath\tline\nx\tgroup\tb.txt\n").unwrap();
    let r = run(dir.path(), &["suggest"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("rejected.tsv:2: a path needs a line"), "{}", r.stderr);
}

#[test]
fn evaluate_scores_the_held_out_fifth() {
    use seedls::learn::evaluate::held_out;
    // Every article tags Tokaïev and Astana; Berlin only one held-out article, which nothing
    // can learn from.
    let held: Vec<usize> = (0..20).filter(|i| held_out(&format!("{i:02}.txt"))).collect();
    assert!(!held.is_empty() && held.len() < 20);
    let mut f: Vec<(String, String)> = Vec::new();
    for i in 0..20 {
        let berlin = if i == held[0] { " [Berlin]{place:de.berlin}." } else { "" };
        f.push((
            format!("{i:02}.txt"),
            format!("{HEADER}[Tokaïev]{{person:kz.tokayev}} à [Astana]{{place:kz.astana}}.{berlin}\n"),
        ));
    }
    let dir = corpus(&f.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect::<Vec<_>>());
    let r = run(dir.path(), &["suggest", "--evaluate", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["scored"], held.len());
    assert_eq!(v["learned"], 20 - held.len());
    let h = held.len() as u64;
    let total = &v["total"];
    assert_eq!((total["correct"].as_u64(), total["suggested"].as_u64()), (Some(2 * h), Some(2 * h)));
    assert_eq!(total["expected"].as_u64(), Some(2 * h + 1));
    assert_eq!(total["precision"], 1.0);
    let person = v["types"].as_array().unwrap().iter().find(|t| t["type"] == "person").unwrap();
    assert_eq!(person["recall"], 1.0);
    // Human: a table with a total row.
    let r = run(dir.path(), &["suggest", "--evaluate"]);
    assert!(r.stdout.lines().any(|l| l.starts_with("total ") && l.contains("1.000")), "{}", r.stdout);
    assert!(r.stdout.contains(&format!("scored on the tagged mentions of {} article", held.len())), "{}", r.stdout);
}
