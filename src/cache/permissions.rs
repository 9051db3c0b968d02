//! Cache directories other users can write to. Whoever can write to `~/.aws/sso/cache` can plant
//! a token (ssoenv would then fetch credentials as *their* user) or replace a file ssoenv is
//! about to read; whoever can write to `~/.aws/cli/cache` can plant credentials that ssoenv
//! exports into the shell. The same holds for every directory above them up to `~/.aws` (whoever
//! can write `~/.aws` can rename `sso` away and put their own in its place), and for a directory
//! another user owns (its owner can always change it). ssoenv keeps working (the AWS CLI creates
//! these directories 0755 and does not check either), but says so on stderr, once per directory
//! and run, with the fix.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Directories already looked at in this process, so that the warning comes once and the fast
/// path pays for one `stat` per directory at most. A handful at most (the cache directories and
/// those above them): a list, which unlike a hashed set needs no random seed from the kernel.
static CHECKED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Warnings kept instead of printed, while [`hold_warnings`] is in force.
static HELD: Mutex<Option<Vec<String>>> = Mutex::new(None);

/// Keeps the warnings of this module from now on instead of printing them, until
/// [`release_warnings`]. The front executable reads the caches and may then hand the run over to
/// the whole program, which reads them again: only the one that answers may warn.
pub fn hold_warnings() {
    *HELD.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
}

/// The warnings kept since [`hold_warnings`], for the caller to print; later ones are printed.
pub fn release_warnings() -> Vec<String> {
    HELD.lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .unwrap_or_default()
}

fn warn(message: String) {
    match HELD.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        Some(held) => held.push(message),
        None => eprintln!("{message}"),
    }
}

/// Warns on stderr about `dir` and each directory above it up to the one named `.aws` (followed
/// if they are symbolic links) that other users can write to, or that another user owns.
/// Missing directories and errors are silent: reading the files reports those.
pub fn warn_if_writable_by_others(dir: &Path) {
    for dir in dir.ancestors().take(3) {
        warn_once(dir);
        if dir.file_name().is_some_and(|name| name == ".aws") {
            break;
        }
    }
}

fn warn_once(dir: &Path) {
    {
        let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
        // Looked up before a copy is made: `list` reads thousands of files in one directory.
        if checked.iter().any(|checked| checked == dir) {
            return;
        }
        checked.push(dir.to_path_buf());
    }
    let Ok(metadata) = std::fs::metadata(dir) else {
        return;
    };
    if let Some(mode) = shared_write_mode(&metadata) {
        warn(format!(
            "ssoenv: warning: the cache directory {} can be written by other users (mode {mode:03o}), who could plant tokens or credentials there; fix it with: chmod go-w {}",
            dir.display(),
            dir.display()
        ));
    }
    if let Some(owner) = owned_by_another_user(&metadata) {
        warn(format!(
            "ssoenv: warning: the cache directory {} belongs to another user (uid {owner}), who could plant tokens or credentials there; make it yours with: chown \"$(id -u)\" {}",
            dir.display(),
            dir.display()
        ));
    }
}

/// Whether someone other than the user ssoenv runs as can change the file `metadata` describes:
/// another owner, or group or other write permission. (On a system without Unix permissions,
/// nobody is known to.)
pub fn others_can_change(metadata: &std::fs::Metadata) -> bool {
    shared_write_mode(metadata).is_some() || owned_by_another_user(metadata).is_some()
}

/// The owner of a file when it is not the user ssoenv runs as.
#[cfg(unix)]
fn owned_by_another_user(metadata: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let owner = metadata.uid();
    // SAFETY: geteuid has no preconditions and cannot fail.
    (owner != unsafe { libc::geteuid() }).then_some(owner)
}

#[cfg(not(unix))]
fn owned_by_another_user(_metadata: &std::fs::Metadata) -> Option<u32> {
    None
}

/// The permission bits of `dir` if they let the group or others write.
pub fn writable_by_others(dir: &Path) -> Option<u32> {
    shared_write_mode(&std::fs::metadata(dir).ok()?)
}

/// The permission bits of a file if they let the group or others write.
#[cfg(unix)]
fn shared_write_mode(metadata: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    (mode & 0o022 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn shared_write_mode(_metadata: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn group_or_world_write_is_found() {
        let dir = tempfile::tempdir().unwrap();
        for (mode, shared) in [(0o700, false), (0o755, false), (0o775, true), (0o757, true)] {
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(writable_by_others(dir.path()).is_some(), shared, "{mode:o}");
        }
        assert_eq!(writable_by_others(&dir.path().join("missing")), None);
    }
}
