//! The diagnostics of registries (R001–R005), the schema (S001) and the article's text (T001,
//! T002), and positions with CRLF line ends and characters beyond ASCII: for each code a case that
//! fires and a near miss that must not, as fixtures whose markers give the expected ranges (see
//! `support::fixture`), with a snapshot of messages and fixes.
//!
//! Registry and schema rows write a tab as `\t`, which is one character of the file: markers
//! under such rows sit one column left of the visual position per tab before them.

mod support;

use expect_test::expect;
use support::check_diagnostics;

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
