//! Text from seed and registry files can never become a link, a command, HTML or an autolink
//! in what the server sends: every Markdown answer is checked for live markup, every other
//! text field is plain text, and document links only go to http(s) URLs.

mod support;

use serde_json::{Value, json};
use support::lsp::*;

/// Every registry column holds an injection attempt.
const REGISTRY: &str = "id\ttype\tname\taliases\tdescription\twikidata\tcameo\tnote\n\
kz.evil\tperson\t[Evil](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>\t\
[a](javascript:alert(1))|https://evil.example/alias\t<script>x</script> www.evil.example **b** ![i](https://evil.example/i.png) a@evil.example\t\
javascript:alert(1)\t<b>CAMEO</b>\t[n](command:x) <a href=\"command:y\">z</a>\n\
kz.ok\tgov\tOK gov\t\t# heading\n> quote\t\t\t\n";

const SEED: &str = " date 2022-01-05 https://evil.example/[x](command:a)<b>\n\
\n\
# Titre [t](command:t) <i>html</i> https://evil.example/t\n\
\n\
Le [président [sic](command:s)]{person:kz.evil} et [<b>x</b>]{protest.riot:kz.ev actor=kz.evil,kz.ok recipient=kz.unknown} [y]{gov:kz.ok}.\n";

/// Live Markdown in `md`: a link or image whose target is not an http(s) URL the server made,
/// an autolink, raw HTML.
fn assert_inert(md: &str, what: &str) {
    let bytes = md.as_bytes();
    let escaped = |i: usize| i > 0 && bytes[i - 1] == b'\\';
    for (i, _) in md.match_indices("](") {
        if escaped(i) {
            continue;
        }
        let target = &md[i + 2..];
        assert!(
            target.starts_with("<https://") || target.starts_with("<http://"),
            "{what}: a link to {:?} in:\n{md}",
            &target[..target.len().min(40)]
        );
    }
    for (i, _) in md.match_indices('<') {
        let link_target = md[..i].ends_with("](");
        assert!(escaped(i) || link_target, "{what}: raw `<` (HTML or autolink) at {i} in:\n{md}");
    }
    for (i, _) in md.match_indices("://") {
        let in_target = md[..i].rfind("](<").is_some_and(|s| !md[s..i].contains('>'));
        assert!(escaped(i) || in_target, "{what}: a bare URL (autolink) at {i} in:\n{md}");
    }
    for (i, _) in md.match_indices("www.") {
        let in_target = md[..i].rfind("](<").is_some_and(|s| !md[s..i].contains('>'));
        assert!(in_target || md[i + 3..].starts_with("\\."), "{what}: www autolink at {i} in:\n{md}");
    }
    assert!(!md.contains("javascript:alert(1))") || md.contains("\\[a\\](javascript"), "{what}: {md}");
}

#[test]
fn the_checker_flags_live_markup() {
    for live in ["[x](command:a)", "<b>x</b>", "see https://evil.example", "www.evil.example", "![i](x.png)"] {
        assert!(std::panic::catch_unwind(|| assert_inert(live, "probe")).is_err(), "{live} passed");
    }
    for inert in [
        r"\[x\](command:a)",
        r"\<b\>",
        r"https\://evil.example",
        r"www\.evil",
        "[Q1](<https://www.wikidata.org/wiki/Q1>)",
    ] {
        assert_inert(inert, "probe");
    }
}

#[test]
fn markdown_from_file_text_is_inert_everywhere() {
    let files = [("entities.tsv", REGISTRY), ("a.txt", SEED)];
    let mut client = Client::start(
        &files,
        caps(
            false,
            json!({"textDocument": {"completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}}}}),
        ),
    );
    client.open("a.txt", SEED);
    let mut hovers = 0;
    // Hover everywhere on the article and on each registry row: every card is inert.
    for (rel, text) in [("a.txt", SEED), ("entities.tsv", REGISTRY)] {
        for (offset, _) in text.char_indices().step_by(3) {
            let hover = client.request("textDocument/hover", client.at(rel, position(text, offset, Enc::Utf16)));
            if hover.is_null() {
                continue;
            }
            assert_eq!(hover["contents"]["kind"], "markdown");
            let md = hover["contents"]["value"].as_str().unwrap();
            assert_inert(md, &format!("hover at {rel}:{offset}"));
            hovers += 1;
        }
    }
    // The cards did show the hostile text (escaped), so the checks above were not vacuous.
    let (s, _) = find(SEED, "président");
    let card = client.request("textDocument/hover", client.at("a.txt", position(SEED, s, Enc::Utf16)));
    let md = card["contents"]["value"].as_str().unwrap();
    assert!(md.contains(r"\[Evil\](command:workbench.action.terminal.new) \<img"), "{md}");
    assert!(
        md.contains(r"\<script\>x\</script\> www\.evil.example \*\*b\*\* \!\[i\](https\://evil.example/i.png)"),
        "{md}"
    );
    let header = client.request("textDocument/hover", client.at("a.txt", json!({"line": 0, "character": 3})));
    assert_inert(header["contents"]["value"].as_str().unwrap(), "header");
    assert!(hovers > 20, "{hovers} hovers");

    // Completion documentation is plain text, never Markdown.
    let line = SEED.lines().nth(4).unwrap();
    let at = SEED.find(line).unwrap() + line.find("]{gov").unwrap() + 2;
    let items = client.request("textDocument/completion", client.at("a.txt", position(SEED, at, Enc::Utf16)));
    let items = items.get("items").unwrap_or(&items).as_array().unwrap().clone();
    assert!(!items.is_empty());
    for item in &items {
        if let Some(doc) = item.get("documentation") {
            let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("plaintext");
            assert_eq!(kind, "plaintext", "{item}");
        }
    }
    // Code lens titles and code action titles are plain text fields of the protocol.
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": client.uri("entities.tsv")}}));
    for lens in lenses.as_array().unwrap() {
        let lens =
            if lens.get("command").is_some() { lens.clone() } else { client.request("codeLens/resolve", lens.clone()) };
        let title = lens["command"]["title"].as_str().unwrap();
        assert!(!title.contains("command:") && !title.contains('<'), "{title}");
    }
    // Document links: only http(s), never the header's or the registry's other schemes.
    for rel in ["a.txt", "entities.tsv"] {
        let links = client.request("textDocument/documentLink", json!({"textDocument": {"uri": client.uri(rel)}}));
        for link in links.as_array().into_iter().flatten() {
            let target = link["target"].as_str().unwrap();
            assert!(target.starts_with("https://") || target.starts_with("http://"), "{target}");
        }
    }
    client.shutdown();
}
