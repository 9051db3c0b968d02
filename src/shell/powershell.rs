//! PowerShell: `$Env:NAME = 'value'` and `$Env:NAME = $null`.
//!
//! In a single-quoted (verbatim) string nothing is expanded. PowerShell's tokenizer treats the
//! typographic quotes U+2018, U+2019, U+201A and U+201B exactly like `'`: any of the five ends the
//! string unless the next character is also one of the five, in which case the pair stands for
//! the second one.
//!
//! The output is plain ASCII. A console that decodes it with a legacy code page would otherwise
//! turn the UTF-8 bytes of a character such as `ё` (0xD1 0x91) into characters that include
//! 0x91, which that code page maps to `‘`, a single quote to PowerShell: the value could end the
//! string early. So a value with non-ASCII characters is written as
//! `(-join ('ASCII part', [char]0x0451, 'more'))`: verbatim strings for the ASCII runs, and one
//! `[char]` per UTF-16 code unit for the rest (a surrogate pair for characters beyond U+FFFF),
//! which Windows PowerShell 5.1 and PowerShell 7 read alike.

/// `text` as a PowerShell expression in plain ASCII: a verbatim string literal when `text` is
/// ASCII, else the `-join` of its ASCII runs and `[char]` code units (see the module's notes).
pub(super) fn quote(text: &str) -> String {
    if text.is_ascii() {
        return verbatim(text);
    }
    let mut parts = Vec::new();
    let mut run = String::new();
    for ch in text.chars() {
        if ch.is_ascii() {
            run.push(ch);
            continue;
        }
        if !run.is_empty() {
            parts.push(verbatim(&run));
            run.clear();
        }
        let mut units = [0u16; 2];
        for unit in ch.encode_utf16(&mut units) {
            parts.push(format!("[char]0x{unit:04X}"));
        }
    }
    if !run.is_empty() {
        parts.push(verbatim(&run));
    }
    format!("(-join ({}))", parts.join(", "))
}

/// ASCII `text` as a verbatim string literal: `'` doubled (the typographic quotes, which
/// PowerShell also takes as `'`, are not ASCII and never reach here).
fn verbatim(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
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
    fn ascii_is_one_verbatim_string() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("$(x) `n \""), "'$(x) `n \"'");
    }

    #[test]
    fn other_characters_are_char_code_units_so_the_output_is_ascii() {
        assert_eq!(quote("\u{451}"), "(-join ([char]0x0451))");
        assert_eq!(
            quote("a\u{2019}b'c\u{1F600}"),
            "(-join ('a', [char]0x2019, 'b''c', [char]0xD83D, [char]0xDE00))"
        );
        assert!(quote("\u{2018}x\u{201B}\u{feff}").is_ascii());
    }
}
