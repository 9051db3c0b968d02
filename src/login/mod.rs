//! Signing in to an IAM Identity Center session, as `aws sso login` does: authorization code with
//! PKCE by default, the device code flow for legacy profiles, on request, or where no browser can
//! be used. One sign-in per session however many ssoenv processes need it: the first takes the
//! session's lock and signs in; the others wait on the lock and then use its token.

mod authorization_code;
pub mod browser;
pub mod callback;
mod device;
pub mod pkce;
mod progress;
mod seam;

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::aws::{RegisteredClient, SsoClient, SsoError, TokenGrant};
use crate::cache::{CacheDirs, CacheError, ClientRegistration, SsoToken};
use crate::config::SsoSession;
use crate::secret::Secret;

pub use seam::{SignIn, SignInNeeded, SignInReason, SignInSubject};

/// The redirect URI registered for PKCE: without a port, which the service then accepts with any.
const REGISTERED_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";
/// What PKCE asks for when the session configures no scopes (the CLI's default).
const DEFAULT_PKCE_SCOPE: &str = "sso:account:access";
/// How long a sign-in may wait for the user (the CLI's 600 s); `SSOENV_SIGN_IN_TIMEOUT` overrides.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// A token with less than this left is no result of a sign-in worth sharing.
const MIN_SHARED_TOKEN_LIFETIME: time::Duration = time::Duration::seconds(60);

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("the sign-in was refused ({error}{})", if .description.is_empty() { String::new() } else { format!(": {}", .description) })]
    Denied { error: String, description: String },
    #[error("no sign-in arrived within {}s; run the sign-in again", .waited.as_secs())]
    TimedOut { waited: Duration },
    #[error("the device code expired before it was confirmed; run the sign-in again")]
    CodeExpired,
    #[error("could not listen for the browser on 127.0.0.1: {0}")]
    Listener(std::io::Error),
    #[error("could not open a browser: {0}")]
    BrowserFailed(std::io::Error),
    #[error("sso_redirect_port = {value} in {} is not a port number (1-65535)", .path.display())]
    BadRedirectPort {
        value: String,
        path: std::path::PathBuf,
    },
    #[error("could not generate the sign-in secrets: {0}")]
    Random(std::io::Error),
    /// The service refused a sign-in call (`InvalidGrantException`, `InvalidClientException`,
    /// `ExpiredTokenException`, a 401): only starting over helps. (Outside a sign-in the same
    /// answers mean "the session ended", which would be the wrong thing to tell here.)
    #[error("the service rejected the sign-in: {operation} answered {code}{}{}; run the sign-in again", if .message.is_empty() { String::new() } else { format!(" ({})", .message) }, if .code == "InvalidClientException" && *.operation != "RegisterClient" { " (the cached client registration was discarded, a new one will be made)" } else { "" })]
    Rejected {
        operation: &'static str,
        code: String,
        message: String,
    },
    /// No sign-in may start here ([`SignIn::Never`]).
    #[error(transparent)]
    Needed(SignInNeeded),
    #[error(transparent)]
    Sso(SsoError),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl From<SsoError> for LoginError {
    fn from(error: SsoError) -> LoginError {
        match error {
            SsoError::SessionEnded {
                operation,
                code,
                message,
            } => LoginError::Rejected {
                operation,
                code,
                message,
            },
            other => LoginError::Sso(other),
        }
    }
}

impl LoginError {
    /// The service no longer knows the client registration this sign-in used.
    fn rejects_registration(&self) -> bool {
        matches!(self, LoginError::Rejected { code, .. } if code == "InvalidClientException")
    }
}

/// How to sign in.
#[derive(Clone, Debug)]
pub struct SignInOptions {
    /// The device code flow even where PKCE would work (`--use-device-code`).
    pub use_device_code: bool,
    /// Open the browser (false: `--no-browser`, only print the address).
    pub open_browser: bool,
    /// Listen for the browser on this port instead of a random one, so `ssh -L` can forward it
    /// (`--redirect-port`, or `sso_redirect_port` in the sso-session section).
    pub redirect_port: Option<u16>,
    /// Let the user paste the address the browser ended on (`--paste`): PKCE with the browser on
    /// another machine.
    pub paste_back: bool,
    pub timeout: Duration,
}

impl SignInOptions {
    pub fn new(use_device_code: bool, no_browser: bool) -> SignInOptions {
        SignInOptions {
            use_device_code,
            open_browser: !no_browser,
            redirect_port: None,
            paste_back: false,
            timeout: crate::duration::from_env("SSOENV_SIGN_IN_TIMEOUT", DEFAULT_TIMEOUT),
        }
    }

    /// The callback port: `--redirect-port` when given, else the session's `sso_redirect_port`.
    pub fn with_redirect_port(
        mut self,
        from_command_line: Option<u16>,
        config: &crate::config::AwsConfig,
        session: &SsoSession,
    ) -> Result<SignInOptions, LoginError> {
        let from_config =
            match session
                .name
                .as_deref()
                .and_then(|name| config.sso_session(name))
            {
                Some(section) => match section.get("sso_redirect_port") {
                    Some(text) => Some(text.trim().parse::<u16>().map_err(|_| {
                        LoginError::BadRedirectPort {
                            value: text.to_string(),
                            path: config.path().to_path_buf(),
                        }
                    })?),
                    None => None,
                },
                None => None,
            };
        self.redirect_port = from_command_line.or(from_config);
        Ok(self)
    }

    pub fn with_paste_back(mut self, paste_back: bool) -> SignInOptions {
        self.paste_back = paste_back;
        self
    }
}

/// A user-facing name for the session: its name, or the start URL of a legacy profile.
fn session_label(session: &SsoSession) -> String {
    match &session.name {
        Some(name) => format!("SSO session '{name}'"),
        None => format!("SSO start URL {}", session.start_url),
    }
}

/// Signs in to `session` and stores the token in the AWS CLI's cache, unless another process
/// signed in while this one waited for the lock: then its token (any usable token other than
/// `rejected`, the access token the caller found wanting) is returned.
pub fn sign_in(
    session: &SsoSession,
    client: &SsoClient,
    issuer_url: &str,
    dirs: &CacheDirs,
    options: &SignInOptions,
    rejected: Option<&Secret>,
) -> Result<SsoToken, LoginError> {
    let tokens = dirs.tokens();
    let key = session.token_key();
    let label = session_label(session);
    let _locks = tokens.lock_for_sign_in(&key, || {
        eprintln!("ssoenv: another ssoenv is signing in to {label}; waiting for it…");
    })?;
    if let Some(token) = tokens.load(&key)?
        && token.expires_at - OffsetDateTime::now_utc() >= MIN_SHARED_TOKEN_LIFETIME
        && Some(&token.access_token) != rejected
    {
        crate::debug!("sign-in: another process signed in meanwhile; using its token");
        return Ok(token);
    }

    let deadline = Instant::now() + options.timeout;
    let device_only_reason = if session.name.is_none() {
        Some("legacy profiles sign in with a device code")
    } else if options.use_device_code {
        Some("")
    } else if options.paste_back || options.redirect_port.is_some() {
        // The user chose a way to bring the browser's answer back from another machine.
        None
    } else if !browser::browser_is_usable(|name| std::env::var(name).ok()) {
        Some("no browser can be opened here (no display, or an SSH session)")
    } else {
        None
    };
    eprintln!("Signing in to {label} ({}).", session.start_url);
    let outcome = sign_in_with_flow(
        session,
        client,
        issuer_url,
        dirs,
        options,
        deadline,
        device_only_reason,
    );
    if let Err(error) = &outcome
        && error.rejects_registration()
    {
        // A registration the service rejects would fail every later sign-in until it expires
        // (90 days): forget it, so the next sign-in registers anew.
        dirs.registrations().remove(&session.registration_key())?;
    }
    let (registration, grant) = outcome?;
    let token = new_token(session, &registration, grant);
    if let Err(error) = tokens.store(&key, &token) {
        crate::cache::warn_not_saved(
            "the SSO token of this sign-in",
            &error,
            "the next ssoenv run and the AWS CLI will not find it and will ask you to sign in again",
        );
    }
    eprintln!("{}", signed_in_message(&label, &token));
    Ok(token)
}

/// What a sign-in gives, said truthfully: with a refresh token the access token's own expiry is
/// not the end of anything, since ssoenv renews it until the session the administrator configured
/// ends (which the service does not tell); only the client registration's end is known. Without
/// one (a legacy profile, or a service that sent none) the access token's expiry is when the user
/// signs in again.
fn signed_in_message(label: &str, token: &SsoToken) -> String {
    let at = crate::cache::format_utc_minutes;
    match (&token.refresh_token, token.registration_expires_at) {
        (Some(_), Some(registration_ends)) => format!(
            "Signed in to {label}. The access token (it expires {}) is renewed by itself until \
             the session ends, after the session duration your administrator set; the client \
             registration lasts until {}.",
            at(token.expires_at),
            at(registration_ends)
        ),
        _ => format!(
            "Signed in to {label}. The token cannot be renewed{}: sign in again when it expires, \
             {}.",
            if token.client_id.is_none() {
                " (legacy profiles, without sso_session, cannot refresh)"
            } else {
                ""
            },
            at(token.expires_at)
        ),
    }
}

/// Runs the chosen flow (the device code flow when `device_only_reason` says so, else PKCE,
/// falling back to the device code flow when no browser opens).
fn sign_in_with_flow(
    session: &SsoSession,
    client: &SsoClient,
    issuer_url: &str,
    dirs: &CacheDirs,
    options: &SignInOptions,
    deadline: Instant,
    device_only_reason: Option<&str>,
) -> Result<(RegisteredClient, TokenGrant), LoginError> {
    crate::debug!(
        "sign-in: {} flow",
        if device_only_reason.is_some() {
            "device code"
        } else {
            "authorization code (PKCE)"
        }
    );
    match device_only_reason {
        Some(reason) => {
            if !reason.is_empty() {
                eprintln!("Using the device code flow: {reason}.");
            }
            device_code(session, client, issuer_url, dirs, options, deadline)
        }
        None => match authorization_code(session, client, issuer_url, dirs, options, deadline) {
            Err(LoginError::BrowserFailed(error)) => {
                eprintln!(
                    "ssoenv: could not open a browser ({error}); using the device code flow instead."
                );
                device_code(session, client, issuer_url, dirs, options, deadline)
            }
            other => other,
        },
    }
}

fn authorization_code(
    session: &SsoSession,
    client: &SsoClient,
    issuer_url: &str,
    dirs: &CacheDirs,
    options: &SignInOptions,
    deadline: Instant,
) -> Result<(RegisteredClient, TokenGrant), LoginError> {
    let registration = registration(session, client, issuer_url, dirs, true)?;
    let scopes = pkce_scopes(session);
    let grant = authorization_code::sign_in_with_authorization_code(
        client,
        &registration,
        &scopes,
        options,
        deadline,
    )?;
    Ok((registration, grant))
}

fn device_code(
    session: &SsoSession,
    client: &SsoClient,
    issuer_url: &str,
    dirs: &CacheDirs,
    options: &SignInOptions,
    deadline: Instant,
) -> Result<(RegisteredClient, TokenGrant), LoginError> {
    let registration = registration(session, client, issuer_url, dirs, false)?;
    let grant = device::sign_in_with_device_code(
        client,
        &registration,
        issuer_url,
        options.open_browser && browser::browser_is_usable(|name| std::env::var(name).ok()),
        deadline,
    )?;
    Ok((registration, grant))
}

fn pkce_scopes(session: &SsoSession) -> Vec<String> {
    session
        .registration_scopes
        .clone()
        .unwrap_or_else(|| vec![DEFAULT_PKCE_SCOPE.to_string()])
}

/// The cached client registration when it has more than 15 minutes left and suits the flow
/// (both flows share one cache key, so switching flows registers again, as the CLI does);
/// otherwise a new one, cached in the CLI's format. The registration names `issuer_url`, while its
/// cache key stays on the configured start URL (as the AWS CLI keeps it).
fn registration(
    session: &SsoSession,
    client: &SsoClient,
    issuer_url: &str,
    dirs: &CacheDirs,
    pkce: bool,
) -> Result<RegisteredClient, LoginError> {
    let cache = dirs.registrations();
    let key = session.registration_key();
    if let Some(cached) = cache.load(&key)?
        && cached.is_usable(OffsetDateTime::now_utc(), pkce)
    {
        crate::debug!(
            "client registration: cached at {}",
            cache.path(&key).display()
        );
        return Ok(RegisteredClient {
            client_id: cached.client_id,
            client_secret: cached.client_secret,
            expires_at: cached.expires_at,
        });
    }
    let client_name = match &session.name {
        Some(name) => format!("ssoenv-{name}"),
        None => format!("ssoenv-{}", OffsetDateTime::now_utc().unix_timestamp()),
    };
    let scopes = if pkce {
        Some(pkce_scopes(session))
    } else {
        session.registration_scopes.clone()
    };
    crate::debug!("client registration: none usable cached; registering a client");
    let registered = client.register_client(
        &client_name,
        scopes.as_deref(),
        pkce.then_some((REGISTERED_REDIRECT_URI, issuer_url)),
    )?;
    let stored = cache.store(
        &key,
        &ClientRegistration {
            client_id: registered.client_id.clone(),
            client_secret: registered.client_secret.clone(),
            expires_at: registered.expires_at,
            scopes,
            grant_types: pkce.then(|| {
                vec![
                    "authorization_code".to_string(),
                    "refresh_token".to_string(),
                ]
            }),
        },
    );
    if let Err(error) = stored {
        crate::cache::warn_not_saved(
            "the client registration",
            &error,
            "the next sign-in will register a new client",
        );
    }
    Ok(registered)
}

/// The token as the AWS CLI writes it after a sign-in: legacy profiles get only the four fields
/// the CLI writes for them (they cannot refresh); sso-session profiles also get what a refresh
/// needs.
fn new_token(session: &SsoSession, registration: &RegisteredClient, grant: TokenGrant) -> SsoToken {
    let expires_at = OffsetDateTime::now_utc() + grant.expires_in;
    let mut token = SsoToken {
        start_url: session.start_url.clone(),
        region: session.region.clone(),
        access_token: grant.access_token,
        expires_at,
        client_id: None,
        client_secret: None,
        registration_expires_at: None,
        refresh_token: None,
    };
    if session.name.is_some() {
        token.client_id = Some(registration.client_id.clone());
        token.client_secret = Some(registration.client_secret.clone());
        token.registration_expires_at = Some(registration.expires_at);
        token.refresh_token = grant.refresh_token;
    }
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(refreshable: bool, legacy: bool) -> SsoToken {
        let at = |seconds| OffsetDateTime::from_unix_timestamp(seconds).unwrap();
        SsoToken {
            start_url: "https://example.awsapps.com/start".into(),
            region: "us-east-1".into(),
            access_token: "at".into(),
            expires_at: at(1_700_000_000),
            client_id: (!legacy).then(|| "cid".into()),
            client_secret: (!legacy).then(|| "cs".into()),
            registration_expires_at: (!legacy).then(|| at(1_707_776_000)),
            refresh_token: refreshable.then(|| "rt".into()),
        }
    }

    #[test]
    fn a_refreshable_sign_in_does_not_call_the_token_expiry_the_end_of_the_session() {
        let said = signed_in_message("SSO session 'dev'", &token(true, false));
        assert!(
            said.contains("renewed by itself until the session ends"),
            "{said}"
        );
        assert!(said.contains("expires 2023-11-14 22:13 UTC"), "{said}");
        assert!(
            said.contains("registration lasts until 2024-02-12"),
            "{said}"
        );
        assert!(!said.contains("valid until"), "{said}");
    }

    #[test]
    fn a_legacy_sign_in_says_when_to_sign_in_again() {
        let said = signed_in_message("SSO start URL x", &token(false, true));
        assert!(
            said.contains("cannot be renewed (legacy profiles"),
            "{said}"
        );
        assert!(
            said.contains("sign in again when it expires, 2023-11-14 22:13 UTC"),
            "{said}"
        );
    }
}
