//! `ssoenv hook SHELL …` (hidden): what the prompt hook of `ssoenv init` runs. Its stdout is
//! always code for the hook to evaluate, whatever the outcome: the refreshed credentials, or the
//! back-off deadline after a failure. Its exit status is 0 even after a failure (the message is
//! on stderr and the back-off on stdout), so the scripts can tell a run killed by Ctrl-C (status
//! above 128) from everything else, and elvish does not raise an exception.
//!
//! The early exit is the fast path of shells without a clock (fish, elvish, tcsh run this before
//! every prompt): it reads three environment variables and the system clock, and returns without
//! reading the AWS config or building any client.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::hook_timing::min_valid_for;
use super::output::print_all;
use super::profile_credentials::profile_credentials;
use super::sign_in::SignInPolicy;
use crate::cli::HookArgs;
use crate::duration::format_duration;
use crate::environment::{EXPIRES_AT_MARKER, PROFILE_MARKER};
use crate::shell::{Backoff, integration_output};

/// Whether credentials expiring at `expires_at` are due for a refresh at `now`, with `margin`
/// seconds of margin. Missing or unreadable expiry: due (the profile is set, so refresh it).
pub fn is_due(expires_at: Option<u64>, now: u64, margin: u64) -> bool {
    expires_at.is_none_or(|expires| now.saturating_add(margin) >= expires)
}

pub fn run(args: &HookArgs) -> anyhow::Result<()> {
    let now = epoch_seconds(SystemTime::now());
    let timing = &args.timing;
    let profile = std::env::var(PROFILE_MARKER).unwrap_or_default();
    if args.interrupted {
        let retry = format_duration(timing.retry_after);
        if profile.is_empty() {
            eprintln!("ssoenv: the refresh was interrupted.");
        } else {
            eprintln!(
                "ssoenv: the refresh of profile '{profile}' was interrupted; the prompt hook tries \
                 again in {retry} (or now with: ssoenv use {profile})"
            );
        }
        return print_all(&integration_output(
            args.shell,
            &[],
            Backoff::Until(now + timing.retry_after.as_secs().max(1)),
        )?);
    }
    if nothing_due(args, &profile, now) {
        return Ok(());
    }
    refresh(args, &profile)
}

/// Whether a run that was not interrupted has nothing to do (and prints nothing): no profile,
/// a back-off running, or credentials not due yet.
fn nothing_due(args: &HookArgs, profile: &str, now: u64) -> bool {
    let backoff_until = args
        .backoff_until
        .as_deref()
        .and_then(|text| text.trim().parse::<u64>().ok());
    if profile.is_empty() || backoff_until.is_some_and(|until| now < until) {
        return true;
    }
    let expires_at = std::env::var(EXPIRES_AT_MARKER)
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok());
    !is_due(expires_at, now, args.timing.refresh_before.as_secs())
}

/// Whether [`run`] would return at once, printing nothing: what the front answers by itself.
pub fn has_nothing_to_do(args: &HookArgs) -> bool {
    let profile = std::env::var(PROFILE_MARKER).unwrap_or_default();
    !args.interrupted && nothing_due(args, &profile, epoch_seconds(SystemTime::now()))
}

/// Exports `profile` again; on failure prints the back-off instead, and says once what happened.
fn refresh(args: &HookArgs, profile: &str) -> anyhow::Result<()> {
    let timing = &args.timing;
    let margin = timing.refresh_before.as_secs();
    let outcome = profile_credentials(
        profile,
        min_valid_for(timing.refresh_before),
        &SignInPolicy::from_args(&timing.sign_in),
    )
    .map(|resolved| {
        (
            resolved.env_changes(),
            resolved.credentials.expiration.unix_timestamp(),
        )
    });
    let now = epoch_seconds(SystemTime::now());
    match outcome {
        Ok((changes, expires_at)) => {
            let remaining = u64::try_from(expires_at).unwrap_or(0).saturating_sub(now);
            // Credentials that are due at once would be refreshed before every prompt.
            let backoff = if remaining <= margin {
                eprintln!(
                    "ssoenv: warning: the credentials of profile '{profile}' last only {}, less \
                     than the hook's --refresh-before {}; lower it in `ssoenv init`",
                    format_duration(Duration::from_secs(remaining)),
                    format_duration(timing.refresh_before),
                );
                Backoff::Until(now + (remaining / 2).max(1))
            } else {
                Backoff::Clear
            };
            print_all(&integration_output(args.shell, &changes, backoff)?)
        }
        Err(error) => {
            let retry = timing.retry_after;
            eprintln!(
                "ssoenv: could not refresh the credentials of profile '{profile}': {}",
                crate::error::report(error.as_ref())
            );
            eprintln!(
                "ssoenv: the prompt hook tries again in {} (or now with: ssoenv use {profile})",
                format_duration(retry)
            );
            // Exit status 0: the hook tells a handled failure from a killed run by the status.
            print_all(&integration_output(
                args.shell,
                &[],
                Backoff::Until(now + retry.as_secs().max(1)),
            )?)
        }
    }
}

fn epoch_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_once_the_margin_is_reached() {
        assert!(!is_due(Some(1_000), 399, 600));
        assert!(is_due(Some(1_000), 400, 600));
        assert!(is_due(Some(1_000), 2_000, 600));
        assert!(is_due(None, 0, 600), "no readable expiry: refresh");
        assert!(!is_due(Some(u64::MAX), u64::MAX - 1, 0));
    }
}
