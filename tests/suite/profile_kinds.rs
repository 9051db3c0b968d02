//! Every profile kind the AWS CLI resolves, served by ssoenv: static keys (credentials file or
//! config), credential_process, web identity, `aws login` sessions (and their DPoP-signed refresh
//! through the emulator's Sign-In), `credential_source`, and role chains from any of them (with an
//! MFA code typed on a terminal), against the emulator's STS, with botocore reading what ssoenv
//! cached and the reverse.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::botocore::Botocore;
use crate::support::home::*;
use crate::support::hook_shell::*;
use crate::support::shells::RealShell;
use crate::support::terminal::{Attach, Terminal};
use sso_emulator::{Emulator, EmulatorConfig};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An IAM user's long-term key the emulator's STS accepts.
const USER_KEY: &str = "AKIAEMULATORUSER0001";
const USER_SECRET: &str = "user-secret/with+odd=chars";
const USER_ARN: &str = "arn:aws:iam::111122223333:user/alice";
const CHAIN_ROLE: &str = "arn:aws:iam::210987654321:role/FromKeys";
const WEB_ROLE: &str = "arn:aws:iam::210987654321:role/CiDeploy";
const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.ci-token.signature";
const MFA_SERIAL: &str = "arn:aws:iam::111122223333:mfa/alice";
const LOGIN_ARN: &str = "arn:aws:iam::111122223333:user/alice";
/// `SSOENV_EXPIRES_AT` of credentials that never expire: 9999-12-31T23:59:59Z.
const NEVER: &str = "253402300799";

fn emulator_with_user() -> Emulator {
    start_emulator_with(|config: &mut EmulatorConfig| {
        config
            .iam_users
            .insert(USER_KEY.to_string(), USER_ARN.to_string());
        config
            .mfa_codes
            .insert(MFA_SERIAL.to_string(), "123456".to_string());
        config.web_identity_tokens.push(WEB_TOKEN.to_string());
    })
}

/// A home with `config` and `credentials` as `~/.aws/config` and `~/.aws/credentials`.
fn home_with(config: &str, credentials: &str) -> TestHome {
    let home = TestHome::with_config(config);
    std::fs::write(home.path().join(".aws/credentials"), credentials).unwrap();
    home
}

fn credentials_file() -> String {
    format!(
        "[iam-user]\naws_access_key_id = {USER_KEY}\naws_secret_access_key = {USER_SECRET}\n\
         \n[both]\naws_access_key_id = AKIAFROMCREDENTIALS\naws_secret_access_key = s\n"
    )
}

const KINDS_CONFIG: &str = "
[profile iam-user]
region = eu-west-1

[profile both]
aws_access_key_id = AKIAFROMCONFIG
aws_secret_access_key = s

[profile from-keys]
role_arn = arn:aws:iam::210987654321:role/FromKeys
source_profile = iam-user
region = eu-central-1
";

/// `ssoenv export PROFILE --shell bash` evaluated in bash over `preset`: the environment.
fn export(
    home: &TestHome,
    emulator: &Emulator,
    profile: &str,
    preset: &[(&str, &str)],
) -> BTreeMap<String, String> {
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", profile, "--shell", "bash"]));
    assert!(out.status.success(), "export {profile}: {}", out.stderr);
    RealShell::Bash.eval(&out.stdout, preset)
}

const STALE: [(&str, &str); 3] = [
    ("AWS_SESSION_TOKEN", "stale-token-of-an-earlier-export"),
    ("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z"),
    ("AWS_PROFILE", "something-else"),
];

#[test]
fn static_keys_export_without_session_token_or_expiry_in_every_shell() {
    let emulator = emulator_with_user();
    let home = home_with(&format!("{CONFIG}{KINDS_CONFIG}"), &credentials_file());
    let shells = [
        RealShell::Bash,
        RealShell::Zsh,
        RealShell::Dash,
        RealShell::Fish,
        RealShell::Elvish,
        RealShell::Xonsh,
        RealShell::Tcsh,
        RealShell::Nushell,
    ];
    for shell in shells {
        let Some(program) =
            shell.locate("static_keys_export_without_session_token_or_expiry_in_every_shell")
        else {
            continue;
        };
        let out = run(home.ssoenv(&emulator.url()).args([
            "export",
            "iam-user",
            "--shell",
            shell.syntax().name(),
        ]));
        assert!(out.status.success(), "{shell:?}: {}", out.stderr);
        let env =
            crate::support::shells::evaluate(shell, &program, &out.stdout, &STALE).into_text();
        assert_eq!(env["AWS_ACCESS_KEY_ID"], USER_KEY, "{shell:?}");
        assert_eq!(env["AWS_SECRET_ACCESS_KEY"], USER_SECRET, "{shell:?}");
        for gone in [
            "AWS_SESSION_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_PROFILE",
        ] {
            assert!(!env.contains_key(gone), "{shell:?}: {gone} stayed: {env:?}");
        }
        assert_eq!(env["AWS_REGION"], "eu-west-1", "{shell:?}");
        assert_eq!(env["SSOENV_PROFILE"], "iam-user", "{shell:?}");
        assert_eq!(env["SSOENV_EXPIRES_AT"], NEVER, "{shell:?}: never due");
    }
    assert!(
        emulator.request_counts().values().all(|&n| n == 0),
        "static keys need no call: {:?}",
        emulator.request_counts()
    );

    // The prompt segment says the keys do not run out.
    let out = run(home
        .ssoenv(&emulator.url())
        .arg("prompt")
        .env("SSOENV_PROFILE", "iam-user")
        .env("SSOENV_EXPIRES_AT", NEVER));
    assert!(
        out.stdout.contains("iam-user") && out.stdout.contains("no expiry"),
        "{}",
        out.stdout
    );

    // The console's sign-in takes role sessions only: said before any call.
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["console", "iam-user", "--print"]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("long-term keys"), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // As credential_process JSON: no Expiration (botocore reads that as static), no token.
    let out = run(home.ssoenv(&emulator.url()).args(["process", "iam-user"]));
    assert!(out.status.success(), "{}", out.stderr);
    let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(document["AccessKeyId"], USER_KEY);
    assert!(document.get("Expiration").is_none(), "{document}");
    assert!(document.get("SessionToken").is_none(), "{document}");
}

#[test]
fn static_keys_follow_botocores_file_precedence() {
    let emulator = emulator_with_user();
    let home = home_with(&format!("{CONFIG}{KINDS_CONFIG}"), &credentials_file());
    // The credentials file's keys win over the config's, as in botocore.
    let env = export(&home, &emulator, "both", &[]);
    assert_eq!(env["AWS_ACCESS_KEY_ID"], "AKIAFROMCREDENTIALS");

    // AWS_SHARED_CREDENTIALS_FILE moves the file (with ~ expanded).
    std::fs::rename(
        home.path().join(".aws/credentials"),
        home.path().join("elsewhere"),
    )
    .unwrap();
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "both", "--shell", "sh"])
        .env("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere"));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("AKIAFROMCREDENTIALS"), "{}", out.stdout);
    // Without it the config's keys are what is left.
    let env = export(&home, &emulator, "both", &[]);
    assert_eq!(env["AWS_ACCESS_KEY_ID"], "AKIAFROMCONFIG");

    if let Some(botocore) = Botocore::available("static_keys_follow_botocores_file_precedence") {
        let seen = botocore.json(
            botocore
                .script("botocore_credentials.py")
                .arg("both")
                .env("HOME", home.path())
                .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("elsewhere")),
        );
        assert_eq!(seen["access_key"], "AKIAFROMCREDENTIALS");
        assert_eq!(seen["method"], "shared-credentials-file");
    }
}

#[test]
fn a_role_chain_from_static_keys_is_signed_with_them_and_shared_with_botocore() {
    let emulator = emulator_with_user();
    let home = home_with(&format!("{CONFIG}{KINDS_CONFIG}"), &credentials_file());
    let env = export(&home, &emulator, "from-keys", &STALE);
    let key = &env["AWS_ACCESS_KEY_ID"];
    let owner = emulator.assumed_role_owner(key).expect("assumed");
    assert_eq!(owner.role_arn, CHAIN_ROLE);
    assert_eq!(owner.source_access_key_id, USER_KEY, "signed with the keys");
    assert_eq!(env["AWS_ACCOUNT_ID"], "210987654321");
    assert_eq!(env["SSOENV_PROFILE"], "from-keys");
    let expires = OffsetDateTime::parse(&env["AWS_CREDENTIAL_EXPIRATION"], &Rfc3339).unwrap();
    assert_eq!(
        env["SSOENV_EXPIRES_AT"],
        expires.unix_timestamp().to_string()
    );

    let Some(botocore) =
        Botocore::available("a_role_chain_from_static_keys_is_signed_with_them_and_shared")
    else {
        return;
    };
    // botocore finds ssoenv's file under its own key and calls nothing.
    let seen = botocore.credentials(&home, &emulator.url(), "from-keys");
    assert_eq!(seen["access_key"], key.as_str());
    assert_eq!(emulator.request_count("AssumeRole"), 1);

    // The reverse: botocore assumes the role and caches it; ssoenv serves that file.
    std::fs::remove_dir_all(home.cli_cache()).unwrap();
    let seen = botocore.credentials(&home, &emulator.url(), "from-keys");
    assert_eq!(emulator.request_count("AssumeRole"), 2);
    let env = export(&home, &emulator, "from-keys", &[]);
    assert_eq!(
        env["AWS_ACCESS_KEY_ID"],
        seen["access_key"].as_str().unwrap()
    );
    assert_eq!(emulator.request_count("AssumeRole"), 2);
}

/// A credential_process that prints a new key each run (`PROC-1`, `PROC-2`, …), valid for
/// `lifetime` seconds.
pub(crate) fn process_script(home: &TestHome, lifetime: u64) -> PathBuf {
    let script = home.path().join("creds.sh");
    let counter = home.path().join("creds.count");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nn=$(( $(cat '{c}' 2>/dev/null || echo 0) + 1 ))\necho $n > '{c}'\n\
             until=$(date -u -d @$(( $(date +%s) + {lifetime} )) +%Y-%m-%dT%H:%M:%SZ)\n\
             printf '{{\"Version\": 1, \"AccessKeyId\": \"PROC-%s\", \"SecretAccessKey\": \
             \"s\", \"SessionToken\": \"t-%s\", \"Expiration\": \"%s\"}}\\n' $n $n $until\n",
            c = counter.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn credential_process_credentials_carry_their_expiration() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let script = process_script(&home, 3600);
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "{CONFIG}\n[profile proc]\ncredential_process = {}\nregion = ap-south-1\n",
            script.display()
        ),
    )
    .unwrap();
    let env = export(&home, &emulator, "proc", &STALE);
    assert_eq!(env["AWS_ACCESS_KEY_ID"], "PROC-1");
    assert_eq!(env["AWS_SESSION_TOKEN"], "t-1");
    let expires = OffsetDateTime::parse(&env["AWS_CREDENTIAL_EXPIRATION"], &Rfc3339).unwrap();
    let left = expires - OffsetDateTime::now_utc();
    assert!((3500..=3600).contains(&left.whole_seconds()), "{left}");
    assert_eq!(
        env["SSOENV_EXPIRES_AT"],
        expires.unix_timestamp().to_string()
    );

    let out = run(home.ssoenv(&emulator.url()).args(["status", "proc"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("(process)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("command is run again"),
        "{}",
        out.stdout
    );
    let out = run(home.ssoenv(&emulator.url()).args(["list", "--json"]));
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let proc_row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["profile"] == "proc")
        .unwrap();
    assert_eq!(proc_row["kind"], "process");

    // `exec` hands them to a command.
    let out = run(home.ssoenv(&emulator.url()).args([
        "exec",
        "proc",
        "--",
        "sh",
        "-c",
        "echo $AWS_ACCESS_KEY_ID $AWS_REGION",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout, "PROC-2 ap-south-1\n");

    // A failing command says which profile and why.
    std::fs::write(
        home.path().join(".aws/config"),
        format!("{CONFIG}\n[profile proc]\ncredential_process = /bin/false\n"),
    )
    .unwrap();
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "proc", "--shell", "sh"]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("credential_process of profile 'proc'"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn the_hook_refreshes_a_credential_process_profile_before_it_expires() {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    let script = process_script(&env.home, 20);
    std::fs::write(
        env.home.path().join(".aws/config"),
        format!(
            "{CONFIG}\n[profile proc]\ncredential_process = {}\n",
            script.display()
        ),
    )
    .unwrap();
    let mut terminal = env.start(HookShell::Bash, &["--refresh-before", "15s"], "", "");
    terminal.run("ssoenv use proc");
    let words = |terminal: &mut InteractiveShell| -> (String, u64) {
        let answer = terminal.query(HookShell::Bash.observation_words());
        let words: Vec<&str> = answer.split(' ').collect();
        (words[0].to_string(), words[1].parse().expect("a number"))
    };
    let (first, expires_at) = words(&mut terminal);
    assert_eq!(first, "PROC-1");
    sleep_until_epoch(expires_at - 14);
    let shown = terminal.run("true");
    let (second, renewed_until) = words(&mut terminal);
    assert_eq!(second, "PROC-2", "refreshed before expiry: {shown}");
    assert!(renewed_until > expires_at);
    assert!(
        epoch_now() < expires_at,
        "the old credentials had not expired yet"
    );
    assert_eq!(env.hook_runs().len(), 1, "{:?}", env.hook_runs());
}

#[test]
fn web_identity_assumes_the_role_with_the_token_file_and_shares_the_cache() {
    let emulator = emulator_with_user();
    let home = TestHome::new();
    let token_file = home.path().join("ci-token");
    std::fs::write(&token_file, WEB_TOKEN).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "{CONFIG}\n[profile ci]\nrole_arn = {WEB_ROLE}\nweb_identity_token_file = {}\n\
             role_session_name = ci-run\n",
            token_file.display()
        ),
    )
    .unwrap();
    let env = export(&home, &emulator, "ci", &STALE);
    let key = &env["AWS_ACCESS_KEY_ID"];
    let owner = emulator.assumed_role_owner(key).expect("assumed");
    assert_eq!(owner.role_arn, WEB_ROLE);
    assert_eq!(owner.role_session_name, "ci-run");
    assert_eq!(owner.web_identity_token.as_deref(), Some(WEB_TOKEN));
    assert!(env.contains_key("AWS_CREDENTIAL_EXPIRATION"));

    // Cached under botocore's key: the second run calls nothing.
    let cache_key = sha1_hex(&format!(
        "{{\"RoleArn\": \"{WEB_ROLE}\", \"RoleSessionName\": \"ci-run\"}}"
    ));
    let cached = home.cli_cache().join(format!("{cache_key}.json"));
    assert!(cached.exists(), "{}", cached.display());
    let again = export(&home, &emulator, "ci", &[]);
    assert_eq!(&again["AWS_ACCESS_KEY_ID"], key);
    assert_eq!(emulator.request_count("AssumeRoleWithWebIdentity"), 1);

    let Some(botocore) =
        Botocore::available("web_identity_assumes_the_role_with_the_token_file_and_shares")
    else {
        return;
    };
    let seen = botocore.credentials(&home, &emulator.url(), "ci");
    assert_eq!(
        seen["access_key"],
        key.as_str(),
        "botocore read ssoenv's file"
    );
    assert_eq!(emulator.request_count("AssumeRoleWithWebIdentity"), 1);
    std::fs::remove_file(&cached).unwrap();
    let seen = botocore.credentials(&home, &emulator.url(), "ci");
    assert_eq!(emulator.request_count("AssumeRoleWithWebIdentity"), 2);
    let env = export(&home, &emulator, "ci", &[]);
    assert_eq!(
        env["AWS_ACCESS_KEY_ID"],
        seen["access_key"].as_str().unwrap()
    );
    assert_eq!(emulator.request_count("AssumeRoleWithWebIdentity"), 2);

    // A token the identity provider did not issue is refused, and the message says by whom.
    std::fs::remove_file(&cached).unwrap();
    std::fs::write(&token_file, "forged").unwrap();
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "ci", "--shell", "sh"]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("web identity token"), "{}", out.stderr);
    assert!(!out.stderr.contains("forged"), "{}", out.stderr);
}

/// An `aws login` cache file, as the AWS CLI writes it (`JSONFileCache`: `json.dumps`), for
/// credentials valid for `lifetime` seconds.
fn write_login_cache(home: &TestHome, lifetime: i64) -> PathBuf {
    let expires = OffsetDateTime::now_utc() + time::Duration::seconds(lifetime);
    let document = serde_json::json!({
        "accessToken": {
            "accessKeyId": "ASIALOGINSESSION0001",
            "secretAccessKey": "login-secret",
            "sessionToken": "login-session-token",
            "accountId": "111122223333",
            "expiresAt": ssoenv::cache::format_cli_timestamp(expires),
        },
        "tokenType": "aws_sigv4",
        "refreshToken": "opaque-refresh-token",
        "idToken": "header.payload.signature",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFDZHUzOG1Pzq+6F0mjMlOSp1syN9LRPBuHMoCFXTcXhoAoGCCqGSM49\nAwEHoUQDQgAE9qhj+KtcdHj1kVgwxWWWw++tqoh7H7UHs7oXh8jBbgF47rrYGC+t\ndjiIaHK3dBvvdE7MGj5HsepzLm3Kj91bqA==\n-----END EC PRIVATE KEY-----\n",
    });
    let directory = home.path().join(".aws/login/cache");
    std::fs::create_dir_all(&directory).unwrap();
    use sha2::Digest;
    let name = hex::encode(sha2::Sha256::digest(LOGIN_ARN.as_bytes()));
    let path = directory.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(&document).unwrap()).unwrap();
    path
}

fn login_home() -> TestHome {
    TestHome::with_config(&format!(
        "{CONFIG}\n[profile console]\nlogin_session = {LOGIN_ARN}\nregion = us-east-1\n"
    ))
}

#[test]
fn a_login_session_is_served_from_the_aws_cli_cache_file() {
    let emulator = start_emulator();
    let home = login_home();
    write_login_cache(&home, 3600);
    let env = export(&home, &emulator, "console", &STALE);
    assert_eq!(env["AWS_ACCESS_KEY_ID"], "ASIALOGINSESSION0001");
    assert_eq!(env["AWS_SESSION_TOKEN"], "login-session-token");
    assert_eq!(env["AWS_ACCOUNT_ID"], "111122223333");
    assert!(env.contains_key("AWS_CREDENTIAL_EXPIRATION"));
    assert!(
        emulator.request_counts().values().all(|&n| n == 0),
        "answered from the file"
    );

    // botocore's own login provider (the AWS CLI's) reads the same file the same way.
    if let Some(botocore) = Botocore::available("a_login_session_is_served_from_the_aws_cli_cache")
    {
        let seen = botocore.credentials(&home, &emulator.url(), "console");
        assert_eq!(seen["method"], "login");
        assert_eq!(seen["access_key"], "ASIALOGINSESSION0001");
        assert_eq!(seen["token"], "login-session-token");
    }

    // AWS_LOGIN_CACHE_DIRECTORY moves the cache, as for the AWS CLI.
    std::fs::rename(
        home.path().join(".aws/login/cache"),
        home.path().join("login-cache"),
    )
    .unwrap();
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "console", "--shell", "sh"])
        .env("AWS_LOGIN_CACHE_DIRECTORY", home.path().join("login-cache")));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("ASIALOGINSESSION0001"));

    // `ssoenv login` has no SSO session to open for it, and says what signs it in.
    let out = run(home.ssoenv(&emulator.url()).args(["login", "console"]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("aws login --profile console"),
        "{}",
        out.stderr
    );

    let out = run(home.ssoenv(&emulator.url()).args(["status", "console"]));
    assert_eq!(
        out.status.code(),
        Some(3),
        "no cache file: sign in with aws login"
    );
    assert!(out.stdout.contains("aws login"), "{}", out.stdout);
}

#[test]
fn an_ended_login_session_names_aws_login_and_the_hook_backs_off() {
    let emulator = start_emulator();
    let home = login_home();
    write_login_cache(&home, -600);
    // The refresh goes to Sign-In (here the emulator), which refuses the refresh token: the
    // session has ended, and the message says what to run.
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "console", "--shell", "sh"]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("aws login --profile console"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("login-secret"), "{}", out.stderr);

    let out = run(home
        .ssoenv(&emulator.url())
        .args(["hook", "bash"])
        .env("SSOENV_PROFILE", "console")
        .env("SSOENV_EXPIRES_AT", "1"));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stderr.contains("aws login"), "{}", out.stderr);
    assert!(
        out.stdout.contains("__ssoenv_backoff_until="),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("AWS_ACCESS_KEY_ID"), "{}", out.stdout);
}

#[test]
fn an_mfa_code_is_asked_on_the_terminal() {
    let emulator = emulator_with_user();
    let home = home_with(
        &format!(
            "{CONFIG}{KINDS_CONFIG}\n[profile mfa]\nrole_arn = {CHAIN_ROLE}\nsource_profile = iam-user\nmfa_serial = {MFA_SERIAL}\n"
        ),
        &credentials_file(),
    );
    let mut terminal = Terminal::spawn(
        home.ssoenv(&emulator.url())
            .args(["export", "mfa", "--shell", "bash"]),
        Attach::StdinAndStderr,
    );
    terminal.expect(&format!("MFA code for {MFA_SERIAL}"));
    terminal.send("123456\r");
    let finished = terminal.finish();
    assert_eq!(finished.code, Some(0), "{}", finished.screen);
    let env = RealShell::Bash.eval(&finished.stdout, &[]);
    let owner = emulator
        .assumed_role_owner(&env["AWS_ACCESS_KEY_ID"])
        .expect("assumed");
    assert_eq!(owner.serial_number.as_deref(), Some(MFA_SERIAL));
    // Cached with the serial number in botocore's key: the next run asks nothing.
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "mfa", "--shell", "sh"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(emulator.request_count("AssumeRole"), 1);
}

#[test]
fn credential_source_environment_assumes_the_role_with_the_environments_keys() {
    let emulator = emulator_with_user();
    let home = TestHome::with_config(&format!(
        "{CONFIG}\n[profile from-env]\nrole_arn = {CHAIN_ROLE}\ncredential_source = Environment\n"
    ));
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "from-env", "--shell", "bash"])
        .env("AWS_ACCESS_KEY_ID", USER_KEY)
        .env("AWS_SECRET_ACCESS_KEY", USER_SECRET));
    assert!(out.status.success(), "{}", out.stderr);
    let env = RealShell::Bash.eval(&out.stdout, &[]);
    let owner = emulator
        .assumed_role_owner(&env["AWS_ACCESS_KEY_ID"])
        .expect("assumed");
    assert_eq!(owner.source_access_key_id, USER_KEY);
}

#[test]
fn debug_output_holds_no_secret_of_any_kind() {
    let emulator = emulator_with_user();
    let token_file_config = |home: &TestHome| {
        let token_file = home.path().join("ci-token");
        std::fs::write(&token_file, WEB_TOKEN).unwrap();
        format!(
            "\n[profile ci]\nrole_arn = {WEB_ROLE}\nweb_identity_token_file = {}\n",
            token_file.display()
        )
    };
    let home = home_with(&format!("{CONFIG}{KINDS_CONFIG}"), &credentials_file());
    let extra = token_file_config(&home);
    let config_path = home.path().join(".aws/config");
    let mut config = std::fs::read_to_string(&config_path).unwrap();
    config.push_str(&extra);
    std::fs::write(&config_path, config).unwrap();
    for profile in ["iam-user", "from-keys", "ci"] {
        let out = run(home
            .ssoenv(&emulator.url())
            .args(["--debug", "export", profile, "--shell", "bash"]));
        assert!(out.status.success(), "{profile}: {}", out.stderr);
        let env = RealShell::Bash.eval(&out.stdout, &[]);
        let mut secrets = vec![
            USER_SECRET,
            WEB_TOKEN,
            env["AWS_SECRET_ACCESS_KEY"].as_str(),
        ];
        if let Some(token) = env.get("AWS_SESSION_TOKEN") {
            secrets.push(token);
        }
        for secret in secrets {
            assert!(
                !out.stderr.contains(secret),
                "{profile}: a secret reached stderr:\n{}",
                out.stderr
            );
        }
    }
}

#[test]
fn credential_source_ecs_container_assumes_the_role_with_the_containers_credentials() {
    let emulator = emulator_with_user();
    emulator.update_config(|config| config.container_credentials_key = Some(USER_KEY.into()));
    let home = TestHome::with_config(&format!(
        "{CONFIG}\n[profile from-ecs]\nrole_arn = {CHAIN_ROLE}\ncredential_source = EcsContainer\n"
    ));
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "from-ecs", "--shell", "bash"])
        .env(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/container-credentials", emulator.url()),
        ));
    assert!(out.status.success(), "{}", out.stderr);
    let env = RealShell::Bash.eval(&out.stdout, &[]);
    let owner = emulator
        .assumed_role_owner(&env["AWS_ACCESS_KEY_ID"])
        .expect("assumed");
    assert_eq!(owner.source_access_key_id, USER_KEY);
    assert_eq!(emulator.request_count("ContainerCredentials"), 1);
}

#[test]
fn an_expired_login_session_is_refreshed_through_sign_in_and_the_file_rewritten() {
    let emulator = start_emulator_with(|config: &mut EmulatorConfig| {
        config
            .signin_refresh_tokens
            .push("opaque-refresh-token".to_string());
    });
    let home = login_home();
    let path = write_login_cache(&home, -60);
    let before = OffsetDateTime::now_utc();
    let env = export(&home, &emulator, "console", &[]);
    assert_eq!(emulator.request_count("CreateOAuth2Token"), 1);
    let key = &env["AWS_ACCESS_KEY_ID"];
    assert_ne!(key, "ASIALOGINSESSION0001", "new credentials");
    let expires = OffsetDateTime::parse(&env["AWS_CREDENTIAL_EXPIRATION"], &Rfc3339).unwrap();
    let lifetime = (expires - before).whole_seconds();
    assert!((880..=910).contains(&lifetime), "{lifetime}");
    assert_eq!(env["AWS_ACCOUNT_ID"], "111122223333");

    // The file holds the refreshed session, as the AWS CLI would have written it.
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(file["accessToken"]["accessKeyId"], key.as_str());
    assert_ne!(file["refreshToken"], "opaque-refresh-token", "rotated");
    // The next run is answered from it.
    let again = export(&home, &emulator, "console", &[]);
    assert_eq!(&again["AWS_ACCESS_KEY_ID"], key);
    assert_eq!(emulator.request_count("CreateOAuth2Token"), 1);
    if let Some(botocore) = Botocore::available("an_expired_login_session_is_refreshed") {
        let seen = botocore.credentials(&home, &emulator.url(), "console");
        assert_eq!(seen["access_key"], key.as_str());
        assert_eq!(emulator.request_count("CreateOAuth2Token"), 1);
    }
}

#[test]
fn the_hook_leaves_static_keys_alone() {
    let emulator = emulator_with_user();
    let env = HookEnv::new(&emulator.url());
    std::fs::write(env.home.path().join(".aws/credentials"), credentials_file()).unwrap();
    let mut terminal = env.start(HookShell::Bash, &["--refresh-before", "15s"], "", "");
    terminal.run("export AWS_SESSION_TOKEN=stale-token-of-another-export");
    terminal.run("ssoenv use iam-user");
    for _ in 0..5 {
        terminal.run("true");
    }
    let answer = terminal.query("$AWS_ACCESS_KEY_ID ${AWS_SESSION_TOKEN-unset} $SSOENV_EXPIRES_AT");
    assert_eq!(answer, format!("{USER_KEY} unset {NEVER}"));
    assert_eq!(env.hook_runs(), Vec::<String>::new(), "never due");
}
