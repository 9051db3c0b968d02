//! The token source: "a valid access token for this SSO session", cached, refreshed with the
//! refresh token, or from a new sign-in (once across every process). Everything that needs a
//! token asks it: the role-credentials pipeline, `login`, `logout`, `populate`, `configure`.
//!
//! It also owns the one retry policy of the portal calls: a call the service answers with "session
//! ended" (a revoked session looks valid in the files) signs in once more and is repeated once.
//!
//! Nothing here runs on the fast path: the pipeline only asks for a token when the cached role
//! credentials do not do, and the SDK client is built on first use.

use std::cell::{Cell, OnceCell, RefCell};
use std::time::Duration;

use time::OffsetDateTime;

use crate::aws::{
    Endpoints, ResolvedStartUrl, SsoClient, SsoError, StartUrlError, TokenGrant, resolve_start_url,
};
use crate::cache::{CacheDirs, CacheError, CacheLock, SsoToken, TokenCache};
use crate::config::{AwsConfig, SsoSession};
use crate::login::{LoginError, SignIn, SignInNeeded, SignInReason, SignInSubject};
use crate::secret::Secret;

/// Refresh the SSO token when fewer than this many minutes remain (the AWS CLI's window).
pub const TOKEN_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);
/// A token with less than this left is not worth a request: it could expire on the wire.
const TOKEN_MIN_USABLE: Duration = Duration::from_secs(60);

/// Why no token could be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Only a sign-in helps, and none may start here. The [`SignInNeeded`] stays a link of the
    /// error chain (not `transparent`), where `main` finds it for exit status 3; its text is said
    /// once, since the report skips a cause the message already holds.
    #[error("{0}")]
    Needed(#[source] SignInNeeded),
    #[error("signing in failed")]
    SignInFailed(#[source] LoginError),
    #[error(transparent)]
    Sso(#[from] SsoError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("could not start the network client")]
    Runtime(#[source] std::io::Error),
    #[error(transparent)]
    StartUrl(#[from] StartUrlError),
}

impl From<LoginError> for TokenError {
    fn from(error: LoginError) -> TokenError {
        match error {
            LoginError::Needed(needed) => TokenError::Needed(needed),
            LoginError::Cache(error) => TokenError::Cache(error),
            other => TokenError::SignInFailed(other),
        }
    }
}

/// Valid access tokens for one SSO session.
pub struct TokenSource<'a> {
    config: &'a AwsConfig,
    session: SsoSession,
    /// Who the messages name: the profile the user asked about, or the session.
    subject: SignInSubject,
    endpoints: Endpoints,
    dirs: CacheDirs,
    tokens: TokenCache,
    sign_in: SignIn,
    now: OffsetDateTime,
    client: OnceCell<SsoClient>,
    /// Where the start URL leads, once asked (see [`TokenSource::resolved_start_url`]).
    resolved: OnceCell<ResolvedStartUrl>,
    /// The token [`TokenSource::call`] last used, so a run of calls reads the cache once.
    current: RefCell<Option<SsoToken>>,
    /// Tokens the service refused in this run, and whether this run signed in: a token from a
    /// sign-in that is refused too is an error to report, not a reason to sign in again.
    rejections: Cell<u32>,
    signed_in: Cell<bool>,
}

impl<'a> TokenSource<'a> {
    /// A source for `session`, reached at `endpoints` (the environment already applied). After a
    /// sign-in, the role credentials cached for the profiles of `config` that use the session are
    /// discarded: they were issued to whoever was signed in before (aws-cli#6724).
    pub fn new(
        config: &'a AwsConfig,
        session: &SsoSession,
        subject: SignInSubject,
        dirs: &CacheDirs,
        endpoints: Endpoints,
        sign_in: SignIn,
    ) -> TokenSource<'a> {
        TokenSource {
            config,
            session: session.clone(),
            subject,
            endpoints,
            dirs: dirs.clone(),
            tokens: dirs.tokens(),
            sign_in,
            now: OffsetDateTime::now_utc(),
            client: OnceCell::new(),
            resolved: OnceCell::new(),
            current: RefCell::new(None),
            rejections: Cell::new(0),
            signed_in: Cell::new(false),
        }
    }

    pub fn session(&self) -> &SsoSession {
        &self.session
    }

    /// The network client, built on first use only, in the session's region: `sso_region`, else
    /// (a vanity start URL without one) the region the last sign-in stored with the token, else
    /// the one the start URL's redirect names.
    pub fn client(&self) -> Result<&SsoClient, TokenError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let region = if self.session.region.is_empty() {
            match self.cached()?.map(|token| token.region) {
                Some(region) if !region.is_empty() => region,
                _ => self.resolved_start_url()?.region.clone(),
            }
        } else {
            self.session.region.clone()
        };
        let client = SsoClient::new(&region, &self.endpoints).map_err(TokenError::Runtime)?;
        Ok(self.client.get_or_init(|| client))
    }

    /// Where the start URL leads (see `aws::resolve_start_url`): one request for a start URL on a
    /// company's own domain, at most once per run, and only when a sign-in or a client needs it.
    fn resolved_start_url(&self) -> Result<&ResolvedStartUrl, TokenError> {
        if let Some(resolved) = self.resolved.get() {
            return Ok(resolved);
        }
        let resolved =
            resolve_start_url(&self.session.start_url, Some(self.session.region.as_str()))?;
        Ok(self.resolved.get_or_init(|| resolved))
    }

    /// The token in the cache, whatever its state (no network, no sign-in).
    pub fn cached(&self) -> Result<Option<SsoToken>, TokenError> {
        Ok(self.tokens.load(&self.session.token_key())?)
    }

    /// A token usable for a request: cached, refreshed, or from a new sign-in.
    pub fn valid_token(&self) -> Result<SsoToken, TokenError> {
        let key = self.session.token_key();
        let Some(token) = self.cached()? else {
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
        let Some(lock) = self.token_lock(SignInReason::Expired)? else {
            return self.valid_token_without_refresh(token);
        };
        let Some(token) = self.cached()? else {
            drop(lock);
            return self.sign_in_now(SignInReason::NotSignedIn, None);
        };
        if self.remaining(&token) > TOKEN_REFRESH_WINDOW || !token.is_refreshable(self.now) {
            crate::debug!("SSO token: another process refreshed it meanwhile");
            drop(lock);
            return self.valid_token_without_refresh(token);
        }
        crate::debug!("SSO token: refreshing (less than 15m left)");
        match self.refresh_and_store(&token) {
            Ok(refreshed) => Ok(refreshed),
            // The session is over: a new sign-in is the only way (the old token is useless).
            Err(TokenError::Sso(error)) if error.is_session_ended() => {
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

    /// A replacement for `rejected`, an access token the service refused although the files
    /// call it valid (the session was revoked, or the token expired early): the token another
    /// process cached meanwhile, else one refreshed with the refresh token, else (the session is
    /// over) a new sign-in.
    pub fn replace_rejected(&self, rejected: &SsoToken) -> Result<SsoToken, TokenError> {
        let Some(lock) = self.token_lock(SignInReason::SessionEnded)? else {
            return Err(TokenError::Needed(self.needed(SignInReason::SessionEnded)));
        };
        let current = match self.cached()? {
            Some(cached)
                if cached.access_token != rejected.access_token
                    && self.remaining(&cached) >= TOKEN_MIN_USABLE =>
            {
                crate::debug!("SSO token: another process replaced the rejected one meanwhile");
                return Ok(cached);
            }
            Some(cached) => cached,
            None => rejected.clone(),
        };
        if current.is_refreshable(OffsetDateTime::now_utc()) {
            crate::debug!("SSO token: rejected by the service; trying the refresh token first");
            match self.refresh_and_store(&current) {
                Ok(refreshed) => return Ok(refreshed),
                Err(TokenError::Sso(error)) if error.is_session_ended() => {
                    crate::debug!("SSO token: the refresh was rejected too: {error}");
                }
                Err(error) => return Err(error),
            }
        }
        drop(lock);
        self.sign_in_now(SignInReason::SessionEnded, Some(rejected))
    }

    /// The token's lock, for a refresh. A source that may not sign in does not wait behind
    /// another process's sign-in (which may wait minutes for the user): it gets `None` then, and
    /// the caller goes on as if the token could not be refreshed (`reason` is for the trace).
    fn token_lock(&self, reason: SignInReason) -> Result<Option<CacheLock>, TokenError> {
        let key = self.session.token_key();
        if self.sign_in.may_sign_in() {
            return Ok(Some(self.tokens.lock(&key)?));
        }
        let lock = self.tokens.lock_unless_signing_in(&key)?;
        if lock.is_none() {
            crate::debug!("SSO token: another ssoenv is signing in ({reason}); not waiting for it");
        }
        Ok(lock)
    }

    fn refresh_and_store(&self, token: &SsoToken) -> Result<SsoToken, TokenError> {
        let refreshed = self.refresh(token)?;
        if let Err(error) = self.tokens.store(&self.session.token_key(), &refreshed) {
            crate::cache::warn_not_saved(
                "the refreshed SSO token",
                &error,
                "the next ssoenv run and the AWS CLI will not find it and, if the service spent the old refresh token, will have to sign in again",
            );
        }
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

    /// A new sign-in whatever the cache holds (`ssoenv login`, or `configure` of a session it
    /// just created or changed, as the AWS CLI does). If another process signs in to the session
    /// meanwhile, its token is used instead.
    pub fn sign_in_anew(&self) -> Result<SsoToken, TokenError> {
        let cached = self.cached()?;
        let token = self.sign_in_now(SignInReason::Requested, cached.as_ref())?;
        *self.current.borrow_mut() = Some(token.clone());
        Ok(token)
    }

    /// Runs `call` with a valid access token; while the service rejects the token (the session
    /// may have been revoked, or the token expired early, while the files call it valid), gets
    /// another one ([`TokenSource::after_rejection`]) and runs it again.
    pub fn call<T>(
        &self,
        call: impl Fn(&SsoClient, &Secret) -> Result<T, SsoError>,
    ) -> Result<T, TokenError> {
        let mut token = match self.current.borrow().clone() {
            Some(token) => token,
            None => self.valid_token()?,
        };
        let client = self.client()?;
        loop {
            match call(client, &token.access_token) {
                Err(error) if error.is_session_ended() => {
                    crate::debug!("the service rejected the access token: {error}");
                    match self.after_rejection(&token)? {
                        Some(replacement) => token = replacement,
                        None => return Err(error.into()),
                    }
                }
                outcome => {
                    *self.current.borrow_mut() = Some(token);
                    return Ok(outcome?);
                }
            }
        }
    }

    /// What to use after the service refused `rejected` although the files call it valid: the
    /// first time, [`TokenSource::replace_rejected`] (another process's token, or a refresh, or
    /// a sign-in); the second time (a refreshed token refused too: the session is over), a
    /// sign-in as the [`SignIn`] allows; `None` once this run has signed in, since a token fresh
    /// from a sign-in that is refused is an error to report.
    pub fn after_rejection(&self, rejected: &SsoToken) -> Result<Option<SsoToken>, TokenError> {
        if self.signed_in.get() {
            return Ok(None);
        }
        let rejections = self.rejections.get();
        self.rejections.set(rejections + 1);
        if rejections == 0 {
            self.replace_rejected(rejected).map(Some)
        } else {
            self.sign_in_now(SignInReason::SessionEnded, Some(rejected))
                .map(Some)
        }
    }

    fn valid_token_without_refresh(&self, token: SsoToken) -> Result<SsoToken, TokenError> {
        if self.remaining(&token) >= TOKEN_MIN_USABLE {
            Ok(token)
        } else {
            self.sign_in_now(SignInReason::Expired, Some(&token))
        }
    }

    fn refresh(&self, token: &SsoToken) -> Result<SsoToken, TokenError> {
        let (Some(client_id), Some(client_secret), Some(refresh_token)) =
            (&token.client_id, &token.client_secret, &token.refresh_token)
        else {
            return Err(TokenError::Needed(self.needed(SignInReason::Expired)));
        };
        let grant = self
            .client()?
            .refresh_token(client_id, client_secret, refresh_token)?;
        Ok(refreshed_token(token, grant, OffsetDateTime::now_utc()))
    }

    fn needed(&self, reason: SignInReason) -> SignInNeeded {
        SignInNeeded {
            reason,
            subject: self.subject.clone(),
        }
    }

    fn sign_in_now(
        &self,
        reason: SignInReason,
        rejected: Option<&SsoToken>,
    ) -> Result<SsoToken, TokenError> {
        crate::debug!("sign-in needed: {reason}");
        if !self.sign_in.may_sign_in() {
            return Err(TokenError::Needed(self.needed(reason)));
        }
        // A vanity start URL signs in at the AWS address it leads to, in that address's region;
        // the token is still filed under the configured URL (the session's cache key).
        let resolved = self.resolved_start_url()?;
        let session = SsoSession {
            region: resolved.region.clone(),
            ..self.session.clone()
        };
        let own_client;
        let client = if resolved.region == self.client()?.region() {
            self.client()?
        } else {
            own_client =
                SsoClient::new(&resolved.region, &self.endpoints).map_err(TokenError::Runtime)?;
            &own_client
        };
        let token = self.sign_in.sign_in(
            &session,
            client,
            &resolved.url,
            self.needed(reason),
            rejected.map(|token| &token.access_token),
        )?;
        self.signed_in.set(true);
        self.discard_role_credentials()?;
        Ok(token)
    }

    /// Signs out: ends the session at the service (`Logout`, best effort like the AWS CLI: a
    /// session that already ended, or an unreachable service, must not keep the files from being
    /// deleted), then deletes the token and the role credentials of the session's profiles.
    pub fn sign_out(&self) -> Result<(), CacheError> {
        if let Ok(Some(token)) = self.cached()
            && token.expires_at > OffsetDateTime::now_utc()
        {
            let outcome = self
                .client()
                .and_then(|client| Ok(client.logout(&token.access_token)?));
            if let Err(error) = outcome {
                eprintln!(
                    "ssoenv: warning: could not end the session at the service: {}",
                    crate::error::report(&error)
                );
            }
        }
        self.tokens.remove(&self.session.token_key())?;
        self.discard_role_credentials()
    }

    /// Deletes the role credentials cached for every profile that uses this session: what must
    /// go when the session is signed out of, or signed in to again (possibly as another user).
    pub fn discard_role_credentials(&self) -> Result<(), CacheError> {
        let roles = self.dirs.role_credentials();
        for name in self.config.profile_names() {
            if let Ok(profile) = self.config.sso_profile(name)
                && profile.session.name == self.session.name
                && profile.session.start_url == self.session.start_url
            {
                roles.remove(&profile.role_credentials_key())?;
            }
        }
        Ok(())
    }

    fn remaining(&self, token: &SsoToken) -> Duration {
        (token.expires_at - self.now).try_into().unwrap_or_default()
    }
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
            refresh_token: refresh.map(Secret::from),
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
        assert_eq!(refreshed.refresh_token, Some("rt-1".into()));
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
        assert_eq!(refreshed.refresh_token, Some("rt-2".into()));
    }
}
