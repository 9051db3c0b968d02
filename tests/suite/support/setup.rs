//! What the tests of `configure` and `populate` share: botocore as an independent reader, the
//! config file and fixtures.
#![allow(dead_code)] // each test file uses a different part of this

use std::path::Path;
use std::process::Command;

use super::home::{TestHome, run};

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
