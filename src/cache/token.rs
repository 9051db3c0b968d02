//! SSO access tokens in `~/.aws/sso/cache/<key>.json`, shared with the AWS CLI and every SDK.

use std::path::PathBuf;

use serde::Serialize;
use time::OffsetDateTime;

use super::fields::{json_object, secret_field, string_field, timestamp_field};
use super::python_json::to_python_json;
use super::timestamp::format_cli_timestamp;
use super::{Cache, CacheEntry, CacheError, CacheLock};
use crate::secret::Secret;

/// The token files in one directory (normally `~/.aws/sso/cache`), keyed by
/// [`super::token_key`] (as `SsoSession::token_key` computes it).
pub type TokenCache = Cache<SsoToken>;

/// A cached SSO access token, with what is needed to refresh it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoToken {
    pub start_url: String,
    pub region: String,
    pub access_token: Secret,
    pub expires_at: OffsetDateTime,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub registration_expires_at: Option<OffsetDateTime>,
    pub refresh_token: Option<Secret>,
}

/// The CLI's field order; `None` fields are left out, as the CLI leaves them out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CliTokenFile<'a> {
    start_url: &'a str,
    region: &'a str,
    access_token: &'a str,
    expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
}

impl SsoToken {
    /// Reads a token file written by any tool: unknown keys, any key order, pretty-printed JSON,
    /// and every timestamp form of [`super::parse_timestamp`].
    ///
    /// Returns `None` ("no usable token") for garbage, an empty or truncated file, trailing bytes,
    /// or a missing, empty or non-string `accessToken` or unparseable `expiresAt`. Optional fields
    /// with a wrong type count as absent. A missing `startUrl` or `region` reads as `""`: botocore
    /// does not require them, and the configuration has the real values anyway.
    pub fn parse(bytes: &[u8]) -> Option<SsoToken> {
        let object = json_object(bytes)?;
        let access_token = secret_field(&object, "accessToken").filter(|t| !t.is_empty())?;
        let expires_at = timestamp_field(&object, "expiresAt")?;
        Some(SsoToken {
            start_url: string_field(&object, "startUrl").unwrap_or_default(),
            region: string_field(&object, "region").unwrap_or_default(),
            access_token,
            expires_at,
            client_id: string_field(&object, "clientId"),
            client_secret: secret_field(&object, "clientSecret"),
            registration_expires_at: timestamp_field(&object, "registrationExpiresAt"),
            refresh_token: secret_field(&object, "refreshToken"),
        })
    }

    /// The exact bytes the AWS CLI writes for this token: Python `json.dumps` layout, the CLI's key
    /// order, `YYYY-MM-DDTHH:MM:SSZ` timestamps, one line, no trailing newline.
    pub fn to_cli_json(&self) -> String {
        to_python_json(&CliTokenFile {
            start_url: &self.start_url,
            region: &self.region,
            access_token: self.access_token.expose(),
            expires_at: format_cli_timestamp(self.expires_at),
            client_id: self.client_id.as_deref(),
            client_secret: self.client_secret.as_ref().map(Secret::expose),
            registration_expires_at: self.registration_expires_at.map(format_cli_timestamp),
            refresh_token: self.refresh_token.as_ref().map(Secret::expose),
        })
    }

    /// Refresh token, client id/secret present and registration not expired at `now`: what
    /// `CreateToken(grantType="refresh_token")` needs (botocore checks the same).
    pub fn is_refreshable(&self, now: OffsetDateTime) -> bool {
        let present = |value: Option<&str>| value.is_some_and(|v| !v.is_empty());
        present(self.refresh_token.as_ref().map(Secret::expose))
            && present(self.client_id.as_deref())
            && present(self.client_secret.as_ref().map(Secret::expose))
            && self.registration_expires_at.is_some_and(|at| at > now)
    }
}

impl CacheEntry for SsoToken {
    fn from_cache_bytes(bytes: &[u8]) -> Option<Self> {
        SsoToken::parse(bytes)
    }

    fn to_cache_bytes(&self) -> String {
        self.to_cli_json()
    }
}

/// The sign-in marker: what tells a token's lock held for a sign-in from one held for a refresh.
impl TokenCache {
    /// The locks of a sign-in to the token `key`: first the sign-in marker
    /// (`.ssoenv-<key>.sign-in.lock`, `on_wait` called if another process holds it), then the
    /// token's own lock. The marker tells the token's lock held for a sign-in, which may wait
    /// minutes for the user, from one held for a refresh on the wire (see
    /// [`TokenCache::signing_in`]).
    pub fn lock_for_sign_in(
        &self,
        key: &str,
        on_wait: impl FnOnce(),
    ) -> Result<(CacheLock, CacheLock), CacheError> {
        self.ensure_dir()?;
        let marker = CacheLock::acquire(&self.sign_in_lock_path(key), on_wait)?;
        Ok((marker, self.lock(key)?))
    }

    /// Whether another process is signing in to the token `key` right now.
    pub fn signing_in(&self, key: &str) -> Result<bool, CacheError> {
        self.ensure_dir()?;
        Ok(CacheLock::try_acquire(&self.sign_in_lock_path(key))?.is_none())
    }

    /// The token's lock for a process that must not wait behind a sign-in (it will never sign
    /// in itself, so it would wait minutes for nothing): `None` while another process is signing
    /// in; otherwise the lock, once a refresh that holds it is done.
    pub fn lock_unless_signing_in(&self, key: &str) -> Result<Option<CacheLock>, CacheError> {
        self.ensure_dir()?;
        loop {
            if let Some(lock) = CacheLock::try_acquire(&self.lock_path(key))? {
                return Ok(Some(lock));
            }
            if self.signing_in(key)? {
                return Ok(None);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    fn sign_in_lock_path(&self, key: &str) -> PathBuf {
        self.dir().join(format!(".ssoenv-{key}.sign-in.lock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::timestamp::utc;

    const CLI_EXAMPLE: &str = r#"{"startUrl": "https://d-92671207e4.awsapps.com/start", "region": "us-east-1", "accessToken": "AT", "expiresAt": "2025-01-02T11:04:05Z", "clientId": "CID", "clientSecret": "CS", "registrationExpiresAt": "2025-04-02T03:00:00Z", "refreshToken": "RT"}"#;

    fn example() -> SsoToken {
        SsoToken::parse(CLI_EXAMPLE.as_bytes()).expect("the reference example parses")
    }

    #[test]
    fn reference_example_round_trips() {
        let token = example();
        assert_eq!(token.start_url, "https://d-92671207e4.awsapps.com/start");
        assert_eq!(token.access_token, "AT");
        assert_eq!(token.expires_at, utc(2025, 1, 2, 11, 4, 5));
        assert_eq!(token.refresh_token.as_ref().map(Secret::expose), Some("RT"));
        assert_eq!(token.to_cli_json(), CLI_EXAMPLE);
    }

    #[test]
    fn optional_fields_are_omitted_when_absent() {
        let token = SsoToken {
            client_id: None,
            client_secret: None,
            registration_expires_at: None,
            refresh_token: None,
            ..example()
        };
        assert_eq!(
            token.to_cli_json(),
            r#"{"startUrl": "https://d-92671207e4.awsapps.com/start", "region": "us-east-1", "accessToken": "AT", "expiresAt": "2025-01-02T11:04:05Z"}"#
        );
    }

    #[test]
    fn lenient_reading() {
        let pretty = "{\n  \"expiresAt\": \"2025-01-02T11:04:05.123+00:00\",\n  \"unknown\": [1, {\"x\": null}],\n  \"accessToken\": \"AT\",\n  \"region\": \"us-east-1\",\n  \"startUrl\": \"https://d-92671207e4.awsapps.com/start\",\n  \"refreshToken\": null,\n  \"clientId\": 7,\n  \"registrationExpiresAt\": \"2025-04-02T03:00:00UTC\"\n}\n";
        let token = SsoToken::parse(pretty.as_bytes()).expect("pretty-printed token parses");
        assert_eq!(
            token.expires_at,
            example().expires_at + time::Duration::milliseconds(123)
        );
        assert_eq!(
            token.registration_expires_at,
            example().registration_expires_at
        );
        assert_eq!(token.refresh_token, None, "null counts as absent");
        assert_eq!(token.client_id, None, "a number is not a client id");
        assert_eq!(token.start_url, example().start_url);
    }

    #[test]
    fn garbage_is_no_token() {
        let truncated = &CLI_EXAMPLE[..CLI_EXAMPLE.len() / 2];
        let trailing = format!("{CLI_EXAMPLE}\"}}");
        let cases: Vec<&[u8]> = vec![
            b"",
            b"   ",
            b"null",
            b"[]",
            b"\"accessToken\"",
            truncated.as_bytes(),
            trailing.as_bytes(),
            br#"{"expiresAt": "2025-01-02T11:04:05Z"}"#,
            br#"{"accessToken": "AT"}"#,
            br#"{"accessToken": "", "expiresAt": "2025-01-02T11:04:05Z"}"#,
            br#"{"accessToken": 12, "expiresAt": "2025-01-02T11:04:05Z"}"#,
            br#"{"accessToken": "AT", "expiresAt": 1735815845}"#,
            br#"{"accessToken": "AT", "expiresAt": "soon"}"#,
            b"\xff\xfe{}",
        ];
        for bytes in cases {
            assert_eq!(
                SsoToken::parse(bytes),
                None,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn refreshable_needs_everything_and_a_live_registration() {
        let token = example();
        let before = utc(2025, 4, 2, 2, 59, 59);
        let at = utc(2025, 4, 2, 3, 0, 0);
        assert!(token.is_refreshable(before));
        assert!(
            !token.is_refreshable(at),
            "a registration expiring now is expired"
        );
        assert!(
            !SsoToken {
                refresh_token: None,
                ..token.clone()
            }
            .is_refreshable(before)
        );
        assert!(
            !SsoToken {
                client_id: None,
                ..token.clone()
            }
            .is_refreshable(before)
        );
        assert!(
            !SsoToken {
                client_secret: Some("".into()),
                ..token.clone()
            }
            .is_refreshable(before)
        );
        assert!(
            !SsoToken {
                registration_expires_at: None,
                ..token
            }
            .is_refreshable(before)
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let token = SsoToken {
            access_token: "secret-access-token".into(),
            client_secret: Some("secret-client-secret".into()),
            refresh_token: Some("secret-refresh-token".into()),
            ..example()
        };
        let shown = format!("{token:?} {token:#?}");
        assert!(!shown.contains("secret-"), "{shown}");
        assert!(
            shown.contains("CID") && shown.contains("us-east-1"),
            "{shown}"
        );
    }

    #[test]
    fn secrets_read_from_a_file_are_blanked_in_the_trace() {
        crate::debug::enable();
        let file = CLI_EXAMPLE
            .replace("\"AT\"", "\"file-access-token\"")
            .replace("\"RT\"", "\"file-refresh-token\"");
        let token = SsoToken::parse(file.as_bytes()).unwrap();
        let line = format!(
            "quoted {} and {}",
            token.access_token.expose(),
            token.refresh_token.as_ref().unwrap().expose()
        );
        assert_eq!(
            crate::debug::redact(&line),
            "quoted <redacted> and <redacted>"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn timestamp() -> impl Strategy<Value = OffsetDateTime> {
            // 1970..2300, whole seconds: the CLI format has no fraction.
            (0i64..10_400_000_000).prop_map(|s| OffsetDateTime::from_unix_timestamp(s).unwrap())
        }

        fn token() -> impl Strategy<Value = SsoToken> {
            (
                (any::<String>(), any::<String>(), ".+", timestamp()),
                (
                    proptest::option::of(any::<String>()),
                    proptest::option::of(any::<String>()),
                    proptest::option::of(timestamp()),
                    proptest::option::of(any::<String>()),
                ),
            )
                .prop_map(|((start_url, region, access_token, expires_at), rest)| {
                    SsoToken {
                        start_url,
                        region,
                        access_token: access_token.into(),
                        expires_at,
                        client_id: rest.0,
                        client_secret: rest.1.map(Secret::from),
                        registration_expires_at: rest.2,
                        refresh_token: rest.3.map(Secret::from),
                    }
                })
        }

        proptest! {
            #[test]
            fn what_we_write_we_read_back(token in token()) {
                let json = token.to_cli_json();
                prop_assert!(json.is_ascii() && !json.contains('\n'));
                prop_assert_eq!(SsoToken::parse(json.as_bytes()), Some(token));
            }

            #[test]
            fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
                let _ = SsoToken::parse(&bytes);
            }

            #[test]
            fn damaged_files_parse_without_panic(token in token(), cut in any::<prop::sample::Index>(), junk in "[\"}{,: ]{0,4}") {
                let json = token.to_cli_json();
                let damaged = format!("{}{junk}", &json[..cut.index(json.len() + 1)]);
                let _ = SsoToken::parse(damaged.as_bytes());
            }
        }
    }
}
