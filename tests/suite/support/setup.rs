//! What the tests of `configure`, `populate`, `list`, `status` and completion share: running a
//! program in a pseudo-terminal as a person would, and botocore as an independent reader.
#![allow(dead_code)] // each test file uses a different part of this

use std::path::Path;
use std::process::Command;

use super::home::{TestHome, run};

/// A program run in a pseudo-terminal: its exit status (`None` when it had to be ended) and
/// everything it showed, terminal escape sequences removed.
pub struct PtyRun {
    pub status: Option<i32>,
    pub transcript: String,
    /// The same with the escape sequences (cursor, colours) left in.
    pub raw: String,
}

/// Runs `program args` in a pseudo-terminal through `tests/python/pty_session.py`, typing and
/// waiting as `steps` say (see the script), with exactly the environment `env` (plus TERM).
pub fn drive_in_pty(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
    steps: serde_json::Value,
) -> PtyRun {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/pty_session.py");
    let mut command = Command::new("python3");
    command
        .arg(script)
        .arg(steps.to_string())
        .arg("--")
        .arg(program)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm-256color");
    for (name, value) in env {
        command.env(name, value);
    }
    let out = run(&mut command);
    assert!(
        out.status.success(),
        "the terminal session did not go as planned:\n{}",
        out.stderr
    );
    let result: serde_json::Value =
        serde_json::from_str(&out.stdout).expect("JSON from pty_session.py");
    PtyRun {
        status: result["status"].as_i64().map(|s| s as i32),
        transcript: result["transcript"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        raw: result["raw"].as_str().unwrap_or_default().to_string(),
    }
}

/// The environment `TestHome::ssoenv` gives the binary, for programs run another way.
pub fn test_env<'a>(home: &'a TestHome, emulator_url: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("HOME", home.path().to_str().expect("UTF-8 temp path")),
        ("AWS_ENDPOINT_URL", emulator_url),
        ("SSOENV_HTTP_TIMEOUT", "3s"),
    ]
}

/// Whether python3 can import `module`. CI sets `SSOENV_REQUIRE_BOTOCORE`, and then a missing
/// botocore fails the test instead of skipping it.
pub fn python_has(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("SSOENV_REQUIRE_BOTOCORE").is_none() || module != "botocore",
            "python3 with botocore is required (SSOENV_REQUIRE_BOTOCORE is set)"
        );
        eprintln!("skipped: python3 cannot import {module}");
    }
    ok
}

/// The profiles and sso-sessions botocore reads from `home`'s config file.
pub fn botocore_config(home: &TestHome) -> serde_json::Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/botocore_config.py"
    );
    let out = run(Command::new("python3")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path()));
    assert!(out.status.success(), "botocore failed: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON from botocore_config.py")
}

pub fn read_config(home: &TestHome) -> String {
    std::fs::read_to_string(home.path().join(".aws/config")).expect("config file")
}

pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
