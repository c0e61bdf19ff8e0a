//! `seedls merge-file` end to end (SPEC §13): the binary on files, and as git's merge driver
//! in a real `git merge`.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_seedls");

const HEADER: &str = " date 2022-01-05 https://example.org/2022/01/05/a\n\nLa crise\n\n";
const PARAGRAPH: &str = "Tokaïev a limogé le gouvernement à Almaty le 5 janvier.\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Run {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap();
    Run {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn three(dir: &Path, base: &str, ours: &str, theirs: &str) {
    for (name, body) in [("base.txt", base), ("ours.txt", ours), ("theirs.txt", theirs)] {
        std::fs::write(dir.join(name), format!("{HEADER}{body}")).unwrap();
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn merge_file_writes_ours_and_exits_zero_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    let ours = "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à Almaty le 5 janvier.\n";
    let theirs = "Tokaïev a limogé le gouvernement à [Almaty]{place:kz.almaty} le 5 janvier.\n";
    three(dir.path(), PARAGRAPH, ours, theirs);
    let r = run(dir.path(), BIN, &["merge-file", "base.txt", "ours.txt", "theirs.txt"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let want = "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à [Almaty]{place:kz.almaty} le 5 janvier.\n";
    assert_eq!(read(dir.path(), "ours.txt"), format!("{HEADER}{want}"));
    assert_eq!(read(dir.path(), "theirs.txt"), format!("{HEADER}{theirs}"), "theirs untouched");
}

#[test]
fn merge_file_with_conflicts_exits_one_and_writes_the_output_given() {
    let dir = tempfile::tempdir().unwrap();
    let ours = "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à Almaty le 5 janvier.\n";
    let theirs = "[Tokaïev]{gov:kz.gov} a limogé le gouvernement à Almaty le 5 janvier.\n";
    three(dir.path(), PARAGRAPH, ours, theirs);
    let args = [
        "merge-file",
        "base.txt",
        "ours.txt",
        "theirs.txt",
        "-o",
        "out.txt",
        "-L",
        "HEAD",
        "-L",
        "base",
        "-L",
        "alice",
    ];
    let r = run(dir.path(), BIN, &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "seedls merge-file: 1 conflict in out.txt\n");
    assert_eq!(read(dir.path(), "out.txt"), format!("{HEADER}<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> alice\n"));
    assert_eq!(read(dir.path(), "ours.txt"), format!("{HEADER}{ours}"), "ours untouched with -o");
    // `-o -`: the result on standard output.
    let r = run(dir.path(), BIN, &["merge-file", "base.txt", "ours.txt", "theirs.txt", "-o", "-"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("<<<<<<< ours\n") && r.stdout.contains(">>>>>>> theirs\n"), "{}", r.stdout);
    // Placeholders a git older than 2.44 leaves unexpanded are no labels.
    let args = ["merge-file", "base.txt", "ours.txt", "theirs.txt", "-o", "-", "-L", "%X", "-L", "%S", "-L", "%Y"];
    let r = run(dir.path(), BIN, &args);
    assert!(r.stdout.contains("<<<<<<< ours\n") && r.stdout.contains(">>>>>>> theirs\n"), "{}", r.stdout);
}

#[test]
fn merge_file_refuses_bad_input_naming_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    three(dir.path(), PARAGRAPH, PARAGRAPH, PARAGRAPH);
    std::fs::write(dir.path().join("theirs.txt"), b" date 2022-01\n\nd\xe9j\xe0 vu\n").unwrap();
    let r = run(dir.path(), BIN, &["merge-file", "base.txt", "ours.txt", "theirs.txt"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: theirs.txt: file is not valid UTF-8: byte 0xE9 at offset 16."),
        "{}",
        r.stderr
    );
    assert_eq!(read(dir.path(), "ours.txt"), format!("{HEADER}{PARAGRAPH}"));
    let r = run(dir.path(), BIN, &["merge-file", "base.txt", "missing.txt", "theirs.txt"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: cannot read missing.txt: "), "{}", r.stderr);
}

/// A repository whose `main` holds the article, with seedls installed as the merge driver of
/// `*.txt` as the README says.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let r = run(dir.path(), "git", args);
        assert_eq!(r.code, 0, "git {args:?}: {}", r.stderr);
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.name", "Test"]);
    git(&["config", "user.email", "test@example.org"]);
    git(&["config", "merge.seedls.name", "seedls: merge annotations"]);
    git(&["config", "merge.seedls.driver", &format!("{BIN} merge-file %O %A %B -L %X -L %S -L %Y --marker-size %L")]);
    std::fs::write(dir.path().join(".gitattributes"), "*.txt merge=seedls\n").unwrap();
    std::fs::write(dir.path().join("001.txt"), format!("{HEADER}{PARAGRAPH}Deuxième paragraphe.\n")).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "article"]);
    dir
}

fn branch(dir: &Path, name: &str, paragraph: &str) {
    let git = |args: &[&str]| {
        let r = run(dir, "git", args);
        assert_eq!(r.code, 0, "git {args:?}: {}", r.stderr);
    };
    git(&["checkout", "-q", "-b", name, "main"]);
    std::fs::write(dir.join("001.txt"), format!("{HEADER}{paragraph}Deuxième paragraphe.\n")).unwrap();
    git(&["commit", "-q", "-am", name]);
}

#[test]
fn git_merges_two_branches_that_tagged_the_same_paragraph() {
    let repo = repository();
    let dir = repo.path();
    branch(dir, "alice", "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à Almaty le 5 janvier.\n");
    branch(dir, "bob", "Tokaïev a limogé [le gouvernement]{gov:kz.gov} à Almaty le 5 janvier.\n");
    let r = run(dir, "git", &["merge", "-q", "--no-edit", "alice"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let want = "[Tokaïev]{person:kz.tokayev} a limogé [le gouvernement]{gov:kz.gov} à Almaty le 5 janvier.\n";
    assert_eq!(read(dir, "001.txt"), format!("{HEADER}{want}Deuxième paragraphe.\n"));
    // Without the driver, git's own line merge conflicts on that paragraph.
    run(dir, "git", &["reset", "-q", "--hard", "ORIG_HEAD"]);
    run(dir, "git", &["config", "--remove-section", "merge.seedls"]);
    let r = run(dir, "git", &["merge", "-q", "--no-edit", "alice"]);
    assert_eq!(r.code, 1, "the line merge should conflict: {}{}", r.stdout, r.stderr);
}

/// git's (major, minor) version.
fn git_version(dir: &Path) -> (u32, u32) {
    let out = run(dir, "git", &["--version"]).stdout;
    let mut numbers = out.split_whitespace().nth(2).unwrap_or("").split('.').map(|n| n.parse().unwrap_or(0));
    (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0))
}

#[test]
fn git_shows_a_real_conflict_with_its_branch_labels() {
    let repo = repository();
    let dir = repo.path();
    branch(dir, "alice", "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à Almaty le 5 janvier.\n");
    branch(dir, "bob", "[Tokaïev]{gov:kz.gov} a limogé le gouvernement à [Almaty]{place:kz.almaty} le 5 janvier.\n");
    let r = run(dir, "git", &["merge", "-q", "--no-edit", "alice"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let text = read(dir, "001.txt");
    let ours = "[Tokaïev]{gov:kz.gov} a limogé le gouvernement à [Almaty]{place:kz.almaty} le 5 janvier.\n";
    let theirs = "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à [Almaty]{place:kz.almaty} le 5 janvier.\n";
    // git 2.44 and later name the branches (`%X`, `%Y`); an older git leaves them unexpanded.
    let (a, b) = if git_version(dir) >= (2, 44) { ("HEAD", "alice") } else { ("ours", "theirs") };
    assert_eq!(text, format!("{HEADER}<<<<<<< {a}\n{ours}=======\n{theirs}>>>>>>> {b}\nDeuxième paragraphe.\n"));
    let status = run(dir, "git", &["status", "--porcelain"]);
    assert_eq!(status.stdout, "UU 001.txt\n");
}

mod properties {
    //! For random annotation edits of one text on two sides: the merge is clean exactly when
    //! no mention was changed two ways, keeps the text, and takes each side's changes.

    use proptest::prelude::*;
    use seedls::curation::merge::{Labels, merge_file};
    use seedls::syntax::annotation::strip;

    const WORDS: &[&str] = &["Tokaïev", "Almaty", "le", "gouvernement", "«ferme»", "😀", "[sic]", "5"];
    const ENTITIES: &[&str] = &["person:kz.tokayev", "place", "gov:kz.gov", "org"];
    const EVENTS: &[&str] = &["protest", "concede", "coerce.arrest"];

    /// A text's lines (each at least two words, so a word's span never equals its line's),
    /// and per line an optional event over the whole line and an optional label per word.
    #[derive(Clone, Debug)]
    struct Labelled {
        words: Vec<Vec<&'static str>>,
        events: Vec<Option<&'static str>>,
        labels: Vec<Vec<Option<&'static str>>>,
    }

    impl Labelled {
        fn render(&self) -> String {
            let mut out = String::from(" date 2022-01\n\n");
            for (i, words) in self.words.iter().enumerate() {
                let tagged: Vec<String> = words
                    .iter()
                    .zip(&self.labels[i])
                    .map(|(w, l)| match l {
                        Some(l) => format!("[{w}]{{{l}}}"),
                        None => w.to_string(),
                    })
                    .collect();
                let line = tagged.join(" ");
                match self.events[i] {
                    Some(e) => out.push_str(&format!("[{line}]{{{e}}}\n")),
                    None => out.push_str(&format!("{line}\n")),
                }
            }
            out
        }

        /// Every mention slot's label: the events, then the words, line by line.
        fn slots(&self) -> Vec<Option<&'static str>> {
            self.events.iter().copied().chain(self.labels.iter().flatten().copied()).collect()
        }

        fn with_slots(&self, slots: &[Option<&'static str>]) -> Labelled {
            let mut out = self.clone();
            let n = self.events.len();
            out.events = slots[..n].to_vec();
            let mut rest = slots[n..].iter();
            for line in &mut out.labels {
                for l in line {
                    *l = *rest.next().unwrap();
                }
            }
            out
        }
    }

    fn label(choices: &'static [&'static str]) -> impl Strategy<Value = Option<&'static str>> {
        prop_oneof![Just(None), prop::sample::select(choices).prop_map(Some)]
    }

    fn text() -> impl Strategy<Value = Labelled> {
        prop::collection::vec(prop::collection::vec(prop::sample::select(WORDS), 2..6), 1..4).prop_flat_map(|words| {
            let n = words.len();
            let labels: Vec<_> =
                words.iter().map(|w| prop::collection::vec(label(ENTITIES), w.len()..=w.len())).collect();
            (Just(words), prop::collection::vec(label(EVENTS), n..=n), labels)
                .prop_map(|(words, events, labels)| Labelled { words, events, labels })
        })
    }

    /// A base and two sides, each side changing a random subset of the base's slots.
    fn edits() -> impl Strategy<Value = (Labelled, Labelled, Labelled)> {
        text().prop_flat_map(|base| {
            let slots = base.slots();
            let side = || {
                let slots = slots.clone();
                prop::collection::vec((any::<bool>(), label(ENTITIES), label(EVENTS)), slots.len()..=slots.len())
                    .prop_map(move |changes| {
                        changes
                            .iter()
                            .zip(&slots)
                            .map(
                                |((change, entity, event), old)| if *change { (*entity, *event) } else { (*old, *old) },
                            )
                            .collect::<Vec<_>>()
                    })
            };
            (Just(base), side(), side()).prop_map(|(base, o, t)| {
                let n = base.events.len();
                let pick = |v: &[(Option<&'static str>, Option<&'static str>)]| -> Vec<Option<&'static str>> {
                    v.iter().enumerate().map(|(i, (entity, event))| if i < n { *event } else { *entity }).collect()
                };
                let (o, t) = (base.with_slots(&pick(&o)), base.with_slots(&pick(&t)));
                (base, o, t)
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn clean_exactly_when_no_mention_changed_two_ways((base, ours, theirs) in edits()) {
            let (b, o, t) = (base.slots(), ours.slots(), theirs.slots());
            let two_ways = (0..b.len()).any(|i| o[i] != b[i] && t[i] != b[i] && o[i] != t[i]);
            let merged = merge_file(&base.render(), &ours.render(), &theirs.render(), &Labels::default());
            prop_assert_eq!(merged.conflicts == 0, !two_ways, "{}", merged.text);
            if !two_ways {
                prop_assert_eq!(strip(&merged.text), strip(&base.render()));
                let want: Vec<_> = (0..b.len()).map(|i| if o[i] != b[i] { o[i] } else { t[i] }).collect();
                prop_assert_eq!(merged.text, base.with_slots(&want).render());
            }
        }

        #[test]
        fn merging_a_side_with_itself_or_the_base_gives_that_side((base, ours, _theirs) in edits()) {
            let (b, o) = (base.render(), ours.render());
            let labels = Labels::default();
            prop_assert_eq!(merge_file(&b, &o, &o, &labels), seedls::curation::merge::Merged { text: o.clone(), conflicts: 0 });
            prop_assert_eq!(merge_file(&b, &o, &b, &labels).text, o.clone());
            prop_assert_eq!(merge_file(&b, &b, &o, &labels).text, o);
        }
    }
}

#[test]
fn check_reports_an_open_conflict_as_f002_on_the_block() {
    let dir = tempfile::tempdir().unwrap();
    let ours = "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à Almaty le 5 janvier.\n";
    let theirs = "[Tokaïev]{gov:kz.gov} a limogé le gouvernement à Almaty le 5 janvier.\n";
    three(dir.path(), PARAGRAPH, ours, theirs);
    let r = run(dir.path(), BIN, &["merge-file", "base.txt", "ours.txt", "theirs.txt"]);
    assert_eq!(r.code, 1);
    let r = run(dir.path(), BIN, &["check", "ours.txt", "--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    let d = &lines[0];
    assert_eq!((d["code"].as_str(), d["severity"].as_str()), (Some("F002"), Some("error")));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64(), d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(5), Some(1), Some(10), Some(1))
    );
    assert_eq!(
        d["message"],
        "unresolved merge conflict between «ours» and «theirs»: keep one side, or edit the block and remove its markers"
    );
}

#[test]
fn merge_adjudicates_annotators_folders_with_one_side_each_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let copies = [
        (
            "alice",
            "[Tokaïev]{person:kz.tokayev} a limogé [le gouvernement]{gov} à Almaty le 5 janvier.\n",
            "[Un]{org} deux.\n",
        ),
        (
            "bob",
            "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à [Almaty]{place} le 5 janvier.\n",
            "[Un]{gov} deux.\n",
        ),
        ("carol", "[Tokaïev]{gov:kz.gov} a limogé [le gouvernement]{gov} à Almaty le 5 janvier.\n", "Un deux.\n"),
    ];
    for (who, a, b) in copies {
        std::fs::create_dir_all(p.join(who).join("2022")).unwrap();
        std::fs::write(p.join(who).join("2022/001.txt"), format!("{HEADER}{a}")).unwrap();
        std::fs::write(p.join(who).join("002.txt"), format!("{HEADER}{b}")).unwrap();
    }
    let r = run(p, BIN, &["merge", "alice", "bob", "carol", "-o", "out"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "seedls merge: 1 conflict left to the curator in out\n");
    // Majority: Tokaïev person (2 of 3), le gouvernement gov (2 of 3), Almaty untagged (2 of 3).
    let settled = "[Tokaïev]{person:kz.tokayev} a limogé [le gouvernement]{gov} à Almaty le 5 janvier.\n";
    assert_eq!(read(p, "out/2022/001.txt"), format!("{HEADER}{settled}"));
    // «Un»: org, gov and untagged, one vote each: the curator's, one side per annotator.
    let want = "<<<<<<< alice\n[Un]{org} deux.\n======= bob\n[Un]{gov} deux.\n======= carol\nUn deux.\n>>>>>>> carol\n";
    assert_eq!(read(p, "out/002.txt"), format!("{HEADER}{want}"));
    // The curator sees it as F002, with a fix per annotator.
    let r = run(p, BIN, &["check", "out/002.txt", "--format", "json"]);
    assert!(
        r.stdout.contains("\"code\":\"F002\"") && r.stdout.contains("«alice» and «bob» and «carol»"),
        "{}",
        r.stdout
    );
    // All: only what everyone agrees on is merged; and the output is never overwritten silently.
    let r = run(p, BIN, &["merge", "alice", "bob", "carol", "-o", "out", "--strategy", "all"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists (use --force to overwrite)"), "{}", r.stderr);
    let r = run(
        p,
        BIN,
        &["merge", "alice", "carol", "-o", "out", "--strategy", "threshold", "--min-votes", "2", "--force"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(read(p, "out/002.txt"), format!("{HEADER}Un deux.\n"));
    let r = run(p, BIN, &["merge", "alice", "bob", "-o", "out", "--min-share", "2", "--force"]);
    assert_eq!((r.code, r.stderr.as_str()), (2, "error: --min-share 2 is not between 0 and 1\n"));
}
