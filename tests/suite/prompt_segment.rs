//! `ssoenv prompt`: the segment a prompt shows, the active profile and the time its credentials
//! have left.

use std::process::Command;

use crate::support::home::*;

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
