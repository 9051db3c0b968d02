//! POSIX sh, bash and zsh: `export NAME='value'` and `unset NAME`.
//!
//! Inside single quotes every byte is literal, so the only character to take care of is `'`
//! itself, written as `'\''` (close the quotes, an escaped quote, reopen). This is safe for every
//! string without NUL, including newlines and a trailing backslash, and stays correct under zsh's
//! `RC_QUOTES` option: the encoding never puts two quotes side by side inside a quoted run.

/// `text` as one single-quoted word.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for ch in text.chars() {
        if ch == '\'' {
            quoted.push_str(r"'\''");
        } else {
            quoted.push(ch);
        }
    }
    quoted.push('\'');
    quoted
}

pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push_str("export ");
    out.push_str(name);
    out.push('=');
    out.push_str(&quote(value));
    out.push('\n');
}

/// `unset` of a variable that is not set succeeds in every POSIX shell, also under `set -eu`.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("unset ");
    out.push_str(name);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_are_closed_escaped_and_reopened() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("plain"), "'plain'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(r"back\"), r"'back\'");
        assert_eq!(quote("$(x) `y` \"z\""), "'$(x) `y` \"z\"'");
    }
}
