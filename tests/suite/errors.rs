//! Bad input and failing services: a clear message, a non-zero exit, nothing on stdout (so `eval`
//! changes nothing), and no cache file damaged.

use crate::support::home::*;
use sso_emulator::Failure;

const SIGN_IN_NEEDED: i32 = 3;

fn assert_failed_cleanly(out: &Run, code: i32, message_parts: &[&str]) {
    assert_eq!(out.status.code(), Some(code), "stderr: {}", out.stderr);
    assert_eq!(out.stdout, "", "stdout must be empty on failure");
    for part in message_parts {
        assert!(
            out.stderr.contains(part),
            "stderr lacks {part:?}:\n{}",
            out.stderr
        );
    }
}

#[test]
fn config_problems_name_the_file_and_profile() {
    let home = TestHome::new();
    let url = "http://127.0.0.1:9"; // never reached

    let missing = run(home
        .ssoenv(url)
        .arg(PROFILE)
        .env("AWS_CONFIG_FILE", home.path().join("nope")));
    assert_failed_cleanly(&missing, 1, &["nope"]);

    let typo = run(home.ssoenv(url).arg("my-dev-profil"));
    assert_failed_cleanly(&typo, 1, &["my-dev-profil", "my-dev-profile", "config"]);

    let not_sso = run(home.ssoenv(url).arg("static-keys"));
    assert_failed_cleanly(&not_sso, 1, &["static-keys", "aws_secret_access_key"]);

    let orphan = run(home.ssoenv(url).arg("orphan"));
    assert_failed_cleanly(&orphan, 1, &["no-such-session"]);
}

#[test]
fn no_token_asks_for_the_sign_in_command() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let out = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
    assert_failed_cleanly(
        &out,
        SIGN_IN_NEEDED,
        &[
            "ssoenv login my-dev-profile",
            "aws sso login --profile my-dev-profile",
        ],
    );
    assert_eq!(emulator.request_counts().values().sum::<u64>(), 0);
}

/// Files other tools may leave behind are "no token", never a crash, and stay as they were.
#[test]
fn garbage_token_files_mean_not_signed_in_and_are_left_alone() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let minted = emulator.mint_session();
    home.write_token(&minted, 8 * 3600);
    let good = std::fs::read_to_string(home.token_path()).unwrap();
    let garbage: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("truncated", good[..good.len() / 2].to_string()),
        ("trailing bytes", format!("{good}\"}}")),
        ("missing accessToken", good.replace("\"accessToken\"", "\"somethingElse\"")),
        ("not an object", "[1, 2, 3]".to_string()),
        ("expired legacy UTC timestamp", r#"{"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1", "accessToken": "x", "expiresAt": "2021-12-11T07:18:18UTC"}"#.to_string()),
    ];
    for (what, content) in garbage {
        std::fs::write(home.token_path(), &content).unwrap();
        let out = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
        assert_failed_cleanly(&out, SIGN_IN_NEEDED, &["ssoenv login"]);
        assert_eq!(
            std::fs::read_to_string(home.token_path()).unwrap(),
            content,
            "{what}: the file was changed"
        );
    }
}

/// A token in the legacy `…UTC` form that is still valid is used.
#[test]
fn a_valid_legacy_utc_timestamp_is_read() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let minted = emulator.mint_session();
    let expires = ssoenv::cache::format_cli_timestamp(
        time::OffsetDateTime::now_utc() + time::Duration::hours(2),
    )
    .replace('Z', "UTC");
    std::fs::create_dir_all(home.sso_cache()).unwrap();
    std::fs::write(
        home.token_path(),
        format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{}", "expiresAt": "{expires}"}}"#,
            minted.access_token
        ),
    )
    .unwrap();
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
}

#[test]
fn service_failures_are_retried_then_reported() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);

    for (status, code) in [
        (500, "InternalServerException"),
        (429, "TooManyRequestsException"),
    ] {
        emulator.reset_counts();
        emulator.inject_failure(Failure::error("GetRoleCredentials", status, code, 100));
        let out = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
        assert_failed_cleanly(&out, 1, &["GetRoleCredentials", code]);
        assert_eq!(
            emulator.request_count("GetRoleCredentials"),
            3,
            "HTTP {status} is retried, three attempts in all"
        );
        assert!(!home.role_cache_path(ACCOUNT, ROLE).exists());
        emulator.clear_failures();
    }

    // A single 500 is absorbed by a retry.
    emulator.inject_failure(Failure::error(
        "GetRoleCredentials",
        500,
        "InternalServerException",
        1,
    ));
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
}

#[test]
fn a_revoked_session_asks_for_a_sign_in() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let before = std::fs::read(home.token_path()).unwrap();
    emulator.revoke_all_sessions();
    let out = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
    assert_failed_cleanly(
        &out,
        SIGN_IN_NEEDED,
        &["ended or was revoked", "ssoenv login"],
    );
    assert_eq!(std::fs::read(home.token_path()).unwrap(), before);
}

#[test]
fn a_rejected_refresh_asks_for_a_sign_in_and_keeps_the_file() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 30); // must refresh, too short to use
    let before = std::fs::read(home.token_path()).unwrap();
    emulator.inject_failure(Failure::error(
        "CreateToken",
        400,
        "InvalidGrantException",
        1,
    ));
    let out = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
    assert_failed_cleanly(&out, SIGN_IN_NEEDED, &["ssoenv login my-dev-profile"]);
    assert_eq!(std::fs::read(home.token_path()).unwrap(), before);
}

#[test]
fn nothing_listening_is_a_clear_network_error() {
    let home = TestHome::new();
    // A port that was just free: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let minted = start_emulator().mint_session();
    home.write_token(&minted, 8 * 3600);
    let out = run(home.ssoenv(&url).args([PROFILE, "--no-login"]));
    assert_failed_cleanly(&out, 1, &["could not reach", &url]);
}

/// When the cache has valid credentials, no network is needed at all: ssoenv works with the
/// endpoint pointing at nothing.
#[test]
fn the_fast_path_needs_no_network() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    assert!(
        run(home.ssoenv(&emulator.url()).arg(PROFILE))
            .status
            .success()
    );
    drop(emulator);
    let out = run(home
        .ssoenv("http://127.0.0.1:9")
        .args([PROFILE, "--shell", "bash"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stderr, "", "nothing to say on the fast path");
}

#[test]
fn a_cache_that_cannot_be_written_says_each_cause_once() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    // Where the role credentials' directory should be, a file: the write fails with an OS error
    // that the message names once, not once per link of the error chain.
    let cli = home.path().join(".aws").join("cli");
    std::fs::create_dir_all(&cli).unwrap();
    std::fs::write(cli.join("cache"), "not a directory").unwrap();
    let out = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
    assert_failed_cleanly(&out, 1, &["cache"]);
    let os_error = out
        .stderr
        .find("(os error")
        .map(|at| &out.stderr[at..out.stderr[at..].find(')').unwrap() + at + 1])
        .unwrap_or_else(|| panic!("no OS error in: {}", out.stderr));
    assert_eq!(
        out.stderr.matches(os_error).count(),
        1,
        "said twice: {}",
        out.stderr
    );
}

#[test]
fn a_rejected_access_token_is_refreshed_before_any_sign_in() {
    // The portal rejects an access token the cache still calls valid (expired early): the
    // refresh token still works, so even `--no-login` gets credentials, without a sign-in.
    let emulator = start_emulator();
    let home = TestHome::new();
    let minted = home.seed_token(&emulator, 8 * 3600);
    emulator.expire_access_tokens();
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--no-login", "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        out.stdout
    );
    assert_eq!(emulator.request_count("CreateToken"), 1, "one refresh");
    assert_eq!(emulator.request_count("GetRoleCredentials"), 2);
    assert_eq!(emulator.request_count("RegisterClient"), 0, "no sign-in");
    assert_ne!(
        home.read_token_json()["accessToken"],
        minted.access_token.as_str(),
        "the refreshed token is cached for the next run"
    );
    let again = run(home.ssoenv(&emulator.url()).args([
        PROFILE,
        "--no-login",
        "--min-valid",
        "9h",
        "--shell",
        "sh",
    ]));
    assert!(again.status.success(), "{}", again.stderr);
    assert_eq!(
        emulator.request_count("CreateToken"),
        1,
        "the cached one is used"
    );
}

#[test]
fn huge_durations_are_usage_errors_not_panics() {
    let home = TestHome::new();
    let url = "http://127.0.0.1:9"; // never reached
    for args in [
        &["init", "bash", "--refresh-before", "213503982334601d"][..],
        &["hook", "bash", "--refresh-before", "18446744073709551615s"][..],
        &[PROFILE, "--min-valid", "99999999999999999999s"][..],
    ] {
        let out = run(home.ssoenv(url).args(args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("out of range: durations go from 0s to 366d"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
    // From the environment: a warning naming the variable, and the default (the sign-in then
    // fails, as nothing listens at the endpoint).
    let out = run(home
        .ssoenv(url)
        .args(["login", PROFILE, "--use-device-code"])
        .env("SSOENV_SIGN_IN_TIMEOUT", "18446744073709551615s"));
    assert_ne!(out.status.code(), Some(101), "{}", out.stderr);
    assert!(
        out.stderr.contains("SSOENV_SIGN_IN_TIMEOUT") && out.stderr.contains("out of range"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bare_number_is_refused_with_the_units_to_write() {
    let home = TestHome::new();
    let out = run(home
        .ssoenv("http://127.0.0.1:9")
        .args([PROFILE, "--min-valid", "15"]));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("write 15m or 15s"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn credentials_no_environment_can_carry_are_refused_and_not_cached() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let expiration = (std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let answer = |key: &str, token: &str| {
        format!(
            r#"{{"roleCredentials": {{"accessKeyId": "{key}", "secretAccessKey": "secret", "sessionToken": "{token}", "expiration": {expiration}}}}}"#
        )
    };
    for (body, problem) in [
        (
            answer("ASIAEXAMPLE", &"x".repeat(200_000)),
            "a session token of 200000 bytes",
        ),
        (answer("", "token"), "an empty access key id"),
    ] {
        emulator.inject_failure(Failure::raw_body("GetRoleCredentials", 200, &body, 1));
        let out = run(home
            .ssoenv(&emulator.url())
            .args([PROFILE, "--no-login", "--shell", "sh"]));
        assert_failed_cleanly(&out, 1, &["GetRoleCredentials", problem]);
        assert!(
            !home.role_cache_path(ACCOUNT, ROLE).exists(),
            "refused credentials must not be cached"
        );
    }
}

#[test]
fn a_full_disk_during_a_refresh_still_gives_credentials_and_says_what_was_not_saved() {
    // No file can grow (`ulimit -f 0`, with SIGXFSZ ignored so a write fails with EFBIG as on
    // a full disk): the refresh succeeds at the service, the rotated token cannot be saved.
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 10 * 60); // inside the refresh window
    let before = std::fs::read(home.token_path()).unwrap();
    let command = home.ssoenv(&emulator.url());
    let mut full = std::process::Command::new("bash");
    full.args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\""])
        .arg(command.get_program())
        .args([PROFILE, "--no-login", "--shell", "sh"])
        .env_clear()
        .envs(
            command
                .get_envs()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        )
        .current_dir(home.path());
    let out = run(&mut full);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        out.stdout
    );
    assert_eq!(emulator.request_count("CreateToken"), 1, "refreshed");
    assert!(
        out.stderr
            .contains("the refreshed SSO token could not be saved")
            && out.stderr.contains("sign in again"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(home.token_path()).unwrap(), before);
}

/// A mistyped subcommand is said to be one (exit 2), never read as a profile nor a profile as a
/// subcommand; a profile named like a typo still works, and an extra word is named as such.
#[test]
fn a_mistyped_subcommand_is_suggested_and_an_extra_word_named() {
    let emulator = start_emulator();
    let home = TestHome::with_config(&format!(
        "{CONFIG}\n[profile lgoin]\nsso_session = {SESSION}\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n"
    ));
    let url = emulator.url();

    let status = run(home.ssoenv(&url).arg("stauts"));
    assert_failed_cleanly(
        &status,
        2,
        &["'stauts' is neither a profile nor a subcommand. Did you mean `ssoenv status`?"],
    );
    let login = run(home.ssoenv(&url).args(["logni", PROFILE]));
    assert_failed_cleanly(
        &login,
        2,
        &[
            "'logni' is neither a profile nor a subcommand. Did you mean `ssoenv login my-dev-profile`?",
        ],
    );
    assert!(
        !login.stderr.contains("subcommand 'my-dev-profile'"),
        "{}",
        login.stderr
    );

    let extra = run(home.ssoenv(&url).args([PROFILE, "env"]));
    assert_failed_cleanly(
        &extra,
        2,
        &["unexpected extra argument 'env' after the profile 'my-dev-profile'"],
    );

    // `lgoin` is a profile here: it is used, not corrected.
    let profile = run(home.ssoenv(&url).args(["lgoin", "--no-login"]));
    assert_failed_cleanly(&profile, 3, &["ssoenv login lgoin"]);
    let profile_and_extra = run(home.ssoenv(&url).args(["lgoin", PROFILE]));
    assert_failed_cleanly(
        &profile_and_extra,
        2,
        &["unexpected extra argument 'my-dev-profile' after the profile 'lgoin'"],
    );
    assert_eq!(emulator.request_counts().values().sum::<u64>(), 0);
}
