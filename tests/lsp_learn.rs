//! Suggestions learned from the corpus (SPEC §12) in the editor, end to end: A012 hints once
//! the corpus is learned, replacing A011, following edits of open documents and the settings,
//! and their code actions.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\tdescription\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\tPresident of Kazakhstan\n";

const A: &str = " date 2022-01-05 https://example.org/a\n\
\n\
Crise\n\
\n\
[Tokaïev]{person:kz.tokayev} a parlé depuis Akorda. [Tokaïev]{person:kz.tokayev} a promis.\n";

const B: &str = " date 2022-01-06 https://example.org/b\n\
\n\
Suite\n\
\n\
Tokaïev a parlé. Le palais Akorda s’est tu.\n";

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
    let mut client = Client::start(&workspace(), caps(false, json!({})));
    client.open("seeds/b.txt", B);
    let found = pull_until(&mut client, "seeds/b.txt", B, |f| f.iter().any(|d| d.0 == "A012"));
    // Two tags and the registry's alias against one untagged occurrence.
    assert_eq!(a012(&found), [("tag as person kz.tokayev: 3 of 4 tagged «Tokaïev»", "Tokaïev")]);
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
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"seedls": {"suggestions": {}}}}));
    pull_until(&mut client, "seeds/b.txt", B, |f| !a012(f).is_empty());
    client.shutdown();
}

#[test]
fn tagging_by_hand_in_one_document_teaches_the_other() {
    let mut client = Client::start(&workspace(), caps(false, json!({})));
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
