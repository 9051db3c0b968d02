//! Running rendered code in real shells and reading back the environment they end up with.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ssoenv::shell::Shell;

/// Finds `program` on `PATH`, as a shell would.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        })
}

/// A program the suite cannot do without: its absence is a failure, not a skip.
pub fn require_program(program: &str) -> PathBuf {
    find_program(program).unwrap_or_else(|| {
        panic!("`{program}` is required by these tests but is not on PATH; install it")
    })
}

/// A shell that may legitimately be missing on a developer's machine: `None` (with a message
/// on stderr saying the test is skipped) when it is not installed.
pub fn optional_program(program: &str, test: &str) -> Option<PathBuf> {
    let found = find_program(program);
    if found.is_none() {
        eprintln!("SKIPPED {test}: `{program}` is not installed (not on PATH)");
    }
    found
}

/// One way of evaluating ssoenv's output in a real shell, as a user would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RealShell {
    /// `eval "$(…)"` in bash with `-e -u -o pipefail`.
    Bash,
    /// `eval "$(…)"` in zsh with `-e -u`.
    Zsh,
    /// The same, with `setopt rc_quotes`, which gives `''` a meaning inside single quotes.
    ZshRcQuotes,
    /// `eval "$(…)"` in dash with `-e -u`.
    Dash,
    /// `… | source` in fish, failing when `source` returns non-zero.
    Fish,
    /// `eval (… | slurp)` in elvish.
    Elvish,
    /// `execx($(…))` in xonsh.
    Xonsh,
    /// ``eval "`…`"`` in tcsh with `-e`.
    Tcsh,
    /// The same with `backslash_quote` set, which makes `\'` an escape inside single quotes.
    TcshBackslashQuote,
    /// ``eval "`…`"`` typed into an interactive tcsh, where history substitution (`!`) is live.
    TcshInteractive,
    /// The code run as a Nushell script.
    Nushell,
}

/// bash, zsh, dash and fish: the shells most people use, installed wherever the suite runs.
pub const COMMON_SHELLS: [RealShell; 4] = [
    RealShell::Bash,
    RealShell::Zsh,
    RealShell::Dash,
    RealShell::Fish,
];

impl RealShell {
    /// The shells whose absence fails the suite.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            RealShell::Bash
                | RealShell::Zsh
                | RealShell::ZshRcQuotes
                | RealShell::Dash
                | RealShell::Fish
        )
    }

    pub fn program(self) -> &'static str {
        match self {
            RealShell::Bash => "bash",
            RealShell::Zsh | RealShell::ZshRcQuotes => "zsh",
            RealShell::Dash => "dash",
            RealShell::Fish => "fish",
            RealShell::Elvish => "elvish",
            RealShell::Xonsh => "xonsh",
            RealShell::Tcsh | RealShell::TcshBackslashQuote | RealShell::TcshInteractive => "tcsh",
            RealShell::Nushell => "nu",
        }
    }

    /// The syntax ssoenv renders for this shell.
    pub fn syntax(self) -> Shell {
        match self {
            RealShell::Bash => Shell::Bash,
            RealShell::Zsh | RealShell::ZshRcQuotes => Shell::Zsh,
            RealShell::Dash => Shell::Posix,
            RealShell::Fish => Shell::Fish,
            RealShell::Elvish => Shell::Elvish,
            RealShell::Xonsh => Shell::Xonsh,
            RealShell::Tcsh | RealShell::TcshBackslashQuote | RealShell::TcshInteractive => {
                Shell::Tcsh
            }
            RealShell::Nushell => Shell::Nushell,
        }
    }

    /// The program's path, or `None` after saying on stderr why the test is skipped. Required
    /// shells panic instead.
    pub fn locate(self, test: &str) -> Option<PathBuf> {
        if self.is_required() {
            Some(require_program(self.program()))
        } else {
            optional_program(self.program(), test)
        }
    }
}

impl RealShell {
    /// Evaluates `code` in this shell, which must be installed, as [`evaluate`] does, and returns
    /// the environment it ends up with as text (every value ssoenv sets is UTF-8).
    pub fn eval(self, code: &str, preset: &[(&str, &str)]) -> BTreeMap<String, String> {
        evaluate(self, &require_program(self.program()), code, preset).into_text()
    }
}

/// An environment as `env -0` prints it: each variable's name and value, byte for byte.
pub struct Environment(HashMap<Vec<u8>, Vec<u8>>);

impl Environment {
    pub fn from_env0(bytes: &[u8]) -> Environment {
        Environment(
            bytes
                .split(|&b| b == 0)
                .filter(|entry| !entry.is_empty())
                .filter_map(|entry| {
                    let eq = entry.iter().position(|&b| b == b'=')?;
                    Some((entry[..eq].to_vec(), entry[eq + 1..].to_vec()))
                })
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0.get(name.as_bytes()).map(Vec::as_slice)
    }

    /// How many variables it holds.
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// The variables as text; a name or value that is not UTF-8 fails the test.
    pub fn into_text(self) -> BTreeMap<String, String> {
        self.0
            .into_iter()
            .map(|(name, value)| {
                let text = |bytes: Vec<u8>| {
                    String::from_utf8(bytes)
                        .unwrap_or_else(|error| panic!("not UTF-8 in the environment: {error}"))
                };
                (text(name), text(value))
            })
            .collect()
    }
}

/// Evaluates `code` in `shell` (at `program`), starting from an environment with nothing but
/// `PATH`, a home of its own, a UTF-8 locale and `preset`, then returns the environment it
/// exports. Panics, showing stdout and stderr, when the shell fails or prints anything: applying
/// the changes must be silent.
pub fn evaluate(
    shell: RealShell,
    program: &Path,
    code: &str,
    preset: &[(&str, &str)],
) -> Environment {
    let dir = tempfile::tempdir().expect("temporary directory");
    let code_file = dir.path().join("code");
    let env_file = dir.path().join("env");
    let dump = dir.path().join("dump-env");
    std::fs::write(&code_file, code).expect("write code");
    std::fs::write(&dump, "#!/bin/sh\nexec env -0 > \"$SSOENV_TEST_OUT\"\n").expect("write dump");
    std::fs::set_permissions(&dump, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let dump = dump.to_str().expect("temporary paths are UTF-8");
    assert!(
        dump.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b)),
        "temporary path {dump:?} would need quoting in the test scripts"
    );

    let mut command = Command::new(program);
    let mut stdin = None;
    match shell {
        RealShell::Bash => {
            command.args(["--noprofile", "--norc", "-e", "-u", "-o", "pipefail", "-c"]);
            command.arg(format!("eval \"$(cat \"$SSOENV_TEST_CODE\")\"\n{dump}\n"));
        }
        RealShell::Zsh | RealShell::ZshRcQuotes => {
            let setup = if shell == RealShell::ZshRcQuotes {
                "setopt rc_quotes\n"
            } else {
                ""
            };
            command.args(["--no-rcs", "-e", "-u", "-c"]);
            command.arg(format!(
                "{setup}eval \"$(cat \"$SSOENV_TEST_CODE\")\"\n{dump}\n"
            ));
        }
        RealShell::Dash => {
            command.args(["-eu", "-c"]);
            command.arg(format!("eval \"$(cat \"$SSOENV_TEST_CODE\")\"\n{dump}\n"));
        }
        RealShell::Fish => {
            command.args(["--no-config", "--private", "-c"]);
            command.arg(format!(
                "cat $SSOENV_TEST_CODE | source\nor exit 3\n{dump}\n"
            ));
        }
        RealShell::Elvish => {
            command.args(["-norc", "-c"]);
            command.arg(format!("eval (slurp < $E:SSOENV_TEST_CODE)\n{dump}\n"));
        }
        RealShell::Xonsh => {
            // The code is read with Python's open(), not `$(cat …)`: xonsh's capture of a
            // subprocess's output reads it on a thread and, on a loaded machine, has been seen to
            // return a long line cut short (a test failure that was xonsh's, not the quoting's).
            command.args(["--no-rc", "--no-script-cache", "-c"]);
            command.arg(format!(
                "$RAISE_SUBPROC_ERROR = True\n\
                 execx(open($SSOENV_TEST_CODE, encoding='utf-8').read())\n{dump}\n"
            ));
        }
        RealShell::Tcsh | RealShell::TcshBackslashQuote => {
            let setup = if shell == RealShell::TcshBackslashQuote {
                "set backslash_quote; "
            } else {
                ""
            };
            command.args(["-f", "-e", "-c"]);
            command.arg(format!("{setup}eval \"`cat $SSOENV_TEST_CODE`\"; {dump}"));
        }
        RealShell::TcshInteractive => {
            command.args(["-f", "-i"]);
            stdin = Some(format!(
                "eval \"`cat $SSOENV_TEST_CODE`\" && {dump} && echo SSOENV_TEST_DONE\nexit\n"
            ));
        }
        RealShell::Nushell => {
            // `source` needs a path known when parsing, so the code is run as a script.
            let script = dir.path().join("script.nu");
            std::fs::write(&script, format!("{code}^{dump}\n")).expect("write script");
            command.args(["--no-config-file", "--no-std-lib"]);
            command.arg(&script);
        }
    }
    command
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SSOENV_TEST_CODE", &code_file)
        .env("SSOENV_TEST_OUT", &env_file)
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("LANG", "C.UTF-8");
    for (name, value) in preset {
        command.env(name, value);
    }
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());

    let mut child = command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", program.display()));
    if let Some(input) = stdin {
        use std::io::Write as _;
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input.as_bytes()).expect("feed the shell");
    }
    let output = child.wait_with_output().expect("wait for the shell");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let context = format!(
        "{shell:?} failed or printed something\n--- status: {}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}\n--- code:\n{}",
        output.status,
        abbreviate(code)
    );
    assert!(output.status.success(), "{context}");
    if shell == RealShell::TcshInteractive {
        // An interactive shell prints prompts; what matters is that the line ran to its end.
        assert!(stdout.contains("SSOENV_TEST_DONE"), "{context}");
        assert!(!stderr.contains("Event not found"), "{context}");
    } else {
        assert!(stdout.is_empty() && stderr.is_empty(), "{context}");
    }
    let dumped = std::fs::read(&env_file).unwrap_or_else(|_| panic!("{context}"));
    Environment::from_env0(&dumped)
}

/// `code` with very long lines cut short, for failure messages.
pub fn abbreviate(code: &str) -> String {
    code.split_inclusive('\n')
        .map(|line| {
            let count = line.chars().count();
            if count > 240 {
                let kept: String = line.chars().take(200).collect();
                format!("{kept}…[{} more characters]\n", count - 200)
            } else {
                line.to_owned()
            }
        })
        .collect()
}
