//! A small HTTP/1.1 server on `std::net`, one thread per connection.
//!
//! Written by hand to keep the emulator quick to compile. It supports what the AWS SDKs, botocore
//! and browsers send to it: persistent connections (hyper reuses them, and a server that closed
//! them after every answer would make the SDKs' connection pool retry), `Connection: close`,
//! HTTP/1.0, `Content-Length` and chunked request bodies, and `Expect: 100-continue`.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::url_encoding::parse_query;

/// Largest request head (request line + headers) accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest request body accepted; the real APIs take a few kilobytes at most.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long an idle persistent connection is kept before its thread gives up on it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// One parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path without the query string, e.g. `/federation/credentials`.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Header names are lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first query parameter with this name.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// One response. `Content-Length` and `Connection` are added when it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response::new(status)
            .with_header("Content-Type", "application/json")
            .with_body(value.to_string().into_bytes())
    }

    pub fn html(status: u16, html: &str) -> Self {
        Response::new(status)
            .with_header("Content-Type", "text/html; charset=utf-8")
            .with_body(html.as_bytes().to_vec())
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn with_body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What the application does with a request: answer it, or (to simulate a network failure)
/// drop the connection without a word.
pub type Handler = dyn Fn(&Request) -> Option<Response> + Send + Sync;

/// A running server. Dropping it stops accepting, closes every open connection and joins the
/// accept thread, so a test that drops its emulator leaves no listener behind.
pub struct HttpServer {
    local_addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    connections: Arc<Mutex<HashMap<u64, TcpStream>>>,
    accept_thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Starts serving `listener` on a background thread.
    pub fn start(listener: TcpListener, handler: Arc<Handler>) -> io::Result<HttpServer> {
        let local_addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<HashMap<u64, TcpStream>>> = Arc::default();
        let accept_thread = {
            let stopping = Arc::clone(&stopping);
            let connections = Arc::clone(&connections);
            thread::Builder::new()
                .name("sso-emulator-accept".to_owned())
                .spawn(move || accept_loop(&listener, &stopping, &connections, &handler))?
        };
        Ok(HttpServer {
            local_addr,
            stopping,
            connections,
            accept_thread: Some(accept_thread),
        })
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // `accept` blocks; a connection of our own wakes it so it sees the flag.
        let mut wake_addr = self.local_addr;
        if wake_addr.ip().is_unspecified() {
            wake_addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let _ = TcpStream::connect_timeout(&wake_addr, Duration::from_secs(1));
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
        let connections = self
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for stream in connections.values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(
    listener: &TcpListener,
    stopping: &Arc<AtomicBool>,
    connections: &Arc<Mutex<HashMap<u64, TcpStream>>>,
    handler: &Arc<Handler>,
) {
    static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(0);
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Typically EMFILE under heavy load: back off briefly instead of spinning.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let id = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(id, clone);
        }
        let connections = Arc::clone(connections);
        let handler = Arc::clone(handler);
        let spawned = thread::Builder::new()
            .name("sso-emulator-conn".to_owned())
            .spawn(move || {
                serve_connection(stream, &handler);
                connections
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id);
            });
        if spawned.is_err() {
            thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Serves requests on one connection until the client closes it, asks to close it, sends
/// something unparseable, or the handler drops it.
fn serve_connection(stream: TcpStream, handler: &Arc<Handler>) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader, &mut writer) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(ReadError::Io) => return,
            Err(ReadError::Malformed(status, reason)) => {
                let response = Response::new(status)
                    .with_header("Content-Type", "text/plain; charset=utf-8")
                    .with_body(reason.as_bytes().to_vec());
                let _ = write_response(&mut writer, &response, false);
                return;
            }
        };
        let keep_alive = wants_keep_alive(&request.1, &request.0);
        let Some(response) = handler(&request.0) else {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        };
        if write_response(&mut writer, &response, keep_alive).is_err() || !keep_alive {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

enum ReadError {
    /// The connection broke or timed out: nobody is left to answer.
    Io,
    Malformed(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

/// Reads one request. `Ok(None)` means the client closed the connection between requests.
/// Also returns the HTTP version, which decides the default for keep-alive.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Option<(Request, String)>, ReadError> {
    let mut head_bytes = 0usize;
    let mut request_line = String::new();
    // Tolerate empty lines before a request (RFC 9112 §2.2).
    loop {
        request_line.clear();
        let read = read_line_limited(reader, &mut request_line, &mut head_bytes)?;
        if read == 0 {
            return Ok(None);
        }
        if !request_line.trim().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Malformed(505, "only HTTP/1.x is supported"));
    }
    let (method, target, version) = (method.to_owned(), target.to_owned(), version.to_owned());

    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if read_line_limited(reader, &mut line, &mut head_bytes)? == 0 {
            return Err(ReadError::Malformed(
                400,
                "connection closed inside the headers",
            ));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed(400, "malformed header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }

    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    if header("expect").is_some_and(|value| value.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let chunked = header("transfer-encoding")
        .is_some_and(|value| value.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked_body(reader)?
    } else {
        let length = match header("content-length") {
            None => 0,
            Some(value) => value
                .parse::<usize>()
                .map_err(|_| ReadError::Malformed(400, "invalid Content-Length"))?,
        };
        if length > MAX_BODY_BYTES {
            return Err(ReadError::Malformed(413, "request body too large"));
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        body
    };

    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, parse_query(query)),
        None => (target.as_str(), Vec::new()),
    };
    // An endpoint URL configured with a trailing slash makes some clients send `//token`.
    let path = format!("/{}", path.trim_start_matches('/'));
    Ok(Some((
        Request {
            method,
            path,
            query,
            headers,
            body,
        },
        version,
    )))
}

fn read_line_limited(
    reader: &mut BufReader<TcpStream>,
    line: &mut String,
    head_bytes: &mut usize,
) -> Result<usize, ReadError> {
    let remaining = MAX_HEAD_BYTES.saturating_sub(*head_bytes) as u64;
    let read = reader.by_ref().take(remaining + 1).read_line(line)?;
    *head_bytes += read;
    if *head_bytes > MAX_HEAD_BYTES {
        return Err(ReadError::Malformed(431, "request head too large"));
    }
    Ok(read)
}

fn read_chunked_body(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line)?;
        let size_text = size_line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| ReadError::Malformed(400, "invalid chunk size"))?;
        if body.len() + size > MAX_BODY_BYTES {
            return Err(ReadError::Malformed(413, "request body too large"));
        }
        if size == 0 {
            // Skip trailers up to the final empty line.
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn wants_keep_alive(version: &str, request: &Request) -> bool {
    let connection = request
        .header("connection")
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if connection.contains("close") {
        return false;
    }
    version != "HTTP/1.0" || connection.contains("keep-alive")
}

fn write_response(stream: &mut TcpStream, response: &Response, keep_alive: bool) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason_phrase(response.status)
    );
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    out.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&response.body);
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}
