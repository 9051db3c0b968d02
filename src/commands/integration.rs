//! `ssoenv use PROFILE` and `ssoenv off`: what the `ssoenv` shell function of the integration
//! runs and evaluates in the current shell. Typed without the integration (stdout a terminal)
//! they explain what to do instead of printing code nobody evaluates.

use std::io::IsTerminal;

use crate::cli::{ExportArgs, UnsetArgs};
use crate::commands::export::{self, print_all};
use crate::commands::profile_credentials::{effective_min_valid, profile_credentials};
use crate::commands::sign_in::SignInPolicy;
use crate::config;
use crate::environment::EXPORTED;
use crate::shell::{Backoff, EnvChange, Shell, integration_output};

pub fn run_use(args: &ExportArgs) -> anyhow::Result<()> {
    refuse_a_terminal("use", "eval \"$(ssoenv PROFILE)\"")?;
    if args.shell != Some(Shell::Nushell) {
        return export::run(args);
    }
    // Nushell's integration applies data, not code (see `integration_output`).
    let profile_name = config::select_profile_name(args.profile.as_deref());
    let policy = SignInPolicy::from_args(args.no_login, &args.sign_in);
    let min_valid = effective_min_valid(args.min_valid, args.min_remaining);
    let resolved = profile_credentials(&profile_name, min_valid, &policy)?;
    resolved.ensure_lasts(args.min_remaining, min_valid)?;
    print_all(&integration_output(
        Shell::Nushell,
        &resolved.env_changes(),
        Backoff::Keep,
    )?)
}

pub fn run_off(args: &UnsetArgs) -> anyhow::Result<()> {
    refuse_a_terminal("off", "eval \"$(ssoenv unset)\"")?;
    let shell = args.shell.unwrap_or_else(Shell::detect);
    print_all(&integration_output(shell, &unset_changes(), Backoff::Keep)?)
}

/// Every variable in [`EXPORTED`], including `AWS_REGION` and `AWS_DEFAULT_REGION`, which an
/// export sets only when the profile names a region: ssoenv cannot tell them from the user's own.
pub fn unset_changes() -> Vec<EnvChange> {
    EXPORTED
        .iter()
        .map(|name| EnvChange::unset(*name))
        .collect()
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
