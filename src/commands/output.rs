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
    format: OutputFormat,
    shell: Option<Shell>,
) -> anyhow::Result<String> {
    Ok(match format {
        OutputFormat::Json => credential_process_json(&resolved.account_id, &resolved.credentials),
        OutputFormat::Dotenv => shell::render_dotenv(&resolved.env_changes())?,
        OutputFormat::Shell => {
            shell::render(shell.unwrap_or_else(Shell::detect), &resolved.env_changes())?
        }
    })
}
