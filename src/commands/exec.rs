//! `ssoenv exec [PROFILE] -- COMMAND [ARGS…]`: run a command with a profile's credentials in its
//! environment, the variables `export` would set (and `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`
//! removed, so that SDKs use them instead of resolving a profile).
//!
//! On Unix ssoenv replaces itself with the command (`execvp`): same process id, so signals sent
//! to it reach the command, and its exit status is the command's own, with no ssoenv left in
//! between.
//!
//! With `--server` the command instead gets a credential endpoint (`credential_endpoint`), which
//! must outlive the command's start, so ssoenv stays: it runs the command as its child, passes
//! on the signals sent to it, and ends as the command ended (the same exit status, or killed by
//! the same signal), taking the endpoint with it.

use std::ffi::OsString;
use std::process::Command;

use super::credential_endpoint::{
    LOOPBACK_ANY_PORT, Prepared, prepare, warn_if_the_default_profile_shadows_it,
};
use super::profile_credentials::resolve;
use crate::cli::ExecArgs;
use crate::environment::{PROFILE_MARKER, endpoint_changes};
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
    if args.server {
        // Checked before the command starts, as without `--server`.
        let prepared = prepare(&args.credentials, LOOPBACK_ANY_PORT)?;
        note_another_profile(&prepared.resolved.profile, program);
        warn_if_the_default_profile_shadows_it();
        let changes = endpoint_changes(
            &prepared.endpoint.url(),
            prepared.endpoint.token().expose(),
            prepared.resolved.region.as_deref(),
        );
        return run_beside_endpoint(
            command_with(program, arguments, &changes),
            program,
            prepared,
        );
    }
    // Checked before the command starts: a long job must not fail half-way.
    let resolved = resolve(&args.credentials)?;
    note_another_profile(&resolved.profile, program);
    run_in_place(
        command_with(program, arguments, &resolved.env_changes()),
        program,
    )
}

/// Says so when the shell holds another profile's credentials than the command gets.
fn note_another_profile(profile: &str, program: &OsString) {
    if let Some(current) = std::env::var_os(PROFILE_MARKER).filter(|p| !p.is_empty())
        && current != profile
    {
        eprintln!(
            "ssoenv: note: this shell holds the credentials of profile '{}'; running {} with \
             profile '{}'",
            current.to_string_lossy(),
            program.to_string_lossy(),
            profile,
        );
    }
}

fn command_with(program: &OsString, arguments: &[OsString], changes: &[EnvChange]) -> Command {
    let mut command = Command::new(program);
    command.args(arguments);
    for change in changes {
        match change {
            EnvChange::Set { name, value } => command.env(name, value),
            EnvChange::Unset { name } => command.env_remove(name),
        };
    }
    command
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

/// Runs `command` as a child while the endpoint serves on a thread of its own; ends this process
/// as the child ended.
fn run_beside_endpoint(
    mut command: Command,
    program: &OsString,
    prepared: Prepared,
) -> anyhow::Result<()> {
    // Before any thread starts, so that every thread inherits the mask; the child gets a clear
    // one.
    #[cfg(unix)]
    let forwarded = child_signals::block();
    #[cfg(unix)]
    child_signals::unblock_in_child(&mut command);
    let Prepared {
        endpoint, answers, ..
    } = prepared;
    std::thread::Builder::new()
        .name("credential-endpoint".into())
        .spawn(move || {
            if let Err(error) = endpoint.serve(answers) {
                eprintln!("ssoenv: the credential endpoint stopped: {error}");
            }
        })?;
    let mut child = command
        .spawn()
        .map_err(|error| cannot_run(program, &error))?;
    #[cfg(unix)]
    child_signals::forward(forwarded, child.id());
    let status = child.wait()?;
    #[cfg(unix)]
    child_signals::end_like(status);
    #[cfg(not(unix))]
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

/// The signals of a child that ssoenv stays beside: passed on while it runs, and its death by
/// one repeated on ssoenv itself, so that whoever started ssoenv sees what they would have seen
/// had ssoenv become the command.
#[cfg(unix)]
mod child_signals {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    /// The signals passed on. SIGINT and SIGQUIT come from the terminal's keys too, and then the
    /// terminal sends them to the child as well (it is in the same process group): those are
    /// passed on only when a process sent them to ssoenv alone.
    const FORWARDED: [libc::c_int; 6] = [
        libc::SIGINT,
        libc::SIGQUIT,
        libc::SIGTERM,
        libc::SIGHUP,
        libc::SIGUSR1,
        libc::SIGUSR2,
    ];

    /// A set of signals blocked in this thread, to be waited for by [`forward`].
    pub struct Blocked(libc::sigset_t);

    /// Blocks the forwarded signals in this thread and every thread it starts afterwards.
    pub fn block() -> Blocked {
        // SAFETY: sigset_t is plain data that sigemptyset initialises; the calls only read and
        // write the set given and this thread's mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in FORWARDED {
                libc::sigaddset(&mut set, signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            Blocked(set)
        }
    }

    /// Makes `command` start with no signal blocked: a child inherits the mask, and the standard
    /// library does not clear it on every platform.
    pub fn unblock_in_child(command: &mut std::process::Command) {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the closure only calls sigemptyset and sigprocmask, both
        // async-signal-safe, on a set on its own stack.
        unsafe {
            command.pre_exec(|| {
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
                Ok(())
            });
        }
    }

    /// Passes each blocked signal on to process `child`, on a thread of its own.
    pub fn forward(blocked: Blocked, child: u32) {
        let Ok(child) = libc::pid_t::try_from(child) else {
            return;
        };
        let waiter = move || {
            loop {
                let Some((signal, from_a_process)) = wait(&blocked) else {
                    continue;
                };
                let from_terminal_key =
                    !from_a_process && matches!(signal, libc::SIGINT | libc::SIGQUIT);
                if !from_terminal_key {
                    // SAFETY: kill only sends a signal to the child's process id.
                    unsafe { libc::kill(child, signal) };
                }
            }
        };
        // Without the thread the signals stay blocked: ssoenv then outlives a SIGTERM until the
        // child ends, which is no worse than the endpoint dying under the child.
        let _ = std::thread::Builder::new()
            .name("signal-forwarder".into())
            .spawn(waiter);
    }

    /// The next blocked signal, and whether a process sent it (rather than the kernel, for a key
    /// pressed on the terminal).
    #[cfg(target_os = "linux")]
    fn wait(blocked: &Blocked) -> Option<(libc::c_int, bool)> {
        // SAFETY: sigwaitinfo writes into the siginfo_t given; the set is initialised.
        unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let signal = libc::sigwaitinfo(&blocked.0, &mut info);
            // si_code <= 0: sent by kill, sigqueue or tgkill; SI_KERNEL (> 0): the terminal.
            (signal > 0).then_some((signal, info.si_code <= 0))
        }
    }

    /// Elsewhere sigwait cannot tell who sent a signal: take every one as the terminal's.
    #[cfg(not(target_os = "linux"))]
    fn wait(blocked: &Blocked) -> Option<(libc::c_int, bool)> {
        let mut signal: libc::c_int = 0;
        // SAFETY: sigwait writes the signal number; the set is initialised.
        let failed = unsafe { libc::sigwait(&blocked.0, &mut signal) } != 0;
        (!failed).then_some((signal, false))
    }

    /// Ends this process as the child ended: killed by the same signal, or with its exit status.
    pub fn end_like(status: ExitStatus) -> ! {
        if let Some(signal) = status.signal() {
            // SAFETY: resets one signal's disposition, unblocks it in this thread and sends it
            // to this thread; every call takes plain integers or a set it initialises.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, signal);
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
                libc::raise(signal);
            }
            // A signal whose default is not to end the process: say it as shells do.
            std::process::exit(128 + signal);
        }
        std::process::exit(status.code().unwrap_or(1));
    }
}
