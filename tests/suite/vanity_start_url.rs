//! A start URL on the company's own domain (AWS CLI 2.35.13): one request reads where it
//! redirects, the sign-in happens at that AWS address in the region its host names, and every
//! cache file stays under the configured URL. The "company domain" is a path of the emulator on
//! loopback (the one place plain http is accepted), redirecting to an AWS host that is never
//! contacted: only its name reaches the OIDC service.

use crate::support::home::*;
use sso_emulator::Emulator;

const TARGET: &str = "https://ssoins-7223a1b2c3d4e5f6.portal.eu-west-1.app.aws/start";

/// An emulator whose `/start` redirects to `location`, approving device codes at once, and a home
/// whose `acme` profile's session has the emulator's `/start` as its start URL and no sso_region.
fn vanity_setup(location: &str) -> (Emulator, TestHome, String) {
    let emulator = start_emulator_with(|config| {
        config.device_interval = 1;
        config.device_auto_approve_after_polls = Some(0);
    });
    emulator.update_config(|config| {
        config
            .start_url_redirects
            .insert("/start".to_string(), location.to_string());
    });
    let vanity = format!("{}/start", emulator.url());
    let home = TestHome::with_config(&format!(
        "{CONFIG}
[profile acme]
sso_session = acme
sso_account_id = 123456789011
sso_role_name = FullAccess

[sso-session acme]
sso_start_url = {vanity}
sso_registration_scopes = sso:account:access
"
    ));
    (emulator, home, vanity)
}

fn login(home: &TestHome, emulator: &Emulator) -> Run {
    run(home
        .ssoenv(&emulator.url())
        .args(["login", "acme", "--use-device-code", "--no-browser"])
        .env("BROWSER", "false")
        .env("SSOENV_SIGN_IN_TIMEOUT", "20s"))
}

#[test]
fn a_vanity_start_url_signs_in_at_the_aws_address_it_redirects_to() {
    // The redirect's trailing slash is dropped, as the AWS CLI normalizes the target.
    let (emulator, home, vanity) = vanity_setup(&format!("{TARGET}/"));
    let out = login(&home, &emulator);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(emulator.request_count("StartUrlRedirect"), 1, "one request");
    assert_eq!(
        emulator.last_device_start_url().as_deref(),
        Some(TARGET),
        "the OIDC service is told the AWS address"
    );

    // The token is filed under the session name (as ever), with the configured URL and the
    // region of the AWS host, so the AWS CLI finds it where it looks.
    let token_path = home.sso_cache().join(format!("{}.json", sha1_hex("acme")));
    let token: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&token_path).expect("token file")).unwrap();
    assert_eq!(token["startUrl"], vanity.as_str());
    assert_eq!(token["region"], "eu-west-1");

    // The client registration too is filed under the configured URL (with the region signed in
    // to), as the AWS CLI files it.
    let scopes = ["sso:account:access".to_string()];
    let registration =
        ssoenv::cache::registration_key(&vanity, "eu-west-1", Some(&scopes), Some("acme"));
    assert!(
        home.sso_cache()
            .join(format!("{registration}.json"))
            .exists(),
        "registration cached under the configured URL"
    );

    // Later runs use the token's region: no second request to the company's domain.
    let out =
        run(home
            .ssoenv(&emulator.url())
            .args(["export", "acme", "--shell", "sh", "--no-login"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("AWS_ACCESS_KEY_ID"), "{}", out.stdout);
    assert_eq!(emulator.request_count("StartUrlRedirect"), 1);
}

#[test]
fn a_redirect_off_aws_domains_is_refused_before_any_sign_in() {
    let (emulator, home, _) = vanity_setup("https://login.evil.example.com/start");
    let out = login(&home, &emulator);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("https://login.evil.example.com/start")
            && out
                .stderr
                .contains("not an AWS IAM Identity Center address"),
        "{}",
        out.stderr
    );
    assert_eq!(emulator.request_count("RegisterClient"), 0);
    assert_eq!(emulator.request_count("StartDeviceAuthorization"), 0);
}

#[test]
fn without_a_region_in_the_host_sso_region_is_needed() {
    // awsapps.com hosts name no region: with no sso_region the user is told to add one.
    let (emulator, home, _) = vanity_setup("https://d-9067642ac7.awsapps.com/start");
    let out = login(&home, &emulator);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("sso_region"), "{}", out.stderr);
    assert_eq!(emulator.request_count("RegisterClient"), 0);
}
