//! The error shapes of the emulated services, byte for byte what the SDKs parse.
//!
//! - OIDC (restJson1): status 400 (401 for InvalidClientException, 500 for
//!   InternalServerException), header
//!   `x-amzn-ErrorType: <Name>:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/`, body
//!   `{"error":"<snake_case>","error_description":"…"}`.
//! - Portal (restJson1): header `x-amzn-ErrorType: <Name>`, body `{"message":"…"}`.
//! - STS (awsQuery): `text/xml` body
//!   `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
//!   <RequestId>…</RequestId></ErrorResponse>`.

use serde_json::json;

use crate::http::Response;
use crate::ids;

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

/// The XML namespace of every STS response.
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// An STS error response for any error code (also used for injected failures). 5xx errors are
/// the service's fault (`Receiver`), everything else the caller's (`Sender`).
pub fn sts_error_response(status: u16, code: &str, message: &str) -> Response {
    let fault = if status >= 500 { "Receiver" } else { "Sender" };
    let body = format!(
        "<ErrorResponse xmlns=\"{STS_NAMESPACE}\">\n  <Error>\n    <Type>{fault}</Type>\n    \
         <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n\
         </ErrorResponse>\n",
        xml_escape(code),
        xml_escape(message),
        ids::request_id(),
    );
    xml_response(status, body)
}

/// A `text/xml` response, as STS sends.
pub fn xml_response(status: u16, body: String) -> Response {
    Response::new(status)
        .with_header("Content-Type", "text/xml")
        .with_body(body.into_bytes())
}

/// Escapes the five characters XML gives a meaning to, for text and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sts_error_is_the_awsquery_xml_shape() {
        let response = sts_error_response(403, "AccessDenied", "not <allowed> & \"so\"");
        assert_eq!(response.status, 403);
        assert_eq!(response.header("Content-Type"), Some("text/xml"));
        let body = String::from_utf8(response.body).unwrap();
        assert!(body.contains("<Type>Sender</Type>"), "{body}");
        assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
        assert!(
            body.contains("<Message>not &lt;allowed&gt; &amp; &quot;so&quot;</Message>"),
            "{body}"
        );
        let server = String::from_utf8(sts_error_response(500, "InternalFailure", "x").body);
        assert!(server.unwrap().contains("<Type>Receiver</Type>"));
    }

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
