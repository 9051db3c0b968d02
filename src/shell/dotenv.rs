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

#[cfg(test)]
mod tests {
    use super::*;

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
