//! AWS Sign-In, the part `aws login` sessions need: `CreateOAuth2Token` with the
//! `refresh_token` grant (`POST /v1/token`, REST-JSON, the body being the `tokenInput`), which
//! renews a console session's credentials. The request must carry a DPoP proof (RFC 9449): a JWT
//! of type `dpop+jwt` for `POST` on this path, with the client's public key in its header. The
//! emulator checks its shape, not its signature; the refresh token must be one the test
//! configured, and is rotated.

use serde::Deserialize;
use serde_json::json;

use crate::http::{Request, Response};
use crate::ids;
use crate::state::State;

/// Lifetime of refreshed console-session credentials (`expiresIn`), as the service gives.
const EXPIRES_IN_SECONDS: u64 = 900;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenInput {
    client_id: Option<String>,
    grant_type: Option<String>,
    refresh_token: Option<String>,
}

/// The service's error shape: `ValidationException` (400) or `AccessDeniedException` (403),
/// with the OAuth error code the SDKs read.
fn error(status: u16, error: &str, message: &str) -> Response {
    let kind = if status == 400 {
        "ValidationException"
    } else {
        "AccessDeniedException"
    };
    Response::json(status, &json!({ "error": error, "message": message }))
        .with_header("x-amzn-errortype", kind)
}

/// `POST /v1/token`.
pub fn create_oauth2_token(state: &mut State, request: &Request) -> Response {
    if !has_dpop_proof(request) {
        return error(400, "INVALID_REQUEST", "A DPoP proof is required");
    }
    let Ok(input) = serde_json::from_slice::<TokenInput>(&request.body) else {
        return error(
            400,
            "INVALID_REQUEST",
            "The request body is not a tokenInput",
        );
    };
    if input.grant_type.as_deref() != Some("refresh_token") || input.client_id.is_none() {
        return error(
            400,
            "INVALID_REQUEST",
            "Only the refresh_token grant is emulated",
        );
    }
    let refresh_token = input.refresh_token.unwrap_or_default();
    let Some(position) = state
        .config
        .signin_refresh_tokens
        .iter()
        .position(|token| *token == refresh_token)
    else {
        return error(403, "TOKEN_EXPIRED", "The refresh token is not valid");
    };
    let rotated = ids::refresh_token();
    state.config.signin_refresh_tokens[position] = rotated.clone();
    let access_key_id = ids::access_key_id();
    let secret_access_key = ids::secret_access_key();
    let session_token = ids::session_token();
    state.record_issued_key(
        access_key_id.clone(),
        secret_access_key.clone(),
        session_token.clone(),
        std::time::Duration::from_secs(EXPIRES_IN_SECONDS),
    );
    Response::json(
        200,
        &json!({
            "accessToken": {
                "accessKeyId": access_key_id,
                "secretAccessKey": secret_access_key,
                "sessionToken": session_token,
            },
            "expiresIn": EXPIRES_IN_SECONDS,
            "refreshToken": rotated,
            "tokenType": "aws_sigv4",
        }),
    )
}

/// A `DPoP` header that is a JWT whose header says `typ: dpop+jwt` and carries a `jwk`, and whose
/// claims name this request (`htm` POST, `htu` ending in `/v1/token`).
fn has_dpop_proof(request: &Request) -> bool {
    let Some(proof) = request.header("dpop") else {
        return false;
    };
    let parts: Vec<&str> = proof.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else {
        return false;
    };
    let decode = |part: &str| -> Option<serde_json::Value> {
        serde_json::from_slice(&ids::base64url_decode(part)?).ok()
    };
    let (Some(header), Some(claims)) = (decode(header), decode(claims)) else {
        return false;
    };
    header["typ"] == "dpop+jwt"
        && header["jwk"].is_object()
        && claims["htm"] == "POST"
        && claims["htu"]
            .as_str()
            .is_some_and(|url| url.ends_with("/v1/token"))
        && !signature.is_empty()
}
