//! The sign-in callback: a request line anything on the machine can send to the loopback
//! listener, and an address the user pastes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssoenv::login::callback::{outcome_of, parse_pasted_address, parse_query, parse_request_line};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_query(&text);
    let _ = outcome_of(parse_pasted_address(&text), "state");
    let _ = outcome_of(parse_request_line(&text), "state");
});
