//! What `export`, `exec` and `process` share: the credentials of any profile ssoenv serves (an
//! SSO profile, or a role chain starting from one), and when a sign-in may be started.

use std::time::Duration;

use super::sign_in::{SignInPolicy, token_source};
use crate::aws::resolve_sts_endpoint;
use crate::cache::{CacheDirs, RoleCredentials};
use crate::config::AwsConfig;
use crate::credentials::{CredentialsError, CredentialsPipeline, ensure_lifetime};
use crate::environment::credential_changes;
use crate::login::SignInSubject;
use crate::role_chain::{ProfileKind, RoleChainPipeline, resolve_profile};
use crate::shell::EnvChange;

/// A profile's credentials, with what the environment variables are made of.
#[derive(Debug)]
pub struct ProfileCredentials {
    /// The profile asked for (for a chain: its last role's profile, not the SSO profile behind
    /// it), so the hook refreshes the profile the user chose.
    pub profile: String,
    /// The profile's own `region`.
    pub region: Option<String>,
    /// The account the credentials belong to, when they do not say it themselves.
    pub account_id: String,
    /// The role the credentials are for (for a chain: its last role's ARN), for messages.
    pub role: String,
    pub credentials: RoleCredentials,
}

impl ProfileCredentials {
    /// The variables `export` sets and unsets (see [`credential_changes`]).
    pub fn env_changes(&self) -> Vec<EnvChange> {
        credential_changes(
            &self.profile,
            self.region.as_deref(),
            &self.account_id,
            &self.credentials,
        )
    }

    /// With `--min-remaining`: fail unless the credentials last that long (they were fetched
    /// fresh if the cached ones did not, so the role cannot give more). Without it: warn when even
    /// fresh credentials do not outlast `--min-valid`, since they will be fetched on every run.
    pub fn ensure_lasts(
        &self,
        min_remaining: Option<Duration>,
        min_valid: Duration,
    ) -> Result<(), CredentialsError> {
        match min_remaining {
            Some(required) => {
                ensure_lifetime(&self.profile, &self.role, &self.credentials, required)
            }
            None => {
                if ensure_lifetime(&self.profile, &self.role, &self.credentials, min_valid).is_err()
                {
                    eprintln!(
                        "ssoenv: warning: role {} gives credentials valid for less than --min-valid {}; they will be fetched again each time",
                        self.role,
                        crate::duration::format_duration(min_valid),
                    );
                }
                Ok(())
            }
        }
    }
}

/// The reuse threshold that satisfies both `--min-valid` and `--min-remaining`.
pub fn effective_min_valid(min_valid: Duration, min_remaining: Option<Duration>) -> Duration {
    min_remaining.map_or(min_valid, |required| required.max(min_valid))
}

/// Credentials of profile `name` with more than `min_valid` left: cached, or fetched (refreshing,
/// signing in per `policy`, assuming roles) and cached.
pub fn profile_credentials(
    name: &str,
    min_valid: Duration,
    policy: &SignInPolicy,
) -> anyhow::Result<ProfileCredentials> {
    let config = AwsConfig::load_default()?;
    let kind = resolve_profile(&config, name)?;
    let dirs = CacheDirs::from_env()?;
    let env = |name: &str| std::env::var(name).ok();
    match kind {
        ProfileKind::Sso(profile) => {
            let sign_in = policy.resolve(&dirs, &config, &profile.session)?;
            let subject = SignInSubject::Profile(profile.name.clone());
            let tokens = token_source(
                &config,
                &profile.session,
                subject,
                &dirs,
                &profile.endpoints,
                &sign_in,
            );
            let credentials =
                CredentialsPipeline::new(&profile, &dirs, &tokens).role_credentials(min_valid)?;
            Ok(ProfileCredentials {
                profile: profile.name,
                role: profile.role_name,
                region: profile.region,
                account_id: profile.account_id,
                credentials,
            })
        }
        ProfileKind::Chain(chain) => {
            let root = &chain.root;
            let sign_in = policy.resolve(&dirs, &config, &root.session)?;
            let subject = SignInSubject::Profile(root.name.clone());
            let tokens = token_source(
                &config,
                &root.session,
                subject,
                &dirs,
                &root.endpoints,
                &sign_in,
            );
            let sts_endpoint = resolve_sts_endpoint(chain.sts_endpoint_in_file.as_deref(), env);
            let credentials = RoleChainPipeline::new(&chain, &dirs, &tokens, sts_endpoint)
                .credentials(min_valid)?;
            let last_role = chain.hops.last().map_or("", |hop| hop.role_arn.as_str());
            Ok(ProfileCredentials {
                account_id: last_role.split(':').nth(4).unwrap_or_default().to_string(),
                role: last_role.to_string(),
                profile: chain.profile.clone(),
                region: chain.region.clone(),
                credentials,
            })
        }
    }
}
