//! The AWS SDK for Rust as a child of ssoenv's credential endpoint, for the tests
//! (tests/suite/credential_server.rs): its default credential chain (aws-config), which reaches
//! the ECS provider through AWS_CONTAINER_CREDENTIALS_FULL_URI and
//! AWS_CONTAINER_AUTHORIZATION_TOKEN.
//!
//! Usage: sdk_chain_probe SECONDS — calls STS GetCallerIdentity once a second at AWS_ENDPOINT_URL
//! (the emulator) and prints one line of JSON: {"sdk", "calls", "errors", "keys"}.

use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_sts::config::ProvideCredentials;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .expect("usage: sdk_chain_probe SECONDS");
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .load()
        .await;
    let client = aws_sdk_sts::Client::new(&config);
    let provider = config.credentials_provider().expect("a credential chain");
    let (mut calls, mut errors, mut keys) = (0, Vec::<String>::new(), Vec::<String>::new());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        match client.get_caller_identity().send().await {
            Ok(_) => {
                calls += 1;
                match provider.provide_credentials().await {
                    Ok(credentials) => {
                        let key = credentials.access_key_id().to_string();
                        if keys.last() != Some(&key) {
                            keys.push(key);
                        }
                    }
                    Err(error) => errors.push(format!("{error:?}")),
                }
            }
            Err(error) => errors.push(format!("{error:?}")),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let result = serde_json::json!({"sdk": "rust", "calls": calls, "errors": errors, "keys": keys});
    println!("{result}");
}
