//! A lean corpus (what the server keeps) against a full one (what the CLI keeps): the same
//! files when read again, the same diagnostics, the same index, and occurrence places that are
//! the line index's positions, before and after files change on disk.

#[path = "../benches/support/corpus_gen.rs"]
#[allow(dead_code)]
mod corpus_gen;

use std::path::{Path, PathBuf};

use seedls::analysis::{Caches, file_diagnostics};
use seedls::corpus::{Corpus, FileId, Keep, Sym, discover};
use seedls::syntax::header::Date;
use seedls::text::{Encoding, LineCol};

const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

fn load(root: &Path, keep: Keep) -> Corpus {
    let roots = vec![root.to_path_buf()];
    let (paths, errors) = discover(&roots);
    Corpus::new(roots, TODAY).keeping(keep).load_discovered(paths, errors, None).0
}

/// Files the generator does not write: astral characters before tags, CRLF, a tab, an id
/// longer than 255 bytes, nested tags, a file that is not UTF-8, a schema.
fn hostile(root: &Path) {
    let long = "x".repeat(300);
    // Places that do not fit in an occurrence: past line 4,095, past column 262,142.
    let mut far = String::from(" date 2022-01-08\n\n");
    for i in 0..5_000 {
        far.push_str(if i % 1_000 == 999 { "é [A]{person:kz.a}\n" } else { "ligne\n" });
    }
    far.push_str(&"à".repeat(140_000));
    far.push_str(" [B]{person:kz.tokayev} [C]{person:kz.a}\n");
    let files: [(&str, &[u8]); 6] = [
        ("h/far.txt", far.leak().as_bytes()),
        (
            "h/astral.txt",
            " date 2022-01-05 https://example.org/astral\r\n\r\n😀😀 «[Tokaïev]{person:kz.tokayev}» \t[x]{person:kz.tokayev}\r\n\
             [[A]{person:kz.a} ’ manif]{protest actor=kz.a,kz.tokayev when=2022-01}\r\n"
                .as_bytes(),
        ),
        ("h/long.txt", format!(" date 2022-01-06\n\n🎉 [long]{{person:{long}}} et [x]{{org:{long}}}\n").leak().as_bytes()),
        ("h/latin1.txt", b" date 2022-01-07\n\nLe pr\xe9sident.\n"),
        ("h/empty.txt", b""),
        ("h/broken.txt", " date 2022-13\n\n[a]{person:kz.a [b]{:}\n".as_bytes()),
    ];
    for (rel, bytes) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn id_of(corpus: &Corpus, path: &Path) -> FileId {
    corpus.file_id(path).unwrap_or_else(|| panic!("{} in the corpus", path.display()))
}

/// Everything a file holds, as text, interned strings resolved (two corpora number them in
/// the order their threads met them).
fn dump(corpus: &Corpus, file: FileId) -> String {
    let data = corpus.full(file);
    let raw = format!("{:?}\n{:?}\n{:?}", data.syntax_diagnostics, data.content, data.line_index());
    let mut out = String::new();
    let mut rest = raw.as_str();
    while let Some(at) = rest.find("Spur(") {
        out.push_str(&rest[..at]);
        let digits = &rest[at + 5..];
        let end = digits.find(')').unwrap();
        let key: usize = digits[..end].parse().unwrap();
        let sym: Sym = lasso::Key::try_from_usize(key - 1).unwrap();
        out.push_str(&format!("{:?}", corpus.resolve(sym)));
        rest = &digits[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Both corpora hold the same files with the same data and diagnostics, and the same index;
/// every occurrence of a lean file is placed where the full one's line index puts it.
fn assert_same(lean: &Corpus, all: &Corpus, enc: Encoding) -> usize {
    let mut placed = 0;
    let paths = |c: &Corpus| {
        let mut paths: Vec<PathBuf> = c.files().map(|(_, f)| f.path.clone()).collect();
        paths.sort();
        paths
    };
    let paths = paths(all);
    assert_eq!(paths, {
        let mut p: Vec<PathBuf> = lean.files().map(|(_, f)| f.path.clone()).collect();
        p.sort();
        p
    });
    for path in &paths {
        let (l, a) = (id_of(lean, path), id_of(all, path));
        assert!(!all.file(a).is_lean());
        assert_eq!(dump(lean, l), dump(all, a), "{}", path.display());
        assert_eq!(
            file_diagnostics(lean, &Caches::default(), l, None),
            file_diagnostics(all, &Caches::default(), a, None),
            "{}",
            path.display()
        );
    }
    let mut ids: Vec<_> = all.ids().map(|(sym, _)| all.resolve(sym).to_string()).collect();
    ids.sort();
    assert_eq!(ids.len(), lean.ids().count());
    for id in &ids {
        let (ls, as_) = (lean.sym(id).unwrap(), all.sym(id).unwrap());
        // Files added since a load come after those of the load: compared in path order.
        let by_path = |c: &Corpus, sym| {
            let mut occs: Vec<_> = c.occurrences(sym).to_vec();
            occs.sort_by_key(|o| (c.file(o.file).path.clone(), o.start));
            occs
        };
        let (lo, ao) = (by_path(lean, ls), by_path(all, as_));
        assert_eq!(lo.len(), ao.len(), "{id}");
        for (l, a) in lo.iter().zip(&ao) {
            let path = &all.file(a.file).path;
            assert_eq!(&lean.file(l.file).path, path);
            let range = all.range(as_, a);
            assert_eq!((lean.range(ls, l), l.kind()), (range, a.kind()), "{id} in {}", path.display());
            assert_eq!(l.ty.map(|t| lean.resolve(t)), a.ty.map(|t| all.resolve(t)));
            let index = all.file(a.file).line_index();
            let expected = (index.line_col(range.start, enc), index.line_col(range.end, enc));
            match lean.place(ls, l) {
                Some(place) => {
                    assert_eq!(place, expected, "{id} in {}", path.display());
                    placed += 1;
                }
                None => assert!(!lean.file(l.file).is_lean(), "a lean file's {id} has no place"),
            }
            assert_eq!(all.place(as_, a), None);
        }
    }
    placed
}

#[test]
fn a_lean_corpus_answers_as_a_full_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    corpus_gen::generate(root, 300, 40, 11).unwrap();
    hostile(root);
    let all = load(root, Keep::All);
    for enc in [Encoding::Utf16, Encoding::Utf8, Encoding::Char] {
        let lean = load(root, Keep::Index(enc));
        let seeds = lean.seeds().count();
        assert!(lean.files().filter(|(_, f)| f.is_lean()).count() >= seeds - 2, "seed files are lean");
        assert!(!lean.file(id_of(&lean, &root.join("entities.tsv"))).is_lean(), "registries keep everything");
        let placed = assert_same(&lean, &all, enc);
        assert!(placed > 5_000, "occurrences compared ({placed})");
    }
    // A place past the ASCII columns differs by encoding: the comparison above saw them.
    let astral = root.join("h/astral.txt");
    let (lean8, lean16) = (load(root, Keep::Index(Encoding::Utf8)), load(root, Keep::Index(Encoding::Utf16)));
    let sym = lean8.sym("kz.tokayev").unwrap();
    let first = |c: &Corpus| {
        let sym = c.sym("kz.tokayev").unwrap();
        let file = id_of(c, &astral);
        let o = c.occurrences(sym).iter().find(|o| o.file == file).copied().unwrap();
        c.place(sym, &o).unwrap().0
    };
    assert_eq!(first(&lean8), LineCol { line: 2, col: 29 });
    assert_eq!(first(&lean16), LineCol { line: 2, col: 23 });
    assert!(lean8.occurrences(sym).len() >= 2);
}

#[test]
fn files_changed_on_disk_leave_a_lean_corpus_as_a_fresh_load() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    corpus_gen::generate(root, 120, 30, 5).unwrap();
    hostile(root);
    let enc = Encoding::Utf16;
    let mut lean = load(root, Keep::Index(enc));
    let mut all = load(root, Keep::All);
    // Read before the change: `full` must not answer from what it read then.
    let astral = root.join("h/astral.txt");
    let before = dump(&lean, id_of(&lean, &astral));
    let changes: [(&str, Option<&str>); 4] = [
        // New ids, fewer and moved occurrences, a removed file, a new one.
        ("h/astral.txt", Some(" date 2022-02-01 https://example.org/new\n\n🎉 [B]{person:kz.new} [A]{person:kz.a}\n")),
        ("h/long.txt", None),
        ("h/added.txt", Some(" date 2022-02-02\n\n[Tokaïev]{person:kz.tokayev} «[C]{org:kz.c}»\n")),
        ("h/broken.txt", Some(" date 2022-01-05\n\nPlus de balises.\n")),
    ];
    for (rel, text) in changes {
        let path = root.join(rel);
        match text {
            Some(text) => {
                std::fs::write(&path, text).unwrap();
                lean.set_text(&path, text.as_bytes());
                all.set_text(&path, text.as_bytes());
            }
            None => {
                std::fs::remove_file(&path).unwrap();
                lean.remove(&path);
                all.remove(&path);
            }
        }
    }
    assert_ne!(dump(&lean, id_of(&lean, &astral)), before);
    assert!(lean.file(id_of(&lean, &astral)).is_lean());
    assert!(lean.sym("kz.new").is_some_and(|s| !lean.occurrences(s).is_empty()));
    assert_same(&lean, &all, enc);
    // And the same as loading the folder as it now is.
    assert_same(&lean, &load(root, Keep::All), enc);
}
