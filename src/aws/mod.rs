//! The one layer every AWS call goes through: SSO OIDC (signing in), the SSO portal (role
//! credentials, accounts, roles) and STS (role chaining), over the AWS SDK clients; and the
//! console's federation endpoint (`federation.rs`, the SDK's HTTP client without a service
//! model), with the partitions' hosts (`partition.rs`).
//!
//! What the layer guarantees for every call, whatever the service:
//! * where it goes: [`resolve_endpoints`] / [`resolve_sts_endpoint`], the SDKs' order of
//!   environment variables and config file settings (`endpoints.rs`);
//! * how long it may take and how it is retried: one policy, `SSOENV_HTTP_TIMEOUT` per attempt
//!   (`runtime.rs`);
//! * what `--debug` shows of it: the call, each HTTP attempt's status, the outcome, and never a
//!   header, body, token or credential (`trace.rs`);
//! * where a start URL on a company's own domain leads (`start_url.rs`: one request, read as
//!   the AWS CLI reads it, before a sign-in);
//! * what its failure means: [`SsoError`] / [`StsError`], sorted by what the caller must do
//!   next (sign in again, retry, fix the endpoint or the role), with one [`TransportError`] for
//!   "no usable answer" (`error.rs`).
//!
//! What it returns is plain data ([`RoleCredentials`](crate::role_credentials::RoleCredentials),
//! [`TokenGrant`], [`AccountInfo`] …): storing it is the caller's business, so this layer knows
//! nothing of the cache files.
//!
//! Building a client costs a TLS setup and an async runtime, so nothing here runs on the fast
//! path: callers build an [`SsoClient`] or [`StsClient`] only once they know they need the
//! network.

mod arn;
mod endpoints;
mod error;
mod federation;
mod oidc;
mod partition;
mod portal;
mod runtime;
mod sso;
mod start_url;
mod sts;
mod trace;

pub use endpoints::{Endpoints, resolve_endpoints, resolve_signin_endpoint, resolve_sts_endpoint};
pub use error::{SsoError, StsError, TransportError};
pub use federation::{FederationEndpoint, FederationError};
pub use oidc::{DeviceAuthorization, RegisteredClient, TokenGrant};
pub use partition::Partition;
pub use portal::{AccountInfo, DEFAULT_CONCURRENCY, RoleInfo};
pub use sso::SsoClient;
pub use start_url::{ResolvedStartUrl, StartUrlError, resolve_start_url};
pub use sts::{AssumeRoleRequest, StsClient};
