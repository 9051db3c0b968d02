//! `ssoenv populate`: one profile per account and role, against the emulator; running it again
//! converges, the user's own profiles are never touched, and 1,000 accounts are listed completely
//! with each account's roles asked for exactly once.

use crate::support::botocore::Botocore;
use crate::support::home::*;
use sso_emulator::{Account, Failure};

/// What populate appends to the walk-through config: the two roles the user has no profile for
/// (my-dev-profile and prod-readonly already cover the other two).
const POPULATED: &str = "
[profile DeveloperAccount.ReadOnly]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = ReadOnly
ssoenv_populated = true

[profile ProductionAccount.FullAccess]
sso_session = my-sso
sso_account_id = 123456789022
sso_role_name = FullAccess
ssoenv_populated = true
";

#[test]
fn populate_adds_what_is_missing_and_converges() {
    let emulator = start_emulator();
    let url = emulator.url();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let populate = |extra: &[&str]| {
        let mut command = home.ssoenv(&url);
        command
            .args(["populate", "--sso-session", SESSION])
            .args(extra);
        run(&mut command)
    };

    let dry = populate(&["--dry-run"]);
    assert!(dry.status.success(), "{}", dry.stderr);
    assert_eq!(
        dry.stdout,
        "+ DeveloperAccount.ReadOnly  DeveloperAccount (123456789011) ReadOnly\n\
         + ProductionAccount.FullAccess  ProductionAccount (123456789022) FullAccess\n"
    );
    assert!(
        dry.stderr
            .contains("2 roles already have a profile of yours"),
        "{}",
        dry.stderr
    );
    assert!(dry.stderr.contains("Nothing was written"), "{}", dry.stderr);
    assert_eq!(home.read_config(), CONFIG, "--dry-run writes nothing");

    emulator.reset_counts();
    let first = populate(&[]);
    assert!(first.status.success(), "{}", first.stderr);
    assert_eq!(first.stdout, dry.stdout, "the dry run showed exactly this");
    assert_eq!(home.read_config(), format!("{CONFIG}{POPULATED}"));
    assert_eq!(emulator.request_count("ListAccounts"), 1);
    assert_eq!(
        emulator.request_count("ListAccountRoles"),
        2,
        "one per account"
    );

    let again = populate(&[]);
    assert!(again.status.success(), "{}", again.stderr);
    assert_eq!(again.stdout, "", "nothing to change");
    assert!(again.stderr.contains("2 unchanged"), "{}", again.stderr);
    assert_eq!(home.read_config(), format!("{CONFIG}{POPULATED}"));

    let region = populate(&["--region", "eu-west-1"]);
    assert!(region.status.success(), "{}", region.stderr);
    assert_eq!(
        region.stdout,
        "~ DeveloperAccount.ReadOnly  region: (none) -> eu-west-1\n\
         ~ ProductionAccount.FullAccess  region: (none) -> eu-west-1\n"
    );
    let with_region = POPULATED.replace(
        "ssoenv_populated = true",
        "ssoenv_populated = true\nregion = eu-west-1",
    );
    assert_eq!(home.read_config(), format!("{CONFIG}{with_region}"));

    // The production account goes away: without --prune its profile stays, and a note says so.
    emulator.update_config(|config| {
        config.accounts = vec![Account::new(
            ACCOUNT,
            "DeveloperAccount",
            "dev@example.com",
            &["ReadOnly", "FullAccess"],
        )];
    });
    let kept = populate(&[]);
    assert!(kept.status.success(), "{}", kept.stderr);
    assert!(
        kept.stderr
            .contains("no longer match an account and role of the session (run with --prune"),
        "{}",
        kept.stderr
    );
    assert_eq!(home.read_config(), format!("{CONFIG}{with_region}"));

    let pruned = populate(&["--prune"]);
    assert!(pruned.status.success(), "{}", pruned.stderr);
    assert_eq!(
        pruned.stdout,
        "- ProductionAccount.FullAccess  123456789022 FullAccess (no longer available)\n"
    );
    let developer_only = with_region
        .split("\n[profile ProductionAccount.FullAccess]")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(home.read_config(), format!("{CONFIG}{developer_only}"));
    assert!(
        home.read_config().contains("[profile prod-readonly]"),
        "the user's profile for the vanished account stays"
    );

    if let Some(botocore) = Botocore::available("populate_adds_what_is_missing_and_converges") {
        let profiles = &botocore.config(&home)["profiles"];
        assert_eq!(
            profiles["DeveloperAccount.ReadOnly"]["sso_role_name"],
            "ReadOnly"
        );
        assert_eq!(profiles["DeveloperAccount.ReadOnly"]["region"], "eu-west-1");
        assert!(profiles.get("ProductionAccount.FullAccess").is_none());
    }
}

#[test]
fn a_name_the_user_already_uses_is_not_taken_over() {
    let emulator = start_emulator();
    let config = format!(
        "{CONFIG}\n[profile DeveloperAccount.ReadOnly]\nregion = ap-south-1\ncredential_process = /bin/false\n"
    );
    let home = TestHome::with_config(&config);
    home.seed_token(&emulator, 3600);
    let out =
        run(home
            .ssoenv(&emulator.url())
            .args(["populate", "--sso-session", SESSION, "--prune"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the name DeveloperAccount.ReadOnly is taken by a profile (process)"),
        "{}",
        out.stderr
    );
    let text = home.read_config();
    assert!(
        text.starts_with(&config),
        "everything that was there stays as it was:\n{text}"
    );
    assert!(text.contains("[profile ProductionAccount.FullAccess]"));
}

#[test]
fn the_template_names_the_profiles() {
    let emulator = start_emulator();
    let home = TestHome::with_config(
        "[sso-session my-sso]\nsso_region = us-east-1\nsso_start_url = https://my-sso-portal.awsapps.com/start\n",
    );
    home.seed_token(&emulator, 3600);
    let out = run(home.ssoenv(&emulator.url()).args([
        "populate",
        "--sso-session",
        SESSION,
        "--template",
        "{sso_session}/{account_id}/{role_name}",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    let names: Vec<&str> = out
        .stdout
        .lines()
        .map(|line| line.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "my-sso/123456789011/ReadOnly",
            "my-sso/123456789011/FullAccess",
            "my-sso/123456789022/ReadOnly",
            "my-sso/123456789022/FullAccess"
        ]
    );

    let bad = run(home.ssoenv(&emulator.url()).args([
        "populate",
        "--sso-session",
        SESSION,
        "--template",
        "{account}",
    ]));
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        bad.stderr.contains("unknown placeholder {account}"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_thousand_accounts_are_all_listed_each_asked_once() {
    let emulator = start_emulator_with(|config| {
        *config = sso_emulator::EmulatorConfig::with_generated_accounts(
            1000,
            &["ReadOnly", "FullAccess"],
        );
    });
    let home = TestHome::with_config(
        "[sso-session my-sso]\nsso_region = us-east-1\nsso_start_url = https://my-sso-portal.awsapps.com/start\n",
    );
    home.seed_token(&emulator, 3600);
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["populate", "--sso-session", SESSION]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2000);
    assert_eq!(emulator.request_count("ListAccounts"), 10, "pages of 100");
    assert_eq!(
        emulator.request_count("ListAccountRoles"),
        1000,
        "each account once"
    );
    let text = home.read_config();
    assert_eq!(text.matches("ssoenv_populated = true").count(), 2000);
    assert!(text.contains(
        "[profile Account1000.FullAccess]\nsso_session = my-sso\nsso_account_id = 100000001000\n"
    ));

    let listed = run(home.ssoenv(&emulator.url()).args(["list", "--json"]));
    assert!(listed.status.success(), "{}", listed.stderr);
    let rows: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2000);
}

#[test]
fn throttled_requests_are_waited_out() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    // More throttling than the SDK's own three attempts absorb for one call.
    emulator.inject_failure(Failure::error(
        "ListAccountRoles",
        429,
        "TooManyRequestsException",
        5,
    ));
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["populate", "--sso-session", SESSION]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2);
    assert_eq!(emulator.request_count("ListAccountRoles"), 2 + 5);
}

#[test]
fn without_a_sign_in_populate_says_how_to_sign_in() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["populate", "--sso-session", SESSION]));
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    assert!(
        out.stderr.contains("ssoenv login --sso-session my-sso"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    assert_eq!(home.read_config(), CONFIG);

    let unknown = run(home
        .ssoenv(&emulator.url())
        .args(["populate", "--sso-session", "nope"]));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(unknown.stderr.contains("nope"), "{}", unknown.stderr);
}

#[test]
fn a_service_that_repeats_its_page_token_stops_the_listing() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    // Every page says "there is more, ask with `again`", forever (here: 500 times).
    emulator.inject_failure(Failure::raw_body(
        "ListAccounts",
        200,
        r#"{"accountList": [{"accountId": "111122223333", "accountName": "Loop", "emailAddress": "l@example.com"}], "nextToken": "again"}"#,
        500,
    ));
    let out = run(home.ssoenv(&emulator.url()).args([
        "populate",
        "--sso-session",
        SESSION,
        "--dry-run",
        "--no-login",
    ]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("ListAccounts: the service sent a page token it had sent before"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(emulator.request_count("ListAccounts"), 2);
}

#[test]
fn portal_names_with_terminal_controls_are_shown_escaped_and_a_bad_role_is_skipped() {
    let title_and_clear = "Evil\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let emulator = start_emulator_with(|config| {
        config.accounts = vec![Account::new(
            "111122223333",
            title_and_clear,
            "evil\u{1b}[2J@example.com",
            &["Admin\nInjected", "ReadOnly"],
        )];
    });
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = run(home.ssoenv(&emulator.url()).args([
        "populate",
        "--sso-session",
        SESSION,
        "--no-login",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    for (name, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{name}: {text:?}"
        );
    }
    assert!(
        out.stderr
            .contains("skipped role Admin\\nInjected of account Evil\\e]0;pwned\\x07\\e[2J"),
        "{}",
        out.stderr
    );
    let config = home.read_config();
    assert!(config.contains("sso_role_name = ReadOnly"), "{config}");
    assert!(!config.contains("Injected"), "{config}");

    // The configure wizard lists the accounts in its error without a terminal, escaped too.
    let out = run(home.ssoenv(&emulator.url()).args([
        "configure",
        "--sso-session",
        SESSION,
        "--account-id",
        "999999999999",
    ]));
    assert!(!out.status.success());
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert!(out.stderr.contains("Evil\\e]0;pwned"), "{}", out.stderr);
    let list = run(home.ssoenv(&emulator.url()).arg("list"));
    assert!(!list.stdout.contains('\u{1b}'), "{:?}", list.stdout);
}
