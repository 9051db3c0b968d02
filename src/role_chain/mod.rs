//! Role chaining: a profile with `role_arn` gets its credentials from STS `AssumeRole`, signed
//! with the credentials of its source — `source_profile` (which may itself be such a profile) or
//! `credential_source` — and this module also reads what stands at the start of every chain: an
//! SSO profile, or any other kind the AWS CLI resolves ([`BaseProfile`]).
//!
//! ```text
//! [profile deploy]              [profile admin]               [profile my-dev-profile]
//! role_arn = …:role/Deploy  ──► role_arn = …:role/Admin  ──►  sso_session = my-sso …
//! source_profile = admin        source_profile = my-dev-profile   (or static keys, a
//!                               mfa_serial = …                    credential_process, …)
//! ```
//!
//! This module reads the chain from the config and credentials files ([`resolve_profile`]);
//! [`RoleChainPipeline`] gets its credentials. The rules are botocore's (`AssumeRoleProvider`,
//! `_resolve_credentials_from_profile`), so a chain works here exactly when it works with the AWS
//! CLI: a source profile with static keys uses them even when it also has `role_arn`, and
//! `source_profile` may name the profile itself only when it has static keys.

mod error;
mod pipeline;

pub use error::{ChainError, SourceFailure};
pub use pipeline::{RoleChainPipeline, SOURCE_MIN_VALID};

use std::path::PathBuf;

use crate::cache::{AssumeRoleArgs, assume_role_key};
use crate::config::{
    AwsConfig, ConfigError, CredentialKind, CredentialsFile, ProfileKeys, SsoProfile, Value,
    is_plain_sso,
};
pub use crate::config::{BaseProfile, BaseSource, NamedSource, StaticKeys, WebIdentity};
use crate::secret::Secret;

/// The bounds STS puts on `DurationSeconds`.
const DURATION_SECONDS: std::ops::RangeInclusive<u32> = 900..=43_200;

/// What a profile is, for ssoenv: an SSO profile, another kind the AWS CLI resolves, or a chain
/// of roles starting from either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileKind {
    Sso(SsoProfile),
    Base(BaseProfile),
    Chain(RoleChain),
}

/// One role of a chain: the profile that declares it and the `AssumeRole` arguments it sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleHop {
    pub profile: String,
    pub role_arn: String,
    /// `None` (or empty in the file): a session name is made up for each call and, as in
    /// botocore, left out of the cache key.
    pub role_session_name: Option<String>,
    pub external_id: Option<String>,
    /// `mfa_serial`: the MFA device whose code is asked on the terminal.
    pub mfa_serial: Option<String>,
    pub duration_seconds: Option<u32>,
}

impl RoleHop {
    /// The arguments as botocore hashes them for the cache key.
    pub fn args(&self) -> AssumeRoleArgs<'_> {
        AssumeRoleArgs {
            role_arn: &self.role_arn,
            role_session_name: self.role_session_name.as_deref(),
            external_id: self.external_id.as_deref(),
            serial_number: self.mfa_serial.as_deref(),
            duration_seconds: self.duration_seconds,
        }
    }

    /// The file in `~/.aws/cli/cache` the AWS CLI and ssoenv keep this role's credentials in.
    pub fn cache_key(&self) -> String {
        assume_role_key(&self.args())
    }
}

/// What a chain starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainRoot {
    Sso(SsoProfile),
    Base(BaseProfile),
}

impl ChainRoot {
    /// The profile that gives the first hop's credentials.
    pub fn name(&self) -> &str {
        match self {
            ChainRoot::Sso(profile) => &profile.name,
            ChainRoot::Base(base) => &base.profile,
        }
    }
}

/// A profile whose credentials come from assuming roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleChain {
    /// The profile asked for: the last hop's profile.
    pub profile: String,
    /// That profile's `region`: exported as `AWS_REGION`, and the region STS is called in.
    pub region: Option<String>,
    /// The profile at the start of the chain.
    pub root: ChainRoot,
    /// The roles in the order they are assumed: `hops[0]` with the root's credentials, the last
    /// one is the profile asked for. Never empty.
    pub hops: Vec<RoleHop>,
    /// The STS endpoint the config file sets for the profile asked for (botocore uses that
    /// profile's settings for every hop).
    pub sts_endpoint_in_file: Option<String>,
}

/// Reads profile `name` from the config file and, unless the config makes it a plain SSO profile,
/// the shared credentials file (read only then: the SSO fast path opens one file).
pub fn resolve_profile(config: &AwsConfig, name: &str) -> Result<ProfileKind, ChainError> {
    if let Some(section) = config.profile(name)
        && is_plain_sso(section)
    {
        return Ok(ProfileKind::Sso(config.sso_profile(name)?));
    }
    let credentials = CredentialsFile::load_default()?;
    resolve_with(config, &credentials, name)
}

/// [`resolve_profile`] with the credentials file given.
pub fn resolve_with(
    config: &AwsConfig,
    credentials: &CredentialsFile,
    name: &str,
) -> Result<ProfileKind, ChainError> {
    let keys = config.profile_keys(credentials, name);
    if !keys.exists() {
        return Err(config_not_found(config, name).into());
    }
    match keys.kind() {
        CredentialKind::Sso => Ok(ProfileKind::Sso(config.sso_profile(name)?)),
        CredentialKind::AssumeRole => resolve_chain(config, credentials, name, keys),
        _ => Ok(ProfileKind::Base(read_base(config, name, keys)?)),
    }
}

fn resolve_chain(
    config: &AwsConfig,
    credentials: &CredentialsFile,
    name: &str,
    keys: ProfileKeys<'_>,
) -> Result<ProfileKind, ChainError> {
    let mut hops = Vec::new();
    let mut visited = vec![name.to_string()];
    let mut current_name = name.to_string();
    let mut current = keys;
    let root = loop {
        hops.push(read_hop(config, &current_name, current)?);
        let source_name = match (
            current.get("source_profile").filter(|v| !v.is_empty()),
            current.get("credential_source").filter(|v| !v.is_empty()),
        ) {
            (Some(_), Some(_)) => {
                return Err(invalid_value(
                    config,
                    &current_name,
                    current,
                    "credential_source",
                    "cannot be set together with source_profile; keep one of them",
                ));
            }
            (None, None) => {
                return Err(ChainError::NoSource {
                    path: config.path().to_path_buf(),
                    profile: current_name.clone(),
                    line: current.config.map_or(0, |section| section.line()),
                });
            }
            (None, Some(source)) => {
                let named = NamedSource::parse(source).ok_or_else(|| {
                    invalid_value(
                        config,
                        &current_name,
                        current,
                        "credential_source",
                        "must be Environment, Ec2InstanceMetadata or EcsContainer",
                    )
                })?;
                break ChainRoot::Base(BaseProfile {
                    profile: current_name.clone(),
                    region: region_of(current),
                    source: BaseSource::Named(named),
                });
            }
            (Some(source), None) => source.to_string(),
        };
        let source = config.profile_keys(credentials, &source_name);
        let self_with_keys = source_name == current_name && source.has_static_keys();
        if !self_with_keys && visited.contains(&source_name) {
            visited.push(source_name);
            return Err(ChainError::Cycle {
                profile: name.to_string(),
                chain: visited,
            });
        }
        visited.push(source_name.clone());
        let bad_source = |error: ConfigError| ChainError::BadSource {
            profile: current_name.clone(),
            source_profile: source_name.clone(),
            source: Box::new(error),
        };
        if !source.exists() {
            return Err(bad_source(config_not_found(config, &source_name)));
        }
        if source.has_static_keys() {
            break ChainRoot::Base(read_static(config, &source_name, source)?);
        }
        match source.kind() {
            CredentialKind::AssumeRole => {
                current = source;
                current_name = source_name;
            }
            CredentialKind::Sso => {
                break ChainRoot::Sso(config.sso_profile(&source_name).map_err(bad_source)?);
            }
            CredentialKind::Unknown => {
                return Err(bad_source(
                    config
                        .sso_profile(&source_name)
                        .err()
                        .unwrap_or(ConfigError::NotFound {
                            path: config.path().to_path_buf(),
                        }),
                ));
            }
            _ => break ChainRoot::Base(read_base(config, &source_name, source)?),
        }
    };
    hops.reverse();
    Ok(ProfileKind::Chain(RoleChain {
        profile: name.to_string(),
        region: region_of(keys),
        root,
        hops,
        sts_endpoint_in_file: if keys.config.is_some() {
            config.service_endpoint_override(name, &["sts"])?
        } else {
            None
        },
    }))
}

/// The SSO profile whose session a profile signs in with: itself, or the start of its role
/// chain. `None` when the profile cannot be resolved (the caller then reports the profile's own
/// error) or has no SSO profile behind it. Lets `login` and `logout` take a chained profile's
/// name.
pub fn sso_profile_name_behind(config: &AwsConfig, name: &str) -> Option<String> {
    match resolve_profile(config, name).ok()? {
        ProfileKind::Sso(profile) => Some(profile.name),
        ProfileKind::Chain(RoleChain {
            root: ChainRoot::Sso(root),
            ..
        }) => Some(root.name),
        ProfileKind::Chain(_) | ProfileKind::Base(_) => None,
    }
}

fn region_of(keys: ProfileKeys<'_>) -> Option<String> {
    keys.get("region")
        .filter(|region| !region.is_empty())
        .map(str::to_string)
}

/// A plain value of either file; an indented block where one value belongs is an error.
fn text<'a>(
    config: &AwsConfig,
    name: &str,
    keys: ProfileKeys<'a>,
    key: &str,
) -> Result<Option<&'a str>, ChainError> {
    match keys
        .section_with(key)
        .and_then(|section| section.value(key))
    {
        None => Ok(None),
        Some(Value::Text(text)) => Ok(Some(text.as_str())),
        Some(Value::Nested(_)) => Err(invalid_value(
            config,
            name,
            keys,
            key,
            "is an indented block; give it one value",
        )),
    }
}

/// A value that must be there and not empty.
fn required<'a>(
    config: &AwsConfig,
    name: &str,
    keys: ProfileKeys<'a>,
    key: &str,
    problem: &str,
) -> Result<&'a str, ChainError> {
    text(config, name, keys, key)?
        .filter(|value| !value.is_empty())
        .ok_or_else(|| invalid_value(config, name, keys, key, problem))
}

/// The credentials of a profile that is neither SSO nor a role profile.
fn read_base(
    config: &AwsConfig,
    name: &str,
    keys: ProfileKeys<'_>,
) -> Result<BaseProfile, ChainError> {
    let source = match keys.kind() {
        CredentialKind::WebIdentity => BaseSource::WebIdentity(WebIdentity {
            role_arn: required(
                config,
                name,
                keys,
                "role_arn",
                "is missing; web_identity_token_file needs the ARN of the role to assume",
            )?
            .to_string(),
            token_file: PathBuf::from(required(
                config,
                name,
                keys,
                "web_identity_token_file",
                "is empty; set it to the file that holds the token",
            )?),
            role_session_name: text(config, name, keys, "role_session_name")?
                .filter(|v| !v.is_empty())
                .map(str::to_string),
        }),
        CredentialKind::LoginSession => BaseSource::LoginSession {
            session_arn: required(
                config,
                name,
                keys,
                "login_session",
                "is empty; run `aws login` to set it",
            )?
            .trim()
            .to_string(),
        },
        CredentialKind::CredentialProcess => BaseSource::CredentialProcess {
            command: required(
                config,
                name,
                keys,
                "credential_process",
                "is empty; set it to the command that prints the credentials",
            )?
            .to_string(),
        },
        CredentialKind::StaticKeys { .. } => return read_static(config, name, keys),
        CredentialKind::Sso | CredentialKind::AssumeRole | CredentialKind::Unknown => {
            return Err(config_not_found(config, name).into());
        }
    };
    Ok(BaseProfile {
        profile: name.to_string(),
        region: region_of(keys),
        source,
    })
}

/// Static keys: both the key id and the secret, as botocore's `PartialCredentialsError` demands.
fn read_static(
    config: &AwsConfig,
    name: &str,
    keys: ProfileKeys<'_>,
) -> Result<BaseProfile, ChainError> {
    let access_key_id = required(
        config,
        name,
        keys,
        "aws_access_key_id",
        "is empty; set it to the access key id",
    )?;
    let secret = required(
        config,
        name,
        keys,
        "aws_secret_access_key",
        "is missing; static keys need both aws_access_key_id and aws_secret_access_key",
    )?;
    let token = match text(config, name, keys, "aws_session_token")? {
        Some(token) => Some(token),
        None => text(config, name, keys, "aws_security_token")?,
    };
    Ok(BaseProfile {
        profile: name.to_string(),
        region: region_of(keys),
        source: BaseSource::StaticKeys(StaticKeys {
            access_key_id: access_key_id.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: token.filter(|t| !t.is_empty()).map(Secret::new),
            account_id: text(config, name, keys, "aws_account_id")?
                .filter(|v| !v.is_empty())
                .map(str::to_string),
        }),
    })
}

/// The `AssumeRole` arguments of a role profile, checked.
fn read_hop(config: &AwsConfig, name: &str, keys: ProfileKeys<'_>) -> Result<RoleHop, ChainError> {
    let role_arn = required(
        config,
        name,
        keys,
        "role_arn",
        "is empty; set it to the ARN of the role to assume (arn:aws:iam::ACCOUNT:role/NAME)",
    )?;
    let duration_seconds =
        match text(config, name, keys, "duration_seconds")?.filter(|text| !text.is_empty()) {
            None => None,
            Some(value) => Some(
                value
                    .parse::<u32>()
                    .ok()
                    .filter(|seconds| DURATION_SECONDS.contains(seconds))
                    .ok_or_else(|| {
                        invalid_value(
                            config,
                            name,
                            keys,
                            "duration_seconds",
                            "must be a whole number of seconds from 900 to 43200 (STS also caps a \
                         role assumed in a chain at 3600)",
                        )
                    })?,
            ),
        };
    let optional = |key: &str| -> Result<Option<String>, ChainError> {
        Ok(text(config, name, keys, key)?
            .filter(|value| !value.is_empty())
            .map(str::to_string))
    };
    Ok(RoleHop {
        profile: name.to_string(),
        role_arn: role_arn.to_string(),
        role_session_name: optional("role_session_name")?,
        external_id: optional("external_id")?,
        mfa_serial: optional("mfa_serial")?,
        duration_seconds,
    })
}

fn invalid_value(
    config: &AwsConfig,
    name: &str,
    keys: ProfileKeys<'_>,
    key: &str,
    problem: &str,
) -> ChainError {
    let section = keys.section_with(key).or(keys.config).or(keys.credentials);
    let in_credentials_file = section
        .zip(keys.credentials)
        .is_some_and(|(found, credentials)| std::ptr::eq(found, credentials));
    ChainError::InvalidValue {
        path: match keys.credentials_path {
            Some(path) if in_credentials_file => path.to_path_buf(),
            _ => config.path().to_path_buf(),
        },
        profile: name.to_string(),
        line: section.map_or(0, |section| {
            section
                .entry(key)
                .map_or(section.line(), |entry| entry.line())
        }),
        key: key.to_string(),
        problem: problem.to_string(),
    }
}

/// The config module's error for a profile that is not in the file: it lists the profiles and
/// likely typos.
fn config_not_found(config: &AwsConfig, name: &str) -> ConfigError {
    match config.sso_profile(name) {
        Err(error) => error,
        // Unreachable in practice (the caller found no section); keep a sensible message.
        Ok(_) => ConfigError::NotFound {
            path: config.path().to_path_buf(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const CONFIG: &str = "\
[profile sso]
sso_session = s
sso_account_id = 123456789011
sso_role_name = FullAccess

[sso-session s]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[profile one]
role_arn = arn:aws:iam::222222222222:role/One
source_profile = sso
region = eu-west-1
role_session_name = me
external_id = ext
duration_seconds = 1200

[profile two]
role_arn = arn:aws:iam::333333333333:role/Two
source_profile = one

[profile loop-a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::222222222222:role/B
source_profile = loop-a

[profile self]
role_arn = arn:aws:iam::222222222222:role/Self
source_profile = self

[profile mfa]
role_arn = arn:aws:iam::222222222222:role/M
source_profile = sso
mfa_serial = arn:aws:iam::123456789011:mfa/me

[profile ec2]
role_arn = arn:aws:iam::222222222222:role/E
credential_source = Ec2InstanceMetadata

[profile orphan]
role_arn = arn:aws:iam::222222222222:role/O

[profile missing-source]
role_arn = arn:aws:iam::222222222222:role/O
source_profile = nowhere

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile from-static]
role_arn = arn:aws:iam::222222222222:role/S
source_profile = static

[profile bad-duration]
role_arn = arn:aws:iam::222222222222:role/D
source_profile = sso
duration_seconds = 1h
";

    fn config() -> AwsConfig {
        AwsConfig::parse(Path::new("/home/ann/.aws/config"), CONFIG).unwrap()
    }

    fn resolve(name: &str) -> Result<ProfileKind, ChainError> {
        resolve_with(&config(), &CredentialsFile::empty(), name)
    }

    fn chain(name: &str) -> RoleChain {
        match resolve(name).unwrap() {
            ProfileKind::Chain(chain) => chain,
            other => panic!("{name} is a chain, not {other:?}"),
        }
    }

    fn error(name: &str) -> String {
        resolve(name).unwrap_err().to_string()
    }

    #[test]
    fn an_sso_profile_is_not_a_chain() {
        assert!(matches!(
            resolve("sso").unwrap(),
            ProfileKind::Sso(profile) if profile.role_name == "FullAccess"
        ));
    }

    #[test]
    fn one_hop_keeps_every_argument() {
        let one = chain("one");
        assert_eq!(one.root.name(), "sso");
        assert_eq!(one.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            one.hops,
            [RoleHop {
                profile: "one".into(),
                role_arn: "arn:aws:iam::222222222222:role/One".into(),
                role_session_name: Some("me".into()),
                external_id: Some("ext".into()),
                mfa_serial: None,
                duration_seconds: Some(1200),
            }]
        );
    }

    #[test]
    fn two_hops_are_in_the_order_they_are_assumed() {
        let two = chain("two");
        let profiles: Vec<&str> = two.hops.iter().map(|hop| hop.profile.as_str()).collect();
        assert_eq!(profiles, ["one", "two"]);
        assert_eq!(two.root.name(), "sso");
        assert_eq!(two.region, None, "the region is the profile's own");
        assert_eq!(
            sso_profile_name_behind(&config(), "two").as_deref(),
            Some("sso")
        );
    }

    #[test]
    fn loops_are_named() {
        let message = error("loop-a");
        assert!(message.contains("loop-a → loop-b → loop-a"), "{message}");
        assert!(error("self").contains("self → self"));
    }

    #[test]
    fn mfa_serial_and_credential_source_are_read() {
        let mfa = chain("mfa");
        assert_eq!(
            mfa.hops[0].mfa_serial.as_deref(),
            Some("arn:aws:iam::123456789011:mfa/me")
        );
        let ec2 = chain("ec2");
        assert!(matches!(
            ec2.root,
            ChainRoot::Base(BaseProfile {
                source: BaseSource::Named(NamedSource::Ec2InstanceMetadata),
                ..
            })
        ));
        assert_eq!(ec2.hops.len(), 1);
        assert_eq!(sso_profile_name_behind(&config(), "ec2"), None);
    }

    #[test]
    fn a_chain_starts_from_static_keys() {
        let from_static = chain("from-static");
        let ChainRoot::Base(BaseProfile {
            source: BaseSource::StaticKeys(keys),
            ..
        }) = &from_static.root
        else {
            panic!("{from_static:?}")
        };
        assert_eq!(keys.access_key_id, "AKIAEXAMPLE");
        assert_eq!(keys.session_token, None);
    }

    #[test]
    fn bad_sources_are_explained() {
        assert!(error("orphan").contains("no source_profile"));
        let missing = error("missing-source");
        assert!(missing.contains("source_profile = nowhere"), "{missing}");
        assert!(error("bad-duration").contains("duration_seconds"));
    }

    #[test]
    fn cache_keys_follow_botocore() {
        // Computed by botocore's AssumeRoleCredentialFetcher._create_cache_key() for these hops.
        let two = chain("two");
        assert_eq!(
            two.hops[0].cache_key(),
            "32fb91197724efb3c865c6a6cc7d6a50771ca042"
        );
        assert_eq!(
            two.hops[1].cache_key(),
            "2858fc99ead2e884e8b1d61ac9046f64efba1bb2"
        );
    }
}
