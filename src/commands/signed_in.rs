//! A signed-in SSO session for the commands that explore what the user can reach (`configure`,
//! `populate`) rather than fetch one role's credentials. The token comes the usual way (cached,
//! refreshed, or a new sign-in through the credentials pipeline), and a call the service answers
//! with "session ended" (a revoked session looks valid in the files) signs in once more and is
//! repeated.

use crate::aws::{Endpoints, SsoClient, SsoError};
use crate::cache::{CacheDirs, SsoToken, token_key};
use crate::config::{EndpointOverrides, SsoProfile, SsoSession};
use crate::credentials::{CredentialsError, CredentialsPipeline, SignIn, SignInReason};
use crate::error::{SilentExit, exit_code};
use crate::login::{self, SignInOptions};

pub struct SignedInSession {
    session: SsoSession,
    dirs: CacheDirs,
    options: SignInOptions,
    may_sign_in: bool,
    client: SsoClient,
    token: SsoToken,
}

/// Signs in to the session itself (no profile involved), or refuses to when it may not.
struct SessionSignIn<'a> {
    dirs: &'a CacheDirs,
    options: &'a SignInOptions,
    may_sign_in: bool,
}

impl SignIn for SessionSignIn<'_> {
    fn sign_in(
        &self,
        profile: &SsoProfile,
        client: &SsoClient,
        reason: SignInReason,
        rejected: Option<&SsoToken>,
    ) -> Result<SsoToken, CredentialsError> {
        if !self.may_sign_in {
            return Err(CredentialsError::SignInNeeded {
                profile: profile.name.clone(),
                reason,
            });
        }
        eprintln!("ssoenv: {reason}.");
        Ok(login::sign_in(
            &profile.session,
            client,
            self.dirs,
            self.options,
            rejected.map(|token| token.access_token.as_str()),
        )?)
    }
}

impl SignedInSession {
    /// A usable token for `session`. `fresh` ignores a cached token and signs in anew (a session
    /// just created by `configure`, as the AWS CLI does); `may_sign_in` false fails with exit
    /// status 3 and the command to run when a sign-in would be needed.
    pub fn open(
        session: &SsoSession,
        endpoints: Endpoints,
        dirs: &CacheDirs,
        options: SignInOptions,
        may_sign_in: bool,
        fresh: bool,
    ) -> anyhow::Result<SignedInSession> {
        let client = SsoClient::new(&session.region, &endpoints)?;
        let token = if fresh {
            let cached = dirs
                .tokens()
                .load(&token_key(session.name.as_deref(), &session.start_url))?;
            login::sign_in(
                session,
                &client,
                dirs,
                &options,
                cached.as_ref().map(|token| token.access_token.as_str()),
            )?
        } else {
            // The pipeline works on profiles; one without account and role stands for the
            // session (only its session and name are used to get a token).
            let stand_in = SsoProfile {
                name: session_label(session),
                account_id: String::new(),
                role_name: String::new(),
                region: None,
                session: session.clone(),
                endpoints: EndpointOverrides::default(),
            };
            let sign_in = SessionSignIn {
                dirs,
                options: &options,
                may_sign_in,
            };
            CredentialsPipeline::new(&stand_in, dirs, endpoints, &sign_in)
                .valid_token()
                .map_err(|error| sign_in_needed(session, error))?
        };
        Ok(SignedInSession {
            session: session.clone(),
            dirs: dirs.clone(),
            options,
            may_sign_in,
            client,
            token,
        })
    }

    /// Runs `call` with the access token; when the service says the session has ended, signs in
    /// again (if allowed) and runs it once more.
    pub fn call<T>(
        &mut self,
        call: impl Fn(&SsoClient, &str) -> Result<T, SsoError>,
    ) -> anyhow::Result<T> {
        match call(&self.client, &self.token.access_token) {
            Err(error) if error.is_session_ended() => {
                if !self.may_sign_in {
                    return Err(sign_in_needed(
                        &self.session,
                        CredentialsError::SignInNeeded {
                            profile: session_label(&self.session),
                            reason: SignInReason::SessionEnded,
                        },
                    ));
                }
                eprintln!("ssoenv: {}.", SignInReason::SessionEnded);
                self.token = login::sign_in(
                    &self.session,
                    &self.client,
                    &self.dirs,
                    &self.options,
                    Some(&self.token.access_token),
                )?;
                Ok(call(&self.client, &self.token.access_token)?)
            }
            other => Ok(other?),
        }
    }
}

fn session_label(session: &SsoSession) -> String {
    session
        .name
        .clone()
        .unwrap_or_else(|| session.start_url.clone())
}

/// "Sign in first" said for a session (the pipeline's own message names a profile), with exit
/// status 3 like every other command that needs a sign-in.
fn sign_in_needed(session: &SsoSession, error: CredentialsError) -> anyhow::Error {
    match error {
        CredentialsError::SignInNeeded { reason, .. } => {
            let name = shell_word(&session_label(session));
            eprintln!(
                "ssoenv: {reason} (SSO session {name}).\nSign in with:  ssoenv login --sso-session {name}\n         or:  aws sso login --sso-session {name}"
            );
            SilentExit(exit_code::SIGN_IN_NEEDED).into()
        }
        other => other.into(),
    }
}

/// `text` as a word to paste into a shell command line in a message: as it is when that is safe,
/// else single-quoted.
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/@+:=,".contains(c));
    if plain {
        text.to_string()
    } else {
        crate::shell::quote(crate::shell::Shell::Posix, text).unwrap_or_else(|_| text.to_string())
    }
}
