//! The credential endpoint of `ssoenv exec --server` and `ssoenv serve`: an HTTP server that
//! answers the SDKs' container-credentials requests (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`), which every AWS SDK and the AWS CLI repeat by themselves
//! before the credentials they hold expire.
//!
//! HTTP is hyper's (the same hyper the SDK's client builds), on a current-thread tokio runtime.
//! What this module adds is the policy of a server that any local process can reach:
//!
//! - every request must bear the token (compared in constant time, see [`token`]); then only
//!   `GET` of [`CREDENTIALS_PATH`] is answered;
//! - a request head may take at most [`MAX_REQUEST_HEAD`] bytes and [`MAX_HEADERS`] headers and
//!   must arrive within [`HEADER_READ_TIMEOUT`] (idle keep-alive connections too), and at most
//!   [`MAX_CONNECTIONS`] connections are served at once (more wait in the kernel's queue), so slow
//!   or hostile clients cost bounded memory and time;
//! - nothing secret is logged: `--debug` shows the method, path and status of each request.
//!
//! The credentials come from [`answers`], which knows nothing of HTTP.

pub mod answers;
pub mod token;

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use self::answers::{Answers, Refusal};
use crate::secret::Secret;

/// The one path the endpoint answers.
pub const CREDENTIALS_PATH: &str = "/credentials";
/// Connections served at once; further ones wait until one ends.
pub const MAX_CONNECTIONS: usize = 256;
/// How long a client may take to send a request head (and an idle connection may stay open).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest request head read (hyper's smallest buffer is 8 KiB); larger ones get 431.
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// The most headers a request may have; more get 431.
pub const MAX_HEADERS: usize = 32;

/// A bound listening socket with the token its requests must bear; [`Endpoint::serve`] runs it.
pub struct Endpoint {
    listener: std::net::TcpListener,
    address: SocketAddr,
    token: Secret,
}

impl Endpoint {
    /// Listens on `address` (port 0: any free port) with a new token.
    pub fn bind(address: SocketAddr) -> std::io::Result<Endpoint> {
        let listener = std::net::TcpListener::bind(address)?;
        listener.set_nonblocking(true)?;
        Ok(Endpoint {
            address: listener.local_addr()?,
            listener,
            token: token::generate()?,
        })
    }

    /// The address it listens on (with the port chosen).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`: its address (127.0.0.1 for a wildcard address)
    /// and [`CREDENTIALS_PATH`].
    pub fn url(&self) -> String {
        let mut address = self.address;
        if address.ip().is_unspecified() {
            address.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        format!("http://{address}{CREDENTIALS_PATH}")
    }

    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// Answers requests with `answers` until the process ends; returns only if the runtime cannot
    /// be built.
    pub fn serve(self, answers: Answers) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        runtime.block_on(accept_forever(self, Arc::new(answers)))
    }
}

async fn accept_forever(endpoint: Endpoint, answers: Arc<Answers>) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(endpoint.listener)?;
    let token = Arc::new(endpoint.token);
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return Ok(());
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, or a connection reset before it was accepted: wait a
                // little (others end meanwhile) rather than spin, and go on.
                crate::debug!("credential endpoint: accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let token = Arc::clone(&token);
        let answers = Arc::clone(&answers);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let token = Arc::clone(&token);
                let answers = Arc::clone(&answers);
                async move { Ok::<_, Infallible>(respond(&request, &token, &answers).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_buf_size(MAX_REQUEST_HEAD)
                .max_headers(MAX_HEADERS)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                crate::debug!("credential endpoint: connection ended: {error}");
            }
            drop(slot);
        });
    }
}

/// The answer to one request: the checks in order (token, path, method), then the credentials.
async fn respond(
    request: &Request<Incoming>,
    token: &Secret,
    answers: &Answers,
) -> Response<Full<Bytes>> {
    let refused = |status, code, message: &str| {
        Err(Refusal {
            status,
            code,
            message: message.to_string(),
        })
    };
    let outcome = match request.headers().get(AUTHORIZATION) {
        None => refused(
            401,
            "MissingAuthorization",
            "the request has no Authorization header (set AWS_CONTAINER_AUTHORIZATION_TOKEN)",
        ),
        Some(presented) if !token::matches(token, presented.as_bytes()) => refused(
            403,
            "InvalidAuthorization",
            "the Authorization header is not this endpoint's token",
        ),
        Some(_) if request.uri().path() != CREDENTIALS_PATH => {
            refused(404, "NotFound", "no such path")
        }
        Some(_) if request.method() != Method::GET => {
            refused(405, "MethodNotAllowed", "only GET is answered")
        }
        Some(_) => answers.answer().await.map(|fetched| fetched.document),
    };
    let response = match outcome {
        Ok(document) => json_response(StatusCode::OK, document.expose().to_string()),
        Err(refusal) => refusal_response(&refusal),
    };
    crate::debug!(
        "credential endpoint: {} {} → {}",
        request.method(),
        request.uri().path(),
        response.status().as_u16()
    );
    response
}

fn refusal_response(refusal: &Refusal) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // `Code` and `Message`, as ECS itself writes errors: the JS SDK attaches both to its error,
    // botocore shows the whole body.
    let body = serde_json::json!({"Code": refusal.code, "Message": refusal.message});
    let mut response = json_response(status, body.to_string());
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET"));
    }
    response
}

fn json_response(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
