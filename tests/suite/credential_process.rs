//! `ssoenv process PROFILE`, the credential_process of other profiles: its JSON as botocore's own
//! credential_process provider reads it, and its refusal to sign in where nobody can see it.

use crate::support::botocore::Botocore;
use crate::support::home::*;
use crate::support::terminal::{Attach, Terminal};
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
    let Some(botocore) = Botocore::available(
        "botocore_gets_the_credentials_through_its_credential_process_provider",
    ) else {
        return;
    };
    let emulator = start_emulator();
    let home = process_home(PROFILE);
    home.seed_token(&emulator, 3600);
    let resolved = botocore.credential_process(&home, &emulator.url(), "via-process");
    assert_eq!(resolved["method"], "custom-process", "{resolved}");
    assert_eq!(
        emulator.credentials_owner(resolved["access_key"].as_str().unwrap()),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert_eq!(
        resolved["refresh_needed"], false,
        "the credentials last long enough for botocore not to ask again at once"
    );
    assert!(resolved["expiry_time"].is_string(), "{resolved}");

    // The second tool run reuses the cache: no new role credentials.
    botocore.credential_process(&home, &emulator.url(), "via-process");
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
}

#[test]
fn botocore_gets_a_role_chain_through_credential_process() {
    let Some(botocore) =
        Botocore::available("botocore_gets_a_role_chain_through_credential_process")
    else {
        return;
    };
    let emulator = start_emulator();
    let home = process_home("admin");
    home.seed_token(&emulator, 3600);
    let resolved = botocore.credential_process(&home, &emulator.url(), "via-process");
    assert_eq!(resolved["method"], "custom-process", "{resolved}");
    let owner = emulator
        .assumed_role_owner(resolved["access_key"].as_str().unwrap())
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
    // A terminal on stdin, stdout and stderr: where `export` would sign in, `process` must
    // still fail at once.
    let emulator = start_emulator();
    let home = TestHome::new();
    let out = Terminal::spawn(
        home.ssoenv(&emulator.url())
            .args(["process", PROFILE])
            .env("BROWSER", "false"),
        Attach::Interactive,
    )
    .finish();
    assert_eq!(out.code, Some(3), "{}", out.raw);
    assert!(
        out.raw.contains("ssoenv login my-dev-profile"),
        "{}",
        out.raw
    );
    assert_eq!(emulator.request_count("RegisterClient"), 0);
    assert_eq!(emulator.request_count("StartDeviceAuthorization"), 0);
}

#[test]
fn botocore_shows_the_sign_in_command_when_there_is_no_session() {
    let Some(botocore) =
        Botocore::available("botocore_shows_the_sign_in_command_when_there_is_no_session")
    else {
        return;
    };
    let emulator = start_emulator();
    let home = process_home(PROFILE);
    let resolved = botocore.credential_process(&home, &emulator.url(), "via-process");
    let error = resolved["error"].as_str().expect("botocore raised");
    assert_eq!(
        resolved["error_type"], "CredentialRetrievalError",
        "{resolved}"
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
