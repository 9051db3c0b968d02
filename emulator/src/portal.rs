//! The SSO portal service: GetRoleCredentials, ListAccounts, ListAccountRoles, Logout. Every call
//! carries the OIDC access token in the `x-amz-sso_bearer_token` header.

use serde_json::{Value, json};

use crate::http::{Request, Response};
use crate::ids;
use crate::state::{CredentialsOwner, SessionId, State, epoch_millis_after};
use crate::wire::{PortalError, PortalErrorKind};

pub const BEARER_HEADER: &str = "x-amz-sso_bearer_token";

/// Page size when the client gives no `max_result`.
const DEFAULT_PAGE_SIZE: usize = 20;
const ACCOUNTS_TOKEN_PREFIX: &str = "accounts-";
const ROLES_TOKEN_PREFIX: &str = "roles-";

fn invalid_request(message: impl Into<String>) -> PortalError {
    PortalError::new(PortalErrorKind::InvalidRequest, message)
}

fn respond(result: Result<Value, PortalError>) -> Response {
    match result {
        Ok(value) => Response::json(200, &value),
        Err(err) => err.to_response(),
    }
}

/// The session of the bearer token, or 401 for a missing, unknown, expired or revoked token.
fn authenticate(state: &State, request: &Request) -> Result<SessionId, PortalError> {
    request
        .header(BEARER_HEADER)
        .filter(|token| !token.is_empty())
        .and_then(|token| state.session_of_access_token(token))
        .ok_or_else(|| {
            PortalError::new(
                PortalErrorKind::Unauthorized,
                "Session token not found or invalid",
            )
        })
}

fn required<'a>(request: &'a Request, name: &str) -> Result<&'a str, PortalError> {
    request
        .query_param(name)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| invalid_request(format!("{name} is required")))
}

/// `GET /federation/credentials?role_name=…&account_id=…`.
pub fn get_role_credentials(state: &mut State, request: &Request) -> Response {
    respond(get_role_credentials_inner(state, request))
}

fn get_role_credentials_inner(state: &mut State, request: &Request) -> Result<Value, PortalError> {
    authenticate(state, request)?;
    let role_name = required(request, "role_name")?;
    let account_id = required(request, "account_id")?;
    let assigned =
        state.config.accounts.iter().any(|account| {
            account.id == account_id && account.roles.iter().any(|r| r == role_name)
        });
    if !assigned {
        // What the real service answers for a role the user is not assigned to.
        return Err(PortalError::new(PortalErrorKind::Forbidden, "No access"));
    }
    let access_key_id = ids::access_key_id();
    let secret_access_key = ids::secret_access_key();
    let session_token = ids::session_token();
    let lifetime = state.config.credential_lifetime;
    let expiration = epoch_millis_after(lifetime);
    let body = json!({
        "roleCredentials": {
            "accessKeyId": access_key_id,
            "secretAccessKey": secret_access_key,
            "sessionToken": session_token,
            "expiration": expiration,
        }
    });
    state.record_issued_key(
        access_key_id.clone(),
        secret_access_key,
        session_token,
        lifetime,
    );
    state.record_role_credentials(
        access_key_id,
        expiration,
        CredentialsOwner {
            account_id: account_id.to_owned(),
            role_name: role_name.to_owned(),
        },
    );
    Ok(body)
}

/// Reads `max_result` (1–100) and the offset encoded in `next_token`.
fn page_bounds(
    request: &Request,
    token_prefix: &str,
    total: usize,
) -> Result<(usize, usize), PortalError> {
    let page_size = match request.query_param("max_result") {
        None => DEFAULT_PAGE_SIZE,
        Some(text) => match text.parse::<usize>() {
            Ok(size) if (1..=100).contains(&size) => size,
            _ => return Err(invalid_request("max_result must be between 1 and 100")),
        },
    };
    let offset = match request.query_param("next_token") {
        None => 0,
        Some(token) => token
            .strip_prefix(token_prefix)
            .and_then(|offset| offset.parse::<usize>().ok())
            .filter(|offset| *offset <= total)
            .ok_or_else(|| invalid_request("Invalid next_token"))?,
    };
    Ok((offset, (offset + page_size).min(total)))
}

fn with_next_token(mut body: Value, token_prefix: &str, end: usize, total: usize) -> Value {
    if end < total {
        body["nextToken"] = Value::String(format!("{token_prefix}{end}"));
    }
    body
}

/// `GET /assignment/accounts`.
pub fn list_accounts(state: &mut State, request: &Request) -> Response {
    respond(list_accounts_inner(state, request))
}

fn list_accounts_inner(state: &State, request: &Request) -> Result<Value, PortalError> {
    authenticate(state, request)?;
    let accounts = &state.config.accounts;
    let (start, end) = page_bounds(request, ACCOUNTS_TOKEN_PREFIX, accounts.len())?;
    let list: Vec<Value> = accounts[start..end]
        .iter()
        .map(|account| {
            json!({
                "accountId": account.id,
                "accountName": account.name,
                "emailAddress": account.email,
            })
        })
        .collect();
    Ok(with_next_token(
        json!({ "accountList": list }),
        ACCOUNTS_TOKEN_PREFIX,
        end,
        accounts.len(),
    ))
}

/// `GET /assignment/roles?account_id=…`.
pub fn list_account_roles(state: &mut State, request: &Request) -> Response {
    respond(list_account_roles_inner(state, request))
}

fn list_account_roles_inner(state: &State, request: &Request) -> Result<Value, PortalError> {
    authenticate(state, request)?;
    let account_id = required(request, "account_id")?;
    let Some(account) = state.config.accounts.iter().find(|a| a.id == account_id) else {
        return Err(PortalError::new(
            PortalErrorKind::ResourceNotFound,
            format!("Account {account_id} is not assigned to this user"),
        ));
    };
    let (start, end) = page_bounds(request, ROLES_TOKEN_PREFIX, account.roles.len())?;
    let list: Vec<Value> = account.roles[start..end]
        .iter()
        .map(|role| json!({ "roleName": role, "accountId": account.id }))
        .collect();
    Ok(with_next_token(
        json!({ "roleList": list }),
        ROLES_TOKEN_PREFIX,
        end,
        account.roles.len(),
    ))
}

/// `POST /logout`: ends the session of the token (its access and refresh tokens die).
pub fn logout(state: &mut State, request: &Request) -> Response {
    match authenticate(state, request) {
        Ok(session) => {
            state.end_session(session);
            Response::new(200)
        }
        Err(err) => err.to_response(),
    }
}
