//! Text from outside (the portal's account and role names, values read from files) as it may be
//! shown to a person: control characters are written as escapes (`\e`, `\n`, `\x07`, `\u{9b}`),
//! so that no account name can set the terminal's title, clear the screen or break a line of a
//! listing. Everything shown on a terminal that ssoenv did not write itself goes through
//! [`printable`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1) escaped; borrowed when there is none.
#[inline]
pub fn printable(text: &str) -> Cow<'_, str> {
    // Most text is printable ASCII: a byte test, inlined where `list` calls it for each of a
    // large file's cells, then the full test for the rest.
    if text.bytes().all(|byte| (b' '..=b'~').contains(&byte)) {
        return Cow::Borrowed(text);
    }
    escaped(text)
}

fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            '\u{1b}' => shown.push_str("\\e"),
            c if (c as u32) < 0x80 && c.is_control() => {
                let _ = write!(shown, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(shown, "\\u{{{:x}}}", c as u32);
            }
            c => shown.push(c),
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn terminal_controls_become_visible_escapes() {
        assert_eq!(printable("Prod"), "Prod");
        assert_eq!(
            printable("Prod\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "Prod\\e]0;pwned\\x07\\e[2J"
        );
        assert_eq!(
            printable("Admin\nRole\t\u{7f}\u{9b}"),
            "Admin\\nRole\\t\\x7f\\u{9b}"
        );
        assert_eq!(printable("Zoë’s"), "Zoë’s");
    }
}
