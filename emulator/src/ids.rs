//! Random identifiers and the PKCE challenge computation.
//!
//! Every secret the emulator hands out (client secrets, tokens, codes, role credentials) comes
//! from the operating system's random source, so two emulators never issue the same value and a
//! test can never pass by accident because a token happened to be predictable.

use sha2::{Digest, Sha256};

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// The alphabet of AWS secret access keys.
const SECRET_KEY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// Letters that cannot be mistaken for one another when a human types a user code.
const USER_CODE: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// Random bytes from the OS. Failure of the OS random source is not something a test emulator
/// can recover from, and falling back to a weak source would hide it, so it aborts loudly.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    if let Err(err) = getrandom::fill(&mut bytes) {
        panic!("the operating system's random number generator failed: {err}");
    }
    bytes
}

/// A random string of `len` characters drawn uniformly from `alphabet` (rejection sampling, so
/// no character is more likely than another).
fn random_string(alphabet: &[u8], len: usize) -> String {
    let limit = 256 - (256 % alphabet.len());
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for byte in random_bytes(len * 2) {
            if (byte as usize) < limit && out.len() < len {
                out.push(alphabet[byte as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

/// A client id in the shape the real service uses (opaque, URL-safe).
pub fn client_id() -> String {
    random_string(BASE64URL, 22)
}

/// A client secret: long and opaque like the real JWT-shaped ones.
pub fn client_secret() -> String {
    format!("eyJraWQiOiJlbXVsYXRvciJ9.{}", random_string(BASE64URL, 320))
}

/// OIDC access tokens start with `aoa`, refresh tokens with `aor`, as the real ones do.
pub fn access_token() -> String {
    format!("aoa{}", random_string(ALNUM, 180))
}

pub fn refresh_token() -> String {
    format!("aor{}", random_string(ALNUM, 180))
}

pub fn device_code() -> String {
    random_string(BASE64URL, 86)
}

/// `XXXX-XXXX`, as shown to a human on the verification page.
pub fn user_code() -> String {
    let raw = random_string(USER_CODE, 8);
    format!("{}-{}", &raw[..4], &raw[4..])
}

pub fn authorization_code() -> String {
    random_string(BASE64URL, 64)
}

/// `ASIA` + 16 characters: the shape of a temporary (STS-issued) access key id.
pub fn access_key_id() -> String {
    format!("ASIA{}", random_string(UPPER_ALNUM, 16))
}

/// `AROA` + 17 characters: the shape of a role's unique id.
pub fn role_id() -> String {
    format!("AROA{}", random_string(UPPER_ALNUM, 17))
}

pub fn secret_access_key() -> String {
    random_string(SECRET_KEY, 40)
}

pub fn session_token() -> String {
    random_string(SECRET_KEY, 356)
}

/// The console's one-time sign-in token: long and opaque, URL-safe, as the real ones are.
pub fn signin_token() -> String {
    random_string(BASE64URL, 400)
}

/// The console stand-in's session cookie.
pub fn console_session() -> String {
    random_string(ALNUM, 32)
}

pub fn request_id() -> String {
    let hex = random_string(b"0123456789abcdef", 32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Base64url without padding (RFC 4648 §5), the encoding PKCE uses for the challenge.
pub fn base64url_no_pad(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(BASE64URL[index as usize] as char);
        }
    }
    out
}

/// Decodes base64url, padded or not; `None` for anything else.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut bits = 0u32;
    let mut count = 0;
    for byte in text.bytes() {
        let value = BASE64URL.iter().position(|&c| c == byte)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// The S256 code challenge for a PKCE verifier: base64url(SHA-256(verifier)), no padding.
pub fn pkce_s256_challenge(verifier: &str) -> String {
    base64url_no_pad(&Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn base64url_handles_every_tail_length() {
        assert_eq!(base64url_no_pad(b""), "");
        assert_eq!(base64url_no_pad(b"f"), "Zg");
        assert_eq!(base64url_no_pad(b"fo"), "Zm8");
        assert_eq!(base64url_no_pad(b"foo"), "Zm9v");
        assert_eq!(base64url_no_pad(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn role_credential_ids_have_the_aws_shapes() {
        let key = access_key_id();
        assert_eq!(key.len(), 20);
        assert!(key.starts_with("ASIA"));
        assert!(key.bytes().all(|b| UPPER_ALNUM.contains(&b)));
        let secret = secret_access_key();
        assert_eq!(secret.len(), 40);
        assert_ne!(secret, secret_access_key());
    }

    #[test]
    fn user_codes_are_two_groups_of_four() {
        let code = user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
    }
}
