//! A spinner with the elapsed time on stderr while a sign-in waits, drawn only when stderr is a
//! terminal (a log file gets no control characters).

use std::io::{IsTerminal, Write};
use std::time::Instant;

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

pub struct Spinner {
    message: String,
    started: Instant,
    frame: usize,
    enabled: bool,
    drawn: bool,
}

impl Spinner {
    pub fn new(message: impl Into<String>) -> Spinner {
        Spinner {
            message: message.into(),
            started: Instant::now(),
            frame: 0,
            enabled: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    /// Draws the next frame; cheap enough to call every 50 ms.
    pub fn tick(&mut self) {
        if !self.enabled {
            return;
        }
        self.frame = (self.frame + 1) % (FRAMES.len() * 2);
        let seconds = self.started.elapsed().as_secs();
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2K{} {} {}s",
            FRAMES[self.frame / 2],
            self.message,
            seconds
        );
        let _ = stderr.flush();
        self.drawn = true;
    }

    /// Removes the spinner line.
    pub fn clear(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.clear();
    }
}
