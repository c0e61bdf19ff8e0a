//! The diagnostics of a file's encoding and header line (F001, H001–H009): for each code a case
//! that fires and a near miss that must not, as fixtures whose markers give the expected ranges
//! (see `support::fixture`), with a snapshot of messages and fixes.

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
