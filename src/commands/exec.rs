//! `ssoenv exec [PROFILE] -- COMMAND [ARGS…]`: run a command with a profile's credentials in its
//! environment, the variables `export` would set (and `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`
//! removed, so that SDKs use them instead of resolving a profile).
//!
//! On Unix ssoenv replaces itself with the command (`execvp`): same process id, so signals sent
//! to it reach the command, and its exit status is the command's own, with no ssoenv left in
//! between.

use std::ffi::OsString;
use std::process::Command;

use super::profile_credentials::resolve;
use crate::cli::ExecArgs;
use crate::environment::PROFILE_MARKER;
use crate::error::SilentExit;
use crate::shell::EnvChange;

/// Exit statuses when the command cannot be started, as POSIX shells and `env` use them.
const COMMAND_NOT_FOUND: u8 = 127;
const COMMAND_NOT_RUNNABLE: u8 = 126;

pub fn run(args: &ExecArgs) -> anyhow::Result<()> {
    let Some((program, arguments)) = args.command.split_first() else {
        // clap requires a command; this only guards against a change there.
        anyhow::bail!("no command given: ssoenv exec PROFILE -- COMMAND [ARGS…]");
    };
    // Checked before the command starts: a long job must not fail half-way.
    let resolved = resolve(&args.credentials)?;

    if let Some(current) = std::env::var_os(PROFILE_MARKER).filter(|p| !p.is_empty())
        && current != OsString::from(&resolved.profile)
    {
        eprintln!(
            "ssoenv: note: this shell holds the credentials of profile '{}'; running {} with \
             profile '{}'",
            current.to_string_lossy(),
            program.to_string_lossy(),
            resolved.profile,
        );
    }

    let mut command = Command::new(program);
    command.args(arguments);
    for change in resolved.env_changes() {
        match change {
            EnvChange::Set { name, value } => command.env(name, value),
            EnvChange::Unset { name } => command.env_remove(name),
        };
    }
    run_in_place(command, program)
}

/// Replaces this process with `command`; returns only if it could not be started.
#[cfg(unix)]
fn run_in_place(mut command: Command, program: &OsString) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    crate::hardening::allow_core_dumps_for_exec();
    let error = command.exec();
    Err(cannot_run(program, &error))
}

/// Without `exec`: run the command, wait, and exit with its status.
#[cfg(not(unix))]
fn run_in_place(mut command: Command, program: &OsString) -> anyhow::Result<()> {
    let status = command
        .status()
        .map_err(|error| cannot_run(program, &error))?;
    std::process::exit(status.code().unwrap_or(1));
}

/// Says why the command did not start and picks the shell's status for it.
fn cannot_run(program: &OsString, error: &std::io::Error) -> anyhow::Error {
    let status = if error.kind() == std::io::ErrorKind::NotFound {
        COMMAND_NOT_FOUND
    } else {
        COMMAND_NOT_RUNNABLE
    };
    eprintln!("ssoenv: cannot run {}: {error}", program.to_string_lossy());
    SilentExit(status).into()
}
