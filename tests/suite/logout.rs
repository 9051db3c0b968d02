//! `ssoenv logout`: the session ends at the service, and only that session's files go — unless
//! `--all`, which does what `aws sso logout` does.

use crate::support::home::*;

fn other_tools_files(home: &TestHome) -> (std::path::PathBuf, std::path::PathBuf) {
    // A token of another session, and an assume-role cache entry (not "ProviderType": "sso").
    let other_token = home
        .sso_cache()
        .join(format!("{}.json", sha1_hex("other-session")));
    std::fs::write(
        &other_token,
        r#"{"startUrl": "https://other.awsapps.com/start", "region": "eu-west-1", "accessToken": "x", "expiresAt": "2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let assume_role = home
        .cli_cache()
        .join("0123456789abcdef0123456789abcdef01234567.json");
    std::fs::write(
        &assume_role,
        r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2099-01-01T00:00:00Z"}}"#,
    )
    .unwrap();
    (other_token, assume_role)
}

#[test]
fn logout_ends_the_session_and_deletes_only_its_files() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    for profile in [PROFILE, "prod-readonly"] {
        assert!(
            run(home.ssoenv(&emulator.url()).arg(profile))
                .status
                .success()
        );
    }
    let (other_token, assume_role) = other_tools_files(&home);

    let out = run(home.ssoenv(&emulator.url()).args(["logout", PROFILE]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr.contains("Signed out of SSO session 'my-sso'"),
        "{}",
        out.stderr
    );
    assert_eq!(emulator.request_count("Logout"), 1);
    assert!(!home.token_path().exists());
    assert!(!home.role_cache_path(ACCOUNT, ROLE).exists());
    assert!(!home.role_cache_path("123456789022", "ReadOnly").exists());
    assert!(other_token.exists(), "another session's token stays");
    assert!(assume_role.exists(), "other cached credentials stay");

    // The session is over at the service too: its refresh token no longer works.
    let again = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
    assert_eq!(again.status.code(), Some(3), "{}", again.stderr);
}

#[test]
fn logout_all_does_what_aws_sso_logout_does() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    assert!(
        run(home.ssoenv(&emulator.url()).arg(PROFILE))
            .status
            .success()
    );
    let (other_token, assume_role) = other_tools_files(&home);

    let out = run(home.ssoenv(&emulator.url()).args(["logout", "--all"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(!home.token_path().exists());
    assert!(!other_token.exists(), "every token file goes");
    assert!(!home.role_cache_path(ACCOUNT, ROLE).exists());
    assert!(assume_role.exists(), "only SSO role credentials go");
    assert_eq!(
        emulator.request_count("Logout"),
        2,
        "Logout for each cached token"
    );
}

/// A session that cannot be ended at the service (unreachable) is still deleted locally.
#[test]
fn logout_deletes_the_files_even_when_the_service_is_unreachable() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let out = run(home
        .ssoenv("http://127.0.0.1:9")
        .args(["logout", "--sso-session", SESSION]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr.contains("could not end the session"),
        "{}",
        out.stderr
    );
    assert!(!home.token_path().exists());
}

/// A legacy profile has no SSO session name: logout names its start URL.
#[test]
fn logout_of_a_legacy_profile_names_its_start_url() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let out = run(home.ssoenv(&emulator.url()).args(["logout", "legacy"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Signed out of SSO start URL https://legacy.awsapps.com/start."),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("SSO session"), "{}", out.stderr);
}
