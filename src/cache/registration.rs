//! OIDC client registrations in `~/.aws/sso/cache/<key>.json`, shared with the AWS CLI so that a
//! login in either tool reuses the other's registration instead of registering a new client.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::python_json::to_python_json;
use super::timestamp::format_cli_timestamp;
use super::{
    CacheError, REDACTED, cache_file, json_object, read_if_exists, remove_if_exists, store_file,
    string_field, string_list_field, timestamp_field,
};

/// A registration is reused only while more than this remains, as the AWS CLI does: a login can
/// take minutes, and the token it yields is refreshed with this registration afterwards.
pub const REGISTRATION_MIN_REMAINING: Duration = Duration::minutes(15);

/// A registered OIDC client. `Debug` never shows the client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    pub client_id: String,
    pub client_secret: String,
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
            client_secret: string_field(&object, "clientSecret").filter(|v| !v.is_empty())?,
            expires_at: timestamp_field(&object, "expiresAt")?,
            scopes: string_list_field(&object, "scopes"),
            grant_types: string_list_field(&object, "grantTypes"),
        })
    }

    /// The exact bytes the AWS CLI writes for this registration.
    pub fn to_cli_json(&self) -> String {
        to_python_json(&CliRegistrationFile {
            client_id: &self.client_id,
            client_secret: &self.client_secret,
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

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .finish()
    }
}

/// The registration files in one directory (normally `~/.aws/sso/cache`), keyed by
/// [`super::registration_key`].
#[derive(Clone, Debug)]
pub struct RegistrationCache {
    dir: PathBuf,
}

impl RegistrationCache {
    pub fn new(dir: PathBuf) -> Self {
        RegistrationCache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/<key>.json`.
    pub fn path(&self, key: &str) -> PathBuf {
        cache_file(&self.dir, key)
    }

    /// The cached registration; `Ok(None)` when absent or unreadable as one.
    pub fn load(&self, key: &str) -> Result<Option<ClientRegistration>, CacheError> {
        Ok(read_if_exists(&self.path(key))?.and_then(|bytes| ClientRegistration::parse(&bytes)))
    }

    /// Writes the registration in the CLI's format, atomically, mode 0600.
    pub fn store(&self, key: &str, registration: &ClientRegistration) -> Result<(), CacheError> {
        store_file(
            &self.dir,
            &self.path(key),
            registration.to_cli_json().as_bytes(),
        )
    }

    /// Deletes the registration file; one that is already gone is fine.
    pub fn remove(&self, key: &str) -> Result<(), CacheError> {
        remove_if_exists(&self.path(key))
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
