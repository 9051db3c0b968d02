//! `ssoenv serve [PROFILE]`: a credential endpoint alone, in the foreground, for processes started
//! elsewhere (another terminal, an IDE, a container). It prints the two variables that point the
//! SDKs at it, for a shell or as an env file, then serves until it is stopped (Ctrl-C).
//!
//! Standard output is closed once the variables are written, so that `$(…)`, a pipe or a file
//! being read get their end while the endpoint goes on; messages go to stderr.

use super::credential_endpoint::prepare;
use super::output::print_all;
use crate::cli::{EndpointFormat, ServeArgs};
use crate::environment::endpoint_variables;
use crate::shell::{self, Shell};

pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let prepared = prepare(&args.credentials, args.listen)?;
    let url = prepared.endpoint.url();
    let variables = endpoint_variables(&url, prepared.endpoint.token().expose());
    let text = match args.format.unwrap_or_default() {
        EndpointFormat::Shell => {
            shell::render(args.shell.unwrap_or_else(Shell::detect), &variables)?
        }
        EndpointFormat::Dotenv => shell::render_env_file(&variables)?,
    };
    print_all(&text)?;
    close_stdout();
    eprintln!(
        "ssoenv: serving the credentials of profile '{}' at {url} (Ctrl-C stops it)",
        prepared.resolved.profile
    );
    prepared.endpoint.serve(prepared.answers)?;
    Ok(())
}

/// Points standard output at /dev/null, so that whoever reads it sees its end.
fn close_stdout() {
    #[cfg(unix)]
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        use std::os::fd::AsRawFd;
        // SAFETY: dup2 onto descriptor 1 of two descriptors this process holds; stdout was
        // flushed by print_all and is not written again.
        unsafe { libc::dup2(null.as_raw_fd(), 1) };
    }
}
