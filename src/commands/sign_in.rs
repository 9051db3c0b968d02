//! How a command decides whether and how it may sign the user in: from the command line's sign-in
//! options and `--no-login` to the [`SignIn`] a [`TokenSource`] uses, and the token source of a
//! session, built the same way by every command.

use std::io::IsTerminal;

use crate::aws::resolve_endpoints;
use crate::cache::CacheDirs;
use crate::cli::SignInArgs;
use crate::config::{AwsConfig, EndpointOverrides, SsoSession};
use crate::login::{LoginError, SignIn, SignInOptions, SignInSubject};
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
    pub fn from_args(no_login: bool, sign_in: &SignInArgs) -> SignInPolicy {
        if no_login {
            SignInPolicy::Never
        } else {
            SignInPolicy::WhenInteractive(sign_in.clone())
        }
    }

    /// The sign-in this policy allows for `session` here and now.
    pub fn resolve(
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

/// The token source of `session`, at the endpoints the file sets (`endpoints_in_file`) with the
/// environment's `AWS_ENDPOINT_URL_*` applied on top.
pub fn token_source<'a>(
    config: &'a AwsConfig,
    session: &SsoSession,
    subject: SignInSubject,
    dirs: &CacheDirs,
    endpoints_in_file: &EndpointOverrides,
    sign_in: &'a SignIn,
) -> TokenSource<'a> {
    let endpoints = resolve_endpoints(endpoints_in_file, |name| std::env::var(name).ok());
    TokenSource::new(config, session, subject, dirs, endpoints, sign_in)
}
