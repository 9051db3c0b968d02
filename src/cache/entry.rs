//! One cache-entry shape: [`CacheEntry`] is what a kind of file must say (how to read it, how the
//! AWS CLI writes it), [`Cache`] is everything else, the same for every kind: file names, lenient
//! loading, atomic private writes, removal, listing and cross-process locks.
//!
//! The kinds (`token`, `registration`, `role_credentials`, `assumed_role`) then hold only their
//! format and what is particular to them, so a rule about files (the size limit, FIFOs, symbolic
//! links, modes) is written once and holds for all of them.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::io;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use super::files::{ensure_private_dir, write_atomic};
use super::{CacheError, CacheLock, permissions};

/// A kind of cache file: its reading rules and its byte layout.
pub trait CacheEntry: Sized {
    /// Reads a file written by any tool, leniently (unknown keys, any key order, pretty-printed
    /// JSON, every timestamp form). `None` means "no usable entry": garbage, an empty, truncated or
    /// half-overwritten file, or one that lacks what the kind needs. Never panics.
    fn from_cache_bytes(bytes: &[u8]) -> Option<Self>;

    /// The exact bytes the AWS CLI writes for this entry.
    fn to_cache_bytes(&self) -> String;
}

/// The files of one kind `E` in one directory, each `<dir>/<key>.json`, with its lock
/// `<dir>/.ssoenv-<key>.lock`.
#[derive(Clone, Debug)]
pub struct Cache<E> {
    dir: PathBuf,
    // `fn() -> E`: the cache makes entries, it holds none, so it is `Send` and `Sync` whatever
    // `E` is.
    kind: PhantomData<fn() -> E>,
}

impl<E> Cache<E> {
    pub fn new(dir: PathBuf) -> Self {
        Cache {
            dir,
            kind: PhantomData,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/<key>.json`, the file name every AWS tool uses for a cache key.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// `<dir>/.ssoenv-<key>.lock`: hidden and not `*.json`, so no AWS tool ever reads or deletes
    /// it.
    pub fn lock_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!(".ssoenv-{key}.lock"))
    }

    /// Deletes the file of `key`; one that is already gone is fine.
    pub fn remove(&self, key: &str) -> Result<(), CacheError> {
        remove_if_exists(&self.path(key))
    }

    /// Blocks until this process is the only ssoenv working on `key` (refreshing, fetching,
    /// signing in). Take it, then load again, then decide: another process may have just written
    /// the entry.
    pub fn lock(&self, key: &str) -> Result<CacheLock, CacheError> {
        self.lock_with(key, || {})
    }

    /// [`Cache::lock`], calling `on_wait` once if another process holds the lock for long (so
    /// the caller can say what it waits for).
    pub fn lock_with(&self, key: &str, on_wait: impl FnOnce()) -> Result<CacheLock, CacheError> {
        self.ensure_dir()?;
        CacheLock::acquire(&self.lock_path(key), on_wait)
    }

    /// Creates the directory if needed (0700), with an error that names it.
    pub(super) fn ensure_dir(&self) -> Result<(), CacheError> {
        ensure_private_dir(&self.dir).map_err(|source| CacheError::CreateDir {
            path: self.dir.clone(),
            source,
        })
    }
}

impl<E: CacheEntry> Cache<E> {
    /// The entry of `key`; `Ok(None)` when there is no file or it holds no usable entry (garbage
    /// from another tool means "not cached", not an error). Errors only for a file that exists but
    /// cannot be read.
    pub fn load(&self, key: &str) -> Result<Option<E>, CacheError> {
        Ok(read_if_exists(&self.path(key))?.and_then(|bytes| E::from_cache_bytes(&bytes)))
    }

    /// Writes the entry in the CLI's format, atomically, mode 0600 (the directory is created
    /// 0700 if needed).
    pub fn store(&self, key: &str, entry: &E) -> Result<(), CacheError> {
        self.ensure_dir()?;
        let path = self.path(key);
        write_atomic(&path, entry.to_cache_bytes().as_bytes())
            .map_err(|source| CacheError::Write { path, source })
    }

    /// The keys of the entries in the directory (files named `KEY.json`), without reading them.
    pub fn keys(&self) -> Result<HashSet<String>, CacheError> {
        Ok(json_files(&self.dir)?
            .into_iter()
            .map(|(key, _)| key)
            .collect())
    }

    /// Every readable entry of this kind in the directory with its key, whichever tool wrote it;
    /// files that do not read as this kind (the directories are shared: registrations lie next
    /// to tokens) and garbage are skipped.
    pub fn list(&self) -> Result<Vec<(String, E)>, CacheError> {
        let mut entries = Vec::new();
        for (key, path) in json_files(&self.dir)? {
            if let Some(entry) = read_if_exists(&path)?.and_then(|b| E::from_cache_bytes(&b)) {
                entries.push((key, entry));
            }
        }
        Ok(entries)
    }
}

/// No cache file of any AWS tool comes near this; a larger one is not read (it counts as
/// unusable, like any other garbage), so a huge file cannot make a prompt hook slow or eat memory.
pub const MAX_CACHE_FILE_BYTES: u64 = 1024 * 1024;

/// The file's bytes, or `None` if it does not exist. Any other failure (permissions, a directory
/// in its place) is an error the user has to see, not a silent "not cached". A file larger than
/// [`MAX_CACHE_FILE_BYTES`], or anything but a regular file (a FIFO), reads as empty, which every
/// parser takes as "no usable entry".
///
/// Symbolic links are followed, as every AWS tool follows them (people link `~/.aws` into a
/// dotfiles checkout); writes replace a link rather than writing through it ([`write_atomic`]).
/// The directory is checked once per run for write access by other users ([`permissions`]).
pub(super) fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, CacheError> {
    use std::io::Read;
    if let Some(dir) = path.parent() {
        permissions::warn_if_writable_by_others(dir);
    }
    let read_error = |source| CacheError::Read {
        path: path.to_owned(),
        source,
    };
    let file = match open_without_blocking(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(read_error(source)),
    };
    // A FIFO (or a device, a socket) where a cache file should be would block every run, the
    // prompt hook's included, until someone writes to it: only a regular file is a cache file.
    // (A directory goes on to fail the read with an error that says so.)
    let metadata = file.metadata().map_err(read_error)?;
    let kind = metadata.file_type();
    if !kind.is_file() && !kind.is_dir() {
        crate::debug!("{} is not a regular file: ignored", path.display());
        return Ok(Some(Vec::new()));
    }
    // Room for the whole file: one read instead of one per doubling from 32 bytes.
    let room = metadata.len().min(MAX_CACHE_FILE_BYTES) + 1;
    let mut bytes = Vec::with_capacity(usize::try_from(room).unwrap_or(0));
    file.take(MAX_CACHE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_CACHE_FILE_BYTES {
        crate::debug!(
            "{} is larger than {MAX_CACHE_FILE_BYTES} bytes: not a cache file, ignored",
            path.display()
        );
        return Ok(Some(Vec::new()));
    }
    Ok(Some(bytes))
}

/// Opens `path` for reading without waiting for a writer, should it be a FIFO (Unix).
fn open_without_blocking(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Deletes a file; one that is already gone is fine.
pub(super) fn remove_if_exists(path: &Path) -> Result<(), CacheError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(CacheError::Remove {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The `(key, path)` of every `*.json` file in `dir`, sorted; a missing directory has none.
pub(super) fn json_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, CacheError> {
    let list_error = |source| CacheError::ListDir {
        path: dir.to_owned(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(list_error(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(list_error)?.path();
        if path.extension() != Some(OsStr::new("json")) {
            continue;
        }
        if let Some(key) = path.file_stem().and_then(OsStr::to_str) {
            found.push((key.to_owned(), path.clone()));
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind whose file is its text, for the parts that do not depend on a format.
    #[derive(Clone, Debug, PartialEq)]
    struct Text(String);

    impl CacheEntry for Text {
        fn from_cache_bytes(bytes: &[u8]) -> Option<Self> {
            let text = std::str::from_utf8(bytes).ok()?;
            (!text.is_empty()).then(|| Text(text.to_owned()))
        }

        fn to_cache_bytes(&self) -> String {
            self.0.clone()
        }
    }

    #[test]
    fn paths_follow_the_aws_naming() {
        let cache = Cache::<Text>::new(PathBuf::from("/c"));
        assert_eq!(cache.path("k"), Path::new("/c/k.json"));
        assert_eq!(cache.lock_path("k"), Path::new("/c/.ssoenv-k.lock"));
        assert!(format!("{cache:?}").contains("Text"));
    }

    #[test]
    fn load_store_list_remove() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::<Text>::new(dir.path().join("new"));
        assert_eq!(cache.load("a").unwrap(), None);
        assert!(cache.list().unwrap().is_empty(), "missing directory");
        cache.store("b", &Text("bee".into())).unwrap();
        cache.store("a", &Text("ay".into())).unwrap();
        std::fs::write(cache.path("empty"), "").unwrap();
        std::fs::write(cache.dir().join("c.txt"), "not json-named").unwrap();
        assert_eq!(cache.load("a").unwrap(), Some(Text("ay".into())));
        assert_eq!(cache.load("empty").unwrap(), None, "unusable is not cached");
        let keys: Vec<String> = cache.list().unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b"]);
        cache.remove("a").unwrap();
        cache.remove("a").unwrap();
        assert_eq!(cache.load("a").unwrap(), None);
    }

    #[test]
    fn a_lock_creates_the_directory_but_no_entry() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::<Text>::new(dir.path().join("new"));
        let lock = cache.lock("k").unwrap();
        assert_eq!(lock.path(), cache.lock_path("k"));
        assert!(
            CacheLock::try_acquire(&cache.lock_path("k"))
                .unwrap()
                .is_none()
        );
        assert!(!cache.path("k").exists());
    }

    #[test]
    fn read_error_names_the_file_and_is_not_not_found() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where a file is expected fails with something other than NotFound.
        let path = dir.path().join("abc.json");
        std::fs::create_dir(&path).unwrap();
        let err = read_if_exists(&path).unwrap_err();
        assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
        assert_eq!(
            read_if_exists(&dir.path().join("missing.json")).unwrap(),
            None
        );
    }

    #[test]
    fn json_files_lists_only_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.json"), "{}").unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        std::fs::write(dir.path().join(".ssoenv-a.lock"), "").unwrap();
        std::fs::write(dir.path().join("x.tmp"), "{}").unwrap();
        let keys: Vec<String> = json_files(dir.path())
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["a", "b"]);
        assert!(json_files(&dir.path().join("nope")).unwrap().is_empty());
    }
}
