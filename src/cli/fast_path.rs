//! The fast reading of the command lines that run at every `eval` and every prompt:
//! `ssoenv [PROFILE] [options]`, `ssoenv hook …` and `ssoenv prompt`.
//!
//! Building the full definition (every subcommand and option) costs more than the fast path's own
//! work, so these command lines are first read by definitions holding only them. Anything else,
//! and anything they reject (`--help`, a typo, `--debug`), is left to the full definition in
//! [`super`], so help and error messages are always the full ones. They share the argument
//! structs with the full definition, so both read a command line into the same [`Command`].

use std::ffi::OsString;

use clap::{Parser, Subcommand};

use super::{Command, CommandLine, ExportArgs, HookArgs, PromptArgs};

/// The command line read by the small definitions, or `None` when only the full one can read it.
pub(super) fn read(args: &[OsString]) -> Option<CommandLine> {
    let command = quick_parse(args)?;
    // The small definitions have no `--debug` (an argument they reject goes to the full
    // definition); the variable is read here as the full definition reads it.
    Some(CommandLine {
        command,
        debug: debug_requested_by_environment(),
    })
}

/// `SSOENV_DEBUG` set to anything but an empty or false-like value (`0`, `false`, `no`, `off`, `n`,
/// `f`), as clap's `FalseyValueParser` reads it for `--debug`.
fn debug_requested_by_environment() -> bool {
    std::env::var("SSOENV_DEBUG").is_ok_and(|value| {
        let value = value.trim().to_ascii_lowercase();
        !matches!(
            value.as_str(),
            "" | "0" | "false" | "no" | "off" | "n" | "f"
        )
    })
}

fn quick_parse(args: &[OsString]) -> Option<Command> {
    let first = args.get(1).map(|arg| arg.to_str());
    match first {
        Some(Some("hook" | "prompt")) => PromptCommandLine::try_parse_from(args)
            .ok()
            .map(|line| line.command.into()),
        // A subcommand, or a word that is not UTF-8: only the full definition knows.
        Some(Some(word)) if Command::has_subcommand(word) || word == "help" => None,
        Some(None) => None,
        _ => ExportCommandLine::try_parse_from(args)
            .ok()
            .map(|line| Command::Export(line.export)),
    }
}

/// Only the default command, for [`quick_parse`].
#[derive(Debug, Parser)]
#[command(name = "ssoenv", disable_help_flag = true)]
struct ExportCommandLine {
    #[command(flatten)]
    export: ExportArgs,
}

/// Only what the prompt hook runs, for [`quick_parse`].
#[derive(Debug, Parser)]
#[command(
    name = "ssoenv",
    disable_help_flag = true,
    disable_help_subcommand = true
)]
struct PromptCommandLine {
    #[command(subcommand)]
    command: PromptCommand,
}

#[derive(Debug, Subcommand)]
enum PromptCommand {
    Hook(HookArgs),
    Prompt(PromptArgs),
}

impl From<PromptCommand> for Command {
    fn from(command: PromptCommand) -> Command {
        match command {
            PromptCommand::Hook(args) => Command::Hook(args),
            PromptCommand::Prompt(args) => Command::Prompt(args),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;

    fn quick_and_full(line: &str) -> (Option<String>, String) {
        let args: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        let quick = quick_parse(&args).map(|command| format!("{command:?}"));
        let full = Cli::try_parse_from(&args)
            .map(|cli| format!("{:?}", cli.into_command()))
            .unwrap_or_else(|error| format!("error: {}", error.kind()));
        (quick, full)
    }

    /// Whatever the quick definitions accept, they read exactly as the full one does.
    #[test]
    fn the_quick_reading_agrees_with_the_full_one() {
        for line in [
            "ssoenv",
            "ssoenv my-dev-profile",
            "ssoenv my-dev-profile --shell fish --min-valid 20m",
            "ssoenv --shell bash my-dev-profile",
            "ssoenv --format json p",
            "ssoenv p --min-remaining 1h --no-login --use-device-code",
            "ssoenv hook fish --refresh-before 10m --backoff-until 12",
            "ssoenv hook bash --interrupted",
            "ssoenv prompt --format {profile}",
            "ssoenv prompt",
        ] {
            let (quick, full) = quick_and_full(line);
            assert_eq!(quick.as_deref(), Some(full.as_str()), "{line}");
        }
    }

    /// Help, version, subcommands and mistakes are left to the full definition.
    #[test]
    fn the_quick_reading_leaves_the_rest_to_the_full_one() {
        for line in [
            "ssoenv --help",
            "ssoenv -h",
            "ssoenv --version",
            "ssoenv help",
            "ssoenv login p",
            "ssoenv export p",
            "ssoenv p --bogus",
            "ssoenv hook --help",
            "ssoenv prompt --bogus",
        ] {
            let (quick, _) = quick_and_full(line);
            assert_eq!(quick, None, "{line}");
        }
    }
}
