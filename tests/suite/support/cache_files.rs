//! Snapshots of the cache directories, to prove what a run changed (nothing, after a failure),
//! what it left behind (no temporary file) and what it must not reveal (the secrets in them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every file in the two cache directories (recursively, lock files included) with its bytes:
/// compare two snapshots to prove a failed run changed nothing.
pub fn snapshot(home: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in [".aws/sso/cache", ".aws/cli/cache"] {
        collect(&home.join(dir), &mut files);
    }
    files
}

fn collect(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.insert(path, bytes);
        }
    }
}

/// The `*.json` entries of a snapshot: what AWS tools read (lock files are ours and empty).
pub fn json_only(snapshot: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "json"))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// Files a writer leaves behind only if it was interrupted (`.NAME.PID.N.NANOS.tmp`).
pub fn temp_files(snapshot: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    snapshot
        .keys()
        .filter(|path| path.extension().is_some_and(|e| e == "tmp"))
        .cloned()
        .collect()
}

/// The values of every secret field in the cache files of a [`snapshot`] (access and refresh
/// tokens, client secrets, secret keys, session tokens), to look for where they must not be.
pub fn secrets_in(files: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeSet<String> {
    let mut secrets = BTreeSet::new();
    for bytes in files.values() {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            continue;
        };
        for pointer in [
            "/accessToken",
            "/refreshToken",
            "/clientSecret",
            "/Credentials/SecretAccessKey",
            "/Credentials/SessionToken",
        ] {
            if let Some(value) = json.pointer(pointer).and_then(|v| v.as_str()) {
                secrets.insert(value.to_string());
            }
        }
    }
    secrets
}
