//! The console's federation endpoint (`https://signin.aws.amazon.com/federation` or its
//! partition's): role credentials are exchanged for a sign-in token, valid once and for 15
//! minutes, which the console's login URL then carries instead of the credentials.
//!
//! Not an SDK service, so the call is made here with the SDK's own HTTPS client stack (hyper
//! with rustls, as the other clients of the layer use), under the same attempt time limit
//! (`SSOENV_HTTP_TIMEOUT`). The request is a GET whose query carries the three credential parts,
//! as the endpoint requires: the URL is built in memory and sent, never logged nor put into an
//! argv; the `--debug` trace shows the endpoint and the status only, and both the encoded
//! `Session` parameter and the token that comes back are [`Secret`]s, blanked wherever they
//! would turn up in the trace.
//!
//! `SessionDuration` is never sent: it is refused for credentials that came from a role session
//! (IAM Identity Center role credentials and every `AssumeRole` of a chain are such credentials),
//! so the console session ends when the credentials do.

use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::http::Request;
use aws_smithy_types::byte_stream::ByteStream;

use super::TransportError;
use super::error::innermost_cause;
use super::partition::Partition;
use super::runtime::attempt_timeout_from_env;
use crate::role_credentials::RoleCredentials;
use crate::secret::Secret;

const OPERATION: &str = "getSigninToken";
/// The longest error text kept from a refusal: enough for a message, not a page of HTML.
const MAX_DETAIL_CHARS: usize = 200;

/// A failed exchange. Never carries a credential or a token.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The endpoint answered, but not with a token: it refused the credentials (expired, not a
    /// role session's) or the request.
    #[error("the console sign-in endpoint {endpoint} refused the credentials (HTTP {status}){}", if .detail.is_empty() { String::new() } else { format!(": {}", .detail) })]
    Refused {
        endpoint: String,
        status: u16,
        detail: String,
    },
    /// An override that would send the credentials in clear text over the network.
    #[error(
        "AWS_ENDPOINT_URL_SIGNIN / AWS_ENDPOINT_URL {endpoint} is not an https:// URL; plain http:// is accepted only for 127.0.0.1, ::1 and localhost"
    )]
    NotHttps { endpoint: String },
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// The federation endpoint of one partition, or of an override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FederationEndpoint {
    /// `https://signin.aws.amazon.com` or the override, without a trailing `/`.
    base: String,
}

impl FederationEndpoint {
    /// `endpoint_override` (from [`super::resolve_signin_endpoint`]) when set, else the
    /// partition's sign-in host. An override must be HTTPS unless it is on this machine.
    pub fn new(
        endpoint_override: Option<&str>,
        partition: Partition,
    ) -> Result<FederationEndpoint, FederationError> {
        let base = match endpoint_override {
            Some(url) if is_https_or_loopback(url) => url.trim_end_matches('/').to_string(),
            Some(url) => {
                return Err(FederationError::NotHttps {
                    endpoint: url.to_string(),
                });
            }
            None => format!("https://{}", partition.signin_host()),
        };
        Ok(FederationEndpoint { base })
    }

    /// `…/federation`: where tokens are asked for and the login URL points.
    pub fn federation_url(&self) -> String {
        format!("{}/federation", self.base)
    }

    /// `…/oauth`: the console's sign-out.
    pub fn oauth_url(&self) -> String {
        format!("{}/oauth", self.base)
    }

    /// Exchanges `credentials` for a one-time sign-in token.
    pub fn signin_token(&self, credentials: &RoleCredentials) -> Result<Secret, FederationError> {
        let endpoint = self.federation_url();
        let session = Secret::new(
            serde_json::json!({
                "sessionId": credentials.access_key_id,
                "sessionKey": credentials.secret_access_key.expose(),
                "sessionToken": credentials.session_token.expose(),
            })
            .to_string(),
        );
        // The encoded form differs from the parts (`/`, `+`, `=` are escaped), so it is a secret
        // of its own for the redactor.
        let encoded_session = Secret::new(
            form_urlencoded::byte_serialize(session.expose().as_bytes()).collect::<String>(),
        );
        let request_url = Secret::new(format!(
            "{endpoint}?Action=getSigninToken&Session={}",
            encoded_session.expose()
        ));

        crate::debug!("{OPERATION} → {endpoint}");
        let started = std::time::Instant::now();
        let outcome = self.exchange(&endpoint, &request_url);
        let elapsed = started.elapsed().as_millis();
        match &outcome {
            Ok(_) => crate::debug!("{OPERATION} succeeded in {elapsed} ms"),
            Err(error) => crate::debug!("{OPERATION} failed after {elapsed} ms: {error}"),
        }
        outcome
    }

    fn exchange(&self, endpoint: &str, request_url: &Secret) -> Result<Secret, FederationError> {
        let unreachable = |detail: String| TransportError::Unreachable {
            operation: OPERATION,
            endpoint: endpoint.to_string(),
            detail,
        };
        let bad_response = |detail: &str| TransportError::BadResponse {
            operation: OPERATION,
            endpoint: endpoint.to_string(),
            detail: detail.to_string(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| unreachable(error.to_string()))?;
        let connector =
            aws_smithy_http_client::default_connector(&HttpConnectorSettings::default(), None)
                .ok_or_else(|| unreachable("no HTTPS client is built in".to_string()))?;
        // The URL holds the credentials: an error about it must not quote it.
        let request = Request::get(request_url.expose())
            .map_err(|_| unreachable("the endpoint is not a valid URL".to_string()))?;

        let (status, body) = runtime
            .block_on(async {
                tokio::time::timeout(attempt_timeout_from_env(), async {
                    let response = connector
                        .call(request)
                        .await
                        .map_err(|error| unreachable(innermost_cause(&error)))?;
                    let status = response.status().as_u16();
                    crate::debug!("  attempt 1: HTTP {status}");
                    let body = ByteStream::new(response.into_body())
                        .collect()
                        .await
                        .map_err(|error| unreachable(innermost_cause(&error)))?
                        .to_vec();
                    Ok::<_, TransportError>((status, body))
                })
                .await
            })
            .map_err(|_| TransportError::TimedOut {
                operation: OPERATION,
                endpoint: endpoint.to_string(),
            })??;

        if status != 200 {
            return Err(FederationError::Refused {
                endpoint: endpoint.to_string(),
                status,
                detail: refusal_detail(&body),
            });
        }
        let answer: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| bad_response("not JSON"))?;
        let token = answer
            .get("SigninToken")
            .and_then(serde_json::Value::as_str)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| bad_response("no SigninToken in the answer"))?;
        Ok(Secret::new(token))
    }
}

/// What a refusal says, short and printable (the endpoint answers plain text or a page).
fn refusal_detail(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown: String = text.chars().take(MAX_DETAIL_CHARS).collect();
    crate::display::printable(&shown).into_owned()
}

/// `https://…`, or `http://` to this machine (an emulator, a local proxy).
fn is_https_or_loopback(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return true;
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_must_be_https_unless_on_this_machine() {
        for accepted in [
            "https://signin.example.com",
            "http://127.0.0.1:4566",
            "http://127.1.2.3",
            "http://[::1]:8080/",
            "http://localhost:9000",
        ] {
            assert!(is_https_or_loopback(accepted), "{accepted}");
        }
        for refused in [
            "http://signin.example.com",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "ftp://127.0.0.1",
            "signin.aws.amazon.com",
        ] {
            assert!(!is_https_or_loopback(refused), "{refused}");
        }
    }

    #[test]
    fn the_partition_picks_the_endpoint_unless_overridden() {
        let gov = FederationEndpoint::new(None, Partition::AwsUsGov).unwrap();
        assert_eq!(
            gov.federation_url(),
            "https://signin.amazonaws-us-gov.com/federation"
        );
        let local = FederationEndpoint::new(Some("http://127.0.0.1:9/"), Partition::Aws).unwrap();
        assert_eq!(local.oauth_url(), "http://127.0.0.1:9/oauth");
        assert!(matches!(
            FederationEndpoint::new(Some("http://example.com"), Partition::Aws),
            Err(FederationError::NotHttps { .. })
        ));
    }
}
