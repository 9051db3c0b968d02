//! Durations as users write them on the command line: `90s`, `10m`, `1h`, `1h30m`, or a bare
//! number of seconds. One syntax everywhere in ssoenv, so `--min-valid` and `--refresh-before`
//! read the same.

use std::time::Duration;

/// Parses `90s`, `10m`, `2h`, `1d`, `1h30m` or `600` (seconds). Used as a clap value parser.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration; write it like 90s, 10m or 1h".into());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
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
        let amount: u64 = digits
            .parse()
            .map_err(|_| format!("'{text}' is not a duration; write it like 90s, 10m or 1h"))?;
        total = amount
            .checked_mul(unit)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| format!("'{text}' is too long a duration"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(format!(
            "'{text}' has a number without a unit at the end; write it like 90s, 10m or 1h"
        ));
    }
    Ok(Duration::from_secs(total))
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
        assert_eq!(parse_duration("600"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in ["", "m", "10x", "1h30", "-5m", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn formats_back_to_the_same_syntax() {
        for text in ["45s", "10m", "1h5m", "1d2h"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }
}
