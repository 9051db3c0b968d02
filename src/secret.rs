//! [`Secret`]: a token, key or code that must never reach a terminal, a log or an issue.
//!
//! Secrets used to be plain `String`s, and keeping them out of `--debug` output took two things
//! to remember at every place one appeared: a call registering it with the redactor, and a
//! hand-written `Debug` for each struct that held one. A `Secret` does both by construction: it
//! registers its value with [`crate::debug::register_secret`] when it is made (so the trace blanks
//! the value wherever a library message quotes it), its `Debug` prints `<redacted>`, it has no
//! `Display` and no `Serialize`, and the value comes out only through [`Secret::expose`], which a
//! reviewer can grep for.
//!
//! Registering costs one relaxed atomic load while `--debug` is off (the default, and always on
//! the fast path), so wrapping values costs nothing measurable. Cloning does not register again:
//! the value is the same.
//!
//! A leaf module: it knows the redactor and nothing else.

use std::fmt;

/// A secret value. `Debug` shows `<redacted>`; [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` and registers it with the `--debug` redactor.
    pub fn new(value: impl Into<String>) -> Secret {
        let value = value.into();
        crate::debug::register_secret(&value);
        Secret(value)
    }

    /// The value, for the one place that must send, store or print it (a request, a cache file,
    /// the shell statements of `export`). Named so that every such place is easy to find.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty (an absent secret, for the files' lenient readers).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value's length in bytes (what limits on it are about), not the value.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::debug::REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

// Comparisons with plain strings (tests compare what was read with what was written); they give
// no access to the value.
impl PartialEq<str> for Secret {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Secret {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Secret {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<Secret> for str {
    fn eq(&self, other: &Secret) -> bool {
        self == other.0
    }
}

impl PartialEq<Secret> for &str {
    fn eq(&self, other: &Secret) -> bool {
        *self == other.0
    }
}

impl PartialEq<Secret> for String {
    fn eq(&self, other: &Secret) -> bool {
        *self == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("a-secret-value-123");
        let shown = format!("{secret:?} {secret:#?} {:?}", Some(secret.clone()));
        assert!(!shown.contains("a-secret-value-123"), "{shown}");
        assert_eq!(format!("{secret:?}"), "<redacted>");
    }

    #[test]
    fn the_value_comes_out_only_through_expose() {
        let secret = Secret::from("value".to_string());
        assert_eq!(secret.expose(), "value");
        assert_eq!((secret.len(), secret.is_empty()), (5, false));
        assert_eq!(secret, "value");
        assert_eq!("value", secret);
        assert_ne!(secret, "other");
        assert_eq!("value".to_string(), secret);
        assert_eq!(secret, Secret::from("value"));
    }

    #[test]
    fn a_secret_made_anywhere_is_blanked_in_the_trace() {
        crate::debug::enable();
        let secret = Secret::new(format!("{}-{}", "made-elsewhere", 42));
        let line = format!("request failed: body {} was refused", secret.expose());
        assert_eq!(
            crate::debug::redact(&line),
            "request failed: body <redacted> was refused"
        );
    }
}
