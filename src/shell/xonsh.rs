//! xonsh: `$NAME = 'value'` (Python mode) and a guarded `del $NAME`.
//!
//! The value is a Python string literal. Only printable ASCII is written as itself; every other
//! character becomes a `\x`, `\u` or `\U` escape, so the code is plain ASCII: no newline inside the
//! literal, no line separator that a line splitter could act on, no dependence on the locale
//! xonsh decodes its input with.

use std::fmt::Write as _;

/// `text` as a Python single-quoted string literal.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for ch in text.chars() {
        match ch {
            '\\' => quoted.push_str("\\\\"),
            '\'' => quoted.push_str("\\'"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            ' '..='~' => quoted.push(ch),
            _ => {
                // Writing to a String cannot fail.
                let _ = match u32::from(ch) {
                    code @ 0..=0xFF => write!(quoted, "\\x{code:02x}"),
                    code @ 0x100..=0xFFFF => write!(quoted, "\\u{code:04x}"),
                    code => write!(quoted, "\\U{code:08x}"),
                };
            }
        }
    }
    quoted.push('\'');
    quoted
}

pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push('$');
    out.push_str(name);
    out.push_str(" = ");
    out.push_str(&quote(value));
    out.push('\n');
}

/// `del $NAME` raises `KeyError` when the variable is absent, hence the membership test. A
/// `pop()` would do too, but its result would be printed when the code is pasted interactively.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("if '");
    out.push_str(name);
    out.push_str("' in ${...}: del $");
    out.push_str(name);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn output_is_ascii_with_python_escapes() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's a\\b"), r"'it\'s a\\b'");
        assert_eq!(quote("\n\r\t\u{1}\u{7f}"), r"'\n\r\t\x01\x7f'");
        assert_eq!(quote("é’😀"), r"'\xe9\u2019\U0001f600'");
        assert_eq!(quote("$(x) @(y) {z}"), "'$(x) @(y) {z}'");
    }
}
