//! End-to-end tests of the curation commands (SPEC §10): the real binary on temporary corpora
//! and on the shipped seeds.

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_seedls");

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

fn run(dir: &Path, args: &[&str]) -> Run {
    finish(Command::new(BIN).args(args).current_dir(dir).env("NO_COLOR", "1"))
}

fn finish(command: &mut Command) -> Run {
    let out = command.output().unwrap();
    Run {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Characters `start..end` of `text`.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

const HEADER: &str = " date 2022-01-05 https://example.org/2022/01/05/a\n\n";

const REGISTRY: &str = "id\ttype\tname\taliases\twikidata\tcameo\n\
    kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\t\tKAZGOV\n\
    kz.almaty\tplace\tAlmaty\t\tQ35493\t\n\
    kz.protesters\tgroup\tmanifestants\t\t\t\n";

/// One article with nested mentions, an event with a mode, a date role and an unresolved id.
fn article() -> String {
    format!(
        "{HEADER}Manifestations à Almaty\n\n\
         [[Tokaïev]{{person:kz.tokayev}} a rencontré les [manifestants]{{group:kz.protesters}} à [Almaty]{{place:kz.almaty}}]{{consult.visit actor=kz.tokayev recipient=kz.protesters,kz.gov where=kz.almaty when=2022-01-05}}. Tokaïev a parlé.\n"
    )
}

#[test]
fn text_export_gives_back_the_original_articles() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("text");
    let r = run(&repo(), &["export", "--format", "text", "seeds", "-o", dest.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut n = 0;
    for entry in std::fs::read_dir(repo().join("tests/fixtures/originals")).unwrap() {
        let original = entry.unwrap().path();
        let exported = std::fs::read(dest.join(original.file_name().unwrap())).unwrap();
        assert!(exported == std::fs::read(&original).unwrap(), "{} differs", original.display());
        n += 1;
    }
    assert_eq!(n, 2);
    // Nothing else was written: no leftover temporary file.
    assert_eq!(std::fs::read_dir(&dest).unwrap().count(), 2);
}

/// Every `T` line's text is its slice of the `.txt`, by characters; `E` arguments name `T`s.
#[test]
fn brat_spans_slice_the_exported_text() {
    let out = tempfile::tempdir().unwrap();
    let r = run(&repo(), &["export", "--format", "brat", "seeds", "-o", out.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut t_lines = 0;
    for name in ["000_0e7cf4ddd4e04d16", "001_d0178e134f3a1cf6"] {
        let txt = std::fs::read_to_string(out.path().join(format!("{name}.txt"))).unwrap();
        assert_eq!(txt.as_bytes(), std::fs::read(repo().join(format!("tests/fixtures/originals/{name}.txt"))).unwrap());
        let ann = std::fs::read_to_string(out.path().join(format!("{name}.ann"))).unwrap();
        let ts: Vec<&str> = ann.lines().filter(|l| l.starts_with('T')).map(|l| l.split('\t').next().unwrap()).collect();
        // brat lets nothing but an event point at a trigger (TriggerReferenceError).
        let triggers: Vec<&str> = ann
            .lines()
            .filter(|l| l.starts_with('E'))
            .map(|l| l.split('\t').nth(1).unwrap().split([':', ' ']).nth(1).unwrap())
            .collect();
        for line in ann.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            match &line[..1] {
                "T" => {
                    let parts: Vec<&str> = cols[1].split(' ').collect();
                    let (start, end) = (parts[1].parse().unwrap(), parts[2].parse().unwrap());
                    assert_eq!(chars(&txt, start, end), cols[2], "{line}");
                    t_lines += 1;
                }
                "E" => {
                    for arg in cols[1].split(' ') {
                        let target = arg.split(':').nth(1).unwrap();
                        assert!(ts.contains(&target), "{line}: {target}");
                    }
                }
                "N" => {
                    let target = cols[1].split(' ').nth(1).unwrap();
                    assert!(cols[1].starts_with("Reference ") && cols.len() == 3, "{line}");
                    assert!(!triggers.contains(&target), "{line}: an event is normalized on its E");
                }
                "A" => assert!(cols[1].starts_with("Mode E"), "{line}"),
                "#" => assert!(cols[1].starts_with("AnnotatorNotes E"), "{line}"),
                _ => panic!("unexpected line {line}"),
            }
        }
    }
    assert_eq!(t_lines, 117, "every mention of the seeds is a T line");
    let conf = std::fs::read_to_string(out.path().join("annotation.conf")).unwrap();
    for section in ["[entities]", "[relations]", "[events]", "[attributes]"] {
        assert!(conf.contains(section), "{conf}");
    }
    assert!(conf.contains("\ncoerce\tactor*:person|group|org|gov, recipient*:person|group|org|gov, where*:place\n"));
    assert!(conf.contains("Mode\tArg:<EVENT>, Value:visit|third-party|multilateral|phone|"), "{conf}");
    assert!(conf.ends_with("|unconventional\n"), "{conf}");
}

#[test]
fn brat_ann_of_a_small_article() {
    let dir = corpus(&[("entities.tsv", REGISTRY), ("a/001_0000000000000001.txt", &article())]);
    let r = run(dir.path(), &["export", "--format", "brat", ".", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ann = std::fs::read_to_string(dir.path().join("out/a/001_0000000000000001.ann")).unwrap();
    // kz.gov has no mention in the article, the date is no mention at all: both are notes.
    expect![[r#"
        T1	consult 76 121	Tokaïev a rencontré les manifestants à Almaty
        T2	person 76 83	Tokaïev
        T3	group 100 112	manifestants
        T4	place 115 121	Almaty
        E1	consult:T1 actor:T2 recipient:T3 where:T4
        A1	Mode E1 visit
        #1	AnnotatorNotes E1	recipient=kz.gov when=2022-01-05
        N1	Reference T2 seedls:kz.tokayev	Kassym-Jomart Tokaïev
        N2	Reference T3 seedls:kz.protesters	manifestants
        N3	Reference T4 seedls:kz.almaty	Almaty
        N4	Reference T4 Wikidata:Q35493	Almaty
    "#]]
    .assert_eq(&ann);
    assert!(dir.path().join("out/a/001_0000000000000001.txt").exists());
    assert!(dir.path().join("out/annotation.conf").exists());
}

/// What brat's reader needs beyond the small article: an event's id normalized on its `E`
/// (brat refuses a normalization on a trigger), offsets in the `.txt` as brat reads it (CRLF
/// read as one line end, a non-BMP character one character), a role repeated in two words
/// numbered on, a role value naming an event mention pointing at its `E`, a surface broken by a
/// lone CR shown as its two pieces, and a role name ending in a digit (brat would read the
/// digit as a number) given a `_`.
#[test]
fn brat_ann_as_brat_reads_it() {
    let schema = "type\tclass\troles\tmodes\ttoken\tdescription\n\
        group\tentity\t\t\tclass\tA group\n\
        place\tentity\t\t\tstring\tA place\n\
        protest\tevent\tactor:group* where:place* when:date?\tdemo\tfunction\tProtest\n\
        support\tevent\tactor2:group*\t\tfunction\tSupport\n";
    let article = " date 2022-01-05 https://example.org/a\r\n\r\n\
        😀 [Almaty]{place:kz.almaty}\r\n\
        [[Les 😀 manifestants]{group:kz.protesters} à [Almaty]{place:kz.almaty} et [Aktau]{place:kz.aktau}]\
        {protest.demo:kz.protests actor=kz.protesters where=kz.almaty where=kz.aktau when=2022-01-05}\r\n\
        [Soutien]{support actor2=kz.protests} ; [Pa\rris]{place:fr.paris} ; []{place}\r\n";
    let dir = corpus(&[("schema.tsv", schema), ("entities.tsv", REGISTRY), ("001_0000000000000001.txt", article)]);
    let r = run(dir.path(), &["export", "--format", "brat", ".", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ann = std::fs::read_to_string(dir.path().join("out/001_0000000000000001.ann")).unwrap();
    expect![[r#"
        T1	place 42 48	Almaty
        T2	protest 49 85	Les 😀 manifestants à Almaty et Aktau
        T3	group 49 67	Les 😀 manifestants
        T4	place 70 76	Almaty
        T5	place 80 85	Aktau
        T6	support 86 93	Soutien
        T7	place 96 98;99 102	Pa ris
        N1	Reference T1 seedls:kz.almaty	Almaty
        N2	Reference T1 Wikidata:Q35493	Almaty
        E1	protest:T2 actor:T3 where:T4 where2:T5
        A1	Mode E1 demo
        #1	AnnotatorNotes E1	when=2022-01-05
        N3	Reference E1 seedls:kz.protests	kz.protests
        N4	Reference T3 seedls:kz.protesters	manifestants
        N5	Reference T4 seedls:kz.almaty	Almaty
        N6	Reference T4 Wikidata:Q35493	Almaty
        N7	Reference T5 seedls:kz.aktau	kz.aktau
        E2	support:T6 actor2_:E1
        N8	Reference T7 seedls:fr.paris	fr.paris
    "#]]
    .assert_eq(&ann);
    let txt = std::fs::read_to_string(dir.path().join("out/001_0000000000000001.txt")).unwrap();
    let stripped = run(dir.path(), &["export", "--format", "text", ".", "-o", "text"]);
    assert_eq!(stripped.code, 0);
    let original = std::fs::read_to_string(dir.path().join("text/001_0000000000000001.txt")).unwrap();
    assert_eq!(txt, original.replace("\r\n", "\n").replace('\r', "\n"), "line ends as brat reads them");
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let places = cols[1].split_once(' ').unwrap().1;
        let pieces: Vec<String> = places
            .split(';')
            .map(|p| {
                let (s, e) = p.split_once(' ').unwrap();
                chars(&txt, s.parse().unwrap(), e.parse().unwrap())
            })
            .collect();
        assert_eq!(pieces.join(" "), cols[2], "{line}");
    }
    let conf = std::fs::read_to_string(dir.path().join("out/annotation.conf")).unwrap();
    assert!(conf.contains("\nsupport\tactor2_*:group\n"), "{conf}");
}

/// doccano refuses a label that does not end after its start; Python's `str.split()`, which
/// CoNLL readers use, splits a line at U+001F.
#[test]
fn jsonl_and_conll_leave_out_what_their_readers_refuse() {
    let text =
        format!("{HEADER}[]{{place:kz.almaty}} [Almaty]{{place:kz.almaty}}\u{1f}[Tokaïev]{{person:kz.tokayev}}\n");
    let dir = corpus(&[("entities.tsv", REGISTRY), ("001_0000000000000001.txt", &text)]);
    for format in ["jsonl", "conll"] {
        let r = run(dir.path(), &["export", "--format", format, ".", "-o", "out"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/corpus.jsonl")).unwrap()).unwrap();
    assert_eq!(rec["label"], serde_json::json!([[1, 7, "place"], [8, 15, "person"]]));
    assert_eq!(rec["ids"], serde_json::json!(["kz.almaty", "kz.tokayev"]));
    let conll = std::fs::read_to_string(dir.path().join("out/corpus.conll")).unwrap();
    expect![[r#"
        -DOCSTART- O

        Almaty B-place
        Tokaïev B-person

    "#]]
    .assert_eq(&conll);
}

#[test]
fn jsonl_labels_slice_to_the_surfaces() {
    let dir = corpus(&[("entities.tsv", REGISTRY), ("001_0000000000000001.txt", &article())]);
    let r = run(dir.path(), &["export", "--format", "jsonl", ".", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("out/corpus.jsonl")).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "one line per article");
    let rec = &lines[0];
    assert_eq!(rec["id"], "001_0000000000000001");
    assert_eq!(rec["date"], "2022-01-05");
    assert_eq!(rec["url"], "https://example.org/2022/01/05/a");
    assert_eq!(rec["header"], HEADER.trim_end());
    let body = rec["text"].as_str().unwrap();
    assert!(body.starts_with("Manifestations à Almaty\n"), "the header line is metadata, not text");
    let got: Vec<(String, String, Value)> = rec["label"]
        .as_array()
        .unwrap()
        .iter()
        .zip(rec["ids"].as_array().unwrap())
        .map(|(l, id)| {
            let (s, e) = (l[0].as_u64().unwrap() as usize, l[1].as_u64().unwrap() as usize);
            (chars(body, s, e), l[2].as_str().unwrap().to_string(), id.clone())
        })
        .collect();
    let want = [
        ("Tokaïev a rencontré les manifestants à Almaty", "consult", Value::Null),
        ("Tokaïev", "person", "kz.tokayev".into()),
        ("manifestants", "group", "kz.protesters".into()),
        ("Almaty", "place", "kz.almaty".into()),
    ];
    let want: Vec<(String, String, Value)> = want.into_iter().map(|(s, t, i)| (s.into(), t.into(), i)).collect();
    assert_eq!(got, want);

    // On the seeds, every label slices to a surface without markup.
    let out = tempfile::tempdir().unwrap();
    assert_eq!(run(&repo(), &["export", "--format", "jsonl", "seeds", "-o", out.path().to_str().unwrap()]).code, 0);
    let text = std::fs::read_to_string(out.path().join("corpus.jsonl")).unwrap();
    let mut labels = 0;
    for line in text.lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        let body = rec["text"].as_str().unwrap();
        for l in rec["label"].as_array().unwrap() {
            let s = chars(body, l[0].as_u64().unwrap() as usize, l[1].as_u64().unwrap() as usize);
            assert!(!s.is_empty() && !s.contains(['[', ']', '{', '}']), "{s}");
            labels += 1;
        }
    }
    assert_eq!(labels, 117);
}

#[test]
fn plover_records_have_the_required_fields() {
    let dir = corpus(&[("entities.tsv", REGISTRY), ("001_0000000000000001.txt", &article())]);
    let r = run(dir.path(), &["export", "--format", "plover", ".", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("out/plover.jsonl")).unwrap();
    let recs: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(recs.len(), 1, "one record per event mention");
    let rec = &recs[0];
    assert_eq!(rec["id"], "001_0000000000000001-1");
    assert_eq!(rec["date"], "2022-01-05");
    assert_eq!(rec["event"], serde_json::json!(["CONSULT"]));
    assert_eq!(rec["mode"], "visit");
    assert_eq!(rec["quad_code"], 1);
    assert_eq!(rec["actor"][0]["id"], "kz.tokayev");
    assert_eq!(rec["actor"][0]["actor_text"], "Tokaïev");
    assert_eq!(rec["actor"][0]["code"], "KAZ");
    assert_eq!(rec["actor"][0]["sector"], "GOV");
    assert_eq!(rec["recipient"][1]["id"], "kz.gov");
    assert_eq!(rec["event_loc"]["name"], "Almaty");
    assert_eq!(rec["event_loc"]["identifier_id"], "Q35493");
    assert_eq!(rec["cite_info"]["url"], "https://example.org/2022/01/05/a");
    let exported = {
        let r = run(dir.path(), &["export", "--format", "text", ".", "-o", "text"]);
        assert_eq!(r.code, 0);
        std::fs::read_to_string(dir.path().join("text/001_0000000000000001.txt")).unwrap()
    };
    let (s, e) = (rec["text_info"]["start"].as_u64().unwrap(), rec["text_info"]["end"].as_u64().unwrap());
    assert_eq!(chars(&exported, s as usize, e as usize), rec["event_text"][0].as_str().unwrap());

    let out = tempfile::tempdir().unwrap();
    assert_eq!(run(&repo(), &["export", "--format", "plover", "seeds", "-o", out.path().to_str().unwrap()]).code, 0);
    let text = std::fs::read_to_string(out.path().join("plover.jsonl")).unwrap();
    let required = [
        "id",
        "date",
        "actor",
        "recipient",
        "event",
        "mode",
        "event_loc",
        "event_text",
        "text_info",
        "link",
        "cite_info",
    ];
    let mut n = 0;
    for line in text.lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        for field in required {
            assert!(rec.get(field).is_some(), "{field} missing in {line}");
        }
        assert!(rec["id"].as_str().is_some_and(|s| !s.is_empty()) && rec["date"].is_string(), "{line}");
        n += 1;
    }
    assert_eq!(n, 42, "every event mention of the seeds");
}

#[test]
fn conll_is_bio_per_token_with_sentences() {
    let dir = corpus(&[("entities.tsv", REGISTRY), ("001_0000000000000001.txt", &article())]);
    let r = run(dir.path(), &["export", "--format", "conll", ".", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("out/corpus.conll")).unwrap();
    expect![[r#"
        -DOCSTART- O

        Manifestations O
        à O
        Almaty O

        Tokaïev B-person
        a O
        rencontré O
        les O
        manifestants B-group
        à O
        Almaty B-place
        . O

        Tokaïev O
        a O
        parlé O
        . O

    "#]]
    .assert_eq(&text);
}

#[test]
fn stats_counts_types_ids_dates_and_alias_coverage() {
    let second = " date 2021-12 https://example.org/b\n\n[Tokaïev]{person:kz.tokayev} et Tokaïev.\n".to_string();
    let dir = corpus(&[
        ("entities.tsv", REGISTRY),
        ("001_0000000000000001.txt", &article()),
        ("002_0000000000000002.txt", &second),
    ]);
    let r = run(dir.path(), &["stats", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["articles"], 2);
    assert_eq!(v["date_range"]["first"], "2021-12");
    assert_eq!(v["date_range"]["last"], "2022-01-05");
    assert_eq!(v["mentions"], 5);
    assert_eq!(v["top_entities"][0]["id"], "kz.tokayev");
    assert_eq!(v["top_entities"][0]["mentions"], 2);
    assert_eq!(v["top_entities"][0]["articles"], 2);
    // Names in the prose: the first article has Tokaïev, manifestants and Almaty tagged (3),
    // "Almaty" in its title and "Tokaïev" after the event untagged (2); the second has one
    // of each: 4 tagged, 3 untagged, as many as `check --hints` reports A011.
    assert_eq!(v["aliases"]["tagged"], 4);
    assert_eq!(v["aliases"]["untagged"], 3);
    let hints = run(dir.path(), &["check", "--hints", "--format", "json"]);
    assert_eq!(hints.stdout.lines().filter(|l| l.contains("\"A011\"")).count(), 3);
    let human = run(dir.path(), &["stats"]);
    assert_eq!(human.code, 0);
    expect![[r#"
        articles      2
        undated       0
        date range    2021-12 … 2022-01-05
        mentions      5
        with an id    4
        distinct ids  3

        type     class   mentions
        person   entity         2
        consult  event          1
        group    entity         1
        place    entity         1

        top entities   type    mentions  articles  name
        kz.tokayev     person         2         2  Kassym-Jomart Tokaïev
        kz.almaty      place          1         1  Almaty
        kz.protesters  group          1         1  manifestants

        top events  type  mentions  articles  name

        registered names and aliases in the prose: 7, 4 tagged, 3 untagged (57.1% tagged)
    "#]]
    .assert_eq(&human.stdout);
}

#[test]
fn stats_alias_coverage_leaves_out_names_inside_longer_names_as_a011_does() {
    let registry = "id\ttype\tname\nkz.nursultan\tplace\tNoursoultan\n";
    // The city's name as a first name, untagged and inside a person's mention: neither counts.
    let text = format!(
        "{HEADER}Retour\n\nNoursoultan Nazarbaïev est rentré à Noursoultan ; [Noursoultan Nazarbaïev]{{person}} aussi, \
         à [Noursoultan]{{place:kz.nursultan}}.\n"
    );
    let dir = corpus(&[("entities.tsv", registry), ("001_0000000000000001.txt", &text)]);
    let r = run(dir.path(), &["stats", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!((v["aliases"]["tagged"].as_u64(), v["aliases"]["untagged"].as_u64()), (Some(1), Some(1)));
    let hints = run(dir.path(), &["check", "--hints", "--format", "json"]);
    assert_eq!(hints.stdout.lines().filter(|l| l.contains("\"A011\"")).count(), 1, "{}", hints.stdout);
}

/// A and B tag the same article; B leaves "Almaty" untagged.
///
/// The stripped text is the header (49 characters) and "\n\n", then "Tokaïev visite Almaty.\n":
/// L = 51 + 23 = 74; Tokaïev is [51, 58), Almaty [66, 72).
/// strict: A 2 spans, B 1, 1 the same: F1 = 2·1 / 3; relaxed the same; ids 1 of 1.
/// alpha-u, person: both coders [51, 58): Do = 0; De: N = 2 units of l = 7, each
///   (2 − 1)(2·343 − 3·49 + 7)/3 = 182 plus 49·Σ(gap − 6) over the gaps 51, 16, 51, 16 = 49·110
///   = 5390, so 2·5572 = 11144; De = (2/74)·11144 / (148·147 − 2·7·6) = (22288/74) / 21672.
/// place: A's [66, 72) lies in B's one gap [0, 74): Do = 2·6² / (2·74²) = 36/5476; De: N = 1,
///   l = 6, gaps ≥ 6: A's 66, B's 74 (A's 2 is too short): 36·(61 + 69) = 4680;
///   De = (2/74)·4680 / (148·147 − 6·5) = (9360/74) / 21726.
/// all: 1 − (0 + Do_place) / (De_person + De_place).
#[test]
fn agree_on_a_hand_built_pair() {
    let a = format!("{HEADER}[Tokaïev]{{person:kz.tokayev}} visite [Almaty]{{place:kz.almaty}}.\n");
    let b = format!("{HEADER}[Tokaïev]{{person:kz.tokayev}} visite Almaty.\n");
    let dir = corpus(&[("a/x.txt", &a), ("b/x.txt", &b), ("a/only-a.txt", HEADER), ("b/only-b.txt", HEADER)]);
    let r = run(dir.path(), &["agree", "a", "b", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let f = |v: &Value| v.as_f64().unwrap();
    let close = |got: f64, want: f64| assert!((got - want).abs() < 1e-9, "{got} != {want}");
    assert_eq!(v["articles"], 1);
    assert_eq!(v["unpaired_a"], serde_json::json!(["only-a.txt"]));
    assert_eq!(v["unpaired_b"], serde_json::json!(["only-b.txt"]));
    close(f(&v["strict"]["f1"]), 2.0 / 3.0);
    close(f(&v["strict"]["precision"]), 1.0);
    close(f(&v["strict"]["recall"]), 0.5);
    close(f(&v["relaxed"]["f1"]), 2.0 / 3.0);
    close(f(&v["strict_by_type"]["place"]["f1"]), 0.0);
    assert_eq!(v["ids"]["agreement"], 1.0);
    let de_person = (22288.0 / 74.0) / 21672.0;
    let do_place = 36.0 / 5476.0;
    let de_place = (9360.0 / 74.0) / 21726.0;
    close(f(&v["alpha_u"]["by_type"]["person"]), 1.0);
    close(f(&v["alpha_u"]["by_type"]["place"]), 1.0 - do_place / de_place);
    close(f(&v["alpha_u"]["all"]), 1.0 - do_place / (de_person + de_place));
    let human = run(dir.path(), &["agree", "a", "b"]);
    assert_eq!(human.code, 0);
    expect![[r#"
        articles compared: 1 (unpaired: 1 in A, 1 in B; text differs: 0)
          only in A: only-a.txt
          only in B: only-b.txt

        type    A  B  same     P%     R%  strict F1%  relaxed F1%  alpha-u
        person  1  1     1  100.0  100.0       100.0        100.0    1.000
        place   1  0     0      -    0.0         0.0            -   -0.129
        all     2  1     1  100.0   50.0        66.7         66.7    0.667

        id agreement: 100.0% (1 of 1 strictly matched spans)
        event roles: 0 in A, 0 in B, 0 same: P -%, R -%, F1 -%
    "#]]
    .assert_eq(&human.stdout);
}

/// Event roles: A has actor and where, B only actor, on the same event span: 2 and 1 tuples,
/// 1 shared: F1 = 2·1/3. Ids: the same span tagged with different ids disagrees.
#[test]
fn agree_on_event_roles_and_ids() {
    let a = format!(
        "{HEADER}[visite]{{consult.visit actor=kz.tokayev where=kz.almaty}} de [Tokaïev]{{person:kz.tokayev}}\n"
    );
    let b = format!("{HEADER}[visite]{{consult.visit actor=kz.tokayev}} de [Tokaïev]{{person:kz.tokaev}}\n");
    let dir = corpus(&[("a/x.txt", &a), ("b/x.txt", &b)]);
    let v: Value = serde_json::from_str(&run(dir.path(), &["agree", "a", "b", "--format", "json"]).stdout).unwrap();
    assert_eq!(v["roles"]["a"], 2);
    assert_eq!(v["roles"]["b"], 1);
    assert!((v["roles"]["f1"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(v["strict"]["f1"], 1.0);
    // Two matched spans: the event (no id on either side: equal) and the person (different ids).
    assert_eq!(v["ids"]["pairs"], 2);
    assert_eq!(v["ids"]["equal"], 1);
    // Paths that differ pair by file name; two single files pair whatever their names.
    std::fs::create_dir_all(dir.path().join("c/sub")).unwrap();
    std::fs::write(dir.path().join("c/sub/x.txt"), &b).unwrap();
    let v: Value = serde_json::from_str(&run(dir.path(), &["agree", "a", "c", "--format", "json"]).stdout).unwrap();
    assert_eq!((v["articles"].as_u64(), v["roles"]["b"].as_u64()), (Some(1), Some(1)));
    std::fs::write(dir.path().join("y.txt"), &b).unwrap();
    let v: Value =
        serde_json::from_str(&run(dir.path(), &["agree", "a/x.txt", "y.txt", "--format", "json"]).stdout).unwrap();
    assert_eq!((v["articles"].as_u64(), v["roles"]["b"].as_u64()), (Some(1), Some(1)));
    // Copies whose text differs are not compared.
    std::fs::write(dir.path().join("b/x.txt"), format!("{HEADER}autre chose\n")).unwrap();
    let v: Value = serde_json::from_str(&run(dir.path(), &["agree", "a", "b", "--format", "json"]).stdout).unwrap();
    assert_eq!(v["articles"], 0);
    assert_eq!(v["text_differs"], serde_json::json!(["x.txt"]));
}

#[test]
fn new_numbers_after_the_highest_and_never_overwrites() {
    let dir = corpus(&[("000_0e7cf4ddd4e04d16.txt", "x"), ("007_d0178e134f3a1cf6.txt", "y"), ("notes.txt", "")]);
    let url = "https://example.org/2022/01/05/a";
    let r = run(dir.path(), &["new", "--url", url, "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // FNV-1a 64 of the URL names the file: the same article always gets the same digits.
    let name = r.stdout.trim().trim_start_matches("./").to_string();
    assert!(name.starts_with("008_") && name.ends_with(".txt") && name.len() == 24, "{name}");
    let created = std::fs::read_to_string(dir.path().join(&name)).unwrap();
    assert_eq!(created, format!(" date 2022-01-05 {url}\n\n"));
    let again = run(dir.path(), &["new", "--url", url, "."]);
    assert_eq!(again.code, 0);
    assert_eq!(again.stdout.trim().trim_start_matches("./"), name.replacen("008_", "009_", 1));
    assert_eq!(std::fs::read_to_string(dir.path().join(&name)).unwrap(), created, "untouched");
    assert_eq!(std::fs::read_to_string(dir.path().join("000_0e7cf4ddd4e04d16.txt")).unwrap(), "x");

    // Without a URL: the current month, no URL.
    let r = run(dir.path(), &["new"]);
    assert_eq!(r.code, 0);
    let text = std::fs::read_to_string(dir.path().join(r.stdout.trim())).unwrap();
    let month = &seedls::syntax::header::Date::today().month_of().to_string();
    assert_eq!(text, format!(" date {month}\n\n"));
    assert!(r.stdout.contains("010_"), "{}", r.stdout);

    // Bad input: exit 2, nothing created.
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(run(dir.path(), &["new", "--url", "htps://x.org/a", "."]).code, 2);
    assert_eq!(run(dir.path(), &["new", "missing-dir"]).code, 2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);
}

#[test]
fn exit_codes_and_overwriting() {
    let dir = corpus(&[("seeds/001_0000000000000001.txt", &article())]);
    let p = dir.path();
    assert_eq!(run(p, &["export", "--format", "text", "seeds", "-o", "out"]).code, 0);
    let target = p.join("out/001_0000000000000001.txt");
    std::fs::write(&target, "changed").unwrap();
    let r = run(p, &["export", "--format", "text", "seeds", "-o", "out"]);
    assert_eq!(r.code, 2, "output exists");
    assert!(r.stderr.contains("already exists") && r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "changed");
    assert_eq!(run(p, &["export", "--format", "text", "seeds", "-o", "out", "--force"]).code, 0);
    assert_ne!(std::fs::read_to_string(&target).unwrap(), "changed");
    // Single-file formats refuse too.
    assert_eq!(run(p, &["export", "--format", "jsonl", "seeds", "-o", "out"]).code, 0);
    assert_eq!(run(p, &["export", "--format", "jsonl", "seeds", "-o", "out"]).code, 2);
    // Usage and input errors.
    assert_eq!(run(p, &["export", "--format", "pdf", "seeds", "-o", "out2"]).code, 2, "bad format");
    assert_eq!(run(p, &["export", "--format", "text", "seeds"]).code, 2, "no output directory");
    assert_eq!(run(p, &["export", "--format", "text", "missing", "-o", "out3"]).code, 2, "missing path");
    assert!(!p.join("out3").exists());
    std::fs::write(p.join("file"), "").unwrap();
    assert_eq!(run(p, &["export", "--format", "text", "seeds", "-o", "file"]).code, 2, "output is a file");
    assert_eq!(run(p, &["stats", "missing"]).code, 2);
    assert_eq!(run(p, &["agree", "seeds", "missing"]).code, 2);
    assert_eq!(run(p, &["stats", "--format", "xml"]).code, 2);
}

/// The built-in schema plus an entity type `faction` and an event type `rally`.
fn schema_with_faction() -> String {
    format!(
        "{}faction\tentity\t\t\tclass\tA faction of a movement\n\
         rally\tevent\tactor:person|group|org|gov|faction*\t\tfunction\tA rally\n",
        seedls::syntax::schema::DEFAULT_SCHEMA
    )
}

#[test]
fn a_file_or_folder_given_is_read_with_its_corpus_s_registry_and_schema() {
    let in_sub = format!(
        "{HEADER}[Les rebelles]{{faction:kz.rebels}} et [Tokaïev]{{person:kz.tokayev}} à [Almaty]{{place:kz.almaty}}.\n"
    );
    let dir = corpus(&[
        ("entities.tsv", REGISTRY),
        ("schema.tsv", &schema_with_faction()),
        ("001_0000000000000001.txt", &article()),
        ("sub/002_0000000000000002.txt", &in_sub),
    ]);
    let p = dir.path();
    // stats: the articles given only; names from the registry, classes from the schema.
    for path in ["sub", "sub/002_0000000000000002.txt"] {
        let r = run(p, &["stats", "--format", "json", path]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["articles"], 1, "{path}");
        let faction = serde_json::json!({"type": "faction", "class": "entity", "mentions": 1});
        assert!(v["mentions_per_type"].as_array().unwrap().contains(&faction), "{path}: {}", r.stdout);
        let top = v["top_entities"].as_array().unwrap();
        let tokayev = top.iter().find(|e| e["id"] == "kz.tokayev").unwrap();
        assert_eq!(tokayev["name"], "Kassym-Jomart Tokaïev", "{path}");
    }
    // export: the folder's articles only, laid out below it; the registry's QIDs, the schema's types.
    let r = run(p, &["export", "--format", "brat", "sub", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut written: Vec<String> =
        std::fs::read_dir(p.join("out")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    assert_eq!(written, ["002_0000000000000002.ann", "002_0000000000000002.txt", "annotation.conf"]);
    let ann = std::fs::read_to_string(p.join("out/002_0000000000000002.ann")).unwrap();
    assert!(ann.contains("Wikidata:Q35493"), "{ann}");
    let conf = std::fs::read_to_string(p.join("out/annotation.conf")).unwrap();
    assert!(conf.lines().any(|l| l == "faction") && conf.lines().any(|l| l.starts_with("rally\t")), "{conf}");
    // agree: a role of the schema's own event type counts.
    let a = format!("{HEADER}[Le rassemblement]{{rally actor=kz.rebels}} des [rebelles]{{faction:kz.rebels}}.\n");
    let b = format!("{HEADER}[Le rassemblement]{{rally actor=kz.rebels}} des rebelles.\n");
    write_files(p, &[("a/x.txt", &a), ("b/x.txt", &b)]);
    let r = run(p, &["agree", "a/x.txt", "b/x.txt", "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    assert_eq!((v["roles"]["a"].as_u64(), v["roles"]["both"].as_u64()), (Some(1), Some(1)), "{}", r.stdout);
    // Paths of two corpora: each article with its own; brat's one annotation.conf cannot
    // describe two schemas.
    write_files(p, &[("other/schema.tsv", seedls::syntax::schema::DEFAULT_SCHEMA), ("other/y.txt", &article())]);
    let r = run(p, &["export", "--format", "brat", "sub", "other/y.txt", "-o", "out2"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("different schemas"), "{}", r.stderr);
    assert!(!p.join("out2").exists());
    let r = run(p, &["export", "--format", "jsonl", "sub", "other/y.txt", "-o", "out3"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(p.join("out3/corpus.jsonl")).unwrap().lines().count(), 2);
}

/// Runs `seedls ARGS` in `dir` under umask `mask`, set in the child's shell only.
#[cfg(unix)]
fn run_with_umask(dir: &Path, mask: &str, args: &[&str]) -> Run {
    let mut command = Command::new("sh");
    command.arg("-c").arg(format!("umask {mask} && exec \"$0\" \"$@\"")).arg(BIN).args(args);
    finish(command.current_dir(dir).env("NO_COLOR", "1"))
}

#[cfg(unix)]
#[test]
fn written_files_have_the_permissions_of_a_plain_create() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| format!("{:03o}", std::fs::metadata(p).unwrap().permissions().mode() & 0o777);
    let dir = corpus(&[("seeds/001_0000000000000001.txt", &article())]);
    let p = dir.path();
    for (mask, want) in [("022", "644"), ("002", "664"), ("027", "640")] {
        let r = run_with_umask(p, mask, &["new", "seeds"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(mode(&p.join(r.stdout.trim())), want, "new under umask {mask}");
        for format in ["text", "brat", "jsonl"] {
            let out = p.join(format!("out-{mask}-{format}"));
            let r = run_with_umask(p, mask, &["export", "--format", format, "seeds", "-o", out.to_str().unwrap()]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            for entry in std::fs::read_dir(&out).unwrap() {
                let path = entry.unwrap().path();
                assert_eq!(mode(&path), want, "{} under umask {mask}", path.display());
            }
        }
    }
    // Overwriting keeps the file's own permissions; a file written anew gets the umask's.
    let out = p.join("out-022-text");
    let kept = out.join("001_0000000000000001.txt");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    let r = run_with_umask(p, "002", &["export", "--format", "text", "seeds", "-o", out.to_str().unwrap(), "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mode(&kept), "640");
    let anew = p.join("out-022-jsonl/corpus.jsonl");
    std::fs::remove_file(&anew).unwrap();
    let r = run_with_umask(p, "002", &["export", "--format", "jsonl", "seeds", "-o", "out-022-jsonl", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mode(&anew), "664");
}
