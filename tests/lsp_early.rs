//! Requests before the first index is installed get the answers the index gives afterwards:
//! references from the id pass, byte for byte; every other kind after waiting for the index.
//! The real binary over stdio, as in `tests/lsp.rs`.

mod support;

#[path = "../benches/support/corpus_gen.rs"]
#[allow(dead_code)]
mod corpus_gen;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::lsp::*;

fn is_progress_end(n: &Value) -> bool {
    n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end"
}

#[test]
fn references_sent_right_after_initialized_are_the_indexs() {
    let root = tempfile::tempdir().unwrap();
    // Large enough that the full parse ends well after the id pass.
    let generated = corpus_gen::generate(root.path(), 1500, 80, 11).unwrap();
    let (popular, uses) = generated.id_near_10k.unwrap();
    let registry = std::fs::read_to_string(root.path().join("entities.tsv")).unwrap();
    let row_of = |id: &str| registry.find(&format!("\n{id}\t")).unwrap() + 1;
    let articles = corpus_gen_files(root.path());
    let texts: Vec<String> = articles.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    // An id of a few dozen uses (answers that a debug build prints quickly), and an article
    // that tags it.
    let (id, article) = registry
        .lines()
        .skip(30)
        .filter_map(|l| l.split('\t').next())
        .filter(|id| *id != popular)
        .find_map(|id| Some((id.to_string(), texts.iter().position(|t| t.contains(&format!(":{id}}}")))?)))
        .unwrap();
    let rel = |p: &std::path::Path| p.strip_prefix(root.path()).unwrap().display().to_string();
    let (article_rel, text) = (rel(&articles[article]), &texts[article]);
    let tag = text.find(&format!(":{id}}}")).unwrap() + 1;
    // An open document (another article) edited before the index is in: its own text counts.
    let other = (article + 1) % articles.len();
    let (other_rel, other_text) = (rel(&articles[other]), texts[other].clone());

    let mut options = Options::new(caps(false, json!({})));
    options.root = Some(root);
    options.wait_indexed = false;
    let mut client = Client::start_with(&[], options);
    let params = |(uri, pos, include): &(String, Value, bool)| json!({"textDocument": {"uri": uri}, "position": pos, "context": {"includeDeclaration": include}});
    // The very first message after `initialized`: the id with most uses.
    let first = (client.uri("entities.tsv"), position(&registry, row_of(&popular), Enc::Utf16), true);
    let first_id = client.send_request("textDocument/references", params(&first));
    client.open(&other_rel, &other_text);
    let end = other_text.len();
    let inserted = format!("\n[Ajout]{{person:{id}}} et 😀 [x]{{event actor={id},2022-01}}\n");
    client.change(&other_rel, 2, json!([{"range": range(&other_text, end, end, Enc::Utf16), "text": inserted}]));
    let edited = format!("{other_text}{inserted}");
    let added = end + inserted.find(&id).unwrap();
    let row = position(&registry, row_of(&id), Enc::Utf16);
    let requests = [
        (client.uri("entities.tsv"), row.clone(), true),
        (client.uri("entities.tsv"), row, false),
        (client.uri(&article_rel), position(text, tag, Enc::Utf16), false),
        (client.uri(&article_rel), position(text, 0, Enc::Utf16), true),
        (client.uri(&other_rel), position(&edited, added, Enc::Utf16), true),
    ];
    let early: Vec<i64> = requests.iter().map(|r| client.send_request("textDocument/references", params(r))).collect();
    let first_answer = client.response(first_id);
    let early: Vec<Value> = early.into_iter().map(|id| client.response(id)).collect();
    assert!(
        !client.notifications.iter().any(is_progress_end),
        "the answers came before the index was installed (from the id pass)"
    );
    client.wait_notification("indexing end", is_progress_end);
    for (request, early) in requests.iter().zip(&early) {
        let late = client.request("textDocument/references", params(request));
        assert_eq!(early["result"], late, "references at {request:?}");
    }
    let all = early[0]["result"].as_array().unwrap();
    assert!(all.len() > 3, "the id's uses, its row and the open document's additions");
    assert_eq!(all.iter().filter(|l| l["uri"] == client.uri(&other_rel).as_str()).count(), 2);
    assert!(early[3]["result"].is_null(), "no id on the header");
    // The first answer, without the open document that came after it.
    let first_late = client.request("textDocument/references", params(&first));
    let other_uri = client.uri(&other_rel);
    let not_other = |answer: &Value| -> Vec<Value> {
        answer.as_array().unwrap().iter().filter(|l| l["uri"] != other_uri.as_str()).cloned().collect()
    };
    assert_eq!(not_other(&first_answer["result"]), not_other(&first_late));
    assert!(not_other(&first_late).len() > uses / 2, "the popular id's uses");
    client.shutdown();
}

const REGISTRY: &str = "id\ttype\tname\taliases\tdescription\twikidata\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président du Kazakhstan\tPresident of Kazakhstan.\tQ1174440\n\
kz.almaty\tplace\tAlmaty\t\tLargest city of Kazakhstan.\tQ35493\n";

/// Token types of its own: semantic tokens depend on it.
const SCHEMA: &str = "type\tclass\troles\tmodes\ttoken\tdescription\n\
person\tentity\t\t\tstruct\tA person\n\
place\tentity\t\t\tnamespace\tA place\n\
protest\tevent\tactor:person* where:place*\t\tevent\tA protest\n";

/// Its id is in the registry; "Almaty" at the end is untagged. `b.txt` shares its URL (H007).
const A: &str = " date 2022-01-05 https://example.org/a\n\nCrise à Almaty\n\n\
Le [Tokaïev]{person:kz.tokayev} a parlé. [Manifestation]{protest actor=kz.tokayev where=kz.almaty} à Almaty.\n";

const B: &str = " date 2022-01-04 https://example.org/a\n\nVeille\n\n\
[Tokaïev]{person:kz.tokayev} et [Nazarbaïev]{person:kz.nazarbayev}.\n";

const C: &str = " date 2022-01-06 https://example.org/c\n\nSuite\n\n\
[Le président]{person:kz.tokayev} à [Almaty]{place:kz.almaty}.\n";

/// How long the server waits before it starts indexing: long enough that every request below
/// is sent before the index can be installed.
const DELAY: Duration = Duration::from_millis(1500);

fn slow_start(extra: Value) -> (Client, Instant) {
    let mut options = Options::new(caps(false, extra));
    options.wait_indexed = false;
    options.env = vec![("SEEDLS_TEST_INDEX_DELAY_MS", DELAY.as_millis().to_string())];
    let files = [("entities.tsv", REGISTRY), ("schema.tsv", SCHEMA), ("a.txt", A), ("b.txt", B), ("c.txt", C)];
    let client = Client::start_with(&files, options);
    (client, Instant::now())
}

/// Every request kind, sent right after `initialized` (a document opened and edited first), is
/// answered exactly as after the end of indexing: none from the corpus of open documents alone,
/// which has no registry ("Defined by its first mention"), no schema and none of the files on
/// disk.
#[test]
fn every_request_before_the_index_is_answered_as_after_it() {
    let extra = json!({
        "textDocument": {
            "diagnostic": {},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "rename": {"prepareSupport": true},
        },
        "experimental": {"commands": {"commands": ["editor.action.showReferences"]}},
    });
    let (mut client, started) = slow_start(extra);
    client.open("a.txt", A);
    let added = "[Almaty]{place:kz.almaty} encore.\n";
    client.change("a.txt", 2, json!([{"range": range(A, A.len(), A.len(), Enc::Utf16), "text": added}]));
    let text = format!("{A}{added}");
    let at = |needle: &str, nth: usize| client.at("a.txt", position(&text, find_nth(&text, needle, nth).0, Enc::Utf16));
    let doc = |rel: &str| json!({"textDocument": {"uri": client.uri(rel)}});
    let whole = range(&text, 0, text.len(), Enc::Utf16);
    let with = |mut params: Value, extra: Value| {
        merge(&mut params, extra);
        params
    };
    let (almaty, _) = find_nth(&text, "Almaty", 1);
    let lens_data = json!({"uri": client.uri("entities.tsv"), "id": "kz.tokayev"});
    let requests: Vec<(&str, Value)> = vec![
        ("textDocument/hover", at("Tokaïev", 0)),
        ("textDocument/hover", client.at("b.txt", position(B, find(B, "Nazarbaïev").0, Enc::Utf16))),
        ("textDocument/definition", at("Tokaïev", 0)),
        ("textDocument/declaration", at("Tokaïev", 0)),
        ("textDocument/references", with(at("Tokaïev", 0), json!({"context": {"includeDeclaration": true}}))),
        ("textDocument/documentHighlight", at("kz.tokayev", 1)),
        ("textDocument/completion", at("kz.tokayev", 0)),
        (
            "textDocument/codeAction",
            with(
                doc("a.txt"),
                json!({"range": range(&text, almaty, almaty + "Almaty".len(), Enc::Utf16), "context": {"diagnostics": []}}),
            ),
        ),
        ("textDocument/prepareRename", at("kz.tokayev", 0)),
        ("textDocument/rename", with(at("kz.tokayev", 0), json!({"newName": "kz.tokaev"}))),
        ("textDocument/semanticTokens/full", doc("a.txt")),
        ("textDocument/semanticTokens/full/delta", with(doc("a.txt"), json!({"previousResultId": "none"}))),
        ("textDocument/semanticTokens/range", with(doc("a.txt"), json!({"range": whole}))),
        ("textDocument/documentSymbol", doc("a.txt")),
        ("workspace/symbol", json!({"query": "tokayev"})),
        ("textDocument/documentLink", doc("a.txt")),
        ("textDocument/documentLink", doc("entities.tsv")),
        ("textDocument/inlayHint", with(doc("a.txt"), json!({"range": whole}))),
        ("textDocument/codeLens", doc("entities.tsv")),
        ("codeLens/resolve", json!({"range": range(REGISTRY, 0, 0, Enc::Utf16), "data": lens_data})),
        ("textDocument/diagnostic", doc("a.txt")),
        ("textDocument/diagnostic", doc("b.txt")),
        ("workspace/diagnostic", json!({"previousResultIds": []})),
    ];
    let ids: Vec<i64> = requests.iter().map(|(method, params)| client.send_request(method, params.clone())).collect();
    assert!(started.elapsed() < DELAY, "every request was sent before indexing began");
    let early: Vec<Value> = ids.into_iter().map(|id| client.response(id)).collect();
    client.wait_notification("indexing end", |n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end");
    for ((method, params), early) in requests.iter().zip(&early) {
        assert!(early.get("error").is_none(), "{method} before the index: {early}");
        let late = client.request(method, params.clone());
        assert_eq!(without_result_ids(early["result"].clone()), without_result_ids(late), "{method} {params}");
    }
    let hover = early[0]["result"]["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("Kassym-Jomart Tokaïev") && !hover.contains("first mention"), "{hover}");
    client.shutdown();
}

/// Semantic tokens' result ids name an answer in the server's cache, each its own.
fn without_result_ids(mut answer: Value) -> Value {
    if let Some(o) = answer.as_object_mut()
        && o.contains_key("data")
    {
        o.remove("resultId");
    }
    answer
}

/// Diagnostics pushed for a document opened before the index is in come from the index: no
/// A005 for an id the registry defines, the duplicate URL of a file on disk (H007).
#[test]
fn diagnostics_pushed_before_the_index_are_the_indexs() {
    let (mut client, _) = slow_start(json!({}));
    client.open("a.txt", A);
    let uri = client.uri("a.txt");
    let is_push = |n: &Value| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri.as_str();
    let mut pushed = Vec::new();
    loop {
        let n = client.wait_notification("diagnostics or the end of indexing", |n| is_push(n) || is_progress_end(n));
        if is_progress_end(&n) {
            break;
        }
        pushed.push(n["params"].clone());
    }
    // A change after the index: the push that follows is surely the index's.
    client.change("a.txt", 2, json!([{"range": range(A, A.len(), A.len(), Enc::Utf16), "text": "Fin.\n"}]));
    loop {
        let n = client.wait_notification("diagnostics", is_push);
        pushed.push(n["params"].clone());
        if n["params"]["version"] == 2 {
            break;
        }
    }
    let last = &pushed[pushed.len() - 1]["diagnostics"];
    let codes: Vec<&str> = last.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"H007") && !codes.contains(&"A005"), "{codes:?}");
    // Every push before it was of the text opened, with the same problems.
    for p in &pushed[..pushed.len() - 1] {
        assert_eq!(p["version"], 1);
        assert_eq!(&p["diagnostics"], last, "pushed before the change");
    }
    client.shutdown();
}

fn corpus_gen_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = walk(root).into_iter().filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    out.sort();
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}
