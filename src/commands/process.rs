//! `ssoenv process PROFILE`: print the profile's credentials as the credential_process JSON
//! document, so that a profile in the config file can say
//! `credential_process = ssoenv process my-dev-profile` and every tool that reads profiles gets
//! credentials that renew themselves.
//!
//! It runs under other tools, where nobody sees a terminal, so it never signs in: without a
//! usable SSO session it fails at once with exit status 3 and the command to run on stderr
//! (botocore shows that text in its error).

use super::output::print_all;
use super::profile_credentials::profile_credentials;
use super::sign_in::SignInPolicy;
use crate::cli::ProcessArgs;
use crate::environment::credential_process_json;

pub fn run(args: &ProcessArgs) -> anyhow::Result<()> {
    let resolved = profile_credentials(&args.profile, args.min_valid, &SignInPolicy::Never)?;
    print_all(&credential_process_json(
        &resolved.account_id,
        &resolved.credentials,
        resolved.long_term,
    ))
}
