//! Role credentials in `~/.aws/cli/cache/<key>.json`, the AWS CLI v2's credential cache, so that
//! `aws`, botocore and ssoenv serve each other's credentials until they are about to expire.
//!
//! [`RoleCredentials`] itself is plain data shared with the client layer that fetches it; the
//! CLI's file format is added to it here.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::python_json::to_python_json;
use super::timestamp::format_cli_timestamp;
use super::{
    CacheError, CacheLock, cache_file, ensure_dir, json_files, json_object, lock_file,
    read_if_exists, remove_if_exists, store_file, string_field, timestamp_field,
};
use crate::role_credentials::RoleCredentials;

#[derive(Serialize)]
struct CliCacheFile<'a> {
    #[serde(rename = "ProviderType")]
    provider_type: &'a str,
    #[serde(rename = "Credentials")]
    credentials: CliCredentials<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CliCredentials<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
}

impl RoleCredentials {
    /// Reads `{"ProviderType": "sso", "Credentials": {...}}` leniently; `None` unless the key id,
    /// secret, session token and a parseable `Expiration` are there.
    pub fn parse_cli_cache(bytes: &[u8]) -> Option<Self> {
        let object = json_object(bytes)?;
        let credentials = object.get("Credentials")?.as_object()?;
        let required = |name| string_field(credentials, name).filter(|v| !v.is_empty());
        Some(RoleCredentials {
            access_key_id: required("AccessKeyId")?,
            secret_access_key: required("SecretAccessKey")?,
            session_token: required("SessionToken")?,
            expiration: timestamp_field(credentials, "Expiration")?,
            account_id: string_field(credentials, "AccountId"),
        })
    }

    /// The exact bytes the AWS CLI writes to its credential cache for an SSO role.
    pub fn to_cli_cache_json(&self) -> String {
        to_python_json(&CliCacheFile {
            provider_type: "sso",
            credentials: CliCredentials {
                access_key_id: &self.access_key_id,
                secret_access_key: &self.secret_access_key,
                session_token: &self.session_token,
                expiration: format_cli_timestamp(self.expiration),
                account_id: self.account_id.as_deref(),
            },
        })
    }
}

/// The role credential files in one directory (normally `~/.aws/cli/cache`), keyed by
/// [`super::role_credentials_key`].
#[derive(Clone, Debug)]
pub struct RoleCredentialCache {
    dir: PathBuf,
}

impl RoleCredentialCache {
    pub fn new(dir: PathBuf) -> Self {
        RoleCredentialCache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/<key>.json`.
    pub fn path(&self, key: &str) -> PathBuf {
        cache_file(&self.dir, key)
    }

    /// The cached credentials; `Ok(None)` when absent or unreadable as credentials.
    pub fn load(&self, key: &str) -> Result<Option<RoleCredentials>, CacheError> {
        Ok(read_if_exists(&self.path(key))?
            .and_then(|bytes| RoleCredentials::parse_cli_cache(&bytes)))
    }

    /// Writes the credentials in the CLI's format, atomically, mode 0600.
    pub fn store(&self, key: &str, credentials: &RoleCredentials) -> Result<(), CacheError> {
        store_file(
            &self.dir,
            &self.path(key),
            credentials.to_cli_cache_json().as_bytes(),
        )
    }

    /// Deletes the credentials file; one that is already gone is fine.
    pub fn remove(&self, key: &str) -> Result<(), CacheError> {
        remove_if_exists(&self.path(key))
    }

    /// Deletes every `*.json` file with `"ProviderType": "sso"`, whichever tool wrote it, as
    /// `aws sso logout` does; returns how many were deleted. Files of other providers (assume-role
    /// caches) and files that are not JSON are left alone. Keeps going past a file it cannot read
    /// or delete, so one bad file does not keep the others' credentials alive, then reports the
    /// first such failure.
    pub fn remove_all_sso(&self) -> Result<usize, CacheError> {
        let mut removed = 0;
        let mut first_error = None;
        for (_, path) in json_files(&self.dir)? {
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

    /// `<dir>/.ssoenv-<key>.lock`.
    pub fn lock_path(&self, key: &str) -> PathBuf {
        lock_file(&self.dir, key)
    }

    /// Blocks until this process is the only ssoenv fetching the credentials `key`, calling
    /// `on_wait` once if it has to wait.
    pub fn lock_with(&self, key: &str, on_wait: impl FnOnce()) -> Result<CacheLock, CacheError> {
        ensure_dir(&self.dir)?;
        CacheLock::acquire(&self.lock_path(key), on_wait)
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
