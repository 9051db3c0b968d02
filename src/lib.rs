//! ssoenv: short-term AWS credentials from IAM Identity Center (SSO) in the shell.
//!
//! Data flows one way: `cli` → `commands` → [`credentials`] (per profile: are the cached role
//! credentials good enough, or fetch) → [`token_source`] (per SSO session: a valid access token,
//! cached, refreshed or from a sign-in through [`login`]'s seam) → [`cache`] and [`aws`] →
//! [`shell`] rendering → stdout. A role chain goes through [`role_chain`], which uses the same
//! pipeline for the SSO profile at its start and STS for the roles. Every AWS call goes through
//! [`aws`]; what it returns and the cache stores is plain data from [`role_credentials`], its
//! secrets wrapped in [`secret::Secret`]. [`console`] turns a profile's credentials into a console
//! sign-in (`ssoenv console`); [`credential_server`] is the HTTP endpoint of `exec --server` and
//! `serve`, fed with credentials by `commands`. No two top-level modules import each other.
//!
//! Two executables are built from this library ([`executables`]): `ssoenv`, whose [`front`]
//! answers the hot command lines from the caches without linking the rest, and `ssoenv-full`,
//! the whole program, which the front `exec`s for everything else.

pub mod aws;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod configure;
pub mod console;
pub mod credential_server;
pub mod credentials;
pub mod debug;
pub mod display;
pub mod duration;
pub mod environment;
pub mod error;
pub mod executables;
pub mod front;
pub mod hardening;
pub mod login;
pub mod populate;
pub mod profile_kinds;
pub mod profile_state;
pub mod role_chain;
pub mod role_credentials;
pub mod secret;
pub mod shell;
pub mod token_source;
pub mod user_dirs;
