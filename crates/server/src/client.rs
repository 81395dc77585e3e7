//! A minimal HTTP/1.1 client over one keep-alive connection, for the tests
//! and the load generator (`examples/load.rs`): it sends a request and
//! reads one response with a `Content-Length` body, nothing more. Small on
//! purpose, so that a load figure measures the server, not the client.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The largest response head or body read, in bytes.
const RESPONSE_MAX: usize = 1 << 20;

/// One response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One keep-alive connection.
pub struct Connection {
    stream: BufReader<TcpStream>,
    request: Vec<u8>,
    line: String,
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

impl Connection {
    /// Connect to `addr`.
    pub async fn open(addr: SocketAddr) -> io::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufReader::new(stream),
            request: Vec::with_capacity(512),
            line: String::with_capacity(128),
        })
    }

    /// Send one request and read its response.
    pub async fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<Response> {
        self.request.clear();
        self.request.extend_from_slice(
            format!("{method} {target} HTTP/1.1\r\nhost: wildling\r\n").as_bytes(),
        );
        for (name, value) in headers {
            self.request
                .extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if !body.is_empty() || method == "PUT" || method == "POST" {
            self.request
                .extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
        }
        self.request.extend_from_slice(b"\r\n");
        self.request.extend_from_slice(body);
        self.stream.get_mut().write_all(&self.request).await?;
        self.read_response().await
    }

    /// Read one response's head, and its body by `Content-Length`.
    async fn read_response(&mut self) -> io::Result<Response> {
        let status_line = self.read_line().await?;
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid(format!("bad status line {status_line:?}")))?;
        let mut headers = Vec::new();
        let mut length = 0;
        loop {
            let line = self.read_line().await?;
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| invalid(format!("bad header {line:?}")))?;
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_string());
            if name == "content-length" {
                length = value.parse().map_err(|_| invalid("bad content-length"))?;
            }
            headers.push((name, value));
        }
        if length > RESPONSE_MAX {
            return Err(invalid(format!(
                "a body of {length} bytes is over the limit"
            )));
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// Read one line of the head, without its line end.
    async fn read_line(&mut self) -> io::Result<String> {
        self.line.clear();
        let read = (&mut self.stream)
            .take(RESPONSE_MAX as u64)
            .read_line(&mut self.line)
            .await?;
        if read == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        Ok(self.line.trim_end_matches(['\r', '\n']).to_string())
    }

    /// Send a request's head only and hand back the raw stream, for a
    /// response that never ends (`/events`).
    pub async fn stream(mut self, target: &str) -> io::Result<BufReader<TcpStream>> {
        let head =
            format!("GET {target} HTTP/1.1\r\nhost: wildling\r\naccept: text/event-stream\r\n\r\n");
        self.stream.get_mut().write_all(head.as_bytes()).await?;
        Ok(self.stream)
    }
}
