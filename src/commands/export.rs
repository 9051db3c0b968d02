//! `ssoenv [export] [PROFILE]`: print the statements that put a profile's credentials (an SSO
//! profile's, or a role chain's) into the calling shell. stdout carries only those statements,
//! written in one piece after everything succeeded, so a failed run leaves `eval` nothing to
//! change.

use super::output::{print_all, render_credentials};
use super::profile_credentials::resolve;
use crate::cli::{ExportArgs, close_subcommand};
use crate::config::AwsConfig;
use crate::error::UsageError;

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let resolved = resolve(&args.credentials).map_err(|error| mistyped_subcommand(args, error))?;
    print_all(&render_credentials(&resolved, args.format, args.shell)?)
}

/// `ssoenv stauts`: a word given as the profile that the config file does not define but that is
/// close to a subcommand is said to be a likely typo of it (exit status 2). The config file is
/// read first, so a profile named like a typo still works.
fn mistyped_subcommand(args: &ExportArgs, error: anyhow::Error) -> anyhow::Error {
    let Some(word) = args.credentials.profile.as_deref() else {
        return error;
    };
    // Read again on this error path only: the file may as well be unreadable, then the error
    // stays the config file's.
    let not_defined = AwsConfig::load_default().is_ok_and(|config| config.profile(word).is_none());
    match close_subcommand(word).filter(|_| not_defined) {
        Some(subcommand) => UsageError(format!(
            "'{word}' is neither a profile nor a subcommand. Did you mean `ssoenv {subcommand}`?"
        ))
        .into(),
        None => error,
    }
}
