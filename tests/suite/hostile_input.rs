//! Hostile input: names and values with shell metacharacters and control bytes, huge files,
//! symbolic links in the cache, cache directories others can write to, and arbitrary text in
//! every parser (a quick in-suite fuzz; `scripts/fuzz` runs the coverage-guided one).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::home::*;
use crate::support::shells::COMMON_SHELLS;
use proptest::prelude::*;
use ssoenv::cache::RoleCredentials;

/// Writes role credentials for `account`/`role` of the `my-sso` session into the CLI cache, so a
/// profile can be exported without the service (which knows no hostile account ids).
fn seed_credentials(home: &TestHome, account: &str, role: &str) -> RoleCredentials {
    let credentials = RoleCredentials {
        access_key_id: "ASIAHOSTILE".into(),
        secret_access_key: "secret'\"$(touch pwned)`x`\\".into(),
        session_token: "token;$HOME|&<>!*?~#".into(),
        expiration: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        account_id: Some(account.to_string()),
    };
    home.write_role_credentials(account, role, &credentials);
    credentials
}

/// A profile whose name, region, account id and role carry every character a shell could act
/// on, evaluated by four real shells: every value arrives literally, and nothing runs.
#[test]
fn metacharacters_in_names_and_values_arrive_literally_in_every_shell() {
    // (No quotes or brackets in the name itself: the config file's syntax gives them a meaning;
    // the name has spaces, so the header quotes it, as the AWS CLI requires.)
    let name = "weird$(touch pwned-name)`x`;&|<>!*?~#{}\\name";
    let region = "us-east-1';touch pwned-region;'$(touch pwned2)";
    let account = "1234$(touch pwned-account)";
    let role = "Role`touch pwned-role`";
    let config = format!(
        "[profile '{name}']\nsso_session = my-sso\nsso_account_id = {account}\nsso_role_name = {role}\nregion = {region}\n\n[sso-session my-sso]\nsso_region = us-east-1\nsso_start_url = {START_URL}\n"
    );
    let home = TestHome::with_config(&config);
    let credentials = seed_credentials(&home, account, role);
    for real_shell in COMMON_SHELLS {
        let shell = real_shell.syntax().name();
        let out =
            run(home
                .ssoenv("http://127.0.0.1:9")
                .args([name, "--shell", shell, "--no-login"]));
        assert!(out.status.success(), "{shell}: {}", out.stderr);
        let env = real_shell.eval(&out.stdout, &[("HOME", home.path().to_str().unwrap())]);
        assert_eq!(env["SSOENV_PROFILE"], name, "{shell}");
        assert_eq!(env["AWS_REGION"], region, "{shell}");
        assert_eq!(env["AWS_ACCOUNT_ID"], account, "{shell}");
        assert_eq!(
            env["AWS_SECRET_ACCESS_KEY"], credentials.secret_access_key,
            "{shell}"
        );
        assert_eq!(
            env["AWS_SESSION_TOKEN"], credentials.session_token,
            "{shell}"
        );
    }
    let planted: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("pwned"))
        .collect();
    assert!(planted.is_empty(), "a command ran: {planted:?}");
}

/// Control bytes (escape, bell, tab, DEL) in a value: quoted so the shell gets them back
/// exactly, or refused with a message, never passed raw into code.
#[test]
fn control_bytes_in_values_are_quoted_or_refused() {
    let region = "us\u{1b}[31m-east\u{7}\t-1\u{7f}";
    let config = format!(
        "[profile ctl]\nsso_session = my-sso\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\nregion = {region}\n\n[sso-session my-sso]\nsso_region = us-east-1\nsso_start_url = {START_URL}\n"
    );
    let home = TestHome::with_config(&config);
    seed_credentials(&home, ACCOUNT, ROLE);
    for real_shell in COMMON_SHELLS {
        let shell = real_shell.syntax().name();
        let out =
            run(home
                .ssoenv("http://127.0.0.1:9")
                .args(["ctl", "--shell", shell, "--no-login"]));
        if out.status.success() {
            let env = real_shell.eval(&out.stdout, &[]);
            assert_eq!(env["AWS_REGION"], region, "{shell}");
        } else {
            assert_eq!(out.stdout, "", "{shell}");
            assert!(out.stderr.contains("AWS_REGION"), "{shell}: {}", out.stderr);
        }
    }
}

/// A huge token file (another tool gone wrong, or an attack on a prompt hook) is not read: it
/// counts as "not signed in", and it is left as it was.
#[test]
fn a_huge_cache_file_is_not_read() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let good = std::fs::read(home.token_path()).unwrap();
    // A valid token followed by 2 MiB of spaces: valid JSON, but no cache file is that big.
    let mut huge = good.clone();
    huge.extend(std::iter::repeat_n(b' ', 2 * 1024 * 1024));
    std::fs::write(home.token_path(), &huge).unwrap();
    let out = run(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]));
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(std::fs::read(home.token_path()).unwrap().len(), huge.len());
    assert_eq!(emulator.request_counts().values().sum::<u64>(), 0);

    // A huge role credential file is ignored too, and replaced by fresh credentials.
    std::fs::write(home.token_path(), &good).unwrap();
    let role = home.role_cache_path(ACCOUNT, ROLE);
    std::fs::create_dir_all(role.parent().unwrap()).unwrap();
    std::fs::write(&role, vec![b'{'; 3 * 1024 * 1024]).unwrap();
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--no-login", "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(RoleCredentials::parse_cli_cache(&std::fs::read(&role).unwrap()).is_some());
}

/// A config file of 20 000 profiles (a few MB) is read in one go; the profile at its end works.
#[test]
fn a_huge_config_file_still_works() {
    let mut config = String::from(CONFIG);
    for i in 0..20_000 {
        config.push_str(&format!(
            "\n[profile generated-{i}]\nsso_session = my-sso\nsso_account_id = {:012}\nsso_role_name = ReadOnly\nregion = eu-west-1\n",
            100_000_000_000u64 + i
        ));
    }
    let home = TestHome::with_config(&config);
    seed_credentials(&home, "100000019999", "ReadOnly");
    let out = run(home.ssoenv("http://127.0.0.1:9").args([
        "generated-19999",
        "--shell",
        "sh",
        "--no-login",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("100000019999"));
}

/// `~/.aws/sso/cache` and `~/.aws/cli/cache` may be symbolic links (a dotfiles checkout, a synced
/// folder): they are followed, for reading and writing, as every AWS tool follows them.
#[test]
fn symlinked_cache_directories_are_followed() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let elsewhere = tempfile::tempdir().unwrap();
    for (link, target) in [(".aws/sso", "sso-real"), (".aws/cli", "cli-real")] {
        std::fs::create_dir_all(elsewhere.path().join(target).join("cache")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path().join(target), home.path().join(link)).unwrap();
    }
    home.seed_token(&emulator, 10 * 60); // must be refreshed: the token file gets rewritten
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--no-login", "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(emulator.request_count("CreateToken"), 1);
    let token_name = home.token_path().file_name().unwrap().to_owned();
    let role_name = home
        .role_cache_path(ACCOUNT, ROLE)
        .file_name()
        .unwrap()
        .to_owned();
    assert!(
        elsewhere
            .path()
            .join("sso-real/cache")
            .join(token_name)
            .is_file()
    );
    assert!(
        elsewhere
            .path()
            .join("cli-real/cache")
            .join(role_name)
            .is_file()
    );
    assert!(
        home.path().join(".aws/sso").is_symlink(),
        "the link stays a link"
    );
}

/// A cache *file* that is a symbolic link is read through (as the AWS CLI does), but a write
/// replaces the link with a file of ssoenv's own: the file it pointed to is never written.
#[test]
fn a_symlinked_cache_file_is_read_but_never_written_through() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 10 * 60);
    let outside = home.path().join("outside-token.json");
    std::fs::rename(home.token_path(), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, home.token_path()).unwrap();
    let before = std::fs::read(&outside).unwrap();

    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--no-login", "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        emulator.request_count("CreateToken"),
        1,
        "the linked token was read and refreshed"
    );
    assert_eq!(
        std::fs::read(&outside).unwrap(),
        before,
        "the link's target is untouched"
    );
    assert!(
        !home.token_path().is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(
        std::fs::metadata(home.token_path())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
}

/// A cache directory others can write to is reported once per run, with the fix; a private or
/// merely readable one (the AWS CLI's 0755) is not.
#[test]
fn writable_cache_directories_are_warned_about_once() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let first = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--no-login", "--shell", "sh"]));
    assert!(first.status.success(), "{}", first.stderr);
    assert_eq!(first.stderr, "", "the directories ssoenv made are private");

    let set_mode = |dir: &Path, mode| {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    set_mode(&home.sso_cache(), 0o755);
    set_mode(&home.cli_cache(), 0o777);
    // Credentials must be fetched again, so both directories are read (the token one twice).
    let out = run(home.ssoenv(&emulator.url()).args([
        PROFILE,
        "--no-login",
        "--shell",
        "sh",
        "--min-valid",
        "2h",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|line| line.contains("can be written by other users"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].contains(&*home.cli_cache().to_string_lossy()));
    assert!(warnings[0].contains("mode 777") && warnings[0].contains("chmod go-w"));
    assert!(!out.stdout.is_empty(), "a warning, not a failure");

    set_mode(&home.sso_cache(), 0o775);
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--no-login", "--shell", "sh"]));
    assert_eq!(
        out.stderr.matches("can be written by other users").count(),
        1,
        "the fast path reads only the credentials directory: {}",
        out.stderr
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any text as a config file: parsing and every lookup a command makes return, never panic.
    #[test]
    fn any_config_text_is_handled(text in "(\\[[ a-z\\-']{0,12}\\]|[a-z_]{1,12} ?= ?[^\\n]{0,20}|[ \\t]+[a-z]{1,5} = [a-z]{0,5}|#.*|;.*|[^\\n]{0,30})(\\n(\\[[ a-z\\-']{0,12}\\]|[a-z_]{1,12} ?= ?[^\\n]{0,20}|[ \\t]+[a-z]{1,5} = [a-z]{0,5}|#.*|[^\\n]{0,30})){0,12}") {
        if let Ok(config) = ssoenv::config::AwsConfig::parse(Path::new("config"), &text) {
            for name in config.profile_names() {
                let _ = config.sso_profile(name);
                let _ = config.endpoint_overrides(name, None);
            }
        }
    }

    /// Any request line or pasted address: a callback or not, never a panic.
    #[test]
    fn any_callback_text_is_handled(text in "(GET )?(/oauth/callback)?\\??([a-z_]{0,6}=?[%0-9A-Fa-z+&]{0,12}){0,5}( HTTP/1.1)?|\\PC{0,60}") {
        use ssoenv::login::callback::{outcome_of, parse_pasted_address, parse_request_line};
        let _ = outcome_of(parse_request_line(&text), "state");
        let _ = outcome_of(parse_pasted_address(&text), "state");
    }
}

/// Runs `command`, killing it if it has not ended within 10 s: `None` then.
fn run_within_10s(command: &mut std::process::Command) -> Option<std::process::Output> {
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Some(child.wait_with_output().unwrap())
}

#[test]
fn a_fifo_at_a_cache_path_is_not_waited_on() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let role = home.role_cache_path(ACCOUNT, ROLE);
    std::fs::create_dir_all(role.parent().unwrap()).unwrap();
    let mkfifo = |path: &Path| {
        let status = std::process::Command::new("mkfifo").arg(path).status();
        assert!(status.unwrap().success(), "mkfifo {}", path.display());
    };
    // A FIFO instead of the role credentials: "not cached"; they are fetched and replace it.
    mkfifo(&role);
    let out = run_within_10s(
        home.ssoenv(&emulator.url())
            .args([PROFILE, "--shell", "sh"]),
    )
    .expect("ssoenv hung on a FIFO in the role credential cache");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&role).unwrap().is_file());

    // A FIFO instead of the token: "not signed in".
    std::fs::remove_file(home.token_path()).unwrap();
    mkfifo(&home.token_path());
    std::fs::remove_file(&role).unwrap();
    let out = run_within_10s(home.ssoenv(&emulator.url()).args([PROFILE, "--no-login"]))
        .expect("ssoenv hung on a FIFO in the token cache");
    assert_eq!(out.status.code(), Some(3));
    let status = run_within_10s(home.ssoenv(&emulator.url()).args(["status", PROFILE]))
        .expect("status hung on a FIFO");
    assert_eq!(status.status.code(), Some(3));
}

#[test]
fn every_directory_up_to_dot_aws_is_checked_for_other_writers_and_owners() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let aws = home.path().join(".aws");
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--no-login", "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
    let about_aws = format!("cache directory {} can be written", aws.display());
    assert_eq!(out.stderr.matches(&about_aws).count(), 1, "{}", out.stderr);
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();

    // A directory another user owns: only root can make one here.
    if unsafe { libc::geteuid() } == 0 {
        let sso = aws.join("sso");
        std::os::unix::fs::chown(&sso, Some(65534), None).unwrap();
        let out = run(home.ssoenv(&emulator.url()).args([
            PROFILE,
            "--no-login",
            "--shell",
            "sh",
            "--min-valid",
            "2h",
        ]));
        assert!(out.status.success(), "{}", out.stderr);
        let about_sso = format!("cache directory {} belongs to another user", sso.display());
        assert!(out.stderr.contains(&about_sso), "{}", out.stderr);
    }
}
