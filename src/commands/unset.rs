//! `ssoenv unset`: print the statements that remove every variable ssoenv sets.

use super::output::print_all;
use crate::cli::UnsetArgs;
use crate::environment::unset_changes;
use crate::shell::{self, Shell};

pub fn run(args: &UnsetArgs) -> anyhow::Result<()> {
    print_all(&shell::render(
        args.shell.unwrap_or_else(Shell::detect),
        &unset_changes(),
    )?)
}
