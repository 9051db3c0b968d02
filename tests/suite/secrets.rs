//! Secrets stay secret: never on a command line (the process table is read while ssoenv runs),
//! never on stderr, even with `--debug`, and only in files of mode 0600 in directories of 0700.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::cache_files::{secrets_in, snapshot};
use crate::support::home::*;
use sso_emulator::Emulator;

/// Every command line on the machine, read repeatedly while `command` runs.
fn command_lines_during(command: &mut Command) -> (Run, BTreeSet<String>) {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let watcher = std::thread::spawn(move || {
        let mut seen = BTreeSet::new();
        let mut ssoenv_seen = false;
        // Until the process is gone (its /proc entry disappears once it is reaped).
        while std::path::Path::new(&format!("/proc/{pid}")).exists() {
            for entry in std::fs::read_dir("/proc").unwrap().flatten() {
                if let Ok(bytes) = std::fs::read(entry.path().join("cmdline")) {
                    let line = String::from_utf8_lossy(&bytes).replace('\0', " ");
                    // This ssoenv, not one of another test running at the same time.
                    ssoenv_seen |= entry.file_name() == *pid.to_string() && line.contains("ssoenv");
                    seen.insert(line);
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(
            ssoenv_seen,
            "the process table was never read while ssoenv ran"
        );
        seen
    });
    let output = child.wait_with_output().unwrap();
    let seen = watcher.join().unwrap();
    (
        Run {
            status: output.status,
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        },
        seen,
    )
}

fn assert_no_secret(secrets: &BTreeSet<String>, text: &str, what: &str) {
    assert!(!secrets.is_empty());
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a secret ({}…) appears in {what}:\n{text}",
            &secret[..secret.len().min(6)]
        );
    }
}

/// Slow enough that every run is seen in the process table many times.
fn slow_emulator() -> Emulator {
    start_emulator_with(|c| {
        c.latency = Duration::from_millis(150);
        c.device_auto_approve_after_polls = Some(0);
        c.device_interval = 1;
    })
}

/// Sign-in (PKCE, with a browser process whose command line is read too; and device code),
/// refresh, credential fetch and the console's sign-in token: no secret on any command line or on stderr (`--debug` on).
#[test]
fn secrets_never_reach_a_command_line_or_stderr() {
    let emulator = slow_emulator();
    let home = TestHome::new();
    let mut all_lines = String::new();
    let mut all_stderr = String::new();
    let mut steps: Vec<Command> = Vec::new();
    let mut pkce = home.ssoenv(&emulator.url());
    pkce.args(["--debug", "login", PROFILE])
        .env("BROWSER", "curl -sfL -o /dev/null");
    steps.push(pkce);
    let mut device = home.ssoenv(&emulator.url());
    device.args([
        "login",
        PROFILE,
        "--use-device-code",
        "--no-browser",
        "--debug",
    ]);
    steps.push(device);
    let mut export = home.ssoenv(&emulator.url());
    export
        .args([PROFILE, "--shell", "bash"])
        .env("SSOENV_DEBUG", "1");
    steps.push(export);
    // The console: the credentials go to the federation endpoint in-process; the browser gets
    // the one-time sign-in token only.
    let mut console = home.ssoenv(&emulator.url());
    console
        .args(["console", PROFILE, "--debug", "--destination"])
        .arg(format!("{}/console/home", emulator.url()))
        .env("AWS_ENDPOINT_URL_SIGNIN", emulator.url())
        .env("BROWSER", "curl -sfL -b /dev/null -o /dev/null");
    steps.push(console);
    for (i, mut step) in steps.into_iter().enumerate() {
        let (out, lines) = command_lines_during(&mut step);
        assert!(out.status.success(), "step {i}: {}", out.stderr);
        assert!(out.stderr.contains("ssoenv[debug]"), "the trace is on");
        all_lines.extend(lines.into_iter().map(|l| l + "\n"));
        all_stderr.push_str(&out.stderr);
    }
    // A refresh, traced too.
    let minted = home.seed_token(&emulator, 10 * 60);
    let (out, lines) = command_lines_during(home.ssoenv(&emulator.url()).args([
        PROFILE,
        "--debug",
        "--shell",
        "sh",
        "--min-valid",
        "2h",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stderr.contains("refreshed"), "{}", out.stderr);
    all_lines.extend(lines.into_iter().map(|l| l + "\n"));
    all_stderr.push_str(&out.stderr);

    let mut secrets = secrets_in(&snapshot(home.path()));
    secrets.insert(minted.access_token);
    secrets.insert(minted.client_secret);
    secrets.extend(minted.refresh_token);
    assert_no_secret(&secrets, &all_lines, "the process table");
    assert_no_secret(&secrets, &all_stderr, "stderr");
    assert!(
        all_lines.contains("curl -sfL -o /dev/null http://"),
        "the browser's command line was seen (and holds only the public sign-in address)"
    );
    assert!(
        all_lines.contains("/federation?Action=login&"),
        "the console's browser was seen (and holds only the sign-in token)"
    );
}

/// Every file ssoenv writes is 0600; every directory it creates is 0700.
#[test]
fn files_are_private() {
    let emulator = start_emulator();
    let home = TestHome::new(); // ~/.aws holds only the config: ssoenv makes the rest
    let login = run(home
        .ssoenv(&emulator.url())
        .args(["login", PROFILE])
        .env("BROWSER", "curl -sfL -o /dev/null"));
    assert!(login.status.success(), "{}", login.stderr);
    let export = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--shell", "sh"]));
    assert!(export.status.success(), "{}", export.stderr);

    let files: Vec<PathBuf> = snapshot(home.path()).into_keys().collect();
    assert!(
        files.len() >= 4,
        "token, registration, credentials, locks: {files:?}"
    );
    for file in files {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    for dir in ["sso", "sso/cache", "cli", "cli/cache"] {
        let path = home.path().join(".aws").join(dir);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", path.display());
    }
}

/// Core files found in `dir` after `command` (which is made to allow core dumps and then sent
/// SIGQUIT once `ready` says so) ended.
fn core_files_after_quit(dir: &std::path::Path, command: &str, ready: impl Fn() -> bool) -> usize {
    let child = Command::new("bash")
        .args(["-c", &format!("ulimit -c unlimited && exec {command}")])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !ready() {
        assert!(std::time::Instant::now() < deadline, "never got ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGQUIT).unwrap();
    child.wait_with_output().unwrap();
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("core")
        })
        .count()
}

#[test]
fn a_quit_signal_during_a_refresh_leaves_no_core_file_with_tokens() {
    // Whether this machine writes core files at all (core_pattern, limits): a plain process first.
    let control = tempfile::tempdir().unwrap();
    if core_files_after_quit(control.path(), "sleep 5", || true) == 0 {
        eprintln!("skipped: this machine writes no core files (see /proc/sys/kernel/core_pattern)");
        return;
    }
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    emulator.inject_failure(sso_emulator::Failure::delay(
        "GetRoleCredentials",
        Duration::from_secs(5),
        1,
    ));
    let command = format!(
        "env HOME={} AWS_ENDPOINT_URL={} {} {PROFILE} --no-login",
        home.path().display(),
        emulator.url(),
        env!("CARGO_BIN_EXE_ssoenv"),
    );
    let cores = core_files_after_quit(home.path(), &command, || {
        emulator.request_count("GetRoleCredentials") > 0
    });
    assert_eq!(cores, 0, "a core file holding the access token was written");
}
