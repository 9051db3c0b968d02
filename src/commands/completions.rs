//! `ssoenv completions SHELL`: print the script that hooks ssoenv's completion into a shell (see
//! [`crate::completions`]). The scripts are also committed under `completions/` for packagers.

use anyhow::Context;

use super::export::print_all;
use crate::cli::CompletionsArgs;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<()> {
    let script = crate::completions::registration_script(args.shell)
        .context("generating the completion script")?;
    print_all(&String::from_utf8_lossy(&script))
}
