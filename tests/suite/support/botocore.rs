//! botocore, the AWS CLI's own library, as an independent reader and writer of the files ssoenv
//! shares with the AWS CLI, and as a client of `ssoenv process`: python3 runs the scripts in
//! `tests/python`, each printing one line of JSON.

use std::path::Path;
use std::process::Command;

use super::home::{TestHome, run};

/// Proof that python3 can import botocore; its methods run the scripts.
pub struct Botocore(());

impl Botocore {
    /// `None`, after saying on stderr that `test` is skipped, when python3 cannot import
    /// botocore. CI sets `SSOENV_REQUIRE_BOTOCORE` (`.ci/run`), and then the test fails instead.
    pub fn available(test: &str) -> Option<Botocore> {
        let check = Command::new("python3")
            .args(["-c", "import botocore"])
            .output();
        let reason = match check {
            Ok(out) if out.status.success() => return Some(Botocore(())),
            Ok(out) => format!(
                "python3 cannot import botocore: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(error) => format!("python3 cannot be run: {error}"),
        };
        assert!(
            std::env::var_os("SSOENV_REQUIRE_BOTOCORE").is_none(),
            "{test}: {reason} (and SSOENV_REQUIRE_BOTOCORE is set)"
        );
        eprintln!("SKIPPED {test}: {reason}; install botocore (pip install botocore) to run it");
        None
    }

    /// python3 with nothing from the developer's environment but `PATH` (no stray `AWS_*`
    /// setting).
    pub fn python(&self) -> Command {
        let mut command = Command::new("python3");
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PYTHONDONTWRITEBYTECODE", "1");
        command
    }

    /// The same, running `tests/python/<script>`.
    pub fn script(&self, script: &str) -> Command {
        let mut command = self.python();
        command.arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/python")
                .join(script),
        );
        command
    }

    /// Runs `command` and returns the JSON it printed; its failure fails the test.
    pub fn json(&self, command: &mut Command) -> serde_json::Value {
        let out = run(command);
        assert!(
            out.status.success(),
            "{:?} failed:\n{}",
            command.get_args().collect::<Vec<_>>(),
            out.stderr
        );
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
    }

    /// `tests/python/botocore_cache.py ARGS`: botocore's cache classes on the files of a
    /// directory (see the script).
    pub fn cache(&self, args: &[&str]) -> serde_json::Value {
        self.json(self.script("botocore_cache.py").args(args))
    }

    /// The credentials of `profile` in `home`'s config as the AWS CLI v2 resolves them, with its
    /// file caches (`tests/python/botocore_credentials.py`).
    pub fn credentials(
        &self,
        home: &TestHome,
        emulator_url: &str,
        profile: &str,
    ) -> serde_json::Value {
        self.profile_json("botocore_credentials.py", home, emulator_url, profile)
    }

    /// The credentials of `profile`, a `credential_process` profile, as botocore's own provider
    /// gets them, or the error it raised (`tests/python/credential_process.py`).
    pub fn credential_process(
        &self,
        home: &TestHome,
        emulator_url: &str,
        profile: &str,
    ) -> serde_json::Value {
        self.profile_json("credential_process.py", home, emulator_url, profile)
    }

    /// Runs `script PROFILE` with `home` as HOME, the services at `emulator_url` and a default
    /// region (botocore, unlike ssoenv, refuses to call STS for a profile without one).
    fn profile_json(
        &self,
        script: &str,
        home: &TestHome,
        emulator_url: &str,
        profile: &str,
    ) -> serde_json::Value {
        self.json(
            self.script(script)
                .arg(profile)
                .env("HOME", home.path())
                .env("AWS_ENDPOINT_URL", emulator_url)
                .env("AWS_DEFAULT_REGION", "us-east-1"),
        )
    }

    /// The profiles and sso-sessions botocore reads from `home`'s config file.
    pub fn config(&self, home: &TestHome) -> serde_json::Value {
        self.json(self.script("botocore_config.py").env("HOME", home.path()))
    }
}
