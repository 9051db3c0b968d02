//! `ssoenv login [PROFILE | --sso-session NAME]`: sign in like `aws sso login`. Always a new
//! sign-in (the cached token is not reused), but the cached client registration is; and if
//! another ssoenv is signing in to the same session right now, its result is used instead.

use crate::aws::{SsoClient, resolve_endpoints};
use crate::cache::CacheDirs;
use crate::cli::LoginArgs;
use crate::config::{self, AwsConfig, EndpointOverrides, SsoSession};
use crate::credentials::role_keys_of_session;
use crate::login::{SignInOptions, sign_in};
use crate::role_chain;

/// The session `login`/`logout` act on: `--sso-session NAME`, else the profile's (the argument,
/// `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`), with the endpoints the file sets for it.
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
            let name = role_chain::sso_profile_name_behind(config, &name).unwrap_or(name);
            let session = config.sso_session_of_profile(&name)?;
            (session, config.endpoint_overrides(&name, None)?)
        }
    })
}

pub fn run(args: &LoginArgs) -> anyhow::Result<()> {
    let config = AwsConfig::load_default()?;
    let (session, endpoints_in_file) = session_to_sign_in(
        &config,
        args.profile.as_deref(),
        args.sso_session.as_deref(),
    )?;
    let dirs = CacheDirs::from_env()?;
    let endpoints = resolve_endpoints(&endpoints_in_file, |name| std::env::var(name).ok());
    let client = SsoClient::new(&session.region, &endpoints)?;
    let tokens = dirs.tokens();
    let key = crate::cache::token_key(session.name.as_deref(), &session.start_url);
    let current = tokens.load(&key)?;

    let options = SignInOptions::from_args(&args.sign_in, &config, &session)?;
    sign_in(
        &session,
        &client,
        &dirs,
        &options,
        current.as_ref().map(|t| t.access_token.as_str()),
    )?;
    // Role credentials cached under the previous sign-in may belong to another user.
    let roles = dirs.role_credentials();
    for key in role_keys_of_session(&config, &session) {
        roles.remove(&key)?;
    }
    Ok(())
}
