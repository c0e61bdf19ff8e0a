//! Every diagnostic code: a case that fires and a near miss that must not, as fixtures whose
//! markers give the expected ranges (see `support::fixture`), with a snapshot of messages and fixes.
//!
//! Registry and schema rows write a tab as `\t`, which is one character of the file: markers
//! under such rows sit one column left of the visual position per tab before them.

mod support;

use expect_test::expect;
use support::{check_diagnostics, check_diagnostics_raw};

#[test]
fn h005_h006_legacy_header_with_body() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 Après plusieurs jours de manifestations.
 ^^^^^^^^^^^^ H005
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ H006
"#,
    );
    expect![[r#"
        a.txt:1:2-1:14 H005 warning: header has no source URL; add the article's address after the date
        a.txt:1:15-1:55 H006 information: body text on the header line; the article should start on its own line after the header
          fix: Move the text to its own line => " date 2022-01\n\nAprès plusieurs jours de manifestations."
    "#]]
    .assert_eq(&got);
}

#[test]
fn a004_unknown_type_and_nested_mentions_are_fine() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
[[Tokaïev]{persn} a limogé le gouvernement]{concede actor=kz.tokayev}
           ^^^^^ A004
                                                          ^^^^^^^^^^ A008
Plain [sic] and (GPL) brackets, and \[escaped\]{not a tag}.
"#,
    );
    expect![[r#"
        a.txt:2:12-2:17 A004 error: unknown type `persn`; did you mean `person`?
          fix: Change to `person` => "[[Tokaïev]{person} a limogé le gouvernement]{concede actor=kz.tokayev}"
        a.txt:2:59-2:69 A008 error: unknown id `kz.tokayev`: no mention in the corpus is tagged with it
    "#]]
    .assert_eq(&got);
}

// ---------------------------------------------------------------------------------------------
// F: file encoding

#[test]
fn f001_invalid_utf8_names_offset_and_encoding() {
    // Latin-1 `é` is 0xE9; Windows-1252 `’` is 0x92 (and its `é` is 0xE9 too).
    let latin1: &[u8] = b" date 2022-01 https://example.org/a\nLe pr\xE9sident a promis.\n";
    let cp1252: &[u8] = b" date 2022-01 https://example.org/b\nL\x92\xE9tat d\x92urgence.\n";
    let registry: &[u8] = b"id\ttype\tname\nkz.mamin\tperson\tAskar Mamine\nkz.zhanaozen\tplace\tJana\xEFozen\n";
    let got = check_diagnostics_raw(
        r#"
//- latin1.txt
 date 2022-01 https://example.org/a
Le pr�sident a promis.
     ^ F001
//- cp1252.txt
 date 2022-01 https://example.org/b
L��tat d�urgence.
 ^ F001
//- entities.tsv
id\ttype\tname
kz.mamin\tperson\tAskar Mamine
kz.zhanaozen\tplace\tJana�ozen
                       ^ F001
//- utf8.txt
 date 2022-01 https://example.org/c
Le président a décrété l’état d’urgence « ferme » 😀 ; [Askar Mamine]{person:kz.mamin}.
"#,
        &[("latin1.txt", latin1), ("cp1252.txt", cp1252), ("entities.tsv", registry)],
    );
    expect![[r#"
        cp1252.txt:2:2-2:3 F001 error: file is not valid UTF-8: byte 0x92 at offset 37. It looks like Windows-1252 (e.g. 0x92 is ’ there); convert it with `iconv -f WINDOWS-1252 -t UTF-8`.
        entities.tsv:3:24-3:25 F001 error: file is not valid UTF-8: byte 0xEF at offset 65. It looks like Latin-1 (e.g. 0xE9 is é there); convert it with `iconv -f LATIN1 -t UTF-8`.
        latin1.txt:2:6-2:7 F001 error: file is not valid UTF-8: byte 0xE9 at offset 41. It looks like Latin-1 (e.g. 0xE9 is é there); convert it with `iconv -f LATIN1 -t UTF-8`.
    "#]].assert_eq(&got);
}

// ---------------------------------------------------------------------------------------------
// H: the header line

#[test]
fn h001_line_one_is_not_a_header() {
    // `<BOM>` stands for U+FEFF, one (invisible) character of the file.
    let fixture = r#"
//- a.txt
Le président a promis une réponse.
^^ H001
//- b.txt
2022-01 https://example.org/b
^^^^^^^ H001
//- c.txt

| H001
Titre
//- near-miss-no-leading-space.txt
date 2022-01 https://example.org/d
//- near-miss-byte-order-mark.txt
<BOM> date 2022-01 https://example.org/e
//- byte-order-mark.txt
<BOM>Le titre
 ^^ H001
"#
    .replace("<BOM>", "\u{FEFF}");
    let got = check_diagnostics(&fixture);
    expect![[r#"
        a.txt:1:1-1:3 H001 error: line 1 is not a header; a seed file starts with ` date YYYY-MM <source URL>`
          fix: Insert a header for 2024-06 => " date 2024-06\nLe président a promis une réponse."
        b.txt:1:1-1:8 H001 error: line 1 must start with the word `date`: ` date YYYY-MM <source URL>`
          fix: Insert a header for 2024-06 => " date 2024-06\n2022-01 https://example.org/b"
        byte-order-mark.txt:1:2-1:4 H001 error: line 1 is not a header; a seed file starts with ` date YYYY-MM <source URL>`
          fix: Insert a header for 2024-06 => "\u{feff} date 2024-06\nLe titre"
        c.txt:1:1-1:1 H001 error: line 1 must be the header ` date YYYY-MM <source URL>`, but it is empty
          fix: Insert a header for 2024-06 => " date 2024-06\n"
    "#]]
    .assert_eq(&got);
}

#[test]
fn h002_date_shape() {
    let got = check_diagnostics(
        r#"
//- slash.txt
 date 2022/01 https://example.org/a
      ^^^^^^^ H002
//- one-digit-month.txt
 date 2022-1 https://example.org/b
      ^^^^^^ H002
//- month-first.txt
 date 01-2022 https://example.org/c
      ^^^^^^^ H002
//- day-first.txt
 date 25/01/2022 https://example.org/d
      ^^^^^^^^^^ H002
//- ambiguous.txt
 date 05/01/2022 https://example.org/e
      ^^^^^^^^^^ H002
//- words.txt
 date janvier https://example.org/f
      ^^^^^^^ H002
//- no-date.txt
 date
 ^^^^ H002
//- near-miss-day.txt
 date 2022-01-05 https://example.org/g
"#,
    );
    expect![[r#"
        ambiguous.txt:1:7-1:17 H002 error: header date `05/01/2022` must be written YYYY-MM or YYYY-MM-DD
        day-first.txt:1:7-1:17 H002 error: header date `25/01/2022` must be written YYYY-MM or YYYY-MM-DD
          fix: Write the date as 2022-01-25 => " date 2022-01-25 https://example.org/d"
        month-first.txt:1:7-1:14 H002 error: header date `01-2022` must be written YYYY-MM or YYYY-MM-DD
          fix: Write the date as 2022-01 => " date 2022-01 https://example.org/c"
        no-date.txt:1:2-1:6 H002 error: header has no date; write it as YYYY-MM or YYYY-MM-DD
        one-digit-month.txt:1:7-1:13 H002 error: header date `2022-1` must be written YYYY-MM or YYYY-MM-DD
          fix: Write the date as 2022-01 => " date 2022-01 https://example.org/b"
        slash.txt:1:7-1:14 H002 error: header date `2022/01` must be written YYYY-MM or YYYY-MM-DD
          fix: Write the date as 2022-01 => " date 2022-01 https://example.org/a"
        words.txt:1:7-1:14 H002 error: header date `janvier` must be written YYYY-MM or YYYY-MM-DD
    "#]]
    .assert_eq(&got);
}

#[test]
fn h003_impossible_date() {
    let got = check_diagnostics(
        r#"
//- month13.txt
 date 2022-13 https://example.org/a
      ^^^^^^^ H003
//- feb30.txt
 date 2022-02-30 https://example.org/b
      ^^^^^^^^^^ H003
//- feb29-not-leap.txt
 date 2023-02-29 https://example.org/c
      ^^^^^^^^^^ H003
//- near-miss-leap-day.txt
 date 2024-02-29 https://example.org/d
"#,
    );
    expect![[r#"
        feb29-not-leap.txt:1:7-1:17 H003 error: `2023-02-29` is not a real date: that month has no such day
        feb30.txt:1:7-1:17 H003 error: `2022-02-30` is not a real date: that month has no such day
        month13.txt:1:7-1:14 H003 error: `2022-13` is not a real date: there is no month 13
    "#]]
    .assert_eq(&got);
}

#[test]
fn h004_url_date_disagrees() {
    let got = check_diagnostics(
        r#"
//- compact.txt
 date 2022-02 https://fr.sputniknews.com/20220105/crise-kazakhe-1054196704.html
      ^^^^^^^ H004
//- slashes.txt
 date 2022-01-06 https://www.lemonde.fr/international/article/2022/01/05/kazakhstan_6108.html
      ^^^^^^^^^^ H004
//- dashes.txt
 date 2021-01-05 https://example.org/2022-01-05-kazakhstan
      ^^^^^^^^^^ H004
//- near-miss-coarser.txt
 date 2022-01 https://example.org/2022/01/05/kazakhstan
//- near-miss-agrees.txt
 date 2022-01-05 https://fr.sputniknews.com/20220105/crise-1054196704.html
//- near-miss-article-number.txt
 date 2022-01 https://example.org/article-1054196704.html
"#,
    );
    expect![[r#"
        compact.txt:1:7-1:14 H004 warning: header date 2022-02 disagrees with the date 2022-01-05 in the source URL
          related here 41..49: date in the URL
          fix: Use the URL's date 2022-01 => " date 2022-01 https://fr.sputniknews.com/20220105/crise-kazakhe-1054196704.html"
        dashes.txt:1:7-1:17 H004 warning: header date 2021-01-05 disagrees with the date 2022-01-05 in the source URL
          related here 37..47: date in the URL
          fix: Use the URL's date 2022-01-05 => " date 2022-01-05 https://example.org/2022-01-05-kazakhstan"
        slashes.txt:1:7-1:17 H004 warning: header date 2022-01-06 disagrees with the date 2022-01-05 in the source URL
          related here 62..72: date in the URL
          fix: Use the URL's date 2022-01-05 => " date 2022-01-05 https://www.lemonde.fr/international/article/2022/01/05/kazakhstan_6108.html"
    "#]].assert_eq(&got);
}

#[test]
fn h005_no_source_url() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01
 ^^^^^^^^^^^^ H005
//- near-miss-trailing-space.txt
 date 2022-01 https://example.org/b 
"#,
    );
    expect![[r#"
        a.txt:1:2-1:14 H005 warning: header has no source URL; add the article's address after the date
    "#]]
    .assert_eq(&got);
}

#[test]
fn h006_body_after_the_url() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a Crise kazakhe : Ankara suit de près l’évolution
                                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ H006

Corps de l’article.
//- near-miss.txt
 date 2022-01 https://example.org/b

Crise kazakhe : Ankara suit de près l’évolution
"#,
    );
    expect![[r#"
        a.txt:1:37-1:84 H006 information: body text on the header line; the article should start on its own line after the header
          fix: Move the text to its own line => " date 2022-01 https://example.org/a\n\nCrise kazakhe : Ankara suit de près l’évolution"
    "#]].assert_eq(&got);
}

#[test]
fn h007_same_url_heads_two_files() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/kazakhstan
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ H007
//- b.txt
 date 2022-01 http://www.example.org/kazakhstan/
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ H007
//- near-miss.txt
 date 2022-01 https://example.org/kazakhstan-2
"#,
    );
    expect![[r#"
        a.txt:1:15-1:45 H007 warning: this source URL also heads b.txt
          related b.txt 14..48: same URL here
        b.txt:1:15-1:49 H007 warning: this source URL also heads a.txt
          related a.txt 14..44: same URL here
    "#]]
    .assert_eq(&got);
}

#[test]
fn h008_broken_url() {
    let got = check_diagnostics(
        r#"
//- scheme-typo.txt
 date 2022-01 htps://example.org/a
              ^^^^^^^^^^^^^^^^^^^^ H008
//- one-slash.txt
 date 2022-01 http:/example.org/b
              ^^^^^^^^^^^^^^^^^^^ H008
//- no-scheme.txt
 date 2022-01 www.example.org/c
              ^^^^^^^^^^^^^^^^^ H008
//- other-scheme.txt
 date 2022-01 ftp://example.org/d
              ^^^^^^^^^^^^^^^^^^^ H008
//- near-miss.txt
 date 2022-01 https://example.org/e
"#,
    );
    expect![[r#"
        no-scheme.txt:1:15-1:32 H008 error: `www.example.org/c` after the date is not a valid URL; did you mean `https://www.example.org/c`?
          fix: Fix the URL => " date 2022-01 https://www.example.org/c"
        one-slash.txt:1:15-1:34 H008 error: `http:/example.org/b` after the date is not a valid URL; did you mean `http://example.org/b`?
          fix: Fix the URL => " date 2022-01 http://example.org/b"
        other-scheme.txt:1:15-1:34 H008 error: `ftp://example.org/d` after the date is not a valid URL; a source URL starts with `http://` or `https://`
        scheme-typo.txt:1:15-1:35 H008 error: `htps://example.org/a` after the date is not a valid URL; did you mean `https://example.org/a`?
          fix: Fix the URL => " date 2022-01 https://example.org/a"
    "#]].assert_eq(&got);
}

#[test]
fn h009_date_in_the_future() {
    // The fixtures' today is 2024-06-15.
    let got = check_diagnostics(
        r#"
//- next-month.txt
 date 2024-07 https://example.org/a
      ^^^^^^^ H009
//- tomorrow.txt
 date 2024-06-16 https://example.org/b
      ^^^^^^^^^^ H009
//- near-miss-this-month.txt
 date 2024-06 https://example.org/c
//- near-miss-today.txt
 date 2024-06-15 https://example.org/d
"#,
    );
    expect![[r#"
        next-month.txt:1:7-1:14 H009 warning: header date 2024-07 is in the future (today is 2024-06-15)
        tomorrow.txt:1:7-1:17 H009 warning: header date 2024-06-16 is in the future (today is 2024-06-15)
    "#]]
    .assert_eq(&got);
}

// ---------------------------------------------------------------------------------------------
// A: inline annotations

#[test]
fn a001_tag_not_closed() {
    // An unclosed tag does not swallow the next mention on its line (its A004 shows it is parsed).
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
[Tokaïev]{person:kz.tokayev a limogé le gouvernement.
        ^^^^^^^^^^^^^^^^^^^ A001
[Tokaïev]{person:kz.tokayev a limogé [le gouvernement]{gvo:kz.gov} hier.
        ^^^^^^^^^^^^^^^^^^^ A001
                                                       ^^^ A004
La fin de la ligne [Almaty]{
                          ^^ A001
Une balise fermée : [Tokaïev]{person:kz.tokayev}, et \]{ échappé.
"#,
    );
    expect![[r#"
        a.txt:2:9-2:28 A001 error: tag `]{` is not closed by `}` on this line
          fix: Close the tag with `}` => "[Tokaïev]{person:kz.tokayev} a limogé le gouvernement."
        a.txt:3:9-3:28 A001 error: tag `]{` is not closed by `}` on this line
          fix: Close the tag with `}` => "[Tokaïev]{person:kz.tokayev} a limogé [le gouvernement]{gvo:kz.gov} hier."
        a.txt:3:56-3:59 A004 error: unknown type `gvo`; did you mean `gov`?
          fix: Change to `gov` => "[Tokaïev]{person:kz.tokayev a limogé [le gouvernement]{gov:kz.gov} hier."
        a.txt:4:27-4:29 A001 error: tag `]{` is not closed by `}` on this line
    "#]]
    .assert_eq(&got);
}

#[test]
fn a002_tag_without_opening_bracket() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
Le président]{person:kz.tokayev} a promis une réponse.
            ^^^^^^^^^^^^^^^^^^^^ A002
[Les manifestants [d’Almaty]{place:kz.almaty} ont]{protest} défilé]{group}.
                                                                  ^^^^^^^^ A002
Près de [[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{concede actor=kz.tokayev} [sic].
Des crochets \[non balisés\]{texte} et (GPL) [sic] restent du texte.
"#,
    );
    expect![[r#"
        a.txt:2:13-2:33 A002 error: this tag has no matching `[` on its line (mentions may nest but not overlap)
          fix: Remove the tag => "Le président a promis une réponse."
        a.txt:3:67-3:75 A002 error: this tag has no matching `[` on its line (mentions may nest but not overlap)
          fix: Remove the tag => "[Les manifestants [d’Almaty]{place:kz.almaty} ont]{protest} défilé."
    "#]]
    .assert_eq(&got);
}

#[test]
fn a003_malformed_tag() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
[vide]{} [sans type]{:kz.x} [Majuscule]{Person} [sans id]{person:}
     ^^^ A003
                     ^^^^^ A003
                                        ^^^^^^ A003
                                                          ^^^^^^^ A003
[id]{person:kz/tokayev} [parasite]{person:kz.tokayev tokayev} [rôle]{protest Actor=kz.tokayev}
            ^^^^^^^^^^ A003
                                                     ^^^^^^^ A003
                                                                             ^^^^^ A003
[vide]{protest actor=} [double]{protest actor=kz.tokayev,,kz.gov} [rôle d’abord]{actor=kz.gov}
               ^^^^^^ A003
                                        ^^^^^^^^^^^^^^^^^^^^^^^^ A003
                                                                                 ^^^^^^^^^^^^ A003
[L’état d’urgence]{coerce.martial-law:kz.emergency-2022-01 actor=kz.gov where=kz.almaty when=2022-01-05}
[Tokaïev]{person:kz.tokayev} [Le gouvernement]{gov:kz.gov} [Almaty]{place:kz.almaty} [Kazakhstan]{place:Q232}
"#,
    );
    expect![[r#"
        a.txt:2:6-2:9 A003 error: empty tag: write a type, e.g. `{person}` or `{person:kz.tokayev}`
        a.txt:2:22-2:27 A003 error: missing type before `:`
        a.txt:2:41-2:47 A003 error: `Person` is not a valid type name (lower-case letters, digits, `_`, `-`)
          fix: Write `person` => "[vide]{} [sans type]{:kz.x} [Majuscule]{person} [sans id]{person:}"
        a.txt:2:59-2:66 A003 error: missing id after `:`
          fix: Remove the `:` => "[vide]{} [sans type]{:kz.x} [Majuscule]{Person} [sans id]{person}"
        a.txt:3:13-3:23 A003 error: `kz/tokayev` is not a valid id (letters, digits, `.`, `_`, `-`)
        a.txt:3:54-3:61 A003 error: stray `tokayev` in the tag: arguments are written `role=value`
        a.txt:3:78-3:83 A003 error: `Actor` is not a valid role name (lower-case letters, digits, `_`, `-`)
        a.txt:4:16-4:22 A003 error: empty value in `actor=`
        a.txt:4:41-4:65 A003 error: empty value in `actor=kz.tokayev,,kz.gov`
        a.txt:4:82-4:94 A003 error: a tag starts with its type, e.g. `{protest actor=kz.protesters}`
    "#]]
    .assert_eq(&got);
}

#[test]
fn a004_unknown_mode() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
[Les manifestants]{protest.demonstration} [Tokaïev]{person.leader:kz.tokayev}
                           ^^^^^^^^^^^^^ A004
                                                           ^^^^^^ A004
[Les manifestants]{protest.demo} [la police]{assault.crowd-control} [Tokaïev]{person:kz.tokayev}
"#,
    );
    expect![[r#"
        a.txt:2:28-2:41 A004 error: unknown mode `demonstration` for `protest` (modes: demo, riot, strike, hunger, boycott, obstruct, vandalize)
          fix: Change to `demo` => "[Les manifestants]{protest.demo} [Tokaïev]{person.leader:kz.tokayev}"
        a.txt:2:60-2:66 A004 error: type `person` has no modes
          fix: Remove the mode => "[Les manifestants]{protest.demonstration} [Tokaïev]{person:kz.tokayev}"
    "#]].assert_eq(&got);
}

#[test]
fn a005_id_not_in_the_registry() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname\taliases
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev
//- a.txt
 date 2022-01 https://example.org/a
Le [président]{person:kz.tokayev} et [son Premier ministre]{person:kz.tokaev}.
                                                                   ^^^^^^^^^ A005
[Askar Mamine]{person:kz.mamin} a démissionné.
                      ^^^^^^^^ A005
"#,
    );
    expect![[r#"
        a.txt:2:68-2:77 A005 warning: `kz.tokaev` is not in the registry; did you mean `kz.tokayev`?
          fix: Change to `kz.tokayev` => "Le [président]{person:kz.tokayev} et [son Premier ministre]{person:kz.tokayev}."
          fix: Add `kz.tokaev` to entities.tsv => entities.tsv @70..70 insert "\nkz.tokaev\tperson\tson Premier ministre\t"
        a.txt:3:23-3:31 A005 warning: `kz.mamin` is not in the registry
          fix: Add `kz.mamin` to entities.tsv => entities.tsv @70..70 insert "\nkz.mamin\tperson\tAskar Mamine\t"
    "#]].assert_eq(&got);
}

#[test]
fn a005_near_miss_ad_hoc_mode_has_no_registry() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
Le [président]{person:kz.tokayev} et [son Premier ministre]{person:kz.tokaev}.
[Askar Mamine]{person:kz.mamin} a démissionné.
"#,
    );
    expect![[r#""#]].assert_eq(&got);
}

#[test]
fn a006_type_differs_from_registry() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname
kz.almaty\tplace\tAlmaty
kz.gov\tgov\tGouvernement kazakh
//- a.txt
 date 2022-01 https://example.org/a
La mairie d’[Almaty]{gov:kz.almaty} a brûlé ; le [gouvernement]{gov:kz.gov} a démissionné.
                     ^^^ A006
Les rues d’[Almaty]{place:kz.almaty} sont calmes.
"#,
    );
    expect![[r#"
        a.txt:2:22-2:25 A006 error: `kz.almaty` is a `place` in the registry, but tagged `gov` here
          related entities.tsv 23..28: registry type
          fix: Change the type to `place` => "La mairie d’[Almaty]{place:kz.almaty} a brûlé ; le [gouvernement]{gov:kz.gov} a démissionné."
    "#]].assert_eq(&got);
}

#[test]
fn a007_undeclared_role_or_arguments_on_an_entity() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
[Tokaïev]{person:kz.tokayev} et [le gouvernement]{gov:kz.gov} à [Almaty]{place:kz.almaty}.
[Des manifestations]{protest actor=kz.gov target=kz.tokayev} et [d’autres]{protest recipeint=kz.gov}.
                                          ^^^^^^ A007
                                                                                   ^^^^^^^^^ A007
[Tokaïev]{person:kz.tokayev actor=kz.gov where=kz.almaty}
                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ A007
[Des manifestations]{protest actor=kz.gov recipient=kz.tokayev where=kz.almaty when=2022-01-05}
"#,
    );
    expect![[r#"
        a.txt:3:43-3:49 A007 error: `protest` has no role `target` (roles: actor, recipient, where, when)
        a.txt:3:84-3:93 A007 error: `protest` has no role `recipeint` (roles: actor, recipient, where, when)
          fix: Change to `recipient` => "[Des manifestations]{protest actor=kz.gov target=kz.tokayev} et [d’autres]{protest recipient=kz.gov}."
        a.txt:4:29-4:57 A007 error: `person` is an entity type: only events take arguments
          fix: Remove the arguments => "[Tokaïev]{person:kz.tokayev}"
    "#]].assert_eq(&got);
}

#[test]
fn a008_bad_role_value() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
[Tokaïev]{person:kz.tokayev} et [le gouvernement]{gov:kz.gov} à [Almaty]{place:kz.almaty}.
[Un]{protest where=kz.tokayev} [deux]{protest when=kz.almaty} [trois]{protest actor=2022-01-05}
                   ^^^^^^^^^^ A008
                                                   ^^^^^^^^^ A008
                                                                                    ^^^^^^^^^^ A008
[quatre]{protest when=2022-13-01} [cinq]{protest actor=kz.tokaev}
                      ^^^^^^^^^^ A008
                                                       ^^^^^^^^^ A008
[six]{protest actor=kz.tokayev,kz.gov where=kz.almaty when=2022} [sept]{protest when=2022-01}
"#,
    );
    expect![[r#"
        a.txt:3:20-3:30 A008 error: `kz.tokayev` is a `person`, but role `where` takes place
        a.txt:3:52-3:61 A008 error: role `when` takes a date (YYYY, YYYY-MM or YYYY-MM-DD), not `kz.almaty`
        a.txt:3:85-3:95 A008 error: role `actor` takes ids (person, group, org, gov), not a date
        a.txt:4:23-4:33 A008 error: `2022-13-01` is not a real date
        a.txt:4:56-4:65 A008 error: unknown id `kz.tokaev`: no mention in the corpus is tagged with it
    "#]]
    .assert_eq(&got);
}

#[test]
fn a009_required_role_missing_or_too_many_values() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
[Tokaïev]{person:kz.tokayev} et [la Russie]{gov:ru.gov} à [Almaty]{place:kz.almaty}.
[L’aide]{aid actor=ru.gov} [Les manifestations]{protest when=2022-01-02,2022-01-05}
         ^^^^^^^^^^^^^^^^ A009
                                                        ^^^^^^^^^^^^^^^^^^^^^^^^^^ A009
[La visite]{consult.visit actor=kz.tokayev when=2022-01 when=2022-01-05}
                                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ A009
[L’aide]{aid actor=ru.gov recipient=kz.tokayev,ru.gov} [la visite]{consult actor=ru.gov}
"#,
    );
    expect![[r#"
        a.txt:3:10-3:26 A009 warning: `aid` requires a `recipient` role (recipient:person|group|org|gov+)
        a.txt:3:57-3:83 A009 warning: role `when` takes at most 1 value(s), found 2
        a.txt:4:44-4:72 A009 warning: role `when` takes at most 1 value(s), found 2
    "#]]
    .assert_eq(&got);
}

#[test]
fn a010_empty_surface() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
Le président []{person:kz.tokayev} a promis une réponse.
             ^^^^^^^^^^^^^^^^^^^^^ A010
Le [président]{person:kz.tokayev} a promis [] une réponse, [ ] à part.
"#,
    );
    expect![[r#"
        a.txt:2:14-2:35 A010 warning: empty mention: nothing between `[` and `]`
          fix: Remove the empty mention => "Le président  a promis une réponse."
    "#]]
    .assert_eq(&got);
}

#[test]
fn a011_untagged_registered_name() {
    // `Tokai\u{308}ev` below is decomposed (NFD): names match whatever the normalisation form.
    let fixture = r#"
//- entities.tsv
id\ttype\tname\taliases
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh
kz.almaty\tplace\tAlmaty\tAlma-Ata
fr.humanite\torg\tL'Humanité\t
//- a.txt
 date 2022-01 https://example.org/almaty/tokaïev
😀 Tokaïev a parlé au PRÉSIDENT KAZAKH, puis Tokaïev est parti.
  ^^^^^^^ A011
                     ^^^^^^^^^^^^^^^^ A011
                                            ^^^^^^^ A011
Selon l’humanité, [Tokaïev a limogé le gouvernement]{concede actor=kz.tokayev} à Almaty.
      ^^^^^^^^^^ A011
                   ^^^^^^^ A011
                                                                                 ^^^^^^ A011
Tokai\u{308}ev, [Kassym-Jomart Tokaïev]{person:kz.tokayev} [l’Humanité]{org:fr.humanite} [Alma-Ata]{place:kz.almaty}
^^^^^^^^ A011
Les Almatyiens, Alma-Atanskaya, \[Almaty\] pas encore tagué.
                                  ^^^^^^ A011
"#
    .replace("\\u{308}", "\u{308}");
    let got = check_diagnostics(&fixture);
    expect![[r#"
        a.txt:2:3-2:10 A011 hint: untagged «Tokaïev» is a registered name of `kz.tokayev` (person)
          fix: Tag as person:kz.tokayev => "😀 [Tokaïev]{person:kz.tokayev} a parlé au PRÉSIDENT KAZAKH, puis Tokaïev est parti."
          fix: Tag all 4 untagged «Tokaïev» in this file as person:kz.tokayev => "😀 [Tokaïev]{person:kz.tokayev} a parlé au PRÉSIDENT KAZAKH, puis [Tokaïev]{person:kz.tokayev} est parti."
        a.txt:2:22-2:38 A011 hint: untagged «PRÉSIDENT KAZAKH» is a registered name of `kz.tokayev` (person)
          fix: Tag as person:kz.tokayev => "😀 Tokaïev a parlé au [PRÉSIDENT KAZAKH]{person:kz.tokayev}, puis Tokaïev est parti."
        a.txt:2:45-2:52 A011 hint: untagged «Tokaïev» is a registered name of `kz.tokayev` (person)
          fix: Tag as person:kz.tokayev => "😀 Tokaïev a parlé au PRÉSIDENT KAZAKH, puis [Tokaïev]{person:kz.tokayev} est parti."
          fix: Tag all 4 untagged «Tokaïev» in this file as person:kz.tokayev => "😀 [Tokaïev]{person:kz.tokayev} a parlé au PRÉSIDENT KAZAKH, puis [Tokaïev]{person:kz.tokayev} est parti."
        a.txt:3:7-3:17 A011 hint: untagged «l’humanité» is a registered name of `fr.humanite` (org)
          fix: Tag as org:fr.humanite => "Selon [l’humanité]{org:fr.humanite}, [Tokaïev a limogé le gouvernement]{concede actor=kz.tokayev} à Almaty."
        a.txt:3:20-3:27 A011 hint: untagged «Tokaïev» is a registered name of `kz.tokayev` (person)
          fix: Tag as person:kz.tokayev => "Selon l’humanité, [[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{concede actor=kz.tokayev} à Almaty."
          fix: Tag all 4 untagged «Tokaïev» in this file as person:kz.tokayev => "😀 [Tokaïev]{person:kz.tokayev} a parlé au PRÉSIDENT KAZAKH, puis [Tokaïev]{person:kz.tokayev} est parti."
        a.txt:3:82-3:88 A011 hint: untagged «Almaty» is a registered name of `kz.almaty` (place)
          fix: Tag as place:kz.almaty => "Selon l’humanité, [Tokaïev a limogé le gouvernement]{concede actor=kz.tokayev} à [Almaty]{place:kz.almaty}."
          fix: Tag all 2 untagged «Almaty» in this file as place:kz.almaty => "Selon l’humanité, [Tokaïev a limogé le gouvernement]{concede actor=kz.tokayev} à [Almaty]{place:kz.almaty}."
        a.txt:4:1-4:9 A011 hint: untagged «Tokaïev» is a registered name of `kz.tokayev` (person)
          fix: Tag as person:kz.tokayev => "[Tokai\u{308}ev]{person:kz.tokayev}, [Kassym-Jomart Tokaïev]{person:kz.tokayev} [l’Humanité]{org:fr.humanite} [Alma-Ata]{place:kz.almaty}"
          fix: Tag all 4 untagged «Tokaïev» in this file as person:kz.tokayev => "😀 [Tokaïev]{person:kz.tokayev} a parlé au PRÉSIDENT KAZAKH, puis [Tokaïev]{person:kz.tokayev} est parti."
        a.txt:5:35-5:41 A011 hint: untagged «Almaty» is a registered name of `kz.almaty` (place)
          fix: Tag as place:kz.almaty => "Les Almatyiens, Alma-Atanskaya, \\[[Almaty]{place:kz.almaty}\\] pas encore tagué."
          fix: Tag all 2 untagged «Almaty» in this file as place:kz.almaty => "Selon l’humanité, [Tokaïev a limogé le gouvernement]{concede actor=kz.tokayev} à [Almaty]{place:kz.almaty}."
    "#]].assert_eq(&got);
}

#[test]
fn a011_not_inside_a_longer_capitalised_name() {
    // `Noursoultan` is a city and the first name of a president the registry does not have.
    // Capitals that say nothing (a sentence's first word, an article, a title, a weekday, a
    // headline in capitals) do not make a name longer.
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname\taliases
kz.nursultan\tplace\tNoursoultan\t
kz.astana\tplace\tAstana\t
kz\tplace\tKazakhstan\t
kz.almaty\tplace\tAlmaty\t
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev
//- b.txt
 date 2022-01 https://example.org/b
[N]{place:kz.nursultan} [A]{place:kz.astana} [K]{place:kz} [A]{place:kz.almaty} [T]{person:kz.tokayev}
//- a.txt
 date 2022-01 https://example.org/a
Noursoultan Nazarbaïev a démissionné ; l’ancien président Noursoultan Nazarbaïev reste, Noursoultan [Nazarbaïev]{person} aussi.
La compagnie Air Astana a repris ses vols vers Astana.
                                               ^^^^^^ A011
Le Kazakhstan et la Russie. Hier Almaty était calme, selon la chaîne Kazakhstan Today.
   ^^^^^^^^^^ A011
                                 ^^^^^^ A011
Le Président Tokaïev, Jomart-Tokaïev et Kassym-Jomart Tokaïev, à Noursoultan-Ville ou à Noursoultan-sur-mer.
             ^^^^^^^ A011
                                        ^^^^^^^^^^^^^^^^^^^^^ A011
                                                                                        ^^^^^^^^^^^ A011
LE KAZAKHSTAN EN CRISE, ALMATY BLOQUÉE
   ^^^^^^^^^^ A011
                        ^^^^^^ A011
On Monday Almaty was calm.
          ^^^^^^ A011
"#,
    );
    expect![[r#"
        a.txt:3:48-3:54 A011 hint: untagged «Astana» is a registered name of `kz.astana` (place)
          fix: Tag as place:kz.astana => "La compagnie Air Astana a repris ses vols vers [Astana]{place:kz.astana}."
        a.txt:4:4-4:14 A011 hint: untagged «Kazakhstan» is a registered name of `kz` (place)
          fix: Tag as place:kz => "Le [Kazakhstan]{place:kz} et la Russie. Hier Almaty était calme, selon la chaîne Kazakhstan Today."
          fix: Tag all 2 untagged «Kazakhstan» in this file as place:kz => "Le [Kazakhstan]{place:kz} et la Russie. Hier Almaty était calme, selon la chaîne Kazakhstan Today."
        a.txt:4:34-4:40 A011 hint: untagged «Almaty» is a registered name of `kz.almaty` (place)
          fix: Tag as place:kz.almaty => "Le Kazakhstan et la Russie. Hier [Almaty]{place:kz.almaty} était calme, selon la chaîne Kazakhstan Today."
          fix: Tag all 3 untagged «Almaty» in this file as place:kz.almaty => "Le Kazakhstan et la Russie. Hier [Almaty]{place:kz.almaty} était calme, selon la chaîne Kazakhstan Today."
        a.txt:5:14-5:21 A011 hint: untagged «Tokaïev» is a registered name of `kz.tokayev` (person)
          fix: Tag as person:kz.tokayev => "Le Président [Tokaïev]{person:kz.tokayev}, Jomart-Tokaïev et Kassym-Jomart Tokaïev, à Noursoultan-Ville ou à Noursoultan-sur-mer."
        a.txt:5:41-5:62 A011 hint: untagged «Kassym-Jomart Tokaïev» is a registered name of `kz.tokayev` (person)
          fix: Tag as person:kz.tokayev => "Le Président Tokaïev, Jomart-Tokaïev et [Kassym-Jomart Tokaïev]{person:kz.tokayev}, à Noursoultan-Ville ou à Noursoultan-sur-mer."
        a.txt:5:89-5:100 A011 hint: untagged «Noursoultan» is a registered name of `kz.nursultan` (place)
          fix: Tag as place:kz.nursultan => "Le Président Tokaïev, Jomart-Tokaïev et Kassym-Jomart Tokaïev, à Noursoultan-Ville ou à [Noursoultan]{place:kz.nursultan}-sur-mer."
        a.txt:6:4-6:14 A011 hint: untagged «KAZAKHSTAN» is a registered name of `kz` (place)
          fix: Tag as place:kz => "LE [KAZAKHSTAN]{place:kz} EN CRISE, ALMATY BLOQUÉE"
          fix: Tag all 2 untagged «KAZAKHSTAN» in this file as place:kz => "Le [Kazakhstan]{place:kz} et la Russie. Hier Almaty était calme, selon la chaîne Kazakhstan Today."
        a.txt:6:25-6:31 A011 hint: untagged «ALMATY» is a registered name of `kz.almaty` (place)
          fix: Tag as place:kz.almaty => "LE KAZAKHSTAN EN CRISE, [ALMATY]{place:kz.almaty} BLOQUÉE"
          fix: Tag all 3 untagged «ALMATY» in this file as place:kz.almaty => "Le Kazakhstan et la Russie. Hier [Almaty]{place:kz.almaty} était calme, selon la chaîne Kazakhstan Today."
        a.txt:7:11-7:17 A011 hint: untagged «Almaty» is a registered name of `kz.almaty` (place)
          fix: Tag as place:kz.almaty => "On Monday [Almaty]{place:kz.almaty} was calm."
          fix: Tag all 3 untagged «Almaty» in this file as place:kz.almaty => "Le Kazakhstan et la Russie. Hier [Almaty]{place:kz.almaty} était calme, selon la chaîne Kazakhstan Today."
    "#]].assert_eq(&got);
}

#[test]
fn a011_prefers_the_longest_name() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname\taliases
kz.nursultan\tplace\tNoursoultan\t
kz.nazarbayev\tperson\tNoursoultan Nazarbaïev\tNazarbaïev
//- b.txt
 date 2022-01 https://example.org/b
[N]{place:kz.nursultan} [N]{person:kz.nazarbayev}
//- a.txt
 date 2022-01 https://example.org/a
Noursoultan Nazarbaïev est rentré à Noursoultan. Nazarbaïev a parlé.
^^^^^^^^^^^^^^^^^^^^^^ A011
                                    ^^^^^^^^^^^ A011
                                                 ^^^^^^^^^^ A011
"#,
    );
    expect![[r#"
        a.txt:2:1-2:23 A011 hint: untagged «Noursoultan Nazarbaïev» is a registered name of `kz.nazarbayev` (person)
          fix: Tag as person:kz.nazarbayev => "[Noursoultan Nazarbaïev]{person:kz.nazarbayev} est rentré à Noursoultan. Nazarbaïev a parlé."
        a.txt:2:37-2:48 A011 hint: untagged «Noursoultan» is a registered name of `kz.nursultan` (place)
          fix: Tag as place:kz.nursultan => "Noursoultan Nazarbaïev est rentré à [Noursoultan]{place:kz.nursultan}. Nazarbaïev a parlé."
        a.txt:2:50-2:60 A011 hint: untagged «Nazarbaïev» is a registered name of `kz.nazarbayev` (person)
          fix: Tag as person:kz.nazarbayev => "Noursoultan Nazarbaïev est rentré à Noursoultan. [Nazarbaïev]{person:kz.nazarbayev} a parlé."
    "#]].assert_eq(&got);
}

// ---------------------------------------------------------------------------------------------
// R: the registry

#[test]
fn r001_registry_header_columns_and_ids() {
    // `<BOM>` stands for U+FEFF, which spreadsheets write at the start of a file.
    let fixture = r#"
//- entities.tsv
# Registre du corpus : les commentaires et les lignes vides sont ignorés.

id\ttype\tname\twikidata
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tQ233
kz.almaty\tplace
^^^^^^^^^^^^^^^ R001
kz almaty\tplace\tAlmaty\t
^^^^^^^^^ R001
kz.gov\tgov\tGouvernement kazakh\tKazakhstan
                               ^^^^^^^^^^ R001
//- no-header.entities.tsv
kz.mangystau\tplace\tManguistaou
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ R001
//- near-miss-byte-order-mark.entities.tsv
<BOM>id\ttype\tname
kz.aktau\tplace\tAktaou
//- a.txt
 date 2022-01 https://example.org/a
[Le président]{person:kz.tokayev}, [le gouvernement]{gov:kz.gov}, [la ville]{place:kz.almaty}.
[Aktaou]{place:kz.aktau}
"#
    .replace("<BOM>", "\u{FEFF}");
    let got = check_diagnostics(&fixture);
    expect![[r#"
        entities.tsv:5:1-5:16 R001 error: registry row has 2 column(s), the header has 4
        entities.tsv:6:1-6:10 R001 error: `kz almaty` is not a valid id (letters, digits, `.`, `_`, `-`, starting with a letter or digit)
        entities.tsv:7:32-7:42 R001 error: wikidata `Kazakhstan` is not a QID like `Q232`
        no-header.entities.tsv:1:1-1:31 R001 error: registry header row lacks the column(s) id, type, name; the first row looks like data: add a header row `id	type	name` above it
    "#]].assert_eq(&got);
}

#[test]
fn r002_duplicate_id() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname
kz.tokayev\tperson\tKassym-Jomart Tokaïev
kz.almaty\tplace\tAlmaty
kz.tokayev\tperson\tTokaïev
^^^^^^^^^^ R002
//- more.entities.tsv
id\ttype\tname
kz.almaty\tplace\tAlma-Ata
^^^^^^^^^ R002
kz.almaty-region\tplace\tRégion d’Almaty
//- a.txt
 date 2022-01 https://example.org/a
[Le président]{person:kz.tokayev} à [la ville]{place:kz.almaty} et [sa région]{place:kz.almaty-region}.
"#,
    );
    expect![[r#"
        entities.tsv:4:1-4:11 R002 error: duplicate id `kz.tokayev`: it already has a row
          related entities.tsv 13..23: first row of this id
        more.entities.tsv:2:1-2:10 R002 error: duplicate id `kz.almaty`: it already has a row
          related entities.tsv 54..63: first row of this id
    "#]]
    .assert_eq(&got);
}

#[test]
fn r003_registry_unknown_type() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname
kz.tokayev\tpersn\tKassym-Jomart Tokaïev
           ^^^^^ R003
kz.almaty\t\tAlmaty
          | R003
kz.gov\tgov\tGouvernement kazakh
kz.emergency-2022-01\tcoerce\tÉtat d’urgence de janvier 2022
//- a.txt
 date 2022-01 https://example.org/a
[Le président]{persn:kz.tokayev} à [la ville]{place:kz.almaty}, [le gouvernement]{gov:kz.gov}.
               ^^^^^ A004
[L’état d’urgence]{coerce.martial-law:kz.emergency-2022-01 actor=kz.gov}
"#,
    );
    expect![[r#"
        a.txt:2:16-2:21 A004 error: unknown type `persn`; did you mean `person`?
          fix: Change to `person` => "[Le président]{person:kz.tokayev} à [la ville]{place:kz.almaty}, [le gouvernement]{gov:kz.gov}."
        entities.tsv:2:12-2:17 R003 error: unknown type `persn`
          fix: Change to `person` => "kz.tokayev\tperson\tKassym-Jomart Tokaïev"
        entities.tsv:3:11-3:11 R003 error: `kz.almaty` has no type
    "#]].assert_eq(&got);
}

#[test]
fn r004_same_alias_on_two_ids() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname\taliases
kz.almaty\tplace\tAlmaty\tAlma-Ata|Almaty
kz.almaty-region\tplace\tRégion d’Almaty\talma-ata|Almaty region
                                       ^^^^^^^^ R004
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président
kz.toqaev\tperson\tQasym-Jomart Toqaev\tprésident kazakh|Tokaïev Kassym
//- a.txt
 date 2022-01 https://example.org/a
[La ville]{place:kz.almaty}, [la région]{place:kz.almaty-region}, [lui]{person:kz.tokayev}, [lui]{person:kz.toqaev}.
"#,
    );
    expect![[r#"
        entities.tsv:3:40-3:48 R004 warning: alias «alma-ata» also names `kz.almaty`; an untagged «alma-ata» cannot be resolved
          related entities.tsv 21..59: row of `kz.almaty`
    "#]].assert_eq(&got);
}

#[test]
fn r005_id_never_mentioned() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname
kz.tokayev\tperson\tKassym-Jomart Tokaïev
kz.gov\tgov\tGouvernement kazakh
kz.mamin\tperson\tAskar Mamine
^^^^^^^^ R005
//- a.txt
 date 2022-01 https://example.org/a
[Il]{person:kz.tokayev} a [limogé le cabinet]{concede actor=kz.gov}.
"#,
    );
    expect![[r#"
        entities.tsv:4:1-4:9 R005 hint: `kz.mamin` is never mentioned in the corpus
    "#]]
    .assert_eq(&got);
}

// ---------------------------------------------------------------------------------------------
// S: the schema

#[test]
fn s001_schema_rows() {
    let got = check_diagnostics(
        r#"
//- schema.tsv
# Un schéma d’équipe : les types qu’il ne déclare pas n’existent pas.
type\tclass\troles\tmodes\ttoken\tdescription\tcolour
                                         ^^^^^^ S001
person\tentity\t\t\tclass\tUne personne\t
place\tentity\t\t\tstring\tUn lieu\t
protest\tevent\tactor:person|crowd* where:place* when:date?\tdemo riot\tfunction\tManifester\t
              ^^^^^^^^^^^^^^^^^^^ S001
Person\tentity\t\t\tclass\tMajuscule\t
^^^^^^ S001
person\tentity\t\t\tclass\tEncore\t
^^^^^^ S001
crowd\tthing\t\t\t\tFoule\t
      ^^^^^ S001
march\tevent\tactor\t\tfunction\tMarche\t
            ^^^^^ S001
sit-in\tevent\tactor:person where:protest\tSit In\tfunction\tOccupation\t
                          ^^^^^^^^^^^^^ S001
                                        ^^^ S001
                                            ^^ S001
org\tentity\tmembers:person*\t\tenumMember\tOrganisation\t
           ^^^^^^^^^^^^^^^ S001
short\tentity
^^^^^^^^^^^^ S001
visit\tevent\tguest:person+ host:host?\t\tfunction\tVisite (rôle vers un type défini plus bas)\t
host\tentity\t\t\t\tHôte\t
//- a.txt
 date 2022-01 https://example.org/a
[Tokaïev]{person:kz.tokayev} à [Almaty]{place:kz.almaty} : [manifestation]{protest.riot actor=kz.tokayev where=kz.almaty}.
[La visite]{visit guest=kz.tokayev host=kz.host} chez [l’hôte]{host:kz.host}.
"#,
    );
    expect![[r#"
        schema.tsv:2:42-2:48 S001 error: unknown schema column `colour` (known columns: type, class, roles, modes, token, description)
        schema.tsv:5:15-5:34 S001 error: role names unknown type `crowd`
        schema.tsv:6:1-6:7 S001 error: `Person` is not a valid type name (lower-case letters, digits, `_` or `-`, starting with a letter)
        schema.tsv:7:1-7:7 S001 error: type `person` is defined twice
          related here 127..162: first defined here
        schema.tsv:8:7-8:12 S001 error: class `thing` must be `entity` or `event`
        schema.tsv:9:13-9:18 S001 error: role `actor` must be written `name:type|type` with an optional `?`, `*` or `+`
        schema.tsv:10:27-10:40 S001 error: role names event type `protest`; role values are entities or dates
        schema.tsv:10:41-10:44 S001 error: `Sit` is not a valid mode name
        schema.tsv:10:45-10:47 S001 error: `In` is not a valid mode name
        schema.tsv:11:12-11:27 S001 error: entity types take no roles; only events have roles
        schema.tsv:12:1-12:13 S001 error: schema row has 2 columns, the header has 7
    "#]].assert_eq(&got);
}

// ---------------------------------------------------------------------------------------------
// T: scraping artefacts in the text

#[test]
fn t001_glued_sentence() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
Ankara suit la situation.La diplomatie turque espère le calme (GPL).Depuis janvier, rien.
                        ^ T001
                                                                   ^ T001
[la situation]{place:kz.x}.Les forces de l’ordre ont été blessées.Une trentaine d’ambulances.
                          ^ T001
                                                                 ^ T001
M.Dupont, 3.000 manifestants, les U.S.A., https://www.example.org/index.Html et a.b@mail.Fr.
Le pays entier.Puis la nuit tombée.Enfin.
              ^ T001
                                  ^ T001
Fin de phrase. Début de la suivante ! Et une question ? Oui.
"#,
    );
    expect![[r#"
        a.txt:2:25-2:26 T001 hint: glued sentence `situation.La`: a space or line break is missing after the full stop
          fix: Insert a space => "Ankara suit la situation. La diplomatie turque espère le calme (GPL).Depuis janvier, rien."
        a.txt:2:68-2:69 T001 hint: glued sentence `(GPL).Depuis`: a space or line break is missing after the full stop
          fix: Insert a space => "Ankara suit la situation.La diplomatie turque espère le calme (GPL). Depuis janvier, rien."
        a.txt:3:27-3:28 T001 hint: glued sentence `situation.Les`: a space or line break is missing after the full stop
          fix: Insert a space => "[la situation]{place:kz.x}. Les forces de l’ordre ont été blessées.Une trentaine d’ambulances."
        a.txt:3:66-3:67 T001 hint: glued sentence `blessées.Une`: a space or line break is missing after the full stop
          fix: Insert a space => "[la situation]{place:kz.x}.Les forces de l’ordre ont été blessées. Une trentaine d’ambulances."
        a.txt:5:15-5:16 T001 hint: glued sentence `entier.Puis`: a space or line break is missing after the full stop
          fix: Insert a space => "Le pays\u{a0}entier. Puis la nuit\u{202f}tombée.Enfin."
        a.txt:5:35-5:36 T001 hint: glued sentence `tombée.Enfin.`: a space or line break is missing after the full stop
          fix: Insert a space => "Le pays\u{a0}entier.Puis la nuit\u{202f}tombée. Enfin."
    "#]].assert_eq(&got);
}

#[test]
fn t002_repeated_line_near_the_top() {
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a

Crise kazakhe: Ankara suit de près l’évolution de la situation

Crise kazakhe: Ankara suit de près l'évolution de la situation
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ T002

Court.
Court.
Paragraphe un.
Paragraphe deux.
Paragraphe trois.
Paragraphe quatre.
Crise kazakhe: Ankara suit de près l’évolution de la situation
"#,
    );
    expect![[r#"
        a.txt:5:1-5:63 T002 hint: this line repeats an earlier line of the article (a title scraped twice?)
          related here 37..103: first occurrence
          fix: Remove the repeated line => "Court."
    "#]]
    .assert_eq(&got);
}

// ---------------------------------------------------------------------------------------------
// Positions: CRLF line ends and characters beyond ASCII and beyond the BMP

#[test]
fn crlf_line_ends_keep_ranges_and_fixes() {
    let fixture = r#"
//- entities.tsv
id\ttype\tname
kz.gov\tgov\tGouvernement kazakh
//- a.txt
 date 2022/01 https://example.org/a Titre sur l’en-tête
      ^^^^^^^ H002
                                    ^^^^^^^^^^^^^^^^^^^ H006
«Tokaïev» 😀 [Tokaïev]{persn:kz.tokayev} a parlé.La suite [sans fin]{place:kz.almaty
                      ^^^^^ A004
                                               ^ T001
                                                                  ^^^^^^^^^^^^^^^^^ A001
[La suite]{protest actor=kz.tokayev} selon le [gouvernement]{gov:kz.gov} et Askar Mamine.
[Askar Mamine]{person:kz.mamin} du Gouvernement kazakh
                      ^^^^^^^^ A005
                                   ^^^^^^^^^^^^^^^^^^^ A011
"#;
    let crlf = fixture.replace('\n', "\r\n");
    let got = check_diagnostics(&crlf);
    expect![[r#"
        a.txt:1:7-1:14 H002 error: header date `2022/01` must be written YYYY-MM or YYYY-MM-DD
          fix: Write the date as 2022-01 => " date 2022-01 https://example.org/a Titre sur l’en-tête\r"
        a.txt:1:37-1:56 H006 information: body text on the header line; the article should start on its own line after the header
          fix: Move the text to its own line => " date 2022/01 https://example.org/a\r\n\r\nTitre sur l’en-tête\r"
        a.txt:2:23-2:28 A004 error: unknown type `persn`; did you mean `person`?
          fix: Change to `person` => "«Tokaïev» 😀 [Tokaïev]{person:kz.tokayev} a parlé.La suite [sans fin]{place:kz.almaty\r"
        a.txt:2:48-2:49 T001 hint: glued sentence `parlé.La`: a space or line break is missing after the full stop
          fix: Insert a space => "«Tokaïev» 😀 [Tokaïev]{persn:kz.tokayev} a parlé. La suite [sans fin]{place:kz.almaty\r"
        a.txt:2:67-2:84 A001 error: tag `]{` is not closed by `}` on this line
          fix: Close the tag with `}` => "«Tokaïev» 😀 [Tokaïev]{persn:kz.tokayev} a parlé.La suite [sans fin]{place:kz.almaty}\r"
        a.txt:4:23-4:31 A005 warning: `kz.mamin` is not in the registry
          fix: Add `kz.mamin` to entities.tsv => entities.tsv @44..44 insert "\r\nkz.mamin\tperson\tAskar Mamine"
        a.txt:4:36-4:55 A011 hint: untagged «Gouvernement kazakh» is a registered name of `kz.gov` (gov)
          fix: Tag as gov:kz.gov => "[Askar Mamine]{person:kz.mamin} du [Gouvernement kazakh]{gov:kz.gov}\r"
    "#]].assert_eq(&got);
}

#[test]
fn astral_characters_before_a_mention() {
    // 😀 is one character, two UTF-16 units and four bytes: markers count characters.
    let got = check_diagnostics(
        r#"
//- a.txt
 date 2022-01 https://example.org/a
😀😀 «[L’état d’urgence]{coerce.martial-laww:kz.emergency-2022-01 actor=kz.gov}» 👍🏽 [Almaty]{plase}
                              ^^^^^^^^^^^^ A004
                                                                      ^^^^^^ A008
                                                                                           ^^^^^ A004
"#,
    );
    expect![[r#"
        a.txt:2:31-2:43 A004 error: unknown mode `martial-laww` for `coerce` (modes: seize, restrict, censor, curfew, martial-law, arrest, deport, withhold, misinformation, cyber)
          fix: Change to `martial-law` => "😀😀 «[L’état d’urgence]{coerce.martial-law:kz.emergency-2022-01 actor=kz.gov}» 👍🏽 [Almaty]{plase}"
        a.txt:2:71-2:77 A008 error: unknown id `kz.gov`: no mention in the corpus is tagged with it
        a.txt:2:92-2:97 A004 error: unknown type `plase`; did you mean `place`?
          fix: Change to `place` => "😀😀 «[L’état d’urgence]{coerce.martial-laww:kz.emergency-2022-01 actor=kz.gov}» 👍🏽 [Almaty]{place}"
    "#]].assert_eq(&got);
}

#[test]
fn a011_not_in_a_broken_header_url() {
    let got = check_diagnostics(
        r#"
//- entities.tsv
id\ttype\tname
kz.almaty\tplace\tAlmaty
//- a.txt
 date 2022-01 www.almaty.kz/almaty
              ^^^^^^^^^^^^^^^^^^^^ H008
[Almaty]{place:kz.almaty} et Almaty.
                             ^^^^^^ A011
"#,
    );
    expect![[r#"
        a.txt:1:15-1:35 H008 error: `www.almaty.kz/almaty` after the date is not a valid URL; did you mean `https://www.almaty.kz/almaty`?
          fix: Fix the URL => " date 2022-01 https://www.almaty.kz/almaty"
        a.txt:2:30-2:36 A011 hint: untagged «Almaty» is a registered name of `kz.almaty` (place)
          fix: Tag as place:kz.almaty => "[Almaty]{place:kz.almaty} et [Almaty]{place:kz.almaty}."
    "#]].assert_eq(&got);
}
