//! Running ssoenv with its stderr on a pseudo-terminal, as in an interactive shell: that is when
//! it signs in, draws its spinner, and when a user reads what it says.

use std::io::Read;
use std::os::fd::OwnedFd;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What the child wrote to its terminal, collected by a thread until the terminal closes.
pub struct TerminalOutput {
    buffer: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl TerminalOutput {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }

    /// Waits until the child and every process that inherited the terminal closed it.
    pub fn finish(mut self) -> String {
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.text()
    }
}

/// Spawns `command` with stderr on a fresh pseudo-terminal; stdout stays a pipe.
pub fn spawn_with_terminal_stderr(command: &mut Command) -> (Child, TerminalOutput) {
    let (child, output, _keyboard) = spawn_in_terminal(command, false);
    (child, output)
}

/// Spawns `command` with stdin and stderr on a fresh pseudo-terminal (stdout stays a pipe), and
/// returns what the user would type into: writes to it arrive on the child's stdin.
pub fn spawn_with_terminal_stdin_and_stderr(
    command: &mut Command,
) -> (Child, TerminalOutput, std::fs::File) {
    spawn_in_terminal(command, true)
}

fn spawn_in_terminal(
    command: &mut Command,
    with_stdin: bool,
) -> (Child, TerminalOutput, std::fs::File) {
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let master: OwnedFd = pty.master;
    let stdin = if with_stdin {
        Stdio::from(pty.slave.try_clone().expect("dup"))
    } else {
        Stdio::null()
    };
    let child = command
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(pty.slave))
        .spawn()
        .expect("spawn");
    // Drop this process's copies of the terminal's slave end (the Command holds them), so
    // reading ends with EIO once the child and its descendants have exited.
    command.stdin(Stdio::null()).stderr(Stdio::null());
    let keyboard = std::fs::File::from(master.try_clone().expect("dup"));
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    let reader = std::thread::spawn(move || {
        let mut file = std::fs::File::from(master);
        let mut chunk = [0u8; 4096];
        while let Ok(n) = file.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    (
        child,
        TerminalOutput {
            buffer,
            reader: Some(reader),
        },
        keyboard,
    )
}
