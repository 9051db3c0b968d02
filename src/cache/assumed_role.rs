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

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::python_json::to_python_json;
use super::timestamp::format_python_timestamp;
use super::{CacheError, CacheLock, cache_file, ensure_dir, lock_file, read_if_exists};
use super::{remove_if_exists, store_file};
use crate::role_credentials::{AssumedRole, RoleCredentials};

#[derive(Serialize)]
struct CliAssumeRoleFile<'a> {
    #[serde(rename = "Credentials")]
    credentials: CliCredentials<'a>,
    #[serde(rename = "AssumedRoleUser")]
    assumed_role_user: CliAssumedRoleUser<'a>,
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

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CliAssumedRoleUser<'a> {
    assumed_role_id: &'a str,
    arn: &'a str,
}

impl AssumedRole {
    /// The bytes the AWS CLI writes for this answer (without `ResponseMetadata`).
    pub fn to_cli_cache_json(&self) -> String {
        let credentials = &self.credentials;
        to_python_json(&CliAssumeRoleFile {
            credentials: CliCredentials {
                access_key_id: &credentials.access_key_id,
                secret_access_key: &credentials.secret_access_key,
                session_token: &credentials.session_token,
                expiration: format_python_timestamp(credentials.expiration),
                account_id: credentials.account_id.as_deref(),
            },
            assumed_role_user: CliAssumedRoleUser {
                assumed_role_id: &self.assumed_role_id,
                arn: &self.arn,
            },
        })
    }
}

/// The assume-role credential files in one directory (normally `~/.aws/cli/cache`), keyed by
/// [`super::assume_role_key`]. The directory is the SSO role cache's; the keys never collide
/// because they hash different JSON documents.
#[derive(Clone, Debug)]
pub struct AssumedRoleCache {
    dir: PathBuf,
}

impl AssumedRoleCache {
    pub fn new(dir: PathBuf) -> Self {
        AssumedRoleCache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/<key>.json`.
    pub fn path(&self, key: &str) -> PathBuf {
        cache_file(&self.dir, key)
    }

    /// The cached credentials (with `AccountId` when the writer added it); `Ok(None)` when absent
    /// or unreadable as credentials.
    pub fn load(&self, key: &str) -> Result<Option<RoleCredentials>, CacheError> {
        Ok(read_if_exists(&self.path(key))?
            .and_then(|bytes| RoleCredentials::parse_cli_cache(&bytes)))
    }

    /// Writes the answer in the CLI's format, atomically, mode 0600.
    pub fn store(&self, key: &str, assumed: &AssumedRole) -> Result<(), CacheError> {
        store_file(
            &self.dir,
            &self.path(key),
            assumed.to_cli_cache_json().as_bytes(),
        )
    }

    /// Deletes the file; one that is already gone is fine.
    pub fn remove(&self, key: &str) -> Result<(), CacheError> {
        remove_if_exists(&self.path(key))
    }

    /// Blocks until this process is the only ssoenv assuming the role `key`.
    pub fn lock(&self, key: &str) -> Result<CacheLock, CacheError> {
        ensure_dir(&self.dir)?;
        CacheLock::acquire(&lock_file(&self.dir, key), || {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::timestamp::utc;

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
        assert_eq!(cache.load("k").unwrap(), Some(assumed().credentials));

        let from_cli = r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2025-01-02T06:40:00UTC"}, "AssumedRoleUser": {"AssumedRoleId": "X:y", "Arn": "arn"}, "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}"#;
        std::fs::write(cache.path("cli"), from_cli).unwrap();
        let read = cache.load("cli").unwrap().unwrap();
        assert_eq!(read.access_key_id, "A");
        assert_eq!(read.account_id, None);
        assert_eq!(read.expiration, assumed().credentials.expiration);

        cache.remove("k").unwrap();
        cache.remove("k").unwrap();
        assert_eq!(cache.load("k").unwrap(), None);
    }
}
