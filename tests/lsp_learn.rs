//! Suggestions learned from the corpus (SPEC §12) in the editor, end to end: A012 hints once
//! the corpus is learned, replacing A011, following edits of open documents and the settings,
//! and their code actions.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\tdescription\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\tPresident of Kazakhstan\n\
kz.almaty\tplace\tAlmaty\t\t\n";

const A: &str = " date 2022-01-05 https://example.org/a\n\
\n\
Crise\n\
\n\
[Tokaïev]{person:kz.tokayev} a parlé depuis Akorda. [Tokaïev]{person:kz.tokayev} a promis à [Almaty]{place:kz.almaty}.\n";

const B: &str = " date 2022-01-06 https://example.org/b\n\
\n\
Suite\n\
\n\
Tokaïev a parlé à Almaty. Le palais Akorda s’est tu.\n";

/// A client with the suggestions on (the test harness turns them off by default).
fn start(caps: Value) -> Client {
    let mut options = Options::new(caps);
    options.initialization_options = Some(json!({"seedls": {"suggestions": {"enabled": true}}}));
    Client::start_with(&workspace(), options)
}

fn workspace() -> Vec<(&'static str, &'static str)> {
    vec![("entities.tsv", REGISTRY), ("seeds/a.txt", A), ("seeds/b.txt", B)]
}

/// The pulled diagnostics of `rel` as (code, message, covered text).
fn pulled(client: &mut Client, rel: &str, text: &str) -> Vec<(String, String, String)> {
    let report = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": client.uri(rel)}}));
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let covered = covered(text, &d["range"]);
            (d["code"].as_str().unwrap().to_string(), d["message"].as_str().unwrap().to_string(), covered)
        })
        .collect()
}

fn covered(text: &str, range: &Value) -> String {
    let offset = |pos: &Value| {
        let line = pos["line"].as_u64().unwrap() as usize;
        let start = text.split_inclusive('\n').take(line).map(str::len).sum::<usize>();
        let content = text[start..].split('\n').next().unwrap();
        let mut units = 0;
        for (i, c) in content.char_indices() {
            if units >= pos["character"].as_u64().unwrap() as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + content.len()
    };
    text[offset(&range["start"])..offset(&range["end"])].to_string()
}

/// Pulls until `done` holds of the diagnostics: learning runs in the background.
fn pull_until(
    client: &mut Client,
    rel: &str,
    text: &str,
    done: impl Fn(&[(String, String, String)]) -> bool,
) -> Vec<(String, String, String)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = pulled(client, rel, text);
        if done(&found) {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out; last: {found:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn a012(found: &[(String, String, String)]) -> Vec<(&str, &str)> {
    found.iter().filter(|d| d.0 == "A012").map(|d| (d.1.as_str(), d.2.as_str())).collect()
}

#[test]
fn a012_replaces_a011_with_the_evidence() {
    let mut client = start(caps(false, json!({})));
    client.open("seeds/b.txt", B);
    let found = pull_until(&mut client, "seeds/b.txt", B, |f| f.iter().any(|d| d.0 == "A012"));
    // Two tags and the registry's alias against one untagged occurrence.
    assert_eq!(
        a012(&found),
        [
            ("tag as person kz.tokayev: 3 of 4 tagged «Tokaïev»", "Tokaïev"),
            ("tag as place kz.almaty: 2 of 3 tagged «Almaty»", "Almaty")
        ]
    );
    assert!(!found.iter().any(|d| d.0 == "A011"), "{found:?}");
    client.shutdown();
}

#[test]
fn the_settings_turn_suggestions_off_and_a011_comes_back() {
    let mut options = Options::new(caps(false, json!({})));
    options.initialization_options = Some(json!({"seedls": {"suggestions": {"enabled": false}}}));
    let mut client = Client::start_with(&workspace(), options);
    client.open("seeds/b.txt", B);
    let found = pull_until(&mut client, "seeds/b.txt", B, |f| f.iter().any(|d| d.0 == "A011"));
    assert!(a012(&found).is_empty(), "{found:?}");
    // A higher minimum count than the surface's observations: nothing either.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"seedls": {"suggestions": {"enabled": true, "minCount": 5}}}}),
    );
    std::thread::sleep(Duration::from_millis(500));
    assert!(a012(&pulled(&mut client, "seeds/b.txt", B)).is_empty());
    // Turned on with the default thresholds: learned now (nothing was while they were off).
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"seedls": {"suggestions": {"enabled": true}}}}),
    );
    pull_until(&mut client, "seeds/b.txt", B, |f| !a012(f).is_empty());
    client.shutdown();
}

#[test]
fn tagging_by_hand_in_one_document_teaches_the_other() {
    let mut client = start(caps(false, json!({})));
    client.open("seeds/a.txt", A);
    client.open("seeds/b.txt", B);
    pull_until(&mut client, "seeds/b.txt", B, |f| !a012(f).is_empty());
    assert!(!a012(&pulled(&mut client, "seeds/b.txt", B)).iter().any(|d| d.1 == "Akorda"));
    // Tag "Akorda" in a.txt (line 4): the other document is suggested it.
    let (start, end) = find(A, "Akorda");
    let tagged = A.replacen("Akorda", "[Akorda]{place}", 1);
    client.change("seeds/a.txt", 2, json!([{"range": range(A, start, end, Enc::Utf16), "text": "[Akorda]{place}"}]));
    let found = pull_until(&mut client, "seeds/b.txt", B, |f| a012(f).iter().any(|d| d.1 == "Akorda"));
    assert!(a012(&found).contains(&("tag as place: 1 of 2 tagged «Akorda»", "Akorda")), "{found:?}");
    // Untagged again: the suggestion goes.
    let (start, end) = find(&tagged, "[Akorda]{place}");
    client.change("seeds/a.txt", 3, json!([{"range": range(&tagged, start, end, Enc::Utf16), "text": "Akorda"}]));
    pull_until(&mut client, "seeds/b.txt", B, |f| !a012(f).is_empty() && !a012(f).iter().any(|d| d.1 == "Akorda"));
    client.shutdown();
}

/// Applies LSP text edits (UTF-16 positions, non-overlapping) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| {
        let line = pos["line"].as_u64().unwrap() as usize;
        let start = text.split_inclusive('\n').take(line).map(str::len).sum::<usize>();
        start
            + covered(
                &text[start..],
                &json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": pos["character"]}}),
            )
            .len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap()))
        .collect();
    spans.sort_by_key(|&(s, e, _)| std::cmp::Reverse((s, e)));
    let mut out = text.to_string();
    for (s, e, new) in spans {
        out.replace_range(s..e, new);
    }
    out
}

fn actions_at(client: &mut Client, rel: &str, text: &str, needle: &str) -> Vec<Value> {
    let (start, end) = find(text, needle);
    let params = json!({
        "textDocument": {"uri": client.uri(rel)},
        "range": range(text, start, end, Enc::Utf16),
        "context": {"diagnostics": []},
    });
    client.request("textDocument/codeAction", params).as_array().cloned().unwrap_or_default()
}

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with(title))
        .unwrap_or_else(|| panic!("no {title}: {actions:#?}"))
}

#[test]
fn accept_and_accept_all() {
    let mut client = start(caps(false, json!({})));
    client.open("seeds/b.txt", B);
    let found = pull_until(&mut client, "seeds/b.txt", B, |f| a012(f).len() == 2);
    assert_eq!(a012(&found).iter().map(|d| d.1).collect::<Vec<_>>(), ["Tokaïev", "Almaty"]);
    let actions = actions_at(&mut client, "seeds/b.txt", B, "Tokaïev");
    let accept = titled(&actions, "Tag as person:kz.tokayev");
    assert_eq!(accept["isPreferred"], true);
    assert_eq!(actions[0]["title"], accept["title"], "the accept comes first");
    let uri = client.uri("seeds/b.txt");
    let accepted = apply(B, accept["edit"]["changes"][&uri].as_array().unwrap());
    assert!(accepted.contains("[Tokaïev]{person:kz.tokayev} a parlé à Almaty."), "{accepted}");
    let every = titled(&actions, "Accept every suggestion in this file");
    let all = apply(B, every["edit"]["changes"][&uri].as_array().unwrap());
    assert!(all.contains("[Tokaïev]{person:kz.tokayev} a parlé à [Almaty]{place:kz.almaty}."), "{all}");
    // Once applied, the hint is gone.
    client.change("seeds/b.txt", 2, json!([{"text": accepted}]));
    let found = pull_until(&mut client, "seeds/b.txt", &accepted, |f| a012(f).len() == 1);
    assert_eq!(a012(&found)[0].1, "Almaty");
    client.shutdown();
}

#[test]
fn reject_here_writes_a_row_and_the_hint_goes() {
    let caps = caps(
        false,
        json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}}),
    );
    let mut client = start(caps);
    client.open("seeds/b.txt", B);
    pull_until(&mut client, "seeds/b.txt", B, |f| a012(f).len() == 2);
    let actions = actions_at(&mut client, "seeds/b.txt", B, "Almaty");
    let reject = titled(&actions, "Reject place:kz.almaty here");
    let ops = reject["edit"]["documentChanges"].as_array().unwrap();
    let tsv = client.uri(".seedls/rejected.tsv");
    assert_eq!(ops[0]["kind"], "create");
    assert_eq!(ops[0]["uri"], tsv.as_str());
    let written = apply("", ops[1]["edits"].as_array().unwrap());
    assert_eq!(written, "surface\tlabel\tpath\tline\nAlmaty\tplace:kz.almaty\tseeds/b.txt\t5\n");
    // The editor creates the file and opens it with the row.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": tsv, "languageId": "tsv", "version": 1, "text": written}}),
    );
    let found = pull_until(&mut client, "seeds/b.txt", B, |f| a012(f).len() == 1);
    assert_eq!(a012(&found)[0].1, "Tokaïev");
    // Everywhere: a row without a place, appended to the open file.
    let actions = actions_at(&mut client, "seeds/b.txt", B, "Tokaïev");
    let reject = titled(&actions, "Reject person:kz.tokayev for «Tokaïev» everywhere");
    let ops = reject["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(ops.len(), 1, "no create: the file exists");
    let appended = apply(&written, ops[0]["edits"].as_array().unwrap());
    assert!(appended.ends_with("\nTokaïev\tperson:kz.tokayev\n"), "{appended}");
    client.change(".seedls/rejected.tsv", 2, json!([{"text": appended}]));
    pull_until(&mut client, "seeds/b.txt", B, |f| a012(f).is_empty());
    client.shutdown();
}

#[test]
fn hover_on_a_suggested_span_shows_the_candidates() {
    let mut client = start(caps(false, json!({})));
    client.open("seeds/b.txt", B);
    pull_until(&mut client, "seeds/b.txt", B, |f| a012(f).len() == 2);
    let (start, end) = find(B, "Tokaïev");
    let hover = client.request("textDocument/hover", client.at("seeds/b.txt", position(B, start + 2, Enc::Utf16)));
    assert_eq!(
        hover["contents"]["value"],
        "Suggested tags for «Tokaïev» (4 observations)\n\n- `person:kz.tokayev`: 3\n- no tag: 1"
    );
    assert_eq!(hover["range"], range(B, start, end, Enc::Utf16));
    // Untagged text that is suggested nothing: no hover.
    let (start, _) = find(B, "palais");
    let hover = client.request("textDocument/hover", client.at("seeds/b.txt", position(B, start, Enc::Utf16)));
    assert_eq!(hover, Value::Null);
    client.shutdown();
}
