//! What the exec, process and chaining tests share: a config with role chains on top of the
//! common one, the cache file of an assumed role, botocore runners, and reading a child's
//! environment.
#![allow(dead_code)] // each test file uses a different part of this

use std::path::PathBuf;

use super::home::{CONFIG, TestHome, sha1_hex};

pub const DEPLOY_ARN: &str = "arn:aws:iam::210987654321:role/Deploy";
pub const ADMIN_ARN: &str = "arn:aws:iam::210987654321:role/Admin";
pub const CHAIN_ACCOUNT: &str = "210987654321";

/// Two chains on top of the common profiles: `deploy` (one hop from `my-dev-profile`) and
/// `admin` (two hops, with every AssumeRole argument set).
pub const CHAINS: &str = "
[profile deploy]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = my-dev-profile
region = eu-central-1

[profile admin]
role_arn = arn:aws:iam::210987654321:role/Admin
source_profile = deploy
role_session_name = alice
external_id = acme-42
duration_seconds = 1200
";

pub fn chain_home() -> TestHome {
    TestHome::with_config(&format!("{CONFIG}{CHAINS}"))
}

/// `~/.aws/cli/cache/<key>.json` of an assumed role, the key computed the way botocore does
/// (`json.dumps(args, sort_keys=True)`), written out here by hand.
pub fn assume_role_cache_path(home: &TestHome, json_args: &str) -> PathBuf {
    home.cli_cache()
        .join(format!("{}.json", sha1_hex(json_args)))
}

pub fn deploy_cache_path(home: &TestHome) -> PathBuf {
    assume_role_cache_path(home, &format!(r#"{{"RoleArn": "{DEPLOY_ARN}"}}"#))
}

pub fn admin_cache_path(home: &TestHome) -> PathBuf {
    assume_role_cache_path(
        home,
        &format!(
            r#"{{"DurationSeconds": 1200, "ExternalId": "acme-42", "RoleArn": "{ADMIN_ARN}", "RoleSessionName": "alice"}}"#
        ),
    )
}
