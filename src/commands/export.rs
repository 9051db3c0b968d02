//! `ssoenv [export] [PROFILE]`: print the statements that put a profile's credentials into the
//! calling shell. stdout carries only those statements, written in one piece after everything
//! succeeded, so a failed run leaves `eval` nothing to change.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::Context;

use crate::cache::{CacheDirs, RoleCredentials};
use crate::cli::{ExportArgs, OutputFormat};
use crate::config::{self, AwsConfig, SsoProfile};
use crate::credentials::{CredentialsPipeline, NoSignIn, SignIn, ensure_lifetime};
use crate::environment::{credential_changes, credential_process_json};
use crate::login::{InteractiveSignIn, SignInOptions};
use crate::shell::{self, Shell};
use crate::sso::resolve_endpoints;

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let profile_name = config::select_profile_name(args.profile.as_deref());
    let config = AwsConfig::load_default()?;
    let profile = config.sso_profile(&profile_name)?;
    let dirs = CacheDirs::from_env()?;
    let endpoints = resolve_endpoints(&profile.endpoints, |name| std::env::var(name).ok());

    // Signing in needs someone to see the address or code: only with a terminal on stderr.
    let sign_in: Box<dyn SignIn> = if args.no_login || !std::io::stderr().is_terminal() {
        Box::new(NoSignIn)
    } else {
        Box::new(InteractiveSignIn {
            dirs: dirs.clone(),
            options: SignInOptions::from_args(&args.sign_in, &config, &profile.session)?,
        })
    };
    let min_valid = args.min_remaining.unwrap_or_default().max(args.min_valid);
    let credentials = CredentialsPipeline::new(&profile, &dirs, endpoints, sign_in.as_ref())
        .role_credentials(min_valid)?;
    match args.min_remaining {
        Some(required) => ensure_lifetime(&profile, &credentials, required)?,
        None => warn_if_short_lived(&profile, &credentials, min_valid),
    }

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

/// Fresh credentials that do not outlast `min_valid` will be fetched again on every run: say so,
/// once per run, so a too-large `--min-valid` does not go unnoticed.
fn warn_if_short_lived(profile: &SsoProfile, credentials: &RoleCredentials, min_valid: Duration) {
    if ensure_lifetime(profile, credentials, min_valid).is_err() {
        eprintln!(
            "ssoenv: warning: role {} gives credentials valid for less than --min-valid {}; they will be fetched again each time",
            profile.role_name,
            crate::duration::format_duration(min_valid),
        );
    }
}

/// Writes `text` to stdout in one call and flushes, so the consumer gets all or nothing.
pub fn print_all(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("could not write to standard output")
}
