//! Elvish: `set-env NAME 'value'` and `unset-env NAME`.
//!
//! Elvish single-quoted strings have exactly one escape, `''` for a single quote; every other
//! character, newlines included, is literal (language reference, "Single-quoted string").

/// `text` as an Elvish single-quoted string.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for ch in text.chars() {
        if ch == '\'' {
            quoted.push('\'');
        }
        quoted.push(ch);
    }
    quoted.push('\'');
    quoted
}

pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push_str("set-env ");
    out.push_str(name);
    out.push(' ');
    out.push_str(&quote(value));
    out.push('\n');
}

/// `unset-env` of a variable that does not exist is not an error.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("unset-env ");
    out.push_str(name);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_are_doubled_and_nothing_else_changes() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("a\\b\n$x (y)"), "'a\\b\n$x (y)'");
    }
}
