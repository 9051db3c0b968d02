//! tcsh (and csh, which is tcsh on most systems): `setenv NAME value;` and `unsetenv NAME;`.
//!
//! Users apply this with ``eval "`ssoenv`"``, where the command substitution turns each line into
//! one word and `eval` joins them with spaces: every statement therefore ends with `;`, and no
//! value may contain a raw newline. Quoting, from the tcsh manual ("Lexical structure",
//! "History substitution", `backslash_quote`):
//!
//! - single quotes stop every substitution except history: `!` must be written `\!`;
//! - a newline cannot appear inside single quotes at all;
//! - with the `backslash_quote` variable set, a backslash inside single quotes escapes the quote
//!   after it, so a value ending in `\` would run on.
//!
//! So printable runs go inside single quotes, and `'`, `!` and `\` are written outside them as
//! `\'`, `\!` and `\\`, which mean the same with or without `backslash_quote`, interactive or not.
//! Newline and carriage return use tcsh's C-style `$'\n'` and `$'\r'` strings.

/// `text` as one tcsh word.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    let mut in_quotes = false;
    for ch in text.chars() {
        let outside = match ch {
            '\'' => Some("\\'"),
            '!' => Some("\\!"),
            '\\' => Some("\\\\"),
            '\n' => Some("$'\\n'"),
            '\r' => Some("$'\\r'"),
            _ => None,
        };
        match outside {
            Some(escaped) => {
                if in_quotes {
                    quoted.push('\'');
                    in_quotes = false;
                }
                quoted.push_str(escaped);
            }
            None => {
                if !in_quotes {
                    quoted.push('\'');
                    in_quotes = true;
                }
                quoted.push(ch);
            }
        }
    }
    if in_quotes {
        quoted.push('\'');
    }
    if quoted.is_empty() {
        quoted.push_str("''");
    }
    quoted
}

pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push_str("setenv ");
    out.push_str(name);
    out.push(' ');
    out.push_str(&quote(value));
    out.push_str(";\n");
}

/// `unsetenv` of a variable that is not set is not an error.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("unsetenv ");
    out.push_str(name);
    out.push_str(";\n");
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn special_characters_stay_outside_the_quotes() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("plain text"), "'plain text'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("wow!"), r"'wow'\!");
        assert_eq!(quote(r"ends\"), r"'ends'\\");
        assert_eq!(quote("a\nb\r"), r"'a'$'\n''b'$'\r'");
        assert_eq!(quote("!!"), r"\!\!");
        assert_eq!(quote("$HOME `x`"), "'$HOME `x`'");
    }

    #[test]
    fn no_value_puts_a_raw_newline_in_the_code() {
        assert!(!quote("one\ntwo\r\nthree").contains(['\n', '\r']));
    }
}
