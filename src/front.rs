//! The front executable, `ssoenv`: what runs at every `eval`, `ssoenv use` and prompt, kept to a
//! process that starts like a hello-world program.
//!
//! Most of a run of the whole program is its start: the dynamic loader maps and relocates a 14 MB
//! executable that links the AWS SDK (23,000 relocations, 80 pages written before `main`). The
//! front holds only what the hot command lines need when the caches answer them: reading them
//! (the small definitions of [`crate::cli::read_hot_command_line`]), the config lookup, the cache
//! files and the shell output. Everything else, and every hot command line the caches cannot
//! answer by themselves (credentials to fetch, a sign-in, an error to report, `--debug`), goes to
//! `ssoenv-full`, the whole program, by `exec`: same process, arguments, environment and standard
//! streams, so it behaves as if it had been run in the first place.
//!
//! What the front answers it answers with the whole program's own functions
//! ([`crate::commands::export::from_cache`], [`crate::commands::hook::has_nothing_to_do`],
//! [`crate::commands::prompt::run`]), so both print the same bytes.

use std::ffi::OsString;
use std::process::ExitCode;

use crate::cli::{Command, read_hot_command_line};
use crate::commands::{export, hook, output::print_all, prompt};

/// Answers the command line `args` if the front can, else runs the whole program in this process.
pub fn main(args: Vec<OsString>) -> ExitCode {
    if answer(&args) {
        return ExitCode::SUCCESS;
    }
    run_full(&args)
}

/// Whether the command line was answered here (its output written).
fn answer(args: &[OsString]) -> bool {
    // A Tab asks the whole definition for candidates.
    if std::env::var_os(crate::cli::completion::COMPLETE_VAR).is_some() {
        return false;
    }
    let Some(line) = read_hot_command_line(args) else {
        return false;
    };
    if line.debug {
        return false;
    }
    match line.command {
        Command::Export(args) => {
            // What the cache readers warn about is said by whichever executable answers.
            crate::cache::hold_warnings();
            let output = export::from_cache(&args);
            let warnings = crate::cache::release_warnings();
            let Some(output) = output else {
                return false;
            };
            for warning in warnings {
                eprintln!("{warning}");
            }
            print_all(&output).is_ok()
        }
        Command::Hook(args) => hook::has_nothing_to_do(&args),
        Command::Prompt(args) => prompt::run(&args).is_ok(),
        _ => false,
    }
}

/// `exec`s `ssoenv-full` with the same arguments (its `argv[0]` kept, so messages and usage name
/// the command as typed); returns only when that fails.
fn run_full(args: &[OsString]) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let full = match crate::executables::full() {
        Ok(full) => full,
        Err(error) => {
            eprintln!("ssoenv: cannot find the path of the ssoenv executable: {error}");
            return ExitCode::from(crate::error::exit_code::FAILURE);
        }
    };
    let mut command = std::process::Command::new(&full);
    if let Some(name) = args.first() {
        command.arg0(name);
    }
    let error = command.args(args.iter().skip(1)).exec();
    eprintln!(
        "ssoenv: cannot run {}: {error}; it is installed next to ssoenv (`cargo install` puts \
         both there)",
        full.display()
    );
    ExitCode::from(crate::error::exit_code::FAILURE)
}
