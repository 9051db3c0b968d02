//! `ssoenv login [PROFILE | --sso-session NAME]`: sign in like `aws sso login`. Always a new
//! sign-in (the cached token is not reused), but the cached client registration is; and if
//! another ssoenv is signing in to the same session right now, its result is used instead.

use super::sign_in::{SignInPolicy, session_to_sign_in, token_source};
use crate::cache::CacheDirs;
use crate::cli::LoginArgs;
use crate::config::AwsConfig;
use crate::login::SignInSubject;

pub fn run(args: &LoginArgs) -> anyhow::Result<()> {
    let config = AwsConfig::load_default()?;
    let (session, endpoints_in_file) = session_to_sign_in(
        &config,
        args.profile.as_deref(),
        args.sso_session.as_deref(),
    )?;
    let dirs = CacheDirs::from_env()?;
    token_source(
        &config,
        &session,
        SignInSubject::of_session(&session),
        &dirs,
        &endpoints_in_file,
        &SignInPolicy::Always(args.sign_in.clone()),
    )?
    .sign_in_anew()?;
    Ok(())
}
