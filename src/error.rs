//! Errors at the command edge: how an error is told to the user, and the one decision of the
//! exit status it leads to.

use crate::login::SignInNeeded;

/// Exit statuses, documented in the README so scripts and prompt hooks can rely on them.
pub mod exit_code {
    /// Something failed; the message on stderr says what.
    pub const FAILURE: u8 = 1;
    /// The command line was wrong (clap's own status).
    pub const USAGE: u8 = 2;
    /// No usable SSO session: the user has to sign in (`ssoenv login …`).
    pub const SIGN_IN_NEEDED: u8 = 3;
    /// `ssoenv status`: still valid, but a sign-in is due within the margin asked about.
    pub const EXPIRING: u8 = 4;
}

/// An error whose message was already shown (or that needs none): `main` exits with the status
/// quietly. Keeps "print once, then fail" out of every command's control flow.
#[derive(Debug, thiserror::Error)]
#[error("exit status {0}")]
pub struct SilentExit(pub u8);

/// A mistake in how ssoenv was called that only the command can tell (a word that is neither a
/// profile nor a subcommand, an option the shell integration cannot use): said like any error,
/// with clap's usage status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit status for `error`: its own for a [`SilentExit`], 2 for a [`UsageError`], 3 when only a sign-in helps
/// ([`SignInNeeded`] anywhere in the chain), else 1.
pub fn exit_status(error: &anyhow::Error) -> u8 {
    if let Some(SilentExit(code)) = error.downcast_ref::<SilentExit>() {
        return *code;
    }
    if error.downcast_ref::<UsageError>().is_some() {
        return exit_code::USAGE;
    }
    if error
        .chain()
        .any(|cause| cause.downcast_ref::<SignInNeeded>().is_some())
    {
        exit_code::SIGN_IN_NEEDED
    } else {
        exit_code::FAILURE
    }
}

/// `error` and its causes on one line, "reading X: permission denied", each cause said once: a
/// cause whose text an outer message already includes (a message that names its source) is not
/// repeated.
pub fn report(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        let said = current.to_string();
        if !said.is_empty() && !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = current.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot write the cache file x.json: {source}; check its directory")]
    struct NamesItsSource {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_the_message_already_names_is_said_once() {
        let error = anyhow::Error::new(NamesItsSource {
            source: std::io::Error::other("No space left on device"),
        })
        .context("refreshing the SSO token");
        assert_eq!(
            report(error.as_ref()),
            "refreshing the SSO token: cannot write the cache file x.json: No space left on device; check its directory"
        );
    }

    #[test]
    fn a_sign_in_needed_anywhere_in_the_chain_is_exit_status_3() {
        let needed = SignInNeeded {
            reason: crate::login::SignInReason::Expired,
            subject: crate::login::SignInSubject::Profile("dev".into()),
        };
        let error = anyhow::Error::new(needed).context("getting the source credentials");
        assert_eq!(exit_status(&error), exit_code::SIGN_IN_NEEDED);
        assert_eq!(
            exit_status(&anyhow::anyhow!("something else")),
            exit_code::FAILURE
        );
        assert_eq!(exit_status(&SilentExit(4).into()), 4);
    }
}
