//! What a profile is: which of the AWS CLI's credential providers answers for it. ssoenv serves
//! every kind; only the SSO kind is resolved natively on the fast path (the `profile_kinds`
//! module gets the others' credentials).
//!
//! The order is botocore's (`create_credential_resolver` and `ProfileProviderBuilder`), with the
//! environment provider left out because ssoenv always resolves a named profile:
//!
//! 1. `role_arn` without `web_identity_token_file`: an assumed role (`source_profile` or
//!    `credential_source`);
//! 2. `web_identity_token_file`: `AssumeRoleWithWebIdentity`;
//! 3. SSO keys (`sso_account_id` / `sso_role_name`);
//! 4. static keys in the shared credentials file;
//! 5. `login_session` (AWS CLI 2.32+ `aws login`);
//! 6. `credential_process`;
//! 7. static keys in the config file.
//!
//! botocore reads a profile's keys from both files, the credentials file's winning
//! (`Session.full_config`); [`ProfileKeys`] does the same. A profile that the config file makes
//! an SSO profile is classified from the config file alone, so the fast path never opens the
//! credentials file (a `role_arn` added for that profile in the credentials file is the one case
//! this reads differently from botocore, and is documented in the README).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::{AwsConfig, ConfigError, Section, SectionKind};

/// How a profile gets its credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    Sso,
    /// `role_arn` with `source_profile` or `credential_source`.
    AssumeRole,
    WebIdentity,
    LoginSession,
    /// Long-term keys; `in_credentials_file` says which file holds them.
    StaticKeys {
        in_credentials_file: bool,
    },
    CredentialProcess,
    /// Nothing the AWS CLI would use.
    Unknown,
}

impl CredentialKind {
    /// The short name `list`, `status` and completion show.
    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::Sso => "sso",
            CredentialKind::AssumeRole => "role",
            CredentialKind::WebIdentity => "web-identity",
            CredentialKind::LoginSession => "login",
            CredentialKind::StaticKeys { .. } => "static",
            CredentialKind::CredentialProcess => "process",
            CredentialKind::Unknown => "unknown",
        }
    }

    /// What happens when credentials of this kind run out, for `status`.
    pub fn on_expiry(self) -> &'static str {
        match self {
            CredentialKind::Sso => {
                "refreshed from the SSO session; when that ends, sign in again (ssoenv login)"
            }
            CredentialKind::AssumeRole => {
                "the role is assumed again with the source profile's credentials"
            }
            CredentialKind::WebIdentity => {
                "the role is assumed again with the token file's current token"
            }
            CredentialKind::LoginSession => {
                "refreshed through AWS Sign-In for up to 12 hours; then run `aws login` again"
            }
            CredentialKind::StaticKeys { .. } => "never expire (long-term keys)",
            CredentialKind::CredentialProcess => "the credential_process command is run again",
            CredentialKind::Unknown => "no credentials: the profile configures none",
        }
    }
}

/// A profile's keys as botocore sees them: the credentials file's section over the config's.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileKeys<'a> {
    pub config: Option<&'a Section>,
    pub credentials: Option<&'a Section>,
    /// The credentials file, for messages about its lines.
    pub credentials_path: Option<&'a Path>,
}

impl<'a> ProfileKeys<'a> {
    /// The keys of profile `name`, whose config section (if any) is `config`.
    pub fn new(
        config: Option<&'a Section>,
        credentials: &'a CredentialsFile,
        name: &str,
    ) -> ProfileKeys<'a> {
        ProfileKeys {
            config,
            credentials: credentials.section(name),
            credentials_path: credentials.path(),
        }
    }

    /// A plain, non-empty value (botocore treats an empty value as set, but every key read here
    /// is useless empty, and an empty one is reported by the reader of that kind).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.credentials
            .and_then(|section| section.get(key))
            .or_else(|| self.config.and_then(|section| section.get(key)))
    }

    pub fn has(&self, key: &str) -> bool {
        self.credentials
            .is_some_and(|section| section.value(key).is_some())
            || self
                .config
                .is_some_and(|section| section.value(key).is_some())
    }

    /// Whether the profile exists in either file.
    pub fn exists(&self) -> bool {
        self.config.is_some() || self.credentials.is_some()
    }

    /// The section that holds `key` (for line numbers in messages), the credentials file's first.
    pub fn section_with(&self, key: &str) -> Option<&'a Section> {
        self.credentials
            .filter(|section| section.value(key).is_some())
            .or(self.config.filter(|section| section.value(key).is_some()))
    }

    /// botocore's order (see the module documentation).
    pub fn kind(&self) -> CredentialKind {
        if self.has("role_arn") && !self.has("web_identity_token_file") {
            CredentialKind::AssumeRole
        } else if self.has("web_identity_token_file") {
            CredentialKind::WebIdentity
        } else if is_sso(self.config) {
            CredentialKind::Sso
        } else if self
            .credentials
            .is_some_and(|section| section.value("aws_access_key_id").is_some())
        {
            CredentialKind::StaticKeys {
                in_credentials_file: true,
            }
        } else if self.has("login_session") {
            CredentialKind::LoginSession
        } else if self.has("credential_process") {
            CredentialKind::CredentialProcess
        } else if self.has("aws_access_key_id") {
            CredentialKind::StaticKeys {
                in_credentials_file: false,
            }
        } else {
            CredentialKind::Unknown
        }
    }

    /// Whether the profile holds static keys (in either file): a source profile with keys uses
    /// them even when it also has `role_arn` (botocore's `_resolve_credentials_from_profile`).
    pub fn has_static_keys(&self) -> bool {
        self.has("aws_access_key_id")
    }
}

/// The SSO test `AwsConfig::sso_profile` applies: either of the account and role keys.
fn is_sso(section: Option<&Section>) -> bool {
    section.is_some_and(|section| {
        section.value("sso_account_id").is_some() || section.value("sso_role_name").is_some()
    })
}

/// Whether a config section is an SSO profile with neither `role_arn` nor
/// `web_identity_token_file`: such a profile is served without reading the credentials file.
pub fn is_plain_sso(section: &Section) -> bool {
    is_sso(Some(section))
        && section.value("role_arn").is_none()
        && section.value("web_identity_token_file").is_none()
}

/// The shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`), read
/// with the config reader: botocore reads it with the same parser, but its section names carry no
/// `profile ` prefix (`[dev]` is profile `dev`; `[profile dev]` is a profile named
/// `profile dev`).
#[derive(Clone, Debug)]
pub struct CredentialsFile {
    /// `None` when the file does not exist.
    file: Option<AwsConfig>,
}

impl CredentialsFile {
    /// `AWS_SHARED_CREDENTIALS_FILE` (with `~/` expanded), else `$HOME/.aws/credentials`.
    pub fn default_path() -> Result<PathBuf, ConfigError> {
        let variable = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE");
        path_from(variable.as_deref(), std::env::home_dir().as_deref())
    }

    /// Reads the file at [`Self::default_path`]; a missing file holds no profiles.
    pub fn load_default() -> Result<CredentialsFile, ConfigError> {
        Self::load(&Self::default_path()?)
    }

    pub fn load(path: &Path) -> Result<CredentialsFile, ConfigError> {
        match AwsConfig::load(path) {
            Ok(file) => Ok(CredentialsFile { file: Some(file) }),
            Err(ConfigError::NotFound { .. }) => Ok(CredentialsFile::empty()),
            Err(error) => Err(error),
        }
    }

    pub fn empty() -> CredentialsFile {
        CredentialsFile { file: None }
    }

    /// The section for profile `name`: the last one whose header is the name (configparser
    /// merges repeated sections; a later value wins, which is what this returns for the keys
    /// that matter, each profile holding one set of keys).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.file.as_ref()?.sections().iter().rev().find(|section| {
            section.kind() != SectionKind::Defaults && section.header().trim() == name
        })
    }

    /// Profile names in file order.
    pub fn profile_names(&self) -> Vec<&str> {
        let Some(file) = &self.file else {
            return Vec::new();
        };
        let mut names: Vec<&str> = Vec::new();
        for section in file.sections() {
            let name = section.header().trim();
            if section.kind() != SectionKind::Defaults && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The file, when it exists (for messages).
    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(AwsConfig::path)
    }
}

impl AwsConfig {
    /// Profile `name`'s keys from this file and `credentials`.
    pub fn profile_keys<'a>(
        &'a self,
        credentials: &'a CredentialsFile,
        name: &str,
    ) -> ProfileKeys<'a> {
        ProfileKeys::new(self.profile(name), credentials, name)
    }

    /// Every profile, in file order, with its config section: those of the config file, then
    /// those only in the shared credentials file (without one), as `list` and completion show
    /// them.
    pub fn profiles_with<'a>(
        &'a self,
        credentials: &'a CredentialsFile,
    ) -> Vec<(&'a str, Option<&'a Section>)> {
        let mut profiles: Vec<(&str, Option<&Section>)> = self
            .profile_sections()
            .map(|section| (section.name(), Some(section)))
            .collect();
        for name in credentials.profile_names() {
            if !profiles.iter().any(|(known, _)| *known == name) {
                profiles.push((name, None));
            }
        }
        profiles
    }
}

fn path_from(variable: Option<&OsStr>, home: Option<&Path>) -> Result<PathBuf, ConfigError> {
    let home = home.filter(|home| !home.as_os_str().is_empty());
    if let Some(value) = variable.filter(|value| !value.is_empty()) {
        let value = Path::new(value);
        return match value.strip_prefix("~") {
            Err(_) => Ok(value.to_path_buf()),
            Ok(rest) => home
                .map(|home| home.join(rest))
                .ok_or(ConfigError::NoHomeDirectory {
                    config_file: Some(value.to_path_buf()),
                }),
        };
    }
    home.map(|home| home.join(".aws").join("credentials"))
        .ok_or(ConfigError::NoHomeDirectory { config_file: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[profile sso]
sso_session = s
sso_account_id = 123456789011
sso_role_name = R

[profile role]
role_arn = arn:aws:iam::123456789012:role/R
source_profile = keys

[profile web]
role_arn = arn:aws:iam::123456789012:role/W
web_identity_token_file = /tmp/token

[profile login]
login_session = arn:aws:iam::123456789012:user/me

[profile process]
credential_process = /bin/creds

[profile process-and-keys]
credential_process = /bin/creds

[profile config-keys]
aws_access_key_id = AKIACONFIG
aws_secret_access_key = s

[profile empty]
region = eu-west-1
";

    const CREDENTIALS: &str = "\
[keys]
aws_access_key_id = AKIAFILE
aws_secret_access_key = s

[process-and-keys]
aws_access_key_id = AKIAFILE2
aws_secret_access_key = s

[profile prefixed]
aws_access_key_id = AKIAPREFIXED
aws_secret_access_key = s
";

    fn files() -> (AwsConfig, CredentialsFile) {
        let config = AwsConfig::parse(Path::new("config"), CONFIG).unwrap();
        let credentials = CredentialsFile {
            file: Some(AwsConfig::parse(Path::new("credentials"), CREDENTIALS).unwrap()),
        };
        (config, credentials)
    }

    #[test]
    fn kinds_follow_botocores_order() {
        let (config, credentials) = files();
        let kind = |name: &str| config.profile_keys(&credentials, name).kind();
        assert_eq!(kind("sso"), CredentialKind::Sso);
        assert_eq!(kind("role"), CredentialKind::AssumeRole);
        assert_eq!(kind("web"), CredentialKind::WebIdentity);
        assert_eq!(kind("login"), CredentialKind::LoginSession);
        assert_eq!(kind("process"), CredentialKind::CredentialProcess);
        assert_eq!(
            kind("process-and-keys"),
            CredentialKind::StaticKeys {
                in_credentials_file: true
            },
            "the shared credentials file comes before credential_process"
        );
        assert_eq!(
            kind("config-keys"),
            CredentialKind::StaticKeys {
                in_credentials_file: false
            }
        );
        assert_eq!(
            kind("keys"),
            CredentialKind::StaticKeys {
                in_credentials_file: true
            }
        );
        assert_eq!(kind("empty"), CredentialKind::Unknown);
        assert_eq!(kind("profile prefixed").label(), "static");
        assert!(!config.profile_keys(&credentials, "prefixed").exists());
    }

    #[test]
    fn the_credentials_file_path_follows_the_environment() {
        let home = Some(Path::new("/home/ann"));
        assert_eq!(
            path_from(None, home).unwrap(),
            Path::new("/home/ann/.aws/credentials")
        );
        assert_eq!(
            path_from(Some(OsStr::new("~/creds")), home).unwrap(),
            Path::new("/home/ann/creds")
        );
        assert_eq!(
            path_from(Some(OsStr::new("/etc/creds")), None).unwrap(),
            Path::new("/etc/creds")
        );
        assert!(path_from(None, None).is_err());
    }
}
