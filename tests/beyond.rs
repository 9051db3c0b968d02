//! What the peers lack: the lifetime guard for long jobs, the prompt segment, and direnv.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

/// Cached credentials with 10 minutes left do not satisfy `--min-remaining 30m`: fresh ones are
/// fetched first.
#[test]
fn the_lifetime_guard_fetches_fresh_credentials_for_a_long_job() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    emulator.update_config(|c| c.credential_lifetime = Duration::from_secs(10 * 60));
    let first =
        run(home
            .ssoenv(&emulator.url())
            .args([PROFILE, "--shell", "sh", "--min-valid", "5m"]));
    assert!(first.status.success(), "{}", first.stderr);
    emulator.update_config(|c| c.credential_lifetime = Duration::from_secs(3600));
    emulator.reset_counts();

    let guarded = run(home.ssoenv(&emulator.url()).args([
        PROFILE,
        "--shell",
        "bash",
        "--min-remaining",
        "30m",
    ]));
    assert!(guarded.status.success(), "{}", guarded.stderr);
    assert_eq!(
        emulator.request_count("GetRoleCredentials"),
        1,
        "fresh credentials"
    );
    let env = eval_in_shell("bash", &guarded.stdout, &[]);
    let expires: i64 = env["SSOENV_EXPIRES_AT"].parse().unwrap();
    assert!(expires - time::OffsetDateTime::now_utc().unix_timestamp() > 30 * 60);
}

/// When even fresh credentials cannot cover the job, say so before it starts.
#[test]
fn the_lifetime_guard_refuses_what_the_role_cannot_cover() {
    let emulator = start_emulator_with(|c| c.credential_lifetime = Duration::from_secs(20 * 60));
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--min-remaining", "30m"]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("not the 30m asked for"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("FullAccess"), "{}", out.stderr);
}

fn prompt(env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ssoenv"));
    command.arg("prompt").args(args).env_clear();
    for (name, value) in env {
        command.env(name, value);
    }
    run(&mut command)
}

#[test]
fn the_prompt_segment_shows_profile_and_time_left() {
    let in_42_minutes =
        (time::OffsetDateTime::now_utc().unix_timestamp() + 42 * 60 + 30).to_string();
    let out = prompt(
        &[
            ("SSOENV_PROFILE", "my-dev-profile"),
            ("SSOENV_EXPIRES_AT", &in_42_minutes),
        ],
        &[],
    );
    assert!(out.status.success());
    assert_eq!(out.stdout, "my-dev-profile 42m\n");

    let custom = prompt(
        &[("SSOENV_PROFILE", "prod"), ("SSOENV_EXPIRES_AT", "1000")],
        &["--format", "aws:{profile} ({remaining})"],
    );
    assert_eq!(custom.stdout, "aws:prod (expired)\n");

    // Credentials exported by another tool: the expiry comes from AWS_CREDENTIAL_EXPIRATION.
    let in_90_minutes = time::OffsetDateTime::now_utc() + time::Duration::minutes(90);
    let expiration = ssoenv::cache::format_cli_timestamp(in_90_minutes).replace('Z', "+00:00");
    let other = prompt(
        &[
            ("SSOENV_PROFILE", "p"),
            ("AWS_CREDENTIAL_EXPIRATION", &expiration),
        ],
        &[],
    );
    assert!(
        other.stdout.starts_with("p 1h29m") || other.stdout.starts_with("p 1h30m"),
        "{}",
        other.stdout
    );

    let nothing = prompt(&[], &[]);
    assert!(nothing.status.success());
    assert_eq!(nothing.stdout, "", "no active profile, no segment");
}

/// A project directory selects its profile through direnv's `.envrc`: the real direnv loads it.
#[test]
fn direnv_loads_the_profile_of_a_project() {
    if Command::new("direnv").arg("version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "direnv is required in CI");
        eprintln!("skipped: direnv is not installed");
        return;
    }
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let project = home.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let binary = env!("CARGO_BIN_EXE_ssoenv");
    std::fs::write(
        project.join(".envrc"),
        format!("eval \"$('{binary}' direnv)\"\nuse ssoenv {PROFILE}\n"),
    )
    .unwrap();
    let direnv = |args: &[&str]| {
        let mut command = Command::new("direnv");
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_DATA_HOME", home.path().join(".local/share"))
            .env("AWS_ENDPOINT_URL", emulator.url())
            .env("AWS_PROFILE", "something-else")
            .current_dir(&project);
        run(&mut command)
    };
    let allowed = direnv(&["allow", "."]);
    assert!(allowed.status.success(), "{}", allowed.stderr);
    let out = direnv(&["exec", ".", "env"]);
    assert!(out.status.success(), "{}", out.stderr);
    let env: std::collections::BTreeMap<&str, &str> = out
        .stdout
        .lines()
        .filter_map(|line| line.split_once('='))
        .collect();
    assert_eq!(env.get("SSOENV_PROFILE"), Some(&PROFILE));
    assert_eq!(
        emulator.credentials_owner(env["AWS_ACCESS_KEY_ID"]),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert!(
        !env.contains_key("AWS_PROFILE"),
        "the profile selector is gone"
    );
}

/// `exec --min-remaining`: the job does not start when the role cannot cover it.
#[test]
fn exec_checks_the_lifetime_before_the_command_starts() {
    let emulator = start_emulator_with(|c| c.credential_lifetime = Duration::from_secs(20 * 60));
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let marker = home.path().join("job-ran");
    let job = format!("touch '{}'", marker.display());
    let refused = run(home.ssoenv(&emulator.url()).args([
        "exec",
        "--min-remaining",
        "45m",
        PROFILE,
        "--",
        "sh",
        "-c",
        &job,
    ]));
    assert_eq!(refused.status.code(), Some(1), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("not the 45m asked for"),
        "{}",
        refused.stderr
    );
    assert!(!marker.exists(), "the job did not start");

    let allowed = run(home.ssoenv(&emulator.url()).args([
        "exec",
        "--min-remaining",
        "10m",
        PROFILE,
        "--",
        "sh",
        "-c",
        &job,
    ]));
    assert!(allowed.status.success(), "{}", allowed.stderr);
    assert!(marker.exists());
}
