//! Errors at the command edge: exit statuses and the error that has already been reported.

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
