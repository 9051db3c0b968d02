//! The profiles whose credentials come neither from SSO nor from assuming a role with another
//! profile's: what each kind is made of, as read from the files (the `role_chain` module reads
//! them; the `profile_kinds` module gets their credentials).

use std::path::PathBuf;

use crate::cache::{AssumeRoleArgs, assume_role_key};
use crate::secret::Secret;

/// A profile whose credentials do not come from SSO nor from assuming a role with another
/// profile's credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseProfile {
    pub profile: String,
    /// The profile's own `region`.
    pub region: Option<String>,
    pub source: BaseSource,
}

/// Where a [`BaseProfile`]'s credentials come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseSource {
    /// `aws_access_key_id` and `aws_secret_access_key` (and maybe `aws_session_token`) in the
    /// credentials file or the config file.
    StaticKeys(StaticKeys),
    /// `credential_process = COMMAND`.
    CredentialProcess { command: String },
    /// `web_identity_token_file` with `role_arn`.
    WebIdentity(WebIdentity),
    /// `login_session = ARN` (`aws login`).
    LoginSession { session_arn: String },
    /// `credential_source` of a role profile: the credentials the role is assumed with.
    Named(NamedSource),
}

/// Long-term keys as the file holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticKeys {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    /// `aws_session_token` (or botocore's older `aws_security_token`): keys that are temporary
    /// after all, but the file gives no expiry, so they are served as long-term.
    pub session_token: Option<Secret>,
    pub account_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebIdentity {
    pub role_arn: String,
    pub token_file: PathBuf,
    /// `None`: a name is made up for each call and left out of the cache key, as in botocore.
    pub role_session_name: Option<String>,
}

impl WebIdentity {
    /// The file in `~/.aws/cli/cache` botocore keeps this role's credentials in: the same
    /// hash as an assumed role's, of `RoleArn` and `RoleSessionName` only.
    pub fn cache_key(&self) -> String {
        assume_role_key(&AssumeRoleArgs {
            role_arn: &self.role_arn,
            role_session_name: self.role_session_name.as_deref(),
            external_id: None,
            serial_number: None,
            duration_seconds: None,
        })
    }
}

/// The three values of `credential_source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedSource {
    /// `AWS_ACCESS_KEY_ID` and the other variables of the environment ssoenv runs in.
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl NamedSource {
    /// The value of `credential_source`, as the AWS CLI spells it.
    pub fn parse(value: &str) -> Option<NamedSource> {
        match value {
            "Environment" => Some(NamedSource::Environment),
            "Ec2InstanceMetadata" => Some(NamedSource::Ec2InstanceMetadata),
            "EcsContainer" => Some(NamedSource::EcsContainer),
            _ => None,
        }
    }
}
