//! `ssoenv use PROFILE` and `ssoenv off`: what the `ssoenv` shell function of the integration
//! runs and evaluates in the current shell. Typed without the integration (stdout a terminal)
//! they explain what to do instead of printing code nobody evaluates.

use std::io::IsTerminal;

use super::output::{evaluate_in, print_all, render_credentials};
use super::profile_credentials::resolve;
use clap::ValueEnum;

use crate::cli::{OffArgs, OutputFormat, UseArgs};
use crate::config::select_profile_name;
use crate::environment::unset_changes;
use crate::error::UsageError;
use crate::shell::{Backoff, Shell, integration_output};

/// What `export` prints, except in nushell, whose integration applies data, not code (see
/// `integration_output`).
pub fn run_use(args: &UseArgs) -> anyhow::Result<()> {
    let shell = one_shell("use", &args.shell)?;
    if let Some(format) = args.format.filter(|format| *format != OutputFormat::Shell) {
        let name = format
            .to_possible_value()
            .map_or_else(String::new, |value| value.get_name().to_string());
        return Err(UsageError(format!(
            "`ssoenv use` puts the credentials into this shell, so it prints only shell code; \
             for --format {name} run `ssoenv {} --format {name}`",
            select_profile_name(args.credentials.profile.as_deref())
        ))
        .into());
    }
    let profile = select_profile_name(args.credentials.profile.as_deref());
    let shell = shell.unwrap_or_else(Shell::detect);
    let instead = evaluate_in(shell, &profile)
        .unwrap_or_else(|| format!("ssoenv {profile} --shell {}", shell.name()));
    refuse_a_terminal("use", &instead)?;
    let resolved = resolve(&args.credentials)?;
    let output = if shell == Shell::Nushell {
        integration_output(Shell::Nushell, &resolved.env_changes(), Backoff::Keep)?
    } else {
        render_credentials(&resolved, Some(OutputFormat::Shell), Some(shell))?
    };
    print_all(&output)
}

pub fn run_off(args: &OffArgs) -> anyhow::Result<()> {
    let shell = one_shell("off", &args.shell)?.unwrap_or_else(Shell::detect);
    let instead = evaluate_in(shell, "unset").unwrap_or_else(|| "ssoenv unset".to_string());
    refuse_a_terminal("off", &instead)?;
    print_all(&integration_output(shell, &unset_changes(), Backoff::Keep)?)
}

/// `use` and `off` print code that only the integration's shell function evaluates. Printed to
/// a terminal it would only be shown, and the user would think the shell had changed.
fn refuse_a_terminal(command: &str, instead: &str) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() {
        anyhow::bail!(
            "`ssoenv {command}` changes the current shell, which needs the shell integration: add \
             `eval \"$(ssoenv init bash)\"` (or zsh, fish, …; see `ssoenv init --help`) to your \
             shell's startup file and open a new shell. Without it: `{instead}`"
        );
    }
    Ok(())
}

/// The shell `use` or `off` prints for: the one `--shell` names (the integration passes its own
/// first). A different one after it is refused: the integration of one shell would evaluate the
/// code of another.
fn one_shell(command: &str, shells: &[Shell]) -> anyhow::Result<Option<Shell>> {
    let Some(&first) = shells.first() else {
        return Ok(None);
    };
    match shells.iter().find(|shell| **shell != first) {
        None => Ok(Some(first)),
        Some(other) => Err(UsageError(format!(
            "`ssoenv {command}` runs in {} (the shell integration's) and can print only its code, \
             not --shell {}; in {} itself, use its own integration (`ssoenv init {}`), or run \
             `ssoenv {} --shell {}` to see another shell's statements",
            first.name(),
            other.name(),
            other.name(),
            other.name(),
            if command == "use" { "PROFILE" } else { "unset" },
            other.name()
        ))
        .into()),
    }
}
