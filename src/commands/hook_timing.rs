//! The prompt hook's timing, shared by `init`, which bakes it into the script's command lines, and
//! `hook`, which acts on it: how much validity a refresh asks for, and the options the script
//! passes back to `ssoenv hook` and `ssoenv use`.

use std::time::Duration;

use crate::cli::HookTiming;
use crate::duration::format_duration;

/// How much validity a refresh asks for, given the hook's margin: a quarter more than the
/// margin, so credentials taken from the cache (another shell may have refreshed them) are not
/// due again at the very next prompt, while a role whose credentials last only a little longer
/// than the margin still gets them from the cache.
pub fn min_valid_for(refresh_before: Duration) -> Duration {
    refresh_before + refresh_before / 4
}

/// The options every `hook` run gets from the init script, as words.
pub fn hook_options(timing: &HookTiming) -> Vec<String> {
    let mut options = vec![
        "--refresh-before".to_string(),
        format_duration(timing.refresh_before),
        "--retry-after".to_string(),
        format_duration(timing.retry_after),
    ];
    if timing.sign_in.no_login {
        options.push("--no-login".into());
    }
    options.extend(sign_in_options(timing));
    options
}

/// The sign-in options of `init` that `ssoenv use` passes on as well.
pub fn sign_in_options(timing: &HookTiming) -> Vec<String> {
    let how = &timing.sign_in.options;
    let mut options = Vec::new();
    if how.use_device_code {
        options.push("--use-device-code".to_string());
    }
    if how.no_browser {
        options.push("--no-browser".to_string());
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refresh_asks_for_more_than_the_margin() {
        assert_eq!(
            min_valid_for(Duration::from_secs(600)),
            Duration::from_secs(750)
        );
        assert!(min_valid_for(Duration::from_secs(45)) > Duration::from_secs(45));
        assert_eq!(min_valid_for(Duration::ZERO), Duration::ZERO);
    }
}
