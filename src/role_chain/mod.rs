//! Role chaining: a profile with `role_arn` and `source_profile` gets its credentials from STS
//! `AssumeRole`, signed with the credentials of its source profile, which may itself be such a
//! profile; at the start of every chain ssoenv serves is an SSO profile.
//!
//! ```text
//! [profile deploy]              [profile admin]               [profile my-dev-profile]
//! role_arn = …:role/Deploy  ──► role_arn = …:role/Admin  ──►  sso_session = my-sso …
//! source_profile = admin        source_profile = my-dev-profile
//! ```
//!
//! This module reads the chain from the config file ([`resolve_profile`]); [`RoleChainPipeline`]
//! gets its credentials. The rules are botocore's (`AssumeRoleProvider`), so a chain works here
//! exactly when it works with the AWS CLI, with two deliberate limits said in the errors: MFA
//! (`mfa_serial`) is not supported because ssoenv runs where nobody can type a code (prompt hooks,
//! credential_process), and a chain must start from an SSO profile (no `credential_source`, static
//! keys or web identity).

mod error;
mod pipeline;

pub use error::{ChainError, SourceFailure};
pub use pipeline::{RoleChainPipeline, SOURCE_MIN_VALID};

use crate::cache::{AssumeRoleArgs, assume_role_key};
use crate::config::{AwsConfig, ConfigError, Section, SsoProfile};

/// Keys of a role profile that ssoenv refuses, and why (shown to the user).
const UNSUPPORTED_KEYS: [(&str, &str); 3] = [
    (
        "mfa_serial",
        "ssoenv never asks for an MFA code, because it runs where nobody can type one (the \
         prompt hook, credential_process); remove mfa_serial, or use this profile with the AWS \
         CLI",
    ),
    (
        "credential_source",
        "ssoenv starts role chains only from an SSO profile; replace credential_source with \
         source_profile = <an SSO profile>",
    ),
    (
        "web_identity_token_file",
        "ssoenv assumes roles only with credentials from an SSO profile, not with a web identity \
         token",
    ),
];

/// The bounds STS puts on `DurationSeconds`.
const DURATION_SECONDS: std::ops::RangeInclusive<u32> = 900..=43_200;

/// What a profile is, for ssoenv: an SSO profile, or a chain of roles starting from one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileKind {
    Sso(SsoProfile),
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
    pub duration_seconds: Option<u32>,
}

impl RoleHop {
    /// The arguments as botocore hashes them for the cache key.
    pub fn args(&self) -> AssumeRoleArgs<'_> {
        AssumeRoleArgs {
            role_arn: &self.role_arn,
            role_session_name: self.role_session_name.as_deref(),
            external_id: self.external_id.as_deref(),
            duration_seconds: self.duration_seconds,
        }
    }

    /// The file in `~/.aws/cli/cache` the AWS CLI and ssoenv keep this role's credentials in.
    pub fn cache_key(&self) -> String {
        assume_role_key(&self.args())
    }
}

/// A profile whose credentials come from assuming roles, starting from an SSO profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleChain {
    /// The profile asked for: the last hop's profile.
    pub profile: String,
    /// That profile's `region`: exported as `AWS_REGION`, and the region STS is called in.
    pub region: Option<String>,
    /// The SSO profile at the start of the chain.
    pub root: SsoProfile,
    /// The roles in the order they are assumed: `hops[0]` with the root's credentials, the last
    /// one is the profile asked for. Never empty.
    pub hops: Vec<RoleHop>,
    /// The STS endpoint the config file sets for the profile asked for (botocore uses that
    /// profile's settings for every hop).
    pub sts_endpoint_in_file: Option<String>,
}

/// Reads profile `name`: an SSO profile, or a role chain ending in it. A profile with `role_arn`
/// is a role profile even if it also has SSO keys, as in botocore (its assume-role provider comes
/// before the SSO one).
pub fn resolve_profile(config: &AwsConfig, name: &str) -> Result<ProfileKind, ChainError> {
    let Some(section) = config.profile(name) else {
        return Err(config_not_found(config, name).into());
    };
    if !is_role_profile(section) {
        return Ok(ProfileKind::Sso(config.sso_profile(name)?));
    }
    let mut hops = Vec::new();
    let mut visited = vec![name.to_string()];
    let mut current = section;
    loop {
        let hop = read_hop(config, current)?;
        let source_name = source_profile(config, current)?;
        hops.push(hop);
        if visited.iter().any(|seen| seen == source_name) {
            visited.push(source_name.to_string());
            return Err(ChainError::Cycle {
                profile: name.to_string(),
                chain: visited,
            });
        }
        visited.push(source_name.to_string());
        let bad_source = |source: ConfigError| ChainError::BadSource {
            profile: current.name().to_string(),
            source_profile: source_name.to_string(),
            source: Box::new(source),
        };
        let Some(source) = config.profile(source_name) else {
            return Err(bad_source(config_not_found(config, source_name)));
        };
        if is_role_profile(source) {
            current = source;
            continue;
        }
        let root = config.sso_profile(source_name).map_err(bad_source)?;
        hops.reverse();
        return Ok(ProfileKind::Chain(RoleChain {
            profile: name.to_string(),
            region: section
                .get("region")
                .filter(|region| !region.is_empty())
                .map(str::to_string),
            root,
            hops,
            sts_endpoint_in_file: config.service_endpoint_override(name, &["sts"])?,
        }));
    }
}

/// The SSO profile whose session a profile signs in with: itself, or the start of its role
/// chain. `None` when the profile cannot be resolved (the caller then reports the profile's own
/// error). Lets `login` and `logout` take a chained profile's name.
pub fn sso_profile_name_behind(config: &AwsConfig, name: &str) -> Option<String> {
    match resolve_profile(config, name).ok()? {
        ProfileKind::Sso(profile) => Some(profile.name),
        ProfileKind::Chain(chain) => Some(chain.root.name),
    }
}

/// botocore's test: `role_arn` without `web_identity_token_file` (which makes it a web identity
/// profile; that one is refused in [`read_hop`] so the user learns why).
fn is_role_profile(section: &Section) -> bool {
    section.value("role_arn").is_some()
}

/// The `AssumeRole` arguments of a role profile, checked.
fn read_hop(config: &AwsConfig, section: &Section) -> Result<RoleHop, ChainError> {
    for (key, why) in UNSUPPORTED_KEYS {
        if let Some(entry) = section.entry(key) {
            return Err(ChainError::Unsupported {
                path: config.path().to_path_buf(),
                profile: section.name().to_string(),
                line: entry.line(),
                key,
                why,
            });
        }
    }
    let text = |key: &str| -> Result<Option<&str>, ChainError> {
        match section.value(key) {
            None => Ok(None),
            Some(value) => value.as_text().map(Some).ok_or_else(|| {
                invalid_value(
                    config,
                    section,
                    key,
                    "is an indented block; give it one value",
                )
            }),
        }
    };
    let role_arn = text("role_arn")?.unwrap_or_default();
    if role_arn.is_empty() {
        return Err(invalid_value(
            config,
            section,
            "role_arn",
            "is empty; set it to the ARN of the role to assume (arn:aws:iam::ACCOUNT:role/NAME)",
        ));
    }
    let duration_seconds = match text("duration_seconds")?.filter(|text| !text.is_empty()) {
        None => None,
        Some(value) => Some(
            value
                .parse::<u32>()
                .ok()
                .filter(|seconds| DURATION_SECONDS.contains(seconds))
                .ok_or_else(|| {
                    invalid_value(
                        config,
                        section,
                        "duration_seconds",
                        "must be a whole number of seconds from 900 to 43200 (STS also caps a \
                         role assumed in a chain at 3600)",
                    )
                })?,
        ),
    };
    Ok(RoleHop {
        profile: section.name().to_string(),
        role_arn: role_arn.to_string(),
        role_session_name: text("role_session_name")?
            .filter(|name| !name.is_empty())
            .map(str::to_string),
        // Sent as written, even empty (botocore does, and STS then says what is wrong).
        external_id: text("external_id")?.map(str::to_string),
        duration_seconds,
    })
}

/// The `source_profile` of a role profile.
fn source_profile<'c>(config: &AwsConfig, section: &'c Section) -> Result<&'c str, ChainError> {
    match section.value("source_profile") {
        None => Err(ChainError::NoSource {
            path: config.path().to_path_buf(),
            profile: section.name().to_string(),
            line: section.line(),
        }),
        Some(value) => match value.as_text() {
            Some(name) if !name.is_empty() => Ok(name),
            _ => Err(invalid_value(
                config,
                section,
                "source_profile",
                "must name the profile whose credentials assume the role",
            )),
        },
    }
}

fn invalid_value(config: &AwsConfig, section: &Section, key: &str, problem: &str) -> ChainError {
    ChainError::InvalidValue {
        path: config.path().to_path_buf(),
        profile: section.name().to_string(),
        line: section
            .entry(key)
            .map_or(section.line(), |entry| entry.line()),
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

    fn chain(name: &str) -> RoleChain {
        match resolve_profile(&config(), name).unwrap() {
            ProfileKind::Chain(chain) => chain,
            ProfileKind::Sso(_) => panic!("{name} is a chain"),
        }
    }

    fn error(name: &str) -> String {
        resolve_profile(&config(), name).unwrap_err().to_string()
    }

    #[test]
    fn an_sso_profile_is_not_a_chain() {
        assert!(matches!(
            resolve_profile(&config(), "sso").unwrap(),
            ProfileKind::Sso(profile) if profile.role_name == "FullAccess"
        ));
    }

    #[test]
    fn one_hop_keeps_every_argument() {
        let one = chain("one");
        assert_eq!(one.root.name, "sso");
        assert_eq!(one.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            one.hops,
            [RoleHop {
                profile: "one".into(),
                role_arn: "arn:aws:iam::222222222222:role/One".into(),
                role_session_name: Some("me".into()),
                external_id: Some("ext".into()),
                duration_seconds: Some(1200),
            }]
        );
    }

    #[test]
    fn two_hops_are_in_the_order_they_are_assumed() {
        let two = chain("two");
        let profiles: Vec<&str> = two.hops.iter().map(|hop| hop.profile.as_str()).collect();
        assert_eq!(profiles, ["one", "two"]);
        assert_eq!(two.root.name, "sso");
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
    fn unsupported_keys_say_why() {
        let message = error("mfa");
        assert!(
            message.contains("mfa_serial") && message.contains("line"),
            "{message}"
        );
        assert!(error("ec2").contains("credential_source"));
    }

    #[test]
    fn bad_sources_are_explained() {
        assert!(error("orphan").contains("no source_profile"));
        let missing = error("missing-source");
        assert!(missing.contains("source_profile = nowhere"), "{missing}");
        let from_static = resolve_profile(&config(), "from-static").unwrap_err();
        let full = format!("{:#}", anyhow::Error::from(from_static));
        assert!(full.contains("static access keys"), "{full}");
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
