//! Role credentials in `~/.aws/cli/cache/<key>.json`, the AWS CLI v2's credential cache, so that
//! `aws`, botocore and ssoenv serve each other's credentials until they are about to expire.
//!
//! [`RoleCredentials`] itself is plain data shared with the client layer that fetches it; the
//! CLI's file format is added to it here.

use serde::Serialize;

use super::entry::{json_files, read_if_exists, remove_if_exists};
use super::fields::{Object, json_object, secret_field, string_field, timestamp_field};
use super::python_json::to_python_json;
use super::timestamp::format_cli_timestamp;
use super::{Cache, CacheEntry, CacheError};
use crate::role_credentials::RoleCredentials;

/// The role credential files in one directory (normally `~/.aws/cli/cache`), keyed by
/// [`super::role_credentials_key`] (as `SsoProfile::role_credentials_key` computes it).
pub type RoleCredentialCache = Cache<RoleCredentials>;

#[derive(Serialize)]
struct CliCacheFile<'a> {
    #[serde(rename = "ProviderType")]
    provider_type: &'a str,
    #[serde(rename = "Credentials")]
    credentials: CliCredentials<'a>,
}

/// The `Credentials` object, the same in the SSO and the assume-role files but for how the
/// writer formats `Expiration`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CliCredentials<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
}

impl<'a> CliCredentials<'a> {
    pub(super) fn new(credentials: &'a RoleCredentials, expiration: String) -> Self {
        CliCredentials {
            access_key_id: &credentials.access_key_id,
            secret_access_key: credentials.secret_access_key.expose(),
            session_token: credentials.session_token.expose(),
            expiration,
            account_id: credentials.account_id.as_deref(),
        }
    }
}

/// The `Credentials` object of a file, leniently; `None` unless the key id, secret, session token
/// and a parseable `Expiration` are there.
pub(super) fn credentials_field(object: &Object) -> Option<RoleCredentials> {
    let credentials = object.get("Credentials")?.as_object()?;
    Some(RoleCredentials {
        access_key_id: string_field(credentials, "AccessKeyId").filter(|v| !v.is_empty())?,
        secret_access_key: secret_field(credentials, "SecretAccessKey")
            .filter(|v| !v.is_empty())?,
        session_token: secret_field(credentials, "SessionToken").filter(|v| !v.is_empty())?,
        expiration: timestamp_field(credentials, "Expiration")?,
        account_id: string_field(credentials, "AccountId"),
    })
}

impl RoleCredentials {
    /// Reads `{"ProviderType": "sso", "Credentials": {...}}` leniently; `None` unless the key id,
    /// secret, session token and a parseable `Expiration` are there.
    pub fn parse_cli_cache(bytes: &[u8]) -> Option<Self> {
        credentials_field(&json_object(bytes)?)
    }

    /// The exact bytes the AWS CLI writes to its credential cache for an SSO role.
    pub fn to_cli_cache_json(&self) -> String {
        to_python_json(&CliCacheFile {
            provider_type: "sso",
            credentials: CliCredentials::new(self, format_cli_timestamp(self.expiration)),
        })
    }
}

impl CacheEntry for RoleCredentials {
    fn from_cache_bytes(bytes: &[u8]) -> Option<Self> {
        RoleCredentials::parse_cli_cache(bytes)
    }

    fn to_cache_bytes(&self) -> String {
        self.to_cli_cache_json()
    }
}

impl RoleCredentialCache {
    /// Deletes every `*.json` file with `"ProviderType": "sso"`, whichever tool wrote it, as
    /// `aws sso logout` does; returns how many were deleted. Files of other providers (assume-role
    /// caches) and files that are not JSON are left alone. Keeps going past a file it cannot read
    /// or delete, so one bad file does not keep the others' credentials alive, then reports the
    /// first such failure.
    pub fn remove_all_sso(&self) -> Result<usize, CacheError> {
        let mut removed = 0;
        let mut first_error = None;
        for (_, path) in json_files(self.dir())? {
            let outcome = read_if_exists(&path).and_then(|bytes| match bytes {
                Some(bytes) if is_sso_provider(&bytes) => remove_if_exists(&path).map(|()| 1),
                _ => Ok(0),
            });
            match outcome {
                Ok(count) => removed += count,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(removed),
        }
    }
}

fn is_sso_provider(bytes: &[u8]) -> bool {
    json_object(bytes)
        .is_some_and(|object| object.get("ProviderType").and_then(|v| v.as_str()) == Some("sso"))
}

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;
    use crate::cache::timestamp::utc;

    const REFERENCE: &str = r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "AKID", "SecretAccessKey": "SAK", "SessionToken": "ST", "Expiration": "2025-01-02T06:40:00Z", "AccountId": "123456789012"}}"#;

    #[test]
    fn reference_example_round_trips() {
        let credentials = RoleCredentials::parse_cli_cache(REFERENCE.as_bytes()).unwrap();
        assert_eq!(credentials.access_key_id, "AKID");
        assert_eq!(credentials.account_id.as_deref(), Some("123456789012"));
        let expiration = utc(2025, 1, 2, 6, 40, 0);
        assert_eq!(credentials.expiration, expiration);
        assert_eq!(credentials.to_cli_cache_json(), REFERENCE);
        let now = utc(2025, 1, 2, 6, 0, 0);
        assert_eq!(credentials.remaining(now), Duration::minutes(40));
    }

    #[test]
    fn older_files_without_account_id() {
        let old = r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "AKID", "SecretAccessKey": "SAK", "SessionToken": "ST", "Expiration": "2025-01-02T06:40:00UTC"}}"#;
        let credentials = RoleCredentials::parse_cli_cache(old.as_bytes()).unwrap();
        assert_eq!(credentials.account_id, None);
        assert!(!credentials.to_cli_cache_json().contains("AccountId"));
    }

    #[test]
    fn rejects_incomplete_files() {
        for bytes in [
            &br#"{"ProviderType": "sso"}"#[..],
            br#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "2025-01-02T06:40:00Z"}}"#,
            br#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T"}}"#,
            br#"{"Credentials": "x"}"#,
            b"{",
        ] {
            assert_eq!(RoleCredentials::parse_cli_cache(bytes), None);
        }
    }

    #[test]
    fn debug_hides_secret_and_session_token() {
        let credentials = RoleCredentials {
            secret_access_key: "very-secret-key".into(),
            session_token: "very-secret-token".into(),
            ..RoleCredentials::parse_cli_cache(REFERENCE.as_bytes()).unwrap()
        };
        let shown = format!("{credentials:?}");
        assert!(
            !shown.contains("very-secret") && shown.contains("AKID"),
            "{shown}"
        );
    }

    #[test]
    fn remove_all_sso_leaves_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RoleCredentialCache::new(dir.path().join("cache"));
        assert_eq!(cache.remove_all_sso().unwrap(), 0, "missing directory");
        let credentials = RoleCredentials::parse_cli_cache(REFERENCE.as_bytes()).unwrap();
        cache.store("a", &credentials).unwrap();
        cache.store("b", &credentials).unwrap();
        let assume_role = cache.path("c");
        std::fs::write(
            &assume_role,
            r#"{"Credentials": {}, "AssumedRoleUser": {}}"#,
        )
        .unwrap();
        let garbage = cache.path("d");
        std::fs::write(&garbage, "{\"ProviderType\": \"sso\"").unwrap();
        let not_json = cache.dir().join("e.txt");
        std::fs::write(&not_json, r#"{"ProviderType": "sso"}"#).unwrap();

        assert_eq!(cache.remove_all_sso().unwrap(), 2);
        assert!(!cache.path("a").exists() && !cache.path("b").exists());
        assert!(assume_role.exists() && garbage.exists() && not_json.exists());
    }
}
