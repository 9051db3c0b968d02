//! The files ssoenv shares with the AWS CLI v2, botocore and the other SDKs.
//!
//! * `~/.aws/sso/cache/<sha1>.json`: SSO access tokens ([`TokenCache`]) and OIDC client
//!   registrations ([`RegistrationCache`]).
//! * `~/.aws/cli/cache/<sha1>.json`: role credentials ([`RoleCredentialCache`]) and assumed-role
//!   credentials of role chains ([`AssumedRoleCache`]).
//!
//! Everything here writes exactly the bytes the AWS CLI writes (so every other reader accepts our
//! files), reads leniently (so a file another tool wrote, or half-wrote, never crashes us), writes
//! atomically (so nobody ever reads a partial file of ours), and offers cross-process locks so that
//! two ssoenv processes never refresh or log in for the same session at once.
//!
//! This module knows nothing of the network or of shells.

mod assumed_role;
mod files;
mod keys;
mod lock;
mod permissions;
mod python_json;
mod registration;
mod role_credentials;
mod timestamp;
mod token;

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};

/// The plain data the credential files hold, shared with the client layer that fetches it.
pub use crate::role_credentials::{AssumedRole, RoleCredentials};
pub use assumed_role::AssumedRoleCache;
pub use files::{ensure_private_dir, write_atomic, write_atomic_with_permissions};
pub use keys::{
    AssumeRoleArgs, assume_role_key, registration_key, role_credentials_key, token_key,
};
pub use lock::CacheLock;
pub use permissions::writable_by_others;
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
pub fn warn_not_saved(what: &str, error: &CacheError, meaning: &str) {
    eprintln!(
        "ssoenv: warning: {what} could not be saved: {}; this run goes on with it, but {meaning}",
        crate::error::report(error)
    );
}

/// `<dir>/<key>.json`, the file name every AWS tool uses for a cache key.
fn cache_file(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.json"))
}

/// `<dir>/.ssoenv-<key>.lock`: hidden and not `*.json`, so no AWS tool ever reads or deletes it.
fn lock_file(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!(".ssoenv-{key}.lock"))
}

/// No cache file of any AWS tool comes near this; a larger one is not read (it counts as
/// unusable, like any other garbage), so a huge file cannot make a prompt hook slow or eat memory.
pub const MAX_CACHE_FILE_BYTES: u64 = 1024 * 1024;

/// The file's bytes, or `None` if it does not exist. Any other failure (permissions, a directory
/// in its place) is an error the user has to see, not a silent "not cached". A file larger than
/// [`MAX_CACHE_FILE_BYTES`], or anything but a regular file (a FIFO), reads as empty, which every
/// parser takes as "no usable entry".
///
/// Symbolic links are followed, as every AWS tool follows them (people link `~/.aws` into a
/// dotfiles checkout); writes replace a link rather than writing through it ([`write_atomic`]).
/// The directory is checked once per run for write access by other users ([`permissions`]).
fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, CacheError> {
    use std::io::Read;
    if let Some(dir) = path.parent() {
        permissions::warn_if_writable_by_others(dir);
    }
    let read_error = |source| CacheError::Read {
        path: path.to_owned(),
        source,
    };
    let file = match open_without_blocking(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(read_error(source)),
    };
    // A FIFO (or a device, a socket) where a cache file should be would block every run, the
    // prompt hook's included, until someone writes to it: only a regular file is a cache file.
    // (A directory goes on to fail the read with an error that says so.)
    let kind = file.metadata().map_err(read_error)?.file_type();
    if !kind.is_file() && !kind.is_dir() {
        crate::debug!("{} is not a regular file: ignored", path.display());
        return Ok(Some(Vec::new()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_CACHE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_CACHE_FILE_BYTES {
        crate::debug!(
            "{} is larger than {MAX_CACHE_FILE_BYTES} bytes: not a cache file, ignored",
            path.display()
        );
        return Ok(Some(Vec::new()));
    }
    Ok(Some(bytes))
}

/// Opens `path` for reading without waiting for a writer, should it be a FIFO (Unix).
fn open_without_blocking(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Creates `dir` if needed (0700) and replaces `<dir>/<key>.json` atomically (0600).
fn store_file(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    ensure_dir(dir)?;
    write_atomic(path, bytes).map_err(|source| CacheError::Write {
        path: path.to_owned(),
        source,
    })
}

/// [`ensure_private_dir`], with an error that names the directory.
fn ensure_dir(dir: &Path) -> Result<(), CacheError> {
    ensure_private_dir(dir).map_err(|source| CacheError::CreateDir {
        path: dir.to_owned(),
        source,
    })
}

/// Deletes a file; one that is already gone is fine.
fn remove_if_exists(path: &Path) -> Result<(), CacheError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(CacheError::Remove {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The `(key, path)` of every `*.json` file in `dir`; a missing directory has none.
fn json_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, CacheError> {
    let list_error = |source| CacheError::ListDir {
        path: dir.to_owned(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(list_error(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(list_error)?.path();
        if path.extension() != Some(OsStr::new("json")) {
            continue;
        }
        if let Some(key) = path.file_stem().and_then(OsStr::to_str) {
            found.push((key.to_owned(), path.clone()));
        }
    }
    found.sort();
    Ok(found)
}

/// The top-level JSON object of a cache file, or `None` for anything else: empty, truncated,
/// trailing bytes from a non-atomic writer (`...}"}`), not UTF-8, or not an object.
fn json_object(bytes: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice(bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A string field; absent, `null` or any other type gives `None`.
fn string_field(object: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<String> {
    object.get(name)?.as_str().map(str::to_owned)
}

/// A list-of-strings field; `None` unless it is a list whose items are all strings.
fn string_list_field(
    object: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<Vec<String>> {
    object
        .get(name)?
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// A timestamp field in any form [`parse_timestamp`] accepts.
fn timestamp_field(
    object: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<time::OffsetDateTime> {
    parse_timestamp(object.get(name)?.as_str()?)
}

/// Shown instead of a secret in `Debug` output.
const REDACTED: &str = "<redacted>";

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
    fn read_error_names_the_file_and_is_not_not_found() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where a file is expected fails with something other than NotFound.
        let path = dir.path().join("abc.json");
        std::fs::create_dir(&path).unwrap();
        let err = read_if_exists(&path).unwrap_err();
        assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
        assert_eq!(
            read_if_exists(&dir.path().join("missing.json")).unwrap(),
            None
        );
    }

    #[test]
    fn json_files_lists_only_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.json"), "{}").unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        std::fs::write(dir.path().join(".ssoenv-a.lock"), "").unwrap();
        std::fs::write(dir.path().join("x.tmp"), "{}").unwrap();
        let keys: Vec<String> = json_files(dir.path())
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["a", "b"]);
        assert!(json_files(&dir.path().join("nope")).unwrap().is_empty());
    }
}
