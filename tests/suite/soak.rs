//! Concurrency soak: tens of `ssoenv` processes at once, round after round, for two profiles,
//! with SSO tokens that enter the refresh window every few seconds and role credentials that live
//! seconds. Checked: one refresh per expiry (the others wait on the lock and take its result),
//! no process ever fails or prints the credentials of the other profile, and every cache file is
//! complete after every round.
//!
//! The suite runs a short soak (`SSOENV_SOAK_ROUNDS`, default 12 rounds of 24 processes);
//! `scripts/soak` runs a long one against the release build.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::cache_files::snapshot;
use crate::support::home::*;
use ssoenv::cache::{RoleCredentials, SsoToken};

/// A fresh token leaves the 15-minute refresh window after this long: one refresh is due every
/// `TOKEN_SLACK`.
const TOKEN_SLACK: Duration = Duration::from_secs(3);
/// Role credentials live this long and are reused while more than `--min-valid 1s` is left.
const CREDENTIAL_LIFETIME: Duration = Duration::from_secs(3);
const PROFILES: [(&str, &str, &str); 2] = [
    (PROFILE, ACCOUNT, ROLE),
    ("prod-readonly", "123456789022", "ReadOnly"),
];

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

#[test]
fn many_processes_many_rounds_one_refresh_per_expiry() {
    let rounds = setting("SSOENV_SOAK_ROUNDS", 12);
    let processes = setting("SSOENV_SOAK_PROCESSES", 24);
    let emulator = start_emulator_with(|c| {
        c.token_lifetime = Duration::from_secs(15 * 60) + TOKEN_SLACK;
        c.credential_lifetime = CREDENTIAL_LIFETIME;
    });
    let home = TestHome::new();
    // Inside the refresh window from the start.
    home.seed_token(&emulator, 10 * 60);

    let started = Instant::now();
    let mut runs = 0;
    for round in 0..rounds {
        let children: Vec<(usize, Child)> = (0..processes)
            .map(|i| {
                let profile = i % PROFILES.len();
                let child = home
                    .ssoenv(&emulator.url())
                    .args([PROFILES[profile].0, "--format", "json", "--no-login"])
                    .args(["--min-valid", "1s"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                (profile, child)
            })
            .collect();
        for (profile, child) in children {
            let out = child.wait_with_output().unwrap();
            let (name, account, role) = PROFILES[profile];
            assert!(
                out.status.success(),
                "round {round}, {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let json: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("round {round}: stdout is not JSON ({e})"));
            let key_id = json["AccessKeyId"].as_str().unwrap();
            assert_eq!(
                emulator.credentials_owner(key_id),
                Some((account.to_string(), role.to_string())),
                "round {round}: {name} was given the credentials of another role"
            );
            runs += 1;
        }
        for (path, bytes) in snapshot(home.path()) {
            if path.extension().is_some_and(|e| e == "json") {
                assert!(
                    SsoToken::parse(&bytes).is_some()
                        || RoleCredentials::parse_cli_cache(&bytes).is_some(),
                    "round {round}: {} is damaged",
                    path.display()
                );
            }
        }
        // Spread the rounds over several expiries.
        std::thread::sleep(Duration::from_millis(400));
    }
    let elapsed = started.elapsed();
    let refreshes = emulator.request_count("CreateToken");
    let fetches = emulator.request_count("GetRoleCredentials");
    // A refresh is due at the start and then once every TOKEN_SLACK; credentials once every
    // (lifetime - 1 s) per profile. More would mean two processes did the same work.
    let due_refreshes = 1.0 + elapsed.as_secs_f64() / TOKEN_SLACK.as_secs_f64();
    let due_fetches = PROFILES.len() as f64
        * (1.0 + elapsed.as_secs_f64() / (CREDENTIAL_LIFETIME.as_secs_f64() - 1.0));
    eprintln!(
        "{runs} runs in {rounds} rounds of {processes} over {elapsed:.1?}: {refreshes} refreshes (at most {due_refreshes:.0} due), {fetches} credential fetches (at most {due_fetches:.0} due)"
    );
    assert!(refreshes >= 1, "the soak never refreshed");
    assert!(
        refreshes as f64 <= due_refreshes.ceil(),
        "{refreshes} refreshes for {due_refreshes:.1} expiries"
    );
    assert!(
        fetches as f64 <= due_fetches.ceil(),
        "{fetches} fetches for {due_fetches:.1} expiries"
    );
}
