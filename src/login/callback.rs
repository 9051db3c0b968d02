//! The loopback listener the browser is redirected to at the end of an authorization-code sign-in.
//!
//! It listens on 127.0.0.1 only (the AWS CLI binds every interface), answers only
//! `/oauth/callback`, and accepts a code only with the `state` this sign-in generated: a request
//! from anything else on the machine cannot complete or derail the sign-in.
//!
//! Nor can it stall the sign-in: every connection is read without blocking, in the same loop that
//! keeps the deadline and the spinner, each with a budget of time (`CONNECTION_BUDGET`) and
//! bytes (`MAX_REQUEST_BYTES`), and at most `MAX_CONNECTIONS` at once (the oldest is dropped
//! for a newcomer). A client that sends one byte every few seconds, holds idle connections open,
//! or sends a gigabyte without a line break costs a few KiB and is cut off, while the browser's
//! redirect is served as soon as it arrives.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use super::LoginError;
use crate::secret::Secret;

/// The callback path; registered with the OIDC service as `http://127.0.0.1/oauth/callback`.
pub const CALLBACK_PATH: &str = "/oauth/callback";
/// How often the wait loop wakes up to run its `tick` (spinner, browser checks).
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// A connection whose request (line and headers) has not arrived within this time is dropped.
const CONNECTION_BUDGET: Duration = Duration::from_secs(5);
/// The most a request may take before its end; a browser's callback request is well under 4 KiB.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// The most connections read at once; a newcomer beyond them displaces the oldest.
const MAX_CONNECTIONS: usize = 16;
/// How long writing the small answer page may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(1);

pub struct CallbackListener {
    listener: TcpListener,
    port: u16,
}

impl CallbackListener {
    /// Binds 127.0.0.1:`port` (0: any free port) before the browser opens.
    pub fn bind(port: u16) -> std::io::Result<CallbackListener> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        Ok(CallbackListener { listener, port })
    }

    /// The redirect URI with the port, as sent to `/authorize` and `CreateToken`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Waits until the browser brings back a code with `expected_state`, an `error`, the deadline,
    /// or `tick` breaks with an outcome of its own (it runs every 50 ms: a spinner, a browser
    /// that failed, an address the user pasted).
    pub fn wait_for_code(
        &self,
        expected_state: &str,
        deadline: Instant,
        mut tick: impl FnMut() -> ControlFlow<Result<Secret, LoginError>>,
    ) -> Result<Secret, LoginError> {
        let started = Instant::now();
        let mut connections: Vec<Connection> = Vec::new();
        loop {
            // Take every connection waiting, then read what each has sent: none waits for another.
            loop {
                match self.listener.accept() {
                    Ok((stream, _)) => {
                        if stream.set_nonblocking(true).is_err() {
                            continue;
                        }
                        if connections.len() >= MAX_CONNECTIONS {
                            connections.remove(0);
                        }
                        connections.push(Connection::new(stream));
                    }
                    Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                    Err(error) if error.kind() == ErrorKind::Interrupted => {}
                    // A connection that went away before it was accepted; keep listening.
                    Err(error) if error.kind() == ErrorKind::ConnectionAborted => {}
                    Err(error) => return Err(LoginError::Listener(error)),
                }
            }
            let mut outcome = None;
            connections.retain_mut(|connection| match connection.read_available() {
                Progress::Waiting if connection.accepted.elapsed() < CONNECTION_BUDGET => true,
                Progress::Waiting | Progress::Broken => false,
                Progress::Complete => {
                    let answered = connection.answer(expected_state);
                    outcome = outcome.take().or(answered);
                    false
                }
            });
            if let Some(outcome) = outcome {
                return outcome;
            }
            if Instant::now() >= deadline {
                return Err(LoginError::TimedOut {
                    waited: started.elapsed(),
                });
            }
            if let ControlFlow::Break(outcome) = tick() {
                return outcome;
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

/// One accepted connection, read without blocking until its request is complete.
struct Connection {
    stream: TcpStream,
    received: Vec<u8>,
    accepted: Instant,
}

/// How far a connection's request has come.
enum Progress {
    Waiting,
    /// The request line and headers are in (or the client finished sending).
    Complete,
    /// Too large, or the connection failed: dropped without an answer.
    Broken,
}

impl Connection {
    fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            received: Vec::new(),
            accepted: Instant::now(),
        }
    }

    /// Reads whatever has arrived, up to [`MAX_REQUEST_BYTES`] in all.
    fn read_available(&mut self) -> Progress {
        let mut chunk = [0u8; 4096];
        loop {
            match self.stream.read(&mut chunk) {
                // The client finished sending: answer what came, if anything.
                Ok(0) if self.received.is_empty() => return Progress::Broken,
                Ok(0) => return Progress::Complete,
                Ok(n) => {
                    self.received.extend_from_slice(&chunk[..n]);
                    if self.received.len() > MAX_REQUEST_BYTES {
                        return Progress::Broken;
                    }
                    if self.headers_complete() {
                        return Progress::Complete;
                    }
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => return Progress::Waiting,
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Progress::Broken,
            }
        }
    }

    fn headers_complete(&self) -> bool {
        let ends = |pattern: &[u8]| self.received.windows(pattern.len()).any(|w| w == pattern);
        ends(b"\r\n\r\n") || ends(b"\n\n")
    }

    /// Answers the request. `Some` ends the wait (code, or an error the user must see); `None`
    /// keeps waiting (other paths, wrong `state`, broken requests).
    fn answer(&mut self, expected_state: &str) -> Option<Result<Secret, LoginError>> {
        let text = String::from_utf8_lossy(&self.received);
        let request_line = text.lines().next().unwrap_or_default();
        let callback = parse_request_line(request_line);
        let is_callback = !matches!(callback, Callback::Other);
        let outcome = outcome_of(callback, expected_state);
        let (status, body) = match &outcome {
            Some(Ok(_)) => ("200 OK", page::signed_in()),
            Some(Err(LoginError::Denied { error, description })) => {
                ("200 OK", page::failed(error, description))
            }
            _ if is_callback => ("400 Bad Request", page::wrong_state()),
            _ => ("404 Not Found", page::not_found()),
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        // The page is small; a client that does not read it gets at most WRITE_TIMEOUT.
        let _ = self.stream.set_nonblocking(false);
        let _ = self.stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let _ = self.stream.write_all(response.as_bytes());
        let _ = self.stream.flush();
        outcome
    }
}

/// What one callback request says.
#[derive(Debug, PartialEq, Eq)]
pub enum Callback {
    Code {
        code: Secret,
        state: String,
    },
    Error {
        error: String,
        description: String,
        state: Option<String>,
    },
    /// A request for another path (`/favicon.ico`) or without code or error.
    Other,
}

/// Reads one request line (`GET /oauth/callback?code=…&state=… HTTP/1.1`) into a [`Callback`].
pub fn parse_request_line(line: &str) -> Callback {
    let mut parts = line.split_whitespace();
    let (Some("GET"), Some(target)) = (parts.next(), parts.next()) else {
        return Callback::Other;
    };
    parse_target(target)
}

/// Reads the address a browser ended on (`http://127.0.0.1:PORT/oauth/callback?code=…`), as the
/// user pastes it when the browser ran on another machine.
pub fn parse_pasted_address(text: &str) -> Callback {
    let text = text.trim();
    let path_start = text
        .find("://")
        .map(|scheme_end| {
            let after_scheme = scheme_end + 3;
            text[after_scheme..]
                .find('/')
                .map_or(text.len(), |slash| after_scheme + slash)
        })
        .unwrap_or(0);
    parse_target(&text[path_start..])
}

fn parse_target(target: &str) -> Callback {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return Callback::Other;
    }
    let params = parse_query(query);
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    if let Some(error) = get("error") {
        return Callback::Error {
            error,
            description: get("error_description").unwrap_or_default(),
            state: get("state"),
        };
    }
    match (get("code"), get("state")) {
        (Some(code), Some(state)) => Callback::Code {
            code: Secret::new(code),
            state,
        },
        _ => Callback::Other,
    }
}

/// `a=1&b=x%20y` into pairs, percent-decoded, as the AWS CLI's `parse_qs` reads the callback:
/// `+` is a space (a literal plus arrives as `%2B`), malformed escapes are kept as written,
/// invalid UTF-8 is replaced, a key without `=` has an empty value.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// What a callback means for the sign-in waiting with `expected_state`: `Some` ends the wait
/// (a code, or the error the service sent), `None` keeps waiting (no callback, or the `state` of
/// another sign-in, which is said on stderr).
pub fn outcome_of(callback: Callback, expected_state: &str) -> Option<Result<Secret, LoginError>> {
    match callback {
        Callback::Code { code, state } if state == expected_state => Some(Ok(code)),
        Callback::Error {
            error,
            description,
            state,
        } if state.as_deref() == Some(expected_state) => {
            Some(Err(LoginError::Denied { error, description }))
        }
        Callback::Code { .. } | Callback::Error { .. } => {
            eprintln!("ssoenv: ignored a sign-in callback whose state does not match this sign-in");
            None
        }
        Callback::Other => None,
    }
}

/// The small pages the browser shows.
mod page {
    const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222}h1{font-size:1.4em}";

    fn page(title: &str, text: &str) -> String {
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body><h1>{title}</h1><p>{text}</p></body></html>"
        )
    }

    pub fn signed_in() -> String {
        page(
            "ssoenv: signed in",
            "You are signed in. You can close this tab and go back to your terminal.",
        )
    }

    pub fn failed(error: &str, description: &str) -> String {
        page(
            "ssoenv: sign-in failed",
            &format!(
                "The sign-in did not complete: {} {}. Go back to your terminal for details.",
                escape_html(error),
                escape_html(description)
            ),
        )
    }

    pub fn wrong_state() -> String {
        page(
            "ssoenv: unknown sign-in",
            "This address does not belong to the sign-in ssoenv is waiting for. Start the sign-in again from your terminal.",
        )
    }

    pub fn not_found() -> String {
        page("Not found", "Nothing here.")
    }

    fn escape_html(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '&' => "&amp;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                c => c.to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_callback_hides_the_code() {
        let callback =
            parse_request_line("GET /oauth/callback?code=secret-code-42&state=s1 HTTP/1.1");
        let shown = format!("{callback:?}");
        assert!(
            !shown.contains("secret-code-42") && shown.contains("s1"),
            "{shown}"
        );
    }

    #[test]
    fn reads_code_and_state() {
        assert_eq!(
            parse_request_line("GET /oauth/callback?code=abc%2Fd&state=s1 HTTP/1.1\r\n"),
            Callback::Code {
                code: "abc/d".into(),
                state: "s1".into()
            }
        );
    }

    #[test]
    fn reads_errors_and_ignores_other_paths() {
        assert_eq!(
            parse_request_line(
                "GET /oauth/callback?error=access_denied&error_description=User+declined&state=s HTTP/1.1"
            ),
            Callback::Error {
                error: "access_denied".into(),
                description: "User declined".into(),
                state: Some("s".into())
            }
        );
        assert_eq!(
            parse_request_line("GET /favicon.ico HTTP/1.1"),
            Callback::Other
        );
        assert_eq!(
            parse_request_line("POST /oauth/callback?code=a&state=b HTTP/1.1"),
            Callback::Other
        );
        assert_eq!(
            parse_request_line("GET /oauth/callback HTTP/1.1"),
            Callback::Other
        );
        assert_eq!(parse_request_line(""), Callback::Other);
    }

    #[test]
    fn reads_a_pasted_address() {
        let expected = Callback::Code {
            code: "c".into(),
            state: "s".into(),
        };
        assert_eq!(
            parse_pasted_address("  http://127.0.0.1:4711/oauth/callback?code=c&state=s \n"),
            expected
        );
        assert_eq!(
            parse_pasted_address("/oauth/callback?code=c&state=s"),
            expected
        );
        assert_eq!(
            parse_pasted_address("http://127.0.0.1:4711"),
            Callback::Other
        );
        assert_eq!(parse_pasted_address("nonsense"), Callback::Other);
    }

    #[test]
    fn percent_decoding_survives_malformed_input() {
        let value = |query: &str| parse_query(query).remove(0).1;
        assert_eq!(value("v=%41%4a%"), "AJ%");
        assert_eq!(value("v=%zz%4"), "%zz%4");
        assert_eq!(value("v=%%41"), "%A");
        assert_eq!(value("v=%C3%A9"), "é");
        assert_eq!(value("v=%FF"), "\u{FFFD}");
    }

    #[test]
    fn reads_the_query_as_the_cli_does() {
        let pairs = |query: &str| {
            parse_query(query)
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
        };
        // A browser or the service may encode a space either way; a plus is `%2B`.
        assert_eq!(
            pairs("code=a%2Bb&state=x+y%20z&error_description=User+declined"),
            ["code=a+b", "state=x y z", "error_description=User declined"]
        );
        // Empty pieces are skipped, a bare key has an empty value, the first `=` splits.
        assert_eq!(
            pairs("&code&&state=a=b&%73tate=s"),
            ["code=", "state=a=b", "state=s"]
        );
    }

    #[test]
    fn the_listener_is_on_loopback_only_and_checks_state() {
        let listener = CallbackListener::bind(0).unwrap();
        assert!(listener.listener.local_addr().unwrap().ip().is_loopback());
        let uri = listener.redirect_uri();
        let port = listener.port;
        let client = std::thread::spawn(move || {
            let send = |target: &str| {
                let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                let mut answer = String::new();
                std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
                answer
            };
            let favicon = send("/favicon.ico");
            let forged = send("/oauth/callback?code=evil&state=forged");
            let genuine = send("/oauth/callback?code=good&state=expected");
            (favicon, forged, genuine)
        });
        let code = listener
            .wait_for_code("expected", Instant::now() + Duration::from_secs(10), || {
                ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(code, "good");
        let (favicon, forged, genuine) = client.join().unwrap();
        assert!(favicon.starts_with("HTTP/1.1 404"));
        assert!(forged.starts_with("HTTP/1.1 400"));
        assert!(genuine.starts_with("HTTP/1.1 200") && genuine.contains("close this tab"));
        assert!(uri.starts_with("http://127.0.0.1:"));
    }

    #[test]
    fn the_wait_ends_at_the_deadline() {
        let listener = CallbackListener::bind(0).unwrap();
        let outcome = listener.wait_for_code("s", Instant::now(), || ControlFlow::Continue(()));
        assert!(matches!(outcome, Err(LoginError::TimedOut { .. })));
    }

    /// The attacks of a hostile local client, each running while the browser's redirect comes:
    /// one byte every 300 ms, idle connections, a flood without a line break.
    fn wait_beside(
        attack: impl FnOnce(u16) + Send + 'static,
    ) -> (Result<Secret, LoginError>, Duration) {
        let listener = CallbackListener::bind(0).unwrap();
        let port = listener.port;
        std::thread::spawn(move || attack(port));
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(
                stream,
                "GET /oauth/callback?code=good&state=s HTTP/1.1\r\n\r\n"
            )
            .unwrap();
            let mut answer = String::new();
            let _ = std::io::Read::read_to_string(&mut stream, &mut answer);
        });
        let started = Instant::now();
        let outcome = listener.wait_for_code("s", Instant::now() + Duration::from_secs(20), || {
            ControlFlow::Continue(())
        });
        (outcome, started.elapsed())
    }

    #[test]
    fn a_slow_client_does_not_delay_the_browser() {
        let (outcome, waited) = wait_beside(|port| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            for byte in b"GET /oauth/callback?code=evil&state=s HTTP/1.1\r\n\r\n" {
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(300));
            }
        });
        assert_eq!(outcome.unwrap(), "good");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    }

    #[test]
    fn idle_connections_do_not_delay_the_browser() {
        let (outcome, waited) = wait_beside(|port| {
            let idle: Vec<TcpStream> = (0..40)
                .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
                .collect();
            std::thread::sleep(Duration::from_secs(10));
            drop(idle);
        });
        assert_eq!(outcome.unwrap(), "good");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    }

    #[test]
    fn a_flood_without_a_line_break_is_cut_off() {
        let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = sent.clone();
        let (outcome, waited) = wait_beside(move |port| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let block = vec![b'A'; 64 * 1024];
            // Up to 1 GiB; the listener drops the connection after 16 KiB.
            for _ in 0..16 * 1024 {
                match stream.write_all(&block) {
                    Ok(()) => counter.fetch_add(block.len(), std::sync::atomic::Ordering::Relaxed),
                    Err(_) => return,
                };
            }
        });
        assert_eq!(outcome.unwrap(), "good");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
        std::thread::sleep(Duration::from_millis(500));
        let flooded = sent.load(std::sync::atomic::Ordering::Relaxed);
        assert!(flooded < 64 * 1024 * 1024, "{flooded} bytes accepted");
    }

    #[test]
    fn a_slow_client_cannot_hold_the_wait_past_its_deadline() {
        let listener = CallbackListener::bind(0).unwrap();
        let port = listener.port;
        std::thread::spawn(move || {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            for _ in 0..40 {
                if stream.write_all(b"G").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let started = Instant::now();
        let outcome = listener.wait_for_code("s", started + Duration::from_secs(1), || {
            ControlFlow::Continue(())
        });
        assert!(matches!(outcome, Err(LoginError::TimedOut { .. })));
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "{:?}",
            started.elapsed()
        );
    }
}
