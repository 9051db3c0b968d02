//! `ssoenv [export] [PROFILE]`: print the statements that put a profile's credentials (an SSO
//! profile's, or a role chain's) into the calling shell. stdout carries only those statements,
//! written in one piece after everything succeeded, so a failed run leaves `eval` nothing to
//! change.

use super::output::{print_all, render_credentials};
use super::profile_credentials::{effective_min_valid, profile_credentials};
use super::sign_in::SignInPolicy;
use crate::cli::ExportArgs;
use crate::config;

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let profile_name = config::select_profile_name(args.profile.as_deref());
    let policy = SignInPolicy::from_args(args.no_login, &args.sign_in);
    let min_valid = effective_min_valid(args.min_valid, args.min_remaining);
    let resolved = profile_credentials(&profile_name, min_valid, &policy)?;
    resolved.ensure_lasts(args.min_remaining, min_valid)?;
    print_all(&render_credentials(&resolved, args.format, args.shell)?)
}
