//! The endpoint's authorization token: made fresh for each endpoint from the operating system's
//! random source, and checked in constant time, so that a local process probing the port learns
//! nothing from how long a refusal takes.

use subtle::ConstantTimeEq;

use crate::secret::Secret;

/// 32 random bytes, as 64 hex digits: a valid header value in every client.
const TOKEN_BYTES: usize = 32;

/// A new token for one endpoint.
pub fn generate() -> std::io::Result<Secret> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|error| std::io::Error::other(error.to_string()))?;
    Ok(Secret::new(hex::encode(bytes)))
}

/// Whether `presented` (an `Authorization` header's bytes) is `expected`. The comparison takes
/// the same time whichever byte differs; only a difference in length returns early, and the
/// length is no secret (every token is 64 hex digits).
pub fn matches(expected: &Secret, presented: &[u8]) -> bool {
    expected.expose().as_bytes().ct_eq(presented).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_hex_of_the_documented_length() {
        let first = generate().unwrap();
        let second = generate().unwrap();
        assert_eq!(first.len(), 2 * TOKEN_BYTES);
        assert!(first.expose().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(first, second);
    }

    #[test]
    fn only_the_exact_token_matches() {
        let token = generate().unwrap();
        assert!(matches(&token, token.expose().as_bytes()));
        let mut changed = token.expose().as_bytes().to_vec();
        changed[63] ^= 1;
        assert!(!matches(&token, &changed));
        assert!(!matches(&token, &token.expose().as_bytes()[..63]));
        assert!(!matches(&token, b""));
        let longer = format!("{}0", token.expose());
        assert!(!matches(&token, longer.as_bytes()));
    }
}
