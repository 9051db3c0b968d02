//! Windows cmd.exe: `@set "NAME=value"` and `@set "NAME="`.
//!
//! cmd.exe has no quoting that carries every string, so values are checked and refused rather
//! than mangled. Inside `set "NAME=value"` the quotes make `& | < > ( ) ^` literal, and `set`
//! drops the last quote and whatever follows it. What stays unsafe, and is refused:
//!
//! - `"`: it would close the quoted part and turn `&`, `|`, … after it into live operators;
//! - `%`: expanded as a variable reference, differently in a batch file (`%%` is `%`) and on the
//!   command line (`%%` stays), so no spelling works in both;
//! - `!`: expanded when delayed expansion is on (`cmd /V:ON` or the registry), which this code
//!   cannot know;
//! - line breaks and other control characters except tab: a line break ends the command;
//! - non-ASCII characters: cmd.exe decodes them with the console code page, so they would arrive
//!   changed unless that happens to be UTF-8;
//! - an empty value: `set "NAME="` removes the variable instead;
//! - statements longer than cmd.exe's 8191-character command line.
//!
//! Each statement starts with `@` so that a batch file holding it does not echo secrets, and
//! ends with CRLF, the line ending cmd.exe expects.

use super::QuoteError;

const SYNTAX: &str = "cmd";

/// cmd.exe's maximum command-line length, in characters.
const MAX_LINE: usize = 8191;

/// `text` between double quotes, for an argument.
pub(super) fn quote(text: &str) -> Result<String, QuoteError> {
    check_carriable(text)?;
    Ok(format!("\"{text}\""))
}

fn check_carriable(text: &str) -> Result<(), QuoteError> {
    let problem = |problem| {
        Err(QuoteError {
            syntax: SYNTAX,
            problem,
        })
    };
    for ch in text.chars() {
        match ch {
            '"' => return problem("a double quote (\")"),
            '%' => return problem("a percent sign (%)"),
            '!' => return problem("an exclamation mark (!)"),
            '\n' | '\r' => return problem("a line break"),
            '\t' => {}
            c if c.is_control() => return problem("a control character"),
            c if !c.is_ascii() => {
                return problem("a non-ASCII character (it depends on the console code page)");
            }
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn write_set(out: &mut String, name: &str, value: &str) -> Result<(), QuoteError> {
    check_carriable(value)?;
    if value.is_empty() {
        return Err(QuoteError {
            syntax: SYNTAX,
            problem: "an empty value (its `set` removes the variable instead)",
        });
    }
    let statement = format!("@set \"{name}={value}\"");
    if statement.len() > MAX_LINE {
        return Err(QuoteError {
            syntax: SYNTAX,
            problem: "a value this long (its command lines end at 8191 characters)",
        });
    }
    out.push_str(&statement);
    out.push_str("\r\n");
    Ok(())
}

/// `set "NAME="` removes the variable; for a variable that is not set it changes nothing.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("@set \"");
    out.push_str(name);
    out.push_str("=\"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(value: &str) -> Result<String, QuoteError> {
        let mut out = String::new();
        write_set(&mut out, "NAME", value).map(|()| out)
    }

    #[test]
    fn safe_values_are_set_inside_quotes() {
        assert_eq!(set("abc/+=").as_deref(), Ok("@set \"NAME=abc/+=\"\r\n"));
        assert_eq!(
            set("a & b | c < d > e ( f ) ^ g ' h\ti").as_deref(),
            Ok("@set \"NAME=a & b | c < d > e ( f ) ^ g ' h\ti\"\r\n")
        );
        let mut out = String::new();
        write_unset(&mut out, "NAME");
        assert_eq!(out, "@set \"NAME=\"\r\n");
    }

    #[test]
    fn unsafe_values_are_refused() {
        for value in [
            "a\"b", "a\"&calc", "100%", "%PATH%", "wow!", "!x!", "a\nb", "a\rb", "a\u{1a}b",
            "a\u{1b}b", "é", "’", "",
        ] {
            let error = set(value).expect_err(value);
            assert_eq!(error.syntax, "cmd");
        }
        assert!(quote("a\"b").is_err());
        assert!(quote("50%").is_err());
    }

    #[test]
    fn statements_longer_than_a_command_line_are_refused() {
        let fits = "x".repeat(MAX_LINE - "@set \"NAME=\"".len());
        assert!(set(&fits).is_ok());
        assert!(set(&format!("{fits}x")).is_err());
    }
}
