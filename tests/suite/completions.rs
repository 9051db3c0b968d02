//! Shell completion: the committed scripts under `completions/` are what the code generates now,
//! and sourcing them in real bash, zsh and fish completes subcommands and the profile and
//! sso-session names of the user's own config file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::home::*;
use crate::support::terminal::{Attach, Terminal};
use ssoenv::cli::CompletionShell;

const SCRIPTS: [(CompletionShell, &str); 6] = [
    (CompletionShell::Bash, "completions/ssoenv.bash"),
    (CompletionShell::Zsh, "completions/_ssoenv"),
    (CompletionShell::Fish, "completions/ssoenv.fish"),
    (CompletionShell::Powershell, "completions/_ssoenv.ps1"),
    (CompletionShell::Elvish, "completions/ssoenv.elv"),
    (CompletionShell::Nushell, "completions/ssoenv.nu"),
];

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// `completions/*` must be what `ssoenv completions SHELL` prints. Run with
/// `SSOENV_UPDATE_GENERATED=1` to rewrite them after changing the CLI or clap_complete.
#[test]
fn the_committed_scripts_are_current() {
    for (shell, relative) in SCRIPTS {
        let generated = ssoenv::cli::completion::registration_script(shell).unwrap();
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

/// `shell ARGS` on a terminal, as a user starts it, with `home` as its home, the ssoenv under
/// test on its PATH, and `env`.
fn interactive(shell: &str, args: &[&str], home: &TestHome, env: &[(&str, &str)]) -> Terminal {
    Terminal::spawn(
        Command::new(shell)
            .args(args)
            .env_clear()
            .env("PATH", path_with_ssoenv())
            .env("TERM", "xterm-256color")
            .env("HOME", home.path())
            .envs(env.iter().copied()),
        Attach::Interactive,
    )
}

/// Types `line` and Tab in an interactive `shell` that sourced the completion script with
/// `setup`, and returns what the screen showed.
fn tab_in(shell: &str, args: &[&str], setup: &str, lines: &[&str]) -> String {
    let home = TestHome::new();
    let mut terminal = interactive(shell, args, &home, &[("PS1", "$ ")]);
    std::thread::sleep(Duration::from_millis(500));
    // The echoed command shows `$((6*7))`; only running it prints 42.
    terminal.send(&format!("{setup}; echo ready-$((6*7))\r"));
    terminal.expect("ready-42");
    std::thread::sleep(Duration::from_millis(300));
    for line in lines {
        terminal.send(&format!("{line}\t"));
        std::thread::sleep(Duration::from_secs(1));
        // Ctrl-U clears the line for the next one.
        terminal.send("\u{15}");
    }
    terminal.send("exit\r");
    terminal.finish().screen
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
            "ssoenv console prod-r",
            "ssoenv console --service cloudfr",
        ],
    );
    assert!(screen.contains("ssoenv status my-dev-profile "), "{screen}");
    assert!(screen.contains("ssoenv console prod-readonly "), "{screen}");
    assert!(
        screen.contains("ssoenv console --service cloudfront "),
        "{screen}"
    );
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
            "ssoenv console prod-r",
            "ssoenv console --service cloudfr",
        ],
    );
    assert!(screen.contains("ssoenv status my-dev-profile "), "{screen}");
    assert!(screen.contains("ssoenv console prod-readonly "), "{screen}");
    assert!(
        screen.contains("ssoenv console --service cloudfront "),
        "{screen}"
    );
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
        "my-dev-profile\tsso 123456789011 FullAccess\n"
    );
    // Every kind is offered, with its kind (the static-keys profile of the fixture).
    assert_eq!(complete("ssoenv status static-"), "static-keys\tstatic\n");
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
    let script = repo_path("completions/ssoenv.elv");
    // Tab fills in the profile and Enter runs the command: only a completed name gets a status.
    let mut terminal = interactive("elvish", &["-norc"], &home, &[]);
    std::thread::sleep(Duration::from_millis(500));
    terminal.send(&format!(
        "eval (slurp < {}); echo ready-(+ 40 2)\r",
        script.display()
    ));
    terminal.answer("ready-42", "ssoenv status my-d\t");
    std::thread::sleep(Duration::from_secs(1));
    terminal.send("\r");
    terminal.answer(
        "Profile      my-dev-profile (account 123456789011, role FullAccess)",
        "exit\r",
    );
    let session = terminal.finish();
    assert_eq!(session.code, Some(0), "{}", session.screen);
}

#[test]
fn nushell_completes_subcommands_options_and_profile_names() {
    let Some(nu) = crate::support::shells::optional_program(
        "nu",
        "nushell_completes_subcommands_options_and_profile_names",
    ) else {
        return;
    };
    let home = TestHome::new();
    let script = repo_path("completions/ssoenv.nu");
    // The module parses, declares the command with its options, and its profile completer asks
    // the installed ssoenv for the names of the user's config.
    let code = format!(
        "use {} *; [(scope externs | where name == 'ssoenv status' | length), \
         (nu-complete ssoenv profile | get value | str join ',')] | to json -r",
        script.display()
    );
    let out = Command::new(nu)
        .args(["--no-config-file", "-c", &code])
        .env("HOME", home.path())
        .env("PATH", path_with_ssoenv())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("[1,"),
        "the extern `ssoenv status` is declared: {stdout}"
    );
    assert!(stdout.contains("my-dev-profile"), "{stdout}");
    assert!(
        stdout.contains("status"),
        "subcommands are offered too: {stdout}"
    );
}
