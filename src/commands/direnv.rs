//! `ssoenv direnv`: the direnv library function `use_ssoenv PROFILE`, for `eval "$(ssoenv
//! direnv)"` in `~/.config/direnv/direnvrc`, so a project's `.envrc` can say `use ssoenv PROFILE`.
//! The script lives in `shell/direnvrc.bash`; the absolute path of this binary is baked in, so
//! direnv finds it whatever its `PATH`.

use super::init::ssoenv_path;
use super::output::print_all;
use crate::cli::DirenvArgs;
use crate::shell::{Shell, quote};

const DIRENVRC: &str = include_str!("../../shell/direnvrc.bash");

pub fn run(args: &DirenvArgs) -> anyhow::Result<()> {
    let binary = ssoenv_path(args.ssoenv_path.as_ref())?;
    let quoted = quote(Shell::Bash, &binary)?;
    print_all(&DIRENVRC.replace("__SSOENV_BIN__", &quoted))
}
