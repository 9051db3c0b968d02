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

use std::borrow::Cow;
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::output::print_all;
use crate::cache::{CacheDirs, format_cli_timestamp};
use crate::cli::ListArgs;
use crate::config::{AwsConfig, ConfigError, CredentialKind, CredentialsFile};
use crate::display::printable;
use crate::profile_state::StateReader;

/// The margin `state` is judged with, as `ssoenv status` does by default.
const STATUS_MARGIN: Duration = Duration::from_secs(15 * 60);

/// One row of the listing.
struct Row {
    profile: String,
    kind: CredentialKind,
    session: Option<String>,
    account_id: Option<String>,
    role_name: Option<String>,
    region: Option<String>,
    summary: String,
    json: Value,
}

pub fn run(args: &ListArgs) -> anyhow::Result<()> {
    let config = AwsConfig::load_default()?;
    let dirs = CacheDirs::from_env()?;
    // A credentials file that cannot be read only costs the kinds it would have told.
    let credentials = CredentialsFile::load_default().unwrap_or_else(|_| CredentialsFile::empty());
    let mut names = config.profile_names();
    for name in credentials.profile_names() {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut states = StateReader::new(&dirs);
    let rows: Vec<Row> = names
        .into_iter()
        .map(|name| row(&config, &credentials, &mut states, name, args.json))
        .collect();
    let output = if args.json {
        let mut all = Vec::with_capacity(rows.len());
        all.extend(rows.into_iter().map(|row| row.json));
        format!("{}\n", Value::from(all))
    } else {
        let table = table(&rows);
        // The process ends right after printing: freeing a large file's rows one by one would
        // cost more than building them.
        std::mem::forget(rows);
        table
    };
    std::mem::forget(config);
    print_all(&output)
}

fn row(
    config: &AwsConfig,
    credentials: &CredentialsFile,
    states: &mut StateReader<'_>,
    name: &str,
    with_json: bool,
) -> Row {
    let section = config.profile(name);
    let raw = |key: &str| section.and_then(|s| s.get(key)).map(str::to_string);
    let keys = config.profile_keys(credentials, name);
    let kind = keys.kind();
    let mut row = Row {
        profile: name.to_string(),
        kind,
        session: raw("sso_session").or_else(|| raw("sso_start_url")),
        account_id: raw("sso_account_id"),
        role_name: raw("sso_role_name"),
        region: keys
            .get("region")
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        summary: String::new(),
        json: Value::Null,
    };
    let now = OffsetDateTime::now_utc();
    let sso = match kind {
        CredentialKind::Sso => config.sso_profile(name),
        _ => Err(ConfigError::NotFound {
            path: config.path().to_path_buf(),
        }),
    };
    let (state, summary, token, credentials, error) = match sso {
        Err(_) if kind != CredentialKind::Sso => ("not_sso", "-".to_string(), None, None, None),
        Err(error) => (
            "error",
            format!("error: {}", first_sentence(&error.to_string())),
            None,
            None,
            Some(error.to_string()),
        ),
        Ok(profile) => match states.read(&profile) {
            Err(error) => (
                "error",
                format!("error: {}", first_sentence(&error.to_string())),
                None,
                None,
                Some(error.to_string()),
            ),
            Ok(state) => (
                state.standing(now, STATUS_MARGIN).as_str(),
                state.summary(now),
                state
                    .token
                    .as_ref()
                    .map(|t| format_cli_timestamp(t.expires_at)),
                state
                    .credentials
                    .as_ref()
                    .map(|c| format_cli_timestamp(c.expires_at)),
                None,
            ),
        },
    };
    row.summary = summary;
    if !with_json {
        return row;
    }
    row.json = json!({
        "profile": row.profile,
        "kind": kind.label(),
        "sso_session": raw("sso_session"),
        "sso_start_url": raw("sso_start_url").or_else(|| {
            raw("sso_session").and_then(|s| config.sso_session(&s)?.get("sso_start_url").map(str::to_string))
        }),
        "account_id": row.account_id,
        "role_name": row.role_name,
        "region": row.region,
        "state": state,
        "summary": row.summary,
        "token_expires_at": token,
        "credentials_expires_at": credentials,
        "error": error,
    });
    row
}

/// Aligned columns; the last one (the state) runs free.
fn table<'r>(rows: &'r [Row]) -> String {
    let headers = [
        "PROFILE",
        "KIND",
        "SSO SESSION",
        "ACCOUNT",
        "ROLE",
        "REGION",
        "STATE",
    ];
    let cells: Vec<[Cow<'r, str>; 7]> = rows
        .iter()
        .map(|row| {
            // Names come from a file anyone may have edited: no control character reaches the
            // terminal (nor breaks the table's lines).
            let cell =
                |value: &'r Option<String>| value.as_deref().map_or(Cow::Borrowed("-"), printable);
            [
                printable(&row.profile),
                Cow::Borrowed(row.kind.label()),
                cell(&row.session),
                cell(&row.account_id),
                cell(&row.role_name),
                cell(&row.region),
                printable(&row.summary),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for line in &cells {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::with_capacity(cells.len() * (widths.iter().sum::<usize>() + 16));
    let mut push = |line: [&str; 7]| {
        let start = out.len();
        for (i, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < line.len() {
                let padding = widths[i] - cell.chars().count() + 2;
                out.extend(std::iter::repeat_n(' ', padding));
            }
        }
        out.truncate(start + out[start..].trim_end().len());
        out.push('\n');
    };
    push(headers);
    for line in &cells {
        push(line.each_ref().map(|cell| cell.as_ref()));
    }
    out
}

/// The table has one line per profile: the first sentence of a message (`--json` has it all).
fn first_sentence(message: &str) -> &str {
    message.split(". ").next().unwrap_or(message)
}
