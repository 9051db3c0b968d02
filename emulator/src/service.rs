//! Routes requests to operations and applies what wraps every operation: the request counters,
//! the configured latency, injected failures, and request logging. Also the state-changing
//! actions shared by the Rust API ([`crate::Emulator`]) and the HTTP control endpoints.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Instant;

use serde::Serialize;

use crate::config::EmulatorConfig;
use crate::failure::{Failure, FailureQueue};
use crate::http::{Request, Response};
use crate::state::{State, epoch_seconds};
use crate::wire::{
    oidc_error_response, oidc_error_type, portal_error_response, sts_error_response,
};
use crate::{control, federation, ids, oidc, portal, signin, sts};

/// The operations the emulator serves, named as the service models name them (plus the two
/// browser pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    RegisterClient,
    StartDeviceAuthorization,
    CreateToken,
    Authorize,
    DeviceVerification,
    GetRoleCredentials,
    ListAccounts,
    ListAccountRoles,
    Logout,
    AssumeRole,
    AssumeRoleWithWebIdentity,
    GetCallerIdentity,
    CreateOAuth2Token,
    // The console (see `federation`).
    GetSigninToken,
    ConsoleLogin,
    ConsoleLogout,
    ConsolePage,
}

impl Operation {
    pub const ALL: [Operation; 17] = [
        Operation::RegisterClient,
        Operation::StartDeviceAuthorization,
        Operation::CreateToken,
        Operation::Authorize,
        Operation::DeviceVerification,
        Operation::GetRoleCredentials,
        Operation::ListAccounts,
        Operation::ListAccountRoles,
        Operation::Logout,
        Operation::AssumeRole,
        Operation::AssumeRoleWithWebIdentity,
        Operation::GetCallerIdentity,
        Operation::CreateOAuth2Token,
        Operation::GetSigninToken,
        Operation::ConsoleLogin,
        Operation::ConsoleLogout,
        Operation::ConsolePage,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::RegisterClient => "RegisterClient",
            Operation::StartDeviceAuthorization => "StartDeviceAuthorization",
            Operation::CreateToken => "CreateToken",
            Operation::Authorize => "Authorize",
            Operation::DeviceVerification => "DeviceVerification",
            Operation::GetRoleCredentials => "GetRoleCredentials",
            Operation::ListAccounts => "ListAccounts",
            Operation::ListAccountRoles => "ListAccountRoles",
            Operation::Logout => "Logout",
            Operation::AssumeRole => "AssumeRole",
            Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            Operation::GetCallerIdentity => "GetCallerIdentity",
            Operation::CreateOAuth2Token => "CreateOAuth2Token",
            Operation::GetSigninToken => "GetSigninToken",
            Operation::ConsoleLogin => "ConsoleLogin",
            Operation::ConsoleLogout => "ConsoleLogout",
            Operation::ConsolePage => "ConsolePage",
        }
    }

    /// The operation a request asks for: by path for the REST services, by the form body's
    /// `Action` for STS (`POST /`).
    pub fn for_request(request: &Request) -> Option<Operation> {
        if request.method == "POST" && request.path == "/" {
            return match sts::action_of(request)?.as_str() {
                "AssumeRole" => Some(Operation::AssumeRole),
                "AssumeRoleWithWebIdentity" => Some(Operation::AssumeRoleWithWebIdentity),
                "GetCallerIdentity" => Some(Operation::GetCallerIdentity),
                _ => None,
            };
        }
        if request.method == "GET" {
            match (request.path.as_str(), request.query_param("Action")) {
                ("/federation", Some("getSigninToken")) => return Some(Operation::GetSigninToken),
                ("/federation", Some("login")) => return Some(Operation::ConsoleLogin),
                ("/oauth", Some("logout")) => return Some(Operation::ConsoleLogout),
                (path, _) if path == "/console" || path.starts_with("/console/") => {
                    return Some(Operation::ConsolePage);
                }
                _ => {}
            }
        }
        Operation::route(&request.method, &request.path)
    }

    pub fn route(method: &str, path: &str) -> Option<Operation> {
        let operation = match (method, path) {
            ("POST", "/client/register") => Operation::RegisterClient,
            ("POST", "/device_authorization") => Operation::StartDeviceAuthorization,
            ("POST", "/token") => Operation::CreateToken,
            ("GET", "/authorize") => Operation::Authorize,
            ("GET", "/device") => Operation::DeviceVerification,
            ("GET", "/federation/credentials") => Operation::GetRoleCredentials,
            ("GET", "/assignment/accounts") => Operation::ListAccounts,
            ("GET", "/assignment/roles") => Operation::ListAccountRoles,
            ("POST", "/logout") => Operation::Logout,
            ("POST", "/v1/token") => Operation::CreateOAuth2Token,
            _ => return None,
        };
        Some(operation)
    }

    fn is_portal(self) -> bool {
        matches!(
            self,
            Operation::GetRoleCredentials
                | Operation::ListAccounts
                | Operation::ListAccountRoles
                | Operation::Logout
        )
    }

    fn is_sts(self) -> bool {
        matches!(
            self,
            Operation::AssumeRole
                | Operation::AssumeRoleWithWebIdentity
                | Operation::GetCallerIdentity
        )
    }
}

/// A signed-in session created without a login, for seeding a client's token cache in tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MintedSession {
    pub client_id: String,
    pub client_secret: String,
    /// Epoch seconds, as RegisterClient's `clientSecretExpiresAt`.
    pub client_secret_expires_at: u64,
    pub access_token: String,
    /// `None` when the emulator is configured not to issue refresh tokens.
    pub refresh_token: Option<String>,
    /// Seconds, as CreateToken's `expiresIn`.
    pub expires_in: u64,
    /// Epoch seconds at which the access token expires.
    pub expires_at: u64,
}

pub struct Service {
    state: Mutex<State>,
    counts: Mutex<BTreeMap<String, u64>>,
    failures: Mutex<FailureQueue>,
    base_url: String,
}

/// A poisoned lock only means another request thread panicked; the data is still usable and an
/// emulator that stopped answering would hide the original panic behind timeouts.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Service {
    pub fn new(config: EmulatorConfig, base_url: String) -> Self {
        Service {
            state: Mutex::new(State::new(config)),
            counts: Mutex::new(BTreeMap::new()),
            failures: Mutex::new(FailureQueue::default()),
            base_url,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Entry point for every request. `None` drops the connection (an injected failure).
    pub fn handle(&self, request: &Request) -> Option<Response> {
        if let Some(action) = request.path.strip_prefix("/_emulator/") {
            return Some(control::handle(self, action, request));
        }
        let redirect = self
            .state()
            .config
            .start_url_redirects
            .get(&request.path)
            .cloned();
        if let Some(location) =
            redirect.filter(|_| matches!(request.method.as_str(), "HEAD" | "GET"))
        {
            *lock(&self.counts)
                .entry("StartUrlRedirect".to_owned())
                .or_default() += 1;
            return Some(Response::new(302).with_header("Location", &location));
        }
        if request.path == "/container-credentials"
            && let Some(key) = self.state().config.container_credentials_key.clone()
        {
            *lock(&self.counts)
                .entry("ContainerCredentials".to_owned())
                .or_default() += 1;
            return Some(container_credentials(&key));
        }
        let started = Instant::now();
        let (latency, log_requests) = {
            let state = self.state();
            (state.config.latency, state.config.log_requests)
        };
        let operation = Operation::for_request(request);
        let response = match operation {
            None => Some(unknown_operation(request)),
            Some(operation) => {
                *lock(&self.counts)
                    .entry(operation.name().to_owned())
                    .or_default() += 1;
                if !latency.is_zero() {
                    thread::sleep(latency);
                }
                self.serve(operation, request)
            }
        };
        if log_requests {
            let outcome = response
                .as_ref()
                .map_or_else(|| "connection dropped".to_owned(), |r| r.status.to_string());
            eprintln!(
                "sso-emulator: {} {} {} -> {} ({} ms)",
                operation.map_or("Unknown", Operation::name),
                request.method,
                request.path,
                outcome,
                started.elapsed().as_millis()
            );
        }
        response
    }

    fn serve(&self, operation: Operation, request: &Request) -> Option<Response> {
        let failure = lock(&self.failures).take(operation.name());
        if let Some(failure) = failure {
            if let Some(delay) = failure.delay {
                thread::sleep(delay);
            }
            if failure.close_connection {
                return None;
            }
            if failure.status != 0 {
                return Some(injected_response(operation, &failure));
            }
        }
        let mut state = self.state();
        let response = match operation {
            Operation::RegisterClient => oidc::register_client(&mut state, request),
            Operation::StartDeviceAuthorization => {
                oidc::start_device_authorization(&mut state, request, &self.base_url)
            }
            Operation::CreateToken => oidc::create_token(&mut state, request),
            Operation::Authorize => oidc::authorize(&mut state, request),
            Operation::DeviceVerification => oidc::device_page(&mut state, request),
            Operation::GetRoleCredentials => portal::get_role_credentials(&mut state, request),
            Operation::ListAccounts => portal::list_accounts(&mut state, request),
            Operation::ListAccountRoles => portal::list_account_roles(&mut state, request),
            Operation::Logout => portal::logout(&mut state, request),
            Operation::AssumeRole => sts::assume_role(&mut state, request),
            Operation::AssumeRoleWithWebIdentity => {
                sts::assume_role_with_web_identity(&mut state, request)
            }
            Operation::GetCallerIdentity => sts::get_caller_identity(&mut state, request),
            Operation::CreateOAuth2Token => signin::create_oauth2_token(&mut state, request),
            Operation::GetSigninToken => federation::get_signin_token(&mut state, request),
            Operation::ConsoleLogin => federation::login(&mut state, request),
            Operation::ConsoleLogout => federation::logout(&mut state, request, &self.base_url),
            Operation::ConsolePage => federation::console_page(&state, request),
        };
        Some(response.with_header("x-amzn-RequestId", &ids::request_id()))
    }

    pub fn request_count(&self, operation: &str) -> u64 {
        lock(&self.counts).get(operation).copied().unwrap_or(0)
    }

    /// Counts of every operation, zero included, so scripts can index any name.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        let counts = lock(&self.counts);
        let mut all: BTreeMap<String, u64> = Operation::ALL
            .iter()
            .map(|op| (op.name().to_owned(), 0))
            .collect();
        all.extend(counts.iter().map(|(name, count)| (name.clone(), *count)));
        all
    }

    pub fn reset_counts(&self) {
        lock(&self.counts).clear();
    }

    pub fn inject_failure(&self, failure: Failure) {
        lock(&self.failures).push(failure);
    }

    pub fn clear_failures(&self) {
        lock(&self.failures).clear();
    }

    /// Registers a sso-session style client (PKCE grants, `sso:account:access`) and signs it in.
    pub fn mint_session(&self) -> MintedSession {
        let mut state = self.state();
        let registration = state.register(
            "sso-emulator-minted".to_owned(),
            vec!["sso:account:access".to_owned()],
            vec![
                oidc::GRANT_AUTHORIZATION_CODE.to_owned(),
                oidc::GRANT_REFRESH_TOKEN.to_owned(),
            ],
            vec!["http://127.0.0.1/oauth/callback".to_owned()],
        );
        let tokens = state.start_session(&registration);
        MintedSession {
            client_id: registration.client_id,
            client_secret: registration.client_secret,
            client_secret_expires_at: registration.expires_at_epoch,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_in: tokens.expires_in,
            expires_at: epoch_seconds(std::time::SystemTime::now())
                .saturating_add(tokens.expires_in),
        }
    }
}

/// 404 for paths no operation serves, in the portal's error shape; an STS action the emulator
/// does not know is STS's own `InvalidAction`.
fn unknown_operation(request: &Request) -> Response {
    if request.method == "POST" && request.path == "/" {
        let action = sts::action_of(request).unwrap_or_default();
        return sts_error_response(
            400,
            "InvalidAction",
            &format!("Could not find operation {action} for version 2011-06-15"),
        );
    }
    portal_error_response(
        404,
        "UnknownOperationException",
        &format!("No operation at {} {}", request.method, request.path),
    )
}

/// The answer an injected failure prescribes (see [`Failure`]).
fn injected_response(operation: Operation, failure: &Failure) -> Response {
    let code = failure
        .error_code
        .as_deref()
        .filter(|code| !code.is_empty());
    if let Some(body) = &failure.body {
        let content_type = if operation.is_sts() {
            "text/xml"
        } else {
            "application/json"
        };
        let mut response = Response::new(failure.status)
            .with_header("Content-Type", content_type)
            .with_body(body.clone().into_bytes());
        // STS (awsQuery) carries the error code in the XML body only.
        if let Some(code) = code.filter(|_| !operation.is_sts()) {
            let header = if operation.is_portal() {
                code.to_owned()
            } else {
                oidc_error_type(code)
            };
            response = response.with_header("x-amzn-ErrorType", &header);
        }
        return response;
    }
    match code {
        Some(code) if operation.is_sts() => {
            sts_error_response(failure.status, code, "Injected failure")
        }
        Some(code) if operation.is_portal() => {
            portal_error_response(failure.status, code, "Injected failure")
        }
        Some(code) => oidc_error_response(failure.status, code, "Injected failure"),
        None => Response::new(failure.status),
    }
}

/// What the ECS agent's credentials endpoint answers: the key (an IAM user's, which STS accepts
/// without checking the token), valid for an hour.
fn container_credentials(key: &str) -> Response {
    let expires = crate::state::epoch_seconds(std::time::SystemTime::now()) + 3600;
    Response::json(
        200,
        &serde_json::json!({
            "AccessKeyId": key,
            "SecretAccessKey": "container-secret",
            "Token": "container-session-token",
            "Expiration": crate::sts::iso8601(expires),
            "RoleArn": "arn:aws:iam::111122223333:role/task",
        }),
    )
}
