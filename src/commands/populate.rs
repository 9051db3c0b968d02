//! `ssoenv populate --sso-session NAME`: a profile for every account and role the user can reach
//! through the session, named by a template, kept up to date by running it again (see
//! [`crate::populate`] for what is created, updated, left alone and pruned).
//!
//! stdout lists the changes, one line per profile (`+` created, `~` updated, `-` removed), also
//! with `--dry-run`, which writes nothing; notes and the summary go to stderr. Accounts are listed
//! page by page; their roles are asked for `--concurrency` accounts at a time.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Context;

use super::output::print_all;
use super::sign_in::{SignInPolicy, token_source};
use crate::aws::{RoleInfo, SsoError};
use crate::cache::CacheDirs;
use crate::cli::PopulateArgs;
use crate::config::{AwsConfig, ConfigEditor, CredentialsFile, EndpointOverrides};
use crate::display::printable;
use crate::login::SignInSubject;
use crate::populate::{Assignment, Change, Options, Plan, Template, plan};
use crate::shell::word_for_message;

pub fn run(args: &PopulateArgs) -> anyhow::Result<()> {
    let template = Template::parse(&args.template).context("--template")?;
    let mut editor = ConfigEditor::open_default()?;
    let session = editor.config().named_sso_session(&args.sso_session)?;
    let dirs = CacheDirs::from_env()?;
    let terminal = std::io::stderr().is_terminal();
    let tokens = token_source(
        editor.config(),
        &session,
        SignInSubject::of_session(&session),
        &dirs,
        &EndpointOverrides::default(),
        &SignInPolicy::from_args(&args.sign_in),
    )?;

    let started = Instant::now();
    let accounts = tokens.call(|client, token| client.list_all_accounts(token))?;
    let account_ids: Vec<String> = accounts.iter().map(|a| a.account_id.clone()).collect();
    let total = account_ids.len();
    let progress = |done: usize| {
        if terminal && (done.is_multiple_of(25) || done == total) {
            eprint!("\rListing the roles of {total} accounts: {done}");
        }
    };
    let role_lists = tokens.call(|client, token| {
        let results =
            client.list_roles_of_accounts(token, &account_ids, args.concurrency, &progress);
        results
            .into_iter()
            .map(no_roles_when_gone)
            .collect::<Result<Vec<Vec<RoleInfo>>, SsoError>>()
    })?;
    drop(tokens);
    if terminal && total > 0 {
        eprintln!();
    }
    let assignments: Vec<Assignment> = accounts
        .iter()
        .zip(&role_lists)
        .flat_map(|(account, roles)| {
            roles.iter().map(|role| Assignment {
                account_id: account.account_id.clone(),
                account_name: account.account_name.clone(),
                role_name: role.role_name.clone(),
            })
        })
        .collect();
    let elapsed = started.elapsed();

    let options = Options {
        sso_session: &args.sso_session,
        template: &template,
        region: args.region.as_deref(),
        prune: args.prune,
    };
    let plan = plan(editor.config(), &assignments, &options);
    print_all(&change_lines(&plan))?;
    print_notes(&plan, editor.config());
    let counts = plan.counts();
    let found = format!(
        "{} account{}, {} role{}, listed in {:.1}s",
        accounts.len(),
        plural(accounts.len()),
        assignments.len(),
        plural(assignments.len()),
        elapsed.as_secs_f64()
    );
    if args.dry_run {
        eprintln!(
            "Would create {}, update {} and remove {} profiles; {} unchanged ({found}). Nothing was written (--dry-run).",
            counts.created, counts.updated, counts.removed, counts.unchanged
        );
        return Ok(());
    }
    plan.apply(&mut editor, &options)?;
    editor.save()?;
    eprintln!(
        "Created {}, updated {} and removed {} profiles in {}; {} unchanged ({found}).",
        counts.created,
        counts.updated,
        counts.removed,
        editor.path().display(),
        counts.unchanged
    );
    Ok(())
}

/// An account that disappeared between listing it and asking for its roles has none.
fn no_roles_when_gone(result: Result<Vec<RoleInfo>, SsoError>) -> Result<Vec<RoleInfo>, SsoError> {
    match result {
        Err(error) if error.code() == Some("ResourceNotFoundException") => Ok(Vec::new()),
        other => other,
    }
}

/// One line per profile that changes: `+ NAME  ACCOUNT (ID) ROLE`, `~ NAME  key: old -> new`,
/// `- NAME  ID ROLE (why)`.
fn change_lines(plan: &Plan) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        let _ = match change {
            Change::Create {
                profile,
                assignment,
            } => writeln!(
                out,
                "+ {}  {} ({}) {}",
                word_for_message(profile),
                printable(&assignment.account_name),
                printable(&assignment.account_id),
                printable(&assignment.role_name)
            ),
            Change::Update { profile, settings } => {
                let settings: Vec<String> = settings
                    .iter()
                    .map(|(key, old, new)| {
                        let old = old.as_deref().unwrap_or("(none)");
                        format!("{key}: {} -> {}", printable(old), printable(new))
                    })
                    .collect();
                writeln!(
                    out,
                    "~ {}  {}",
                    word_for_message(profile),
                    settings.join(", ")
                )
            }
            Change::Stale {
                profile,
                account_id,
                role_name,
                renamed_to,
                removed: true,
            } => writeln!(
                out,
                "- {}  {} {} ({})",
                word_for_message(profile),
                printable(account_id),
                printable(role_name),
                match renamed_to {
                    Some(name) => format!("now named {}", word_for_message(name)),
                    None => "no longer available".to_string(),
                }
            ),
            _ => Ok(()),
        };
    }
    out
}

/// What was left alone, and why, on stderr.
fn print_notes(plan: &Plan, config: &AwsConfig) {
    // The kind of a profile in the way tells the user what they would lose by renaming it.
    let credentials = CredentialsFile::load_default().unwrap_or_else(|_| CredentialsFile::empty());
    let kind_of = |name: &str| config.profile_keys(&credentials, name).kind().label();
    let mut stale = Vec::new();
    let mut covered = Vec::new();
    for change in &plan.changes {
        match change {
            Change::NameTaken {
                profile,
                assignment,
            } => eprintln!(
                "ssoenv: note: {} ({}) {} got no profile: the name {} is taken by a profile ({}) populate did not write for this sso-session; choose other names with --template",
                printable(&assignment.account_name),
                printable(&assignment.account_id),
                printable(&assignment.role_name),
                word_for_message(profile),
                kind_of(profile),
            ),
            Change::Unwritable { assignment, why } => eprintln!(
                "ssoenv: warning: skipped role {} of account {} ({}): {why}, which no config file can hold",
                printable(&assignment.role_name),
                printable(&assignment.account_name),
                printable(&assignment.account_id),
            ),
            Change::Stale {
                profile,
                removed: false,
                ..
            } => stale.push(word_for_message(profile)),
            Change::Covered { profile, .. } => covered.push(word_for_message(profile)),
            _ => {}
        }
    }
    if !covered.is_empty() {
        covered.sort();
        covered.dedup();
        eprintln!(
            "ssoenv: note: {} role{} already {} a profile of yours, which stays as it is: {}",
            covered.len(),
            plural(covered.len()),
            if covered.len() == 1 { "has" } else { "have" },
            covered.join(", ")
        );
    }
    if !stale.is_empty() {
        eprintln!(
            "ssoenv: note: {} profile{} made by populate no longer match an account and role of the session (run with --prune to remove them): {}",
            stale.len(),
            plural(stale.len()),
            stale.join(", ")
        );
    }
    for name in &plan.disambiguated {
        eprintln!(
            "ssoenv: note: several accounts would be named {}; their profiles got the account id appended",
            printable(name)
        );
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
