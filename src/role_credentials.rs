//! Short-term role credentials as plain data: what the AWS client layer hands out (from the SSO
//! portal's `GetRoleCredentials` or from STS's `AssumeRole`) and what the cache files hold.
//!
//! This module sits below both of them and imports neither, so the network layer does not depend
//! on the cache's file formats and the cache does not depend on the network. Each side adds what
//! it needs in its own module: the cache reads and writes these types in the AWS CLI's formats
//! (as cache entries, in its `role_credentials` and `assumed_role` files), the client layer fills
//! them from the SDK's answers.

use time::{Duration, OffsetDateTime};

use crate::secret::Secret;

/// Short-term credentials of one role. The secret key and session token are [`Secret`]s, so
/// `Debug` never shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    pub expiration: OffsetDateTime,
    /// The account the role is in. Absent in files written by older CLIs.
    pub account_id: Option<String>,
}

/// The longest value ssoenv puts into one environment variable. Linux refuses to start any
/// program whose environment holds a single variable over 128 KiB ("Argument list too long"), so
/// a shell that took a larger one could run nothing more, `ssoenv off` included. Real session
/// tokens are a few KiB.
pub const MAX_ENV_VALUE_BYTES: usize = 64 * 1024;

impl RoleCredentials {
    /// Why these credentials cannot be put into an environment, if they cannot: an empty access
    /// key id or secret, or a value over [`MAX_ENV_VALUE_BYTES`]. Such credentials are refused
    /// where they come from, never cached, and never served from a cache.
    pub fn check_carriable(&self) -> Result<(), String> {
        for (name, value) in [
            ("access key id", self.access_key_id.as_str()),
            ("secret access key", self.secret_access_key.expose()),
            ("session token", self.session_token.expose()),
        ] {
            if value.is_empty() && name != "session token" {
                return Err(format!("an empty {name}"));
            }
            if value.len() > MAX_ENV_VALUE_BYTES {
                return Err(format!(
                    "a {name} of {} bytes, more than an environment variable can safely carry ({MAX_ENV_VALUE_BYTES})",
                    value.len()
                ));
            }
        }
        Ok(())
    }

    /// Time left until `expiration` (negative once expired).
    pub fn remaining(&self, now: OffsetDateTime) -> Duration {
        self.expiration - now
    }
}

/// What one `AssumeRole` call gave: the credentials (with the account id taken from the assumed
/// role's ARN, as botocore adds it) and who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumedRole {
    pub credentials: RoleCredentials,
    /// `AROA…:SESSION`.
    pub assumed_role_id: String,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub arn: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> RoleCredentials {
        RoleCredentials {
            access_key_id: "ASIAVISIBLE".into(),
            secret_access_key: "very-secret-key".into(),
            session_token: "very-secret-token".into(),
            expiration: OffsetDateTime::UNIX_EPOCH,
            account_id: Some("123456789012".into()),
        }
    }

    #[test]
    fn debug_hides_the_secret_key_and_session_token() {
        let assumed = AssumedRole {
            credentials: credentials(),
            assumed_role_id: "AROAEXAMPLE:s".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/R/s".into(),
        };
        let shown = format!("{:?} {assumed:#?}", credentials());
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(
            shown.contains("ASIAVISIBLE") && shown.contains("AROAEXAMPLE"),
            "{shown}"
        );
    }
}
