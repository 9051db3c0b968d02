//! Nushell: `$env.NAME = "value"` and `hide-env -i NAME`.
//!
//! A plain double-quoted string is not interpolated in Nushell (only `$"…"` is). Its escapes are
//! processed by the parser; `\"`, `\\`, `\n`, `\r` and `\t` mean the same in every Nushell that
//! has `$env.NAME = …` assignments. Unicode escapes changed syntax (`\uXXXX`, later `\u{X}`), so
//! other characters, control characters included, are written as they are: the lexer keeps every
//! byte up to the closing unescaped quote.

/// `text` as a Nushell double-quoted string.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for ch in text.chars() {
        match ch {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push_str("$env.");
    out.push_str(name);
    out.push_str(" = ");
    out.push_str(&quote(value));
    out.push('\n');
}

/// `-i` (`--ignore-errors`): hiding a variable that does not exist is not an error.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("hide-env -i ");
    out.push_str(name);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn escapes_are_the_long_standing_ones() {
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("say \"hi\""), r#""say \"hi\"""#);
        assert_eq!(quote("a\\b\n\r\t"), r#""a\\b\n\r\t""#);
        assert_eq!(quote("$x (y) 'z' é"), "\"$x (y) 'z' é\"");
    }
}
