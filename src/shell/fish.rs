//! fish: `set -gx NAME 'value'`.
//!
//! fish's single quotes are not POSIX ones: inside them `\\` and `\'` are escapes, so a value
//! ending in a backslash written the POSIX way would swallow the closing quote. Both characters
//! are therefore backslash-escaped; everything else (newlines included) is literal.

/// `text` as one single-quoted fish word.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for ch in text.chars() {
        if ch == '\\' || ch == '\'' {
            quoted.push('\\');
        }
        quoted.push(ch);
    }
    quoted.push('\'');
    quoted
}

/// Global and exported, so the value outlives the function (hook) that sources this code and
/// shadows a universal variable of the same name without touching it.
pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push_str("set -gx ");
    out.push_str(name);
    out.push(' ');
    out.push_str(&quote(value));
    out.push('\n');
}

/// `set -e` of a variable that does not exist returns status 4, which would become the status of
/// `ssoenv … | source`. Guarding it with `set -q` keeps the status 0; the `if` block returns 0
/// when its condition fails. Only the global scope is erased: a universal variable is persistent
/// user configuration and is left alone.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("if set -q -g ");
    out.push_str(name);
    out.push_str("; set -e -g ");
    out.push_str(name);
    out.push_str("; end\n");
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn backslashes_and_quotes_are_escaped() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r"'it\'s'");
        assert_eq!(quote(r"trailing\"), r"'trailing\\'");
        assert_eq!(quote("$(x) (y) \"z\""), "'$(x) (y) \"z\"'");
    }
}
