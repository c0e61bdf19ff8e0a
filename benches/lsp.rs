//! The benchmark of SPEC §11: generates corpora, drives `seedls serve` over stdio like an editor,
//! and compares cold indexing with ripgrep over the same files. It reports figures; it asserts
//! nothing about time.
//!
//! `cargo bench --bench lsp -- [--n 10000,100000] [--write BENCHMARKS.md] [--smoke]`

#[path = "support/corpus_gen.rs"]
mod corpus_gen;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(600);

struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<(Instant, Value)>,
    pending: VecDeque<(Instant, Value)>,
    next_id: i64,
}

fn write_message(out: &mut impl Write, msg: &Value) {
    let body = serde_json::to_vec(msg).unwrap();
    write!(out, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
    out.write_all(&body).unwrap();
    out.flush().unwrap();
}

/// One message's body, unparsed: the reader stamps its arrival before parsing it, so the
/// client's JSON parsing is not counted as server time.
fn read_message(input: &mut impl BufRead) -> Option<Vec<u8>> {
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
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    std::io::Read::read_exact(input, &mut body).ok()?;
    Some(body)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Server {
    fn spawn(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seedls"))
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn seedls");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(body) = read_message(&mut stdout) {
                let at = Instant::now();
                let Ok(msg) = serde_json::from_slice(&body) else { break };
                if tx.send((at, msg)).is_err() {
                    break;
                }
            }
        });
        let mut server = Server { child, stdin, incoming, pending: VecDeque::new(), next_id: 0 };
        let root = uri(root);
        server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "bench"}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "window": {"workDoneProgress": true},
                    "textDocument": {"hover": {"contentFormat": ["markdown"]}, "publishDiagnostics": {"versionSupport": true}},
                },
            }),
        );
        server.notify("initialized", json!({}));
        server
    }

    fn notify(&mut self, method: &str, params: Value) {
        write_message(&mut self.stdin, &json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Receives the next message; server requests are answered with `null` like an editor.
    fn receive(&mut self) -> (Instant, Value) {
        let (at, msg) = match self.pending.pop_front() {
            Some(m) => m,
            None => self.incoming.recv_timeout(TIMEOUT).expect("server answered in time"),
        };
        if msg.get("method").is_some() && msg.get("id").is_some() {
            write_message(&mut self.stdin, &json!({"jsonrpc": "2.0", "id": msg["id"], "result": null}));
        }
        (at, msg)
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.timed(method, params).1
    }

    /// Sends a request and returns the round-trip time and the result.
    fn timed(&mut self, method: &str, params: Value) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let start = Instant::now();
        write_message(&mut self.stdin, &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let (at, msg) = self.receive();
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                if let Some(err) = msg.get("error") {
                    panic!("{method} failed: {err}");
                }
                return (at - start, msg["result"].clone());
            }
        }
    }

    /// Waits for a notification matching `pred`, returning when it arrived.
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Instant {
        loop {
            let (at, msg) = self.receive();
            if msg.get("id").is_none() && pred(&msg) {
                return at;
            }
        }
    }

    /// A memory figure of the server's `/proc` status, in kB: `VmHWM` (peak) or `VmRSS` (now).
    fn status_kb(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// UTF-16 position of a byte offset.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..offset].encode_utf16().count()})
}

#[derive(Default)]
struct Stats(Vec<Duration>);

impl Stats {
    fn push(&mut self, d: Duration) {
        self.0.push(d);
    }
    fn pct(&self, p: f64) -> Duration {
        let mut v = self.0.clone();
        v.sort();
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

struct Row {
    what: String,
    figure: String,
    target: String,
}

fn median_of<T: Ord + Copy>(mut v: Vec<T>) -> T {
    v.sort();
    v[v.len() / 2]
}

/// Generates (once) the corpus of `n` files plus a 1 MB document, and returns its folder.
fn corpus(n: usize) -> (PathBuf, corpus_gen::Generated, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-corpus-{n}"));
    let big = dir.join("big").join("000_big.txt");
    let stamp = dir.join(".generated");
    let generated = if stamp.exists() {
        let s = std::fs::read_to_string(&stamp).unwrap();
        let v: Value = serde_json::from_str(&s).unwrap();
        corpus_gen::Generated {
            files: n,
            bytes: v["bytes"].as_u64().unwrap(),
            mentions: v["mentions"].as_u64().unwrap() as usize,
            id_near_10k: Some((v["id"].as_str().unwrap().to_string(), v["uses"].as_u64().unwrap() as usize)),
        }
    } else {
        let _ = std::fs::remove_dir_all(&dir);
        let g = corpus_gen::generate(&dir, n, (n / 20).clamp(50, 20_000), 2022).unwrap();
        // The 1 MB document: the corpus's first articles under one header, so its ids are
        // registered like those of any article.
        let mut text = String::from(" date 2022-01-05 https://www.example-news.kz/2022/01/05/big.html\n\nDossier\n\n");
        for entry in walk(&dir) {
            if entry.extension().is_some_and(|e| e == "txt") {
                let t = std::fs::read_to_string(&entry).unwrap();
                text.push_str(t.split_once("\n\n").map_or("", |(_, body)| body));
                if text.len() >= 1_000_000 {
                    break;
                }
            }
        }
        std::fs::create_dir_all(big.parent().unwrap()).unwrap();
        std::fs::write(&big, &text).unwrap();
        let (id, uses) = g.id_near_10k.clone().unwrap();
        let meta = json!({"bytes": g.bytes + text.len() as u64, "mentions": g.mentions, "id": id, "uses": uses});
        std::fs::write(&stamp, meta.to_string()).unwrap();
        g
    };
    (dir, generated, big)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out.sort();
    out
}

fn rg_time(dir: &Path) -> Option<Duration> {
    let run = || {
        let start = Instant::now();
        let ok = Command::new("rg")
            .args(["--count-matches", r"\]\{"])
            .arg(dir)
            .stdout(Stdio::null())
            .status()
            .ok()?
            .success();
        ok.then(|| start.elapsed())
    };
    run()?; // warm the page cache
    Some(median_of((0..3).filter_map(|_| run()).collect()))
}

fn registry_position(dir: &Path, id: &str) -> (String, Value) {
    let path = dir.join("entities.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find(&format!("\n{id}\t")).unwrap() + 1;
    (uri(&path), position(&text, at))
}

fn bench(n: usize, smoke: bool, rows: &mut Vec<Row>) {
    let (dir, generated, big) = corpus(n);
    let (id, uses) = generated.id_near_10k.clone().unwrap();
    let mb = generated.bytes as f64 / 1e6;
    eprintln!("  {} files, {mb:.0} MB, {} mentions", generated.files, generated.mentions);
    let mut row = |what: String, figure: String, target: &str| rows.push(Row { what, figure, target: target.into() });
    let label = |s: &str| format!("N={n}: {s}");

    // Cold index: process start to the first complete references answer, the request sent
    // right after `initialized` (answered from the id pass, or once the index is in); and
    // process start to the end of the index build's progress (the full index installed).
    let rg = rg_time(&dir);
    let (reg_uri, reg_pos) = registry_position(&dir, &id);
    let (mut cold, mut full) = (Vec::new(), Vec::new());
    let (mut rss, mut peak) = (0, 0);
    for _ in 0..if smoke { 1 } else { 3 } {
        let start = Instant::now();
        let mut server = Server::spawn(&dir);
        server.next_id += 1;
        let request = server.next_id;
        let params =
            json!({"textDocument": {"uri": reg_uri}, "position": reg_pos, "context": {"includeDeclaration": true}});
        let message = json!({"jsonrpc": "2.0", "id": request, "method": "textDocument/references", "params": params});
        write_message(&mut server.stdin, &message);
        let (mut answered, mut indexed) = (None, None);
        while answered.is_none() || indexed.is_none() {
            let (at, msg) = server.receive();
            if msg.get("method").is_none() && msg["id"] == json!(request) {
                assert!(msg.get("error").is_none(), "references failed: {msg}");
                let complete = msg["result"].as_array().is_some_and(|r| r.len() >= uses);
                assert!(complete, "references of {id} are complete");
                answered = Some(at);
            } else if msg.get("id").is_none()
                && msg["method"] == "$/progress"
                && msg["params"]["value"]["kind"] == "end"
            {
                indexed = Some(at);
            }
        }
        let (answered, indexed) = (answered.unwrap(), indexed.unwrap());
        cold.push(answered - start);
        full.push(indexed - start);
        // Resident memory after indexing, as SPEC §11 puts it: half a second after the full
        // index is in, once the allocator has had a moment to return what the load freed.
        std::thread::sleep(Duration::from_millis(500).saturating_sub(indexed.elapsed()));
        rss = server.status_kb("VmRSS:").unwrap_or(0);
        peak = server.status_kb("VmHWM:").unwrap_or(0);
    }
    let (cold, full) = (median_of(cold), median_of(full));
    for (what, time) in [("cold index → first references", cold), ("cold index → full index (progress end)", full)]
    {
        let figure = match rg {
            Some(rg) => format!("{} (rg {}, ×{:.2})", ms(time), ms(rg), time.as_secs_f64() / rg.as_secs_f64()),
            None => format!("{} (rg not installed)", ms(time)),
        };
        row(label(what), figure, "≤ 1.5 × rg");
    }
    // `seedls suggest --evaluate` of the whole corpus: learned on 80 % of the articles, scored
    // on the other 20 % (SPEC §12), against the same rg count.
    let mut evaluate = Vec::new();
    for _ in 0..if smoke { 1 } else { 3 } {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_seedls"))
            .args(["suggest", "--evaluate", "--format", "json"])
            .arg(&dir)
            .stderr(Stdio::null())
            .output()
            .expect("run seedls suggest --evaluate");
        evaluate.push(start.elapsed());
        assert!(out.status.success(), "suggest --evaluate failed");
        let v: Value = serde_json::from_slice(&out.stdout).expect("suggest --evaluate prints JSON");
        assert!(v["scored"].as_u64().is_some_and(|s| s > 0), "suggest --evaluate scored nothing: {v}");
    }
    let evaluate = median_of(evaluate);
    let figure = match rg {
        Some(rg) => format!("{} (rg {}, ×{:.2})", ms(evaluate), ms(rg), evaluate.as_secs_f64() / rg.as_secs_f64()),
        None => format!("{} (rg not installed)", ms(evaluate)),
    };
    row(label("suggest --evaluate, whole corpus"), figure, "≤ 3 × rg");
    let of_corpus = |kb: u64| kb as f64 * 1024.0 / generated.bytes as f64;
    row(
        label("resident memory after indexing (peak)"),
        format!(
            "{:.0} MB for {mb:.0} MB of corpus (×{:.2}; peak {:.0} MB, ×{:.2})",
            rss as f64 / 1024.0,
            of_corpus(rss),
            peak as f64 / 1024.0,
            of_corpus(peak)
        ),
        "< 0.5 × corpus",
    );

    // Requests, in one session like an editor.
    let mut server = Server::spawn(&dir);
    server.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let article = walk(&dir.join("000")).into_iter().find(|p| p.extension().is_some_and(|e| e == "txt")).unwrap();
    let text = std::fs::read_to_string(&article).unwrap();
    let doc = uri(&article);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "seed", "version": 1, "text": text}}),
    );
    let surfaces: Vec<Value> =
        text.match_indices("]{").map(|(i, _)| position(&text, text[..i].rfind('[').unwrap() + 1)).collect();
    let tags: Vec<Value> = text.match_indices("]{").map(|(i, _)| position(&text, i + 2)).collect();
    let rounds = if smoke { 20 } else { 500 };
    for (name, method) in [("hover", "textDocument/hover"), ("definition", "textDocument/definition")] {
        let mut s = Stats::default();
        for i in 0..rounds {
            let pos = &surfaces[i % surfaces.len()];
            s.push(server.timed(method, json!({"textDocument": {"uri": doc}, "position": pos})).0);
        }
        row(label(&format!("{name} p50 / p99")), format!("{} / {}", ms(s.pct(0.5)), ms(s.pct(0.99))), "p99 < 1 ms");
    }
    let mut s = Stats::default();
    for _ in 0..if smoke { 3 } else { 20 } {
        let params =
            json!({"textDocument": {"uri": reg_uri}, "position": reg_pos, "context": {"includeDeclaration": true}});
        s.push(server.timed("textDocument/references", params).0);
    }
    row(label(&format!("references of `{id}` ({uses} uses) p50")), ms(s.pct(0.5)), "< 20 ms");
    let mut s = Stats::default();
    for _ in 0..if smoke { 3 } else { 10 } {
        let params = json!({"textDocument": {"uri": reg_uri}, "position": reg_pos, "newName": "bench.renamed"});
        s.push(server.timed("textDocument/rename", params).0);
    }
    row(label(&format!("rename of `{id}` p50")), ms(s.pct(0.5)), "< 100 ms");
    let mut s = Stats::default();
    for i in 0..rounds {
        let pos = &tags[i % tags.len()];
        s.push(server.timed("textDocument/completion", json!({"textDocument": {"uri": doc}, "position": pos})).0);
    }
    row(label("completion p50 / p99"), format!("{} / {}", ms(s.pct(0.5)), ms(s.pct(0.99))), "< 5 ms");

    // The 1 MB document.
    let big_text = std::fs::read_to_string(&big).unwrap();
    let big_uri = uri(&big);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": big_uri, "languageId": "seed", "version": 1, "text": big_text}}),
    );
    let mut s = Stats::default();
    for _ in 0..if smoke { 3 } else { 20 } {
        s.push(server.timed("textDocument/semanticTokens/full", json!({"textDocument": {"uri": big_uri}})).0);
    }
    row(
        label(&format!("semantic tokens, {:.1} MB document, p50", big_text.len() as f64 / 1e6)),
        ms(s.pct(0.5)),
        "< 10 ms",
    );
    let mut s = Stats::default();
    let line = big_text.lines().count() / 2;
    for v in 2..if smoke { 5 } else { 32 } {
        let start = Instant::now();
        let change = json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "x"});
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": big_uri, "version": v}, "contentChanges": [change]}),
        );
        let at = server.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == json!(big_uri)
                && m["params"]["version"] == json!(v)
        });
        s.push(at - start);
    }
    let size = big_text.len() as f64 / 1e6;
    row(label(&format!("didChange → diagnostics, {size:.1} MB document, p50")), ms(s.pct(0.5)), "< 5 ms on 1 MB");
    drop(server);

    // `seedls merge-file` of the 1 MB document, as git runs it: each side removed the tags of
    // a different third of the paragraphs, and both tagged the third the base has untagged
    // (the same change on both sides); the process timed from start to exit.
    let merge_dir = dir.join("merge-file");
    std::fs::create_dir_all(&merge_dir).unwrap();
    let version = |untag: usize| -> String {
        big_text
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, l)| if i > 0 && i % 3 == untag { seedls::syntax::annotation::strip(l) } else { l.to_string() })
            .collect()
    };
    let (base, ours, theirs) = (merge_dir.join("base.txt"), merge_dir.join("ours.txt"), merge_dir.join("theirs.txt"));
    std::fs::write(&base, version(0)).unwrap();
    std::fs::write(&ours, version(1)).unwrap();
    std::fs::write(&theirs, version(2)).unwrap();
    let mut s = Stats::default();
    for _ in 0..if smoke { 3 } else { 20 } {
        let start = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_seedls"))
            .args(["merge-file", "-o"])
            .arg(merge_dir.join("out.txt"))
            .args([&base, &ours, &theirs])
            .status()
            .expect("spawn seedls merge-file");
        s.push(start.elapsed());
        assert!(status.success(), "merge-file of the 1 MB document should be clean");
    }
    row(label(&format!("merge-file, {size:.1} MB document, p50")), ms(s.pct(0.5)), "< 50 ms on 1 MB");
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<u64>().ok()))
        .map_or("?".into(), |k| format!("{:.0} GiB", k as f64 / 1024.0 / 1024.0));
    format!("{cpu}, {cores} cores, {mem} RAM")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let sizes: Vec<usize> = value("--n")
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| if smoke { vec![200] } else { vec![10_000, 100_000] });
    let mut rows = Vec::new();
    for n in &sizes {
        eprintln!("benchmarking N = {n} …");
        bench(*n, smoke, &mut rows);
    }
    let width = rows.iter().map(|r| r.what.chars().count()).max().unwrap_or(0);
    let fig = rows.iter().map(|r| r.figure.chars().count()).max().unwrap_or(0);
    for r in &rows {
        println!("{:width$}  {:fig$}  target {}", r.what, r.figure, r.target);
    }
    if let Some(out) = value("--write") {
        let mut md = String::from("# Benchmarks\n\n");
        md.push_str(&format!(
            "Machine: {}. Generated corpora (`benches/support/corpus_gen.rs`, seed 2022).\n\n",
            machine()
        ));
        md.push_str("Reproduce: `cargo bench --bench lsp -- --write BENCHMARKS.md` (needs `rg` on the PATH for the comparison).\n\n");
        md.push_str("| measure | figure | target (SPEC §11) |\n|---|---|---|\n");
        for r in &rows {
            md.push_str(&format!("| {} | {} | {} |\n", r.what, r.figure, r.target));
        }
        std::fs::write(&out, md).unwrap();
        eprintln!("wrote {out}");
    }
}
