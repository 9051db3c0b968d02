//! The SSO OIDC service: RegisterClient, StartDeviceAuthorization, CreateToken, and the two
//! pages a browser visits during a login (`/authorize` for PKCE, `/device` for the device flow).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::AuthorizeBehaviour;
use crate::http::{Request, Response};
use crate::ids;
use crate::state::{
    AuthorizationCode, DeviceAuthorization, DeviceStatus, Registration, State, deadline,
};
use crate::url_encoding::percent_encode;
use crate::wire::{OidcError, OidcErrorKind};

pub const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";

/// How long an authorization code from `/authorize` can be exchanged.
const AUTHORIZATION_CODE_LIFETIME: Duration = Duration::from_secs(300);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterClientRequest {
    client_name: Option<String>,
    client_type: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    grant_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartDeviceAuthorizationRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    start_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTokenRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

fn invalid_request(description: impl Into<String>) -> OidcError {
    OidcError::new(OidcErrorKind::InvalidRequest, description)
}

fn invalid_grant(description: impl Into<String>) -> OidcError {
    OidcError::new(OidcErrorKind::InvalidGrant, description)
}

fn parse_body<T: DeserializeOwned>(request: &Request) -> Result<T, OidcError> {
    let body: &[u8] = if request.body.is_empty() {
        b"{}"
    } else {
        &request.body
    };
    serde_json::from_slice(body)
        .map_err(|err| invalid_request(format!("The request body is not valid: {err}")))
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, OidcError> {
    match value.as_deref() {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(invalid_request(format!("{name} is required"))),
    }
}

fn respond(result: Result<Value, OidcError>) -> Response {
    match result {
        Ok(value) => Response::json(200, &value),
        Err(err) => err.to_response(),
    }
}

/// `POST /client/register`.
pub fn register_client(state: &mut State, request: &Request) -> Response {
    respond(register_client_inner(state, request))
}

fn register_client_inner(state: &mut State, request: &Request) -> Result<Value, OidcError> {
    let input: RegisterClientRequest = parse_body(request)?;
    let client_name = required(&input.client_name, "clientName")?.to_owned();
    let client_type = required(&input.client_type, "clientType")?;
    if client_type != "public" {
        return Err(OidcError::new(
            OidcErrorKind::InvalidClientMetadata,
            format!(
                "Unsupported clientType {client_type:?}; only \"public\" clients are supported"
            ),
        ));
    }
    for grant in &input.grant_types {
        if ![
            GRANT_DEVICE_CODE,
            GRANT_AUTHORIZATION_CODE,
            GRANT_REFRESH_TOKEN,
        ]
        .contains(&grant.as_str())
        {
            return Err(OidcError::new(
                OidcErrorKind::UnsupportedGrantType,
                format!("Unsupported grant type {grant:?}"),
            ));
        }
    }
    if input.scopes.iter().any(|scope| scope.trim().is_empty()) {
        return Err(OidcError::new(
            OidcErrorKind::InvalidScope,
            "Scopes must not be empty",
        ));
    }
    if input
        .grant_types
        .iter()
        .any(|g| g == GRANT_AUTHORIZATION_CODE)
        && input.redirect_uris.is_empty()
    {
        return Err(OidcError::new(
            OidcErrorKind::InvalidRedirectUri,
            "The authorization_code grant needs at least one redirect URI",
        ));
    }
    if let Some(bad) = input
        .redirect_uris
        .iter()
        .find(|uri| parse_loopback_uri(uri).is_none())
    {
        return Err(OidcError::new(
            OidcErrorKind::InvalidRedirectUri,
            format!("Redirect URI {bad:?} is not an http loopback URI"),
        ));
    }
    let registration = state.register(
        client_name,
        input.scopes,
        input.grant_types,
        input.redirect_uris,
    );
    Ok(json!({
        "clientId": registration.client_id,
        "clientSecret": registration.client_secret,
        "clientIdIssuedAt": registration.issued_at_epoch,
        "clientSecretExpiresAt": registration.expires_at_epoch,
    }))
}

/// Checks the client's credentials and that its registration has not expired.
fn authenticate_client(
    state: &State,
    client_id: &str,
    client_secret: &str,
) -> Result<Registration, OidcError> {
    let Some(registration) = state.registrations.get(client_id) else {
        return Err(OidcError::new(
            OidcErrorKind::InvalidClient,
            "Client is not registered",
        ));
    };
    if registration.client_secret != client_secret {
        return Err(OidcError::new(
            OidcErrorKind::InvalidClient,
            "Invalid client secret",
        ));
    }
    if Instant::now() >= registration.expires_at {
        return Err(OidcError::new(
            OidcErrorKind::InvalidClient,
            "Client registration has expired",
        ));
    }
    Ok(registration.clone())
}

/// `POST /device_authorization`.
pub fn start_device_authorization(
    state: &mut State,
    request: &Request,
    base_url: &str,
) -> Response {
    respond(start_device_authorization_inner(state, request, base_url))
}

fn start_device_authorization_inner(
    state: &mut State,
    request: &Request,
    base_url: &str,
) -> Result<Value, OidcError> {
    let input: StartDeviceAuthorizationRequest = parse_body(request)?;
    let client_id = required(&input.client_id, "clientId")?;
    let client_secret = required(&input.client_secret, "clientSecret")?;
    required(&input.start_url, "startUrl")?;
    state.last_device_start_url = input.start_url.clone();
    let registration = authenticate_client(state, client_id, client_secret)?;
    if !registration.allows_grant(GRANT_DEVICE_CODE) {
        return Err(OidcError::new(
            OidcErrorKind::UnauthorizedClient,
            "This client is not registered for the device code grant",
        ));
    }
    let device_code = ids::device_code();
    let user_code = ids::user_code();
    let lifetime = state.config.device_code_lifetime;
    let interval = state.config.device_interval;
    state.device_authorizations.insert(
        device_code.clone(),
        DeviceAuthorization {
            client_id: registration.client_id,
            user_code: user_code.clone(),
            expires_at: deadline(lifetime),
            interval,
            status: DeviceStatus::Pending,
            polls: 0,
            last_poll: None,
        },
    );
    Ok(json!({
        "deviceCode": device_code,
        "userCode": user_code,
        "verificationUri": format!("{base_url}/device"),
        "verificationUriComplete": format!("{base_url}/device?user_code={}", percent_encode(&user_code)),
        "expiresIn": lifetime.as_secs(),
        "interval": interval,
    }))
}

/// `POST /token`.
pub fn create_token(state: &mut State, request: &Request) -> Response {
    respond(create_token_inner(state, request))
}

fn create_token_inner(state: &mut State, request: &Request) -> Result<Value, OidcError> {
    let input: CreateTokenRequest = parse_body(request)?;
    let client_id = required(&input.client_id, "clientId")?;
    let client_secret = required(&input.client_secret, "clientSecret")?;
    let grant_type = required(&input.grant_type, "grantType")?;
    let registration = authenticate_client(state, client_id, client_secret)?;
    if ![
        GRANT_DEVICE_CODE,
        GRANT_AUTHORIZATION_CODE,
        GRANT_REFRESH_TOKEN,
    ]
    .contains(&grant_type)
    {
        return Err(OidcError::new(
            OidcErrorKind::UnsupportedGrantType,
            format!("Unsupported grant type {grant_type:?}"),
        ));
    }
    if !registration.allows_grant(grant_type) {
        return Err(OidcError::new(
            OidcErrorKind::UnauthorizedClient,
            format!("This client is not registered for the {grant_type} grant"),
        ));
    }
    let tokens = match grant_type {
        GRANT_DEVICE_CODE => {
            let device_code = required(&input.device_code, "deviceCode")?;
            redeem_device_code(state, &registration, device_code)?
        }
        GRANT_AUTHORIZATION_CODE => redeem_authorization_code(state, &registration, &input)?,
        _ => {
            let refresh_token = required(&input.refresh_token, "refreshToken")?;
            redeem_refresh_token(state, &registration, refresh_token)?
        }
    };
    let mut body = json!({
        "accessToken": tokens.access_token,
        "tokenType": "Bearer",
        "expiresIn": tokens.expires_in,
    });
    if let Some(refresh_token) = tokens.refresh_token {
        body["refreshToken"] = Value::String(refresh_token);
    }
    Ok(body)
}

/// One poll of the device flow (RFC 8628 §3.5).
fn redeem_device_code(
    state: &mut State,
    registration: &Registration,
    device_code: &str,
) -> Result<crate::state::IssuedTokens, OidcError> {
    let enforce_slow_down = state.config.enforce_slow_down;
    let auto_approve_after = state.config.device_auto_approve_after_polls;
    let now = Instant::now();
    let Some(auth) = state.device_authorizations.get_mut(device_code) else {
        return Err(invalid_grant("Invalid device code provided"));
    };
    if auth.client_id != registration.client_id {
        return Err(invalid_grant("Invalid device code provided"));
    }
    if now >= auth.expires_at {
        return Err(OidcError::new(
            OidcErrorKind::ExpiredToken,
            "Device code has expired",
        ));
    }
    match auth.status {
        DeviceStatus::Denied => {
            return Err(OidcError::new(
                OidcErrorKind::AccessDenied,
                "The user denied the authorization request",
            ));
        }
        DeviceStatus::Redeemed => {
            return Err(invalid_grant("Device code has already been used"));
        }
        DeviceStatus::Approved => {}
        DeviceStatus::Pending => {
            let too_fast = auth.last_poll.is_some_and(|last| {
                now.duration_since(last) < Duration::from_secs(u64::from(auth.interval))
            });
            auth.last_poll = Some(now);
            if enforce_slow_down && too_fast {
                auth.interval = auth.interval.saturating_add(5);
                return Err(OidcError::new(
                    OidcErrorKind::SlowDown,
                    "Client is polling too quickly",
                ));
            }
            auth.polls = auth.polls.saturating_add(1);
            let auto_approved = auto_approve_after.is_some_and(|after| auth.polls > after);
            if !auto_approved {
                return Err(OidcError::new(
                    OidcErrorKind::AuthorizationPending,
                    "Authorization is still pending",
                ));
            }
        }
    }
    auth.status = DeviceStatus::Redeemed;
    Ok(state.start_session(registration))
}

fn redeem_authorization_code(
    state: &mut State,
    registration: &Registration,
    input: &CreateTokenRequest,
) -> Result<crate::state::IssuedTokens, OidcError> {
    let code = required(&input.code, "code")?;
    let redirect_uri = required(&input.redirect_uri, "redirectUri")?;
    let code_verifier = required(&input.code_verifier, "codeVerifier")?;
    let Some(stored) = state.authorization_codes.get(code) else {
        return Err(invalid_grant("Invalid authorization code provided"));
    };
    if stored.client_id != registration.client_id || Instant::now() >= stored.expires_at {
        return Err(invalid_grant("Invalid authorization code provided"));
    }
    if stored.redirect_uri != redirect_uri {
        return Err(invalid_grant(
            "redirectUri does not match the one used to authorize",
        ));
    }
    if ids::pkce_s256_challenge(code_verifier) != stored.code_challenge {
        return Err(invalid_grant(
            "codeVerifier does not match the code challenge",
        ));
    }
    state.authorization_codes.remove(code);
    Ok(state.start_session(registration))
}

fn redeem_refresh_token(
    state: &mut State,
    registration: &Registration,
    refresh_token: &str,
) -> Result<crate::state::IssuedTokens, OidcError> {
    let rotate = state.config.rotate_refresh_tokens;
    let Some(record) = state.refresh_tokens.get(refresh_token).cloned() else {
        return Err(invalid_grant("Invalid refresh token provided"));
    };
    if record.client_id != registration.client_id {
        return Err(invalid_grant("Invalid refresh token provided"));
    }
    if record.used || !state.session_active(record.session) {
        return Err(invalid_grant("Refresh token has expired or been revoked"));
    }
    if rotate && let Some(stored) = state.refresh_tokens.get_mut(refresh_token) {
        stored.used = true;
    }
    Ok(state.issue_tokens(&registration.client_id, record.session, rotate))
}

/// A loopback redirect URI split into (host, port, path and query). `None` if it is not
/// `http://` on a loopback host.
fn parse_loopback_uri(uri: &str) -> Option<(String, Option<u16>, String)> {
    let rest = uri.strip_prefix("http://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        (format!("[{host}]"), port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port.parse().ok()?)),
            None => (authority.to_owned(), None),
        }
    };
    let host = host.to_ascii_lowercase();
    if !matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]") {
        return None;
    }
    let path = if path.is_empty() { "/" } else { path };
    Some((host, port, path.to_owned()))
}

/// RFC 8252 §7.3: a loopback redirect URI matches its registration whatever the port, because
/// the client picks a free port at login time.
pub fn redirect_uri_matches(registered: &str, requested: &str) -> bool {
    match (
        parse_loopback_uri(registered),
        parse_loopback_uri(requested),
    ) {
        (Some((host_a, _, path_a)), Some((host_b, _, path_b))) => {
            host_a == host_b && path_a == path_b
        }
        _ => false,
    }
}

fn page(title: &str, message: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{message}</p></body></html>"
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /authorize`: the sign-in page of the PKCE flow. Errors about the client or the redirect
/// URI are shown on the page (redirecting to an unverified URI would be an open redirect);
/// every other outcome goes back to the client's loopback listener.
pub fn authorize(state: &mut State, request: &Request) -> Response {
    let params: BTreeMap<String, String> = request.query.iter().cloned().collect();
    state.last_authorize_query = Some(params.clone());
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or("");

    let client_id = param("client_id");
    let Some(registration) = state.registrations.get(client_id).cloned() else {
        return Response::html(
            400,
            &page("Invalid client", "client_id is missing or not registered."),
        );
    };
    if Instant::now() >= registration.expires_at {
        return Response::html(
            400,
            &page("Invalid client", "The client registration has expired."),
        );
    }
    let redirect_uri = param("redirect_uri");
    if redirect_uri.is_empty()
        || !registration
            .redirect_uris
            .iter()
            .any(|registered| redirect_uri_matches(registered, redirect_uri))
    {
        return Response::html(
            400,
            &page(
                "Invalid redirect URI",
                &format!(
                    "redirect_uri {} is not registered for this client.",
                    html_escape(redirect_uri)
                ),
            ),
        );
    }

    let requested_scopes: Vec<&str> = param("scopes").split_whitespace().collect();
    let error = if param("response_type") != "code" {
        Some(("unsupported_response_type", "response_type must be code"))
    } else if param("code_challenge").is_empty() {
        Some(("invalid_request", "code_challenge is required"))
    } else if param("code_challenge_method") != "S256" {
        Some(("invalid_request", "code_challenge_method must be S256"))
    } else if !registration.allows_grant(GRANT_AUTHORIZATION_CODE) {
        Some((
            "unauthorized_client",
            "The client is not registered for the authorization_code grant",
        ))
    } else if !registration.scopes.is_empty()
        && requested_scopes
            .iter()
            .any(|scope| !registration.scopes.iter().any(|s| s == scope))
    {
        Some((
            "invalid_scope",
            "The requested scopes were not registered by the client",
        ))
    } else if state.config.authorize == AuthorizeBehaviour::Deny {
        Some(("access_denied", "The user denied access"))
    } else {
        None
    };

    let mut location = redirect_uri.to_owned();
    location.push(if location.contains('?') { '&' } else { '?' });
    match error {
        Some((code, description)) => {
            location.push_str(&format!(
                "error={code}&error_description={}",
                percent_encode(description)
            ));
        }
        None => {
            let code = ids::authorization_code();
            state.authorization_codes.insert(
                code.clone(),
                AuthorizationCode {
                    client_id: registration.client_id.clone(),
                    redirect_uri: redirect_uri.to_owned(),
                    code_challenge: param("code_challenge").to_owned(),
                    expires_at: deadline(AUTHORIZATION_CODE_LIFETIME),
                },
            );
            location.push_str(&format!("code={}", percent_encode(&code)));
        }
    }
    if let Some(client_state) = params.get("state") {
        location.push_str(&format!("&state={}", percent_encode(client_state)));
    }
    Response::html(
        302,
        &page(
            "Redirecting",
            &format!(
                "Continue to <a href=\"{0}\">{0}</a>.",
                html_escape(&location)
            ),
        ),
    )
    .with_header("Location", &location)
    .with_header("Cache-Control", "no-store")
}

/// `GET /device?user_code=…`: the verification page of the device flow. Visiting it with a code
/// signs in and approves (or denies, when configured to deny) that request.
pub fn device_page(state: &mut State, request: &Request) -> Response {
    let Some(user_code) = request.query_param("user_code").filter(|c| !c.is_empty()) else {
        return Response::html(
            200,
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Authorize request</title>\
             </head><body><h1>Authorize request</h1><form method=\"get\" action=\"/device\">\
             <label>Code <input name=\"user_code\" autofocus></label> <button>Submit</button>\
             </form></body></html>",
        );
    };
    let approve = state.config.authorize == AuthorizeBehaviour::Approve;
    if !state.decide_device(user_code, approve) {
        return Response::html(
            404,
            &page(
                "Unknown code",
                &format!(
                    "No pending request has the code {}.",
                    html_escape(user_code)
                ),
            ),
        );
    }
    if approve {
        Response::html(
            200,
            &page(
                "Request approved",
                "You can close this window and return to your terminal.",
            ),
        )
    } else {
        Response::html(200, &page("Request denied", "Access was not granted."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirect_uris_match_whatever_the_port() {
        let registered = "http://127.0.0.1/oauth/callback";
        assert!(redirect_uri_matches(
            registered,
            "http://127.0.0.1:54321/oauth/callback"
        ));
        assert!(redirect_uri_matches(registered, registered));
        assert!(!redirect_uri_matches(
            registered,
            "http://localhost:54321/oauth/callback"
        ));
        assert!(!redirect_uri_matches(
            registered,
            "http://127.0.0.1:54321/other"
        ));
        assert!(!redirect_uri_matches(
            registered,
            "https://127.0.0.1:54321/oauth/callback"
        ));
        assert!(!redirect_uri_matches(
            registered,
            "http://evil.example/oauth/callback"
        ));
        assert!(redirect_uri_matches(
            "http://[::1]/cb",
            "http://[::1]:8080/cb"
        ));
    }
}
