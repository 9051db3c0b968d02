//! What the integration tests share: a throwaway home directory with an AWS config, the emulator,
//! and a way to run the real `ssoenv` binary in a clean environment.
#![allow(dead_code)] // each test file uses a different part of this

pub mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sso_emulator::{Emulator, EmulatorConfig, MintedSession};

pub const SESSION: &str = "my-sso";
pub const START_URL: &str = "https://my-sso-portal.awsapps.com/start";
pub const PROFILE: &str = "my-dev-profile";
pub const ACCOUNT: &str = "123456789011";
pub const ROLE: &str = "FullAccess";

/// The config of the AWS walk-through (the same as the fixture written by the real CLI), plus a
/// legacy profile and a few broken ones for the error tests.
pub const CONFIG: &str = "\
[profile my-dev-profile]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = FullAccess
region = us-west-2
output = json

[profile prod-readonly]
sso_session = my-sso
sso_account_id = 123456789022
sso_role_name = ReadOnly

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789011
sso_role_name = ReadOnly

[profile static-keys]
aws_access_key_id = AKIAEXAMPLE
region = eu-west-1

[profile orphan]
sso_session = no-such-session
sso_account_id = 123456789011
sso_role_name = FullAccess

[sso-session my-sso]
sso_region = us-east-1
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_registration_scopes = sso:account:access
";

/// A home directory of its own for one test: `~/.aws/config` and the two cache directories.
pub struct TestHome {
    dir: tempfile::TempDir,
}

impl TestHome {
    pub fn new() -> TestHome {
        Self::with_config(CONFIG)
    }

    pub fn with_config(config: &str) -> TestHome {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        std::fs::write(dir.path().join(".aws/config"), config).unwrap();
        TestHome { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn sso_cache(&self) -> PathBuf {
        self.path().join(".aws/sso/cache")
    }

    pub fn cli_cache(&self) -> PathBuf {
        self.path().join(".aws/cli/cache")
    }

    /// `~/.aws/sso/cache/<sha1(session)>.json`
    pub fn token_path(&self) -> PathBuf {
        self.sso_cache().join(format!("{}.json", sha1_hex(SESSION)))
    }

    /// `~/.aws/cli/cache/<key>.json` for `account`/`role` under the `my-sso` session, the key
    /// computed the way the reference gives it (compact sorted JSON).
    pub fn role_cache_path(&self, account: &str, role: &str) -> PathBuf {
        let key =
            format!(r#"{{"accountId":"{account}","roleName":"{role}","sessionName":"{SESSION}"}}"#);
        self.cli_cache().join(format!("{}.json", sha1_hex(&key)))
    }

    /// Signs in "behind ssoenv's back": asks the emulator for a session and writes the token the
    /// way the AWS CLI does, expiring in `lifetime_seconds` (may be negative).
    pub fn seed_token(&self, emulator: &Emulator, lifetime_seconds: i64) -> MintedSession {
        let minted = emulator.mint_session();
        self.write_token(&minted, lifetime_seconds);
        minted
    }

    pub fn write_token(&self, minted: &MintedSession, lifetime_seconds: i64) {
        let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(lifetime_seconds);
        let registration_expires =
            time::OffsetDateTime::from_unix_timestamp(minted.client_secret_expires_at as i64)
                .unwrap();
        let text = format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{}", "expiresAt": "{}", "clientId": "{}", "clientSecret": "{}", "registrationExpiresAt": "{}", "refreshToken": "{}"}}"#,
            minted.access_token,
            ssoenv::cache::format_cli_timestamp(expires),
            minted.client_id,
            minted.client_secret,
            ssoenv::cache::format_cli_timestamp(registration_expires),
            minted
                .refresh_token
                .as_deref()
                .expect("the emulator issues refresh tokens"),
        );
        std::fs::create_dir_all(self.sso_cache()).unwrap();
        std::fs::write(self.token_path(), text).unwrap();
    }

    pub fn read_token_json(&self) -> serde_json::Value {
        let bytes = std::fs::read(self.token_path()).expect("token cache file");
        serde_json::from_slice(&bytes).expect("token cache file is JSON")
    }

    /// `ssoenv ARGS…` with nothing from the developer's environment but `PATH`: `HOME` is this
    /// home and both services point at `emulator_url`.
    pub fn ssoenv(&self, emulator_url: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ssoenv"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("AWS_ENDPOINT_URL", emulator_url)
            // Short attempts keep the failure tests quick; retries still apply.
            .env("SSOENV_HTTP_TIMEOUT", "3s")
            .current_dir(self.path());
        command
    }
}

pub fn start_emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).expect("emulator starts")
}

pub fn start_emulator_with(configure: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig::default();
    configure(&mut config);
    Emulator::start(config).expect("emulator starts")
}

pub fn sha1_hex(text: &str) -> String {
    use sha1::Digest;
    hex::encode(sha1::Sha1::digest(text.as_bytes()))
}

/// Runs a command and returns its output, with stdout and stderr as text.
pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("command runs");
    Run {
        status,
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Evaluates `code` in `shell` under strict flags and returns the environment it ends up with.
pub fn eval_in_shell(
    shell: &str,
    code: &str,
    initial_env: &[(&str, &str)],
) -> std::collections::BTreeMap<String, String> {
    let print_env = "env -0";
    let (program, args): (&str, Vec<String>) = match shell {
        "bash" => (
            "bash",
            vec![
                "--noprofile".into(),
                "--norc".into(),
                "-e".into(),
                "-u".into(),
                "-o".into(),
                "pipefail".into(),
                "-c".into(),
                format!("eval \"$SSOENV_CODE\"\n{print_env}"),
            ],
        ),
        "zsh" => (
            "zsh",
            vec![
                "--no-rcs".into(),
                "-e".into(),
                "-u".into(),
                "-c".into(),
                format!("eval \"$SSOENV_CODE\"\n{print_env}"),
            ],
        ),
        "sh" => (
            "dash",
            vec![
                "-eu".into(),
                "-c".into(),
                format!("eval \"$SSOENV_CODE\"\n{print_env}"),
            ],
        ),
        "fish" => (
            "fish",
            vec![
                "--no-config".into(),
                "--private".into(),
                "-c".into(),
                format!("echo $SSOENV_CODE | string collect | source; and {print_env}"),
            ],
        ),
        other => panic!("no strict runner for {other}"),
    };
    let mut command = Command::new(program);
    command.args(&args).env_clear();
    command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command.env("SSOENV_CODE", code);
    for (name, value) in initial_env {
        command.env(name, value);
    }
    let output = command.output().expect("shell runs");
    assert!(
        output.status.success(),
        "{shell} failed on:\n{code}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut env = parse_env0(&output.stdout);
    env.remove("SSOENV_CODE");
    env
}

/// The variables of `env -0` output.
pub fn parse_env0(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    bytes
        .split(|b| *b == 0)
        .filter(|entry| !entry.is_empty())
        .filter_map(|entry| {
            let text = String::from_utf8_lossy(entry);
            let (name, value) = text.split_once('=')?;
            Some((name.to_string(), value.to_string()))
        })
        .collect()
}

/// Whether python3 with botocore is here. CI requires it (`.ci/run` installs it and sets
/// `SSOENV_REQUIRE_BOTOCORE`); a developer without it gets a skip notice.
pub fn botocore_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import botocore"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("SSOENV_REQUIRE_BOTOCORE").is_none(),
            "python3 with botocore is required (SSOENV_REQUIRE_BOTOCORE is set)"
        );
        eprintln!("skipped: python3 with botocore is not installed");
    }
    ok
}
