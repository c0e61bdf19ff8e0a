use crate::text::{Encoding, LineIndex};

use super::*;

/// A corpus of 100,000 articles has three million: what an occurrence costs counts.
#[test]
fn an_occurrence_is_16_bytes() {
    assert_eq!(std::mem::size_of::<Occurrence>(), 16);
}

#[test]
fn files_compare_by_path_also_when_added_after_the_load() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["b.txt", "d/a.txt", "d-x.txt"] {
        std::fs::create_dir_all(dir.path().join(name).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(name), " date 2022-01\n\nx\n").unwrap();
    }
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let (mut corpus, _) = Corpus::load(vec![dir.path().to_path_buf()], today, None);
    for name in ["c.txt", "a.txt", "d/0.txt"] {
        corpus.set_text(&dir.path().join(name), b" date 2022-01\n\nx\n");
    }
    let mut files: Vec<FileId> = corpus.files().map(|(id, _)| id).collect();
    files.sort_by(|&a, &b| corpus.path_cmp(a, b));
    let names: Vec<_> = files.iter().map(|&f| corpus.file(f).path.strip_prefix(dir.path()).unwrap()).collect();
    let want = ["a.txt", "b.txt", "c.txt", "d/0.txt", "d/a.txt", "d-x.txt"];
    assert_eq!(names, want.map(Path::new));
}

#[test]
fn paths_sort_as_path_orders_them() {
    let paths = [
        "a",
        "a/b",
        "a-b",
        "a.b",
        "a/b/c",
        "a/bc",
        "a/b-c",
        "a/b.txt",
        "ab",
        "A",
        "é/x",
        "e/x",
        "/r/a",
        "/r/a b/c",
        "/r/a/b",
        "/r/a!/b",
        "",
        "000/00001_x.txt",
        "000/0001_x.txt",
        "00/1.txt",
        "0/1.txt",
    ];
    for a in paths {
        for b in paths {
            assert_eq!(path_order(Path::new(a), Path::new(b)), Path::new(a).cmp(Path::new(b)), "{a:?} {b:?}");
        }
    }
}

/// Files nobody edits keep their mentions and diagnostics packed; a document being edited
/// has lists (a change splices them), packed again once it is closed and read from disk.
#[test]
fn only_edited_documents_keep_their_mentions_and_diagnostics_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    let text = " date 2022-01\n\n[A]{person:kz.a} [[B]{person:kz.b} x]{event:ev1 agent=kz.a} la fin.Puis\n";
    std::fs::write(&path, text).unwrap();
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let (mut corpus, _) = Corpus::load(vec![dir.path().to_path_buf()], today, None);
    let mentions = |c: &Corpus| c.file(c.file_id(&path).unwrap()).seed().unwrap().mentions.clone();
    let loaded = mentions(&corpus);
    assert!(matches!(loaded, Mentions::Packed(_)));
    assert_eq!(loaded.len(), 3);
    let diagnostics = |c: &Corpus| c.file(c.file_id(&path).unwrap()).syntax_diagnostics.clone();
    let glued = diagnostics(&corpus);
    assert!(matches!(glued, Diagnostics::Packed(_)));
    assert!(glued.get().iter().any(|d| d.code == crate::diagnostic::Code::T001));

    corpus.keep_line_memo(&path, true);
    corpus.set_document(&path, text, &LineIndex::new(text), None);
    let open = mentions(&corpus);
    assert!(matches!(open, Mentions::List(_)));
    assert_eq!(open, loaded, "the same mentions, packed or not");
    assert!(matches!(diagnostics(&corpus), Diagnostics::List(_)));
    assert_eq!(diagnostics(&corpus), glued);
    assert_eq!(open.get().iter().map(|m| m.args.len()).sum::<usize>(), 1, "the event's role");

    corpus.keep_line_memo(&path, false);
    corpus.set_text(&path, text.as_bytes());
    assert!(matches!(mentions(&corpus), Mentions::Packed(_)));
    assert_eq!(mentions(&corpus), loaded);
    assert!(matches!(diagnostics(&corpus), Diagnostics::Packed(_)));
}

/// The usage cache follows every change to a file holding the id, and only those.
#[test]
fn warming_computes_the_usage_of_the_most_used_ids_only() {
    let dir = tempfile::tempdir().unwrap();
    let popular = "[A]{person:kz.a} ".repeat(20);
    std::fs::write(dir.path().join("a.txt"), format!(" date 2022-01\n\n{popular}[B]{{person:kz.b}}\n")).unwrap();
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let (corpus, _) = Corpus::load(vec![dir.path().to_path_buf()], today, None);
    let (a, b) = (corpus.sym("kz.a").unwrap(), corpus.sym("kz.b").unwrap());
    assert!(!corpus.has_usage(a));
    corpus.warm(20);
    assert!(corpus.has_usage(a) && !corpus.has_usage(b));
    assert_eq!(corpus.usage(a).mentions, 20);
}

#[test]
fn opening_a_lean_file_keeps_the_usage_of_its_ids_until_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    let text = " date 2022-01\n\nÉté [A]{person:kz.a}, [B]{person:kz.b}.\n";
    std::fs::write(&path, text).unwrap();
    std::fs::write(dir.path().join("b.txt"), " date 2022-02\n\n[A]{person:kz.a}\n").unwrap();
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let roots = vec![dir.path().to_path_buf()];
    let (paths, errors) = discover(&roots);
    let keep = Keep::Index(Encoding::Utf16);
    let mut corpus = Corpus::new(roots, today).keeping(keep).load_discovered(paths, errors, None).0;
    let (a, b) = (corpus.sym("kz.a").unwrap(), corpus.sym("kz.b").unwrap());
    corpus.warm(1);
    assert!(corpus.file(corpus.file_id(&path).unwrap()).is_lean());
    // Opened: the same uses, now without places (the document keeps its line index).
    corpus.keep_line_memo(&path, true);
    let file = corpus.set_document(&path, text, &LineIndex::new(text), None).unwrap();
    assert!(!corpus.file(file).is_lean());
    assert!(corpus.has_usage(a) && corpus.has_usage(b), "a place is not a use");
    let edited = text.replace("[B]{person:kz.b}", "B");
    corpus.set_document(&path, &edited, &LineIndex::new(&edited), None);
    assert!(corpus.has_usage(a) && !corpus.has_usage(b));
}

#[test]
fn usage_is_recomputed_when_a_file_holding_the_id_changes() {
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let mut corpus = Corpus::new(Vec::new(), today);
    let (a, b, c) = (Path::new("/ws/a.txt"), Path::new("/ws/b.txt"), Path::new("/ws/c.txt"));
    corpus.set_text(a, " date 2022-02\n\n[X]{person:kz.x} [Y]{person:kz.y}\n".as_bytes());
    corpus.set_text(b, " date 2022-01\n\n[X]{person:kz.x}\n".as_bytes());
    let x = corpus.sym("kz.x").unwrap();
    let first = |c: &Corpus| c.usage(x).first.map(|o| c.file(o.file).path.clone());
    assert_eq!((corpus.usage(x).mentions, corpus.usage(x).files), (2, 2));
    assert_eq!(first(&corpus).as_deref(), Some(b), "the earlier article introduced it");
    // A third file, then an edit that moves b's date after a's: both change the answer.
    corpus.set_text(c, " date 2021-12\n\n[[X]{person:kz.x} a parlé]{support actor=kz.x}\n".as_bytes());
    assert_eq!((corpus.usage(x).mentions, corpus.usage(x).roles, corpus.usage(x).files), (3, 1, 3));
    assert_eq!(first(&corpus).as_deref(), Some(c));
    corpus.remove(c);
    assert_eq!(first(&corpus).as_deref(), Some(b));
    // A new date of the same length moves no occurrence, but it reorders the articles.
    corpus.set_text(b, " date 2022-03\n\n[X]{person:kz.x}\n".as_bytes());
    assert_eq!(first(&corpus).as_deref(), Some(a));
    assert_eq!(corpus.usage(x).first_files.iter().map(|&f| corpus.file(f).path.as_path()).collect::<Vec<_>>(), [a, b]);
}

#[test]
fn files_are_found_by_path_and_url_after_changes_and_removals() {
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let mut corpus = Corpus::new(Vec::new(), today);
    let seed = |url: &str| format!(" date 2022-01 {url}\n\nTexte.\n").into_bytes();
    let (u, v) = ("https://example.org/same", "https://example.org/other");
    // Enough files for both tables to grow (they hash their entries through the files);
    // the URL spelled the ways it is compared without.
    let spellings = [u, "http://www.example.org/same/", "https://www.example.org/same"];
    let paths: Vec<PathBuf> = (0..40).map(|i| PathBuf::from(format!("/ws/{i:02}.txt"))).collect();
    let ids: Vec<FileId> =
        paths.iter().enumerate().map(|(i, p)| corpus.set_text(p, &seed(spellings[i % 3])).unwrap()).collect();
    let (a, b) = (paths[3].as_path(), paths[7].as_path());
    assert_eq!(corpus.files_with_url(u), ids, "every file, sorted by id");
    assert_eq!(corpus.files_with_url("https://www.example.org/same/"), ids);
    assert!(corpus.files_with_url(v).is_empty());

    // A new URL in b's header: listed under it, no longer under the old one.
    assert_eq!(corpus.set_text(b, &seed(v)), Some(ids[7]));
    assert_eq!(corpus.files_with_url(v), [ids[7]]);
    assert!(!corpus.files_with_url(u).contains(&ids[7]));
    assert_eq!(corpus.files_with_url(u).len(), 39);
    // No URL at all, then the old one back.
    corpus.set_text(b, b" date 2022-01\n\nTexte.\n");
    assert!(corpus.files_with_url(v).is_empty());
    corpus.set_text(b, &seed(u));
    assert_eq!(corpus.files_with_url(u), ids);

    // A removed file is found neither by path nor by URL; added again, it is a new file.
    assert_eq!(corpus.remove(a), Some(ids[3]));
    assert_eq!(corpus.file_id(a), None);
    assert_eq!(corpus.remove(a), None);
    assert!(!corpus.files_with_url(u).contains(&ids[3]));
    let again = corpus.set_text(a, &seed(v)).unwrap();
    assert_ne!(again, ids[3]);
    assert_eq!(corpus.file_id(a), Some(again));
    assert_eq!(corpus.files_with_url(v), [again]);
    assert_eq!(corpus.files_with_url(u).len(), 39);
    for (p, &id) in paths.iter().zip(&ids).filter(|(p, _)| p.as_path() != a) {
        assert_eq!(corpus.file_id(p), Some(id));
    }
    assert_eq!(corpus.file_id(Path::new("/ws/none.txt")), None);
}

/// Replaces the first `find` of `text` that follows `after` with `with`, as an editor's
/// change.
fn change(text: &mut String, after: &str, find: &str, with: &str) -> Changed {
    let whole = format!("{after}{find}");
    let at = text.find(&whole).unwrap_or_else(|| panic!("{whole:?} not in {text:?}")) + after.len();
    text.replace_range(at..at + find.len(), with);
    Changed::new(TextRange::from_usize(at..at + find.len()), with.len() as u32)
}

/// Everything the corpus holds of one file: its data, and its occurrences in the index.
fn state(corpus: &Corpus, path: &Path) -> String {
    let id = corpus.file_id(path).unwrap();
    let data = corpus.file(id);
    let mut ids: Vec<(Sym, Vec<Occurrence>)> = corpus
        .ids()
        .map(|(sym, occs)| (sym, occs.iter().filter(|o| o.file == id).copied().collect::<Vec<_>>()))
        .filter(|(_, occs)| !occs.is_empty())
        .collect();
    ids.sort_by_key(|(sym, _)| *sym);
    format!("{:?}\n{:?}\n{:?}\n{ids:?}", data.syntax_diagnostics, data.content, data.line_index)
}

/// Changes below line 1 are spliced into the document's last summary (its line memo is
/// not even consulted); the result must be what parsing the whole text gives, which the
/// same corpus gives when it is not told what changed. Line 1 is parsed whole.
#[test]
fn a_change_spliced_into_a_document_leaves_it_as_a_whole_parse() {
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let mut corpus = Corpus::new(Vec::new(), today);
    let doc = Path::new("/ws/doc.txt");
    corpus.set_text(Path::new("/ws/other.txt"), " date 2022-01\n\n[B]{person:kz.b} [A]{person:kz.a}\n".as_bytes());
    let mut text = " date 2022-01 https://example.org/a\r\n\r\nUn titre assez long\n\nUn titre assez long\n\n\
        [[A]{person:kz.a} parle à [B]{place:kz.b}]{consult actor=kz.a recipient=kz.b}.Puis\n\
        Un\n\nDeux\nTrois\nQuatre\nCinq\nSix\n\
        [Ici [A]{person:kz.a} et [[B]{person:kz.b} là]{protest actor=kz.b}]{consult actor=kz.a}\n\
        [C]{person:kz.c} en fin.Sans saut"
        .to_string();
    corpus.keep_line_memo(doc, true);
    corpus.set_document(doc, &text, &LineIndex::new(&text), None);
    let steps: &[(&str, &str, &str, bool)] = &[
        // In a line far below the top: its mentions change, nested ones after it move.
        ("", "Ici", "Là-bas", true),
        // Lines joined: the nested mentions' parents are one line's now.
        ("Six", "\n", " ", true),
        // A line split in the middle of a nested tag, then put back.
        ("là", "]{protest", "\n]{protest", true),
        ("là", "\n]", "]", true),
        // A whole line with nested mentions goes: every parent index after it moves back.
        ("", "[[A]{person:kz.a} parle à [B]{place:kz.b}]{consult actor=kz.a recipient=kz.b}.Puis\n", "", true),
        // The repeated title (T002) and the title itself, near the top.
        ("Un titre assez long\n\nUn titre assez ", "long", "court", true),
        ("", "Un titre", "Le titre", true),
        ("", "Le titre assez long", "Un titre assez court", true),
        // The end of a text without a final line break, then one added and removed.
        ("Sans saut", "", "\n", true),
        ("saut", "\n", "", true),
        // The blank line before the title goes: the lines T002 reads change.
        ("https://example.org/a\r\n", "\r\n", "", true),
        // Line 1 (the header), and the line break after it.
        ("", "2022-01", "2022-02", false),
        ("https://example.org/a", "\r\n", " ", false),
    ];
    for &(after, find, with, spliced) in steps {
        let changed = change(&mut text, after, find, with);
        let round = corpus.line_memos[doc].lines.round;
        corpus.set_document(doc, &text, &LineIndex::new(&text), Some(changed));
        assert_eq!(corpus.line_memos[doc].lines.round == round, spliced, "{after:?} {find:?} → {with:?}");
        let edited = state(&corpus, doc);
        corpus.set_document(doc, &text, &LineIndex::new(&text), None);
        assert_eq!(edited, state(&corpus, doc), "{after:?} {find:?} → {with:?} in {text:?}");
    }
}

/// A conflict block (F002) spans lines and hides the T002 of its sides' repeated lines: a
/// change far below the top that closes or opens a block still leaves the whole parse's.
#[test]
fn a_conflict_block_closed_far_below_the_top_is_spliced_as_a_whole_parse() {
    let today = Date { year: 2024, month: 6, day: Some(15) };
    let mut corpus = Corpus::new(Vec::new(), today);
    let doc = Path::new("/ws/doc.txt");
    let mut text = " date 2022-01 https://example.org/a\n\n<<<<<<< ours\nUn titre assez long\n=======\n\
        Un titre assez long\nUn\nDeux\nTrois\nQuatre\nCinq\nSix\nSept\nHuit\nFin\n"
        .to_string();
    corpus.keep_line_memo(doc, true);
    corpus.set_document(doc, &text, &LineIndex::new(&text), None);
    let codes = |c: &Corpus| {
        let id = c.file_id(doc).unwrap();
        c.file(id).syntax_diagnostics.get().iter().map(|d| d.code).collect::<Vec<_>>()
    };
    assert_eq!(codes(&corpus), [crate::diagnostic::Code::F002, crate::diagnostic::Code::T002]);
    for (after, find, with) in [("Huit\n", "Fin", ">>>>>>> theirs"), ("Huit\n", ">>>>>>> theirs", "Fin")] {
        let changed = change(&mut text, after, find, with);
        corpus.set_document(doc, &text, &LineIndex::new(&text), Some(changed));
        let edited = state(&corpus, doc);
        let spliced = codes(&corpus);
        corpus.set_document(doc, &text, &LineIndex::new(&text), None);
        assert_eq!(edited, state(&corpus, doc), "{find:?} → {with:?}");
        assert_eq!(
            spliced,
            if find == "Fin" {
                vec![crate::diagnostic::Code::F002]
            } else {
                vec![crate::diagnostic::Code::F002, crate::diagnostic::Code::T002]
            }
        );
    }
}

/// A batch's changes compose into one, whatever their order and overlap.
#[test]
fn changes_compose_into_one() {
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for _ in 0..2000 {
        let old: String = (0..next(12)).map(|_| (b'a' + next(26) as u8) as char).collect();
        let mut text = old.clone();
        let mut composed: Option<Changed> = None;
        for _ in 0..1 + next(4) {
            let start = next(text.len() + 1);
            let end = start + next(text.len() - start + 1);
            let insert: String = (0..next(4)).map(|_| 'X').collect();
            text.replace_range(start..end, &insert);
            let step = Changed::new(TextRange::from_usize(start..end), insert.len() as u32);
            composed = Some(composed.map_or(step, |c| c.then(step)));
        }
        let c = composed.unwrap();
        let (s, o, n) = (c.start as usize, c.old_end as usize, c.new_end as usize);
        assert_eq!(format!("{}{}{}", &old[..s], &text[s..n], &old[o..]), text, "{old:?} → {text:?}: {c:?}");
    }
}

/// `admitted` must say exactly what `discover` says, for every rule of discovery.
#[test]
fn admitted_agrees_with_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, outside) = (dir.path().join("ws"), dir.path().join("outside"));
    let files = [
        "ws/a.txt",
        "ws/entities.tsv",
        "ws/kz.entities.tsv",
        "ws/schema.tsv",
        "ws/notes.md",
        "ws/.hidden.txt",
        "ws/.hid/b.txt",
        "ws/ignored/c.txt",
        "ws/sub/d.txt",
        "ws/sub/e.txt",
        "ws/drafts/x.txt",
        "ws/deep/er/y.txt",
        "outside/f.txt",
        "outside/g.txt",
    ];
    for f in files {
        let path = dir.path().join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, " date 2022-01\n").unwrap();
    }
    std::fs::write(ws.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::write(ws.join("sub/.ignore"), "d.txt\n").unwrap();
    std::fs::write(ws.join(".seedls.json"), r#"{"exclude": ["drafts/**"]}"#).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, ws.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.join("g.txt"), ws.join("linked.txt")).unwrap();
    }
    let mut candidates: Vec<PathBuf> = files.iter().map(|f| dir.path().join(f)).collect();
    candidates
        .extend(["link/f.txt", "linked.txt", "missing.txt", "../outside/f.txt", "sub/../a.txt"].map(|f| ws.join(f)));
    let roots = vec![ws.clone()];
    let found = admitted(&roots, &candidates);
    let (discovered, errors) = discover(&roots);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found, discovered);
    let rel: Vec<String> = found.iter().map(|(p, _)| p.strip_prefix(&ws).unwrap().display().to_string()).collect();
    assert_eq!(rel, ["a.txt", "deep/er/y.txt", "entities.tsv", "kz.entities.tsv", "schema.tsv", "sub/e.txt"]);

    // Include globs select seed files; an invalid configuration keeps the root out.
    std::fs::write(ws.join(".seedls.json"), r#"{"include": ["sub/**"]}"#).unwrap();
    assert_eq!(admitted(&roots, &candidates), discover(&roots).0);
    std::fs::write(ws.join(".seedls.json"), "{").unwrap();
    assert!(admitted(&roots, &candidates).is_empty());
    // A file as a root admits itself only.
    let file_root = vec![ws.join("a.txt")];
    assert_eq!(admitted(&file_root, &candidates), [(ws.join("a.txt"), FileKind::Seed)]);
}

#[test]
fn a_bad_seedls_json_is_an_error_naming_the_file_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    std::fs::write(root.join("a.txt"), " date 2022-01\n\nx\n").unwrap();
    assert!(matches!(load_config(&root), Ok(None)));

    std::fs::write(root.join(".seedls.json"), "{\n  \"exclude\": [\"a\",]\n}").unwrap();
    let err = load_config(&root).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid(_)), "{err:?}");
    let (found, errors) = discover(std::slice::from_ref(&root));
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, root.join(".seedls.json"));
    assert!(
        errors[0].message.starts_with("invalid .seedls.json: ") && errors[0].message.contains("line 2"),
        "{errors:?}"
    );

    std::fs::write(root.join(".seedls.json"), r#"{"include": ["[a"]}"#).unwrap();
    let (found, errors) = discover(std::slice::from_ref(&root));
    assert!(found.is_empty(), "{found:?}");
    assert!(errors[0].message.starts_with("bad include glob `[a` in .seedls.json: "), "{errors:?}");
}

/// Mentions packed take a third of their size or less.
#[test]
fn a_parsed_file_packs_small() {
    use pack::{Pack, PackedMentions};
    let text = " date 2022-01 https://example.org/a\n\
                [Tokaïev]{person:kz.tokayev} a [rencontré]{event.meet:ev1 agent=kz.tokayev,ru.putin \
                time=2022-01} [[Poutine]{person:ru.putin} à Moscou]{place:ru.moscow}.\n";
    let interner = Interner::with_hasher(rustc_hash::FxBuildHasher);
    let today = crate::syntax::header::Date::today();
    let (summary, _, _) = summarize::summarize_seed(&interner, text, today, None);
    let mentions = summary.mentions.get().into_owned();
    assert_eq!(mentions.len(), 4);
    assert!(mentions.iter().any(|m| m.parent.is_some()), "a nested mention");
    let packed = PackedMentions::pack(&mentions).unwrap();
    assert_eq!(packed.unpack(), mentions);
    let unpacked = std::mem::size_of::<MentionSummary>() * mentions.len();
    assert!(packed.bytes.len() * 3 < unpacked, "{} packed bytes for {unpacked}", packed.bytes.len());
}
