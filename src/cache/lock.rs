//! Cross-process locks, so that one expired session means one refresh or one browser tab, however
//! many shells ask at the same moment (granted#430, aws-sso-cli#110), and so that two processes
//! never spend the same refresh token.
//!
//! The lock is an advisory `flock` (std's `File::lock`) on a separate, hidden lock file next to the
//! cache file. The kernel drops it when the file is closed, including when the process dies, even
//! by SIGKILL: there is never a stale lock to clean up. The lock file itself is never deleted:
//! deleting it would let a waiter hold a lock on an unlinked file while a newcomer locks a new one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::CacheError;

/// An exclusive advisory lock (std's `File::lock`, `flock` on Unix) on `<dir>/.ssoenv-<key>.lock`,
/// released on drop and by the OS when the process dies (so kill -9 never leaves a stuck lock).
///
/// Locks are per open file, so two `CacheLock`s on the same path exclude each other within one
/// process as well as across processes.
/// A wait for a lock shorter than this goes unmentioned.
pub const QUIET_WAIT: Duration = Duration::from_millis(500);
const QUIET_POLL: Duration = Duration::from_millis(10);

#[derive(Debug)]
pub struct CacheLock {
    // Held only for its open file description: closing it releases the lock.
    _file: File,
    path: PathBuf,
}

impl CacheLock {
    /// Blocks until the lock is ours; calls `on_wait` once if the wait lasts longer than
    /// `QUIET_WAIT` (so callers can say "waiting for another ssoenv…" when another process is
    /// signing in, and say nothing when it is only finishing a sub-second refresh).
    ///
    /// The directory must exist (the cache types create it first).
    pub fn acquire(path: &Path, on_wait: impl FnOnce()) -> Result<CacheLock, CacheError> {
        let file = open_lock_file(path)?;
        let quiet_until = Instant::now() + QUIET_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self::held(file, path)),
                Err(TryLockError::WouldBlock) if Instant::now() < quiet_until => {
                    std::thread::sleep(QUIET_POLL);
                }
                Err(TryLockError::WouldBlock) => break,
                Err(TryLockError::Error(source)) => return Err(lock_error(path, source)),
            }
        }
        on_wait();
        loop {
            match file.lock() {
                Ok(()) => return Ok(Self::held(file, path)),
                // A signal interrupted the wait; keep waiting.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => return Err(lock_error(path, source)),
            }
        }
    }

    /// Takes the lock if nobody holds it; `Ok(None)` if someone does.
    pub fn try_acquire(path: &Path) -> Result<Option<CacheLock>, CacheError> {
        let file = open_lock_file(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self::held(file, path))),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(source)) => Err(lock_error(path, source)),
        }
    }

    /// The lock file this lock is held on.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn held(file: File, path: &Path) -> CacheLock {
        CacheLock {
            _file: file,
            path: path.to_owned(),
        }
    }
}

/// Opens (creating if needed) the lock file. A symbolic link in its place is refused
/// (`O_NOFOLLOW`): whoever planted it could otherwise make ssoenv create files elsewhere.
fn open_lock_file(path: &Path) -> Result<File, CacheError> {
    let mut options = OpenOptions::new();
    // Never truncate: the file carries no data, and another process may hold a lock on it.
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(|source| {
        #[cfg(unix)]
        if source.raw_os_error() == Some(libc::ELOOP) {
            return lock_error(
                path,
                io::Error::other(
                    "it is a symbolic link, which ssoenv does not follow for lock files; delete it",
                ),
            );
        }
        lock_error(path, source)
    })
}

fn lock_error(path: &Path, source: io::Error) -> CacheError {
    CacheError::Lock {
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, mpsc};
    use std::time::Duration;

    #[test]
    fn second_lock_on_same_path_is_refused_until_the_first_drops() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".ssoenv-k.lock");
        let first = CacheLock::try_acquire(&path).unwrap().expect("free lock");
        assert!(CacheLock::try_acquire(&path).unwrap().is_none());
        drop(first);
        assert!(CacheLock::try_acquire(&path).unwrap().is_some());
    }

    #[test]
    fn acquire_waits_for_the_holder_and_says_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".ssoenv-k.lock");
        let held = CacheLock::try_acquire(&path).unwrap().expect("free lock");

        let acquired = Arc::new(AtomicBool::new(false));
        let (waiting_tx, waiting_rx) = mpsc::channel();
        let waiter = {
            let (path, acquired) = (path.clone(), acquired.clone());
            std::thread::spawn(move || {
                let lock = CacheLock::acquire(&path, move || waiting_tx.send(()).unwrap()).unwrap();
                acquired.store(true, Ordering::SeqCst);
                lock
            })
        };
        waiting_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("on_wait was called");
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !acquired.load(Ordering::SeqCst),
            "the waiter got the lock while it was held"
        );
        drop(held);
        let lock = waiter.join().unwrap();
        assert!(acquired.load(Ordering::SeqCst));
        assert!(
            waiting_rx.try_recv().is_err(),
            "on_wait is called only once"
        );
        assert_eq!(lock.path(), path);
    }

    #[test]
    fn free_lock_does_not_call_on_wait() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".ssoenv-k.lock");
        let mut waited = false;
        let _lock = CacheLock::acquire(&path, || waited = true).unwrap();
        assert!(!waited);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_in_place_of_the_lock_file_is_refused_and_its_target_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        let path = dir.path().join(".ssoenv-k.lock");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = CacheLock::try_acquire(&path).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!target.exists());
    }

    #[test]
    fn missing_directory_is_an_error_naming_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent").join(".ssoenv-k.lock");
        let err = CacheLock::try_acquire(&path).unwrap_err();
        assert!(err.to_string().contains(".ssoenv-k.lock"), "{err}");
    }
}
