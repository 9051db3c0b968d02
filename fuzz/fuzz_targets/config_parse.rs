//! The AWS config file: any bytes a user (or another tool) can leave in `~/.aws/config`. Parsing
//! and then every lookup a command makes must not panic, whatever the file says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssoenv::config::AwsConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = AwsConfig::parse(std::path::Path::new("config"), text) else {
        return;
    };
    for name in config.profile_names() {
        let _ = config.sso_profile(name);
        let _ = config.sso_session_of_profile(name);
        let _ = config.endpoint_overrides(name, None);
    }
    for name in config.sso_session_names() {
        let _ = config.named_sso_session(name);
    }
});
