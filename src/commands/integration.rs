//! `ssoenv use PROFILE` and `ssoenv off`: what the `ssoenv` shell function of the integration
//! runs and evaluates in the current shell. Typed without the integration (stdout a terminal)
//! they explain what to do instead of printing code nobody evaluates.

use std::io::IsTerminal;

use super::output::{print_all, render_credentials};
use super::profile_credentials::resolve;
use crate::cli::{ExportArgs, UnsetArgs};
use crate::environment::unset_changes;
use crate::shell::{Backoff, Shell, integration_output};

/// What `export` prints, except in nushell, whose integration applies data, not code (see
/// `integration_output`).
pub fn run_use(args: &ExportArgs) -> anyhow::Result<()> {
    refuse_a_terminal("use", "eval \"$(ssoenv PROFILE)\"")?;
    let resolved = resolve(&args.credentials)?;
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
