//! One file per subcommand; each turns parsed arguments into an effect.

pub mod completions;
pub mod configure;
pub mod direnv;
pub mod exec;
pub mod export;
pub mod hook;
pub mod init;
pub mod integration;
pub mod list;
pub mod login;
pub mod logout;
pub mod populate;
pub mod process;
pub mod profile_credentials;
pub mod prompt;
mod signed_in;
pub mod status;
pub mod unset;

use crate::cli::{Cli, Command};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => export::run(&cli.export),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Login(args)) => login::run(&args),
        Some(Command::Logout(args)) => logout::run(&args),
        Some(Command::Configure(args)) => configure::run(&args),
        Some(Command::Populate(args)) => populate::run(&args),
        Some(Command::List(args)) => list::run(&args),
        Some(Command::Status(args)) => status::run(&args),
        Some(Command::Completions(args)) => completions::run(&args),
        Some(Command::Exec(args)) => exec::run(&args),
        Some(Command::Process(args)) => process::run(&args),
        Some(Command::Prompt(args)) => prompt::run(&args),
        Some(Command::Direnv) => direnv::run(),
        Some(Command::Init(args)) => init::run(&args),
        Some(Command::Use(args)) => integration::run_use(&args),
        Some(Command::Off(args)) => integration::run_off(&args),
        Some(Command::Unset(args)) => unset::run(&args),
        Some(Command::Hook(args)) => hook::run(&args),
    }
}
