//! Re-frames the client's byte stream before tower-lsp-server reads it.
//!
//! tower-lsp-server's reader stops for good at the first message it cannot decode (a header
//! without `Content-Length`, a body that is not UTF-8 or not JSON, JSON that is not a JSON-RPC
//! message): one malformed message would end the session. Here every frame is checked the way
//! tower-lsp-server decodes it; a bad one is replaced by a request to [`INVALID_MESSAGE`], which
//! the server answers with the JSON-RPC error (`id` null unless the message was a request with a
//! usable id), and the session goes on. Requests for the methods of [`ROUTED`] are renamed to
//! their twins, which park their answer (see `parked`): printed without the router's `Value`
//! tree.

use memchr::memmem;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request};

/// The method a malformed message becomes. Its params are the error to answer with.
pub const INVALID_MESSAGE: &str = "seedls/invalidMessage";

/// The twins of the methods whose answers grow with the corpus.
pub const REFERENCES: &str = "seedls/parked/references";
pub const RENAME: &str = "seedls/parked/rename";
pub const SEMANTIC_TOKENS: &str = "seedls/parked/semanticTokens";

/// Client method → the twin that parks its answer.
pub const ROUTED: &[(&str, &str)] = &[
    ("textDocument/references", REFERENCES),
    ("textDocument/rename", RENAME),
    ("textDocument/semanticTokens/full", SEMANTIC_TOKENS),
];

/// Header lines longer than this are not headers: the stream is resynchronised instead of
/// buffering an unbounded line.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// Bodies larger than this are skipped unread (a 100 MB article is ~100 MB of JSON).
const MAX_BODY: usize = 1 << 30;
const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// The error a [`INVALID_MESSAGE`] request carries.
pub fn invalid_message_error(params: &Value) -> Error {
    let code = params["code"].as_i64().unwrap_or(ErrorCode::ParseError.code());
    let message = params["message"].as_str().unwrap_or("malformed message").to_string();
    Error { code: ErrorCode::from(code), message: message.into(), data: None }
}

/// Copies well-formed frames from `input` to `output` and rewrites the others, until `input`
/// ends or `output` is closed.
pub async fn pump<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = Reader::new(input);
    while let Some(frame) = reader.frame().await {
        let body = match frame {
            Frame::Body(body) => match checked(&body) {
                Ok(None) => body,
                Ok(Some(routed)) | Err(routed) => routed,
            },
            Frame::Bad(message) => invalid(Value::Null, ErrorCode::ParseError, &message),
        };
        if !write_frame(&mut output, &body).await {
            return;
        }
    }
    let _ = output.shutdown().await;
}

/// Writes one frame and flushes it; false once `output` is closed.
pub(super) async fn write_frame(output: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> bool {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    output.write_all(header.as_bytes()).await.is_ok()
        && output.write_all(body).await.is_ok()
        && output.flush().await.is_ok()
}

/// `Ok` when tower-lsp-server decodes `body`, with the renamed request if it is routed; else
/// the replacement message.
fn checked(body: &[u8]) -> Result<Option<Vec<u8>>, Vec<u8>> {
    // A response parses as a request too (method defaults to ""), so this is exactly what
    // tower-lsp-server accepts.
    match serde_json::from_slice::<Request>(body) {
        Ok(request) => Ok(routed(request)),
        Err(err) => {
            let value: Option<Value> = serde_json::from_slice(body).ok();
            let (code, what) = match &value {
                None if std::str::from_utf8(body).is_err() => {
                    (ErrorCode::ParseError, "the message is not UTF-8".into())
                }
                None => (ErrorCode::ParseError, format!("the message is not JSON: {err}")),
                Some(_) => (ErrorCode::InvalidRequest, format!("not a JSON-RPC message: {err}")),
            };
            // Answer a request under its own id so the client stops waiting for it; anything
            // else is answered with id null, as JSON-RPC prescribes.
            let id = value
                .as_ref()
                .filter(|v| v.get("method").is_some())
                .and_then(|v| v.get("id"))
                .filter(|id| id.is_i64() || id.is_string())
                .cloned()
                .unwrap_or(Value::Null);
            Err(invalid(id, code, &what))
        }
    }
}

/// A routed request under its twin's name; `None` for the others.
fn routed(request: Request) -> Option<Vec<u8>> {
    let &(_, twin) = ROUTED.iter().find(|(method, _)| *method == request.method())?;
    let (_, id, params) = request.into_parts();
    // Without an id it is a notification: left to the plain method, which ignores it.
    let mut renamed = Request::build(twin).id(id?);
    if let Some(params) = params {
        renamed = renamed.params(params);
    }
    serde_json::to_vec(&renamed.finish()).ok()
}

fn invalid(id: Value, code: ErrorCode, message: &str) -> Vec<u8> {
    let message = format!("seedls: {message}");
    let request = json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": INVALID_MESSAGE,
        "params": {"code": code.code(), "message": message},
    });
    serde_json::to_vec(&request).unwrap_or_default()
}

pub(super) enum Frame {
    Body(Vec<u8>),
    /// A frame whose header could not be read; the rest of it is skipped before the next.
    Bad(String),
}

pub(super) struct Reader<I> {
    input: I,
    buf: Vec<u8>,
    /// Start of the unread bytes in `buf`.
    pos: usize,
    /// After a bad header: skip to the next `Content-Length` before reading a frame, starting
    /// this many bytes on.
    skip: Option<usize>,
}

impl<I: AsyncRead + Unpin> Reader<I> {
    pub(super) fn new(input: I) -> Reader<I> {
        Reader { input, buf: Vec::new(), pos: 0, skip: None }
    }

    fn unread(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more input; false at the end of the input (or on a read error).
    async fn fill(&mut self) -> bool {
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let len = self.buf.len();
        self.buf.resize(len + 64 * 1024, 0);
        let n = self.input.read(&mut self.buf[len..]).await.unwrap_or(0);
        self.buf.truncate(len + n);
        n > 0
    }

    /// The next frame; `None` at the end of the input.
    pub(super) async fn frame(&mut self) -> Option<Frame> {
        if let Some(from) = self.skip.take() {
            self.resync(from).await;
        }
        let mut length: Option<Result<usize, String>> = None;
        let mut lines = 0;
        loop {
            let Some(end) = memchr::memchr(b'\n', self.unread()) else {
                if self.unread().len() > MAX_HEADER_LINE {
                    return Some(self.bad(1, "a header line is too long".into()));
                }
                if !self.fill().await {
                    return None;
                }
                continue;
            };
            let line = &self.unread()[..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                self.pos += end + 1;
                if lines == 0 {
                    // Stray blank lines between frames are harmless.
                    continue;
                }
                break;
            }
            lines += 1;
            if line.len() > MAX_HEADER_LINE {
                return Some(self.bad(1, "a header line is too long".into()));
            }
            let Some((name, value)) = std::str::from_utf8(line).ok().and_then(|l| l.split_once(':')) else {
                let what = format!("not a header: {:?}", String::from_utf8_lossy(&line[..line.len().min(40)]));
                return Some(self.bad(1, what));
            };
            if name.trim().eq_ignore_ascii_case("Content-Length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad Content-Length {:?}", value.trim()))
                        .and_then(|n| {
                            if n > MAX_BODY { Err(format!("a message of {n} bytes is too large")) } else { Ok(n) }
                        }),
                );
            }
            self.pos += end + 1;
        }
        let length = match length {
            Some(Ok(n)) => n,
            Some(Err(what)) => return Some(self.bad(0, what)),
            None => return Some(self.bad(0, "a message has no Content-Length header".into())),
        };
        self.buf.reserve(length.saturating_sub(self.unread().len()));
        while self.unread().len() < length {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.unread()[..length].to_vec();
        self.pos += length;
        Some(Frame::Body(body))
    }

    /// Reports a bad frame at once (the client may be waiting for the answer before it sends
    /// more) and skips the rest of it when the next frame is read.
    fn bad(&mut self, from: usize, what: String) -> Frame {
        self.skip = Some(from);
        Frame::Bad(what)
    }

    /// Skips to the next `Content-Length`, as tower-lsp-server does after a bad header. `from`
    /// > 0 when the bad line itself is unread: skipping into it guarantees progress.
    async fn resync(&mut self, mut from: usize) {
        loop {
            from = from.min(self.unread().len());
            if let Some(at) = memmem::find(&self.unread()[from..], CONTENT_LENGTH) {
                self.pos += from + at;
                break;
            }
            // Keep a tail that may be the start of a split `Content-Length`.
            let keep = CONTENT_LENGTH.len() - 1;
            self.pos += self.unread().len().saturating_sub(keep);
            from = 0;
            if !self.fill().await {
                self.pos = self.buf.len();
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Value> {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut out = Vec::new();
        rt.block_on(pump(input, &mut out));
        let mut values = Vec::new();
        let mut rest = &out[..];
        while !rest.is_empty() {
            let header_end = memmem::find(rest, b"\r\n\r\n").unwrap();
            let header = std::str::from_utf8(&rest[..header_end]).unwrap();
            let n: usize = header.strip_prefix("Content-Length: ").unwrap().parse().unwrap();
            let body = &rest[header_end + 4..header_end + 4 + n];
            values.push(serde_json::from_slice(body).unwrap());
            rest = &rest[header_end + 4 + n..];
        }
        values
    }

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        f.extend_from_slice(body);
        f
    }

    #[test]
    fn good_frames_pass_and_bad_ones_become_invalid_message_requests() {
        let ok = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let mut input = Vec::new();
        input.extend(frame(b"{not json"));
        input.extend(frame(b"\xff\xfe"));
        input.extend(frame(br#"{"jsonrpc":"2.0","id":7,"method":3}"#));
        input.extend(frame(br#"{"foo":1}"#));
        input.extend(b"Garbage: x\r\n\r\n{}");
        input.extend(b"no colon here\r\n\r\n");
        input.extend(b"Content-Length: 99999999999999999999\r\n\r\n");
        input.extend(b"Content-Length: 2000000000\r\n\r\n");
        input.extend(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
        input.extend(frame(ok));
        let got = frames(&input);
        let methods: Vec<_> = got.iter().map(|v| v["method"].as_str().unwrap()).collect();
        assert_eq!(methods[..methods.len() - 1], [INVALID_MESSAGE; 7]);
        assert_eq!(got.last().unwrap(), &serde_json::from_slice::<Value>(ok).unwrap());
        let codes: Vec<_> = got[..7].iter().map(|v| v["params"]["code"].as_i64().unwrap()).collect();
        assert_eq!(codes, [-32700, -32700, -32600, -32600, -32700, -32700, -32700]);
        // A request keeps its id so the client is not left waiting; the rest get null.
        let ids: Vec<_> = got[..7].iter().map(|v| v["id"].clone()).collect();
        assert_eq!(ids, [Value::Null, Value::Null, json!(7), Value::Null, Value::Null, Value::Null, Value::Null]);
        // "no colon here" lay in the garbage skipped after the header without a length.
        assert!(got[4]["params"]["message"].as_str().unwrap().contains("no Content-Length"));
        assert!(got[6]["params"]["message"].as_str().unwrap().contains("too large"));
    }

    #[test]
    fn requests_for_routed_methods_go_to_their_twins_with_their_id_and_params() {
        let params = json!({"textDocument": {"uri": "file:///a.txt"}, "position": {"line": 0, "character": 1}});
        let mut input = Vec::new();
        for (method, _) in ROUTED {
            let request = json!({"jsonrpc": "2.0", "id": "r", "method": method, "params": params});
            input.extend(frame(&serde_json::to_vec(&request).unwrap()));
        }
        // Without an id it is no request: the plain method gets it, as tower-lsp-server would.
        let notification = json!({"jsonrpc": "2.0", "method": "textDocument/references", "params": params});
        input.extend(frame(&serde_json::to_vec(&notification).unwrap()));
        let got = frames(&input);
        let twins: Vec<_> = ROUTED
            .iter()
            .map(|(_, twin)| json!({"jsonrpc": "2.0", "id": "r", "method": twin, "params": params}))
            .collect();
        assert_eq!(got[..twins.len()], twins);
        assert_eq!(got[twins.len()..], [notification]);
    }

    #[test]
    fn a_frame_split_across_reads_and_the_end_of_input_mid_body() {
        let ok = br#"{"jsonrpc":"2.0","method":"exit"}"#;
        let mut input = frame(ok);
        input.extend(b"Content-Length: 50\r\n\r\n{\"jsonrpc\"");
        assert_eq!(frames(&input), [serde_json::from_slice::<Value>(ok).unwrap()]);
        assert!(frames(b"").is_empty());
        assert!(frames(b"Content-Len").is_empty());
    }
}
