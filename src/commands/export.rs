//! `ssoenv [export] [PROFILE]`: print the statements that put a profile's credentials into the
//! calling shell. stdout carries only those statements, written in one piece after everything
//! succeeded, so a failed run leaves `eval` nothing to change.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::Context;

use crate::cache::{CacheDirs, RoleCredentials};
use crate::cli::{ExportArgs, OutputFormat, SignInArgs};
use crate::config::{self, AwsConfig, SsoProfile};
use crate::credentials::{CredentialsPipeline, NoSignIn, SignIn};
use crate::environment::{credential_changes, credential_process_json};
use crate::login::{InteractiveSignIn, SignInOptions};
use crate::shell::{self, Shell};
use crate::sso::resolve_endpoints;

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let profile_name = config::select_profile_name(args.profile.as_deref());
    let (profile, credentials) =
        role_credentials(&profile_name, args.min_valid, args.no_login, &args.sign_in)?;

    let output = match args.format {
        OutputFormat::Json => credential_process_json(&profile.account_id, &credentials),
        OutputFormat::Dotenv | OutputFormat::Shell => {
            let changes = credential_changes(
                &profile.name,
                profile.region.as_deref(),
                &profile.account_id,
                &credentials,
            );
            if args.format == OutputFormat::Dotenv {
                shell::render_dotenv(&changes)?
            } else {
                shell::render(args.shell.unwrap_or_else(Shell::detect), &changes)?
            }
        }
    };
    print_all(&output)
}

/// The profile and role credentials with more than `min_valid` left, signing in when needed and
/// allowed: never with `no_login`, and only with a terminal on stderr, where someone can see the
/// address or code. Shared with the prompt hook.
pub fn role_credentials(
    profile_name: &str,
    min_valid: Duration,
    no_login: bool,
    sign_in_args: &SignInArgs,
) -> anyhow::Result<(SsoProfile, RoleCredentials)> {
    let config = AwsConfig::load_default()?;
    let profile = config.sso_profile(profile_name)?;
    let dirs = CacheDirs::from_env()?;
    let endpoints = resolve_endpoints(&profile.endpoints, |name| std::env::var(name).ok());

    let sign_in: Box<dyn SignIn> = if no_login || !std::io::stderr().is_terminal() {
        Box::new(NoSignIn)
    } else {
        Box::new(InteractiveSignIn {
            dirs: dirs.clone(),
            options: SignInOptions::new(sign_in_args.use_device_code, sign_in_args.no_browser),
        })
    };
    let credentials = CredentialsPipeline::new(&profile, &dirs, endpoints, sign_in.as_ref())
        .role_credentials(min_valid)?;
    Ok((profile, credentials))
}

/// Writes `text` to stdout in one call and flushes, so the consumer gets all or nothing.
pub fn print_all(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("could not write to standard output")
}
