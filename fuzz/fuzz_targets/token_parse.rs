//! `~/.aws/sso/cache/*.json` as a token: written by any tool, possibly half-written. Whatever
//! parses must serialise and parse back to the same token.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssoenv::cache::SsoToken;

fuzz_target!(|data: &[u8]| {
    if let Some(token) = SsoToken::parse(data) {
        let _ = token.is_refreshable(time::OffsetDateTime::now_utc());
        let written = token.to_cli_json();
        let again = SsoToken::parse(written.as_bytes()).expect("our own file parses");
        assert_eq!(again.access_token, token.access_token);
        assert_eq!(again.refresh_token, token.refresh_token);
    }
});
