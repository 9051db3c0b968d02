//! Where one profile's sections are in a large config file, remembered between runs.
//!
//! [`super::lookup`] finds a profile's sections by scanning every header of the file: with 20,000
//! profiles that is 2.6 MB read and searched at every `eval`, more than the rest of the export
//! costs. What it finds stays true as long as the file stays the same, so the regions found for a
//! profile are kept in a small file under `~/.cache/ssoenv/config-regions/`, and the next run for
//! that profile reads only them. Files that one read brings in whole ([`super::lookup::CHUNK`])
//! are scanned as before and have no entry.
//!
//! "The same file" is its identity, size and times: device, inode, size, modification time and
//! status-change time (ctime), to the nanosecond. The kernel sets ctime at every write, rename
//! into place and `chmod`, and no program can set it back. What it can miss is a second write of
//! the same size within one tick of the file system's clock (a few milliseconds on Linux, one or
//! two seconds on old file systems): so regions are only remembered for a file whose ctime was
//! at least [`SETTLED`] old when the reading began. Any later write gets a later ctime. (Git
//! trusts its index by the same rule.)
//!
//! An entry is used only when it matches the file exactly, is the user's own and not writable by
//! others, and its regions are sound (in order, inside the file, each but a preamble starting a
//! header when read); the file's state is checked again once they are read. Anything else, and any
//! error, means the scan, as if there were no entry. An entry holds byte offsets, line numbers and
//! profile names, no values.

use std::cell::OnceCell;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha1::{Digest, Sha1};

use super::lookup::Region;

/// How old a file's last change must be for its regions to be remembered: more than the
/// coarsest clock tick of a file system that records ctime (FAT's two seconds).
const SETTLED: Duration = Duration::from_secs(2);

/// The first line of an entry; another version of ssoenv that writes another format changes it.
const FORMAT: &str = "ssoenv config regions 1";

/// An entry is a few lines; anything much larger is not one.
const MAX_ENTRY_BYTES: u64 = 64 * 1024;

/// The directory of entries, and the time the reading began.
pub(super) struct RegionIndex {
    /// Found when first needed: most config files are too small to have entries.
    dir: OnceCell<Option<PathBuf>>,
    now: SystemTime,
}

/// What tells one state of a file from another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FileState {
    device: u64,
    inode: u64,
    size: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

/// What a scan found for a profile: the profiles whose sections were read (the profile and the
/// profiles of its `source_profile` chain), and the regions that hold every section they need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Found {
    pub profiles_read: Vec<String>,
    pub regions: Vec<Region>,
}

impl FileState {
    /// The state of the file `metadata` describes (`None` where there is no ctime).
    #[cfg(unix)]
    pub fn of(metadata: &Metadata) -> Option<FileState> {
        use std::os::unix::fs::MetadataExt;
        Some(FileState {
            device: metadata.dev(),
            inode: metadata.ino(),
            size: metadata.size(),
            modified: (metadata.mtime(), metadata.mtime_nsec()),
            changed: (metadata.ctime(), metadata.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_metadata: &Metadata) -> Option<FileState> {
        None
    }

    /// Whether no write can have happened within the same clock tick as the file's last change,
    /// by `now`.
    fn settled_by(&self, now: SystemTime) -> bool {
        let (seconds, nanoseconds) = self.changed;
        let (Ok(seconds), Ok(nanoseconds)) = (u64::try_from(seconds), u32::try_from(nanoseconds))
        else {
            return false;
        };
        let changed = UNIX_EPOCH + Duration::new(seconds, nanoseconds);
        now.duration_since(changed).is_ok_and(|age| age >= SETTLED)
    }
}

impl RegionIndex {
    /// The entries in `~/.cache/ssoenv/config-regions` (see [`crate::user_dirs`]), for a reading
    /// that begins now.
    pub fn in_user_cache() -> RegionIndex {
        RegionIndex {
            dir: OnceCell::new(),
            now: SystemTime::now(),
        }
    }

    #[cfg(test)]
    pub fn at(dir: &Path, now: SystemTime) -> RegionIndex {
        RegionIndex {
            dir: OnceCell::from(Some(dir.to_path_buf())),
            now,
        }
    }

    fn dir(&self) -> Option<&Path> {
        self.dir
            .get_or_init(|| Some(crate::user_dirs::ssoenv_cache_dir()?.join("config-regions")))
            .as_deref()
    }

    /// The regions remembered for profile `name` of the config file `config`, if they were found
    /// in the file as it is (`state`).
    pub fn find(&self, config: &Path, name: &str, state: &FileState) -> Option<Found> {
        let mut file = File::open(self.entry_path(config, name)?).ok()?;
        let metadata = file.metadata().ok()?;
        // Anybody else who can change the entry could send the reading to other sections.
        if crate::cache::others_can_change(&metadata) || metadata.len() > MAX_ENTRY_BYTES {
            return None;
        }
        // Room for all of it and the end: one read.
        let mut text = String::with_capacity(usize::try_from(metadata.len()).ok()? + 1);
        file.read_to_string(&mut text).ok()?;
        let (entry_state, found) = parse_entry(&text)?;
        let sound = entry_state == *state
            && found
                .profiles_read
                .first()
                .is_some_and(|first| first == name)
            && regions_are_sound(&found.regions, state.size);
        sound.then_some(found)
    }

    /// Remembers what a scan `found` for profile `name` in `config`, whose state was `state` when
    /// the reading began and still is. Best effort: nothing is written for a file that may still
    /// change within its clock tick, and an error only means no entry.
    pub fn remember(&self, config: &Path, name: &str, state: &FileState, found: &Found) {
        // A name from a `source_profile` value can hold a line end; a header's name cannot.
        let one_line = |name: &String| !name.contains(['\n', '\r']);
        if !state.settled_by(self.now) || !found.profiles_read.iter().all(one_line) {
            return;
        }
        let (Some(dir), Some(path)) = (self.dir(), self.entry_path(config, name)) else {
            return;
        };
        let entry = format_entry(state, found);
        let _ = crate::cache::ensure_private_dir(dir)
            .and_then(|()| crate::cache::write_atomic_unsynced(&path, entry.as_bytes()));
    }

    /// One file per config file and profile, named by a hash of both (any bytes can be in them).
    fn entry_path(&self, config: &Path, name: &str) -> Option<PathBuf> {
        let digest = Sha1::new()
            .chain_update(config.as_os_str().as_encoded_bytes())
            .chain_update([0])
            .chain_update(name.as_bytes())
            .finalize();
        Some(self.dir()?.join(hex::encode(digest)))
    }
}

/// Regions as a scan gives them: in file order, not overlapping, none empty, all inside the file.
fn regions_are_sound(regions: &[Region], size: u64) -> bool {
    let mut previous_end = 0;
    let mut previous_line = 0;
    regions.iter().all(|region| {
        let sound = region.start >= previous_end
            && region.start < region.end
            && region.first_line > previous_line
            && u64::try_from(region.end).is_ok_and(|end| end <= size);
        previous_end = region.end;
        previous_line = region.first_line;
        sound
    })
}

fn format_entry(state: &FileState, found: &Found) -> String {
    let FileState {
        device,
        inode,
        size,
        modified,
        changed,
    } = state;
    let mut entry = format!(
        "{FORMAT}\nfile {device} {inode} {size} {} {} {} {}\n",
        modified.0, modified.1, changed.0, changed.1
    );
    for name in &found.profiles_read {
        entry.push_str(&format!("profile {name}\n"));
    }
    for region in &found.regions {
        let Region {
            first_line,
            start,
            end,
        } = region;
        entry.push_str(&format!("region {first_line} {start} {end}\n"));
    }
    entry
}

/// The entry [`format_entry`] wrote; `None` for anything else.
fn parse_entry(text: &str) -> Option<(FileState, Found)> {
    let mut lines = text.strip_suffix('\n')?.split('\n');
    if lines.next()? != FORMAT {
        return None;
    }
    let file: Vec<&str> = lines.next()?.strip_prefix("file ")?.split(' ').collect();
    let [
        device,
        inode,
        size,
        modified_s,
        modified_ns,
        changed_s,
        changed_ns,
    ] = file[..]
    else {
        return None;
    };
    let state = FileState {
        device: device.parse().ok()?,
        inode: inode.parse().ok()?,
        size: size.parse().ok()?,
        modified: (modified_s.parse().ok()?, modified_ns.parse().ok()?),
        changed: (changed_s.parse().ok()?, changed_ns.parse().ok()?),
    };
    let mut found = Found {
        profiles_read: Vec::new(),
        regions: Vec::new(),
    };
    for line in lines {
        if let Some(name) = line.strip_prefix("profile ") {
            if !found.regions.is_empty() {
                return None;
            }
            found.profiles_read.push(name.to_string());
        } else {
            let numbers: Vec<&str> = line.strip_prefix("region ")?.split(' ').collect();
            let [first_line, start, end] = numbers[..] else {
                return None;
            };
            found.regions.push(Region {
                first_line: first_line.parse().ok()?,
                start: start.parse().ok()?,
                end: end.parse().ok()?,
            });
        }
    }
    Some((state, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> FileState {
        FileState {
            device: 2049,
            inode: 1_234_567,
            size: 2_660_420,
            modified: (1_796_000_000, 123_456_789),
            changed: (1_796_000_000, 123_456_789),
        }
    }

    fn found() -> Found {
        Found {
            profiles_read: vec!["my dev".to_string(), "base".to_string()],
            regions: vec![
                Region {
                    first_line: 1,
                    start: 0,
                    end: 80,
                },
                Region {
                    first_line: 120_005,
                    start: 2_660_100,
                    end: 2_660_300,
                },
            ],
        }
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let entry = format_entry(&state(), &found());
        assert_eq!(parse_entry(&entry), Some((state(), found())));
        assert_eq!(
            parse_entry(&entry.replace(FORMAT, "ssoenv config regions 2")),
            None
        );
        assert_eq!(parse_entry(&entry[..entry.len() - 3]), None, "cut short");
        assert_eq!(parse_entry(""), None);
    }

    #[test]
    fn only_a_change_older_than_a_clock_tick_is_settled() {
        let changed = UNIX_EPOCH + Duration::new(1_796_000_000, 123_456_789);
        assert!(state().settled_by(changed + SETTLED));
        assert!(!state().settled_by(changed + SETTLED - Duration::from_nanos(1)));
        // A change time in the future (another machine's clock) is never settled.
        assert!(!state().settled_by(changed - Duration::from_secs(60)));
    }

    #[test]
    fn regions_must_be_ordered_and_inside_the_file() {
        let region = |first_line, start, end| Region {
            first_line,
            start,
            end,
        };
        assert!(regions_are_sound(&found().regions, state().size));
        assert!(
            !regions_are_sound(&found().regions, 2_660_299),
            "past the end"
        );
        assert!(!regions_are_sound(&[region(1, 5, 5)], 10), "empty");
        assert!(!regions_are_sound(&[region(3, 4, 6), region(2, 6, 8)], 10));
        assert!(!regions_are_sound(&[region(1, 4, 6), region(2, 5, 8)], 10));
    }
}
