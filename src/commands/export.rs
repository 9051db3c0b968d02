//! `ssoenv [export] [PROFILE]`: print the statements that put a profile's credentials (an SSO
//! profile's, or a role chain's) into the calling shell. stdout carries only those statements,
//! written in one piece after everything succeeded, so a failed run leaves `eval` nothing to
//! change.

use super::output::{print_all, render_credentials};
use super::profile_credentials::resolve;
use crate::cli::ExportArgs;

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let resolved = resolve(&args.credentials)?;
    print_all(&render_credentials(&resolved, args.format, args.shell)?)
}
