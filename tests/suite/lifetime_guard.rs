//! The lifetime guard for long jobs (`--min-remaining`): credentials that would expire during the
//! job are replaced before it starts, and a job the role cannot cover does not start at all.

use std::time::Duration;

use crate::support::home::*;
use crate::support::shells::RealShell;

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
    let env = RealShell::Bash.eval(&guarded.stdout, &[]);
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
