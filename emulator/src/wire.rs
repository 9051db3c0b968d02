//! The restJson1 error shapes of the two services, byte for byte what the SDKs parse.
//!
//! - OIDC: status 400 (401 for InvalidClientException, 500 for InternalServerException), header
//!   `x-amzn-ErrorType: <Name>:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/`, body
//!   `{"error":"<snake_case>","error_description":"…"}`.
//! - Portal: header `x-amzn-ErrorType: <Name>`, body `{"message":"…"}`.

use serde_json::json;

use crate::http::Response;

const OIDC_ERROR_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";

/// The errors the OIDC service defines (all ending in `Exception` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcErrorKind {
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    InvalidGrant,
    AccessDenied,
    InvalidRequest,
    InvalidClient,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidClientMetadata,
    InvalidRedirectUri,
    InternalServer,
}

impl OidcErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            OidcErrorKind::AuthorizationPending => "AuthorizationPendingException",
            OidcErrorKind::SlowDown => "SlowDownException",
            OidcErrorKind::ExpiredToken => "ExpiredTokenException",
            OidcErrorKind::InvalidGrant => "InvalidGrantException",
            OidcErrorKind::AccessDenied => "AccessDeniedException",
            OidcErrorKind::InvalidRequest => "InvalidRequestException",
            OidcErrorKind::InvalidClient => "InvalidClientException",
            OidcErrorKind::InvalidScope => "InvalidScopeException",
            OidcErrorKind::UnauthorizedClient => "UnauthorizedClientException",
            OidcErrorKind::UnsupportedGrantType => "UnsupportedGrantTypeException",
            OidcErrorKind::InvalidClientMetadata => "InvalidClientMetadataException",
            OidcErrorKind::InvalidRedirectUri => "InvalidRedirectUriException",
            OidcErrorKind::InternalServer => "InternalServerException",
        }
    }

    pub fn status(self) -> u16 {
        oidc_status_for(self.name())
    }
}

/// An OIDC error with its human description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcError {
    pub kind: OidcErrorKind,
    pub description: String,
}

impl OidcError {
    pub fn new(kind: OidcErrorKind, description: impl Into<String>) -> Self {
        OidcError {
            kind,
            description: description.into(),
        }
    }

    pub fn to_response(&self) -> Response {
        oidc_error_response(self.kind.status(), self.kind.name(), &self.description)
    }
}

/// The status the OIDC service uses for an error name.
pub fn oidc_status_for(name: &str) -> u16 {
    match name {
        "InvalidClientException" => 401,
        "InternalServerException" => 500,
        _ => 400,
    }
}

/// An OIDC error response for any error name (also used for injected failures).
pub fn oidc_error_response(status: u16, name: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({ "error": snake_error_code(name), "error_description": description }),
    )
    .with_header("x-amzn-ErrorType", &oidc_error_type(name))
}

/// The `x-amzn-ErrorType` value of an OIDC error: the name qualified by the service namespace.
pub fn oidc_error_type(name: &str) -> String {
    format!("{name}:{OIDC_ERROR_NAMESPACE}")
}

/// `AuthorizationPendingException` → `authorization_pending` (the OAuth error code).
pub fn snake_error_code(name: &str) -> String {
    let base = name.strip_suffix("Exception").unwrap_or(name);
    let mut out = String::with_capacity(base.len() + 4);
    for (i, c) in base.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The errors the portal answers with. `Forbidden` is not in the service model but is what the
/// real service answers when the role is not assigned (`ForbiddenException: No access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalErrorKind {
    Unauthorized,
    InvalidRequest,
    ResourceNotFound,
    TooManyRequests,
    Forbidden,
}

impl PortalErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            PortalErrorKind::Unauthorized => "UnauthorizedException",
            PortalErrorKind::InvalidRequest => "InvalidRequestException",
            PortalErrorKind::ResourceNotFound => "ResourceNotFoundException",
            PortalErrorKind::TooManyRequests => "TooManyRequestsException",
            PortalErrorKind::Forbidden => "ForbiddenException",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            PortalErrorKind::Unauthorized => 401,
            PortalErrorKind::InvalidRequest => 400,
            PortalErrorKind::ResourceNotFound => 404,
            PortalErrorKind::TooManyRequests => 429,
            PortalErrorKind::Forbidden => 403,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalError {
    pub kind: PortalErrorKind,
    pub message: String,
}

impl PortalError {
    pub fn new(kind: PortalErrorKind, message: impl Into<String>) -> Self {
        PortalError {
            kind,
            message: message.into(),
        }
    }

    pub fn to_response(&self) -> Response {
        portal_error_response(self.kind.status(), self.kind.name(), &self.message)
    }
}

/// A portal error response for any error name (also used for injected failures).
pub fn portal_error_response(status: u16, name: &str, message: &str) -> Response {
    Response::json(status, &json!({ "message": message })).with_header("x-amzn-ErrorType", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_map_to_oauth_codes() {
        assert_eq!(
            snake_error_code("AuthorizationPendingException"),
            "authorization_pending"
        );
        assert_eq!(snake_error_code("SlowDownException"), "slow_down");
        assert_eq!(snake_error_code("InvalidGrantException"), "invalid_grant");
        assert_eq!(
            snake_error_code("InternalServerException"),
            "internal_server"
        );
    }

    #[test]
    fn oidc_error_has_namespaced_header_and_oauth_body() {
        let response = OidcError::new(OidcErrorKind::InvalidClient, "gone").to_response();
        assert_eq!(response.status, 401);
        assert_eq!(
            response.header("x-amzn-ErrorType"),
            Some("InvalidClientException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")
        );
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(
            body,
            json!({"error": "invalid_client", "error_description": "gone"})
        );
    }

    #[test]
    fn portal_error_has_plain_header_and_message_body() {
        let response = PortalError::new(PortalErrorKind::Unauthorized, "Session token not found")
            .to_response();
        assert_eq!(response.status, 401);
        assert_eq!(
            response.header("x-amzn-ErrorType"),
            Some("UnauthorizedException")
        );
        assert_eq!(response.header("Content-Type"), Some("application/json"));
    }
}
