//! Role chaining against the emulator's STS: profiles with `role_arn` and `source_profile` get
//! their credentials from `AssumeRole`, signed with the credentials of their source (the
//! emulator checks the signing key is one it issued), cached in the AWS CLI's assume-role cache.

use crate::support::botocore::Botocore;
use crate::support::cache_files::{secrets_in, snapshot};
use crate::support::home::*;
use crate::support::shells::RealShell;
use sso_emulator::{Emulator, Failure};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `ssoenv export PROFILE --shell bash` evaluated in bash: the resulting environment.
fn export(
    home: &TestHome,
    emulator: &Emulator,
    profile: &str,
) -> std::collections::BTreeMap<String, String> {
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", profile, "--shell", "bash"]));
    assert!(out.status.success(), "export {profile}: {}", out.stderr);
    RealShell::Bash.eval(&out.stdout, &[("AWS_PROFILE", profile)])
}

fn expiration(env: &std::collections::BTreeMap<String, String>) -> OffsetDateTime {
    OffsetDateTime::parse(&env["AWS_CREDENTIAL_EXPIRATION"], &Rfc3339).expect("RFC 3339")
}

#[test]
fn one_hop_is_assumed_with_the_sso_profiles_credentials() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);

    let env = export(&home, &emulator, "deploy");
    let key = &env["AWS_ACCESS_KEY_ID"];
    let owner = emulator
        .assumed_role_owner(key)
        .expect("the exported key was issued by AssumeRole");
    assert_eq!(owner.role_arn, DEPLOY_ARN);
    assert!(
        owner.role_session_name.starts_with("ssoenv-"),
        "{}",
        owner.role_session_name
    );
    assert_eq!(owner.external_id, None);
    assert_eq!(owner.duration_seconds, None);
    assert_eq!(
        emulator.credentials_owner(&owner.source_access_key_id),
        Some((ACCOUNT.to_string(), ROLE.to_string())),
        "signed with my-dev-profile's SSO role credentials"
    );
    assert_eq!(env["AWS_ACCOUNT_ID"], CHAIN_ACCOUNT);
    assert_eq!(env["AWS_REGION"], "eu-central-1");
    assert_eq!(
        env["SSOENV_PROFILE"], "deploy",
        "the hook refreshes the chain"
    );
    assert!(!env.contains_key("AWS_PROFILE"));
    assert_eq!(
        env["SSOENV_EXPIRES_AT"],
        expiration(&env).unix_timestamp().to_string()
    );

    // Cached the way the AWS CLI caches it.
    let cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.deploy_cache_path()).expect("cache file"))
            .unwrap();
    assert_eq!(cached["Credentials"]["AccessKeyId"], key.as_str());
    assert_eq!(cached["Credentials"]["AccountId"], CHAIN_ACCOUNT);
    assert_eq!(cached["AssumedRoleUser"]["Arn"], owner.assumed_role_arn);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.deploy_cache_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn two_hops_chain_through_the_first_role_with_every_argument() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    let before = OffsetDateTime::now_utc();

    let env = export(&home, &emulator, "admin");
    let admin = emulator
        .assumed_role_owner(&env["AWS_ACCESS_KEY_ID"])
        .expect("assumed");
    assert_eq!(admin.role_arn, ADMIN_ARN);
    assert_eq!(admin.role_session_name, "alice");
    assert_eq!(admin.external_id.as_deref(), Some("acme-42"));
    assert_eq!(admin.duration_seconds, Some(1200));
    let deploy = emulator
        .assumed_role_owner(&admin.source_access_key_id)
        .expect("the second hop was signed with the first hop's credentials");
    assert_eq!(deploy.role_arn, DEPLOY_ARN);
    assert_eq!(
        emulator.credentials_owner(&deploy.source_access_key_id),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );

    let lifetime = expiration(&env) - before;
    assert!(
        (1190..=1260).contains(&lifetime.whole_seconds()),
        "duration_seconds = 1200 gave {lifetime}"
    );
    assert!(
        !env.contains_key("AWS_REGION"),
        "admin names no region of its own"
    );
    assert!(home.admin_cache_path().exists(), "the last hop is cached");
    assert!(home.deploy_cache_path().exists(), "every hop is cached");
}

#[test]
fn the_second_run_is_served_from_the_cache() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);

    let first = export(&home, &emulator, "admin");
    assert_eq!(emulator.request_count("AssumeRole"), 2);
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);

    let second = export(&home, &emulator, "admin");
    assert_eq!(second["AWS_ACCESS_KEY_ID"], first["AWS_ACCESS_KEY_ID"]);
    // The first hop is cached too: a chain through it needs no new call.
    export(&home, &emulator, "deploy");
    assert_eq!(emulator.request_count("AssumeRole"), 2);
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
    assert_eq!(emulator.request_count("CreateToken"), 0);
}

#[test]
fn shells_asking_at_once_assume_each_role_once() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    let children: Vec<_> = (0..8)
        .map(|_| {
            home.ssoenv(&emulator.url())
                .args(["export", "admin", "--shell", "sh"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut keys = std::collections::BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = RealShell::Dash.eval(&String::from_utf8(out.stdout).unwrap(), &[]);
        keys.insert(env["AWS_ACCESS_KEY_ID"].clone());
    }
    assert_eq!(keys.len(), 1, "every shell got the same credentials");
    assert_eq!(emulator.request_count("AssumeRole"), 2, "one call per role");
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
}

#[test]
fn a_hop_with_less_than_min_valid_left_is_assumed_again() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    let first = export(&home, &emulator, "deploy");

    let out = run(home.ssoenv(&emulator.url()).args([
        "export",
        "deploy",
        "--shell",
        "bash",
        "--min-valid",
        "61m",
    ]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr.contains("valid for only"),
        "an hour-long role can never have 61 minutes left: {}",
        out.stderr
    );
    let env = RealShell::Bash.eval(&out.stdout, &[]);
    assert_ne!(env["AWS_ACCESS_KEY_ID"], first["AWS_ACCESS_KEY_ID"]);
    assert_eq!(emulator.request_count("AssumeRole"), 2);
    assert_eq!(
        emulator.request_count("GetRoleCredentials"),
        1,
        "the SSO role credentials only need to sign the call, they were still good"
    );
}

#[test]
fn source_credentials_sts_refuses_are_fetched_again() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    // Credentials the cache says are valid for hours, but which STS never issued.
    let expires =
        ssoenv::cache::format_cli_timestamp(OffsetDateTime::now_utc() + time::Duration::hours(5));
    std::fs::create_dir_all(home.cli_cache()).unwrap();
    std::fs::write(
        home.role_cache_path(ACCOUNT, ROLE),
        format!(
            r#"{{"ProviderType": "sso", "Credentials": {{"AccessKeyId": "ASIAFORGEDFORGED0000", "SecretAccessKey": "x", "SessionToken": "y", "Expiration": "{expires}", "AccountId": "{ACCOUNT}"}}}}"#
        ),
    )
    .unwrap();

    let env = export(&home, &emulator, "deploy");
    assert_eq!(
        emulator.request_count("AssumeRole"),
        2,
        "refused, then retried"
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
    let owner = emulator
        .assumed_role_owner(&env["AWS_ACCESS_KEY_ID"])
        .unwrap();
    assert_eq!(
        emulator.credentials_owner(&owner.source_access_key_id),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
}

#[test]
fn the_aws_cli_and_ssoenv_share_assumed_role_credentials() {
    let Some(botocore) =
        Botocore::available("the_aws_cli_and_ssoenv_share_assumed_role_credentials")
    else {
        return;
    };
    // ssoenv first: botocore with the CLI's caches finds the role and calls nothing.
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    let env = export(&home, &emulator, "admin");
    let cli = botocore.credentials(&home, &emulator.url(), "admin");
    assert_eq!(cli["method"], "assume-role");
    assert_eq!(cli["access_key"], env["AWS_ACCESS_KEY_ID"].as_str());
    assert_eq!(cli["secret_key"], env["AWS_SECRET_ACCESS_KEY"].as_str());
    assert_eq!(emulator.request_count("AssumeRole"), 2);

    // botocore first: ssoenv serves what the CLI cached, and the files look the same.
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    let cli = botocore.credentials(&home, &emulator.url(), "admin");
    assert_eq!(emulator.request_count("AssumeRole"), 2);
    let cli_file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.admin_cache_path()).unwrap()).unwrap();
    let env = export(&home, &emulator, "admin");
    assert_eq!(
        env["AWS_ACCESS_KEY_ID"],
        cli["access_key"].as_str().unwrap()
    );
    assert_eq!(
        emulator.request_count("AssumeRole"),
        2,
        "ssoenv used the CLI's files"
    );
    assert_eq!(env["AWS_ACCOUNT_ID"], CHAIN_ACCOUNT);

    // The CLI's file has the shape ssoenv writes (plus HTTP metadata nobody reads).
    let expiration = cli_file["Credentials"]["Expiration"].as_str().unwrap();
    assert!(expiration.ends_with("UTC"), "{expiration}");
    let keys = |value: &serde_json::Value| -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    std::fs::remove_file(home.admin_cache_path()).unwrap();
    export(&home, &emulator, "admin");
    let ours: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.admin_cache_path()).unwrap()).unwrap();
    assert_eq!(keys(&ours["Credentials"]), keys(&cli_file["Credentials"]));
    assert_eq!(
        keys(&ours["AssumedRoleUser"]),
        keys(&cli_file["AssumedRoleUser"])
    );
    let ours_expiration = ours["Credentials"]["Expiration"].as_str().unwrap();
    assert_eq!(ours_expiration.len(), expiration.len(), "{ours_expiration}");
    assert!(ours_expiration.ends_with("UTC"));
}

#[test]
fn a_chain_whose_sso_profile_is_not_signed_in_says_which_profile_to_sign_in() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "admin", "--shell", "sh"]));
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("ssoenv login my-dev-profile"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("'admin'"), "{}", out.stderr);
    assert_eq!(emulator.request_count("AssumeRole"), 0);
}

/// Runs `ssoenv export PROFILE` on a config with `extra` appended; expects failure status 1
/// and no request at all when `calls_sts` is false.
fn failing_export(extra: &str, profile: &str, calls_sts: bool) -> String {
    let emulator = start_emulator();
    let home = TestHome::with_config(&format!("{CONFIG}{CHAINS}{extra}"));
    home.seed_token(&emulator, 3600);
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", profile, "--shell", "sh"]));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    if !calls_sts {
        assert!(
            emulator.request_counts().values().all(|count| *count == 0),
            "{:?}",
            emulator.request_counts()
        );
    }
    out.stderr
}

#[test]
fn cycles_are_named() {
    let stderr = failing_export(
        "
[profile ping]
role_arn = arn:aws:iam::210987654321:role/Ping
source_profile = pong

[profile pong]
role_arn = arn:aws:iam::210987654321:role/Pong
source_profile = ping
",
        "ping",
        false,
    );
    assert!(stderr.contains("ping → pong → ping"), "{stderr}");
}

#[test]
fn mfa_without_a_terminal_and_bad_credential_sources_are_explained() {
    // No terminal (stdin is not one): the code cannot be asked, and nothing is called.
    let stderr = failing_export(
        "
[profile with-mfa]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = my-dev-profile
mfa_serial = arn:aws:iam::123456789011:mfa/alice
",
        "with-mfa",
        false,
    );
    assert!(stderr.contains("mfa_serial"), "{stderr}");
    assert!(stderr.contains("no terminal"), "{stderr}");
    assert!(stderr.contains("ssoenv use with-mfa"), "{stderr}");

    let stderr = failing_export(
        "
[profile on-ec2]
role_arn = arn:aws:iam::210987654321:role/Deploy
credential_source = Ec2
",
        "on-ec2",
        false,
    );
    assert!(stderr.contains("credential_source"), "{stderr}");
    assert!(
        stderr.contains("Environment, Ec2InstanceMetadata or EcsContainer"),
        "{stderr}"
    );
}

#[test]
fn sources_that_cannot_start_a_chain_are_explained() {
    let stderr = failing_export(
        "
[profile lost]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = my-dev-profle
",
        "lost",
        false,
    );
    assert!(
        stderr.contains("source_profile = my-dev-profle"),
        "{stderr}"
    );
    assert!(stderr.contains("Did you mean 'my-dev-profile'"), "{stderr}");

    let stderr = failing_export(
        "
[profile sourceless]
role_arn = arn:aws:iam::210987654321:role/Deploy
",
        "sourceless",
        false,
    );
    assert!(stderr.contains("no source_profile"), "{stderr}");
}

#[test]
fn sts_errors_reach_the_user() {
    // Role chaining caps a session at one hour; STS says so.
    let stderr = failing_export(
        "
[profile too-long]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = my-dev-profile
duration_seconds = 7200
",
        "too-long",
        true,
    );
    assert!(stderr.contains("ValidationError"), "{stderr}");
    assert!(stderr.contains("1 hour session limit"), "{stderr}");
    assert!(stderr.contains("for profile 'too-long'"), "{stderr}");
}

#[test]
fn a_wrong_external_id_is_access_denied() {
    let emulator = start_emulator_with(|config| {
        config
            .role_external_ids
            .insert(DEPLOY_ARN.to_string(), "the-right-one".to_string());
    });
    let home = TestHome::with_config(&format!(
        "{CONFIG}
[profile guessing]
role_arn = {DEPLOY_ARN}
source_profile = my-dev-profile
external_id = a-wrong-one

[profile knowing]
role_arn = {DEPLOY_ARN}
source_profile = my-dev-profile
external_id = the-right-one
"
    ));
    home.seed_token(&emulator, 3600);
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["export", "guessing", "--shell", "sh"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("AccessDenied"), "{}", out.stderr);
    assert!(out.stderr.contains(DEPLOY_ARN), "{}", out.stderr);

    let env = export(&home, &emulator, "knowing");
    let owner = emulator
        .assumed_role_owner(&env["AWS_ACCESS_KEY_ID"])
        .unwrap();
    assert_eq!(owner.external_id.as_deref(), Some("the-right-one"));
}

#[test]
fn logout_of_a_chained_profile_signs_out_of_its_sso_session() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    home.seed_token(&emulator, 3600);
    export(&home, &emulator, "admin");
    let out = run(home.ssoenv(&emulator.url()).args(["logout", "admin"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stderr.contains("'my-sso'"), "{}", out.stderr);
    assert!(!home.token_path().exists());
    assert_eq!(emulator.request_count("Logout"), 1);
}

/// `--debug` on a role chain traces each `AssumeRole` as it does every other AWS call (the call,
/// each HTTP attempt with its status, the outcome) and shows none of the credentials involved:
/// neither those that signed the call nor those it returned.
#[test]
fn debug_traces_every_assume_role_attempt_without_secrets() {
    let emulator = start_emulator();
    let home = TestHome::with_chains();
    let minted = home.seed_token(&emulator, 3600);
    // The first AssumeRole (deploy's) is answered 503 once: the retry shows as a second attempt.
    emulator.inject_failure(Failure::error("AssumeRole", 503, "ServiceUnavailable", 1));

    let out = run(home
        .ssoenv(&emulator.url())
        .args(["--debug", "export", "admin", "--shell", "bash"]));
    assert!(out.status.success(), "{}", out.stderr);
    let trace: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|line| line.strip_prefix("ssoenv[debug]: "))
        .collect();
    let calls: Vec<usize> = (0..trace.len())
        .filter(|&i| trace[i] == format!("AssumeRole → {}", emulator.url()))
        .collect();
    assert_eq!(calls.len(), 2, "one traced call per hop:\n{}", out.stderr);
    assert_eq!(
        trace[calls[0] + 1..calls[0] + 3],
        ["  attempt 1: HTTP 503", "  attempt 2: HTTP 200"],
        "deploy's call, retried:\n{}",
        out.stderr
    );
    assert_eq!(
        trace[calls[1] + 1],
        "  attempt 1: HTTP 200",
        "admin's call:\n{}",
        out.stderr
    );
    assert!(
        trace[calls[1] + 2].starts_with("AssumeRole succeeded in "),
        "{}",
        out.stderr
    );
    assert_eq!(emulator.request_count("AssumeRole"), 3);

    // Every secret of the run: the SSO session's, the SSO role's and both hops' credentials (all
    // in the cache files by now) and what was exported.
    let mut secrets = secrets_in(&snapshot(home.path()));
    secrets.insert(minted.access_token);
    secrets.insert(minted.client_secret);
    secrets.extend(minted.refresh_token);
    let env = RealShell::Bash.eval(&out.stdout, &[]);
    secrets.insert(env["AWS_SECRET_ACCESS_KEY"].clone());
    secrets.insert(env["AWS_SESSION_TOKEN"].clone());
    assert!(secrets.len() >= 9, "{} secrets", secrets.len());
    for secret in &secrets {
        assert!(
            !out.stderr.contains(secret.as_str()),
            "a secret ({}…) appears in the trace:\n{}",
            &secret[..secret.len().min(6)],
            out.stderr
        );
    }
}
