#![no_main]
//! The language server's message handling, in process over the same stdio framing an editor
//! uses: sequences of opens, incremental edits, closes, requests at arbitrary (often far or
//! mid-character) positions, unknown methods, wrong params and malformed frames.
//!
//! Asserted: no panic anywhere (libFuzzer aborts on one, even one the server would catch and
//! answer), every request gets exactly one answer, no answer is an internal error, and the
//! session ends cleanly with `shutdown` / `exit`. The client never answers the server's own
//! requests (progress, registrations, refreshes): that must block nothing.

use std::collections::BTreeSet;
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DOCS: [&str; 4] = ["file:///fuzz/a.txt", "file:///fuzz/b.txt", "file:///fuzz/entities.tsv", "untitled:x"];

const REQUESTS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/declaration",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/completion",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/codeAction",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/full/delta",
    "textDocument/semanticTokens/range",
    "textDocument/documentSymbol",
    "textDocument/documentLink",
    "textDocument/inlayHint",
    "textDocument/codeLens",
    "textDocument/diagnostic",
    "workspace/diagnostic",
    "workspace/symbol",
    "textDocument/formatting",
    "seedls/unknown",
];

/// Bits of seed-file syntax, so that random text often parses into mentions and headers.
const PIECES: &[&str] = &[
    " date 2022-01-05 https://example.org/20220105/a\n",
    "[Tokaïev]{person:kz.tokayev}",
    "[[x]{gov:kz.gov} a limogé]{concede actor=kz.gov when=2022-01}",
    "{coerce.martial-law:kz.e where=kz.almaty,kz.x}",
    "id\ttype\tname\taliases\n",
    "kz.tokayev\tperson\tTokaïev\tprésident\n",
    "[", "]", "{", "}", "]{", "\\[", "’", "😀", "«", "\r\n", "\n", "\t", "é", "e\u{301}", " ", "=", ",", ":", ".",
];

fn text(u: &mut Unstructured) -> arbitrary::Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=12)? {
        if u.ratio(1, 4)? {
            s.push_str(&String::arbitrary(u)?);
        } else {
            s.push_str(u.choose(PIECES)?);
        }
    }
    Ok(s)
}

fn position(u: &mut Unstructured) -> arbitrary::Result<Value> {
    let (line, character) = if u.ratio(1, 8)? {
        (u32::arbitrary(u)?, u32::arbitrary(u)?)
    } else {
        (u.int_in_range(0..=6)?, u.int_in_range(0..=40)?)
    };
    Ok(json!({"line": line, "character": character}))
}

fn range(u: &mut Unstructured) -> arbitrary::Result<Value> {
    Ok(json!({"start": position(u)?, "end": position(u)?}))
}

/// Params for `method`: usually well-formed, sometimes not (wrong types, missing fields).
fn params(u: &mut Unstructured, method: &str, doc: &str) -> arbitrary::Result<Value> {
    if u.ratio(1, 16)? {
        return Ok(u.choose(&[json!(null), json!(1), json!("x"), json!([]), json!({}), json!({"textDocument": 5})])?.clone());
    }
    let td = json!({"uri": doc});
    Ok(match method {
        "textDocument/references" => {
            json!({"textDocument": td, "position": position(u)?, "context": {"includeDeclaration": bool::arbitrary(u)?}})
        }
        "textDocument/rename" => json!({"textDocument": td, "position": position(u)?, "newName": text(u)?}),
        "textDocument/codeAction" => json!({
            "textDocument": td,
            "range": range(u)?,
            "context": {"diagnostics": [], "only": if bool::arbitrary(u)? { json!(null) } else { json!(["quickfix", "refactor"]) }},
        }),
        "textDocument/semanticTokens/full/delta" => {
            json!({"textDocument": td, "previousResultId": u.int_in_range(0..=4)?.to_string()})
        }
        "textDocument/semanticTokens/range" | "textDocument/inlayHint" => json!({"textDocument": td, "range": range(u)?}),
        "textDocument/semanticTokens/full"
        | "textDocument/documentSymbol"
        | "textDocument/documentLink"
        | "textDocument/codeLens"
        | "textDocument/diagnostic" => json!({"textDocument": td}),
        "workspace/diagnostic" => json!({"previousResultIds": []}),
        "workspace/symbol" => json!({"query": text(u)?}),
        "textDocument/formatting" => json!({"textDocument": td, "options": {"tabSize": 4, "insertSpaces": true}}),
        _ => json!({"textDocument": td, "position": position(u)?}),
    })
}

/// One client message, or raw bytes for one frame's body.
enum Out {
    Message(Value),
    Raw(Vec<u8>),
}

/// The session the fuzzer's bytes describe, and the ids of its requests.
fn session(u: &mut Unstructured) -> arbitrary::Result<(Vec<Out>, BTreeSet<i64>)> {
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    let mut versions = [0i64; DOCS.len()];
    let mut next_id = 1;
    for _ in 0..u.int_in_range(0..=24)? {
        let doc_index = u.choose_index(DOCS.len())?;
        let doc = DOCS[doc_index];
        match u.int_in_range(0..=9)? {
            0 | 1 => {
                versions[doc_index] += 1;
                out.push(Out::Message(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                    "textDocument": {"uri": doc, "languageId": "seed", "version": versions[doc_index], "text": text(u)?},
                }})));
            }
            2 | 3 => {
                let mut changes = Vec::new();
                for _ in 0..u.int_in_range(1..=4)? {
                    changes.push(if u.ratio(1, 10)? {
                        json!({"text": text(u)?})
                    } else {
                        json!({"range": range(u)?, "text": text(u)?})
                    });
                }
                versions[doc_index] += 1;
                out.push(Out::Message(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": doc, "version": versions[doc_index]}, "contentChanges": changes,
                }})));
            }
            4 => out.push(Out::Message(json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {
                "textDocument": {"uri": doc},
            }}))),
            5 => {
                let all = [
                    json!(null),
                    json!({"seedls": {"untaggedAliasHints": false, "inlayHints": true}}),
                    json!({"inlayHints": "yes"}),
                ];
                let settings = u.choose(&all)?.clone();
                out.push(Out::Message(json!({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {
                    "settings": settings,
                }})));
            }
            6 => {
                // A malformed frame: not JSON, not UTF-8, or JSON that is not JSON-RPC.
                let raw = match u.int_in_range(0..=3)? {
                    // `#` first: never a JSON-RPC request with an id we did not count.
                    0 => [b"#".as_slice(), &Vec::<u8>::arbitrary(u)?].concat(),
                    1 => b"{\"jsonrpc\":\"2.0\",\"id\":".to_vec(),
                    2 => br#"{"jsonrpc":"2.0","method":7}"#.to_vec(),
                    _ => br#"[{"jsonrpc":"2.0","method":"initialized"}]"#.to_vec(),
                };
                out.push(Out::Raw(raw));
            }
            _ => {
                let method = *u.choose(REQUESTS)?;
                let params = params(u, method, doc)?;
                ids.insert(next_id);
                out.push(Out::Message(json!({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params})));
                next_id += 1;
            }
        }
    }
    Ok((out, ids))
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body);
    f
}

/// Reads one frame's JSON from the server's output.
async fn read_message(r: &mut (impl AsyncReadExt + Unpin), buf: &mut Vec<u8>) -> Option<Value> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let header = std::str::from_utf8(&buf[..end]).unwrap();
            let len: usize = header.trim().strip_prefix("Content-Length: ").unwrap().parse().unwrap();
            if buf.len() >= end + 4 + len {
                let body: Vec<u8> = buf.drain(..end + 4 + len).skip(end + 4).collect();
                return Some(serde_json::from_slice(&body).unwrap());
            }
        }
        let mut chunk = [0u8; 65536];
        let n = r.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((messages, mut ids)) = session(&mut u) else { return };
    // A runtime per session: the server's background tasks (the diagnostics worker) live until
    // their runtime goes, as in `seedls serve`, where the process ends.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async move {
        let (mut to_server, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, mut from_server) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(seedls::lsp::serve(server_in, server_out));
        let caps = json!({
            "general": {"positionEncodings": ["utf-8", "utf-16"]},
            "window": {"workDoneProgress": true},
            "workspace": {"configuration": true, "semanticTokens": {"refreshSupport": true},
                          "inlayHint": {"refreshSupport": true}, "diagnostics": {"refreshSupport": true},
                          "didChangeWatchedFiles": {"dynamicRegistration": true}},
            "textDocument": {"hover": {"contentFormat": ["markdown"]}, "diagnostic": {}},
        });
        let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": caps}});
        to_server.write_all(&frame(&serde_json::to_vec(&initialize).unwrap())).await.unwrap();
        // Like an editor, send nothing more before the answer to `initialize`.
        let mut buf = Vec::new();
        let first = read_message(&mut from_server, &mut buf).await.expect("no answer to initialize");
        assert!(first["id"] == json!(0) && first.get("result").is_some(), "{first}");
        let mut input = frame(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        for m in &messages {
            match m {
                Out::Message(v) => input.extend(frame(&serde_json::to_vec(v).unwrap())),
                Out::Raw(b) => input.extend(frame(b)),
            }
        }
        let shutdown_id = 1_000_000;
        input.extend(frame(&serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": shutdown_id, "method": "shutdown"})).unwrap()));
        ids.insert(shutdown_id);
        // The client writes while it reads, as an editor does: the server's output must drain.
        let writer = tokio::spawn(async move {
            to_server.write_all(&input).await.unwrap();
            to_server
        });
        let answered = tokio::time::timeout(Duration::from_secs(60), async {
            while !ids.is_empty() {
                let Some(msg) = read_message(&mut from_server, &mut buf).await else {
                    panic!("the server closed its output with requests {ids:?} unanswered");
                };
                if msg.get("method").is_some() {
                    continue; // a notification or a request of the server's: never answered
                }
                let id = msg["id"].as_i64();
                if let Some(error) = msg.get("error") {
                    assert_ne!(error["code"], json!(-32603), "internal error: {msg}");
                }
                if id == Some(shutdown_id) {
                    assert_eq!(msg["result"], Value::Null, "{msg}");
                }
                if let Some(id) = id {
                    assert!(ids.remove(&id), "an answer to {id}, unasked or twice: {msg}");
                } else {
                    // id null: the answer to a malformed frame.
                    assert!(msg.get("error").is_some(), "{msg}");
                }
            }
        })
        .await;
        assert!(answered.is_ok(), "requests unanswered after 60 s");
        let mut to_server = writer.await.unwrap();
        to_server.write_all(&frame(br#"{"jsonrpc":"2.0","method":"exit"}"#)).await.unwrap();
        let clean = tokio::time::timeout(Duration::from_secs(60), server).await;
        assert!(matches!(clean, Ok(Ok(true))), "no clean exit after shutdown: {clean:?}");
    });
});
