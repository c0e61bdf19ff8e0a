//! The language server adapter: protocol types and position conversions live here only.
//!
//! Its modules, bottom up: each uses only modules listed before it (`tests/docs.rs` checks
//! it), and none uses this root.
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
mod learning;
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
