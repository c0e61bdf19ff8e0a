//! An article with an open merge conflict, end to end over stdio (SPEC §13): F002 on the
//! block, "keep <side>" and "keep both" code actions, markers coloured, and the rest of the
//! file answering hover and references meanwhile.

mod support;

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\n\
kz.almaty\tplace\tAlmaty\t\n";

const OURS: &str = "[Tokaïev]{person:kz.tokayev} limoge le gouvernement à Almaty 😀.\n";
const THEIRS: &str = "Tokaïev limoge le gouvernement à [Almaty]{place:kz.almaty} 😀.\n";
const AFTER: &str = "Puis [Tokaïev]{person:kz.tokayev} parle à [Almaty]{place:kz.almaty}.\n";

fn article() -> String {
    format!(
        " date 2022-01-05 https://example.org/a\n\nLa crise\n\n<<<<<<< HEAD\n{OURS}=======\n{THEIRS}>>>>>>> alice\n{AFTER}"
    )
}

fn apply(text: &str, edit: &Value) -> String {
    let (s, e) = (&edit["range"]["start"], &edit["range"]["end"]);
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let col = p["character"].as_u64().unwrap() as usize;
        start
            + text[start..]
                .chars()
                .scan(0, |u, c| {
                    let at = *u;
                    *u += c.len_utf16();
                    Some((at, c.len_utf8()))
                })
                .take_while(|(at, _)| *at < col)
                .map(|(_, l)| l)
                .sum::<usize>()
    };
    let (s, e) = (offset(s), offset(e));
    format!("{}{}{}", &text[..s], edit["newText"].as_str().unwrap(), &text[e..])
}

#[test]
fn a_conflict_block_is_f002_with_keep_actions_and_the_rest_keeps_working() {
    let text = article();
    let files = [("entities.tsv", REGISTRY), ("seeds/a.txt", text.as_str())];
    let mut client = Client::start(&files, caps(false, json!({})));
    client.open("seeds/a.txt", &text);
    let (diags, _) = client.diagnostics("seeds/a.txt", 1);
    let start = text.find("<<<<<<<").unwrap();
    let end = text.find(AFTER).unwrap();
    let f002: Vec<&Value> = diags.as_array().unwrap().iter().filter(|d| d["code"] == "F002").collect();
    assert_eq!(f002.len(), 1, "{diags}");
    assert_eq!(f002[0]["severity"], 1);
    assert_eq!(f002[0]["range"], range(&text, start, end, Enc::Utf16));
    // Nothing else is wrong with the file: both sides' mentions parse, and the sides repeating
    // each other's line is no scraped title (T002); untagged names stay hints (A011, or A012
    // once the corpus is learned).
    let others: Vec<&Value> = diags.as_array().unwrap().iter().filter(|d| d["code"] != "F002").collect();
    assert!(others.iter().all(|d| d["code"] == "A011" || d["code"] == "A012"), "{diags}");

    // The actions, asked anywhere in the block.
    let (at, _) = find(&text, "gouvernement à [Almaty]");
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": client.uri("seeds/a.txt")},
            "range": range(&text, at, at, Enc::Utf16),
            "context": {"diagnostics": []},
        }),
    );
    let uri = client.uri("seeds/a.txt");
    let result = |title: &str| {
        let action = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("{title}: {actions}"));
        assert_eq!(action["kind"], "quickfix");
        let edits = action["edit"]["changes"][uri.as_str()].as_array().unwrap().clone();
        assert_eq!(edits.len(), 1);
        apply(&text, &edits[0])
    };
    let head = &text[..start];
    assert_eq!(result("Keep HEAD"), format!("{head}{OURS}{AFTER}"));
    assert_eq!(result("Keep alice"), format!("{head}{THEIRS}{AFTER}"));
    let both = "[Tokaïev]{person:kz.tokayev} limoge le gouvernement à [Almaty]{place:kz.almaty} 😀.\n";
    assert_eq!(result("Keep both"), format!("{head}{both}{AFTER}"));

    // Hover and references work around and inside the block.
    let (s, _) = find(AFTER, "Tokaïev");
    let after = text.find(AFTER).unwrap();
    let hover =
        client.request("textDocument/hover", client.at("seeds/a.txt", position(&text, after + s + 1, Enc::Utf16)));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Kassym-Jomart Tokaïev"), "{hover}");
    let refs = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position(&text, after + s + 1, Enc::Utf16), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(refs.as_array().unwrap().len(), 2, "ours' mention and the one after the block: {refs}");

    // The markers are coloured.
    let legend = client.capabilities["semanticTokensProvider"]["legend"]["tokenTypes"].clone();
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}}));
    let data: Vec<u64> = tokens["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let keyword_lines: Vec<u64> = data
        .chunks(5)
        .scan(0, |line, t| {
            *line += t[0];
            Some((*line, legend[t[3] as usize].as_str().unwrap().to_string(), t[2]))
        })
        .filter(|(_, ty, _)| ty == "keyword")
        .map(|(line, _, _)| line)
        .collect();
    assert_eq!(keyword_lines, vec![4, 6, 8]);

    // Keeping both: the conflict is gone.
    client.change("seeds/a.txt", 2, json!([{"text": result("Keep both")}]));
    let (diags, _) = client.diagnostics("seeds/a.txt", 2);
    assert_eq!(diags, json!([]));
    client.shutdown();
}

#[test]
fn no_keep_both_when_one_span_is_tagged_two_ways_and_an_edit_closing_the_block_adds_f002() {
    let text = format!(" date 2022-01-05 https://example.org/a\n\nLa crise\n\n<<<<<<< ours\n{OURS}=======\n");
    let files = [("entities.tsv", REGISTRY), ("seeds/a.txt", text.as_str())];
    let mut client = Client::start(&files, caps(false, json!({})));
    client.open("seeds/a.txt", &text);
    let (diags, _) = client.diagnostics("seeds/a.txt", 1);
    let start = text.find("<<<<<<<").unwrap();
    assert_eq!(diags[0]["code"], "F002", "{diags}");
    assert_eq!(diags[0]["range"], range(&text, start, start + "<<<<<<< ours".len(), Enc::Utf16));
    // Typing theirs' side and the closing marker at the end: one block, spliced in.
    let other = "[Tokaïev]{gov:kz.gov} limoge le gouvernement à Almaty 😀.\n>>>>>>> theirs\n";
    let end = position(&text, text.len(), Enc::Utf16);
    client.change("seeds/a.txt", 2, json!([{"range": {"start": end, "end": end}, "text": other}]));
    let (diags, _) = client.diagnostics("seeds/a.txt", 2);
    let full = format!("{text}{other}");
    let f002: Vec<&Value> = diags.as_array().unwrap().iter().filter(|d| d["code"] == "F002").collect();
    assert_eq!(f002.len(), 1, "{diags}");
    assert_eq!(f002[0]["range"], range(&full, start, full.len(), Enc::Utf16));
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": client.uri("seeds/a.txt")},
            "range": range(&full, start, start, Enc::Utf16),
            "context": {"diagnostics": []},
        }),
    );
    let titles: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Keep ours") && titles.contains(&"Keep theirs"), "{titles:?}");
    assert!(!titles.contains(&"Keep both"), "{titles:?}");
    client.shutdown();
}
