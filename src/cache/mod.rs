//! The files ssoenv shares with the AWS CLI v2, botocore and the other SDKs.
//!
//! * `~/.aws/sso/cache/<sha1>.json`: SSO access tokens ([`TokenCache`]) and OIDC client
//!   registrations ([`RegistrationCache`]).
//! * `~/.aws/cli/cache/<sha1>.json`: role credentials ([`RoleCredentialCache`]) and assumed-role
//!   credentials of role chains ([`AssumedRoleCache`]).
//!
//! Each kind is a [`CacheEntry`] (its fields, their order, its lenient reading rules, in its own
//! file) kept by the one generic [`Cache`] (file names, loading, atomic writes, listing, locks), of
//! which the four cache types are aliases.
//!
//! Everything here writes exactly the bytes the AWS CLI writes (so every other reader accepts our
//! files), reads leniently (so a file another tool wrote, or half-wrote, never crashes us), writes
//! atomically (so nobody ever reads a partial file of ours), and offers cross-process locks so that
//! two ssoenv processes never refresh or log in for the same session at once.
//!
//! This module knows nothing of the network or of shells.

mod assumed_role;
mod entry;
mod fields;
mod files;
mod keys;
mod lock;
mod permissions;
mod python_json;
mod registration;
mod role_credentials;
mod timestamp;
mod token;

use std::io;
use std::path::{Path, PathBuf};

/// The plain data the credential files hold, shared with the client layer that fetches it.
pub use crate::role_credentials::{AssumedRole, RoleCredentials};
pub use assumed_role::AssumedRoleCache;
pub use entry::{Cache, CacheEntry, MAX_CACHE_FILE_BYTES};
pub use files::{
    ensure_private_dir, write_atomic, write_atomic_unsynced, write_atomic_with_permissions,
};
pub use keys::{
    AssumeRoleArgs, assume_role_key, registration_key, role_credentials_key, token_key,
};
pub use lock::CacheLock;
pub use permissions::{hold_warnings, others_can_change, release_warnings, writable_by_others};
pub use python_json::{to_python_json, to_python_json_compact};
pub use registration::{ClientRegistration, REGISTRATION_MIN_REMAINING, RegistrationCache};
pub use role_credentials::RoleCredentialCache;
pub use timestamp::{format_cli_timestamp, format_utc_minutes, parse_timestamp};
pub use token::{SsoToken, TokenCache};

/// The two cache directories shared with the AWS CLI.
///
/// Both are fixed below `$HOME`: `AWS_CONFIG_FILE` does not move them, for any AWS tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheDirs {
    /// `$HOME/.aws/sso/cache`: tokens and client registrations.
    pub sso: PathBuf,
    /// `$HOME/.aws/cli/cache`: role credentials.
    pub cli: PathBuf,
}

impl CacheDirs {
    pub fn from_home(home: &Path) -> Self {
        let aws = home.join(".aws");
        CacheDirs {
            sso: aws.join("sso").join("cache"),
            cli: aws.join("cli").join("cache"),
        }
    }

    /// Uses `$HOME` (on Windows `%USERPROFILE%` when `HOME` is unset), like the AWS CLI's
    /// `os.path.expanduser("~")`.
    pub fn from_env() -> Result<Self, CacheError> {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
        #[cfg(windows)]
        let home = home.or_else(|| std::env::var_os("USERPROFILE").filter(|h| !h.is_empty()));
        match home {
            Some(home) => Ok(Self::from_home(Path::new(&home))),
            None => Err(CacheError::HomeNotSet),
        }
    }

    /// A token cache over [`CacheDirs::sso`].
    pub fn tokens(&self) -> TokenCache {
        TokenCache::new(self.sso.clone())
    }

    /// A registration cache over [`CacheDirs::sso`] (the CLI keeps both kinds in one directory).
    pub fn registrations(&self) -> RegistrationCache {
        RegistrationCache::new(self.sso.clone())
    }

    /// A role credential cache over [`CacheDirs::cli`].
    pub fn role_credentials(&self) -> RoleCredentialCache {
        RoleCredentialCache::new(self.cli.clone())
    }

    /// An assumed-role credential cache over [`CacheDirs::cli`] (the CLI keeps both kinds there).
    pub fn assumed_roles(&self) -> AssumedRoleCache {
        AssumedRoleCache::new(self.cli.clone())
    }
}

/// What can go wrong with the cache files. Every message names the file; none ever contains a
/// token, secret or credential (only paths and OS errors go into them).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error(
        "HOME is not set, so the AWS cache directories (~/.aws/sso/cache, ~/.aws/cli/cache) cannot be found; set HOME to your home directory"
    )]
    HomeNotSet,
    #[error("cannot read the cache file {}: {source}; check that it belongs to you and is readable (mode 600)", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write the cache file {}: {source}; check that its directory belongs to you and is writable", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot create the cache directory {}: {source}; check the permissions of its parent directory", path.display())]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot delete the cache file {}: {source}; check that its directory belongs to you and is writable, or delete it by hand", path.display())]
    Remove { path: PathBuf, source: io::Error },
    #[error("cannot list the cache directory {}: {source}; check that it belongs to you and is readable", path.display())]
    ListDir { path: PathBuf, source: io::Error },
    #[error("cannot lock {}: {source}; check that its directory belongs to you and is writable", path.display())]
    Lock { path: PathBuf, source: io::Error },
}

/// Says on stderr that `what`, which the service already gave, could not be saved (a full disk,
/// a read-only file system), and what that means. Used where failing would lose more than going
/// on: the run finishes with what it holds in memory instead of throwing away, say, a refresh
/// token the service has just rotated.
///
/// The error is shown as it says itself: every [`CacheError`] message already names its cause
/// (and the file), so walking its chain (`report` of the error module) adds nothing, and the cache
/// stays below the error module (no module circle).
pub fn warn_not_saved(what: &str, error: &CacheError, meaning: &str) {
    eprintln!(
        "ssoenv: warning: {what} could not be saved: {error}; this run goes on with it, but {meaning}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_below_home() {
        let dirs = CacheDirs::from_home(Path::new("/home/alice"));
        assert_eq!(dirs.sso, Path::new("/home/alice/.aws/sso/cache"));
        assert_eq!(dirs.cli, Path::new("/home/alice/.aws/cli/cache"));
    }

    #[test]
    fn cache_errors_say_their_cause_themselves() {
        // What lets `warn_not_saved` print the error as it is: its chain adds nothing.
        let error = CacheError::Write {
            path: PathBuf::from("/home/alice/.aws/sso/cache/k.json"),
            source: io::Error::other("No space left on device"),
        };
        assert_eq!(crate::error::report(&error), error.to_string());
        assert!(error.to_string().contains("No space left on device"));
    }
}
