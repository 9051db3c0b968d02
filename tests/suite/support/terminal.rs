//! The pseudo-terminal driver: a program run on a terminal of its own, as a person at a keyboard
//! runs it. Either the program is interactive (a shell, the `configure` wizard: the terminal is
//! its stdin, stdout and stderr, and it leads a session of its own, so Ctrl-C, job control and
//! "is this a terminal" behave as for a user), or it is ssoenv under `eval "$(…)"`: stderr (and
//! stdin, when the user types something) on the terminal, stdout a pipe.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long any one step may take before the test fails (a sign-in included), and how long a
/// program gets to end once the test is done with it.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// Which of the program's standard streams are the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attach {
    /// stdin, stdout and stderr, with the program as the leader of a new session whose
    /// controlling terminal this is: an interactive shell or program.
    Interactive,
    /// stderr only; stdout is a pipe and stdin is empty: `eval "$(ssoenv …)"` at a prompt.
    Stderr,
    /// stdin and stderr; stdout is a pipe: the same when the user is asked to type something.
    StdinAndStderr,
}

/// What the reader thread collected: every byte the terminal showed, and whether the terminal
/// closed (every process holding it is gone).
#[derive(Default)]
struct Shown {
    bytes: Vec<u8>,
    closed: bool,
}

/// A program on a pseudo-terminal (200 columns, so that nothing the tests type wraps), with
/// everything the terminal showed so far.
pub struct Terminal {
    master: File,
    child: Child,
    attach: Attach,
    shown: Arc<(Mutex<Shown>, Condvar)>,
    stdout: Option<JoinHandle<Vec<u8>>>,
    /// How much of the screen text the test has already looked at (see [`Terminal::expect`]).
    seen: usize,
}

impl Terminal {
    /// Starts `command` on a new terminal, attached as `attach` says.
    pub fn spawn(command: &mut Command, attach: Attach) -> Terminal {
        let (master, slave) = open_terminal();
        let on_terminal = || Stdio::from(slave.try_clone().expect("dup the terminal"));
        match attach {
            Attach::Interactive => {
                command
                    .stdin(on_terminal())
                    .stdout(on_terminal())
                    .stderr(on_terminal());
                // SAFETY: only async-signal-safe calls (setsid, ioctl) between fork and exec.
                unsafe {
                    command.pre_exec(|| {
                        nix::unistd::setsid().map_err(std::io::Error::from)?;
                        if nix::libc::ioctl(0, nix::libc::TIOCSCTTY as _, 0) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        Ok(())
                    });
                }
            }
            Attach::Stderr | Attach::StdinAndStderr => {
                let stdin = if attach == Attach::StdinAndStderr {
                    on_terminal()
                } else {
                    Stdio::null()
                };
                command
                    .stdin(stdin)
                    .stdout(Stdio::piped())
                    .stderr(on_terminal());
            }
        }
        let spawned = command.spawn();
        // Drop every copy of the terminal's slave end in this process (the Command holds some),
        // so that reading ends once the program and everything it started have closed theirs.
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        drop(slave);
        let mut child = spawned.unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
        let stdout = child.stdout.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        });

        let shown: Arc<(Mutex<Shown>, Condvar)> = Arc::default();
        let mut reader = master.try_clone().expect("dup the terminal");
        let mut answers = master.try_clone().expect("dup the terminal");
        let sink = Arc::clone(&shown);
        // Ends when the last process holding the terminal is gone (read fails with EIO).
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = reader.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                // Nushell's line editor asks where the cursor is and waits for the answer.
                let queries = chunk[..n].windows(4).filter(|w| w == b"\x1b[6n").count();
                for _ in 0..queries {
                    let _ = answers.write_all(b"\x1b[1;1R");
                }
                let (shown, changed) = &*sink;
                shown.lock().unwrap().bytes.extend_from_slice(&chunk[..n]);
                changed.notify_all();
            }
            let (shown, changed) = &*sink;
            shown.lock().unwrap().closed = true;
            changed.notify_all();
        });
        Terminal {
            master,
            child,
            attach,
            shown,
            stdout,
            seen: 0,
        }
    }

    /// Types `keys` ("\r" is Enter, "\x03" Ctrl-C, "\x1b[B" the Down arrow, "\t" Tab).
    pub fn send(&mut self, keys: &str) {
        self.master
            .write_all(keys.as_bytes())
            .and_then(|()| self.master.flush())
            .expect("write to the terminal");
    }

    /// Waits for `needle` on the screen (escape sequences removed) after the point the previous
    /// wait matched, and returns the screen text from there up to and including it.
    pub fn expect(&mut self, needle: &str) -> String {
        self.expect_within(needle, STEP_TIMEOUT)
    }

    pub fn expect_within(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let (shown, changed) = &*self.shown;
        let mut guard = shown.lock().unwrap();
        loop {
            let screen = screen_text(&guard.bytes);
            let fresh = screen.get(self.seen..).unwrap_or_default();
            if let Some(at) = fresh.find(needle) {
                let end = at + needle.len();
                self.seen += end;
                return fresh[..end].to_string();
            }
            let now = Instant::now();
            if now >= deadline {
                drop(guard);
                panic!(
                    "no {needle:?} within {timeout:?}; the terminal showed since the last step:\n{}",
                    self.screen_since_seen()
                );
            }
            guard = changed.wait_timeout(guard, deadline - now).unwrap().0;
        }
    }

    /// Waits for `question`, gives the program a moment to finish drawing (and a menu to
    /// switch the terminal's mode), then types `keys`: a person reads before typing.
    pub fn answer(&mut self, question: &str, keys: &str) {
        self.expect(question);
        std::thread::sleep(Duration::from_millis(300));
        self.send(keys);
    }

    /// Everything the terminal showed so far, escape sequences removed.
    pub fn screen(&self) -> String {
        screen_text(&self.shown.0.lock().unwrap().bytes)
    }

    /// The last few thousand characters of the screen since the last step, without the sign-in
    /// spinner's redraws: for failure messages.
    fn screen_since_seen(&self) -> String {
        let screen = screen_text(&self.shown.0.lock().unwrap().bytes);
        let text = screen
            .get(self.seen..)
            .unwrap_or_default()
            .split('\r')
            .filter(|piece| !piece.contains("Waiting for"))
            .collect::<Vec<_>>()
            .join("\r");
        let chars: Vec<char> = text.chars().collect();
        chars[chars.len().saturating_sub(4000)..].iter().collect()
    }

    /// Waits (up to [`STEP_TIMEOUT`], then kills it) for the program to end and for the
    /// terminal to close, and returns what it left.
    pub fn finish(mut self) -> Finished {
        let deadline = Instant::now() + STEP_TIMEOUT;
        let status = loop {
            match self.child.try_wait().expect("wait for the program") {
                Some(status) => break Some(status),
                None if Instant::now() >= deadline => {
                    self.kill();
                    break None;
                }
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        let stdout = self
            .stdout
            .take()
            .map(|reader| reader.join().expect("read stdout"))
            .unwrap_or_default();
        let (shown, changed) = &*self.shown;
        let mut guard = shown.lock().unwrap();
        while !guard.closed && Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            guard = changed.wait_timeout(guard, left).unwrap().0;
        }
        Finished {
            code: status.and_then(|status| status.code()),
            stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
            screen: screen_text(&guard.bytes),
            raw: String::from_utf8_lossy(&guard.bytes).into_owned(),
        }
    }

    /// Ends the program now, and for an interactive one everything it started (its process
    /// group).
    pub fn kill(&mut self) {
        if self.attach == Attach::Interactive {
            let group = nix::unistd::Pid::from_raw(self.child.id() as i32);
            let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.kill();
        }
    }
}

/// What a program left on its terminal when it ended.
pub struct Finished {
    /// Its exit status; `None` when a signal ended it, or it did not end in time and was
    /// killed.
    pub code: Option<i32>,
    /// Its stdout, when that was a pipe.
    pub stdout: String,
    /// Everything the terminal showed, escape sequences removed.
    pub screen: String,
    /// The same with the escape sequences left in.
    pub raw: String,
}

/// A new pseudo-terminal, both ends close-on-exec so that no other test's child inherits them
/// (a stray copy of the slave end would keep the terminal open after the program ended).
fn open_terminal() -> (File, OwnedFd) {
    use nix::fcntl::OFlag;
    let master = nix::pty::posix_openpt(OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC)
        .expect("posix_openpt");
    nix::pty::grantpt(&master).expect("grantpt");
    nix::pty::unlockpt(&master).expect("unlockpt");
    let slave_path = nix::pty::ptsname_r(&master).expect("ptsname");
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(nix::libc::O_NOCTTY)
        .open(&slave_path)
        .unwrap_or_else(|error| panic!("{slave_path}: {error}"));
    let size = nix::libc::winsize {
        ws_row: 50,
        ws_col: 200,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ reads one winsize from the pointer, which outlives the call.
    let set = unsafe { nix::libc::ioctl(slave.as_raw_fd(), nix::libc::TIOCSWINSZ, &size) };
    assert_eq!(set, 0, "set the terminal size");
    (File::from(OwnedFd::from(master)), OwnedFd::from(slave))
}

/// The text a terminal shows for `bytes`: decoded as UTF-8 and without escape sequences (CSI:
/// cursor moves, colours, clearing; OSC: window titles; character sets; keypad modes). A
/// multibyte character or an escape sequence cut off at the end is left out until the rest
/// arrives, so the text only ever grows as bytes are appended.
pub fn screen_text(bytes: &[u8]) -> String {
    let complete = match std::str::from_utf8(bytes) {
        Err(error) if error.error_len().is_none() => &bytes[..error.valid_up_to()],
        _ => bytes,
    };
    let text = String::from_utf8_lossy(complete);
    let chars: Vec<char> = text.chars().collect();
    let mut screen = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\x1b' {
            screen.push(chars[i]);
            i += 1;
            continue;
        }
        match escape_length(&chars[i..]) {
            Escape::Length(n) => i += n,
            Escape::Unfinished => break,
            Escape::NotOne => {
                screen.push('\x1b');
                i += 1;
            }
        }
    }
    screen
}

enum Escape {
    /// An escape sequence this many characters long.
    Length(usize),
    /// The start of one, cut off at the end of the text.
    Unfinished,
    /// An escape character that starts no sequence.
    NotOne,
}

/// The escape sequence at the start of `chars` (which starts with ESC).
fn escape_length(chars: &[char]) -> Escape {
    let Some(&kind) = chars.get(1) else {
        return Escape::Unfinished;
    };
    match kind {
        // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, a final byte 0x40–0x7E.
        '[' => {
            let mut i = 2;
            while chars.get(i).is_some_and(|c| ('0'..='?').contains(c)) {
                i += 1;
            }
            while chars.get(i).is_some_and(|c| (' '..='/').contains(c)) {
                i += 1;
            }
            match chars.get(i) {
                None => Escape::Unfinished,
                Some(c) if ('@'..='~').contains(c) => Escape::Length(i + 1),
                Some(_) => Escape::NotOne,
            }
        }
        // OSC: anything up to BEL or ESC \.
        ']' => {
            let mut i = 2;
            loop {
                match chars.get(i) {
                    None => return Escape::Unfinished,
                    Some('\x07') => return Escape::Length(i + 1),
                    Some('\x1b') => {
                        return match chars.get(i + 1) {
                            None => Escape::Unfinished,
                            Some('\\') => Escape::Length(i + 2),
                            Some(_) => Escape::NotOne,
                        };
                    }
                    Some(_) => i += 1,
                }
            }
        }
        // Character set designation.
        '(' | ')' => match chars.get(2) {
            None => Escape::Unfinished,
            Some(c) if c.is_ascii_alphanumeric() => Escape::Length(3),
            Some(_) => Escape::NotOne,
        },
        // Keypad modes, saving and restoring the cursor.
        '=' | '>' | '7' | '8' => Escape::Length(2),
        _ => Escape::NotOne,
    }
}
