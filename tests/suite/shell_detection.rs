//! Which shell ssoenv renders for when none is named: the parent process, when it is a real
//! shell, wins over `$SHELL`, and `sh` is the last resort. The probe runs as a child of the real
//! shells.

use std::path::Path;
use std::process::{Command, Stdio};

use ssoenv::shell::Shell;

use crate::support::shells::{optional_program, require_program};
use crate::support::test_name;

/// Not a test: the detection tests run this test binary again with only this function, as a
/// child of a real shell, and read what it detected.
#[test]
#[ignore = "helper run in a child process by the detection tests"]
fn detect_probe() {
    println!("DETECTED={}", Shell::detect().name());
}

/// Runs the probe with `parent` as its parent process (or this test binary when `None`).
fn detect_from(parent: Option<(&Path, &[&str], &str)>, shell_var: Option<&str>) -> String {
    let probe = std::env::current_exe().expect("test binary path");
    let probe_args = format!(
        "--ignored --exact {} --nocapture --test-threads=1 -q",
        test_name(module_path!(), "detect_probe")
    );
    let mut command = match parent {
        Some((program, args, template)) => {
            let mut command = Command::new(program);
            command.args(args).arg(
                template
                    .replace("PROBE", probe.to_str().expect("UTF-8 path"))
                    .replace("ARGS", &probe_args),
            );
            command
        }
        None => {
            let mut command = Command::new(&probe);
            command.args(probe_args.split(' '));
            command
        }
    };
    match shell_var {
        Some(value) => command.env("SHELL", value),
        None => command.env_remove("SHELL"),
    };
    let output = command
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::null())
        .output()
        .expect("run the probe");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Some shells print a captured output's lines joined by spaces.
    stdout
        .split_whitespace()
        .find_map(|word| word.strip_prefix("DETECTED="))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            panic!(
                "probe printed no result; stdout:\n{stdout}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

#[test]
fn detect_finds_the_parent_shell_before_the_shell_variable() {
    // Each command captures the probe's output, so the probe runs as the shell's child.
    let cases: [(&str, &[&str], &str, &str); 7] = [
        (
            "bash",
            &["--noprofile", "--norc", "-c"],
            "out=$(PROBE ARGS); echo \"$out\"",
            "bash",
        ),
        (
            "zsh",
            &["--no-rcs", "-c"],
            "out=$(PROBE ARGS); echo \"$out\"",
            "zsh",
        ),
        ("dash", &["-c"], "out=$(PROBE ARGS); echo \"$out\"", "sh"),
        (
            "fish",
            &["--no-config", "-c"],
            "set out (PROBE ARGS); printf '%s\\n' $out",
            "fish",
        ),
        ("elvish", &["-norc", "-c"], "echo (PROBE ARGS)", "elvish"),
        ("xonsh", &["--no-rc", "-c"], "print($(PROBE ARGS))", "xonsh"),
        ("tcsh", &["-f", "-c"], "echo \"`PROBE ARGS`\"", "tcsh"),
    ];
    for (program, args, template, expected) in cases {
        let path = match program {
            "bash" | "zsh" | "dash" | "fish" => require_program(program),
            _ => match optional_program(program, "detect_finds_the_parent_shell") {
                Some(path) => path,
                None => continue,
            },
        };
        // $SHELL names another shell: the parent process must win.
        let other = if expected == "tcsh" {
            "/bin/zsh"
        } else {
            "/usr/bin/tcsh"
        };
        let detected = detect_from(Some((&path, args, template)), Some(other));
        assert_eq!(detected, expected, "parent {program}");
    }
}

#[test]
fn detect_falls_back_to_the_shell_variable_then_to_sh() {
    // The probe's parent is this test binary, which is no shell.
    assert_eq!(detect_from(None, Some("/usr/bin/fish")), "fish");
    assert_eq!(detect_from(None, Some("/opt/bin/pwsh")), "powershell");
    assert_eq!(detect_from(None, Some("/usr/bin/not-a-shell")), "sh");
    assert_eq!(detect_from(None, None), "sh");
}
