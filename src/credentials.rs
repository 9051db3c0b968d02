//! The credentials pipeline: the one place that decides, for an SSO profile, whether the cached
//! role credentials do or must be fetched. The token to fetch them with comes from the session's
//! [`TokenSource`] (cached, refreshed, or from a sign-in); a token the service rejects is replaced
//! once (refreshed, else signed in anew) and the fetch repeated.
//!
//! The fast path (role credentials in the AWS CLI's cache with more than `min_valid` left) reads
//! one file and returns: no SDK client, no async runtime, no lock, no network.

use std::time::Duration;

use time::OffsetDateTime;

use crate::aws::SsoError;
use crate::cache::{CacheDirs, CacheError, RoleCredentialCache, RoleCredentials};
use crate::config::SsoProfile;
use crate::token_source::{TokenError, TokenSource};

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error(
        "the credentials of profile '{profile}' stay valid for {available}, not the {required} asked for; role {role} gives no longer sessions (its maximum session duration is set in IAM Identity Center)"
    )]
    LifetimeTooShort {
        profile: String,
        role: String,
        available: String,
        required: String,
    },
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Sso(#[from] SsoError),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// Gets valid role credentials for one SSO profile.
pub struct CredentialsPipeline<'a> {
    profile: &'a SsoProfile,
    tokens: &'a TokenSource<'a>,
    roles: RoleCredentialCache,
    now: OffsetDateTime,
}

impl<'a> CredentialsPipeline<'a> {
    /// The pipeline of `profile`, getting its tokens from `tokens` (the source of the profile's
    /// SSO session).
    pub fn new(profile: &'a SsoProfile, dirs: &CacheDirs, tokens: &'a TokenSource<'a>) -> Self {
        CredentialsPipeline {
            profile,
            tokens,
            roles: dirs.role_credentials(),
            now: OffsetDateTime::now_utc(),
        }
    }

    /// Role credentials with more than `min_valid` left: from the cache when it has them,
    /// otherwise fetched (refreshing the token or signing in first when needed) and cached.
    pub fn role_credentials(
        &self,
        min_valid: Duration,
    ) -> Result<RoleCredentials, CredentialsError> {
        let key = self.profile.role_credentials_key();
        crate::debug!(
            "profile '{}': account {}, role {}, role credentials cache {}",
            self.profile.name,
            self.profile.account_id,
            self.profile.role_name,
            self.roles.path(&key).display()
        );
        if let Some(cached) = self.fresh_role_credentials(&key, min_valid)? {
            crate::debug!("role credentials: cache hit");
            return Ok(cached);
        }
        // The token first, with no lock of ours held: getting it may mean a sign-in that waits
        // minutes for the user, and `process` or `--no-login` runs in other terminals must not
        // wait for that behind the role's lock (they never sign in; they fail at once).
        let mut token = self.tokens.valid_token()?;
        loop {
            // One fetch per expiry however many processes ask: the others wait here (for a
            // request on the wire, not a sign-in) and then find the credentials it cached.
            let lock = self.roles.lock_with(&key, || {
                eprintln!(
                    "ssoenv: another ssoenv is fetching the credentials of profile '{}'; waiting for it…",
                    self.profile.name
                );
            })?;
            crate::debug!("role credentials: holding the fetch lock; looking at the cache again");
            if let Some(cached) = self.fresh_role_credentials(&key, min_valid)? {
                crate::debug!("role credentials: another process cached them meanwhile");
                return Ok(cached);
            }
            let client = self.tokens.client()?;
            match client.get_role_credentials(
                &token.access_token,
                &self.profile.account_id,
                &self.profile.role_name,
            ) {
                Ok(credentials) => {
                    if let Err(error) = self.roles.store(&key, &credentials) {
                        crate::cache::warn_not_saved(
                            "the role credentials",
                            &error,
                            "the next run will fetch them again",
                        );
                    }
                    crate::debug!(
                        "role credentials: fetched and cached, valid for {}",
                        describe_remaining(credentials.remaining(OffsetDateTime::now_utc()))
                    );
                    return Ok(credentials);
                }
                // A 401 however far `expiresAt` is: the token was revoked or expired early.
                // Without the lock (a sign-in may follow), replace it and try again.
                Err(error) if error.is_session_ended() => {
                    crate::debug!("role credentials: the service rejected the token: {error}");
                    drop(lock);
                    match self.tokens.after_rejection(&token)? {
                        Some(replacement) => token = replacement,
                        None => return Err(error.into()),
                    }
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// The cached role credentials when they have more than `min_valid` left (and any
    /// environment can carry them): what [`Self::role_credentials`] returns without fetching.
    pub fn cached_role_credentials(
        &self,
        min_valid: Duration,
    ) -> Result<Option<RoleCredentials>, CredentialsError> {
        self.fresh_role_credentials(&self.profile.role_credentials_key(), min_valid)
    }

    fn fresh_role_credentials(
        &self,
        key: &str,
        min_valid: Duration,
    ) -> Result<Option<RoleCredentials>, CredentialsError> {
        let cached = self.roles.load(key)?;
        // Credentials no environment can carry (another tool cached them) are never served.
        let fresh =
            cached.filter(|c| c.remaining(self.now) > min_valid && c.check_carriable().is_ok());
        if crate::debug::enabled() && fresh.is_none() {
            match self.roles.load(key)? {
                None => crate::debug!("role credentials: cache miss (no usable file)"),
                Some(stale) => crate::debug!(
                    "role credentials: cached ones have {} left, not more than --min-valid {}",
                    describe_remaining(stale.remaining(self.now)),
                    crate::duration::format_duration(min_valid)
                ),
            }
        }
        Ok(fresh)
    }
}

/// `42m10s`, or `expired 3m ago`, for the trace.
fn describe_remaining(remaining: time::Duration) -> String {
    match Duration::try_from(remaining) {
        Ok(left) => crate::duration::format_duration(left),
        Err(_) => format!(
            "none (expired {} ago)",
            crate::duration::format_duration(remaining.unsigned_abs())
        ),
    }
}

/// Checks that `credentials` stay valid for `required`: they are as fresh as they get, so if they
/// fall short the role's maximum session duration is shorter than the job needs.
pub fn ensure_lifetime(
    profile: &str,
    role: &str,
    credentials: &RoleCredentials,
    required: Duration,
) -> Result<(), CredentialsError> {
    let available: Duration = credentials
        .remaining(OffsetDateTime::now_utc())
        .try_into()
        .unwrap_or_default();
    if available >= required {
        return Ok(());
    }
    Err(CredentialsError::LifetimeTooShort {
        profile: profile.to_string(),
        role: role.to_string(),
        available: crate::duration::format_duration(available),
        required: crate::duration::format_duration(required),
    })
}
