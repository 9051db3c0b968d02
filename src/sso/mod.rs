//! Thin wrappers over `aws-sdk-ssooidc` and `aws-sdk-sso`: endpoint choice, timeouts, retries, and
//! one error type that says what the caller must do next (sign in again, retry, fix the endpoint).
//!
//! Building a client costs a TLS setup and an async runtime, so nothing here runs on the fast path:
//! the credentials pipeline only builds an [`SsoClient`] once it knows it needs the network.

mod assignments;
mod client;
mod endpoints;
mod error;
mod trace;

pub use assignments::DEFAULT_CONCURRENCY;
pub(crate) use client::http_policy;
pub use client::{
    AccountInfo, DeviceAuthorization, RegisteredClient, RoleInfo, SsoClient, TokenGrant,
};
pub use endpoints::{Endpoints, resolve_endpoints};
pub(crate) use error::CallFailure;
pub use error::{SsoError, TransportError};
