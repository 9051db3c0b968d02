//! `ssoenv [export] [PROFILE]`: print the statements that put a profile's credentials (an SSO
//! profile's, or a role chain's) into the calling shell. stdout carries only those statements,
//! written in one piece after everything succeeded, so a failed run leaves `eval` nothing to
//! change.
//!
//! Typed without `eval` (stdout a terminal, and none of `--show`, `--format` or `--shell` given),
//! it prints no secret: it says how to evaluate the output instead and exits with status 2 (the
//! command was used in a way that cannot work). This is decided before anything is fetched or
//! signed in to, once the config file shows the profile exists, so a typo is still said as one.

use std::io::IsTerminal;

use super::output::{evaluate_in, print_all, render_credentials};
use super::profile_credentials::{self, resolve};
use crate::cli::{ExportArgs, close_subcommand};
use crate::config::{AwsConfig, select_profile_name};
use crate::error::UsageError;
use crate::shell::Shell;

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    refuse_to_show_secrets(args)?;
    let resolved = resolve(&args.credentials).map_err(|error| mistyped_subcommand(args, error))?;
    print_all(&render_credentials(&resolved, args.format, args.shell)?)
}

/// What [`run`] prints, when the caches alone give it and nothing needs saying on the terminal
/// (see `profile_credentials::from_cache`); `None` when only `run` can tell. The front
/// executable answers with this (`src/front.rs`).
pub fn from_cache(args: &ExportArgs) -> Option<String> {
    if !is_for_evaluation(args) {
        return None;
    }
    let resolved = profile_credentials::from_cache(&args.credentials)?;
    render_credentials(&resolved, args.format, args.shell).ok()
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
    let not_defined = AwsConfig::load_default_for_profile(word)
        .is_ok_and(|config| config.profile(word).is_none());
    match close_subcommand(word).filter(|_| not_defined) {
        Some(subcommand) => UsageError(format!(
            "'{word}' is neither a profile nor a subcommand. Did you mean `ssoenv {subcommand}`?"
        ))
        .into(),
        None => error,
    }
}

/// Whether the output goes to something other than a person at a terminal (or is asked for
/// anyway): the secrets may be printed.
fn is_for_evaluation(args: &ExportArgs) -> bool {
    args.show || args.format.is_some() || args.shell.is_some() || !std::io::stdout().is_terminal()
}

/// `ssoenv my-dev-profile` typed at a prompt would show the secret key on the screen and change
/// nothing: say what to type instead. Nothing is fetched before this, so nothing is signed in to
/// for output nobody evaluates.
fn refuse_to_show_secrets(args: &ExportArgs) -> anyhow::Result<()> {
    if is_for_evaluation(args) {
        return Ok(());
    }
    let profile = select_profile_name(args.credentials.profile.as_deref());
    // An undefined profile is said by the usual path (with its suggestions), which fails before
    // any request.
    if AwsConfig::load_default_for_profile(&profile)
        .is_ok_and(|config| config.profile(&profile).is_none())
    {
        return Ok(());
    }
    let mut message = format!(
        "not showing the credentials of '{profile}' on the terminal: printed here they change \
         nothing in your shell. "
    );
    match evaluate_in(Shell::detect(), &profile) {
        Some(line) => message.push_str(&format!(
            "Put them into this shell with `{line}`, or with the shell integration \
             `ssoenv use {profile}`."
        )),
        None => message.push_str(&format!(
            "Put them into this shell with the shell integration: `ssoenv use {profile}`."
        )),
    }
    message.push_str(" To see them anyway, add --show.");
    Err(UsageError(message).into())
}
