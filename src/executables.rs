//! The two executables `cargo install` puts side by side: `ssoenv`, a small front that answers
//! the command lines that run at every `eval` and prompt (`src/front.rs`), and
//! `ssoenv-full`, the whole program, which the front `exec`s for everything else.

use std::path::PathBuf;

/// The file name of the front, the executable users and scripts run.
pub const FRONT: &str = "ssoenv";

/// The file name of the whole program, next to the front.
pub const FULL: &str = "ssoenv-full";

/// The whole program: `ssoenv-full` in the front's directory.
pub fn full() -> std::io::Result<PathBuf> {
    Ok(std::env::current_exe()?.with_file_name(FULL))
}

/// The executable scripts should run (the shell integration, direnv's `use_ssoenv`): the front
/// next to the running one when the running one is the whole program, else the running one.
pub fn front() -> std::io::Result<PathBuf> {
    let running = std::env::current_exe()?;
    if running.file_name().is_some_and(|name| name == FULL) {
        let front = running.with_file_name(FRONT);
        if front.is_file() {
            return Ok(front);
        }
    }
    Ok(running)
}
