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

use super::{EnvChange, QuoteError, RenderError, Shell, quote, render};

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
            .join(if shell == Shell::Xonsh { ", " } else { " " }))
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
        // tcsh: `precmd` exists, but an alias cannot branch over several lines, so `ssoenv use`
        // and `ssoenv off` would not fit; use `eval "`ssoenv PROFILE`"` there.
        Shell::Tcsh | Shell::Posix | Shell::Cmd => return None,
    })
}

/// What a run for the integration does to the hook's back-off deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backoff {
    /// Leave it as it is (`use` and `off`: their shell functions clear it themselves).
    Keep,
    /// No back-off: the refresh worked.
    Clear,
    /// No refresh before this time (Unix epoch seconds).
    Until(u64),
}

/// The name of the back-off variable in the scripts.
const BACKOFF_VARIABLE: &str = "__ssoenv_backoff_until";
/// Nushell hooks keep state in `$env` only, so there it is an environment variable.
const NUSHELL_BACKOFF_VARIABLE: &str = "SSOENV_BACKOFF_UNTIL";

/// What `ssoenv use`, `off` and `hook` print for the integration of `shell` to apply: `changes`
/// as code for the shell, then the back-off statement. Nushell cannot evaluate code made at run
/// time, so its integration gets data instead: `{"set": {NAME: value}, "unset": [NAME]}`, the
/// back-off being one more variable.
pub fn integration_output(
    shell: Shell,
    changes: &[EnvChange],
    backoff: Backoff,
) -> Result<String, RenderError> {
    if shell == Shell::Nushell {
        let mut all = changes.to_vec();
        match backoff {
            Backoff::Keep => {}
            Backoff::Clear => all.push(EnvChange::unset(NUSHELL_BACKOFF_VARIABLE)),
            Backoff::Until(t) => all.push(EnvChange::set(NUSHELL_BACKOFF_VARIABLE, t.to_string())),
        }
        return super::nushell::changes_as_data(&all);
    }
    let mut out = render(shell, changes)?;
    out.push_str(&backoff_statement(shell, backoff));
    Ok(out)
}

/// The statement that records the hook's back-off deadline in the variable the integration
/// script of `shell` reads: a shell variable, not an environment variable, where the shell has
/// them, so programs and child shells do not see it.
fn backoff_statement(shell: Shell, backoff: Backoff) -> String {
    const NAME: &str = BACKOFF_VARIABLE;
    let until = match backoff {
        Backoff::Keep => return String::new(),
        Backoff::Clear => None,
        Backoff::Until(t) => Some(t),
    };
    match (shell, until) {
        (Shell::Bash | Shell::Zsh | Shell::Posix, Some(t)) => format!("{NAME}={t}\n"),
        (Shell::Bash | Shell::Zsh | Shell::Posix, None) => format!("unset {NAME}\n"),
        (Shell::Fish, Some(t)) => format!("set -g {NAME} {t}\n"),
        (Shell::Fish, None) => format!("set -e -g {NAME}\n"),
        (Shell::PowerShell, t) => format!("$global:{NAME} = {}\n", t.unwrap_or(0)),
        // Elvish and xonsh evaluate the output where this name is the script's own variable
        // (see their scripts).
        (Shell::Elvish, t) => format!("set {NAME} = {}\n", t.unwrap_or(0)),
        (Shell::Xonsh, t) => format!("{NAME} = {}\n", t.unwrap_or(0)),
        (Shell::Nushell | Shell::Tcsh | Shell::Cmd, _) => String::new(),
    }
}
