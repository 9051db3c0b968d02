//! Control endpoints under `/_emulator/` so shell scripts and Python tests can steer a running
//! emulator (the Rust API offers the same through [`crate::Emulator`]):
//!
//! | request | effect / answer |
//! |---|---|
//! | `GET counts` | `{"CreateToken": 3, …}` every operation, zeros included |
//! | `POST reset-counts` | counters back to zero |
//! | `POST fail` | inject a failure: `{"operation", "status", "errorCode", "body", "delayMs", "closeConnection", "count"}` |
//! | `POST clear-failures` | forget injected failures |
//! | `POST revoke` | end every session: all access and refresh tokens die |
//! | `POST expire-access-tokens` | all access tokens expire now; refresh tokens still work |
//! | `POST expire-registrations` | all client registrations expire now |
//! | `POST approve` / `POST deny` | `{"userCode": "ABCD-EFGH"}` → `{"found": true}` (404 if not pending) |
//! | `GET pending` | `{"userCodes": [...]}` |
//! | `POST config` | partial config, see [`crate::config::ConfigPatch`] |
//! | `POST mint-session` | a signed-in session, see [`crate::MintedSession`] |
//! | `GET last-authorize` | query parameters of the last `/authorize`, or `null` |
//! | `GET credentials-owner?access_key_id=…` | `{"accountId", "roleName"}` (404 if unknown) |
//! | `GET assumed-role-owner?access_key_id=…` | `{"roleArn", "roleSessionName", "externalId", "durationSeconds", "sourceAccessKeyId", "assumedRoleArn"}` (404 if unknown) |
//! | `GET console-logins` | `{"logins": [{"accountId", "roleName", "accessKeyId", "destination", "issuer"}], "refused": N}` (see [`crate::federation`]) |
//! | `GET health` | `{"ok": true}` |

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::config::ConfigPatch;
use crate::failure::{Failure, FailureSpec};
use crate::http::{Request, Response};
use crate::service::Service;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserCodeBody {
    user_code: String,
}

fn ok() -> Response {
    Response::json(200, &json!({ "ok": true }))
}

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "message": message }))
}

fn parse<T: DeserializeOwned>(request: &Request) -> Result<T, Response> {
    serde_json::from_slice(&request.body)
        .map_err(|err| error(400, &format!("invalid JSON body: {err}")))
}

/// Serves `/_emulator/<action>`.
pub fn handle(service: &Service, action: &str, request: &Request) -> Response {
    match handle_inner(service, action, request) {
        Ok(response) | Err(response) => response,
    }
}

fn handle_inner(service: &Service, action: &str, request: &Request) -> Result<Response, Response> {
    let response = match (request.method.as_str(), action) {
        ("GET", "health") => ok(),
        ("GET", "counts") => Response::json(200, &json!(service.request_counts())),
        ("POST", "reset-counts") => {
            service.reset_counts();
            ok()
        }
        ("POST", "fail") => {
            let spec: FailureSpec = parse(request)?;
            service.inject_failure(Failure::from(spec));
            ok()
        }
        ("POST", "clear-failures") => {
            service.clear_failures();
            ok()
        }
        ("POST", "revoke") => {
            service.state().revoke_all_sessions();
            ok()
        }
        ("POST", "expire-access-tokens") => {
            service.state().expire_access_tokens();
            ok()
        }
        ("POST", "expire-registrations") => {
            service.state().expire_registrations();
            ok()
        }
        ("POST", decision @ ("approve" | "deny")) => {
            let body: UserCodeBody = parse(request)?;
            let found = service
                .state()
                .decide_device(&body.user_code, decision == "approve");
            if found {
                Response::json(200, &json!({ "found": true }))
            } else {
                error(
                    404,
                    &format!(
                        "no pending device authorization has user code {:?}",
                        body.user_code
                    ),
                )
            }
        }
        ("GET", "pending") => Response::json(
            200,
            &json!({ "userCodes": service.state().pending_user_codes() }),
        ),
        ("POST", "config") => {
            let patch: ConfigPatch = parse(request)?;
            patch
                .apply(&mut service.state().config)
                .map_err(|err| error(400, &err.to_string()))?;
            ok()
        }
        ("POST", "mint-session") => Response::json(200, &json!(service.mint_session())),
        ("GET", "console-logins") => {
            let state = service.state();
            Response::json(
                200,
                &json!({ "logins": state.console.logins, "refused": state.console.refused_logins }),
            )
        }
        ("GET", "last-authorize") => {
            Response::json(200, &json!(service.state().last_authorize_query))
        }
        ("GET", "credentials-owner") => {
            let key = request.query_param("access_key_id").unwrap_or("");
            match service.state().role_credentials.get(key) {
                Some(owner) => Response::json(
                    200,
                    &json!({ "accountId": owner.account_id, "roleName": owner.role_name }),
                ),
                None => error(
                    404,
                    "no role credentials with this access key id were issued",
                ),
            }
        }
        ("GET", "assumed-role-owner") => {
            let key = request.query_param("access_key_id").unwrap_or("");
            match service.state().assumed_roles.get(key) {
                Some(owner) => Response::json(
                    200,
                    &json!({
                        "roleArn": owner.role_arn,
                        "roleSessionName": owner.role_session_name,
                        "externalId": owner.external_id,
                        "durationSeconds": owner.duration_seconds,
                        "sourceAccessKeyId": owner.source_access_key_id,
                        "assumedRoleArn": owner.assumed_role_arn,
                    }),
                ),
                None => error(404, "no role with this access key id was assumed"),
            }
        }
        _ => error(
            404,
            &format!(
                "unknown control endpoint {} /_emulator/{action}",
                request.method
            ),
        ),
    };
    Ok(response)
}
