//! Hostile input (SPEC §11): malformed JSON-RPC, wrong params, unknown methods and URIs,
//! positions far away or inside a surrogate pair, huge, binary, non-UTF-8, empty and unreadable
//! files, symbolic links in loops or out of the workspace, and a client that answers the
//! server's requests late or never. Each gives a clear error or diagnostic, and afterwards a
//! normal request still gets the right answer.

mod support;

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\n\
kz.almaty\tplace\tAlmaty\tAlma-Ata\n";

const A: &str = " date 2022-01-05 https://example.org/a\n\nCrise 😀\n\nLe [président]{person:kz.tokayev} a parlé à [Alma-Ata]{place:kz.almaty}.\n";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![("entities.tsv", REGISTRY), ("a.txt", A)]
}

/// The server still answers a normal request correctly: hover on the mention of a.txt (open
/// or not) gives the registry's card, with the mention's exact range.
fn still_answers(client: &mut Client) {
    let (s, _) = find(A, "[président]");
    let e = find(A, "kz.tokayev}").1;
    let hover = client.request("textDocument/hover", client.at("a.txt", position(A, s + 2, Enc::Utf16)));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Kassym-Jomart Tokaïev"), "{hover}");
    assert_eq!(hover["range"], range(A, s, e, Enc::Utf16));
}

fn raw(client: &Client, bytes: &[u8]) {
    let mut stdin = client.stdin.lock().unwrap();
    stdin.write_all(bytes).unwrap();
    stdin.flush().unwrap();
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body);
    f
}

/// The next answer with id null (to a message whose id could not be read).
fn null_id_error(client: &mut Client) -> Value {
    client.wait_notification("an error answer with id null", |m| m.get("method").is_none() && m["id"].is_null())["error"]
        .clone()
}

#[test]
fn malformed_messages_are_answered_with_errors_and_the_session_goes_on() {
    let mut client = Client::start(&files(), caps(false, json!({})));
    // Not JSON, not UTF-8, JSON that is not JSON-RPC, a batch: each is answered, id null.
    for (body, code) in [
        (&b"{\"jsonrpc\":\"2.0\",\"id\":"[..], -32700),
        (b"\xff\xfe\x00garbage", -32700),
        (br#"{"hello":"world"}"#, -32600),
        (br#"[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]"#, -32600),
    ] {
        raw(&client, &framed(body));
        assert_eq!(null_id_error(&mut client)["code"], code, "{}", String::from_utf8_lossy(body));
        still_answers(&mut client);
    }
    // A request whose method is not a string is answered under its own id.
    raw(&client, &framed(br#"{"jsonrpc":"2.0","id":4242,"method":17}"#));
    assert_eq!(client.response(4242)["error"]["code"], -32600);
    // Broken framing: a header without Content-Length, a line that is no header, an absurd
    // length. Each is answered at once; what follows it is skipped up to the next
    // `Content-Length`, where the stream resynchronises.
    raw(&client, b"Content-Type: text/plain\r\n\r\n{}");
    assert_eq!(null_id_error(&mut client)["code"], -32700);
    still_answers(&mut client);
    raw(&client, b"GET / HTTP/1.1 garbage\r\n\r\n<html>");
    assert!(null_id_error(&mut client)["message"].as_str().unwrap().contains("not a header"));
    raw(&client, b"Content-Length: 99999999999\r\n\r\n");
    assert!(null_id_error(&mut client)["message"].as_str().unwrap().contains("too large"));
    still_answers(&mut client);
    client.shutdown();
}

#[test]
fn wrong_params_unknown_methods_and_unknown_uris() {
    let mut client = Client::start(&files(), caps(false, json!({})));
    for params in [json!("x"), json!(null), json!({"textDocument": 5}), json!({"position": {"line": -1}})] {
        let id = client.send_request("textDocument/hover", params);
        assert_eq!(client.response(id)["error"]["code"], -32602);
    }
    let id = client.send_request("textDocument/frobnicate", json!({}));
    assert_eq!(client.response(id)["error"]["code"], -32601);
    // Unknown notifications and notifications with wrong params are ignored.
    client.notify("seedls/unknown", json!({"x": 1}));
    client.notify("textDocument/didChange", json!({"bogus": true}));
    client.notify("textDocument/didOpen", json!([1, 2, 3]));
    still_answers(&mut client);
    // Unknown URIs: a file that does not exist, outside the workspace, other schemes, junk.
    let pos = json!({"line": 0, "character": 0});
    for uri in ["file:///nonexistent/x.txt", "untitled:Untitled-1", "git:/a.txt?ref=HEAD", "file://", "x"] {
        let at = json!({"textDocument": {"uri": uri}, "position": pos});
        for method in ["textDocument/hover", "textDocument/definition", "textDocument/completion"] {
            let id = client.send_request(method, at.clone());
            let answer = client.response(id);
            assert!(answer["result"].is_null() || answer["error"]["code"] == -32602, "{method} {uri}: {answer}");
        }
        let id = client.send_request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
        let answer = client.response(id);
        assert!(answer.get("error").is_none() || answer["error"]["code"] == -32602, "{uri}: {answer}");
        // Edits and closes of documents never opened change nothing.
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "x"}]}),
        );
        client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    }
    still_answers(&mut client);
    client.shutdown();
}

#[test]
fn far_positions_and_positions_inside_a_surrogate_pair() {
    let mut client = Client::start(&files(), caps(false, json!({})));
    client.open("a.txt", A);
    let uri = client.uri("a.txt");
    let far = [
        json!({"line": 0, "character": u32::MAX}),
        json!({"line": u32::MAX, "character": 0}),
        json!({"line": 4, "character": 1_000_000}),
    ];
    for pos in &far {
        let at = json!({"textDocument": {"uri": uri}, "position": pos});
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
            "textDocument/prepareRename",
            "textDocument/documentHighlight",
        ] {
            let id = client.send_request(method, at.clone());
            assert!(client.response(id).get("error").is_none(), "{method} at {pos}");
        }
        let wide = json!({"start": {"line": 0, "character": 0}, "end": pos});
        for (method, params) in [
            ("textDocument/semanticTokens/range", json!({"textDocument": {"uri": uri}, "range": wide})),
            ("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": wide})),
            (
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": wide, "context": {"diagnostics": []}}),
            ),
        ] {
            let id = client.send_request(method, params);
            assert!(client.response(id).get("error").is_none(), "{method} to {pos}");
        }
    }
    // An edit past the end lands at the end; the text stays the client's.
    client.change("a.txt", 2, json!([{"range": {"start": far[1], "end": far[1]}, "text": ""}]));
    still_answers(&mut client);

    // utf-16: 😀 is two code units. Column 1 is between them: the position snaps to the emoji.
    let text = " date 2022-01-05 https://example.org/s\n\n😀[Tokaïev]{person:kz.tokayev}\n";
    client.open("s.txt", text);
    let hover = client.request("textDocument/hover", client.at("s.txt", json!({"line": 2, "character": 1})));
    assert!(hover.is_null(), "{hover}");
    let hover = client.request("textDocument/hover", client.at("s.txt", json!({"line": 2, "character": 3})));
    assert_eq!(hover["range"], json!({"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 30}}));
    // An insertion inside the pair goes before the emoji, never splits it.
    let inside = json!({"start": {"line": 2, "character": 1}, "end": {"line": 2, "character": 1}});
    client.change("s.txt", 2, json!([{"range": inside, "text": "A"}]));
    let hover = client.request("textDocument/hover", client.at("s.txt", json!({"line": 2, "character": 4})));
    assert_eq!(hover["range"], json!({"start": {"line": 2, "character": 3}, "end": {"line": 2, "character": 31}}));
    let report =
        client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": client.uri("s.txt")}}));
    assert!(!report["data"].as_array().unwrap().is_empty());
    // A range from one half of the pair to the other deletes nothing.
    let halves = json!({"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 2}});
    client.change("s.txt", 3, json!([{"range": halves, "text": ""}]));
    let hover = client.request("textDocument/hover", client.at("s.txt", json!({"line": 2, "character": 4})));
    assert_eq!(hover["range"]["start"], json!({"line": 2, "character": 3}));
    still_answers(&mut client);
    client.shutdown();
}

/// `n` bytes of seed text: a header, then lines of prose with a mention every few lines.
fn big_seed(n: usize) -> String {
    let mut s = String::from(" date 2022-01-05 https://example.org/big\n\nTitre\n\n");
    let line = "Le président kazakh a parlé à la presse ’ « » 😀 et la situation reste tendue.\n";
    let tagged = "[Tokaïev]{person:kz.tokayev} a parlé.\n";
    let mut i = 0;
    while s.len() < n {
        s.push_str(if i % 8 == 0 { tagged } else { line });
        i += 1;
    }
    s
}

#[test]
fn a_100_mb_file_on_disk_and_a_16_mb_line_open_in_the_editor() {
    let big = big_seed(100 << 20);
    let mut files = files();
    files.push(("big.txt", &big));
    let mut client = Client::start(&files, caps(false, json!({"textDocument": {"diagnostic": {}}})));
    still_answers(&mut client);
    // The big file is indexed: its mentions count in references (with their ranges).
    let mut params = client.at("a.txt", position(A, find(A, "kz.tokayev").0, Enc::Utf16));
    params["context"] = json!({"includeDeclaration": false});
    let refs = client.request("textDocument/references", params);
    let in_big = refs.as_array().unwrap().iter().filter(|r| r["uri"] == client.uri("big.txt")).count();
    assert_eq!(in_big, big.matches("{person:kz.tokayev}").count());
    let (last, _) = find_nth(&big, "[Tokaïev]", in_big - 1);
    let last_line = big[..last].matches('\n').count();
    assert!(refs.as_array().unwrap().iter().any(|r| r["range"]["start"]["line"] == last_line));

    // One line of 16 MB, open in the editor, with a mention at its very end.
    let mut line = String::from(" date 2022-01-05 https://example.org/line\n\n");
    while line.len() < 16 << 20 {
        line.push_str("très long ’ 😀 ");
    }
    let col = line.len() - line.rfind('\n').unwrap() - 1;
    line.push_str("[Tokaïev]{person:kz.tokayev}\n");
    client.open("line.txt", &line);
    let (s, _) = find(&line, "[Tokaïev]");
    let hover = client.request("textDocument/hover", client.at("line.txt", position(&line, s + 2, Enc::Utf16)));
    assert_eq!(hover["range"], range(&line, s, s + "[Tokaïev]{person:kz.tokayev}".len(), Enc::Utf16));
    assert_eq!(position(&line, s, Enc::Utf8)["character"], col);
    let report = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": client.uri("line.txt")}}));
    assert!(report["items"].is_array());
    still_answers(&mut client);
    client.shutdown();
}

#[test]
fn non_utf8_binary_and_empty_files() {
    let dir_files = files();
    let mut client = Client::start(&dir_files, caps(false, json!({"textDocument": {"diagnostic": {}}})));
    let latin1 = b" date 2022-01-05 https://example.org/l\n\nLe pr\xe9sident a parl\xe9.\n".to_vec();
    let binary: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(client.path("latin1.txt"), &latin1).unwrap();
    std::fs::write(client.path("binary.txt"), &binary).unwrap();
    std::fs::write(client.path("empty.txt"), b"").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": client.uri("latin1.txt"), "type": 1},
            {"uri": client.uri("binary.txt"), "type": 1},
            {"uri": client.uri("empty.txt"), "type": 1},
        ]}),
    );
    let pull = |client: &mut Client, rel: &str| {
        let report = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": client.uri(rel)}}));
        report["items"].as_array().unwrap().clone()
    };
    let latin = pull(&mut client, "latin1.txt");
    assert_eq!(latin.len(), 1, "{latin:?}");
    assert_eq!(latin[0]["code"], "F001");
    let message = latin[0]["message"].as_str().unwrap();
    assert!(message.contains("0xE9") && message.contains("Latin-1"), "{message}");
    let bin = pull(&mut client, "binary.txt");
    assert_eq!(bin.iter().map(|d| d["code"].as_str().unwrap()).collect::<Vec<_>>(), ["F001"]);
    let empty = pull(&mut client, "empty.txt");
    assert_eq!(empty.iter().map(|d| d["code"].as_str().unwrap()).collect::<Vec<_>>(), ["H001"]);
    // Every feature on these files answers without error.
    for rel in ["latin1.txt", "binary.txt", "empty.txt"] {
        let doc = json!({"uri": client.uri(rel)});
        let zero = json!({"line": 0, "character": 0});
        for (method, params) in [
            ("textDocument/hover", json!({"textDocument": doc, "position": zero})),
            ("textDocument/completion", json!({"textDocument": doc, "position": zero})),
            ("textDocument/semanticTokens/full", json!({"textDocument": doc})),
            ("textDocument/documentSymbol", json!({"textDocument": doc})),
            ("textDocument/codeLens", json!({"textDocument": doc})),
        ] {
            let id = client.send_request(method, params);
            assert!(client.response(id).get("error").is_none(), "{method} on {rel}");
        }
    }
    // An empty document open in the editor too.
    client.open("empty2.txt", "");
    assert_eq!(pull(&mut client, "empty2.txt").len(), 1);
    let id =
        client.send_request("textDocument/completion", client.at("empty2.txt", json!({"line": 0, "character": 0})));
    assert!(client.response(id).get("error").is_none());
    still_answers(&mut client);
    client.shutdown();
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_workspace_are_never_followed() {
    use std::os::unix::fs::symlink;
    // Outside the workspace: a secret article, and a FIFO. Opening a FIFO for reading blocks
    // until a writer comes (none will): a server that read through the link would hang.
    let outside = tempfile::tempdir().unwrap();
    let secret = " date 2022-03-01 https://example.org/SECRET\n\nSECRET\n\n[SECRET]{person:zz.secret}\n";
    std::fs::write(outside.path().join("secret.txt"), secret).unwrap();
    std::fs::write(outside.path().join("entities.tsv"), "id\ttype\tname\nzz.secret\tperson\tSECRET\n").unwrap();
    let fifo = outside.path().join("fifo.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // The links exist before the server starts, so the first index meets them too.
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("sub")).unwrap();
    symlink(ws, ws.join("sub/loop")).unwrap();
    symlink(ws.join("self.txt"), ws.join("self.txt")).unwrap();
    symlink(outside.path().join("secret.txt"), ws.join("link.txt")).unwrap();
    symlink(outside.path().join("entities.tsv"), ws.join("linked.entities.tsv")).unwrap();
    symlink(&fifo, ws.join("fifo.txt")).unwrap();
    symlink(outside.path(), ws.join("outside")).unwrap();
    let mut options = Options::new(caps(
        false,
        json!({"textDocument": {"diagnostic": {}}, "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    ));
    options.root = Some(dir);
    let mut client = Client::start_with(&files(), options);
    still_answers(&mut client);
    // File events on the links (as an editor watching `**/*` sends them) read nothing either.
    let events: Vec<Value> =
        ["link.txt", "linked.entities.tsv", "fifo.txt", "outside/secret.txt", "sub/loop/a.txt", "self.txt"]
            .iter()
            .map(|rel| json!({"uri": client.uri(rel), "type": 2}))
            .collect();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": events}));
    still_answers(&mut client);
    // Nothing of the outside shows in any answer.
    let mut answers = Vec::new();
    answers.push(client.request("workspace/symbol", json!({"query": "secret"})));
    answers.push(client.request("workspace/symbol", json!({"query": ""})));
    answers.push(client.request("workspace/diagnostic", json!({"previousResultIds": []})));
    for rel in ["link.txt", "fifo.txt", "outside/secret.txt", "sub/loop/a.txt"] {
        answers.push(client.request("textDocument/diagnostic", json!({"textDocument": {"uri": client.uri(rel)}})));
        answers.push(client.request("textDocument/hover", client.at(rel, json!({"line": 4, "character": 2}))));
    }
    let all = Value::Array(answers).to_string();
    assert!(!all.contains("SECRET") && !all.contains("zz.secret"), "{all}");
    // The loop did not index a.txt twice: one file, one report.
    let report = client.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let uris: Vec<&str> = report["items"].as_array().unwrap().iter().map(|i| i["uri"].as_str().unwrap()).collect();
    assert!(uris.iter().all(|u| !u.contains("loop") && !u.contains("link") && !u.contains("fifo")), "{uris:?}");
    client.shutdown();
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_rest_is_served() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, A.replace("/a\n", "/secret\n")).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut options = Options::new(caps(false, json!({})));
    // The warning comes with the end of indexing: do not let the start skip it.
    options.wait_indexed = false;
    // Root reads anything: run the server as `nobody` then, with the folder open to it.
    if std::fs::metadata(dir.path()).unwrap().uid() == 0 {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        options.uid = Some(65534);
    }
    options.root = Some(dir);
    let mut client = Client::start_with(&files(), options);
    let warning = client.wait_notification("a warning naming the unreadable file", |n| {
        n["method"] == "window/logMessage" && n["params"]["message"].as_str().is_some_and(|m| m.contains("secret.txt"))
    });
    assert!(warning["params"]["message"].as_str().unwrap().contains("ermission denied"), "{warning}");
    assert_eq!(warning["params"]["type"], 2);
    // The readable files are served: hover, and references from a.txt to the registry only.
    still_answers(&mut client);
    let mut params = client.at("a.txt", position(A, find(A, "kz.tokayev").0, Enc::Utf16));
    params["context"] = json!({"includeDeclaration": false});
    let refs = client.request("textDocument/references", params);
    assert!(refs.as_array().unwrap().iter().all(|r| !r["uri"].as_str().unwrap().contains("secret")), "{refs}");
    client.shutdown();
}

/// Edits and requests in a flood, while the client answers the server's own requests
/// (progress, registrations, configuration, every refresh) late or never: every request is
/// answered, and each answer reflects the edits sent before it (or, sent before the index was
/// in, says that its document changed while it waited).
#[test]
fn a_flood_while_server_requests_go_unanswered() {
    let everything = caps(
        false,
        json!({
            "textDocument": {"diagnostic": {}},
            "workspace": {
                "configuration": true,
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "diagnostics": {"refreshSupport": true},
                "semanticTokens": {"refreshSupport": true},
                "inlayHint": {"refreshSupport": true},
                "codeLens": {"refreshSupport": true},
            },
        }),
    );
    for slow in [false, true] {
        let mut options = Options::new(everything.clone());
        options.wait_indexed = false;
        options.reply =
            Arc::new(move |_| if slow { Reply::After(Duration::from_secs(3), Value::Null) } else { Reply::Never });
        let mut client = Client::start_with(&files(), options);
        client.open("a.txt", A);
        let mut text = A.to_string();
        let mut expected = Vec::new();
        for version in 2..=301i64 {
            // An emoji or an accent before the mention, at varying places on its line.
            let line = text[..text.find("[président]").unwrap()].rfind('\n').unwrap() + 1;
            let at = line + (version as usize % 3);
            let at = (at..).find(|&i| text.is_char_boundary(i)).unwrap();
            let insert = if version % 2 == 0 { "😀" } else { "é" };
            client.change("a.txt", version, json!([{"range": range(&text, at, at, Enc::Utf16), "text": insert}]));
            text.insert_str(at, insert);
            if version % 20 == 0 {
                // A registry change on disk: refreshes and registrations go out, unanswered.
                let registry = format!("{REGISTRY}kz.v{version}\tperson\tV{version}\t\n");
                std::fs::write(client.path("entities.tsv"), registry).unwrap();
                client.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": client.uri("entities.tsv"), "type": 2}]}),
                );
            }
            if version % 50 == 0 {
                // Empty settings: the server asks for them (workspace/configuration).
                client.notify("workspace/didChangeConfiguration", json!({"settings": null}));
            }
            let (s, _) = find(&text, "[président]");
            let e = find(&text, "kz.tokayev}").1;
            let id = client.send_request("textDocument/hover", client.at("a.txt", position(&text, s + 2, Enc::Utf16)));
            expected.push((id, range(&text, s, e, Enc::Utf16)));
            if version % 10 == 0 {
                let id = client
                    .send_request("textDocument/diagnostic", json!({"textDocument": {"uri": client.uri("a.txt")}}));
                expected.push((id, Value::Null));
            }
        }
        // Requests sent before the index was in waited for it; those whose document changed
        // meanwhile are answered ContentModified, and those beyond the waiting room's size (on
        // a slow machine the index is still building after 192 requests) ServerCancelled.
        // Once one is answered, every later one is.
        let mut answered = false;
        for (id, want) in expected {
            let answer = client.response(id);
            if answer.get("error").is_some() {
                let code = &answer["error"]["code"];
                assert!(!answered && (*code == -32801 || *code == -32802), "#{id}: {answer}");
                continue;
            }
            answered = true;
            if want.is_null() {
                assert!(
                    answer["result"]["kind"] == "full" || answer["result"]["kind"] == "unchanged",
                    "#{id}: {answer}"
                );
            } else {
                assert_eq!(answer["result"]["range"], want, "hover #{id}");
            }
        }
        // The server did ask, so the answers above came while its requests were pending. The
        // last refreshes follow background rebuilds: on a loaded machine they may still be on
        // their way, so wait for them (a deadline for liveness, not a measure of speed).
        let methods = [
            "window/workDoneProgress/create",
            "client/registerCapability",
            "workspace/configuration",
            "workspace/diagnostic/refresh",
            "workspace/semanticTokens/refresh",
            "workspace/inlayHint/refresh",
            "workspace/codeLens/refresh",
        ];
        let missing = || -> Vec<&str> {
            let asked = client.server_requests.lock().unwrap();
            methods.into_iter().filter(|m| !asked.iter().any(|r| r["method"] == *m)).collect()
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !missing().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(missing().is_empty(), "never sent: {:?}", missing());
        still_answers_at(&mut client, &text);
        client.shutdown();
    }
}

fn still_answers_at(client: &mut Client, text: &str) {
    let (s, _) = find(text, "[président]");
    let e = find(text, "kz.tokayev}").1;
    let hover = client.request("textDocument/hover", client.at("a.txt", position(text, s + 2, Enc::Utf16)));
    assert_eq!(hover["range"], range(text, s, e, Enc::Utf16));
}
