//! `ssoenv login [PROFILE | --sso-session NAME]`: sign in like `aws sso login`. Always a new
//! sign-in (the cached token is not reused), but the cached client registration is; and if
//! another ssoenv is signing in to the same session right now, its result is used instead.

use super::sign_in::{SignInPolicy, token_source};
use crate::cache::CacheDirs;
use crate::cli::LoginArgs;
use crate::config::{self, AwsConfig, EndpointOverrides, SsoSession};
use crate::login::SignInSubject;
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
    let sign_in = SignInPolicy::Always(args.sign_in.clone()).resolve(&dirs, &config, &session)?;
    let subject = SignInSubject::of_session(&session);
    token_source(
        &config,
        &session,
        subject,
        &dirs,
        &endpoints_in_file,
        &sign_in,
    )
    .sign_in_anew()?;
    Ok(())
}
