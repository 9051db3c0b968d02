//! What a failed AWS call means, read once for every service: [`CallFailure`] is how the SDK's
//! error is read (service answer, or no usable answer), and each service's error type then sorts
//! it by what its caller has to do (sign in again, retry, fix the endpoint or the role).

use std::fmt::Display;

// The same smithy types in every SDK crate; named through the SSO crate only because one path is
// needed.
use aws_sdk_sso::config::http::HttpResponse as Response;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};

/// A failed call to SSO OIDC or the SSO portal. Never carries a token or secret.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// The Identity Center session is over (refresh token rejected, access token revoked or
    /// expired): only a new sign-in helps.
    #[error("{operation}: the IAM Identity Center session has ended or was revoked ({code}{})", detail_suffix(.message))]
    SessionEnded {
        operation: &'static str,
        code: String,
        message: String,
    },
    /// The service answered with an error the caller may want to act on by its `code`
    /// (e.g. `AuthorizationPendingException`, `SlowDownException`, `TooManyRequestsException`).
    /// `code` is `UnknownError` when the answer named none (a gateway's bare 503).
    #[error("{operation} failed with {}{}", status_and_code(*.status, .code), detail_suffix(.message))]
    Service {
        operation: &'static str,
        code: String,
        message: String,
        status: u16,
    },
    /// A listing that would never end: the service sent back a page token it had sent before,
    /// or more pages than any real listing has.
    #[error("{operation}: {problem}; stopped after {pages} pages (the listing would never end)")]
    EndlessPages {
        operation: &'static str,
        problem: &'static str,
        pages: u32,
    },
    /// No usable answer: nothing answered in time, or not the protocol.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// A failed call to STS. Never carries a credential.
#[derive(Debug, thiserror::Error)]
pub enum StsError {
    /// STS answered with an error: `AccessDenied` (trust policy, external id), `ValidationError`
    /// (e.g. a `duration_seconds` the role does not allow), `InvalidClientTokenId` /
    /// `ExpiredToken` (the source credentials were refused), throttling after retries.
    /// `code` is `UnknownError` when the answer named none (a gateway's bare 503).
    #[error("{operation} failed with {}{}", status_and_code(*.status, .code), detail_suffix(.message))]
    Service {
        operation: &'static str,
        code: String,
        message: String,
        status: u16,
    },
    /// No usable answer: nothing answered in time, or not the protocol.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// A call that got no usable answer, the same for every service ssoenv calls.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// Nothing answered, or the connection broke before a response came.
    #[error("{operation}: could not reach {endpoint}: {detail}")]
    Unreachable {
        operation: &'static str,
        endpoint: String,
        detail: String,
    },
    /// The call did not finish within its time limit.
    #[error("{operation}: {endpoint} did not answer in time")]
    TimedOut {
        operation: &'static str,
        endpoint: String,
    },
    /// An answer came but could not be understood (not the protocol, or fields missing).
    #[error("{operation}: unexpected answer from {endpoint}: {detail}")]
    BadResponse {
        operation: &'static str,
        endpoint: String,
        detail: String,
    },
}

impl TransportError {
    /// An answer that lacks a field the API promises.
    pub(super) fn missing(operation: &'static str, endpoint: &str, what: &str) -> TransportError {
        TransportError::BadResponse {
            operation,
            endpoint: endpoint.to_string(),
            detail: format!("no {what} in the answer"),
        }
    }
}

impl SsoError {
    /// The error code the service sent, if it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            SsoError::SessionEnded { code, .. } | SsoError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether only a new sign-in can fix this.
    pub fn is_session_ended(&self) -> bool {
        matches!(self, SsoError::SessionEnded { .. })
    }
}

impl StsError {
    /// The error code STS sent, if it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            StsError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// STS refused the credentials the request was signed with (unknown, revoked or expired),
    /// although the cache said they were valid: fresh source credentials may succeed.
    pub fn source_credentials_refused(&self) -> bool {
        matches!(
            self.code(),
            Some("InvalidClientTokenId" | "ExpiredToken" | "ExpiredTokenException")
        )
    }
}

/// A service's error type, made from a [`CallFailure`] by what the failure means to its callers.
pub(super) trait FromCallFailure: Sized + Display {
    fn from_call_failure(operation: &'static str, failure: CallFailure) -> Self;
}

impl FromCallFailure for SsoError {
    fn from_call_failure(operation: &'static str, failure: CallFailure) -> SsoError {
        match failure {
            CallFailure::Service {
                code,
                message,
                status,
            } if ends_session(&code, status) => SsoError::SessionEnded {
                operation,
                code,
                message,
            },
            CallFailure::Service {
                code,
                message,
                status,
            } => SsoError::Service {
                operation,
                code,
                message,
                status,
            },
            CallFailure::Transport(error) => error.into(),
        }
    }
}

impl FromCallFailure for StsError {
    fn from_call_failure(operation: &'static str, failure: CallFailure) -> StsError {
        match failure {
            CallFailure::Service {
                code,
                message,
                status,
            } => StsError::Service {
                operation,
                code,
                message,
                status,
            },
            CallFailure::Transport(error) => error.into(),
        }
    }
}

/// How an AWS SDK call failed, read the same way for every service.
pub(super) enum CallFailure {
    /// The service answered with an error (`code` is `UnknownError` when it named none).
    Service {
        code: String,
        message: String,
        status: u16,
    },
    Transport(TransportError),
}

impl CallFailure {
    /// Reads the SDK's error of `operation`, which went to `endpoint`.
    pub(super) fn of<E>(
        operation: &'static str,
        endpoint: &str,
        error: SdkError<E, Response>,
    ) -> CallFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let endpoint = endpoint.to_string();
        let detail = innermost_cause(&error);
        match error {
            // A success status with an error means the body was not what the API promises
            // (truncated or malformed): a bad answer, not a service error.
            SdkError::ServiceError(service_error)
                if service_error.raw().status().is_success()
                    && service_error.err().code().is_none() =>
            {
                CallFailure::Transport(TransportError::BadResponse {
                    operation,
                    endpoint,
                    detail: format!(
                        "HTTP {} with a body that is not the expected JSON",
                        service_error.raw().status().as_u16()
                    ),
                })
            }
            SdkError::ServiceError(service_error) => CallFailure::Service {
                code: service_error
                    .err()
                    .code()
                    .unwrap_or(UNKNOWN_CODE)
                    .to_string(),
                message: service_message(
                    service_error.err().message(),
                    service_error.raw().body().bytes(),
                ),
                status: service_error.raw().status().as_u16(),
            },
            SdkError::TimeoutError(_) => CallFailure::Transport(TransportError::TimedOut {
                operation,
                endpoint,
            }),
            SdkError::DispatchFailure(failure) if failure.is_timeout() => {
                CallFailure::Transport(TransportError::TimedOut {
                    operation,
                    endpoint,
                })
            }
            SdkError::DispatchFailure(_) => CallFailure::Transport(TransportError::Unreachable {
                operation,
                endpoint,
                detail,
            }),
            _ => CallFailure::Transport(TransportError::BadResponse {
                operation,
                endpoint,
                detail,
            }),
        }
    }
}

/// `invalid_grant` (refresh token dead), `ExpiredTokenException` on a refresh, and any 401 from the
/// portal (a revoked session can answer 401 hours before `expiresAt`) all mean: sign in again.
/// A 401 from OIDC is `InvalidClientException` (the registration expired): also a sign-in, which
/// registers again. (The device flow's `ExpiredTokenException`, an expired device code, is read
/// by its code before this classification matters.)
fn ends_session(code: &str, status: u16) -> bool {
    status == 401
        || matches!(
            code,
            "InvalidGrantException"
                | "UnauthorizedException"
                | "InvalidClientException"
                | "ExpiredTokenException"
        )
}

/// What a service error's `code` holds when the answer named no error code.
const UNKNOWN_CODE: &str = "UnknownError";

/// `TooManyRequestsException (HTTP 429)`, or `HTTP 503 (Service Unavailable)` without a code.
fn status_and_code(status: u16, code: &str) -> String {
    if code == UNKNOWN_CODE {
        let reason = reason_phrase(status);
        format!("HTTP {status}{reason}")
    } else {
        format!("{code} (HTTP {status})")
    }
}

/// The standard reason phrase in parentheses, for the statuses a gateway sends without a body.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        500 => " (Internal Server Error)",
        502 => " (Bad Gateway)",
        503 => " (Service Unavailable)",
        504 => " (Gateway Timeout)",
        429 => " (Too Many Requests)",
        _ => "",
    }
}

/// `: message`, or nothing when the service sent no text.
fn detail_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// The human-readable text of a service error. The Rust SDK finds no `message` in OIDC errors,
/// which put it in `error_description`, so fall back to reading the body.
fn service_message(sdk_message: Option<&str>, body: Option<&[u8]>) -> String {
    if let Some(message) = sdk_message.filter(|m| !m.is_empty()) {
        return message.to_string();
    }
    body.and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok())
        .and_then(|json| {
            ["error_description", "message", "Message"]
                .iter()
                .find_map(|key| json.get(key).and_then(|v| v.as_str()).map(str::to_string))
        })
        .unwrap_or_default()
}

/// The deepest `source()` of an error chain: for a refused connection that is the OS's
/// "Connection refused", which tells the user more than "dispatch failure".
pub(super) fn innermost_cause(error: &dyn std::error::Error) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oidc_error_text_comes_from_error_description() {
        let body = br#"{"error":"invalid_grant","error_description":"Refresh token has expired"}"#;
        assert_eq!(
            service_message(None, Some(body)),
            "Refresh token has expired"
        );
        assert_eq!(service_message(Some("from sdk"), Some(body)), "from sdk");
        assert_eq!(service_message(None, Some(b"not json")), "");
    }

    #[test]
    fn a_bare_gateway_status_reads_as_such() {
        let error = SsoError::Service {
            operation: "GetRoleCredentials",
            code: UNKNOWN_CODE.into(),
            message: String::new(),
            status: 503,
        };
        assert_eq!(
            error.to_string(),
            "GetRoleCredentials failed with HTTP 503 (Service Unavailable)"
        );
    }

    #[test]
    fn which_errors_mean_sign_in_again() {
        assert!(ends_session("InvalidGrantException", 400));
        assert!(ends_session("UnauthorizedException", 401));
        assert!(ends_session("Anything", 401));
        assert!(ends_session("ExpiredTokenException", 400));
        assert!(!ends_session("TooManyRequestsException", 429));
        assert!(!ends_session("AuthorizationPendingException", 400));
    }

    #[test]
    fn refused_source_credentials_are_recognised_by_code() {
        let service = |code: &str| StsError::Service {
            operation: "AssumeRole",
            code: code.into(),
            message: String::new(),
            status: 403,
        };
        assert!(service("InvalidClientTokenId").source_credentials_refused());
        assert!(service("ExpiredToken").source_credentials_refused());
        assert!(!service("AccessDenied").source_credentials_refused());
        let timed_out = StsError::from(TransportError::TimedOut {
            operation: "AssumeRole",
            endpoint: "http://x".into(),
        });
        assert!(!timed_out.source_credentials_refused());
        assert_eq!(
            service("AccessDenied").to_string(),
            "AssumeRole failed with AccessDenied (HTTP 403)"
        );
    }
}
