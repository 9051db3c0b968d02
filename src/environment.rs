//! Which environment variables ssoenv sets and unsets, in one place, so `export`, `unset`, `exec`
//! and the hook always agree.

use crate::cache::RoleCredentials;
use crate::cache::format_cli_timestamp;
use crate::shell::EnvChange;

/// The profile whose credentials the shell holds; the hook refreshes this profile.
pub const PROFILE_MARKER: &str = "SSOENV_PROFILE";
/// When the credentials expire, in Unix epoch seconds: the hook compares it with the shell's own
/// clock, so checking costs no process.
pub const EXPIRES_AT_MARKER: &str = "SSOENV_EXPIRES_AT";

/// The expiry ssoenv records for credentials that have none (static keys, or a
/// credential_process that gives no `Expiration`): 9999-12-31T23:59:59Z. Every shell hook compares
/// `SSOENV_EXPIRES_AT` as an integer, so a date far away keeps them from ever refreshing.
pub const NEVER_EXPIRES_EPOCH: i64 = 253_402_300_799;

/// Variables that would make tools ignore the exported credentials: the JS SDK (and so the CDK)
/// resolves `AWS_PROFILE` instead of reading `AWS_ACCESS_KEY_ID` while it is set.
pub const PROFILE_SELECTORS: [&str; 2] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/// Every variable an export may set, for `ssoenv unset`.
pub const EXPORTED: [&str; 9] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    PROFILE_MARKER,
    EXPIRES_AT_MARKER,
];

/// The changes that put `credentials` for `profile` into a shell. `AWS_REGION` and
/// `AWS_DEFAULT_REGION` are set only when the profile names a region; otherwise whatever region the
/// user set stays. Long-term keys (`long_term`) carry no expiry: `AWS_CREDENTIAL_EXPIRATION` is
/// unset, and so is `AWS_SESSION_TOKEN` unless the file gave one, so no stale value of an earlier
/// export stays beside them; `SSOENV_EXPIRES_AT` holds a date that never comes, so the hook
/// leaves them alone.
pub fn credential_changes(
    profile: &str,
    region: Option<&str>,
    account_id: &str,
    credentials: &RoleCredentials,
    long_term: bool,
) -> Vec<EnvChange> {
    let set = |name: &str, value: &str| EnvChange::Set {
        name: name.to_string(),
        value: value.to_string(),
    };
    let mut changes = vec![
        set("AWS_ACCESS_KEY_ID", &credentials.access_key_id),
        set(
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key.expose(),
        ),
    ];
    if long_term && credentials.session_token.is_empty() {
        changes.push(EnvChange::unset("AWS_SESSION_TOKEN"));
    } else {
        changes.push(set("AWS_SESSION_TOKEN", credentials.session_token.expose()));
    }
    if long_term {
        changes.push(EnvChange::unset("AWS_CREDENTIAL_EXPIRATION"));
    } else {
        changes.push(set(
            "AWS_CREDENTIAL_EXPIRATION",
            &format_cli_timestamp(credentials.expiration),
        ));
    }
    match credentials.account_id.as_deref().unwrap_or(account_id) {
        "" => changes.push(EnvChange::unset("AWS_ACCOUNT_ID")),
        account => changes.push(set("AWS_ACCOUNT_ID", account)),
    }
    if let Some(region) = region {
        changes.push(set("AWS_REGION", region));
        changes.push(set("AWS_DEFAULT_REGION", region));
    }
    changes.push(set(PROFILE_MARKER, profile));
    changes.push(set(
        EXPIRES_AT_MARKER,
        &credentials.expiration.unix_timestamp().to_string(),
    ));
    changes.extend(PROFILE_SELECTORS.iter().map(|name| EnvChange::Unset {
        name: name.to_string(),
    }));
    changes
}

/// The changes that remove every variable in [`EXPORTED`], including `AWS_REGION` and
/// `AWS_DEFAULT_REGION`, which an export sets only when the profile names a region: ssoenv cannot
/// tell them from the user's own.
pub fn unset_changes() -> Vec<EnvChange> {
    EXPORTED
        .iter()
        .map(|name| EnvChange::unset(*name))
        .collect()
}

/// The credential_process document (`"Version": 1`), as `aws configure export-credentials
/// --format process` prints it, with `AccountId` as botocore reads it. Long-term keys carry no
/// `Expiration` (botocore then treats them as static) and no empty `SessionToken`.
pub fn credential_process_json(
    account_id: &str,
    credentials: &RoleCredentials,
    long_term: bool,
) -> String {
    let mut document = serde_json::json!({
        "Version": 1,
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key.expose(),
    });
    if !credentials.session_token.is_empty() {
        document["SessionToken"] = credentials.session_token.expose().into();
    }
    if !long_term {
        document["Expiration"] = format_cli_timestamp(credentials.expiration).into();
    }
    if let Some(account) = Some(credentials.account_id.as_deref().unwrap_or(account_id))
        .filter(|account| !account.is_empty())
    {
        document["AccountId"] = account.into();
    }
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The variables that point the SDKs at a credential endpoint (`exec --server`, `serve`).
pub const CONTAINER_CREDENTIALS_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const CONTAINER_AUTHORIZATION_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Variables that would make an SDK ignore the credential endpoint: each SDK's chain reads the
/// static keys, a profile and web identity before the container provider, the relative URI before
/// the full one, and the token file before the token. ssoenv's own markers go too, so that a shell
/// started as the command does not export fixed keys over the endpoint.
const SHADOWING_THE_ENDPOINT: [&str; 14] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    PROFILE_MARKER,
    EXPIRES_AT_MARKER,
];

/// The two variables of a credential endpoint at `url` with `token`.
pub fn endpoint_variables(url: &str, token: &str) -> Vec<EnvChange> {
    vec![
        EnvChange::set(CONTAINER_CREDENTIALS_URI, url),
        EnvChange::set(CONTAINER_AUTHORIZATION_TOKEN, token),
    ]
}

/// The environment of a command that gets its credentials from an endpoint: its two variables,
/// the profile's region when it names one (as `export` sets it), and none of the variables that
/// would shadow the endpoint.
pub fn endpoint_changes(url: &str, token: &str, region: Option<&str>) -> Vec<EnvChange> {
    let mut changes = endpoint_variables(url, token);
    if let Some(region) = region {
        changes.push(EnvChange::set("AWS_REGION", region));
        changes.push(EnvChange::set("AWS_DEFAULT_REGION", region));
    }
    changes.extend(
        SHADOWING_THE_ENDPOINT
            .iter()
            .map(|name| EnvChange::unset(*name)),
    );
    changes
}

/// The container-credentials document the SDKs' container providers read (botocore's
/// `ContainerProvider`, the JS SDK's `fromHttp`, the Rust SDK's `EcsCredentialsProvider`):
/// `Token` (not `SessionToken`), and `Expiration` in RFC 3339 with `Z`, which all three parse.
pub fn container_credentials_json(account_id: &str, credentials: &RoleCredentials) -> String {
    serde_json::json!({
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key.expose(),
        "Token": credentials.session_token.expose(),
        "Expiration": format_cli_timestamp(credentials.expiration),
        "AccountId": credentials.account_id.as_deref().unwrap_or(account_id),
    })
    .to_string()
}
