//! The command line, declared once: parsing, `--help`, and later completions and the man page
//! are all generated from these types.

use std::ffi::OsString;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::duration::parse_duration;
use crate::shell::Shell;

/// Short-term AWS credentials from IAM Identity Center (SSO) in your shell.
///
/// `eval "$(ssoenv my-dev-profile)"` puts the profile's credentials into the current shell
/// (fish: `ssoenv my-dev-profile | source`). Without a subcommand ssoenv runs `export`.
#[derive(Debug, Parser)]
#[command(name = "ssoenv", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub export: ExportArgs,

    /// Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each
    /// request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`.
    #[arg(long, global = true, env = "SSOENV_DEBUG", value_parser = clap::builder::FalseyValueParser::new())]
    pub debug: bool,
}

/// The command line with `--debug` flags that come before the subcommand moved to the end (before
/// a `--`, if any): `ssoenv --debug login` then parses like `ssoenv login --debug`. Without this,
/// the rule that lets `ssoenv PROFILE` stand for `ssoenv export PROFILE` (any argument before the
/// first word rules out a subcommand) would read `login` as a profile name.
pub fn with_debug_flag_moved(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let leading = args
        .iter()
        .skip(1)
        .take_while(|arg| *arg == "--debug")
        .count();
    if leading == 0 {
        return args;
    }
    args.drain(1..=leading);
    let end = args
        .iter()
        .position(|arg| arg == "--")
        .unwrap_or(args.len());
    args.insert(end, OsString::from("--debug"));
    args
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the statements that put a profile's credentials into the shell (the default)
    Export(ExportArgs),
    /// Sign in to a profile's SSO session, like `aws sso login`
    Login(LoginArgs),
    /// Sign out of an SSO session and delete its cached token and role credentials
    Logout(LogoutArgs),
    /// Print a short prompt segment: the active profile and the time its credentials have left
    Prompt(PromptArgs),
    /// Print the direnv function `use_ssoenv`, for `eval "$(ssoenv direnv)"` in direnvrc
    Direnv,
}

#[derive(Clone, Debug, Args)]
pub struct PromptArgs {
    /// What to print; `{profile}` and `{remaining}` (e.g. `42m`, `1h05m`, `expired`) are replaced
    #[arg(long, default_value = "{profile} {remaining}")]
    pub format: String,
}

/// How a sign-in is done; shared by `login` and the sign-in `export` starts.
#[derive(Clone, Debug, Default, Args)]
pub struct SignInArgs {
    /// Sign in with a device code (confirm a code on any device) instead of the browser redirect
    #[arg(long)]
    pub use_device_code: bool,

    /// Print the sign-in address instead of opening a browser
    #[arg(long)]
    pub no_browser: bool,

    /// Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT`
    /// can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub redirect_port: Option<u16>,

    /// Sign in with a browser on another machine, then paste the address it ended on
    /// (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    #[arg(long, conflicts_with = "use_device_code")]
    pub paste: bool,
}

#[derive(Clone, Debug, Args)]
pub struct LoginArgs {
    /// The profile whose SSO session to sign in to [default: $AWS_PROFILE, then
    /// $AWS_DEFAULT_PROFILE, then "default"]
    #[arg(conflicts_with = "sso_session")]
    pub profile: Option<String>,

    /// Sign in to this [sso-session NAME] instead of a profile's
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,

    #[command(flatten)]
    pub sign_in: SignInArgs,
}

#[derive(Clone, Debug, Args)]
pub struct LogoutArgs {
    /// The profile whose SSO session to sign out of [default: $AWS_PROFILE, then
    /// $AWS_DEFAULT_PROFILE, then "default"]
    #[arg(conflicts_with_all = ["sso_session", "all"])]
    pub profile: Option<String>,

    /// Sign out of this [sso-session NAME]
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub sso_session: Option<String>,

    /// Sign out of every cached session, as `aws sso logout` does: also deletes other tools'
    /// token files and every cached SSO role credential
    #[arg(long)]
    pub all: bool,
}

/// How `export` prints the credentials.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Statements for a shell (`--shell`, or the calling shell)
    #[default]
    Shell,
    /// `KEY=value` lines for `.env` files (docker compose, python-dotenv)
    Dotenv,
    /// The credential_process JSON document (`"Version": 1`)
    Json,
}

#[derive(Clone, Debug, Args)]
pub struct ExportArgs {
    /// The profile [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
    pub profile: Option<String>,

    /// The shell to print for [default: the calling shell, then $SHELL, then sh]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,

    /// Print shell statements, a dotenv file, or credential_process JSON
    #[arg(long, value_enum, default_value_t = OutputFormat::Shell)]
    pub format: OutputFormat,

    /// Reuse cached role credentials only while they have more than this left (e.g. 90s, 10m, 1h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "15m")]
    pub min_valid: Duration,

    /// Fail unless the credentials stay valid this long (fresh ones are fetched when the cached
    /// ones would expire sooner): a guard for long jobs, e.g. `--min-remaining 2h`
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub min_remaining: Option<Duration>,

    /// Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv
    /// never signs in either.
    #[arg(long)]
    pub no_login: bool,

    #[command(flatten)]
    pub sign_in: SignInArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(args: &[&str]) -> Vec<String> {
        with_debug_flag_moved(args.iter().map(OsString::from))
            .into_iter()
            .map(|arg| arg.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_leading_debug_flag_moves_behind_the_subcommand() {
        assert_eq!(
            moved(&["ssoenv", "--debug", "login", "p"]),
            ["ssoenv", "login", "p", "--debug"]
        );
        assert_eq!(
            moved(&["ssoenv", "--debug", "exec", "p", "--", "ls", "--debug"]),
            ["ssoenv", "exec", "p", "--debug", "--", "ls", "--debug"]
        );
        assert_eq!(
            moved(&["ssoenv", "p", "--debug"]),
            ["ssoenv", "p", "--debug"]
        );
        assert_eq!(moved(&["ssoenv"]), ["ssoenv"]);
    }

    #[test]
    fn debug_parses_before_and_after_a_subcommand() {
        for args in [
            &["ssoenv", "--debug", "login", "p"][..],
            &["ssoenv", "login", "--debug", "p"],
        ] {
            let cli = Cli::try_parse_from(with_debug_flag_moved(args.iter().map(OsString::from)))
                .unwrap();
            assert!(cli.debug);
            assert!(matches!(cli.command, Some(Command::Login(_))));
        }
        let cli = Cli::try_parse_from(["ssoenv", "--debug", "my-profile"]).unwrap();
        assert!(cli.debug && cli.command.is_none());
        assert_eq!(cli.export.profile.as_deref(), Some("my-profile"));
    }
}
