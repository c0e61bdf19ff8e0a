//! The features that show the corpus, end to end over stdio: semantic tokens (full, delta,
//! range), document and workspace symbols, document links, inlay hints and code lens.
//!
//! Semantic tokens are decoded here with the test's own model of positions (not the crate's
//! `LineIndex`) and checked against the text they cover.

mod support;

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\twikidata\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh\tQ362113\n\
kz.almaty\tplace\tAlmaty\tAlma-Ata\t\n\
kz.gov\tgov\tGouvernement du Kazakhstan\t\tjavascript:alert(1)\n\
kz.protesters\tgroup\tManifestants de Janaozen\t\tcommand:workbench.action.quit\n\
kz.nur-otan\torg\tNur Otan\t\tQ1424863\n\
kz.unused\tplace\tNulle part\t\t\n";

/// Every entity type of the default schema, an event with a nested entity, emoji before
/// mentions on the same line.
const A: &str = " date 2022-01-05 https://example.org/a\n\
\n\
Crise au Kazakhstan 😀\n\
\n\
[[Tokaïev]{person:kz.tokayev} a limogé [le gouvernement]{gov:kz.gov}]{concede actor=kz.tokayev recipient=kz.gov when=2022-01-05} 😀 à [Alma-Ata]{place:kz.almaty}.\n\
Les [manifestants]{group:kz.protesters} et 😀 [Nur Otan]{org:kz.nur-otan} [protestent]{protest.demo actor=kz.protesters}.\n";

const B: &str = " date 2022-01-06 https://example.org/b\n\
\n\
Le président répond\n\
\n\
[Kassym-Jomart Tokaïev]{person:kz.tokayev} parle de [l’État]{gov:kz.etat-adhoc}.\n";

fn workspace() -> Vec<(&'static str, &'static str)> {
    vec![("entities.tsv", REGISTRY), ("seeds/a.txt", A), ("seeds/b.txt", B)]
}

// ---------------------------------------------------------------------------------------------
// Semantic tokens, decoded.

/// The byte offset of a protocol position, from the test's own model of the text.
fn offset_at(text: &str, line: usize, col: usize, enc: Enc) -> usize {
    let start = text.split_inclusive('\n').take(line).map(str::len).sum::<usize>();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= col || c == '\n' {
            return start + i;
        }
        units += if enc == Enc::Utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    text.len()
}

/// `(covered text, token type name)` of every token, checking they are sorted, disjoint and on
/// one line each.
fn decode(text: &str, data: &Value, legend: &Value, enc: Enc) -> Vec<(String, String)> {
    let data: Vec<usize> = data.as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    assert_eq!(data.len() % 5, 0);
    let (mut line, mut col, mut last_end) = (0, 0, 0);
    let mut out = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let start = offset_at(text, line, col, enc);
        let end = offset_at(text, line, col + t[2], enc);
        assert!(start >= last_end, "overlapping tokens at {line}:{col}");
        assert!(!text[start..end].contains('\n'), "multi-line token at {line}:{col}");
        assert_eq!(t[4], 0, "no modifiers");
        last_end = end;
        out.push((text[start..end].to_string(), legend[t[3]].as_str().unwrap().to_string()));
    }
    out
}

fn tokens(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

const STANDARD_TYPES: [&str; 23] = [
    "namespace",
    "type",
    "class",
    "enum",
    "interface",
    "struct",
    "typeParameter",
    "parameter",
    "variable",
    "property",
    "enumMember",
    "event",
    "function",
    "method",
    "macro",
    "keyword",
    "modifier",
    "comment",
    "string",
    "number",
    "regexp",
    "operator",
    "decorator",
];

#[test]
fn semantic_tokens_colour_each_type_differently_and_split_nested_mentions_in_both_encodings() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = Client::start(&workspace(), caps(enc == Enc::Utf8, json!({})));
        let legend = client.capabilities["semanticTokensProvider"]["legend"]["tokenTypes"].clone();
        for t in legend.as_array().unwrap() {
            assert!(STANDARD_TYPES.contains(&t.as_str().unwrap()), "non-standard token type {t}");
        }
        client.open("seeds/a.txt", A);
        let result = client
            .request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": client.uri("seeds/a.txt")}}));
        assert!(result["resultId"].is_string());
        let got = decode(A, &result["data"], &legend, enc);
        let expected = tokens(&[
            ("2022-01-05", "number"),
            ("https://example.org/a", "macro"),
            // The event's surface is split around the two entities nested in it.
            ("[[", "comment"),
            ("Tokaïev", "class"),
            ("]{person:", "comment"),
            ("kz.tokayev", "variable"),
            ("}", "comment"),
            (" a limogé ", "function"),
            ("[", "comment"),
            ("le gouvernement", "type"),
            ("]{gov:", "comment"),
            ("kz.gov", "variable"),
            // Touching markup is one token.
            ("}]{concede ", "comment"),
            ("actor", "property"),
            ("=", "comment"),
            ("kz.tokayev", "variable"),
            (" ", "comment"),
            ("recipient", "property"),
            ("=", "comment"),
            ("kz.gov", "variable"),
            (" ", "comment"),
            ("when", "property"),
            ("=", "comment"),
            ("2022-01-05", "number"),
            ("}", "comment"),
            ("[", "comment"),
            ("Alma-Ata", "string"),
            ("]{place:", "comment"),
            ("kz.almaty", "variable"),
            ("}", "comment"),
            ("[", "comment"),
            ("manifestants", "parameter"),
            ("]{group:", "comment"),
            ("kz.protesters", "variable"),
            ("}", "comment"),
            ("[", "comment"),
            ("Nur Otan", "enumMember"),
            ("]{org:", "comment"),
            ("kz.nur-otan", "variable"),
            ("}", "comment"),
            ("[", "comment"),
            ("protestent", "function"),
            ("]{protest.demo ", "comment"),
            ("actor", "property"),
            ("=", "comment"),
            ("kz.protesters", "variable"),
            ("}", "comment"),
        ]);
        assert_eq!(got, expected, "{}", if enc == Enc::Utf8 { "utf-8" } else { "utf-16" });
        // Persons, groups, organisations, governments, places and events all differ, and
        // differ from ids, roles, dates, the URL and the markup.
        let surface = |s: &str| got.iter().find(|(t, _)| t == s).unwrap().1.clone();
        let mut kinds: Vec<String> =
            ["Tokaïev", "manifestants", "Nur Otan", "le gouvernement", "Alma-Ata", "protestent"]
                .iter()
                .map(|s| surface(s))
                .chain(["kz.gov", "actor", "2022-01-05", "https://example.org/a", "[["].iter().map(|s| surface(s)))
                .collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), 11, "{kinds:?}");
        client.shutdown();
    }
}

/// Applies `full/delta` edits to a previous token array.
fn apply(old: &Value, edits: &Value) -> Vec<Value> {
    let mut data = old.as_array().unwrap().clone();
    let mut edits = edits.as_array().unwrap().clone();
    // Edits refer to the original array: apply from the back.
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64().unwrap()));
    for e in edits {
        let start = e["start"].as_u64().unwrap() as usize;
        let delete = e["deleteCount"].as_u64().unwrap() as usize;
        let insert = e.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
        data.splice(start..start + delete, insert);
    }
    data
}

#[test]
fn semantic_tokens_delta_is_an_edit_of_the_previous_result() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.open("seeds/a.txt", A);
    let doc = json!({"uri": client.uri("seeds/a.txt")});
    let legend = client.capabilities["semanticTokensProvider"]["legend"]["tokenTypes"].clone();
    let first = client.request("textDocument/semanticTokens/full", json!({"textDocument": doc}));
    // Nothing changed: an empty delta.
    let same = client.request(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": doc, "previousResultId": first["resultId"]}),
    );
    assert_eq!(same["edits"], json!([]));
    assert_ne!(same["resultId"], first["resultId"]);
    // Tag a word after the emoji on the last line: one small edit.
    let (s, e) = find(A, "Les");
    client.change("seeds/a.txt", 2, json!([{"range": range(A, s, e, Enc::Utf16), "text": "[Les]{group}"}]));
    let text = A.replacen("Les", "[Les]{group}", 1);
    let delta = client.request(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": doc, "previousResultId": same["resultId"]}),
    );
    let edits = delta["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{delta}");
    assert!(edits[0]["deleteCount"].as_u64().unwrap() <= 5, "{delta}");
    let patched = Value::Array(apply(&first["data"], &delta["edits"]));
    let full = client.request("textDocument/semanticTokens/full", json!({"textDocument": doc}));
    assert_eq!(patched, full["data"]);
    let decoded = decode(&text, &patched, &legend, Enc::Utf16);
    assert!(decoded.contains(&("Les".to_string(), "parameter".to_string())), "{decoded:?}");
    // A result id the server does not hold (or an older one): the whole result again.
    for stale in [json!("no-such-id"), delta["resultId"].clone()] {
        let again = client
            .request("textDocument/semanticTokens/full/delta", json!({"textDocument": doc, "previousResultId": stale}));
        assert_eq!(again["data"], full["data"], "{again}");
        assert!(again.get("edits").is_none());
    }
    client.shutdown();
}

#[test]
fn semantic_tokens_of_a_range_cover_only_its_lines() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = Client::start(&workspace(), caps(enc == Enc::Utf8, json!({})));
        let legend = client.capabilities["semanticTokensProvider"]["legend"]["tokenTypes"].clone();
        client.open("seeds/a.txt", A);
        // From inside "manifestants" to just after the emoji: tokens of the range, with
        // positions relative to the start of the document.
        let (s, _) = find(A, "ifestants");
        let (_, e) = find_nth(A, "😀", 2);
        let result = client.request(
            "textDocument/semanticTokens/range",
            json!({"textDocument": {"uri": client.uri("seeds/a.txt")}, "range": range(A, s, e, enc)}),
        );
        assert!(result.get("resultId").is_none());
        assert_eq!(
            decode(A, &result["data"], &legend, enc),
            tokens(&[
                ("manifestants", "parameter"),
                ("]{group:", "comment"),
                ("kz.protesters", "variable"),
                ("}", "comment"),
            ])
        );
        client.shutdown();
    }
}

// ---------------------------------------------------------------------------------------------
// Symbols.

/// `name (detail) kind [range text]`, children indented.
fn outline(text: &str, symbols: &Value, depth: usize, out: &mut Vec<String>) {
    for s in symbols.as_array().unwrap() {
        let r = &s["range"];
        let (start, end) = (
            offset_at(
                text,
                r["start"]["line"].as_u64().unwrap() as usize,
                r["start"]["character"].as_u64().unwrap() as usize,
                Enc::Utf16,
            ),
            offset_at(
                text,
                r["end"]["line"].as_u64().unwrap() as usize,
                r["end"]["character"].as_u64().unwrap() as usize,
                Enc::Utf16,
            ),
        );
        let detail = s["detail"].as_str().map(|d| format!(" ({d})")).unwrap_or_default();
        let mut covered = text[start..end].to_string();
        if covered.chars().count() > 20 {
            covered = format!("{}…", covered.chars().take(20).collect::<String>());
        }
        out.push(format!("{}{}{detail} {} [{covered}]", "  ".repeat(depth), s["name"].as_str().unwrap(), s["kind"]));
        if let Some(children) = s.get("children") {
            outline(text, children, depth + 1, out);
        }
    }
}

#[test]
fn document_symbols_outline_header_events_roles_and_entities() {
    let hierarchical = json!({"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}});
    let mut client = Client::start(&workspace(), caps(false, hierarchical));
    client.open("seeds/a.txt", A);
    let symbols =
        client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": client.uri("seeds/a.txt")}}));
    let mut got = Vec::new();
    outline(A, &symbols, 0, &mut got);
    assert_eq!(
        got,
        [
            // File, Number, Key
            "2022-01-05 (https://example.org/a) 1 [ date 2022-01-05 htt…]",
            "  2022-01-05 16 [2022-01-05]",
            "  https://example.org/a 20 [https://example.org/…]",
            // Event, with its nested entities and its roles (Property).
            "Tokaïev a limogé le gouvernement (concede) 24 [[[Tokaïev]{person:kz…]",
            "  Tokaïev (person:kz.tokayev) 5 [[Tokaïev]{person:kz.…]",
            "  le gouvernement (gov:kz.gov) 23 [[le gouvernement]{go…]",
            "  actor (kz.tokayev) 7 [actor=kz.tokayev]",
            "  recipient (kz.gov) 7 [recipient=kz.gov]",
            "  when (2022-01-05) 7 [when=2022-01-05]",
            // Place (String), group (Variable), org (EnumMember), event.
            "Alma-Ata (place:kz.almaty) 15 [[Alma-Ata]{place:kz.…]",
            "manifestants (group:kz.protesters) 13 [[manifestants]{group…]",
            "Nur Otan (org:kz.nur-otan) 22 [[Nur Otan]{org:kz.nu…]",
            "protestent (protest.demo) 24 [[protestent]{protest…]",
            "  actor (kz.protesters) 7 [actor=kz.protesters]",
        ]
    );
    // The registry's outline: its rows.
    let symbols =
        client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": client.uri("entities.tsv")}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Kassym-Jomart Tokaïev",
            "Almaty",
            "Gouvernement du Kazakhstan",
            "Manifestants de Janaozen",
            "Nur Otan",
            "Nulle part"
        ]
    );
    assert_eq!(symbols[0]["detail"], "kz.tokayev · person");
    client.shutdown();

    // A client without hierarchy support gets a flat list with container names.
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.open("seeds/a.txt", A);
    let symbols =
        client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": client.uri("seeds/a.txt")}}));
    let flat: Vec<(String, Value)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["containerName"].clone()))
        .collect();
    assert_eq!(flat.len(), 14);
    assert!(flat.contains(&("recipient".to_string(), json!("Tokaïev a limogé le gouvernement"))), "{flat:?}");
    assert!(symbols[0]["location"]["uri"] == client.uri("seeds/a.txt"));
    client.shutdown();
}

#[test]
fn workspace_symbols_are_fuzzy_accent_insensitive_and_ranked() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    let names = |client: &mut Client, query: &str| -> Vec<(String, String)> {
        let result = client.request("workspace/symbol", json!({"query": query}));
        result
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap().to_string(), s["containerName"].as_str().unwrap_or("").to_string()))
            .collect()
    };
    // Accents and case: `tokaiev` finds the registry row through its alias, first.
    let found = names(&mut client, "TOKAIEV");
    assert_eq!(found[0], ("Kassym-Jomart Tokaïev".to_string(), "kz.tokayev · person · alias “Tokaïev”".to_string()));
    // Fuzzy, on word starts: "gdk" is Gouvernement du Kazakhstan.
    assert_eq!(names(&mut client, "gdk")[0].0, "Gouvernement du Kazakhstan");
    // Ids without a registry row (closed file b.txt, never opened), and titles.
    let found = names(&mut client, "etat adhoc");
    assert_eq!(found, [("kz.etat-adhoc".to_string(), "gov".to_string())]);
    let result = client.request("workspace/symbol", json!({"query": "president repond"}));
    assert_eq!(result[0]["name"], "Le président répond");
    assert_eq!(result[0]["location"]["uri"], client.uri("seeds/b.txt"));
    let (s, e) = find(B, "Le président répond");
    assert_eq!(result[0]["location"]["range"], range(B, s, e, Enc::Utf16));
    // The registry row's location is its row.
    let result = client.request("workspace/symbol", json!({"query": "almaty"}));
    assert_eq!(result[0]["location"]["uri"], client.uri("entities.tsv"));
    let (s, _) = find(REGISTRY, "kz.almaty");
    let e = s + REGISTRY[s..].find('\n').unwrap();
    assert_eq!(result[0]["location"]["range"], range(REGISTRY, s, e, Enc::Utf16));
    // Nothing matches.
    assert_eq!(client.request("workspace/symbol", json!({"query": "zzzz"})), json!([]));
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Links, inlay hints, code lens.

#[test]
fn document_links_are_the_source_url_and_wikidata_cells_and_never_other_schemes() {
    let evil = " date 2022-01-07 javascript:alert(1)\n\nTitre\n";
    let command = " date 2022-01-07 command:workbench.action.quit\n\nTitre\n";
    let mut files = workspace();
    files.extend([("seeds/evil.txt", evil), ("seeds/command.txt", command)]);
    let mut client = Client::start(&files, caps(false, json!({})));
    client.open("seeds/a.txt", A);
    let links =
        client.request("textDocument/documentLink", json!({"textDocument": {"uri": client.uri("seeds/a.txt")}}));
    let (s, e) = find(A, "https://example.org/a");
    assert_eq!(
        links,
        json!([{"range": range(A, s, e, Enc::Utf16), "target": "https://example.org/a", "tooltip": "Open the source article"}])
    );
    // The registry (closed): QIDs become Wikidata links; `javascript:` and `command:` cells do not.
    let links =
        client.request("textDocument/documentLink", json!({"textDocument": {"uri": client.uri("entities.tsv")}}));
    let targets: Vec<&str> = links.as_array().unwrap().iter().map(|l| l["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["https://www.wikidata.org/wiki/Q362113", "https://www.wikidata.org/wiki/Q1424863"]);
    let (s, e) = find(REGISTRY, "Q362113");
    assert_eq!(links[0]["range"], range(REGISTRY, s, e, Enc::Utf16));
    for (path, text) in [("seeds/evil.txt", evil), ("seeds/command.txt", command)] {
        client.open(path, text);
        let links = client.request("textDocument/documentLink", json!({"textDocument": {"uri": client.uri(path)}}));
        assert_eq!(links, json!([]), "{path}");
    }
    client.shutdown();
}

#[test]
fn inlay_hints_show_the_registry_name_after_a_surface_that_differs() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = Client::start(&workspace(), caps(enc == Enc::Utf8, json!({})));
        client.open("seeds/a.txt", A);
        let all = range(A, 0, A.len(), enc);
        let hints = client.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": client.uri("seeds/a.txt")}, "range": all}),
        );
        let got: Vec<(Value, &str)> =
            hints.as_array().unwrap().iter().map(|h| (h["position"].clone(), h["label"].as_str().unwrap())).collect();
        // `Tokaïev`, `le gouvernement`, `Alma-Ata`, `manifestants` differ from their names;
        // `Nur Otan` is the name itself (case and spacing would not count either).
        let after = |needle: &str| position(A, find(A, needle).1, enc);
        assert_eq!(
            got,
            [
                (after("[Tokaïev"), "Kassym-Jomart Tokaïev"),
                (after("[le gouvernement"), "Gouvernement du Kazakhstan"),
                (after("[Alma-Ata"), "Almaty"),
                (after("[manifestants"), "Manifestants de Janaozen"),
            ]
        );
        assert_eq!(hints[0]["paddingLeft"], true);
        assert_eq!(hints[0]["tooltip"], "Registry name of kz.tokayev");
        // Only the hints in the range asked for (the last line, after the emoji).
        let (s, _) = find(A, "Les [");
        let hints = client.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": client.uri("seeds/a.txt")}, "range": range(A, s, A.len(), enc)}),
        );
        assert_eq!(hints.as_array().unwrap().len(), 1);
        assert_eq!(hints[0]["label"], "Manifestants de Janaozen");
        client.shutdown();
    }
}

#[test]
fn code_lens_on_registry_rows_counts_mentions_and_articles() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    let uri = client.uri("entities.tsv");
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses.as_array().unwrap();
    assert_eq!(lenses.len(), 6);
    let (s, e) = find(REGISTRY, "kz.tokayev");
    assert_eq!(lenses[0]["range"], range(REGISTRY, s, e, Enc::Utf16));
    // Counted on resolve; a stock client gets a label without a command to run.
    let titles: Vec<Value> = lenses
        .iter()
        .map(|l| {
            let resolved = client.request("codeLens/resolve", l.clone());
            assert_eq!(resolved["command"]["command"], "", "{resolved}");
            assert!(resolved["command"].get("arguments").is_none());
            resolved["command"]["title"].clone()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "2 mentions · 2 articles · 1 role use",
            "1 mention · 1 article",
            "1 mention · 1 article · 1 role use",
            "1 mention · 1 article · 1 role use",
            "1 mention · 1 article",
            "0 mentions · 0 articles",
        ]
    );
    client.shutdown();

    // A client that runs `editor.action.showReferences` gets it, with protocol arguments.
    let extra = json!({"experimental": {"commands": {"commands": ["editor.action.showReferences"]}}});
    let mut client = Client::start(&workspace(), caps(false, extra));
    let uri = client.uri("entities.tsv");
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let resolved = client.request("codeLens/resolve", lenses[0].clone());
    let command = &resolved["command"];
    assert_eq!(command["title"], "2 mentions · 2 articles · 1 role use");
    assert_eq!(command["command"], "editor.action.showReferences");
    let (s, _) = find(REGISTRY, "kz.tokayev");
    assert_eq!(command["arguments"][0], uri.as_str());
    assert_eq!(command["arguments"][1], position(REGISTRY, s, Enc::Utf16));
    let locations = command["arguments"][2].as_array().unwrap();
    let in_a: Vec<Value> = A.match_indices("kz.tokayev").map(|(i, m)| range(A, i, i + m.len(), Enc::Utf16)).collect();
    let (bs, be) = find(B, "kz.tokayev");
    let expected: Vec<Value> = in_a
        .into_iter()
        .map(|r| json!({"uri": client.uri("seeds/a.txt"), "range": r}))
        .chain([json!({"uri": client.uri("seeds/b.txt"), "range": range(B, bs, be, Enc::Utf16)})])
        .collect();
    assert_eq!(locations, &expected);
    client.shutdown();
}

#[test]
fn editing_an_open_registry_refreshes_the_views_of_other_documents() {
    // A name changed in the registry changes the inlay hints, hovers and lens counts of every
    // article: the client is asked for them again once the edits pause, not on every keystroke.
    let refresh = json!({"workspace": {
        "semanticTokens": {"refreshSupport": true},
        "inlayHint": {"refreshSupport": true},
        "codeLens": {"refreshSupport": true},
    }});
    let mut client = Client::start(&workspace(), caps(false, refresh));
    client.open("seeds/a.txt", A);
    let hints = |client: &mut Client| {
        let all = range(A, 0, A.len(), Enc::Utf16);
        let hints = client.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": client.uri("seeds/a.txt")}, "range": all}),
        );
        hints.as_array().unwrap().iter().map(|h| h["label"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert!(hints(&mut client).contains(&"Kassym-Jomart Tokaïev".to_owned()));
    let count = |client: &Client| {
        client.server_requests.lock().unwrap().iter().filter(|r| r["method"] == "workspace/inlayHint/refresh").count()
    };
    // The refreshes that follow the first index are in (the answer above waited for it).
    let before = count(&client);
    client.open("entities.tsv", REGISTRY);
    let renamed = REGISTRY.replace("Kassym-Jomart Tokaïev", "Kassym Tokaïev");
    for (version, text) in [(2, renamed.as_str()), (3, REGISTRY), (4, renamed.as_str())] {
        client.change("entities.tsv", version, json!([{ "text": text }]));
    }
    let deadline = std::time::Instant::now() + TIMEOUT;
    while count(&client) == before {
        assert!(std::time::Instant::now() < deadline, "no inlay hint refresh after the registry changed");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // Once for the burst of edits (the open and three changes), then nothing more.
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(count(&client), before + 1);
    assert!(hints(&mut client).contains(&"Kassym Tokaïev".to_owned()));
    client.shutdown();
}

#[test]
fn views_are_refreshed_once_the_workspace_is_indexed() {
    // Requests answered before indexing knew neither the registry (inlay hints, lens counts)
    // nor a custom schema (token types): the client is asked to request them again.
    let refresh = json!({"workspace": {
        "semanticTokens": {"refreshSupport": true},
        "inlayHint": {"refreshSupport": true},
        "codeLens": {"refreshSupport": true},
    }});
    let client = Client::start(&workspace(), caps(false, refresh));
    // The requests come in whatever order the server sends them.
    let deadline = std::time::Instant::now() + TIMEOUT;
    for method in ["workspace/semanticTokens/refresh", "workspace/inlayHint/refresh", "workspace/codeLens/refresh"] {
        while !client.server_requests.lock().unwrap().iter().any(|r| r["method"] == method) {
            assert!(std::time::Instant::now() < deadline, "no {method}");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    client.shutdown();
    // Not to a client that did not say it supports them.
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.request("workspace/symbol", json!({"query": "x"}));
    let requests = client.server_requests.lock().unwrap().clone();
    assert!(requests.iter().all(|r| !r["method"].as_str().unwrap().ends_with("/refresh")), "{requests:?}");
    client.shutdown();
}
