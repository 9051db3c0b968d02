//! Where ssoenv keeps files of its own that it can always rebuild (the AWS CLI's caches are in
//! [`crate::cache`]).

use std::path::PathBuf;

/// `ssoenv` in the user's cache directory: `$XDG_CACHE_HOME` (when absolute), else `~/.cache`
/// (`~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows). `None` without a home.
pub fn ssoenv_cache_dir() -> Option<PathBuf> {
    let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    let cache = match set("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
    {
        Some(dir) => dir,
        None if cfg!(windows) => PathBuf::from(set("LOCALAPPDATA")?),
        None => {
            let home = PathBuf::from(set("HOME")?);
            if cfg!(target_os = "macos") {
                home.join("Library").join("Caches")
            } else {
                home.join(".cache")
            }
        }
    };
    Some(cache.join("ssoenv"))
}
