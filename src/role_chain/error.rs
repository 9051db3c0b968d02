//! Everything that can stop a role chain, each said as a sentence that names the profile, the
//! file and line, and what to change.

use std::path::PathBuf;

use crate::aws::StsError;
use crate::cache::CacheError;
use crate::config::ConfigError;
use crate::credentials::CredentialsError;
use crate::profile_kinds::BaseError;

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The profile asked for cannot be read (not defined, not an SSO profile, …). Boxed, as
    /// below, to keep the error small on the success path.
    #[error(transparent)]
    Config(Box<ConfigError>),

    #[error(
        "profile '{profile}' (line {line} of {}) has role_arn but no source_profile; add \
         source_profile = NAME, naming the profile whose credentials assume the role (or \
         credential_source = Environment, Ec2InstanceMetadata or EcsContainer)",
        .path.display()
    )]
    NoSource {
        path: PathBuf,
        profile: String,
        line: usize,
    },

    /// The source profile is missing or is not something a chain can start from; the config
    /// module's error (its `source`) says which.
    #[error("profile '{profile}' has source_profile = {source_profile}, which cannot be used")]
    BadSource {
        profile: String,
        source_profile: String,
        #[source]
        source: Box<ConfigError>,
    },

    #[error(
        "the source_profile settings of profile '{profile}' form a loop: {}; one profile of the \
         chain must have credentials of its own (SSO, static keys, credential_process, …)",
        .chain.join(" → ")
    )]
    Cycle {
        profile: String,
        /// The profiles in the order followed, ending with the one seen twice.
        chain: Vec<String>,
    },

    #[error(
        "profile '{profile}' needs a code from MFA device {serial} (mfa_serial), and no terminal \
         can answer here (the prompt hook without a terminal, credential_process, --no-login); \
         run `ssoenv use {profile}` at a terminal once: the role's credentials are then cached \
         until they expire"
    )]
    MfaNeedsTerminal { profile: String, serial: String },

    /// The profile at the start of the chain (not an SSO one) gave no credentials.
    #[error("getting the credentials of profile '{root}', the source of '{profile}'")]
    BaseSource {
        profile: String,
        root: String,
        #[source]
        source: Box<BaseError>,
    },

    #[error("profile '{profile}' (line {line} of {}): {key} {problem}", .path.display())]
    InvalidValue {
        path: PathBuf,
        profile: String,
        line: usize,
        key: String,
        problem: String,
    },

    /// The SSO profile at the start of the chain gave no credentials.
    #[error(transparent)]
    Source(Box<SourceFailure>),

    #[error("assuming role {role_arn} for profile '{profile}'")]
    AssumeRole {
        profile: String,
        role_arn: String,
        #[source]
        source: Box<StsError>,
    },

    #[error(transparent)]
    Cache(#[from] CacheError),

    #[error("could not start the network client: {0}")]
    Runtime(#[from] std::io::Error),
}

impl From<ConfigError> for ChainError {
    fn from(error: ConfigError) -> Self {
        ChainError::Config(Box::new(error))
    }
}

/// Why the SSO profile at the start of a chain gave no credentials. Its `source` (the pipeline's
/// own error, e.g. "sign in with: ssoenv login ROOT") stays in the error chain unboxed, so that
/// `main` still finds a needed sign-in and exits with status 3.
#[derive(Debug, thiserror::Error)]
#[error("getting the credentials of SSO profile '{root}', the source of '{profile}'")]
pub struct SourceFailure {
    pub profile: String,
    pub root: String,
    #[source]
    pub source: CredentialsError,
}
