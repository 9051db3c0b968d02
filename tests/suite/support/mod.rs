//! What the test modules share, one implementation of each:
//!
//! - `home`: the fixture, a home directory with an AWS config and cache files, the emulator, and
//!   running the real `ssoenv` in a clean environment;
//! - `shells`: the real shells, and evaluating code in them as a user would (`env -0` read back);
//! - `terminal`: the pseudo-terminal driver; `hook_shell`: interactive shells on it, with the
//!   prompt hook installed;
//! - `botocore`: the AWS CLI's library as an independent client;
//! - `browsers`: scripts standing in for a browser, and real headless Chromium;
//! - `cache_files`: snapshots of the cache directories; `go_down_proxy`: a service that goes
//!   down at a chosen call.

pub mod botocore;
pub mod browsers;
pub mod cache_files;
pub mod go_down_proxy;
pub mod home;
pub mod hook_shell;
pub mod shells;
pub mod terminal;

/// The name the test harness gives `function` of the module at `module_path` (its
/// `module_path!()`): the path without the crate's name, as `--exact` wants it.
pub fn test_name(module_path: &str, function: &str) -> String {
    let path = module_path
        .split_once("::")
        .map_or("", |(_crate, path)| path);
    format!("{path}::{function}")
}
