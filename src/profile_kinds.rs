//! The credentials of every profile kind that is not SSO ([`BaseProfile`]): static keys straight
//! from the file, the others through the SDK's own providers in `aws-config` (credential_process,
//! web identity, `aws login` sessions, `credential_source`), so ssoenv does not write them again.
//!
//! The AWS CLI's caches are kept: web identity credentials in `~/.aws/cli/cache` under
//! botocore's key, `aws login` sessions in `~/.aws/login/cache` (or
//! `AWS_LOGIN_CACHE_DIRECTORY`), which aws-config itself refreshes and rewrites. Where the cache
//! holds credentials that are still valid, they are answered from the file: no runtime, no SDK
//! client. Everything here is off the SSO fast path: an SSO profile never reaches this module.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use aws_sdk_sts::config::{Credentials, ProvideCredentials};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::cache::{AssumedRoleCache, CacheDirs, CacheError};
use crate::config::{BaseProfile, BaseSource, NamedSource, StaticKeys, WebIdentity};
use crate::environment::NEVER_EXPIRES_EPOCH;
use crate::role_credentials::{AssumedRole, RoleCredentials};
use crate::secret::Secret;

/// The region STS and the Sign-In service are called in when the profile names none.
const DEFAULT_REGION: &str = "us-east-1";

/// A base profile's credentials.
#[derive(Debug)]
pub struct BaseCredentials {
    pub credentials: RoleCredentials,
    /// No expiry: long-term keys. Exported without `AWS_CREDENTIAL_EXPIRATION`, and never
    /// refreshed by the hook.
    pub long_term: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BaseError {
    #[error("credential_process of profile '{profile}' failed: {detail}")]
    Process { profile: String, detail: String },

    #[error(
        "assuming {role_arn} with the web identity token in {} for profile '{profile}': {detail}",
        .token_file.display()
    )]
    WebIdentity {
        profile: String,
        role_arn: String,
        token_file: PathBuf,
        detail: String,
    },

    #[error(
        "the `aws login` session of profile '{profile}' ({session_arn}) could not be used: \
         {detail}; sign in again with: aws login --profile {profile}"
    )]
    LoginSession {
        profile: String,
        session_arn: String,
        detail: String,
    },

    #[error(
        "credential_source = {credential_source:?} of profile '{profile}' gave no credentials: \
         {detail}"
    )]
    Named {
        profile: String,
        credential_source: NamedSource,
        detail: String,
    },

    #[error("profile '{profile}' gave credentials that cannot be exported: {detail}")]
    Unusable { profile: String, detail: String },

    #[error(transparent)]
    Cache(#[from] CacheError),

    #[error("could not start the network client: {0}")]
    Runtime(#[from] std::io::Error),
}

/// `base`'s credentials with more than `min_valid` left (long-term keys always qualify).
pub fn base_credentials(
    base: &BaseProfile,
    dirs: &CacheDirs,
    min_valid: Duration,
) -> Result<BaseCredentials, BaseError> {
    let now = OffsetDateTime::now_utc();
    let fresh = |credentials: &RoleCredentials| {
        credentials.remaining(now) > min_valid && credentials.check_carriable().is_ok()
    };
    let profile = base.profile.as_str();
    let region = base.region.as_deref().unwrap_or(DEFAULT_REGION);
    let credentials = match &base.source {
        BaseSource::StaticKeys(keys) => return Ok(static_credentials(keys)),
        BaseSource::WebIdentity(web) => {
            let cache = dirs.assumed_roles();
            let key = web.cache_key();
            if let Some(cached) = cache.load(&key)?.map(|assumed| assumed.credentials)
                && fresh(&cached)
            {
                crate::debug!("profile '{profile}': web identity cache hit");
                return Ok(temporary(cached));
            }
            let credentials = web_identity(profile, region, web)?;
            store_web_identity(&cache, &key, &credentials);
            credentials
        }
        BaseSource::LoginSession { session_arn } => {
            let path = login_cache_path(session_arn)?;
            if let Some(cached) = read_login_cache(&path)
                && fresh(&cached)
            {
                crate::debug!("profile '{profile}': login cache hit");
                return Ok(temporary(cached));
            }
            let login_error = |detail: String| BaseError::LoginSession {
                profile: profile.to_string(),
                session_arn: session_arn.clone(),
                detail,
            };
            if !path.exists() {
                return Err(login_error(format!(
                    "no login cache file {} (signed out, or signed in on another machine)",
                    path.display()
                )));
            }
            let provider = aws_config::login::LoginCredentialsProvider::builder(session_arn)
                .configure(&provider_config(region))
                .build();
            provide(&provider).map_err(login_error)?
        }
        BaseSource::CredentialProcess { command } => {
            let provider =
                aws_config::credential_process::CredentialProcessProvider::new(command.clone());
            provide(&provider).map_err(|detail| BaseError::Process {
                profile: profile.to_string(),
                detail,
            })?
        }
        BaseSource::Named(source) => {
            let named_error = |detail: String| BaseError::Named {
                profile: profile.to_string(),
                credential_source: *source,
                detail,
            };
            match source {
                NamedSource::Environment => {
                    provide(&aws_config::environment::EnvironmentVariableCredentialsProvider::new())
                }
                NamedSource::Ec2InstanceMetadata => provide(
                    &aws_config::imds::credentials::ImdsCredentialsProvider::builder()
                        .configure(&provider_config(region))
                        .build(),
                ),
                NamedSource::EcsContainer => provide(
                    &aws_config::ecs::EcsCredentialsProvider::builder()
                        .configure(&provider_config(region))
                        .build(),
                ),
            }
            .map_err(named_error)?
        }
    };
    into_base(profile, &credentials)
}

fn static_credentials(keys: &StaticKeys) -> BaseCredentials {
    BaseCredentials {
        credentials: RoleCredentials {
            access_key_id: keys.access_key_id.clone(),
            secret_access_key: keys.secret_access_key.clone(),
            session_token: keys
                .session_token
                .clone()
                .unwrap_or_else(|| Secret::new("")),
            expiration: never(),
            account_id: keys.account_id.clone(),
        },
        long_term: true,
    }
}

fn temporary(credentials: RoleCredentials) -> BaseCredentials {
    BaseCredentials {
        credentials,
        long_term: false,
    }
}

fn never() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NEVER_EXPIRES_EPOCH).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The SDK's credentials as ssoenv's, checked like every other source's.
fn into_base(profile: &str, credentials: &Credentials) -> Result<BaseCredentials, BaseError> {
    let (expiration, long_term) = match credentials.expiry() {
        Some(expiry) => (from_system_time(expiry), false),
        None => (never(), true),
    };
    let converted = RoleCredentials {
        access_key_id: credentials.access_key_id().to_string(),
        secret_access_key: Secret::new(credentials.secret_access_key()),
        session_token: Secret::new(credentials.session_token().unwrap_or_default()),
        expiration,
        account_id: credentials.account_id().map(|id| id.as_str().to_string()),
    };
    converted
        .check_carriable()
        .map_err(|detail| BaseError::Unusable {
            profile: profile.to_string(),
            detail,
        })?;
    Ok(BaseCredentials {
        credentials: converted,
        long_term,
    })
}

fn from_system_time(time: SystemTime) -> OffsetDateTime {
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).unwrap_or(NEVER_EXPIRES_EPOCH))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The provider settings every aws-config provider here is built with: the profile's region,
/// the SDK's default HTTPS client and sleep, and the process environment (so
/// `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` reach STS as for every other SDK client).
fn provider_config(region: &str) -> aws_config::provider_config::ProviderConfig {
    aws_config::provider_config::ProviderConfig::without_region()
        .with_region(Some(aws_config::Region::new(region.to_string())))
}

/// Runs one provider to completion on a current-thread runtime of its own.
fn provide(provider: &impl ProvideCredentials) -> Result<Credentials, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("could not start the network client: {error}"))?;
    runtime
        .block_on(provider.provide_credentials())
        .map_err(|error| {
            aws_sdk_sts::error::DisplayErrorContext(&error)
                .to_string()
                .replace('\n', " ")
        })
}

/// `AssumeRoleWithWebIdentity` through aws-config's provider, with the session name botocore
/// would make up when the profile gives none.
fn web_identity(profile: &str, region: &str, web: &WebIdentity) -> Result<Credentials, BaseError> {
    let session_name = web
        .role_session_name
        .clone()
        .unwrap_or_else(|| format!("ssoenv-{}", OffsetDateTime::now_utc().unix_timestamp()));
    let provider = aws_config::web_identity_token::WebIdentityTokenCredentialsProvider::builder()
        .configure(&provider_config(region))
        .static_configuration(aws_config::web_identity_token::StaticConfiguration {
            web_identity_token_file: web.token_file.clone(),
            role_arn: web.role_arn.clone(),
            session_name,
        })
        .build();
    provide(&provider).map_err(|detail| BaseError::WebIdentity {
        profile: profile.to_string(),
        role_arn: web.role_arn.clone(),
        token_file: web.token_file.clone(),
        detail,
    })
}

/// Caches web identity credentials as botocore does (its `AssumeRoleWithWebIdentity` answer in
/// `~/.aws/cli/cache`); the provider does not say who the session is, and readers use only
/// `Credentials`, so the user part is left empty.
fn store_web_identity(cache: &AssumedRoleCache, key: &str, credentials: &Credentials) {
    let Some(expiry) = credentials.expiry() else {
        return;
    };
    let assumed = AssumedRole {
        credentials: RoleCredentials {
            access_key_id: credentials.access_key_id().to_string(),
            secret_access_key: Secret::new(credentials.secret_access_key()),
            session_token: Secret::new(credentials.session_token().unwrap_or_default()),
            expiration: from_system_time(expiry),
            account_id: credentials.account_id().map(|id| id.as_str().to_string()),
        },
        assumed_role_id: String::new(),
        arn: String::new(),
    };
    if assumed.credentials.check_carriable().is_err() {
        return;
    }
    if let Err(error) = cache.store(key, &assumed) {
        crate::cache::warn_not_saved(
            "the web identity credentials",
            &error,
            "the next run will assume the role again",
        );
    }
}

/// `AWS_LOGIN_CACHE_DIRECTORY` (with `~` expanded), else `~/.aws/login/cache`; the file is the
/// SHA-256 of the session ARN, as the AWS CLI names it.
pub fn login_cache_path(session_arn: &str) -> Result<PathBuf, BaseError> {
    let home = std::env::home_dir();
    let directory = match std::env::var_os("AWS_LOGIN_CACHE_DIRECTORY").filter(|v| !v.is_empty()) {
        Some(value) => {
            let value = PathBuf::from(value);
            match (value.strip_prefix("~"), home) {
                (Ok(rest), Some(home)) => home.join(rest),
                _ => value,
            }
        }
        None => home
            .map(|home| home.join(".aws").join("login").join("cache"))
            .ok_or_else(|| {
                BaseError::Runtime(std::io::Error::other(
                    "HOME is not set, so the login cache cannot be found",
                ))
            })?,
    };
    let key = hex::encode(Sha256::digest(session_arn.trim().as_bytes()));
    Ok(directory.join(format!("{key}.json")))
}

/// The credentials an `aws login` cache file holds (`accessToken`), if complete.
pub fn read_login_cache(path: &Path) -> Option<RoleCredentials> {
    let bytes = std::fs::read(path).ok()?;
    let document: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let token = document.get("accessToken")?;
    let field = |name: &str| token.get(name)?.as_str().filter(|v| !v.is_empty());
    Some(RoleCredentials {
        access_key_id: field("accessKeyId")?.to_string(),
        secret_access_key: Secret::new(field("secretAccessKey")?),
        session_token: Secret::new(field("sessionToken")?),
        expiration: crate::cache::parse_timestamp(field("expiresAt")?)?,
        account_id: field("accountId").map(str::to_string),
    })
}
