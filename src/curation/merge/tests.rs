use expect_test::{Expect, expect};

use super::*;

const HEAD: &str = " date 2022-01 https://example.org/a\n\nTitre\n\n";

fn check(base: &str, ours: &str, theirs: &str, want: Expect) {
    let body = |s: &str| format!("{HEAD}{s}");
    let merged = merge_file(&body(base), &body(ours), &body(theirs), &Labels::default());
    let text = merged.text.strip_prefix(HEAD).expect("the header is kept");
    want.assert_eq(&format!("conflicts: {}\n{text}", merged.conflicts));
}

#[test]
fn different_words_of_one_paragraph_merge_cleanly() {
    check(
        "Tokaïev a limogé le gouvernement à Almaty.\n",
        "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement à Almaty.\n",
        "Tokaïev a limogé le gouvernement à [Almaty]{place:kz.almaty}.\n",
        expect![[r#"
            conflicts: 0
            [Tokaïev]{person:kz.tokayev} a limogé le gouvernement à [Almaty]{place:kz.almaty}.
        "#]],
    );
}

#[test]
fn the_same_change_on_both_sides_is_taken_once() {
    check(
        "Tokaïev à Almaty.\n",
        "[Tokaïev]{person:kz.tokayev} à Almaty.\n",
        "[Tokaïev]{person:kz.tokayev} à [Almaty]{place}.\n",
        expect![[r#"
            conflicts: 0
            [Tokaïev]{person:kz.tokayev} à [Almaty]{place}.
        "#]],
    );
}

#[test]
fn a_mention_removed_on_one_side_and_tagged_elsewhere_on_the_other() {
    check(
        "[Tokaïev]{person:kz.tokayev} à Almaty.\n",
        "Tokaïev à Almaty.\n",
        "[Tokaïev]{person:kz.tokayev} à [Almaty]{place}.\n",
        expect![[r#"
            conflicts: 0
            Tokaïev à [Almaty]{place}.
        "#]],
    );
}

#[test]
fn two_changes_of_one_mention_conflict_on_its_line_only() {
    check(
        "[Tokaïev]{person} à Almaty.\nDeuxième ligne.\nTroisième.\n",
        "[Tokaïev]{person:kz.tokayev} à Almaty.\nDeuxième [ligne]{place}.\nTroisième.\n",
        "[Tokaïev]{gov:kz.gov} à [Almaty]{place}.\nDeuxième ligne.\n[Troisième]{org}.\n",
        expect![[r#"
            conflicts: 1
            <<<<<<< ours
            [Tokaïev]{person:kz.tokayev} à [Almaty]{place}.
            =======
            [Tokaïev]{gov:kz.gov} à [Almaty]{place}.
            >>>>>>> theirs
            Deuxième [ligne]{place}.
            [Troisième]{org}.
        "#]],
    );
}

#[test]
fn a_removed_mention_changed_on_the_other_side_conflicts() {
    check(
        "[Tokaïev]{person} parle.\n",
        "Tokaïev parle.\n",
        "[Tokaïev]{person:kz.tokayev} parle.\n",
        expect![[r#"
            conflicts: 1
            <<<<<<< ours
            Tokaïev parle.
            =======
            [Tokaïev]{person:kz.tokayev} parle.
            >>>>>>> theirs
        "#]],
    );
}

#[test]
fn new_mentions_that_cross_conflict_and_those_that_nest_merge() {
    check(
        "le président du Kazakhstan parle.\n",
        "le [président du Kazakhstan]{person:kz.tokayev} parle.\n",
        "le président du [Kazakhstan parle]{place}.\n",
        expect![[r#"
            conflicts: 1
            <<<<<<< ours
            le [président du Kazakhstan]{person:kz.tokayev} parle.
            =======
            le président du [Kazakhstan parle]{place}.
            >>>>>>> theirs
        "#]],
    );
    check(
        "le président du Kazakhstan parle.\n",
        "le [président du Kazakhstan]{person:kz.tokayev} parle.\n",
        "le président du [Kazakhstan]{place:kz} parle.\n",
        expect![[r#"
            conflicts: 0
            le [président du [Kazakhstan]{place:kz}]{person:kz.tokayev} parle.
        "#]],
    );
}

#[test]
fn roles_added_on_each_side_merge_as_parts_of_their_mention() {
    check(
        "[Tokaïev a limogé [le gouvernement]{gov:kz.gov}]{concede}.\n",
        "[Tokaïev a limogé [le gouvernement]{gov:kz.gov}]{concede actor=kz.tokayev}.\n",
        "[Tokaïev a limogé [le gouvernement]{gov:kz.gov}]{concede when=2022-01-05}.\n",
        expect![[r#"
            conflicts: 0
            [Tokaïev a limogé [le gouvernement]{gov:kz.gov}]{concede actor=kz.tokayev when=2022-01-05}.
        "#]],
    );
    // The same role given two values: a conflict.
    check(
        "[Tokaïev limoge]{concede}.\n",
        "[Tokaïev limoge]{concede actor=kz.tokayev}.\n",
        "[Tokaïev limoge]{concede actor=kz.gov}.\n",
        expect![[r#"
            conflicts: 1
            <<<<<<< ours
            [Tokaïev limoge]{concede actor=kz.tokayev}.
            =======
            [Tokaïev limoge]{concede actor=kz.gov}.
            >>>>>>> theirs
        "#]],
    );
    // A nested mention and a role of its event, one on each side.
    check(
        "[Tokaïev a limogé le gouvernement]{concede}.\n",
        "[[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{concede}.\n",
        "[Tokaïev a limogé le gouvernement]{concede.resign actor=kz.tokayev}.\n",
        expect![[r#"
            conflicts: 0
            [[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{concede.resign actor=kz.tokayev}.
        "#]],
    );
}

#[test]
fn changed_text_falls_back_to_a_line_merge() {
    check(
        "Un.\nDeux.\nTrois.\n",
        "Un, corrigé.\nDeux.\nTrois.\n",
        "Un.\n[Deux]{person}.\nTrois, aussi.\n",
        expect![[r#"
            conflicts: 0
            Un, corrigé.
            [Deux]{person}.
            Trois, aussi.
        "#]],
    );
    check(
        "Un.\nDeux.\n",
        "Un, corrigé.\nDeux.\n",
        "[Un]{person}.\nDeux.\n",
        expect![[r#"
            conflicts: 1
            <<<<<<< ours
            Un, corrigé.
            =======
            [Un]{person}.
            >>>>>>> theirs
            Deux.
        "#]],
    );
}

#[test]
fn escapes_crlf_and_a_missing_final_newline_are_kept() {
    let m = merge_file(
        "a \\[sic\\] b c\r\nd",
        "[a]{person} \\[sic\\] b c\r\nd",
        "a \\[sic\\] b [c]{place}\r\n[d]{org}",
        &Labels::default(),
    );
    assert_eq!(m, Merged { text: "[a]{person} \\[sic\\] b [c]{place}\r\n[d]{org}".into(), conflicts: 0 });
    let m = merge_file("a\r\nb", "a\r\n[b]{x}", "a\r\n[b]{y}", &Labels::default());
    assert_eq!(m.text, "a\r\n<<<<<<< ours\r\n[b]{x}\r\n=======\r\n[b]{y}\r\n>>>>>>> theirs\r\n");
}

#[test]
fn labels_and_marker_size_are_git_s() {
    let labels = Labels { ours: "HEAD".into(), theirs: "feature".into(), marker_size: 9 };
    let m = merge_file("[a]{x}\n", "[a]{y}\n", "[a]{z}\n", &labels);
    assert_eq!(m.text, "<<<<<<<<< HEAD\n[a]{y}\n=========\n[a]{z}\n>>>>>>>>> feature\n");
}
