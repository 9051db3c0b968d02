//! Percent-encoding for query strings and redirect URLs.
//!
//! The SDKs encode query parameters with RFC 3986 rules (`%20` for a space), browsers and
//! `urllib` sometimes use form rules (`+` for a space); decoding accepts both so every client
//! reaches the same values.

/// Decodes `%XX` escapes and `+` (as a space). Invalid escapes are kept literally rather than
/// rejected: the value is then simply not what the emulator expects and the handler says so.
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(high << 4 | low);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Encodes everything except RFC 3986 unreserved characters, as the AWS CLI does when it builds
/// the authorize URL.
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for byte in input.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Splits `a=1&b=2` into decoded pairs, in order. A key without `=` gets an empty value.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((key, value)) => (percent_decode(key), percent_decode(value)),
            None => (percent_decode(part), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rfc3986_and_form_spaces() {
        assert_eq!(
            percent_decode("http%3A%2F%2F127.0.0.1%3A4321%2Foauth%2Fcallback"),
            "http://127.0.0.1:4321/oauth/callback"
        );
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(
            percent_decode("sso%3aaccount%3aaccess"),
            "sso:account:access"
        );
    }

    #[test]
    fn keeps_broken_escapes_literally() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz1"), "%zz1");
    }

    #[test]
    fn encode_then_decode_round_trips() {
        let value = "a b/c?d=e&f~g+h:ü";
        let encoded = percent_encode(value);
        assert!(!encoded.contains(' ') && !encoded.contains('&') && !encoded.contains('+'));
        assert_eq!(percent_decode(&encoded), value);
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
