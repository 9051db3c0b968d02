//! `AssumeRole`, one SDK call with ssoenv's timeouts, retries and error mapping.

use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};
use time::OffsetDateTime;

use super::StsError;
use crate::cache::{AssumedRole, RoleCredentials};
use crate::sso::TransportError;

/// What one hop of a chain asks STS for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssumeRoleRequest<'a> {
    pub role_arn: &'a str,
    /// Always sent: the configured `role_session_name`, or one the caller made up.
    pub role_session_name: &'a str,
    pub external_id: Option<&'a str>,
    pub duration_seconds: Option<u32>,
}

/// STS in one region, with the small runtime that drives it. Each call signs with the source
/// credentials it is given, so one client serves every hop of a chain.
pub struct StsClient {
    runtime: tokio::runtime::Runtime,
    region: String,
    endpoint_override: Option<String>,
    endpoint: String,
}

/// Shown as the credentials' provider in SDK debug output.
const PROVIDER_NAME: &str = "ssoenv-role-chain";

impl StsClient {
    /// STS in `region`, at `endpoint` when overridden.
    pub fn new(region: &str, endpoint: Option<&str>) -> std::io::Result<StsClient> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(StsClient {
            runtime,
            region: region.to_string(),
            endpoint_override: endpoint.map(str::to_string),
            endpoint: endpoint
                .map(str::to_string)
                .unwrap_or_else(|| format!("https://sts.{region}.amazonaws.com")),
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
        let (timeouts, retries) = crate::sso::http_policy();
        // No expiry is given: the chain only passes credentials it checked are valid, and the
        // SDK's own expiry check would only add a second opinion with a different margin.
        let credentials = Credentials::new(
            &source.access_key_id,
            &source.secret_access_key,
            Some(source.session_token.clone()),
            None,
            PROVIDER_NAME,
        );
        let mut config = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .credentials_provider(credentials)
            .timeout_config(timeouts)
            .retry_config(retries);
        if let Some(url) = &self.endpoint_override {
            config = config.endpoint_url(url);
        }
        let client = aws_sdk_sts::Client::from_conf(config.build());
        let call = client
            .assume_role()
            .role_arn(request.role_arn)
            .role_session_name(request.role_session_name)
            .set_external_id(request.external_id.map(str::to_string))
            .set_duration_seconds(request.duration_seconds.map(|s| s as i32))
            .send();
        let output = self
            .runtime
            .block_on(call)
            .map_err(|e| StsError::from_sdk("AssumeRole", &self.endpoint, e))?;
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
        Ok(AssumedRole {
            credentials: RoleCredentials {
                access_key_id: nonempty(credentials.access_key_id(), "AccessKeyId")?,
                secret_access_key: nonempty(credentials.secret_access_key(), "SecretAccessKey")?,
                session_token: nonempty(credentials.session_token(), "SessionToken")?,
                expiration: OffsetDateTime::from_unix_timestamp(credentials.expiration().secs())
                    .ok()
                    .filter(|t| t.unix_timestamp() > 0)
                    .ok_or_else(|| bad("valid Expiration"))?,
                account_id: account_of_arn(user.arn()).map(str::to_string),
            },
            assumed_role_id: user.assumed_role_id().to_string(),
            arn: user.arn().to_string(),
        })
    }
}

/// The account of an ARN (`arn:aws:sts::123456789012:assumed-role/…`), as botocore's
/// `ArnParser` reads it; `None` for anything that is not an ARN.
fn account_of_arn(arn: &str) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    let prefix = fields.next()?;
    let account = fields.nth(3)?;
    fields.next()?;
    (prefix == "arn" && !account.is_empty()).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_comes_from_the_assumed_role_arn() {
        assert_eq!(
            account_of_arn("arn:aws:sts::123456789012:assumed-role/Deploy/s"),
            Some("123456789012")
        );
        assert_eq!(account_of_arn("arn:aws:sts:::x"), None);
        assert_eq!(account_of_arn("not-an-arn"), None);
        assert_eq!(account_of_arn("arn:aws:sts::123"), None);
    }
}
