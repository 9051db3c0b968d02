//! What the emulated Identity Center instance looks like and how it behaves: lifetimes, the
//! accounts and roles a user is assigned, and the switches tests flip (slow down, deny, latency).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

/// One AWS account the signed-in user is assigned to, with the permission sets (roles) they may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

impl Account {
    pub fn new(id: &str, name: &str, email: &str, roles: &[&str]) -> Self {
        Account {
            id: id.to_owned(),
            name: name.to_owned(),
            email: email.to_owned(),
            roles: roles.iter().map(|role| (*role).to_owned()).collect(),
        }
    }
}

/// What the "user" does on the browser page `/authorize` (and `/device`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthorizeBehaviour {
    /// Sign in and allow access: redirect with a code (or approve the device code).
    #[default]
    Approve,
    /// Decline: redirect with `error=access_denied` (or deny the device code).
    Deny,
}

/// Behaviour of the emulator. Every field can be changed while it runs
/// ([`crate::Emulator::update_config`]); lifetimes apply to what is issued afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct EmulatorConfig {
    /// Lifetime of OIDC access tokens (`expiresIn`); after it the portal answers 401.
    pub token_lifetime: Duration,
    /// Lifetime of role credentials (`expiration`).
    pub credential_lifetime: Duration,
    /// Lifetime of client registrations (`clientSecretExpiresAt`); after it: InvalidClientException.
    pub registration_lifetime: Duration,
    /// How long a device code can be polled (`expiresIn` of StartDeviceAuthorization).
    pub device_code_lifetime: Duration,
    /// Seconds between polls that StartDeviceAuthorization asks for (`interval`).
    pub device_interval: u32,
    /// Approve a device authorization by itself once it has been polled this many times
    /// (`Some(0)`: the very first CreateToken succeeds). `None`: wait for an explicit approval.
    pub device_auto_approve_after_polls: Option<u32>,
    /// Answer SlowDownException to polls that come faster than the interval (and add 5 s to it).
    pub enforce_slow_down: bool,
    /// Include a `refreshToken` when a login completes.
    pub issue_refresh_tokens: bool,
    /// Only give refresh tokens to sso-session style registrations (ones that asked for scopes or
    /// for the `refresh_token` grant), as the real service does for legacy registrations.
    pub refresh_tokens_only_for_scoped_registrations: bool,
    /// A refresh consumes its refresh token and returns a new one. When off, the old refresh
    /// token stays valid and the refresh response carries no `refreshToken` at all, which is the
    /// case the reference tells clients to handle by keeping the old one.
    pub rotate_refresh_tokens: bool,
    pub accounts: Vec<Account>,
    /// Added to every request of the emulated services (not to the control endpoints).
    pub latency: Duration,
    /// Roles whose trust policy demands an external id (STS `AssumeRole`): role ARN → the id.
    /// Any other well-formed role ARN can be assumed by any credentials the emulator issued.
    pub role_external_ids: BTreeMap<String, String>,
    /// Long-term keys of IAM users (static keys in a profile): access key id → the user's ARN.
    /// STS accepts a request signed with one of them without a session token, as it does for
    /// an IAM user's keys.
    pub iam_users: BTreeMap<String, String>,
    /// MFA devices: serial number → the one code `AssumeRole` accepts with it.
    pub mfa_codes: BTreeMap<String, String>,
    /// Web identity tokens `AssumeRoleWithWebIdentity` accepts (the token file's contents).
    pub web_identity_tokens: Vec<String>,
    /// A company's own start URL (vanity domain) as a path of the emulator: path → where it
    /// redirects (`302 Location`), for HEAD and GET alike.
    pub start_url_redirects: BTreeMap<String, String>,
    /// The ECS container credentials endpoint (`GET /container-credentials`, for
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`): the access key of one of `iam_users` it hands out,
    /// or `None` for no endpoint.
    pub container_credentials_key: Option<String>,
    /// Refresh tokens of `aws login` sessions that Sign-In's `CreateOAuth2Token` accepts (each
    /// is replaced by the rotated one it hands out).
    pub signin_refresh_tokens: Vec<String>,
    pub authorize: AuthorizeBehaviour,
    /// Print one line per request to stderr.
    pub log_requests: bool,
}

/// Roles every default account has.
pub const DEFAULT_ROLES: [&str; 2] = ["ReadOnly", "FullAccess"];

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            token_lifetime: Duration::from_secs(8 * 3600),
            credential_lifetime: Duration::from_secs(3600),
            registration_lifetime: Duration::from_secs(90 * 24 * 3600),
            device_code_lifetime: Duration::from_secs(600),
            device_interval: 5,
            device_auto_approve_after_polls: None,
            enforce_slow_down: false,
            issue_refresh_tokens: true,
            refresh_tokens_only_for_scoped_registrations: false,
            rotate_refresh_tokens: true,
            accounts: vec![
                Account::new(
                    "123456789011",
                    "DeveloperAccount",
                    "dev@example.com",
                    &DEFAULT_ROLES,
                ),
                Account::new(
                    "123456789022",
                    "ProductionAccount",
                    "prod@example.com",
                    &DEFAULT_ROLES,
                ),
            ],
            latency: Duration::ZERO,
            role_external_ids: BTreeMap::new(),
            iam_users: BTreeMap::new(),
            mfa_codes: BTreeMap::new(),
            web_identity_tokens: Vec::new(),
            start_url_redirects: BTreeMap::new(),
            container_credentials_key: None,
            signin_refresh_tokens: Vec::new(),
            authorize: AuthorizeBehaviour::Approve,
            log_requests: false,
        }
    }
}

impl EmulatorConfig {
    /// The default configuration with `n` generated accounts instead of the two default ones:
    /// ids `100000000001`, `100000000002`, …, names `Account0001`, …, each with `roles`.
    pub fn with_generated_accounts(n: usize, roles: &[&str]) -> Self {
        EmulatorConfig {
            accounts: generate_accounts(n, roles),
            ..EmulatorConfig::default()
        }
    }
}

pub fn generate_accounts(n: usize, roles: &[&str]) -> Vec<Account> {
    (1..=n)
        .map(|i| {
            Account::new(
                &format!("{:012}", 100_000_000_000u64 + i as u64),
                &format!("Account{i:04}"),
                &format!("account{i:04}@example.com"),
                roles,
            )
        })
        .collect()
}

/// A partial configuration as JSON (control endpoint `POST /_emulator/config`). Lifetimes are in
/// seconds (fractions allowed, so tests can use sub-second lifetimes), latency in milliseconds.
/// Unknown fields are rejected so a typo cannot silently do nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigPatch {
    pub token_lifetime: Option<f64>,
    pub credential_lifetime: Option<f64>,
    pub registration_lifetime: Option<f64>,
    pub device_code_lifetime: Option<f64>,
    pub device_interval: Option<u32>,
    /// `null` switches automatic approval off.
    #[serde(default, deserialize_with = "present_even_if_null")]
    pub device_auto_approve_after_polls: Option<Option<u32>>,
    pub enforce_slow_down: Option<bool>,
    pub issue_refresh_tokens: Option<bool>,
    pub refresh_tokens_only_for_scoped_registrations: Option<bool>,
    pub rotate_refresh_tokens: Option<bool>,
    pub latency_ms: Option<u64>,
    /// `"approve"` or `"deny"`.
    pub authorize: Option<String>,
    /// Replace the accounts with this many generated ones.
    pub generated_accounts: Option<usize>,
    /// Roles of the generated accounts (default: ReadOnly, FullAccess).
    pub generated_roles: Option<Vec<String>>,
    pub log_requests: Option<bool>,
    /// Role ARN → the external id its trust policy demands (replaces the whole map).
    pub role_external_ids: Option<BTreeMap<String, String>>,
}

fn present_even_if_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[derive(Debug, Error, PartialEq)]
pub enum ConfigPatchError {
    #[error("`{field}` must be a number of seconds ≥ 0 (and not absurdly large), got {value}")]
    InvalidSeconds { field: &'static str, value: f64 },
    #[error("`authorize` must be \"approve\" or \"deny\", got {0:?}")]
    InvalidAuthorize(String),
}

impl ConfigPatch {
    /// Applies the fields that are present; checks everything first so a bad patch changes nothing.
    pub fn apply(&self, config: &mut EmulatorConfig) -> Result<(), ConfigPatchError> {
        let seconds = |field: &'static str, value: Option<f64>| match value {
            None => Ok(None),
            Some(value) => Duration::try_from_secs_f64(value)
                .map(Some)
                .map_err(|_| ConfigPatchError::InvalidSeconds { field, value }),
        };
        let token_lifetime = seconds("tokenLifetime", self.token_lifetime)?;
        let credential_lifetime = seconds("credentialLifetime", self.credential_lifetime)?;
        let registration_lifetime = seconds("registrationLifetime", self.registration_lifetime)?;
        let device_code_lifetime = seconds("deviceCodeLifetime", self.device_code_lifetime)?;
        let authorize = match self.authorize.as_deref() {
            None => None,
            Some("approve") => Some(AuthorizeBehaviour::Approve),
            Some("deny") => Some(AuthorizeBehaviour::Deny),
            Some(other) => return Err(ConfigPatchError::InvalidAuthorize(other.to_owned())),
        };

        set(&mut config.token_lifetime, token_lifetime);
        set(&mut config.credential_lifetime, credential_lifetime);
        set(&mut config.registration_lifetime, registration_lifetime);
        set(&mut config.device_code_lifetime, device_code_lifetime);
        set(&mut config.device_interval, self.device_interval);
        set(
            &mut config.device_auto_approve_after_polls,
            self.device_auto_approve_after_polls,
        );
        set(&mut config.enforce_slow_down, self.enforce_slow_down);
        set(&mut config.issue_refresh_tokens, self.issue_refresh_tokens);
        set(
            &mut config.refresh_tokens_only_for_scoped_registrations,
            self.refresh_tokens_only_for_scoped_registrations,
        );
        set(
            &mut config.rotate_refresh_tokens,
            self.rotate_refresh_tokens,
        );
        set(
            &mut config.latency,
            self.latency_ms.map(Duration::from_millis),
        );
        set(&mut config.authorize, authorize);
        set(&mut config.log_requests, self.log_requests);
        set(
            &mut config.role_external_ids,
            self.role_external_ids.clone(),
        );
        if let Some(n) = self.generated_accounts {
            let roles: Vec<&str> = match &self.generated_roles {
                Some(roles) => roles.iter().map(String::as_str).collect(),
                None => DEFAULT_ROLES.to_vec(),
            };
            config.accounts = generate_accounts(n, &roles);
        }
        Ok(())
    }
}

fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_accounts_have_unique_twelve_digit_ids() {
        let config = EmulatorConfig::with_generated_accounts(1000, &["Admin"]);
        assert_eq!(config.accounts.len(), 1000);
        let mut ids: Vec<&str> = config.accounts.iter().map(|a| a.id.as_str()).collect();
        assert!(ids.iter().all(|id| id.len() == 12));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 1000);
        assert_eq!(config.accounts[0].roles, vec!["Admin".to_owned()]);
    }

    #[test]
    fn patch_changes_only_the_fields_given() {
        let mut config = EmulatorConfig::default();
        let patch: ConfigPatch = serde_json::from_str(
            r#"{"tokenLifetime": 1.5, "latencyMs": 20, "authorize": "deny", "deviceAutoApproveAfterPolls": 2}"#,
        )
        .unwrap();
        patch.apply(&mut config).unwrap();
        assert_eq!(config.token_lifetime, Duration::from_millis(1500));
        assert_eq!(config.latency, Duration::from_millis(20));
        assert_eq!(config.authorize, AuthorizeBehaviour::Deny);
        assert_eq!(config.device_auto_approve_after_polls, Some(2));
        assert_eq!(config.credential_lifetime, Duration::from_secs(3600));

        let patch: ConfigPatch =
            serde_json::from_str(r#"{"deviceAutoApproveAfterPolls": null}"#).unwrap();
        patch.apply(&mut config).unwrap();
        assert_eq!(config.device_auto_approve_after_polls, None);
    }

    #[test]
    fn bad_patches_are_rejected_without_changing_anything() {
        assert!(serde_json::from_str::<ConfigPatch>(r#"{"tokenLifetme": 3}"#).is_err());
        let mut config = EmulatorConfig::default();
        let patch: ConfigPatch =
            serde_json::from_str(r#"{"latencyMs": 5, "tokenLifetime": -1}"#).unwrap();
        assert!(patch.apply(&mut config).is_err());
        let patch: ConfigPatch = serde_json::from_str(r#"{"credentialLifetime": 1e300}"#).unwrap();
        assert!(patch.apply(&mut config).is_err());
        assert_eq!(config, EmulatorConfig::default());
    }
}
