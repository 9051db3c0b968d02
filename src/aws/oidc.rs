//! SSO OIDC: registering a client, the device authorization, and the three `CreateToken` grants
//! (refresh, device code, authorization code with PKCE), each one SDK operation whose answer is
//! checked for the fields the API promises.

use std::time::Duration;

use time::OffsetDateTime;

use super::{SsoClient, SsoError, TransportError};
use crate::secret::Secret;

/// What `CreateToken` gave back (refresh, device code or authorization code grant).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    pub access_token: Secret,
    pub expires_in: Duration,
    /// `None` when the service sent none: the caller keeps the refresh token it had.
    pub refresh_token: Option<Secret>,
}

/// A client registration from `RegisterClient`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: Secret,
    pub expires_at: OffsetDateTime,
}

/// What `StartDeviceAuthorization` returned: the code the user confirms in a browser. The user
/// code is shown to the user; the device code is what a token is asked for with, so it is secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuthorization {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
}

impl SsoClient {
    /// `CreateToken` with the `refresh_token` grant (no scope, as the CLI does).
    pub fn refresh_token(
        &self,
        client_id: &str,
        client_secret: &Secret,
        refresh_token: &Secret,
    ) -> Result<TokenGrant, SsoError> {
        let call = self
            .oidc
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret.expose())
            .grant_type("refresh_token")
            .refresh_token(refresh_token.expose())
            .send();
        let output = self
            .runtime
            .send("CreateToken", &self.oidc_endpoint, call)?;
        self.token_grant(output)
    }

    /// `CreateToken` with the device code grant; `AuthorizationPendingException` and
    /// `SlowDownException` come back as [`SsoError::Service`] for the poller to act on.
    pub fn create_token_with_device_code(
        &self,
        client: &RegisteredClient,
        device_code: &Secret,
    ) -> Result<TokenGrant, SsoError> {
        let call = self
            .oidc
            .create_token()
            .client_id(&client.client_id)
            .client_secret(client.client_secret.expose())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(device_code.expose())
            .send();
        let output = self
            .runtime
            .send("CreateToken", &self.oidc_endpoint, call)?;
        self.token_grant(output)
    }

    /// `CreateToken` with the authorization code grant (PKCE): `redirect_uri` must be the one the
    /// browser was sent to, port included.
    pub fn create_token_with_code(
        &self,
        client: &RegisteredClient,
        code: &Secret,
        redirect_uri: &str,
        code_verifier: &Secret,
    ) -> Result<TokenGrant, SsoError> {
        let call = self
            .oidc
            .create_token()
            .client_id(&client.client_id)
            .client_secret(client.client_secret.expose())
            .grant_type("authorization_code")
            .code(code.expose())
            .redirect_uri(redirect_uri)
            .code_verifier(code_verifier.expose())
            .send();
        let output = self
            .runtime
            .send("CreateToken", &self.oidc_endpoint, call)?;
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
            access_token: Secret::new(access_token),
            expires_in: Duration::from_secs(output.expires_in().max(0) as u64),
            refresh_token: output
                .refresh_token()
                .filter(|t| !t.is_empty())
                .map(Secret::new),
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
        let output = self
            .runtime
            .send("RegisterClient", &self.oidc_endpoint, call.send())?;
        let bad = |what: &str| TransportError::missing("RegisterClient", &self.oidc_endpoint, what);
        Ok(RegisteredClient {
            client_id: output
                .client_id()
                .ok_or_else(|| bad("clientId"))?
                .to_string(),
            client_secret: Secret::new(output.client_secret().ok_or_else(|| bad("clientSecret"))?),
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
            .client_secret(client.client_secret.expose())
            .start_url(start_url)
            .send();
        let output = self
            .runtime
            .send("StartDeviceAuthorization", &self.oidc_endpoint, call)?;
        let bad = |what: &str| {
            TransportError::missing("StartDeviceAuthorization", &self.oidc_endpoint, what)
        };
        Ok(DeviceAuthorization {
            device_code: Secret::new(output.device_code().ok_or_else(|| bad("deviceCode"))?),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret_of_any_answer() {
        let grant = TokenGrant {
            access_token: "secret-access-token".into(),
            expires_in: Duration::from_secs(60),
            refresh_token: Some("secret-refresh-token".into()),
        };
        let client = RegisteredClient {
            client_id: "visible-client-id".into(),
            client_secret: "secret-client-secret".into(),
            expires_at: OffsetDateTime::UNIX_EPOCH,
        };
        let authorization = DeviceAuthorization {
            device_code: "secret-device-code".into(),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://device.sso.us-east-1.amazonaws.com/".into(),
            verification_uri_complete: None,
            expires_in: Duration::from_secs(600),
            interval: Duration::from_secs(5),
        };
        let shown = format!("{grant:?} {client:#?} {authorization:?}");
        assert!(!shown.contains("secret-"), "{shown}");
        assert!(
            shown.contains("visible-client-id") && shown.contains("ABCD-EFGH"),
            "{shown}"
        );
    }
}
