//! The integration tests of ssoenv, one module per feature, in one test binary (so that they
//! link once and share one pool of test threads). `support` holds what the modules share: the
//! home directory and emulator fixture, the real shells, the pseudo-terminal driver, botocore.
//!
//! Run one feature with its module path as the filter: `cargo test --test suite crash::`.

mod support;

mod botocore_interop;
mod cache_compat;
mod completions;
mod config_file;
mod configure;
mod console;
mod crash;
mod credential_process;
mod credential_server;
mod direnv;
mod errors;
mod exec;
mod export;
mod faults;
mod front;
mod generated_docs;
mod hostile_input;
mod init_scripts;
mod lifetime_guard;
mod list_status;
mod login;
mod logout;
mod packaging;
mod populate;
mod profile_kinds;
mod prompt_hook;
mod prompt_hook_coexistence;
mod prompt_segment;
mod role_chaining;
mod secrets;
mod shell_detection;
mod shell_output;
mod soak;
mod vanity_start_url;
