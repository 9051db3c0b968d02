//! The fixture of the tests: a throwaway home directory with an AWS config (the AWS walk-through's
//! profiles, a few broken ones, and role chains where a test wants them), its cache files, the
//! emulator, and a way to run the real `ssoenv` binary in a clean environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sso_emulator::{Emulator, EmulatorConfig, MintedSession};
use ssoenv::cache::RoleCredentials;

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

pub const DEPLOY_ARN: &str = "arn:aws:iam::210987654321:role/Deploy";
pub const ADMIN_ARN: &str = "arn:aws:iam::210987654321:role/Admin";
pub const CHAIN_ACCOUNT: &str = "210987654321";

/// Two chains on top of the common profiles: `deploy` (one hop from `my-dev-profile`) and
/// `admin` (two hops, with every AssumeRole argument set).
pub const CHAINS: &str = "
[profile deploy]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = my-dev-profile
region = eu-central-1

[profile admin]
role_arn = arn:aws:iam::210987654321:role/Admin
source_profile = deploy
role_session_name = alice
external_id = acme-42
duration_seconds = 1200
";

/// A home directory of its own for one test: `~/.aws/config` and the two cache directories.
pub struct TestHome {
    dir: tempfile::TempDir,
}

impl TestHome {
    pub fn new() -> TestHome {
        Self::with_config(CONFIG)
    }

    /// [`CONFIG`] and the role chains of [`CHAINS`].
    pub fn with_chains() -> TestHome {
        Self::with_config(&format!("{CONFIG}{CHAINS}"))
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

    /// `~/.aws/cli/cache/<key>.json` of an assumed role, the key computed the way botocore does
    /// (`json.dumps(args, sort_keys=True)`), written out here by hand.
    fn assumed_role_cache_path(&self, json_args: &str) -> PathBuf {
        self.cli_cache()
            .join(format!("{}.json", sha1_hex(json_args)))
    }

    /// The assumed-role cache file of the `deploy` profile of [`CHAINS`].
    pub fn deploy_cache_path(&self) -> PathBuf {
        self.assumed_role_cache_path(&format!(r#"{{"RoleArn": "{DEPLOY_ARN}"}}"#))
    }

    /// The assumed-role cache file of the `admin` profile of [`CHAINS`].
    pub fn admin_cache_path(&self) -> PathBuf {
        self.assumed_role_cache_path(&format!(
            r#"{{"DurationSeconds": 1200, "ExternalId": "acme-42", "RoleArn": "{ADMIN_ARN}", "RoleSessionName": "alice"}}"#
        ))
    }

    /// Caches `credentials` for `account`/`role` as the AWS CLI would have.
    pub fn write_role_credentials(&self, account: &str, role: &str, credentials: &RoleCredentials) {
        let path = self.role_cache_path(account, role);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, credentials.to_cli_cache_json()).unwrap();
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

    /// The config file as it is now.
    pub fn read_config(&self) -> String {
        std::fs::read_to_string(self.path().join(".aws/config")).expect("config file")
    }

    pub fn read_token_json(&self) -> serde_json::Value {
        let bytes = std::fs::read(self.token_path()).expect("token cache file");
        serde_json::from_slice(&bytes).expect("token cache file is JSON")
    }

    /// `ssoenv ARGS…` with nothing from the developer's environment but `PATH`: `HOME` is this
    /// home and both services point at `emulator_url`.
    pub fn ssoenv(&self, emulator_url: &str) -> Command {
        self.command(Path::new(env!("CARGO_BIN_EXE_ssoenv")), emulator_url)
    }

    /// [`Self::ssoenv`] with `ssoenv-full`, the whole program the front executable hands over to.
    pub fn ssoenv_full(&self, emulator_url: &str) -> Command {
        self.command(Path::new(env!("CARGO_BIN_EXE_ssoenv-full")), emulator_url)
    }

    /// `binary` (an ssoenv installed elsewhere, say from a package) run as [`TestHome::ssoenv`]
    /// runs the one under test.
    pub fn command(&self, binary: &Path, emulator_url: &str) -> Command {
        let mut command = Command::new(binary);
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

/// `count` SSO profiles `filler-<n>` (`n` zero-padded to `width`) as `populate` writes them for
/// a large organization, all of session `session`, account `account` and role `role`.
pub fn filler_profiles(
    count: usize,
    width: usize,
    session: &str,
    account: &str,
    role: &str,
) -> String {
    (0..count)
        .map(|n| {
            format!(
                "[profile filler-{n:0width$}]\nsso_session = {session}\nsso_account_id = {account}\n\
                 sso_role_name = {role}\n\n"
            )
        })
        .collect()
}

pub fn start_emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).expect("emulator starts")
}

pub fn start_emulator_with(configure: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig::default();
    configure(&mut config);
    Emulator::start(config).expect("emulator starts")
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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
