//! End-to-end tests of the command line (SPEC §7): the real binary on temporary corpora.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::expect;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_seedls");

/// A temporary corpus made of `(relative path, contents)`; `\t` in registry rows is a real tab.
fn corpus(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    dir
}

fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
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

    /// `(path, code)` of every JSON line.
    fn codes(&self) -> Vec<(String, String)> {
        self.json_lines()
            .iter()
            .map(|v| (v["path"].as_str().unwrap().to_string(), v["code"].as_str().unwrap().to_string()))
            .collect()
    }
}

/// `(path, code)` pairs as [`Run::codes`] gives them.
fn pairs(want: &[(&str, &str)]) -> Vec<(String, String)> {
    want.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect()
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Runs `seedls ARGS` in `dir`.
fn run(dir: &Path, args: &[&str]) -> Run {
    finish(command(dir, args).output().unwrap())
}

const HEADER: &str = " date 2022-01-05 https://example.org/2022/01/05/a\n\n";

const REGISTRY: &str = "id\ttype\tname\taliases\n\
    kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\n\
    kz.almaty\tplace\tAlmaty\t\n";

/// One seed with nothing to say (its ids are registered and used).
fn clean_seed() -> String {
    format!("{HEADER}Le [président]{{person:kz.tokayev}} est à [Almaty]{{place:kz.almaty}}.\n")
}

#[test]
fn human_output_is_rustc_style_with_a_summary() {
    let dir = corpus(&[
        ("entities.tsv", REGISTRY),
        (
            "a.txt",
            " date 2022-01-05 https://example.org/2022/01/05/same\n\n\
             Le [président]{person:kz.tokayev} est à [Almaty]{place:kz.almaty}.\n\
             Puis [Tokaïev]{persn:kz.tokayev} et [l’armée]{gov:kz.army} à [Almaty]{place:kz.almaty}.\n",
        ),
        ("b.txt", " date 2022-01-05 https://example.org/2022/01/05/same\n\nTexte.\n"),
        ("c.txt", " date 2022-01 Texte sur la ligne de titre.\n"),
    ]);
    let out = run(dir.path(), &["check", "--color", "never"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    expect![[r#"
        warning[H007]: this source URL also heads b.txt
         --> a.txt:1:18
          |
        1 |  date 2022-01-05 https://example.org/2022/01/05/same
          |                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          |
          = note: same URL here: b.txt:1:18

        error[A004]: unknown type `persn`; did you mean `person`?
         --> a.txt:4:16
          |
        4 | Puis [Tokaïev]{persn:kz.tokayev} et [l’armée]{gov:kz.army} à [Almaty]{place:kz.almaty}.
          |                ^^^^^
          |
          = help: Change to `person`

        warning[A005]: `kz.army` is not in the registry
         --> a.txt:4:51
          |
        4 | Puis [Tokaïev]{persn:kz.tokayev} et [l’armée]{gov:kz.army} à [Almaty]{place:kz.almaty}.
          |                                                   ^^^^^^^
          |
          = help: Add `kz.army` to entities.tsv

        warning[H007]: this source URL also heads a.txt
         --> b.txt:1:18
          |
        1 |  date 2022-01-05 https://example.org/2022/01/05/same
          |                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          |
          = note: same URL here: a.txt:1:18

        warning[H005]: header has no source URL; add the article's address after the date
         --> c.txt:1:2
          |
        1 |  date 2022-01 Texte sur la ligne de titre.
          |  ^^^^^^^^^^^^

        note[H006]: body text on the header line; the article should start on its own line after the header
         --> c.txt:1:15
          |
        1 |  date 2022-01 Texte sur la ligne de titre.
          |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          |
          = help: Move the text to its own line

        checked 4 files: 1 error, 4 warnings, 1 note in 3 files
    "#]]
    .assert_eq(&out.stdout);
}

#[test]
fn json_lines_have_the_contract_keys_in_order_and_columns_in_scalar_values() {
    // Before the diagnostic: é (2 bytes, 1 UTF-16 unit), ’ (3 bytes, 1 unit), « » (2 bytes
    // each), and 😀 (4 bytes, 2 UTF-16 units): bytes, UTF-16 units and characters all differ.
    let line = "Été – l’«élan» 😀 [Tokaïev]{persn:kz.tokayev}";
    let text = format!("{HEADER}Titre\r\n\r\n{line}\r\n");
    let dir = corpus(&[("entities.tsv", REGISTRY), ("sub/a.txt", &text)]);
    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let prefix = &line[..line.find("persn").unwrap()];
    let (chars, utf16, bytes) = (prefix.chars().count(), prefix.encode_utf16().count(), prefix.len());
    assert_eq!((chars, utf16, bytes), (27, 28, 40), "the three columns must differ");
    // Exactly the JSON the contract names, keys in its order.
    let expected = concat!(
        r#"{"path":"sub/a.txt","line":5,"column":28,"end_line":5,"end_column":33,"#,
        r#""severity":"error","code":"A004","message":"unknown type `persn`; did you mean `person`?"}"#,
        "\n"
    );
    assert_eq!(out.stdout, expected);
    // (The exact line above already fixes the key order; parsed maps do not keep it.)
    let v = &out.json_lines()[0];
    assert_eq!(v["column"], chars + 1);
}

#[test]
fn ranges_in_a_tag_with_leading_blanks_point_at_the_id() {
    let seed = format!("{HEADER}[Tokaïev]{{  person:kz.tokayev}} et [l’armée]{{ gov:kz.army}}\n");
    let dir = corpus(&[("entities.tsv", REGISTRY), ("a.txt", &seed)]);
    let out = run(dir.path(), &["check", "--format", "json"]);
    let v = &out.json_lines()[0];
    assert_eq!(v["code"], "A005", "{}", out.stdout);
    let line = seed.lines().nth(2).unwrap();
    let col = line[..line.find("kz.army").unwrap()].chars().count() + 1;
    assert_eq!((v["column"].as_u64(), v["end_column"].as_u64()), (Some(col as u64), Some(col as u64 + 7)));
}

#[test]
fn json_range_of_a_file_that_is_not_utf8_covers_the_bad_byte() {
    let dir = corpus(&[]);
    std::fs::write(dir.path().join("latin1.txt"), b" date 2022-01 https://example.org/a\n\nCaf\xe9 cr\xe8me\n")
        .unwrap();
    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    let v = &out.json_lines()[0];
    assert_eq!((v["code"].as_str(), v["line"].as_u64(), v["column"].as_u64()), (Some("F001"), Some(3), Some(4)));
    assert_eq!(v["end_column"], 5);
    // The human renderer must cope with a range inside the replacement character too.
    let human = run(dir.path(), &["check", "--color", "never"]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(human.stdout.contains("error[F001]: file is not valid UTF-8: byte 0xE9 at offset 40"), "{}", human.stdout);
    assert!(human.stdout.contains(" --> latin1.txt:3:4\n"), "{}", human.stdout);
}

#[test]
fn sarif_is_a_2_1_0_log_with_every_rule_and_located_results() {
    let dir = corpus(&[
        ("entities.tsv", REGISTRY),
        ("dir with space/a.txt", &format!("{HEADER}[Tokaïev]{{persn:kz.tokayev}} 😀 [x]{{person:kz.nobody}}\n")),
        ("dir with space/b.txt", HEADER),
    ]);
    let out = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &log["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "seedls");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let all: Vec<&str> = seedls::diagnostic::Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(rule_ids, all);
    for r in rules {
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
        assert!(["error", "warning", "note"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = run0["results"].as_array().unwrap();
    let summary: Vec<(&str, &str)> =
        results.iter().map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap())).collect();
    assert_eq!(summary, [("H007", "warning"), ("A004", "error"), ("A005", "warning"), ("H007", "warning")]);
    for r in results {
        // ruleIndex points at the rule of the same id.
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let location = &r["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"].as_str().unwrap().starts_with("dir%20with%20space/"));
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(location["region"][key].as_u64().unwrap() >= 1, "{key} in {r}");
        }
    }
    // Columns are Unicode scalar values, and the run says so.
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let a005 = &results[2]["locations"][0]["physicalLocation"];
    assert_eq!(a005["artifactLocation"]["uri"], "dir%20with%20space/a.txt");
    let region = &a005["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(3), Some(42)));
    assert_eq!((region["endLine"].as_u64(), region["endColumn"].as_u64()), (Some(3), Some(51)));
    // The related location in the other file has its region too.
    let related = &results[0]["relatedLocations"][0]["physicalLocation"];
    assert_eq!(related["artifactLocation"]["uri"], "dir%20with%20space/b.txt");
    assert_eq!(related["region"]["startLine"], 1);
    assert_eq!(related["region"]["startColumn"], 18);
}

#[test]
fn hints_appear_only_with_the_flag() {
    // A glued sentence (T001) and a registry row nobody mentions (R005) are hints.
    let registry = format!("{REGISTRY}kz.unused\tplace\tNulle part\t\n");
    let seed = format!("{HEADER}Le [président]{{person:kz.tokayev}} parle.Puis [Almaty]{{place:kz.almaty}} dort.\n");
    let dir = corpus(&[("entities.tsv", &registry), ("a.txt", &seed)]);
    let without = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!((without.code, without.stdout.as_str()), (0, ""));
    let human = run(dir.path(), &["check"]);
    assert_eq!(human.stdout, "checked 2 files: 0 errors, 0 warnings in 0 files\n");
    let with = run(dir.path(), &["check", "--format", "json", "--hints"]);
    assert_eq!(with.code, 0, "hints never fail a check");
    let got = with.codes();
    let want = [("a.txt", "T001"), ("entities.tsv", "R005")];
    assert_eq!(got, pairs(&want));
    assert!(with.json_lines().iter().all(|v| v["severity"] == "hint"));
    let human = run(dir.path(), &["check", "--hints", "--color", "never"]);
    assert!(human.stdout.contains("hint[T001]: glued sentence"), "{}", human.stdout);
    assert!(human.stdout.ends_with("checked 2 files: 0 errors, 0 warnings, 2 hints in 2 files\n"), "{}", human.stdout);
    // Hints do not count as warnings, even denied.
    assert_eq!(run(dir.path(), &["check", "--hints", "--deny", "warnings"]).code, 0);
}

#[test]
fn exit_codes_for_clean_warnings_and_errors() {
    let clean = corpus(&[("entities.tsv", REGISTRY), ("a.txt", &clean_seed())]);
    let out = run(clean.path(), &["check", "."]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "checked 2 files: 0 errors, 0 warnings in 0 files\n"));

    // A note (H006) and a warning (H005): still a success, unless warnings are denied.
    let warned = corpus(&[("a.txt", " date 2022-01 Texte.\n")]);
    assert_eq!(run(warned.path(), &["check"]).code, 0);
    assert_eq!(run(warned.path(), &["check", "--deny", "warnings"]).code, 1);
    assert_eq!(run(warned.path(), &["check", "--deny", "warnings", "--format", "json"]).code, 1);

    // A note alone never fails.
    let noted = corpus(&[("a.txt", " date 2022-01 https://example.org/x Texte.\n")]);
    let out = run(noted.path(), &["check", "--deny", "warnings", "--format", "json"]);
    assert_eq!((out.code, out.codes()), (0, pairs(&[("a.txt", "H006")])));

    let broken = corpus(&[("a.txt", "no header\n")]);
    let out = run(broken.path(), &["check", "--format", "json"]);
    assert_eq!((out.code, out.codes()), (1, pairs(&[("a.txt", "H001")])));
}

#[test]
fn exit_code_2_on_usage_and_io_failures() {
    let dir = corpus(&[("a.txt", &clean_seed())]);
    // A path that does not exist: said on stderr in every format, so stdout stays parseable.
    let out = run(dir.path(), &["check", "--format", "json", "missing"]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(out.stderr.contains("missing: no such file or directory"), "{}", out.stderr);
    let out = run(dir.path(), &["check", "missing", "."]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("error: cannot read missing: no such file or directory"), "{}", out.stderr);
    assert!(!out.stdout.contains("cannot read"), "{}", out.stdout);
    // A path that is neither a seed, a registry nor a schema.
    std::fs::write(dir.path().join("notes.md"), "x").unwrap();
    assert_eq!(run(dir.path(), &["check", "notes.md"]).code, 2);
    // Usage errors.
    for args in [
        &["check", "--bogus"][..],
        &["check", "--format", "xml"],
        &["check", "--deny", "errors"],
        &["check", "--color", "sometimes"],
        &["frobnicate"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains("error:"), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
    }
    // Help and version are not failures.
    assert_eq!(run(dir.path(), &["check", "--help"]).code, 0);
    assert_eq!(run(dir.path(), &["--version"]).code, 0);
}

#[test]
fn exit_code_2_on_invalid_config() {
    // Broken files that the configuration would have excluded must not be reported as if the
    // configuration did not exist.
    for config in ["{not json", r#"{"include": "*.txt"}"#, r#"{"exclude": ["[bad"]}"#, r#"{"inclde": []}"#] {
        let dir = corpus(&[(".seedls.json", config), ("a.txt", &clean_seed()), ("drafts/b.txt", "broken\n")]);
        let out = run(dir.path(), &["check", "--format", "json"]);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{config}");
        assert!(out.stderr.contains(".seedls.json"), "{config}: {}", out.stderr);
    }
}

#[cfg(unix)]
#[test]
fn exit_code_2_on_an_unreadable_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let dir = corpus(&[("entities.tsv", REGISTRY), ("a.txt", &clean_seed()), ("secret.txt", &clean_seed())]);
    let secret = dir.path().join("secret.txt");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything: run the check as `nobody` then, with the folder open to it.
    let as_root = std::fs::metadata(dir.path().join("a.txt")).unwrap().uid() == 0;
    if as_root {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let check = |args: &[&str]| {
        let mut cmd = command(dir.path(), args);
        if as_root {
            cmd.uid(65534).gid(65534);
        }
        finish(cmd.output().unwrap())
    };
    let out = check(&["check", "--format", "json"]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{}", out.stderr);
    assert!(out.stderr.contains("secret.txt") && out.stderr.contains("ermission denied"), "{}", out.stderr);
    // A file of the corpus that the paths given do not name is only context: a warning.
    let out = check(&["check", "--format", "json", "a.txt"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    assert!(out.stderr.starts_with("warning: cannot read ") && out.stderr.contains("secret.txt"), "{}", out.stderr);
}

#[test]
fn default_path_is_the_current_directory() {
    let dir = corpus(&[("sub/a.txt", "no header\n")]);
    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!((out.code, out.codes()), (1, pairs(&[("sub/a.txt", "H001")])));
    let out = run(&dir.path().join("sub"), &["check", "--format", "json"]);
    assert_eq!(out.codes(), pairs(&[("a.txt", "H001")]));
}

#[test]
fn gitignore_and_ignore_files_are_respected_without_a_git_repository() {
    let dir = corpus(&[
        (".gitignore", "scraped/\n*.bak.txt\n"),
        (".ignore", "drafts/wip.txt\n"),
        ("a.txt", &clean_seed()),
        ("entities.tsv", REGISTRY),
        ("scraped/raw.txt", "broken\n"),
        ("old.bak.txt", "broken\n"),
        ("drafts/wip.txt", "broken\n"),
        ("drafts/ready.txt", "broken\n"),
    ]);
    assert!(!dir.path().join(".git").exists());
    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.codes(), pairs(&[("drafts/ready.txt", "H001")]));
    // A nested .gitignore counts too.
    std::fs::write(dir.path().join("drafts/.gitignore"), "ready.txt\n").unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "checked 2 files: 0 errors, 0 warnings in 0 files\n"));
}

#[test]
fn ignore_files_above_the_root_are_never_read() {
    // The corpus is `corpus/`; a .gitignore in the folder above it must not hide its files.
    let dir = corpus(&[(".gitignore", "*.txt\n"), (".ignore", "corpus/\n"), ("corpus/a.txt", "broken\n")]);
    let out = run(&dir.path().join("corpus"), &["check", "--format", "json"]);
    assert_eq!(out.codes(), pairs(&[("a.txt", "H001")]));
}

#[test]
fn seedls_json_include_and_exclude() {
    let dir = corpus(&[
        (".seedls.json", r#"{"include": ["articles/**"], "exclude": ["articles/old/**", "**/*-draft.txt"]}"#),
        ("entities.tsv", REGISTRY),
        ("README.txt", "Not a seed, and not included.\n"),
        ("articles/a.txt", &clean_seed()),
        ("articles/b-draft.txt", "broken\n"),
        ("articles/old/c.txt", "broken\n"),
        ("articles/new/d.txt", "broken\n"),
    ]);
    let out = run(dir.path(), &["check", "--format", "json"]);
    // The registry stays in although `include` names only articles: include selects seeds.
    assert_eq!(out.codes(), pairs(&[("articles/new/d.txt", "H001")]));
    let out = run(dir.path(), &["check"]);
    assert!(out.stdout.ends_with("checked 3 files: 1 error, 0 warnings in 1 file\n"), "{}", out.stdout);
}

#[test]
fn seedls_json_star_stays_within_one_folder() {
    let dir = corpus(&[
        (".seedls.json", r#"{"include": ["seeds/*.txt"]}"#),
        ("seeds/a.txt", "broken\n"),
        ("seeds/nested/b.txt", "broken\n"),
    ]);
    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.codes(), pairs(&[("seeds/a.txt", "H001")]));
}

#[test]
fn hidden_directories_and_files_are_skipped() {
    let dir = corpus(&[
        ("a.txt", &clean_seed()),
        ("entities.tsv", REGISTRY),
        (".cache/b.txt", "broken\n"),
        (".hidden.txt", "broken\n"),
        ("sub/.trash/c.txt", "broken\n"),
    ]);
    let out = run(dir.path(), &["check"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "checked 2 files: 0 errors, 0 warnings in 0 files\n"));
}

#[test]
fn several_roots_and_single_files() {
    let dir = corpus(&[
        ("one/a.txt", "broken\n"),
        ("two/b.txt", " date 2022-13\n"),
        ("two/c.txt", &clean_seed()),
        ("three/d.txt", "broken\n"),
    ]);
    let out = run(dir.path(), &["check", "--format", "json", "one", "two"]);
    assert_eq!(out.code, 1);
    let want = [("one/a.txt", "H001"), ("two/b.txt", "H005"), ("two/b.txt", "H003")];
    assert_eq!(out.codes(), pairs(&want));
    // With no corpus marker above it, a single file is a corpus of one.
    let out = run(dir.path(), &["check", "--format", "json", "two/b.txt"]);
    assert_eq!(out.codes(), pairs(&want[1..]));
    let out = run(dir.path(), &["check", "two/c.txt"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "checked 1 file: 0 errors, 0 warnings in 0 files\n"));
}

#[test]
fn overlapping_roots_do_not_load_a_file_twice() {
    // Twice the same seed would be its own duplicate (H007) and the registry its own (R002).
    let dir = corpus(&[("seeds/entities.tsv", REGISTRY), ("seeds/a.txt", &clean_seed())]);
    let abs = dir.path().join("seeds");
    for roots in
        [&[".", "seeds"][..], &["seeds", "./seeds"], &["seeds", abs.to_str().unwrap()], &["seeds/a.txt", "seeds"]]
    {
        let mut args = vec!["check"];
        args.extend(roots);
        let out = run(dir.path(), &args);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "checked 2 files: 0 errors, 0 warnings in 0 files\n"),
            "{roots:?}"
        );
    }
}

/// A registry with `kz.gov`, and an article that is only right in the corpus around it: its
/// URL heads `001.txt` too (H007), `kz.gov` is registered (no A008), `kz.almaty` is a place
/// in the registry (A006), `kz.nobody` is not registered (A005).
fn corpus_around() -> tempfile::TempDir {
    corpus(&[
        ("entities.tsv", &format!("{REGISTRY}kz.gov\tgov\tGouvernement\t\nkz.unused\tplace\tNulle part\t\n")),
        ("001.txt", &clean_seed()),
        (
            "sub/002.txt",
            &format!(
                "{HEADER}[Le gouvernement]{{concede actor=kz.gov}} à [Almaty]{{person:kz.almaty}}, [X]{{person:kz.nobody}}.\n"
            ),
        ),
        ("sub/003.txt", &format!("{HEADER}[Tokaïev]{{person:kz.tokayev}} au [gouvernement]{{gov:kz.gov}}.\n")),
    ])
}

/// The lines of `check --format json` (run in `dir`) about `path`.
fn lines_about(dir: &Path, args: &[&str], path: &str) -> Vec<Value> {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    run(dir, &all).json_lines().into_iter().filter(|v| v["path"] == path).collect()
}

#[test]
fn a_file_is_checked_in_the_corpus_around_it() {
    let dir = corpus_around();
    let out = run(dir.path(), &["check", "--format", "json", "sub/002.txt"]);
    let want = [("sub/002.txt", "H007"), ("sub/002.txt", "A006"), ("sub/002.txt", "A005")];
    assert_eq!((out.code, out.codes()), (1, pairs(&want)), "{}", out.stderr);
    // Exactly what the whole corpus's check says of it.
    assert_eq!(out.json_lines(), lines_about(dir.path(), &["."], "sub/002.txt"));
    // H007 names the other file; the summary counts the one file checked.
    let human = run(dir.path(), &["check", "sub/002.txt"]);
    assert!(human.stdout.contains("= note: same URL here: 001.txt:1:18"), "{}", human.stdout);
    assert!(human.stdout.contains("sub/003.txt:1:18"), "{}", human.stdout);
    assert!(human.stdout.ends_with("checked 1 file: 1 error, 2 warnings in 1 file\n"), "{}", human.stdout);
    // From the file's own folder, and as an absolute path: shown as typed.
    let out = run(&dir.path().join("sub"), &["check", "--format", "json", "002.txt"]);
    assert_eq!(out.codes(), pairs(&want.map(|(_, c)| ("002.txt", c))));
    let abs = dir.path().join("sub/002.txt");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = run(elsewhere.path(), &["check", "--format", "json", abs.to_str().unwrap()]);
    assert_eq!(out.codes(), pairs(&want.map(|(_, c)| (abs.to_str().unwrap(), c))));
    // R005 of a registry given alone counts the mentions of the whole corpus.
    let out = run(dir.path(), &["check", "--format", "json", "--hints", "entities.tsv"]);
    assert_eq!(out.codes(), pairs(&[("entities.tsv", "R005")]));
    assert!(out.stdout.contains("kz.unused"), "{}", out.stdout);
}

#[test]
fn a_subfolder_is_checked_in_the_corpus_around_it() {
    let dir = corpus_around();
    let want = [("sub/002.txt", "H007"), ("sub/002.txt", "A006"), ("sub/002.txt", "A005"), ("sub/003.txt", "H007")];
    let out = run(dir.path(), &["check", "--format", "json", "sub"]);
    assert_eq!((out.code, out.codes()), (1, pairs(&want)), "{}", out.stderr);
    let whole: Vec<Value> = run(dir.path(), &["check", "--format", "json"])
        .json_lines()
        .into_iter()
        .filter(|v| v["path"] != "001.txt")
        .collect();
    assert_eq!(out.json_lines(), whole);
    // `check` in the subfolder: the corpus is the one above; its other files are `../`.
    let out = run(&dir.path().join("sub"), &["check"]);
    assert!(out.stdout.contains("--> 002.txt:3:") && out.stdout.contains("../001.txt:1:18"), "{}", out.stdout);
    assert!(out.stdout.ends_with("checked 2 files: 1 error, 3 warnings in 2 files\n"), "{}", out.stdout);
}

#[test]
fn the_root_s_ignore_files_and_seedls_json_apply_in_a_subfolder_and_named_paths_are_checked() {
    let dir = corpus(&[
        (".seedls.json", r#"{"exclude": ["drafts/**", "**/*-old.txt"]}"#),
        (".gitignore", "*.bak.txt\n"),
        ("entities.tsv", REGISTRY),
        ("sub/a.txt", "broken\n"),
        ("sub/b-old.txt", "broken\n"),
        ("sub/c.bak.txt", "broken\n"),
        ("drafts/d.txt", "broken\n"),
    ]);
    let root = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(root.codes(), pairs(&[("sub/a.txt", "H001")]));
    assert_eq!(run(dir.path(), &["check", "--format", "json", "sub"]).codes(), root.codes());
    // A path named on the command line is checked although the root leaves it out (as rg and
    // ruff do); inside a folder given, the root's rules still apply.
    for (args, want) in [
        (&["sub/b-old.txt"][..], &[("sub/b-old.txt", "H001")][..]),
        (&["sub/c.bak.txt"], &[("sub/c.bak.txt", "H001")]),
        (&["drafts"], &[("drafts/d.txt", "H001")]),
        (&["drafts/d.txt", "sub"], &[("drafts/d.txt", "H001"), ("sub/a.txt", "H001")]),
    ] {
        let mut all = vec!["check", "--format", "json"];
        all.extend(args);
        assert_eq!(run(dir.path(), &all).codes(), pairs(want), "{args:?}");
    }
}

#[test]
fn files_of_two_corpora_are_each_checked_in_their_own() {
    // `kz.gov` is a government in one corpus and a person in the other; both articles share
    // a URL, which is no duplicate across corpora.
    let gov = |ty: &str| format!("id\ttype\tname\taliases\nkz.gov\t{ty}\tGouvernement\t\n");
    let article = format!("{HEADER}[Le gouvernement]{{gov:kz.gov}} a parlé.\n");
    let dir = corpus(&[
        ("one/entities.tsv", &gov("gov")),
        ("one/a.txt", &article),
        ("two/entities.tsv", &gov("person")),
        ("two/deeper/b.txt", &article),
    ]);
    let out = run(dir.path(), &["check", "--format", "json", "two/deeper/b.txt", "one/a.txt"]);
    assert_eq!((out.code, out.codes()), (1, pairs(&[("two/deeper/b.txt", "A006")])), "{}", out.stderr);
    // Two paths of the same corpus are one corpus: their URL is a duplicate.
    std::fs::write(dir.path().join("one/c.txt"), &article).unwrap();
    let out = run(dir.path(), &["check", "--format", "json", "one/c.txt", "one/a.txt"]);
    assert_eq!(out.codes(), pairs(&[("one/a.txt", "H007"), ("one/c.txt", "H007")]));
    // A corpus given with one nested in it: each file is reported once.
    write_files(dir.path(), &[("two/nested/entities.tsv", &gov("gov")), ("two/nested/e.txt", &article)]);
    let nested = run(dir.path(), &["check", "--format", "json", "two/nested"]);
    assert_eq!(nested.codes(), pairs(&[]));
    let out = run(dir.path(), &["check", "--format", "json", "two", "two/nested"]);
    assert_eq!(out.stdout, run(dir.path(), &["check", "--format", "json", "two"]).stdout);
}

#[test]
fn with_no_marker_above_a_path_is_its_own_corpus() {
    // No registry, schema, .seedls.json or .git above: each path given is a corpus of its own,
    // and the duplicate URL of two of them is not reported (it is, checked as one folder).
    let article = format!("{HEADER}[Le gouvernement]{{concede actor=kz.gov}} a parlé.\n");
    let dir = corpus(&[("x/a.txt", &article), ("x/b.txt", &article), ("y/c.txt", &article)]);
    assert!(dir.path().ancestors().all(|a| !a.join(".git").exists() && !a.join("entities.tsv").exists()));
    let out = run(dir.path(), &["check", "--format", "json", "x/a.txt", "x/b.txt"]);
    let a008 = [("x/a.txt", "A008"), ("x/b.txt", "A008")];
    assert_eq!(out.codes(), pairs(&a008));
    let out = run(dir.path(), &["check", "--format", "json", "x", "y"]);
    let want =
        [("x/a.txt", "H007"), ("x/a.txt", "A008"), ("x/b.txt", "H007"), ("x/b.txt", "A008"), ("y/c.txt", "A008")];
    assert_eq!(out.codes(), pairs(&want));
}

#[test]
fn with_only_git_above_the_repository_is_the_corpus() {
    let article = format!("{HEADER}Texte.\n");
    for git_is_a_file in [false, true] {
        let dir = corpus(&[("x/a.txt", &article), ("y/b.txt", &article)]);
        if git_is_a_file {
            // A worktree's or a submodule's `.git` is a file.
            std::fs::write(dir.path().join(".git"), "gitdir: elsewhere\n").unwrap();
        } else {
            std::fs::create_dir(dir.path().join(".git")).unwrap();
        }
        let out = run(&dir.path().join("x"), &["check", "--format", "json", "a.txt"]);
        assert_eq!(out.codes(), pairs(&[("a.txt", "H007")]), "{git_is_a_file}");
        let human = run(&dir.path().join("x"), &["check"]);
        assert!(human.stdout.contains("same URL here: ../y/b.txt:1:18"), "{}", human.stdout);
        assert!(human.stdout.ends_with("checked 1 file: 0 errors, 1 warning in 1 file\n"), "{}", human.stdout);
        // A corpus marker nearer than `.git` wins.
        std::fs::write(dir.path().join("x/schema.tsv"), seedls::syntax::schema::DEFAULT_SCHEMA).unwrap();
        let out = run(&dir.path().join("x"), &["check", "--format", "json", "a.txt"]);
        assert_eq!(out.codes(), pairs(&[]), "{git_is_a_file}");
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_corpus_are_not_followed() {
    let outside = corpus(&[("secret.txt", "broken\n"), ("dir/x.txt", "broken\n"), ("entities.tsv", "garbage\n")]);
    let dir = corpus(&[("a.txt", &clean_seed()), ("entities.tsv", REGISTRY)]);
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("link.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("dir"), dir.path().join("linked-dir")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("entities.tsv"), dir.path().join("more.entities.tsv")).unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "checked 2 files: 0 errors, 0 warnings in 0 files\n"));
    // A loop is no problem either.
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    assert_eq!(run(dir.path(), &["check"]).code, 0);
}

#[test]
fn schema_prints_the_builtin_schema() {
    use seedls::syntax::schema::{Class, parse_schema};
    let out = run(Path::new("."), &["schema"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, seedls::syntax::schema::DEFAULT_SCHEMA);
    let (schema, diagnostics) = parse_schema(&out.stdout);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let names = |class| schema.types.iter().filter(|t| t.class == class).map(|t| t.name.as_str()).collect::<Vec<_>>();
    assert_eq!(names(Class::Entity), ["person", "group", "org", "gov", "place"]);
    assert_eq!(
        names(Class::Event).join(" "),
        "agree consult support concede cooperate aid retreat request accuse reject threaten protest sanction \
         mobilize coerce assault"
    );
    for t in schema.types.iter().filter(|t| t.class == Class::Event) {
        let roles: Vec<String> = t.roles.iter().map(|r| r.spec()).collect();
        let recipient = if ["cooperate", "aid", "sanction"].contains(&t.name.as_str()) { "+" } else { "*" };
        assert_eq!(
            roles,
            [
                "actor:person|group|org|gov*".to_string(),
                format!("recipient:person|group|org|gov{recipient}"),
                "where:place*".to_string(),
                "when:date?".to_string(),
            ],
            "{}",
            t.name
        );
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_seeds_check_clean_but_for_the_legacy_header() {
    let out = run(&repo(), &["check", "seeds", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got: Vec<(String, String, String)> = out
        .json_lines()
        .iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            (s("path"), s("code"), s("severity"))
        })
        .collect();
    let seed = "seeds/001_d0178e134f3a1cf6.txt".to_string();
    assert_eq!(got, [(seed.clone(), "H005".into(), "warning".into()), (seed, "H006".into(), "information".into())]);
    let human = run(&repo(), &["check", "seeds", "--color", "never"]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains("warning[H005]") && human.stdout.contains("note[H006]"), "{}", human.stdout);
    assert!(human.stdout.ends_with("checked 3 files: 0 errors, 1 warning, 1 note in 1 file\n"), "{}", human.stdout);
    assert_eq!(run(&repo(), &["check", "seeds", "--deny", "warnings"]).code, 1);
}

#[test]
fn stripping_the_shipped_seeds_gives_back_the_original_articles() {
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let annotated = std::fs::read_to_string(&path).unwrap();
        let original = std::fs::read(repo().join("tests/fixtures/originals").join(path.file_name().unwrap())).unwrap();
        let stripped = seedls::syntax::annotation::strip(&annotated);
        assert!(stripped.as_bytes() == original, "{}: stripped text differs from the original", path.display());
        checked += 1;
    }
    assert_eq!(checked, 2);
}
