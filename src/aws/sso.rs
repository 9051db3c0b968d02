//! [`SsoClient`]: the two IAM Identity Center services of one region (OIDC for signing in, the
//! portal for what the signed-in user may reach), on one runtime. Their operations are in
//! [`super::oidc`] and [`super::portal`].

use std::time::Duration;

use super::endpoints::{default_oidc_endpoint, default_portal_endpoint};
use super::runtime::{Runtime, attempt_timeout_from_env, sdk_config};
use super::{Endpoints, SsoError};

/// Clients for both services of one Identity Center region, with the small runtime that drives
/// them. Built only when a call is needed.
pub struct SsoClient {
    pub(super) runtime: Runtime<SsoError>,
    pub(super) oidc: aws_sdk_ssooidc::Client,
    pub(super) portal: aws_sdk_sso::Client,
    /// Where each service is reached, for messages (and the browser, for OIDC).
    pub(super) oidc_endpoint: String,
    pub(super) portal_endpoint: String,
}

impl SsoClient {
    /// Clients for the Identity Center in `region`, at `endpoints` when overridden, with the
    /// attempt timeout of `SSOENV_HTTP_TIMEOUT` (default 10 s).
    pub fn new(region: &str, endpoints: &Endpoints) -> std::io::Result<SsoClient> {
        Self::with_attempt_timeout(region, endpoints, attempt_timeout_from_env())
    }

    /// [`SsoClient::new`] with an explicit time limit per HTTP attempt (the whole call, retries
    /// and back-off included, may take four times that).
    pub fn with_attempt_timeout(
        region: &str,
        endpoints: &Endpoints,
        attempt_timeout: Duration,
    ) -> std::io::Result<SsoClient> {
        let runtime = Runtime::new(region, attempt_timeout)?;
        let oidc = sdk_config!(aws_sdk_ssooidc, runtime, endpoints.oidc.clone()).build();
        let portal = sdk_config!(aws_sdk_sso, runtime, endpoints.portal.clone()).build();
        Ok(SsoClient {
            oidc: aws_sdk_ssooidc::Client::from_conf(oidc),
            portal: aws_sdk_sso::Client::from_conf(portal),
            oidc_endpoint: endpoints
                .oidc
                .clone()
                .unwrap_or_else(|| default_oidc_endpoint(region)),
            portal_endpoint: endpoints
                .portal
                .clone()
                .unwrap_or_else(|| default_portal_endpoint(region)),
            runtime,
        })
    }

    /// The Identity Center region these clients call.
    pub fn region(&self) -> &str {
        &self.runtime.region
    }

    /// Where SSO OIDC is reached; the browser is sent to its `/authorize`.
    pub fn oidc_endpoint(&self) -> &str {
        &self.oidc_endpoint
    }
}
