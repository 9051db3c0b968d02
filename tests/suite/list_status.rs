//! `ssoenv list` and `ssoenv status` over a fixture of sessions whose tokens are valid,
//! expiring, expired, refreshable or missing, and profiles with and without cached credentials:
//! what they say, the exit statuses scripts rely on, and that they never touch the network.

use crate::support::home::*;
use time::{Duration, OffsetDateTime};

const CONFIG: &str = "\
[profile creds-valid]
sso_session = s-expired
sso_account_id = 111111111111
sso_role_name = Admin

[profile token-valid]
sso_session = s-valid
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1

[profile expiring]
sso_session = s-expiring
sso_account_id = 111111111111
sso_role_name = Admin

[profile expired]
sso_session = s-expired
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile refreshable]
sso_session = s-refreshable
sso_account_id = 111111111111
sso_role_name = Admin

[profile missing]
sso_session = s-missing
sso_account_id = 111111111111
sso_role_name = Admin

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = example-secret
region = us-east-2

[sso-session s-valid]
sso_region = us-east-1
sso_start_url = https://valid.awsapps.com/start

[sso-session s-expiring]
sso_region = us-east-1
sso_start_url = https://expiring.awsapps.com/start

[sso-session s-expired]
sso_region = us-east-1
sso_start_url = https://expired.awsapps.com/start

[sso-session s-refreshable]
sso_region = us-east-1
sso_start_url = https://refreshable.awsapps.com/start

[sso-session s-missing]
sso_region = us-east-1
sso_start_url = https://missing.awsapps.com/start
";

fn timestamp(seconds_from_now: i64) -> String {
    ssoenv::cache::format_cli_timestamp(
        OffsetDateTime::now_utc() + Duration::seconds(seconds_from_now),
    )
}

/// A token in the AWS CLI's format; `refreshable` adds what a refresh needs.
fn write_token(home: &TestHome, session: &str, lifetime: i64, refreshable: bool) {
    let mut token = format!(
        r#"{{"startUrl": "https://{session}.awsapps.com/start", "region": "us-east-1", "accessToken": "AT", "expiresAt": "{}""#,
        timestamp(lifetime)
    );
    if refreshable {
        token.push_str(&format!(
            r#", "clientId": "CID", "clientSecret": "CS", "registrationExpiresAt": "{}", "refreshToken": "RT""#,
            timestamp(86_400)
        ));
    }
    token.push('}');
    std::fs::create_dir_all(home.sso_cache()).unwrap();
    std::fs::write(
        home.sso_cache().join(format!("{}.json", sha1_hex(session))),
        token,
    )
    .unwrap();
}

fn write_credentials(home: &TestHome, session: &str, account: &str, role: &str, lifetime: i64) {
    let key =
        format!(r#"{{"accountId":"{account}","roleName":"{role}","sessionName":"{session}"}}"#);
    let body = format!(
        r#"{{"ProviderType": "sso", "Credentials": {{"AccessKeyId": "ASIA", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "{}", "AccountId": "{account}"}}}}"#,
        timestamp(lifetime)
    );
    std::fs::create_dir_all(home.cli_cache()).unwrap();
    std::fs::write(
        home.cli_cache().join(format!("{}.json", sha1_hex(&key))),
        body,
    )
    .unwrap();
}

/// The fixture; lifetimes end half a minute past a whole minute so that the minutes shown do not
/// depend on how long the test takes.
fn fixture_home() -> TestHome {
    fixture_home_with(CONFIG)
}

/// The fixture's cache files, with `config`.
fn fixture_home_with(config: &str) -> TestHome {
    let home = TestHome::with_config(config);
    write_token(&home, "s-valid", 8 * 3600 + 30, false);
    write_token(&home, "s-expiring", 10 * 60 + 30, false);
    write_token(&home, "s-expired", -600, false);
    write_token(&home, "s-refreshable", -600, true);
    write_credentials(&home, "s-expired", "111111111111", "Admin", 50 * 60 + 30);
    write_credentials(&home, "s-expired", "222222222222", "ReadOnly", -60);
    home
}

#[test]
fn list_shows_every_profile_and_its_state_without_network() {
    let emulator = start_emulator();
    let home = fixture_home();
    let out = run(home.ssoenv(&emulator.url()).arg("list"));
    assert!(out.status.success(), "{}", out.stderr);
    let expected = "\
PROFILE      KIND    SSO SESSION    ACCOUNT       ROLE      REGION     STATE
creds-valid  sso     s-expired      111111111111  Admin     -          credentials valid for 50m
token-valid  sso     s-valid        111111111111  Admin     eu-west-1  token valid for 8h
expiring     sso     s-expiring     111111111111  Admin     -          token valid for 10m
expired      sso     s-expired      222222222222  ReadOnly  -          expired
refreshable  sso     s-refreshable  111111111111  Admin     -          token refreshable
missing      sso     s-missing      111111111111  Admin     -          not signed in
static       static  -              -             -         us-east-2  -
";
    assert_eq!(out.stdout, expected);

    let out = run(home.ssoenv(&emulator.url()).args(["list", "--json"]));
    assert!(out.status.success(), "{}", out.stderr);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let states: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["profile"].as_str().unwrap(),
                row["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("creds-valid", "valid"),
            ("token-valid", "valid"),
            ("expiring", "expiring"),
            ("expired", "expired"),
            ("refreshable", "valid"),
            ("missing", "not_signed_in"),
            ("static", "not_sso"),
        ]
    );
    assert_eq!(rows[1]["sso_start_url"], "https://valid.awsapps.com/start");
    assert_eq!(rows[1]["region"], "eu-west-1");
    assert!(
        rows[0]["credentials_expires_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(rows[5]["token_expires_at"].is_null());

    assert!(
        emulator.request_counts().values().all(|&n| n == 0),
        "list never calls the service: {:?}",
        emulator.request_counts()
    );
}

/// A file `populate` filled for a large organization is listed on several threads: every row
/// still comes in the file's order with its own state.
#[test]
fn a_large_file_is_listed_in_order_with_each_state() {
    let emulator = start_emulator();
    let filler = filler_profiles(3_000, 4, "s-missing", "111111111111", "Admin");
    let home = fixture_home_with(&format!("{filler}{CONFIG}"));
    let out = run(home.ssoenv(&emulator.url()).arg("list"));
    assert!(out.status.success(), "{}", out.stderr);
    let rows: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .skip(1)
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 3_007);
    for (n, row) in rows[..3_000].iter().enumerate() {
        assert_eq!(row[0], format!("filler-{n:04}"));
        assert_eq!(row[6], "not signed in", "{row:?}");
    }
    let states: Vec<(&str, &str)> = rows[3_000..].iter().map(|row| (row[0], row[6])).collect();
    assert_eq!(
        states,
        [
            ("creds-valid", "credentials valid for 50m"),
            ("token-valid", "token valid for 8h"),
            ("expiring", "token valid for 10m"),
            ("expired", "expired"),
            ("refreshable", "token refreshable"),
            ("missing", "not signed in"),
            ("static", "-"),
        ]
    );
}

#[test]
fn status_exit_statuses_tell_valid_expiring_expired_and_not_signed_in() {
    let emulator = start_emulator();
    let home = fixture_home();
    let status = |args: &[&str]| run(home.ssoenv(&emulator.url()).arg("status").args(args));
    for (profile, code, state) in [
        ("creds-valid", 0, "State        valid"),
        ("token-valid", 0, "State        valid"),
        ("refreshable", 0, "State        valid"),
        ("expiring", 4, "State        expiring"),
        ("expired", 3, "State        expired"),
        ("missing", 3, "State        not signed in"),
    ] {
        let out = status(&[profile]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{profile}: {}{}",
            out.stdout,
            out.stderr
        );
        assert!(out.stdout.contains(state), "{profile}: {}", out.stdout);
        assert_eq!(out.stderr, "", "{profile}");
    }
    let out = status(&["creds-valid"]);
    assert!(
        out.stdout.contains("Credentials  valid for 50m (until "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Token        expired 10m ago ("),
        "{}",
        out.stdout
    );
    let out = status(&["missing"]);
    assert!(
        out.stdout.contains("Token        none (not signed in)"),
        "{}",
        out.stdout
    );

    // A smaller margin: ten minutes left is then plenty.
    assert_eq!(
        status(&["expiring", "--margin", "5m"]).status.code(),
        Some(0)
    );
    assert_eq!(
        status(&["creds-valid", "--margin", "1h"]).status.code(),
        Some(4)
    );

    let out = status(&["expiring", "--json"]);
    assert_eq!(out.status.code(), Some(4));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["state"], "expiring");
    assert_eq!(json["sso_session"], "s-expiring");
    assert_eq!(json["token"]["refreshable"], false);
    let left = json["token"]["seconds_left"].as_i64().unwrap();
    assert!((500..=630).contains(&left), "{left}");
    assert!(json["credentials"].is_null());

    // A profile of another kind says what it is and what happens when it expires.
    let out = status(&["static"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("Profile      static (static)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("no expiry"), "{}", out.stdout);

    assert!(emulator.request_counts().values().all(|&n| n == 0));
}

#[test]
fn status_follows_the_profile_this_shell_holds() {
    let emulator = start_emulator();
    let home = fixture_home();
    let out = run(home
        .ssoenv(&emulator.url())
        .arg("status")
        .env("SSOENV_PROFILE", "expiring")
        .env("AWS_PROFILE", "token-valid"));
    assert_eq!(out.status.code(), Some(4), "{}", out.stdout);
    assert!(
        out.stdout.starts_with("Profile      expiring "),
        "{}",
        out.stdout
    );

    let out = run(home
        .ssoenv(&emulator.url())
        .arg("status")
        .env("AWS_PROFILE", "token-valid"));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.starts_with("Profile      token-valid "),
        "{}",
        out.stdout
    );
}

/// `ssoenv status` with no profile anywhere and no `[default]`: how to name one (exit 2).
#[test]
fn status_without_any_profile_says_to_name_one() {
    let home = fixture_home();
    let out = run(home.ssoenv("http://127.0.0.1:9").arg("status"));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains(
            "ssoenv: no profile to show: none given, no $SSOENV_PROFILE or $AWS_PROFILE, and no \
             [default] profile in"
        ) && out
            .stderr
            .contains("Run `ssoenv status PROFILE`, e.g. `ssoenv status creds-valid`"),
        "{}",
        out.stderr
    );
}

/// After a revoke at the service `status` still reads the files, and says so; `--check` asks the
/// service (one ListAccounts, no role credentials, no sign-in) and reports the session ended.
#[test]
fn status_check_asks_the_service_about_a_revoked_session() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let url = emulator.url();

    let checked = run(home.ssoenv(&url).args(["status", PROFILE, "--check"]));
    assert_eq!(checked.status.code(), Some(0), "{}", checked.stderr);
    assert!(
        checked
            .stdout
            .contains("State        valid (checked with the service)"),
        "{}",
        checked.stdout
    );

    emulator.revoke_all_sessions();
    let local = run(home.ssoenv(&url).args(["status", PROFILE]));
    assert_eq!(local.status.code(), Some(0), "{}", local.stderr);
    assert!(
        local.stdout.contains(
            "State        valid (from the cache files; `ssoenv status --check` asks the service)"
        ),
        "{}",
        local.stdout
    );

    let checked = run(home.ssoenv(&url).args(["status", PROFILE, "--check"]));
    assert_eq!(checked.status.code(), Some(3), "{}", checked.stderr);
    assert!(
        checked.stdout.contains(
            "State        expired: sign in again (ssoenv login) (the service refused the \
             session: it was revoked or ended)"
        ),
        "{}",
        checked.stdout
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 0);
    assert_eq!(emulator.request_count("StartDeviceAuthorization"), 0);
    assert_eq!(emulator.request_count("Authorize"), 0);
}
