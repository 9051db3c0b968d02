//! The scripts `ssoenv init SHELL` prints, checked without running a prompt: each shell's own
//! syntax check or linter, a PowerShell grammar where PowerShell cannot run, a snapshot per
//! shell so every change is reviewed; and the `hook` entry's answers, which the scripts
//! evaluate.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::home::*;
use crate::support::shells::{COMMON_SHELLS, optional_program, require_program};

/// A binary path with everything a quoting bug would trip over.
const AWKWARD_DIR: &str = "it's a $dir `x` \\ \u{2019}q\u{2019} ! \"d\"";

fn init(shell: &str, ssoenv_path: &str, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ssoenv"))
        .args(["init", shell])
        .args(extra)
        .args(["--ssoenv-path", ssoenv_path])
        .output()
        .expect("ssoenv init runs");
    assert!(
        output.status.success(),
        "init {shell}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn check(program: &Path, args: &[&str], script: &str, what: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("init-script");
    std::fs::write(&file, script).expect("write the script");
    let output: Output = Command::new(program)
        .args(args)
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .expect("checker runs");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{what} rejects the script:\n{}{}\n--- script:\n{script}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn scripts(shell: &str) -> Vec<String> {
    vec![
        init(shell, "/opt/ssoenv/bin/ssoenv", &[]),
        init(
            shell,
            &format!("/tmp/{AWKWARD_DIR}/ssoenv"),
            &[
                "--refresh-before",
                "1h30m",
                "--retry-after",
                "90s",
                "--no-login",
                "--use-device-code",
                "--no-browser",
            ],
        ),
    ]
}

#[test]
fn bash_script_passes_shellcheck() {
    let shellcheck = require_program("shellcheck");
    let [plain, awkward] = <[String; 2]>::try_from(scripts("bash")).unwrap();
    check(
        &shellcheck,
        &["--shell=bash", "--severity=style"],
        &plain,
        "shellcheck",
    );
    // With the awkward path shellcheck only notes that `$dir` and `’` inside single quotes are
    // literal, which is the point.
    check(
        &shellcheck,
        &[
            "--shell=bash",
            "--severity=style",
            "--exclude=SC2016,SC1112",
        ],
        &awkward,
        "shellcheck",
    );
}

#[test]
fn zsh_script_parses() {
    let zsh = require_program("zsh");
    for script in scripts("zsh") {
        check(&zsh, &["--no-rcs", "-n"], &script, "zsh -n");
    }
}

#[test]
fn fish_script_parses() {
    let fish = require_program("fish");
    for script in scripts("fish") {
        check(
            &fish,
            &["--no-config", "--no-execute"],
            &script,
            "fish --no-execute",
        );
    }
}

#[test]
fn nushell_script_parses() {
    let Some(nu) = optional_program("nu", "nushell_script_parses") else {
        return;
    };
    for script in scripts("nushell") {
        // `source` needs the path when parsing, so it goes into the command itself.
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("ssoenv.nu");
        std::fs::write(&file, &script).expect("write the script");
        let output = Command::new(&nu)
            .args(["--no-config-file", "-c"])
            .arg(format!("source '{}'", file.display()))
            .stdin(Stdio::null())
            .output()
            .expect("nu runs");
        assert!(
            output.status.success() && output.stdout.is_empty() && output.stderr.is_empty(),
            "nu rejects the script:\n{}{}\n--- script:\n{script}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Python's own parser on the xonsh script, which is plain Python apart from the template
/// values.
#[test]
fn xonsh_script_is_python() {
    let python = require_program("python3");
    for script in scripts("xonsh") {
        check(
            &python,
            &["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())"],
            &script,
            "python3 ast.parse",
        );
    }
}

/// PowerShell cannot be installed here: its grammar must find no error, and the binary's path
/// must come out of the parse as the exact string (typographic quotes included).
#[test]
fn powershell_script_parses_with_the_path_intact() {
    let path = format!("/tmp/{AWKWARD_DIR}/ssoenv");
    for script in scripts("powershell") {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_powershell::LANGUAGE.into())
            .expect("load the PowerShell grammar");
        let tree = parser.parse(&script, None).expect("parse");
        let root = tree.root_node();
        let mut errors = Vec::new();
        let mut verbatim = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if node.is_error() || node.is_missing() {
                errors.push(format!(
                    "{} at {}",
                    node.kind(),
                    node.start_position().row + 1
                ));
            }
            if node.kind() == "verbatim_string_characters" {
                verbatim.push(script[node.byte_range()].to_string());
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        assert!(errors.is_empty(), "{errors:?}\n{}", root.to_sexp());
        assert!(!root.has_error());
        if script.contains(AWKWARD_DIR.split(' ').next().unwrap()) {
            let quoted = format!(
                "'{}'",
                path.replace('\'', "''")
                    .replace('\u{2019}', "\u{2019}\u{2019}")
            );
            let uses = verbatim.iter().filter(|s| **s == quoted).count();
            assert!(
                uses >= 5,
                "the path is one verbatim string each time: {verbatim:?}"
            );
        }
    }
}

#[test]
fn snapshots_of_every_shells_script() {
    for shell in [
        "bash",
        "zsh",
        "fish",
        "powershell",
        "elvish",
        "xonsh",
        "nushell",
    ] {
        insta::assert_snapshot!(
            format!("init_{shell}"),
            init(shell, "/opt/ssoenv/bin/ssoenv", &[])
        );
    }
}

#[test]
fn shells_without_a_prompt_hook_are_refused() {
    for shell in ["sh", "cmd", "tcsh"] {
        let output = Command::new(env!("CARGO_BIN_EXE_ssoenv"))
            .args(["init", shell])
            .output()
            .expect("runs");
        assert!(!output.status.success());
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("no prompt hook"), "{stderr}");
    }
}

/// The hook entry, as the scripts run it: nothing at all when nothing is due, without reading
/// the config (there is none here) or the network (the endpoint is closed).
#[test]
fn hook_entry_says_nothing_when_nothing_is_due() {
    let home = TestHome::with_config("");
    let far = (time::OffsetDateTime::now_utc().unix_timestamp() + 3600).to_string();
    let soon = (time::OffsetDateTime::now_utc().unix_timestamp() + 60).to_string();
    let later = (time::OffsetDateTime::now_utc().unix_timestamp() + 600).to_string();
    type Environment<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Environment, Vec<&str>)> = vec![
        // No profile in the shell.
        (vec![], vec![]),
        (vec![("SSOENV_PROFILE", "")], vec![]),
        // Far from expiry.
        (
            vec![("SSOENV_PROFILE", PROFILE), ("SSOENV_EXPIRES_AT", &far)],
            vec![],
        ),
        // Due, but backing off.
        (
            vec![("SSOENV_PROFILE", PROFILE), ("SSOENV_EXPIRES_AT", &soon)],
            vec!["--backoff-until", &later],
        ),
    ];
    for (env, extra) in cases {
        let mut command = home.ssoenv("http://127.0.0.1:9");
        command
            .args(["hook", "fish", "--refresh-before", "10m"])
            .args(&extra);
        for (name, value) in &env {
            command.env(name, value);
        }
        let out = run(&mut command);
        assert!(out.status.success(), "{env:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{env:?}");
        assert_eq!(out.stderr, "", "{env:?}");
    }
}

/// Due, and the refresh fails (no config, no terminal): one message on stderr, and the back-off
/// deadline on stdout for the shell to keep; exit status 0, which the scripts tell from a run
/// killed by Ctrl-C.
#[test]
fn hook_entry_backs_off_after_a_failure_or_an_interruption() {
    let home = TestHome::new();
    let emulator = start_emulator();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for (shell, pattern) in [
        ("bash", "__ssoenv_backoff_until="),
        ("zsh", "__ssoenv_backoff_until="),
        ("fish", "set -g __ssoenv_backoff_until "),
        ("powershell", "$global:__ssoenv_backoff_until = "),
    ] {
        let out = run(home
            .ssoenv(&emulator.url())
            .args(["hook", shell, "--retry-after", "2m"])
            .env("SSOENV_PROFILE", PROFILE)
            .env("SSOENV_EXPIRES_AT", "1"));
        assert!(out.status.success(), "{shell}: {}", out.stderr);
        assert!(out.stderr.contains("could not refresh"), "{}", out.stderr);
        assert!(out.stderr.contains("not signed in"), "{}", out.stderr);
        assert!(out.stderr.contains("tries again in 2m"), "{}", out.stderr);
        let until: i64 = out
            .stdout
            .trim()
            .strip_prefix(pattern)
            .unwrap_or_else(|| panic!("{shell}: {:?}", out.stdout))
            .parse()
            .expect("epoch seconds");
        assert!((now + 120..now + 130).contains(&until), "{until}");

        let out = run(home
            .ssoenv(&emulator.url())
            .args(["hook", shell, "--interrupted"])
            .env("SSOENV_PROFILE", PROFILE));
        assert!(out.status.success());
        assert!(out.stderr.contains("was interrupted"), "{}", out.stderr);
        assert!(out.stdout.starts_with(pattern), "{}", out.stdout);
    }
    assert_eq!(emulator.request_count("GetRoleCredentials"), 0);
}

/// `ssoenv unset` removes every variable an export sets, in the real shells.
#[test]
fn unset_removes_what_export_set() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    for real_shell in COMMON_SHELLS {
        let shell = real_shell.syntax().name();
        let export = run(home
            .ssoenv(&emulator.url())
            .args([PROFILE, "--shell", shell]));
        assert!(export.status.success(), "{}", export.stderr);
        let unset = run(home
            .ssoenv(&emulator.url())
            .args(["unset", "--shell", shell]));
        assert!(unset.status.success(), "{}", unset.stderr);
        let env = real_shell.eval(
            &format!("{}{}", export.stdout, unset.stdout),
            &[("KEEP_ME", "yes")],
        );
        for name in ssoenv::environment::EXPORTED {
            assert!(!env.contains_key(name), "{shell}: {name} is still set");
        }
        assert_eq!(env["KEEP_ME"], "yes");
    }
}
