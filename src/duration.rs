//! Durations as users write them on the command line: `90s`, `10m`, `1h`, `1h30m`, `2d`. One
//! syntax everywhere in ssoenv, so `--min-valid` and `--refresh-before` read the same.
//!
//! A bare number is refused (except `0`): the AWS CLI's 15-minute window makes `--min-valid 15`
//! look like minutes, and reading it as seconds would be a silent surprise. Every duration is at
//! most [`LONGEST`], so no arithmetic on deadlines can overflow, whatever was typed.

use std::time::Duration;

/// The longest duration accepted anywhere: far beyond any credential or session lifetime.
pub const LONGEST: Duration = Duration::from_secs(366 * 86_400);

/// Parses `90s`, `10m`, `2h`, `1d`, `1h30m` (or `0`), up to [`LONGEST`]. Used as a clap value
/// parser, so a bad value is a usage error (exit status 2) naming the option.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration; write it like 90s, 10m or 1h".into());
    }
    if let Ok(number) = text.parse::<u64>() {
        if number == 0 {
            return Ok(Duration::ZERO);
        }
        return Err(format!(
            "'{text}' has no unit; write {text}m or {text}s (or h, d)"
        ));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => {
                return Err(format!(
                    "'{text}' is not a duration; write it like 90s, 10m or 1h"
                ));
            }
        };
        if digits.is_empty() {
            return Err(format!(
                "'{text}' is not a duration; write it like 90s, 10m or 1h"
            ));
        }
        // Only digits, so the one way to fail is a number too large for any duration.
        let amount: u64 = digits.parse().map_err(|_| out_of_range(text))?;
        total = amount
            .checked_mul(unit)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| out_of_range(text))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(format!(
            "'{text}' has a number without a unit at the end; write it like 90s, 10m or 1h"
        ));
    }
    let duration = Duration::from_secs(total);
    if duration > LONGEST {
        return Err(out_of_range(text));
    }
    Ok(duration)
}

fn out_of_range(text: &str) -> String {
    format!(
        "'{text}' is out of range: durations go from 0s to {}",
        format_duration(LONGEST)
    )
}

/// A duration from the environment variable `name` (`SSOENV_HTTP_TIMEOUT`, …): its value when it
/// parses, else `default`, with a warning naming the variable when it is set but unusable.
pub fn from_env(name: &str, default: Duration) -> Duration {
    let Ok(text) = std::env::var(name) else {
        return default;
    };
    match parse_duration(&text) {
        Ok(duration) => duration,
        Err(problem) => {
            eprintln!(
                "ssoenv: warning: {name}: {problem}; using {}",
                format_duration(default)
            );
            default
        }
    }
}

/// The reverse of [`parse_duration`], for messages: `1h5m`, `10m`, `45s`.
pub fn format_duration(duration: Duration) -> String {
    let mut seconds = duration.as_secs();
    if seconds == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if seconds >= size {
            out.push_str(&format!("{}{unit}", seconds / size));
            seconds %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in ["", "m", "10x", "1h30", "-5m", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_bare_number_asks_for_its_unit() {
        assert_eq!(
            parse_duration("15"),
            Err("'15' has no unit; write 15m or 15s (or h, d)".to_string())
        );
    }

    #[test]
    fn huge_durations_are_out_of_range_not_a_panic() {
        for huge in [
            "213503982334601d",
            "18446744073709551615s",
            "99999999999999999999s",
            "367d",
        ] {
            let error = parse_duration(huge).unwrap_err();
            assert!(
                error.contains("out of range: durations go from 0s to 366d"),
                "{huge}: {error}"
            );
        }
        assert_eq!(parse_duration("366d"), Ok(LONGEST));
    }

    #[test]
    fn formats_back_to_the_same_syntax() {
        for text in ["45s", "10m", "1h5m", "1d2h"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }
}
