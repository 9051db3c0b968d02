//! `ssoenv completions SHELL`: print the script that hooks ssoenv's completion into a shell (see
//! [`crate::cli::completion`]). The scripts are also committed under `completions/` for packagers.

use anyhow::Context;

use super::output::print_all;
use crate::cli::CompletionsArgs;
use crate::cli::completion::registration_script;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<()> {
    let script = registration_script(args.shell).context("generating the completion script")?;
    print_all(&String::from_utf8_lossy(&script))
}
