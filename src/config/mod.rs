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
mod kind;
mod parse;
mod profile;
mod section;
pub mod start_url;
mod suggest;

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

pub use base::{BaseProfile, BaseSource, NamedSource, StaticKeys, WebIdentity};
pub use edit::{ConfigEditor, EditError, SectionId, value_problem};
pub use error::{ConfigError, ValueMismatch};
pub use kind::{CredentialKind, CredentialsFile, ProfileKeys, is_plain_sso};
pub use parse::SyntaxProblem;
pub use profile::{EndpointOverrides, SsoProfile, SsoSession};
pub use section::{Entry, NestedEntry, Section, SectionKind, Value};

/// The parsed config file.
#[derive(Clone, Debug)]
pub struct AwsConfig {
    path: PathBuf,
    /// Every section in file order, including `[DEFAULT]` and sections that are not profiles.
    sections: Vec<Section>,
    profiles: NameIndex,
    sso_sessions: NameIndex,
    services: NameIndex,
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

    /// Reads and parses `path`. A missing file is [`ConfigError::NotFound`].
    pub fn load(path: &Path) -> Result<AwsConfig, ConfigError> {
        let bytes = std::fs::read(path).map_err(|source| {
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
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|error| {
            let before = &bytes[..error.valid_up_to()];
            ConfigError::NotUtf8 {
                path: path.to_path_buf(),
                line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
            }
        })?;
        Self::parse(path, text)
    }

    /// Parses `text` as the content of the file `path` (which is only used in messages).
    pub fn parse(path: &Path, text: &str) -> Result<AwsConfig, ConfigError> {
        let sections = parse::parse_sections(text).map_err(|error| ConfigError::Syntax {
            path: path.to_path_buf(),
            line: error.line,
            problem: error.problem,
        })?;
        let mut config = AwsConfig {
            path: path.to_path_buf(),
            sections,
            profiles: NameIndex::default(),
            sso_sessions: NameIndex::default(),
            services: NameIndex::default(),
        };
        for (index, section) in config.sections.iter().enumerate() {
            let names = match section.kind {
                SectionKind::Profile => &mut config.profiles,
                SectionKind::SsoSession => &mut config.sso_sessions,
                SectionKind::Services => &mut config.services,
                SectionKind::Defaults | SectionKind::Other => continue,
            };
            names.insert(&section.name, index);
        }
        Ok(config)
    }

    /// The file this configuration was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Profile names in file order (`default` for `[default]`).
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.names().collect()
    }

    /// sso-session names in file order.
    pub fn sso_session_names(&self) -> Vec<&str> {
        self.sso_sessions.names().collect()
    }

    /// services section names in file order.
    pub fn services_names(&self) -> Vec<&str> {
        self.services.names().collect()
    }

    /// The section defining profile `name`. When two headers name the same profile (`[default]`
    /// and `[profile default]`, or `[profile a]` and `[profile "a"]`), the later one wins whole,
    /// as in the AWS CLI.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name).map(|index| &self.sections[index])
    }

    /// The `[sso-session NAME]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions
            .get(name)
            .map(|index| &self.sections[index])
    }

    /// The `[services NAME]` section.
    pub fn services_section(&self, name: &str) -> Option<&Section> {
        self.services.get(name).map(|index| &self.sections[index])
    }

    /// Every section in file order, including `[DEFAULT]`, sections overridden by a later one of
    /// the same name, and sections that are not profiles.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }
}

/// Names → the section that defines them, with the semantics of the Python dict botocore builds:
/// a name keeps the position of its first definition and takes the section of its last.
#[derive(Clone, Debug, Default)]
struct NameIndex {
    order: Vec<(String, usize)>,
    positions: HashMap<String, usize>,
}

impl NameIndex {
    fn insert(&mut self, name: &str, section: usize) {
        match self.positions.get(name) {
            Some(&position) => self.order[position].1 = section,
            None => {
                self.positions.insert(name.to_string(), self.order.len());
                self.order.push((name.to_string(), section));
            }
        }
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.positions
            .get(name)
            .map(|&position| self.order[position].1)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|(name, _)| name.as_str())
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
}
