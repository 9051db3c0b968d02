//! `~/.aws/sso/cache/*.json` as a client registration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssoenv::cache::ClientRegistration;

fuzz_target!(|data: &[u8]| {
    if let Some(registration) = ClientRegistration::parse(data) {
        let now = time::OffsetDateTime::now_utc();
        let _ = registration.is_usable(now, true);
        let _ = registration.is_usable(now, false);
        let written = registration.to_cli_json();
        let again = ClientRegistration::parse(written.as_bytes()).expect("our own file parses");
        assert_eq!(again.client_id, registration.client_id);
    }
});
