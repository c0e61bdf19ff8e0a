//! The id pass against the full index: the same occurrences for any seed text, the same
//! references on a generated corpus, the same files as discovery.

#[path = "../benches/support/corpus_gen.rs"]
#[allow(dead_code)]
mod corpus_gen;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use seedls::corpus::{Corpus, OccurrenceKind, discover};
use seedls::idpass::{IdPass, scan, scan_seed};
use seedls::syntax::header::Date;
use seedls::text::{Encoding, LineIndex};

const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

type Row = (String, OccurrenceKind, u32, u32, Option<String>);

/// The occurrences the full index holds for one seed text, as (id, kind, range, type).
fn full_occurrences(text: &[u8]) -> Vec<Row> {
    let mut corpus = Corpus::new(vec![PathBuf::from("/corpus")], TODAY);
    let Some(file) = corpus.set_text(Path::new("/corpus/a.txt"), text) else { return Vec::new() };
    let mut out: Vec<Row> = corpus
        .ids()
        .flat_map(|(id, occs)| occs.iter().filter(move |o| o.file == file).map(move |o| (id, o)))
        .map(|(id, o)| {
            let ty = o.ty.map(|t| corpus.resolve(t).to_string());
            (corpus.resolve(id).to_string(), o.kind(), o.start, corpus.range(id, o).end, ty)
        })
        .collect();
    out.sort_by_key(|r| r.2);
    out
}

fn scanned(text: &str) -> Vec<Row> {
    scan(text)
        .into_iter()
        .map(|f| (text[f.id].to_string(), f.kind, f.id.start, f.id.end, f.ty.map(|t| text[t].to_string())))
        .collect()
}

/// A tag's content: well formed most of the time, with every way of breaking it.
fn tag() -> impl Strategy<Value = String> {
    let pick = |v: &'static [&'static str]| prop::sample::select(v);
    (
        pick(&["", "", "", " ", "\t", "  "]),
        pick(&["person", "person", "protest", "org", "Person", "", "p-1", "é"]),
        pick(&["", "", "", ".riot", ".", ".Bad", ".a.b"]),
        pick(&["", ":kz.a", ":kz.b", ":kz.a", ":2022-01", ":", ":é", ":a:b", ":a=b", ":kz.c"]),
        prop::collection::vec(
            (
                pick(&[" actor=", " where=", " when=", "  recipient=", "\tactor=", " =", " x", " Actor=", " a=b="]),
                pick(&["kz.a", "kz.b", "kz.a,kz.b", "2022-01", "2022", "2022-01-05", "", "kz.c,", "kz.a,2022", "é"]),
            ),
            0..3,
        ),
        pick(&["", "", "", " ", "\t"]),
    )
        .prop_map(|(lead, ty, mode, id, args, trail)| {
            let args: String = args.into_iter().map(|(r, v)| format!("{r}{v}")).collect();
            format!("{lead}{ty}{mode}{id}{args}{trail}")
        })
}

/// Seed text: a header, prose with accents, ’, «», emoji, plain and escaped brackets, stray
/// braces, CRLF and empty lines, and mentions, nested or broken.
fn seed_text() -> impl Strategy<Value = String> {
    const WORDS: &[&str] = &[
        "Été ", "l’", "«", "»", "😀", " ", " ", "\n", "\r\n", "\n\n", "\r", "\\[", "\\]", "\\{", "\\}", "\\", "[", "]",
        "]{", "}", "{", "[sic]", "=", ":", "kz.a", ".", "é", "a",
    ];
    let prose = prop::collection::vec(prop::sample::select(WORDS), 0..4).prop_map(|v| v.concat());
    let text = prose.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            (inner.clone(), tag()).prop_map(|(surface, tag)| format!("[{surface}]{{{tag}}}")),
            (inner, tag()).prop_map(|(surface, tag)| format!("[{surface}]{{{tag}")),
        ]
    });
    let header = prop::sample::select(
        &[" date 2022-01 https://example.org/a\n", "date 2022-01-05 [Légende]{person:kz.a} ", "\u{feff}", ""][..],
    );
    (header, prop::collection::vec(text, 0..8)).prop_map(|(h, v)| format!("{h}{}", v.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_scan_finds_the_full_summarys_occurrences(text in seed_text()) {
        prop_assert_eq!(scanned(&text), full_occurrences(text.as_bytes()));
    }

    #[test]
    fn the_scan_agrees_on_arbitrary_text(text in any::<String>()) {
        prop_assert_eq!(scanned(&text), full_occurrences(text.as_bytes()));
    }

    #[test]
    fn positions_are_the_line_index_ones(text in seed_text()) {
        let file = scan_seed(&text);
        let index = LineIndex::new(&text);
        prop_assert_eq!(file.occurrences.len(), scan(&text).len());
        for o in &file.occurrences {
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Char] {
                prop_assert_eq!(o.start(enc), index.line_col(o.range.start, enc));
                prop_assert_eq!(o.end(enc), index.line_col(o.range.end, enc));
            }
        }
    }
}

#[test]
fn invalid_utf8_has_no_occurrences_in_either() {
    let text = b"[A]{person:kz.a} \xE9t\xE9\n";
    assert!(full_occurrences(text).is_empty());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    std::fs::write(dir.path().join("b.txt"), "[A]{person:kz.a}").unwrap();
    let pass = IdPass::run(&[dir.path().to_path_buf()]);
    let files: Vec<usize> = pass.files.iter().map(|f| f.occurrences.len()).collect();
    assert_eq!(files, [0, 1]);
}

/// (path, range, kind) of an id's references, from the id pass and from the full index.
type Refs = Vec<(PathBuf, u32, u32, OccurrenceKind)>;

fn full_refs(corpus: &Corpus, id: &str, include_declaration: bool) -> Refs {
    let Some(sym) = corpus.sym(id) else { return Vec::new() };
    let mut occs: Vec<_> = corpus
        .occurrences(sym)
        .iter()
        .filter(|o| include_declaration || o.kind() != OccurrenceKind::RegistryRow)
        .collect();
    // Files of a cold load are numbered in path order: this is the references' order.
    occs.sort_by_key(|o| (o.file, o.start));
    occs.iter().map(|o| (corpus.file(o.file).path.clone(), o.start, corpus.range(sym, o).end, o.kind())).collect()
}

fn pass_refs(pass: &IdPass, id: &str, include_declaration: bool) -> Refs {
    pass.references(id, include_declaration)
        .into_iter()
        .map(|(f, o)| {
            assert_eq!(f.id(o), id);
            (f.path.clone(), o.range.start, o.range.end, o.kind)
        })
        .collect()
}

#[test]
fn references_on_a_generated_corpus_are_the_full_indexs() {
    let dir = tempfile::tempdir().unwrap();
    let generated = corpus_gen::generate(dir.path(), 400, 60, 7).unwrap();
    let roots = vec![dir.path().to_path_buf()];
    let pass = IdPass::run(&roots);
    let (corpus, _) = Corpus::load(roots, TODAY, None);
    assert_eq!(pass.paths(), corpus.files().map(|(_, f)| (f.path.clone(), f.kind)).collect::<Vec<_>>());
    let mut ids: Vec<(usize, String)> =
        corpus.ids().map(|(sym, occs)| (occs.len(), corpus.resolve(sym).to_string())).collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    assert!(ids.len() > 20, "the corpus has ids");
    let (near, _) = generated.id_near_10k.unwrap();
    let picked = ids.iter().take(5).chain(ids.iter().rev().take(5)).map(|(_, id)| id.clone()).chain([near]);
    let mut total = 0;
    for id in picked {
        for include in [true, false] {
            let expected = full_refs(&corpus, &id, include);
            total += expected.len();
            assert_eq!(pass_refs(&pass, &id, include), expected, "references of {id}");
        }
    }
    assert!(total > 1000, "the ids compared are used ({total})");
    // And every id by count, mentions, roles and rows together.
    for (n, id) in &ids {
        assert_eq!(pass.references(id, true).len(), *n, "occurrences of {id}");
    }
    assert!(pass.references("no.such.id", true).is_empty());
}

#[test]
fn the_id_pass_sees_exactly_the_files_discovery_lists() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("a.txt", "[A]{person:kz.a}");
    write("sub/b.txt", "[B]{person:kz.a}");
    write("sub/deep/c.txt", "[C]{person:kz.a}");
    write("ignored/d.txt", "[D]{person:kz.a}");
    write(".hidden/e.txt", "[E]{person:kz.a}");
    write(".f.txt", "[F]{person:kz.a}");
    write("drafts/g.txt", "[G]{person:kz.a}");
    write("other/h.txt", "[H]{person:kz.a}");
    write("notes.md", "[I]{person:kz.a}");
    write("entities.tsv", "id\ttype\tname\nkz.a\tperson\tA\n");
    write("sub/schema.tsv", "");
    write(".gitignore", "ignored/\n");
    write(".seedls.json", r#"{"include": ["*.txt", "sub/**", "drafts/*"], "exclude": ["drafts/**"]}"#);
    // Two roots, one inside the other: files under both are listed once.
    let roots = vec![root.clone(), root.join("sub")];
    let (listed, _) = discover(&roots);
    let pass = IdPass::run(&roots);
    assert_eq!(pass.paths(), listed);
    let names: Vec<String> = listed.iter().map(|(p, _)| p.strip_prefix(&root).unwrap().display().to_string()).collect();
    assert_eq!(names, ["a.txt", "entities.tsv", "sub/b.txt", "sub/deep/c.txt", "sub/schema.tsv"]);
    let refs: Vec<PathBuf> = pass.references("kz.a", true).into_iter().map(|(f, _)| f.path.clone()).collect();
    assert_eq!(refs.len(), 4);
    assert_eq!(pass.file(&root.join("sub/b.txt")).map(|f| f.occurrences.len()), Some(1));
    assert!(pass.file(&root.join("other/h.txt")).is_none());
}
