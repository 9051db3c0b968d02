//! The AWS config file (`$AWS_CONFIG_FILE`, else `~/.aws/config`): its profiles, sso-sessions and
//! services sections, and the resolution of an SSO profile.
//!
//! The file is read exactly as the AWS CLI v2 (botocore) reads it, because users run the CLI next
//! to ssoenv on the same file: a file the CLI accepts means the same here, and a file it rejects is
//! rejected with a message that says where and why. This module never touches the network and
//! only reads; it keeps line numbers so that an editor can be built on it.
//!
//! It runs on every prompt refresh, so it is one pass over the text with no regex.

mod base;
pub mod edit;
mod error;
mod index;
mod kind;
mod lookup;
mod parse;
mod profile;
mod section;
pub mod start_url;
mod suggest;

use std::ffi::OsStr;
use std::hash::BuildHasher;
use std::io::Seek;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hashbrown::HashTable;

pub use base::{BaseProfile, BaseSource, NamedSource, StaticKeys, WebIdentity};
pub use edit::{ConfigEditor, EditError, SectionId, value_problem};
pub use error::{ConfigError, ValueMismatch};
use index::{FileState, Found, RegionIndex};
pub use kind::{CredentialKind, CredentialsFile, ProfileKeys, is_plain_sso};
pub use parse::SyntaxProblem;
pub use profile::{EndpointOverrides, SsoProfile, SsoProfileView, SsoSession, SsoSessionView};
pub use section::{Entry, NestedEntry, Section, SectionKind, Text, Value};

/// The parsed config file: all of it ([`AwsConfig::load`]), or the sections one profile needs
/// ([`AwsConfig::load_for_profile`]), which answers every question the same way.
#[derive(Clone, Debug)]
pub struct AwsConfig {
    path: PathBuf,
    /// Every section in file order, including `[DEFAULT]` and sections that are not profiles;
    /// for a partial reading, the sections read.
    sections: Vec<Section>,
    profiles: NameIndex,
    sso_sessions: NameIndex,
    services: NameIndex,
    /// Set for a partial reading: what it read, and the rest of the file for other questions.
    partial: Option<Box<Partial>>,
}

/// What a reading of some sections ([`AwsConfig::load_for_profile`]) knows beyond them.
#[derive(Clone, Debug)]
struct Partial {
    /// The profiles whose every section was read: a question about another profile, or about
    /// all of them, goes to the whole file.
    profiles_read: Vec<String>,
    whole: OnceLock<AwsConfig>,
}

impl AwsConfig {
    /// `$AWS_CONFIG_FILE` (with a leading `~/` expanded), else `$HOME/.aws/config`.
    pub fn default_path() -> Result<PathBuf, ConfigError> {
        let config_file = std::env::var_os("AWS_CONFIG_FILE");
        default_path_from(config_file.as_deref(), std::env::home_dir().as_deref())
    }

    /// Reads the file at [`Self::default_path`].
    pub fn load_default() -> Result<AwsConfig, ConfigError> {
        Self::load(&Self::default_path()?)
    }

    /// [`Self::load_for_profile`] on the file at [`Self::default_path`].
    pub fn load_default_for_profile(name: &str) -> Result<AwsConfig, ConfigError> {
        Self::load_for_profile(&Self::default_path()?, name)
    }

    /// Reads and parses `path`. A missing file is [`ConfigError::NotFound`].
    pub fn load(path: &Path) -> Result<AwsConfig, ConfigError> {
        Self::parse(path, &read_text(path)?)
    }

    /// Reads what profile `name` needs from `path`: its own sections, those of the profiles its
    /// `source_profile` chain goes through, every sso-session, services and `[DEFAULT]` section,
    /// found without reading the other profiles' lines (see `lookup` for how, and why that
    /// is exact). Questions about those sections are answered from them; anything else (another
    /// profile, the list of profiles, every section) reads the whole file once, when first asked.
    ///
    /// For the one profile, everything is as [`Self::load`] gives it, including a syntax error in
    /// its sections. A syntax error elsewhere in the file is not seen (where `load` reports it);
    /// when the rest of the file is asked about and cannot be read, the answers come from the
    /// sections read.
    pub fn load_for_profile(path: &Path, name: &str) -> Result<AwsConfig, ConfigError> {
        let index = RegionIndex::in_user_cache();
        Self::load_for_profile_with(path, name, lookup::CHUNK, Some(&index))
    }

    /// [`Self::load_for_profile`], scanning the file `chunk` bytes at a time (the tests cut lines
    /// with tiny chunks) and, for a file larger than that, first asking `index` where the
    /// sections are (see `index`) and telling it what the scan found. The file is scanned, not
    /// held: only the regions found are read, and checked for UTF-8 (a file that is not UTF-8
    /// outside them is not seen, as a syntax error there is not).
    fn load_for_profile_with(
        path: &Path,
        name: &str,
        chunk: usize,
        index: Option<&RegionIndex>,
    ) -> Result<AwsConfig, ConfigError> {
        let mut file = std::fs::File::open(path).map_err(|source| read_error(path, source))?;
        let metadata = file.metadata().ok();
        let size = metadata.as_ref().map_or(u64::MAX, std::fs::Metadata::len);
        // A file that one read brings in whole gains nothing from an index.
        let indexed = index
            .zip(metadata.as_ref().and_then(FileState::of))
            .filter(|_| size > chunk as u64);
        if let Some((index, state)) = &indexed
            && let Some(found) = index.find(path, name, state)
            && let RegionReading::Complete(config) =
                Self::read_regions_of(path, &mut file, &found.profiles_read, &found.regions)
            // Unchanged while it was read: the regions are still the file's.
            && still_in(&file, state)
        {
            return Ok((*config).reading_of(found.profiles_read));
        }
        // A buffer no larger than a small file: every page of it costs a fault.
        let chunk = usize::try_from(size).map_or(chunk, |len| chunk.min(len.saturating_add(1)));
        let mut profiles_read = vec![name.to_string()];
        loop {
            file.rewind().map_err(|source| read_error(path, source))?;
            let regions = lookup::scan(&mut file, &profiles_read, chunk)
                .map_err(|source| read_error(path, source))?;
            let Some(regions) = regions else {
                return Self::load(path);
            };
            match Self::read_regions_of(path, &mut file, &profiles_read, &regions) {
                RegionReading::Complete(config) => {
                    let found = Found {
                        profiles_read,
                        regions,
                    };
                    // Unchanged since the reading began: what was found is the file's.
                    if let Some((index, state)) = &indexed
                        && still_in(&file, state)
                    {
                        index.remember(path, name, state, &found);
                    }
                    return Ok((*config).reading_of(found.profiles_read));
                }
                RegionReading::NeedsSources(sources) => profiles_read.extend(sources),
                // Not UTF-8, changed between the scan and the reading, or a syntax error: the
                // whole reading says what is wrong (the first error in the file, wherever that
                // is), or reads the file as it is now.
                RegionReading::Unreadable => return Self::load(path),
            }
        }
    }

    /// The sections in `regions` of `file` (at `path`), read for the profiles `profiles_read`.
    fn read_regions_of(
        path: &Path,
        file: &mut std::fs::File,
        profiles_read: &[String],
        regions: &[lookup::Region],
    ) -> RegionReading {
        let Some(texts) = read_regions(file, regions) else {
            return RegionReading::Unreadable;
        };
        let sections = parse::parse_regions(
            texts
                .iter()
                .map(|(first_line, text)| (*first_line, text.as_str())),
        );
        let Ok(sections) = sections else {
            return RegionReading::Unreadable;
        };
        let config = Self::from_sections(path, sections);
        let sources: Vec<String> = profiles_read
            .iter()
            .filter_map(|name| config.profile(name)?.get("source_profile"))
            .filter(|source| !profiles_read.iter().any(|read| read == source))
            .map(str::to_string)
            .collect();
        if sources.is_empty() {
            RegionReading::Complete(Box::new(config))
        } else {
            RegionReading::NeedsSources(sources)
        }
    }

    /// These sections, as the partial reading of the profiles `profiles_read`.
    fn reading_of(mut self, profiles_read: Vec<String>) -> AwsConfig {
        self.partial = Some(Box::new(Partial {
            profiles_read,
            whole: OnceLock::new(),
        }));
        self
    }

    /// Parses `text` as the content of the file `path` (which is only used in messages).
    pub fn parse(path: &Path, text: &str) -> Result<AwsConfig, ConfigError> {
        let sections = parse::parse_sections(text).map_err(|error| ConfigError::Syntax {
            path: path.to_path_buf(),
            line: error.line,
            problem: error.problem,
        })?;
        Ok(Self::from_sections(path, sections))
    }

    fn from_sections(path: &Path, sections: Vec<Section>) -> AwsConfig {
        let mut config = AwsConfig {
            path: path.to_path_buf(),
            // Sized for the usual file: nearly every section a profile.
            profiles: NameIndex::with_capacity(sections.len()),
            sections,
            sso_sessions: NameIndex::default(),
            services: NameIndex::default(),
            partial: None,
        };
        let AwsConfig {
            sections,
            profiles,
            sso_sessions,
            services,
            ..
        } = &mut config;
        for (index, section) in sections.iter().enumerate() {
            let names = match section.kind {
                SectionKind::Profile => &mut *profiles,
                SectionKind::SsoSession => &mut *sso_sessions,
                SectionKind::Services => &mut *services,
                SectionKind::Defaults | SectionKind::Other => continue,
            };
            names.insert(sections, section.name(), index);
        }
        config
    }

    /// The whole file's reading: `self`, or for a partial reading the whole file read once (the
    /// sections read, if the rest of the file has a syntax error).
    fn whole(&self) -> &AwsConfig {
        let Some(partial) = &self.partial else {
            return self;
        };
        partial.whole.get_or_init(|| {
            Self::load(&self.path).unwrap_or_else(|_| AwsConfig {
                partial: None,
                ..self.clone()
            })
        })
    }

    /// The reading that knows profile `name`: `self` unless it read only other profiles.
    fn knowing_profile(&self, name: &str) -> &AwsConfig {
        match &self.partial {
            Some(partial) if !partial.profiles_read.iter().any(|read| read == name) => self.whole(),
            _ => self,
        }
    }

    /// The file this configuration was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Profile names in file order (`default` for `[default]`).
    pub fn profile_names(&self) -> Vec<&str> {
        let config = self.whole();
        config.profiles.names(&config.sections).collect()
    }

    /// The section of each profile, in the order of [`Self::profile_names`].
    pub fn profile_sections(&self) -> impl Iterator<Item = &Section> {
        let config = self.whole();
        config
            .profiles
            .order
            .iter()
            .map(|&index| &config.sections[index])
    }

    /// sso-session names in file order.
    pub fn sso_session_names(&self) -> Vec<&str> {
        // A partial reading has every sso-session section.
        self.sso_sessions.names(&self.sections).collect()
    }

    /// services section names in file order.
    pub fn services_names(&self) -> Vec<&str> {
        self.services.names(&self.sections).collect()
    }

    /// The section defining profile `name`. When two headers name the same profile (`[default]`
    /// and `[profile default]`, or `[profile a]` and `[profile "a"]`), the later one wins whole,
    /// as in the AWS CLI.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        let config = self.knowing_profile(name);
        config
            .profiles
            .get(&config.sections, name)
            .map(|index| &config.sections[index])
    }

    /// The `[sso-session NAME]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions
            .get(&self.sections, name)
            .map(|index| &self.sections[index])
    }

    /// The `[services NAME]` section.
    pub fn services_section(&self, name: &str) -> Option<&Section> {
        self.services
            .get(&self.sections, name)
            .map(|index| &self.sections[index])
    }

    /// Every section in file order, including `[DEFAULT]`, sections overridden by a later one of
    /// the same name, and sections that are not profiles.
    pub fn sections(&self) -> &[Section] {
        &self.whole().sections
    }
}

/// The file's text; a missing file is [`ConfigError::NotFound`].
fn read_text(path: &Path) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| read_error(path, source))?;
    String::from_utf8(bytes).map_err(|error| {
        let bytes = error.as_bytes();
        let before = &bytes[..error.utf8_error().valid_up_to()];
        ConfigError::NotUtf8 {
            path: path.to_path_buf(),
            line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
        }
    })
}

/// A file that cannot be read: [`ConfigError::NotFound`] when it does not exist.
fn read_error(path: &Path, source: std::io::Error) -> ConfigError {
    if source.kind() == std::io::ErrorKind::NotFound {
        ConfigError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        ConfigError::Unreadable {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What the sections in some regions of a file are for the profiles they were read for.
enum RegionReading {
    /// Every section those profiles need.
    Complete(Box<AwsConfig>),
    /// Their `source_profile` chains go on to these profiles, whose sections were not read.
    NeedsSources(Vec<String>),
    /// Not UTF-8, changed since the regions were found, or a syntax error in them.
    Unreadable,
}

/// Whether `file` is still in `state`.
fn still_in(file: &std::fs::File, state: &FileState) -> bool {
    file.metadata()
        .is_ok_and(|metadata| FileState::of(&metadata).as_ref() == Some(state))
}

/// The text of each region of `file`, with the number of its first line; `None` when one is not
/// UTF-8, cannot be read whole (the file shrank), or does not start a section (the file changed
/// since the regions were found): each region but the lines before the first header starts with
/// a header.
fn read_regions(
    file: &mut std::fs::File,
    regions: &[lookup::Region],
) -> Option<Vec<(usize, String)>> {
    regions
        .iter()
        .enumerate()
        .map(|(position, region)| {
            let mut bytes = vec![0; region.end - region.start];
            read_exact_at(file, &mut bytes, region.start as u64).ok()?;
            let is_preamble = position == 0 && region.first_line == 1;
            if !is_preamble && !bytes.starts_with(b"[") {
                return None;
            }
            Some((region.first_line, String::from_utf8(bytes).ok()?))
        })
        .collect()
}

/// Fills `bytes` from `file` at `offset`: one system call where there is `pread`.
#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(not(unix))]
fn read_exact_at(mut file: &std::fs::File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(bytes)
}

/// Names → the section that defines them, with the semantics of the Python dict botocore builds:
/// a name keeps the position of its first definition and takes the section of its last.
#[derive(Clone, Debug, Default)]
struct NameIndex {
    /// Section indexes in the order their names were first defined (the name is the section's).
    order: Vec<usize>,
    /// Positions in `order`, found by the name of the section there: the names stay where they
    /// are (a copy of each was a large file's biggest count of allocations).
    positions: HashTable<usize>,
    /// A fast hash: a large file has tens of thousands of names, all the user's own.
    hasher: foldhash::fast::RandomState,
}

impl NameIndex {
    fn with_capacity(names: usize) -> NameIndex {
        NameIndex {
            order: Vec::with_capacity(names),
            positions: HashTable::with_capacity(names),
            hasher: Default::default(),
        }
    }

    /// Section `section` of `sections` defines `name`.
    fn insert(&mut self, sections: &[Section], name: &str, section: usize) {
        let hash = self.hasher.hash_one(name);
        match self.position(sections, hash, name) {
            Some(position) => self.order[position] = section,
            None => {
                let (order, hasher) = (&self.order, &self.hasher);
                let rehash = |&position: &usize| hasher.hash_one(sections[order[position]].name());
                self.positions.insert_unique(hash, order.len(), rehash);
                self.order.push(section);
            }
        }
    }

    /// The index in `sections` of the section defining `name`.
    fn get(&self, sections: &[Section], name: &str) -> Option<usize> {
        let position = self.position(sections, self.hasher.hash_one(name), name)?;
        Some(self.order[position])
    }

    fn position(&self, sections: &[Section], hash: u64, name: &str) -> Option<usize> {
        let holds_name = |&position: &usize| sections[self.order[position]].name() == name;
        self.positions.find(hash, holds_name).copied()
    }

    fn names<'s>(&'s self, sections: &'s [Section]) -> impl Iterator<Item = &'s str> {
        self.order.iter().map(|&index| sections[index].name())
    }
}

/// [`AwsConfig::default_path`] with the environment passed in: `config_file` is
/// `AWS_CONFIG_FILE`, `home` the home directory. An empty value counts as unset.
pub fn default_path_from(
    config_file: Option<&OsStr>,
    home: Option<&Path>,
) -> Result<PathBuf, ConfigError> {
    let home = home.filter(|home| !home.as_os_str().is_empty());
    if let Some(config_file) = config_file.filter(|value| !value.is_empty()) {
        let config_file = Path::new(config_file);
        // `~` and `~/…` are expanded as botocore's `os.path.expanduser` does; `~user/…` is not.
        return match config_file.strip_prefix("~") {
            Err(_) => Ok(config_file.to_path_buf()),
            Ok(rest) => match home {
                Some(home) => Ok(home.join(rest)),
                None => Err(ConfigError::NoHomeDirectory {
                    config_file: Some(config_file.to_path_buf()),
                }),
            },
        };
    }
    match home {
        Some(home) => Ok(home.join(".aws").join("config")),
        None => Err(ConfigError::NoHomeDirectory { config_file: None }),
    }
}

/// Where the profile name came from, for messages such as "profile 'x' (from AWS_PROFILE)".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileSource {
    /// Given on the command line.
    Explicit,
    AwsProfile,
    AwsDefaultProfile,
    /// Nothing chose one: `default`.
    Fallback,
}

/// A profile name and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileChoice {
    pub name: String,
    pub source: ProfileSource,
}

/// The profile to use: `explicit`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`
/// (the AWS CLI's order). Empty values are ignored.
pub fn select_profile_name(explicit: Option<&str>) -> String {
    let aws_profile = std::env::var_os("AWS_PROFILE");
    let aws_default_profile = std::env::var_os("AWS_DEFAULT_PROFILE");
    choose_profile(
        explicit,
        aws_profile.as_deref(),
        aws_default_profile.as_deref(),
    )
    .name
}

/// [`select_profile_name`] with the environment passed in, also saying where the name came from.
/// Blank values (empty or only whitespace) are ignored; a name that is not valid Unicode is kept
/// with replacement characters so that the "profile not found" message shows it.
pub fn choose_profile(
    explicit: Option<&str>,
    aws_profile: Option<&OsStr>,
    aws_default_profile: Option<&OsStr>,
) -> ProfileChoice {
    let is_set = |value: &str| !value.trim().is_empty();
    if let Some(name) = explicit.filter(|name| is_set(name)) {
        return ProfileChoice {
            name: name.to_string(),
            source: ProfileSource::Explicit,
        };
    }
    let from_env = [
        (aws_profile, ProfileSource::AwsProfile),
        (aws_default_profile, ProfileSource::AwsDefaultProfile),
    ];
    for (value, source) in from_env {
        if let Some(name) = value
            .map(OsStr::to_string_lossy)
            .filter(|name| is_set(name))
        {
            return ProfileChoice {
                name: name.into_owned(),
                source,
            };
        }
    }
    ProfileChoice {
        name: "default".to_string(),
        source: ProfileSource::Fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_config_file_wins_over_home() {
        let path = default_path_from(Some(OsStr::new("/etc/aws.conf")), Some(Path::new("/h")));
        assert_eq!(path.ok(), Some(PathBuf::from("/etc/aws.conf")));
    }

    #[test]
    fn tilde_in_aws_config_file_means_home() {
        let home = Some(Path::new("/home/ann"));
        let expanded = default_path_from(Some(OsStr::new("~/cfg/aws")), home);
        assert_eq!(expanded.ok(), Some(PathBuf::from("/home/ann/cfg/aws")));
        let other_user = default_path_from(Some(OsStr::new("~bob/aws")), home);
        assert_eq!(other_user.ok(), Some(PathBuf::from("~bob/aws")));
    }

    #[test]
    fn without_aws_config_file_the_file_is_in_home() {
        let path = default_path_from(None, Some(Path::new("/home/ann")));
        assert_eq!(path.ok(), Some(PathBuf::from("/home/ann/.aws/config")));
        let empty = default_path_from(Some(OsStr::new("")), Some(Path::new("/home/ann")));
        assert_eq!(empty.ok(), Some(PathBuf::from("/home/ann/.aws/config")));
    }

    #[test]
    fn no_home_is_explained() {
        let error = default_path_from(None, None).expect_err("needs a home");
        assert!(error.to_string().contains("HOME is not set"), "{error}");
        assert!(error.to_string().contains("AWS_CONFIG_FILE"), "{error}");
        let tilde = default_path_from(Some(OsStr::new("~/aws")), Some(Path::new("")))
            .expect_err("needs a home");
        assert!(tilde.to_string().contains("~/aws"), "{tilde}");
    }

    #[test]
    fn profile_choice_follows_the_cli_order() {
        let os = |s: &'static str| Some(OsStr::new(s));
        let choose = |e, p, d| choose_profile(e, p, d);
        assert_eq!(
            choose(Some("cli"), os("env"), os("old")),
            ProfileChoice {
                name: "cli".into(),
                source: ProfileSource::Explicit
            }
        );
        assert_eq!(choose(None, os("env"), os("old")).name, "env");
        assert_eq!(
            choose(None, os(""), os("old")),
            ProfileChoice {
                name: "old".into(),
                source: ProfileSource::AwsDefaultProfile
            }
        );
        assert_eq!(
            choose(Some(""), os(" "), None),
            ProfileChoice {
                name: "default".into(),
                source: ProfileSource::Fallback
            }
        );
    }

    /// The partial reading ([`AwsConfig::load_for_profile`]) against the whole-file reading on
    /// random files built from lines that exercise the reader's rules: for a file the whole
    /// reading accepts, every question gets the same answer (sections compared whole, line
    /// numbers included); for a file it rejects, the partial reading either rejects it the same
    /// way or, when the mistake is outside the profile's sections, still answers for the profile.
    mod partial_reading {
        use super::*;
        use proptest::prelude::*;

        const LINES: &[&str] = &[
            "[default]",
            "[DEFAULT]",
            "[profile a]",
            "[profile b]",
            "[profile 'a']",
            "[profiles \"b\"]",
            "[profile 'c d']",
            "[profile a\\ b]",
            "[profile default]",
            "[profile a] # note",
            "[profile x y]",
            "[sso-session s]",
            "[sso-session 'S T']",
            "[services v]",
            "[plugins]",
            "[a]",
            "[open",
            "  [profile b]",
            "\tx = [1]",
            "source_profile = b",
            "source_profile = a",
            "sso_session = s",
            "region = us-east-1",
            "Region=eu-west-1",
            "sso =",
            "  endpoint_url = http://127.0.0.1:1",
            "  continued",
            "  noeq",
            "junk",
            "= nokey",
            "k1 = 1",
            "k2: 2",
            "# [profile a]",
            "; comment",
            "",
            "   ",
        ];
        const NAMES: &[&str] = &["a", "b", "c d", "a b", "default", "x", "s"];

        fn file() -> impl Strategy<Value = String> {
            let line = (0..LINES.len(), 0..4usize).prop_map(|(line, end)| {
                format!("{}{}", LINES[line], ["\n", "\r\n", "\n", "\r"][end])
            });
            (
                proptest::bool::weighted(0.1),
                proptest::collection::vec(line, 0..24),
            )
                .prop_map(|(bom, lines)| {
                    format!("{}{}", if bom { "\u{feff}" } else { "" }, lines.concat())
                })
        }

        fn same_answers(partial: &AwsConfig, whole: &AwsConfig) {
            for name in NAMES {
                assert_eq!(partial.profile(name), whole.profile(name), "profile {name}");
                assert_eq!(
                    partial.sso_session(name),
                    whole.sso_session(name),
                    "session {name}"
                );
                assert_eq!(partial.services_section(name), whole.services_section(name));
            }
            assert_eq!(partial.profile_names(), whole.profile_names());
            assert_eq!(partial.sso_session_names(), whole.sso_session_names());
            assert_eq!(partial.services_names(), whole.services_names());
            assert_eq!(partial.sections(), whole.sections());
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn answers_as_the_whole_file_does(
                text in file(),
                name in 0..NAMES.len(),
                // Tiny chunks cut headers, lines and `\r\n` pairs at every place.
                chunk in prop_oneof![1..16usize, Just(lookup::CHUNK)],
            ) {
                let path = Path::new("/home/ann/.aws/config");
                let dir = tempfile::tempdir().expect("temp dir");
                let file = dir.path().join("config");
                std::fs::write(&file, &text).expect("write");
                let whole = AwsConfig::parse(path, &text);
                // Read three times: without an index, then with one (which a file larger than
                // `chunk` is remembered in), then again through what it remembered.
                let index = RegionIndex::at(&dir.path().join("index"), far_future());
                let load = |index| AwsConfig::load_for_profile_with(&file, NAMES[name], chunk, index);
                let partial = load(None);
                for through_index in [load(Some(&index)), load(Some(&index))] {
                    prop_assert_eq!(
                        through_index.as_ref().map(AwsConfig::sections).map_err(ToString::to_string),
                        partial.as_ref().map(AwsConfig::sections).map_err(ToString::to_string)
                    );
                }
                match (&whole, &partial) {
                    (Ok(whole), Ok(partial)) => {
                        // Questions about the profile first, while nothing else has been read.
                        let name = NAMES[name];
                        prop_assert_eq!(partial.profile(name), whole.profile(name));
                        same_answers(partial, whole);
                    }
                    (Err(whole), Err(partial)) => {
                        prop_assert_eq!(whole.to_string().replace(path.to_str().unwrap(), ""),
                            partial.to_string().replace(file.to_str().unwrap(), ""));
                    }
                    (Err(_), Ok(partial)) => {
                        // The mistake is outside the sections read: they are still answered as
                        // the whole file would answer them were the mistake fixed.
                        let name = NAMES[name];
                        prop_assert!(partial.profile(name).is_none_or(|section| section.name() == name));
                    }
                    (Ok(_), Err(error)) => prop_assert!(false, "only the partial reading fails: {error}"),
                }
            }
        }
    }

    /// A time by which every file written by a test is settled.
    fn far_future() -> std::time::SystemTime {
        std::time::SystemTime::now() + std::time::Duration::from_secs(3600)
    }

    /// The index of regions (`index`): used when it matches the file, ignored otherwise.
    mod region_index {
        use super::*;
        use std::os::unix::fs::PermissionsExt;

        /// Chunks small enough that the files below are "large".
        const CHUNK: usize = 16;
        const TEXT: &str = "[profile other]\nregion = eu-west-1\n\
                            [profile a]\nregion = us-east-1\noutput = json\n\
                            [sso-session s]\nsso_region = us-east-1\n";

        struct Files {
            dir: tempfile::TempDir,
            config: PathBuf,
        }

        impl Files {
            fn new(text: &str) -> Files {
                let dir = tempfile::tempdir().expect("temp dir");
                let config = dir.path().join("config");
                std::fs::write(&config, text).expect("write");
                Files { dir, config }
            }

            fn index_dir(&self) -> PathBuf {
                self.dir.path().join("index")
            }

            fn load(&self, now: std::time::SystemTime) -> AwsConfig {
                let index = RegionIndex::at(&self.index_dir(), now);
                AwsConfig::load_for_profile_with(&self.config, "a", CHUNK, Some(&index))
                    .expect("readable")
            }

            /// The one entry written.
            fn entry(&self) -> PathBuf {
                let mut entries: Vec<PathBuf> = std::fs::read_dir(self.index_dir())
                    .expect("the index directory exists")
                    .map(|entry| entry.expect("listed").path())
                    .collect();
                assert_eq!(entries.len(), 1, "{entries:?}");
                entries.remove(0)
            }

            /// Makes the entry say that profile `a`'s section ends after its first setting: what
            /// the reading then gives shows whether the entry was followed.
            fn cut_the_entry(&self) {
                let entry = self.entry();
                let text = std::fs::read_to_string(&entry).expect("entry");
                let start = TEXT.find("[profile a]").expect("a");
                let cut = TEXT.find("output").expect("output");
                let end = TEXT.find("[sso-session").expect("s");
                let text = text.replace(&format!(" {start} {end}\n"), &format!(" {start} {cut}\n"));
                assert!(text.contains(&format!(" {start} {cut}\n")), "{text}");
                std::fs::write(&entry, text).expect("write");
            }
        }

        fn output_of(config: &AwsConfig) -> Option<&str> {
            config.profile("a").expect("profile a").get("output")
        }

        #[test]
        fn a_settled_large_file_is_read_through_its_entry() {
            let files = Files::new(TEXT);
            assert_eq!(output_of(&files.load(far_future())), Some("json"));
            let mode = |path: &Path| {
                std::fs::metadata(path)
                    .expect("exists")
                    .permissions()
                    .mode()
                    & 0o777
            };
            assert_eq!(mode(&files.entry()), 0o600);
            assert_eq!(mode(&files.index_dir()), 0o700);
            files.cut_the_entry();
            // Followed: the setting the entry leaves out is not read.
            assert_eq!(output_of(&files.load(far_future())), None);
        }

        #[test]
        fn a_file_changed_within_the_last_clock_tick_is_not_remembered() {
            let files = Files::new(TEXT);
            // Written just now: its change time is its modification time.
            let changed = std::fs::metadata(&files.config)
                .and_then(|metadata| metadata.modified())
                .expect("a time");
            files.load(changed + std::time::Duration::from_secs(1));
            assert!(!files.index_dir().exists());
        }

        #[test]
        fn a_small_file_has_no_entry() {
            let files = Files::new("[profile a]\n");
            files.load(far_future());
            assert!(!files.index_dir().exists());
        }

        /// Replaces the config file with `text` (a new file renamed into place, as editors do).
        fn replace(files: &Files, text: &str) {
            let temporary = files.dir.path().join("new");
            std::fs::write(&temporary, text).expect("write");
            std::fs::rename(&temporary, &files.config).expect("rename");
        }

        #[test]
        fn an_entry_for_another_state_of_the_file_is_not_followed() {
            let files = Files::new(TEXT);
            files.load(far_future());
            files.cut_the_entry();
            // Same size, same places: only the file's state tells the entry is not for it.
            replace(&files, &TEXT.replace("output = json", "output = text"));
            assert_eq!(output_of(&files.load(far_future())), Some("text"));
        }

        #[test]
        fn an_entry_is_replaced_when_the_file_changes() {
            let files = Files::new(TEXT);
            files.load(far_future());
            let moved = format!("[profile a]\nregion = us-east-2\noutput = text\n{TEXT}").replacen(
                "[profile a]\nregion = us-east-1\noutput = json\n",
                "",
                1,
            );
            replace(&files, &moved);
            let config = files.load(far_future());
            assert_eq!(
                config.profile("a").and_then(|a| a.get("region")),
                Some("us-east-2")
            );
            let entry = std::fs::read_to_string(files.entry()).expect("entry");
            let end = moved.find("[profile other]").expect("other");
            assert!(entry.contains(&format!("\nregion 1 0 {end}\n")), "{entry}");
        }

        #[test]
        fn an_entry_others_can_write_is_ignored() {
            let files = Files::new(TEXT);
            files.load(far_future());
            files.cut_the_entry();
            std::fs::set_permissions(files.entry(), std::fs::Permissions::from_mode(0o666))
                .expect("chmod");
            assert_eq!(output_of(&files.load(far_future())), Some("json"));
        }

        #[test]
        fn regions_that_do_not_start_a_section_are_not_followed() {
            let files = Files::new(TEXT);
            files.load(far_future());
            // Profile a's region ends before `output`, and the next one is that line: read as
            // they say, `output` would become a setting of profile a, and the session lost.
            files.cut_the_entry();
            let entry = files.entry();
            let text = std::fs::read_to_string(&entry).expect("entry");
            let session = TEXT.find("[sso-session").expect("s");
            let cut = TEXT.find("output").expect("output");
            let shifted = text.replace(
                &format!(" {session} {}\n", TEXT.len()),
                &format!(" {cut} {session}\n"),
            );
            assert_ne!(shifted, text);
            std::fs::write(&entry, shifted).expect("write");
            let config = files.load(far_future());
            assert!(config.sso_session("s").is_some());
            assert_eq!(output_of(&config), Some("json"));
        }
    }
}
