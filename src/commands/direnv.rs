//! `ssoenv direnv`: the direnv library function `use_ssoenv PROFILE`, for `eval "$(ssoenv
//! direnv)"` in `~/.config/direnv/direnvrc`, so a project's `.envrc` can say `use ssoenv PROFILE`.
//! The script lives in `shell/direnvrc.bash`; the absolute path of this binary is baked in, so
//! direnv finds it whatever its `PATH`.

use anyhow::Context;

use super::output::print_all;
use crate::shell::{Shell, quote};

const DIRENVRC: &str = include_str!("../../shell/direnvrc.bash");

pub fn run() -> anyhow::Result<()> {
    let binary = crate::executables::front().context("finding the ssoenv binary")?;
    let binary = binary
        .to_str()
        .context("the path of the ssoenv binary is not valid UTF-8")?;
    let quoted = quote(Shell::Bash, binary)?;
    print_all(&DIRENVRC.replace("__SSOENV_BIN__", &quoted))
}
