//! The shell integration `ssoenv init SHELL` prints: a prompt hook and the `ssoenv` shell
//! function. The scripts are real files under `shell/` in the repository (so they can be read,
//! linted and reviewed as what they are) and are embedded into the binary at build time; `init`
//! only fills in the few values that differ between installations.
//!
//! What every script does (the details per shell are in the scripts' own comments):
//!
//! - it does nothing, and prints nothing, in a non-interactive shell;
//! - before each prompt (and before each command where the shell has a native pre-command hook)
//!   it compares `SSOENV_EXPIRES_AT` minus the refresh margin with the shell's own clock, and
//!   starts no process unless the credentials are due (fish, elvish and tcsh have no clock: there
//!   the binary's `hook` entry decides, and exits at once when nothing is due);
//! - when due, it runs `ssoenv hook SHELL …` and evaluates its output: the new credentials, or a
//!   back-off deadline in a shell variable of its own after a failure;
//! - it marks an attempt before starting it and clears the mark when the run comes back, so an
//!   attempt cut short by Ctrl-C is noticed at the next prompt, which then backs off instead of
//!   opening another browser tab;
//! - `ssoenv use PROFILE` and `ssoenv off` are intercepted by the `ssoenv` function and evaluated
//!   in the current shell; everything else goes to the binary unchanged, so
//!   `eval "$(ssoenv PROFILE)"` keeps working.

use super::{QuoteError, Shell, quote};

/// The values `init` bakes into a script.
#[derive(Clone, Debug)]
pub struct InitSettings {
    /// The absolute path of the ssoenv binary the script runs.
    pub ssoenv: String,
    /// The margin in whole seconds: the script's own clock comparison uses it.
    pub refresh_before_seconds: u64,
    /// Options passed to every `ssoenv hook` run (each one word, quoted here).
    pub hook_options: Vec<String>,
    /// Options the `ssoenv use` function passes before the user's own.
    pub use_options: Vec<String>,
}

/// Why no integration can be printed for a shell.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{0} has no prompt hook ssoenv can use; apply the credentials with the export command \
         (ssoenv --help) instead"
    )]
    Unsupported(Shell),
    #[error("the path of ssoenv cannot be written for {shell}: {reason}")]
    Unquotable { shell: Shell, reason: QuoteError },
}

/// The integration script for `shell`, ready to be evaluated.
pub fn init_script(shell: Shell, settings: &InitSettings) -> Result<String, InitError> {
    let template = template(shell).ok_or(InitError::Unsupported(shell))?;
    let quote_for =
        |text: &str| quote(shell, text).map_err(|reason| InitError::Unquotable { shell, reason });
    // Plain option words (`--refresh-before`, `10m`) stay readable; PowerShell and xonsh (a
    // Python list there) get every word quoted.
    let words = |options: &[String]| -> Result<String, InitError> {
        Ok(options
            .iter()
            .map(|option| {
                let plain = !matches!(shell, Shell::PowerShell | Shell::Xonsh)
                    && !option.is_empty()
                    && option
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if plain {
                    Ok(option.clone())
                } else {
                    quote_for(option)
                }
            })
            .collect::<Result<Vec<_>, _>>()?
            .join(" "))
    };
    Ok(template
        .replace("@SSOENV@", &quote_for(&settings.ssoenv)?)
        .replace("@HOOK_OPTIONS@", &words(&settings.hook_options)?)
        .replace("@USE_OPTIONS@", &words(&settings.use_options)?)
        .replace(
            "@REFRESH_BEFORE@",
            &settings.refresh_before_seconds.to_string(),
        ))
}

/// The shells `init` supports.
pub fn has_integration(shell: Shell) -> bool {
    template(shell).is_some()
}

fn template(shell: Shell) -> Option<&'static str> {
    Some(match shell {
        Shell::Bash => include_str!("../../shell/ssoenv.bash"),
        Shell::Zsh => include_str!("../../shell/ssoenv.zsh"),
        Shell::Fish => include_str!("../../shell/ssoenv.fish"),
        Shell::PowerShell => include_str!("../../shell/ssoenv.ps1"),
        Shell::Elvish => include_str!("../../shell/ssoenv.elv"),
        Shell::Xonsh => include_str!("../../shell/ssoenv.xsh"),
        Shell::Nushell => include_str!("../../shell/ssoenv.nu"),
        Shell::Tcsh => include_str!("../../shell/ssoenv.tcsh"),
        Shell::Posix | Shell::Cmd => return None,
    })
}

/// The statement that records the hook's back-off deadline (`Some(epoch seconds)`) or clears it
/// (`None`), in the variable the integration script of `shell` reads. A shell variable, not an
/// environment variable, where the shell has them: programs and child shells need not see it.
pub fn backoff_statement(shell: Shell, until: Option<u64>) -> String {
    const NAME: &str = "__ssoenv_backoff_until";
    match (shell, until) {
        (Shell::Bash | Shell::Zsh | Shell::Posix, Some(t)) => format!("{NAME}={t}\n"),
        (Shell::Bash | Shell::Zsh | Shell::Posix, None) => format!("unset {NAME}\n"),
        (Shell::Fish, Some(t)) => format!("set -g {NAME} {t}\n"),
        (Shell::Fish, None) => format!("set -e -g {NAME}\n"),
        (Shell::PowerShell, t) => format!("$global:{NAME} = {}\n", t.unwrap_or(0)),
        // Elvish and xonsh evaluate the hook's output where this name is the script's own
        // variable (see their scripts).
        (Shell::Elvish, t) => format!("set {NAME} = {}\n", t.unwrap_or(0)),
        (Shell::Xonsh, t) => format!("{NAME} = {}\n", t.unwrap_or(0)),
        // Nushell keeps hook state in `$env` only (see its script); the value is a string.
        (Shell::Nushell, t) => format!("$env.SSOENV_BACKOFF_UNTIL = \"{}\"\n", t.unwrap_or(0)),
        (Shell::Tcsh, t) => format!("set {NAME}={};\n", t.unwrap_or(0)),
        (Shell::Cmd, _) => String::new(),
    }
}
