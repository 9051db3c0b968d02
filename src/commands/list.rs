//! `ssoenv list [--json]`: every profile of the config file with its sso-session, account, role,
//! region and sign-in state, read from the files alone (no network), so it answers at once.
//!
//! The state is what the caches say: `credentials valid for 52m`, `token valid for 7h10m`,
//! `token refreshable` (ssoenv will refresh it without a sign-in), `expired`, `not signed in`.
//! Profiles that are not SSO profiles are listed too (those only in the shared credentials file
//! as well), with their kind (`static`, `process`, `role`, `web-identity`, `login`) and `-` for
//! what they lack; a profile that cannot be resolved (its sso-session is missing, say) shows the
//! reason. In `--json` output, `kind` is that kind and
//! `state` is the verdict `ssoenv status` would give with its default margin (`valid`,
//! `expiring`, `expired`, `not_signed_in`), or `not_sso` / `error`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::output::print_all;
use crate::cache::{CacheDirs, format_cli_timestamp};
use crate::cli::ListArgs;
use crate::config::{AwsConfig, CredentialKind, CredentialsFile, ProfileKeys, Section};
use crate::display::printable;
use crate::profile_state::{ProfileState, StateReader};

/// The margin `state` is judged with, as `ssoenv status` does by default.
const STATUS_MARGIN: Duration = Duration::from_secs(15 * 60);

/// One row of the listing, borrowing from the config file's reading.
struct Row<'c> {
    profile: &'c str,
    section: Option<&'c Section>,
    kind: CredentialKind,
    session: Option<&'c str>,
    account_id: Option<&'c str>,
    role_name: Option<&'c str>,
    region: Option<&'c str>,
    /// Shared by the rows in the same state: a large file's profiles mostly share one session
    /// and have no credentials of their own cached.
    summary: Arc<str>,
    /// For `--json` only: the table's rows are many and small.
    json: Option<Box<Value>>,
}

pub fn run(args: &ListArgs) -> anyhow::Result<()> {
    let config = AwsConfig::load_default()?;
    let dirs = CacheDirs::from_env()?;
    // A credentials file that cannot be read only costs the kinds it would have told.
    let credentials = CredentialsFile::load_default().unwrap_or_else(|_| CredentialsFile::empty());
    let states = StateReader::new(&dirs);
    let now = OffsetDateTime::now_utc();
    let lister = || Lister::new(&config, &credentials, states.clone(), now, args.json);
    // Each profile with its section, taken in order rather than looked up by name.
    let profiles = config.profiles_with(&credentials);
    let parts = rows_of(&profiles, threads_for(profiles.len()), lister);
    if args.json {
        let mut all = Vec::with_capacity(profiles.len());
        all.extend(
            parts
                .into_iter()
                .flatten()
                .map(|row| row.json.map_or(Value::Null, |json| *json)),
        );
        return print_all(&format!("{}\n", Value::from(all)));
    }
    // Written as it is made: a large file's table is megabytes.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let written = write_table(&parts, &mut out).and_then(|()| out.flush());
    // The process ends right after printing: freeing a large file's rows one by one would cost
    // more than building them.
    std::mem::forget(parts);
    std::mem::forget(profiles);
    std::mem::forget(config);
    written.context("could not write to standard output")
}

/// From how many profiles the rows are read on several threads: below, starting one costs more
/// than it saves.
const PROFILES_FOR_THREADS: usize = 2_000;

/// How many threads read the rows of `profiles` profiles: up to four for a large file.
fn threads_for(profiles: usize) -> usize {
    if profiles < PROFILES_FOR_THREADS {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |cores| cores.get().min(4))
}

/// The rows of `profiles`, in order, in consecutive parts: one per thread, each with its own
/// [`Lister`] from `lister`. A row depends on its profile alone, and the cache files it reads
/// are only read.
fn rows_of<'c>(
    profiles: &[(&'c str, Option<&'c Section>)],
    threads: usize,
    lister: impl Fn() -> Lister<'c> + Sync,
) -> Vec<Vec<Row<'c>>> {
    let read = |part: &[(&'c str, Option<&'c Section>)]| {
        let mut lister = lister();
        let rows: Vec<Row<'c>> = part
            .iter()
            .map(|&(name, section)| lister.row(name, section))
            .collect();
        // Its caches go with the process, not one by one.
        std::mem::forget(lister);
        rows
    };
    if threads <= 1 || profiles.is_empty() {
        return vec![read(profiles)];
    }
    let mut parts = profiles.chunks(profiles.len().div_ceil(threads));
    let first = parts.next().unwrap_or_default();
    std::thread::scope(|scope| {
        // This thread reads the first part while the others read the rest.
        let reading: Vec<_> = parts.map(|part| scope.spawn(move || read(part))).collect();
        let mut rows = vec![read(first)];
        rows.extend(reading.into_iter().map(|part| {
            part.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
        rows
    })
}

/// What every row is read with.
struct Lister<'c> {
    config: &'c AwsConfig,
    credentials: &'c CredentialsFile,
    states: StateReader<'c>,
    /// The summary of each state met so far.
    summaries: HashMap<ProfileState, Arc<str>, foldhash::fast::RandomState>,
    /// `-`, for the profiles that are not SSO profiles.
    no_summary: Arc<str>,
    /// One moment for the whole listing.
    now: OffsetDateTime,
    with_json: bool,
}

impl<'c> Lister<'c> {
    fn new(
        config: &'c AwsConfig,
        credentials: &'c CredentialsFile,
        states: StateReader<'c>,
        now: OffsetDateTime,
        with_json: bool,
    ) -> Lister<'c> {
        Lister {
            config,
            credentials,
            states,
            summaries: HashMap::default(),
            no_summary: Arc::from("-"),
            now,
            with_json,
        }
    }

    /// The row of profile `name`, whose config section (if any) is `section`.
    fn row(&mut self, name: &'c str, section: Option<&'c Section>) -> Row<'c> {
        let config = self.config;
        let raw = |key: &str| section.and_then(|s| s.get(key));
        let keys = ProfileKeys::new(section, self.credentials, name);
        let kind = keys.kind();
        let mut row = Row {
            profile: name,
            section,
            kind,
            session: raw("sso_session").or_else(|| raw("sso_start_url")),
            account_id: raw("sso_account_id"),
            role_name: raw("sso_role_name"),
            region: keys.get("region").filter(|r| !r.is_empty()),
            summary: Arc::clone(&self.no_summary),
            json: None,
        };
        if kind != CredentialKind::Sso {
            if self.with_json {
                row.json = self.json(&row, "not_sso", None, None);
            }
            return row;
        }
        // The kind is SSO only from keys of a config section.
        let Some(section) = section else {
            return row;
        };
        let state = config
            .sso_profile_view(section)
            .map_err(|error| error.to_string())
            .and_then(|profile| {
                self.states
                    .read(&profile)
                    .map_err(|error| error.to_string())
            });
        let state = match state {
            Err(error) => {
                row.summary = Arc::from(format!("error: {}", first_sentence(&error)));
                if self.with_json {
                    row.json = self.json(&row, "error", None, Some(error));
                }
                return row;
            }
            Ok(state) => state,
        };
        let now = self.now;
        row.summary = self
            .summaries
            .entry(state.clone())
            .or_insert_with(|| Arc::from(state.summary(now)))
            .clone();
        if self.with_json {
            let standing = state.standing(now, STATUS_MARGIN).as_str();
            row.json = self.json(&row, standing, Some(&state), None);
        }
        row
    }

    /// The row's `--json` object.
    fn json(
        &self,
        row: &Row<'_>,
        state: &str,
        files: Option<&ProfileState>,
        error: Option<String>,
    ) -> Option<Box<Value>> {
        let raw = |key: &str| row.section.and_then(|s| s.get(key));
        let start_url = raw("sso_start_url").or_else(|| {
            let session = self.config.sso_session(raw("sso_session")?)?;
            session.get("sso_start_url")
        });
        let token = files.and_then(|files| files.token.as_ref());
        let credentials = files.and_then(|files| files.credentials.as_ref());
        Some(Box::new(json!({
            "profile": row.profile,
            "kind": row.kind.label(),
            "sso_session": raw("sso_session"),
            "sso_start_url": start_url,
            "account_id": row.account_id,
            "role_name": row.role_name,
            "region": row.region,
            "state": state,
            "summary": &*row.summary,
            "token_expires_at": token.map(|t| format_cli_timestamp(t.expires_at)),
            "credentials_expires_at": credentials.map(|c| format_cli_timestamp(c.expires_at)),
            "error": error,
        })))
    }
}

/// Aligned columns; the last one (the state) runs free.
fn write_table(parts: &[Vec<Row<'_>>], out: &mut impl Write) -> std::io::Result<()> {
    let headers = [
        "PROFILE",
        "KIND",
        "SSO SESSION",
        "ACCOUNT",
        "ROLE",
        "REGION",
        "STATE",
    ];
    // The cells are gone through twice, for the widths and for the lines, rather than held: a
    // large file's table has a hundred thousand, nearly all of them printable ASCII borrowed
    // from the file as read.
    // Names come from a file anyone may have edited: no control character reaches the terminal
    // (nor breaks the table's lines).
    let mut widths = headers.map(|h| h.chars().count());
    for row in parts.iter().flatten() {
        for (width, cell) in widths.iter_mut().zip(cells(row)) {
            *width = (*width).max(printable(cell).chars().count());
        }
    }
    let mut line = String::with_capacity(widths.iter().sum::<usize>() + 16);
    let mut write_line = |cells: [&str; 7]| {
        line.clear();
        for (i, cell) in cells.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < cells.len() {
                push_spaces(&mut line, widths[i] - cell.chars().count() + 2);
            }
        }
        line.truncate(line.trim_end().len());
        line.push('\n');
        out.write_all(line.as_bytes())
    };
    write_line(headers)?;
    for row in parts.iter().flatten() {
        let cells = cells(row).map(printable);
        write_line(cells.each_ref().map(|cell| cell.as_ref()))?;
    }
    Ok(())
}

/// A row's cells, in the order of the table's columns.
fn cells<'r>(row: &'r Row<'_>) -> [&'r str; 7] {
    [
        row.profile,
        row.kind.label(),
        row.session.unwrap_or("-"),
        row.account_id.unwrap_or("-"),
        row.role_name.unwrap_or("-"),
        row.region.unwrap_or("-"),
        &row.summary,
    ]
}

/// `count` spaces, a run at a time (a `char` at a time was 3 % of a large `list`).
fn push_spaces(out: &mut String, mut count: usize) {
    const SPACES: &str = "                                ";
    while count > 0 {
        let run = count.min(SPACES.len());
        out.push_str(&SPACES[..run]);
        count -= run;
    }
}

/// The table has one line per profile: the first sentence of a message (`--json` has it all).
fn first_sentence(message: &str) -> &str {
    message.split(". ").next().unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The rows of a large file read on threads are the rows read one after the other, in the
    /// same order, in each state a row can be in (token valid, not signed in, not SSO, error).
    #[test]
    fn rows_read_on_threads_are_the_rows_read_in_order() {
        let home = tempfile::tempdir().expect("temp dir");
        let dirs = CacheDirs::from_home(home.path());
        std::fs::create_dir_all(&dirs.sso).expect("cache dir");
        let token = r#"{"startUrl": "https://a.awsapps.com/start", "region": "us-east-1", "accessToken": "t", "expiresAt": "2099-01-01T00:00:00Z"}"#;
        let token_path = dirs
            .sso
            .join(format!("{}.json", crate::cache::token_key(Some("one"), "")));
        std::fs::write(token_path, token).expect("token");
        let mut text = String::from(
            "[sso-session one]\nsso_start_url = https://a.awsapps.com/start\nsso_region = us-east-1\n\
             [sso-session two]\nsso_start_url = https://b.awsapps.com/start\nsso_region = us-east-1\n",
        );
        for n in 0..2_501 {
            let settings = match n % 4 {
                0 => "sso_session = one\nsso_account_id = 111122223333\nsso_role_name = Read",
                1 => "sso_session = two\nsso_account_id = 111122223333\nsso_role_name = Write",
                2 => "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret",
                _ => "sso_session = gone\nsso_account_id = 111122223333\nsso_role_name = Read",
            };
            text.push_str(&format!(
                "[profile p{n}]\n{settings}\nregion = eu-west-{}\n",
                n % 3
            ));
        }
        let config = AwsConfig::parse(Path::new("config"), &text).expect("a valid file");
        let credentials = CredentialsFile::empty();
        let profiles = config.profiles_with(&credentials);
        let states = StateReader::new(&dirs);
        for with_json in [false, true] {
            let now = OffsetDateTime::now_utc();
            let lister = || Lister::new(&config, &credentials, states.clone(), now, with_json);
            let shown = |parts: Vec<Vec<Row<'_>>>| -> Vec<(Vec<String>, Option<Value>)> {
                let rows = parts.into_iter().flatten();
                rows.map(|row| {
                    (
                        cells(&row).map(str::to_string).to_vec(),
                        row.json.map(|json| *json),
                    )
                })
                .collect()
            };
            let in_order = shown(rows_of(&profiles, 1, lister));
            assert_eq!(in_order.len(), 2_501);
            let states: Vec<&str> = in_order[..4]
                .iter()
                .map(|(cells, _)| cells[6].as_str())
                .collect();
            assert!(states[0].starts_with("token valid"), "{states:?}");
            assert_eq!(states[1], "not signed in");
            assert_eq!(states[2], "-");
            assert!(states[3].starts_with("error:"), "{states:?}");
            assert_eq!(in_order[2_500].0[0], "p2500");
            assert_eq!(in_order[0].1.is_some(), with_json);
            for threads in [2, 3, 4] {
                assert_eq!(
                    shown(rows_of(&profiles, threads, lister)),
                    in_order,
                    "{threads} threads"
                );
            }
        }
    }

    #[test]
    fn padding_of_any_width_is_that_many_spaces() {
        for count in [0, 1, 31, 32, 33, 70] {
            let mut out = String::from("x");
            push_spaces(&mut out, count);
            assert_eq!(out, format!("x{}", " ".repeat(count)));
        }
    }
}
