//! `.env` files: `NAME='value'`.
//!
//! There is no single dotenv standard; the readers that matter disagree on escapes. In a
//! single-quoted value, docker compose (compose-go) takes every character literally but treats
//! `\'` as an escaped quote, python-dotenv turns `\\` into `\` and `\'` into `'`, and direnv's
//! `dotenv` takes everything literally but splits the file at every CR or LF (collapsing blank
//! lines). python-dotenv also expands `${NAME}` inside single quotes, with no way to escape it.
//! Double quotes are worse: each reader expands `$` differently. So values are written
//! single-quoted, and only values that all three read back exactly are accepted: no `'`, no CR
//! or LF, no `\\`, no `\` at the end, and no `${`.

use super::QuoteError;

pub(super) const SYNTAX: &str = "dotenv";

pub(super) fn write_set(out: &mut String, name: &str, value: &str) -> Result<(), QuoteError> {
    let problem = |problem| {
        Err(QuoteError {
            syntax: SYNTAX,
            problem,
        })
    };
    if value.contains('\'') {
        return problem("a single quote (readers disagree on escaping it)");
    }
    if value.contains(['\n', '\r']) {
        return problem("a line break (readers disagree on multi-line values)");
    }
    if value.contains("\\\\") || value.ends_with('\\') {
        return problem("a double or trailing backslash (readers disagree on escaping it)");
    }
    if value.contains("${") {
        return problem("`${` (python-dotenv expands it even in single quotes)");
    }
    out.push_str(name);
    out.push_str("='");
    out.push_str(value);
    out.push_str("'\n");
    Ok(())
}

/// `NAME=value` without quotes, which every reader takes literally, `docker run --env-file`
/// included (it has no quoting at all: quotes would become part of the value). Only values of
/// letters, digits and `:/._-@+=,` are accepted: nothing a reader could take for a quote, an
/// escape, an expansion, a comment or the end of the value.
pub(super) fn write_unquoted(out: &mut String, name: &str, value: &str) -> Result<(), QuoteError> {
    let literal = |c: char| c.is_ascii_alphanumeric() || ":/._-@+=,".contains(c);
    if !value.chars().all(literal) {
        return Err(QuoteError {
            syntax: SYNTAX,
            problem: "a character that needs quotes, which `docker run --env-file` keeps",
        });
    }
    out.push_str(name);
    out.push('=');
    out.push_str(value);
    out.push('\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_values_are_only_plain_words() {
        let mut out = String::new();
        write_unquoted(&mut out, "URL", "http://127.0.0.1:8080/credentials").unwrap();
        assert_eq!(out, "URL=http://127.0.0.1:8080/credentials\n");
        for value in ["a b", "'x'", "\"x\"", "$HOME", "a#b", "a\nb", "a\\b"] {
            let refused = write_unquoted(&mut String::new(), "K", value);
            assert!(refused.is_err(), "{value:?}");
        }
    }

    fn set(value: &str) -> Result<String, QuoteError> {
        let mut out = String::new();
        write_set(&mut out, "KEY", value).map(|()| out)
    }

    #[test]
    fn values_are_single_quoted() {
        assert_eq!(set("").as_deref(), Ok("KEY=''\n"));
        assert_eq!(
            set("a b # $X $Y{} \"z\" \\n é").as_deref(),
            Ok("KEY='a b # $X $Y{} \"z\" \\n é'\n")
        );
    }

    #[test]
    fn values_readers_disagree_on_are_refused() {
        for value in ["it's", "a\nb", "a\rb", "a\\\\b", "ends\\", "${HOME}", "${"] {
            assert_eq!(set(value).expect_err(value).syntax, "dotenv");
        }
    }
}
