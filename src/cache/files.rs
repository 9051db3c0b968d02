//! Writing cache files so that nobody ever reads half of one, and nobody else can read them.
//!
//! Non-atomic writers corrupt the shared token cache when two processes write at once
//! (botocore#3213, aws-cli#9632). We write into a fresh private temporary file in the same
//! directory and `rename` it over the destination: readers see the old file or the new one, never
//! a mix, and a crash leaves at most a stray `.tmp` file that no AWS tool reads.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Creates `dir` and its missing parents. Directories created here get mode 0700 (tokens and
/// credentials live in them); directories that already exist are left as they are, since the AWS
/// CLI creates them 0755 and the user may have chosen otherwise.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    // Find the missing ancestors, then create them top-down, one level at a time, so that we know
    // exactly which ones are ours to make private.
    let mut missing: Vec<&Path> = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current {
        if path.as_os_str().is_empty() || path.is_dir() {
            break;
        }
        missing.push(path);
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        match create_private_dir(path) {
            Ok(()) => {}
            // Another process created it between our check and now: theirs, leave it alone.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    fs::DirBuilder::new().mode(0o700).create(path)?;
    // The umask may have removed more bits than we asked for; 0700 is what we mean.
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn create_private_dir(path: &Path) -> io::Result<()> {
    fs::DirBuilder::new().create(path)
}

/// Replaces `path` with `bytes` atomically.
///
/// The bytes go to a new file in the same directory (same file system, so `rename` is atomic),
/// created exclusively (`O_EXCL`, so a planted file or symlink is never reused) with mode 0600,
/// then are flushed to disk and renamed over `path`. `rename` replaces a symlink at `path` rather
/// than writing through it. On any error the temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with_permissions(path, bytes, None)
}

/// [`write_atomic`], with the file ending up with `permissions` instead of 0600: editing a file
/// the user owns (the AWS config file) keeps the mode they gave it. The temporary file is private
/// until its content is complete and gets the permissions just before the rename.
pub fn write_atomic_with_permissions(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    write_atomic_as(path, bytes, permissions, Durability::Synced)
}

/// [`write_atomic`] without flushing to disk, for a file ssoenv can always rebuild from others
/// (an index): after a power cut it may be empty or missing, never half-written, and its reader
/// takes either for "not there". A flush costs milliseconds on a disk, paid by a hot command.
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_as(path, bytes, None, Durability::Unsynced)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Durability {
    Synced,
    Unsynced,
}

fn write_atomic_as(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
    durability: Durability,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        )
    })?;
    let (temp_path, file) = create_temp_file(dir, &file_name.to_string_lossy())?;
    if let Err(e) = fill_and_rename(file, bytes, permissions, durability, &temp_path, path) {
        let _ = fs::remove_file(&temp_path);
        return Err(e);
    }
    // Make the rename itself durable; a failure here loses nothing that is not already on disk.
    #[cfg(unix)]
    if durability == Durability::Synced
        && let Ok(dir) = File::open(dir)
    {
        let _ = dir.sync_all();
    }
    remove_stale_temp_files(dir, &file_name.to_string_lossy());
    Ok(())
}

/// Deletes the temporary files of `name` that writers killed before their `rename` left behind
/// (`kill -9`, a power cut): those whose process is gone. Files of a live process, which may be
/// writing right now, stay. Best effort: a file that cannot be listed or deleted is left.
fn remove_stale_temp_files(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|n| n.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !process_is_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id exists (signal 0 checks without sending anything).
#[cfg(unix)]
fn process_is_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only asks the kernel whether the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_is_alive(_pid: u32) -> bool {
    true
}

fn fill_and_rename(
    mut file: File,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
    durability: Durability,
    temp_path: &Path,
    path: &Path,
) -> io::Result<()> {
    file.write_all(bytes)?;
    if let Some(permissions) = permissions {
        file.set_permissions(permissions)?;
    }
    if durability == Durability::Synced {
        file.sync_all()?;
    }
    drop(file);
    fs::rename(temp_path, path)
}

/// A new, empty, private file `.<name>.<pid>.<counter>.<nanos>.tmp` in `dir`.
///
/// The name is hidden and does not end in `.json`, so no AWS tool mistakes a leftover for a cache
/// entry. Uniqueness within the process comes from the counter, across processes from the pid, and
/// `create_new` (O_EXCL) guarantees it regardless; a collision just moves to the next name.
fn create_temp_file(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last_error = None;
    for _ in 0..100 {
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp_path = dir.join(format!(
            ".{name}.{}.{count}.{nanos}.tmp",
            std::process::id()
        ));
        match open_private_new(&temp_path) {
            Ok(file) => return Ok((temp_path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

#[cfg(unix)]
fn open_private_new(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    // Exactly 0600 whatever the umask, like the files the AWS CLI writes.
    if let Err(e) = file.set_permissions(fs::Permissions::from_mode(0o600)) {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(e);
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open_private_new(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn creates_missing_dirs_private_and_leaves_existing_ones() {
        let home = tempfile::tempdir().unwrap();
        let aws = home.path().join(".aws");
        fs::create_dir(&aws).unwrap();
        fs::set_permissions(&aws, fs::Permissions::from_mode(0o755)).unwrap();
        let cache = aws.join("sso").join("cache");
        ensure_private_dir(&cache).unwrap();
        assert_eq!(mode(&aws), 0o755);
        assert_eq!(mode(&aws.join("sso")), 0o700);
        assert_eq!(mode(&cache), 0o700);
        // Existing: untouched, and no error.
        fs::set_permissions(&cache, fs::Permissions::from_mode(0o750)).unwrap();
        ensure_private_dir(&cache).unwrap();
        assert_eq!(mode(&cache), 0o750);
    }

    #[test]
    fn writes_private_file_and_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.json");
        write_atomic(&path, b"first, longer content").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["k.json"], "no temporary file is left behind");
    }

    #[test]
    fn temporary_files_of_dead_writers_are_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.json");
        // pid_max is at most 2^22 on Linux: no process has this id.
        let dead = dir.path().join(".k.json.4294967.0.1.tmp");
        let alive = dir
            .path()
            .join(format!(".k.json.{}.99.1.tmp", std::process::id()));
        let other = dir.path().join(".other.json.4294967.0.1.tmp");
        for file in [&dead, &alive, &other] {
            fs::write(file, "partial").unwrap();
        }
        write_atomic(&path, b"data").unwrap();
        assert!(!dead.exists(), "a dead writer's file is removed");
        assert!(alive.exists(), "a live writer's file stays");
        assert!(
            other.exists(),
            "another cache file's temporaries are left to its writers"
        );
    }

    #[test]
    fn failed_write_leaves_destination_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty directory at the destination makes the final rename fail.
        let path = dir.path().join("k.json");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("inside"), "x").unwrap();
        assert!(write_atomic(&path, b"data").is_err());
        assert!(path.is_dir());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["k.json"]);
    }
}
