//! A local IAM Identity Center: the SSO OIDC service and the SSO portal on one loopback port,
//! speaking the real restJson1 wire protocol so that the real clients (`aws-sdk-ssooidc`,
//! `aws-sdk-sso`, botocore) can log in, refresh tokens and fetch role credentials against it;
//! and STS `AssumeRole` (awsQuery protocol) on the same port, so role chains can start from
//! those role credentials.
//!
//! ```no_run
//! use sso_emulator::{Emulator, EmulatorConfig};
//! let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
//! let session = emulator.mint_session(); // seed a token cache without a browser
//! println!("endpoint {} token {}", emulator.url(), session.access_token);
//! ```
//!
//! Paths: OIDC `POST /client/register`, `POST /device_authorization`, `POST /token`,
//! `GET /authorize` (PKCE sign-in page), `GET /device` (device verification page); portal
//! `GET /federation/credentials`, `GET /assignment/accounts`, `GET /assignment/roles`,
//! `POST /logout`; STS `POST /` with a form body (`Action=AssumeRole`,
//! `Action=AssumeRoleWithWebIdentity`, `Action=GetCallerIdentity`); AWS Sign-In `POST /v1/token`
//! (the `aws login` session refresh); a company's start URL redirecting to AWS's, and an ECS
//! container credentials endpoint, when configured; the console's federation endpoint
//! `GET /federation` (`Action=getSigninToken`, `Action=login`), its sign-out
//! `GET /oauth?Action=logout` and a console stand-in under `GET /console/` (see [`federation`]);
//! control endpoints under `/_emulator/` (see [`control`]).

pub mod cli;
pub mod config;
pub mod control;
mod emulator;
pub mod failure;
pub mod federation;
mod http;
mod ids;
mod oidc;
mod portal;
mod service;
mod signin;
mod state;
mod sts;
mod url_encoding;
pub mod wire;

pub use config::{Account, AuthorizeBehaviour, EmulatorConfig};
pub use emulator::Emulator;
pub use failure::Failure;
pub use ids::pkce_s256_challenge;
pub use service::MintedSession;
pub use state::{AssumedRoleOwner, IssuedRoleCredentials};
