//! `ssoenv PROFILE` end to end: the real binary, the emulator on loopback, the real shells.

use std::time::Duration;

use crate::support::home::*;
use crate::support::shells::{COMMON_SHELLS, RealShell};

/// The environment after `eval "$(ssoenv PROFILE)"` holds the emulator's credentials for the
/// profile's account and role, in every shell, and no longer holds `AWS_PROFILE`.
#[test]
fn each_shell_ends_up_with_the_profiles_credentials() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);

    for real_shell in COMMON_SHELLS {
        let shell = real_shell.syntax().name();
        let out = run(home
            .ssoenv(&emulator.url())
            .args([PROFILE, "--shell", shell]));
        assert!(out.status.success(), "{shell}: {}", out.stderr);
        let env = real_shell.eval(
            &out.stdout,
            &[
                ("AWS_PROFILE", "my-dev-profile"),
                ("AWS_DEFAULT_PROFILE", "x"),
            ],
        );
        let key_id = &env["AWS_ACCESS_KEY_ID"];
        assert_eq!(
            emulator.credentials_owner(key_id),
            Some((ACCOUNT.to_string(), ROLE.to_string())),
            "{shell}: the access key is the emulator's, for the profile's account and role"
        );
        assert!(env["AWS_SECRET_ACCESS_KEY"].len() >= 40, "{shell}");
        assert!(!env["AWS_SESSION_TOKEN"].is_empty(), "{shell}");
        assert_eq!(env["AWS_ACCOUNT_ID"], ACCOUNT, "{shell}");
        assert_eq!(env["AWS_REGION"], "us-west-2", "{shell}");
        assert_eq!(env["AWS_DEFAULT_REGION"], "us-west-2", "{shell}");
        assert_eq!(env["SSOENV_PROFILE"], PROFILE, "{shell}");
        let expiration = time::OffsetDateTime::parse(
            &env["AWS_CREDENTIAL_EXPIRATION"],
            &time::format_description::well_known::Rfc3339,
        )
        .expect("RFC 3339");
        assert!(env["AWS_CREDENTIAL_EXPIRATION"].ends_with('Z'), "{shell}");
        assert_eq!(
            env["SSOENV_EXPIRES_AT"],
            expiration.unix_timestamp().to_string(),
            "{shell}"
        );
        assert!(
            !env.contains_key("AWS_PROFILE"),
            "{shell}: AWS_PROFILE is gone"
        );
        assert!(!env.contains_key("AWS_DEFAULT_PROFILE"), "{shell}");
    }
    // One GetRoleCredentials for the first run; every later run used the cache.
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
}

#[test]
fn the_profile_comes_from_aws_profile_then_aws_default_profile() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);

    let from_profile = run(home
        .ssoenv(&emulator.url())
        .args(["--shell", "bash"])
        .env("AWS_PROFILE", "prod-readonly")
        .env("AWS_DEFAULT_PROFILE", PROFILE));
    assert!(from_profile.status.success(), "{}", from_profile.stderr);
    let env = RealShell::Bash.eval(&from_profile.stdout, &[]);
    assert_eq!(env["SSOENV_PROFILE"], "prod-readonly");
    assert_eq!(
        emulator.credentials_owner(&env["AWS_ACCESS_KEY_ID"]),
        Some(("123456789022".to_string(), "ReadOnly".to_string()))
    );
    assert!(
        !env.contains_key("AWS_REGION"),
        "that profile names no region"
    );

    let from_default = run(home
        .ssoenv(&emulator.url())
        .args(["export", "--shell", "bash"])
        .env("AWS_DEFAULT_PROFILE", PROFILE));
    assert!(from_default.status.success(), "{}", from_default.stderr);
    assert_eq!(
        RealShell::Bash.eval(&from_default.stdout, &[])["SSOENV_PROFILE"],
        PROFILE
    );
}

/// The emulator's request counts: nothing when the cache has valid credentials, one call when
/// only the role credentials expired, two when the token was also about to expire.
#[test]
fn requests_made_depend_on_what_the_cache_holds() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let export = || {
        run(home
            .ssoenv(&emulator.url())
            .args([PROFILE, "--shell", "sh"]))
    };

    assert!(export().status.success());
    emulator.reset_counts();

    let cached = export();
    assert!(cached.status.success(), "{}", cached.stderr);
    assert_eq!(total(&emulator), 0, "valid cached credentials: no request");

    // Role credentials with 10 minutes left are below the 15-minute default…
    age_role_credentials(&home, 10 * 60);
    let refetched = export();
    assert!(refetched.status.success(), "{}", refetched.stderr);
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
    assert_eq!(
        total(&emulator),
        1,
        "only the role credentials were fetched"
    );

    // …but fine with --min-valid 5m.
    emulator.reset_counts();
    age_role_credentials(&home, 10 * 60);
    let relaxed =
        run(home
            .ssoenv(&emulator.url())
            .args([PROFILE, "--shell", "sh", "--min-valid", "5m"]));
    assert!(relaxed.status.success(), "{}", relaxed.stderr);
    assert_eq!(
        total(&emulator),
        0,
        "--min-valid 5m accepts 10 minutes left"
    );

    // Token with 5 minutes left and expired role credentials: refresh, then fetch.
    emulator.reset_counts();
    let old_token = home.read_token_json();
    rewrite_token_expiry(&home, 5 * 60);
    age_role_credentials(&home, -60);
    let refreshed = export();
    assert!(refreshed.status.success(), "{}", refreshed.stderr);
    assert_eq!(emulator.request_count("CreateToken"), 1);
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
    assert_eq!(total(&emulator), 2);
    let new_token = home.read_token_json();
    assert_ne!(new_token["accessToken"], old_token["accessToken"]);
    assert_ne!(
        new_token["refreshToken"], old_token["refreshToken"],
        "rotated"
    );
}

fn total(emulator: &sso_emulator::Emulator) -> u64 {
    emulator.request_counts().values().sum()
}

/// Rewrites the cached role credentials' expiry to `seconds` from now, keeping the CLI's format.
fn age_role_credentials(home: &TestHome, seconds: i64) {
    let path = home.role_cache_path(ACCOUNT, ROLE);
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("role cache file")).unwrap();
    let expiry = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    json["Credentials"]["Expiration"] = ssoenv::cache::format_cli_timestamp(expiry).into();
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
}

fn rewrite_token_expiry(home: &TestHome, seconds: i64) {
    let mut json = home.read_token_json();
    let expiry = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    json["expiresAt"] = ssoenv::cache::format_cli_timestamp(expiry).into();
    std::fs::write(home.token_path(), serde_json::to_vec(&json).unwrap()).unwrap();
}

/// The token and role caches ssoenv writes are the AWS CLI's: same place, key and byte format,
/// private modes.
#[test]
fn refreshed_token_and_role_credentials_are_written_in_the_cli_format() {
    use std::os::unix::fs::PermissionsExt;
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 60); // inside the refresh window
    let out = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--shell", "bash"]));
    assert!(out.status.success(), "{}", out.stderr);

    let token_text = std::fs::read_to_string(home.token_path()).unwrap();
    assert!(token_text.starts_with(r#"{"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1", "accessToken": ""#));
    assert!(
        !token_text.ends_with('\n'),
        "no trailing newline, like the CLI"
    );
    let keys: Vec<String> =
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&token_text)
            .unwrap()
            .keys()
            .cloned()
            .collect();
    assert_eq!(keys.len(), 8);
    let mode = std::fs::metadata(home.token_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let role_path = home.role_cache_path(ACCOUNT, ROLE);
    let role_text = std::fs::read_to_string(&role_path).expect("role cache at the CLI's key");
    assert!(role_text.starts_with(r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": ""#));
    let role: serde_json::Value = serde_json::from_str(&role_text).unwrap();
    let env = RealShell::Bash.eval(&out.stdout, &[]);
    assert_eq!(
        role["Credentials"]["AccessKeyId"],
        env["AWS_ACCESS_KEY_ID"].as_str()
    );
    assert_eq!(
        role["Credentials"]["Expiration"],
        env["AWS_CREDENTIAL_EXPIRATION"].as_str()
    );
    assert_eq!(role["Credentials"]["AccountId"], ACCOUNT);
    let mode = std::fs::metadata(&role_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(home.cli_cache())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        dir_mode & 0o777,
        0o700,
        "a cache directory ssoenv creates is private"
    );
}

/// 20 processes at once on a token about to expire: one refresh, 20 good outputs, a valid file.
#[test]
fn twenty_processes_share_one_refresh() {
    let emulator = start_emulator_with(|c| c.latency = Duration::from_millis(50));
    let home = TestHome::new();
    home.seed_token(&emulator, 120);
    emulator.reset_counts();

    let children: Vec<_> = (0..20)
        .map(|_| {
            home.ssoenv(&emulator.url())
                .args([PROFILE, "--shell", "bash"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut key_ids = std::collections::BTreeSet::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let env = RealShell::Bash.eval(&String::from_utf8(output.stdout).unwrap(), &[]);
        assert_eq!(
            emulator.credentials_owner(&env["AWS_ACCESS_KEY_ID"]),
            Some((ACCOUNT.to_string(), ROLE.to_string()))
        );
        key_ids.insert(env["AWS_ACCESS_KEY_ID"].clone());
    }
    assert_eq!(
        emulator.request_count("CreateToken"),
        1,
        "exactly one refresh"
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1, "one fetch");
    assert_eq!(key_ids.len(), 1, "everyone got the cached credentials");
    let token = home.read_token_json();
    let expires = time::OffsetDateTime::parse(
        token["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(expires > time::OffsetDateTime::now_utc() + time::Duration::hours(1));
}

#[test]
fn json_and_dotenv_formats() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);

    let json = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--format", "json"]));
    assert!(json.status.success(), "{}", json.stderr);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["Version"], 1);
    assert_eq!(
        emulator.credentials_owner(document["AccessKeyId"].as_str().unwrap()),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert!(document["Expiration"].as_str().unwrap().ends_with('Z'));

    let dotenv = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--format", "dotenv"]));
    assert!(dotenv.status.success(), "{}", dotenv.stderr);
    assert!(
        dotenv.stdout.contains(&format!(
            "AWS_ACCESS_KEY_ID={}",
            document["AccessKeyId"].as_str().unwrap()
        )) || dotenv.stdout.contains(&format!(
            "AWS_ACCESS_KEY_ID='{}'",
            document["AccessKeyId"].as_str().unwrap()
        ))
    );
    assert!(
        !dotenv.stdout.contains("AWS_PROFILE"),
        "dotenv cannot unset"
    );
}

/// With no `--shell`, the calling shell is detected from the parent process.
#[test]
fn the_calling_shell_is_detected() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let binary = env!("CARGO_BIN_EXE_ssoenv");
    let fish = run(std::process::Command::new("fish")
        .args(["--no-config", "-c", &format!("{binary} {PROFILE}")])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", home.path())
        .env("AWS_ENDPOINT_URL", emulator.url()));
    assert!(fish.status.success(), "{}", fish.stderr);
    assert!(
        fish.stdout.contains("set -gx AWS_ACCESS_KEY_ID"),
        "{}",
        fish.stdout
    );

    let bash = run(std::process::Command::new("bash")
        .args([
            "--norc",
            "-c",
            &format!("out=$({binary} {PROFILE}); echo \"$out\""),
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", home.path())
        .env("SHELL", "/usr/bin/fish")
        .env("AWS_ENDPOINT_URL", emulator.url()));
    assert!(bash.status.success(), "{}", bash.stderr);
    assert!(
        bash.stdout.contains("export AWS_ACCESS_KEY_ID="),
        "parent beats $SHELL"
    );
}

/// `ssoenv my-dev-profile` typed without `eval` (stdout a terminal): no secret on the screen,
/// the lines to type instead (fish's when the shell is fish), exit 2, and nothing fetched or
/// signed in to. `--show` prints them anyway; `use` names the real profile too.
#[test]
fn without_eval_the_secrets_are_not_shown_on_the_terminal() {
    use crate::support::terminal::{Attach, Terminal};
    let emulator = start_emulator();
    let home = TestHome::new();
    let minted = home.seed_token(&emulator, 8 * 3600);

    let refused = Terminal::spawn(
        home.ssoenv(&emulator.url()).arg(PROFILE),
        Attach::Interactive,
    )
    .finish();
    assert_eq!(refused.code, Some(2), "{}", refused.raw);
    assert!(
        !refused.raw.contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        refused.raw
    );
    let screen = refused
        .screen
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        screen.contains(
            "ssoenv: not showing the credentials of 'my-dev-profile' on the terminal: printed \
             here they change nothing in your shell. Put them into this shell with \
             `eval \"$(ssoenv my-dev-profile)\"`, or with the shell integration `ssoenv use \
             my-dev-profile`. To see them anyway, add --show."
        ),
        "{screen}"
    );
    assert_eq!(emulator.request_counts().values().sum::<u64>(), 0);

    let fish = Terminal::spawn(
        home.ssoenv(&emulator.url())
            .arg(PROFILE)
            .env("SHELL", "/usr/bin/fish"),
        Attach::Interactive,
    )
    .finish();
    assert_eq!(fish.code, Some(2), "{}", fish.raw);
    assert!(
        fish.raw.contains("`ssoenv my-dev-profile | source`"),
        "{}",
        fish.raw
    );

    let used = Terminal::spawn(
        home.ssoenv(&emulator.url()).args(["use", PROFILE]),
        Attach::Interactive,
    )
    .finish();
    assert_ne!(used.code, Some(0), "{}", used.raw);
    assert!(
        used.raw.contains("`eval \"$(ssoenv my-dev-profile)\"`"),
        "{}",
        used.raw
    );
    assert!(!used.raw.contains("PROFILE"), "{}", used.raw);
    assert_eq!(emulator.request_counts().values().sum::<u64>(), 0);

    let shown = Terminal::spawn(
        home.ssoenv(&emulator.url()).args([PROFILE, "--show"]),
        Attach::Interactive,
    )
    .finish();
    assert_eq!(shown.code, Some(0), "{}", shown.raw);
    assert!(shown.raw.contains("AWS_SECRET_ACCESS_KEY"), "{}", shown.raw);
    drop(minted);
}
