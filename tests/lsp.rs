//! The language server end to end: the real binary (`seedls serve`) over stdio, driven by a
//! small JSON-RPC client, on a workspace written to a temporary directory.
//!
//! Expected positions are computed here from the test's own copy of the text (not with the
//! crate's `LineIndex`), so the conversions are checked against an independent model.

mod support;

use serde_json::{Value, json};
use support::lsp::*;

// ---------------------------------------------------------------------------------------------
// The fixture workspace.

const REGISTRY: &str = "id\ttype\tname\taliases\tdescription\twikidata\tcameo\tfounded\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh\tPresident of Kazakhstan\tQ362113\tKAZGOV\t\n\
kz.almaty\tplace\tAlmaty\tAlma-Ata\tLargest city of Kazakhstan\t\t\t1854\n\
kz.gov\tgov\tGouvernement du Kazakhstan\t\tSee [click](command:evil) <b>now</b>\t\t\t\n";

const A: &str = " date 2022-01-05 https://example.org/a\n\
\n\
Crise au Kazakhstan\n\
\n\
Le [président]{person:kz.tokayev} a promis une réponse 😀 ferme à [Alma-Ata]{place:kz.almaty}.\n\
[L’état d’urgence]{coerce.martial-law:kz.emergency actor=kz.gov where=kz.almaty when=2022-01-05} a été décrété.\n";

const B: &str = " date 2022-01-06 https://example.org/b\n\
\n\
Suite de la crise\n\
\n\
Le chef de l’État [Kassym-Jomart Tokaïev]{person:kz.tokayev} a parlé.\n";

const BAD: &str = "Pas d’en-tête ici\n\nTexte.\n";

fn workspace() -> Vec<(&'static str, &'static str)> {
    vec![("entities.tsv", REGISTRY), ("seeds/a.txt", A), ("seeds/b.txt", B), ("seeds/bad.txt", BAD)]
}

fn codes(diagnostics: &Value) -> Vec<String> {
    let mut codes: Vec<String> =
        diagnostics.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    codes.sort();
    codes
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[test]
fn initialize_advertises_what_is_implemented_and_shuts_down_cleanly() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    let c = client.capabilities.clone();
    assert_eq!(c["positionEncoding"], "utf-16");
    assert_eq!(c["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(c["textDocumentSync"]["openClose"], true);
    for implemented in [
        "hoverProvider",
        "definitionProvider",
        "declarationProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "codeActionProvider",
        "diagnosticProvider",
        "renameProvider",
        "completionProvider",
        "semanticTokensProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "documentLinkProvider",
        "inlayHintProvider",
        "codeLensProvider",
    ] {
        assert!(c.get(implemented).is_some_and(|v| v != &json!(false)), "{implemented} missing: {c}");
    }
    assert_eq!(c["codeActionProvider"]["codeActionKinds"], json!(["quickfix", "refactor", "refactor.rewrite"]));
    // No `prepareSupport` in this client's capabilities: a plain rename provider.
    assert_eq!(c["renameProvider"], true);
    assert_eq!(c["completionProvider"]["triggerCharacters"], json!(["{", ":", "=", ",", " "]));
    assert_eq!(c["diagnosticProvider"]["workspaceDiagnostics"], true);
    assert_eq!(c["semanticTokensProvider"]["full"], json!({"delta": true}));
    assert_eq!(c["semanticTokensProvider"]["range"], true);
    assert_eq!(c["codeLensProvider"]["resolveProvider"], true);
    // Nothing else: every advertised capability is implemented and tested here.
    let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "codeActionProvider",
            "codeLensProvider",
            "completionProvider",
            "declarationProvider",
            "definitionProvider",
            "diagnosticProvider",
            "documentHighlightProvider",
            "documentLinkProvider",
            "documentSymbolProvider",
            "hoverProvider",
            "inlayHintProvider",
            "positionEncoding",
            "referencesProvider",
            "renameProvider",
            "semanticTokensProvider",
            "textDocumentSync",
            "workspace",
            "workspaceSymbolProvider"
        ]
    );
    assert_eq!(c["workspace"]["workspaceFolders"], json!({"supported": true, "changeNotifications": true}));
    // An unimplemented method is an error, not a crash.
    let id =
        client.send_request("textDocument/signatureHelp", client.at("seeds/a.txt", json!({"line": 0, "character": 0})));
    assert_eq!(client.response(id)["error"]["code"], -32601);
    // Progress was announced with a created token, since the client supports it.
    let requests = client.server_requests.lock().unwrap().clone();
    assert!(requests.iter().any(|r| r["method"] == "window/workDoneProgress/create"), "{requests:?}");
    client.shutdown();
}

#[test]
fn exit_without_shutdown_is_exit_code_1_and_no_progress_without_client_support() {
    let mut caps = caps(false, json!({}));
    caps["window"]["workDoneProgress"] = json!(false);
    let mut client = Client::start(&workspace(), caps);
    client.open("seeds/a.txt", A);
    // Diagnostics are pushed once the workspace is indexed: A005 needs the registry.
    let (diagnostics, _) = client.diagnostics("seeds/a.txt", 1);
    assert!(codes(&diagnostics).contains(&"A005".to_string()), "{diagnostics}");
    let requests = client.server_requests.lock().unwrap().clone();
    assert!(requests.iter().all(|r| r["method"] != "window/workDoneProgress/create"), "{requests:?}");
    assert!(client.notifications.iter().all(|n| n["method"] != "$/progress"));
    client.notify("exit", Value::Null);
    assert_eq!(wait_exit(&mut client.child).code(), Some(1));
}

#[test]
fn diagnostics_are_pushed_on_open_and_after_an_incremental_edit() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.open("seeds/a.txt", A);
    let (diagnostics, _) = client.diagnostics("seeds/a.txt", 1);
    assert_eq!(codes(&diagnostics), ["A005"], "{diagnostics}");
    let a005 = &diagnostics[0];
    assert_eq!(a005["source"], "seedls");
    assert_eq!(a005["severity"], 2);
    let (s, e) = find(A, "kz.emergency");
    assert_eq!(a005["range"], range(A, s, e, Enc::Utf16));

    // Tag Almaty as a person: A006, with related information into the registry.
    let (s, _) = find(A, "place:kz.almaty");
    client.change("seeds/a.txt", 2, json!([{"range": range(A, s, s + "place".len(), Enc::Utf16), "text": "person"}]));
    let text = A.replacen("place:kz.almaty", "person:kz.almaty", 1);
    let (diagnostics, seen) = client.diagnostics("seeds/a.txt", 2);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "versions went back: {seen:?}");
    assert_eq!(codes(&diagnostics), ["A005", "A006"], "{diagnostics}");
    let a006 = diagnostics.as_array().unwrap().iter().find(|d| d["code"] == "A006").unwrap();
    assert_eq!(a006["severity"], 1);
    let (s, _) = find(&text, "person:kz.almaty");
    assert_eq!(a006["range"], range(&text, s, s + "person".len(), Enc::Utf16));
    let related = &a006["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], client.uri("entities.tsv"));
    let (s, e) = find_nth(REGISTRY, "place", 0);
    assert_eq!(related["location"]["range"], range(REGISTRY, s, e, Enc::Utf16));

    // A burst of edits: only the latest version's diagnostics may arrive last, none stale.
    let mut text = text;
    for version in 3..=12 {
        let end = text.len();
        client.change("seeds/a.txt", version, json!([{"range": range(&text, end, end, Enc::Utf16), "text": "x"}]));
        text.push('x');
    }
    let (diagnostics, seen) = client.diagnostics("seeds/a.txt", 12);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "versions went back: {seen:?}");
    assert_eq!(codes(&diagnostics), ["A005", "A006"]);

    // Closing clears what was pushed.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": client.uri("seeds/a.txt")}}));
    let uri = client.uri("seeds/a.txt");
    let cleared = client.wait_notification("cleared diagnostics", |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == uri.as_str()
            && n["params"]["diagnostics"] == json!([])
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    client.shutdown();
}

#[test]
fn hover_cards_for_mentions_events_and_header_escape_file_text() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.open("seeds/a.txt", A);
    // On the surface of a tagged mention: the registry card and the usage.
    let (s, _) = find(A, "président]");
    let hover = client.request("textDocument/hover", client.at("seeds/a.txt", position(A, s + 2, Enc::Utf16)));
    assert_eq!(hover["contents"]["kind"], "markdown");
    let md = hover["contents"]["value"].as_str().unwrap();
    let (ms, _) = find(A, "[président]");
    let me = find(A, "kz.tokayev}").1;
    assert_eq!(hover["range"], range(A, ms, me, Enc::Utf16));
    for expected in [
        "**Kassym-Jomart Tokaïev** · `kz.tokayev` · `person`",
        "President of Kazakhstan",
        "_Aliases:_ Tokaïev, président kazakh",
        "_CAMEO:_ KAZGOV",
        "[Q362113](<https://www.wikidata.org/wiki/Q362113>)",
        "Mentioned 2 times in 2 articles.",
        "- 2022-01-05 · Crise au Kazakhstan · seeds/a.txt",
        "- 2022-01-06 · Suite de la crise · seeds/b.txt",
    ] {
        assert!(md.contains(expected), "{expected:?} not in:\n{md}");
    }
    // Extra registry columns are shown.
    let (s, _) = find(A, "Alma-Ata]");
    let hover = client.request("textDocument/hover", client.at("seeds/a.txt", position(A, s, Enc::Utf16)));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("_founded:_ 1854"), "{md}");
    assert!(md.contains("and in 1 event role"), "{md}");

    // On an event: type, mode, roles resolved to names; registry text is escaped.
    let (s, _) = find(A, "urgence]");
    let hover = client.request("textDocument/hover", client.at("seeds/a.txt", position(A, s, Enc::Utf16)));
    let md = hover["contents"]["value"].as_str().unwrap();
    for expected in [
        "**coerce** · mode `martial-law` (event)",
        "- `actor`: Gouvernement du Kazakhstan (`kz.gov`)",
        "- `where`: Almaty (`kz.almaty`)",
        "- `when`: 2022-01-05",
        "`kz.emergency`",
        "_Not in the registry._",
    ] {
        assert!(md.contains(expected), "{expected:?} not in:\n{md}");
    }
    // On a role value: that id's card, whose description tries to inject a link and HTML.
    let (s, _) = find(A, "kz.gov");
    let hover = client.request("textDocument/hover", client.at("seeds/a.txt", position(A, s + 1, Enc::Utf16)));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains(r"See \[click\](command:evil) \<b\>now\</b\>"), "{md}");
    assert!(!md.contains("[click]("), "{md}");
    assert_eq!(hover["range"], range(A, s, s + "kz.gov".len(), Enc::Utf16));

    // On the header: the date in words and the URL.
    let hover = client.request("textDocument/hover", client.at("seeds/a.txt", json!({"line": 0, "character": 3})));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("5 January 2022 (2022-01-05)"), "{md}");
    assert!(md.contains("[https\\://example.org/a](<https://example.org/a>)"), "{md}");

    // On a row of the (closed) registry: the same card, positions converted without its text.
    let (s, _) = find(REGISTRY, "Tokaïev\tTokaïev");
    let hover = client.request("textDocument/hover", client.at("entities.tsv", position(REGISTRY, s, Enc::Utf16)));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("Mentioned 2 times in 2 articles."), "{md}");
    let (rs, _) = find(REGISTRY, "kz.tokayev");
    let re = rs + REGISTRY[rs..].find('\n').unwrap();
    assert_eq!(hover["range"], range(REGISTRY, rs, re, Enc::Utf16));

    // Plain prose has no hover.
    let (s, _) = find(A, "promis");
    let hover = client.request("textDocument/hover", client.at("seeds/a.txt", position(A, s, Enc::Utf16)));
    assert_eq!(hover, Value::Null);
    client.shutdown();
}

#[test]
fn definition_from_mentions_and_role_values_goes_to_the_registry_row() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.open("seeds/a.txt", A);
    let row = |id: &str| {
        let (s, e) = find(REGISTRY, &format!("\n{id}\t"));
        range(REGISTRY, s + 1, e - 1, Enc::Utf16)
    };
    // From the surface of a mention.
    let (s, _) = find(A, "Alma-Ata]");
    let def = client.request("textDocument/definition", client.at("seeds/a.txt", position(A, s, Enc::Utf16)));
    assert_eq!(def, json!([{"uri": client.uri("entities.tsv"), "range": row("kz.almaty")}]));
    // From a role value.
    let (s, _) = find(A, "where=kz.almaty");
    let def = client.request("textDocument/definition", client.at("seeds/a.txt", position(A, s + 8, Enc::Utf16)));
    assert_eq!(def, json!([{"uri": client.uri("entities.tsv"), "range": row("kz.almaty")}]));
    // Declaration: the first mention in the corpus, even with a registry row.
    let (s, _) = find(A, "kz.tokayev");
    let decl = client.request("textDocument/declaration", client.at("seeds/a.txt", position(A, s, Enc::Utf16)));
    assert_eq!(decl, json!([{"uri": client.uri("seeds/a.txt"), "range": range(A, s, s + 10, Enc::Utf16)}]));
    client.shutdown();
}

#[test]
fn definition_in_ad_hoc_mode_goes_to_the_first_mention_in_another_article() {
    let later = " date 2022-02-01 https://example.org/later\n\nTitre\n\nLe [chef]{person:adhoc.chef} parle.\n";
    let earlier = " date 2022-01-01 https://example.org/earlier\n\nTitre\n\nUn [chef]{person:adhoc.chef} arrive.\n";
    let files = [("z/later.txt", later), ("z/zz/earlier.txt", earlier)];
    let mut client = Client::start(&files, caps(false, json!({"textDocument": {"definition": {"linkSupport": true}}})));
    client.open("z/later.txt", later);
    let (s, e) = find(later, "adhoc.chef");
    let def = client.request("textDocument/definition", client.at("z/later.txt", position(later, s + 3, Enc::Utf16)));
    let (ts, te) = find(earlier, "adhoc.chef");
    assert_eq!(
        def,
        json!([{
            "originSelectionRange": range(later, s, e, Enc::Utf16),
            "targetUri": client.uri("z/zz/earlier.txt"),
            "targetRange": range(earlier, ts, te, Enc::Utf16),
            "targetSelectionRange": range(earlier, ts, te, Enc::Utf16),
        }])
    );
    // The hover says where the id is defined.
    let hover = client.request("textDocument/hover", client.at("z/later.txt", position(later, s, Enc::Utf16)));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("_Defined by its first mention, in_ z/zz/earlier.txt."), "{md}");
    client.shutdown();

    // A client that prefers plain text gets the same card without Markdown.
    let plain = json!({"textDocument": {"hover": {"contentFormat": ["plaintext", "markdown"]}}});
    let mut client = Client::start(&files, caps(false, plain));
    client.open("z/later.txt", later);
    let hover = client.request("textDocument/hover", client.at("z/later.txt", position(later, s, Enc::Utf16)));
    assert_eq!(hover["contents"]["kind"], "plaintext");
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("adhoc.chef · person\n\nDefined by its first mention, in z/zz/earlier.txt."), "{text}");
    client.shutdown();
}

#[test]
fn references_cover_closed_files_and_the_registry_row_on_request() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.open("seeds/a.txt", A);
    let (s, _) = find(A, "président]");
    let at = client.at("seeds/a.txt", position(A, s, Enc::Utf16));
    let mut params = at.clone();
    params["context"] = json!({"includeDeclaration": false});
    let refs = client.request("textDocument/references", params.clone());
    let (as_, ae) = find(A, "kz.tokayev");
    let (bs, be) = find(B, "kz.tokayev");
    assert_eq!(
        refs,
        json!([
            {"uri": client.uri("seeds/a.txt"), "range": range(A, as_, ae, Enc::Utf16)},
            {"uri": client.uri("seeds/b.txt"), "range": range(B, bs, be, Enc::Utf16)},
        ])
    );
    params["context"]["includeDeclaration"] = json!(true);
    let refs = client.request("textDocument/references", params);
    let (rs, re) = find(REGISTRY, "kz.tokayev");
    assert_eq!(refs.as_array().unwrap().len(), 3);
    assert_eq!(refs[0], json!({"uri": client.uri("entities.tsv"), "range": range(REGISTRY, rs, re, Enc::Utf16)}));

    // Role uses count as references; highlights stay in the document.
    let (s, _) = find(A, "Alma-Ata]");
    let highlights =
        client.request("textDocument/documentHighlight", client.at("seeds/a.txt", position(A, s, Enc::Utf16)));
    let (m, me) = find(A, "kz.almaty}");
    let (r, re) = find(A, "kz.almaty when");
    assert_eq!(
        highlights,
        json!([
            {"range": range(A, m, me - 1, Enc::Utf16), "kind": 3},
            {"range": range(A, r, re - " when".len(), Enc::Utf16), "kind": 2},
        ])
    );
    client.shutdown();
}

#[test]
fn code_action_adds_an_unregistered_id_to_entities_tsv() {
    let extra = json!({"workspace": {"workspaceEdit": {"documentChanges": true}}});
    let mut client = Client::start(&workspace(), caps(false, extra));
    client.open("seeds/a.txt", A);
    let (s, e) = find(A, "kz.emergency");
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": client.uri("seeds/a.txt")},
            "range": range(A, s + 2, s + 2, Enc::Utf16),
            "context": {"diagnostics": []},
        }),
    );
    let actions = actions.as_array().unwrap();
    let add = actions
        .iter()
        .find(|a| a["title"] == "Add `kz.emergency` to entities.tsv")
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(add["kind"], "quickfix");
    assert_eq!(add["diagnostics"][0]["code"], "A005");
    assert_eq!(add["diagnostics"][0]["range"], range(A, s, e, Enc::Utf16));
    let edits = &add["edit"]["documentChanges"];
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(edits[0]["textDocument"], json!({"uri": client.uri("entities.tsv"), "version": null}));
    // After the last row, before its line break: not on the line after it, which is past the
    // file's last line for an editor.
    let end = position(REGISTRY, REGISTRY.trim_end_matches('\n').len(), Enc::Utf16);
    assert_eq!(
        edits[0]["edits"],
        json!([{
            "range": {"start": end, "end": end},
            "newText": "\nkz.emergency\tcoerce\tL’état d’urgence\t\t\t\t\t",
        }])
    );
    // Asking only for refactorings gets no quick fix (the same row comes as a refactoring).
    let refactors = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": client.uri("seeds/a.txt")},
            "range": range(A, s, s, Enc::Utf16),
            "context": {"diagnostics": [], "only": ["refactor"]},
        }),
    );
    let refactors = refactors.as_array().unwrap();
    assert!(refactors.iter().all(|a| a["kind"].as_str().unwrap().starts_with("refactor")), "{refactors:?}");
    assert!(refactors.iter().all(|a| a.get("diagnostics").is_none()), "{refactors:?}");
    let add = refactors.iter().find(|a| a["title"] == "Add `kz.emergency` to entities.tsv").unwrap();
    assert_eq!(add["kind"], "refactor");

    // A local fix, without documentChanges support: a plain `changes` map on the open file.
    let mut client2 = Client::start(&workspace(), caps(false, json!({})));
    let text = A.replacen("{person:", "{persn:", 1);
    client2.open("seeds/a.txt", &text);
    let (s, e) = find(&text, "persn");
    let actions = client2.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": client2.uri("seeds/a.txt")},
            "range": range(&text, s, e, Enc::Utf16),
            "context": {"diagnostics": []},
        }),
    );
    let fix = actions.as_array().unwrap().iter().find(|a| a["title"] == "Change to `person`").unwrap();
    assert_eq!(fix["isPreferred"], true);
    let uri = client2.uri("seeds/a.txt");
    assert_eq!(
        fix["edit"]["changes"][uri.as_str()],
        json!([{"range": range(&text, s, e, Enc::Utf16), "newText": "person"}])
    );
    client2.shutdown();
    client.shutdown();
}

#[test]
fn pulled_workspace_diagnostics_report_a_closed_malformed_file() {
    let extra = json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}});
    let mut client = Client::start(&workspace(), caps(false, extra));
    client.open("seeds/a.txt", A);
    let report = client.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let items = report["items"].as_array().unwrap();
    let bad = items.iter().find(|i| i["uri"] == client.uri("seeds/bad.txt")).unwrap_or_else(|| panic!("{report}"));
    assert_eq!(bad["kind"], "full");
    assert_eq!(bad["version"], Value::Null);
    assert_eq!(codes(&bad["items"]), ["H001"]);
    assert_eq!(bad["items"][0]["range"], range(BAD, 0, "Pas".len(), Enc::Utf16));
    // The open document is reported from its text, with its version.
    let a = items.iter().find(|i| i["uri"] == client.uri("seeds/a.txt")).unwrap();
    assert_eq!(a["version"], 1);
    assert_eq!(codes(&a["items"]), ["A005"]);
    // Asking again with the result ids: nothing changed.
    let previous: Vec<Value> = items.iter().map(|i| json!({"uri": i["uri"], "value": i["resultId"]})).collect();
    let again = client.request("workspace/diagnostic", json!({"previousResultIds": previous}));
    assert!(again["items"].as_array().unwrap().iter().all(|i| i["kind"] == "unchanged"), "{again}");
    // Document pull.
    let doc = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": client.uri("seeds/bad.txt")}}));
    assert_eq!(doc["kind"], "full");
    assert_eq!(codes(&doc["items"]), ["H001"]);
    let again = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": client.uri("seeds/bad.txt")}, "previousResultId": doc["resultId"]}),
    );
    assert_eq!(again, json!({"kind": "unchanged", "resultId": doc["resultId"]}));
    // A client that pulls is not pushed to (it would see every problem twice), and was asked to
    // refresh once the index was ready.
    assert!(client.notifications.iter().all(|n| n["method"] != "textDocument/publishDiagnostics"));
    client.wait_notification("diagnostic refresh", |n| n["method"] == "workspace/diagnostic/refresh");
    client.shutdown();
}

#[test]
fn positions_follow_the_negotiated_encoding_on_a_line_with_an_emoji() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = Client::start(&workspace(), caps(enc == Enc::Utf8, json!({})));
        let expected = if enc == Enc::Utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(client.capabilities["positionEncoding"], expected);
        client.open("seeds/a.txt", A);
        // `Alma-Ata` comes after 😀 (2 UTF-16 units, 4 bytes) and accents on the same line.
        let (s, _) = find(A, "[Alma-Ata]");
        let e = find(A, "kz.almaty}").1;
        let hover = client.request("textDocument/hover", client.at("seeds/a.txt", position(A, s + 3, enc)));
        let got = &hover["range"];
        assert_eq!(got, &range(A, s, e, enc));
        let line = A[..s].rfind('\n').unwrap() + 1;
        let utf16_col = A[line..s].encode_utf16().count();
        let utf8_col = s - line;
        assert_ne!(utf16_col, utf8_col);
        let want = if enc == Enc::Utf8 { utf8_col } else { utf16_col };
        assert_eq!(got["start"]["character"], want);
        // A position inside the emoji's surrogate pair (utf-16) or its bytes (utf-8) snaps to
        // the emoji and finds nothing there, rather than failing.
        let (emoji, _) = find(A, "😀");
        let mut inside = position(A, emoji, enc);
        inside["character"] = json!(inside["character"].as_u64().unwrap() + 1);
        let hover = client.request("textDocument/hover", client.at("seeds/a.txt", inside));
        assert_eq!(hover, Value::Null);
        // Out-of-range positions clamp.
        let hover =
            client.request("textDocument/hover", client.at("seeds/a.txt", json!({"line": 999, "character": 999})));
        assert_eq!(hover, Value::Null);
        // An edit after the emoji, in the session's unit.
        let (s, e) = find(A, "ferme");
        client.change("seeds/a.txt", 2, json!([{"range": range(A, s, e, enc), "text": "forte"}]));
        let text = A.replacen("ferme", "forte", 1);
        let (s, _) = find(&text, "[Alma-Ata]");
        let hover = client.request("textDocument/hover", client.at("seeds/a.txt", position(&text, s + 3, enc)));
        assert_eq!(hover["range"], range(&text, s, find(&text, "kz.almaty}").1, enc));
        client.shutdown();
    }
}

/// The line the flood edits, and the mention on it.
const FLOOD: &str = " date 2022-01-07 https://example.org/flood\n\nTitre\n\n[Tokaïev]{person:kz.tokayev} fin.\n";

#[test]
fn a_flood_of_changes_and_requests_is_answered_in_order() {
    let mut files = workspace();
    files.push(("seeds/flood.txt", FLOOD));
    let mut client = Client::start(&files, caps(false, json!({})));
    client.open("seeds/flood.txt", FLOOD);
    let mut text = FLOOD.to_string();
    let mut expected: Vec<(i64, &str, Value)> = Vec::new();
    let row = |id: &str| {
        let (s, e) = find(REGISTRY, &format!("\n{id}\t"));
        json!([{"uri": client.uri("entities.tsv"), "range": range(REGISTRY, s + 1, e - 1, Enc::Utf16)}])
    };
    let (tokayev, almaty) = (row("kz.tokayev"), row("kz.almaty"));
    for version in 2..=201i64 {
        // Grow the prefix of the mention's line by an emoji or an accent, at varying places;
        // every 7th change swaps the mention's id.
        let line = text.rfind("\n[").map_or(0, |i| i + 1);
        let mention = text[line..].find('[').unwrap() + line;
        if version % 7 == 0 {
            let (old, new) =
                if text.contains("kz.tokayev") { ("kz.tokayev", "kz.almaty") } else { ("kz.almaty", "kz.tokayev") };
            let (s, e) = find(&text, old);
            client.change("seeds/flood.txt", version, json!([{"range": range(&text, s, e, Enc::Utf16), "text": new}]));
            text.replace_range(s..e, new);
        } else {
            let insert = if version % 2 == 0 { "😀" } else { "é" };
            let at = if version % 3 == 0 { line } else { mention };
            client.change(
                "seeds/flood.txt",
                version,
                json!([{"range": range(&text, at, at, Enc::Utf16), "text": insert}]),
            );
            text.insert_str(at, insert);
        }
        let (s, _) = find(&text, "[Tokaïev]");
        let end = text[s..].find('}').unwrap() + s + 1;
        let inside = position(&text, s + 2, Enc::Utf16);
        if version % 2 == 0 {
            let id = client.send_request("textDocument/hover", client.at("seeds/flood.txt", inside));
            expected.push((id, "hover", range(&text, s, end, Enc::Utf16)));
        } else {
            let id = client.send_request("textDocument/definition", client.at("seeds/flood.txt", inside));
            let want = if text.contains("kz.tokayev") { tokayev.clone() } else { almaty.clone() };
            expected.push((id, "definition", want));
        }
    }
    for (id, what, want) in expected {
        let response = client.response(id);
        let got = match what {
            "hover" => response["result"]["range"].clone(),
            _ => response["result"].clone(),
        };
        assert_eq!(got, want, "{what} #{id}");
    }
    // The last diagnostics are for the last version, and the server's text is the client's:
    // an edit at the very end lands where the client thinks the end is.
    let end = text.len();
    client.change(
        "seeds/flood.txt",
        202,
        json!([{"range": range(&text, end, end, Enc::Utf16), "text": "Fin[x]{persn}"}]),
    );
    text.push_str("Fin[x]{persn}");
    let (diagnostics, seen) = client.diagnostics("seeds/flood.txt", 202);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    let a004 = diagnostics.as_array().unwrap().iter().find(|d| d["code"] == "A004").unwrap();
    let (s, e) = find(&text, "persn");
    assert_eq!(a004["range"], range(&text, s, e, Enc::Utf16));
    client.shutdown();
}

#[test]
fn closing_a_document_goes_back_to_the_file_on_disk() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    // Edit b.txt in the editor so it no longer mentions kz.tokayev, then close it unsaved.
    client.open("seeds/b.txt", B);
    let (s, e) = find(B, "kz.tokayev");
    client.change("seeds/b.txt", 2, json!([{"range": range(B, s, e, Enc::Utf16), "text": "kz.almaty"}]));
    let (s, _) = find(A, "kz.tokayev");
    let refs = |client: &mut Client| {
        let mut params = client.at("seeds/a.txt", position(A, s, Enc::Utf16));
        params["context"] = json!({"includeDeclaration": false});
        client.request("textDocument/references", params).as_array().unwrap().len()
    };
    // a.txt is closed too: references work from closed files as well.
    assert_eq!(refs(&mut client), 1);
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": client.uri("seeds/b.txt")}}));
    assert_eq!(refs(&mut client), 2);
    // A file opened from outside the corpus is dropped on close.
    let path = client.path("seeds/new.txt");
    assert!(!path.exists());
    client.open("seeds/new.txt", " date 2022-01-08 https://example.org/new\n\n[X]{person:kz.tokayev}\n");
    assert_eq!(refs(&mut client), 3);
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": client.uri("seeds/new.txt")}}));
    assert_eq!(refs(&mut client), 2);
    // A file deleted on disk while open leaves the corpus when closed.
    client.open("seeds/b.txt", B);
    std::fs::remove_file(client.path("seeds/b.txt")).unwrap();
    assert_eq!(refs(&mut client), 2);
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": client.uri("seeds/b.txt")}}));
    assert_eq!(refs(&mut client), 1);
    client.shutdown();
}

#[test]
fn crlf_lines_and_positions_past_the_line_end_clamp_before_the_break() {
    let text =
        " date 2022-01-09 https://example.org/crlf\r\n\r\nTitre 😀\r\n\r\nLe [président]{person:kz.tokayev} parle.\r\n";
    let mut files = workspace();
    files.push(("seeds/crlf.txt", text));
    let mut client = Client::start(&files, caps(false, json!({})));
    client.open("seeds/crlf.txt", text);
    let (s, _) = find(text, "[président]");
    let e = find(text, "kz.tokayev}").1;
    let hover = client.request("textDocument/hover", client.at("seeds/crlf.txt", position(text, s + 2, Enc::Utf16)));
    assert_eq!(hover["range"], range(text, s, e, Enc::Utf16));
    // Insert at column 999 of the title line: it lands before its `\r\n`.
    let insert = " [x]{persn}";
    client.change(
        "seeds/crlf.txt",
        2,
        json!([{"range": {"start": {"line": 2, "character": 999}, "end": {"line": 2, "character": 999}}, "text": insert}]),
    );
    let mut text = text.to_string();
    let title_end = find(&text, "😀").1;
    text.insert_str(title_end, insert);
    let (diagnostics, _) = client.diagnostics("seeds/crlf.txt", 2);
    let a004 = diagnostics.as_array().unwrap().iter().find(|d| d["code"] == "A004").unwrap();
    let (s, e) = find(&text, "persn");
    assert_eq!(a004["range"], range(&text, s, e, Enc::Utf16));
    client.shutdown();
}
