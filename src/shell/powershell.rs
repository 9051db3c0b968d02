//! PowerShell: `$Env:NAME = 'value'` and `$Env:NAME = $null`.
//!
//! In a single-quoted (verbatim) string nothing is expanded. PowerShell's tokenizer treats the
//! typographic quotes U+2018, U+2019, U+201A and U+201B exactly like `'`: any of the five ends the
//! string unless the next character is also one of the five, in which case the pair stands for
//! the second one. Doubling each of them therefore keeps every character as it is.

/// The characters PowerShell accepts as a single quote.
const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// `text` as a PowerShell verbatim string literal.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for ch in text.chars() {
        if SINGLE_QUOTES.contains(&ch) {
            quoted.push(ch);
        }
        quoted.push(ch);
    }
    quoted.push('\'');
    quoted
}

/// An empty value sets an empty variable in PowerShell 7.5 and later; older versions remove the
/// variable instead, which no syntax can avoid there.
pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push_str("$Env:");
    out.push_str(name);
    out.push_str(" = ");
    out.push_str(&quote(value));
    out.push('\n');
}

/// Assigning `$null` removes the variable, and does not fail when it does not exist. Unlike
/// `Remove-Item Env:NAME` it involves no command a user's alias or function could replace.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("$Env:");
    out.push_str(name);
    out.push_str(" = $null\n");
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn every_kind_of_single_quote_is_doubled() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(
            quote("\u{2018}a\u{2019}b\u{201A}c\u{201B}"),
            "'\u{2018}\u{2018}a\u{2019}\u{2019}b\u{201A}\u{201A}c\u{201B}\u{201B}'"
        );
        assert_eq!(quote("$(x) `n \"\u{201C}"), "'$(x) `n \"\u{201C}'");
    }
}
