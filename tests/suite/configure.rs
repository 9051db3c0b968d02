//! `ssoenv configure`: the `aws configure sso` wizard, driven through a pseudo-terminal with the
//! keys a person would press, and its flags for scripts; the config file it leaves is compared
//! byte for byte and read back by botocore.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;

use crate::support::botocore::Botocore;
use crate::support::home::*;
use crate::support::terminal::{Attach, Terminal};
use serde_json::json;

const DOWN: &str = "\u{1b}[B";

/// The wizard on a terminal, as a person runs it.
fn on_terminal(command: &mut Command) -> Terminal {
    Terminal::spawn(command.env("TERM", "xterm-256color"), Attach::Interactive)
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_wizard_sets_up_the_walkthrough_profiles_and_keeps_everything_else() {
    let emulator = start_emulator();
    let url = emulator.url();
    let home = TestHome::with_config(&fixture("configure/before.config"));
    let config_path = home.path().join(".aws/config");
    let mode_before = mode(&config_path);
    // The "browser" follows the emulator's sign-in page to ssoenv's loopback callback.
    let browser = "curl -sfL -o /dev/null";

    // A new session: every question is asked; the menus are worked with the arrow keys.
    let mut wizard = on_terminal(home.ssoenv(&url).arg("configure").env("BROWSER", browser));
    wizard.answer("SSO session name", "my-sso\r");
    wizard.answer("SSO start URL", &format!("{START_URL}\r"));
    wizard.answer("SSO region", "us-east-1\r");
    wizard.answer("SSO registration scopes", "\r");
    wizard.expect("There are 2 AWS accounts available to you.");
    wizard.answer("ProductionAccount, prod@example.com (123456789022)", "\r");
    wizard.expect("Using the account ID 123456789011");
    wizard.expect("There are 2 roles available to you.");
    wizard.answer("FullAccess", DOWN);
    std::thread::sleep(Duration::from_millis(300));
    wizard.send("\r");
    wizard.expect("Using the role name \"FullAccess\"");
    wizard.answer("Default client Region", "us-west-2\r");
    wizard.answer("CLI default output format", "json\r");
    wizard.answer("Profile name (FullAccess-123456789011)", "my-dev-profile\r");
    wizard.expect("written to");
    let first = wizard.finish();
    assert_eq!(first.code, Some(0), "{}", first.screen);
    assert_eq!(
        emulator.request_count("Authorize"),
        1,
        "one sign-in in the browser"
    );

    // The session exists now: it is reused without its questions and without a new sign-in;
    // the account is found by typing part of its name.
    let mut wizard = on_terminal(
        home.ssoenv(&url)
            .args(["configure", "--profile", "prod-readonly"])
            .env("BROWSER", browser),
    );
    wizard.answer("SSO session name", "my-sso\r");
    wizard.expect("There are 2 AWS accounts available to you.");
    wizard.answer("ProductionAccount", "Prod");
    std::thread::sleep(Duration::from_millis(300));
    wizard.send("\r");
    wizard.expect("Using the account ID 123456789022");
    wizard.expect("There are 2 roles available to you.");
    wizard.answer("FullAccess", "\r");
    wizard.expect("Using the role name \"ReadOnly\"");
    wizard.answer("Default client Region", "\r");
    wizard.answer("CLI default output format", "\r");
    wizard.expect("written to");
    let second = wizard.finish();
    assert_eq!(second.code, Some(0), "{}", second.screen);
    assert!(
        !second.screen.contains("SSO start URL"),
        "an existing session is not asked about again:\n{}",
        second.screen
    );
    assert_eq!(
        emulator.request_count("Authorize"),
        1,
        "the cached token served"
    );

    // A script changes the first profile: its lines change where they stand.
    let third = run(home.ssoenv(&url).args([
        "configure",
        "--profile",
        "my-dev-profile",
        "--sso-session",
        "my-sso",
        "--account-id",
        "123456789011",
        "--role-name",
        "ReadOnly",
        "--region",
        "eu-central-1",
    ]));
    assert!(third.status.success(), "{}", third.stderr);
    assert!(
        third.stdout.is_empty(),
        "stdout stays clean: {}",
        third.stdout
    );

    assert_eq!(home.read_config(), fixture("configure/expected.config"));
    assert_eq!(mode(&config_path), mode_before, "the file keeps its mode");

    let export = run(home
        .ssoenv(&url)
        .args(["my-dev-profile", "--shell", "sh", "--no-login"]));
    assert!(export.status.success(), "{}", export.stderr);

    if let Some(botocore) =
        Botocore::available("the_wizard_sets_up_the_walkthrough_profiles_and_keeps_everything_else")
    {
        assert_eq!(
            botocore.config(&home),
            json!({
                "profiles": {
                    "default": {"region": "eu-west-1", "output": "table"},
                    "legacy-admin": {
                        "sso_start_url": "https://old.awsapps.com/start",
                        "sso_region": "us-east-1",
                        "sso_account_id": "111111111111",
                        "sso_role_name": "Admin",
                    },
                    "my-dev-profile": {
                        "sso_session": "my-sso",
                        "sso_account_id": "123456789011",
                        "sso_role_name": "ReadOnly",
                        "region": "eu-central-1",
                        "output": "json",
                    },
                    "prod-readonly": {
                        "sso_session": "my-sso",
                        "sso_account_id": "123456789022",
                        "sso_role_name": "ReadOnly",
                    },
                },
                "sso_sessions": {
                    "my-sso": {
                        "sso_start_url": START_URL,
                        "sso_region": "us-east-1",
                        "sso_registration_scopes": "sso:account:access",
                    },
                },
            })
        );
    }
}

#[test]
fn escape_in_a_menu_cancels_without_writing() {
    let emulator = start_emulator();
    let url = emulator.url();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let before = home.read_config();
    let mut wizard = on_terminal(
        home.ssoenv(&url)
            .args(["configure", "--sso-session", SESSION]),
    );
    wizard.expect("There are 2 AWS accounts available to you.");
    wizard.answer("ProductionAccount", "\u{1b}");
    wizard.expect("cancelled; nothing was written");
    let cancelled = wizard.finish();
    assert_eq!(cancelled.code, Some(1), "{}", cancelled.screen);
    assert_eq!(home.read_config(), before);
}

#[test]
fn ctrl_c_in_a_menu_gives_the_cursor_back() {
    let emulator = start_emulator();
    let url = emulator.url();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let mut wizard = on_terminal(
        home.ssoenv(&url)
            .args(["configure", "--sso-session", SESSION]),
    );
    wizard.answer("ProductionAccount", "\u{3}");
    let interrupted = wizard.finish();
    assert_eq!(interrupted.code, Some(130), "{}", interrupted.screen);
    let hidden = interrupted
        .raw
        .rfind("\u{1b}[?25l")
        .expect("the menu hid the cursor");
    assert!(
        interrupted.raw[hidden..].contains("\u{1b}[?25h"),
        "the cursor is shown again: {:?}",
        &interrupted.raw[hidden..]
    );
    assert_eq!(home.read_config(), CONFIG);
}

/// The edges of a question: Enter on an empty required answer says what is needed, a region
/// that does not exist is refused with the closest one, and Ctrl-C at a question ends quietly
/// with status 130, as in a menu.
#[test]
fn a_question_says_what_it_needs_and_ctrl_c_ends_quietly() {
    let emulator = start_emulator();
    let url = emulator.url();
    let home = TestHome::new();
    let before = home.read_config();
    let mut wizard = on_terminal(
        home.ssoenv(&url)
            .args(["configure", "--sso-session", "new-sso"]),
    );
    wizard.answer("SSO start URL", "\r");
    wizard.expect("the sso start url is needed (Ctrl-C stops without writing anything)");
    wizard.send(&format!("{START_URL}\r"));
    wizard.answer("SSO region", "mars-north-9\r");
    wizard.expect("'mars-north-9' is not an AWS region");
    std::thread::sleep(Duration::from_millis(300));
    // Erase the answer and try a typo of a real one.
    wizard.send(&"\u{7f}".repeat(12));
    wizard.send("us-gov-wset-1\r");
    wizard.expect("Did you mean us-gov-west-1?");
    std::thread::sleep(Duration::from_millis(300));
    wizard.send("\u{3}");
    let interrupted = wizard.finish();
    assert_eq!(interrupted.code, Some(130), "{}", interrupted.screen);
    assert!(
        !interrupted.screen.contains("IO error"),
        "{}",
        interrupted.screen
    );
    assert!(
        !interrupted.screen.contains("ssoenv:"),
        "{}",
        interrupted.screen
    );
    assert_eq!(home.read_config(), before);

    let out = run(home.ssoenv(&url).args([
        "configure",
        "--sso-session",
        "new-sso",
        "--sso-start-url",
        START_URL,
        "--sso-region",
        "mars-north-9",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("'mars-north-9' is not an AWS region"),
        "{}",
        out.stderr
    );
    assert_eq!(home.read_config(), before);
}

#[test]
fn without_a_terminal_a_missing_answer_names_its_flag() {
    let emulator = start_emulator();
    let url = emulator.url();
    let home = TestHome::new();
    std::fs::remove_file(home.path().join(".aws/config")).unwrap();

    let out = run(home
        .ssoenv(&url)
        .args(["configure", "--sso-session", "new-sso"]));
    assert_eq!(out.status.code(), Some(2), "a usage error: {}", out.stderr);
    assert!(
        out.stderr.contains("--sso-start-url is needed"),
        "{}",
        out.stderr
    );
    assert!(!home.path().join(".aws/config").exists());

    // An existing session and a signed-in user: only the choice among accounts is missing.
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = run(home
        .ssoenv(&url)
        .args(["configure", "--sso-session", SESSION]));
    assert_eq!(out.status.code(), Some(2), "a usage error: {}", out.stderr);
    assert!(
        out.stderr.contains("--account-id is needed"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("ProductionAccount, prod@example.com (123456789022)"),
        "the choices are listed: {}",
        out.stderr
    );
    assert_eq!(home.read_config(), CONFIG);
}

#[test]
fn flags_alone_write_a_profile_without_network_or_sign_in() {
    let emulator = start_emulator();
    let url = emulator.url();
    let home = TestHome::new();
    std::fs::remove_dir_all(home.path().join(".aws")).unwrap();

    let out = run(home.ssoenv(&url).args([
        "configure",
        "--profile",
        "Acme Dev Admin",
        "--sso-session",
        "Acme Dev",
        "--sso-start-url",
        "https://acme.awsapps.com/start",
        "--sso-region",
        "eu-west-1",
        "--account-id",
        "123456789011",
        "--role-name",
        "FullAccess",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        emulator.request_counts().values().all(|&n| n == 0),
        "no request: {:?}",
        emulator.request_counts()
    );
    let path = home.path().join(".aws/config");
    assert_eq!(mode(&path), 0o600, "a new config file is private");
    assert_eq!(
        home.read_config(),
        "[profile 'Acme Dev Admin']\nsso_session = Acme Dev\nsso_account_id = 123456789011\n\
         sso_role_name = FullAccess\n\n[sso-session 'Acme Dev']\nsso_start_url = \
         https://acme.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = \
         sso:account:access\n"
    );
    if let Some(botocore) =
        Botocore::available("flags_alone_write_a_profile_without_network_or_sign_in")
    {
        let config = botocore.config(&home);
        assert_eq!(
            config["profiles"]["Acme Dev Admin"]["sso_session"],
            "Acme Dev"
        );
        assert_eq!(
            config["sso_sessions"]["Acme Dev"]["sso_start_url"],
            "https://acme.awsapps.com/start"
        );
    }
}

#[test]
fn values_with_line_breaks_are_refused_and_nothing_is_written() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let out = run(home.ssoenv(&emulator.url()).args([
        "configure",
        "--profile",
        "x",
        "--sso-session",
        SESSION,
        "--account-id",
        "123456789011",
        "--role-name",
        "FullAccess",
        "--region",
        "us-east-1\n[profile injected]\ncredential_process = evil",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("line break"), "{}", out.stderr);
    assert_eq!(home.read_config(), CONFIG);

    let out = run(home.ssoenv(&emulator.url()).args([
        "configure",
        "--profile",
        "two\nlines",
        "--sso-session",
        SESSION,
        "--account-id",
        "123456789011",
        "--role-name",
        "FullAccess",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("line break"), "{}", out.stderr);
    assert_eq!(home.read_config(), CONFIG);
}

#[test]
fn an_account_or_role_given_as_a_flag_is_checked_when_the_rest_is_listed() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = run(home.ssoenv(&emulator.url()).args([
        "configure",
        "--sso-session",
        SESSION,
        "--account-id",
        "999999999999",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .contains("account 999999999999 is not among the 2 accounts"),
        "{}",
        out.stderr
    );

    let out = run(home.ssoenv(&emulator.url()).args([
        "configure",
        "--sso-session",
        SESSION,
        "--account-id",
        "123456789022",
        "--profile",
        "prod-admin",
    ]));
    assert_eq!(
        out.status.code(),
        Some(2),
        "two roles and no terminal: a usage error"
    );
    assert!(
        out.stderr.contains("--role-name is needed"),
        "{}",
        out.stderr
    );
    assert_eq!(home.read_config(), CONFIG);
}

#[test]
fn a_legacy_profile_is_moved_onto_the_session() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = run(home.ssoenv(&emulator.url()).args([
        "configure",
        "--profile",
        "legacy",
        "--sso-session",
        SESSION,
        "--account-id",
        ACCOUNT,
        "--role-name",
        "ReadOnly",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    let legacy_before = "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n";
    let legacy_after = "[profile legacy]\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\nsso_session = my-sso\n";
    assert_eq!(
        home.read_config(),
        CONFIG.replace(legacy_before, legacy_after)
    );
    let export = run(home
        .ssoenv(&emulator.url())
        .args(["legacy", "--shell", "sh", "--no-login"]));
    assert!(export.status.success(), "{}", export.stderr);
}

#[test]
fn configure_runs_at_the_same_time_each_keep_their_profile() {
    // The review's attack: parallel `configure --profile pN` runs all said "written" while one
    // replaced the file another had just written. Each must find its profile in the file.
    let home = TestHome::new();
    let unreachable = "http://127.0.0.1:9"; // flags alone: no request is made
    for round in 0..4 {
        let runs: Vec<_> = (0..8)
            .map(|n| {
                home.ssoenv(unreachable)
                    .args(["configure", "--profile", &format!("p{round}-{n}")])
                    .args(["--sso-session", "shared", "--sso-start-url"])
                    .args([
                        "https://acme.awsapps.com/start",
                        "--sso-region",
                        "eu-west-1",
                    ])
                    .args(["--account-id", "123456789011", "--role-name", "FullAccess"])
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("start ssoenv")
            })
            .collect();
        for child in runs {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let config = home.read_config();
        let lost: Vec<String> = (0..=round)
            .flat_map(|r| (0..8).map(move |n| format!("[profile p{r}-{n}]")))
            .filter(|header| !config.contains(header.as_str()))
            .collect();
        assert!(lost.is_empty(), "lost in round {round}: {lost:?}\n{config}");
    }
}
