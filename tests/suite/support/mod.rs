//! What the test modules share.

pub mod botocore;
pub mod cache_files;
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
