//! Differential test of incremental sync: random range edits go to one server as `didChange`
//! batches; at checkpoints its diagnostics and semantic tokens must equal those a second
//! server gives for a fresh `didOpen` of the client's own copy of the text. So the edited
//! document's text, its re-analysis and the index all agree with a cold start.
//!
//! `SEEDLS_SYNC_EDITS` sets the number of edits per encoding (default 20,000; CI runs
//! 100,000 in release).

mod support;

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh\n\
kz.almaty\tplace\tAlmaty\tAlma-Ata\n\
kz.gov\tgov\tGouvernement du Kazakhstan\t\n";

const START: &str = " date 2022-01-05 https://example.org/20220105/a\r\n\
\r\n\
Crise au Kazakhstan 😀\n\
\n\
Le [président]{person:kz.tokayev} a promis une réponse «ferme» à [Alma-Ata]{place:kz.almaty}.\n\
[L’état d’urgence]{coerce.martial-law:kz.e actor=kz.gov where=kz.almaty when=2022-01-05} a été décrété.\n";

/// What random edits insert: the characters that stress position conversion (emoji are
/// surrogate pairs in utf-16; ’ « é are multi-byte), line breaks of both kinds, and markup.
const PIECES: &[&str] = &[
    "😀",
    "’",
    "«",
    "é",
    "e\u{301}",
    "\r\n",
    "\n",
    "\n\n",
    "[",
    "]",
    "{",
    "}",
    "]{",
    "\\[",
    " ",
    "=",
    ",",
    "a",
    "Tokaïev",
    "Alma-Ata",
    "[Tokaïev]{person:kz.tokayev}",
    "]{person:kz.nobody}",
    "{place:kz.almaty}",
    "[x]{protest.riot actor=kz.gov when=2022-13}",
    "[]{persn}",
    " date 2022-01-05 https://example.org/x\n",
    "situation.La",
    "😀😀’\r\n«»",
];

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random offset where an editor can put the cursor: a character boundary, never between
/// `\r` and `\n` (LSP has no position there).
fn cursor(rng: &mut Rng, text: &str) -> usize {
    loop {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if !(at > 0 && text.as_bytes()[at - 1] == b'\r' && text.as_bytes().get(at) == Some(&b'\n')) {
            return at;
        }
    }
}

/// One random edit of `text`: (start, end, insert). Deletions reach across lines; the text
/// stays between roughly 1 and 8 KB.
fn edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let start = cursor(rng, text);
    let grow = text.len() < 1000 || (text.len() < 8000 && rng.below(2) == 0);
    let mut end = start;
    if !grow || rng.below(4) == 0 {
        let span = if rng.below(8) == 0 { 400 } else { 40 };
        let want = (start + 1 + rng.below(span)).min(text.len());
        // A cursor position at or after `want`.
        end = (want..=text.len())
            .find(|&e| {
                text.is_char_boundary(e) && !(text.as_bytes()[e - 1] == b'\r' && text.as_bytes().get(e) == Some(&b'\n'))
            })
            .unwrap_or(text.len());
    }
    let mut insert = String::new();
    if grow || rng.below(3) == 0 {
        for _ in 0..1 + rng.below(3) {
            insert.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    (start, end, insert)
}

/// The URIs of a client's workspace, made comparable across the two servers.
fn normalized(client: &Client, v: &Value) -> Value {
    let root = client.uri("");
    serde_json::from_str(&v.to_string().replace(&root, "file:///ROOT/")).unwrap()
}

/// Diagnostics and semantic tokens of `rel`, asked for without waiting: they must reflect
/// every edit sent before.
fn views(client: &mut Client, rel: &str) -> (Value, Value) {
    let doc = json!({"textDocument": {"uri": client.uri(rel)}});
    let diagnostics = client.send_request("textDocument/diagnostic", doc.clone());
    let tokens = client.send_request("textDocument/semanticTokens/full", doc);
    let diagnostics = client.response(diagnostics);
    let tokens = client.response(tokens);
    assert!(diagnostics.get("error").is_none() && tokens.get("error").is_none(), "{diagnostics} {tokens}");
    (normalized(client, &diagnostics["result"]["items"]), tokens["result"]["data"].clone())
}

fn differential(enc: Enc, edits: usize, seed: u64) {
    let utf8 = enc == Enc::Utf8;
    let name = if utf8 { "utf-8" } else { "utf-16" };
    let caps = caps(utf8, json!({"textDocument": {"diagnostic": {}}}));
    let files = [("entities.tsv", REGISTRY)];
    let mut edited = Client::start(&files, caps.clone());
    let mut fresh = Client::start(&files, caps);
    edited.open("a.txt", START);
    let mut text = START.to_string();
    let mut rng = Rng(seed);
    let (batch, checkpoint) = (10, 500);
    let mut version = 1;
    let mut done = 0;
    let mut checkpoints = 0;
    let mut nonempty = 0;
    while done < edits {
        let mut changes = Vec::new();
        for _ in 0..batch {
            let (start, end, insert) = edit(&mut rng, &text);
            changes.push(json!({"range": range(&text, start, end, enc), "text": insert}));
            text.replace_range(start..end, &insert);
        }
        version += 1;
        edited.change("a.txt", version, Value::Array(changes));
        done += batch;
        if done % checkpoint == 0 || done >= edits {
            let got = views(&mut edited, "a.txt");
            fresh.open("a.txt", &text);
            let want = views(&mut fresh, "a.txt");
            fresh.notify("textDocument/didClose", json!({"textDocument": {"uri": fresh.uri("a.txt")}}));
            assert_eq!(got.0, want.0, "diagnostics differ after {done} edits ({name}); text:\n{text}");
            assert_eq!(got.1, want.1, "semantic tokens differ after {done} edits; text:\n{text}");
            checkpoints += 1;
            // Not vacuous: both views are there and usually non-empty.
            assert!(got.1.is_array() && got.0.is_array());
            nonempty += usize::from(!got.1.as_array().unwrap().is_empty() && !got.0.as_array().unwrap().is_empty());
        }
    }
    assert!(nonempty * 2 > checkpoints, "{nonempty} of {checkpoints} checkpoints had tokens and diagnostics");
    // The texts themselves agree: a diagnostic placed by the edited server at the very end of
    // the client's text lands there.
    let end = text.len();
    version += 1;
    edited.change("a.txt", version, json!([{"range": range(&text, end, end, enc), "text": "\n[]{persn}"}]));
    text.push_str("\n[]{persn}");
    let (diagnostics, _) = views(&mut edited, "a.txt");
    let a004 = diagnostics.as_array().unwrap().iter().rev().find(|d| d["code"] == "A004").unwrap().clone();
    let (s, e) = find_nth(&text, "persn", text.matches("persn").count() - 1);
    assert_eq!(a004["range"], range(&text, s, e, enc));
    eprintln!("{edits} edits ({name}) in {version} didChange, {checkpoints} checkpoints: identical");
    edited.shutdown();
    fresh.shutdown();
}

fn edits() -> usize {
    std::env::var("SEEDLS_SYNC_EDITS").ok().and_then(|n| n.parse().ok()).unwrap_or(20_000)
}

#[test]
fn random_edits_in_utf16_leave_the_server_where_a_fresh_open_is() {
    differential(Enc::Utf16, edits(), 0x5eed_0001);
}

#[test]
fn random_edits_in_utf8_leave_the_server_where_a_fresh_open_is() {
    differential(Enc::Utf8, edits(), 0x5eed_0002);
}
