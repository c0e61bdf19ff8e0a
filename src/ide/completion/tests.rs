//! Completion's items and edits, checked on fixtures.

use super::*;
use crate::ide::fixture::Fixture;

const REGISTRY: &str = r#"
//- entities.tsv
id\ttype\tname\taliases\tdescription
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh\tPresident of Kazakhstan
kz.nazarbayev\tperson\tNoursoultan Nazarbaïev\tElbassy\t
kz.almaty\tplace\tAlmaty\tAlma-Ata\t
kz.gov\tgov\tGouvernement du Kazakhstan\t\t
"#;

/// One line per item, best first: kind, label, detail, and `replaced → inserted`; a `|`
/// marks the cursor in what is replaced when the replacement reaches past it.
fn check(article: &str) -> String {
    let fixture = format!(
        "{REGISTRY}//- b.txt\n date 2022-01-04\n\n[Tokaïev]{{person:kz.tokayev}} [x]{{person:adhoc.lieutenant}}\n//- a.txt\n{article}"
    );
    let f = Fixture::parse(&fixture);
    let (file, offset) = f.cursor();
    let text = f.text_of(file);
    let Some(c) = completions(&f.corpus, file, text, offset, true) else { return "none\n".into() };
    let mut out = String::new();
    if c.incomplete {
        out.push_str("(incomplete)\n");
    }
    for i in &c.items {
        assert!(i.range.touches(offset), "{i:?} does not contain the cursor");
        // LSP's `InsertReplaceEdit`: the insert range a prefix of the replace range, both
        // holding the cursor.
        assert!(i.insert_range.start == i.range.start && i.insert_range.end <= i.range.end, "{i:?}");
        assert!(i.insert_range.touches(offset), "{i:?}");
        let replaced = match i.range.end > i.insert_range.end {
            true => {
                format!("{}|{}", &text[i.insert_range], &text[i.insert_range.end as usize..i.range.end as usize])
            }
            false => text[i.range].to_string(),
        };
        out.push_str(&format!(
            "{:?} {}{} · {} · {:?} → {:?}\n",
            i.kind,
            if i.preselect { "*" } else { "" },
            i.label,
            i.detail.as_deref().unwrap_or("-"),
            replaced,
            i.insert
        ));
    }
    out
}

fn body(line: &str) -> String {
    format!(" date 2022-01-05 https://example.org/a\n\nTitre\n\n{line}\n")
}

#[test]
fn after_the_brace_pairs_matching_the_surface_then_types() {
    let out = check(&body("Le [TOKAIEV]{$0} a parlé."));
    expect_test::expect![[r#"
        Id person:kz.tokayev · Kassym-Jomart Tokaïev · "" → "person:kz.tokayev"
        EntityType person · A named individual · "" → "person"
        EntityType group · An unnamed collective actor: protesters, police forces, citizens · "" → "group"
        EntityType org · A named organisation: party, company, NGO, media outlet · "" → "org"
        EntityType gov · A government, ministry, state institution or armed force · "" → "gov"
        EntityType place · A named location: country, region, city, site · "" → "place"
        EventType agree · Agree to, or sign, an agreement, settlement or joint statement · "" → "agree"
        EventType consult · Meet, visit, call or hold talks with another actor · "" → "consult"
        EventType support · Praise, endorse or express support for another actor or policy · "" → "support"
        EventType concede · Make a concession: ease restrictions, change policy, apologise · "" → "concede"
        EventType cooperate · Cooperate: form an alliance, share intelligence, work together · "" → "cooperate"
        EventType aid · Provide material, economic, military or humanitarian aid · "" → "aid"
        EventType retreat · Back down: withdraw, release, disarm, agree a ceasefire, resign · "" → "retreat"
        EventType request · Ask for aid, a change of policy, a concession or a meeting · "" → "request"
        EventType accuse · Criticise, denounce, investigate or allege wrongdoing · "" → "accuse"
        EventType reject · Refuse a request, proposal or demand · "" → "reject"
        EventType threaten · Threaten to restrict, arrest, cut relations, expel or use violence · "" → "threaten"
        EventType protest · Demonstrate, riot, strike, boycott or obstruct in protest · "" → "protest"
        EventType sanction · Impose sanctions, convict, expel or cut ties with another actor · "" → "sanction"
        EventType mobilize · Mobilise or deploy troops, weapons, police or militias · "" → "mobilize"
        EventType coerce · Use state power to control: seize, restrict, censor, impose curfew or martial law, arrest · "" → "coerce"
        EventType assault · Use violence against people or property · "" → "assault"
    "#]]
    .assert_eq(&out);
    // The brace the editor closed by itself, and text typed already.
    let out = check(&body("[Alma-Ata]{pl$0}"));
    expect_test::expect![[r#"
        Id *place:kz.almaty · Almaty · "pl" → "place:kz.almaty"
        EntityType person · A named individual · "pl" → "person"
        EntityType group · An unnamed collective actor: protesters, police forces, citizens · "pl" → "group""#]]
    .assert_eq(&out.lines().take(3).collect::<Vec<_>>().join("\n"));
    // An event's surface: its participants' names are no match; event types first.
    let out = check(&body("[[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{$0}"));
    assert!(out.starts_with("EventType agree"), "{out}");
    assert!(!out.contains("kz.tokayev"), "{out}");
    // With an id after the cursor, only the type is replaced.
    let out = check(&body("[Alma-Ata]{pl$0:kz.almaty}"));
    assert!(out.lines().all(|l| l.ends_with(r#""pl" → "place""#) || !l.contains("place")), "{out}");
    assert!(!out.contains("kz."), "{out}");
}

#[test]
fn after_the_colon_ids_of_the_type_ranked_by_the_surface() {
    expect_test::expect![[r#"
        Id kz.tokayev · Kassym-Jomart Tokaïev · "" → "kz.tokayev"
        Id adhoc.lieutenant · person · not in the registry, used once · "" → "adhoc.lieutenant"
        Id kz.nazarbayev · Noursoultan Nazarbaïev · "" → "kz.nazarbayev"
    "#]]
    .assert_eq(&check(&body("Le [président]{person:$0}")));
    expect_test::expect![[r#"
        (incomplete)
        Id kz.nazarbayev · Noursoultan Nazarbaïev · "naz" → "kz.nazarbayev"
    "#]]
    .assert_eq(&check(&body("Le [président]{person:naz$0} [Almaty]{place:kz.almaty}")));
    expect_test::expect![[r#"
        Mode seize · mode of `coerce` · "" → "seize"
        Mode restrict · mode of `coerce` · "" → "restrict"
        Mode censor · mode of `coerce` · "" → "censor"
        Mode curfew · mode of `coerce` · "" → "curfew"
        Mode martial-law · mode of `coerce` · "" → "martial-law"
        Mode arrest · mode of `coerce` · "" → "arrest"
        Mode deport · mode of `coerce` · "" → "deport"
        Mode withhold · mode of `coerce` · "" → "withhold"
        Mode misinformation · mode of `coerce` · "" → "misinformation"
        Mode cyber · mode of `coerce` · "" → "cyber"
    "#]]
    .assert_eq(&check(&body("[Almaty]{coerce.$0}")));
}

#[test]
fn roles_still_open_and_the_values_they_allow() {
    // `when` takes one value and has it; `recipient` is required for `aid`.
    expect_test::expect![[r#"
        Role recipient · recipient:person|group|org|gov+ · "" → "recipient="
        Role actor · actor:person|group|org|gov* · "" → "actor="
        Role where · where:place* · "" → "where="
    "#]]
    .assert_eq(&check(&body("[L’aide]{aid when=2022-01 $0}")));
    // The event's participants first, then this paragraph, this article, the corpus.
    expect_test::expect![[r#"
        Id kz.tokayev · Kassym-Jomart Tokaïev · person · "" → "kz.tokayev"
        Id adhoc.lieutenant · person · not in the registry, used once · "" → "adhoc.lieutenant"
        Id kz.nazarbayev · Noursoultan Nazarbaïev · person · "" → "kz.nazarbayev"
    "#]]
    .assert_eq(&check(&body(
        "[Almaty]{place:kz.almaty} : [[Tokaïev]{person:kz.tokayev} a limogé [le gouvernement]{gov:kz.gov}]{concede actor=kz.gov,$0 where=kz.almaty}",
    )));
    expect_test::expect![[r#"
        Id kz.almaty · Almaty · place · "k" → "kz.almaty"
    "#]]
    .assert_eq(&check(&body("[Les troupes]{mobilize where=k$0}")));
    expect_test::expect![[r#"
        Date YYYY-MM-DD · a date, from the article's date · "" → "${1:2022}-${2:01}-${3:05}"
        Date 2022-01-05 · the article's date · "" → "2022-01-05"
        Date 2022-01 · the month of the article's date · "" → "2022-01"
    "#]]
    .assert_eq(&check(&body("[Les troupes]{mobilize when=$0}")));
}

/// [`check`] in a corpus where the event `kz.protests` is tagged in two other articles.
fn check_known(line: &str) -> String {
    let other = |date: &str, args: &str| {
        format!(" date {date}\n\n[Les manifestations]{{protest.demo:kz.protests {args}}} ont repris.\n")
    };
    let fixture = format!(
        "{REGISTRY}//- b.txt\n{}//- c.txt\n{}//- a.txt\n{}",
        other("2022-01-04", "actor=kz.gov where=kz.almaty when=2022-01-04"),
        other("2022-01-05", "where=kz.almaty"),
        body(line),
    );
    let f = Fixture::parse(&fixture);
    let (file, offset) = f.cursor();
    let c = completions(&f.corpus, file, f.text_of(file), offset, false).unwrap();
    c.items
        .iter()
        .map(|i| {
            format!(
                "{:?} {}{} · {}\n",
                i.kind,
                if i.preselect { "*" } else { "" },
                i.label,
                i.detail.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn after_an_event_id_used_elsewhere_its_known_roles_and_values_first() {
    // All the known roles in one item, then each; then the roles, those given here last.
    expect_test::expect![[r#"
        Role where=kz.almaty actor=kz.gov when=2022-01-04 · as its 2 other mentions have it
        Role where=kz.almaty · as its 2 other mentions have it
        Role actor=kz.gov · as its 2 other mentions have it
        Role when=2022-01-04 · as its 2 other mentions have it
        Role actor · actor:person|group|org|gov*
        Role recipient · recipient:person|group|org|gov*
        Role where · where:place*
        Role when · when:date?
    "#]]
    .assert_eq(&check_known("[La foule]{protest.demo:kz.protests $0}"));
    // Given here already: not suggested again; `when` takes one value and has it.
    expect_test::expect![[r#"
        Role actor=kz.gov · as its 2 other mentions have it
        Role actor · actor:person|group|org|gov*
        Role recipient · recipient:person|group|org|gov*
        Role where · where:place*
    "#]]
    .assert_eq(&check_known("[La foule]{protest:kz.protests where=kz.almaty when=2022-01 $0}"));
    // After `role=`: the known values first, then the participants and the rest.
    let out = check_known("[La [police]{group:kz.police}]{protest:kz.protests actor=$0}");
    assert!(out.starts_with("Id kz.gov · Gouvernement du Kazakhstan · gov\nId kz.police "), "{out}");
    // Another mention of the event in this article counts; the one being written does not.
    let out = check_known("[A]{protest:kz.protests recipient=kz.tokayev}. [B]{protest:kz.protests $0}");
    assert!(out.contains("Role recipient=kz.tokayev · as its 3 other mentions have it\n"), "{out}");
    // An id used nowhere else, or no id: the roles alone.
    assert!(check_known("[La foule]{protest:kz.new $0}").starts_with("Role actor · "));
    assert!(check_known("[La foule]{protest $0}").starts_with("Role actor · "));
}

#[test]
fn each_participant_in_each_open_role_that_takes_it_and_the_date_written_in_the_event() {
    // A person in `actor` and `recipient`, a place in `where`, the date of «le 8 janvier»;
    // `actor` given already, and a participant given already, are left out.
    let out = check_known(
        "[[Tokaïev]{person:kz.tokayev} a reçu [Noursoultan]{person:kz.nazarbayev} à [Almaty]{place:kz.almaty} le 8 janvier]{consult actor=kz.tokayev $0}",
    );
    let pairs: Vec<&str> = out.lines().filter(|l| l.contains('=')).collect();
    assert_eq!(
        pairs,
        [
            "Role recipient=kz.nazarbayev · from the event's text",
            "Role where=kz.almaty · from the event's text",
            "Role when=2022-01-08 · from the event's text"
        ],
        "{out}"
    );
}

#[test]
fn after_when_the_date_written_in_the_event_and_its_sentence() {
    // «le 8 janvier» in an article of 2022-01-05; the event's text before its sentence.
    expect_test::expect![[r#"
        Date *2022-01-08 · «8 janvier» in the event
        Date 2021-12-30 · «30 décembre» in its sentence
        Date 2022-01-05 · the article's date
        Date 2022-01 · the month of the article's date
    "#]]
    .assert_eq(&check_known(
        "Hier, rien. Depuis le 30 décembre, [la foule a manifesté le 8 janvier]{protest when=$0} à Almaty. Le 3 février, non.",
    ));
    // The known date of the event comes first.
    let out = check_known("[La foule a manifesté le 8 janvier]{protest:kz.protests when=$0}");
    assert!(
        out.starts_with(
            "Date 2022-01-04 · as the event's other mentions have it\nDate 2022-01-08 · «8 janvier» in the event\n"
        ),
        "{out}"
    );
}

#[test]
fn header_on_an_empty_first_line_and_nothing_outside_tags() {
    expect_test::expect![[r#"
        Header *date 2024-06 · Header dated this month; the source URL goes after it · "" → " date 2024-06 "
        Header date 2024-06-15 · Header dated today; the source URL goes after it · "" → " date 2024-06-15 "
    "#]]
    .assert_eq(&check("$0\n\nTitre\n"));
    expect_test::expect![[r#"
        Header *date 2024-06 · Header dated this month; the source URL goes after it · " d" → " date 2024-06 "
        Header date 2024-06-15 · Header dated today; the source URL goes after it · " d" → " date 2024-06-15 "
    "#]]
    .assert_eq(&check(" d$0\n\nTitre\n"));
    assert_eq!(check(" date 2022-01$0\n"), "none\n");
    assert_eq!(check(&body("Le pré$0sident: [x]{person}")), "none\n");
    assert_eq!(check(&body("[x]{person} $0")), "none\n");
    assert_eq!(check(&body("[x]{person:kz.tokayev $0}")), "none\n");
    assert_eq!(check(&body("[x]$0{person}")), "none\n");
    assert_eq!(check(&body("[x\\]{$0}")), "none\n");
    // CRLF: the `\r` is not part of the line.
    assert!(check("$0\r\n\r\nTitre\r\n").contains(r#""" → " date 2024-06 ""#));
    let crlf = check(" date 2022-01-05\r\n\r\n[Almaty]{place:$0}\r\n");
    assert!(crlf.starts_with(r#"Id kz.almaty · Almaty · "" → "kz.almaty""#), "{crlf}");
}

/// The first `n` items of [`check`] of an article whose body is `line`.
fn first(n: usize, line: &str) -> String {
    check(&body(line)).lines().filter(|l| *l != "(incomplete)").take(n).map(|l| format!("{l}\n")).collect()
}

#[test]
fn what_follows_the_cursor_is_replaced_only_when_it_is_the_rest_of_the_token() {
    // Typed in front of prose: `), qui` stays, whatever the context.
    expect_test::expect![[r#"
        Id kz.gov · Gouvernement du Kazakhstan · "" → "kz.gov"
    "#]]
    .assert_eq(&first(1, "Le [KNB]{gov:$0), qui"));
    expect_test::expect![[r#"
        EntityType person · A named individual · "" → "person"
    "#]]
    .assert_eq(&first(1, "Le [KNB]{$0), qui"));
    expect_test::expect![[r#"
        Mode seize · mode of `coerce` · "" → "seize"
    "#]]
    .assert_eq(&first(1, "Le [KNB]{coerce.$0), qui"));
    expect_test::expect![[r#"
        Role actor · actor:person|group|org|gov* · "" → "actor="
    "#]]
    .assert_eq(&first(1, "[La foule]{protest $0), qui"));
    expect_test::expect![[r#"
        Id kz.almaty · Almaty · place · "k" → "kz.almaty"
    "#]]
    .assert_eq(&first(1, "[Les troupes]{mobilize where=k$0), qui"));
    // The rest of the same token is replaced (and overwritten only up to the cursor when
    // the editor inserts).
    expect_test::expect![[r#"
        Id kz.tokayev · Kassym-Jomart Tokaïev · "kz.to|kayev" → "kz.tokayev"
    "#]]
    .assert_eq(&first(1, "Le [président]{person:kz.to$0kayev} a parlé."));
    expect_test::expect![[r#"
        Id *place:kz.almaty · Almaty · "pl|ace" → "place:kz.almaty"
        EntityType person · A named individual · "pl|ace" → "person"
    "#]]
    .assert_eq(&first(2, "[Alma-Ata]{pl$0ace}"));
    expect_test::expect![[r#"
        Mode seize · mode of `coerce` · "cur|few" → "seize"
    "#]]
    .assert_eq(&first(1, "[Almaty]{coerce.cur$0few:kz.x}"));
    // A role's name before its `=`: the `=` and the value stay.
    expect_test::expect![[r#"
        Role recipient · recipient:person|group|org|gov+ · "rec|ipient" → "recipient"
    "#]]
    .assert_eq(&first(1, "[L’aide]{aid rec$0ipient=kz.gov}"));
    expect_test::expect![[r#"
        Id kz.almaty · Almaty · place · "kz.al|maty" → "kz.almaty"
    "#]]
    .assert_eq(&first(1, "[Les troupes]{mobilize where=kz.al$0maty,kz.x}"));
    expect_test::expect![[r#"
        Date YYYY-MM-DD · a date, from the article's date · "2022-0|1" → "${1:2022}-${2:01}-${3:05}"
    "#]]
    .assert_eq(&first(1, "[Les troupes]{mobilize when=2022-0$01}"));
    // A closing brace, another role, a comma, the end of the line: not replaced.
    expect_test::expect![[r#"
        Id kz.tokayev · Kassym-Jomart Tokaïev · "kz.to" → "kz.tokayev"
    "#]]
    .assert_eq(&first(1, "Le [président]{person:kz.to$0}"));
    expect_test::expect![[r#"
        Id kz.tokayev · Kassym-Jomart Tokaïev · "kz.to" → "kz.tokayev"
    "#]]
    .assert_eq(&first(1, "Le [président]{person:kz.to$0"));
    expect_test::expect![[r#"
        Id kz.almaty · Almaty · place · "k" → "kz.almaty"
    "#]]
    .assert_eq(&first(1, "[Les troupes]{mobilize where=k$0 actor=kz.gov}"));
    expect_test::expect![[r#"
        Id kz.almaty · Almaty · place · "k" → "kz.almaty"
    "#]]
    .assert_eq(&first(1, "[Les troupes]{mobilize where=k$0,kz.x}"));
    expect_test::expect![[r#"
        Role recipient · recipient:person|group|org|gov+ · "" → "recipient="
    "#]]
    .assert_eq(&first(1, "[L’aide]{aid $0where=kz.almaty}"));
    // At a token's start, the token after the cursor is another one: nothing replaced.
    expect_test::expect![[r#"
        Id kz.almaty · Almaty · place · "" → "kz.almaty"
    "#]]
    .assert_eq(&first(1, "[Les troupes]{mobilize where=$0kz.x}"));
    // Line 1 is the start of the header as a whole.
    expect_test::expect![[r#"
        Header *date 2024-06 · Header dated this month; the source URL goes after it · " d|at" → " date 2024-06 "
    "#]]
    .assert_eq(&check(" d$0at\n\nTitre\n").lines().take(1).map(|l| format!("{l}\n")).collect::<String>());
}

#[test]
fn any_offset_of_odd_markup_gives_items_whose_range_holds_the_cursor() {
    let text = body(
        "😀 [a [b]{person:kz.x c=}]{concede actor=kz.tokayev,,when=20 } \\[x]{ [y]{ :} ]{ [z]{place.:}\t[w]{aid  r=}",
    );
    let fixture = format!("{REGISTRY}//- a.txt\n{text}");
    let f = Fixture::parse(&fixture);
    let file = f.file("a.txt");
    let text = f.text_of(file);
    for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
        for snippets in [false, true] {
            let Some(c) = completions(&f.corpus, file, text, offset as u32, snippets) else { continue };
            for i in &c.items {
                assert!(i.range.touches(offset as u32) && !text[i.range].contains('\n'), "{offset}: {i:?}");
            }
        }
    }
}
