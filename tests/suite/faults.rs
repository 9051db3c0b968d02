//! The fault matrix: every network call ssoenv makes × every way the service can fail, against
//! the emulator, with the real binary (and, for the account listing calls no command makes yet,
//! the real client). Each cell checks the documented outcome (docs/faults.md): the exit status,
//! how many attempts reached the service (the SDK's bounded retries), stdout empty on failure,
//! the cache files byte for byte, no secret on stderr (every run is traced with `--debug`), and a
//! bounded total time.
//!
//! Cells run in parallel, each with its own emulator and home; the whole matrix takes about as
//! long as its slowest cell. `SSOENV_PRINT_FAULT_TABLE=1` prints the observed table (markdown).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::cache_files::{json_only, secrets_in, snapshot, temp_files};
use crate::support::go_down_proxy::GoDownProxy;
use crate::support::home::*;
use sso_emulator::{Emulator, Failure};
use ssoenv::aws::{Endpoints, SsoClient, SsoError};
use ssoenv::cache::RoleCredentials;

/// Each HTTP attempt's limit in the "slower than the timeout" cells; the reply comes later.
const SHORT_TIMEOUT: &str = "1s";
const SLOW_REPLY: Duration = Duration::from_millis(2500);
/// No cell may take longer, whatever the fault: attempts × timeout + back-off, with room to spare
/// on a loaded machine. (A bound on termination, not a speed measurement.)
const TIME_BOUND: Duration = Duration::from_secs(30);

/// A network call, in the situation that makes ssoenv send it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    /// `ssoenv PROFILE` with a token 30 s from expiry: it must be refreshed, it cannot be used.
    Refresh,
    /// The same with 10 minutes left: inside the refresh window, still usable.
    RefreshUsable,
    /// `ssoenv PROFILE` with a valid token and no cached credentials.
    GetRoleCredentials,
    /// `ssoenv login PROFILE --use-device-code` with no cached registration.
    RegisterClient,
    StartDeviceAuthorization,
    /// The device flow's token poll.
    CreateTokenDevice,
    /// `ssoenv login PROFILE` (PKCE, a program as the browser): the code exchange.
    CreateTokenCode,
    /// `ssoenv logout PROFILE`.
    Logout,
    /// `SsoClient::list_accounts` (the commands that list come with `configure`).
    ListAccounts,
    ListAccountRoles,
}

const CALLS: [Call; 10] = [
    Call::Refresh,
    Call::RefreshUsable,
    Call::GetRoleCredentials,
    Call::RegisterClient,
    Call::StartDeviceAuthorization,
    Call::CreateTokenDevice,
    Call::CreateTokenCode,
    Call::Logout,
    Call::ListAccounts,
    Call::ListAccountRoles,
];

impl Call {
    fn operation(self) -> &'static str {
        match self {
            Call::Refresh
            | Call::RefreshUsable
            | Call::CreateTokenDevice
            | Call::CreateTokenCode => "CreateToken",
            Call::GetRoleCredentials => "GetRoleCredentials",
            Call::RegisterClient => "RegisterClient",
            Call::StartDeviceAuthorization => "StartDeviceAuthorization",
            Call::Logout => "Logout",
            Call::ListAccounts => "ListAccounts",
            Call::ListAccountRoles => "ListAccountRoles",
        }
    }

    /// The request line the go-down proxy watches for.
    fn request_line(self) -> &'static str {
        match self.operation() {
            "CreateToken" => "POST /token ",
            "GetRoleCredentials" => "GET /federation/credentials",
            "RegisterClient" => "POST /client/register ",
            "StartDeviceAuthorization" => "POST /device_authorization ",
            "Logout" => "POST /logout ",
            "ListAccounts" => "GET /assignment/accounts",
            _ => "GET /assignment/roles",
        }
    }

    fn is_portal(self) -> bool {
        matches!(
            self,
            Call::GetRoleCredentials | Call::Logout | Call::ListAccounts | Call::ListAccountRoles
        )
    }

    fn label(self) -> &'static str {
        match self {
            Call::Refresh => "CreateToken (refresh; token unusable)",
            Call::RefreshUsable => "CreateToken (refresh; token usable 10 min)",
            Call::GetRoleCredentials => "GetRoleCredentials",
            Call::RegisterClient => "RegisterClient",
            Call::StartDeviceAuthorization => "StartDeviceAuthorization",
            Call::CreateTokenDevice => "CreateToken (device code)",
            Call::CreateTokenCode => "CreateToken (authorization code)",
            Call::Logout => "Logout",
            Call::ListAccounts => "ListAccounts",
            Call::ListAccountRoles => "ListAccountRoles",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Status500,
    Status503,
    Status429,
    Refused,
    Slow,
    MalformedJson,
    Status401,
    InvalidGrant,
    Expired,
}

const FAULTS: [Fault; 9] = [
    Fault::Status500,
    Fault::Status503,
    Fault::Status429,
    Fault::Refused,
    Fault::Slow,
    Fault::MalformedJson,
    Fault::Status401,
    Fault::InvalidGrant,
    Fault::Expired,
];

impl Fault {
    fn label(self) -> &'static str {
        match self {
            Fault::Status500 => "500",
            Fault::Status503 => "503",
            Fault::Status429 => "429",
            Fault::Refused => "refused",
            Fault::Slow => "slow",
            Fault::MalformedJson => "malformed JSON",
            Fault::Status401 => "401",
            Fault::InvalidGrant => "invalid_grant",
            Fault::Expired => "expired",
        }
    }

    /// What the emulator is told to do to every call of `call`'s operation (`None`: the fault is
    /// made another way: the proxy, or a real expiry).
    fn injection(self, call: Call) -> Option<Failure> {
        let op = call.operation();
        let persistent = 100;
        Some(match self {
            Fault::Status500 => Failure::error(op, 500, "InternalServerException", persistent),
            // A gateway's 503: no error code, no JSON body.
            Fault::Status503 => Failure {
                error_code: None,
                ..Failure::error(op, 503, "", persistent)
            },
            Fault::Status429 => Failure::error(op, 429, "TooManyRequestsException", persistent),
            Fault::Refused => return None,
            Fault::Slow => Failure::delay(op, SLOW_REPLY, persistent),
            Fault::MalformedJson => {
                Failure::raw_body(op, 200, r#"{"accessToken": "trunc"#, persistent)
            }
            Fault::Status401 if call.is_portal() => {
                Failure::error(op, 401, "UnauthorizedException", persistent)
            }
            Fault::Status401 => Failure::error(op, 401, "InvalidClientException", persistent),
            Fault::InvalidGrant => Failure::error(op, 400, "InvalidGrantException", persistent),
            // The portal has no such error: an expired access token is really expired there.
            Fault::Expired if call.is_portal() => return None,
            Fault::Expired => Failure::error(op, 400, "ExpiredTokenException", persistent),
        })
    }
}

/// What a cell should end in.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Outcome {
    /// Exit status (`None` for the library-level calls: `Some(0)` success, `Some(1)` error,
    /// `Some(3)` an error that means "sign in again").
    exit: i32,
    /// Requests of the operation the service saw.
    attempts: u64,
    /// What happened to the cache files.
    caches: Caches,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caches {
    /// Every `*.json` file byte for byte as before (a client registration cached by a sign-in
    /// that failed at a later step may be added: it is valid).
    Untouched,
    /// The token untouched; role credentials fetched and cached (a success with the old token).
    NewCredentials,
    /// The session's token and the role credentials of every profile using it deleted (logout).
    Deleted,
    /// The token refreshed with its refresh token (after the portal refused the access token);
    /// nothing else changed.
    RefreshedToken,
    /// The token refreshed, then role credentials fetched with it and cached.
    RefreshedTokenAndNewCredentials,
    /// Anything else: never expected.
    Changed,
}

/// The documented outcome of every cell (docs/faults.md).
fn expected(call: Call, fault: Fault) -> Outcome {
    use Fault::*;
    let retried = matches!(fault, Status500 | Status503 | Status429 | Slow);
    let attempts = match fault {
        Refused => 0,
        _ if retried => 3,
        _ => 1,
    };
    let sign_in_again = matches!(fault, Status401 | InvalidGrant | Expired);
    match call {
        // The portal refuses an access token the files call valid: the refresh token is tried
        // first. An access token that really expired early is replaced and the fetch succeeds;
        // a refused refreshed token too means the session is over: sign in (3).
        Call::GetRoleCredentials if fault == Expired => Outcome {
            exit: 0,
            attempts: 2,
            caches: Caches::RefreshedTokenAndNewCredentials,
        },
        Call::GetRoleCredentials if sign_in_again => Outcome {
            exit: 3,
            attempts: 2,
            caches: Caches::RefreshedToken,
        },
        // The token cannot be used: a session that ended asks for a sign-in (3); anything else
        // is an error (1). Nothing is written.
        Call::Refresh | Call::GetRoleCredentials => Outcome {
            exit: if sign_in_again { 3 } else { 1 },
            attempts,
            caches: Caches::Untouched,
        },
        // A passing failure: the current token still works, so credentials come with a warning.
        Call::RefreshUsable => Outcome {
            exit: if sign_in_again { 3 } else { 0 },
            attempts,
            caches: if sign_in_again {
                Caches::Untouched
            } else {
                Caches::NewCredentials
            },
        },
        // A sign-in that fails leaves the previous token and credentials as they were.
        Call::RegisterClient
        | Call::StartDeviceAuthorization
        | Call::CreateTokenDevice
        | Call::CreateTokenCode => Outcome {
            exit: 1,
            attempts,
            caches: Caches::Untouched,
        },
        // Logout is best effort: the local files go whatever the service says.
        Call::Logout => Outcome {
            exit: 0,
            attempts: if fault == MalformedJson { 1 } else { attempts },
            caches: Caches::Deleted,
        },
        Call::ListAccounts | Call::ListAccountRoles => Outcome {
            exit: if sign_in_again { 3 } else { 1 },
            attempts,
            caches: Caches::Untouched,
        },
    }
}

/// What a cell did.
#[derive(Debug)]
struct Observed {
    call: Call,
    fault: Fault,
    outcome: Outcome,
    message: String,
    elapsed: Duration,
    problems: Vec<String>,
}

fn emulator_for(call: Call) -> Emulator {
    start_emulator_with(|config| {
        if matches!(
            call,
            Call::RegisterClient | Call::StartDeviceAuthorization | Call::CreateTokenDevice
        ) {
            config.device_auto_approve_after_polls = Some(0);
            config.device_interval = 1;
        }
    })
}

fn run_cell(call: Call, fault: Fault) -> Observed {
    let emulator = emulator_for(call);
    let home = TestHome::new();
    // Every cell but the refresh ones starts signed in for hours, with cached credentials for
    // the other profile (which must survive), so that "untouched" means something.
    let lifetime = match call {
        Call::Refresh => 30,
        Call::RefreshUsable => 10 * 60,
        _ => 8 * 3600,
    };
    let minted = home.seed_token(&emulator, lifetime);
    seed_credentials(&home, "123456789022", "ReadOnly");
    if call == Call::Logout {
        seed_credentials(&home, ACCOUNT, ROLE);
    }
    if let Some(failure) = fault.injection(call) {
        emulator.inject_failure(failure);
    }
    if fault == Fault::Expired && call.is_portal() {
        emulator.expire_access_tokens();
    }
    // The proxy stands only before the service of the call under test (OIDC and the portal are
    // different hosts at AWS), so the other one stays reachable.
    let proxy =
        (fault == Fault::Refused).then(|| GoDownProxy::start(&emulator.url(), call.request_line()));
    let url = proxy
        .as_ref()
        .map_or_else(|| emulator.url(), GoDownProxy::url);
    let (oidc_url, portal_url) = if call.is_portal() {
        (emulator.url(), url.clone())
    } else {
        (url.clone(), emulator.url())
    };

    let before = snapshot(home.path());
    let mut secrets = secrets_in(&before);
    secrets.extend([minted.access_token.clone(), minted.client_secret.clone()]);
    secrets.extend(minted.refresh_token.clone());

    let started = Instant::now();
    let (exit, stdout, stderr) = match call {
        Call::ListAccounts | Call::ListAccountRoles => list_directly(call, fault, &url, &minted),
        _ => {
            let mut command = home.ssoenv(&url);
            command
                .env("AWS_ENDPOINT_URL_SSO_OIDC", &oidc_url)
                .env("AWS_ENDPOINT_URL_SSO", &portal_url)
                .env("SSOENV_DEBUG", "1");
            if fault == Fault::Slow {
                command.env("SSOENV_HTTP_TIMEOUT", SHORT_TIMEOUT);
            }
            match call {
                Call::Refresh | Call::RefreshUsable | Call::GetRoleCredentials => {
                    command.args([PROFILE, "--no-login", "--shell", "sh"]);
                }
                Call::RegisterClient | Call::StartDeviceAuthorization | Call::CreateTokenDevice => {
                    command.args(["login", PROFILE, "--use-device-code", "--no-browser"]);
                }
                Call::CreateTokenCode => {
                    command
                        .args(["login", PROFILE])
                        .env("BROWSER", "curl -sfL -o /dev/null");
                }
                Call::Logout => {
                    command.args(["logout", PROFILE]);
                }
                Call::ListAccounts | Call::ListAccountRoles => unreachable!(),
            }
            command.env("SSOENV_SIGN_IN_TIMEOUT", "20s");
            let out = run(&mut command);
            (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
        }
    };
    let elapsed = started.elapsed();
    let after = snapshot(home.path());
    let attempts = emulator.request_count(call.operation());
    secrets.extend(secrets_in(&after));

    let caches = classify_caches(&home, &before, &after);
    let mut problems = Vec::new();
    if exit != 0 && !stdout.is_empty() {
        problems.push(format!("stdout not empty on failure: {stdout:?}"));
    }
    if exit == 0
        && matches!(call, Call::RefreshUsable | Call::GetRoleCredentials)
        && !stdout.contains("AWS_SESSION_TOKEN")
    {
        problems.push(format!("success without credentials on stdout: {stdout:?}"));
    }
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        if stderr.contains(secret.as_str()) {
            problems.push(format!("a secret appears on stderr: {stderr}"));
            break;
        }
    }
    if !temp_files(&after).is_empty() {
        problems.push(format!("temporary files left: {:?}", temp_files(&after)));
    }
    if elapsed > TIME_BOUND {
        problems.push(format!("took {elapsed:?}"));
    }
    if fault == Fault::Refused && !proxy.as_ref().is_some_and(GoDownProxy::went_down) {
        problems.push("the call under test never reached the proxy".into());
    }
    Observed {
        call,
        fault,
        outcome: Outcome {
            exit,
            attempts,
            caches,
        },
        message: last_message(&stderr),
        elapsed,
        problems,
    }
}

/// Cached credentials (valid for an hour) for a role of the `my-sso` session, as the CLI writes
/// them.
fn seed_credentials(home: &TestHome, account: &str, role: &str) {
    let credentials = RoleCredentials {
        access_key_id: format!("ASIASEEDED{account}"),
        secret_access_key: format!("seeded-secret-{account}-{role}").into(),
        session_token: format!("seeded-session-token-{account}-{role}").into(),
        expiration: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        account_id: Some(account.to_string()),
    };
    home.write_role_credentials(account, role, &credentials);
}

/// Runs `jobs` on at most `parallel` threads at a time and returns their results in order.
pub fn run_parallel<T: Send + 'static>(
    parallel: usize,
    jobs: Vec<Box<dyn FnOnce() -> T + Send>>,
) -> Vec<T> {
    let queue = Arc::new(Mutex::new(jobs.into_iter().enumerate().collect::<Vec<_>>()));
    let results = Arc::new(Mutex::new(BTreeMap::new()));
    let workers: Vec<_> = (0..parallel)
        .map(|_| {
            let (queue, results) = (queue.clone(), results.clone());
            thread::spawn(move || {
                loop {
                    let next = queue.lock().unwrap().pop();
                    let Some((index, job)) = next else { break };
                    let result = job();
                    results.lock().unwrap().insert(index, result);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a job panicked");
    }
    let results = std::mem::take(&mut *results.lock().unwrap());
    results.into_values().collect()
}

/// The library call for the listing operations (no command sends them yet).
fn list_directly(
    call: Call,
    fault: Fault,
    url: &str,
    minted: &sso_emulator::MintedSession,
) -> (i32, String, String) {
    let timeout = if fault == Fault::Slow {
        Duration::from_secs(1)
    } else {
        Duration::from_secs(3)
    };
    let endpoints = Endpoints {
        oidc: Some(url.to_string()),
        portal: Some(url.to_string()),
    };
    let client = SsoClient::with_attempt_timeout("us-east-1", &endpoints, timeout).unwrap();
    let access_token = minted.access_token.as_str().into();
    let result: Result<usize, SsoError> = match call {
        Call::ListAccounts => client.list_accounts(&access_token).map(|a| a.len()),
        _ => client
            .list_account_roles(&access_token, ACCOUNT)
            .map(|r| r.len()),
    };
    match result {
        Ok(n) => (0, n.to_string(), String::new()),
        Err(error) if error.is_session_ended() => (3, String::new(), error.to_string()),
        Err(error) => (1, String::new(), error.to_string()),
    }
}

fn classify_caches(
    home: &TestHome,
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Caches {
    // A client registration cached by a sign-in that failed later is valid and may stay.
    let registration = home
        .sso_cache()
        .join("c5cfae6e3e4f067423a532368c8b514b6a4b0ace.json");
    let strip = |map: BTreeMap<PathBuf, Vec<u8>>| {
        map.into_iter()
            .filter(|(path, _)| *path != registration)
            .collect::<BTreeMap<_, _>>()
    };
    let (before, after) = (strip(json_only(before)), strip(json_only(after)));
    if before == after {
        return Caches::Untouched;
    }
    let role = home.role_cache_path(ACCOUNT, ROLE);
    let other_role = home.role_cache_path("123456789022", "ReadOnly");
    let token = home.token_path();
    let without = |map: &BTreeMap<PathBuf, Vec<u8>>, skip: &[&PathBuf]| {
        map.iter()
            .filter(|(path, _)| !skip.contains(path))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    if [&token, &role, &other_role]
        .iter()
        .all(|path| !after.contains_key(*path))
        && without(&before, &[&token, &role, &other_role])
            == without(&after, &[&token, &role, &other_role])
    {
        return Caches::Deleted;
    }
    let changed = |path: &PathBuf| after.contains_key(path) && before.get(path) != after.get(path);
    if changed(&role) && without(&before, &[&role]) == without(&after, &[&role]) {
        return Caches::NewCredentials;
    }
    if changed(&token) && without(&before, &[&token]) == without(&after, &[&token]) {
        return Caches::RefreshedToken;
    }
    if changed(&token)
        && changed(&role)
        && without(&before, &[&token, &role]) == without(&after, &[&token, &role])
    {
        return Caches::RefreshedTokenAndNewCredentials;
    }
    Caches::Changed
}

/// The last line that is not a trace line: what the user is told.
fn last_message(stderr: &str) -> String {
    let is_message = |line: &&str| {
        !line.starts_with("ssoenv[debug]")
            && !line.trim().is_empty()
            && !line.starts_with("Sign in with")
            && !line.trim_start().starts_with("or:")
    };
    stderr.lines().rfind(is_message).unwrap_or("").to_string()
}

#[test]
fn fault_matrix() {
    let jobs: Vec<Box<dyn FnOnce() -> Observed + Send>> = CALLS
        .iter()
        .flat_map(|&call| {
            FAULTS
                .iter()
                .map(move |&fault| -> Box<dyn FnOnce() -> Observed + Send> {
                    Box::new(move || run_cell(call, fault))
                })
        })
        .collect();
    let observed = run_parallel(24, jobs);

    if std::env::var_os("SSOENV_PRINT_FAULT_TABLE").is_some() {
        print_table(&observed);
    }
    let mut failures = Vec::new();
    for cell in &observed {
        let want = expected(cell.call, cell.fault);
        // A slow service may use up the whole call's time limit (4 × the attempt timeout, back-off
        // included) before the third attempt starts.
        let attempts_ok = cell.outcome.attempts == want.attempts
            || (cell.fault == Fault::Slow && cell.outcome.attempts == 2);
        if !attempts_ok || cell.outcome.exit != want.exit || cell.outcome.caches != want.caches {
            failures.push(format!(
                "{} × {}: expected {want:?}, got {:?} ({:?}): {}",
                cell.call.label(),
                cell.fault.label(),
                cell.outcome,
                cell.elapsed,
                cell.message
            ));
        }
        for problem in &cell.problems {
            failures.push(format!(
                "{} × {}: {problem}",
                cell.call.label(),
                cell.fault.label()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells failed:\n{}",
        failures.len(),
        observed.len(),
        failures.join("\n")
    );
}

fn print_table(observed: &[Observed]) {
    println!("| call | fault | exit | attempts | caches | time | message |");
    println!("|---|---|---|---|---|---|---|");
    for cell in observed {
        println!(
            "| {} | {} | {} | {} | {:?} | {:.1} s | {} |",
            cell.call.label(),
            cell.fault.label(),
            cell.outcome.exit,
            cell.outcome.attempts,
            cell.outcome.caches,
            cell.elapsed.as_secs_f64(),
            cell.message.replace('|', "\\|")
        );
    }
}

/// A client registration the service no longer accepts (`InvalidClientException`) would fail
/// every sign-in until it expires, 90 days later: it is discarded, and the next sign-in
/// registers a new client and succeeds.
#[test]
fn a_rejected_client_registration_is_replaced_by_the_next_sign_in() {
    let emulator = emulator_for(Call::StartDeviceAuthorization);
    let home = TestHome::new();
    let login = |home: &TestHome| {
        run(home.ssoenv(&emulator.url()).args([
            "login",
            PROFILE,
            "--use-device-code",
            "--no-browser",
        ]))
    };
    let first = login(&home);
    assert!(first.status.success(), "{}", first.stderr);
    assert_eq!(emulator.request_count("RegisterClient"), 1);

    emulator.expire_registrations();
    let rejected = login(&home);
    assert_eq!(rejected.status.code(), Some(1), "{}", rejected.stderr);
    assert!(
        rejected.stderr.contains("InvalidClientException")
            && rejected.stderr.contains("registration was discarded"),
        "{}",
        rejected.stderr
    );

    let again = login(&home);
    assert!(again.status.success(), "{}", again.stderr);
    assert_eq!(
        emulator.request_count("RegisterClient"),
        2,
        "the rejected registration was replaced by a new one"
    );
}
