//! The workspace end to end: files changed on disk, workspace folders, settings, dynamic
//! registrations, and clients that answer the server's requests late or never. The real binary
//! over stdio, as in `tests/lsp.rs`.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::lsp::*;

const REGISTRY: &str = "id\ttype\tname\taliases\n\
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\n\
kz.almaty\tplace\tAlmaty\t\n";

/// Mentions kz.tokayev; "Almaty" is untagged (A011).
const A: &str =
    " date 2022-01-05 https://example.org/a\n\nTitre\n\nLe [président]{person:kz.tokayev} parle à Almaty.\n";

const B: &str = " date 2022-01-06 https://example.org/b\n\nSuite\n\n[Tokaïev]{person:kz.tokayev} encore.\n";

fn new_article(n: u32) -> String {
    format!(
        " date 2022-02-0{n} https://example.org/new{n}\n\nNouveau\n\n[Le président]{{person:kz.tokayev}} revient.\n"
    )
}

fn watching() -> Value {
    caps(false, json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}))
}

fn codes(diagnostics: &Value) -> Vec<String> {
    let mut codes: Vec<String> =
        diagnostics.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    codes.sort();
    codes
}

fn rel(client: &Client, uri: &Value) -> String {
    let root = client.uri("");
    uri.as_str().unwrap().strip_prefix(&root).unwrap_or_else(|| panic!("{uri} outside {root}")).to_string()
}

/// Files referring to the id at `needle` in `path` (with the registry row), sorted.
fn referring_files(client: &mut Client, path: &str, text: &str, needle: &str) -> Vec<String> {
    let (s, _) = find(text, needle);
    let mut params = client.at(path, position(text, s, Enc::Utf16));
    params["context"] = json!({"includeDeclaration": true});
    let refs = client.request("textDocument/references", params);
    let mut files: Vec<String> = refs.as_array().unwrap().iter().map(|r| rel(client, &r["uri"])).collect();
    files.sort();
    files.dedup();
    files
}

fn notify_files(client: &Client, events: &[(&str, u32)]) {
    let changes: Vec<Value> =
        events.iter().map(|(path, kind)| json!({"uri": client.uri(path), "type": kind})).collect();
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": changes }));
}

fn write(client: &Client, path: &str, text: &str) {
    let full = client.path(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// Waits for pushed diagnostics of `path` that satisfy `pred` (earlier pushes are skipped).
fn pushed_until(client: &mut Client, path: &str, pred: impl Fn(&[String]) -> bool) -> Vec<String> {
    let uri = client.uri(path);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        assert!(Instant::now() < deadline, "no diagnostics as expected for {path}");
        let n = client.wait_notification("publishDiagnostics", |n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri.as_str()
        });
        let codes = codes(&n["params"]["diagnostics"]);
        if pred(&codes) {
            return codes;
        }
    }
}

/// Waits for the end of a `$/progress` (an index build).
fn indexed(client: &mut Client) {
    client.wait_notification("indexing end", |n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end");
}

fn requests_of(client: &Client, method: &str) -> Vec<Value> {
    client.server_requests.lock().unwrap().iter().filter(|r| r["method"] == method).cloned().collect()
}

/// The server requests of `method` seen so far, once there is one.
fn wait_request(client: &Client, method: &str) -> Vec<Value> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let seen = requests_of(client, method);
        if !seen.is_empty() {
            return seen;
        }
        assert!(Instant::now() < deadline, "no {method} request");
        std::thread::sleep(Duration::from_millis(5));
    }
}

// ---------------------------------------------------------------------------------------------
// Files changed on disk.

#[test]
fn files_created_changed_and_deleted_on_disk_update_the_index() {
    let files = [("entities.tsv", REGISTRY), ("seeds/a.txt", A)];
    let mut client = Client::start(&files, watching());
    client.open("seeds/a.txt", A);
    assert_eq!(referring_files(&mut client, "seeds/a.txt", A, "kz.tokayev"), ["entities.tsv", "seeds/a.txt"]);

    // Created: the next request already sees it (the notification is applied in order).
    let new = new_article(1);
    write(&client, "seeds/new.txt", &new);
    notify_files(&client, &[("seeds/new.txt", 1)]);
    assert_eq!(
        referring_files(&mut client, "seeds/a.txt", A, "kz.tokayev"),
        ["entities.tsv", "seeds/a.txt", "seeds/new.txt"]
    );
    // Definition from the new (closed) file goes to the registry row.
    let (s, _) = find(&new, "kz.tokayev");
    let def = client.request("textDocument/definition", client.at("seeds/new.txt", position(&new, s, Enc::Utf16)));
    assert_eq!(rel(&client, &def[0]["uri"]), "entities.tsv", "{def}");

    // Changed: the mention is gone.
    write(&client, "seeds/new.txt", " date 2022-02-01 https://example.org/new1\n\nNouveau\n\nRien.\n");
    notify_files(&client, &[("seeds/new.txt", 2)]);
    assert_eq!(referring_files(&mut client, "seeds/a.txt", A, "kz.tokayev"), ["entities.tsv", "seeds/a.txt"]);

    // Deleted, after a change event for it in the same batch: the last word wins.
    write(&client, "seeds/new.txt", &new);
    notify_files(&client, &[("seeds/new.txt", 2)]);
    std::fs::remove_file(client.path("seeds/new.txt")).unwrap();
    notify_files(&client, &[("seeds/new.txt", 2), ("seeds/new.txt", 3)]);
    assert_eq!(referring_files(&mut client, "seeds/a.txt", A, "kz.tokayev"), ["entities.tsv", "seeds/a.txt"]);
    let def = client.request("textDocument/definition", client.at("seeds/new.txt", position(&new, s, Enc::Utf16)));
    assert_eq!(def, Value::Null);

    // A deleted folder: clients report the folder, not each file in it.
    write(&client, "more/one.txt", &new_article(2));
    write(&client, "more/deeper/two.txt", &new_article(3));
    notify_files(&client, &[("more/one.txt", 1), ("more/deeper/two.txt", 1)]);
    assert_eq!(referring_files(&mut client, "seeds/a.txt", A, "kz.tokayev").len(), 4);
    std::fs::remove_dir_all(client.path("more")).unwrap();
    notify_files(&client, &[("more", 3)]);
    assert_eq!(referring_files(&mut client, "seeds/a.txt", A, "kz.tokayev"), ["entities.tsv", "seeds/a.txt"]);
    client.shutdown();
}

/// Polls references to the id at `needle` until they come from `want`, as files on disk change
/// without the client saying so.
fn referring_files_become(client: &mut Client, path: &str, text: &str, needle: &str, want: &[&str]) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let files = referring_files(client, path, text, needle);
        if files == want {
            return;
        }
        assert!(Instant::now() < deadline, "references from {files:?}, not {want:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A client that watches no files (Neovim on Linux): the server watches the workspace folders
/// itself, those added too and not those removed, and applies what changed on disk as it
/// applies `didChangeWatchedFiles`.
#[test]
fn the_server_watches_the_folders_when_the_client_cannot() {
    let a = A.replace("kz.tokayev", "kz.nazarbayev");
    let files = [
        ("one/entities.tsv", REGISTRY),
        ("one/a.txt", &a),
        ("one/b.txt", B),
        ("two/x.txt", B),
        ("three/c.txt", &new_article(1)),
    ];
    let mut options = Options::new(caps(false, json!({})));
    options.folders = vec!["one", "two"];
    let mut client = Client::start_with(&files, options);
    client.open("one/a.txt", &a);
    assert_eq!(pushed_until(&mut client, "one/a.txt", |_| true), ["A005", "A011"]);

    // The id joins the registry on disk (as "Add to registry" then `:wall` does): no more A005.
    let registry = format!("{REGISTRY}kz.nazarbayev\tperson\tNoursoultan Nazarbaïev\t\n");
    write(&client, "one/entities.tsv", &registry);
    assert_eq!(pushed_until(&mut client, "one/a.txt", |c| !c.contains(&"A005".to_string())), ["A011"]);

    // Seed files created, in a new folder too, and deleted.
    let row = |client: &mut Client, want: &[&str]| {
        referring_files_become(client, "one/entities.tsv", &registry, "kz.tokayev", want);
    };
    row(&mut client, &["one/b.txt", "one/entities.tsv", "two/x.txt"]);
    write(&client, "one/new.txt", &new_article(2));
    row(&mut client, &["one/b.txt", "one/entities.tsv", "one/new.txt", "two/x.txt"]);
    write(&client, "one/more/deeper/d.txt", &new_article(3));
    row(&mut client, &["one/b.txt", "one/entities.tsv", "one/more/deeper/d.txt", "one/new.txt", "two/x.txt"]);
    std::fs::remove_file(client.path("one/b.txt")).unwrap();
    std::fs::remove_dir_all(client.path("one/more")).unwrap();
    row(&mut client, &["one/entities.tsv", "one/new.txt", "two/x.txt"]);

    // A folder added is watched once indexed; one removed is not any more.
    let root = client.uri("");
    let folder = |f: &str| json!({"uri": format!("{root}{f}"), "name": f});
    client.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [folder("three")], "removed": []}}));
    indexed(&mut client);
    row(&mut client, &["one/entities.tsv", "one/new.txt", "three/c.txt", "two/x.txt"]);
    client.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [], "removed": [folder("two")]}}));
    write(&client, "two/y.txt", &new_article(4));
    write(&client, "three/d.txt", &new_article(5));
    row(&mut client, &["one/entities.tsv", "one/new.txt", "three/c.txt", "three/d.txt"]);
    client.shutdown();
}

#[test]
fn a_registry_changed_on_disk_republishes_open_documents_and_refreshes_pulls() {
    let files = [("entities.tsv", REGISTRY), ("seeds/b.txt", B)];
    let a = A.replace("kz.tokayev", "kz.nazarbayev");
    let mut client = Client::start(&files, watching());
    client.open("seeds/a.txt", &a);
    let pushed = pushed_until(&mut client, "seeds/a.txt", |c| c.contains(&"A005".to_string()));
    assert_eq!(pushed, ["A005", "A011"]);
    write(&client, "entities.tsv", &format!("{REGISTRY}kz.nazarbayev\tperson\tNoursoultan Nazarbaïev\t\n"));
    notify_files(&client, &[("entities.tsv", 2)]);
    assert_eq!(pushed_until(&mut client, "seeds/a.txt", |c| !c.contains(&"A005".to_string())), ["A011"]);
    client.shutdown();

    // A client that pulls is asked to pull again, and its next pull has the new report.
    let pull = caps(
        false,
        json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}}),
    );
    let mut client = Client::start(&files, pull);
    client.open("seeds/a.txt", &a);
    let pulled = |client: &mut Client| {
        let report =
            client.request("textDocument/diagnostic", json!({"textDocument": {"uri": client.uri("seeds/a.txt")}}));
        codes(&report["items"])
    };
    assert_eq!(pulled(&mut client), ["A005", "A011"]);
    // The one after the first index, then ours.
    let before = wait_request(&client, "workspace/diagnostic/refresh").len();
    write(&client, "entities.tsv", &format!("{REGISTRY}kz.nazarbayev\tperson\tNoursoultan Nazarbaïev\t\n"));
    notify_files(&client, &[("entities.tsv", 2)]);
    assert_eq!(pulled(&mut client), ["A011"]);
    let deadline = Instant::now() + TIMEOUT;
    while requests_of(&client, "workspace/diagnostic/refresh").len() == before {
        assert!(Instant::now() < deadline, "no refresh after the change");
        std::thread::sleep(Duration::from_millis(5));
    }
    client.shutdown();
}

#[test]
fn ignored_excluded_hidden_symlinked_and_outside_files_never_join() {
    let secret = " date 2022-03-01 https://example.org/secret\n\nX\n\n[X]{person:kz.secret}\n";
    let files = [
        ("ws/entities.tsv", REGISTRY),
        ("ws/.gitignore", "ignored/\n"),
        ("ws/.seedls.json", r#"{"exclude": ["drafts/**"]}"#),
        ("ws/ignored/a.txt", secret),
        ("ws/drafts/a.txt", secret),
        ("ws/.hidden/a.txt", secret),
        ("outside/a.txt", secret),
        ("outside/linked/a.txt", secret),
    ];
    let mut options = Options::new(watching());
    options.folders = vec!["ws"];
    let mut client = Client::start_with(&files, options);
    #[cfg(unix)]
    std::os::unix::fs::symlink(client.path("outside/linked"), client.path("ws/link")).unwrap();
    let open = " date 2022-03-02 https://example.org/open\n\nX\n\n[X]{person:kz.secret}\n";
    client.open("ws/open.txt", open);
    notify_files(
        &client,
        &[
            ("ws/ignored/a.txt", 1),
            ("ws/drafts/a.txt", 1),
            ("ws/.hidden/a.txt", 1),
            ("ws/link/a.txt", 1),
            ("outside/a.txt", 1),
            ("ws/../outside/a.txt", 1),
        ],
    );
    assert_eq!(referring_files(&mut client, "ws/open.txt", open, "kz.secret"), ["ws/open.txt"]);
    // The same files, once the rules let them in, do join (the events were not ignored blindly).
    write(&client, "ws/.gitignore", "");
    notify_files(&client, &[("ws/ignored/a.txt", 2)]);
    assert_eq!(referring_files(&mut client, "ws/open.txt", open, "kz.secret"), ["ws/ignored/a.txt", "ws/open.txt"]);
    client.shutdown();
}

#[test]
fn a_changed_seedls_json_rediscovers_the_root_in_the_background() {
    let files = [
        ("entities.tsv", REGISTRY),
        (".seedls.json", r#"{"exclude": ["drafts/**"]}"#),
        ("a.txt", A),
        ("drafts/d.txt", B),
    ];
    let mut client = Client::start(&files, watching());
    client.open("a.txt", A);
    assert_eq!(referring_files(&mut client, "a.txt", A, "kz.tokayev"), ["a.txt", "entities.tsv"]);
    write(&client, ".seedls.json", "{}");
    notify_files(&client, &[(".seedls.json", 2)]);
    indexed(&mut client);
    assert_eq!(referring_files(&mut client, "a.txt", A, "kz.tokayev"), ["a.txt", "drafts/d.txt", "entities.tsv"]);
    // Progress tokens are not reused across builds.
    let tokens: Vec<Value> =
        requests_of(&client, "window/workDoneProgress/create").iter().map(|r| r["params"]["token"].clone()).collect();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1]);
    client.shutdown();
}

#[test]
fn files_open_in_the_editor_keep_the_editors_text() {
    let files = [("entities.tsv", REGISTRY), ("a.txt", A)];
    let mut client = Client::start(&files, watching());
    client.open("a.txt", A);
    // Saved elsewhere with no mention: the open text still mentions the id.
    write(&client, "a.txt", " date 2022-01-05 https://example.org/a\n\nTitre\n\nRien.\n");
    notify_files(&client, &[("a.txt", 2)]);
    assert_eq!(referring_files(&mut client, "a.txt", A, "kz.tokayev"), ["a.txt", "entities.tsv"]);
    // Closing goes back to the disk.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": client.uri("a.txt")}}));
    client.open("b.txt", B);
    assert_eq!(referring_files(&mut client, "b.txt", B, "kz.tokayev"), ["b.txt", "entities.tsv"]);
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Workspace folders.

#[test]
fn two_folders_share_ids_and_folders_come_and_go() {
    let files = [("one/entities.tsv", REGISTRY), ("one/a.txt", A), ("two/b.txt", B), ("three/c.txt", &new_article(1))];
    let mut options = Options::new(caps(false, json!({})));
    options.folders = vec!["one", "two"];
    let mut client = Client::start_with(&files, options);
    client.open("one/a.txt", A);
    assert_eq!(
        referring_files(&mut client, "one/a.txt", A, "kz.tokayev"),
        ["one/a.txt", "one/entities.tsv", "two/b.txt"]
    );
    // Definition across folders: from two/ to the registry in one/.
    let (s, _) = find(B, "kz.tokayev");
    let def = client.request("textDocument/definition", client.at("two/b.txt", position(B, s, Enc::Utf16)));
    assert_eq!(rel(&client, &def[0]["uri"]), "one/entities.tsv");

    // Added: indexed in the background with progress, then merged.
    let root = client.uri("");
    let folder = |f: &str| json!({"uri": format!("{root}{f}"), "name": f});
    client.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [folder("three")], "removed": []}}));
    indexed(&mut client);
    assert_eq!(
        referring_files(&mut client, "one/a.txt", A, "kz.tokayev"),
        ["one/a.txt", "one/entities.tsv", "three/c.txt", "two/b.txt"]
    );

    // Removed: its files leave at once, except an open one, which stays while open.
    client.open("two/b.txt", B);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [folder("two"), folder("three")]}}),
    );
    assert_eq!(
        referring_files(&mut client, "one/a.txt", A, "kz.tokayev"),
        ["one/a.txt", "one/entities.tsv", "two/b.txt"]
    );
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": client.uri("two/b.txt")}}));
    assert_eq!(referring_files(&mut client, "one/a.txt", A, "kz.tokayev"), ["one/a.txt", "one/entities.tsv"]);
    // File events under a removed folder are outside the workspace now.
    notify_files(&client, &[("two/b.txt", 2)]);
    assert_eq!(referring_files(&mut client, "one/a.txt", A, "kz.tokayev"), ["one/a.txt", "one/entities.tsv"]);
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Settings.

/// Whether tagging the untagged «Almaty» as its registry entry is offered there.
fn offers_tagging(client: &mut Client) -> bool {
    let (s, e) = find(A, "Almaty");
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": client.uri("a.txt")},
            "range": range(A, s, e, Enc::Utf16),
            "context": {"diagnostics": []},
        }),
    );
    actions.as_array().is_some_and(|a| a.iter().any(|a| a["title"] == "Tag as place:kz.almaty"))
}

#[test]
fn untagged_alias_hints_follow_initialization_options_and_configuration_changes() {
    // Every section sent keeps the learned suggestions (A012, which replace A011) off.
    let files = [("entities.tsv", REGISTRY), ("a.txt", A)];
    let mut options = Options::new(caps(false, json!({})));
    options.initialization_options = Some(json!({"seedls": {"untaggedAliasHints": false}}));
    let mut client = Client::start_with(&files, options);
    client.open("a.txt", A);
    assert_eq!(pushed_until(&mut client, "a.txt", |_| true), [""; 0]);
    // The setting hides the hints, not the action: tagging stays at hand, and the analysis
    // behind it had the document's text.
    assert!(offers_tagging(&mut client));

    // The flat form turns them on; the open document is republished.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"untaggedAliasHints": true, "suggestions": {"enabled": false}}}),
    );
    assert_eq!(pushed_until(&mut client, "a.txt", |c| !c.is_empty()), ["A011"]);
    assert!(offers_tagging(&mut client));

    // The nested form; a missing key is its default (on).
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"seedls": {"untaggedAliasHints": false, "suggestions": {"enabled": false}}}}),
    );
    assert_eq!(pushed_until(&mut client, "a.txt", |c| c.is_empty()), [""; 0]);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"seedls": {"inlayHints": false, "suggestions": {"enabled": false}}}}),
    );
    assert_eq!(pushed_until(&mut client, "a.txt", |c| !c.is_empty()), ["A011"]);

    // Null settings from a client that cannot be asked: nothing changes, nothing is asked.
    client.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    assert!(offers_tagging(&mut client));
    assert!(requests_of(&client, "workspace/configuration").is_empty());
    client.shutdown();
}

#[test]
fn null_settings_are_pulled_with_workspace_configuration() {
    let files = [("entities.tsv", REGISTRY), ("a.txt", A)];
    let config = Arc::new(Mutex::new(Value::Null));
    let mut options = Options::new(caps(false, json!({"workspace": {"configuration": true}})));
    let answer = config.clone();
    options.reply = Arc::new(move |request| match request["method"].as_str() {
        Some("workspace/configuration") => Reply::Now(json!([answer.lock().unwrap().clone()])),
        _ => Reply::Now(Value::Null),
    });
    let mut client = Client::start_with(&files, options);
    client.open("a.txt", A);
    // Pulled at start-up; null means no settings, so the defaults stand.
    assert_eq!(pushed_until(&mut client, "a.txt", |_| true), ["A011"]);
    let pulls = wait_request(&client, "workspace/configuration");
    assert_eq!(pulls.len(), 1);
    assert_eq!(pulls[0]["params"]["items"], json!([{"section": "seedls"}]));

    *config.lock().unwrap() =
        json!({"untaggedAliasHints": false, "path": "/usr/bin/seedls", "suggestions": {"enabled": false}});
    client.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    assert_eq!(pushed_until(&mut client, "a.txt", |c| c.is_empty()), [""; 0]);

    // An empty object is "nothing for us" too: pulled again, and `{}` is every default.
    *config.lock().unwrap() = json!({"suggestions": {"enabled": false}});
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    assert_eq!(pushed_until(&mut client, "a.txt", |c| !c.is_empty()), ["A011"]);
    assert_eq!(requests_of(&client, "workspace/configuration").len(), 3);
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Registrations and slow clients.

#[test]
fn registrations_only_when_the_client_supports_dynamic_registration() {
    let files = [("a.txt", A)];
    let mut client = Client::start(&files, caps(false, json!({})));
    // A request round trip after indexing: anything sent at `initialized` has been seen.
    client.request("textDocument/hover", client.at("a.txt", json!({"line": 0, "character": 0})));
    assert!(requests_of(&client, "client/registerCapability").is_empty());
    client.shutdown();

    let both = json!({"workspace": {
        "didChangeWatchedFiles": {"dynamicRegistration": true},
        "didChangeConfiguration": {"dynamicRegistration": true},
    }});
    let client = Client::start(&files, caps(false, both));
    let requests = wait_request(&client, "client/registerCapability");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    let regs = request["params"]["registrations"].as_array().unwrap().clone();
    assert_eq!(regs[0]["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = regs[0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/*.txt", "**/entities.tsv", "**/*.entities.tsv", "**/schema.tsv", "**/.seedls.json"]);
    assert_eq!(
        regs[1],
        json!({"id": "seedls/configuration", "method": "workspace/didChangeConfiguration", "registerOptions": {"section": "seedls"}})
    );
    client.shutdown();
}

/// Hovers until the answer shows the index (a closed file mentioning the id), within `limit`.
fn answered_with_index(client: &mut Client, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let files = referring_files(client, "a.txt", A, "kz.tokayev");
        if files.contains(&"b.txt".to_string()) {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "not indexed after {limit:?}: {files:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_client_that_never_answers_blocks_nothing() {
    let files = [("entities.tsv", REGISTRY), ("a.txt", A), ("b.txt", B)];
    let everything = caps(
        false,
        json!({"workspace": {"configuration": true, "didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    for slow in [false, true] {
        let mut options = Options::new(everything.clone());
        options.wait_indexed = false;
        options.reply = Arc::new(move |request| match request["method"].as_str() {
            Some("client/registerCapability" | "workspace/configuration" | "window/workDoneProgress/create") => {
                if slow { Reply::After(Duration::from_secs(8), Value::Null) } else { Reply::Never }
            }
            _ => Reply::Now(Value::Null),
        });
        let mut client = Client::start_with(&files, options);
        client.open("a.txt", A);
        // Indexed and installed without waiting for the progress token.
        let took = answered_with_index(&mut client, Duration::from_secs(4));
        assert!(took < Duration::from_secs(4), "{took:?}");
        // Pushed diagnostics flow, settings pulls pending or not.
        client.notify("workspace/didChangeConfiguration", json!({"settings": null}));
        assert_eq!(pushed_until(&mut client, "a.txt", |_| true), ["A011"]);
        let started = Instant::now();
        for _ in 0..20 {
            let (s, _) = find(A, "président");
            let hover = client.request("textDocument/hover", client.at("a.txt", position(A, s, Enc::Utf16)));
            assert!(hover["contents"]["value"].as_str().unwrap().contains("Kassym-Jomart Tokaïev"));
        }
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        // File events are applied as usual.
        write(&client, "c.txt", &new_article(1));
        notify_files(&client, &[("c.txt", 1)]);
        assert_eq!(referring_files(&mut client, "a.txt", A, "kz.tokayev"), ["a.txt", "b.txt", "c.txt", "entities.tsv"]);
        for method in ["client/registerCapability", "workspace/configuration", "window/workDoneProgress/create"] {
            wait_request(&client, method);
        }
        client.shutdown();
    }
}
