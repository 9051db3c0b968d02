//! `ssoenv prompt`: a short segment for the shell prompt — the active profile and the time its
//! credentials have left — computed from the environment alone (no config, no files, no network),
//! so it is cheap enough to run before every prompt. Prints nothing when no profile is active.

use std::time::{SystemTime, UNIX_EPOCH};

use super::output::print_all;
use crate::cli::PromptArgs;
use crate::environment::{EXPIRES_AT_MARKER, NEVER_EXPIRES_EPOCH, PROFILE_MARKER};

pub fn run(args: &PromptArgs) -> anyhow::Result<()> {
    let profile = std::env::var(PROFILE_MARKER).unwrap_or_default();
    if profile.is_empty() {
        return Ok(());
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let remaining = match expires_at() {
        // Long-term keys (static keys): nothing runs out.
        Some(NEVER_EXPIRES_EPOCH) => "no expiry".to_string(),
        expires => expires
            .map(|expires| format_remaining(expires - now))
            .unwrap_or_default(),
    };
    let segment = args
        .format
        .replace("{profile}", &profile)
        .replace("{remaining}", &remaining);
    print_all(&format!("{}\n", segment.trim()))
}

/// The expiry ssoenv exported (`SSOENV_EXPIRES_AT`), else `AWS_CREDENTIAL_EXPIRATION` as another
/// tool may have set it.
fn expires_at() -> Option<i64> {
    if let Some(epoch) = std::env::var(EXPIRES_AT_MARKER)
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
    {
        return Some(epoch);
    }
    std::env::var("AWS_CREDENTIAL_EXPIRATION")
        .ok()
        .and_then(|text| crate::cache::parse_timestamp(&text))
        .map(|time| time.unix_timestamp())
}

/// `2h05m`, `42m`, `<1m`, or `expired`: minutes are what a person reads in a prompt.
pub fn format_remaining(seconds: i64) -> String {
    match seconds {
        s if s <= 0 => "expired".into(),
        s if s < 60 => "<1m".into(),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::format_remaining;

    #[test]
    fn remaining_time_reads_like_a_person_would_say_it() {
        assert_eq!(format_remaining(-5), "expired");
        assert_eq!(format_remaining(0), "expired");
        assert_eq!(format_remaining(30), "<1m");
        assert_eq!(format_remaining(42 * 60 + 59), "42m");
        assert_eq!(format_remaining(2 * 3600 + 5 * 60), "2h05m");
    }
}
