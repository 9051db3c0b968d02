//! A thin wrapper over `aws-sdk-sts` for role chaining: `AssumeRole` signed with a source
//! profile's credentials, with ssoenv's timeouts, retries and error mapping, and the choice of
//! endpoint.
//!
//! Like [`crate::sso`], nothing here runs on the fast path: the role chain builds an
//! [`StsClient`] only once it knows a role must be assumed.

mod client;
mod endpoint;
mod error;

pub use client::{AssumeRoleRequest, StsClient};
pub use endpoint::resolve_sts_endpoint;
pub use error::StsError;
