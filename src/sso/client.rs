//! The calls ssoenv makes, each one SDK operation with ssoenv's timeouts, retries and error mapping.

use std::time::Duration;

use aws_sdk_sso::config::http::HttpResponse;
use aws_sdk_sso::config::retry::RetryConfig;
use aws_sdk_sso::config::timeout::TimeoutConfig;
use aws_sdk_sso::config::{BehaviorVersion, Region};
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use time::OffsetDateTime;

use super::{Endpoints, SsoError, TransportError};
use crate::cache::RoleCredentials;

/// How long one HTTP attempt may take before it is abandoned (and retried). `SSOENV_HTTP_TIMEOUT`
/// (e.g. `5s`) overrides it for slow links or for tests.
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The SDK's standard retry mode: throttling (429) and 5xx are retried with jittered back-off.
const MAX_ATTEMPTS: u32 = 3;

/// The time limits and retries of every AWS call ssoenv makes (SSO and STS alike).
pub(crate) fn http_policy() -> (TimeoutConfig, RetryConfig) {
    http_policy_for(attempt_timeout_from_env())
}

/// `SSOENV_HTTP_TIMEOUT` (e.g. `5s`), else [`DEFAULT_ATTEMPT_TIMEOUT`].
fn attempt_timeout_from_env() -> Duration {
    std::env::var("SSOENV_HTTP_TIMEOUT")
        .ok()
        .and_then(|text| crate::duration::parse_duration(&text).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(DEFAULT_ATTEMPT_TIMEOUT)
}

/// Timeouts and retries for one attempt time limit: connecting gets at most 5 s, the whole call
/// (every attempt and the back-off between them) four times the attempt's limit.
fn http_policy_for(attempt_timeout: Duration) -> (TimeoutConfig, RetryConfig) {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(attempt_timeout.min(Duration::from_secs(5)))
        .operation_attempt_timeout(attempt_timeout)
        .operation_timeout(attempt_timeout * (MAX_ATTEMPTS + 1))
        .build();
    (
        timeouts,
        RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS),
    )
}

/// What `CreateToken` gave back (refresh, device code or authorization code grant).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub access_token: String,
    pub expires_in: Duration,
    /// `None` when the service sent none: the caller keeps the refresh token it had.
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenGrant")
            .field("access_token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A client registration from `RegisterClient`.
#[derive(Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: String,
    pub expires_at: OffsetDateTime,
}

/// What `StartDeviceAuthorization` returned: the code the user confirms in a browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuthorization {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
}

/// An AWS account the signed-in user can reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInfo {
    pub account_id: String,
    pub account_name: String,
    pub email_address: String,
}

/// A role the user may take in an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleInfo {
    pub account_id: String,
    pub role_name: String,
}

/// Clients for both services of one Identity Center region, with the small runtime that drives
/// them. Built only when a call is needed.
pub struct SsoClient {
    pub(super) runtime: tokio::runtime::Runtime,
    oidc: aws_sdk_ssooidc::Client,
    pub(super) portal: aws_sdk_sso::Client,
    oidc_endpoint: String,
    pub(super) portal_endpoint: String,
}

impl SsoClient {
    /// Clients for the Identity Center in `region`, at `endpoints` when overridden, with the
    /// attempt timeout of `SSOENV_HTTP_TIMEOUT` (default 10 s).
    pub fn new(region: &str, endpoints: &Endpoints) -> std::io::Result<SsoClient> {
        Self::with_attempt_timeout(region, endpoints, attempt_timeout_from_env())
    }

    /// [`SsoClient::new`] with an explicit time limit per HTTP attempt (the whole call, retries
    /// and back-off included, may take four times that).
    pub fn with_attempt_timeout(
        region: &str,
        endpoints: &Endpoints,
        attempt_timeout: Duration,
    ) -> std::io::Result<SsoClient> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (timeouts, retries) = http_policy_for(attempt_timeout);

        let mut oidc = aws_sdk_ssooidc::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .timeout_config(timeouts.clone())
            .retry_config(retries.clone());
        if crate::debug::enabled() {
            oidc = oidc.interceptor(super::trace::AttemptTrace::default());
        }
        if let Some(url) = &endpoints.oidc {
            oidc = oidc.endpoint_url(url);
        }
        let mut portal = aws_sdk_sso::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .timeout_config(timeouts)
            .retry_config(retries);
        if crate::debug::enabled() {
            portal = portal.interceptor(super::trace::AttemptTrace::default());
        }
        if let Some(url) = &endpoints.portal {
            portal = portal.endpoint_url(url);
        }
        Ok(SsoClient {
            runtime,
            oidc: aws_sdk_ssooidc::Client::from_conf(oidc.build()),
            portal: aws_sdk_sso::Client::from_conf(portal.build()),
            oidc_endpoint: endpoints
                .oidc
                .clone()
                .unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com")),
            portal_endpoint: endpoints
                .portal
                .clone()
                .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com")),
        })
    }

    /// Runs one SDK call to completion, turning its error into an [`SsoError`] and tracing the
    /// call and its outcome under `--debug` (each attempt is traced by [`super::trace`]).
    fn send<T, E>(
        &self,
        operation: &'static str,
        endpoint: &str,
        call: impl std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, SsoError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        crate::debug!("{operation} → {endpoint}");
        let started = std::time::Instant::now();
        let outcome = self
            .runtime
            .block_on(call)
            .map_err(|e| SsoError::from_sdk(operation, endpoint, e));
        let elapsed = started.elapsed().as_millis();
        match &outcome {
            Ok(_) => crate::debug!("{operation} succeeded in {elapsed} ms"),
            Err(error) => crate::debug!("{operation} failed after {elapsed} ms: {error}"),
        }
        outcome
    }

    /// Where SSO OIDC is reached; the browser is sent to its `/authorize`.
    pub fn oidc_endpoint(&self) -> &str {
        &self.oidc_endpoint
    }

    /// `CreateToken` with the `refresh_token` grant (no scope, as the CLI does).
    pub fn refresh_token(
        &self,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
    ) -> Result<TokenGrant, SsoError> {
        let call = self
            .oidc
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret)
            .grant_type("refresh_token")
            .refresh_token(refresh_token)
            .send();
        let output = self.send("CreateToken", &self.oidc_endpoint, call)?;
        self.token_grant(output)
    }

    /// `CreateToken` with the device code grant; `AuthorizationPendingException` and
    /// `SlowDownException` come back as [`SsoError::Service`] for the poller to act on.
    pub fn create_token_with_device_code(
        &self,
        client: &RegisteredClient,
        device_code: &str,
    ) -> Result<TokenGrant, SsoError> {
        let call = self
            .oidc
            .create_token()
            .client_id(&client.client_id)
            .client_secret(&client.client_secret)
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(device_code)
            .send();
        let output = self.send("CreateToken", &self.oidc_endpoint, call)?;
        self.token_grant(output)
    }

    /// `CreateToken` with the authorization code grant (PKCE): `redirect_uri` must be the one the
    /// browser was sent to, port included.
    pub fn create_token_with_code(
        &self,
        client: &RegisteredClient,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
    ) -> Result<TokenGrant, SsoError> {
        let call = self
            .oidc
            .create_token()
            .client_id(&client.client_id)
            .client_secret(&client.client_secret)
            .grant_type("authorization_code")
            .code(code)
            .redirect_uri(redirect_uri)
            .code_verifier(code_verifier)
            .send();
        let output = self.send("CreateToken", &self.oidc_endpoint, call)?;
        self.token_grant(output)
    }

    fn token_grant(
        &self,
        output: aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    ) -> Result<TokenGrant, SsoError> {
        let access_token = output
            .access_token()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                TransportError::missing("CreateToken", &self.oidc_endpoint, "accessToken")
            })?;
        Ok(TokenGrant {
            access_token: access_token.to_string(),
            expires_in: Duration::from_secs(output.expires_in().max(0) as u64),
            refresh_token: output
                .refresh_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        })
    }

    /// `RegisterClient`. For the PKCE flow pass the redirect URI (registered without a port) and
    /// the issuer URL (the start URL); for the device flow pass `None`.
    pub fn register_client(
        &self,
        client_name: &str,
        scopes: Option<&[String]>,
        pkce: Option<(&str, &str)>,
    ) -> Result<RegisteredClient, SsoError> {
        let mut call = self
            .oidc
            .register_client()
            .client_name(client_name)
            .client_type("public")
            .set_scopes(scopes.map(<[String]>::to_vec));
        if let Some((redirect_uri, issuer_url)) = pkce {
            call = call
                .grant_types("authorization_code")
                .grant_types("refresh_token")
                .redirect_uris(redirect_uri)
                .issuer_url(issuer_url);
        }
        let output = self.send("RegisterClient", &self.oidc_endpoint, call.send())?;
        let bad = |what: &str| TransportError::missing("RegisterClient", &self.oidc_endpoint, what);
        Ok(RegisteredClient {
            client_id: output
                .client_id()
                .ok_or_else(|| bad("clientId"))?
                .to_string(),
            client_secret: output
                .client_secret()
                .ok_or_else(|| bad("clientSecret"))?
                .to_string(),
            expires_at: OffsetDateTime::from_unix_timestamp(output.client_secret_expires_at())
                .map_err(|_| bad("valid clientSecretExpiresAt"))?,
        })
    }

    /// `StartDeviceAuthorization` for `start_url`.
    pub fn start_device_authorization(
        &self,
        client: &RegisteredClient,
        start_url: &str,
    ) -> Result<DeviceAuthorization, SsoError> {
        let call = self
            .oidc
            .start_device_authorization()
            .client_id(&client.client_id)
            .client_secret(&client.client_secret)
            .start_url(start_url)
            .send();
        let output = self.send("StartDeviceAuthorization", &self.oidc_endpoint, call)?;
        let bad = |what: &str| {
            TransportError::missing("StartDeviceAuthorization", &self.oidc_endpoint, what)
        };
        Ok(DeviceAuthorization {
            device_code: output
                .device_code()
                .ok_or_else(|| bad("deviceCode"))?
                .into(),
            user_code: output.user_code().ok_or_else(|| bad("userCode"))?.into(),
            verification_uri: output
                .verification_uri()
                .ok_or_else(|| bad("verificationUri"))?
                .into(),
            verification_uri_complete: output.verification_uri_complete().map(str::to_string),
            expires_in: Duration::from_secs(output.expires_in().max(0) as u64),
            // The CLI polls every 5 s when the service names no interval.
            interval: Duration::from_secs(match output.interval() {
                n if n > 0 => n as u64,
                _ => 5,
            }),
        })
    }

    /// `GetRoleCredentials`: the role's short-term credentials for the signed-in user.
    pub fn get_role_credentials(
        &self,
        access_token: &str,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, SsoError> {
        let call = self
            .portal
            .get_role_credentials()
            .access_token(access_token)
            .account_id(account_id)
            .role_name(role_name)
            .send();
        let output = self.send("GetRoleCredentials", &self.portal_endpoint, call)?;
        let bad =
            |what: &str| TransportError::missing("GetRoleCredentials", &self.portal_endpoint, what);
        let credentials = output
            .role_credentials()
            .ok_or_else(|| bad("roleCredentials"))?;
        Ok(RoleCredentials {
            access_key_id: credentials
                .access_key_id()
                .ok_or_else(|| bad("accessKeyId"))?
                .into(),
            secret_access_key: credentials
                .secret_access_key()
                .ok_or_else(|| bad("secretAccessKey"))?
                .into(),
            session_token: credentials
                .session_token()
                .ok_or_else(|| bad("sessionToken"))?
                .into(),
            expiration: OffsetDateTime::from_unix_timestamp_nanos(
                i128::from(credentials.expiration()) * 1_000_000,
            )
            .ok()
            .filter(|t| t.unix_timestamp() > 0)
            .ok_or_else(|| bad("valid expiration"))?,
            account_id: Some(account_id.to_string()),
        })
    }

    /// `ListAccounts`, every page.
    pub fn list_accounts(&self, access_token: &str) -> Result<Vec<AccountInfo>, SsoError> {
        let mut accounts = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let call = self
                .portal
                .list_accounts()
                .access_token(access_token)
                .max_results(100)
                .set_next_token(next_token.take())
                .send();
            let output = self.send("ListAccounts", &self.portal_endpoint, call)?;
            accounts.extend(output.account_list().iter().map(|a| AccountInfo {
                account_id: a.account_id().unwrap_or_default().to_string(),
                account_name: a.account_name().unwrap_or_default().to_string(),
                email_address: a.email_address().unwrap_or_default().to_string(),
            }));
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => return Ok(accounts),
            }
        }
    }

    /// `ListAccountRoles`, every page.
    pub fn list_account_roles(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, SsoError> {
        self.runtime
            .block_on(self.account_roles(access_token, account_id))
    }

    /// `Logout`: ends the session the access token belongs to.
    pub fn logout(&self, access_token: &str) -> Result<(), SsoError> {
        let call = self.portal.logout().access_token(access_token).send();
        self.send("Logout", &self.portal_endpoint, call).map(|_| ())
    }
}
