//! `ssoenv logout`: end an SSO session at the service (`Logout`) and delete what ssoenv and the
//! AWS CLI cached for it. Without `--all` only that session's token and the role credentials of
//! the profiles using it go; other tools' files stay.

use anyhow::Context;

use super::sign_in::{SignInPolicy, session_to_sign_in, token_source};
use crate::aws::{SsoClient, resolve_endpoints};
use crate::cache::{CacheDirs, SsoToken};
use crate::cli::LogoutArgs;
use crate::config::{AwsConfig, EndpointOverrides};
use crate::login::SignInSubject;

pub fn run(args: &LogoutArgs) -> anyhow::Result<()> {
    let dirs = CacheDirs::from_env()?;
    if args.all {
        return logout_all(&dirs);
    }
    let config = AwsConfig::load_default()?;
    let (session, endpoints_in_file) = session_to_sign_in(
        &config,
        args.profile.as_deref(),
        args.sso_session.as_deref(),
    )?;
    let subject = SignInSubject::of_session(&session);
    let source = token_source(
        &config,
        &session,
        subject,
        &dirs,
        &endpoints_in_file,
        &SignInPolicy::Never,
    )?;
    source.sign_out()?;
    // A legacy profile has no session name: say what it signs in to, its start URL.
    match &session.name {
        Some(name) => eprintln!("Signed out of SSO session '{name}'."),
        None => eprintln!("Signed out of SSO start URL {}.", session.start_url),
    }
    Ok(())
}

/// What `aws sso logout` does: `Logout` with every cached token, then delete every token file and
/// every cached SSO role credential.
fn logout_all(dirs: &CacheDirs) -> anyhow::Result<()> {
    let tokens = dirs.tokens();
    let cached = tokens.list()?;
    for (key, token) in &cached {
        end_session_at_service(token);
        tokens
            .remove(key)
            .with_context(|| format!("deleting {}", tokens.path(key).display()))?;
    }
    let roles = dirs.role_credentials().remove_all_sso()?;
    eprintln!(
        "Signed out of {} SSO session{} and deleted {} cached role credential{}.",
        cached.len(),
        if cached.len() == 1 { "" } else { "s" },
        roles,
        if roles == 1 { "" } else { "s" },
    );
    Ok(())
}

/// Best effort, like the CLI: a session that already ended, or an unreachable service, must not
/// keep the local files from being deleted.
fn end_session_at_service(token: &SsoToken) {
    if token.expires_at <= time::OffsetDateTime::now_utc() {
        return;
    }
    let endpoints = resolve_endpoints(&EndpointOverrides::default(), |name| {
        std::env::var(name).ok()
    });
    let outcome = SsoClient::new(&token.region, &endpoints)
        .map_err(anyhow::Error::from)
        .and_then(|client| Ok(client.logout(&token.access_token)?));
    if let Err(error) = outcome {
        eprintln!(
            "ssoenv: warning: could not end the session at the service: {}",
            crate::error::report(error.as_ref())
        );
    }
}
