//! What happens below the router: a request whose bytes are no HTTP/1.1
//! (`\xff` in the path, a header without a colon), a head too large, a
//! client too slow to send one. actix-http answers those itself, with an
//! empty 400, 431 or 408, before any of our code sees a request. This
//! wrapper around each connection recognises those answers as they are
//! written (they are the only ones of ours with `content-length: 0` and
//! `connection: close` right after a 4xx status line) and writes a
//! problem+json answer in their place, so every answer of the API is one.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::Problem;

/// A connection whose dispatcher-made error answers become problem+json.
pub struct ProblemAnswers<T> {
    inner: T,
    /// A replacement answer not yet written out, and how much of it was.
    pending: Vec<u8>,
    written: usize,
}

impl<T> ProblemAnswers<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

/// The statuses actix-http answers on its own, and why, for the detail.
const BELOW_THE_ROUTER: [(u16, &str, &str); 3] = [
    (
        400,
        "Bad Request",
        "the request is not HTTP/1.1 this server can read (a byte outside the allowed set in the request line or a header, or a malformed header)",
    ),
    (
        408,
        "Request Timeout",
        "the request's head did not arrive in time",
    ),
    (
        431,
        "Request Header Fields Too Large",
        "the request's head is too large",
    ),
];

/// The problem+json answer to write instead of `buf`, when `buf` is one of
/// actix-http's own empty error answers.
fn replacement(buf: &[u8]) -> Option<Vec<u8>> {
    let (status, reason, detail) = BELOW_THE_ROUTER.iter().find(|(status, reason, _)| {
        let head =
            format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n");
        buf.starts_with(head.as_bytes())
    })?;
    let request_id = uuid::Uuid::now_v7().to_string();
    let (slug, title) = match status {
        431 => ("headers-too-large", "Request head too large"),
        408 => ("request-timeout", "Request timeout"),
        _ => ("bad-request", "Malformed request"),
    };
    let problem = Problem {
        kind: format!("urn:jewel-crm:problem:{slug}"),
        title: title.to_owned(),
        status: *status,
        detail: (*detail).to_owned(),
        instance: String::new(),
        request_id: request_id.clone(),
        errors: Vec::new(),
        extensions: serde_json::Map::new(),
    };
    let body = serde_json::to_vec(&problem).ok()?;
    let mut answer = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\nconnection: close\r\nx-request-id: {request_id}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend(body);
    Some(answer)
}

impl<T: AsyncWrite + Unpin> ProblemAnswers<T> {
    fn write_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ProblemAnswers<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ProblemAnswers<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.write_pending(cx))?;
        if let Some(answer) = replacement(buf) {
            tracing::info!(answer = %String::from_utf8_lossy(&answer[..answer.iter().position(|&b| b == b'\r').unwrap_or(0)]), "a request the HTTP parser refused was answered with a problem");
            self.pending = answer;
            // The whole of actix-http's answer is taken; ours goes out in its place.
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.write_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.write_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_parsers_own_empty_answers_are_replaced() {
        let parser = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\ndate: Fri, 04 Dec 2026 05:10:14 GMT\r\n\r\n";
        let answer = replacement(parser).expect("replaced");
        let text = String::from_utf8(answer).expect("text");
        assert!(
            text.starts_with(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\n"
            ),
            "{text}"
        );
        let body: serde_json::Value =
            serde_json::from_str(text.split("\r\n\r\n").nth(1).expect("a body")).expect("JSON");
        assert_eq!(body["status"], 400);
        assert_eq!(body["type"], "urn:jewel-crm:problem:bad-request");
        let large = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        assert!(replacement(large).is_some());
        // Our own answers carry a body and a content type: left alone.
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 120\r\ncontent-type: application/problem+json\r\n\r\n{}";
        assert!(replacement(ours).is_none());
        assert!(
            replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .is_none()
        );
    }
}
