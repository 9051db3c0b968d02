//! Resolving a profile into what the SSO flow needs: which account and role, which sign-in
//! session (start URL and region), and which endpoints.
//!
//! The rules are botocore's (`SSOProvider`, `SSOTokenProvider`, `ConfiguredEndpointProvider`),
//! so that a profile works here exactly when it works with the AWS CLI; where botocore would fail
//! with a terse message, the error here says what to change and where.

use super::error::{ConfigError, ValueMismatch, did_you_mean, join_with_and, section_label};
use super::section::{Section, SectionKind, Value};
use super::start_url::is_vanity_start_url;
use super::suggest::close_names;
use super::{AwsConfig, parse};

/// Up to this many names are listed in a "not found" message; more would flood the terminal.
const MAX_LISTED_NAMES: usize = 10;

/// An SSO profile, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoProfile {
    pub name: String,
    pub account_id: String,
    pub role_name: String,
    /// The profile's `region` (for the exported `AWS_REGION`), not the SSO region.
    pub region: Option<String>,
    pub session: SsoSession,
    /// Endpoint overrides found in the file for this profile (not the environment: the caller
    /// applies `AWS_ENDPOINT_URL_*` on top): the `services` section named by the profile's
    /// `services` key (`sso =` / `sso_oidc =` or `sso-oidc =`, each with a nested
    /// `endpoint_url = …`), else the profile's own `endpoint_url`. Empty when the profile sets
    /// `ignore_configured_endpoint_urls = true`.
    pub endpoints: EndpointOverrides,
}

/// Endpoint URLs from the config file; `None` means no override.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointOverrides {
    /// The portal service (`sso`).
    pub sso: Option<String>,
    /// The OIDC service (`sso-oidc`).
    pub sso_oidc: Option<String>,
}

impl From<(Option<&str>, Option<&str>)> for EndpointOverrides {
    /// From the portal's and the OIDC service's overrides as the file holds them.
    fn from((sso, sso_oidc): (Option<&str>, Option<&str>)) -> EndpointOverrides {
        EndpointOverrides {
            sso: sso.map(str::to_string),
            sso_oidc: sso_oidc.map(str::to_string),
        }
    }
}

/// Where and how to sign in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoSession {
    /// `None` for a legacy profile that carries `sso_start_url` and `sso_region` itself.
    pub name: Option<String>,
    pub start_url: String,
    /// `sso_region`; empty when it is absent and the start URL is a company's own domain (see
    /// `start_url`): the region is then taken from where that URL redirects, at sign-in.
    pub region: String,
    /// `sso_registration_scopes`, split on commas and trimmed, empty items dropped (as the AWS
    /// CLI does); `None` when not configured. Always `None` for a legacy profile.
    pub registration_scopes: Option<Vec<String>>,
}

/// The names of the session's files in the AWS CLI's caches (see `crate::cache` for the rules).
impl SsoSession {
    /// The token cache's key: the session name, or the start URL of a legacy profile.
    pub fn token_key(&self) -> String {
        crate::cache::token_key(self.name.as_deref(), &self.start_url)
    }

    /// The client registration cache's key.
    pub fn registration_key(&self) -> String {
        crate::cache::registration_key(
            &self.start_url,
            &self.region,
            self.registration_scopes.as_deref(),
            self.name.as_deref(),
        )
    }
}

impl SsoProfile {
    /// The role credential cache's key of this profile's account and role.
    pub fn role_credentials_key(&self) -> String {
        crate::cache::role_credentials_key(
            &self.account_id,
            &self.role_name,
            self.session.name.as_deref(),
            &self.session.start_url,
        )
    }
}

/// An SSO profile as [`AwsConfig::sso_profile_view`] checked it, borrowing its values from the
/// reading: `list` checks every profile of a file that may hold tens of thousands, and copying
/// each into an [`SsoProfile`] was a quarter of its work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SsoProfileView<'c> {
    pub name: &'c str,
    pub account_id: &'c str,
    pub role_name: &'c str,
    pub region: Option<&'c str>,
    pub session: SsoSessionView<'c>,
    /// The portal's and the OIDC service's endpoint overrides (see [`SsoProfile::endpoints`]).
    pub endpoints: (Option<&'c str>, Option<&'c str>),
}

/// [`SsoSession`], borrowing from the reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SsoSessionView<'c> {
    pub name: Option<&'c str>,
    pub start_url: &'c str,
    pub region: &'c str,
    /// `sso_registration_scopes` as written.
    pub registration_scopes: Option<&'c str>,
}

impl SsoProfileView<'_> {
    /// The profile with values of its own.
    pub fn to_profile(&self) -> SsoProfile {
        SsoProfile {
            name: self.name.to_string(),
            account_id: self.account_id.to_string(),
            role_name: self.role_name.to_string(),
            region: self.region.map(str::to_string),
            session: self.session.to_session(),
            endpoints: EndpointOverrides::from(self.endpoints),
        }
    }

    /// [`SsoProfile::role_credentials_key`].
    pub fn role_credentials_key(&self) -> String {
        crate::cache::role_credentials_key(
            self.account_id,
            self.role_name,
            self.session.name,
            self.session.start_url,
        )
    }
}

impl SsoSessionView<'_> {
    /// The session with values of its own.
    pub fn to_session(&self) -> SsoSession {
        SsoSession {
            name: self.name.map(str::to_string),
            start_url: self.start_url.to_string(),
            region: self.region.to_string(),
            registration_scopes: self.registration_scopes.map(split_scopes),
        }
    }

    /// What the token cache's key is the hash of (see [`SsoSession::token_key`]).
    pub fn token_key_source(&self) -> &str {
        self.name.unwrap_or(self.start_url)
    }
}

const ACCOUNT_ID: &str = "sso_account_id";
const ROLE_NAME: &str = "sso_role_name";
const SESSION: &str = "sso_session";
const START_URL: &str = "sso_start_url";
const SSO_REGION: &str = "sso_region";
const SCOPES: &str = "sso_registration_scopes";

impl AwsConfig {
    /// Resolve `name` as an SSO profile (sso-session form or legacy form).
    pub fn sso_profile(&self, name: &str) -> Result<SsoProfile, ConfigError> {
        let profile = self
            .profile(name)
            .ok_or_else(|| self.profile_not_found(name))?;
        self.sso_profile_view(profile).map(|view| view.to_profile())
    }

    /// [`Self::sso_profile`] for a profile section already at hand, as a view (`list` goes
    /// through them all: a lookup by name and a copy per row were a quarter of its work).
    pub fn sso_profile_view<'c>(
        &'c self,
        profile: &'c Section,
    ) -> Result<SsoProfileView<'c>, ConfigError> {
        let account_id = self.text(profile, ACCOUNT_ID)?;
        let role_name = self.text(profile, ROLE_NAME)?;
        // botocore's test: a profile is an SSO profile when it has either of these keys.
        if account_id.is_none() && role_name.is_none() {
            return Err(self.not_sso_profile(profile));
        }
        let session = match self.text(profile, SESSION)? {
            Some(session_name) => self.session_of(profile, session_name)?,
            None => self.legacy_session_of(profile)?,
        };
        let missing: Vec<&'static str> = [(ACCOUNT_ID, account_id), (ROLE_NAME, role_name)]
            .into_iter()
            .filter(|(_, value)| value.is_none_or(str::is_empty))
            .map(|(key, _)| key)
            .collect();
        if !missing.is_empty() {
            return Err(self.incomplete_profile(profile, missing));
        }
        Ok(SsoProfileView {
            name: profile.name(),
            account_id: account_id.unwrap_or_default(),
            role_name: role_name.unwrap_or_default(),
            region: self
                .text(profile, "region")?
                .filter(|region| !region.is_empty()),
            session,
            endpoints: self.endpoints_of(profile, None)?,
        })
    }

    /// The endpoint overrides the file sets for profile `name` (see [`SsoProfile::endpoints`]).
    /// `ignore_from_env` is `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` when it is set: like botocore,
    /// it takes precedence over the profile's `ignore_configured_endpoint_urls`, in both
    /// directions.
    pub fn endpoint_overrides(
        &self,
        name: &str,
        ignore_from_env: Option<bool>,
    ) -> Result<EndpointOverrides, ConfigError> {
        let profile = self
            .profile(name)
            .ok_or_else(|| self.profile_not_found(name))?;
        Ok(EndpointOverrides::from(
            self.endpoints_of(profile, ignore_from_env)?,
        ))
    }

    /// The endpoint URL the file sets for one more service of profile `name`, by the same rules as
    /// [`SsoProfile::endpoints`]: the `services` section's block for the first of `service_keys`
    /// that has one (e.g. `["sts"]`), else the profile's own `endpoint_url`; `None` when the file
    /// sets neither or the profile sets `ignore_configured_endpoint_urls = true`. The caller
    /// applies `AWS_ENDPOINT_URL_*` and `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` on top.
    pub fn service_endpoint_override(
        &self,
        name: &str,
        service_keys: &[&str],
    ) -> Result<Option<String>, ConfigError> {
        let profile = self
            .profile(name)
            .ok_or_else(|| self.profile_not_found(name))?;
        let ignore = self
            .text(profile, "ignore_configured_endpoint_urls")?
            .is_some_and(|value| value.eq_ignore_ascii_case("true"));
        if ignore {
            return Ok(None);
        }
        if let Some(services_name) = self.text(profile, "services")? {
            let services = self
                .services_section(services_name)
                .ok_or_else(|| self.services_not_found(profile, services_name))?;
            if let Some(url) = self.service_endpoint(services, service_keys)? {
                return Ok(Some(url.to_string()));
            }
        }
        Ok(self
            .text(profile, "endpoint_url")?
            .filter(|url| !url.is_empty())
            .map(str::to_string))
    }

    /// The sso-session form: the session must exist and hold the start URL and region, and any
    /// key the profile repeats must have the same value (botocore checks every such key).
    fn session_of<'c>(
        &'c self,
        profile: &Section,
        session_name: &'c str,
    ) -> Result<SsoSessionView<'c>, ConfigError> {
        if session_name.is_empty() {
            return Err(self.invalid_value(
                profile,
                SESSION,
                "is empty; set it to the name of an [sso-session NAME] section".to_string(),
            ));
        }
        let session = self
            .sso_session(session_name)
            .ok_or_else(|| self.session_not_found(profile, session_name))?;
        self.check_repeated_session_keys(profile, session, session_name)?;
        self.session_from_section(session, session_name)
    }

    /// The `[sso-session NAME]` section on its own, for `ssoenv login --sso-session NAME`.
    pub fn named_sso_session(&self, session_name: &str) -> Result<SsoSession, ConfigError> {
        let Some(session) = self.sso_session(session_name) else {
            let names = self.sso_session_names();
            let suggestions = close_names(session_name, names.iter().copied());
            let mut hint = self.misspelled_header_hint("sso-session", session_name);
            hint.push_str(&did_you_mean(&suggestions));
            hint.push_str(&listing("sso-sessions", &names));
            return Err(ConfigError::NamedSsoSessionNotFound {
                path: self.path.clone(),
                session: session_name.to_string(),
                suggestions,
                hint,
            });
        };
        Ok(self
            .session_from_section(session, session_name)?
            .to_session())
    }

    /// The session a profile signs in with, for `ssoenv login PROFILE`: unlike
    /// [`AwsConfig::sso_profile`] it needs no account or role (as `aws sso login --profile`).
    pub fn sso_session_of_profile(&self, name: &str) -> Result<SsoSession, ConfigError> {
        match self.sso_profile(name) {
            Ok(profile) => Ok(profile.session),
            Err(error) => {
                let profile = self
                    .profile(name)
                    .ok_or_else(|| self.profile_not_found(name))?;
                match self.text(profile, SESSION)? {
                    Some(session_name) if !session_name.is_empty() => self
                        .session_of(profile, session_name)
                        .map(|session| session.to_session()),
                    _ => Err(error),
                }
            }
        }
    }

    /// botocore checks every key a profile repeats from its sso-session: the values must agree.
    fn check_repeated_session_keys(
        &self,
        profile: &Section,
        session: &Section,
        session_name: &str,
    ) -> Result<(), ConfigError> {
        for entry in session.entries() {
            let Some(profile_value) = profile.value(entry.key()) else {
                continue;
            };
            if profile_value != entry.value() {
                return Err(ConfigError::InconsistentSsoSetting {
                    path: self.path.clone(),
                    profile: profile.name().to_string(),
                    session: session_name.to_string(),
                    mismatch: Box::new(ValueMismatch {
                        key: entry.key().to_string(),
                        in_profile: describe(profile_value),
                        in_session: describe(entry.value()),
                    }),
                });
            }
        }
        Ok(())
    }

    fn session_from_section<'c>(
        &'c self,
        session: &'c Section,
        session_name: &'c str,
    ) -> Result<SsoSessionView<'c>, ConfigError> {
        let start_url = self.text(session, START_URL)?.filter(|v| !v.is_empty());
        let region = self.text(session, SSO_REGION)?.filter(|v| !v.is_empty());
        let region =
            region.or_else(|| start_url.filter(|url| is_vanity_start_url(url)).map(|_| ""));
        let (Some(start_url), Some(region)) = (start_url, region) else {
            let missing = [(START_URL, start_url), (SSO_REGION, region)]
                .into_iter()
                .filter(|(_, value)| value.is_none())
                .map(|(key, _)| key)
                .collect();
            return Err(ConfigError::IncompleteSsoSession {
                path: self.path.clone(),
                session: session_name.to_string(),
                line: session.line(),
                missing,
            });
        };
        Ok(SsoSessionView {
            name: Some(session_name),
            start_url,
            region,
            registration_scopes: self.text(session, SCOPES)?,
        })
    }

    /// The legacy form: the profile carries the start URL and region itself.
    fn legacy_session_of<'c>(
        &'c self,
        profile: &'c Section,
    ) -> Result<SsoSessionView<'c>, ConfigError> {
        let start_url = self.text(profile, START_URL)?.filter(|v| !v.is_empty());
        let region = self.text(profile, SSO_REGION)?.filter(|v| !v.is_empty());
        let region =
            region.or_else(|| start_url.filter(|url| is_vanity_start_url(url)).map(|_| ""));
        let (Some(start_url), Some(region)) = (start_url, region) else {
            let mut missing: Vec<&'static str> = [
                (ACCOUNT_ID, self.text(profile, ACCOUNT_ID)?),
                (ROLE_NAME, self.text(profile, ROLE_NAME)?),
            ]
            .into_iter()
            .filter(|(_, value)| value.is_none_or(str::is_empty))
            .map(|(key, _)| key)
            .collect();
            missing.extend(
                [(START_URL, start_url), (SSO_REGION, region)]
                    .into_iter()
                    .filter(|(_, value)| value.is_none())
                    .map(|(key, _)| key),
            );
            return Err(self.incomplete_profile(profile, missing));
        };
        Ok(SsoSessionView {
            name: None,
            start_url,
            region,
            registration_scopes: None,
        })
    }

    /// botocore's order (after the environment, which the caller applies): the `services`
    /// section's per-service `endpoint_url`, then the profile's `endpoint_url`. An empty value
    /// counts as unset, as in botocore.
    fn endpoints_of<'c>(
        &'c self,
        profile: &'c Section,
        ignore_from_env: Option<bool>,
    ) -> Result<(Option<&'c str>, Option<&'c str>), ConfigError> {
        let ignore = match ignore_from_env {
            Some(ignore) => ignore,
            None => self
                .text(profile, "ignore_configured_endpoint_urls")?
                .is_some_and(|value| value.eq_ignore_ascii_case("true")),
        };
        if ignore {
            return Ok((None, None));
        }
        let global = self
            .text(profile, "endpoint_url")?
            .filter(|url| !url.is_empty());
        let (sso, sso_oidc) = match self.text(profile, "services")? {
            None => (None, None),
            Some(services_name) => {
                let services = self
                    .services_section(services_name)
                    .ok_or_else(|| self.services_not_found(profile, services_name))?;
                (
                    // botocore looks up `sso_oidc` (the service id in snake case); the
                    // reference documentation writes `sso-oidc`, so both are accepted.
                    self.service_endpoint(services, &["sso"])?,
                    self.service_endpoint(services, &["sso_oidc", "sso-oidc"])?,
                )
            }
        };
        Ok((sso.or(global), sso_oidc.or(global)))
    }

    fn service_endpoint<'c>(
        &self,
        services: &'c Section,
        keys: &[&str],
    ) -> Result<Option<&'c str>, ConfigError> {
        for &key in keys {
            match services.value(key) {
                None => {}
                Some(Value::Nested(_)) => {
                    let url = services.nested(key, "endpoint_url");
                    if let Some(url) = url.filter(|url| !url.is_empty()) {
                        return Ok(Some(url));
                    }
                }
                Some(Value::Text(_)) => {
                    return Err(self.invalid_value(
                        services,
                        key,
                        format!(
                            "must be an indented block: `{key} =` on one line, then \
                             `  endpoint_url = https://…` indented below it"
                        ),
                    ));
                }
            }
        }
        Ok(None)
    }

    /// A plain value; an indented block where a single value belongs is an error.
    fn text<'s>(&self, section: &'s Section, key: &str) -> Result<Option<&'s str>, ConfigError> {
        match section.value(key) {
            None => Ok(None),
            Some(Value::Text(text)) => Ok(Some(text)),
            Some(Value::Nested(_)) => Err(self.invalid_value(
                section,
                key,
                "must be a single value, not an indented block".to_string(),
            )),
        }
    }

    fn invalid_value(&self, section: &Section, key: &str, problem: String) -> ConfigError {
        let line = section
            .entry(key)
            .map_or(section.line(), |entry| entry.line());
        ConfigError::InvalidValue {
            path: self.path.clone(),
            section: format!("[{}]", section.header()),
            key: key.to_string(),
            line,
            problem,
        }
    }

    fn incomplete_profile(&self, profile: &Section, missing: Vec<&'static str>) -> ConfigError {
        let legacy_form_incomplete = missing.contains(&START_URL) || missing.contains(&SSO_REGION);
        let hint = if legacy_form_incomplete {
            format!(
                " (or replace {START_URL} and {SSO_REGION} with {SESSION} = NAME, naming an \
                 [sso-session NAME] section that holds them)"
            )
        } else {
            String::new()
        };
        ConfigError::IncompleteSsoProfile {
            path: self.path.clone(),
            profile: profile.name().to_string(),
            line: profile.line(),
            missing,
            hint,
        }
    }

    /// The profile has neither `sso_account_id` nor `sso_role_name`: say what it is instead.
    fn not_sso_profile(&self, profile: &Section) -> ConfigError {
        let has = |key: &str| profile.value(key).is_some();
        let mut missing = vec![ACCOUNT_ID, ROLE_NAME];
        if !has(SESSION) && !has(START_URL) {
            missing.push(SESSION);
        }
        let hint = if has("role_arn") || has("source_profile") {
            match profile.get("source_profile") {
                Some(source) if !source.is_empty() => format!(
                    " It assumes a role (role_arn) with the credentials of source_profile \
                     '{source}': that is role chaining, which needs the SSO profile at the \
                     start of the chain here."
                ),
                _ => " It assumes a role (role_arn) without a source_profile; ssoenv chains \
                      roles only from an SSO profile named by source_profile."
                    .to_string(),
            }
        } else if has("credential_process") {
            " It gets its credentials from credential_process instead.".to_string()
        } else if has("aws_access_key_id") {
            " It holds static access keys instead.".to_string()
        } else if has("web_identity_token_file") {
            " It uses a web identity token instead.".to_string()
        } else if has(SESSION) || has(START_URL) {
            " It names where to sign in but no account and role: add them, e.g. with \
             `aws configure sso`."
                .to_string()
        } else {
            " Set it up with `ssoenv configure` or `aws configure sso`.".to_string()
        };
        ConfigError::NotSsoProfile {
            path: self.path.clone(),
            profile: profile.name().to_string(),
            line: profile.line(),
            missing,
            hint,
        }
    }

    fn profile_not_found(&self, name: &str) -> ConfigError {
        let names = self.profile_names();
        let suggestions = close_names(name, names.iter().copied());
        let mut hint = String::new();
        if name == "default" {
            hint.push_str(
                " There is no [default] section; name a profile (`ssoenv PROFILE`) or set \
                 AWS_PROFILE.",
            );
        }
        if self.sso_session(name).is_some() {
            let users: Vec<String> = self
                .profile_names()
                .into_iter()
                .filter(|profile| {
                    self.profile(profile)
                        .and_then(|section| section.get(SESSION))
                        .is_some_and(|session| session == name)
                })
                .map(|profile| format!("'{profile}'"))
                .collect();
            let users = abbreviate(users);
            hint.push_str(&format!(
                " '{name}' is an sso-session, not a profile; {}.",
                if users.is_empty() {
                    "no profile uses it yet (create one with `aws configure sso`)".to_string()
                } else {
                    format!("the profiles using it are {}", join_with_and(&users))
                }
            ));
        }
        hint.push_str(&self.misspelled_header_hint("profile", name));
        hint.push_str(&did_you_mean(&suggestions));
        hint.push_str(&listing("profiles", &names));
        ConfigError::ProfileNotFound {
            path: self.path.clone(),
            profile: name.to_string(),
            suggestions,
            hint,
        }
    }

    fn session_not_found(&self, profile: &Section, session_name: &str) -> ConfigError {
        let names = self.sso_session_names();
        let suggestions = close_names(session_name, names.iter().copied());
        let mut hint = self.misspelled_header_hint("sso-session", session_name);
        hint.push_str(&did_you_mean(&suggestions));
        hint.push_str(&listing("sso-sessions", &names));
        ConfigError::SsoSessionNotFound {
            path: self.path.clone(),
            profile: profile.name().to_string(),
            session: session_name.to_string(),
            suggestions,
            hint,
        }
    }

    fn services_not_found(&self, profile: &Section, services_name: &str) -> ConfigError {
        let names = self.services_names();
        let suggestions = close_names(services_name, names.iter().copied());
        let mut hint = self.misspelled_header_hint("services", services_name);
        hint.push_str(&did_you_mean(&suggestions));
        hint.push_str(&listing("services sections", &names));
        ConfigError::ServicesSectionNotFound {
            path: self.path.clone(),
            profile: profile.name().to_string(),
            services: services_name.to_string(),
            suggestions,
            hint,
        }
    }

    /// Headers the AWS CLI ignores although the user meant `name`: `[dev]` for a profile (no
    /// `profile ` prefix), `[profile my dev]` (unquoted space), `[profile 'dev]` (unclosed quote).
    fn misspelled_header_hint(&self, prefix: &str, name: &str) -> String {
        let wanted = section_label(prefix, name);
        for section in &self.sections {
            if section.kind() != SectionKind::Other {
                continue;
            }
            let header = section.header();
            let line = section.line();
            if prefix == "profile" && header == name {
                return format!(
                    " The section [{header}] on line {line} is not a profile: profile sections \
                     are written {wanted} (only [default] goes without the prefix)."
                );
            }
            let Some(rest) = header.strip_prefix(prefix) else {
                continue;
            };
            let rest = rest.trim_matches(parse::is_py_space);
            if rest == name || rest.trim_matches(['\'', '"']) == name {
                let why = match parse::split_shell_words(header) {
                    Err(_) => "its quotes are unbalanced",
                    Ok(_) => "a name with spaces must be quoted",
                };
                return format!(
                    " The section [{header}] on line {line} is ignored by the AWS CLI because \
                     {why}: write it as {wanted}."
                );
            }
        }
        String::new()
    }
}

/// " Profiles in the file: 'a', 'b'." or a count when there are many.
fn listing(what: &str, names: &[&str]) -> String {
    match names.len() {
        0 => match what {
            "profiles" => " The file defines no profiles; create one with `ssoenv configure` or \
                           `aws configure sso`."
                .to_string(),
            _ => format!(" The file defines no {what}."),
        },
        count if count <= MAX_LISTED_NAMES => {
            let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
            format!(" The {what} in the file are {}.", join_with_and(&quoted))
        }
        count if what == "profiles" => {
            format!(" The file defines {count} profiles; `aws configure list-profiles` lists them.")
        }
        count => format!(" The file defines {count} {what}."),
    }
}

/// The first few of `names`, then "N more".
fn abbreviate(mut names: Vec<String>) -> Vec<String> {
    if names.len() > MAX_LISTED_NAMES {
        let more = names.len() - (MAX_LISTED_NAMES - 1);
        names.truncate(MAX_LISTED_NAMES - 1);
        names.push(format!("{more} more"));
    }
    names
}

/// A value as shown in a message.
fn describe(value: &Value) -> String {
    match value {
        Value::Text(text) => text.to_string(),
        Value::Nested(entries) => {
            let lines: Vec<String> = entries
                .iter()
                .map(|entry| format!("{} = {}", entry.key(), entry.value()))
                .collect();
            format!("(block: {})", lines.join("; "))
        }
    }
}

/// The AWS CLI's `parse_sso_registration_scopes`: comma-separated, trimmed, empty items dropped.
fn split_scopes(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|scope| scope.trim_matches(parse::is_py_space))
        .filter(|scope| !scope.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_like_the_cli() {
        assert_eq!(split_scopes("a"), ["a"]);
        assert_eq!(split_scopes(" a , b,,c, "), ["a", "b", "c"]);
        assert!(split_scopes("").is_empty());
    }

    #[test]
    fn listing_names_few_and_counts_many() {
        assert_eq!(
            listing("profiles", &["a", "b"]),
            " The profiles in the file are 'a' and 'b'."
        );
        let many: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(listing("profiles", &many).contains("defines 20 profiles"));
        assert!(listing("profiles", &[]).contains("aws configure sso"));
    }
}
