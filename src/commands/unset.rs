//! `ssoenv unset` prints the statements that remove every variable ssoenv sets; `ssoenv off`
//! is the same for the shell function of the integration, which evaluates it.

use std::io::IsTerminal;

use crate::cli::UnsetArgs;
use crate::commands::export::print_all;
use crate::environment::EXPORTED;
use crate::shell::{self, EnvChange, Shell};

/// Every variable in [`EXPORTED`], including `AWS_REGION` and `AWS_DEFAULT_REGION`, which an
/// export sets only when the profile names a region: ssoenv cannot tell them from the user's own.
pub fn run(args: &UnsetArgs) -> anyhow::Result<()> {
    let changes: Vec<EnvChange> = EXPORTED
        .iter()
        .map(|name| EnvChange::unset(*name))
        .collect();
    print_all(&shell::render(
        args.shell.unwrap_or_else(Shell::detect),
        &changes,
    )?)
}

pub fn run_off(args: &UnsetArgs) -> anyhow::Result<()> {
    refuse_a_terminal("off", "eval \"$(ssoenv unset)\"")?;
    run(args)
}

/// `use` and `off` print code that only the integration's shell function evaluates. Printed to
/// a terminal it would only be shown, and the user would think the shell had changed.
pub fn refuse_a_terminal(command: &str, instead: &str) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() {
        anyhow::bail!(
            "`ssoenv {command}` changes the current shell, which needs the shell integration: add \
             `eval \"$(ssoenv init bash)\"` (or zsh, fish, …; see `ssoenv init --help`) to your \
             shell's startup file and open a new shell. Without it: {instead}"
        );
    }
    Ok(())
}
