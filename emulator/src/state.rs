//! The emulated instance's memory: client registrations, pending logins, sign-in sessions with
//! their access and refresh tokens, and the role credentials handed out.
//!
//! A *session* is what a login creates (the Identity Center sign-in). Access and refresh tokens
//! belong to one session; Logout and [`State::revoke_all_sessions`] end sessions, which kills
//! every token of them at once, as signing out of the real portal does.
//!
//! Expiry is measured on the monotonic clock (`Instant`); epoch timestamps are only computed for
//! the wire.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::config::EmulatorConfig;
use crate::ids;

/// A registered OIDC client (RegisterClient).
#[derive(Debug, Clone)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: String,
    pub client_name: String,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub issued_at_epoch: u64,
    pub expires_at_epoch: u64,
    pub expires_at: Instant,
}

impl Registration {
    /// Registrations that listed grant types may only use those; older (device-flow style)
    /// registrations list none and may use the device and refresh grants.
    pub fn allows_grant(&self, grant_type: &str) -> bool {
        if self.grant_types.is_empty() {
            grant_type != crate::oidc::GRANT_AUTHORIZATION_CODE
        } else {
            self.grant_types.iter().any(|g| g == grant_type)
        }
    }

    /// sso-session style registrations ask for scopes or for the refresh grant.
    pub fn is_scoped(&self) -> bool {
        !self.scopes.is_empty() || self.grant_types.iter().any(|g| g == "refresh_token")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    /// Exchanged for a token; the device code cannot be used again.
    Redeemed,
}

/// A device authorization started by StartDeviceAuthorization.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub client_id: String,
    pub user_code: String,
    pub expires_at: Instant,
    /// Current polling interval in seconds; grows by 5 with every SlowDownException.
    pub interval: u32,
    pub status: DeviceStatus,
    /// Polls answered `authorization_pending` so far.
    pub polls: u32,
    pub last_poll: Option<Instant>,
}

/// An authorization code issued by `/authorize`, waiting to be exchanged.
#[derive(Debug, Clone)]
pub struct AuthorizationCode {
    pub client_id: String,
    /// Exactly as given to `/authorize`, port included; CreateToken must repeat it.
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: Instant,
}

pub type SessionId = u64;

#[derive(Debug, Clone)]
pub struct AccessTokenRecord {
    pub client_id: String,
    pub session: SessionId,
    pub expires_at: Instant,
}

#[derive(Debug, Clone)]
pub struct RefreshTokenRecord {
    pub client_id: String,
    pub session: SessionId,
    /// Used up by a rotating refresh.
    pub used: bool,
}

/// What CreateToken (or [`crate::Emulator::mint_session`]) hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: Option<String>,
}

/// Which account and role a set of role credentials was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsOwner {
    pub account_id: String,
    pub role_name: String,
}

/// The role credentials `GetRoleCredentials` handed out last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedRoleCredentials {
    pub access_key_id: String,
    /// The `expiration` sent with them: epoch milliseconds.
    pub expiration_millis: u64,
}

/// A temporary key the emulator handed out (GetRoleCredentials or AssumeRole): what STS checks
/// when a request is signed with it.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// What the key signs with; checked by the console's federation endpoint, which is given it.
    pub secret_access_key: String,
    /// Must come with the key in `X-Amz-Security-Token`.
    pub session_token: String,
    pub expires_at: Instant,
}

/// What one `AssumeRole` call was asked for and with which credentials it was signed, so tests
/// can prove a chain used the right source credentials and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRoleOwner {
    pub role_arn: String,
    pub role_session_name: String,
    /// `None` when the request carried no `ExternalId`.
    pub external_id: Option<String>,
    /// `None` when the request carried no `DurationSeconds` (the default hour applied).
    pub duration_seconds: Option<u32>,
    /// The access key id the request was signed with; empty for `AssumeRoleWithWebIdentity`,
    /// which is not signed.
    pub source_access_key_id: String,
    /// The web identity token sent (`AssumeRoleWithWebIdentity` only).
    pub web_identity_token: Option<String>,
    /// The MFA device's serial number, when the request carried one (with a code that matched).
    pub serial_number: Option<String>,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub assumed_role_arn: String,
    /// The role's unique id (`AROA…`), without the `:SESSION` suffix.
    pub assumed_role_id: String,
}

/// Everything the emulator remembers. Guarded by one mutex; every operation is short.
#[derive(Debug)]
pub struct State {
    pub config: EmulatorConfig,
    pub registrations: HashMap<String, Registration>,
    /// Keyed by device code.
    pub device_authorizations: HashMap<String, DeviceAuthorization>,
    pub authorization_codes: HashMap<String, AuthorizationCode>,
    /// Session id → still signed in.
    sessions: HashMap<SessionId, bool>,
    next_session: SessionId,
    pub access_tokens: HashMap<String, AccessTokenRecord>,
    pub refresh_tokens: HashMap<String, RefreshTokenRecord>,
    /// Access key id → owner.
    pub role_credentials: HashMap<String, CredentialsOwner>,
    pub newest_role_credentials: Option<IssuedRoleCredentials>,
    /// Access key id → role assumed with STS.
    pub assumed_roles: HashMap<String, AssumedRoleOwner>,
    /// Access key id → token and expiry, for every temporary key issued (both kinds).
    pub issued_keys: HashMap<String, IssuedKey>,
    pub last_authorize_query: Option<BTreeMap<String, String>>,
    /// The `startUrl` of the last `StartDeviceAuthorization`.
    pub last_device_start_url: Option<String>,
    /// The console's sign-in tokens, logins and sessions (see [`crate::federation`]).
    pub console: crate::federation::ConsoleState,
}

impl State {
    pub fn new(config: EmulatorConfig) -> Self {
        State {
            config,
            registrations: HashMap::new(),
            device_authorizations: HashMap::new(),
            authorization_codes: HashMap::new(),
            sessions: HashMap::new(),
            next_session: 1,
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            role_credentials: HashMap::new(),
            newest_role_credentials: None,
            assumed_roles: HashMap::new(),
            issued_keys: HashMap::new(),
            last_authorize_query: None,
            last_device_start_url: None,
            console: crate::federation::ConsoleState::default(),
        }
    }

    /// Creates a registration with the configured lifetime.
    pub fn register(
        &mut self,
        client_name: String,
        scopes: Vec<String>,
        grant_types: Vec<String>,
        redirect_uris: Vec<String>,
    ) -> Registration {
        let issued_at_epoch = epoch_seconds(SystemTime::now());
        let lifetime = self.config.registration_lifetime;
        let registration = Registration {
            client_id: ids::client_id(),
            client_secret: ids::client_secret(),
            client_name,
            scopes,
            grant_types,
            redirect_uris,
            issued_at_epoch,
            expires_at_epoch: issued_at_epoch.saturating_add(lifetime.as_secs()),
            expires_at: deadline(lifetime),
        };
        self.registrations
            .insert(registration.client_id.clone(), registration.clone());
        registration
    }

    /// Signs a user in: a new session with an access token and, if configured, a refresh token.
    pub fn start_session(&mut self, registration: &Registration) -> IssuedTokens {
        let session = self.next_session;
        self.next_session += 1;
        self.sessions.insert(session, true);
        let with_refresh = self.config.issue_refresh_tokens
            && (!self.config.refresh_tokens_only_for_scoped_registrations
                || registration.is_scoped());
        self.issue_tokens(&registration.client_id, session, with_refresh)
    }

    /// A new access token (and optionally refresh token) in an existing session.
    pub fn issue_tokens(
        &mut self,
        client_id: &str,
        session: SessionId,
        with_refresh: bool,
    ) -> IssuedTokens {
        let lifetime = self.config.token_lifetime;
        let access_token = ids::access_token();
        self.access_tokens.insert(
            access_token.clone(),
            AccessTokenRecord {
                client_id: client_id.to_owned(),
                session,
                expires_at: deadline(lifetime),
            },
        );
        let refresh_token = with_refresh.then(|| {
            let token = ids::refresh_token();
            self.refresh_tokens.insert(
                token.clone(),
                RefreshTokenRecord {
                    client_id: client_id.to_owned(),
                    session,
                    used: false,
                },
            );
            token
        });
        IssuedTokens {
            access_token,
            expires_in: lifetime.as_secs(),
            refresh_token,
        }
    }

    pub fn session_active(&self, session: SessionId) -> bool {
        self.sessions.get(&session).copied().unwrap_or(false)
    }

    /// The session of a valid (known, unexpired, not signed out) access token.
    pub fn session_of_access_token(&self, token: &str) -> Option<SessionId> {
        let record = self.access_tokens.get(token)?;
        (Instant::now() < record.expires_at && self.session_active(record.session))
            .then_some(record.session)
    }

    pub fn end_session(&mut self, session: SessionId) {
        self.sessions.insert(session, false);
    }

    /// Every access and refresh token issued so far dies.
    pub fn revoke_all_sessions(&mut self) {
        for active in self.sessions.values_mut() {
            *active = false;
        }
    }

    /// Every access token issued so far is expired; refresh tokens keep working.
    pub fn expire_access_tokens(&mut self) {
        let now = Instant::now();
        for record in self.access_tokens.values_mut() {
            record.expires_at = now;
        }
    }

    /// Every registration so far is expired (InvalidClientException from now on).
    pub fn expire_registrations(&mut self) {
        let now = Instant::now();
        for registration in self.registrations.values_mut() {
            registration.expires_at = now;
        }
    }

    /// Records role credentials so tests can ask whom they belong to, and which came last.
    pub fn record_role_credentials(
        &mut self,
        access_key_id: String,
        expiration_millis: u64,
        owner: CredentialsOwner,
    ) {
        self.newest_role_credentials = Some(IssuedRoleCredentials {
            access_key_id: access_key_id.clone(),
            expiration_millis,
        });
        self.role_credentials.insert(access_key_id, owner);
    }

    /// Remembers a temporary key so STS can authenticate requests signed with it.
    pub fn record_issued_key(
        &mut self,
        access_key_id: String,
        secret_access_key: String,
        session_token: String,
        lifetime: Duration,
    ) {
        self.issued_keys.insert(
            access_key_id,
            IssuedKey {
                secret_access_key,
                session_token,
                expires_at: deadline(lifetime),
            },
        );
    }

    /// User codes of device authorizations still waiting for the user.
    pub fn pending_user_codes(&self) -> Vec<String> {
        let now = Instant::now();
        let mut codes: Vec<String> = self
            .device_authorizations
            .values()
            .filter(|auth| auth.status == DeviceStatus::Pending && now < auth.expires_at)
            .map(|auth| auth.user_code.clone())
            .collect();
        codes.sort();
        codes
    }

    /// Approves or denies the pending device authorization with this user code.
    /// False when no pending, unexpired authorization has it.
    pub fn decide_device(&mut self, user_code: &str, approve: bool) -> bool {
        let wanted = normalise_user_code(user_code);
        let now = Instant::now();
        let Some(auth) = self.device_authorizations.values_mut().find(|auth| {
            normalise_user_code(&auth.user_code) == wanted
                && auth.status == DeviceStatus::Pending
                && now < auth.expires_at
        }) else {
            return false;
        };
        auth.status = if approve {
            DeviceStatus::Approved
        } else {
            DeviceStatus::Denied
        };
        true
    }
}

/// The instant `lifetime` from now. Lifetimes come from users (`--token-lifetime 1000000d`), so
/// one too large for the clock means "never" rather than a panic.
pub fn deadline(lifetime: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(lifetime)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

/// The epoch milliseconds `lifetime` from now, saturating for absurd lifetimes.
pub fn epoch_millis_after(lifetime: Duration) -> u64 {
    let now = SystemTime::now();
    match now.checked_add(lifetime) {
        Some(later) => epoch_millis(later),
        None => u64::MAX,
    }
}

/// Humans type user codes in any case, with or without the dash.
fn normalise_user_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub fn epoch_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

pub fn epoch_millis(time: SystemTime) -> u64 {
    let millis = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis();
    u64::try_from(millis).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_with_client() -> (State, Registration) {
        let mut state = State::new(EmulatorConfig::default());
        let registration = state.register(
            "test".to_owned(),
            vec!["sso:account:access".to_owned()],
            vec![],
            vec![],
        );
        (state, registration)
    }

    #[test]
    fn ending_a_session_kills_its_access_tokens_only() {
        let (mut state, registration) = state_with_client();
        let first = state.start_session(&registration);
        let second = state.start_session(&registration);
        let session = state.session_of_access_token(&first.access_token).unwrap();
        state.end_session(session);
        assert_eq!(state.session_of_access_token(&first.access_token), None);
        assert!(
            state
                .session_of_access_token(&second.access_token)
                .is_some()
        );
        state.revoke_all_sessions();
        assert_eq!(state.session_of_access_token(&second.access_token), None);
    }

    #[test]
    fn access_tokens_expire_after_the_token_lifetime() {
        let (mut state, registration) = state_with_client();
        state.config.token_lifetime = Duration::ZERO;
        let tokens = state.start_session(&registration);
        assert_eq!(tokens.expires_in, 0);
        assert_eq!(state.session_of_access_token(&tokens.access_token), None);
    }

    #[test]
    fn refresh_tokens_can_be_limited_to_scoped_registrations() {
        let (mut state, scoped) = state_with_client();
        state.config.refresh_tokens_only_for_scoped_registrations = true;
        let legacy = state.register("legacy".to_owned(), vec![], vec![], vec![]);
        assert!(state.start_session(&scoped).refresh_token.is_some());
        assert!(state.start_session(&legacy).refresh_token.is_none());
        state.config.issue_refresh_tokens = false;
        assert!(state.start_session(&scoped).refresh_token.is_none());
    }

    #[test]
    fn absurd_lifetimes_mean_never_instead_of_a_panic() {
        let (mut state, registration) = state_with_client();
        state.config.token_lifetime = Duration::MAX;
        state.config.registration_lifetime = Duration::MAX;
        let tokens = state.start_session(&registration);
        assert!(
            state
                .session_of_access_token(&tokens.access_token)
                .is_some()
        );
        let far = state.register("far".to_owned(), vec![], vec![], vec![]);
        assert_eq!(far.expires_at_epoch, u64::MAX);
        assert_eq!(epoch_millis_after(Duration::MAX), u64::MAX);
    }

    #[test]
    fn user_codes_match_regardless_of_case_and_dash() {
        let (mut state, registration) = state_with_client();
        state.device_authorizations.insert(
            "device".to_owned(),
            DeviceAuthorization {
                client_id: registration.client_id.clone(),
                user_code: "BCDF-GHJK".to_owned(),
                expires_at: Instant::now() + Duration::from_secs(60),
                interval: 5,
                status: DeviceStatus::Pending,
                polls: 0,
                last_poll: None,
            },
        );
        assert_eq!(state.pending_user_codes(), vec!["BCDF-GHJK".to_owned()]);
        assert!(state.decide_device("bcdfghjk", true));
        assert!(state.pending_user_codes().is_empty());
        assert!(!state.decide_device("BCDF-GHJK", false));
    }
}
