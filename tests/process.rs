//! `ssoenv process PROFILE`, the credential_process of other profiles: its JSON as botocore's own
//! credential_process provider reads it, and its refusal to sign in where nobody can see it.

mod common;
mod support_chain;

use std::process::Command;

use common::*;
use support_chain::*;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A profile `via-process` whose credential_process is ssoenv, for `profile`.
fn process_home(profile: &str) -> TestHome {
    let ssoenv = env!("CARGO_BIN_EXE_ssoenv");
    TestHome::with_config(&format!(
        "{CONFIG}{CHAINS}
[profile via-process]
credential_process = {ssoenv} process {profile}
region = us-west-2
"
    ))
}

#[test]
fn prints_the_credential_process_document() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = run(home.ssoenv(&emulator.url()).args(["process", PROFILE]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(document["Version"], 1);
    assert_eq!(
        emulator.credentials_owner(document["AccessKeyId"].as_str().unwrap()),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert!(
        document["SecretAccessKey"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        document["SessionToken"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(document["AccountId"], ACCOUNT);
    let expiration = document["Expiration"].as_str().unwrap();
    let expires = OffsetDateTime::parse(expiration, &Rfc3339).expect("RFC 3339");
    assert!(expires > OffsetDateTime::now_utc() + time::Duration::minutes(15));
}

#[test]
fn botocore_gets_the_credentials_through_its_credential_process_provider() {
    if !botocore_available() {
        return;
    }
    let emulator = start_emulator();
    let home = process_home(PROFILE);
    home.seed_token(&emulator, 3600);
    let botocore = python_json(
        "credential_process.py",
        &home,
        &emulator.url(),
        "via-process",
    );
    assert_eq!(botocore["method"], "custom-process", "{botocore}");
    assert_eq!(
        emulator.credentials_owner(botocore["access_key"].as_str().unwrap()),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert_eq!(
        botocore["refresh_needed"], false,
        "the credentials last long enough for botocore not to ask again at once"
    );
    assert!(botocore["expiry_time"].is_string(), "{botocore}");

    // The second tool run reuses the cache: no new role credentials.
    python_json(
        "credential_process.py",
        &home,
        &emulator.url(),
        "via-process",
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
}

#[test]
fn botocore_gets_a_role_chain_through_credential_process() {
    if !botocore_available() {
        return;
    }
    let emulator = start_emulator();
    let home = process_home("admin");
    home.seed_token(&emulator, 3600);
    let botocore = python_json(
        "credential_process.py",
        &home,
        &emulator.url(),
        "via-process",
    );
    assert_eq!(botocore["method"], "custom-process", "{botocore}");
    let owner = emulator
        .assumed_role_owner(botocore["access_key"].as_str().unwrap())
        .expect("assumed-role credentials");
    assert_eq!(owner.role_arn, ADMIN_ARN);
}

#[test]
fn without_a_session_it_fails_at_once_with_the_command_to_run() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let out = run(home.ssoenv(&emulator.url()).args(["process", PROFILE]));
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("ssoenv login my-dev-profile"),
        "{}",
        out.stderr
    );
    assert_eq!(
        emulator.request_count("RegisterClient"),
        0,
        "no sign-in started"
    );
}

#[test]
fn even_with_a_terminal_it_never_signs_in() {
    // `script` gives ssoenv a pseudo-terminal on stdin, stdout and stderr: where `export` would
    // sign in, `process` must still fail at once.
    let emulator = start_emulator();
    let home = TestHome::new();
    let ssoenv = env!("CARGO_BIN_EXE_ssoenv");
    let out = run(Command::new("timeout")
        .args(["60", "script", "-qefc"])
        .arg(format!("{ssoenv} process {PROFILE}"))
        .arg("/dev/null")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_ENDPOINT_URL", emulator.url())
        .env("BROWSER", "false"));
    assert_eq!(out.status.code(), Some(3), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("ssoenv login my-dev-profile"),
        "{}",
        out.stdout
    );
    assert_eq!(emulator.request_count("RegisterClient"), 0);
    assert_eq!(emulator.request_count("StartDeviceAuthorization"), 0);
}

#[test]
fn botocore_shows_the_sign_in_command_when_there_is_no_session() {
    if !botocore_available() {
        return;
    }
    let emulator = start_emulator();
    let home = process_home(PROFILE);
    let botocore = python_json(
        "credential_process.py",
        &home,
        &emulator.url(),
        "via-process",
    );
    let error = botocore["error"].as_str().expect("botocore raised");
    assert_eq!(
        botocore["error_type"], "CredentialRetrievalError",
        "{botocore}"
    );
    assert!(error.contains("ssoenv login my-dev-profile"), "{error}");
}

#[test]
fn the_profile_is_required() {
    let home = TestHome::new();
    let out = run(home
        .ssoenv("http://127.0.0.1:9")
        .arg("process")
        .env("AWS_PROFILE", PROFILE));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
}
