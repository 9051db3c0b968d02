//! Credentials of roles assumed with STS (role chaining), in `~/.aws/cli/cache/<key>.json`: the
//! files the AWS CLI's assume-role provider keeps there, so that `aws --profile chained …`,
//! botocore with the CLI's cache, and ssoenv serve each other's assumed-role credentials.
//!
//! The CLI stores the `AssumeRole` answer as botocore parsed it, through `JSONFileCache`'s default
//! `json.dumps`, which writes the expiry with `strftime('%Y-%m-%dT%H:%M:%S%Z')`, i.e.
//! `2025-01-02T06:40:00UTC`. ssoenv writes the same bytes for the parts every reader uses
//! (`Credentials`, then `AssumedRoleUser`) and leaves out the HTTP `ResponseMetadata`, which no
//! reader looks at. Reading accepts any writer's timestamp form, as for the SSO role cache.
//!
//! [`AssumedRole`] itself is plain data shared with the client layer that assumes the role; the
//! CLI's file format is added to it here.

use serde::Serialize;

use super::fields::{json_object, string_field};
use super::python_json::to_python_json;
use super::role_credentials::{CliCredentials, credentials_field};
use super::timestamp::format_python_timestamp;
use super::{Cache, CacheEntry};
use crate::role_credentials::AssumedRole;

/// The assume-role credential files in one directory (normally `~/.aws/cli/cache`), keyed by
/// [`super::assume_role_key`]. The directory is the SSO role cache's; the keys never collide
/// because they hash different JSON documents.
pub type AssumedRoleCache = Cache<AssumedRole>;

#[derive(Serialize)]
struct CliAssumeRoleFile<'a> {
    #[serde(rename = "Credentials")]
    credentials: CliCredentials<'a>,
    #[serde(rename = "AssumedRoleUser")]
    assumed_role_user: CliAssumedRoleUser<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CliAssumedRoleUser<'a> {
    assumed_role_id: &'a str,
    arn: &'a str,
}

impl AssumedRole {
    /// Reads an assume-role file leniently: `None` unless its `Credentials` are complete (as for
    /// the SSO role cache, with `AccountId` when the writer added it). A missing or odd
    /// `AssumedRoleUser` reads as empty strings: only the credentials are served from the file.
    pub fn parse_cli_cache(bytes: &[u8]) -> Option<Self> {
        let object = json_object(bytes)?;
        let credentials = credentials_field(&object)?;
        let user = object
            .get("AssumedRoleUser")
            .and_then(|user| user.as_object());
        let user_field = |name| user.and_then(|user| string_field(user, name));
        Some(AssumedRole {
            credentials,
            assumed_role_id: user_field("AssumedRoleId").unwrap_or_default(),
            arn: user_field("Arn").unwrap_or_default(),
        })
    }

    /// The bytes the AWS CLI writes for this answer (without `ResponseMetadata`).
    pub fn to_cli_cache_json(&self) -> String {
        let credentials = &self.credentials;
        to_python_json(&CliAssumeRoleFile {
            credentials: CliCredentials::new(
                credentials,
                format_python_timestamp(credentials.expiration),
            ),
            assumed_role_user: CliAssumedRoleUser {
                assumed_role_id: &self.assumed_role_id,
                arn: &self.arn,
            },
        })
    }
}

impl CacheEntry for AssumedRole {
    fn from_cache_bytes(bytes: &[u8]) -> Option<Self> {
        AssumedRole::parse_cli_cache(bytes)
    }

    fn to_cache_bytes(&self) -> String {
        self.to_cli_cache_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::timestamp::utc;
    use crate::role_credentials::RoleCredentials;

    fn assumed() -> AssumedRole {
        AssumedRole {
            credentials: RoleCredentials {
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: "secret".into(),
                session_token: "token".into(),
                expiration: utc(2025, 1, 2, 6, 40, 0),
                account_id: Some("123456789012".into()),
            },
            assumed_role_id: "AROAEXAMPLE:ssoenv-1".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/Deploy/ssoenv-1".into(),
        }
    }

    #[test]
    fn writes_what_the_cli_writes() {
        assert_eq!(
            assumed().to_cli_cache_json(),
            r#"{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token", "Expiration": "2025-01-02T06:40:00UTC", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:ssoenv-1", "Arn": "arn:aws:sts::123456789012:assumed-role/Deploy/ssoenv-1"}}"#
        );
    }

    #[test]
    fn stored_files_read_back_and_cli_files_with_metadata_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AssumedRoleCache::new(dir.path().join("cli/cache"));
        assert_eq!(cache.load("k").unwrap(), None);
        cache.store("k", &assumed()).unwrap();
        assert_eq!(cache.load("k").unwrap(), Some(assumed()));

        let from_cli = r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2025-01-02T06:40:00UTC"}, "AssumedRoleUser": {"AssumedRoleId": "X:y", "Arn": "arn"}, "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}"#;
        std::fs::write(cache.path("cli"), from_cli).unwrap();
        let read = cache.load("cli").unwrap().unwrap();
        assert_eq!(read.credentials.access_key_id, "A");
        assert_eq!(read.credentials.account_id, None);
        assert_eq!(
            read.credentials.expiration,
            assumed().credentials.expiration
        );
        assert_eq!(
            (read.assumed_role_id.as_str(), read.arn.as_str()),
            ("X:y", "arn")
        );

        cache.remove("k").unwrap();
        cache.remove("k").unwrap();
        assert_eq!(cache.load("k").unwrap(), None);
    }

    #[test]
    fn a_file_without_the_assumed_role_user_still_gives_its_credentials() {
        let bare = br#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2025-01-02T06:40:00Z"}, "AssumedRoleUser": 7}"#;
        let read = AssumedRole::parse_cli_cache(bare).expect("credentials are enough");
        assert_eq!(read.credentials.session_token, "T");
        assert_eq!((read.assumed_role_id.as_str(), read.arn.as_str()), ("", ""));
        assert_eq!(
            AssumedRole::parse_cli_cache(br#"{"AssumedRoleUser": {}}"#),
            None
        );
    }
}
