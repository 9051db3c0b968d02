//! How a command decides whether and how it may sign the user in, and with which session: from
//! the command line's sign-in options and `--no-login` to the [`SignIn`] a [`TokenSource`] uses,
//! the session `login` and `logout` act on, and the token source of a session, built the same way
//! by every command.

use std::io::IsTerminal;

use crate::aws::resolve_endpoints;
use crate::cache::CacheDirs;
use crate::cli::{SignInArgs, SignInPolicyArgs};
use crate::config::{self, AwsConfig, EndpointOverrides, SsoSession};
use crate::login::{LoginError, SignIn, SignInOptions, SignInSubject};
use crate::role_chain;
use crate::token_source::TokenSource;

/// Whether getting a token may start a sign-in.
#[derive(Clone, Debug)]
pub enum SignInPolicy {
    /// Never: fail with the command to run (exit status 3).
    Never,
    /// Only when stderr is a terminal, where someone sees the address or code.
    WhenInteractive(SignInArgs),
    /// Always (`login`, `configure`: commands that exist to sign in or to ask questions).
    Always(SignInArgs),
}

impl SignInPolicy {
    /// `--no-login` means never; otherwise sign in when someone can see it.
    pub fn from_args(args: &SignInPolicyArgs) -> SignInPolicy {
        if args.no_login {
            SignInPolicy::Never
        } else {
            SignInPolicy::WhenInteractive(args.options.clone())
        }
    }

    /// Whether a question (an MFA code) may be asked here and now: the policy allows signing in
    /// and someone is at the terminal to answer.
    pub fn may_prompt(&self) -> bool {
        !matches!(self, SignInPolicy::Never)
            && std::io::stdin().is_terminal()
            && std::io::stderr().is_terminal()
    }

    /// The sign-in this policy allows for `session` here and now.
    fn resolve(
        &self,
        dirs: &CacheDirs,
        config: &AwsConfig,
        session: &SsoSession,
    ) -> Result<SignIn, LoginError> {
        let args = match self {
            SignInPolicy::Never => return Ok(SignIn::Never),
            SignInPolicy::WhenInteractive(_) if !std::io::stderr().is_terminal() => {
                return Ok(SignIn::Never);
            }
            SignInPolicy::WhenInteractive(args) | SignInPolicy::Always(args) => args,
        };
        Ok(SignIn::Interactive {
            dirs: dirs.clone(),
            options: sign_in_options(args, config, session)?,
        })
    }
}

/// The options a command line asked for, with the session's `sso_redirect_port` from the config
/// when `--redirect-port` is not given.
pub fn sign_in_options(
    args: &SignInArgs,
    config: &AwsConfig,
    session: &SsoSession,
) -> Result<SignInOptions, LoginError> {
    Ok(SignInOptions::new(args.use_device_code, args.no_browser)
        .with_redirect_port(args.redirect_port, config, session)?
        .with_paste_back(args.paste))
}

/// The token source of `session`, signing in as `policy` allows, at the endpoints the file sets
/// (`endpoints_in_file`) with the environment's `AWS_ENDPOINT_URL_*` applied on top.
pub fn token_source<'a>(
    config: &'a AwsConfig,
    session: &SsoSession,
    subject: SignInSubject,
    dirs: &CacheDirs,
    endpoints_in_file: &EndpointOverrides,
    policy: &SignInPolicy,
) -> Result<TokenSource<'a>, LoginError> {
    let sign_in = policy.resolve(dirs, config, session)?;
    let endpoints = resolve_endpoints(endpoints_in_file, |name| std::env::var(name).ok());
    Ok(TokenSource::new(
        config, session, subject, dirs, endpoints, sign_in,
    ))
}

/// The session `login` and `logout` act on: `--sso-session NAME`, else the profile's (the
/// argument, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`), with the endpoints the file sets for
/// it.
pub fn session_to_sign_in(
    config: &AwsConfig,
    profile: Option<&str>,
    sso_session: Option<&str>,
) -> anyhow::Result<(SsoSession, EndpointOverrides)> {
    Ok(match sso_session {
        Some(name) => (
            config.named_sso_session(name)?,
            EndpointOverrides::default(),
        ),
        None => {
            let name = config::select_profile_name(profile);
            // A role chain signs in with the SSO profile at its start.
            let name = match role_chain::sso_profile_name_behind(config, &name) {
                Some(root) => root,
                None => {
                    if let Ok(kind) = role_chain::resolve_profile(config, &name) {
                        no_sso_sign_in(&name, &kind)?;
                    }
                    name
                }
            };
            let session = config.sso_session_of_profile(&name)?;
            (session, config.endpoint_overrides(&name, None)?)
        }
    })
}

/// `login` / `logout` on a profile with no SSO session behind it: say what signs it in instead.
fn no_sso_sign_in(name: &str, kind: &role_chain::ProfileKind) -> anyhow::Result<()> {
    use role_chain::{BaseSource, ChainRoot, ProfileKind};
    let base = match kind {
        ProfileKind::Sso(_) => return Ok(()),
        ProfileKind::Base(base) => base,
        ProfileKind::Chain(chain) => match &chain.root {
            ChainRoot::Sso(_) => return Ok(()),
            ChainRoot::Base(base) => base,
        },
    };
    let hint = match &base.source {
        BaseSource::LoginSession { .. } => format!(
            "its credentials come from an `aws login` session; sign in with: aws login --profile {}",
            base.profile
        ),
        _ => format!(
            "profile '{}' needs no sign-in; use it directly: ssoenv {name}",
            base.profile
        ),
    };
    anyhow::bail!("profile '{name}' has no SSO session to sign in to: {hint}")
}
