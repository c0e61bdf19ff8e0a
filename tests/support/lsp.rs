//! A minimal LSP client for end-to-end tests: spawns the real binary (`seedls serve`), speaks
//! JSON-RPC over its stdio, and models positions independently of the crate.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);
/// How long the first index may take: a 100 MB file parses in about 20 s unoptimised.
pub const INDEX_TIMEOUT: Duration = Duration::from_secs(90);

// ---------------------------------------------------------------------------------------------
// A minimal LSP client.

pub struct Client {
    pub child: Child,
    pub stdin: Arc<Mutex<ChildStdin>>,
    pub incoming: Receiver<Value>,
    /// Notifications and server requests received but not yet looked at.
    pub notifications: VecDeque<Value>,
    /// Every server→client request seen (answered as [`Options::reply`] says).
    pub server_requests: Arc<Mutex<Vec<Value>>>,
    pub responses: HashMap<i64, Value>,
    pub next_id: i64,
    pub dir: tempfile::TempDir,
    /// The `initialize` result.
    pub capabilities: Value,
}

pub fn write_message(out: &mut impl Write, msg: &Value) {
    let body = serde_json::to_vec(msg).unwrap();
    write!(out, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
    out.write_all(&body).unwrap();
    out.flush().unwrap();
}

pub fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = Some(v.trim().parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).unwrap())
}

/// How the client answers a server request.
pub enum Reply {
    Now(Value),
    After(Duration, Value),
    Never,
}

/// How to start a client beyond its files and capabilities.
pub struct Options {
    pub capabilities: Value,
    /// Workspace folders, relative to the temporary directory (`""`: the directory itself).
    pub folders: Vec<&'static str>,
    pub initialization_options: Option<Value>,
    /// The answer to each server request; `null` at once by default, like an editor.
    pub reply: Arc<dyn Fn(&Value) -> Reply + Send + Sync>,
    /// Wait for the end of the server's indexing progress (when the client supports progress).
    pub wait_indexed: bool,
    /// The workspace directory, when the test prepares it (links, permissions) beforehand.
    pub root: Option<tempfile::TempDir>,
    /// Run the server as this user (and group): root reads files whatever their mode.
    pub uid: Option<u32>,
    /// Environment variables of the server.
    pub env: Vec<(&'static str, String)>,
}

impl Options {
    pub fn new(capabilities: Value) -> Options {
        Options {
            capabilities,
            folders: vec![""],
            initialization_options: None,
            reply: Arc::new(|_| Reply::Now(Value::Null)),
            wait_indexed: true,
            root: None,
            uid: None,
            env: Vec::new(),
        }
    }
}

impl Client {
    /// Writes `files` into a fresh workspace, starts `seedls serve` on it, and completes the
    /// `initialize` handshake. With `window.workDoneProgress` in `capabilities`, waits until
    /// the workspace is indexed (the end of the server's progress).
    pub fn start(files: &[(&str, &str)], capabilities: Value) -> Client {
        Client::start_with(files, Options::new(capabilities))
    }

    pub fn start_with(files: &[(&str, &str)], options: Options) -> Client {
        let capabilities = options.capabilities;
        let dir = options.root.unwrap_or_else(|| tempfile::tempdir().unwrap());
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_seedls"));
        command
            .arg("serve")
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .envs(options.env.iter().map(|(k, v)| (k, v)));
        #[cfg(unix)]
        if let Some(uid) = options.uid {
            use std::os::unix::process::CommandExt;
            command.uid(uid).gid(uid);
        }
        let mut child = command.spawn().unwrap();
        let stdin = Arc::new(Mutex::new(child.stdin.take().unwrap()));
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        let server_requests = Arc::new(Mutex::new(Vec::new()));
        {
            let stdin = stdin.clone();
            let server_requests = server_requests.clone();
            let answer = options.reply;
            std::thread::spawn(move || {
                while let Some(msg) = read_message(&mut stdout) {
                    if msg.get("method").is_some() && msg.get("id").is_some() {
                        server_requests.lock().unwrap().push(msg.clone());
                        let reply = |result: Value| json!({"jsonrpc": "2.0", "id": msg["id"], "result": result});
                        match answer(&msg) {
                            Reply::Now(result) => {
                                let reply = reply(result);
                                let _ = std::panic::catch_unwind(|| write_message(&mut *stdin.lock().unwrap(), &reply));
                            }
                            Reply::After(delay, result) => {
                                let (stdin, reply) = (stdin.clone(), reply(result));
                                std::thread::spawn(move || {
                                    std::thread::sleep(delay);
                                    let _ =
                                        std::panic::catch_unwind(|| write_message(&mut *stdin.lock().unwrap(), &reply));
                                });
                            }
                            Reply::Never => {}
                        }
                    }
                    if tx.send(msg).is_err() {
                        break;
                    }
                }
            });
        }
        let progress = options.wait_indexed && capabilities["window"]["workDoneProgress"] == json!(true);
        let mut client = Client {
            child,
            stdin,
            incoming,
            notifications: VecDeque::new(),
            server_requests,
            responses: HashMap::new(),
            next_id: 0,
            dir,
            capabilities: Value::Null,
        };
        let folders: Vec<Value> = options
            .folders
            .iter()
            .map(|f| json!({"uri": client.uri(f).trim_end_matches('/'), "name": if f.is_empty() { "corpus" } else { f }}))
            .collect();
        let mut params = json!({
            "processId": null,
            "rootUri": folders[0]["uri"],
            "workspaceFolders": folders,
            "capabilities": capabilities,
        });
        // The learned suggestions (A012) arrive once the corpus is learned, in the background,
        // and take A011's place: off unless a test asks for them (`suggestions` in its options).
        let mut init = options.initialization_options.unwrap_or_else(|| json!({"seedls": {}}));
        let section = if init.get("seedls").is_some_and(Value::is_object) { &mut init["seedls"] } else { &mut init };
        if let Some(section) = section.as_object_mut()
            && !section.keys().any(|k| k.starts_with("suggestions"))
        {
            section.insert("suggestions".to_string(), json!({"enabled": false}));
        }
        params["initializationOptions"] = init;
        let result = client.request("initialize", params);
        client.capabilities = result["capabilities"].clone();
        client.notify("initialized", json!({}));
        if progress {
            client.wait_notification_within("indexing end", INDEX_TIMEOUT, |n| {
                n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end"
            });
        }
        client
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.path(rel).display())
    }

    pub fn send(&self, msg: Value) {
        write_message(&mut *self.stdin.lock().unwrap(), &msg);
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting for its answer.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}));
        self.next_id
    }

    pub fn receive(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for the server"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// The whole response message (`result` or `error`) to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(r) = self.responses.remove(&id) {
                return r;
            }
            let msg = self.receive(deadline);
            match msg.get("id").and_then(Value::as_i64) {
                Some(rid) if msg.get("method").is_none() => {
                    self.responses.insert(rid, msg);
                }
                _ => self.notifications.push_back(msg),
            }
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let response = self.response(id);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The first notification (or server request) matching `pred`, consuming those before it.
    pub fn wait_notification(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_notification_within(what, TIMEOUT, pred)
    }

    /// [`Client::wait_notification`] waiting at most `timeout`.
    pub fn wait_notification_within(&mut self, what: &str, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            while let Some(n) = self.notifications.pop_front() {
                if pred(&n) {
                    return n;
                }
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}");
            }
            let msg = self.receive(deadline);
            match msg.get("id").and_then(Value::as_i64) {
                Some(rid) if msg.get("method").is_none() => {
                    self.responses.insert(rid, msg);
                }
                _ => self.notifications.push_back(msg),
            }
        }
    }

    /// The next `publishDiagnostics` for `rel` at `version` (earlier ones are skipped, and
    /// returned in `seen` order for version checks).
    pub fn diagnostics(&mut self, rel: &str, version: i64) -> (Value, Vec<i64>) {
        let uri = self.uri(rel);
        let mut seen = Vec::new();
        loop {
            let n = self.wait_notification("publishDiagnostics", |n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri.as_str()
            });
            let v = n["params"]["version"].as_i64().unwrap_or(-1);
            seen.push(v);
            if v == version {
                return (n["params"]["diagnostics"].clone(), seen);
            }
        }
    }

    pub fn open(&self, rel: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": self.uri(rel), "languageId": "seed", "version": 1, "text": text}}),
        );
    }

    pub fn change(&self, rel: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri(rel), "version": version}, "contentChanges": changes}),
        );
    }

    pub fn at(&self, rel: &str, pos: Value) -> Value {
        json!({"textDocument": {"uri": self.uri(rel)}, "position": pos})
    }

    /// `shutdown` then `exit`; the server must exit with 0.
    pub fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let status = wait_exit(&mut self.child);
        assert_eq!(status.code(), Some(0));
    }
}

pub fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Client capabilities: utf-8 offered or not, progress, and extra JSON merged in.
pub fn caps(utf8: bool, extra: Value) -> Value {
    let mut caps = json!({
        "general": {"positionEncodings": if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) }},
        "window": {"workDoneProgress": true},
        "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}},
    });
    merge(&mut caps, extra);
    caps
}

pub fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

// ---------------------------------------------------------------------------------------------
// Positions, from the test's own model of the text.

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    Utf8,
    Utf16,
}

pub fn position(text: &str, offset: usize, enc: Enc) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = match enc {
        Enc::Utf8 => offset - line_start,
        Enc::Utf16 => text[line_start..offset].encode_utf16().count(),
    };
    json!({"line": line, "character": character})
}

pub fn range(text: &str, start: usize, end: usize, enc: Enc) -> Value {
    json!({"start": position(text, start, enc), "end": position(text, end, enc)})
}

/// Byte range of the `nth` occurrence of `needle`.
pub fn find_nth(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let start = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("no {needle:?} #{nth}")).0;
    (start, start + needle.len())
}

pub fn find(text: &str, needle: &str) -> (usize, usize) {
    find_nth(text, needle, 0)
}
