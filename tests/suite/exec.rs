//! `ssoenv exec PROFILE -- COMMAND`: the command runs with the profile's credentials in its
//! environment and without `AWS_PROFILE`; ssoenv becomes the command, so its exit status and the
//! signals sent to it are the command's own.
#![cfg(unix)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::home::*;
use crate::support::shells::Environment;

#[test]
fn the_command_sees_the_credentials_and_not_aws_profile() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = home
        .ssoenv(&emulator.url())
        .args(["exec", PROFILE, "--", "env", "-0"])
        .env("AWS_PROFILE", "prod-readonly")
        .env("AWS_DEFAULT_PROFILE", "legacy")
        .env("AWS_ACCESS_KEY_ID", "AKIAOLDOLDOLDOLDOLD0")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = Environment::from_env0(&out.stdout).into_text();
    assert_eq!(
        emulator.credentials_owner(&env["AWS_ACCESS_KEY_ID"]),
        Some((ACCOUNT.to_string(), ROLE.to_string())),
        "the explicit profile wins over AWS_PROFILE, and its key replaces the old one"
    );
    for name in ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
        assert!(
            env.get(name).is_some_and(|v| !v.is_empty()),
            "{name} missing"
        );
    }
    assert!(!env.contains_key("AWS_PROFILE"), "{env:?}");
    assert!(!env.contains_key("AWS_DEFAULT_PROFILE"));
    assert_eq!(env["AWS_REGION"], "us-west-2");
    assert_eq!(env["AWS_ACCOUNT_ID"], ACCOUNT);
    assert_eq!(env["SSOENV_PROFILE"], PROFILE);
    assert!(env.contains_key("AWS_CREDENTIAL_EXPIRATION"));
    assert_eq!(
        env["HOME"],
        home.path().to_string_lossy(),
        "the rest of the environment is passed on"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn without_a_profile_aws_profile_chooses_it() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = home
        .ssoenv(&emulator.url())
        .args(["exec", "--", "env", "-0"])
        .env("AWS_PROFILE", "prod-readonly")
        .output()
        .unwrap();
    assert!(out.status.success());
    let env = Environment::from_env0(&out.stdout).into_text();
    assert_eq!(
        emulator.credentials_owner(&env["AWS_ACCESS_KEY_ID"]),
        Some(("123456789022".to_string(), "ReadOnly".to_string()))
    );
    assert!(!env.contains_key("AWS_PROFILE"));
}

#[test]
fn arguments_reach_the_command_unchanged() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let args = ["a b", "$HOME", "--min-valid", "'quoted'", "", "*"];
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["exec", PROFILE, "--", "printf", "[%s]\\n"])
        .args(args));
    assert!(out.status.success(), "{}", out.stderr);
    let expected: String = args.iter().map(|arg| format!("[{arg}]\n")).collect();
    assert_eq!(out.stdout, expected);
}

#[test]
fn the_exit_status_is_the_commands_own() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    for status in [0, 1, 3, 42, 255] {
        let out = run(home.ssoenv(&emulator.url()).args([
            "exec",
            PROFILE,
            "--",
            "sh",
            "-c",
            &format!("exit {status}"),
        ]));
        assert_eq!(out.status.code(), Some(status), "{}", out.stderr);
    }
}

#[test]
fn a_signal_sent_to_the_command_is_its_own() {
    use std::os::unix::process::ExitStatusExt;
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let mut child = home
        .ssoenv(&emulator.url())
        .args(["exec", PROFILE, "--", "sleep", "300"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // The same process id becomes `sleep` once ssoenv has replaced itself.
    let comm = format!("/proc/{}/comm", child.id());
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(&comm).unwrap_or_default().trim() != "sleep" {
        assert!(
            Instant::now() < deadline,
            "ssoenv did not become the command"
        );
        assert!(child.try_wait().unwrap().is_none(), "exited early");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The shell's own `kill`, so the test needs no procps.
    let kill = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(15), "{status:?}");
}

#[test]
fn another_profile_than_the_shells_is_said_on_stderr() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let exec_with_marker = |marker: &str| {
        run(home
            .ssoenv(&emulator.url())
            .args(["exec", PROFILE, "--", "true"])
            .env("SSOENV_PROFILE", marker))
    };
    let other = exec_with_marker("prod-readonly");
    assert!(other.status.success());
    assert!(
        other.stderr.contains("'prod-readonly'") && other.stderr.contains(PROFILE),
        "{}",
        other.stderr
    );
    let same = exec_with_marker(PROFILE);
    assert!(same.status.success());
    assert!(same.stderr.is_empty(), "{}", same.stderr);
}

#[test]
fn a_command_that_cannot_run_is_127_or_126() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let missing = run(home.ssoenv(&emulator.url()).args([
        "exec",
        PROFILE,
        "--",
        "no-such-command-ssoenv-test",
    ]));
    assert_eq!(missing.status.code(), Some(127));
    assert!(
        missing
            .stderr
            .contains("cannot run no-such-command-ssoenv-test"),
        "{}",
        missing.stderr
    );

    let not_executable = home.path().join("not-executable");
    std::fs::write(&not_executable, "#!/bin/sh\n").unwrap();
    let out = run(home.ssoenv(&emulator.url()).args([
        "exec".as_ref(),
        PROFILE.as_ref(),
        "--".as_ref(),
        not_executable.as_os_str(),
    ]));
    assert_eq!(out.status.code(), Some(126), "{}", out.stderr);
}

#[test]
fn without_a_session_the_command_does_not_run() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let marker = home.path().join("ran");
    let out = run(home.ssoenv(&emulator.url()).args([
        "exec".as_ref(),
        PROFILE.as_ref(),
        "--".as_ref(),
        "touch".as_ref(),
        marker.as_os_str(),
    ]));
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    assert!(out.stderr.contains("ssoenv login my-dev-profile"));
    assert!(!marker.exists());
}

/// `ssoenv exec PROFILE COMMAND` without `--`, as `aws-vault exec` takes it: the first word after
/// the profile starts the command, and options after it are the command's.
#[test]
fn the_command_may_follow_the_profile_without_a_double_dash() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = run(home.ssoenv(&emulator.url()).args([
        "exec",
        "--min-valid",
        "20m",
        PROFILE,
        "printf",
        "[%s]\\n",
        "--min-valid",
        "x",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "[--min-valid]\n[x]\n");
    assert_eq!(out.stderr, "");

    let out = run(home.ssoenv(&emulator.url()).args(["exec", PROFILE]));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("<COMMAND>"), "{}", out.stderr);
}

#[test]
fn a_role_chain_runs_the_command_with_the_roles_credentials() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    let out = home
        .ssoenv(&emulator.url())
        .args(["exec", "admin", "--", "env", "-0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = Environment::from_env0(&out.stdout).into_text();
    let owner = emulator
        .assumed_role_owner(&env["AWS_ACCESS_KEY_ID"])
        .unwrap();
    assert_eq!(owner.role_arn, ADMIN_ARN);
    assert_eq!(env["SSOENV_PROFILE"], "admin");
    assert_eq!(env["AWS_ACCOUNT_ID"], CHAIN_ACCOUNT);
}
