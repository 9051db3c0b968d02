//! Percent-encoding for query strings and redirect URLs, by the `percent-encoding` and
//! `form_urlencoded` crates.
//!
//! The SDKs encode query parameters with RFC 3986 rules (`%20` for a space), browsers and
//! `urllib` sometimes use form rules (`+` for a space, botocore's `AssumeRole` body among them);
//! decoding accepts both so every client reaches the same values. A literal `+` arrives as `%2B`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986's unreserved characters: the only ones the AWS CLI leaves unencoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes everything except RFC 3986 unreserved characters, as the AWS CLI does when it builds
/// the authorize URL.
pub fn percent_encode(input: &str) -> String {
    utf8_percent_encode(input, UNRESERVED).to_string()
}

/// Splits `a=1&b=2` into decoded pairs, in order. A key without `=` gets an empty value. Invalid
/// escapes are kept literally rather than rejected: the value is then simply not what the
/// emulator expects and the handler says so.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(query: &str) -> String {
        parse_query(query).remove(0).1
    }

    #[test]
    fn decodes_rfc3986_and_form_spaces() {
        assert_eq!(
            value("v=http%3A%2F%2F127.0.0.1%3A4321%2Foauth%2Fcallback"),
            "http://127.0.0.1:4321/oauth/callback"
        );
        assert_eq!(value("v=a%20b+c"), "a b c");
        assert_eq!(value("v=sso%3aaccount%3aaccess"), "sso:account:access");
        // botocore's form body and the Rust SDK's both send a plus as `%2B`.
        assert_eq!(value("RoleSessionName=a%2Bb"), "a+b");
    }

    #[test]
    fn keeps_broken_escapes_literally() {
        assert_eq!(value("v=100%"), "100%");
        assert_eq!(value("v=%4"), "%4");
        assert_eq!(value("v=%zz1"), "%zz1");
    }

    #[test]
    fn encode_then_decode_round_trips() {
        let value = "a b/c?d=e&f~g+h:ü*";
        let encoded = percent_encode(value);
        assert_eq!(encoded, "a%20b%2Fc%3Fd%3De%26f~g%2Bh%3A%C3%BC%2A");
        assert_eq!(
            parse_query(&format!("v={encoded}")),
            [("v".into(), value.into())]
        );
    }

    #[test]
    fn parses_query_pairs_in_order() {
        assert_eq!(
            parse_query("role_name=ReadOnly&account_id=123&flag&&x=%26"),
            vec![
                ("role_name".to_owned(), "ReadOnly".to_owned()),
                ("account_id".to_owned(), "123".to_owned()),
                ("flag".to_owned(), String::new()),
                ("x".to_owned(), "&".to_owned()),
            ]
        );
    }
}
