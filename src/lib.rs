//! ssoenv: short-term AWS credentials from IAM Identity Center (SSO) in the shell.
//!
//! Data flows one way: `cli` → `commands` → [`credentials`] (the one place that decides: cached?
//! refresh? sign in? fetch?) → [`cache`] and [`sso`] → [`shell`] rendering → stdout.

pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod debug;
pub mod duration;
pub mod environment;
pub mod error;
pub mod login;
pub mod shell;
pub mod sso;
