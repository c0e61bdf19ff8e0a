//! End-to-end tests of `seedls import` (SPEC §14): the real binary on our own exports (round
//! trips) and on third-party files (brat's tutorial corpus, doccano's examples).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_seedls");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    Run {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// The seed files of a folder, by name.
fn seeds(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), read(&p)))
        .collect();
    out.sort();
    out
}

/// A folder's files, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut out: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    out.sort();
    out
}

/// Exports the seeds, imports them back (into `back` of the folder returned) and compares.
fn export_import_gives_the_seeds_back(format: &str, exported: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (out, back) = (dir.path().join("out"), dir.path().join("back"));
    let e = run(&repo(), &["export", "--format", format, "seeds", "-o", out.to_str().unwrap()]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let i = run(
        &repo(),
        &["import", "--format", format, out.join(exported).to_str().unwrap(), "-o", back.to_str().unwrap()],
    );
    assert_eq!(i.code, 0, "{}", i.stderr);
    assert_eq!(i.stdout, "", "nothing to report on our own export");
    let (want, got) = (seeds(&repo().join("seeds")), seeds(&back));
    assert_eq!(want.len(), 2);
    for ((wn, wt), (gn, gt)) in want.iter().zip(&got) {
        assert_eq!(wn, gn);
        assert!(wt == gt, "{wn} differs after {format} export and import:\n{gt}");
    }
    assert_eq!(want.len(), got.len());
    dir
}

#[test]
fn brat_export_then_import_gives_the_seeds_back_byte_for_byte() {
    let dir = export_import_gives_the_seeds_back("brat", "");
    let back = dir.path().join("back");
    // The `N` lines give a registry: each id with the type, name and QID of the original row.
    let registry = read(repo().join("seeds/entities.tsv"));
    let original: Vec<Vec<&str>> = registry.lines().map(|l| l.split('\t').collect()).collect();
    let col = |name: &str| original[0].iter().position(|c| *c == name).unwrap();
    let imported = read(back.join("entities.tsv"));
    let mut with_qid = 0;
    for row in imported.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let Some(o) = original.iter().find(|o| o[0] == f[0]) else { continue };
        assert_eq!((f[1], f[2], f[3]), (o[col("type")], o[col("name")], o[col("wikidata")]), "{row}");
        with_qid += usize::from(!f[3].is_empty());
    }
    assert!(with_qid > 0);
}

#[test]
fn a_corpus_with_its_own_schema_comes_back_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (
                "c/schema.tsv",
                "type\tclass\troles\tmodes\ttoken\tdescription\n\
                 group\tentity\t\t\tclass\tA group\n\
                 place\tentity\t\t\tstring\tA place\n\
                 rally\tevent\tactor:group+ where:place* when:date?\tdemo riot\tfunction\tA rally\n",
            ),
            (
                "c/a.txt",
                " date 2022-01 https://example.org/a\n\n\
                 Les [manifestants]{group:kz.protesters} ont [défilé à [Almaty]{place:kz.almaty}]{rally.demo actor=kz.protesters where=kz.almaty when=2022-01-05}.\n",
            ),
        ],
    );
    let e = run(dir.path(), &["export", "--format", "brat", "c", "-o", "brat"]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let i = run(dir.path(), &["import", "--format", "brat", "brat", "-o", "back"]);
    assert_eq!((i.code, i.stdout.as_str()), (0, ""), "{}", i.stderr);
    assert_eq!(read(dir.path().join("back/a.txt")), read(dir.path().join("c/a.txt")));
    // The date role, which annotation.conf cannot hold, is declared again from the notes.
    let schema = read(dir.path().join("back/schema.tsv"));
    let rally = schema.lines().find(|l| l.starts_with("rally\t")).unwrap();
    assert_eq!(rally, "rally\tevent\tactor:group+ where:place* when:date?\tdemo riot\tfunction\tbrat event type rally");
    let c = run(dir.path(), &["check", "back", "--format", "json"]);
    assert_eq!((c.code, c.stdout.as_str()), (0, ""));
}

/// `(start, end, type)` of the `T` lines of a brat `.ann`, offsets moved by `shift`.
fn t_spans(ann: &str, shift: isize) -> BTreeSet<(isize, isize, String)> {
    ann.lines()
        .filter(|l| l.starts_with('T'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').nth(1).unwrap().split(' ').collect();
            let (s, e): (isize, isize) = (f[1].parse().unwrap(), f[2].parse().unwrap());
            (s + shift, e + shift, f[0].to_lowercase())
        })
        .collect()
}

const NEWS: &str = "tests/fixtures/brat/news";

#[test]
fn brat_tutorial_imports_and_checks_with_no_unknown_type_or_role() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("news");
    let i = run(&repo(), &["import", "--format", "brat", NEWS, "-o", out.to_str().unwrap()]);
    assert_eq!(i.code, 0, "{}", i.stderr);
    assert_eq!(seeds(&out).len(), 13);
    assert!(out.join("schema.tsv").exists() && out.join("import-report.tsv").exists());
    let c = run(&repo(), &["check", out.to_str().unwrap(), "--format", "json"]);
    let codes: BTreeSet<String> = c
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["code"].as_str().unwrap().to_string())
        .collect();
    // Made headers have no source URL; nothing else is reported.
    assert_eq!(codes, BTreeSet::from(["H005".to_string()]), "{}", c.stdout);
    assert_eq!(c.code, 0);
    // Everything the seed files cannot hold, per file, with its line.
    expect![[r#"
        tests/fixtures/brat/news/annotation.conf:30: relation: relation type Located: Arg1:Person, Arg2:GPE
        tests/fixtures/brat/news/annotation.conf:31: relation: relation type Geographical_part: Arg1:GPE,    Arg2:GPE
        tests/fixtures/brat/news/annotation.conf:32: relation: relation type Family: Arg1:Person, Arg2:Person
        tests/fixtures/brat/news/annotation.conf:33: relation: relation type Employment: Arg1:Person, Arg2:GPE
        tests/fixtures/brat/news/annotation.conf:34: relation: relation type Ownership: Arg1:Person, Arg2:Organization
        tests/fixtures/brat/news/annotation.conf:35: relation: relation type Origin: Arg1:Organization, Arg2:GPE
        tests/fixtures/brat/news/annotation.conf:37: relation: relation type Alias: Arg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive
        tests/fixtures/brat/news/annotation.conf:56: schema: event Marry: role Person-Arg takes {2} arguments; written `+`
        tests/fixtures/brat/news/annotation.conf:57: schema: event Divorce: role Person-Arg takes {2} arguments; written `+`
        tests/fixtures/brat/news/annotation.conf:66: schema: event Report: role Event-Arg takes <EVENT>, which seed roles cannot (they take entities or dates); left out
        tests/fixtures/brat/news/annotation.conf:79: attribute: attribute Individual: Arg:<ENTITY>
        tests/fixtures/brat/news/annotation.conf:80: attribute: attribute Mention: Arg:<ENTITY>, Value:Name|Nominal|Other
        tests/fixtures/brat/news/annotation.conf:82: attribute: attribute Negation: Arg:<EVENT>
        tests/fixtures/brat/news/annotation.conf:83: attribute: attribute Confidence: Arg:<EVENT>, Value:High|Neutral|Low
        tests/fixtures/brat/news/000-introduction.ann:9: relation: relation Origin Arg1:T6 Arg2:T7
        tests/fixtures/brat/news/000-introduction.ann:10: note: note on T2: 100000000 USD
        tests/fixtures/brat/news/000-introduction.ann:11: relation: relation Family Arg1:T4 Arg2:T5
        tests/fixtures/brat/news/000-introduction.ann:12: attribute: attribute Mention=Name on T4
        tests/fixtures/brat/news/000-introduction.ann:13: attribute: attribute Individual on T4
        tests/fixtures/brat/news/000-introduction.ann:14: attribute: attribute Mention=Nominal on T5
        tests/fixtures/brat/news/000-introduction.ann:15: attribute: attribute Individual on T5
        tests/fixtures/brat/news/000-introduction.ann:16: attribute: attribute Confidence=High on E1
        tests/fixtures/brat/news/000-introduction.ann:17: dropped: normalization Wikipedia:64488 of T5
        tests/fixtures/brat/news/060-relation_annotation.ann:6: equivalence: equivalence Alias T3 T4 T5
        tests/fixtures/brat/news/060-relation_annotation.ann:12: relation: relation Located Arg1:T1 Arg2:T2
        tests/fixtures/brat/news/070-editing_relation_annotations.ann:4: relation: relation Located Arg1:T1 Arg2:T3
        tests/fixtures/brat/news/070-editing_relation_annotations.ann:6: equivalence: equivalence Alias T2 T4
        tests/fixtures/brat/news/070-editing_relation_annotations.ann:10: relation: relation Located Arg1:T5 Arg2:T7
        tests/fixtures/brat/news/070-editing_relation_annotations.ann:13: relation: relation Employment Arg1:T8 Arg2:T9
        tests/fixtures/brat/news/090-event_structures.ann:7: dropped: event E2: argument Event-Arg:E1 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/090-event_structures.ann:14: dropped: event E3: argument Event-Arg:E4 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/090-event_structures.ann:16: dropped: event E4: argument Event-Arg:E5 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/090-event_structures.ann:18: dropped: event E5: argument Event-Arg:E6 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/100-attribute_annotation.ann:18: dropped: event E1: argument Event-Arg:E2 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/100-attribute_annotation.ann:24: dropped: event E4: argument Event-Arg:E5 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/100-attribute_annotation.ann:27: attribute: attribute Confidence=Neutral on E1
        tests/fixtures/brat/news/100-attribute_annotation.ann:28: attribute: attribute Confidence=Low on E2
        tests/fixtures/brat/news/100-attribute_annotation.ann:29: attribute: attribute Confidence=Neutral on E3
        tests/fixtures/brat/news/100-attribute_annotation.ann:30: attribute: attribute Individual on T1
        tests/fixtures/brat/news/100-attribute_annotation.ann:32: dropped: event E6: argument Event-Arg:E7 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/100-attribute_annotation.ann:38: dropped: event E9: argument Event-Arg:E10 is an event; seed roles take entities or dates
        tests/fixtures/brat/news/100-attribute_annotation.ann:41: attribute: attribute Confidence=High on E5
        tests/fixtures/brat/news/100-attribute_annotation.ann:42: attribute: attribute Confidence=Neutral on E4
        tests/fixtures/brat/news/110-note_annotation.ann:2: note: note on T1: Should fictional places be annotated?
        tests/fixtures/brat/news/110-note_annotation.ann:8: note: note on E1: Annotate as one merge event with three participants or two events with two participants each?
        tests/fixtures/brat/news/110-note_annotation.ann:11: relation: relation Family Arg1:T6 Arg2:T7
        tests/fixtures/brat/news/110-note_annotation.ann:12: note: note on R1: Should this be marked? It's not explicitly stated.
        tests/fixtures/brat/news/110-note_annotation.ann:21: relation: relation Family Arg1:T13 Arg2:T14
    "#]]
    .assert_eq(&i.stdout);
    // The report file says the same, one row a report.
    assert_eq!(read(out.join("import-report.tsv")).lines().count(), i.stdout.lines().count() + 1);
}

#[test]
fn brat_tutorial_import_then_export_keeps_every_span_and_label() {
    let dir = tempfile::tempdir().unwrap();
    let (seeded, out) = (dir.path().join("news"), dir.path().join("out"));
    assert_eq!(run(&repo(), &["import", "--format", "brat", NEWS, "-o", seeded.to_str().unwrap()]).code, 0);
    let e = run(&repo(), &["export", "--format", "brat", seeded.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let mut compared = 0;
    for entry in std::fs::read_dir(repo().join(NEWS)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "ann") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let original = t_spans(&read(&path), 0);
        // The import put a header line and a blank line before the text.
        let text = read(out.join(&name).with_extension("txt"));
        let shift = -(text.find("\n\n").unwrap() as isize + 2);
        let back = t_spans(&read(out.join(&name)), shift);
        assert_eq!(original, back, "{name}");
        compared += original.len();
    }
    assert!(compared > 100, "{compared} spans compared");
}

#[test]
fn what_inline_markup_cannot_hold_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("in/a.txt", " date 2022-01 https://example.org/a\n\nLe président Tokaïev a parlé\nà Almaty.\n"),
            (
                "in/a.ann",
                "T1\tperson 37 57\tLe président Tokaïev\n\
                 T2\tperson 50 57\tTokaïev\n\
                 T3\tperson 40 49;50 57\tprésident Tokaïev\n\
                 T4\tplace 60 70\tparlé à Al\n\
                 T5\tplace 53 56\tXXX\n\
                 T6\tgov 45 52\tdent To\n\
                 A1\tNegation T2\n\
                 R1\tFamily Arg1:T1 Arg2:T2\t\n\
                 *\tAlias T1 T2\n\
                 #1\tAnnotatorNotes T1\tCheck this\n",
            ),
        ],
    );
    let i = run(dir.path(), &["import", "--format", "brat", "in", "-o", "out"]);
    assert_eq!(i.code, 0, "{}", i.stderr);
    expect![[r#"
        in/a.ann:3: discontinuous: T3 person at 40 49;50 57
        in/a.ann:4: mismatch: T4: the line says «parlé à Al», the text at 60 70 is «parlé\nà Al»
        in/a.ann:4: multiline: place «parlé\nà Al» spans a line break; a mention is on one line
        in/a.ann:5: mismatch: T5: the line says «XXX», the text at 53 56 is «aïe»
        in/a.ann:6: crossing: gov «dent To» crosses person «Tokaïev» (line 2) without nesting in it
        in/a.ann:7: attribute: attribute Negation on T2
        in/a.ann:8: relation: relation Family Arg1:T1 Arg2:T2
        in/a.ann:9: equivalence: equivalence Alias T1 T2
        in/a.ann:10: note: note on T1: Check this
    "#]]
    .assert_eq(&i.stdout);
    expect![[r#"
         date 2022-01 https://example.org/a

        [Le président [Tok[aïe]{place}v]{person}]{person} a parlé
        à Almaty.
    "#]]
    .assert_eq(&read(dir.path().join("out/a.txt")));
    // --strict: the same reports, exit 1, nothing written.
    let s = run(dir.path(), &["import", "--format", "brat", "in", "-o", "strict", "--strict"]);
    assert_eq!((s.code, &s.stdout), (1, &i.stdout));
    assert!(!dir.path().join("strict").exists());
}

/// Imports `src` of `files` in `format` into `out`: it must fail with exit 2, write nothing, and
/// say why on stderr (returned).
fn refused(files: &[(&str, &str)], format: &str, src: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    let i = run(dir.path(), &["import", "--format", format, src, "-o", "out"]);
    assert_eq!(i.code, 2, "{}", i.stdout);
    assert!(!dir.path().join("out").exists());
    i.stderr
}

#[test]
fn bad_brat_input_names_file_and_line_and_writes_nothing() {
    let files = [
        ("in/a.txt", "Hello world\n"),
        ("in/a.ann", "T1\tperson 0 5\tHello\n"),
        ("in/b.txt", "Hello\n"),
        ("in/b.ann", "T1\tperson 0 5\tHello\nT2\tperson 3 99\tlo\n"),
    ];
    expect![[r#"
        error: in/b.ann:2: offsets 3 99 are not a span of the text, which has 6 characters
    "#]]
    .assert_eq(&refused(&files, "brat", "in"));
    let files = [("in/a.txt", "Hello\n"), ("in/a.ann", "T1\tperson 0 5\tHello\nX1\tfoo\n")];
    expect![[r#"
        error: in/a.ann:2: `X1` is not a brat annotation (T, E, R, A, M, N, *, #)
    "#]]
    .assert_eq(&refused(&files, "brat", "in"));
}

#[test]
fn nothing_is_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[("in/a.txt", "Almaty\n"), ("in/a.ann", "T1\tplace 0 6\tAlmaty\n"), ("out/a.txt", "mine\n")],
    );
    let i = run(dir.path(), &["import", "--format", "brat", "in", "-o", "out"]);
    assert_eq!(i.code, 2);
    assert!(i.stderr.contains("a.txt already exists (use --force to overwrite)"), "{}", i.stderr);
    assert_eq!(read(dir.path().join("out/a.txt")), "mine\n");
    // A byte-order mark before the annotations is no annotation (the text keeps its own).
    std::fs::write(dir.path().join("in/a.ann"), "\u{feff}T1\tplace 0 6\tAlmaty\n").unwrap();
    let f = run(dir.path(), &["import", "--format", "brat", "in", "-o", "out", "--force"]);
    assert_eq!(f.code, 0, "{}", f.stderr);
    assert!(read(dir.path().join("out/a.txt")).ends_with("\n\n[Almaty]{place}\n"));
    assert_eq!(listing(&dir.path().join("out")), ["a.txt"]);
}

// ---------------------------------------------------------------------------------------------
// jsonl

#[test]
fn jsonl_export_then_import_gives_the_seeds_back_byte_for_byte() {
    let dir = export_import_gives_the_seeds_back("jsonl", "corpus.jsonl");
    assert_eq!(listing(&dir.path().join("back")), ["000_0e7cf4ddd4e04d16.txt", "001_d0178e134f3a1cf6.txt"]);
}

#[test]
fn doccano_examples_import_with_their_labels_and_report_relations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seq");
    let i = run(
        &repo(),
        &["import", "--format", "jsonl", "tests/fixtures/doccano/sequence_labeling.jsonl", "-o", out.to_str().unwrap()],
    );
    assert_eq!(i.code, 0, "{}", i.stderr);
    let got: Vec<String> = seeds(&out).into_iter().map(|(_, t)| t.lines().nth(2).unwrap().to_string()).collect();
    assert_eq!(
        got,
        [
            "[EU]{org} rejects [German]{misc} call to boycott British lamb.",
            "[Peter Blackburn]{person}",
            "President [Obama]{person}",
        ]
    );
    expect![[r#"
        tests/fixtures/doccano/sequence_labeling.jsonl:1: unknown-type: type `misc` is not in the schema (kept)
    "#]]
    .assert_eq(&i.stdout);
    // Import then export: the same spans and labels.
    let back = dir.path().join("back");
    assert_eq!(
        run(&repo(), &["export", "--format", "jsonl", out.to_str().unwrap(), "-o", back.to_str().unwrap()]).code,
        0
    );
    let labels = |text: &str| -> BTreeSet<String> {
        text.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                format!("{} {}", v["text"], v["label"].to_string().to_lowercase())
            })
            .collect()
    };
    assert_eq!(
        labels(&read(back.join("corpus.jsonl"))),
        labels(&read(repo().join("tests/fixtures/doccano/sequence_labeling.jsonl")))
    );

    let out = dir.path().join("rel");
    let i = run(
        &repo(),
        &[
            "import",
            "--format",
            "jsonl",
            "tests/fixtures/doccano/relation_extraction.jsonl",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(i.code, 0, "{}", i.stderr);
    let (_, text) = &seeds(&out)[0];
    assert_eq!(
        text.lines().nth(2).unwrap(),
        "[Google]{org} was founded on [September 4, 1998]{date}, by [Larry Page]{person} and [Sergey Brin]{person}."
    );
    expect![[r#"
        tests/fixtures/doccano/relation_extraction.jsonl:1: relation: relation {"from_id":0,"to_id":1,"type":"foundedAt"}
        tests/fixtures/doccano/relation_extraction.jsonl:1: relation: relation {"from_id":0,"to_id":2,"type":"foundedBy"}
        tests/fixtures/doccano/relation_extraction.jsonl:1: relation: relation {"from_id":0,"to_id":3,"type":"foundedBy"}
        tests/fixtures/doccano/relation_extraction.jsonl:1: unknown-type: type `date` is not in the schema (kept)
    "#]]
    .assert_eq(&i.stdout);
}

#[test]
fn bad_jsonl_input_names_file_and_line_and_writes_nothing() {
    let files = [(
        "bad.jsonl",
        "{\"text\": \"ab\", \"label\": [[0, 1, \"x\"]]}\n{\"text\": \"😀 a\", \"label\": [[3, 4, \"x\"]]}\n",
    )];
    expect![[r#"
        error: bad.jsonl:2: span 3–4 (x) is not in the text, which has 3 characters (offsets count characters); the text has 1 character outside the BMP (emoji …): were the offsets counted in UTF-16 units, as doccano's older front-end did?
    "#]]
    .assert_eq(&refused(&files, "jsonl", "bad.jsonl"));
    let files = [("bad.jsonl", "{\"text\": \"ab\"}\n{\"label\": []}\n")];
    expect![[r#"
        error: bad.jsonl:2: the record has no `text` string
    "#]]
    .assert_eq(&refused(&files, "jsonl", "bad.jsonl"));
}

#[test]
fn jsonl_headers_come_from_the_record_metadata() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[(
            "in.jsonl",
            "{\"id\": \"a\", \"text\": \"Tokaïev 😀 Almaty\", \"label\": [[10, 16, \"place\"]], \"meta\": {\"date\": \"2022-01-05T10:00:00\", \"url\": \"https://example.org/a\"}}\n\
             {\"id\": 7, \"text\": \"x\", \"label\": [], \"url\": \"https://example.org/2022/01/05/b\"}\n\
             {\"id\": \"c\", \"text\": \" date 2021-03\\n\\nAlmaty\", \"label\": [[15, 21, \"place\"]]}\n",
        )],
    );
    let jsonl = read(dir.path().join("in.jsonl"));
    std::fs::write(dir.path().join("in.jsonl"), format!("\u{feff}{jsonl}")).unwrap();
    let i = run(dir.path(), &["import", "--format", "jsonl", "in.jsonl", "-o", "out"]);
    assert_eq!(i.code, 0, "{}", i.stderr);
    let out = dir.path().join("out");
    assert_eq!(read(out.join("a.txt")), " date 2022-01-05 https://example.org/a\n\nTokaïev 😀 [Almaty]{place}");
    assert_eq!(read(out.join("7.txt")), " date 2022-01-05 https://example.org/2022/01/05/b\n\nx");
    assert_eq!(read(out.join("c.txt")), " date 2021-03\n\n[Almaty]{place}");
}

// ---------------------------------------------------------------------------------------------
// conll

#[test]
fn bad_conll_input_names_file_and_line_and_writes_nothing() {
    let files = [("bad.conll", "-DOCSTART- O\n\nEU B-org\nrejects\n")];
    expect![[r#"
        error: bad.conll:4: `rejects` has no tag: a CoNLL line is `token … tag`
    "#]]
    .assert_eq(&refused(&files, "conll", "bad.conll"));
}

#[test]
fn conll_export_then_import_keeps_the_entities() {
    let dir = tempfile::tempdir().unwrap();
    let (conll, text, back) = (dir.path().join("conll"), dir.path().join("text"), dir.path().join("back"));
    for (format, out) in [("conll", &conll), ("text", &text)] {
        assert_eq!(run(&repo(), &["export", "--format", format, "seeds", "-o", out.to_str().unwrap()]).code, 0);
    }
    let i = run(
        &repo(),
        &[
            "import",
            "--format",
            "conll",
            conll.join("corpus.conll").to_str().unwrap(),
            "--text",
            text.to_str().unwrap(),
            "-o",
            back.to_str().unwrap(),
        ],
    );
    assert_eq!(i.code, 0, "{}", i.stderr);
    // The text kept byte for byte, the outermost entities back as mentions: exported again,
    // the same CoNLL.
    let (again, plain) = (dir.path().join("again"), dir.path().join("plain"));
    for (format, out) in [("conll", &again), ("text", &plain)] {
        assert_eq!(
            run(&repo(), &["export", "--format", format, back.to_str().unwrap(), "-o", out.to_str().unwrap()]).code,
            0
        );
    }
    assert_eq!(seeds(&plain), seeds(&text));
    assert_eq!(read(again.join("corpus.conll")), read(conll.join("corpus.conll")));
    // Without the text: tokens joined by spaces, sentences by line breaks; IOBES tags too.
    write_files(
        dir.path(),
        &[("x.conll", "-DOCSTART- O\n\nLe O\nKremlin S-gov\n, O\nà O\nAlma B-place\nAta E-place\n.\tO\n\nFin O\n")],
    );
    let o = run(dir.path(), &["import", "--format", "conll", "x.conll", "-o", "x"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (_, seed) = &seeds(&dir.path().join("x"))[0];
    assert_eq!(seed.split_once("\n\n").unwrap().1, "Le [Kremlin]{gov} , à [Alma Ata]{place} .\nFin\n");
}
