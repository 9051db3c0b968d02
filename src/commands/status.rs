//! `ssoenv status [PROFILE] [--json] [--margin 15m]`: how long a profile's SSO token and role
//! credentials have left, read from the cache files alone (no network: a prompt can call it).
//!
//! Exit statuses, for scripts and prompts:
//! - 0: valid: the profile is usable without a sign-in for longer than `--margin` (credentials or
//!   token valid that long, or a token ssoenv can refresh by itself);
//! - 1: error (profile not found, unreadable file);
//! - 3: a sign-in is needed: not signed in, or the token has expired and cannot be refreshed and no
//!   valid credentials remain (the same status every ssoenv command uses for "sign in first");
//! - 4: expiring: still usable, but a sign-in will be due within `--margin`.
//!
//! The profile is the argument, else `$SSOENV_PROFILE` (the profile whose credentials this shell
//! holds, set by `ssoenv export`, which also unsets `AWS_PROFILE`), else `$AWS_PROFILE`, then
//! `$AWS_DEFAULT_PROFILE`, then `default`; with none of them and no `[default]` profile it says
//! to run `ssoenv status PROFILE` (exit status 2). A session revoked at the service looks valid
//! in the files until ssoenv next talks to the service, so the state says it was read from them;
//! `--check` asks the service with one `ListAccounts` call (no role credentials fetched, never a
//! sign-in; an expired token that can be refreshed is refreshed) and reports a refused session as
//! expired (exit status 3).
//!
//! Every profile kind has a status: its kind, what the caches say about its credentials, and what
//! happens when they expire (an SSO session is refreshed or needs `ssoenv login`, a role is
//! assumed again, a credential_process run again, an `aws login` session refreshed until it ends,
//! static keys never expire). A role chain from an SSO profile stands as that profile's session
//! does; an `aws login` session without its cache file needs `aws login` (exit status 3).

use std::fmt::Write as _;

use serde_json::json;
use time::OffsetDateTime;

use super::output::print_all;
use super::sign_in::{SignInPolicy, token_source};
use crate::cache::{CacheDirs, format_cli_timestamp};
use crate::cli::StatusArgs;
use crate::config::{self, AwsConfig, CredentialKind, ProfileSource, SsoProfile, is_plain_sso};
use crate::environment::PROFILE_MARKER;
use crate::error::{SilentExit, UsageError, exit_code};
use crate::login::SignInSubject;
use crate::profile_kinds::{login_cache_path, read_login_cache};
use crate::profile_state::{ProfileState, Standing, time_left};
use crate::role_chain::{BaseSource, ChainRoot, ProfileKind, resolve_profile};

pub fn run(args: &StatusArgs) -> anyhow::Result<()> {
    let active = std::env::var(PROFILE_MARKER)
        .ok()
        .filter(|name| !name.trim().is_empty());
    let aws_profile = std::env::var_os("AWS_PROFILE");
    let aws_default_profile = std::env::var_os("AWS_DEFAULT_PROFILE");
    let choice = config::choose_profile(
        args.profile.as_deref().or(active.as_deref()),
        aws_profile.as_deref(),
        aws_default_profile.as_deref(),
    );
    let name = choice.name;
    let config = AwsConfig::load_default_for_profile(&name)?;
    if choice.source == ProfileSource::Fallback && config.profile(&name).is_none() {
        return Err(UsageError(no_profile_named(&config)).into());
    }
    let dirs = CacheDirs::from_env()?;
    if !config.profile(&name).is_some_and(is_plain_sso) {
        match resolve_profile(&config, &name)? {
            ProfileKind::Sso(_) => {}
            other => return other_kind_status(args, &dirs, &other),
        }
    }
    let profile = config.sso_profile(&name)?;
    let state = ProfileState::read(&profile, &dirs)?;
    let now = OffsetDateTime::now_utc();
    let mut standing = state.standing(now, args.margin);
    // `None`: not asked (the cache files alone); `Some(false)`: the service refused the session.
    let mut live_at_service = None;
    if args.check && matches!(standing, Standing::Valid | Standing::Expiring) {
        let live = check_with_service(&config, &profile, &dirs)?;
        if !live {
            standing = Standing::Expired;
        }
        live_at_service = Some(live);
    }

    let session_name = profile.session.name.as_deref();
    let output = if args.json {
        let token = state.token.as_ref().map(|token| {
            json!({
                "expires_at": format_cli_timestamp(token.expires_at),
                "seconds_left": (token.expires_at - now).whole_seconds(),
                "refreshable": token.refreshable,
            })
        });
        let credentials = state.credentials.as_ref().map(|credentials| {
            json!({
                "expires_at": format_cli_timestamp(credentials.expires_at),
                "seconds_left": (credentials.expires_at - now).whole_seconds(),
            })
        });
        let document = json!({
            "profile": profile.name,
            "kind": CredentialKind::Sso.label(),
            "on_expiry": CredentialKind::Sso.on_expiry(),
            "sso_session": session_name,
            "sso_start_url": profile.session.start_url,
            "sso_region": profile.session.region,
            "account_id": profile.account_id,
            "role_name": profile.role_name,
            "region": profile.region,
            "state": standing.as_str(),
            "checked_with_service": live_at_service.is_some(),
            "token": token,
            "credentials": credentials,
        });
        format!("{document}\n")
    } else {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Profile      {} (account {}, role {})",
            profile.name, profile.account_id, profile.role_name
        );
        let _ = writeln!(
            out,
            "SSO session  {} ({}, {})",
            session_name.unwrap_or("none (legacy profile)"),
            profile.session.start_url,
            profile.session.region
        );
        let token = match &state.token {
            None => "none (not signed in)".to_string(),
            Some(token) => format!(
                "{}{}",
                lifetime(token.expires_at, now),
                if token.refreshable {
                    "; ssoenv can refresh it"
                } else {
                    "; cannot be refreshed"
                }
            ),
        };
        let _ = writeln!(out, "Token        {token}");
        let credentials = match &state.credentials {
            None => "none cached".to_string(),
            Some(credentials) => lifetime(credentials.expires_at, now),
        };
        let _ = writeln!(out, "Credentials  {credentials}");
        let how = match live_at_service {
            None if matches!(standing, Standing::Valid | Standing::Expiring) => {
                " (from the cache files; `ssoenv status --check` asks the service)"
            }
            None => "",
            Some(true) => " (checked with the service)",
            Some(false) => " (the service refused the session: it was revoked or ended)",
        };
        let _ = writeln!(out, "State        {}{how}", describe(standing));
        out
    };
    print_all(&output)?;
    exit_for(standing)
}

/// The status of a profile that is not an SSO profile: its kind, the credentials the caches hold
/// for it, and what happens when they expire.
fn other_kind_status(
    args: &StatusArgs,
    dirs: &CacheDirs,
    kind: &ProfileKind,
) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    let (profile, label, description, cached, standing) = match kind {
        ProfileKind::Sso(_) => unreachable!("SSO profiles have their own status"),
        ProfileKind::Chain(chain) => {
            let last = chain.hops.last().map(|hop| hop.cache_key());
            let cached = match last {
                Some(key) => dirs
                    .assumed_roles()
                    .load(&key)?
                    .map(|a| a.credentials.expiration),
                None => None,
            };
            // A chain from an SSO profile can be renewed as long as that session can.
            let standing = match &chain.root {
                ChainRoot::Sso(root) => ProfileState::read(root, dirs)?.standing(now, args.margin),
                ChainRoot::Base(_) => Standing::Valid,
            };
            let roles: Vec<&str> = chain.hops.iter().map(|hop| hop.role_arn.as_str()).collect();
            (
                chain.profile.as_str(),
                CredentialKind::AssumeRole,
                format!(
                    "role chain from profile '{}': {}",
                    chain.root.name(),
                    roles.join(" → ")
                ),
                cached,
                standing,
            )
        }
        ProfileKind::Base(base) => {
            let (kind, description, cached, standing) = match &base.source {
                BaseSource::StaticKeys(keys) => (
                    CredentialKind::StaticKeys {
                        in_credentials_file: false,
                    },
                    format!("static keys ({})", keys.access_key_id),
                    None,
                    Standing::Valid,
                ),
                BaseSource::CredentialProcess { .. } => (
                    CredentialKind::CredentialProcess,
                    "credential_process (nothing cached: the command runs each time)".to_string(),
                    None,
                    Standing::Valid,
                ),
                BaseSource::WebIdentity(web) => (
                    CredentialKind::WebIdentity,
                    format!(
                        "web identity: {} with the token in {}",
                        web.role_arn,
                        web.token_file.display()
                    ),
                    dirs.assumed_roles()
                        .load(&web.cache_key())?
                        .map(|a| a.credentials.expiration),
                    Standing::Valid,
                ),
                BaseSource::LoginSession { session_arn } => {
                    let path = login_cache_path(session_arn)?;
                    let cached = read_login_cache(&path).map(|c| c.expiration);
                    let standing = if path.exists() {
                        Standing::Valid
                    } else {
                        Standing::NotSignedIn
                    };
                    (
                        CredentialKind::LoginSession,
                        format!("aws login session {session_arn}"),
                        cached,
                        standing,
                    )
                }
                BaseSource::Named(source) => (
                    CredentialKind::AssumeRole,
                    format!("credential_source = {source:?}"),
                    None,
                    Standing::Valid,
                ),
            };
            (base.profile.as_str(), kind, description, cached, standing)
        }
    };
    let output = if args.json {
        let credentials = cached.map(|until| {
            json!({
                "expires_at": format_cli_timestamp(until),
                "seconds_left": (until - now).whole_seconds(),
            })
        });
        format!(
            "{}\n",
            json!({
                "profile": profile,
                "kind": label.label(),
                "description": description,
                "on_expiry": label.on_expiry(),
                "state": standing.as_str(),
                "credentials": credentials,
            })
        )
    } else {
        let credentials = match (cached, label) {
            (_, CredentialKind::StaticKeys { .. }) => "long-term keys: no expiry".to_string(),
            (Some(until), _) => lifetime(until, now),
            (None, _) => "none cached".to_string(),
        };
        let state = match standing {
            Standing::NotSignedIn => "not signed in (aws login)",
            other => describe(other),
        };
        format!(
            "Profile      {profile} ({})\nSource       {description}\nCredentials  \
             {credentials}\nOn expiry    {}\nState        {state}\n",
            label.label(),
            label.on_expiry()
        )
    };
    print_all(&output)?;
    exit_for(standing)
}

/// The exit status that tells scripts the standing (see the module documentation).
fn exit_for(standing: Standing) -> anyhow::Result<()> {
    match standing {
        Standing::Valid => Ok(()),
        Standing::Expiring => Err(SilentExit(exit_code::EXPIRING).into()),
        Standing::Expired | Standing::NotSignedIn => {
            Err(SilentExit(exit_code::SIGN_IN_NEEDED).into())
        }
    }
}

/// `valid for 52m (until 2025-01-02 11:04 UTC)` or `expired 5m ago (2025-01-02 11:04 UTC)`.
fn lifetime(until: OffsetDateTime, now: OffsetDateTime) -> String {
    let when = crate::cache::format_utc_minutes(until);
    if until > now {
        format!("valid for {} (until {when})", time_left(until, now))
    } else {
        format!("expired {} ago ({when})", time_left(now, until))
    }
}

fn describe(standing: Standing) -> &'static str {
    match standing {
        Standing::Valid => "valid",
        Standing::Expiring => "expiring: sign in soon (ssoenv login)",
        Standing::Expired => "expired: sign in again (ssoenv login)",
        Standing::NotSignedIn => "not signed in (ssoenv login)",
    }
}

/// `ssoenv status` with no profile named anywhere and no `[default]` profile: say how to name one.
fn no_profile_named(config: &AwsConfig) -> String {
    let names = config.profile_names();
    let example = names.first().copied().unwrap_or("PROFILE");
    let listing = match names.len() {
        0 => String::new(),
        1..=5 => format!(" (profiles: {})", names.join(", ")),
        n => format!(" (profiles: {}, and {} more)", names[..5].join(", "), n - 5),
    };
    format!(
        "no profile to show: none given, no $SSOENV_PROFILE or $AWS_PROFILE, and no [default] \
         profile in {}. Run `ssoenv status PROFILE`, e.g. `ssoenv status {example}`{listing}",
        config.path().display()
    )
}

/// Whether the service still accepts the profile's SSO session: `false` when only a sign-in
/// would help; an error for anything else (network, throttling), which says nothing either way.
fn check_with_service(
    config: &AwsConfig,
    profile: &SsoProfile,
    dirs: &CacheDirs,
) -> anyhow::Result<bool> {
    let source = token_source(
        config,
        &profile.session,
        SignInSubject::Profile(profile.name.clone()),
        dirs,
        &profile.endpoints,
        &SignInPolicy::Never,
    )?;
    match source.call(|client, access_token| client.check_access_token(access_token)) {
        Ok(()) => Ok(true),
        Err(error) => {
            let error = anyhow::Error::from(error);
            if crate::error::exit_status(&error) == exit_code::SIGN_IN_NEEDED {
                crate::debug!(
                    "the session was refused: {}",
                    crate::error::report(error.as_ref())
                );
                Ok(false)
            } else {
                Err(error.context("checking the SSO session with the service"))
            }
        }
    }
}
