//! `ssoenv-full`: the whole program, which the front executable `ssoenv` runs (by `exec`) for
//! everything it does not answer itself (see `ssoenv::front`).

use std::process::ExitCode;

use ssoenv::cli::parse_command_line;
use ssoenv::error::{SilentExit, exit_status, report};

fn main() -> ExitCode {
    ssoenv::hardening::forbid_core_dumps();
    // A Tab in a shell runs `SSOENV_COMPLETE=<shell> ssoenv -- <words>`: answer and exit.
    ssoenv::cli::completion::complete_if_asked();
    let command_line = parse_command_line();
    if command_line.debug {
        ssoenv::debug::enable();
    }
    match ssoenv::commands::run(command_line.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.downcast_ref::<SilentExit>().is_none() {
                eprintln!("ssoenv: {}", report(error.as_ref()));
            }
            ExitCode::from(exit_status(&error))
        }
    }
}
