//! `ssoenv status [PROFILE] [--json] [--margin 15m]`: how long a profile's SSO token and role
//! credentials have left, read from the cache files alone (no network: a prompt can call it).
//!
//! Exit statuses, for scripts and prompts:
//! - 0: valid: the profile is usable without a sign-in for longer than `--margin` (credentials or
//!   token valid that long, or a token ssoenv can refresh by itself);
//! - 1: error (profile not found, not an SSO profile, unreadable file);
//! - 3: a sign-in is needed: not signed in, or the token has expired and cannot be refreshed and no
//!   valid credentials remain (the same status every ssoenv command uses for "sign in first");
//! - 4: expiring: still usable, but a sign-in will be due within `--margin`.
//!
//! The profile is the argument, else `$SSOENV_PROFILE` (the profile whose credentials this shell
//! holds, set by `ssoenv export`, which also unsets `AWS_PROFILE`), else `$AWS_PROFILE`, then
//! `$AWS_DEFAULT_PROFILE`, then `default`. A session revoked at the service looks valid here
//! until ssoenv next talks to the service.

use std::fmt::Write as _;

use serde_json::json;
use time::OffsetDateTime;

use super::output::print_all;
use crate::cache::{CacheDirs, format_cli_timestamp};
use crate::cli::StatusArgs;
use crate::config::{self, AwsConfig};
use crate::environment::PROFILE_MARKER;
use crate::error::{SilentExit, exit_code};
use crate::profile_state::{ProfileState, Standing, time_left};

pub fn run(args: &StatusArgs) -> anyhow::Result<()> {
    let active = std::env::var(PROFILE_MARKER)
        .ok()
        .filter(|name| !name.trim().is_empty());
    let name = config::select_profile_name(args.profile.as_deref().or(active.as_deref()));
    let config = AwsConfig::load_default()?;
    let profile = config.sso_profile(&name)?;
    let dirs = CacheDirs::from_env()?;
    let state = ProfileState::read(&profile, &dirs)?;
    let now = OffsetDateTime::now_utc();
    let standing = state.standing(now, args.margin);

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
            "sso_session": session_name,
            "sso_start_url": profile.session.start_url,
            "sso_region": profile.session.region,
            "account_id": profile.account_id,
            "role_name": profile.role_name,
            "region": profile.region,
            "state": standing.as_str(),
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
        let _ = writeln!(out, "State        {}", describe(standing));
        out
    };
    print_all(&output)?;
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
