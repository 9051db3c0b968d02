//! Cache keys: the file names (without `.json`) that the AWS CLI and botocore use.
//!
//! A key is the lowercase hex SHA-1 of a string the tool builds from the configuration. Any
//! difference in that string (a separator, key order, an escape) gives another file, and ssoenv
//! and the CLI would stop sharing logins, so each function here mirrors its Python original.

use std::collections::BTreeMap;

use serde_json::Value;
use sha1::{Digest, Sha1};

use super::python_json::{push_python_json_string, to_python_json};

fn sha1_hex(text: &str) -> String {
    // Into a buffer: `list` hashes one key per profile of a large file, and `hex::encode`
    // builds its string a `char` at a time.
    let mut hex = [0; 40];
    // 20 bytes of digest always fill the 40 hex digits.
    let _ = hex::encode_to_slice(Sha1::digest(text.as_bytes()), &mut hex);
    // Hex digits are ASCII: the check never fails, and is cheaper than a lossy conversion.
    std::str::from_utf8(&hex).unwrap_or_default().to_owned()
}

/// Token cache key, as botocore's `SSOTokenLoader._generate_cache_key`: the session name for
/// sso-session profiles, else the start URL exactly as written in the config (no normalisation).
pub fn token_key(session_name: Option<&str>, start_url: &str) -> String {
    sha1_hex(session_name.unwrap_or(start_url))
}

/// Client registration cache key, as the AWS CLI v2 builds it: the SHA-1 of
/// `json.dumps({"tool": "botocore", "startUrl": …, "region": …, "scopes": …, "session_name": …},
/// sort_keys=True)`, with `null` for unconfigured scopes or a missing session.
pub fn registration_key(
    start_url: &str,
    region: &str,
    scopes: Option<&[String]>,
    session_name: Option<&str>,
) -> String {
    let args = BTreeMap::from([
        ("tool", Value::from("botocore")),
        ("startUrl", Value::from(start_url)),
        ("region", Value::from(region)),
        ("scopes", scopes.map_or(Value::Null, Value::from)),
        (
            "session_name",
            session_name.map_or(Value::Null, Value::from),
        ),
    ]);
    sha1_hex(&to_python_json(&args))
}

/// Role credential cache key, as botocore's `SSOCredentialFetcher._create_cache_key`: the SHA-1 of
/// the compact sorted JSON of account, role and either the session name or (legacy profiles) the
/// start URL. Like botocore, an empty session name counts as no session.
pub fn role_credentials_key(
    account_id: &str,
    role_name: &str,
    session_name: Option<&str>,
    start_url: &str,
) -> String {
    let (last_key, last_value) = match session_name.filter(|name| !name.is_empty()) {
        Some(name) => ("sessionName", name),
        None => ("startUrl", start_url),
    };
    // The keys in sorted order, written out: `list` builds one such key per profile.
    let mut json =
        String::with_capacity(64 + account_id.len() + role_name.len() + last_value.len());
    for (separator, key, value) in [
        ('{', "accountId", account_id),
        (',', "roleName", role_name),
        (',', last_key, last_value),
    ] {
        json.push(separator);
        json.push('"');
        json.push_str(key);
        json.push_str("\":");
        push_python_json_string(&mut json, value);
    }
    json.push('}');
    sha1_hex(&json)
}

/// The `AssumeRole` arguments a profile configures, as botocore passes them to STS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssumeRoleArgs<'a> {
    pub role_arn: &'a str,
    /// `None` when the profile sets no `role_session_name`: the caller then makes one up, and
    /// like botocore leaves it out of the key so that runs with different names share the file.
    pub role_session_name: Option<&'a str>,
    pub external_id: Option<&'a str>,
    /// `mfa_serial`: botocore passes it as `SerialNumber` and keeps it in the key (the code
    /// itself, asked at call time, is not).
    pub serial_number: Option<&'a str>,
    pub duration_seconds: Option<u32>,
}

/// Assume-role credential cache key, as botocore's
/// `BaseAssumeRoleCredentialFetcher._create_cache_key`: the SHA-1 of
/// `json.dumps(args, sort_keys=True)` (default separators) of the arguments the profile configures:
/// `RoleArn`, and those set of `RoleSessionName`, `ExternalId`, `SerialNumber` and
/// `DurationSeconds` (a number).
/// The source profile is not part of it, in botocore either.
pub fn assume_role_key(args: &AssumeRoleArgs<'_>) -> String {
    let mut map = BTreeMap::from([("RoleArn", Value::from(args.role_arn))]);
    if let Some(name) = args.role_session_name {
        map.insert("RoleSessionName", Value::from(name));
    }
    if let Some(id) = args.external_id {
        map.insert("ExternalId", Value::from(id));
    }
    if let Some(serial) = args.serial_number {
        map.insert("SerialNumber", Value::from(serial));
    }
    if let Some(seconds) = args.duration_seconds {
        map.insert("DurationSeconds", Value::from(seconds));
    }
    sha1_hex(&to_python_json(&map))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from docs/aws-sso-reference.md §2, §3, §6, computed by Python's hashlib/json.

    #[test]
    fn token_keys() {
        assert_eq!(
            token_key(Some("my-sso"), "https://ignored.example/start"),
            "0ad374308c5a4e22f723adf10145eafad7c4031c"
        );
        assert_eq!(
            token_key(None, "https://d-92671207e4.awsapps.com/start"),
            "13f9d35043871d073ab260e020f0ffde092cb14b"
        );
    }

    #[test]
    fn registration_keys() {
        let url = "https://d-92671207e4.awsapps.com/start";
        assert_eq!(
            registration_key(url, "us-east-1", None, Some("my-sso")),
            "1cdad41c29b54a8c985389f2e1fd4f024f7c1ec9"
        );
        let scopes = ["sso:account:access".to_owned()];
        assert_eq!(
            registration_key(url, "us-east-1", Some(&scopes), Some("my-sso")),
            "f2ad5e452110a6f2e73bddc00e500224f6a2d458"
        );
    }

    #[test]
    fn assume_role_keys() {
        // Computed by botocore's own AssumeRoleCredentialFetcher._create_cache_key().
        let arn = "arn:aws:iam::123456789012:role/Deploy";
        let bare = AssumeRoleArgs {
            role_arn: arn,
            role_session_name: None,
            external_id: None,
            serial_number: None,
            duration_seconds: None,
        };
        assert_eq!(
            assume_role_key(&bare),
            "b02bdd7dd245291a7cd3ee342e096edb75551c36"
        );
        let full = AssumeRoleArgs {
            role_session_name: Some("me"),
            external_id: Some("ext-1"),
            duration_seconds: Some(1200),
            ..bare
        };
        assert_eq!(
            assume_role_key(&full),
            "17ac4d64b959d2fcdd25cd41c3028a61e6c2b239"
        );
    }

    #[test]
    fn role_keys() {
        assert_eq!(
            role_credentials_key(
                "123456789012",
                "AdministratorAccess",
                Some("my-sso"),
                "ignored"
            ),
            "c61222fe4c86bb5d3638873744d4cab00a0bf176"
        );
        let legacy = "d80d322709cafadeed9c4500b2f84ac93d3601c9";
        let url = "https://d-92671207e4.awsapps.com/start";
        assert_eq!(
            role_credentials_key("123456789012", "AdministratorAccess", None, url),
            legacy
        );
        assert_eq!(
            role_credentials_key("123456789012", "AdministratorAccess", Some(""), url),
            legacy
        );
    }
}
