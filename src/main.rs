//! `ssoenv`: the front executable (see `ssoenv::front`); `ssoenv-full` is the whole program.

use std::process::ExitCode;

fn main() -> ExitCode {
    ssoenv::hardening::forbid_core_dumps();
    ssoenv::front::main(std::env::args_os().collect())
}
