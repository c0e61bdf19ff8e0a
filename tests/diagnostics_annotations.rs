//! The diagnostics of inline annotations (A001–A011): for each code a case that fires and a near
//! miss that must not, as fixtures whose markers give the expected ranges (see `support::fixture`),
//! with a snapshot of messages and fixes.
//!
//! Registry and schema rows write a tab as `\t`, which is one character of the file: markers
//! under such rows sit one column left of the visual position per tab before them.

mod support;

use expect_test::expect;
use support::check_diagnostics;

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
