//! `ssoenv configure [--profile NAME] [flags]`: the `aws configure sso` wizard.
//!
//! It asks, in the AWS CLI's order: the sso-session name (an existing session is reused as it is,
//! without asking for its URL and region again), the start URL, SSO region and registration
//! scopes of a new session; then it signs in (reusing a valid cached token for an existing
//! session, always anew for a new one, as the CLI does), offers the accounts and then the roles
//! in arrow-key menus that filter as you type (a single choice is taken without asking), and asks
//! for the default region, the output format and the profile name (default `ROLE-ACCOUNT`, as the
//! CLI's). The answers then decide what is written ([`crate::configure::plan`], a pure function
//! of the config and the answers), and the config editor writes it, keeping everything else in the
//! file as it was.
//!
//! Every answer can be given as a flag. Prompts and menus are drawn on stderr, and only when both
//! stdin and stderr are terminals; otherwise nothing is asked: optional answers take their default
//! (the existing value, or none), and a missing required one is an error naming its flag. When
//! both `--account-id` and `--role-name` are given nothing is listed, so no sign-in happens and
//! no network is used: scripts can write profiles on a machine that was never signed in (the
//! account and role are then not checked against the service).
//!
//! Choices where the AWS CLI offers more: only sso-session profiles are written (the legacy form
//! cannot refresh its token); a profile that carried the legacy `sso_start_url`/`sso_region`
//! loses them, so that it does not contradict its session.

use std::io::IsTerminal;

use anyhow::{Context, bail};
use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{FuzzySelect, Input};

use super::sign_in::{SignInPolicy, token_source};
use crate::aws::AccountInfo;
use crate::cache::CacheDirs;
use crate::cli::ConfigureArgs;
use crate::config::{ConfigEditor, Section, SectionId};
use crate::configure::{Answers, SessionAnswers, plan};
use crate::display::printable;
use crate::error::{SilentExit, UsageError};
use crate::login::SignInSubject;
use crate::shell::word_for_message;
use crate::token_source::TokenSource;

/// What the AWS CLI offers as the scope of a new session.
const DEFAULT_SCOPES: &str = "sso:account:access";
/// The AWS CLI's output formats.
const OUTPUT_FORMATS: [&str; 5] = ["json", "yaml", "yaml-stream", "text", "table"];

pub fn run(args: &ConfigureArgs) -> anyhow::Result<()> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if interactive {
        // The menus hide the cursor while they are drawn; Ctrl-C must not leave the user's
        // terminal without one. Nothing has been written at that point.
        let _ = ctrlc::set_handler(|| {
            let _ = Term::stderr().show_cursor();
            eprintln!();
            std::process::exit(130);
        });
    }
    let asker = Asker {
        interactive,
        theme: ColorfulTheme::default(),
        term: Term::stderr(),
    };
    let mut editor = ConfigEditor::open_default()?;
    let config = editor.config().clone();
    let existing_profile = args
        .profile
        .as_deref()
        .and_then(|name| config.profile(name));
    let profile_value = |key: &str| {
        existing_profile
            .and_then(|p| p.get(key))
            .map(str::to_string)
    };

    let session_name = match &args.sso_session {
        Some(name) => name.clone(),
        None => asker.text(
            "SSO session name",
            profile_value("sso_session").as_deref(),
            "--sso-session",
            |name| {
                SectionId::SsoSession(name.to_string())
                    .validate()
                    .map_err(|e| e.to_string())
            },
        )?,
    };
    SectionId::SsoSession(session_name.clone()).validate()?;
    let session_answers = session_answers(
        &asker,
        args,
        &session_name,
        config.sso_session(&session_name),
    )?;

    let (account_id, role_name) = match (&args.account_id, &args.role_name) {
        (Some(account), Some(role)) => (account.clone(), role.clone()),
        _ => {
            let endpoints_in_file = args
                .profile
                .as_deref()
                .and_then(|name| config.endpoint_overrides(name, None).ok())
                .unwrap_or_default();
            let session = session_answers.sso_session();
            let dirs = CacheDirs::from_env()?;
            let tokens = token_source(
                &config,
                &session,
                SignInSubject::of_session(&session),
                &dirs,
                &endpoints_in_file,
                &SignInPolicy::Always(args.sign_in.clone()),
            )?;
            if session_answers.needs_new_sign_in(&config) {
                tokens.sign_in_anew()?;
            }
            choose_account_and_role(&asker, args, &tokens, profile_value("sso_account_id"))?
        }
    };

    let region = match &args.region {
        Some(region) => Some(region.clone()),
        None => asker.optional("Default client Region", profile_value("region"), |region| {
            if region.chars().any(char::is_whitespace) {
                Err("a region has no spaces, e.g. us-west-2".to_string())
            } else {
                Ok(())
            }
        })?,
    };
    let output = match &args.output {
        Some(output) => Some(output.clone()),
        None => asker.optional(
            "CLI default output format (json if not specified)",
            profile_value("output"),
            |output| {
                if OUTPUT_FORMATS.contains(&output) {
                    Ok(())
                } else {
                    Err(format!("one of {}", OUTPUT_FORMATS.join(", ")))
                }
            },
        )?,
    };
    let profile_name = match &args.profile {
        Some(name) => name.clone(),
        None => asker.text(
            "Profile name",
            Some(&format!("{role_name}-{account_id}")),
            "--profile",
            |name| {
                SectionId::Profile(name.to_string())
                    .validate()
                    .map_err(|e| e.to_string())
            },
        )?,
    };

    let answers = Answers {
        profile: profile_name,
        session: session_answers,
        account_id,
        role_name,
        region,
        output,
    };
    plan(&config, &answers).apply(&mut editor)?;
    let written = editor
        .save()
        .with_context(|| format!("writing profile '{}'", answers.profile))?;

    let name = word_for_message(&answers.profile);
    eprintln!(
        "\nProfile {name} {} {}.",
        if written {
            "written to"
        } else {
            "is already as asked in"
        },
        editor.path().display()
    );
    eprintln!("To put its credentials into this shell:  eval \"$(ssoenv {name})\"");
    eprintln!(
        "To use it with the AWS CLI:              aws sts get-caller-identity --profile {name}"
    );
    Ok(())
}

/// The session's answers: an existing session's own settings unless a flag gives another; for a
/// new one, the flags or the prompts. What of them is new is for [`plan`] to find.
fn session_answers(
    asker: &Asker,
    args: &ConfigureArgs,
    name: &str,
    existing: Option<&Section>,
) -> anyhow::Result<SessionAnswers> {
    let existing_value = |key: &str| existing.and_then(|s| s.get(key)).map(str::to_string);
    let answer = |key: &str,
                  flag: &Option<String>,
                  asked: &dyn Fn() -> anyhow::Result<String>|
     -> anyhow::Result<String> {
        match (flag, existing_value(key)) {
            (Some(value), _) => Ok(value.clone()),
            (None, Some(current)) => Ok(current),
            (None, None) => asked(),
        }
    };
    if let Some(section) = existing {
        eprintln!(
            "Using the SSO session '{name}' ({}, {}).",
            section.get("sso_start_url").unwrap_or("no start URL"),
            section.get("sso_region").unwrap_or("no region")
        );
    }
    let start_url = answer("sso_start_url", &args.sso_start_url, &|| {
        asker.text("SSO start URL", None, "--sso-start-url", check_start_url)
    })?;
    check_start_url(&start_url).map_err(UsageError)?;
    let region = answer("sso_region", &args.sso_region, &|| {
        asker.text("SSO region", None, "--sso-region", check_sso_region)
    })?;
    check_sso_region(&region).map_err(UsageError)?;
    let registration_scopes = if existing.is_some() && args.sso_registration_scopes.is_none() {
        existing_value("sso_registration_scopes")
    } else {
        Some(answer(
            "sso_registration_scopes",
            &args.sso_registration_scopes,
            &|| {
                Ok(asker
                    .optional(
                        "SSO registration scopes",
                        Some(DEFAULT_SCOPES.to_string()),
                        check_scopes,
                    )?
                    .unwrap_or_else(|| DEFAULT_SCOPES.to_string()))
            },
        )?)
    };
    if let Some(scopes) = &registration_scopes {
        check_scopes(scopes).map_err(anyhow::Error::msg)?;
    }
    Ok(SessionAnswers {
        name: name.to_string(),
        start_url,
        region,
        registration_scopes,
    })
}

fn check_start_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.chars().any(char::is_whitespace) => Ok(()),
        _ => Err("not a start URL; it looks like https://my-org.awsapps.com/start".to_string()),
    }
}

/// The AWS regions, GovCloud and China included, that an SSO region is checked against (a
/// mistyped region would only fail at sign-in, with a name-resolution error). A region newer than
/// this table is refused too: write `sso_region` into the config file by hand until ssoenv knows it.
const AWS_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

fn check_sso_region(region: &str) -> Result<(), String> {
    if region.is_empty() || region.chars().any(char::is_whitespace) {
        return Err("a region name such as us-east-1 is required".to_string());
    }
    if AWS_REGIONS.contains(&region) {
        return Ok(());
    }
    let closest = AWS_REGIONS
        .iter()
        .map(|known| (strsim::levenshtein(region, known), *known))
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, _)| *distance <= 2)
        .map_or_else(String::new, |(_, known)| format!(" Did you mean {known}?"));
    Err(format!(
        "'{region}' is not an AWS region (the region of IAM Identity Center, such as \
         us-east-1).{closest}"
    ))
}

/// The AWS CLI's rule: comma-separated, no white space inside a scope.
fn check_scopes(scopes: &str) -> Result<(), String> {
    if scopes
        .split(',')
        .any(|scope| scope.trim().chars().any(char::is_whitespace))
    {
        Err("scopes are separated by commas, e.g. sso:account:access".to_string())
    } else {
        Ok(())
    }
}

/// The account, then the role: from the flags (checked against what the user can reach), the
/// only one there is, or a menu.
fn choose_account_and_role(
    asker: &Asker,
    args: &ConfigureArgs,
    tokens: &TokenSource,
    current_account: Option<String>,
) -> anyhow::Result<(String, String)> {
    let accounts = tokens.call(|client, token| client.list_all_accounts(token))?;
    let account_id = match &args.account_id {
        Some(id) => {
            if !accounts.iter().any(|a| &a.account_id == id) {
                bail!(
                    "account {id} is not among the {} accounts available to you{}",
                    accounts.len(),
                    listing(accounts.iter().map(display_account))
                );
            }
            id.clone()
        }
        None => match accounts.as_slice() {
            [] => bail!("no AWS accounts are available to you in this SSO session"),
            [only] => {
                eprintln!(
                    "The only AWS account available to you is: {}",
                    printable(&only.account_id)
                );
                only.account_id.clone()
            }
            many => {
                eprintln!("There are {} AWS accounts available to you.", many.len());
                let items: Vec<String> = many.iter().map(display_account).collect();
                let default = current_account
                    .and_then(|current| many.iter().position(|a| a.account_id == current));
                let chosen =
                    asker.choose("Account (type to filter)", &items, default, "--account-id")?;
                many[chosen].account_id.clone()
            }
        },
    };
    eprintln!("Using the account ID {}", printable(&account_id));

    let roles = tokens.call(|client, token| client.list_account_roles(token, &account_id))?;
    let role_names: Vec<String> = roles.into_iter().map(|role| role.role_name).collect();
    let role_name = match &args.role_name {
        Some(role) => {
            if !role_names.contains(role) {
                bail!(
                    "role '{role}' is not available to you in account {account_id}{}",
                    listing(role_names.iter().map(|role| printable(role).into_owned()))
                );
            }
            role.clone()
        }
        None => match role_names.as_slice() {
            [] => bail!("no roles are available to you in account {account_id}"),
            [only] => {
                eprintln!("The only role available to you is: {}", printable(only));
                only.clone()
            }
            many => {
                eprintln!("There are {} roles available to you.", many.len());
                let shown: Vec<String> = many
                    .iter()
                    .map(|role| printable(role).into_owned())
                    .collect();
                let chosen = asker.choose("Role (type to filter)", &shown, None, "--role-name")?;
                many[chosen].clone()
            }
        },
    };
    eprintln!("Using the role name \"{}\"", printable(&role_name));
    Ok((account_id, role_name))
}

/// `DeveloperAccount, dev@example.com (123456789011)`, as the AWS CLI shows an account; what the
/// portal sent is shown with control characters escaped.
fn display_account(account: &AccountInfo) -> String {
    let name = printable(&account.account_name);
    let email = printable(&account.email_address);
    let id = printable(&account.account_id);
    match (name.is_empty(), email.is_empty()) {
        (true, true) => id.into_owned(),
        (false, true) => format!("{name} ({id})"),
        (true, false) => format!("{email} ({id})"),
        (false, false) => format!("{name}, {email} ({id})"),
    }
}

/// `: a, b, c` for a message, at most ten items.
fn listing(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = items.iter().take(10).map(String::as_str).collect();
    let more = if items.len() > shown.len() {
        format!(" and {} more", items.len() - shown.len())
    } else {
        String::new()
    };
    format!(": {}{more}", shown.join("; "))
}

/// A failed read from the terminal. Ctrl-C at a question interrupts the read before the Ctrl-C
/// handler gets to exit: it ends the same way, quietly with status 130 and the cursor shown.
fn read_failed(error: dialoguer::Error, doing: &'static str) -> anyhow::Error {
    let dialoguer::Error::IO(io) = &error;
    if io.kind() == std::io::ErrorKind::Interrupted {
        let _ = Term::stderr().show_cursor();
        eprintln!();
        return SilentExit(130).into();
    }
    anyhow::Error::new(error).context(doing)
}

/// Asks on the terminal, or, without one, takes defaults and names the flag that is missing (a
/// usage error, exit status 2).
struct Asker {
    interactive: bool,
    theme: ColorfulTheme,
    term: Term,
}

impl Asker {
    /// A required answer.
    fn text(
        &self,
        prompt: &str,
        default: Option<&str>,
        flag: &str,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> anyhow::Result<String> {
        if !self.interactive {
            return match default {
                Some(value) => Ok(value.to_string()),
                None => Err(UsageError(format!(
                    "{flag} is needed: there is no terminal to ask for the {} on",
                    prompt.to_lowercase()
                ))
                .into()),
            };
        }
        // Empty answers reach the check, so Enter on an empty line says what is needed rather
        // than doing nothing.
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true);
        if let Some(default) = default {
            input = input.default(default.to_string());
        }
        let answer = input
            .validate_with(|text: &String| {
                let text = text.trim();
                if text.is_empty() {
                    Err(format!(
                        "the {} is needed (Ctrl-C stops without writing anything)",
                        prompt.to_lowercase()
                    ))
                } else {
                    check(text)
                }
            })
            .interact_text_on(&self.term)
            .map_err(|error| read_failed(error, "reading the answer from the terminal"))?;
        Ok(answer.trim().to_string())
    }

    /// An answer that may be left empty (`None`); `current` is offered as the default.
    fn optional(
        &self,
        prompt: &str,
        current: Option<String>,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> anyhow::Result<Option<String>> {
        if !self.interactive {
            return Ok(current);
        }
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true);
        if let Some(current) = &current {
            input = input.default(current.clone());
        }
        let answer = input
            .validate_with(|text: &String| {
                let text = text.trim();
                if text.is_empty() { Ok(()) } else { check(text) }
            })
            .interact_text_on(&self.term)
            .map_err(|error| read_failed(error, "reading the answer from the terminal"))?;
        let answer = answer.trim();
        Ok((!answer.is_empty()).then(|| answer.to_string()))
    }

    /// One of `items` from an arrow-key menu that filters as you type; Escape cancels.
    fn choose(
        &self,
        prompt: &str,
        items: &[String],
        default: Option<usize>,
        flag: &str,
    ) -> anyhow::Result<usize> {
        if !self.interactive {
            return Err(UsageError(format!(
                "{flag} is needed: there is no terminal to choose on{}",
                listing(items.iter().cloned())
            ))
            .into());
        }
        let chosen = FuzzySelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(default.unwrap_or(0))
            .interact_on_opt(&self.term)
            .map_err(|error| read_failed(error, "reading the choice from the terminal"))?;
        chosen.ok_or_else(|| anyhow::anyhow!("cancelled; nothing was written"))
    }
}
