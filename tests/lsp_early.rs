//! References before the index is installed (answered from the id pass) are the answers the
//! index gives afterwards, byte for byte. The real binary over stdio, as in `tests/lsp.rs`.

mod support;

#[path = "../benches/support/corpus_gen.rs"]
#[allow(dead_code)]
mod corpus_gen;

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
