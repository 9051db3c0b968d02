//! What the commands print on stdout, and how it is written: in one piece, after everything
//! succeeded, so a consumer (`eval`, a `source`, a credential_process reader) gets all of it or
//! nothing, and a failed run leaves it nothing to act on.

use std::io::Write;

use anyhow::Context;

use super::profile_credentials::ProfileCredentials;
use crate::cli::OutputFormat;
use crate::environment::credential_process_json;
use crate::shell::{self, Shell};

/// Writes `text` to stdout in one call and flushes, so the consumer gets all or nothing.
pub fn print_all(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("could not write to standard output")
}

/// A profile's credentials as `export` prints them: statements for `shell` (the calling shell when
/// none is given), a dotenv file, or the credential_process document.
pub fn render_credentials(
    resolved: &ProfileCredentials,
    format: Option<OutputFormat>,
    shell: Option<Shell>,
) -> anyhow::Result<String> {
    Ok(match format.unwrap_or_default() {
        OutputFormat::Json => credential_process_json(
            &resolved.account_id,
            &resolved.credentials,
            resolved.long_term,
        ),
        OutputFormat::Dotenv => shell::render_dotenv(&resolved.env_changes())?,
        OutputFormat::Shell => {
            shell::render(shell.unwrap_or_else(Shell::detect), &resolved.env_changes())?
        }
    })
}

/// How `shell` puts the output of `ssoenv ARGS` into itself (`eval "$(ssoenv ARGS)"`, in fish
/// `ssoenv ARGS | source`, …), for the messages that tell it; `None` where only the shell
/// integration's `ssoenv use` does it (nushell cannot evaluate code) or no line fits (cmd.exe).
pub fn evaluate_in(shell: Shell, args: &str) -> Option<String> {
    Some(match shell {
        Shell::Fish => format!("ssoenv {args} | source"),
        Shell::PowerShell => format!("ssoenv {args} | Out-String | Invoke-Expression"),
        Shell::Elvish => format!("eval (ssoenv {args} | slurp)"),
        Shell::Xonsh => format!("execx($(ssoenv {args}))"),
        Shell::Tcsh => format!("eval \"`ssoenv {args} --shell tcsh`\""),
        Shell::Bash | Shell::Zsh | Shell::Posix => format!("eval \"$(ssoenv {args})\""),
        Shell::Nushell | Shell::Cmd => return None,
    })
}
