//! What `ssoenv configure` writes, decided from the answers alone: the wizard asks (or takes the
//! flags) and collects [`Answers`], [`plan`] decides the sections to write, and [`Plan::apply`]
//! hands them to the config editor, which keeps everything else in the file as it was. Deciding
//! apart from asking keeps what lands in the file testable without a terminal or a network, as
//! populate does.
//!
//! What is written:
//! - the profile: `sso_session`, `sso_account_id`, `sso_role_name`, and `region` and `output` when
//!   answered (unanswered, they stay as they are). A profile that carried the legacy
//!   `sso_start_url`/`sso_region` loses them, so that it does not contradict its session;
//! - the `[sso-session]` section: only the start URL, SSO region and registration scopes that are
//!   new or changed. An existing session whose settings were not given again stays untouched.

use crate::config::{AwsConfig, ConfigEditor, EditError, Section, SectionId, SsoSession};

/// Keys of the legacy profile form that an sso-session profile must not contradict.
const LEGACY_KEYS: [&str; 2] = ["sso_start_url", "sso_region"];

/// Everything the wizard settled, however it got it: a flag, a prompt, or a default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    pub profile: String,
    pub session: SessionAnswers,
    pub account_id: String,
    pub role_name: String,
    /// The profile's `region`; `None` leaves the profile's own as it is.
    pub region: Option<String>,
    /// The profile's `output`; `None` leaves the profile's own as it is.
    pub output: Option<String>,
}

/// The sso-session the profile signs in with, as it will read in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionAnswers {
    pub name: String,
    pub start_url: String,
    pub region: String,
    /// `sso_registration_scopes` as written (comma-separated); `None`: the session has none and
    /// gets none.
    pub registration_scopes: Option<String>,
}

impl SessionAnswers {
    /// The settings of the session's section, in the order a new section gets them.
    fn settings(&self) -> Vec<(&'static str, &str)> {
        let mut settings = vec![
            ("sso_start_url", self.start_url.as_str()),
            ("sso_region", self.region.as_str()),
        ];
        if let Some(scopes) = &self.registration_scopes {
            settings.push(("sso_registration_scopes", scopes.as_str()));
        }
        settings
    }

    /// The session to sign in with, its scopes read as the config reader reads them.
    pub fn sso_session(&self) -> SsoSession {
        let registration_scopes = self
            .registration_scopes
            .as_deref()
            .map(|text| {
                text.split(',')
                    .map(str::trim)
                    .filter(|scope| !scope.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|scopes| !scopes.is_empty());
        SsoSession {
            name: Some(self.name.clone()),
            start_url: self.start_url.clone(),
            region: self.region.clone(),
            registration_scopes,
        }
    }

    /// Whether listing accounts needs a new sign-in rather than a cached token: the session is
    /// new, or its start URL, region or scopes change, so a token of the old one does not fit.
    pub fn needs_new_sign_in(&self, config: &AwsConfig) -> bool {
        let Some(existing) = config.sso_session(&self.name) else {
            return true;
        };
        self.settings()
            .into_iter()
            .any(|(key, value)| existing.get(key).is_some_and(|current| current != value))
    }
}

/// What to do to one section: keys to set (in this order), then keys to remove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionWrite {
    pub section: SectionId,
    pub set: Vec<(&'static str, String)>,
    pub remove: Vec<&'static str>,
}

/// The sections configure writes, the profile first (so a new profile lands in the file before a
/// new session, as the AWS CLI writes them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub sections: Vec<SectionWrite>,
}

/// The sections to write so that `config` holds the profile and session of `answers`.
pub fn plan(config: &AwsConfig, answers: &Answers) -> Plan {
    let mut profile = SectionWrite {
        section: SectionId::Profile(answers.profile.clone()),
        set: vec![
            ("sso_session", answers.session.name.clone()),
            ("sso_account_id", answers.account_id.clone()),
            ("sso_role_name", answers.role_name.clone()),
        ],
        remove: Vec::new(),
    };
    if let Some(region) = &answers.region {
        profile.set.push(("region", region.clone()));
    }
    if let Some(output) = &answers.output {
        profile.set.push(("output", output.clone()));
    }
    if let Some(existing) = config.profile(&answers.profile) {
        profile.remove = LEGACY_KEYS
            .into_iter()
            .filter(|key| has_own(existing, key))
            .collect();
    }

    let existing_session = config.sso_session(&answers.session.name);
    let session = SectionWrite {
        section: SectionId::SsoSession(answers.session.name.clone()),
        set: answers
            .session
            .settings()
            .into_iter()
            .filter(|(key, value)| existing_session.and_then(|s| s.get(key)) != Some(*value))
            .map(|(key, value)| (key, value.to_string()))
            .collect(),
        remove: Vec::new(),
    };

    let mut sections = vec![profile];
    if !session.set.is_empty() {
        sections.push(session);
    }
    Plan { sections }
}

/// Whether `section` has `key` itself rather than by inheritance (an inherited key has no line of
/// the section to remove).
fn has_own(section: &Section, key: &str) -> bool {
    section
        .entry(key)
        .is_some_and(|entry| !entry.is_inherited())
}

impl Plan {
    /// Makes the changes in `editor`; [`ConfigEditor::save`] writes them.
    pub fn apply(&self, editor: &mut ConfigEditor) -> Result<(), EditError> {
        for write in &self.sections {
            for (key, value) in &write.set {
                editor.set(&write.section, key, value)?;
            }
            for key in &write.remove {
                editor.remove_key(&write.section, key);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn config(text: &str) -> AwsConfig {
        AwsConfig::parse(Path::new("config"), text).unwrap()
    }

    fn session(name: &str) -> SessionAnswers {
        SessionAnswers {
            name: name.to_string(),
            start_url: "https://my-sso-portal.awsapps.com/start".to_string(),
            region: "us-east-1".to_string(),
            registration_scopes: Some("sso:account:access".to_string()),
        }
    }

    fn answers(profile: &str, session: SessionAnswers) -> Answers {
        Answers {
            profile: profile.to_string(),
            session,
            account_id: "123456789011".to_string(),
            role_name: "ReadOnly".to_string(),
            region: Some("us-west-2".to_string()),
            output: None,
        }
    }

    fn set(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs
            .iter()
            .map(|(key, value)| (*key, value.to_string()))
            .collect()
    }

    fn profile_write(answers: &Answers, remove: Vec<&'static str>) -> SectionWrite {
        SectionWrite {
            section: SectionId::Profile(answers.profile.clone()),
            set: set(&[
                ("sso_session", &answers.session.name),
                ("sso_account_id", "123456789011"),
                ("sso_role_name", "ReadOnly"),
                ("region", "us-west-2"),
            ]),
            remove,
        }
    }

    #[test]
    fn a_new_session_gets_its_section_after_the_profile() {
        let config = config("[profile other]\nregion = eu-west-1\n");
        let answers = answers("my-dev-profile", session("my-sso"));
        assert_eq!(
            plan(&config, &answers).sections,
            [
                profile_write(&answers, vec![]),
                SectionWrite {
                    section: SectionId::SsoSession("my-sso".to_string()),
                    set: set(&[
                        ("sso_start_url", "https://my-sso-portal.awsapps.com/start"),
                        ("sso_region", "us-east-1"),
                        ("sso_registration_scopes", "sso:account:access"),
                    ]),
                    remove: vec![],
                },
            ]
        );
        assert!(answers.session.needs_new_sign_in(&config));
    }

    #[test]
    fn an_existing_session_is_left_as_it_is() {
        let config = config(
            "[sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n\
             sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
        );
        let answers = answers("my-dev-profile", session("my-sso"));
        assert_eq!(
            plan(&config, &answers).sections,
            [profile_write(&answers, vec![])]
        );
        assert!(!answers.session.needs_new_sign_in(&config));
    }

    #[test]
    fn an_existing_session_without_scopes_gets_none_and_a_changed_region_only() {
        let config = config(
            "[sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n\
             sso_region = us-east-1\n",
        );
        let mut session = session("my-sso");
        session.registration_scopes = None;
        session.region = "eu-central-1".to_string();
        let answers = answers("my-dev-profile", session);
        assert_eq!(
            plan(&config, &answers).sections,
            [
                profile_write(&answers, vec![]),
                SectionWrite {
                    section: SectionId::SsoSession("my-sso".to_string()),
                    set: set(&[("sso_region", "eu-central-1")]),
                    remove: vec![],
                },
            ]
        );
        assert!(
            answers.session.needs_new_sign_in(&config),
            "a token of the old region does not fit"
        );
    }

    #[test]
    fn a_legacy_profile_loses_its_start_url_and_region() {
        let config = config(
            "[profile legacy]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n\
             sso_region = us-east-1\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n",
        );
        let answers = answers("legacy", session("my-sso"));
        let plan = plan(&config, &answers);
        assert_eq!(
            plan.sections[0],
            profile_write(&answers, vec!["sso_start_url", "sso_region"])
        );
        assert_eq!(
            plan.sections[1].section,
            SectionId::SsoSession("my-sso".to_string())
        );
        assert_eq!(plan.sections.len(), 2);
    }

    #[test]
    fn an_inherited_legacy_key_has_no_line_to_remove() {
        let config = config(
            "[DEFAULT]\nsso_region = us-east-1\n\n[profile dev]\nsso_session = my-sso\n\
             sso_account_id = 123456789011\nsso_role_name = ReadOnly\n",
        );
        let answers = answers("dev", session("my-sso"));
        assert_eq!(
            plan(&config, &answers).sections[0].remove,
            Vec::<&str>::new()
        );
    }

    #[test]
    fn an_existing_profile_is_updated_and_keeps_what_was_not_answered() {
        let config = config(
            "[profile dev]\nsso_session = old-sso\nsso_account_id = 123456789022\n\
             sso_role_name = FullAccess\nregion = eu-west-1\noutput = table\n\n\
             [sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n\
             sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
        );
        let mut answers = answers("dev", session("my-sso"));
        answers.region = None;
        answers.output = Some("json".to_string());
        assert_eq!(
            plan(&config, &answers).sections,
            [SectionWrite {
                section: SectionId::Profile("dev".to_string()),
                set: set(&[
                    ("sso_session", "my-sso"),
                    ("sso_account_id", "123456789011"),
                    ("sso_role_name", "ReadOnly"),
                    ("output", "json"),
                ]),
                remove: vec![],
            }]
        );
    }

    #[test]
    fn the_plan_is_written_by_the_editor() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        let before = "# mine\n[profile legacy]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\nregion = eu-west-1\n";
        std::fs::write(&path, before).unwrap();
        let mut editor = ConfigEditor::open(&path).unwrap();
        let answers = answers("legacy", session("my-sso"));
        plan(editor.config(), &answers).apply(&mut editor).unwrap();
        assert_eq!(
            editor.render(),
            "# mine\n[profile legacy]\nregion = us-west-2\nsso_session = my-sso\n\
             sso_account_id = 123456789011\nsso_role_name = ReadOnly\n\n\
             [sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n\
             sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
        );
    }

    #[test]
    fn the_session_signed_in_with_reads_its_scopes_as_the_config_does() {
        let mut answers = session("my-sso");
        answers.registration_scopes = Some(" sso:account:access , ,x ".to_string());
        assert_eq!(
            answers.sso_session().registration_scopes,
            Some(vec!["sso:account:access".to_string(), "x".to_string()])
        );
        answers.registration_scopes = Some(" , ".to_string());
        assert_eq!(answers.sso_session().registration_scopes, None);
    }
}
