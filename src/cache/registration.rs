//! OIDC client registrations in `~/.aws/sso/cache/<key>.json`, shared with the AWS CLI so that a
//! login in either tool reuses the other's registration instead of registering a new client.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::fields::{json_object, secret_field, string_field, string_list_field, timestamp_field};
use super::python_json::to_python_json;
use super::timestamp::format_cli_timestamp;
use super::{Cache, CacheEntry};
use crate::secret::Secret;

/// The registration files in one directory (normally `~/.aws/sso/cache`, next to the tokens),
/// keyed by [`super::registration_key`] (as `SsoSession::registration_key` computes it).
pub type RegistrationCache = Cache<ClientRegistration>;

/// A registration is reused only while more than this remains, as the AWS CLI does: a login can
/// take minutes, and the token it yields is refreshed with this registration afterwards.
pub const REGISTRATION_MIN_REMAINING: Duration = Duration::minutes(15);

/// A registered OIDC client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRegistration {
    pub client_id: String,
    pub client_secret: Secret,
    pub expires_at: OffsetDateTime,
    pub scopes: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
}

/// The CLI's field order; `scopes` and `grantTypes` only when used.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CliRegistrationFile<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grant_types: Option<&'a [String]>,
}

impl ClientRegistration {
    /// Reads a registration file leniently (see [`super::SsoToken::parse`]); `None` unless
    /// `clientId`, `clientSecret` and a parseable `expiresAt` are there. A `scopes` or
    /// `grantTypes` that is not a list of strings counts as absent.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let object = json_object(bytes)?;
        Some(ClientRegistration {
            client_id: string_field(&object, "clientId").filter(|v| !v.is_empty())?,
            client_secret: secret_field(&object, "clientSecret").filter(|v| !v.is_empty())?,
            expires_at: timestamp_field(&object, "expiresAt")?,
            scopes: string_list_field(&object, "scopes"),
            grant_types: string_list_field(&object, "grantTypes"),
        })
    }

    /// The exact bytes the AWS CLI writes for this registration.
    pub fn to_cli_json(&self) -> String {
        to_python_json(&CliRegistrationFile {
            client_id: &self.client_id,
            client_secret: self.client_secret.expose(),
            expires_at: format_cli_timestamp(self.expires_at),
            scopes: self.scopes.as_deref(),
            grant_types: self.grant_types.as_deref(),
        })
    }

    /// Registered for the authorization code (PKCE) flow; any other registration is for the
    /// device flow.
    pub fn is_for_pkce(&self) -> bool {
        self.grant_types
            .as_ref()
            .is_some_and(|types| types.iter().any(|t| t == "authorization_code"))
    }

    /// More than 15 minutes left and the kind matches the flow. Both flows share one cache key,
    /// so switching flows means registering again, as the CLI does.
    pub fn is_usable(&self, now: OffsetDateTime, pkce: bool) -> bool {
        self.expires_at - now > REGISTRATION_MIN_REMAINING && self.is_for_pkce() == pkce
    }
}

impl CacheEntry for ClientRegistration {
    fn from_cache_bytes(bytes: &[u8]) -> Option<Self> {
        ClientRegistration::parse(bytes)
    }

    fn to_cache_bytes(&self) -> String {
        self.to_cli_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::timestamp::utc;

    fn registration(grant_types: Option<&[&str]>) -> ClientRegistration {
        ClientRegistration {
            client_id: "CID".into(),
            client_secret: "the-client-secret".into(),
            expires_at: utc(2025, 4, 2, 3, 0, 0),
            scopes: None,
            grant_types: grant_types.map(|t| t.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn device_flow_registration_has_no_lists() {
        let device = registration(None);
        assert_eq!(
            device.to_cli_json(),
            r#"{"clientId": "CID", "clientSecret": "the-client-secret", "expiresAt": "2025-04-02T03:00:00Z"}"#
        );
        assert_eq!(
            ClientRegistration::parse(device.to_cli_json().as_bytes()),
            Some(device)
        );
    }

    #[test]
    fn usable_only_with_more_than_15_minutes_and_the_right_kind() {
        let pkce = registration(Some(&["authorization_code", "refresh_token"]));
        let device = registration(None);
        let device_with_types = registration(Some(&["refresh_token"]));
        let early = pkce.expires_at - Duration::minutes(16);
        let late = pkce.expires_at - Duration::minutes(15);
        assert!(pkce.is_for_pkce() && !device.is_for_pkce() && !device_with_types.is_for_pkce());
        assert!(pkce.is_usable(early, true));
        assert!(!pkce.is_usable(early, false));
        assert!(device.is_usable(early, false));
        assert!(device_with_types.is_usable(early, false));
        assert!(!device.is_usable(early, true));
        assert!(!pkce.is_usable(late, true));
        assert!(!device.is_usable(late, false));
    }

    #[test]
    fn rejects_incomplete_registrations() {
        for bytes in [
            &br#"{"clientId": "CID", "expiresAt": "2025-04-02T03:00:00Z"}"#[..],
            br#"{"clientSecret": "S", "expiresAt": "2025-04-02T03:00:00Z"}"#,
            br#"{"clientId": "CID", "clientSecret": "S"}"#,
            br#"{"clientId": "CID", "clientSecret": "S", "expiresAt": "2025-04-02T03:00:00Z"}}"#,
            b"",
        ] {
            assert_eq!(ClientRegistration::parse(bytes), None);
        }
        let odd = br#"{"clientId": "CID", "clientSecret": "S", "expiresAt": "2025-04-02T03:00:00Z", "grantTypes": ["authorization_code", 3]}"#;
        let parsed = ClientRegistration::parse(odd).expect("registration with odd grantTypes");
        assert_eq!(parsed.grant_types, None);
    }

    #[test]
    fn debug_hides_secret() {
        let shown = format!("{:?}", registration(None));
        assert!(
            !shown.contains("the-client-secret") && shown.contains("CID"),
            "{shown}"
        );
    }
}
