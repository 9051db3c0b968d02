//! The seam between "a token is needed" and "sign the user in": the token source only knows
//! [`SignIn`]; whether a sign-in may start (a terminal, no `--no-login`) is decided by the
//! command that builds it.
//!
//! [`SignInNeeded`] is the one error that means "only a sign-in helps": wherever it comes from, it
//! names the command to run, and `main` exits with status 3 for it.

use crate::aws::SsoClient;
use crate::cache::{CacheDirs, SsoToken};
use crate::config::SsoSession;
use crate::secret::Secret;

use super::{LoginError, SignInOptions, sign_in};

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
    /// The user asked for a new sign-in (`ssoenv login`, or `configure` of a changed session).
    Requested,
}

impl std::fmt::Display for SignInReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignInReason::NotSignedIn => "you are not signed in to this SSO session",
            SignInReason::Expired => "the SSO session has expired",
            SignInReason::SessionEnded => "the SSO session has ended or was revoked",
            SignInReason::Requested => "a new sign-in was asked for",
        })
    }
}

/// What the user asked about, so that the message names the command they would type: the
/// profile when there is one, else the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInSubject {
    Profile(String),
    /// A named `[sso-session NAME]`, or the start URL of a legacy profile.
    Session(String),
}

impl SignInSubject {
    /// The session itself: its name, or the start URL of a legacy profile.
    pub fn of_session(session: &SsoSession) -> SignInSubject {
        SignInSubject::Session(
            session
                .name
                .clone()
                .unwrap_or_else(|| session.start_url.clone()),
        )
    }
}

impl std::fmt::Display for SignInSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInSubject::Profile(name) => write!(f, "profile '{name}'"),
            SignInSubject::Session(name) => {
                write!(f, "SSO session {}", crate::shell::word_for_message(name))
            }
        }
    }
}

/// Only a sign-in helps. The message names the exact command to run; `main` exits with status 3.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SignInNeeded {
    pub reason: SignInReason,
    pub subject: SignInSubject,
}

impl std::fmt::Display for SignInNeeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (ours, theirs) = match &self.subject {
            SignInSubject::Profile(name) => (name.clone(), format!("--profile {name}")),
            SignInSubject::Session(name) => {
                let name = crate::shell::word_for_message(name);
                (
                    format!("--sso-session {name}"),
                    format!("--sso-session {name}"),
                )
            }
        };
        write!(
            f,
            "{} ({}).\nSign in with:  ssoenv login {ours}\n         or:  aws sso login {theirs}",
            self.reason, self.subject
        )
    }
}

/// Whether and how the user is signed in when the token source finds no usable token.
pub enum SignIn {
    /// Never: fail with [`SignInNeeded`] (`--no-login`, `process`, or no terminal to ask on).
    Never,
    /// With the browser or a device code, saying why first.
    Interactive {
        dirs: CacheDirs,
        options: SignInOptions,
    },
}

impl SignIn {
    /// Whether a sign-in may start at all (so a caller can fail before building a client).
    pub fn may_sign_in(&self) -> bool {
        matches!(self, SignIn::Interactive { .. })
    }

    /// Signs in to `session` (why and for whom: `needed`) and returns the new token, already
    /// stored in the cache. `issuer_url` is the start URL the OIDC service is told (where a
    /// vanity start URL leads; else the start URL itself). `rejected` is the access token found
    /// wanting, so that a token another process got meanwhile can be told from it.
    pub fn sign_in(
        &self,
        session: &SsoSession,
        client: &SsoClient,
        issuer_url: &str,
        needed: SignInNeeded,
        rejected: Option<&Secret>,
    ) -> Result<SsoToken, LoginError> {
        match self {
            SignIn::Never => Err(LoginError::Needed(needed)),
            SignIn::Interactive { dirs, options } => {
                if needed.reason != SignInReason::Requested {
                    eprintln!("ssoenv: {} ({}).", needed.reason, needed.subject);
                }
                sign_in(session, client, issuer_url, dirs, options, rejected)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_is_signed_in_to_by_its_name() {
        let needed = SignInNeeded {
            reason: SignInReason::Expired,
            subject: SignInSubject::Profile("dev".into()),
        };
        assert_eq!(
            needed.to_string(),
            "the SSO session has expired (profile 'dev').\nSign in with:  ssoenv login dev\n         or:  aws sso login --profile dev"
        );
    }

    #[test]
    fn a_session_name_with_a_space_is_quoted_for_pasting() {
        let needed = SignInNeeded {
            reason: SignInReason::NotSignedIn,
            subject: SignInSubject::Session("Acme Dev".into()),
        };
        assert_eq!(
            needed.to_string(),
            "you are not signed in to this SSO session (SSO session 'Acme Dev').\nSign in with:  ssoenv login --sso-session 'Acme Dev'\n         or:  aws sso login --sso-session 'Acme Dev'"
        );
    }
}
