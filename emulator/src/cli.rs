//! Command-line options of the `sso-emulator` binary.

use std::time::Duration;

use thiserror::Error;

use crate::config::{AuthorizeBehaviour, DEFAULT_ROLES, EmulatorConfig, generate_accounts};

pub const USAGE: &str = "\
Usage: sso-emulator [OPTIONS]

A local IAM Identity Center (SSO OIDC + portal) and STS (AssumeRole) on 127.0.0.1, with the
console's federation endpoint and a console stand-in (/console/...).
Prints its URL (http://127.0.0.1:PORT) on stdout once it accepts requests, then runs
until killed. Use the URL as the endpoint of sso-oidc, sso, sts and signin (AWS_ENDPOINT_URL,
or AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_STS,
AWS_ENDPOINT_URL_SIGNIN). Control endpoints:
/_emulator/counts, /_emulator/fail, ...

Options:
  --port N                       port to listen on (default 0: a free one)
  --token-lifetime DURATION      access token lifetime (default 8h)
  --credential-lifetime DURATION role credential lifetime (default 1h)
  --registration-lifetime DURATION  client registration lifetime (default 90d)
  --device-code-lifetime DURATION   device code lifetime (default 10m)
  --device-interval SECONDS      polling interval of the device flow (default 5)
  --device-approve-after N       approve device logins after N pending polls
  --slow-down                    answer slow_down to polls faster than the interval
  --no-refresh-tokens            never issue refresh tokens
  --no-rotate                    keep refresh tokens valid after use (no new one issued)
  --accounts N                   N generated accounts instead of the two defaults
  --latency DURATION             delay added to every request (e.g. 50ms)
  --deny                         the user declines on the sign-in pages
  --verbose                      log every request to stderr
  -h, --help                     show this help

DURATION: a number with a unit, ms, s, m, h or d (e.g. 90s, 1h30m); a bare number is seconds.";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum CliAction {
    Run {
        port: u16,
        config: Box<EmulatorConfig>,
    },
    Help,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CliError {
    #[error("unknown option {0:?} (see --help)")]
    UnknownOption(String),
    #[error("option {0} needs a value (see --help)")]
    MissingValue(String),
    #[error("invalid value {value:?} for {option}: {reason}")]
    InvalidValue {
        option: String,
        value: String,
        reason: String,
    },
}

/// Parses the arguments (without the program name). Accepts `--opt value` and `--opt=value`.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<CliAction, CliError> {
    let mut port = 0u16;
    let mut config = EmulatorConfig::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (option, inline_value) = match arg.split_once('=') {
            Some((option, value)) if option.starts_with("--") => {
                (option.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |option: &str| -> Result<String, CliError> {
            match inline_value.clone() {
                Some(value) => Ok(value),
                None => args
                    .next()
                    .ok_or_else(|| CliError::MissingValue(option.to_owned())),
            }
        };
        match option.as_str() {
            "-h" | "--help" => return Ok(CliAction::Help),
            "--port" => port = parse_number(&option, &value(&option)?)?,
            "--token-lifetime" => {
                config.token_lifetime = parse_option_duration(&option, &value(&option)?)?
            }
            "--credential-lifetime" => {
                config.credential_lifetime = parse_option_duration(&option, &value(&option)?)?;
            }
            "--registration-lifetime" => {
                config.registration_lifetime = parse_option_duration(&option, &value(&option)?)?;
            }
            "--device-code-lifetime" => {
                config.device_code_lifetime = parse_option_duration(&option, &value(&option)?)?;
            }
            "--device-interval" => {
                config.device_interval = parse_number(&option, &value(&option)?)?
            }
            "--device-approve-after" => {
                config.device_auto_approve_after_polls =
                    Some(parse_number(&option, &value(&option)?)?);
            }
            "--accounts" => {
                let n: usize = parse_number(&option, &value(&option)?)?;
                config.accounts = generate_accounts(n, &DEFAULT_ROLES);
            }
            "--latency" => config.latency = parse_option_duration(&option, &value(&option)?)?,
            "--slow-down" => config.enforce_slow_down = true,
            "--no-refresh-tokens" => config.issue_refresh_tokens = false,
            "--no-rotate" => config.rotate_refresh_tokens = false,
            "--deny" => config.authorize = AuthorizeBehaviour::Deny,
            "--verbose" => config.log_requests = true,
            _ => return Err(CliError::UnknownOption(arg)),
        }
    }
    Ok(CliAction::Run {
        port,
        config: Box::new(config),
    })
}

fn parse_number<T: std::str::FromStr>(option: &str, value: &str) -> Result<T, CliError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|err: T::Err| CliError::InvalidValue {
        option: option.to_owned(),
        value: value.to_owned(),
        reason: err.to_string(),
    })
}

fn parse_option_duration(option: &str, value: &str) -> Result<Duration, CliError> {
    parse_duration(value).map_err(|reason| CliError::InvalidValue {
        option: option.to_owned(),
        value: value.to_owned(),
        reason,
    })
}

/// `90s`, `50ms`, `8h`, `1h30m`, `90d`; a bare number means seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration".to_owned());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err("expected a number before each unit, as in 1h30m".to_owned());
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| "number too large".to_owned())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ms" => None,
            "s" => Some(1),
            "m" => Some(60),
            "h" => Some(3600),
            "d" => Some(86_400),
            "" => return Err("a unit (ms, s, m, h, d) must follow each number".to_owned()),
            other => return Err(format!("unknown unit {other:?}; use ms, s, m, h or d")),
        };
        let unit = match seconds_per_unit {
            None => Some(Duration::from_millis(number)),
            Some(factor) => number.checked_mul(factor).map(Duration::from_secs),
        };
        total = unit
            .and_then(|unit| total.checked_add(unit))
            .ok_or_else(|| "duration too large".to_owned())?;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn durations_with_units_add_up() {
        assert_eq!(parse_duration("50ms"), Ok(Duration::from_millis(50)));
        assert_eq!(parse_duration("8h"), Ok(Duration::from_secs(8 * 3600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_duration("42"), Ok(Duration::from_secs(42)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("1h30").is_err());
        assert!(parse_duration("99999999999999999d").is_err());
    }

    #[test]
    fn options_set_the_config() {
        let action = parse_args(args(&[
            "--port",
            "4567",
            "--token-lifetime=2s",
            "--accounts",
            "3",
            "--latency",
            "50ms",
            "--device-approve-after",
            "1",
            "--deny",
        ]))
        .unwrap();
        let CliAction::Run { port, config } = action else {
            panic!("expected Run");
        };
        assert_eq!(port, 4567);
        assert_eq!(config.token_lifetime, Duration::from_secs(2));
        assert_eq!(config.accounts.len(), 3);
        assert_eq!(config.latency, Duration::from_millis(50));
        assert_eq!(config.device_auto_approve_after_polls, Some(1));
        assert_eq!(config.authorize, AuthorizeBehaviour::Deny);
    }

    #[test]
    fn bad_options_are_named_in_the_error() {
        assert_eq!(
            parse_args(args(&["--bogus"])),
            Err(CliError::UnknownOption("--bogus".to_owned()))
        );
        assert_eq!(
            parse_args(args(&["--port"])),
            Err(CliError::MissingValue("--port".to_owned()))
        );
        let err = parse_args(args(&["--latency", "fast"])).unwrap_err();
        assert!(err.to_string().contains("--latency"), "{err}");
        assert_eq!(parse_args(args(&["-h"])), Ok(CliAction::Help));
    }
}
