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
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let master: OwnedFd = pty.master;
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(pty.slave))
        .spawn()
        .expect("spawn");
    // Drop this process's copy of the terminal's slave end (the Command holds it), so reading
    // ends with EIO once the child and its descendants have exited.
    command.stderr(Stdio::null());
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
    )
}
