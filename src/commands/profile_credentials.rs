//! What the commands that hand out credentials share (`export`, `use`, `exec`, `process`, the
//! prompt hook): the credentials of any profile ssoenv serves (an SSO profile, any other kind the
//! AWS CLI resolves, or a role chain starting from either), and [`resolve`], which turns the
//! shared [`CredentialArgs`] into them. Every command that needs a profile's credentials goes
//! through [`profile_credentials`], so each gets every kind.

use std::time::Duration;

use super::sign_in::{SignInPolicy, token_source};
use crate::aws::resolve_sts_endpoint;
use crate::cache::{CacheDirs, RoleCredentials};
use crate::cli::CredentialArgs;
use crate::config::{self, AwsConfig, SsoProfile};
use crate::credentials::{CredentialsError, CredentialsPipeline, ensure_lifetime};
use crate::environment::credential_changes;
use crate::login::{LoginError, SignInSubject};
use crate::profile_kinds::base_credentials;
use crate::role_chain::{ChainRoot, ProfileKind, RoleChainPipeline, resolve_profile};
use crate::shell::EnvChange;
use crate::token_source::TokenSource;

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
    /// The role the credentials are for (for a chain: its last role's ARN; for other kinds the
    /// kind), for messages.
    pub role: String,
    pub credentials: RoleCredentials,
    /// Long-term keys (static keys, or a credential_process without `Expiration`): exported with
    /// no expiry and never refreshed by the hook.
    pub long_term: bool,
}

impl ProfileCredentials {
    /// The variables `export` sets and unsets (see [`credential_changes`]).
    pub fn env_changes(&self) -> Vec<EnvChange> {
        credential_changes(
            &self.profile,
            self.region.as_deref(),
            &self.account_id,
            &self.credentials,
            self.long_term,
        )
    }

    /// With `--min-remaining`: fail unless the credentials last that long (they were fetched
    /// fresh if the cached ones did not, so the role cannot give more). Without it: warn when even
    /// fresh credentials do not outlast `--min-valid`, since they will be fetched on every run.
    fn ensure_lasts(
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

/// The credentials [`CredentialArgs`] ask for: the profile (the argument, else `AWS_PROFILE`,
/// `AWS_DEFAULT_PROFILE`, `default`), with credentials that satisfy both `--min-valid` and
/// `--min-remaining`, signing in only as `--no-login` and the terminal allow. Checked before
/// anything is printed or started: a long job must not fail half-way.
pub fn resolve(args: &CredentialArgs) -> anyhow::Result<ProfileCredentials> {
    let profile_name = config::select_profile_name(args.profile.as_deref());
    let policy = SignInPolicy::from_args(&args.sign_in);
    let min_valid = effective_min_valid(args.min_valid, args.min_remaining);
    let resolved = profile_credentials(&profile_name, min_valid, &policy)?;
    resolved.ensure_lasts(args.min_remaining, min_valid)?;
    Ok(resolved)
}

/// [`resolve`] when the caches alone answer it: an SSO profile whose role credentials are cached
/// with enough time left, and everything `resolve` checks before it looks at the cache in order.
/// `None` for anything else (a role chain, credentials to fetch, a warning to print, an error),
/// which only `resolve` handles; whatever this returns, `resolve` returns too. This is the whole
/// of what the front executable does for `export` (`src/front.rs`), so it reaches no code that
/// fetches.
pub fn from_cache(args: &CredentialArgs) -> Option<ProfileCredentials> {
    let name = config::select_profile_name(args.profile.as_deref());
    let policy = SignInPolicy::from_args(&args.sign_in);
    let min_valid = effective_min_valid(args.min_valid, args.min_remaining);
    let config = AwsConfig::load_default_for_profile(&name).ok()?;
    let ProfileKind::Sso(profile) = resolve_profile(&config, &name).ok()? else {
        return None;
    };
    let dirs = CacheDirs::from_env().ok()?;
    let tokens = profile_token_source(&config, &profile, &dirs, &policy).ok()?;
    let credentials = CredentialsPipeline::new(&profile, &dirs, &tokens)
        .cached_role_credentials(min_valid)
        .ok()??;
    let resolved = sso_profile_credentials(profile, credentials);
    let lasts = args.min_remaining.unwrap_or(min_valid);
    ensure_lifetime(
        &resolved.profile,
        &resolved.role,
        &resolved.credentials,
        lasts,
    )
    .ok()?;
    Some(resolved)
}

/// The token source of an SSO profile's session.
fn profile_token_source<'c>(
    config: &'c AwsConfig,
    profile: &SsoProfile,
    dirs: &CacheDirs,
    policy: &SignInPolicy,
) -> Result<TokenSource<'c>, LoginError> {
    token_source(
        config,
        &profile.session,
        SignInSubject::Profile(profile.name.clone()),
        dirs,
        &profile.endpoints,
        policy,
    )
}

fn sso_profile_credentials(
    profile: SsoProfile,
    credentials: RoleCredentials,
) -> ProfileCredentials {
    ProfileCredentials {
        profile: profile.name,
        role: profile.role_name,
        region: profile.region,
        account_id: profile.account_id,
        credentials,
        long_term: false,
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
    // Only the profile's own sections: a config file `populate` filled with thousands of
    // profiles must not slow down every `eval` (see `AwsConfig::load_for_profile`).
    let config = AwsConfig::load_default_for_profile(name)?;
    let kind = resolve_profile(&config, name)?;
    let dirs = CacheDirs::from_env()?;
    let env = |name: &str| std::env::var(name).ok();
    match kind {
        ProfileKind::Sso(profile) => {
            let tokens = profile_token_source(&config, &profile, &dirs, policy)?;
            let credentials =
                CredentialsPipeline::new(&profile, &dirs, &tokens).role_credentials(min_valid)?;
            Ok(sso_profile_credentials(profile, credentials))
        }
        ProfileKind::Base(base) => {
            let resolved = base_credentials(&base, &dirs, min_valid)?;
            Ok(ProfileCredentials {
                account_id: resolved.credentials.account_id.clone().unwrap_or_default(),
                role: format!("of profile '{}'", base.profile),
                profile: base.profile,
                region: base.region,
                credentials: resolved.credentials,
                long_term: resolved.long_term,
            })
        }
        ProfileKind::Chain(chain) => {
            let tokens = match &chain.root {
                ChainRoot::Sso(root) => Some(profile_token_source(&config, root, &dirs, policy)?),
                ChainRoot::Base(_) => None,
            };
            let sts_endpoint = resolve_sts_endpoint(chain.sts_endpoint_in_file.as_deref(), env);
            let credentials = RoleChainPipeline::new(
                &chain,
                &dirs,
                tokens.as_ref(),
                sts_endpoint,
                policy.may_prompt(),
            )
            .credentials(min_valid)?;
            let last_role = chain.hops.last().map_or("", |hop| hop.role_arn.as_str());
            Ok(ProfileCredentials {
                account_id: last_role.split(':').nth(4).unwrap_or_default().to_string(),
                role: last_role.to_string(),
                profile: chain.profile.clone(),
                region: chain.region.clone(),
                credentials,
                long_term: false,
            })
        }
    }
}
