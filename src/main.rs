use std::process::ExitCode;

use ssoenv::cli::parse_command_line;
use ssoenv::credentials::CredentialsError;
use ssoenv::error::{SilentExit, exit_code};

fn main() -> ExitCode {
    // A Tab in a shell runs `SSOENV_COMPLETE=<shell> ssoenv -- <words>`: answer and exit.
    ssoenv::completions::complete_if_asked();
    let command_line = parse_command_line();
    if command_line.debug {
        ssoenv::debug::enable();
    }
    match ssoenv::commands::run(command_line.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(SilentExit(code)) = error.downcast_ref::<SilentExit>() {
                return ExitCode::from(*code);
            }
            // `{:#}` prints the whole context chain on one line: "loading X: permission denied".
            eprintln!("ssoenv: {error:#}");
            let sign_in_needed = error.chain().any(|cause| {
                matches!(
                    cause.downcast_ref::<CredentialsError>(),
                    Some(CredentialsError::SignInNeeded { .. })
                )
            });
            ExitCode::from(if sign_in_needed {
                exit_code::SIGN_IN_NEEDED
            } else {
                exit_code::FAILURE
            })
        }
    }
}
