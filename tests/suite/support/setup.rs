//! What the tests of `configure` and `populate` share: botocore as an independent reader, the
//! config file and fixtures.
#![allow(dead_code)] // each test file uses a different part of this

use std::path::Path;

use super::home::TestHome;

pub fn read_config(home: &TestHome) -> String {
    std::fs::read_to_string(home.path().join(".aws/config")).expect("config file")
}

pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
