//! `ssoenv [export] [PROFILE]`: print the statements that put a profile's credentials (an SSO
//! profile's, or a role chain's) into the calling shell. stdout carries only those statements,
//! written in one piece after everything succeeded, so a failed run leaves `eval` nothing to
//! change.

use std::io::Write;

use anyhow::Context;

use super::profile_credentials::{effective_min_valid, profile_credentials};
use super::sign_in::SignInPolicy;
use crate::cli::{ExportArgs, OutputFormat};
use crate::config;
use crate::environment::credential_process_json;
use crate::shell::{self, Shell};

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let profile_name = config::select_profile_name(args.profile.as_deref());
    let policy = SignInPolicy::from_args(args.no_login, &args.sign_in);
    let min_valid = effective_min_valid(args.min_valid, args.min_remaining);
    let resolved = profile_credentials(&profile_name, min_valid, &policy)?;
    resolved.ensure_lasts(args.min_remaining, min_valid)?;

    let output = match args.format {
        OutputFormat::Json => credential_process_json(&resolved.account_id, &resolved.credentials),
        OutputFormat::Dotenv => shell::render_dotenv(&resolved.env_changes())?,
        OutputFormat::Shell => shell::render(
            args.shell.unwrap_or_else(Shell::detect),
            &resolved.env_changes(),
        )?,
    };
    print_all(&output)
}

/// Writes `text` to stdout in one call and flushes, so the consumer gets all or nothing.
pub fn print_all(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("could not write to standard output")
}
