//! `--debug` (or `SSOENV_DEBUG=1`): a trace of the decisions ssoenv makes (cache hit or miss,
//! refresh, sign-in, every request and its outcome) on stderr, for bug reports.
//!
//! The trace must be safe to paste into an issue, so nothing secret may reach it. Two guards:
//! callers log facts, never values (lifetimes, paths, operation names, HTTP statuses), and every
//! line goes through [`redact`] on its way out, which blanks every secret this process has
//! registered with [`register_secret`] (every `Secret` registers itself as it is made, see the
//! `secret` module) and the value after any key that names a secret
//! (`accessToken`, `refresh_token=`, `x-amz-sso_bearer_token:` …), in case an error message from
//! a library quotes a request or a body.
//!
//! Off (the default) it costs one relaxed atomic load per call site and formats nothing.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// What a blanked value is shown as.
pub const REDACTED: &str = "<redacted>";

/// Names (compared without case, `_` and `-`) whose values are secrets wherever they appear:
/// JSON keys of the cache files and wire protocol, query parameters, header names, variables.
const SECRET_KEYS: &[&str] = &[
    "accesstoken",
    "refreshtoken",
    "clientsecret",
    "secretaccesskey",
    "sessiontoken",
    "awssecretaccesskey",
    "awssessiontoken",
    "xamzssobearertoken",
    "devicecode",
    "code",
    "codeverifier",
    "idtoken",
    "authorization",
    // The console's federation endpoint: `Session={"sessionId", "sessionKey", "sessionToken"}`
    // and the sign-in token of the login URL.
    "session",
    "sessionkey",
    "signintoken",
];

/// Switches the trace on for the rest of the process.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Writes one trace line to stderr, redacted. Use through [`crate::debug!`].
pub fn log(message: std::fmt::Arguments<'_>) {
    if enabled() {
        eprintln!("ssoenv[debug]: {}", redact(&message.to_string()));
    }
}

/// Remembers `value` as a secret so that [`redact`] blanks it wherever it turns up; `Secret::new`
/// calls it for every secret. Only done while tracing (nothing is logged otherwise, and the check
/// is one relaxed atomic load, so wrapping secrets costs nothing on the fast path); values shorter
/// than 8 bytes are not remembered, since blanking them would garble ordinary words.
pub fn register_secret(value: &str) {
    if !enabled() || value.len() < 8 {
        return;
    }
    let mut secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|known| known == value) {
        secrets.push(value.to_string());
    }
}

/// `text` with every registered secret and every value of a secret-named key replaced by
/// [`REDACTED`].
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    {
        let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
    }
    redact_keyed_values(&out)
}

/// Blanks the value after a secret-named key in the forms `"key": "value"`, `key=value` and
/// `key: value` (quoted or not). A value ends at a quote, white space, `&`, `,`, `;`, `}` or the end of the text.
fn redact_keyed_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, key_end)) = next_word(rest) {
        let word = &rest[start..key_end];
        out.push_str(&rest[..key_end]);
        rest = &rest[key_end..];
        if !is_secret_key(word) {
            continue;
        }
        // Optional closing quote of a JSON key, then `=` or `:`, then spaces and an opening quote.
        let separator = rest
            .strip_prefix('"')
            .unwrap_or(rest)
            .trim_start_matches(' ');
        let Some(after_separator) = separator
            .strip_prefix('=')
            .or_else(|| separator.strip_prefix(':'))
        else {
            continue;
        };
        let value_start = after_separator.trim_start_matches([' ', '"', '\'']);
        let value_len = value_start
            .find(|c: char| c == '"' || c == '\'' || c.is_whitespace() || "&,;}".contains(c))
            .unwrap_or(value_start.len());
        if value_len == 0 {
            continue;
        }
        let prefix_len = rest.len() - value_start.len();
        out.push_str(&rest[..prefix_len]);
        out.push_str(REDACTED);
        rest = &value_start[value_len..];
    }
    out.push_str(rest);
    out
}

/// The byte range of the next run of key characters (letters, digits, `_`, `-`).
fn next_word(text: &str) -> Option<(usize, usize)> {
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let start = text.find(is_key_char)?;
    let len = text[start..]
        .find(|c: char| !is_key_char(c))
        .unwrap_or(text.len() - start);
    Some((start, start + len))
}

fn is_secret_key(word: &str) -> bool {
    let normalized: String = word
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_KEYS.contains(&normalized.as_str())
}

/// `debug!("cache miss for {}", key)`: a trace line when `--debug` is on; nothing is formatted
/// otherwise.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => {
        if $crate::debug::enabled() {
            $crate::debug::log(format_args!($($arg)*));
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_secret_keys_are_blanked_in_every_form() {
        let cases = [
            (
                r#"{"accessToken": "aoa-123", "expiresAt": "2025-01-01T00:00:00Z"}"#,
                r#"{"accessToken": "<redacted>", "expiresAt": "2025-01-01T00:00:00Z"}"#,
            ),
            (
                "grant_type=refresh_token&refresh_token=rt-9&client_id=c",
                "grant_type=refresh_token&refresh_token=<redacted>&client_id=c",
            ),
            (
                "x-amz-sso_bearer_token: abc.def\nhost: x",
                "x-amz-sso_bearer_token: <redacted>\nhost: x",
            ),
            (
                "/oauth/callback?code=C0DE&state=s",
                "/oauth/callback?code=<redacted>&state=s",
            ),
            (
                "AWS_SECRET_ACCESS_KEY='wJalr' AWS_ACCESS_KEY_ID=AKIA",
                "AWS_SECRET_ACCESS_KEY='<redacted>' AWS_ACCESS_KEY_ID=AKIA",
            ),
            ("clientSecret:s3cr3t}", "clientSecret:<redacted>}"),
            (
                "/federation?Action=getSigninToken&Session=%7B%22sessionId%22%3A%22ASIA",
                "/federation?Action=getSigninToken&Session=<redacted>",
            ),
            (
                "/federation?Action=login&Destination=d&SigninToken=tok-123",
                "/federation?Action=login&Destination=d&SigninToken=<redacted>",
            ),
            (
                r#"{"SigninToken":"tok-123"}"#,
                r#"{"SigninToken":"<redacted>"}"#,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(redact_keyed_values(input), expected, "{input}");
        }
    }

    #[test]
    fn words_that_only_look_like_keys_are_left_alone() {
        for text in [
            "the access token expired",
            "exit code 3",
            "refresh token: none",
            "sessionToken",
            "CreateToken failed with InvalidGrantException (HTTP 400)",
        ] {
            assert_eq!(redact_keyed_values(text), text);
        }
        // Non-ASCII text around keys does not split a character.
        assert_eq!(
            redact_keyed_values("é code=x é"),
            "é code=<redacted> é".to_string()
        );
    }

    #[test]
    fn registered_secrets_are_blanked_anywhere() {
        enable();
        register_secret("short");
        register_secret("a-long-secret-value");
        assert_eq!(
            redact("error: body was a-long-secret-value!"),
            "error: body was <redacted>!"
        );
        assert_eq!(redact("short"), "short", "short values are not registered");
    }
}
