//! What `export`, `exec` and `process` share: the credentials of any profile ssoenv serves (an
//! SSO profile, or a role chain starting from one), and when a sign-in may be started.

use std::io::IsTerminal;
use std::time::Duration;

use crate::cache::{CacheDirs, RoleCredentials};
use crate::cli::SignInArgs;
use crate::config::AwsConfig;
use crate::credentials::{CredentialsPipeline, NoSignIn, SignIn};
use crate::environment::credential_changes;
use crate::login::{InteractiveSignIn, SignInOptions};
use crate::role_chain::{ProfileKind, RoleChainPipeline, resolve_profile};
use crate::shell::EnvChange;
use crate::sso::resolve_endpoints;
use crate::sts::resolve_sts_endpoint;

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
}

/// Whether getting credentials may start a sign-in.
#[derive(Clone, Debug)]
pub enum SignInPolicy {
    /// Never: fail with the command to run (exit status 3).
    Never,
    /// Only when stderr is a terminal, where someone sees the address or code.
    WhenInteractive(SignInArgs),
}

impl SignInPolicy {
    /// `--no-login` means never; otherwise sign in when someone can see it.
    pub fn from_args(no_login: bool, sign_in: &SignInArgs) -> SignInPolicy {
        if no_login {
            SignInPolicy::Never
        } else {
            SignInPolicy::WhenInteractive(sign_in.clone())
        }
    }

    fn seam(&self, dirs: &CacheDirs) -> Box<dyn SignIn> {
        match self {
            SignInPolicy::WhenInteractive(args) if std::io::stderr().is_terminal() => {
                Box::new(InteractiveSignIn {
                    dirs: dirs.clone(),
                    options: SignInOptions::new(args.use_device_code, args.no_browser),
                })
            }
            _ => Box::new(NoSignIn),
        }
    }
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
    let sign_in = policy.seam(&dirs);
    match kind {
        ProfileKind::Sso(profile) => {
            let endpoints = resolve_endpoints(&profile.endpoints, env);
            let credentials =
                CredentialsPipeline::new(&profile, &dirs, endpoints, sign_in.as_ref())
                    .role_credentials(min_valid)?;
            Ok(ProfileCredentials {
                profile: profile.name,
                region: profile.region,
                account_id: profile.account_id,
                credentials,
            })
        }
        ProfileKind::Chain(chain) => {
            let sso_endpoints = resolve_endpoints(&chain.root.endpoints, env);
            let sts_endpoint = resolve_sts_endpoint(chain.sts_endpoint_in_file.as_deref(), env);
            let credentials = RoleChainPipeline::new(
                &chain,
                &dirs,
                sso_endpoints,
                sts_endpoint,
                sign_in.as_ref(),
            )
            .credentials(min_valid)?;
            let last_role = chain.hops.last().map_or("", |hop| hop.role_arn.as_str());
            Ok(ProfileCredentials {
                account_id: last_role.split(':').nth(4).unwrap_or_default().to_string(),
                profile: chain.profile,
                region: chain.region,
                credentials,
            })
        }
    }
}
