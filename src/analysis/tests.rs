//! An open document's checks kept between runs, against a corpus that never saw it.

use std::path::Path;

use super::*;
use crate::syntax::header::Date;
use crate::text::LineIndex;

const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

enum Step {
    /// A change to the open document: the first `find` after `after` becomes `with`;
    /// checked at once or left pending with the next one.
    Doc {
        after: &'static str,
        find: &'static str,
        with: &'static str,
        check: bool,
    },
    Other(&'static str),
    Registry(&'static str),
}

/// An open document's checks are kept between runs and redone only where something
/// changed: its lines, the types of ids its roles name (taken from tags, here or in another
/// file), the registry. Every run must give what a corpus that never saw the document
/// before gives; only a registry change has everything checked again.
#[test]
fn an_open_documents_checks_follow_its_changes_and_the_corpus() {
    let (doc, other, registry) = (Path::new("/ws/b.txt"), Path::new("/ws/a.txt"), Path::new("/ws/entities.tsv"));
    let mut texts = vec![
        (other, " date 2022-01\n\n[C]{gov:kz.c}\n".to_string()),
        (registry, "id\ttype\tname\taliases\nkz.a\tperson\tAsset\tAa\n".to_string()),
        (
            doc,
            " date 2022-01 https://example.org/a\n\nUn titre\n\n\
             [D]{person:kz.d} arrive.\n\
             [[Aa]{person:kz.a} reçoit D]{consult actor=kz.c recipient=kz.d}.\n\
             Aa est là.\n\nUn\nDeux\nTrois\nQuatre\nCinq\nSix\nSept\n\
             Fin [E]{person:kz.e} ici.\n"
                .to_string(),
        ),
    ];
    let fresh = |texts: &[(&Path, String)]| {
        let mut corpus = Corpus::new(Vec::new(), TODAY);
        for (path, text) in texts {
            corpus.set_text(path, text.as_bytes());
        }
        corpus
    };
    let mut corpus = fresh(&texts);
    let caches = Caches::default();
    corpus.keep_line_memo(doc, true);
    corpus.set_document(doc, &texts[2].1, &LineIndex::new(&texts[2].1), None);
    file_diagnostics(&corpus, &caches, corpus.file_id(doc).unwrap(), Some(&texts[2].1));
    let whole_runs = |corpus: &Corpus| caches.doc(corpus, corpus.file_id(doc).unwrap()).lock().unwrap().whole_runs;
    assert_eq!(whole_runs(&corpus), 1);
    let mut changed: Option<Changed> = None;
    let steps = [
        // A name far below the top: a hint of its own, and "tag all 2" on the other one.
        Step::Doc { after: "Six", find: "", with: " Aa", check: true },
        // kz.c's first tag, in another file, turns it into a place: no actor any more.
        Step::Other(" date 2022-01\n\n[C]{place:kz.c}\n"),
        // kz.d's only tag, in the document, on another line than the role naming it: a
        // place cannot be a recipient.
        Step::Doc { after: "[D]{", find: "person", with: "place", check: true },
        // Two changes before one run: an id not in the registry, a name untagged.
        Step::Doc { after: "[E]{person:", find: "kz.e", with: "kz.ab", check: false },
        Step::Doc { after: "Un", find: "", with: " Asset", check: true },
        Step::Registry("id\ttype\tname\taliases\nkz.a\tperson\tAsset\tAa\nkz.ab\tgov\tAb\t\n"),
        Step::Doc { after: "Aa est là.\n", find: "\n", with: "", check: true },
        Step::Doc { after: "", find: "Aa est", with: "[Aa]{person:kz.a} est", check: true },
    ];
    for step in steps {
        let whole = matches!(step, Step::Registry(_));
        let check = match step {
            Step::Doc { after, find, with, check } => {
                let text = &mut texts[2].1;
                let at = text.find(&format!("{after}{find}")).unwrap() + after.len();
                text.replace_range(at..at + find.len(), with);
                let step = Changed::new(TextRange::from_usize(at..at + find.len()), with.len() as u32);
                changed = Some(changed.map_or(step, |c| c.then(step)));
                corpus.set_document(doc, text, &LineIndex::new(text), changed.take());
                check
            }
            Step::Other(text) | Step::Registry(text) => {
                let i = if matches!(step, Step::Other(_)) { 0 } else { 1 };
                texts[i].1 = text.to_string();
                corpus.set_text(texts[i].0, text.as_bytes());
                true
            }
        };
        if check {
            let expected = fresh(&texts);
            let text = Some(texts[2].1.as_str());
            let before = whole_runs(&corpus);
            let got = file_diagnostics(&corpus, &caches, corpus.file_id(doc).unwrap(), text);
            let want = file_diagnostics(&expected, &Caches::default(), expected.file_id(doc).unwrap(), text);
            assert_eq!(got, want, "{}", texts[2].1);
            assert_eq!(whole_runs(&corpus), before + u32::from(whole), "checked everything again: {whole}");
        }
    }
    // The hints and the role checks the steps were about are there.
    let text = &texts[2].1;
    let codes: Vec<Code> =
        file_diagnostics(&corpus, &caches, corpus.file_id(doc).unwrap(), Some(text)).iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::A011) && codes.iter().filter(|&&c| c == Code::A008).count() == 2, "{codes:?}");
}

/// Two caches over one corpus (a throwaway one, say) each see every change: one does not
/// take the changes the other has not seen.
#[test]
fn caches_taking_turns_each_see_every_change() {
    let (doc, registry) = (Path::new("/ws/a.txt"), Path::new("/ws/entities.tsv"));
    let mut text = " date 2022-01\n\n[A]{person:kz.a} un.\n\n[B]{person:kz.b} deux.\n".to_string();
    let mut corpus = Corpus::new(Vec::new(), TODAY);
    corpus.set_text(registry, b"id\ttype\tname\taliases\nkz.a\tperson\tAnne\t\nkz.b\tperson\tBen\t\n");
    corpus.keep_line_memo(doc, true);
    corpus.set_document(doc, &text, &LineIndex::new(&text), None);
    let file = corpus.file_id(doc).unwrap();
    let (one, two) = (Caches::default(), Caches::default());
    let run = |corpus: &Corpus, caches: &Caches, text: &str| file_diagnostics(corpus, caches, file, Some(text));
    run(&corpus, &one, &text);
    run(&corpus, &two, &text);
    // Ids of the same length: the texts' and the mentions' lengths tell nothing.
    for (caches, (from, to)) in [(&one, ("kz.a", "kz.q")), (&two, ("kz.b", "kz.r"))] {
        let at = text.find(from).unwrap();
        text.replace_range(at..at + from.len(), to);
        let changed = Changed::new(TextRange::from_usize(at..at + from.len()), to.len() as u32);
        corpus.set_document(doc, &text, &LineIndex::new(&text), Some(changed));
        let unknown = run(&corpus, caches, &text).iter().filter(|d| d.code == Code::A005).count();
        assert_eq!(unknown, if to == "kz.q" { 1 } else { 2 }, "{text}");
    }
}

/// The diagnostics of `b.txt` as the server shows them: the analysis's, with the A012 hints of
/// a tally learned from every file (tags, registry, untagged occurrences) in place of A011.
#[test]
fn a012_from_a_tally_replaces_a011() {
    use crate::corpus::Corpus;
    use crate::learn::*;
    use crate::syntax::parse_seed;
    use crate::syntax::registry::parse_registry;
    let registry = "id\ttype\tname\taliases\tdescription\nkz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\t\nkz.almaty\tplace\tAlmaty\t\t\n";
    let a = " date 2022-01-05 https://example.org/a\n\nA\n\n[Tokaïev]{person:kz.tokayev} et [Tokaïev]{person:kz.tokayev}.\n";
    let b = " date 2022-01-06 https://example.org/b\n\nB\n\nTokaïev est à Almaty, Akorda.\n";
    let root = std::path::PathBuf::from("/corpus");
    let mut corpus = Corpus::new(vec![root.clone()], TODAY);
    corpus.set_text(&root.join("entities.tsv"), registry.as_bytes());
    let ids: Vec<u32> = [("a.txt", a), ("b.txt", b)]
        .iter()
        .map(|(p, t)| corpus.set_text(&root.join(p), t.as_bytes()).unwrap().0)
        .collect();
    let schema = corpus.schema().clone();
    let mut tally = Tally::default();
    tally.set_tagged(99, &registry_observations(&parse_registry(registry).0));
    for (id, text) in ids.iter().zip([a, b]) {
        tally.set_tagged(*id, &tagged(text, &parse_seed(text, TODAY), &schema));
    }
    let gazetteer = tally.gazetteer();
    tally.set_untagged(99, &gazetteer, &[]);
    for (id, text) in ids.iter().zip([a, b]) {
        let found = gazetteer.untagged(text, &Cover::of(text, &parse_seed(text, TODAY), &schema));
        tally.set_untagged(*id, &gazetteer, &found);
    }
    assert!(tally.complete());
    let gazetteer = tally.gazetteer();
    let file = crate::corpus::FileId(ids[1]);
    let mut found = file_diagnostics(&corpus, &Caches::default(), file, Some(b));
    let before: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert!(before.contains(&"A011"), "{before:?}");
    let cover = Cover::of(b, &parse_seed(b, TODAY), &schema);
    // At 0.6, «Almaty» (1 of 2) is not suggested: its A011 stays.
    let thresholds = Thresholds { min_score: 0.6, ..Thresholds::default() };
    let learned = gazetteer.suggest(b, &cover, thresholds, |_, _, _| false);
    with_hints(&mut found, learned.iter().map(|s| diagnostic(b, s)).collect());
    let shown: String =
        found.iter().map(|d| format!("{} «{}» {}\n", d.code.as_str(), &b[d.range], d.message)).collect();
    expect_test::expect![[r#"
        A012 «Tokaïev» tag as person kz.tokayev: 3 of 4 tagged «Tokaïev»
        A011 «Almaty» untagged «Almaty» is a registered name of `kz.almaty` (place)
    "#]]
    .assert_eq(&shown);
}
