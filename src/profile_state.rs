//! Where a profile stands, read from the cache files alone: `list` and `status` must answer
//! instantly and offline (a prompt may ask on every command), so nothing here touches the network.
//!
//! What decides whether the user will have to sign in is the SSO token, not the role credentials:
//! while the token is valid, or can be refreshed without the user (it has a refresh token and a
//! live client registration), ssoenv fetches new credentials by itself. Only when neither the
//! credentials nor the token outlast the moment in question is a sign-in due. A session revoked at
//! the service is only noticed on the next request; the files cannot tell.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use time::OffsetDateTime;

use crate::cache::{CacheDirs, CacheError};
use crate::config::{SsoProfile, SsoProfileView};

/// The cached SSO token of a profile's session.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenState {
    pub expires_at: OffsetDateTime,
    /// A refresh token and a client registration that has not expired: ssoenv can get a new
    /// access token without the user (until the Identity Center session itself ends).
    pub refreshable: bool,
}

/// The cached role credentials of a profile.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CredentialsState {
    pub expires_at: OffsetDateTime,
}

/// What the cache files say about one profile.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProfileState {
    /// `None`: no token cached for the session (never signed in, or signed out).
    pub token: Option<TokenState>,
    /// `None`: no role credentials cached.
    pub credentials: Option<CredentialsState>,
}

/// The verdict scripts act on (see `ssoenv status` for the exit statuses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Usable without a sign-in for longer than the margin asked about.
    Valid,
    /// Still usable, but a sign-in will be due within the margin.
    Expiring,
    /// Signed in once, but neither the token nor the credentials are usable any more.
    Expired,
    /// No token for the session, and no usable credentials.
    NotSignedIn,
}

impl Standing {
    /// The word used in `--json` output and in `list`.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Valid => "valid",
            Standing::Expiring => "expiring",
            Standing::Expired => "expired",
            Standing::NotSignedIn => "not_signed_in",
        }
    }
}

impl ProfileState {
    /// Reads the profile's token and role credentials from the AWS CLI's caches. Unreadable or
    /// garbled files count as absent, as they do for every AWS tool.
    pub fn read(profile: &SsoProfile, dirs: &CacheDirs) -> Result<ProfileState, CacheError> {
        Ok(ProfileState {
            token: read_token(&profile.session.token_key(), dirs)?,
            credentials: read_credentials(&profile.role_credentials_key(), dirs)?,
        })
    }
}

fn read_token(key: &str, dirs: &CacheDirs) -> Result<Option<TokenState>, CacheError> {
    let now = OffsetDateTime::now_utc();
    Ok(dirs.tokens().load(key)?.map(|token| TokenState {
        expires_at: token.expires_at,
        refreshable: token.is_refreshable(now),
    }))
}

fn read_credentials(key: &str, dirs: &CacheDirs) -> Result<Option<CredentialsState>, CacheError> {
    Ok(dirs
        .role_credentials()
        .load(key)?
        .map(|credentials| CredentialsState {
            expires_at: credentials.expiration,
        }))
}

/// [`ProfileState::read`] for many profiles, as `list` asks: each session's token is read once,
/// and only the role credential files that exist are opened (a config file `populate` filled
/// has thousands of profiles, most of them never used, all sharing a session or two).
#[derive(Clone)]
pub struct StateReader<'a> {
    dirs: &'a CacheDirs,
    /// By what the token key is the hash of (the session name, or a legacy profile's start URL):
    /// one hash per session, not per profile.
    tokens: HashMap<String, Option<TokenState>, foldhash::fast::RandomState>,
    /// The role credential cache's keys, listed once; `None` when the directory cannot be
    /// listed: then each file is opened, and each row says what is wrong, as `read` does.
    credential_keys: Option<HashSet<String>>,
}

impl<'a> StateReader<'a> {
    pub fn new(dirs: &'a CacheDirs) -> StateReader<'a> {
        StateReader {
            dirs,
            tokens: HashMap::default(),
            credential_keys: dirs.role_credentials().keys().ok(),
        }
    }

    /// What [`ProfileState::read`] says of `profile`.
    pub fn read(&mut self, profile: &SsoProfileView<'_>) -> Result<ProfileState, CacheError> {
        let hashed = profile.session.token_key_source();
        let token = match self.tokens.get(hashed) {
            Some(token) => token.clone(),
            None => {
                // The key is the hash of the session name, or of a legacy profile's start URL.
                let token = read_token(&crate::cache::token_key(None, hashed), self.dirs)?;
                self.tokens.insert(hashed.to_string(), token.clone());
                token
            }
        };
        let credentials_key = profile.role_credentials_key();
        let listed = self.credential_keys.as_ref();
        let credentials = if listed.is_none_or(|keys| keys.contains(&credentials_key)) {
            read_credentials(&credentials_key, self.dirs)?
        } else {
            None
        };
        Ok(ProfileState { token, credentials })
    }
}

impl ProfileState {
    /// Until when the profile is usable without a sign-in; `None` when a refresh can extend it
    /// (no end known from the files) or when nothing is usable at all (see [`Self::standing`]).
    pub fn usable_until(&self) -> Option<OffsetDateTime> {
        if self.token.as_ref().is_some_and(|token| token.refreshable) {
            return None;
        }
        let token = self.token.as_ref().map(|token| token.expires_at);
        let credentials = self.credentials.as_ref().map(|c| c.expires_at);
        token.into_iter().chain(credentials).max()
    }

    /// Whether a sign-in is due within `margin` of `now`.
    pub fn standing(&self, now: OffsetDateTime, margin: Duration) -> Standing {
        if self.token.as_ref().is_some_and(|token| token.refreshable) {
            return Standing::Valid;
        }
        match self.usable_until() {
            Some(until) if until - now > margin => Standing::Valid,
            Some(until) if until > now => Standing::Expiring,
            _ if self.token.is_some() => Standing::Expired,
            _ => Standing::NotSignedIn,
        }
    }

    /// A few words for `list`: `credentials valid for 52m`, `token valid for 7h10m`,
    /// `token refreshable`, `expired`, `not signed in`.
    pub fn summary(&self, now: OffsetDateTime) -> String {
        if let Some(credentials) = &self.credentials
            && credentials.expires_at > now
        {
            return format!(
                "credentials valid for {}",
                time_left(credentials.expires_at, now)
            );
        }
        match &self.token {
            Some(token) if token.expires_at > now => {
                format!("token valid for {}", time_left(token.expires_at, now))
            }
            Some(token) if token.refreshable => "token refreshable".to_string(),
            Some(_) => "expired".to_string(),
            None => "not signed in".to_string(),
        }
    }
}

/// `52m`, `7h10m`: minutes are enough for a listing; under a minute shows seconds.
pub fn time_left(until: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (until - now).whole_seconds().max(0) as u64;
    let rounded = if seconds >= 60 {
        seconds - seconds % 60
    } else {
        seconds
    };
    crate::duration::format_duration(Duration::from_secs(rounded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000 + seconds).unwrap()
    }

    fn state(token: Option<(i64, bool)>, credentials: Option<i64>) -> ProfileState {
        ProfileState {
            token: token.map(|(expires, refreshable)| TokenState {
                expires_at: at(expires),
                refreshable,
            }),
            credentials: credentials.map(|expires| CredentialsState {
                expires_at: at(expires),
            }),
        }
    }

    const MARGIN: Duration = Duration::from_secs(15 * 60);

    #[test]
    fn the_later_of_token_and_credentials_decides() {
        let now = at(0);
        assert_eq!(
            state(Some((3600, false)), None).standing(now, MARGIN),
            Standing::Valid
        );
        assert_eq!(
            state(Some((600, false)), None).standing(now, MARGIN),
            Standing::Expiring
        );
        assert_eq!(
            state(Some((-10, false)), Some(3600)).standing(now, MARGIN),
            Standing::Valid
        );
        assert_eq!(
            state(Some((-10, false)), Some(-5)).standing(now, MARGIN),
            Standing::Expired
        );
        assert_eq!(
            state(None, Some(600)).standing(now, MARGIN),
            Standing::Expiring
        );
        assert_eq!(
            state(None, Some(-600)).standing(now, MARGIN),
            Standing::NotSignedIn
        );
        assert_eq!(
            state(None, None).standing(now, MARGIN),
            Standing::NotSignedIn
        );
    }

    #[test]
    fn a_refreshable_token_needs_no_sign_in() {
        let now = at(0);
        let refreshable = state(Some((-3600, true)), None);
        assert_eq!(refreshable.standing(now, MARGIN), Standing::Valid);
        assert_eq!(refreshable.summary(now), "token refreshable");
    }

    #[test]
    fn summaries_name_what_is_still_valid() {
        let now = at(0);
        assert_eq!(
            state(Some((8 * 3600, true)), Some(3125)).summary(now),
            "credentials valid for 52m"
        );
        assert_eq!(
            state(Some((7 * 3600 + 630, true)), Some(-1)).summary(now),
            "token valid for 7h10m"
        );
        assert_eq!(state(Some((-1, false)), None).summary(now), "expired");
        assert_eq!(state(None, None).summary(now), "not signed in");
        assert_eq!(time_left(at(42), now), "42s");
    }
}
