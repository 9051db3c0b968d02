//! Everything that can be wrong with the AWS config file, each said as a sentence that names the
//! file, the section and the key involved, and says what to do about it.
//!
//! Values are quoted only where they cannot be secrets (names, URLs, regions): a malformed line is
//! reported by its number, never by its content.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

use super::parse::SyntaxProblem;

/// An error reading the config file or resolving a profile from it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The default location needs a home directory and there is none.
    #[error("{}", no_home_message(.config_file.as_ref()))]
    NoHomeDirectory {
        /// `AWS_CONFIG_FILE` when it was set (and starts with `~`).
        config_file: Option<PathBuf>,
    },

    #[error(
        "the AWS config file {} does not exist; create a profile with `ssoenv configure` or \
         `aws configure sso`, or point AWS_CONFIG_FILE at the config file you use",
        .path.display()
    )]
    NotFound { path: PathBuf },

    #[error("cannot read the AWS config file {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "the AWS config file {} is not UTF-8 text (line {line} holds other bytes); save it as UTF-8",
        .path.display()
    )]
    NotUtf8 { path: PathBuf, line: usize },

    #[error("the AWS config file {} has an error on line {line}: {problem}", .path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        problem: SyntaxProblem,
    },

    #[error("profile '{profile}' is not defined in the AWS config file {}.{hint}", .path.display())]
    ProfileNotFound {
        path: PathBuf,
        profile: String,
        /// Close profile names, best first.
        suggestions: Vec<String>,
        /// The rest of the message: suggestions, the profiles defined, likely mistakes.
        hint: String,
    },

    #[error(
        "profile '{profile}' (line {line} of {}) is not an SSO profile: it has {}. An SSO \
         profile has sso_account_id and sso_role_name, and either sso_session naming an \
         [sso-session] section or (legacy form) sso_start_url and sso_region.{hint}",
        .path.display(), none_of(.missing)
    )]
    NotSsoProfile {
        path: PathBuf,
        profile: String,
        line: usize,
        /// The SSO keys the profile lacks.
        missing: Vec<&'static str>,
        /// What the profile is instead (role chaining, static keys, …), when recognisable.
        hint: String,
    },

    #[error(
        "profile '{profile}' (line {line} of {}) is set up for SSO but lacks {}; add {} to the \
         profile, or run `aws configure sso --profile {profile}`{hint}",
        .path.display(), key_list(.missing), them(.missing)
    )]
    IncompleteSsoProfile {
        path: PathBuf,
        profile: String,
        line: usize,
        missing: Vec<&'static str>,
        hint: String,
    },

    #[error(
        "there is no {} section in {}.{hint}",
        section_label("sso-session", .session), .path.display()
    )]
    NamedSsoSessionNotFound {
        path: PathBuf,
        session: String,
        suggestions: Vec<String>,
        hint: String,
    },

    #[error(
        "profile '{profile}' in {} has sso_session = {session}, but there is no {} section in \
         that file.{hint}",
        .path.display(), section_label("sso-session", .session)
    )]
    SsoSessionNotFound {
        path: PathBuf,
        profile: String,
        session: String,
        suggestions: Vec<String>,
        hint: String,
    },

    #[error(
        "{} (line {line} of {}) lacks {}, which every profile using it needs; add {} to that \
         section, or run `aws configure sso-session`",
        section_label("sso-session", .session), .path.display(), key_list(.missing),
        them(.missing)
    )]
    IncompleteSsoSession {
        path: PathBuf,
        session: String,
        line: usize,
        missing: Vec<&'static str>,
    },

    #[error(
        "profile '{profile}' and {} in {} disagree on {key}: the profile says '{in_profile}', the \
         sso-session says '{in_session}'; delete {key} from the profile (the sso-session holds \
         it) or make the two values equal",
        section_label("sso-session", .session), .path.display(),
        key = .mismatch.key, in_profile = .mismatch.in_profile, in_session = .mismatch.in_session
    )]
    InconsistentSsoSetting {
        path: PathBuf,
        profile: String,
        session: String,
        /// Boxed to keep `ConfigError` small on the success path.
        mismatch: Box<ValueMismatch>,
    },

    #[error(
        "profile '{profile}' in {} has services = {services}, but there is no {} section in \
         that file.{hint}",
        .path.display(), section_label("services", .services)
    )]
    ServicesSectionNotFound {
        path: PathBuf,
        profile: String,
        services: String,
        suggestions: Vec<String>,
        hint: String,
    },

    #[error("{} (line {line} of {}): {key} {problem}", .section, .path.display())]
    InvalidValue {
        path: PathBuf,
        /// The section as written in the file, e.g. `[profile dev]`.
        section: String,
        key: String,
        line: usize,
        problem: String,
    },
}

/// A key set to different values in a profile and in the sso-session it uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueMismatch {
    pub key: String,
    pub in_profile: String,
    pub in_session: String,
}

fn no_home_message(config_file: Option<&PathBuf>) -> String {
    match config_file {
        Some(path) => format!(
            "AWS_CONFIG_FILE is {}, but HOME is not set, so the ~ cannot be expanded; write the \
             full path in AWS_CONFIG_FILE",
            path.display()
        ),
        None => "cannot locate the AWS config file: HOME is not set, so ~/.aws/config has no \
                 meaning; set HOME, or set AWS_CONFIG_FILE to the config file's path"
            .to_string(),
    }
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
pub(super) fn key_list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
    join_with_and(&quoted)
}

/// "no `a`", "neither `a` nor `b`", "none of `a`, `b` and `c`".
fn none_of(keys: &[&str]) -> String {
    match keys {
        [one] => format!("no `{one}`"),
        [first, second] => format!("neither `{first}` nor `{second}`"),
        _ => format!("none of {}", key_list(keys)),
    }
}

fn them(keys: &[&str]) -> &'static str {
    if keys.len() == 1 { "it" } else { "them" }
}

pub(super) fn join_with_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// How the header for `name` is written, quoting names the AWS CLI would split:
/// `[profile dev]`, `[profile 'Acme Dev']`.
pub(super) fn section_label(prefix: &str, name: &str) -> String {
    format!("[{prefix} {}]", quote_if_needed(name))
}

/// `name` as it must appear in a header: as is when it is one plain word, else quoted.
pub(super) fn quote_if_needed(name: &str) -> String {
    let plain = !name.is_empty()
        && !name
            .chars()
            .any(|c| matches!(c, ' ' | '\t' | '\r' | '\n' | '\'' | '"' | '\\'));
    if plain {
        name.to_string()
    } else if !name.contains('\'') {
        format!("'{name}'")
    } else {
        let mut quoted = String::from("\"");
        for c in name.chars() {
            if matches!(c, '"' | '\\') {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        quoted
    }
}

/// " Did you mean 'a'?" / " Did you mean 'a' or 'b'?"; empty without suggestions.
pub(super) fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("'{s}'")).collect();
    let mut text = String::from(" Did you mean ");
    match quoted.as_slice() {
        [init @ .., last] if !init.is_empty() => {
            let _ = write!(text, "{} or {last}", init.join(", "));
        }
        _ => text.push_str(&quoted.join("")),
    }
    text.push('?');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(key_list(&["a"]), "`a`");
        assert_eq!(key_list(&["a", "b"]), "`a` and `b`");
        assert_eq!(key_list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(none_of(&["a"]), "no `a`");
        assert_eq!(none_of(&["a", "b"]), "neither `a` nor `b`");
        assert_eq!(none_of(&["a", "b", "c"]), "none of `a`, `b` and `c`");
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["x".into()]), " Did you mean 'x'?");
        assert_eq!(
            did_you_mean(&["x".into(), "y".into(), "z".into()]),
            " Did you mean 'x', 'y' or 'z'?"
        );
    }

    #[test]
    fn labels_quote_names_the_cli_would_split() {
        assert_eq!(section_label("profile", "dev"), "[profile dev]");
        assert_eq!(section_label("profile", "Acme Dev"), "[profile 'Acme Dev']");
        assert_eq!(section_label("profile", "it's"), "[profile \"it's\"]");
        assert_eq!(section_label("profile", ""), "[profile '']");
    }
}
