//! `sso-emulator`: runs the local IAM Identity Center until killed. Prints its URL as the only
//! line on stdout once it accepts requests, so scripts can read it and start using it.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use sso_emulator::Emulator;
use sso_emulator::cli::{CliAction, USAGE, parse_args};

fn main() -> ExitCode {
    let (port, config) = match parse_args(std::env::args().skip(1)) {
        Ok(CliAction::Run { port, config }) => (port, *config),
        Ok(CliAction::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("sso-emulator: {err}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let emulator = match Emulator::start_on(addr, config) {
        Ok(emulator) => emulator,
        Err(err) => {
            eprintln!("sso-emulator: cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", emulator.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    // Serve on the background threads until a signal ends the process.
    loop {
        std::thread::park();
    }
}
