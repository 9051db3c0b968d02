//! A failed `AssumeRole`, sorted by what the caller can do about it.

use aws_sdk_sts::config::http::HttpResponse as Response;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

use crate::sso::{CallFailure, TransportError};

/// A failed call to STS. Never carries a credential.
#[derive(Debug, thiserror::Error)]
pub enum StsError {
    /// STS answered with an error: `AccessDenied` (trust policy, external id), `ValidationError`
    /// (e.g. a `duration_seconds` the role does not allow), `InvalidClientTokenId` /
    /// `ExpiredToken` (the source credentials were refused), throttling after retries.
    #[error("{operation} failed with {code} (HTTP {status}){}", detail_suffix(.message))]
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

fn detail_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
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

    /// Turns an SDK error into an [`StsError`]. `endpoint` names where the call went.
    pub(crate) fn from_sdk<E>(
        operation: &'static str,
        endpoint: &str,
        error: SdkError<E, Response>,
    ) -> StsError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match CallFailure::of(operation, endpoint, error) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
