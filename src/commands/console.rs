//! `ssoenv console [PROFILE]`: the AWS console, signed in as the profile's role.
//!
//! The role credentials come from the same pipeline as `export` (cached, refreshed, or after a
//! sign-in; role chains too), are exchanged at the federation endpoint for a one-time sign-in
//! token, and the login URL carrying that token (never the credentials) goes to the browser the
//! sign-in uses, or to stdout with `--print`. See [`crate::console`] for isolation.

use time::OffsetDateTime;

use super::profile_credentials::profile_credentials;
use super::sign_in::SignInPolicy;
use crate::aws::{FederationEndpoint, Partition, resolve_signin_endpoint};
use crate::cli::ConsoleArgs;
use crate::config::{self, AwsConfig};
use crate::console::{self, Opening};
use crate::environment::PROFILE_MARKER;
use crate::error::UsageError;

/// The console's region when neither `--region` nor the profile names one.
const DEFAULT_REGION: &str = "us-east-1";

pub fn run(args: &ConsoleArgs) -> anyhow::Result<()> {
    if let Some(service) = &args.service
        && !console::is_service_slug(service)
    {
        return Err(UsageError(format!(
            "--service {service:?} is not a console service name (such as s3, ec2, lambda)"
        ))
        .into());
    }
    if let Some(destination) = &args.destination
        && !(destination.starts_with("https://") || destination.starts_with("http://"))
    {
        return Err(UsageError(format!(
            "--destination {destination:?} is not an http(s):// URL"
        ))
        .into());
    }
    let active = std::env::var(PROFILE_MARKER)
        .ok()
        .filter(|name| !name.trim().is_empty());
    let name = config::select_profile_name(args.profile.as_deref().or(active.as_deref()));

    // Checked before any credentials are fetched: a mistake here should cost nothing.
    let config = AwsConfig::load_default()?;
    let opening = opening(args, &config, &name)?;
    let signin_override = resolve_signin_endpoint(|name| std::env::var(name).ok());
    let endpoint_in = |partition| FederationEndpoint::new(signin_override.as_deref(), partition);
    endpoint_in(Partition::Aws)?;

    let policy = SignInPolicy::from_args(&args.sign_in);
    let resolved = profile_credentials(&name, args.min_valid, &policy)?;
    if resolved.long_term {
        // The federation endpoint takes role-session credentials only; an IAM user's keys would
        // be refused there after a round trip, with a less helpful message.
        anyhow::bail!(
            "profile '{}' holds long-term keys, which the console's sign-in endpoint does not \
             accept (it takes a role's temporary credentials); open the console with a role \
             profile that starts from it (role_arn = …, source_profile = {})",
            resolved.profile,
            resolved.profile
        );
    }

    let region = args
        .region
        .clone()
        .or_else(|| resolved.region.clone())
        .filter(|region| !region.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    // The region becomes part of the console's host name.
    if !region
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(UsageError(format!("{region:?} is not an AWS region name")).into());
    }
    let partition = Partition::of_region(&region);
    let destination = args
        .destination
        .clone()
        .unwrap_or_else(|| console::destination(args.service.as_deref(), &region));
    let endpoint = endpoint_in(partition)?;

    let token = endpoint.signin_token(&resolved.credentials)?;
    let login = console::login_url(
        &endpoint,
        issuer(&config, &name).as_deref(),
        &destination,
        &token,
    );
    let url = if args.logout_first {
        console::logout_then(&endpoint, &login)
    } else {
        login
    };

    let remaining = resolved.credentials.remaining(OffsetDateTime::now_utc());
    let lasts = std::time::Duration::try_from(remaining).unwrap_or_default();
    eprintln!(
        "ssoenv: console of profile '{}' (account {}, role {}): the session lasts until the \
         credentials expire, {} from now ({}); the link works once, within 15 minutes",
        resolved.profile,
        resolved.account_id,
        resolved.role,
        crate::duration::format_duration(std::time::Duration::from_secs(lasts.as_secs())),
        crate::cache::format_cli_timestamp(resolved.credentials.expiration),
    );
    if args.print {
        println!("{}", url.expose());
        return Ok(());
    }
    console::open(&url, &opening).map_err(|error| {
        anyhow::anyhow!("{error}; `ssoenv console --print` prints the address instead")
    })
}

/// Isolated or not: `--isolate` / `--no-isolate`, else the config setting; never with `--print`
/// (a printed URL opens wherever it is pasted).
fn opening(args: &ConsoleArgs, config: &AwsConfig, profile: &str) -> anyhow::Result<Opening> {
    let isolate = if args.print {
        false
    } else if args.isolate || args.no_isolate {
        args.isolate
    } else {
        console::isolate_setting(config, profile)
            .map_err(UsageError)?
            .unwrap_or(false)
    };
    if isolate {
        Ok(Opening::isolated(profile).map_err(UsageError)?)
    } else {
        Ok(Opening::Shared)
    }
}

/// Where the console sends the user once the session is over: the access portal the profile
/// signs in with (none for a profile that has none).
fn issuer(config: &AwsConfig, profile: &str) -> Option<String> {
    crate::role_chain::sso_profile_name_behind(config, profile)
        .and_then(|name| config.sso_session_of_profile(&name).ok())
        .map(|session| session.start_url)
}
