use std::process::ExitCode;

use clap::Parser;

use ssoenv::cli::Cli;
use ssoenv::credentials::CredentialsError;
use ssoenv::error::{SilentExit, exit_code};

fn main() -> ExitCode {
    let cli = Cli::parse_from(ssoenv::cli::with_debug_flag_moved(std::env::args_os()));
    if cli.debug {
        ssoenv::debug::enable();
    }
    match ssoenv::commands::run(cli) {
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
