//! The stdio transport in front of tower-lsp-server: base-protocol framing that survives bad
//! input. tower-lsp-server's own reader stops serving after the first frame it cannot decode
//! (and the process then exits), so the server reads stdin itself: it splits the byte stream
//! into frames, resynchronising on the next `Content-Length` header after garbage or a wrong
//! length; checks each body; hands only well-formed JSON-RPC messages to tower-lsp-server; and
//! answers the rest itself (LSP 3.17 "Base Protocol", JSON-RPC 2.0 §5.1: -32700 with a null id
//! for unparseable JSON, -32600 for an invalid request, -32601 for an unknown `$/` request,
//! which tower-lsp-server would leave unanswered).
//!
//! tower-lsp-server writes into a pipe; one task copies its frames to stdout whole and slips
//! the transport's own answers in between frames, so the two never interleave.

use serde_json::{Value, json};

/// Bodies announced larger than this are refused and skipped (a 20 MB document is fine; a
/// gigabyte is not).
pub const MAX_BODY_BYTES: usize = 128 * 1024 * 1024;

/// Header blocks longer than this are garbage, not headers.
const MAX_HEADER_BYTES: usize = 8 * 1024;

const HEADER: &[u8] = b"content-length:";

/// What the framer found next in the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body, as announced by its `Content-Length`.
    Body(Vec<u8>),
    /// Bytes that were not a frame (garbage, a header block without a length, an oversized
    /// body), skipped; the count is for the log.
    Skipped(usize),
}

/// Splits a byte stream into frames. Push bytes as they arrive; take frames until `None`.
#[derive(Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// How far into the current, incomplete body headers were already looked for, so that a
    /// large body arriving in many reads is scanned once.
    scanned: usize,
}

impl Framer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete frame, or `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Option<Frame> {
        if self.buf.is_empty() {
            return None;
        }
        // Anything before a header is garbage: skip to the next `Content-Length`.
        match find_header(&self.buf) {
            Some(0) => {}
            Some(start) => return Some(self.skip(start)),
            None => {
                // Keep a tail that may be the start of a header split across reads.
                let keep = HEADER.len() - 1;
                if self.buf.len() > keep {
                    return Some(self.skip(self.buf.len() - keep));
                }
                return None;
            }
        }
        let Some((header_end, length)) = parse_headers(&self.buf) else {
            if self.buf.len() > MAX_HEADER_BYTES {
                return Some(self.skip(HEADER.len())); // Not a header after all: look further on.
            }
            return None; // The header block is not complete yet.
        };
        let Some(length) = length else {
            // A header block that names no usable length: skip it.
            return Some(self.skip(header_end));
        };
        if length > MAX_BODY_BYTES {
            // Refused: its bytes become garbage, skipped as they stream in up to the next header,
            // so memory stays bounded and nothing after it is swallowed.
            return Some(self.skip(header_end));
        }
        let body = &self.buf[header_end..];
        if body.len() >= length {
            // A body that is not JSON but has a real header inside had a wrong length: it ends
            // where that header begins.
            let end =
                if json_complete(&body[..length]) { length } else { header_inside(body, 0, length).unwrap_or(length) };
            return Some(self.take_body(header_end, end));
        }
        // Not all here. If a real header follows a complete message, the length was too long
        // and the message is that one; otherwise wait for more bytes.
        let from = self.scanned;
        self.scanned = body.len().saturating_sub(HEADER.len() - 1);
        header_inside(body, from, body.len()).map(|end| self.take_body(header_end, end))
    }

    /// The next frame of a stream known to be well-formed (tower-lsp-server's own output): the
    /// header's length is trusted, nothing is parsed or searched, so a large answer costs one
    /// copy rather than a JSON parse per read.
    pub fn next_trusted_frame(&mut self) -> Option<Vec<u8>> {
        let (header_end, length) = parse_headers(&self.buf)?;
        let Some(length) = length else {
            self.buf.drain(..header_end);
            return self.next_trusted_frame();
        };
        if self.buf.len() < header_end + length {
            return None;
        }
        let body = self.buf[header_end..header_end + length].to_vec();
        self.buf.drain(..header_end + length);
        Some(body)
    }

    fn take_body(&mut self, body_start: usize, body_len: usize) -> Frame {
        let body = self.buf[body_start..body_start + body_len].to_vec();
        self.buf.drain(..body_start + body_len);
        self.scanned = 0;
        Frame::Body(body)
    }

    fn skip(&mut self, count: usize) -> Frame {
        self.buf.drain(..count);
        self.scanned = 0;
        Frame::Skipped(count)
    }
}

/// Whether `bytes` is one whole JSON value.
fn json_complete(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// The first `Content-Length:` header starting in `body[from..before]` that is a real header and
/// not text inside the body: what precedes it is a whole JSON value, or JSON cannot continue
/// with it (outside a string, `Content-Length:` is a syntax error; inside one, the text so far
/// only ends early). A document that quotes the header therefore keeps its body whole.
fn header_inside(body: &[u8], from: usize, before: usize) -> Option<usize> {
    let mut start = from;
    while start < before.min(body.len()) {
        let found = start + find_header(&body[start..])?;
        if found >= before {
            return None;
        }
        let with_header = &body[..found + HEADER.len()];
        let header_breaks_json = match serde_json::from_slice::<serde::de::IgnoredAny>(with_header) {
            Ok(_) => false,
            Err(err) => !err.is_eof(),
        };
        if json_complete(&body[..found]) || header_breaks_json {
            return Some(found);
        }
        start = found + 1;
    }
    None
}

/// Where the next `Content-Length:` header starts, case-insensitively.
fn find_header(bytes: &[u8]) -> Option<usize> {
    bytes.windows(HEADER.len()).position(|w| w.eq_ignore_ascii_case(HEADER))
}

/// The end of the header block (after the blank line) and its `Content-Length`, if the block is
/// complete. Lines end in `\r\n` (a bare `\n` is accepted too).
fn parse_headers(buf: &[u8]) -> Option<(usize, Option<usize>)> {
    let mut length = None;
    let mut pos = 0;
    loop {
        let newline = buf[pos..].iter().position(|&b| b == b'\n')? + pos;
        let line = &buf[pos..newline];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        pos = newline + 1;
        if line.is_empty() {
            return Some((pos, length));
        }
        if line.len() >= HEADER.len() && line[..HEADER.len()].eq_ignore_ascii_case(HEADER) {
            length = std::str::from_utf8(&line[HEADER.len()..]).ok().and_then(|v| v.trim().parse::<usize>().ok());
        }
        if pos > MAX_HEADER_BYTES {
            return None;
        }
    }
}

/// What to do with a frame's body.
#[derive(Debug, PartialEq)]
pub enum Checked {
    /// A well-formed message: hand the body to the server as it is.
    Forward,
    /// An error response to send back instead.
    Reply(Value),
}

/// Checks a body as a JSON-RPC 2.0 message the server can take.
pub fn check_message(body: &[u8]) -> Checked {
    let error = |id: Value, code: i64, message: &str| {
        Checked::Reply(json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}))
    };
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => return error(Value::Null, -32700, &format!("parse error: {err}")),
    };
    let Some(object) = value.as_object() else {
        return error(Value::Null, -32600, "invalid request: a message is a JSON object");
    };
    let id = object.get("id");
    let valid_id = match id {
        None | Some(Value::Null) => true,
        Some(Value::String(_)) => true,
        Some(Value::Number(n)) => n.as_i64().is_some(),
        Some(_) => false,
    };
    if !valid_id {
        return error(Value::Null, -32600, "invalid request: an id is an integer or a string");
    }
    let id = id.cloned().unwrap_or(Value::Null);
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return error(id, -32600, "invalid request: jsonrpc must be \"2.0\"");
    }
    match object.get("method") {
        Some(Value::String(method)) => {
            // `$/` methods are optional: an unknown one that expects an answer gets
            // MethodNotFound (LSP 3.17 "$ Notifications and Requests"); the known ones are
            // notifications, which go on to the server.
            if method.starts_with("$/") && object.contains_key("id") {
                return error(id, -32601, &format!("method not found: {method}"));
            }
            if object.get("params").is_some_and(|p| !(p.is_object() || p.is_array() || p.is_null())) {
                return error(id, -32600, "invalid request: params must be an object or an array");
            }
            Checked::Forward
        }
        Some(_) => error(id, -32600, "invalid request: method must be a string"),
        // A response to one of the server's requests.
        None if object.contains_key("id") && (object.contains_key("result") || object.contains_key("error")) => {
            Checked::Forward
        }
        None => error(id, -32600, "invalid request: no method"),
    }
}

/// A body with its base-protocol header.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every frame of `input`, read in chunks of `chunk` bytes, rendered: bodies as text,
    /// skipped byte counts as `skip N`.
    fn frames(input: &[u8], chunk: usize) -> Vec<String> {
        let mut framer = Framer::default();
        let mut out: Vec<String> = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            framer.push(piece);
            while let Some(frame) = framer.next_frame() {
                match frame {
                    Frame::Body(body) => out.push(String::from_utf8_lossy(&body).into_owned()),
                    // Garbage arrives in pieces when read in pieces: count it as one run.
                    Frame::Skipped(n) => match out.last_mut().and_then(|l| l.strip_prefix("skip ").map(str::to_string))
                    {
                        Some(before) => {
                            *out.last_mut().unwrap() = format!("skip {}", before.parse::<usize>().unwrap() + n)
                        }
                        None => out.push(format!("skip {n}")),
                    },
                }
            }
        }
        out
    }

    fn msg(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn splits_frames_in_any_chunking() {
        let input = format!("{}{}", msg(r#"{"a":1}"#), msg(r#"{"b":2}"#));
        for chunk in [1, 3, 7, 1000] {
            assert_eq!(frames(input.as_bytes(), chunk), [r#"{"a":1}"#, r#"{"b":2}"#], "chunk {chunk}");
        }
    }

    #[test]
    fn resynchronises_after_garbage_wrong_lengths_and_missing_headers() {
        let good = msg(r#"{"ok":1}"#);
        // Garbage before a frame.
        assert_eq!(frames(format!("hello world\r\n{good}").as_bytes(), 4), ["skip 13", r#"{"ok":1}"#]);
        // A length too short: the rest of the body is garbage before the next header.
        let short = format!("Content-Length: 3\r\n\r\n{{\"x\":1}}{good}");
        assert_eq!(frames(short.as_bytes(), 1000), [r#"{"x"#, "skip 4", r#"{"ok":1}"#]);
        // A length that swallows the next message's header, even when that is all that follows.
        let swallowing = format!("Content-Length: 1\r\n\r\n{good}");
        assert_eq!(frames(swallowing.as_bytes(), 1000), ["", r#"{"ok":1}"#]);
        // A length too long: the body ends where the next header begins.
        let long = format!("Content-Length: 40\r\n\r\n{{\"x\":1}}{good}");
        assert_eq!(frames(long.as_bytes(), 1000), [r#"{"x":1}"#, r#"{"ok":1}"#]);
        // No Content-Length in a header block.
        let missing = format!("Content-Type: x\r\n\r\n{{}}{good}");
        assert_eq!(frames(missing.as_bytes(), 1000), ["skip 21", r#"{"ok":1}"#]);
        // A bare \n line end and a lower-case header.
        assert_eq!(frames(b"content-length: 2\n\n{}", 1000), ["{}"]);
    }

    #[test]
    fn a_body_that_quotes_the_header_stays_whole_in_any_chunking() {
        // A document about LSP framing, opened in the editor.
        let body = r#"{"jsonrpc":"2.0","method":"didOpen","params":{"text":"Content-Length: 10\r\n\r\n{}"}}"#;
        let input = format!("{}{}", msg(body), msg(r#"{"ok":1}"#));
        for chunk in [1, 5, 17, 1000] {
            assert_eq!(frames(input.as_bytes(), chunk), [body, r#"{"ok":1}"#], "chunk {chunk}");
        }
    }

    #[test]
    fn oversized_bodies_are_skipped_as_they_stream() {
        let mut framer = Framer::default();
        framer.push(format!("Content-Length: {}\r\n\r\n", MAX_BODY_BYTES + 1).as_bytes());
        let mut skipped = 0;
        for _ in 0..100 {
            framer.push(&[b'x'; 1000]);
            while let Some(frame) = framer.next_frame() {
                match frame {
                    Frame::Skipped(n) => skipped += n,
                    Frame::Body(body) => panic!("an oversized body was kept: {} bytes", body.len()),
                }
            }
        }
        assert!(framer.buf.len() < 100, "garbage is not kept: {} bytes buffered", framer.buf.len());
        framer.push(msg("{}").as_bytes());
        assert_eq!(framer.next_frame().map(|f| matches!(f, Frame::Skipped(_))), Some(true));
        assert_eq!(framer.next_frame(), Some(Frame::Body(b"{}".to_vec())));
        assert!(skipped > 100_000);
    }

    #[test]
    fn trusted_frames_take_the_length_as_given() {
        let mut framer = Framer::default();
        let input = format!("{}{}", msg(r#"{"a":"Content-Length: 3"}"#), msg("{}"));
        for piece in input.as_bytes().chunks(5) {
            framer.push(piece);
        }
        assert_eq!(framer.next_trusted_frame(), Some(br#"{"a":"Content-Length: 3"}"#.to_vec()));
        assert_eq!(framer.next_trusted_frame(), Some(b"{}".to_vec()));
        assert_eq!(framer.next_trusted_frame(), None);
    }

    #[test]
    fn checks_messages_as_json_rpc() {
        let code = |body: &str| match check_message(body.as_bytes()) {
            Checked::Forward => "forward".to_string(),
            Checked::Reply(reply) => format!("{} id={}", reply["error"]["code"], reply["id"]),
        };
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":1,"method":"hover","params":{}}"#), "forward");
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":"a","result":null}"#), "forward");
        assert_eq!(code(r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#), "forward");
        assert_eq!(code("{not json"), "-32700 id=null");
        assert_eq!(code(r#"{"s":"\ud800"}"#), "-32700 id=null");
        for not_object in ["[]", "42", "null", "\"x\""] {
            assert_eq!(code(not_object), "-32600 id=null", "{not_object}");
        }
        for bad_id in ["1.5", "true", "{}", "18446744073709551617"] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{bad_id},"method":"hover"}}"#);
            assert_eq!(code(&body), "-32600 id=null", "{bad_id}");
        }
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":7,"method":"$/unknownRequest"}"#), "-32601 id=7");
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":7,"method":3}"#), "-32600 id=7");
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":7}"#), "-32600 id=7");
        assert_eq!(code(r#"{"id":7,"method":"hover"}"#), "-32600 id=7");
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":7,"method":"hover","params":3}"#), "-32600 id=7");
    }
}
