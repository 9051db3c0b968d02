//! Crash safety: `kill -9` at a random moment of a refresh, a PKCE sign-in, a device code
//! sign-in, `configure` and `populate`, many times over. After every kill, every cache file is
//! complete and valid (never truncated, never half of one write and half of another), the config
//! file still reads with every section the user wrote, and the next run is not blocked by a lock
//! the killed process held (the kernel drops `flock` locks with the process).
//!
//! The suite runs a modest number of trials (`SSOENV_CRASH_TRIALS`, default 25 per scenario);
//! `scripts/crash-trials` runs hundreds against the release build. The seed is printed; set
//! `SSOENV_CRASH_SEED` to replay a run.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::cache_files::{snapshot, temp_files};
use crate::support::home::*;
use sso_emulator::Emulator;
use ssoenv::cache::{ClientRegistration, RoleCredentials, SsoToken};

/// Latency added to every emulated request, so that a run lasts long enough for kills to land
/// before, during and after its requests and writes.
const LATENCY: Duration = Duration::from_millis(15);
/// A run after a kill that takes longer than this is blocked (the normal run takes well under 1 s).
const FOLLOW_UP_LIMIT: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug)]
enum Scenario {
    /// `ssoenv PROFILE` with a token 30 s from expiry: refresh, then fetch credentials.
    Refresh,
    /// `ssoenv login PROFILE` with a program as the browser.
    PkceSignIn,
    /// `ssoenv login PROFILE --use-device-code`, approved at the first poll.
    DeviceSignIn,
    /// `ssoenv configure` with every answer as a flag: edits the config file, no network.
    Configure,
    /// `ssoenv populate`: lists accounts and roles, then rewrites the config file.
    Populate,
}

/// xorshift64*: reproducible random delays without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn trials() -> usize {
    std::env::var("SSOENV_CRASH_TRIALS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(25)
}

fn seed() -> u64 {
    std::env::var("SSOENV_CRASH_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

fn start(scenario: Scenario, home: &TestHome, url: &str, trial: usize) -> Child {
    start_command(scenario, home, url, trial)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssoenv starts")
}

/// The command of one run of `scenario` (`trial` picks what it changes).
fn start_command(scenario: Scenario, home: &TestHome, url: &str, trial: usize) -> Command {
    let mut command = home.ssoenv(url);
    // A different region each trial, so that every run has something to write.
    let region = ["eu-west-1", "eu-west-2"][trial % 2];
    match scenario {
        Scenario::Configure => command.args([
            "configure",
            "--profile",
            "crash-test",
            "--sso-session",
            SESSION,
            "--account-id",
            ACCOUNT,
            "--role-name",
            "ReadOnly",
            "--region",
            region,
            "--output",
            "json",
        ]),
        Scenario::Populate => {
            command.args(["populate", "--sso-session", SESSION, "--region", region])
        }
        Scenario::Refresh => command.args([PROFILE, "--no-login", "--shell", "sh"]),
        Scenario::PkceSignIn => command
            .args(["login", PROFILE])
            .env("BROWSER", "curl -sfL -o /dev/null"),
        Scenario::DeviceSignIn => {
            command.args(["login", PROFILE, "--use-device-code", "--no-browser"])
        }
    };
    command.env("SSOENV_SIGN_IN_TIMEOUT", "20s");
    command
}

/// Every cache file is one complete document of its kind.
fn check_cache_files(home: &Path) -> Result<(), String> {
    for (path, bytes) in snapshot(home) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") {
            continue;
        }
        let valid = if path.starts_with(home.join(".aws/cli/cache")) {
            RoleCredentials::parse_cli_cache(&bytes).is_some()
        } else {
            SsoToken::parse(&bytes).is_some() || ClientRegistration::parse(&bytes).is_some()
        };
        if !valid {
            return Err(format!(
                "{} is not a valid cache file: {:?}",
                path.display(),
                String::from_utf8_lossy(&bytes)
            ));
        }
    }
    Ok(())
}

/// The config file reads, and the profile the user wrote is still there as written.
fn check_config_file(home: &Path) -> Result<(), String> {
    let path = home.join(".aws/config");
    let config = ssoenv::config::AwsConfig::load(&path)
        .map_err(|error| format!("the config file no longer reads: {error}"))?;
    let profile = config
        .sso_profile(PROFILE)
        .map_err(|error| format!("{PROFILE} was damaged: {error}"))?;
    if profile.account_id != ACCOUNT || profile.role_name != ROLE {
        return Err(format!("{PROFILE} changed: {profile:?}"));
    }
    Ok(())
}

/// Runs `command` to its end unless it takes longer than [`FOLLOW_UP_LIMIT`].
fn run_with_limit(command: &mut Command) -> Result<std::process::ExitStatus, String> {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Ok(status);
        }
        if started.elapsed() > FOLLOW_UP_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the run after the kill was blocked for {FOLLOW_UP_LIMIT:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

struct Tally {
    killed: usize,
    finished: usize,
    temp_files_left: usize,
    sign_in_needed: usize,
}

/// Before a refresh trial: a token that must be refreshed, and no cached credentials. (Sign-in
/// trials start from whatever the previous one left.)
fn prepare(scenario: Scenario, home: &TestHome, emulator: &Emulator) {
    if matches!(scenario, Scenario::Refresh) {
        home.seed_token(emulator, 30);
        let _ = std::fs::remove_file(home.role_cache_path(ACCOUNT, ROLE));
    }
}

fn crash_trials(scenario: Scenario) {
    let emulator = start_emulator_with(|c| {
        c.latency = LATENCY;
        c.device_auto_approve_after_polls = Some(0);
        c.device_interval = 1;
    });
    let seed = seed();
    let mut random = Random(seed);
    eprintln!(
        "{scenario:?}: {} trials, SSOENV_CRASH_SEED={seed}",
        trials()
    );
    let mut tally = Tally {
        killed: 0,
        finished: 0,
        temp_files_left: 0,
        sign_in_needed: 0,
    };
    // One home for all trials: each starts from whatever the killed one before it left behind.
    let home = TestHome::new();
    let token_lifetime = match scenario {
        Scenario::Configure | Scenario::Populate => 8 * 3600,
        _ => 30,
    };
    home.seed_token(&emulator, token_lifetime);
    // Kill anywhere from the start to a little past a whole run's length (which differs a lot
    // between debug and release builds).
    // (Measured on the second run: the first one also registers a client.)
    let mut whole_run = Duration::ZERO;
    for trial in 0..2 {
        prepare(scenario, &home, &emulator);
        let started = Instant::now();
        start(scenario, &home, &emulator.url(), trial)
            .wait()
            .unwrap();
        whole_run = started.elapsed();
    }
    let kill_window = (whole_run.as_micros() as u64 * 5 / 4).max(1);
    for trial in 0..trials() {
        prepare(scenario, &home, &emulator);
        let delay = Duration::from_micros(random.below(kill_window));
        let mut child = start(scenario, &home, &emulator.url(), trial);
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            Some(_) => tally.finished += 1,
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                tally.killed += 1;
            }
        }
        let context = format!("{scenario:?} trial {trial} (kill after {delay:?}, seed {seed})");
        if let Err(problem) = check_cache_files(home.path()).and(check_config_file(home.path())) {
            panic!("{context}: {problem}");
        }
        // A killed edit is finished by running it again: it must neither block nor fail.
        if matches!(scenario, Scenario::Configure | Scenario::Populate) {
            let again = run_with_limit(&mut start_command(scenario, &home, &emulator.url(), trial))
                .unwrap_or_else(|problem| panic!("{context}: {problem}"));
            assert!(
                again.success(),
                "{context}: running it again ended with {again}"
            );
        }
        // The next run must neither block nor fail on what the killed one left.
        let follow_up = run_with_limit(home.ssoenv(&emulator.url()).args([
            PROFILE,
            "--shell",
            "sh",
            "--no-login",
        ]))
        .unwrap_or_else(|problem| panic!("{context}: {problem}"));
        // 3 ("sign in again") is the one acceptable failure: a refresh killed after the service
        // rotated the refresh token but before the new one was written leaves a spent one.
        match follow_up.code() {
            Some(0) => {}
            Some(3) => tally.sign_in_needed += 1,
            _ => panic!("{context}: the next run ended with {follow_up}"),
        }
        if let Err(problem) = check_cache_files(home.path()) {
            panic!("{context}, after the next run: {problem}");
        }
    }
    tally.temp_files_left = temp_files(&snapshot(home.path())).len();
    eprintln!(
        "{scenario:?}: killed {} runs, {} finished before the kill; {} temporary files left by killed writers; {} next runs had to ask for a sign-in",
        tally.killed, tally.finished, tally.temp_files_left, tally.sign_in_needed
    );
    assert!(
        tally.killed > 0,
        "no run was killed: the delays are too long"
    );
}

#[test]
fn kill_9_during_refresh() {
    crash_trials(Scenario::Refresh);
}

#[test]
fn kill_9_during_pkce_sign_in() {
    crash_trials(Scenario::PkceSignIn);
}

#[test]
fn kill_9_during_device_code_sign_in() {
    crash_trials(Scenario::DeviceSignIn);
}

#[test]
fn kill_9_during_configure() {
    crash_trials(Scenario::Configure);
}

#[test]
fn kill_9_during_populate() {
    crash_trials(Scenario::Populate);
}
