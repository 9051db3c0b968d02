//! `~/.aws/cli/cache/*.json`: role credentials from any tool.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssoenv::cache::RoleCredentials;

fuzz_target!(|data: &[u8]| {
    if let Some(credentials) = RoleCredentials::parse_cli_cache(data) {
        let _ = credentials.remaining(time::OffsetDateTime::now_utc());
        let written = credentials.to_cli_cache_json();
        let again =
            RoleCredentials::parse_cli_cache(written.as_bytes()).expect("our own file parses");
        assert_eq!(again.session_token, credentials.session_token);
    }
});
