//! STS for role chaining: `AssumeRole`, signed with a source profile's credentials, made like
//! every other call of the layer (same timeouts, retries, `--debug` trace and error reading).

use aws_sdk_sts::config::Credentials;
use time::OffsetDateTime;

use super::arn::account_of_arn;
use super::endpoints::default_sts_endpoint;
use super::runtime::{Runtime, attempt_timeout_from_env, sdk_config};
use super::{StsError, TransportError};
use crate::role_credentials::{AssumedRole, RoleCredentials};
use crate::secret::Secret;

/// What one hop of a chain asks STS for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssumeRoleRequest<'a> {
    pub role_arn: &'a str,
    /// Always sent: the configured `role_session_name`, or one the caller made up.
    pub role_session_name: &'a str,
    pub external_id: Option<&'a str>,
    pub duration_seconds: Option<u32>,
    /// `mfa_serial`, sent with `token_code`.
    pub serial_number: Option<&'a str>,
    pub token_code: Option<&'a str>,
}

/// STS in one region, with the small runtime that drives it. Each call signs with the source
/// credentials it is given, so one client serves every hop of a chain.
pub struct StsClient {
    runtime: Runtime<StsError>,
    endpoint_override: Option<String>,
    /// Where STS is reached, for messages.
    endpoint: String,
}

/// Shown as the credentials' provider in SDK debug output.
const PROVIDER_NAME: &str = "ssoenv-role-chain";

impl StsClient {
    /// STS in `region`, at `endpoint` when overridden, with the attempt timeout of
    /// `SSOENV_HTTP_TIMEOUT` (default 10 s).
    pub fn new(region: &str, endpoint: Option<&str>) -> std::io::Result<StsClient> {
        Ok(StsClient {
            runtime: Runtime::new(region, attempt_timeout_from_env())?,
            endpoint_override: endpoint.map(str::to_string),
            endpoint: endpoint
                .map(str::to_string)
                .unwrap_or_else(|| default_sts_endpoint(region)),
        })
    }

    /// Where STS is reached, for messages.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// `AssumeRole`, signed with `source`.
    pub fn assume_role(
        &self,
        source: &RoleCredentials,
        request: &AssumeRoleRequest<'_>,
    ) -> Result<AssumedRole, StsError> {
        // No expiry is given: the chain only passes credentials it checked are valid, and the
        // SDK's own expiry check would only add a second opinion with a different margin.
        let credentials = Credentials::new(
            &source.access_key_id,
            source.secret_access_key.expose(),
            // Long-term keys (a chain from static keys) have no session token.
            Some(source.session_token.expose().to_string()).filter(|token| !token.is_empty()),
            None,
            PROVIDER_NAME,
        );
        // The signing credentials are part of the SDK client's config, so each call builds its
        // own (cheap: the runtime, which is the costly part, is shared).
        let config = sdk_config!(aws_sdk_sts, self.runtime, self.endpoint_override.clone())
            .credentials_provider(credentials)
            .build();
        let call = aws_sdk_sts::Client::from_conf(config)
            .assume_role()
            .role_arn(request.role_arn)
            .role_session_name(request.role_session_name)
            .set_external_id(request.external_id.map(str::to_string))
            .set_duration_seconds(request.duration_seconds.map(|s| s as i32))
            .set_serial_number(request.serial_number.map(str::to_string))
            .set_token_code(request.token_code.map(str::to_string))
            .send();
        let output = self.runtime.send("AssumeRole", &self.endpoint, call)?;
        let bad = |what: &str| {
            StsError::from(TransportError::missing("AssumeRole", &self.endpoint, what))
        };
        let credentials = output.credentials().ok_or_else(|| bad("Credentials"))?;
        let user = output
            .assumed_role_user()
            .ok_or_else(|| bad("AssumedRoleUser"))?;
        let nonempty = |value: &str, what: &str| {
            if value.is_empty() {
                Err(bad(what))
            } else {
                Ok(value.to_string())
            }
        };
        let assumed = AssumedRole {
            credentials: RoleCredentials {
                access_key_id: nonempty(credentials.access_key_id(), "AccessKeyId")?,
                secret_access_key: Secret::new(nonempty(
                    credentials.secret_access_key(),
                    "SecretAccessKey",
                )?),
                session_token: Secret::new(nonempty(credentials.session_token(), "SessionToken")?),
                expiration: OffsetDateTime::from_unix_timestamp(credentials.expiration().secs())
                    .ok()
                    .filter(|t| t.unix_timestamp() > 0)
                    .ok_or_else(|| bad("valid Expiration"))?,
                account_id: account_of_arn(user.arn()).map(str::to_string),
            },
            assumed_role_id: user.assumed_role_id().to_string(),
            arn: user.arn().to_string(),
        };
        assumed
            .credentials
            .check_carriable()
            .map_err(|detail| TransportError::BadResponse {
                operation: "AssumeRole",
                endpoint: self.endpoint.clone(),
                detail,
            })?;
        Ok(assumed)
    }
}
