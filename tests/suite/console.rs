//! `ssoenv console`: the profile's role credentials exchanged at the (emulated) federation
//! endpoint for a one-time sign-in token, and the login URL followed by a browser (curl, and real
//! headless Chromium) to the console stand-in, which names the account and role.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ssoenv::cache::RoleCredentials;

use crate::support::browsers::{
    headless_chromium_dumping_the_page, wait_for_file_containing, write_script,
};
use crate::support::cache_files::{secrets_in, snapshot};
use crate::support::home::*;
use sso_emulator::{Emulator, Failure};

/// `ssoenv console ARGS…` with the federation endpoint at the emulator.
fn console(home: &TestHome, emulator_url: &str, args: &[&str]) -> Command {
    let mut command = home.ssoenv(emulator_url);
    command
        .arg("console")
        .args(args)
        .env("AWS_ENDPOINT_URL_SIGNIN", emulator_url);
    command
}

/// The query parameters of `url`.
fn query_of(url: &str) -> BTreeMap<String, String> {
    let (_, query) = url.split_once('?').expect("the URL has a query");
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// A browser that follows the URL with curl (cookies kept, as a browser does), writing the page
/// it lands on to `page` and its address to `page.url`, and its argv to `argv`.
fn curl_browser(home: &TestHome) -> (String, std::path::PathBuf, std::path::PathBuf) {
    let page = home.path().join("page.html");
    let argv = home.path().join("argv");
    let jar = home.path().join("cookies");
    let script = write_script(
        home.path(),
        "curl-browser",
        &format!(
            "printf '%s\\n' \"$@\" > '{argv}'\n\
             curl -sS -L -b '{jar}' -c '{jar}' -o '{page}' -w '%{{url_effective}}' \"$1\" > '{page}.url'",
            argv = argv.display(),
            jar = jar.display(),
            page = page.display(),
        ),
    );
    (script, page, argv)
}

/// The emulator, and `home` signed in to its session for an hour.
fn signed_in(home: TestHome) -> (Emulator, TestHome) {
    let emulator = start_emulator();
    home.seed_token(&emulator, 3600);
    (emulator, home)
}

/// `ssoenv console ARGS…` with `$BROWSER` set to `browser`.
fn open_in(home: &TestHome, emulator: &Emulator, browser: &str, args: &[&str]) -> Run {
    let out = run(console(home, &emulator.url(), args).env("BROWSER", browser));
    assert!(out.status.success(), "{}", out.stderr);
    out
}

/// The destination on the console stand-in.
fn stand_in(emulator_url: &str, service: &str) -> String {
    format!("{emulator_url}/console/{service}/home?region=us-west-2")
}

#[test]
fn curl_as_the_browser_lands_on_the_destination_signed_in_as_the_role() {
    let (emulator, home) = signed_in(TestHome::new());
    let (browser, page, argv) = curl_browser(&home);
    let destination = stand_in(&emulator.url(), "s3");
    let out = open_in(
        &home,
        &emulator,
        &browser,
        &[PROFILE, "--destination", &destination],
    );
    assert_eq!(out.stdout, "", "nothing on stdout without --print");

    let html = wait_for_file_containing(&page, "</html>", Duration::from_secs(10));
    assert!(
        html.contains(&format!("<span id=\"account\">{ACCOUNT}</span>"))
            && html.contains(&format!("<span id=\"role\">{ROLE}</span>")),
        "{html}"
    );
    let landed = wait_for_file_containing(
        &page.with_extension("html.url"),
        "/console/",
        Duration::from_secs(5),
    );
    assert_eq!(landed, destination);

    let logins = emulator.console_logins();
    assert_eq!(logins.len(), 1, "{logins:?}");
    assert_eq!(logins[0].account_id, ACCOUNT);
    assert_eq!(logins[0].role_name, ROLE);
    assert_eq!(logins[0].destination, destination);
    assert_eq!(logins[0].issuer.as_deref(), Some(START_URL));
    assert_eq!(
        emulator.credentials_owner(&logins[0].access_key_id),
        Some((ACCOUNT.to_string(), ROLE.to_string())),
        "the token was made from the profile's role credentials"
    );
    let browser_argv = std::fs::read_to_string(&argv).unwrap();
    assert!(
        browser_argv.starts_with(&format!("{}/federation?Action=login&", emulator.url())),
        "{browser_argv}"
    );
    assert!(
        out.stderr
            .contains("the session lasts until the credentials expire")
            && out
                .stderr
                .contains(&format!("account {ACCOUNT}, role {ROLE}")),
        "{}",
        out.stderr
    );
}

#[test]
fn headless_chromium_follows_the_url_to_the_console() {
    let (emulator, home) = signed_in(TestHome::new());
    let Some((browser, page)) = headless_chromium_dumping_the_page(home.path()) else {
        return;
    };
    let destination = stand_in(&emulator.url(), "ec2");
    open_in(
        &home,
        &emulator,
        &browser,
        &[PROFILE, "--destination", &destination],
    );
    let html = wait_for_file_containing(&page, "id=\"role\"", Duration::from_secs(30));
    assert!(
        html.contains(&format!("<span id=\"account\">{ACCOUNT}</span>"))
            && html.contains(&format!("<span id=\"role\">{ROLE}</span>"))
            && html.contains("<span id=\"page\">/console/ec2/home</span>"),
        "{html}"
    );
    assert_eq!(emulator.console_logins().len(), 1);
}

/// `--print`: the URL alone on stdout; the profile comes from `$SSOENV_PROFILE` before
/// `$AWS_PROFILE`; `--service` lands on that service's home in the profile's region.
#[test]
fn print_writes_only_the_url_of_the_shells_profile() {
    let (emulator, home) = signed_in(TestHome::with_config(&CONFIG.replace(
        "[profile prod-readonly]\n",
        "[profile prod-readonly]\nregion = eu-west-1\n",
    )));
    let out = run(
        console(&home, &emulator.url(), &["--print", "--service", "s3"])
            .env("SSOENV_PROFILE", "prod-readonly")
            .env("AWS_PROFILE", PROFILE),
    );
    assert!(out.status.success(), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    let url = lines[0];
    assert!(
        url.starts_with(&format!("{}/federation?", emulator.url())),
        "{url}"
    );
    let query = query_of(url);
    assert_eq!(query["Action"], "login");
    assert_eq!(
        query["Destination"],
        "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
    );
    assert!(!query["SigninToken"].is_empty());

    // Following the URL without going on to the real console: the emulator's redirect.
    let followed = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{redirect_url}",
            url,
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&followed.stdout),
        format!("302 {}", query["Destination"])
    );
    assert_eq!(emulator.console_logins()[0].account_id, "123456789022");

    let gov = run(&mut console(
        &home,
        &emulator.url(),
        &[
            "prod-readonly",
            "--print",
            "--region",
            "us-gov-west-1",
            "--service",
            "ec2",
        ],
    ));
    assert!(gov.status.success(), "{}", gov.stderr);
    assert_eq!(
        query_of(gov.stdout.trim())["Destination"],
        "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1"
    );
}

/// Curl at the URL of `--print`, without following the redirect: `(status, Location)`.
fn visit(url: &str) -> (String, String) {
    let out = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}\n%{redirect_url}",
            url,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (status, location) = text.split_once('\n').unwrap();
    (status.to_string(), location.to_string())
}

#[test]
fn each_sign_in_token_signs_in_once() {
    let (emulator, home) = signed_in(TestHome::new());
    let destination = stand_in(&emulator.url(), "lambda");
    let out = run(&mut console(
        &home,
        &emulator.url(),
        &[PROFILE, "--print", "--destination", &destination],
    ));
    assert!(out.status.success(), "{}", out.stderr);
    let url = out.stdout.trim();
    assert_eq!(visit(url), ("302".to_string(), destination.clone()));
    assert_eq!(visit(url).0, "400", "the second use is refused");
    assert_eq!(emulator.console_logins().len(), 1);
    assert_eq!(emulator.refused_console_logins(), 1);
}

#[test]
fn a_role_chained_profile_opens_the_console_of_its_last_role() {
    let (emulator, home) = signed_in(TestHome::with_chains());
    let out = run(&mut console(&home, &emulator.url(), &["deploy", "--print"]));
    assert!(out.status.success(), "{}", out.stderr);
    let url = out.stdout.trim();
    let query = query_of(url);
    assert_eq!(
        query["Destination"],
        "https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1",
        "the chain's own region"
    );
    assert_eq!(visit(url).0, "302");
    let logins = emulator.console_logins();
    assert_eq!(logins[0].account_id, CHAIN_ACCOUNT);
    assert_eq!(logins[0].role_name, "Deploy");
    assert_eq!(
        emulator
            .assumed_role_owner(&logins[0].access_key_id)
            .map(|owner| owner.role_arn),
        Some(DEPLOY_ARN.to_string()),
        "the token was made from the assumed role's credentials"
    );
    assert_eq!(logins[0].issuer.as_deref(), Some(START_URL));
    assert_eq!(emulator.request_count("AssumeRole"), 1);
}

/// Expired cached credentials, and an expired token: the token is refreshed, fresh credentials
/// fetched, and only then is the sign-in token asked for (the emulator refuses credentials it did
/// not issue, so the seeded ones could not have been used).
#[test]
fn expired_credentials_are_refreshed_first() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, -60);
    let expired = RoleCredentials {
        access_key_id: "ASIAEXPIREDEXPIRED00".to_string(),
        secret_access_key: "expired-secret-key-value".into(),
        session_token: "expired-session-token-value".into(),
        expiration: time::OffsetDateTime::now_utc() - time::Duration::minutes(5),
        account_id: Some(ACCOUNT.to_string()),
    };
    home.write_role_credentials(ACCOUNT, ROLE, &expired);
    let out = run(&mut console(&home, &emulator.url(), &[PROFILE, "--print"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(emulator.request_count("CreateToken"), 1, "token refreshed");
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
    assert_eq!(emulator.request_count("GetSigninToken"), 1);
    assert_eq!(visit(out.stdout.trim()).0, "302");
    assert_ne!(
        emulator.console_logins()[0].access_key_id,
        expired.access_key_id
    );
}

/// A browser named like `program` that records each argv (one line per run, words separated by
/// tabs) into `argv.log`.
fn recording_browser(home: &TestHome, program: &str) -> (String, std::path::PathBuf) {
    let bin = home.path().join("fake-browsers");
    std::fs::create_dir_all(&bin).unwrap();
    let log = home.path().join("argv.log");
    let script = write_script(
        &bin,
        program,
        &format!(
            "(IFS=\"$(printf '\\t')\"; printf '%s\\n' \"$*\") >> '{}'",
            log.display()
        ),
    );
    (script, log)
}

fn recorded_runs(log: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn isolate_gives_each_profile_a_browser_data_directory_of_its_own() {
    use std::os::unix::fs::PermissionsExt;
    let (emulator, home) = signed_in(TestHome::new());
    let (browser, log) = recording_browser(&home, "chromium");
    for profile in [PROFILE, "prod-readonly"] {
        open_in(
            &home,
            &emulator,
            &format!("{browser} --new-window"),
            &[profile, "--isolate"],
        );
    }
    let runs = recorded_runs(&log);
    assert_eq!(runs.len(), 2, "{runs:?}");
    let mut dirs = Vec::new();
    for (run, profile) in runs.iter().zip([PROFILE, "prod-readonly"]) {
        let expected = home.path().join(".cache/ssoenv/console").join(profile);
        assert_eq!(
            run[0],
            format!("--user-data-dir={}", expected.display()),
            "{run:?}"
        );
        assert!(run.contains(&"--new-window".to_string()), "{run:?}");
        assert!(
            run.last().unwrap().contains("/federation?Action=login&"),
            "{run:?}"
        );
        let mode = std::fs::metadata(&expected).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{}", expected.display());
        dirs.push(run[0].clone());
    }
    assert_ne!(dirs[0], dirs[1]);
}

/// `ssoenv_console_isolate = true` in the sso-session isolates without the flag; `--no-isolate`
/// overrides it; Firefox gets the container extension's URL.
#[test]
fn the_config_setting_isolates_and_firefox_gets_a_container() {
    let (emulator, home) = signed_in(TestHome::with_config(&CONFIG.replace(
        "[sso-session my-sso]\n",
        "[sso-session my-sso]\nssoenv_console_isolate = true\n",
    )));
    let (browser, log) = recording_browser(&home, "firefox");
    open_in(&home, &emulator, &browser, &[PROFILE]);
    open_in(&home, &emulator, &browser, &[PROFILE, "--no-isolate"]);

    let runs = recorded_runs(&log);
    assert_eq!(runs.len(), 2, "{runs:?}");
    let container = &runs[0][0];
    let params = form_urlencoded::parse(
        container
            .strip_prefix("ext+container:")
            .unwrap_or_else(|| panic!("{container}"))
            .as_bytes(),
    )
    .into_owned()
    .collect::<BTreeMap<String, String>>();
    assert_eq!(params["name"], PROFILE);
    assert!(
        params["url"].starts_with(&format!("{}/federation?Action=login&", emulator.url())),
        "{params:?}"
    );
    assert!(
        runs[1][0].starts_with(&format!("{}/federation?Action=login&", emulator.url())),
        "--no-isolate opens the plain URL: {:?}",
        runs[1]
    );
}

#[test]
fn isolation_without_a_known_browser_says_what_it_needs() {
    let (emulator, home) = signed_in(TestHome::new());
    let out = run(console(&home, &emulator.url(), &[PROFILE, "--isolate"]).env("BROWSER", "w3m"));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("isolation needs $BROWSER to name a Chromium-family browser"),
        "{}",
        out.stderr
    );
    assert_eq!(
        emulator.request_count("GetSigninToken"),
        0,
        "refused before any token is made"
    );
}

/// `--logout-first`: the browser goes through the console's sign-out, which then sends it on to
/// the new sign-in: the console shows the second profile.
#[test]
fn logout_first_signs_the_browser_out_then_in() {
    let (emulator, home) = signed_in(TestHome::new());
    let (browser, page, argv) = curl_browser(&home);
    let destination = stand_in(&emulator.url(), "iam");
    open_in(
        &home,
        &emulator,
        &browser,
        &[PROFILE, "--destination", &destination],
    );
    wait_for_file_containing(&page, ACCOUNT, Duration::from_secs(10));
    std::fs::remove_file(&page).unwrap();
    open_in(
        &home,
        &emulator,
        &browser,
        &[
            "prod-readonly",
            "--logout-first",
            "--destination",
            &destination,
        ],
    );
    let html = wait_for_file_containing(&page, "123456789022", Duration::from_secs(10));
    assert!(html.contains("<span id=\"role\">ReadOnly</span>"), "{html}");
    assert!(
        std::fs::read_to_string(&argv)
            .unwrap()
            .starts_with(&format!(
                "{}/oauth?Action=logout&redirect_uri=",
                emulator.url()
            )),
        "the browser is sent to the sign-out first"
    );
    assert_eq!(emulator.request_count("ConsoleLogout"), 1);
    assert_eq!(emulator.console_logins().len(), 2);
}

/// Neither the credentials nor the sign-in token reach stderr, even with `--debug`; the browser's
/// argv holds the token only, never the credentials.
#[test]
fn no_secret_in_stderr_debug_or_the_browsers_argv() {
    let (emulator, home) = signed_in(TestHome::new());
    let (browser, log) = recording_browser(&home, "browser");
    let out = open_in(&home, &emulator, &browser, &[PROFILE, "--debug"]);
    assert!(
        out.stderr.contains("getSigninToken → "),
        "the exchange is traced: {}",
        out.stderr
    );
    let argv = recorded_runs(&log).concat().join(" ");
    let token = query_of(&argv)["SigninToken"].clone();
    assert!(token.len() > 100, "{argv}");
    let secrets = secrets_in(&snapshot(home.path()));
    assert!(
        secrets.len() >= 3,
        "the token and the role credentials are cached: {secrets:?}"
    );
    for secret in &secrets {
        assert!(!out.stderr.contains(secret.as_str()), "a secret in stderr");
        assert!(!argv.contains(secret.as_str()), "a secret in the argv");
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        assert!(!argv.contains(&encoded), "an encoded secret in the argv");
    }
    assert!(!out.stderr.contains(&token), "the sign-in token in stderr");
}

#[test]
fn a_browser_that_fails_at_once_is_reported() {
    let (emulator, home) = signed_in(TestHome::new());
    let out = run(console(&home, &emulator.url(), &[PROFILE]).env("BROWSER", "false"));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("could not open a browser")
            && out.stderr.contains("ssoenv console --print"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("SigninToken"), "{}", out.stderr);
}

#[test]
fn a_refusal_at_the_federation_endpoint_is_reported_and_nothing_opens() {
    let (emulator, home) = signed_in(TestHome::new());
    emulator.inject_failure(Failure::raw_body(
        "GetSigninToken",
        400,
        "Invalid Session\n",
        1,
    ));
    let (browser, log) = recording_browser(&home, "browser");
    let out = run(console(&home, &emulator.url(), &[PROFILE]).env("BROWSER", &browser));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("refused the credentials (HTTP 400): Invalid Session"),
        "{}",
        out.stderr
    );
    assert!(recorded_runs(&log).is_empty(), "no browser was started");
}

/// An override that would send the credentials in clear text over the network is refused before
/// any credentials are fetched.
#[test]
fn a_plain_http_endpoint_off_this_machine_is_refused_first() {
    let (emulator, home) = signed_in(TestHome::new());
    let out = run(console(&home, &emulator.url(), &[PROFILE, "--print"])
        .env("AWS_ENDPOINT_URL_SIGNIN", "http://signin.example.com"));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("is not an https:// URL"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    assert_eq!(emulator.request_count("GetRoleCredentials"), 0);
}
