use expect_test::{Expect, expect};

use super::*;
use crate::syntax::header::Date;
use crate::syntax::parse_seed;
use crate::syntax::registry::parse_registry;

const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

/// Learns from `files` (path, text) and a registry, then lists every file's suggestions as
/// `path:line:col «surface» label count/total score`.
fn suggestions(registry: &str, files: &[(&str, &str)], thresholds: Thresholds, rejected: &str) -> String {
    let schema = Schema::builtin();
    let parses: Vec<SeedFile> = files.iter().map(|(_, t)| parse_seed(t, TODAY)).collect();
    let mut learner = Learner::default();
    learner.add_registry(&parse_registry(registry).0);
    for ((_, text), parse) in files.iter().zip(&parses) {
        learner.add(tagged(text, parse, &schema));
    }
    let mut gazetteer = learner.gazetteer();
    let covers: Vec<Cover> = files.iter().zip(&parses).map(|((_, t), p)| Cover::of(t, p, &schema)).collect();
    for ((_, text), cover) in files.iter().zip(&covers) {
        let found = gazetteer.untagged(text, cover);
        gazetteer.add_untagged(found);
    }
    let (rejections, errors) = Rejections::parse(rejected);
    assert!(errors.is_empty(), "{errors:?}");
    let mut out = String::new();
    for ((path, text), cover) in files.iter().zip(&covers) {
        let index = crate::text::LineIndex::new(text);
        let line = |r: TextRange| index.line_of(r.start) + 1;
        let rejected = |surface: &str, label: &str, r: TextRange| rejections.rejects(surface, label, path, line(r));
        for s in gazetteer.suggest(text, cover, thresholds, rejected) {
            let lc = index.line_col(s.range.start, crate::text::Encoding::Char);
            out += &format!("{path}:{}:{} {} ({:.2})\n", lc.line + 1, lc.col + 1, message(&text[s.range], &s), s.score);
        }
    }
    out
}

fn check(registry: &str, files: &[(&str, &str)], expect: Expect) {
    expect.assert_eq(&suggestions(registry, files, Thresholds::default(), ""));
}

const REGISTRY: &str =
    "id\ttype\tname\taliases\nkz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\nkz.almaty\tplace\tAlmaty\tAlma-Ata\n";

#[test]
fn tagged_surfaces_and_registry_names_are_suggested_by_relative_frequency() {
    check(
        REGISTRY,
        &[
            (
                "a.txt",
                " date 2022-01\n\n[Tokaïev]{person:kz.tokayev} parle à [Almaty]{place:kz.almaty}. Les [manifestants]{group} crient.\n",
            ),
            (
                "b.txt",
                " date 2022-01\n\nTOKAIEV répond aux manifestants, à Alma-Ata et à Almaty.\nTokaïevs n'est pas un mot.\n",
            ),
            (
                "c.txt",
                " date 2022-01\n\n[Tokaïev]{person:kz.tokayev}, [les manifestants]{group} et des manifestants.\n",
            ),
        ],
        // «Tokaïev»: the alias and two tags, one untagged: 3 of 4. «manifestants»: one tag, two
        // untagged (one in c.txt, past the longer tagged «les manifestants»): 1 of 3, below
        // 0.5. «Alma-Ata»: the alias alone and its untagged use: 1 of 2. «Almaty»: the name, a
        // tag, an untagged use: 2 of 3. No word inside a word (`Tokaïevs`).
        expect![[r#"
            b.txt:3:1 tag as person kz.tokayev: 3 of 4 tagged «TOKAIEV» (0.75)
            b.txt:3:36 tag as place kz.almaty: 1 of 2 tagged «Alma-Ata» (0.50)
            b.txt:3:50 tag as place kz.almaty: 2 of 3 tagged «Almaty» (0.67)
        "#]],
    );
}

#[test]
fn a_tie_at_the_top_gives_nothing_and_rejections_rule_labels_out() {
    let files = [
        ("a.txt", " date 2022-01\n\n[Paris]{place:fr.paris} et [Paris]{person:paris-hilton}.\n"),
        ("b.txt", " date 2022-01\n\nParis, Paris.\n[Astana]{place:kz.astana} et Astana.\n"),
    ];
    expect![[r#"
        b.txt:4:30 tag as place kz.astana: 1 of 2 tagged «Astana» (0.50)
    "#]]
    .assert_eq(&suggestions("", &files, Thresholds::default(), ""));
    // With one label rejected everywhere, the other is best; at one line only, there.
    let rejected = "surface\tlabel\tpath\tline\nparis\tperson:paris-hilton\nAstana\tplace:kz.astana\tb.txt\t4\n";
    expect![[r#"
        b.txt:3:1 tag as place fr.paris: 1 of 4 tagged «Paris» (0.25)
        b.txt:3:8 tag as place fr.paris: 1 of 4 tagged «Paris» (0.25)
    "#]]
    .assert_eq(&suggestions("", &files, Thresholds { min_score: 0.0, min_count: 1 }, rejected));
}

#[test]
fn thresholds_bound_score_and_count() {
    let files = [("a.txt", " date 2022-01\n\n[Astana]{place:kz.astana} et Astana.\n")];
    let at = |min_score, min_count| suggestions("", &files, Thresholds { min_score, min_count }, "");
    assert!(!at(0.5, 2).is_empty());
    assert!(at(0.51, 2).is_empty());
    assert!(at(0.5, 3).is_empty());
}

#[test]
fn events_are_learned_with_their_mode_and_entities_inside_them_still_suggested() {
    check(
        REGISTRY,
        &[
            (
                "a.txt",
                " date 2022-01\n\n[Des milliers de manifestants ont défilé]{protest.demo actor=kz.x} à [Almaty]{place:kz.almaty}.\n",
            ),
            (
                "b.txt",
                " date 2022-01\n\n[Des milliers de manifestants ont défilé]{protest.demo} hier.\nDes milliers de manifestants ont défilé à Almaty.\n[Hier Almaty a voté]{agree}.\n[Hier, des milliers de manifestants ont défilé]{protest}.\n",
            ),
        ],
        // The event's own surface is tagged, so not suggested; an entity inside an event is,
        // an event inside one is not (line 6).
        expect![[r#"
            b.txt:4:1 tag as protest.demo: 2 of 3 tagged «Des milliers de manifestants ont défilé» (0.67)
            b.txt:4:43 tag as place kz.almaty: 2 of 4 tagged «Almaty» (0.50)
            b.txt:5:7 tag as place kz.almaty: 2 of 4 tagged «Almaty» (0.50)
        "#]],
    );
}

#[test]
fn the_header_and_tags_are_never_matched() {
    check(
        "id\ttype\tname\nx.date\tperson\tdate\nx.person\tperson\tperson\n",
        &[("a.txt", " date 2022-01\n\n[date]{person:x.date} [un]{person:x.person} date person\n")],
        // `date` on line 1 and `person` in the tag are not prose; the untagged ones are.
        expect![[r#"
            a.txt:3:45 tag as person x.date: 2 of 3 tagged «date» (0.67)
            a.txt:3:50 tag as person x.person: 1 of 2 tagged «person» (0.50)
        "#]],
    );
}

#[test]
fn surfaces_without_a_letter_or_digit_are_not_entries() {
    let files = [("a.txt", " date 2022-01\n\nUn [«]{person} et [-]{place}: « - « -\n")];
    assert_eq!(suggestions("", &files, Thresholds { min_score: 0.0, min_count: 1 }, ""), "");
}

#[test]
fn event_labels_of_a_selection_rank_the_whole_then_its_words() {
    let schema = Schema::builtin();
    let files = [
        " date 2022-01\n\n[Des manifestants ont défilé]{protest.demo} et [des manifestants ont défilé]{protest.demo}.\n",
        " date 2022-01\n\n[Les manifestants ont pillé]{protest.riot}, [la police a tiré]{assault.firearms}.\n",
        " date 2022-01\n\n[manifestants]{group} [défilé]{protest} [défilé]{protest.demo} [défilé]{protest.demo}\n",
    ];
    let mut learner = Learner::default();
    for text in files {
        learner.add(tagged(text, &parse_seed(text, TODAY), &schema));
    }
    let g = learner.gazetteer();
    let ranked =
        |s: &str| g.event_labels(s).into_iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", ");
    // The whole selection was tagged protest.demo twice; its word `défilé`, three times as
    // events; `manifestants` only as an entity, which is no event label.
    assert_eq!(ranked("des Manifestants ont défilé"), "protest.demo 4, protest 1");
    assert_eq!(ranked("Ils ont défilé hier"), "protest.demo 2, protest 1");
    assert_eq!(ranked("rien de connu"), "");
}
