//! Shell completion: the committed scripts under `completions/` are what the code generates now,
//! and sourcing them in real bash, zsh and fish completes subcommands and the profile and
//! sso-session names of the user's own config file.

use std::path::{Path, PathBuf};

use crate::support::home::*;
use crate::support::setup::*;
use serde_json::json;
use ssoenv::cli::CompletionShell;

const SCRIPTS: [(CompletionShell, &str); 5] = [
    (CompletionShell::Bash, "completions/ssoenv.bash"),
    (CompletionShell::Zsh, "completions/_ssoenv"),
    (CompletionShell::Fish, "completions/ssoenv.fish"),
    (CompletionShell::Powershell, "completions/_ssoenv.ps1"),
    (CompletionShell::Elvish, "completions/ssoenv.elv"),
];

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// `completions/*` must be what `ssoenv completions SHELL` prints. Run with
/// `SSOENV_UPDATE_GENERATED=1` to rewrite them after changing the CLI or clap_complete.
#[test]
fn the_committed_scripts_are_current() {
    for (shell, relative) in SCRIPTS {
        let generated = ssoenv::completions::registration_script(shell).unwrap();
        let path = repo_path(relative);
        if std::env::var_os("SSOENV_UPDATE_GENERATED").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{relative} is stale: run `SSOENV_UPDATE_GENERATED=1 cargo test --test suite completions::` and commit it"
        );
        let home = TestHome::new();
        let name = format!("{shell:?}").to_lowercase();
        let printed = run(home
            .ssoenv("http://127.0.0.1:9")
            .args(["completions", &name]));
        assert!(printed.status.success(), "{}", printed.stderr);
        assert_eq!(
            printed.stdout.as_bytes(),
            generated,
            "ssoenv completions {name}"
        );
    }
}

/// PATH with the ssoenv under test first, as an installed ssoenv would be found.
fn path_with_ssoenv() -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ssoenv")).parent().unwrap();
    format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Types `line` and Tab in an interactive `shell` that sourced the completion script with
/// `setup`, and returns what the screen showed.
fn tab_in(shell: &str, args: &[&str], setup: &str, lines: &[&str]) -> String {
    let home = TestHome::new();
    let path = path_with_ssoenv();
    let env = [
        ("HOME", home.path().to_str().unwrap()),
        ("PATH", path.as_str()),
        ("PS1", "$ "),
    ];
    let mut steps = vec![
        json!({"sleep": 0.5}),
        // The echoed command shows `$((6*7))`; only running it prints 42.
        json!({"send": format!("{setup}; echo ready-$((6*7))\r")}),
        json!({"expect": "ready-42"}),
    ];
    for line in lines {
        steps.push(json!({"send": format!("{line}\t")}));
        steps.push(json!({"sleep": 1.0}));
        // Ctrl-U clears the line for the next one.
        steps.push(json!({"send": "\u{15}"}));
    }
    steps.push(json!({"send": "exit\r"}));
    let session = drive_in_pty(shell, args, &env, json!(steps));
    session.transcript
}

#[test]
fn bash_completes_profile_and_session_names() {
    let script = repo_path("completions/ssoenv.bash");
    let screen = tab_in(
        "bash",
        &["--norc", "--noprofile", "-i"],
        &format!("source {}", script.display()),
        &[
            "ssoenv status my-d",
            "ssoenv login --sso-session my-",
            "ssoenv conf",
        ],
    );
    assert!(screen.contains("ssoenv status my-dev-profile "), "{screen}");
    assert!(
        screen.contains("ssoenv login --sso-session my-sso "),
        "{screen}"
    );
    assert!(screen.contains("ssoenv configure "), "{screen}");
}

#[test]
fn zsh_completes_profile_and_session_names() {
    let script = repo_path("completions/_ssoenv");
    let screen = tab_in(
        "zsh",
        &["-f", "-i"],
        &format!(
            "autoload -Uz compinit && compinit -u -D && source {}",
            script.display()
        ),
        &[
            "ssoenv status my-d",
            "ssoenv login --sso-session my-",
            "ssoenv conf",
        ],
    );
    assert!(screen.contains("ssoenv status my-dev-profile "), "{screen}");
    assert!(
        screen.contains("ssoenv login --sso-session my-sso "),
        "{screen}"
    );
    assert!(screen.contains("ssoenv configure "), "{screen}");
}

#[test]
fn fish_completes_profile_and_session_names() {
    let home = TestHome::new();
    let script = repo_path("completions/ssoenv.fish");
    let complete = |line: &str| {
        let out = run(std::process::Command::new("fish")
            .args(["--no-config", "--private", "-c"])
            .arg(format!(
                "source {}; complete --do-complete '{line}'",
                script.display()
            ))
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", path_with_ssoenv()));
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
    };
    assert_eq!(
        complete("ssoenv status my-d"),
        "my-dev-profile\t123456789011 FullAccess\n"
    );
    assert_eq!(
        complete("ssoenv login --sso-session my-"),
        "my-sso\thttps://my-sso-portal.awsapps.com/start\n"
    );
    assert!(complete("ssoenv sta").starts_with("status\t"));
    // Profiles of a config file that cannot be read are simply not offered; no error shows.
    std::fs::write(home.path().join(".aws/config"), "not a config\n").unwrap();
    assert_eq!(complete("ssoenv status my-d"), "");
}

#[test]
fn elvish_completes_profile_names() {
    let home = TestHome::new();
    let path = path_with_ssoenv();
    let script = repo_path("completions/ssoenv.elv");
    // Tab fills in the profile and Enter runs the command: only a completed name gets a status.
    let session = drive_in_pty(
        "elvish",
        &["-norc"],
        &[
            ("HOME", home.path().to_str().unwrap()),
            ("PATH", path.as_str()),
        ],
        json!([
            {"sleep": 0.5},
            {"send": format!("eval (slurp < {}); echo ready-(+ 40 2)\r", script.display())},
            {"expect": "ready-42"},
            {"send": "ssoenv status my-d\t"},
            {"sleep": 1.0},
            {"send": "\r"},
            {"expect": "Profile      my-dev-profile (account 123456789011, role FullAccess)"},
            {"send": "exit\r"},
        ]),
    );
    assert_eq!(session.status, Some(0), "{}", session.transcript);
}
