//! [`Emulator`]: a running instance on a loopback port, and the Rust API tests use to steer it.

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;

use crate::config::EmulatorConfig;
use crate::failure::Failure;
use crate::http::HttpServer;
use crate::service::{MintedSession, Service};
use crate::state::{AssumedRoleOwner, IssuedRoleCredentials};

/// A running emulator serving every service (OIDC, portal, STS) on one port; paths tell them
/// apart, so one URL works as every endpoint override (`AWS_ENDPOINT_URL`). Dropping it stops the server.
pub struct Emulator {
    service: Arc<Service>,
    url: String,
    /// Stops accepting and closes every connection when dropped.
    _server: HttpServer,
}

impl Emulator {
    /// Starts on an ephemeral port of 127.0.0.1. Requests are served on background threads,
    /// one per connection, so many clients can call at once.
    pub fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        Emulator::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
    }

    /// Starts on the given address (port 0 picks a free one).
    pub fn start_on(addr: SocketAddr, config: EmulatorConfig) -> io::Result<Emulator> {
        let listener = TcpListener::bind(addr)?;
        let mut local = listener.local_addr()?;
        if local.ip().is_unspecified() {
            local.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        let url = format!("http://{local}");
        let service = Arc::new(Service::new(config, url.clone()));
        let handler_service = Arc::clone(&service);
        let server = HttpServer::start(
            listener,
            Arc::new(move |request: &crate::http::Request| handler_service.handle(request)),
        )?;
        Ok(Emulator {
            service,
            url,
            _server: server,
        })
    }

    /// `http://127.0.0.1:PORT`, the endpoint URL for both `sso-oidc` and `sso`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// How many requests an operation received (failed and injected-failure ones included).
    /// Names: RegisterClient, StartDeviceAuthorization, CreateToken, Authorize,
    /// DeviceVerification, GetRoleCredentials, ListAccounts, ListAccountRoles, Logout,
    /// AssumeRole, GetCallerIdentity, GetSigninToken, ConsoleLogin, ConsoleLogout, ConsolePage.
    pub fn request_count(&self, operation: &str) -> u64 {
        self.service.request_count(operation)
    }

    /// Every operation's count, zeros included.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.service.request_counts()
    }

    pub fn reset_counts(&self) {
        self.service.reset_counts();
    }

    /// The next `failure.count` calls of `failure.operation` fail as described by [`Failure`].
    pub fn inject_failure(&self, failure: Failure) {
        self.service.inject_failure(failure);
    }

    pub fn clear_failures(&self) {
        self.service.clear_failures();
    }

    /// Ends every session: every access and refresh token issued so far dies (portal 401,
    /// refresh InvalidGrantException). Registrations stay valid.
    pub fn revoke_all_sessions(&self) {
        self.service.state().revoke_all_sessions();
    }

    /// Every access token issued so far expires now; their refresh tokens keep working.
    pub fn expire_access_tokens(&self) {
        self.service.state().expire_access_tokens();
    }

    /// Every client registration so far expires now (InvalidClientException).
    pub fn expire_registrations(&self) {
        self.service.state().expire_registrations();
    }

    /// Approves the pending device authorization with this user code (case and dash do not
    /// matter). False if none is pending with it.
    pub fn approve_device(&self, user_code: &str) -> bool {
        self.service.state().decide_device(user_code, true)
    }

    pub fn deny_device(&self, user_code: &str) -> bool {
        self.service.state().decide_device(user_code, false)
    }

    /// User codes of device authorizations waiting for approval, sorted.
    pub fn pending_user_codes(&self) -> Vec<String> {
        self.service.state().pending_user_codes()
    }

    /// Changes the configuration of the running emulator. New lifetimes apply to what is
    /// issued afterwards.
    pub fn update_config(&self, f: impl FnOnce(&mut EmulatorConfig)) {
        f(&mut self.service.state().config);
    }

    /// A copy of the current configuration.
    pub fn config(&self) -> EmulatorConfig {
        self.service.state().config.clone()
    }

    /// Issues a signed-in session directly, as if a PKCE login had happened, so tests can seed
    /// a token cache without a browser: registers a client and issues an access token (and a
    /// refresh token unless refresh tokens are switched off). Not counted as a request.
    pub fn mint_session(&self) -> MintedSession {
        self.service.mint_session()
    }

    /// The (account id, role name) the role credentials with this access key id were issued for.
    pub fn credentials_owner(&self, access_key_id: &str) -> Option<(String, String)> {
        self.service
            .state()
            .role_credentials
            .get(access_key_id)
            .map(|owner| (owner.account_id.clone(), owner.role_name.clone()))
    }

    /// The role credentials `GetRoleCredentials` handed out last, if any: with one client, the
    /// ones it holds now (whatever number of refreshes a test could not time).
    pub fn newest_role_credentials(&self) -> Option<IssuedRoleCredentials> {
        self.service.state().newest_role_credentials.clone()
    }

    /// What the `AssumeRole` call that issued this access key id asked for, and which key signed
    /// it; `None` for keys STS did not issue (e.g. SSO role credentials: see
    /// [`Emulator::credentials_owner`]).
    pub fn assumed_role_owner(&self, access_key_id: &str) -> Option<AssumedRoleOwner> {
        self.service
            .state()
            .assumed_roles
            .get(access_key_id)
            .cloned()
    }

    /// Every console login so far (`/federation?Action=login` that accepted its token), oldest
    /// first.
    pub fn console_logins(&self) -> Vec<crate::federation::ConsoleLogin> {
        self.service.state().console.logins.clone()
    }

    /// Console logins refused (a sign-in token unknown, expired or used again).
    pub fn refused_console_logins(&self) -> u64 {
        self.service.state().console.refused_logins
    }

    /// The decoded query parameters of the last `GET /authorize`, to check the URL a client built.
    /// The `startUrl` the last `StartDeviceAuthorization` was sent.
    pub fn last_device_start_url(&self) -> Option<String> {
        self.service.state().last_device_start_url.clone()
    }

    pub fn last_authorize_query(&self) -> Option<BTreeMap<String, String>> {
        self.service.state().last_authorize_query.clone()
    }
}
