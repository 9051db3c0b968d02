//! Turning environment changes into code for one shell, and finding out which shell called us.
//!
//! Everything ssoenv prints on stdout is code that the user's shell evaluates, so every value is
//! quoted with that shell's own rules (one module per syntax below), and a value a syntax cannot
//! carry exactly is refused with [`RenderError`] instead of being printed approximately. Variable
//! names are validated, never escaped. Nothing here knows about AWS.
//!
//! Rendering is all-or-nothing: [`render`] builds the whole text before returning it, so a value
//! that cannot be written means no output at all, and the output consists only of assignments (no
//! command that could be interrupted between two of them).

use std::fmt;

mod cmd;
mod dotenv;
mod elvish;
mod fish;
pub mod init;
mod nushell;
mod posix;
mod powershell;
mod tcsh;
mod xonsh;

pub use init::{
    Backoff, InitError, InitSettings, has_integration, init_script, integration_output,
};

/// A shell or output syntax ssoenv can print for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    /// Any POSIX shell: dash, ash, ksh, …
    #[value(name = "sh")]
    Posix,
    Fish,
    #[value(name = "powershell", alias = "pwsh")]
    PowerShell,
    #[value(name = "nushell", alias = "nu")]
    Nushell,
    Elvish,
    Xonsh,
    #[value(alias = "csh")]
    Tcsh,
    /// Windows `cmd.exe`.
    Cmd,
}

impl Shell {
    /// Every shell, in the order they are listed to users.
    pub const ALL: [Shell; 10] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Posix,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Nushell,
        Shell::Elvish,
        Shell::Xonsh,
        Shell::Tcsh,
        Shell::Cmd,
    ];

    /// The name users type on the command line (`ssoenv --shell NAME`, `ssoenv init NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Posix => "sh",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
            Shell::Nushell => "nushell",
            Shell::Elvish => "elvish",
            Shell::Xonsh => "xonsh",
            Shell::Tcsh => "tcsh",
            Shell::Cmd => "cmd",
        }
    }

    /// The shell a program name stands for: a bare name (`zsh`), a path (`/usr/bin/fish`), a login
    /// shell's `argv[0]` (`-bash`), a Windows executable (`pwsh.exe`, `PowerShell.exe`), or a name
    /// with a version suffix (`zsh-5.9`, `ksh93`). `None` for anything that is not a known shell.
    pub fn from_program_name(name: &str) -> Option<Shell> {
        let base = name
            .trim()
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .trim_start_matches('-')
            .to_ascii_lowercase();
        let base = base.strip_suffix(".exe").unwrap_or(&base);
        shell_for_base_name(base).or_else(|| {
            // Versioned binaries such as `zsh-5.9`, `bash5` or `ksh93`.
            let unversioned =
                base.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
            (unversioned != base)
                .then(|| shell_for_base_name(unversioned))
                .flatten()
        })
    }

    /// The calling shell, found in this order:
    ///
    /// 1. the parent process's program: on Linux `/proc/<ppid>/comm`, then the file name of
    ///    `/proc/<ppid>/exe` (xonsh runs as `python3`, but names its process `xonsh …`); on other
    ///    Unix systems `ps -o comm= -p <ppid>` (one short-lived process, a few milliseconds);
    ///    on Windows this step is skipped;
    /// 2. the `SHELL` environment variable (the login shell, which is usually also the current one);
    /// 3. POSIX `sh` (PowerShell on Windows, where `sh` syntax is useless to almost everyone).
    ///
    /// It reads at most two small files on Linux, because it runs on ssoenv's fast path.
    pub fn detect() -> Shell {
        parent_process_shell()
            .or_else(|| {
                std::env::var_os("SHELL")
                    .and_then(|shell| Shell::from_program_name(&shell.to_string_lossy()))
            })
            .unwrap_or(if cfg!(windows) {
                Shell::PowerShell
            } else {
                Shell::Posix
            })
    }
}

impl fmt::Display for Shell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn shell_for_base_name(base: &str) -> Option<Shell> {
    Some(match base {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "sh" | "dash" | "ash" | "ksh" | "mksh" | "pdksh" | "oksh" | "lksh" | "posh" | "yash" => {
            Shell::Posix
        }
        "fish" => Shell::Fish,
        "pwsh" | "powershell" | "powershell_ise" => Shell::PowerShell,
        "nu" | "nushell" => Shell::Nushell,
        "elvish" => Shell::Elvish,
        "xonsh" => Shell::Xonsh,
        "tcsh" | "csh" => Shell::Tcsh,
        "cmd" => Shell::Cmd,
        _ => return None,
    })
}

/// A program name as the kernel reports it may carry arguments: xonsh sets its process title to
/// `xonsh --no-rc …`, so the first word is tried when the whole text names no shell.
fn shell_from_process_title(title: &str) -> Option<Shell> {
    Shell::from_program_name(title).or_else(|| {
        title
            .split_whitespace()
            .next()
            .and_then(Shell::from_program_name)
    })
}

#[cfg(target_os = "linux")]
fn parent_process_shell() -> Option<Shell> {
    let proc_dir =
        std::path::PathBuf::from(format!("/proc/{}", std::os::unix::process::parent_id()));
    std::fs::read_to_string(proc_dir.join("comm"))
        .ok()
        .and_then(|comm| shell_from_process_title(&comm))
        .or_else(|| {
            let exe = std::fs::read_link(proc_dir.join("exe")).ok()?;
            Shell::from_program_name(&exe.file_name()?.to_string_lossy())
        })
}

#[cfg(all(unix, not(target_os = "linux")))]
fn parent_process_shell() -> Option<Shell> {
    let output = std::process::Command::new("ps")
        .args(["-o", "comm=", "-p"])
        .arg(std::os::unix::process::parent_id().to_string())
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    shell_from_process_title(&String::from_utf8_lossy(&output.stdout))
}

#[cfg(not(unix))]
fn parent_process_shell() -> Option<Shell> {
    None
}

/// One change to the environment of the calling shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvChange {
    Set { name: String, value: String },
    Unset { name: String },
}

impl EnvChange {
    pub fn set(name: impl Into<String>, value: impl Into<String>) -> Self {
        EnvChange::Set {
            name: name.into(),
            value: value.into(),
        }
    }

    pub fn unset(name: impl Into<String>) -> Self {
        EnvChange::Unset { name: name.into() }
    }

    /// The variable this change is about.
    pub fn name(&self) -> &str {
        match self {
            EnvChange::Set { name, .. } | EnvChange::Unset { name } => name,
        }
    }
}

/// Why a piece of text cannot be written in some syntax. It never contains the text itself,
/// because the text is usually a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{syntax} cannot carry {problem}")]
pub struct QuoteError {
    /// The syntax that cannot carry the text: a [`Shell::name`], or `dotenv`.
    pub syntax: &'static str,
    /// What in the text is the problem, e.g. "a newline".
    pub problem: &'static str,
}

/// Why a list of changes cannot be rendered. Messages name the variable, never its value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "{0:?} is not a valid environment variable name: use only ASCII letters, digits and \
         underscores, not starting with a digit"
    )]
    InvalidName(String),
    #[error(
        "cannot write the value of {name}: {reason}; print it for another shell or output format"
    )]
    Unrepresentable { name: String, reason: QuoteError },
}

/// Code that applies all `changes` in `shell`, to be evaluated by that shell.
///
/// Changes are applied in order, one statement per change, each ending in a newline (`\r\n` for
/// cmd.exe). An empty list gives an empty string.
pub fn render(shell: Shell, changes: &[EnvChange]) -> Result<String, RenderError> {
    let mut out = String::new();
    for change in changes {
        validate_name(change.name())?;
        match change {
            EnvChange::Set { name, value } => reject_nul(shell.name(), value)
                .and_then(|()| write_set(shell, &mut out, name, value))
                .map_err(|reason| RenderError::Unrepresentable {
                    name: name.clone(),
                    reason,
                })?,
            EnvChange::Unset { name } => write_unset(shell, &mut out, name),
        }
    }
    Ok(out)
}

/// `.env` file syntax (`KEY='value'`), quoted so that docker compose, python-dotenv and direnv's
/// `dotenv` all read the exact value back; see the `dotenv` module for the values that refuses.
/// Unsets are omitted because dotenv cannot express them.
pub fn render_dotenv(changes: &[EnvChange]) -> Result<String, RenderError> {
    let mut out = String::new();
    for change in changes {
        validate_name(change.name())?;
        if let EnvChange::Set { name, value } = change {
            reject_nul(dotenv::SYNTAX, value)
                .and_then(|()| dotenv::write_set(&mut out, name, value))
                .map_err(|reason| RenderError::Unrepresentable {
                    name: name.clone(),
                    reason,
                })?;
        }
    }
    Ok(out)
}

/// `NAME=value` lines with nothing quoted, for readers that take a value literally
/// (`docker run --env-file` keeps quotes as part of the value) as well as the dotenv readers; see
/// `dotenv::write_unquoted` for the values it accepts. Unsets are omitted.
pub fn render_env_file(changes: &[EnvChange]) -> Result<String, RenderError> {
    let mut out = String::new();
    for change in changes {
        validate_name(change.name())?;
        if let EnvChange::Set { name, value } = change {
            dotenv::write_unquoted(&mut out, name, value).map_err(|reason| {
                RenderError::Unrepresentable {
                    name: name.clone(),
                    reason,
                }
            })?;
        }
    }
    Ok(out)
}

/// `text` as one string literal in `shell`'s syntax, evaluating to exactly `text`. Meant for
/// things such as the absolute path of the ssoenv binary in an init script.
///
/// It is a single command argument in every shell except xonsh, where it is a Python string
/// literal: subprocess mode would expand `$NAME` inside it, so use it in Python mode or inside
/// `@(…)`. To run a program whose name is quoted, PowerShell needs `& 'path'`, Nushell `^"path"`
/// and xonsh `@('path')`.
pub fn quote(shell: Shell, text: &str) -> Result<String, QuoteError> {
    reject_nul(shell.name(), text)?;
    Ok(match shell {
        Shell::Bash | Shell::Zsh | Shell::Posix => posix::quote(text),
        Shell::Fish => fish::quote(text),
        Shell::PowerShell => powershell::quote(text),
        Shell::Nushell => nushell::quote(text),
        Shell::Elvish => elvish::quote(text),
        Shell::Xonsh => xonsh::quote(text),
        Shell::Tcsh => tcsh::quote(text),
        Shell::Cmd => cmd::quote(text)?,
    })
}

/// `text` as a word to paste into a POSIX command line shown in a message: as it is when that is
/// safe, else single-quoted, with control characters escaped for the terminal
/// ([`crate::display::printable`]).
pub fn word_for_message(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/@+:=,".contains(c));
    if plain {
        text.to_string()
    } else {
        let quoted = quote(Shell::Posix, text).unwrap_or_else(|_| text.to_string());
        crate::display::printable(&quoted).into_owned()
    }
}

/// Whether `name` can be used as a variable name in every supported syntax:
/// `^[A-Za-z_][A-Za-z0-9_]*$`. Such names never need quoting, so they are checked, not escaped.
pub fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn validate_name(name: &str) -> Result<(), RenderError> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(RenderError::InvalidName(name.to_owned()))
    }
}

/// No environment variable, and no string in most shells, can hold a NUL: C strings end there.
fn reject_nul(syntax: &'static str, text: &str) -> Result<(), QuoteError> {
    if text.contains('\0') {
        Err(QuoteError {
            syntax,
            problem: "a NUL byte (no environment variable can hold one)",
        })
    } else {
        Ok(())
    }
}

fn write_set(shell: Shell, out: &mut String, name: &str, value: &str) -> Result<(), QuoteError> {
    match shell {
        Shell::Bash | Shell::Zsh | Shell::Posix => posix::write_set(out, name, value),
        Shell::Fish => fish::write_set(out, name, value),
        Shell::PowerShell => powershell::write_set(out, name, value),
        Shell::Nushell => nushell::write_set(out, name, value),
        Shell::Elvish => elvish::write_set(out, name, value),
        Shell::Xonsh => xonsh::write_set(out, name, value),
        Shell::Tcsh => tcsh::write_set(out, name, value),
        Shell::Cmd => return cmd::write_set(out, name, value),
    }
    Ok(())
}

fn write_unset(shell: Shell, out: &mut String, name: &str) {
    match shell {
        Shell::Bash | Shell::Zsh | Shell::Posix => posix::write_unset(out, name),
        Shell::Fish => fish::write_unset(out, name),
        Shell::PowerShell => powershell::write_unset(out, name),
        Shell::Nushell => nushell::write_unset(out, name),
        Shell::Elvish => elvish::write_unset(out, name),
        Shell::Xonsh => xonsh::write_unset(out, name),
        Shell::Tcsh => tcsh::write_unset(out, name),
        Shell::Cmd => cmd::write_unset(out, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn program_names_map_to_shells() {
        let cases = [
            ("bash", Some(Shell::Bash)),
            ("-bash", Some(Shell::Bash)),
            ("/bin/bash", Some(Shell::Bash)),
            ("/usr/local/bin/bash5", Some(Shell::Bash)),
            ("zsh", Some(Shell::Zsh)),
            ("-zsh", Some(Shell::Zsh)),
            ("/usr/bin/zsh-5.9", Some(Shell::Zsh)),
            ("sh", Some(Shell::Posix)),
            ("dash", Some(Shell::Posix)),
            ("/bin/dash", Some(Shell::Posix)),
            ("ksh", Some(Shell::Posix)),
            ("ksh93", Some(Shell::Posix)),
            ("mksh", Some(Shell::Posix)),
            ("fish", Some(Shell::Fish)),
            ("/opt/homebrew/bin/fish", Some(Shell::Fish)),
            ("pwsh", Some(Shell::PowerShell)),
            ("pwsh.exe", Some(Shell::PowerShell)),
            ("PowerShell.exe", Some(Shell::PowerShell)),
            (
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                Some(Shell::PowerShell),
            ),
            ("nu", Some(Shell::Nushell)),
            ("nu.exe", Some(Shell::Nushell)),
            ("elvish", Some(Shell::Elvish)),
            ("xonsh", Some(Shell::Xonsh)),
            ("tcsh", Some(Shell::Tcsh)),
            ("csh", Some(Shell::Tcsh)),
            ("-csh", Some(Shell::Tcsh)),
            ("cmd.exe", Some(Shell::Cmd)),
            (r"C:\Windows\system32\CMD.EXE", Some(Shell::Cmd)),
            ("zsh\n", Some(Shell::Zsh)),
            ("python3", None),
            ("sudo", None),
            ("bashful", None),
            ("nub", None),
            ("", None),
            ("-", None),
            ("/", None),
        ];
        for (name, expected) in cases {
            assert_eq!(
                Shell::from_program_name(name),
                expected,
                "program name {name:?}"
            );
        }
    }

    #[test]
    fn process_titles_with_arguments_map_to_shells() {
        assert_eq!(
            shell_from_process_title("xonsh --no-rc -\n"),
            Some(Shell::Xonsh)
        );
        assert_eq!(shell_from_process_title("fish\n"), Some(Shell::Fish));
        assert_eq!(shell_from_process_title("python3 -m x\n"), None);
    }

    #[test]
    fn names_match_the_command_line_values() {
        for shell in Shell::ALL {
            let value = shell.to_possible_value().expect("no shell is hidden");
            assert_eq!(value.get_name(), shell.name());
            assert_eq!(Shell::from_str(shell.name(), false), Ok(shell));
            assert_eq!(shell.to_string(), shell.name());
        }
        assert_eq!(Shell::from_str("pwsh", false), Ok(Shell::PowerShell));
        assert_eq!(Shell::from_str("nu", false), Ok(Shell::Nushell));
        assert_eq!(Shell::from_str("csh", false), Ok(Shell::Tcsh));
        let distinct: std::collections::HashSet<Shell> = Shell::ALL.into_iter().collect();
        assert_eq!(distinct.len(), Shell::ALL.len());
        assert_eq!(Shell::value_variants(), Shell::ALL.as_slice());
    }

    #[test]
    fn every_shell_name_is_detected_as_itself() {
        for shell in Shell::ALL {
            let program = match shell {
                Shell::Nushell => "nu",
                Shell::PowerShell => "pwsh",
                other => other.name(),
            };
            assert_eq!(Shell::from_program_name(program), Some(shell));
        }
    }

    #[test]
    fn names_are_validated_not_escaped() {
        for good in ["A", "_", "_x", "AWS_SESSION_TOKEN", "a1", "Z_9_z"] {
            assert!(is_valid_name(good), "{good:?} should be valid");
            for shell in Shell::ALL {
                assert!(render(shell, &[EnvChange::set(good, "v")]).is_ok());
                assert!(render(shell, &[EnvChange::unset(good)]).is_ok());
            }
        }
        for bad in [
            "", "1A", "A-B", "A B", "A=B", "A$B", "A;B", "É", "A\n", "A\0", "$(x)", "A.B", "-A",
        ] {
            assert!(!is_valid_name(bad), "{bad:?} should be invalid");
            for shell in Shell::ALL {
                assert_eq!(
                    render(shell, &[EnvChange::set(bad, "v")]),
                    Err(RenderError::InvalidName(bad.to_owned()))
                );
                assert_eq!(
                    render(shell, &[EnvChange::unset(bad)]),
                    Err(RenderError::InvalidName(bad.to_owned()))
                );
            }
            assert_eq!(
                render_dotenv(&[EnvChange::unset(bad)]),
                Err(RenderError::InvalidName(bad.to_owned()))
            );
        }
    }

    #[test]
    fn a_bad_change_anywhere_means_no_output_at_all() {
        let changes = [
            EnvChange::set("GOOD", "fine"),
            EnvChange::set("BAD", "nul\0here"),
        ];
        for shell in Shell::ALL {
            assert!(matches!(
                render(shell, &changes),
                Err(RenderError::Unrepresentable { ref name, .. }) if name == "BAD"
            ));
        }
        assert!(render_dotenv(&changes).is_err());
    }

    #[test]
    fn errors_name_the_variable_but_never_show_the_value() {
        let secret = "s3cr3t\0value";
        for shell in Shell::ALL {
            let error = render(shell, &[EnvChange::set("AWS_SECRET_ACCESS_KEY", secret)])
                .expect_err("NUL cannot be carried");
            let message = error.to_string();
            assert!(message.contains("AWS_SECRET_ACCESS_KEY"), "{message}");
            assert!(message.contains(shell.name()), "{message}");
            assert!(!message.contains("s3cr3t"), "{message}");
        }
        let error = render(Shell::Cmd, &[EnvChange::set("TOKEN", "pass\"word")])
            .expect_err("cmd refuses quotes");
        assert!(!error.to_string().contains("pass"), "{error}");
    }

    #[test]
    fn nothing_to_change_renders_nothing() {
        for shell in Shell::ALL {
            assert_eq!(render(shell, &[]), Ok(String::new()));
        }
        assert_eq!(render_dotenv(&[]), Ok(String::new()));
    }

    #[test]
    fn every_statement_ends_with_a_newline() {
        let changes = [
            EnvChange::set("A", "one"),
            EnvChange::unset("B"),
            EnvChange::set("C", "three"),
        ];
        for shell in Shell::ALL {
            let code = render(shell, &changes).expect("plain values render everywhere");
            assert!(code.ends_with('\n'), "{shell}: {code:?}");
            assert_eq!(code.lines().count(), 3, "{shell}: {code:?}");
        }
    }

    #[test]
    fn dotenv_omits_unsets() {
        assert_eq!(
            render_dotenv(&[EnvChange::unset("A"), EnvChange::set("B", "b")]),
            Ok("B='b'\n".to_owned())
        );
    }
}
