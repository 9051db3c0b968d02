//! Runs the botocore test suite (`tests/python/test_botocore.py`) against the `sso-emulator`
//! binary: botocore is an independent client of both services, so these tests check the wire
//! protocol as the real AWS tools speak it. One Rust test per Python test class.

use std::path::Path;
use std::process::Command;

fn run_python_tests(class: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python");
    let output = Command::new("python3")
        .args(["-m", "unittest", "-v", &format!("test_botocore.{class}")])
        .current_dir(&dir)
        .env("SSO_EMULATOR_BIN", env!("CARGO_BIN_EXE_sso-emulator"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 must be installed (with botocore) to run the emulator's client tests");
    assert!(
        output.status.success(),
        "botocore tests {class} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

macro_rules! python_test_classes {
    ($($test:ident => $class:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_python_tests($class);
            }
        )*
    };
}

python_test_classes! {
    register_client => "RegisterClientTests",
    device_flow => "DeviceFlowTests",
    device_auto_approve => "AutoApproveTests",
    refresh => "RefreshTests",
    no_refresh_tokens => "NoRefreshTokenTests",
    pkce => "PkceTests",
    portal => "PortalTests",
    list_accounts_paging => "ManyAccountsTests",
    token_lifetime => "TokenLifetimeTests",
    failure_injection => "FailureInjectionTests",
    latency => "LatencyTests",
    concurrency => "ConcurrencyTests",
    control_endpoints => "ControlTests",
    botocore_credential_provider => "BotocoreCredentialProviderTests",
    sts => "StsTests",
}

/// Guards against a test class added to the Python file but not to the list above.
#[test]
fn every_python_test_class_is_run() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/test_botocore.py"),
    )
    .unwrap();
    let this_file = include_str!("botocore_client.rs");
    for line in source.lines() {
        if let Some(rest) = line.strip_prefix("class ")
            && let Some((name, _)) = rest.split_once("(EmulatorTestCase)")
        {
            assert!(
                this_file.contains(&format!("\"{name}\"")),
                "test class {name} is not run by botocore_client.rs"
            );
        }
    }
}
