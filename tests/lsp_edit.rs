//! The editing features end to end (rename, completion, code actions), on the real binary
//! over stdio. Every workspace edit is applied here, with positions converted by the test's own
//! model of the text, and the resulting texts are compared whole.

mod support;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\tdescription\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh\tPresident of Kazakhstan\n\
kz.nazarbayev\tperson\tNoursoultan Nazarbaïev\tElbassy\t\n\
kz.almaty\tplace\tAlmaty\tAlma-Ata\tLargest city of Kazakhstan\n\
kz.gov\tgov\tGouvernement du Kazakhstan\t\t\n";

/// An emoji and accents before the mentions, so UTF-16 and UTF-8 columns differ.
const A: &str = " date 2022-01-05 https://example.org/a\n\
\n\
Crise au Kazakhstan\n\
\n\
😀 Le [président]{person:kz.tokayev} a promis une réponse «ferme» à [Alma-Ata]{place:kz.almaty}.\n\
[[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{concede actor=kz.tokayev where=kz.almaty when=2022-01-05}\n";

const B: &str = " date 2022-01-06 https://example.org/b\n\
\n\
Suite de la crise\n\
\n\
Le chef de l’État [Kassym-Jomart Tokaïev]{person:kz.tokayev} a parlé. Tokaïev a aussi dit…\n";

fn workspace() -> Vec<(&'static str, &'static str)> {
    vec![("entities.tsv", REGISTRY), ("seeds/a.txt", A), ("seeds/b.txt", B)]
}

fn document_changes() -> Value {
    json!({"workspace": {"workspaceEdit": {"documentChanges": true}}})
}

// ---------------------------------------------------------------------------------------------
// Applying edits, with the test's own position model.

/// The byte offset of an LSP position in `text`.
fn offset(text: &str, pos: &Value, enc: Enc) -> usize {
    let (line, character) = (pos["line"].as_u64().unwrap() as usize, pos["character"].as_u64().unwrap() as usize);
    let start = text.split_inclusive('\n').take(line).map(str::len).sum::<usize>();
    let content = text[start..].split('\n').next().unwrap();
    match enc {
        Enc::Utf8 => start + character,
        Enc::Utf16 => {
            let mut units = 0;
            for (i, c) in content.char_indices() {
                if units >= character {
                    return start + i;
                }
                units += c.len_utf16();
            }
            assert_eq!(units, character, "position past the end of line {line}");
            start + content.len()
        }
    }
}

/// Applies LSP text edits (non-overlapping) to `text`.
fn apply(text: &str, edits: &[Value], enc: Enc) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let (s, t) = (offset(text, &e["range"]["start"], enc), offset(text, &e["range"]["end"], enc));
            (s, t, e["newText"].as_str().unwrap())
        })
        .collect();
    spans.sort_by_key(|&(s, e, _)| std::cmp::Reverse((s, e)));
    let mut out = text.to_string();
    for (s, e, new) in spans {
        out.replace_range(s..e, new);
    }
    out
}

/// The texts a workspace edit produces, by workspace-relative path, from the files on disk
/// (open documents here always have their disk text). Returns the versions it pinned too.
fn apply_workspace_edit(client: &Client, edit: &Value, enc: Enc) -> (BTreeMap<String, String>, Vec<Value>) {
    let root = client.uri("");
    let rel = |uri: &str| uri.strip_prefix(&root).unwrap_or_else(|| panic!("{uri} outside {root}")).to_string();
    let mut out = BTreeMap::new();
    let mut versions = Vec::new();
    let mut edit_file = |uri: &str, edits: &[Value]| {
        let path = rel(uri);
        let text = std::fs::read_to_string(client.path(&path)).unwrap();
        assert!(out.insert(path.clone(), apply(&text, edits, enc)).is_none(), "{path} edited twice");
    };
    if let Some(changes) = edit.get("documentChanges") {
        assert!(edit.get("changes").is_none());
        for change in changes.as_array().unwrap() {
            let doc = &change["textDocument"];
            versions.push(json!([rel(doc["uri"].as_str().unwrap()), doc["version"]]));
            edit_file(doc["uri"].as_str().unwrap(), change["edits"].as_array().unwrap());
        }
    } else {
        for (uri, edits) in edit["changes"].as_object().unwrap() {
            edit_file(uri, edits.as_array().unwrap());
        }
    }
    (out, versions)
}

fn error_of(client: &mut Client, method: &str, params: Value) -> Value {
    let id = client.send_request(method, params);
    let response = client.response(id);
    assert!(response.get("result").is_none() || response["result"].is_null(), "{response}");
    response["error"].clone()
}

// ---------------------------------------------------------------------------------------------
// Rename.

#[test]
fn rename_edits_every_file_open_or_closed_and_only_the_id() {
    let extra = json!({
        "workspace": {"workspaceEdit": {"documentChanges": true}},
        "textDocument": {"rename": {"prepareSupport": true}},
    });
    let mut client = Client::start(&workspace(), caps(false, extra));
    assert_eq!(client.capabilities["renameProvider"], json!({"prepareProvider": true}));
    client.open("seeds/a.txt", A);
    // From the role value after the emoji: prepare gives the id's range and text.
    let (s, e) = find(A, "kz.tokayev where");
    let e = e - " where".len();
    let at = client.at("seeds/a.txt", position(A, s + 3, Enc::Utf16));
    let prepared = client.request("textDocument/prepareRename", at.clone());
    assert_eq!(prepared, json!({"range": range(A, s, e, Enc::Utf16), "placeholder": "kz.tokayev"}));
    let mut params = at;
    params["newName"] = json!("kz.tokaiev");
    let edit = client.request("textDocument/rename", params);
    let (texts, versions) = apply_workspace_edit(&client, &edit, Enc::Utf16);
    // The open document is pinned to its version, closed files are not.
    assert_eq!(versions, [json!(["entities.tsv", null]), json!(["seeds/a.txt", 1]), json!(["seeds/b.txt", null])]);
    let expected: BTreeMap<String, String> = [
        ("entities.tsv", REGISTRY.replace("kz.tokayev\t", "kz.tokaiev\t")),
        ("seeds/a.txt", A.replace("kz.tokayev", "kz.tokaiev")),
        ("seeds/b.txt", B.replace("kz.tokayev", "kz.tokaiev")),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_string(), t))
    .collect();
    assert_eq!(texts, expected);
    // Only the id text is touched: every edit replaces exactly `kz.tokayev`.
    for change in edit["documentChanges"].as_array().unwrap() {
        let path = change["textDocument"]["uri"].as_str().unwrap().strip_prefix(&client.uri("")).unwrap().to_string();
        let text = std::fs::read_to_string(client.path(&path)).unwrap();
        for e in change["edits"].as_array().unwrap() {
            let (s, t) =
                (offset(&text, &e["range"]["start"], Enc::Utf16), offset(&text, &e["range"]["end"], Enc::Utf16));
            assert_eq!(&text[s..t], "kz.tokayev", "{path}");
        }
    }
    client.shutdown();
}

#[test]
fn rename_from_the_registry_in_utf8_without_document_changes() {
    let mut client = Client::start(&workspace(), caps(true, json!({})));
    // The plain form of the capability for a client that does not send prepareRename.
    assert_eq!(client.capabilities["renameProvider"], true);
    client.open("seeds/a.txt", A);
    let (s, _) = find(REGISTRY, "kz.almaty");
    let mut params = client.at("entities.tsv", position(REGISTRY, s + 2, Enc::Utf8));
    params["newName"] = json!("kz.almaty-city");
    let edit = client.request("textDocument/rename", params);
    assert!(edit.get("documentChanges").is_none(), "{edit}");
    let (texts, _) = apply_workspace_edit(&client, &edit, Enc::Utf8);
    assert_eq!(texts.keys().collect::<Vec<_>>(), ["entities.tsv", "seeds/a.txt"]);
    assert_eq!(texts["entities.tsv"], REGISTRY.replace("kz.almaty\t", "kz.almaty-city\t"));
    assert_eq!(texts["seeds/a.txt"], A.replace("kz.almaty", "kz.almaty-city"));
    client.shutdown();
}

#[test]
fn rename_refuses_invalid_and_taken_ids_and_non_ids() {
    let extra = json!({"textDocument": {"rename": {"prepareSupport": true}}});
    let mut client = Client::start(&workspace(), caps(false, extra));
    client.open("seeds/a.txt", A);
    let (s, _) = find(A, "kz.tokayev}");
    let at = client.at("seeds/a.txt", position(A, s + 1, Enc::Utf16));
    let rename = |new: &str| {
        let mut p = at.clone();
        p["newName"] = json!(new);
        p
    };
    let err = error_of(&mut client, "textDocument/rename", rename("kz tokayev"));
    assert_eq!(err["code"], -32602, "{err}");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.starts_with("`kz tokayev` is not a valid id: it contains a space."), "{msg}");
    let err = error_of(&mut client, "textDocument/rename", rename("kz.almaty"));
    assert_eq!(err["code"], -32803, "{err}");
    assert_eq!(
        err["message"],
        "`kz.almaty` is already the id of «Almaty» (place) in entities.tsv: renaming `kz.tokayev` to it would merge \
         two entities. Pick another id"
    );
    // Plain prose: nothing to rename (null); a type name: an error that says why.
    let (s, _) = find(A, "promis");
    let none = client.request("textDocument/prepareRename", client.at("seeds/a.txt", position(A, s, Enc::Utf16)));
    assert_eq!(none, Value::Null);
    let (s, _) = find(A, "place:kz.almaty");
    let on_type = client.at("seeds/a.txt", position(A, s + 1, Enc::Utf16));
    let err = error_of(&mut client, "textDocument/prepareRename", on_type);
    assert_eq!(err["code"], -32803);
    assert!(err["message"].as_str().unwrap().contains("only ids can be renamed"), "{err}");
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Completion.

fn complete(client: &mut Client, rel: &str, text: &str, at: usize, enc: Enc) -> Value {
    client.request("textDocument/completion", client.at(rel, position(text, at, enc)))
}

/// Items in the order the client shows them (by `sortText`), checked to be the server's order.
fn ordered(list: &Value) -> Vec<Value> {
    let items = list["items"].as_array().unwrap().clone();
    let mut sorted = items.clone();
    sorted.sort_by(|a, b| a["sortText"].as_str().cmp(&b["sortText"].as_str()));
    assert_eq!(sorted, items, "sortText must keep the server's order");
    items
}

#[test]
fn completion_ranks_the_alias_matching_the_surface_first_in_both_encodings() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = Client::start(&workspace(), caps(enc == Enc::Utf8, json!({})));
        // Typed `]{`: the editor closed the brace itself. The surface differs from the alias
        // «Tokaïev» in case and accent.
        let text = A.replace("une réponse", "😀 [TOKAIEV]{} une réponse");
        client.open("seeds/a.txt", &text);
        let at = find(&text, "[TOKAIEV]{").1;
        let list = complete(&mut client, "seeds/a.txt", &text, at, enc);
        let items = ordered(&list);
        let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
        assert_eq!(&labels[..3], ["person:kz.tokayev", "person", "group"], "{labels:?}");
        let first = &items[0];
        assert_eq!(first["detail"], "Kassym-Jomart Tokaïev");
        assert_eq!(first["textEdit"], json!({"range": range(&text, at, at, enc), "newText": "person:kz.tokayev"}));
        // Applied, it gives the tag.
        let edited = apply(&text, &[first["textEdit"].clone()], enc);
        assert!(edited.contains("😀 [TOKAIEV]{person:kz.tokayev} une réponse"), "{edited}");
        // After `type:`, ids of that type; what is typed is replaced.
        let text2 = A.replace("une réponse", "[le président]{person:kz.t}");
        client.change("seeds/a.txt", 2, json!([{"text": text2}]));
        let at = find(&text2, "{person:kz.t}").1 - 1;
        let items = ordered(&complete(&mut client, "seeds/a.txt", &text2, at, enc));
        assert_eq!(items[0]["label"], "kz.tokayev", "{items:?}");
        assert!(items.iter().all(|i| i["label"] != "kz.almaty"), "{items:?}");
        assert_eq!(items[0]["textEdit"]["range"], range(&text2, at - "kz.t".len(), at, enc));
        client.shutdown();
    }
}

#[test]
fn completion_of_roles_role_values_and_the_header() {
    let extra = json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}});
    let mut client = Client::start(&workspace(), caps(false, extra));
    // After a space in an event tag: the roles still open (`when` is taken and takes one).
    let text = A.replace(" when=2022-01-05}", " when=2022-01-05 }");
    client.open("seeds/a.txt", &text);
    let at = find(&text, "2022-01-05 }").1 - 1;
    let items = ordered(&complete(&mut client, "seeds/a.txt", &text, at, Enc::Utf16));
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    // Those given already (they take more values) after the others.
    assert_eq!(labels, ["recipient", "actor", "where"]);
    assert_eq!(items[0]["textEdit"]["newText"], "recipient=");
    assert_eq!(items[0]["detail"], "recipient:person|group|org|gov*");
    // After `,` in a role: the event's own participant first, values already there left out.
    let text = text.replace("actor=kz.tokayev", "actor=kz.gov,");
    client.change("seeds/a.txt", 2, json!([{"text": text}]));
    let at = find(&text, "actor=kz.gov,").1;
    let items = ordered(&complete(&mut client, "seeds/a.txt", &text, at, Enc::Utf16));
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["kz.tokayev", "kz.nazarbayev"]);
    assert_eq!(items[0]["detail"], "Kassym-Jomart Tokaïev · person");
    // A date role: the article's date as a snippet and as values.
    let text = text.replace("when=2022-01-05", "when=");
    client.change("seeds/a.txt", 3, json!([{"text": text}]));
    let at = find(&text, "when=").1;
    let items = ordered(&complete(&mut client, "seeds/a.txt", &text, at, Enc::Utf16));
    assert_eq!(items[0]["insertTextFormat"], 2, "{items:?}");
    assert_eq!(items[0]["textEdit"]["newText"], "${1:2022}-${2:01}-${3:05}");
    assert_eq!(items[1]["textEdit"]["newText"], "2022-01-05");

    // A new, empty file: the header for the current month.
    client.open("seeds/new.txt", "");
    let list = complete(&mut client, "seeds/new.txt", "", 0, Enc::Utf16);
    let first = &ordered(&list)[0];
    let month = first["label"].as_str().unwrap().strip_prefix("date ").unwrap().to_string();
    assert!(month.len() == 7 && month.as_bytes()[4] == b'-', "{first}");
    assert_eq!(first["textEdit"], json!({"range": range("", 0, 0, Enc::Utf16), "newText": format!(" date {month} ")}));
    assert_eq!(first["preselect"], true);
    // Prose: nothing.
    let none = complete(&mut client, "seeds/a.txt", &text, find(&text, "limogé").0, Enc::Utf16);
    assert_eq!(none, Value::Null);
    client.shutdown();
}

#[test]
fn completion_of_an_event_used_elsewhere_and_of_the_date_written_in_it() {
    // The event `kz.emergency` is tagged in a closed article: the server's corpus keeps none
    // of its mentions, it reads them for the answer.
    let c = " date 2022-01-06 https://example.org/c\n\nSuite\n\n\
             [L’état d’urgence]{coerce.martial-law:kz.emergency actor=kz.gov where=kz.almaty} est prolongé.\n";
    let mut files = workspace();
    files.push(("seeds/c.txt", c));
    let mut client = Client::start(&files, caps(false, json!({})));
    let text =
        A.replace("une réponse", "que [l’état d’urgence décrété le 5 janvier]{coerce:kz.emergency } et une réponse");
    client.open("seeds/a.txt", &text);
    let at = find(&text, "kz.emergency }").1 - 1;
    let items = ordered(&complete(&mut client, "seeds/a.txt", &text, at, Enc::Utf16));
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels[..3], ["actor=kz.gov where=kz.almaty", "actor=kz.gov", "where=kz.almaty"], "{labels:?}");
    let edited = apply(&text, &[items[0]["textEdit"].clone()], Enc::Utf16);
    assert!(edited.contains("]{coerce:kz.emergency actor=kz.gov where=kz.almaty}"), "{edited}");
    // After `when=`: the date the event's text gives, first and preselected.
    let text = edited.replace("kz.almaty}", "kz.almaty when=}");
    client.change("seeds/a.txt", 2, json!([{"text": text}]));
    let at = find(&text, "when=}").1 - 1;
    let items = ordered(&complete(&mut client, "seeds/a.txt", &text, at, Enc::Utf16));
    assert_eq!(items[0]["textEdit"]["newText"], "2022-01-05", "{items:?}");
    assert_eq!(items[0]["preselect"], true);
    assert_eq!(items[0]["detail"], "«5 janvier» in the event");
    client.shutdown();
}

#[test]
fn completion_keeps_what_follows_the_cursor_with_and_without_insert_replace_support() {
    for insert_replace in [false, true] {
        let extra =
            json!({"textDocument": {"completion": {"completionItem": {"insertReplaceSupport": insert_replace}}}});
        let mut client = Client::start(&workspace(), caps(false, extra));
        // `]{gov:` typed in front of `), qui` (an emoji before, so UTF-16 columns differ).
        let text = A.replace("une réponse", "😀 [KNB]{gov:), qui");
        client.open("seeds/a.txt", &text);
        let at = find(&text, "[KNB]{gov:").1;
        let items = ordered(&complete(&mut client, "seeds/a.txt", &text, at, Enc::Utf16));
        let first = &items[0];
        assert_eq!(first["label"], "kz.gov");
        let here = range(&text, at, at, Enc::Utf16);
        let edit = &first["textEdit"];
        if insert_replace {
            assert_eq!(*edit, json!({"newText": "kz.gov", "insert": here, "replace": here}));
        } else {
            assert_eq!(*edit, json!({"newText": "kz.gov", "range": here}));
        }
        let replaced = json!({"range": edit.get("replace").unwrap_or(&edit["range"]), "newText": edit["newText"]});
        assert!(apply(&text, &[replaced], Enc::Utf16).contains("😀 [KNB]{gov:kz.gov), qui"));

        // Inside an id: the rest of it is replaced; inserting overwrites only what is typed.
        let text = A.replace("une réponse", "😀 [le président]{person:kz.to}");
        client.change("seeds/a.txt", 2, json!([{"text": text}]));
        let (s, e) = find(&text, "kz.to}");
        let (e, at) = (e - 1, s + "kz.".len());
        let text = format!("{}kayev{}", &text[..e], &text[e..]);
        client.change("seeds/a.txt", 3, json!([{"text": text}]));
        let items = ordered(&complete(&mut client, "seeds/a.txt", &text, at, Enc::Utf16));
        let first = &items[0];
        assert_eq!(first["label"], "kz.tokayev", "{items:?}");
        let (whole, typed) = (range(&text, s, e + "kayev".len(), Enc::Utf16), range(&text, s, at, Enc::Utf16));
        let edit = &first["textEdit"];
        if insert_replace {
            assert_eq!(*edit, json!({"newText": "kz.tokayev", "insert": typed, "replace": whole}));
            let inserted = json!({"range": edit["insert"], "newText": edit["newText"]});
            assert!(apply(&text, &[inserted], Enc::Utf16).contains("{person:kz.tokayevtokayev}"));
        } else {
            assert_eq!(*edit, json!({"newText": "kz.tokayev", "range": whole}));
        }
        let replaced = json!({"range": edit.get("replace").unwrap_or(&edit["range"]), "newText": edit["newText"]});
        assert!(apply(&text, &[replaced], Enc::Utf16).contains("😀 [le président]{person:kz.tokayev} «ferme»"));
        client.shutdown();
    }
}

// ---------------------------------------------------------------------------------------------
// Code actions.

fn actions(client: &mut Client, rel: &str, text: &str, (s, e): (usize, usize), only: Option<Value>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = only;
    }
    let params =
        json!({"textDocument": {"uri": client.uri(rel)}, "range": range(text, s, e, Enc::Utf16), "context": context});
    let result = client.request("textDocument/codeAction", params);
    result.as_array().cloned().unwrap_or_default()
}

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    actions.iter().find(|a| a["title"] == title).unwrap_or_else(|| panic!("no {title:?} in {titles:?}"))
}

#[test]
fn untagged_alias_quick_fixes_for_every_only_filter() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    let text = format!("{B}Tokaïev est parti.\n");
    client.open("seeds/b.txt", &text);
    let at = find_nth(&text, "Tokaïev a aussi", 0);
    let (s, e) = (at.0, at.0 + "Tokaïev".len());
    for only in [None, Some(json!(["quickfix"])), Some(json!([""]))] {
        let list = actions(&mut client, "seeds/b.txt", &text, (s + 2, s + 2), only.clone());
        let this = titled(&list, "Tag as person:kz.tokayev");
        assert_eq!(this["kind"], "quickfix");
        assert_eq!(this["isPreferred"], true);
        assert_eq!(this["diagnostics"][0]["code"], "A011");
        let uri = client.uri("seeds/b.txt");
        let fixed = apply(&text, this["edit"]["changes"][uri.as_str()].as_array().unwrap(), Enc::Utf16);
        assert_eq!(fixed, format!("{}[Tokaïev]{{person:kz.tokayev}}{}", &text[..s], &text[e..]), "{only:?}");
        let all = titled(&list, "Tag all 2 untagged «Tokaïev» in this file as person:kz.tokayev");
        assert_eq!(all["kind"], "quickfix");
        assert!(all.get("isPreferred").is_none());
        let fixed = apply(&text, all["edit"]["changes"][uri.as_str()].as_array().unwrap(), Enc::Utf16);
        assert_eq!(fixed.matches("[Tokaïev]{person:kz.tokayev}").count(), 2, "{fixed}");
        assert!(fixed.ends_with("Tokaïev]{person:kz.tokayev} a aussi dit…\n[Tokaïev]{person:kz.tokayev} est parti.\n"));
    }
    // Refactorings only: no quick fix.
    let list = actions(&mut client, "seeds/b.txt", &text, (s + 2, s + 2), Some(json!(["refactor"])));
    assert!(list.iter().all(|a| a["kind"] != "quickfix"), "{list:?}");
    client.shutdown();
}

#[test]
fn tag_every_registered_name_in_one_action_and_each_tag_once_over_several_hints() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    let text = format!("{B}Tokaïev est parti à Almaty.\n");
    client.open("seeds/b.txt", &text);
    let uri = client.uri("seeds/b.txt");
    let (s, _) = find(&text, "Tokaïev a aussi");
    let list = actions(&mut client, "seeds/b.txt", &text, (s + 2, s + 2), None);
    let every = titled(&list, "Tag every registered name in this file (3)");
    assert_eq!(every["kind"], "quickfix");
    let tagged = apply(&text, every["edit"]["changes"][uri.as_str()].as_array().unwrap(), Enc::Utf16);
    assert!(
        tagged.ends_with(
            "[Tokaïev]{person:kz.tokayev} a aussi dit…\n[Tokaïev]{person:kz.tokayev} est parti à [Almaty]{place:kz.almaty}.\n"
        ),
        "{tagged}"
    );
    // A selection from one hint to the next: each title once.
    let (e, _) = find(&text, " est parti à");
    let list = actions(&mut client, "seeds/b.txt", &text, (s, e), None);
    let titles: Vec<&str> = list.iter().map(|a| a["title"].as_str().unwrap()).collect();
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), titles.len(), "{titles:?}");
    assert_eq!(titles.iter().filter(|t| **t == "Tag as person:kz.tokayev").count(), 1, "{titles:?}");
    client.shutdown();
}

#[test]
fn tag_selection_add_to_registry_and_remove_tag_applied() {
    let mut client = Client::start(&workspace(), caps(false, document_changes()));
    let text = A.replace("une réponse", "l’Elbassy et [le chef de l’opposition]{person:kz.opp} une réponse");
    client.open("seeds/a.txt", &text);
    let uri = client.uri("seeds/a.txt");
    let edits_of = |action: &Value, uri: &str| -> Vec<Value> {
        let changes = action["edit"]["documentChanges"].as_array().unwrap();
        let change = changes.iter().find(|c| c["textDocument"]["uri"] == uri).unwrap_or_else(|| panic!("{action}"));
        change["edits"].as_array().unwrap().clone()
    };

    // Tag selection: the registry entry whose alias matches, preferred; then new entities.
    let sel = find(&text, "Elbassy");
    let list = actions(&mut client, "seeds/a.txt", &text, sel, Some(json!(["refactor.rewrite"])));
    let titles: Vec<&str> = list.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles[..6],
        [
            "Tag as person:kz.nazarbayev (Noursoultan Nazarbaïev)",
            "Tag as new person kz.elbassy, added to entities.tsv",
            "Tag as new group kz.elbassy, added to entities.tsv",
            "Tag as new org kz.elbassy, added to entities.tsv",
            "Tag as new gov kz.elbassy, added to entities.tsv",
            "Tag as new place kz.elbassy, added to entities.tsv"
        ]
    );
    assert!(list.iter().all(|a| a["kind"] == "refactor.rewrite"), "{list:?}");
    assert_eq!(list[0]["isPreferred"], true);
    let tagged = apply(&text, &edits_of(&list[0], &uri), Enc::Utf16);
    assert!(tagged.contains("l’[Elbassy]{person:kz.nazarbayev} et"), "{tagged}");
    // A new entity: the tag with its id and the registry row, one workspace edit.
    // (The registry is closed: its text is on disk; the article's is the open document's.)
    let registry_uri = client.uri("entities.tsv");
    let tagged = apply(&text, &edits_of(&list[1], &uri), Enc::Utf16);
    assert!(tagged.contains("l’[Elbassy]{person:kz.elbassy} et"), "{tagged}");
    let registry = apply(REGISTRY, &edits_of(&list[1], &registry_uri), Enc::Utf16);
    assert_eq!(registry, format!("{REGISTRY}kz.elbassy\tperson\tElbassy\t\t\n"));
    // Another name of a registered entity (its surname): tagged, and added to its aliases.
    let text2 = text.replace("l’Elbassy", "le président Nazarbaïev");
    client.change("seeds/a.txt", 2, json!([{"text": text2}]));
    let sel = find(&text2, "Nazarbaïev");
    let list = actions(&mut client, "seeds/a.txt", &text2, sel, Some(json!(["refactor.rewrite"])));
    let alias = titled(&list, "Tag as person:kz.nazarbayev, «Nazarbaïev» added to its aliases");
    let tagged = apply(&text2, &edits_of(alias, &uri), Enc::Utf16);
    assert!(tagged.contains("le président [Nazarbaïev]{person:kz.nazarbayev} et"), "{tagged}");
    assert_eq!(
        apply(REGISTRY, &edits_of(alias, &registry_uri), Enc::Utf16),
        REGISTRY.replace("Noursoultan Nazarbaïev\tElbassy\t", "Noursoultan Nazarbaïev\tElbassy|Nazarbaïev\t")
    );
    client.change("seeds/a.txt", 3, json!([{"text": text}]));

    // Add the unregistered id to entities.tsv: a refactoring editing the (closed) registry.
    let (s, _) = find(&text, "chef de l’opposition");
    let list = actions(&mut client, "seeds/a.txt", &text, (s, s), Some(json!(["refactor"])));
    let add = titled(&list, "Add `kz.opp` to entities.tsv");
    assert_eq!(add["kind"], "refactor");
    let changes = add["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["textDocument"], json!({"uri": client.uri("entities.tsv"), "version": null}));
    let (texts, _) = apply_workspace_edit(&client, &add["edit"], Enc::Utf16);
    assert_eq!(texts["entities.tsv"], format!("{REGISTRY}kz.opp\tperson\tle chef de l’opposition\t\t\n"));
    // Asked for everything on the id, the quick fix of A005 makes the same change: listed once.
    let (s, _) = find(&text, "kz.opp}");
    let list = actions(&mut client, "seeds/a.txt", &text, (s + 1, s + 1), None);
    let adds: Vec<&Value> = list.iter().filter(|a| a["title"] == "Add `kz.opp` to entities.tsv").collect();
    assert_eq!(adds.len(), 1, "{list:?}");
    assert_eq!(adds[0]["kind"], "quickfix");

    // Remove tag on the nested mention: only its `[` and `]{…}` go, the event stays.
    let (s, _) = find(&text, "Tokaïev]{person");
    let list = actions(&mut client, "seeds/a.txt", &text, (s + 1, s + 1), Some(json!(["refactor.rewrite"])));
    let inner = titled(&list, "Remove tag {person:kz.tokayev}");
    assert_eq!(inner["kind"], "refactor.rewrite");
    let removed = apply(&text, &edits_of(inner, &uri), Enc::Utf16);
    assert_eq!(removed, text.replace("[[Tokaïev]{person:kz.tokayev} a limogé", "[Tokaïev a limogé"));
    let outer = list.iter().find(|a| a["title"].as_str().unwrap().starts_with("Remove tag {concede ")).unwrap();
    let removed = apply(&text, &edits_of(outer, &uri), Enc::Utf16);
    assert!(removed.ends_with("\n[Tokaïev]{person:kz.tokayev} a limogé le gouvernement\n"), "{removed}");
    // `only: ["quickfix"]` gets none of these.
    let list = actions(&mut client, "seeds/a.txt", &text, (s + 1, s + 1), Some(json!(["quickfix"])));
    assert!(list.iter().all(|a| a["kind"] == "quickfix"), "{list:?}");
    client.shutdown();
}

#[test]
fn rows_added_to_an_open_registry_follow_each_other() {
    let mut client = Client::start(&workspace(), caps(false, document_changes()));
    let text = A.replace("une réponse", "[le chef]{person:kz.chef} et [l’adjoint]{person:kz.adjoint} une réponse");
    client.open("seeds/a.txt", &text);
    let mut registry = REGISTRY.to_string();
    client.open("entities.tsv", &registry);
    for (version, id) in [(2, "kz.chef"), (3, "kz.adjoint")] {
        let (s, _) = find(&text, id);
        let list = actions(&mut client, "seeds/a.txt", &text, (s + 1, s + 1), Some(json!(["refactor"])));
        let add = titled(&list, &format!("Add `{id}` to entities.tsv"));
        // The quick fix of A005 (its checks kept between edits) makes the same change.
        let all = actions(&mut client, "seeds/a.txt", &text, (s + 1, s + 1), None);
        assert_eq!(titled(&all, &format!("Add `{id}` to entities.tsv"))["edit"], add["edit"]);
        let changes = add["edit"]["documentChanges"].as_array().unwrap();
        assert_eq!(changes[0]["textDocument"], json!({"uri": client.uri("entities.tsv"), "version": version - 1}));
        let edits = changes[0]["edits"].as_array().unwrap();
        // Within the file's lines: a position on the line after the final line break makes
        // an editor (Neovim) add an empty line to reach it.
        let lines = registry.lines().count() as u64;
        assert!(edits.iter().all(|e| e["range"]["end"]["line"].as_u64().unwrap() < lines), "{edits:?}");
        registry = apply(&registry, edits, Enc::Utf16);
        // The editor tells the server what it applied before the next request.
        let applied: Vec<Value> = edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect();
        client.change("entities.tsv", version, json!(applied));
    }
    assert_eq!(registry, format!("{REGISTRY}kz.chef\tperson\tle chef\t\t\nkz.adjoint\tperson\tl’adjoint\t\t\n"));
    client.shutdown();
}
