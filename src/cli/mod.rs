//! The command line, declared once: parsing, `--help`, the completions and the man pages are all
//! generated from these types.
//!
//! - `fast_path`: the small reader of the command lines that run at every `eval` and prompt;
//! - [`completion`]: dynamic completion (profile and sso-session names from the config file).
//!
//! Argument groups that several commands take are one struct each, flattened where they apply
//! ([`CredentialArgs`], [`SignInPolicyArgs`], [`SignInArgs`]), so a flag means the same thing
//! everywhere and is resolved in one place (see `commands::profile_credentials` and
//! `commands::sign_in`).

pub mod completion;
mod fast_path;

use std::ffi::OsString;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCandidates;

use self::completion::{console_services, profile_names, sso_session_names};
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

/// `ssoenv exec PROFILE COMMAND [ARGS…]` read as `ssoenv exec PROFILE -- COMMAND [ARGS…]`, as
/// `aws-vault exec` reads it: without a `--`, the first word after the profile starts the command,
/// so exec's own options must come before it (after it they are the command's). A command line
/// with a `--` is left as it is, and so is anything but `exec`.
pub fn with_exec_separator(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let Some(exec) = args
        .iter()
        .skip(1)
        .position(|arg| arg != "--debug")
        .map(|index| index + 1)
        .filter(|index| args[*index] == "exec")
    else {
        return args;
    };
    if args.iter().any(|arg| arg == "--") {
        return args;
    }
    let definition = Command::augment_subcommands(clap::Command::new("ssoenv"));
    let Some(exec_definition) = definition.find_subcommand("exec") else {
        return args;
    };
    let takes_a_value = |option: &str| {
        exec_definition.get_arguments().any(|arg| {
            arg.get_long() == Some(option)
                && arg.get_action().takes_values()
                && arg
                    .get_num_args()
                    .is_none_or(|range| range.min_values() > 0)
        })
    };
    let mut index = exec + 1;
    while index < args.len() {
        let Some(word) = args[index].to_str() else {
            break;
        };
        if let Some(option) = word.strip_prefix("--") {
            if !option.contains('=') && takes_a_value(option) {
                index += 1;
            }
        } else if !word.starts_with('-') || word == "-" {
            // The profile: the command starts after it.
            if index + 1 < args.len() {
                args.insert(index + 1, OsString::from("--"));
            }
            break;
        }
        index += 1;
    }
    args
}

impl Cli {
    /// The command to run: a subcommand, or `export` when none is named.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Export(self.export))
    }
}

/// The command line, read: what to run, and whether to trace it (`--debug`, `SSOENV_DEBUG`).
#[derive(Debug)]
pub struct CommandLine {
    pub command: Command,
    pub debug: bool,
}

/// Reads the command line. What runs at every `eval` and every prompt is first read by the small
/// definitions of `fast_path`; anything else goes to the full definition.
pub fn parse_command_line() -> CommandLine {
    parse_command_line_from(with_debug_flag_moved(with_exec_separator(
        std::env::args_os(),
    )))
}

/// The command lines that run at every `eval` and prompt (`ssoenv [PROFILE] [options]`, `ssoenv
/// hook …`, `ssoenv prompt`), read by the small definitions alone, as [`parse_command_line`] reads
/// them; `None` for everything else. The front executable (`src/front.rs`) reads with this only,
/// so it holds none of the other definitions.
pub fn read_hot_command_line(args: &[OsString]) -> Option<CommandLine> {
    fast_path::read(args)
}

/// [`parse_command_line`] on given arguments (the first one is the program name).
pub fn parse_command_line_from(args: Vec<OsString>) -> CommandLine {
    if let Some(line) = fast_path::read(&args) {
        return line;
    }
    let cli = Cli::try_parse_from(&args).unwrap_or_else(|error| {
        if let Some(message) = explain_a_second_word(&args, &error) {
            eprintln!("ssoenv: {message}");
            std::process::exit(crate::error::exit_code::USAGE.into());
        }
        error.exit()
    });
    CommandLine {
        debug: cli.debug,
        command: cli.into_command(),
    }
}

/// The subcommand `word` is a likely typo of (`stauts`: `status`), for "did you mean …?": one
/// edit (a transposition counts as one) for words of up to four letters, two for longer ones, so
/// a short profile name such as `dev` is not taken for `direnv`. Hidden subcommands are never
/// suggested.
pub fn close_subcommand(word: &str) -> Option<String> {
    let allowed = if word.chars().count() <= 4 { 1 } else { 2 };
    let definition = Command::augment_subcommands(clap::Command::new("ssoenv"));
    definition
        .get_subcommands()
        .filter(|subcommand| !subcommand.is_hide_set())
        .map(|subcommand| {
            let name = subcommand.get_name();
            (strsim::osa_distance(word, name), name.to_string())
        })
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// `ssoenv WORD OTHER…` that clap rejects because OTHER cannot follow the profile WORD (clap says
/// "the subcommand 'OTHER' cannot be used with '[PROFILE]'", calling a profile a subcommand).
/// Said instead: a mistyped subcommand when WORD is no profile but close to a subcommand (`ssoenv
/// lgoin my-dev-profile`: "did you mean `ssoenv login my-dev-profile`?"), else OTHER as an extra
/// argument. The profile list is checked first, so a profile named like a typo keeps working.
fn explain_a_second_word(args: &[OsString], error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        error.kind(),
        ErrorKind::ArgumentConflict | ErrorKind::UnknownArgument
    ) {
        return None;
    }
    let word = args.get(1)?.to_str()?;
    if word.starts_with('-') || Command::has_subcommand(word) || word == "help" {
        return None;
    }
    let extra = match error
        .get(ContextKind::InvalidSubcommand)
        .or_else(|| error.get(ContextKind::InvalidArg))
    {
        Some(ContextValue::String(extra)) => extra.clone(),
        _ => return None,
    };
    if extra.starts_with('-') {
        return None;
    }
    let is_profile =
        crate::config::AwsConfig::load_default().is_ok_and(|config| config.profile(word).is_some());
    Some(match close_subcommand(word).filter(|_| !is_profile) {
        Some(subcommand) => {
            let corrected: Vec<String> = std::iter::once(format!("ssoenv {subcommand}"))
                .chain(
                    args[2..]
                        .iter()
                        .map(|arg| arg.to_string_lossy().into_owned()),
                )
                .collect();
            format!(
                "'{word}' is neither a profile nor a subcommand. Did you mean `{}`?",
                corrected.join(" ")
            )
        }
        None if is_profile => format!(
            "unexpected extra argument '{extra}' after the profile '{word}': `ssoenv PROFILE` \
             takes one profile (options go after it; see `ssoenv --help`)"
        ),
        None => format!(
            "unexpected extra argument '{extra}': `ssoenv PROFILE` takes one profile, and \
             '{word}' is not a subcommand (see `ssoenv --help`)"
        ),
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the statements that put a profile's credentials into the shell (the default)
    Export(ExportArgs),
    /// Sign in to a profile's SSO session, like `aws sso login`
    Login(LoginArgs),
    /// Sign out of an SSO session and delete its cached token and role credentials
    Logout(LogoutArgs),
    /// Open the AWS console signed in as a profile's role (or print its sign-in URL)
    ///
    /// The profile's role credentials (cached, refreshed, or after a sign-in, as for `export`;
    /// role chains too) are exchanged at the federation endpoint for a sign-in token that works
    /// once, within 15 minutes; only that token is in the URL, never the credentials. The console
    /// session ends when the credentials do (said on stderr). `AWS_ENDPOINT_URL_SIGNIN` overrides
    /// the federation endpoint.
    #[command(after_help = CONSOLE_EXAMPLES)]
    Console(ConsoleArgs),
    /// Run a command with a profile's credentials in its environment
    ///
    /// The command gets the variables `export` sets, without AWS_PROFILE and AWS_DEFAULT_PROFILE.
    /// ssoenv becomes the command, so its exit status and the signals sent to it are the
    /// command's own; 127 means the command was not found, 126 that it could not be run.
    /// Credentials are not renewed while the command runs, unless `--server` serves them from a
    /// local endpoint that renews them (or use a profile with `credential_process = ssoenv
    /// process PROFILE`).
    Exec(ExecArgs),
    /// Print a profile's credentials as credential_process JSON (never signs in)
    ///
    /// For `credential_process = ssoenv process PROFILE` in another profile of the config file:
    /// tools that read profiles (the CDK, Terraform, the SDKs) then get credentials that renew
    /// themselves. Prints {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken",
    /// "Expiration", "AccountId"}. It never signs in, since it runs under other tools where
    /// nobody sees a prompt: without a usable SSO session it exits with status 3 and says on
    /// stderr what to run.
    Process(ProcessArgs),
    /// Serve a profile's credentials on a local endpoint that renews them, for SDKs and containers
    ///
    /// Prints AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN (for a
    /// shell, or as an env file for `docker run --env-file`), then answers the SDKs' container
    /// credential requests in the foreground until stopped (Ctrl-C). Each run has a new random
    /// token; requests without it are refused.
    Serve(ServeArgs),
    /// Print a short prompt segment: the active profile and the time its credentials have left
    Prompt(PromptArgs),
    /// Print the direnv function `use_ssoenv`, for `eval "$(ssoenv direnv)"` in direnvrc
    Direnv(DirenvArgs),
    /// Print the shell integration: a prompt hook that keeps the credentials valid, and the
    /// `ssoenv use` / `ssoenv off` commands (e.g. `eval "$(ssoenv init bash)"` in ~/.bashrc)
    Init(InitArgs),
    /// Put a profile's credentials into the current shell (needs the shell integration)
    ///
    /// Takes the options of `export`; later options override earlier ones, so the shell function
    /// can put its defaults first.
    #[command(args_override_self = true)]
    Use(UseArgs),
    /// Remove the credentials from the current shell (needs the shell integration)
    Off(OffArgs),
    /// Print the statements that remove every variable ssoenv sets
    Unset(UnsetArgs),
    /// What the prompt hook runs: refresh the credentials of $SSOENV_PROFILE when they are due
    #[command(hide = true)]
    Hook(HookArgs),
    /// Create or update an SSO profile, like `aws configure sso` (prompts, or flags for scripts)
    Configure(ConfigureArgs),
    /// Create a profile for every account and role you can reach through an SSO session
    Populate(PopulateArgs),
    /// List every profile with its kind (sso, static, process, role, …), account, role and
    /// sign-in state (offline)
    List(ListArgs),
    /// Show the time left on a profile's SSO token and credentials (or, for other kinds, what
    /// happens when they expire); the exit status tells scripts
    #[command(
        after_help = "Exit status: 0 valid; 1 error; 3 a sign-in is needed (not signed \
                            in, or expired); 4 expiring (a sign-in is due within --margin)."
    )]
    Status(StatusArgs),
    /// Print the script that completes ssoenv's arguments, profile names included, in a shell
    Completions(CompletionsArgs),
}

#[derive(Clone, Debug, Args)]
pub struct PromptArgs {
    /// What to print; `{profile}` and `{remaining}` (e.g. `42m`, `1h05m`, `expired`) are replaced
    #[arg(long, default_value = "{profile} {remaining}")]
    pub format: String,
}

/// How a sign-in is done: taken as it is by `login` and `configure`, which always sign in, and
/// within [`SignInPolicyArgs`] by the commands that sign in only when they must.
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
    #[arg(conflicts_with = "sso_session", add = ArgValueCandidates::new(profile_names))]
    pub profile: Option<String>,

    /// Sign in to this [sso-session NAME] instead of a profile's
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(sso_session_names))]
    pub sso_session: Option<String>,

    #[command(flatten)]
    pub sign_in: SignInArgs,
}

#[derive(Clone, Debug, Args)]
pub struct LogoutArgs {
    /// The profile whose SSO session to sign out of [default: $AWS_PROFILE, then
    /// $AWS_DEFAULT_PROFILE, then "default"]
    #[arg(conflicts_with_all = ["sso_session", "all"], add = ArgValueCandidates::new(profile_names))]
    pub profile: Option<String>,

    /// Sign out of this [sso-session NAME]
    #[arg(long, value_name = "NAME", conflicts_with = "all", add = ArgValueCandidates::new(sso_session_names))]
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

/// Whether a command may sign in, and how: `--no-login` and the sign-in options. Shared by the
/// commands that sign in only when they must (`export`, `use`, `exec`, `populate`, the prompt
/// hook); resolved by `SignInPolicy::from_args`.
///
/// No argument group: nothing refers to one, and the fast path would build it on every `eval`.
#[derive(Clone, Debug, Default, Args)]
#[group(skip)]
pub struct SignInPolicyArgs {
    /// Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv
    /// never signs in either.
    #[arg(long)]
    pub no_login: bool,

    #[command(flatten)]
    pub options: SignInArgs,
}

/// Which profile's credentials, how fresh, and whether a sign-in may get them: what `export`,
/// `use` and `exec` take, resolved by `commands::profile_credentials::resolve`. No argument group,
/// as for [`SignInPolicyArgs`].
#[derive(Clone, Debug, Args)]
#[group(skip)]
pub struct CredentialArgs {
    /// The profile [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
    #[arg(add = ArgValueCandidates::new(profile_names))]
    pub profile: Option<String>,

    /// Reuse cached role credentials only while they have more than this left (e.g. 90s, 10m, 1h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "15m")]
    pub min_valid: Duration,

    /// Fail unless the credentials stay valid this long (fresh ones are fetched when the cached
    /// ones would expire sooner): a guard for long jobs, e.g. `--min-remaining 2h`
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub min_remaining: Option<Duration>,

    #[command(flatten)]
    pub sign_in: SignInPolicyArgs,
}

#[derive(Clone, Debug, Args)]
pub struct ExportArgs {
    /// The shell to print for [default: the calling shell, then $SHELL, then sh]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,

    /// Print shell statements, a dotenv file, or credential_process JSON [default: shell]
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,

    /// Print the credentials even when stdout is a terminal (without this, `--format` or
    /// `--shell`, ssoenv then explains `eval` instead of showing the secrets)
    #[arg(long)]
    pub show: bool,

    // After `--shell` and `--format`, so `--help` lists the options in the order it always did.
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

/// `ssoenv use PROFILE`: the options of `export`, but only those that make sense for the shell
/// the integration runs in. The integration passes `--shell SHELL` itself, so every `--shell` is
/// kept (`commands::integration` refuses a second, different one, and `--format` other than
/// `shell`: the integration would evaluate code of another syntax).
#[derive(Clone, Debug, Args)]
pub struct UseArgs {
    /// The shell the integration runs in (passed by the integration; another one is refused)
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    pub shell: Vec<Shell>,

    /// Only `shell`: the integration evaluates what `use` prints
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,

    #[command(flatten)]
    pub credentials: CredentialArgs,
}

/// `ssoenv off`: `--shell` as for [`UseArgs`].
#[derive(Clone, Debug, Args)]
pub struct OffArgs {
    /// The shell the integration runs in (passed by the integration; another one is refused)
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    pub shell: Vec<Shell>,
}

/// `ssoenv exec [PROFILE] -- COMMAND [ARGS…]`, or `ssoenv exec PROFILE COMMAND [ARGS…]` (see
/// [`with_exec_separator`]).
///
/// Two helps say what the options mean for a command that is about to start, rather than for an
/// export.
#[derive(Clone, Debug, Args)]
#[command(
    mut_arg("min_valid", |arg| arg.help(
        "Reuse cached credentials only while they have more than this left (e.g. 90s, 10m, 1h)"
    )),
    mut_arg("min_remaining", |arg| arg.help(
        "Fail before starting the command unless the credentials stay valid this long (fresh \
         ones are fetched when the cached ones would expire sooner), e.g. `--min-remaining 45m`"
    )),
)]
pub struct ExecArgs {
    #[command(flatten)]
    pub credentials: CredentialArgs,

    /// Serve the credentials to the command from an endpoint on 127.0.0.1 that renews them (and
    /// signs in again on the terminal when the SSO session ends), instead of fixed variables: the
    /// command gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN
    #[arg(long)]
    pub server: bool,

    /// The command to run and its arguments: after the profile, or after `--` (needed when the
    /// profile is not named: `ssoenv exec -- COMMAND`)
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

/// `ssoenv serve [PROFILE]`.
#[derive(Clone, Debug, Args)]
#[command(
    mut_arg("min_valid", |arg| arg.help(
        "Renew the credentials when they have less than this left (e.g. 90s, 10m, 1h)"
    )),
    mut_arg("min_remaining", |arg| arg.help(
        "Fail at the start, and fetch earlier, so that the credentials served always stay valid \
         this long, e.g. `--min-remaining 45m`"
    )),
)]
pub struct ServeArgs {
    #[command(flatten)]
    pub credentials: CredentialArgs,

    /// Listen on this address and port instead of 127.0.0.1 on a random port (e.g.
    /// 127.0.0.1:9911, or 169.254.170.2:80 once that address is assigned to an interface).
    /// Another address than loopback is warned about: anything that reaches it can try the token
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,

    /// The shell to print the variables for [default: the calling shell, then $SHELL, then sh]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,

    /// Print shell statements, or `NAME=value` lines for `docker run --env-file` and other .env
    /// readers [default: shell]
    #[arg(long, value_enum)]
    pub format: Option<EndpointFormat>,
}

/// How `serve` prints the endpoint's variables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum EndpointFormat {
    /// Statements for a shell (`--shell`, or the calling shell)
    #[default]
    Shell,
    /// `NAME=value` lines, unquoted: `docker run --env-file`, docker compose, python-dotenv
    Dotenv,
}

/// `ssoenv process PROFILE`.
#[derive(Clone, Debug, Args)]
pub struct ProcessArgs {
    /// The profile whose credentials to print. Required, never taken from $AWS_PROFILE: that
    /// names the profile whose credential_process runs ssoenv.
    #[arg(add = ArgValueCandidates::new(profile_names))]
    pub profile: String,

    /// Reuse cached credentials only while they have more than this left. Keep it at 15m or
    /// more: the SDKs run the process again whenever fewer than 15 minutes remain.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "15m")]
    pub min_valid: Duration,
}

/// `ssoenv configure`: every answer of the wizard can be given as a flag; the wizard asks only for
/// what is missing, and without a terminal it asks nothing (a missing answer is then an error
/// naming its flag).
#[derive(Clone, Debug, Default, Args)]
pub struct ConfigureArgs {
    /// The profile to create or update [asked; default: ROLE-ACCOUNT, as the AWS CLI]
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(profile_names))]
    pub profile: Option<String>,

    /// The [sso-session NAME] the profile signs in with; an existing one is reused as it is
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(sso_session_names))]
    pub sso_session: Option<String>,

    /// The AWS access portal URL of a new session (https://….awsapps.com/start)
    #[arg(long, value_name = "URL")]
    pub sso_start_url: Option<String>,

    /// The region of IAM Identity Center for a new session (e.g. us-east-1)
    #[arg(long, value_name = "REGION")]
    pub sso_region: Option<String>,

    /// Comma-separated scopes a new session registers with [default: sso:account:access]
    #[arg(long, value_name = "SCOPES")]
    pub sso_registration_scopes: Option<String>,

    /// The AWS account (12 digits) [chosen from the accounts you can reach]
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    /// The role (permission set) to use in the account [chosen from its roles]
    #[arg(long, value_name = "ROLE")]
    pub role_name: Option<String>,

    /// The profile's default region for AWS tools (`region =`, exported as AWS_REGION)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The AWS CLI's default output format for the profile
    #[arg(long, value_name = "FORMAT", value_parser = ["json", "yaml", "yaml-stream", "text", "table"])]
    pub output: Option<String>,

    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// `ssoenv populate`: one profile per account and role.
#[derive(Clone, Debug, Args)]
pub struct PopulateArgs {
    /// The [sso-session NAME] whose accounts and roles to write profiles for
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(sso_session_names))]
    pub sso_session: String,

    /// How to name the profiles: {account_name}, {account_id}, {role_name} and {sso_session}
    /// are replaced (names are made safe: characters other than letters, digits, `.`, `_` and `-`
    /// become `-`)
    #[arg(long, value_name = "TEMPLATE", default_value = crate::populate::DEFAULT_TEMPLATE)]
    pub template: String,

    /// The `region` of every profile written (existing profiles keep theirs without it)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Show what would change, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Also remove the profiles populate made earlier whose account or role you can no longer
    /// reach
    #[arg(long)]
    pub prune: bool,

    /// How many account role lists to ask for at once (1: one request at a time)
    #[arg(long, value_name = "N", default_value_t = crate::aws::DEFAULT_CONCURRENCY,
          value_parser = clap::value_parser!(usize))]
    pub concurrency: usize,

    #[command(flatten)]
    pub sign_in: SignInPolicyArgs,
}

#[derive(Clone, Debug, Args)]
pub struct ListArgs {
    /// One JSON array of objects instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Debug, Args)]
pub struct StatusArgs {
    /// The profile [default: $SSOENV_PROFILE (the one this shell holds), then $AWS_PROFILE, then
    /// $AWS_DEFAULT_PROFILE, then "default"]
    #[arg(add = ArgValueCandidates::new(profile_names))]
    pub profile: Option<String>,

    /// One JSON object instead of text
    #[arg(long)]
    pub json: bool,

    /// Report "expiring" (exit status 4) when a sign-in will be due within this time
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "15m")]
    pub margin: Duration,

    /// Also ask the service whether the session is still live (one ListAccounts call, no role
    /// credentials, never a sign-in): a session revoked by an administrator looks valid in the
    /// cache files until then
    #[arg(long)]
    pub check: bool,
}

const CONSOLE_EXAMPLES: &str = "\
Examples:
  ssoenv console                         the console of $SSOENV_PROFILE, in its region
  ssoenv console prod --service s3       the S3 console of profile prod
  ssoenv console prod --region eu-west-1 --service ec2
  ssoenv console prod --print | wl-copy  the sign-in URL, for another browser
  ssoenv console prod --isolate          in prod's own browser profile, beside other accounts
  ssoenv console prod --destination https://us-east-1.console.aws.amazon.com/cloudwatch/home

Isolation (--isolate, or `ssoenv_console_isolate = true` in a profile or its [sso-session]):
$BROWSER must name the browser. Chromium-family browsers get --user-data-dir under
~/.cache/ssoenv/console/PROFILE; Firefox opens the URL in the container named after the profile
(needs the \"Open external links in a container\" extension).";

/// `ssoenv console [PROFILE]`.
#[derive(Clone, Debug, Args)]
pub struct ConsoleArgs {
    /// The profile [default: $SSOENV_PROFILE (the one this shell holds), then $AWS_PROFILE, then
    /// $AWS_DEFAULT_PROFILE, then "default"]
    #[arg(add = ArgValueCandidates::new(profile_names))]
    pub profile: Option<String>,

    /// Print the sign-in URL on stdout (and nothing else there) instead of opening a browser
    #[arg(long, conflicts_with = "isolate")]
    pub print: bool,

    /// Land on this service's console (e.g. s3, ec2, lambda, cloudwatch) [default: the console
    /// home]
    #[arg(long, value_name = "SERVICE", conflicts_with = "destination",
          add = ArgValueCandidates::new(console_services))]
    pub service: Option<String>,

    /// The console's region; also picks the partition (us-gov-*: GovCloud, cn-*: China)
    /// [default: the profile's `region`, then us-east-1]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Land on this console URL instead (a deep link)
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,

    /// Open the console in a browser profile of this profile's own, so that consoles of several
    /// accounts stay signed in side by side (also `ssoenv_console_isolate = true` in the config)
    #[arg(long, overrides_with = "no_isolate")]
    pub isolate: bool,

    /// Open the console in the browser's usual profile, whatever the config says
    #[arg(long, overrides_with = "isolate")]
    pub no_isolate: bool,

    /// Sign out of the console first (its sign-out page then goes on to the new sign-in): one
    /// console session at a time, without isolation
    #[arg(long)]
    pub logout_first: bool,

    /// Reuse cached credentials only while they have more than this left: the console session
    /// lasts as long as the credentials (e.g. 30m, 2h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30m")]
    pub min_valid: Duration,

    #[command(flatten)]
    pub sign_in: SignInPolicyArgs,
}

/// The shells ssoenv can print a completion script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    #[value(alias = "nu")]
    Nushell,
}

#[derive(Clone, Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The prompt hook's timing, shared by `init` (which bakes it into the script) and `hook`.
///
/// `--no-login` is said for the hook, which runs at the prompt rather than when asked.
#[derive(Clone, Debug, Args)]
#[command(mut_arg("no_login", |arg| arg.help(
    "Never sign in from the hook: when the SSO session has ended, only say how to sign in"
)))]
pub struct HookTiming {
    /// Refresh the credentials when they have less than this left (e.g. 10m, 1h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
    pub refresh_before: Duration,

    /// After a failed or cancelled refresh or sign-in, wait this long before the hook tries again
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5m")]
    pub retry_after: Duration,

    #[command(flatten)]
    pub sign_in: SignInPolicyArgs,
}

#[derive(Clone, Debug, Args)]
pub struct InitArgs {
    /// The shell to print the integration for: bash, zsh, fish, powershell (pwsh), nushell (nu),
    /// elvish or xonsh. POSIX sh, tcsh and cmd.exe have no integration; use the export there.
    #[arg(value_enum, hide_possible_values = true)]
    pub shell: Shell,

    #[command(flatten)]
    pub timing: HookTiming,

    /// The ssoenv the script runs [default: this executable's absolute path]. For tests,
    /// wrappers (for example one that counts runs) and packages that render the script for the
    /// installed path; the path is quoted for the shell.
    #[arg(long, value_name = "PATH", hide = true)]
    pub ssoenv_path: Option<std::path::PathBuf>,
}

#[derive(Clone, Debug, Args)]
pub struct DirenvArgs {
    /// The ssoenv the function runs [default: this executable's absolute path]; as for `init`.
    #[arg(long, value_name = "PATH", hide = true)]
    pub ssoenv_path: Option<std::path::PathBuf>,
}

#[derive(Clone, Debug, Args)]
pub struct UnsetArgs {
    /// The shell to print for [default: the calling shell, then $SHELL, then sh]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,
}

/// `ssoenv hook SHELL …`: run by the init script, never by hand. Its output is evaluated by the
/// hook, whatever the outcome.
#[derive(Clone, Debug, Args)]
pub struct HookArgs {
    #[arg(value_enum)]
    pub shell: Shell,

    #[command(flatten)]
    pub timing: HookTiming,

    /// No refresh before this time (Unix epoch seconds; empty: none): the back-off after a
    /// failure, kept by the shell in a variable of its own
    #[arg(long, value_name = "EPOCH_SECONDS")]
    pub backoff_until: Option<String>,

    /// The previous refresh never finished (Ctrl-C): back off and say so, without refreshing
    #[arg(long)]
    pub interrupted: bool,
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

    fn separated(args: &[&str]) -> Vec<String> {
        with_exec_separator(args.iter().map(OsString::from))
            .into_iter()
            .map(|arg| arg.into_string().unwrap())
            .collect()
    }

    #[test]
    fn exec_reads_the_word_after_the_profile_as_the_command() {
        assert_eq!(
            separated(&["ssoenv", "exec", "p", "env", "-0"]),
            ["ssoenv", "exec", "p", "--", "env", "-0"]
        );
        assert_eq!(
            separated(&[
                "ssoenv",
                "--debug",
                "exec",
                "--min-valid",
                "1h",
                "p",
                "aws",
                "--min-valid"
            ]),
            [
                "ssoenv",
                "--debug",
                "exec",
                "--min-valid",
                "1h",
                "p",
                "--",
                "aws",
                "--min-valid"
            ]
        );
        assert_eq!(
            separated(&[
                "ssoenv",
                "exec",
                "--no-login",
                "--min-remaining=2h",
                "p",
                "ls"
            ]),
            [
                "ssoenv",
                "exec",
                "--no-login",
                "--min-remaining=2h",
                "p",
                "--",
                "ls"
            ]
        );
        for unchanged in [
            &["ssoenv", "exec", "p", "--", "env"][..],
            &["ssoenv", "exec", "p"],
            &["ssoenv", "exec", "p", "--", "a", "--"],
            &["ssoenv", "p", "exec"],
            &["ssoenv", "status", "exec", "x"],
        ] {
            assert_eq!(separated(unchanged), unchanged, "{unchanged:?}");
        }
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
        assert_eq!(
            cli.export.credentials.profile.as_deref(),
            Some("my-profile")
        );
    }
}
