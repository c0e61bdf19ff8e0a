//! Answers that grow with the corpus, serialised once, straight to bytes.
//!
//! tower-lsp-server turns every result into a `serde_json::Value` tree and then prints the
//! tree. For the 10,000 locations of a much-used id that costs ~25 ms (five maps and a dozen
//! small strings a location), where printing the locations themselves takes under 2 ms. So
//! [`framing`](super::framing) hands the methods of its `ROUTED` table to a twin method that
//! serialises its answer itself, parks the bytes here and gives the router a placeholder
//! string; [`pump`] puts the bytes in the placeholder's place on the way out. Published
//! diagnostics go the same way, as the params of a notification. The message the client reads
//! is the one the plain method would send, up to key order.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use memchr::memmem;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::notification::Notification;

use super::framing::{Frame, Reader, write_frame};

/// Starts every placeholder. The NUL keeps it out of anything a file or a client could make
/// the server say as a whole result.
const MARK: &str = "\u{0}seedls-parked:";
/// How the mark reads in the router's JSON.
const ESCAPED_MARK: &[u8] = b"\\u0000seedls-parked:";
/// A response carrying a placeholder is short; longer frames are passed on unsearched.
const PLACEHOLDER_FRAME: usize = 128;
/// Handlers finish in their first poll, so a placeholder is printed within a few parks of its
/// own; an entry this many parks old was never printed (its request was cancelled) and goes.
const STALE: u64 = 1024;

#[derive(Default)]
pub struct Parked {
    next: AtomicU64,
    answers: Mutex<FxHashMap<u64, Vec<u8>>>,
}

impl Parked {
    /// Serialises `answer` and returns the placeholder the handler answers with.
    pub fn park(&self, answer: &impl Serialize) -> Result<Value> {
        let bytes = serde_json::to_vec(answer).map_err(|err| Error {
            code: ErrorCode::InternalError,
            message: err.to_string().into(),
            data: None,
        })?;
        let token = self.next.fetch_add(1, Ordering::Relaxed);
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if token.is_multiple_of(STALE) {
            answers.retain(|&t, _| t + STALE > token);
        }
        answers.insert(token, bytes);
        Ok(Value::String(format!("{MARK}{token}")))
    }

    /// The body to print for `body`: the parked bytes in place of a placeholder, the result
    /// of a response or the params of a notification.
    pub(super) fn unpark(&self, body: Vec<u8>) -> Vec<u8> {
        if body.len() > PLACEHOLDER_FRAME || memmem::find(&body, ESCAPED_MARK).is_none() {
            return body;
        }
        let Ok(message) = serde_json::from_slice::<Value>(&body) else { return body };
        let (head, field) = match (message.get("id"), message.get("method")) {
            (Some(id), None) => (("id", id), "result"),
            (None, Some(method)) => (("method", method), "params"),
            _ => return body,
        };
        let token = message.get(field).and_then(Value::as_str).and_then(|r| r.strip_prefix(MARK));
        let Some(token) = token.and_then(|t| t.parse::<u64>().ok()) else { return body };
        let answer = self.answers.lock().unwrap_or_else(PoisonError::into_inner).remove(&token);
        let Some(answer) = answer else { return body };
        let mut out = Vec::with_capacity(answer.len() + 64);
        out.extend_from_slice(br#"{"jsonrpc":"2.0",""#);
        out.extend_from_slice(head.0.as_bytes());
        out.extend_from_slice(b"\":");
        out.extend_from_slice(head.1.to_string().as_bytes());
        out.extend_from_slice(b",\"");
        out.extend_from_slice(field.as_bytes());
        out.extend_from_slice(b"\":");
        out.extend_from_slice(&answer);
        out.push(b'}');
        out
    }
}

/// `textDocument/publishDiagnostics` with parked params.
pub enum PublishDiagnostics {}

impl Notification for PublishDiagnostics {
    type Params = Value;
    const METHOD: &'static str = "textDocument/publishDiagnostics";
}

/// Copies the server's frames from `input` to `output`, unparking answers, until `input` ends
/// or `output` is closed.
pub async fn pump<I, O>(input: I, mut output: O, parked: Arc<Parked>)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = Reader::new(input);
    while let Some(frame) = reader.frame().await {
        // The router only prints well-formed frames.
        let Frame::Body(body) = frame else { continue };
        if !write_frame(&mut output, &parked.unpark(body)).await {
            return;
        }
    }
    let _ = output.flush().await;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn response(id: Value, result: &Value) -> Vec<u8> {
        // As the router prints it: `result` before `id`.
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "result": result, "id": id})).unwrap()
    }

    #[test]
    fn a_placeholder_answer_is_printed_as_the_parked_bytes() {
        let parked = Parked::default();
        let answer = json!([{"uri": "file:///a%20b.txt", "range": {"start": {"line": 1, "character": 2}}}]);
        let placeholder = parked.park(&answer).unwrap();
        let out = parked.unpark(response(json!(7), &placeholder));
        let out: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(out, json!({"jsonrpc": "2.0", "id": 7, "result": answer}));
        // Taken once: the same placeholder again is left alone.
        let again = response(json!(7), &placeholder);
        assert_eq!(parked.unpark(again.clone()), again);
    }

    #[test]
    fn a_notification_gets_its_parked_params() {
        let parked = Parked::default();
        let params = json!({"uri": "file:///a.txt", "diagnostics": [{"message": "«x»"}], "version": 2});
        let placeholder = parked.park(&params).unwrap();
        let sent = json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": placeholder});
        let out = parked.unpark(serde_json::to_vec(&sent).unwrap());
        let expected = json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params});
        assert_eq!(serde_json::from_slice::<Value>(&out).unwrap(), expected);
    }

    #[test]
    fn other_frames_pass_unchanged() {
        let parked = Parked::default();
        let placeholder = parked.park(&json!(null)).unwrap();
        let token = placeholder.as_str().unwrap().to_string();
        for body in [
            // The mark as a string inside a result, not the result itself.
            response(json!(1), &json!({"value": token})),
            // A request carrying it, or a message that is neither request nor notification.
            serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 3, "method": "x", "params": token})).unwrap(),
            serde_json::to_vec(&json!({"jsonrpc": "2.0", "result": token})).unwrap(),
            // A placeholder for an answer never parked.
            response(json!(2), &json!(format!("{MARK}999"))),
            response(json!("s"), &json!("\u{0}seedls-parked:zz")),
            b"not json \\u0000seedls-parked:0".to_vec(),
        ] {
            assert_eq!(parked.unpark(body.clone()), body);
        }
        // String ids are kept as they came.
        let out = parked.unpark(response(json!("req-1"), &placeholder));
        assert_eq!(serde_json::from_slice::<Value>(&out).unwrap()["id"], json!("req-1"));
    }

    #[test]
    fn answers_never_printed_do_not_pile_up() {
        let parked = Parked::default();
        for _ in 0..3 * STALE {
            parked.park(&json!(1)).unwrap();
        }
        // Purged every `STALE` parks, so at most twice that many are held.
        assert!(parked.answers.lock().unwrap().len() <= 2 * STALE as usize);
    }
}
