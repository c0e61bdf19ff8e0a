//! The language server adapter: protocol types and position conversions live here only.
//!
//! Its modules, bottom up: each uses only modules listed before it (a test below checks it),
//! and none uses this root.
//!
//! - `caps`: capability negotiation: the `Session` the client's capabilities give, and
//!   what the server advertises.
//! - `memory`: the allocator hook, with which the binary says how a thread returns free pages.
//! - `semantic_tokens`: the tokens' relative encoding, `full/delta` edits and their cache.
//! - `framing`: the input re-framed, so a malformed message is answered rather than fatal; the
//!   requests whose answers grow with the corpus routed to twins that park them.
//! - `parked`: those answers printed without the router's `Value` tree.
//! - `state`: the session, settings, corpus, open documents (ropes) and the bookkeeping of
//!   background work, behind one `std::sync::RwLock`; the lock's helpers and `catch`.
//! - `convert`: offsets ↔ positions in the negotiated encoding, paths ↔ URIs, URIs ↔ corpus
//!   files, a `didChange` batch applied.
//! - `refresh`: the refresh requests that make the client ask again.
//! - `settings`: user settings from the client, pushed or pulled.
//! - `diagnostics`: conversion, the push worker, pull reports.
//! - `completion`; `edit`: workspace edits, rename and code actions.
//! - `view`: semantic tokens, symbols, links, inlay hints, code lens.
//! - `early`: requests before the first index is installed: they wait for it; references are
//!   answered from the id pass.
//! - `watch`: the workspace folders watched by the server when the client cannot watch files.
//! - `workspace`: index builds, files changed on disk, folders, dynamic registrations.
//! - `server`: the `LanguageServer` methods, each a thin call into the modules above, and the
//!   rules every handler keeps.

mod caps;
mod completion;
mod convert;
mod diagnostics;
mod early;
mod edit;
mod framing;
mod memory;
mod parked;
mod refresh;
mod semantic_tokens;
mod server;
mod settings;
mod state;
mod view;
mod watch;
mod workspace;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::LspService;

use crate::syntax::header::Date;

pub use memory::set_return_free_memory;

/// Runs the language server on stdin/stdout until `exit`. Exit code 0 after a `shutdown`
/// request, 1 otherwise (the client went away, or sent `exit` first), as LSP prescribes.
pub fn run_stdio() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("seedls: cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // The stdin reader may be blocked in a read that never returns; do not wait for it.
    runtime.shutdown_background();
    if clean { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Serves one client over any byte streams (stdio, a pipe in tests). Returns whether the
/// client asked for `shutdown` before leaving.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let state = Arc::new(RwLock::new(state::State::new(Date::today())));
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let parked = Arc::new(parked::Parked::default());
    let for_server = parked.clone();
    let (service, socket) = LspService::build(move |client| server::Server::new(client, state, flag, for_server))
        .custom_method(framing::INVALID_MESSAGE, server::Server::invalid_message)
        .custom_method(framing::REFERENCES, server::Server::parked_references)
        .custom_method(framing::RENAME, server::Server::parked_rename)
        .custom_method(framing::SEMANTIC_TOKENS, server::Server::parked_semantic_tokens)
        .finish();
    // Malformed messages are answered and skipped here; tower-lsp-server would stop reading.
    let (framed, pipe) = tokio::io::duplex(64 * 1024);
    let pump = framing::pump(input, pipe);
    let (printed, to_print) = tokio::io::duplex(64 * 1024);
    let server =
        tower_lsp_server::Server::new(framed, printed, socket).concurrency_level(early::CONCURRENCY).serve(service);
    let session = async {
        tokio::pin!(server);
        tokio::select! {
            // `exit`: done, even if the client keeps its end open.
            () = &mut server => {}
            // The end of the input reaches the server through the pipe; let it finish.
            () = pump => server.await,
        }
    };
    // The server's end of the output pipe goes with it, so everything it printed is copied
    // out before this returns.
    tokio::join!(session, parked::pump(to_print, Box::pin(output), parked));
    shutdown.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use std::ops::Range;
    use std::path::Path;

    /// The modules bottom up, as the module documentation lists them: each may use only those
    /// before it.
    const LAYERS: [&str; 17] = [
        "caps",
        "memory",
        "semantic_tokens",
        "framing",
        "parked",
        "state",
        "convert",
        "refresh",
        "settings",
        "diagnostics",
        "completion",
        "edit",
        "view",
        "early",
        "watch",
        "workspace",
        "server",
    ];

    /// No module uses one after it in [`LAYERS`], nor the root's items: the modules form no
    /// cycle, and a new one must find its place.
    #[test]
    fn modules_use_only_modules_below_them() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lsp");
        assert_eq!(layering(&dir), Vec::<String>::new());
    }

    #[test]
    fn uses_are_read_from_paths_not_from_comments_or_strings() {
        let src = r##"
            use crate::lsp::{caps, state::{self, State},};
            use super::convert;
            // use super::server;
            /* super::view */
            let s = ("super::view", r#"crate::lsp::view"#, '"', '\'', b'"');
            fn f<'a>(x: &'a str) { super::edit::f(); crate::lsp::catch(); crate::text::f(); }
            #[cfg(test)]
            mod tests {
                use super::*;
                use super::super::watch;
                use crate::lsp::{early, convert};
            }
        "##;
        assert_eq!(uses(&code(src)), ["caps", "state", "convert", "edit", "catch", "watch", "early"]);
    }

    /// What breaks the layering in the modules of `dir`: a module not in [`LAYERS`], a use of a
    /// module not below the user, a use of the root's items.
    fn layering(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut found = Vec::new();
        for name in names.iter().filter(|n| *n != "mod") {
            let Some(level) = LAYERS.iter().position(|m| m == name) else {
                found.push(format!("{name}: not in LAYERS"));
                continue;
            };
            let src = std::fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
            for used in uses(&code(&src)) {
                match LAYERS.iter().position(|m| *m == used) {
                    Some(l) if l <= level => {}
                    Some(_) => found.push(format!("{name} uses {used}, which is not below it")),
                    None => found.push(format!("{name} uses the root's `{used}`")),
                }
            }
        }
        found
    }

    /// The names a module's code takes from the root's namespace: the first segment after
    /// `crate::lsp::` or `super::` (each item's of a `{…}` group), once each, in order. In a
    /// test module `super::` is the module itself and `super::super::` the root.
    fn uses(code: &str) -> Vec<String> {
        let tests = test_modules(code);
        let mut out: Vec<String> = Vec::new();
        let mut at = 0;
        while let Some(c) = code[at..].chars().next() {
            let rest = &code[at..];
            let after_name = code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
            let Some(prefix) = ["crate::lsp::", "super::"].into_iter().find(|p| !after_name && rest.starts_with(p))
            else {
                at += c.len_utf8();
                continue;
            };
            let mut path = &rest[prefix.len()..];
            let mut ups = usize::from(prefix == "super::");
            while let Some(up) = path.strip_prefix("super::") {
                path = up;
                ups += 1;
            }
            let in_test = tests.iter().any(|t| t.contains(&at));
            if prefix == "crate::lsp::" || ups == 1 + usize::from(in_test) {
                for name in heads(path) {
                    if !matches!(name, "self" | "*") && !out.iter().any(|n| n == name) {
                        out.push(name.to_string());
                    }
                }
            }
            at = code.len() - path.len();
        }
        out
    }

    /// The first name of a path, or of each item of the `{…}` group it starts with.
    fn heads(path: &str) -> Vec<&str> {
        fn first(s: &str) -> &str {
            let s = s.trim_start();
            &s[..s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*')).unwrap_or(s.len())]
        }
        let Some(group) = path.strip_prefix('{') else { return vec![first(path)] };
        let mut out = Vec::new();
        let (mut depth, mut start) = (0, 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.push(first(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(first(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.retain(|name| !name.is_empty());
        out
    }

    /// Where the code's inline test modules (`#[cfg(test)] mod … { … }`) lie.
    fn test_modules(code: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for (at, attribute) in code.match_indices("#[cfg(test)]") {
            let Some(module) = code[at + attribute.len()..].trim_start().strip_prefix("mod ") else { continue };
            let name = module.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(module.len());
            let body = module[name..].trim_start();
            if !body.starts_with('{') {
                continue;
            }
            let open = code.len() - body.len();
            let mut depth = 0;
            for (i, c) in body.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => continue,
                }
                if depth == 0 {
                    out.push(open..open + i);
                    break;
                }
            }
        }
        out
    }

    /// `src` with each comment, string and character literal replaced by a space: what is left
    /// is code, where only paths name modules.
    fn code(src: &str) -> String {
        let mut out = String::with_capacity(src.len());
        let mut rest = src;
        while let Some(c) = rest.chars().next() {
            let literal = if rest.starts_with("//") {
                Some(rest.find('\n').unwrap_or(rest.len()))
            } else if rest.starts_with("/*") {
                Some(rest.find("*/").map_or(rest.len(), |i| i + 2))
            } else if let Some(len) =
                raw_string(rest).filter(|_| !out.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
            {
                Some(len)
            } else if c == '"' {
                Some(string(rest))
            } else if c == '\'' {
                character(rest)
            } else {
                None
            };
            match literal {
                Some(len) => {
                    out.push(' ');
                    rest = &rest[len..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }

    /// The length of the raw string (`r#"…"#`, `br"…"`) `rest` starts with.
    fn raw_string(rest: &str) -> Option<usize> {
        let after_r = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
        let hashes = after_r.len() - after_r.trim_start_matches('#').len();
        let body = after_r[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        Some(rest.len() - body.len() + end + close.len())
    }

    /// The length of the string `rest` starts with (at its `"`).
    fn string(rest: &str) -> usize {
        let bytes = rest.as_bytes();
        let mut i = 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        (i + 1).min(rest.len())
    }

    /// The length of the character literal `rest` starts with; `None` for a lifetime.
    fn character(rest: &str) -> Option<usize> {
        let first = rest[1..].chars().next()?;
        if first == '\\' {
            return rest.get(3..)?.find('\'').map(|i| i + 4);
        }
        let end = 1 + first.len_utf8();
        rest[end..].starts_with('\'').then_some(end + 1)
    }
}
