//! The credentials pipeline: the one place that decides, for an SSO profile, whether the cached
//! role credentials do, whether the SSO token must be refreshed, whether the user must sign in,
//! and what to fetch. Everything else only reads or writes what this module decided.
//!
//! The fast path (role credentials in the AWS CLI's cache with more than `min_valid` left) reads
//! one file and returns: no SDK client, no async runtime, no lock, no network.

use std::cell::OnceCell;
use std::time::Duration;

use time::OffsetDateTime;

use crate::cache::{
    self, CacheDirs, CacheError, RoleCredentialCache, RoleCredentials, SsoToken, TokenCache,
};
use crate::config::{AwsConfig, SsoProfile, SsoSession};
use crate::sso::{Endpoints, SsoClient, SsoError, TokenGrant};

/// Refresh the SSO token when fewer than this many minutes remain (the AWS CLI's window).
pub const TOKEN_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);
/// A token with less than this left is not worth a request: it could expire on the wire.
const TOKEN_MIN_USABLE: Duration = Duration::from_secs(60);

/// Why the user has to sign in; shown in the message and passed to the sign-in flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInReason {
    /// No token in the cache for this session.
    NotSignedIn,
    /// The token expired and cannot be refreshed (legacy profile, no refresh token, or the
    /// registration expired).
    Expired,
    /// The service said the session is over (refresh rejected, or a 401 from the portal).
    SessionEnded,
}

impl std::fmt::Display for SignInReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignInReason::NotSignedIn => "you are not signed in to this SSO session",
            SignInReason::Expired => "the SSO session has expired",
            SignInReason::SessionEnded => "the SSO session has ended or was revoked",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// Only a sign-in helps; the message names the exact command.
    #[error(
        "{reason} (profile '{profile}').\nSign in with:  ssoenv login {profile}\n         or:  aws sso login --profile {profile}"
    )]
    SignInNeeded {
        profile: String,
        reason: SignInReason,
    },
    #[error(
        "the credentials of profile '{profile}' stay valid for {available}, not the {required} asked for; role {role} gives no longer sessions (its maximum session duration is set in IAM Identity Center)"
    )]
    LifetimeTooShort {
        profile: String,
        role: String,
        available: String,
        required: String,
    },
    #[error("signing in failed: {0}")]
    SignInFailed(#[from] crate::login::LoginError),
    #[error(transparent)]
    Sso(#[from] SsoError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("could not start the network client: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Signs the user in when the pipeline finds no usable token. The sign-in flows live in their own
/// module; the pipeline only knows this seam.
pub trait SignIn {
    /// Signs in to `profile`'s SSO session and returns the new token (already stored in the
    /// cache). `rejected` is the token found wanting, so that a token another process got
    /// meanwhile can be told from it.
    fn sign_in(
        &self,
        profile: &SsoProfile,
        client: &SsoClient,
        reason: SignInReason,
        rejected: Option<&SsoToken>,
    ) -> Result<SsoToken, CredentialsError>;
}

/// Never signs in: fails with [`CredentialsError::SignInNeeded`] (`--no-login`, or no terminal).
pub struct NoSignIn;

impl SignIn for NoSignIn {
    fn sign_in(
        &self,
        profile: &SsoProfile,
        _client: &SsoClient,
        reason: SignInReason,
        _rejected: Option<&SsoToken>,
    ) -> Result<SsoToken, CredentialsError> {
        Err(CredentialsError::SignInNeeded {
            profile: profile.name.clone(),
            reason,
        })
    }
}

/// Gets valid role credentials for one SSO profile.
pub struct CredentialsPipeline<'a> {
    profile: &'a SsoProfile,
    endpoints: Endpoints,
    tokens: TokenCache,
    roles: RoleCredentialCache,
    sign_in: &'a dyn SignIn,
    now: OffsetDateTime,
    client: OnceCell<SsoClient>,
}

impl<'a> CredentialsPipeline<'a> {
    pub fn new(
        profile: &'a SsoProfile,
        dirs: &CacheDirs,
        endpoints: Endpoints,
        sign_in: &'a dyn SignIn,
    ) -> Self {
        CredentialsPipeline {
            profile,
            endpoints,
            tokens: TokenCache::new(dirs.sso.clone()),
            roles: RoleCredentialCache::new(dirs.cli.clone()),
            sign_in,
            now: OffsetDateTime::now_utc(),
            client: OnceCell::new(),
        }
    }

    fn token_key(&self) -> String {
        let session = &self.profile.session;
        cache::token_key(session.name.as_deref(), &session.start_url)
    }

    fn role_key(&self) -> String {
        let session = &self.profile.session;
        cache::role_credentials_key(
            &self.profile.account_id,
            &self.profile.role_name,
            session.name.as_deref(),
            &session.start_url,
        )
    }

    /// The network client, built on first use only.
    fn client(&self) -> Result<&SsoClient, CredentialsError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = SsoClient::new(&self.profile.session.region, &self.endpoints)?;
        Ok(self.client.get_or_init(|| client))
    }

    /// Role credentials with more than `min_valid` left: from the cache when it has them,
    /// otherwise fetched (refreshing the token or signing in first when needed) and cached.
    pub fn role_credentials(
        &self,
        min_valid: Duration,
    ) -> Result<RoleCredentials, CredentialsError> {
        let key = self.role_key();
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
        // One fetch per expiry however many processes ask: the others wait here and then find
        // the credentials the first one cached.
        let _lock = self.roles.lock_with(&key, || {
            eprintln!(
                "ssoenv: another ssoenv is getting the credentials of profile '{}' (signing in?); waiting for it…",
                self.profile.name
            );
        })?;
        crate::debug!("role credentials: holding the fetch lock; looking at the cache again");
        if let Some(cached) = self.fresh_role_credentials(&key, min_valid)? {
            crate::debug!("role credentials: another process cached them meanwhile");
            return Ok(cached);
        }
        let credentials = self.fetch_role_credentials()?;
        crate::debug::register_secret(&credentials.secret_access_key);
        crate::debug::register_secret(&credentials.session_token);
        self.roles.store(&key, &credentials)?;
        crate::debug!(
            "role credentials: fetched and cached, valid for {}",
            describe_remaining(credentials.remaining(OffsetDateTime::now_utc()))
        );
        Ok(credentials)
    }

    fn fresh_role_credentials(
        &self,
        key: &str,
        min_valid: Duration,
    ) -> Result<Option<RoleCredentials>, CredentialsError> {
        let cached = self.roles.load(key)?;
        if let Some(credentials) = &cached {
            crate::debug::register_secret(&credentials.secret_access_key);
            crate::debug::register_secret(&credentials.session_token);
        }
        let fresh = cached.filter(|c| c.remaining(self.now) > min_valid);
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

    /// `GetRoleCredentials` with a valid token; a 401 means the session was revoked even if the
    /// token's `expiresAt` says otherwise, so sign in and try once more.
    fn fetch_role_credentials(&self) -> Result<RoleCredentials, CredentialsError> {
        let token = self.valid_token()?;
        let client = self.client()?;
        let fetch = |token: &SsoToken| {
            client.get_role_credentials(
                &token.access_token,
                &self.profile.account_id,
                &self.profile.role_name,
            )
        };
        match fetch(&token) {
            Ok(credentials) => Ok(credentials),
            Err(error) if error.is_session_ended() => {
                let token = self.sign_in_now(SignInReason::SessionEnded, Some(&token))?;
                Ok(fetch(&token)?)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// A token usable for a request: cached, refreshed, or from a new sign-in.
    pub fn valid_token(&self) -> Result<SsoToken, CredentialsError> {
        let key = self.token_key();
        let Some(token) = self.load_token(&key)? else {
            crate::debug!(
                "SSO token: none cached at {}",
                self.tokens.path(&key).display()
            );
            return self.sign_in_now(SignInReason::NotSignedIn, None);
        };
        crate::debug!(
            "SSO token: cached at {}, {} left",
            self.tokens.path(&key).display(),
            crate::duration::format_duration(self.remaining(&token))
        );
        if self.remaining(&token) > TOKEN_REFRESH_WINDOW {
            return Ok(token);
        }
        if !token.is_refreshable(self.now) {
            crate::debug!(
                "SSO token: inside the refresh window but not refreshable (no refresh token, or the client registration expired)"
            );
            return self.valid_token_without_refresh(token);
        }
        // Refresh tokens may be single-use: never let two processes refresh with the same one.
        // Take the lock, then read again: another process may have refreshed meanwhile.
        // The sign-in flow takes this lock itself, so it is released before any sign-in.
        let lock = self.tokens.lock(&key)?;
        let Some(token) = self.load_token(&key)? else {
            drop(lock);
            return self.sign_in_now(SignInReason::NotSignedIn, None);
        };
        if self.remaining(&token) > TOKEN_REFRESH_WINDOW || !token.is_refreshable(self.now) {
            crate::debug!("SSO token: another process refreshed it meanwhile");
            drop(lock);
            return self.valid_token_without_refresh(token);
        }
        crate::debug!("SSO token: refreshing (less than 15m left)");
        match self.refresh(&token) {
            Ok(refreshed) => {
                self.tokens.store(&key, &refreshed)?;
                crate::debug!(
                    "SSO token: refreshed and cached, {} left",
                    crate::duration::format_duration(
                        (refreshed.expires_at - OffsetDateTime::now_utc())
                            .try_into()
                            .unwrap_or_default()
                    )
                );
                Ok(refreshed)
            }
            // The session is over: a new sign-in is the only way (the old token is useless).
            Err(CredentialsError::Sso(error)) if error.is_session_ended() => {
                drop(lock);
                self.sign_in_now(SignInReason::SessionEnded, Some(&token))
            }
            // A passing failure (network, 5xx after retries): the old token still works for a while.
            Err(error) if self.remaining(&token) >= TOKEN_MIN_USABLE => {
                crate::debug!("SSO token: refresh failed, the current one is still usable");
                eprintln!(
                    "ssoenv: warning: could not refresh the SSO token, using the current one: {error}"
                );
                Ok(token)
            }
            Err(error) => Err(error),
        }
    }

    /// The cached token, its secrets registered with the `--debug` redactor.
    fn load_token(&self, key: &str) -> Result<Option<SsoToken>, CredentialsError> {
        let token = self.tokens.load(key)?;
        if let Some(token) = &token {
            register_token_secrets(token);
        }
        Ok(token)
    }

    fn valid_token_without_refresh(&self, token: SsoToken) -> Result<SsoToken, CredentialsError> {
        if self.remaining(&token) >= TOKEN_MIN_USABLE {
            Ok(token)
        } else {
            self.sign_in_now(SignInReason::Expired, Some(&token))
        }
    }

    fn refresh(&self, token: &SsoToken) -> Result<SsoToken, CredentialsError> {
        let (Some(client_id), Some(client_secret), Some(refresh_token)) =
            (&token.client_id, &token.client_secret, &token.refresh_token)
        else {
            return Err(CredentialsError::SignInNeeded {
                profile: self.profile.name.clone(),
                reason: SignInReason::Expired,
            });
        };
        let grant = self
            .client()?
            .refresh_token(client_id, client_secret, refresh_token)?;
        let refreshed = refreshed_token(token, grant, OffsetDateTime::now_utc());
        register_token_secrets(&refreshed);
        Ok(refreshed)
    }

    fn sign_in_now(
        &self,
        reason: SignInReason,
        rejected: Option<&SsoToken>,
    ) -> Result<SsoToken, CredentialsError> {
        // Cached role credentials were issued to whoever was signed in before; never serve them
        // after a sign-in that may be another user (aws-cli#6724).
        crate::debug!("sign-in needed: {reason}");
        let token = self
            .sign_in
            .sign_in(self.profile, self.client()?, reason, rejected)?;
        register_token_secrets(&token);
        self.roles.remove(&self.role_key())?;
        Ok(token)
    }

    fn remaining(&self, token: &SsoToken) -> Duration {
        (token.expires_at - self.now).try_into().unwrap_or_default()
    }
}

/// Lets the `--debug` redactor blank this token's secrets wherever they might turn up.
fn register_token_secrets(token: &SsoToken) {
    crate::debug::register_secret(&token.access_token);
    for secret in [&token.refresh_token, &token.client_secret]
        .into_iter()
        .flatten()
    {
        crate::debug::register_secret(secret);
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

/// The role-credential cache keys of every profile in `config` that signs in with `session`:
/// what must go when that session is signed out of, or signed in to again (possibly as another
/// user).
pub fn role_keys_of_session(config: &AwsConfig, session: &SsoSession) -> Vec<String> {
    config
        .profile_names()
        .into_iter()
        .filter_map(|name| config.sso_profile(name).ok())
        .filter(|profile| {
            profile.session.name == session.name && profile.session.start_url == session.start_url
        })
        .map(|profile| {
            cache::role_credentials_key(
                &profile.account_id,
                &profile.role_name,
                session.name.as_deref(),
                &session.start_url,
            )
        })
        .collect()
}

/// The token after a refresh: new access token and expiry; the old refresh token is kept when the
/// service sent none (botocore drops it, which forces a sign-in later).
pub fn refreshed_token(old: &SsoToken, grant: TokenGrant, issued_at: OffsetDateTime) -> SsoToken {
    SsoToken {
        access_token: grant.access_token,
        expires_at: issued_at + grant.expires_in,
        refresh_token: grant.refresh_token.or_else(|| old.refresh_token.clone()),
        ..old.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(refresh: Option<&str>) -> SsoToken {
        SsoToken {
            start_url: "https://example.awsapps.com/start".into(),
            region: "us-east-1".into(),
            access_token: "old".into(),
            expires_at: OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
            client_id: Some("cid".into()),
            client_secret: Some("cs".into()),
            registration_expires_at: OffsetDateTime::from_unix_timestamp(1_800_000_000).ok(),
            refresh_token: refresh.map(str::to_string),
        }
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
        let issued = OffsetDateTime::from_unix_timestamp(1_700_000_500).unwrap();
        let grant = TokenGrant {
            access_token: "new".into(),
            expires_in: Duration::from_secs(3600),
            refresh_token: None,
        };
        let refreshed = refreshed_token(&token(Some("rt-1")), grant, issued);
        assert_eq!(refreshed.access_token, "new");
        assert_eq!(refreshed.refresh_token.as_deref(), Some("rt-1"));
        assert_eq!(refreshed.expires_at.unix_timestamp(), 1_700_004_100);
        assert_eq!(refreshed.client_id.as_deref(), Some("cid"));
    }

    #[test]
    fn a_rotated_refresh_token_replaces_the_old_one() {
        let grant = TokenGrant {
            access_token: "new".into(),
            expires_in: Duration::from_secs(60),
            refresh_token: Some("rt-2".into()),
        };
        let refreshed = refreshed_token(&token(Some("rt-1")), grant, OffsetDateTime::now_utc());
        assert_eq!(refreshed.refresh_token.as_deref(), Some("rt-2"));
    }
}
