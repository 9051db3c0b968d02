//! One file per subcommand; each turns parsed arguments into an effect.
//!
//! What several commands need lives in the shared modules below, never in a command's file: a
//! command imports shared modules only, never another command, so each can be read, changed or
//! removed on its own.

// The commands.
pub mod completions;
pub mod configure;
pub mod console;
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
pub mod prompt;
pub mod serve;
pub mod status;
pub mod unset;

// Shared by several commands.
pub mod credential_endpoint;
pub mod hook_timing;
pub mod output;
pub mod profile_credentials;
pub mod sign_in;

use crate::cli::Command;

/// Runs the command the user asked for.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Export(args) => export::run(&args),
        Command::Login(args) => login::run(&args),
        Command::Logout(args) => logout::run(&args),
        Command::Configure(args) => configure::run(&args),
        Command::Populate(args) => populate::run(&args),
        Command::List(args) => list::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Exec(args) => exec::run(&args),
        Command::Process(args) => process::run(&args),
        Command::Prompt(args) => prompt::run(&args),
        Command::Direnv(args) => direnv::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Use(args) => integration::run_use(&args),
        Command::Off(args) => integration::run_off(&args),
        Command::Unset(args) => unset::run(&args),
        Command::Hook(args) => hook::run(&args),
        Command::Console(args) => console::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}
