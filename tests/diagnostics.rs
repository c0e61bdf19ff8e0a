//! Every diagnostic code: a case that fires and a near miss that must not, as fixtures whose
//! markers give the expected ranges (see `support`), with a snapshot of messages and fixes.

mod support;

use expect_test::expect;
use support::check_diagnostics;

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
          fix: Move the text to its own line => " date 2022-01"
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
        a.txt:2:59-2:69 A008 error: unknown id `kz.tokayev`: it is not in the registry and no mention is tagged with it
    "#]]
    .assert_eq(&got);
}
