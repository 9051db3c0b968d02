//! botocore as an independent reader and writer of the SSO token cache: a token ssoenv refreshed
//! serves botocore without another refresh, and a token botocore refreshed serves ssoenv.

use crate::support::botocore::Botocore;
use crate::support::home::*;
use crate::support::shells::RealShell;

#[test]
fn botocore_uses_the_token_ssoenv_refreshed() {
    let Some(botocore) = Botocore::available("botocore_uses_the_token_ssoenv_refreshed") else {
        return;
    };
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 60);
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(emulator.request_count("CreateToken"), 1, "ssoenv refreshed");

    let creds = botocore.credentials(&home, &emulator.url(), "prod-readonly");
    assert_eq!(creds["method"], "sso");
    assert_eq!(
        emulator.credentials_owner(creds["access_key"].as_str().unwrap()),
        Some(("123456789022".to_string(), "ReadOnly".to_string()))
    );
    assert_eq!(
        emulator.request_count("CreateToken"),
        1,
        "botocore found the refreshed token fresh and did not refresh again"
    );
}

#[test]
fn ssoenv_uses_the_token_botocore_refreshed() {
    let Some(botocore) = Botocore::available("ssoenv_uses_the_token_botocore_refreshed") else {
        return;
    };
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 5 * 60); // inside botocore's refresh window
    let before = home.read_token_json();

    botocore.credentials(&home, &emulator.url(), PROFILE);
    assert_eq!(
        emulator.request_count("CreateToken"),
        1,
        "botocore refreshed"
    );
    let after = home.read_token_json();
    assert_ne!(before["accessToken"], after["accessToken"]);

    // ssoenv reads botocore's file (its own timestamp style) and needs no refresh.
    emulator.reset_counts();
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["prod-readonly", "--shell", "bash"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(emulator.request_count("CreateToken"), 0);
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
    let env = RealShell::Bash.eval(&out.stdout, &[]);
    assert_eq!(
        emulator.credentials_owner(&env["AWS_ACCESS_KEY_ID"]),
        Some(("123456789022".to_string(), "ReadOnly".to_string()))
    );
}
