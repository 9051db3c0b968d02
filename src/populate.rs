//! Profiles for every account and role of an SSO session: which to create, update or remove, so
//! that running `ssoenv populate` again converges instead of piling up.
//!
//! The profiles populate writes carry a marker key, `ssoenv_populated = true` (AWS tools ignore
//! keys they do not know). Only marked profiles of the session are ever updated or removed:
//! a profile the user wrote (no marker) is never touched, its name is never taken over, and an
//! account and role it already covers get no second profile. To keep a populated profile out of
//! populate's hands, delete its marker line. Deciding is separate from writing ([`plan`], then
//! [`Plan::apply`]), so `--dry-run` shows exactly what a real run does.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::{AwsConfig, ConfigEditor, EditError, SectionId, value_problem};

/// Profile names from the account and role names: `DeveloperAccount.ReadOnly`.
pub const DEFAULT_TEMPLATE: &str = "{account_name}.{role_name}";
/// The key that marks a profile as populate's own.
pub const MARKER_KEY: &str = "ssoenv_populated";
const MARKER_VALUE: &str = "true";

/// An account and one of its roles, as the portal lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub account_id: String,
    pub account_name: String,
    pub role_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    AccountName,
    AccountId,
    RoleName,
    SsoSession,
}

/// A profile name template such as `{account_name}.{role_name}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error(
        "unknown placeholder {{{0}}} in the template; use {{account_name}}, {{account_id}}, \
         {{role_name}} or {{sso_session}}"
    )]
    UnknownPlaceholder(String),
    #[error("the template has a `{{` without its `}}`")]
    Unclosed,
    #[error(
        "the template may only hold letters, digits and . _ - / @ + besides its placeholders \
         (found {0:?})"
    )]
    BadCharacter(char),
    #[error("the template has no placeholder, so every profile would get the same name")]
    NoPlaceholder,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let end = after.find('}').ok_or(TemplateError::Unclosed)?;
                parts.push(match &after[..end] {
                    "account_name" => Part::AccountName,
                    "account_id" => Part::AccountId,
                    "role_name" => Part::RoleName,
                    "sso_session" => Part::SsoSession,
                    other => return Err(TemplateError::UnknownPlaceholder(other.to_string())),
                });
                rest = &after[end + 1..];
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let literal = &rest[..end];
                if let Some(bad) = literal.chars().find(|&c| !is_literal_char(c)) {
                    return Err(TemplateError::BadCharacter(bad));
                }
                parts.push(Part::Literal(literal.to_string()));
                rest = &rest[end..];
            }
        }
        if !parts.iter().any(|part| !matches!(part, Part::Literal(_))) {
            return Err(TemplateError::NoPlaceholder);
        }
        Ok(Template { parts })
    }

    /// The profile name for `assignment`; substituted values are made safe (see [`safe_name`]).
    pub fn render(&self, assignment: &Assignment, sso_session: &str) -> String {
        let mut name = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => name.push_str(text),
                Part::AccountName => {
                    let safe = safe_name(&assignment.account_name);
                    // A name with nothing usable in it (all non-Latin letters) falls back to the id.
                    name.push_str(if safe.is_empty() {
                        &assignment.account_id
                    } else {
                        &safe
                    });
                }
                Part::AccountId => name.push_str(&safe_name(&assignment.account_id)),
                Part::RoleName => name.push_str(&safe_name(&assignment.role_name)),
                Part::SsoSession => name.push_str(&safe_name(sso_session)),
            }
        }
        name
    }
}

fn is_literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '@' | '+')
}

/// A value made safe for a profile name that people type, put in `AWS_PROFILE` and see in
/// section headers: every run of characters other than ASCII letters, digits, `.`, `_` and `-`
/// becomes one `-`, and `-` at either end goes (`Acme Dev (EU)` → `Acme-Dev-EU`).
pub fn safe_name(value: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out.trim_matches('-').to_string()
}

/// What populate does (or, with `--dry-run`, would do) to one profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Create {
        profile: String,
        assignment: Assignment,
    },
    /// A populated profile whose settings differ: `(key, old value, new value)`.
    Update {
        profile: String,
        settings: Vec<(String, Option<String>, String)>,
    },
    Unchanged {
        profile: String,
    },
    /// A populated profile whose account and role are gone (or that the template now names
    /// differently); removed only with `--prune`.
    Stale {
        profile: String,
        account_id: String,
        role_name: String,
        /// The name the template gives that account and role now, if it is still reachable.
        renamed_to: Option<String>,
        removed: bool,
    },
    /// The template's name is taken by a profile populate did not make (for this session).
    NameTaken {
        profile: String,
        assignment: Assignment,
    },
    /// The user already has a profile for this account and role in this session.
    Covered {
        profile: String,
        assignment: Assignment,
    },
    /// The portal gave an account id or role name no config file can hold (a line break, a
    /// control character, white space at either end): skipped, so the rest still gets written.
    Unwritable {
        assignment: Assignment,
        why: &'static str,
    },
}

/// Every change populate decided on, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub sso_session: String,
    pub changes: Vec<Change>,
    /// Names the template gave to several accounts or roles, which got the account id (and the
    /// role) appended.
    pub disambiguated: Vec<String>,
}

/// What populate is asked to do.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    pub sso_session: &'a str,
    pub template: &'a Template,
    pub region: Option<&'a str>,
    pub prune: bool,
}

/// A profile as populate sees it.
struct Existing<'a> {
    name: &'a str,
    session: Option<&'a str>,
    account_id: Option<&'a str>,
    role_name: Option<&'a str>,
    populated: bool,
}

/// Decides what to create, update and remove so that the config holds one profile per
/// assignment.
pub fn plan(config: &AwsConfig, assignments: &[Assignment], options: &Options<'_>) -> Plan {
    let existing: Vec<Existing> = config
        .profile_names()
        .into_iter()
        .filter_map(|name| {
            let section = config.profile(name)?;
            Some(Existing {
                name,
                session: section.get("sso_session"),
                account_id: section.get("sso_account_id"),
                role_name: section.get("sso_role_name"),
                populated: section.get(MARKER_KEY) == Some(MARKER_VALUE),
            })
        })
        .collect();
    let ours =
        |profile: &Existing| profile.populated && profile.session == Some(options.sso_session);
    // Account and role → the user's own profile for them in this session.
    let covered: HashMap<(&str, &str), &str> = existing
        .iter()
        .filter(|p| p.session == Some(options.sso_session) && !p.populated)
        .filter_map(|p| Some(((p.account_id?, p.role_name?), p.name)))
        .collect();
    let by_name: HashMap<&str, &Existing> = existing.iter().map(|p| (p.name, p)).collect();

    let mut plan = Plan {
        sso_session: options.sso_session.to_string(),
        ..Plan::default()
    };
    let mut wanted: Vec<(&Assignment, String)> = Vec::new();
    for assignment in assignments {
        let key = (
            assignment.account_id.as_str(),
            assignment.role_name.as_str(),
        );
        if let Some(why) =
            value_problem(&assignment.account_id).or_else(|| value_problem(&assignment.role_name))
        {
            plan.changes.push(Change::Unwritable {
                assignment: assignment.clone(),
                why,
            });
        } else if let Some(profile) = covered.get(&key) {
            plan.changes.push(Change::Covered {
                profile: profile.to_string(),
                assignment: assignment.clone(),
            });
        } else {
            wanted.push((
                assignment,
                options.template.render(assignment, options.sso_session),
            ));
        }
    }
    plan.disambiguated = disambiguate(&mut wanted);

    let mut generated: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for (assignment, name) in &wanted {
        generated.insert(
            (
                assignment.account_id.as_str(),
                assignment.role_name.as_str(),
            ),
            name.as_str(),
        );
        let change = match by_name.get(name.as_str()) {
            None => Change::Create {
                profile: name.clone(),
                assignment: (*assignment).clone(),
            },
            Some(profile) if !ours(profile) => Change::NameTaken {
                profile: name.clone(),
                assignment: (*assignment).clone(),
            },
            Some(profile) => {
                let settings: Vec<(String, Option<String>, String)> =
                    desired_settings(assignment, options)
                        .into_iter()
                        .filter_map(|(key, value)| {
                            let old = config.profile(profile.name)?.get(key);
                            (old != Some(value.as_str()))
                                .then(|| (key.to_string(), old.map(str::to_string), value))
                        })
                        .collect();
                if settings.is_empty() {
                    Change::Unchanged {
                        profile: name.clone(),
                    }
                } else {
                    Change::Update {
                        profile: name.clone(),
                        settings,
                    }
                }
            }
        };
        plan.changes.push(change);
    }

    let wanted_names: BTreeSet<&str> = wanted.iter().map(|(_, name)| name.as_str()).collect();
    for profile in existing.iter().filter(|p| ours(p)) {
        if wanted_names.contains(profile.name) {
            continue;
        }
        let account_id = profile.account_id.unwrap_or_default();
        let role_name = profile.role_name.unwrap_or_default();
        plan.changes.push(Change::Stale {
            profile: profile.name.to_string(),
            account_id: account_id.to_string(),
            role_name: role_name.to_string(),
            renamed_to: generated
                .get(&(account_id, role_name))
                .map(|name| name.to_string()),
            removed: options.prune,
        });
    }
    plan
}

/// The settings a populated profile has, in the order they are written.
fn desired_settings(assignment: &Assignment, options: &Options<'_>) -> Vec<(&'static str, String)> {
    let mut settings = vec![
        ("sso_session", options.sso_session.to_string()),
        ("sso_account_id", assignment.account_id.clone()),
        ("sso_role_name", assignment.role_name.clone()),
    ];
    if let Some(region) = options.region {
        settings.push(("region", region.to_string()));
    }
    settings.push((MARKER_KEY, MARKER_VALUE.to_string()));
    settings
}

/// Two accounts with the same name (names need not be unique in an organisation) would get the
/// same profile: such names get `-ACCOUNT_ID` appended, and `-ROLE` too if that is not enough.
/// Returns the names that were ambiguous.
fn disambiguate(wanted: &mut [(&Assignment, String)]) -> Vec<String> {
    let mut ambiguous = Vec::new();
    for round in 0..2 {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for (_, name) in wanted.iter() {
            *counts.entry(name.clone()).or_default() += 1;
        }
        let mut changed = false;
        for (assignment, name) in wanted.iter_mut() {
            if counts[name.as_str()] > 1 {
                if round == 0 {
                    ambiguous.push(name.clone());
                }
                let suffix = if round == 0 {
                    &assignment.account_id
                } else {
                    &assignment.role_name
                };
                name.push('-');
                name.push_str(&safe_name(suffix));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    ambiguous.sort();
    ambiguous.dedup();
    ambiguous
}

impl Plan {
    /// Makes the changes in the editor (which writes them on save).
    pub fn apply(&self, editor: &mut ConfigEditor, options: &Options<'_>) -> Result<(), EditError> {
        for change in &self.changes {
            match change {
                Change::Create {
                    profile,
                    assignment,
                } => {
                    let id = SectionId::Profile(profile.clone());
                    for (key, value) in desired_settings(assignment, options) {
                        editor.set(&id, key, &value)?;
                    }
                }
                Change::Update { profile, settings } => {
                    let id = SectionId::Profile(profile.clone());
                    for (key, _, value) in settings {
                        editor.set(&id, key, value)?;
                    }
                }
                Change::Stale {
                    profile,
                    removed: true,
                    ..
                } => editor.remove_section(&SectionId::Profile(profile.clone())),
                _ => {}
            }
        }
        Ok(())
    }

    /// How many profiles are created, updated, removed, left unchanged.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for change in &self.changes {
            match change {
                Change::Create { .. } => counts.created += 1,
                Change::Update { .. } => counts.updated += 1,
                Change::Unchanged { .. } => counts.unchanged += 1,
                Change::Stale { removed: true, .. } => counts.removed += 1,
                Change::Stale { removed: false, .. } => counts.stale += 1,
                Change::NameTaken { .. } => counts.name_taken += 1,
                Change::Covered { .. } => counts.covered += 1,
                Change::Unwritable { .. } => counts.skipped += 1,
            }
        }
        counts
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Populated profiles that are gone but kept (no `--prune`).
    pub stale: usize,
    pub name_taken: usize,
    pub covered: usize,
    /// Assignments the config file cannot hold ([`Change::Unwritable`]).
    pub skipped: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn assignment(id: &str, name: &str, role: &str) -> Assignment {
        Assignment {
            account_id: id.into(),
            account_name: name.into(),
            role_name: role.into(),
        }
    }

    fn walkthrough() -> Vec<Assignment> {
        vec![
            assignment("123456789011", "DeveloperAccount", "ReadOnly"),
            assignment("123456789011", "DeveloperAccount", "FullAccess"),
            assignment("123456789022", "ProductionAccount", "ReadOnly"),
            assignment("123456789022", "ProductionAccount", "FullAccess"),
        ]
    }

    fn config(text: &str) -> AwsConfig {
        AwsConfig::parse(Path::new("config"), text).unwrap()
    }

    fn options<'a>(template: &'a Template, prune: bool) -> Options<'a> {
        Options {
            sso_session: "my-sso",
            template,
            region: None,
            prune,
        }
    }

    fn names(plan: &Plan, pick: fn(&Change) -> Option<&String>) -> Vec<String> {
        plan.changes.iter().filter_map(pick).cloned().collect()
    }

    #[test]
    fn templates_substitute_safe_values() {
        let template = Template::parse("{account_name}.{role_name}").unwrap();
        let odd = assignment("123", "Acme Dev (EU)", "Admin Access");
        assert_eq!(template.render(&odd, "s"), "Acme-Dev-EU.Admin-Access");
        let nameless = assignment("123456789011", "日本", "R");
        assert_eq!(template.render(&nameless, "s"), "123456789011.R");
        let other = Template::parse("sso/{sso_session}/{account_id}-{role_name}").unwrap();
        assert_eq!(other.render(&odd, "my sso"), "sso/my-sso/123-Admin-Access");
    }

    #[test]
    fn bad_templates_are_refused() {
        assert_eq!(
            Template::parse("{account}"),
            Err(TemplateError::UnknownPlaceholder("account".into()))
        );
        assert_eq!(Template::parse("{role_name"), Err(TemplateError::Unclosed));
        assert_eq!(
            Template::parse("a b{role_name}"),
            Err(TemplateError::BadCharacter(' '))
        );
        assert_eq!(Template::parse("fixed"), Err(TemplateError::NoPlaceholder));
    }

    #[test]
    fn a_first_run_creates_one_profile_per_role() {
        let template = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let plan = plan(&config(""), &walkthrough(), &options(&template, false));
        let created = names(&plan, |c| match c {
            Change::Create { profile, .. } => Some(profile),
            _ => None,
        });
        assert_eq!(
            created,
            [
                "DeveloperAccount.ReadOnly",
                "DeveloperAccount.FullAccess",
                "ProductionAccount.ReadOnly",
                "ProductionAccount.FullAccess"
            ]
        );
    }

    #[test]
    fn user_profiles_are_never_touched_or_duplicated() {
        let text = "\
[profile my-dev-profile]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = FullAccess

[profile ProductionAccount.ReadOnly]
region = eu-west-1
";
        let template = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let plan = plan(&config(text), &walkthrough(), &options(&template, true));
        assert!(plan.changes.contains(&Change::Covered {
            profile: "my-dev-profile".into(),
            assignment: assignment("123456789011", "DeveloperAccount", "FullAccess"),
        }));
        assert!(plan.changes.contains(&Change::NameTaken {
            profile: "ProductionAccount.ReadOnly".into(),
            assignment: assignment("123456789022", "ProductionAccount", "ReadOnly"),
        }));
        assert_eq!(plan.counts().created, 2);
        assert_eq!(plan.counts().removed, 0);
    }

    #[test]
    fn a_second_run_updates_and_prunes_only_its_own() {
        let text = "\
[profile DeveloperAccount.ReadOnly]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = ReadOnly
ssoenv_populated = true

[profile Gone.Admin]
sso_session = my-sso
sso_account_id = 999999999999
sso_role_name = Admin
ssoenv_populated = true

[profile Other.Admin]
sso_session = other-sso
sso_account_id = 999999999999
sso_role_name = Admin
ssoenv_populated = true
";
        let template = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let mut opts = options(&template, true);
        opts.region = Some("us-west-2");
        let plan = plan(&config(text), &walkthrough(), &opts);
        assert!(plan.changes.contains(&Change::Update {
            profile: "DeveloperAccount.ReadOnly".into(),
            settings: vec![("region".into(), None, "us-west-2".into())],
        }));
        assert!(plan.changes.contains(&Change::Stale {
            profile: "Gone.Admin".into(),
            account_id: "999999999999".into(),
            role_name: "Admin".into(),
            renamed_to: None,
            removed: true,
        }));
        let counts = plan.counts();
        assert_eq!((counts.created, counts.updated, counts.removed), (3, 1, 1));
    }

    #[test]
    fn same_account_names_get_the_account_id() {
        let template = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let twins = vec![
            assignment("111111111111", "Sandbox", "Admin"),
            assignment("222222222222", "Sandbox", "Admin"),
        ];
        let plan = plan(&config(""), &twins, &options(&template, false));
        let created = names(&plan, |c| match c {
            Change::Create { profile, .. } => Some(profile),
            _ => None,
        });
        assert_eq!(
            created,
            ["Sandbox.Admin-111111111111", "Sandbox.Admin-222222222222"]
        );
        assert_eq!(plan.disambiguated, ["Sandbox.Admin"]);
    }

    #[test]
    fn applying_twice_changes_nothing_the_second_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "# mine\n[profile mine]\nregion = x\n").unwrap();
        let template = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let opts = options(&template, true);
        for run in 0..2 {
            let mut editor = ConfigEditor::open(&path).unwrap();
            let plan = plan(editor.config(), &walkthrough(), &opts);
            plan.apply(&mut editor, &opts).unwrap();
            assert_eq!(editor.save().unwrap(), run == 0);
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# mine\n[profile mine]\nregion = x\n\n[profile DeveloperAccount.ReadOnly]\nsso_session = my-sso\n"), "{text}");
        assert_eq!(text.matches("ssoenv_populated = true").count(), 4);
    }
}
