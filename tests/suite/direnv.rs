//! direnv: a project's `.envrc` selects its profile through `ssoenv direnv`, loaded by the real
//! direnv.

use std::process::Command;

use crate::support::home::*;

/// A project directory selects its profile through direnv's `.envrc`: the real direnv loads it.
#[test]
fn direnv_loads_the_profile_of_a_project() {
    if Command::new("direnv").arg("version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "direnv is required in CI");
        eprintln!("skipped: direnv is not installed");
        return;
    }
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let project = home.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let binary = env!("CARGO_BIN_EXE_ssoenv");
    std::fs::write(
        project.join(".envrc"),
        format!("eval \"$('{binary}' direnv)\"\nuse ssoenv {PROFILE}\n"),
    )
    .unwrap();
    let direnv = |args: &[&str]| {
        let mut command = Command::new("direnv");
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_DATA_HOME", home.path().join(".local/share"))
            .env("AWS_ENDPOINT_URL", emulator.url())
            .env("AWS_PROFILE", "something-else")
            .current_dir(&project);
        run(&mut command)
    };
    let allowed = direnv(&["allow", "."]);
    assert!(allowed.status.success(), "{}", allowed.stderr);
    let out = direnv(&["exec", ".", "env"]);
    assert!(out.status.success(), "{}", out.stderr);
    let env: std::collections::BTreeMap<&str, &str> = out
        .stdout
        .lines()
        .filter_map(|line| line.split_once('='))
        .collect();
    assert_eq!(env.get("SSOENV_PROFILE"), Some(&PROFILE));
    assert_eq!(
        emulator.credentials_owner(env["AWS_ACCESS_KEY_ID"]),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert!(
        !env.contains_key("AWS_PROFILE"),
        "the profile selector is gone"
    );
}
