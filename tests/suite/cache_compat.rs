//! Compatibility of ssoenv's cache files with the AWS CLI v2 and botocore, and their safety under
//! concurrency.
//!
//! * Byte-exact vectors written by the real AWS CLI v2 (`shared/fixtures/aws-cli-v2`).
//! * botocore (python3) as an independent reader and writer, through `tests/python/botocore_cache.py`.
//!   Without python3 and botocore those tests print why and pass; set `SSOENV_REQUIRE_BOTOCORE=1`
//!   (CI) to make them fail instead.
//! * Concurrent writers and readers, file modes, symlinks, and locks held by other processes
//!   (this test binary re-runs itself as the other process, see `helper_process_entry_point`).
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use serde_json::Value;
use ssoenv::cache::{
    CacheDirs, CacheLock, ClientRegistration, RoleCredentialCache, RoleCredentials, SsoToken,
    TokenCache, format_cli_timestamp, registration_key, role_credentials_key, to_python_json,
    to_python_json_compact, token_key,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::support::botocore::Botocore;
use crate::support::home::{ACCOUNT, ROLE, SESSION, START_URL};
use crate::support::test_name;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The files written by the real AWS CLI v2 (a copy of `shared/fixtures/aws-cli-v2`).
fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-cli-v2")
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(fixtures_dir().join(name)).unwrap()
}

// The fixtures' `config` is the walk-through's (profile my-dev-profile, sso-session my-sso): the
// constants of `support::home`, and this region.
const SSO_REGION: &str = "us-east-1";

fn ts(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A token as `aws sso login` leaves it, expiring at `expires_at`.
fn full_token(expires_at: OffsetDateTime) -> SsoToken {
    SsoToken {
        start_url: START_URL.into(),
        region: SSO_REGION.into(),
        access_token: "our-access-token".into(),
        expires_at,
        client_id: Some("our-client-id".into()),
        client_secret: Some("our-client-secret".into()),
        registration_expires_at: Some(expires_at + time::Duration::days(90)),
        refresh_token: Some("our-refresh-token".into()),
    }
}

/// Now, without the fraction the cache files drop.
fn now_secs() -> OffsetDateTime {
    OffsetDateTime::now_utc().truncate_to_second()
}

// ---------------------------------------------------------------------------------------------
// 1. The AWS CLI's own files and keys

#[test]
fn cache_keys_match_the_files_the_cli_wrote() {
    // The fixture README gives the file names the CLI used for these configuration values.
    assert_eq!(
        token_key(Some(SESSION), START_URL),
        "0ad374308c5a4e22f723adf10145eafad7c4031c"
    );
    let scopes = ["sso:account:access".to_owned()];
    assert_eq!(
        registration_key(START_URL, SSO_REGION, Some(&scopes), Some(SESSION)),
        "c5cfae6e3e4f067423a532368c8b514b6a4b0ace"
    );
    assert_eq!(
        role_credentials_key(ACCOUNT, ROLE, Some(SESSION), START_URL),
        "55ab64ab9b531ad0be64b98c2a0960b6f7817d4c"
    );
}

#[test]
fn cli_token_file_round_trips_byte_for_byte() {
    let bytes = fixture("sso-cache-token-my-sso.json");
    let token = SsoToken::parse(&bytes).expect("the CLI's token parses");
    assert_eq!(token.start_url, START_URL);
    assert_eq!(token.region, SSO_REGION);
    assert_eq!(token.expires_at, ts("2026-11-26T12:27:29Z"));
    assert_eq!(token.client_id.as_deref(), Some("8qxsnTUtGQZ-mKMN_ohQcQ"));
    assert_eq!(
        token.registration_expires_at,
        Some(ts("2027-02-24T04:16:47Z"))
    );
    assert!(token.refresh_token.is_some());
    assert!(token.is_refreshable(ts("2027-02-24T04:16:46Z")));
    assert_eq!(token.to_cli_json().as_bytes(), &bytes[..]);
}

#[test]
fn cli_registration_file_round_trips_byte_for_byte() {
    let bytes = fixture("sso-cache-registration.json");
    let registration = ClientRegistration::parse(&bytes).expect("the CLI's registration parses");
    assert_eq!(registration.expires_at, ts("2027-02-24T04:16:47Z"));
    assert_eq!(
        registration.scopes,
        Some(vec!["sso:account:access".to_owned()])
    );
    assert!(registration.is_for_pkce(), "written by a PKCE login");
    assert!(registration.is_usable(ts("2027-02-24T04:00:00Z"), true));
    assert!(!registration.is_usable(ts("2027-02-24T04:02:00Z"), true));
    assert_eq!(registration.to_cli_json().as_bytes(), &bytes[..]);
}

#[test]
fn cli_role_credentials_file_round_trips_byte_for_byte() {
    let bytes = fixture("cli-cache-role-credentials.json");
    let credentials =
        RoleCredentials::parse_cli_cache(&bytes).expect("the CLI's credentials parse");
    assert_eq!(credentials.access_key_id, "ASIALHPTJTEHNPFS7GLL");
    assert_eq!(credentials.account_id.as_deref(), Some(ACCOUNT));
    // export-credentials printed AWS_CREDENTIAL_EXPIRATION=2026-11-26T05:27:29+00:00 for it.
    assert_eq!(credentials.expiration, ts("2026-11-26T05:27:29+00:00"));
    assert_eq!(credentials.to_cli_cache_json().as_bytes(), &bytes[..]);
}

#[test]
fn caches_find_the_cli_files_under_their_keys() {
    let home = tempfile::tempdir().unwrap();
    let dirs = CacheDirs::from_home(home.path());
    fs::create_dir_all(&dirs.sso).unwrap();
    fs::create_dir_all(&dirs.cli).unwrap();
    let token_bytes = fixture("sso-cache-token-my-sso.json");
    let registration_bytes = fixture("sso-cache-registration.json");
    let role_bytes = fixture("cli-cache-role-credentials.json");
    // The names the CLI gave them (fixture README).
    fs::write(
        dirs.sso
            .join("0ad374308c5a4e22f723adf10145eafad7c4031c.json"),
        &token_bytes,
    )
    .unwrap();
    fs::write(
        dirs.sso
            .join("c5cfae6e3e4f067423a532368c8b514b6a4b0ace.json"),
        &registration_bytes,
    )
    .unwrap();
    fs::write(
        dirs.cli
            .join("55ab64ab9b531ad0be64b98c2a0960b6f7817d4c.json"),
        &role_bytes,
    )
    .unwrap();

    let scopes = ["sso:account:access".to_owned()];
    let token = dirs
        .tokens()
        .load(&token_key(Some(SESSION), START_URL))
        .unwrap();
    let registration_key = registration_key(START_URL, SSO_REGION, Some(&scopes), Some(SESSION));
    let registration = dirs.registrations().load(&registration_key).unwrap();
    let role_key = role_credentials_key(ACCOUNT, ROLE, Some(SESSION), START_URL);
    let credentials = dirs.role_credentials().load(&role_key).unwrap();
    assert_eq!(token, SsoToken::parse(&token_bytes));
    assert_eq!(registration, ClientRegistration::parse(&registration_bytes));
    assert_eq!(credentials, RoleCredentials::parse_cli_cache(&role_bytes));
    assert!(token.is_some() && registration.is_some() && credentials.is_some());

    // The token directory holds one token (the registration is not one).
    let listed = dirs.tokens().list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, "0ad374308c5a4e22f723adf10145eafad7c4031c");
}

#[test]
fn every_truncation_of_a_cli_file_is_no_token_never_a_panic() {
    let bytes = fixture("sso-cache-token-my-sso.json");
    for end in 0..bytes.len() {
        assert_eq!(
            SsoToken::parse(&bytes[..end]),
            None,
            "prefix of {end} bytes"
        );
    }
    // What a non-atomic writer leaves when a shorter file overwrote a longer one.
    let mut leftover = bytes.clone();
    leftover.extend_from_slice(b"\"}");
    assert_eq!(SsoToken::parse(&leftover), None);
    let role = fixture("cli-cache-role-credentials.json");
    for end in 0..role.len() {
        assert_eq!(RoleCredentials::parse_cli_cache(&role[..end]), None);
    }
}

// ---------------------------------------------------------------------------------------------
// 2-4. botocore as the other reader and writer

#[test]
fn python_json_matches_python_json_dumps() {
    let Some(botocore) = Botocore::available("python_json_matches_python_json_dumps") else {
        return;
    };
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = proptest::collection::btree_map(
        proptest::prelude::any::<String>(),
        proptest::collection::vec(proptest::prelude::any::<String>(), 0..3),
        1..6,
    );
    let mut documents: Vec<BTreeMap<String, Vec<String>>> = (0..200)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    // Plus the characters where encoders differ most.
    documents.push(BTreeMap::from([(
        "\u{7f}\u{80}\u{e9}\u{2028}\u{fffe}\u{10000}\u{1f600}\u{10ffff}".to_owned(),
        vec!["/\\\"\u{0}\u{8}\u{c}\n\r\t\u{1b}<>&'".to_owned()],
    )]));
    let ours = to_python_json(&documents);
    let mut command = botocore.script("botocore_cache.py");
    command.arg("redump");
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ours.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(ours.as_str()), "json.dumps(obj)");
    let compact = to_python_json_compact(&documents);
    assert_eq!(
        lines.next(),
        Some(compact.as_str()),
        "json.dumps(obj, sort_keys, compact)"
    );
}

#[test]
fn botocore_loads_the_token_we_wrote() {
    let Some(botocore) = Botocore::available("botocore_loads_the_token_we_wrote") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("cache"));
    let token = full_token(ts("2031-02-03T04:05:06Z"));
    cache
        .store(&token_key(Some(SESSION), START_URL), &token)
        .unwrap();

    let loaded = botocore.cache(&[
        "read-token",
        cache.dir().to_str().unwrap(),
        START_URL,
        SESSION,
    ]);
    let expected = serde_json::json!({
        "startUrl": START_URL,
        "region": SSO_REGION,
        "accessToken": "our-access-token",
        "expiresAt": "2031-02-03T04:05:06Z",
        "clientId": "our-client-id",
        "clientSecret": "our-client-secret",
        "registrationExpiresAt": "2031-05-04T04:05:06Z",
        "refreshToken": "our-refresh-token",
    });
    assert_eq!(loaded, expected);

    // A legacy profile's token, keyed by its start URL.
    let legacy = SsoToken {
        client_id: None,
        client_secret: None,
        registration_expires_at: None,
        refresh_token: None,
        ..token
    };
    cache.store(&token_key(None, START_URL), &legacy).unwrap();
    let loaded = botocore.cache(&["read-token", cache.dir().to_str().unwrap(), START_URL, "-"]);
    assert_eq!(loaded["accessToken"], "our-access-token");
    assert_eq!(loaded.as_object().unwrap().len(), 4, "{loaded}");
}

#[test]
fn we_read_the_token_botocore_wrote_when_it_refreshed_ours() {
    let Some(botocore) =
        Botocore::available("we_read_the_token_botocore_wrote_when_it_refreshed_ours")
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    fs::write(&config, fixture("config")).unwrap();
    let cache = TokenCache::new(home.path().join("sso-cache"));
    let key = token_key(Some(SESSION), START_URL);
    // Five minutes left: inside botocore's refresh window.
    let ours = full_token(now_secs() + time::Duration::minutes(5));
    cache.store(&key, &ours).unwrap();

    let before = now_secs();
    let frozen = botocore.json(
        botocore
            .script("botocore_cache.py")
            .args([
                "refresh-token",
                cache.dir().to_str().unwrap(),
                "my-dev-profile",
                SSO_REGION,
            ])
            .env("AWS_CONFIG_FILE", &config),
    );
    let after = now_secs() + time::Duration::seconds(1);
    assert_eq!(frozen["token"], "botocore-refreshed-access-token");

    let written = fs::read(cache.path(&key)).unwrap();
    let theirs = cache.load(&key).unwrap().expect("botocore's token parses");
    assert_eq!(theirs.access_token, "botocore-refreshed-access-token");
    assert_eq!(
        theirs.refresh_token.as_ref().map(|t| t.expose()),
        Some("botocore-refreshed-refresh-token")
    );
    assert_eq!(theirs.client_id, ours.client_id);
    assert_eq!(theirs.client_secret, ours.client_secret);
    assert_eq!(theirs.registration_expires_at, ours.registration_expires_at);
    assert_eq!(
        (theirs.start_url.as_str(), theirs.region.as_str()),
        (START_URL, SSO_REGION)
    );
    let lifetime = time::Duration::seconds(28800);
    assert!(
        before + lifetime <= theirs.expires_at && theirs.expires_at <= after + lifetime,
        "expiresAt {} is the refresh time + 8 h",
        theirs.expires_at
    );
    // botocore writes the same layout as the CLI: our serialisation of what it wrote is its bytes.
    assert_eq!(theirs.to_cli_json().as_bytes(), &written[..]);
}

#[test]
fn we_read_botocores_legacy_utc_timestamps() {
    let Some(botocore) = Botocore::available("we_read_botocores_legacy_utc_timestamps") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().to_owned());
    let key = token_key(None, "https://d-92671207e4.awsapps.com/start");
    botocore.cache(&["write-datetime-token", dir.path().to_str().unwrap(), &key]);
    let raw = fs::read_to_string(cache.path(&key)).unwrap();
    assert!(
        raw.contains("\"2030-05-06T07:08:09UTC\""),
        "legacy form expected: {raw}"
    );
    let token = cache.load(&key).unwrap().expect("legacy token parses");
    assert_eq!(token.expires_at, ts("2030-05-06T07:08:09Z"));
    assert_eq!(token.region, "eu-west-1");
}

#[test]
fn role_cache_keys_match_botocore() {
    let Some(botocore) = Botocore::available("role_cache_keys_match_botocore") else {
        return;
    };
    let cases = [
        (ACCOUNT, ROLE, Some(SESSION), START_URL),
        (
            "123456789012",
            "AdministratorAccess",
            None,
            "https://d-92671207e4.awsapps.com/start",
        ),
        // Session names may contain spaces and any character; botocore escapes non-ASCII.
        (
            "000000000000",
            "Read/Only",
            Some("Acme Dev é \u{1f600} \"q\""),
            START_URL,
        ),
        (
            "000000000000",
            "ReadOnly",
            Some(""),
            "https://example.com/start#é",
        ),
    ];
    for (account, role, session, start_url) in cases {
        let theirs =
            botocore.cache(&["role-key", account, role, session.unwrap_or("-"), start_url]);
        let ours = role_credentials_key(account, role, session, start_url);
        assert_eq!(
            theirs,
            Value::from(ours.clone()),
            "{account} {role} {session:?} {start_url}"
        );
    }
}

#[test]
fn botocore_serves_role_credentials_we_cached() {
    let Some(botocore) = Botocore::available("botocore_serves_role_credentials_we_cached") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cache = RoleCredentialCache::new(dir.path().join("cli").join("cache"));
    let credentials = RoleCredentials {
        access_key_id: "ASIAOURS".into(),
        secret_access_key: "our/secret+key".into(),
        session_token: "our-session-token".into(),
        expiration: now_secs() + time::Duration::hours(1),
        account_id: Some(ACCOUNT.into()),
    };
    let legacy_url = "https://d-92671207e4.awsapps.com/start";
    for (session, start_url) in [(SESSION, START_URL), ("-", legacy_url)] {
        let session_name = (session != "-").then_some(session);
        let key = role_credentials_key(ACCOUNT, ROLE, session_name, start_url);
        cache.store(&key, &credentials).unwrap();
        // botocore gets them from the cache (it has no client to fetch with) and finds them fresh.
        let served = botocore.cache(&[
            "read-role",
            cache.dir().to_str().unwrap(),
            ACCOUNT,
            ROLE,
            session,
            start_url,
        ]);
        let expected = serde_json::json!({
            "access_key": "ASIAOURS",
            "secret_key": "our/secret+key",
            "token": "our-session-token",
            "expiry_time": format_cli_timestamp(credentials.expiration),
            "account_id": ACCOUNT,
        });
        assert_eq!(served, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Atomic writes, modes, symlinks

/// Two token versions of very different sizes: a torn or truncated write would show as neither.
fn small_and_large_tokens() -> [SsoToken; 2] {
    let expires = ts("2031-01-01T00:00:00Z");
    let small = SsoToken {
        client_id: None,
        client_secret: None,
        registration_expires_at: None,
        refresh_token: None,
        ..full_token(expires)
    };
    let large = SsoToken {
        access_token: "L".repeat(256 * 1024).into(),
        ..full_token(expires)
    };
    [small, large]
}

#[test]
fn readers_never_see_a_partial_file_while_threads_and_processes_write() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("cache"));
    let key = "concurrent";
    let versions = small_and_large_tokens();
    cache.store(key, &versions[0]).unwrap();

    const ROUNDS: usize = 150;
    let children: Vec<Child> = (0..2)
        .map(|_| {
            helper_process("store-tokens")
                .env("SSOENV_TEST_DIR", cache.dir())
                .env("SSOENV_TEST_KEY", key)
                .env("SSOENV_TEST_ROUNDS", ROUNDS.to_string())
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let writing = Arc::new(AtomicUsize::new(2));
    let writers: Vec<_> = (0..2)
        .map(|_| {
            let (cache, versions, writing) = (cache.clone(), versions.clone(), writing.clone());
            std::thread::spawn(move || {
                for round in 0..ROUNDS {
                    cache.store(key, &versions[round % 2]).unwrap();
                }
                writing.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    let children_done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (path, versions) = (cache.path(key), versions.clone());
            let (writing, children_done) = (writing.clone(), children_done.clone());
            std::thread::spawn(move || {
                let mut reads = 0;
                while writing.load(Ordering::SeqCst) > 0 || !children_done.load(Ordering::SeqCst) {
                    let bytes = fs::read(&path).unwrap();
                    let token = SsoToken::parse(&bytes);
                    assert!(
                        token.as_ref().is_some_and(|t| versions.contains(t)),
                        "read {} bytes that are neither version",
                        bytes.len()
                    );
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "writer process failed");
    }
    children_done.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().unwrap();
    }
    let reads: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(reads > 0);
    assert_eq!(
        file_names(cache.dir()),
        ["concurrent.json"],
        "no temporary file left behind"
    );
    assert_eq!(mode(&cache.path(key)), 0o600);
}

#[test]
fn directories_we_create_are_private_and_existing_ones_are_left_alone() {
    let home = tempfile::tempdir().unwrap();
    let dirs = CacheDirs::from_home(home.path());
    dirs.tokens()
        .store("k", &full_token(ts("2031-01-01T00:00:00Z")))
        .unwrap();
    for dir in [
        home.path().join(".aws"),
        home.path().join(".aws/sso"),
        dirs.sso.clone(),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    assert_eq!(mode(&dirs.tokens().path("k")), 0o600);

    // The AWS CLI creates ~/.aws/cli/cache 0755: ours to use, not to change.
    fs::create_dir_all(&dirs.cli).unwrap();
    fs::set_permissions(&dirs.cli, fs::Permissions::from_mode(0o755)).unwrap();
    let credentials =
        RoleCredentials::parse_cli_cache(&fixture("cli-cache-role-credentials.json")).unwrap();
    dirs.role_credentials().store("r", &credentials).unwrap();
    assert_eq!(mode(&dirs.cli), 0o755);
    assert_eq!(mode(&dirs.role_credentials().path("r")), 0o600);
}

#[test]
fn a_symlink_at_the_destination_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("cache"));
    fs::create_dir(cache.dir()).unwrap();
    let elsewhere = dir.path().join("elsewhere.txt");
    fs::write(&elsewhere, "not a token").unwrap();
    std::os::unix::fs::symlink(&elsewhere, cache.path("k")).unwrap();

    let token = full_token(ts("2031-01-01T00:00:00Z"));
    cache.store("k", &token).unwrap();
    assert!(
        fs::symlink_metadata(cache.path("k"))
            .unwrap()
            .file_type()
            .is_file()
    );
    assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "not a token");
    assert_eq!(cache.load("k").unwrap(), Some(token));
}

#[test]
fn load_store_remove_and_errors_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("cache"));
    assert_eq!(cache.load("k").unwrap(), None, "no file");
    cache.remove("k").unwrap();
    let token = full_token(ts("2031-01-01T00:00:00Z"));
    cache.store("k", &token).unwrap();
    assert_eq!(cache.load("k").unwrap(), Some(token.clone()));
    fs::write(cache.path("k"), b"{\"accessToken\": \"x\"").unwrap();
    assert_eq!(cache.load("k").unwrap(), None, "garbage is no token");
    cache.remove("k").unwrap();
    assert!(!cache.path("k").exists());

    // A file where the cache directory should be: the error names it and holds no secret.
    let blocked = dir.path().join("blocked");
    fs::write(&blocked, "").unwrap();
    let err = TokenCache::new(blocked.join("cache"))
        .store("k", &token)
        .unwrap_err();
    let message = format!("{err} {err:?}");
    assert!(message.contains(&*blocked.to_string_lossy()), "{message}");
    for secret in ["our-access-token", "our-client-secret", "our-refresh-token"] {
        assert!(!message.contains(secret), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Locks held by other processes

#[test]
fn a_lock_held_by_another_process_makes_us_wait_until_it_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("cache"));
    let mut holder = LockHolder::spawn(&cache, "k");
    assert!(
        CacheLock::try_acquire(&cache.lock_path("k"))
            .unwrap()
            .is_none()
    );

    let (waiting_tx, waiting_rx) = mpsc::channel();
    let acquired = Arc::new(AtomicBool::new(false));
    let waiter = {
        let (cache, acquired) = (cache.clone(), acquired.clone());
        std::thread::spawn(move || {
            let lock = cache
                .lock_with("k", move || waiting_tx.send(()).unwrap())
                .unwrap();
            acquired.store(true, Ordering::SeqCst);
            lock
        })
    };
    waiting_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("on_wait is called");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !acquired.load(Ordering::SeqCst),
        "got the lock while another process held it"
    );

    holder.release();
    let lock = waiter.join().unwrap();
    assert!(acquired.load(Ordering::SeqCst));
    assert!(
        holder.is_running(),
        "released by drop, not by the holder's exit"
    );
    assert!(waiting_rx.try_recv().is_err(), "on_wait is called once");
    drop(lock);
    holder.finish();
}

#[test]
fn the_lock_of_a_process_killed_with_sigkill_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("cache"));
    let mut holder = LockHolder::spawn(&cache, "k");
    assert!(
        CacheLock::try_acquire(&cache.lock_path("k"))
            .unwrap()
            .is_none()
    );
    holder.child.kill().unwrap(); // SIGKILL: no destructor runs
    holder.child.wait().unwrap();
    let lock = CacheLock::try_acquire(&cache.lock_path("k")).unwrap();
    assert!(lock.is_some(), "the dead process's lock is gone");
    assert!(
        !cache.path("k").exists(),
        "a lock never creates the token file"
    );
}

/// Another process (this test binary) holding `TokenCache::lock`.
struct LockHolder {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl LockHolder {
    fn spawn(cache: &TokenCache, key: &str) -> LockHolder {
        let mut child = helper_process("hold-lock")
            .env("SSOENV_TEST_DIR", cache.dir())
            .env("SSOENV_TEST_KEY", key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut holder = LockHolder { child, stdout };
        holder.expect("locked");
        holder
    }

    /// Waits for the helper to report `event`; the test harness prints its own lines around ours.
    fn expect(&mut self, event: &str) {
        let wanted = format!("ssoenv-helper: {event}");
        let mut line = String::new();
        loop {
            line.clear();
            let read = self.stdout.read_line(&mut line).unwrap();
            assert!(read > 0, "helper exited before reporting {event:?}");
            if line.trim_end() == wanted {
                return;
            }
        }
    }

    fn release(&mut self) {
        writeln!(self.child.stdin.as_mut().unwrap(), "release").unwrap();
        self.expect("released");
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn finish(mut self) {
        drop(self.child.stdin.take());
        assert!(self.child.wait().unwrap().success());
    }
}

/// This test binary, running only `helper_process_entry_point` in helper mode `mode`.
fn helper_process(mode: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .arg(test_name(module_path!(), "helper_process_entry_point"))
        .args(["--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("SSOENV_TEST_HELPER", mode);
    command
}

/// Not a test of its own: the body of the helper processes the tests above spawn. Without
/// `SSOENV_TEST_HELPER` it does nothing, so it is ignored in normal runs.
#[test]
#[ignore = "the body of the helper processes the lock tests start"]
fn helper_process_entry_point() {
    let Ok(mode) = std::env::var("SSOENV_TEST_HELPER") else {
        return;
    };
    let cache = TokenCache::new(PathBuf::from(std::env::var_os("SSOENV_TEST_DIR").unwrap()));
    let key = std::env::var("SSOENV_TEST_KEY").unwrap();
    let report = |event: &str| {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "\nssoenv-helper: {event}").unwrap();
        stdout.flush().unwrap();
    };
    match mode.as_str() {
        "hold-lock" => {
            let lock = cache.lock(&key).unwrap();
            report("locked");
            let mut stdin = std::io::stdin().lock();
            let mut line = String::new();
            while stdin.read_line(&mut line).unwrap() > 0 {
                if line.trim() == "release" {
                    break;
                }
                line.clear();
            }
            drop(lock);
            report("released");
            // Stay alive until the test closes our stdin.
            while stdin.read_line(&mut line).unwrap() > 0 {}
        }
        "store-tokens" => {
            let rounds: usize = std::env::var("SSOENV_TEST_ROUNDS")
                .unwrap()
                .parse()
                .unwrap();
            let versions = small_and_large_tokens();
            for round in 0..rounds {
                cache.store(&key, &versions[(round + 1) % 2]).unwrap();
            }
        }
        other => panic!("unknown helper mode {other}"),
    }
}
