//! The secrets of one authorization-code sign-in (RFC 7636 PKCE and the OAuth `state`), and the
//! `/authorize` address built from them exactly as the AWS CLI v2 builds it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// RFC 7636 §4.1: the verifier uses the unreserved characters only.
const VERIFIER_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
const VERIFIER_LENGTH: usize = 64;
/// What a query value may hold unencoded: RFC 3986's unreserved characters, nothing else (not the
/// `*` that form encoding keeps, and a space is `%20`, never `+`).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A fresh PKCE verifier and `state` for one sign-in. The verifier proves to the service that
/// this process asked for the code, so it is a [`Secret`]; the `state` travels in the address
/// shown to the user.
pub struct PkceSecrets {
    pub verifier: Secret,
    pub state: String,
}

impl PkceSecrets {
    pub fn generate() -> std::io::Result<PkceSecrets> {
        let mut bytes = [0u8; VERIFIER_LENGTH + 16];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let (verifier_bytes, state_bytes) = bytes.split_at(VERIFIER_LENGTH);
        let verifier: String = verifier_bytes
            .iter()
            // 66 symbols: the modulo bias is negligible for a 64-character secret.
            .map(|b| VERIFIER_ALPHABET[*b as usize % VERIFIER_ALPHABET.len()] as char)
            .collect();
        Ok(PkceSecrets {
            verifier: Secret::new(verifier),
            state: URL_SAFE_NO_PAD.encode(state_bytes),
        })
    }

    /// base64url(SHA-256(verifier)) without padding: 43 characters.
    pub fn challenge(&self) -> String {
        code_challenge(self.verifier.expose())
    }
}

pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `{oidc}/authorize?…` with the parameters in the CLI's order; `scopes` is space-joined.
pub fn authorize_url(
    oidc_endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
    scopes: &[String],
) -> String {
    format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        oidc_endpoint.trim_end_matches('/'),
        percent_encode(client_id),
        percent_encode(redirect_uri),
        percent_encode(state),
        percent_encode(&scopes.join(" ")),
        percent_encode(challenge),
    )
}

/// RFC 3986 percent-encoding of everything but the unreserved characters (`:`→`%3A`, `/`→`%2F`,
/// space→`%20`), as the CLI encodes the query.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7636_appendix_b_vector() {
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_and_state_are_fresh_and_well_formed() {
        let a = PkceSecrets::generate().unwrap();
        let b = PkceSecrets::generate().unwrap();
        assert_eq!(a.verifier.len(), 64);
        assert!(
            a.verifier
                .expose()
                .bytes()
                .all(|c| VERIFIER_ALPHABET.contains(&c))
        );
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(a.state, b.state);
        assert_eq!(a.challenge().len(), 43);
    }

    #[test]
    fn the_url_is_encoded_like_the_cli_encodes_it() {
        let url = authorize_url(
            "https://oidc.us-east-1.amazonaws.com/",
            "cid",
            "http://127.0.0.1:34463/oauth/callback",
            "77211220-3402-43a6-8e92-76252bcaada4",
            "chal",
            &["sso:account:access".to_string()],
        );
        assert_eq!(
            url,
            "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A34463%2Foauth%2Fcallback&state=77211220-3402-43a6-8e92-76252bcaada4&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=chal"
        );
        assert_eq!(percent_encode("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn only_unreserved_characters_stay_as_they_are() {
        let unreserved = "ABCXYZabcxyz0189-._~";
        assert_eq!(percent_encode(unreserved), unreserved);
        // Form encoding would leave `*` and turn the space into `+`; RFC 3986 encodes both.
        assert_eq!(percent_encode("a+b c*"), "a%2Bb%20c%2A");
        assert_eq!(percent_encode("%?&=#é"), "%25%3F%26%3D%23%C3%A9");
        for byte in 0..=0x7fu8 {
            let text = char::from(byte).to_string();
            let expected = if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                text.clone()
            } else {
                format!("%{byte:02X}")
            };
            assert_eq!(percent_encode(&text), expected, "{byte:#04x}");
        }
    }
}
