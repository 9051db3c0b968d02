//! `ssoenv init SHELL`: print the shell integration (prompt hook and `ssoenv` function) for the
//! user's rc file. The scripts themselves live in `shell/`; see [`crate::shell::init`].

use std::path::PathBuf;

use anyhow::Context;

use super::hook_timing::{hook_options, min_valid_for, sign_in_options};
use super::output::print_all;
use crate::cli::InitArgs;
use crate::duration::format_duration;
use crate::shell::{InitSettings, init_script};

pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    let ssoenv = ssoenv_path(args.ssoenv_path.as_ref())?;
    let timing = &args.timing;
    let mut use_options = vec![
        "--min-valid".to_string(),
        format_duration(min_valid_for(timing.refresh_before)),
    ];
    use_options.extend(sign_in_options(timing));
    let settings = InitSettings {
        ssoenv,
        refresh_before_seconds: timing.refresh_before.as_secs(),
        hook_options: hook_options(timing),
        use_options,
    };
    print_all(&init_script(args.shell, &settings)?)
}

/// The binary a printed script will run (`init`, `direnv`): its absolute path, so the script
/// neither depends on `PATH` nor starts a different ssoenv than the one that printed it. The path
/// is that of the running executable with symbolic links resolved, as the system reports it,
/// unless `--ssoenv-path` names another (a package renders its scripts for `/usr/bin/ssoenv`).
pub(super) fn ssoenv_path(explicit: Option<&PathBuf>) -> anyhow::Result<String> {
    let path = match explicit {
        Some(path) => std::path::absolute(path)
            .with_context(|| format!("cannot make {} an absolute path", path.display()))?,
        None => {
            crate::executables::front().context("cannot find the path of the ssoenv executable")?
        }
    };
    path.into_os_string().into_string().map_err(|path| {
        anyhow::anyhow!(
            "the path of ssoenv, {}, is not valid UTF-8; install it under another path",
            std::path::Path::new(&path).display()
        )
    })
}
