//! `ssoenv use PROFILE` and `ssoenv off`: what the `ssoenv` shell function of the integration
//! runs and evaluates in the current shell. Typed without the integration (stdout a terminal)
//! they explain what to do instead of printing code nobody evaluates.

use std::io::IsTerminal;

use super::output::{print_all, render_credentials};
use super::profile_credentials::{effective_min_valid, profile_credentials};
use super::sign_in::SignInPolicy;
use crate::cli::{ExportArgs, UnsetArgs};
use crate::config;
use crate::environment::unset_changes;
use crate::shell::{Backoff, Shell, integration_output};

/// What `export` prints, except in nushell, whose integration applies data, not code (see
/// `integration_output`).
pub fn run_use(args: &ExportArgs) -> anyhow::Result<()> {
    refuse_a_terminal("use", "eval \"$(ssoenv PROFILE)\"")?;
    let profile_name = config::select_profile_name(args.profile.as_deref());
    let policy = SignInPolicy::from_args(args.no_login, &args.sign_in);
    let min_valid = effective_min_valid(args.min_valid, args.min_remaining);
    let resolved = profile_credentials(&profile_name, min_valid, &policy)?;
    resolved.ensure_lasts(args.min_remaining, min_valid)?;
    let output = if args.shell == Some(Shell::Nushell) {
        integration_output(Shell::Nushell, &resolved.env_changes(), Backoff::Keep)?
    } else {
        render_credentials(&resolved, args.format, args.shell)?
    };
    print_all(&output)
}

pub fn run_off(args: &UnsetArgs) -> anyhow::Result<()> {
    refuse_a_terminal("off", "eval \"$(ssoenv unset)\"")?;
    let shell = args.shell.unwrap_or_else(Shell::detect);
    print_all(&integration_output(shell, &unset_changes(), Backoff::Keep)?)
}

/// `use` and `off` print code that only the integration's shell function evaluates. Printed to
/// a terminal it would only be shown, and the user would think the shell had changed.
fn refuse_a_terminal(command: &str, instead: &str) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() {
        anyhow::bail!(
            "`ssoenv {command}` changes the current shell, which needs the shell integration: add \
             `eval \"$(ssoenv init bash)\"` (or zsh, fish, …; see `ssoenv init --help`) to your \
             shell's startup file and open a new shell. Without it: {instead}"
        );
    }
    Ok(())
}
