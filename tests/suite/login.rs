//! Signing in like `aws sso login`, against the emulator: PKCE with a program standing in for the
//! browser (and once with headless Chromium), the device code flow in all its endings, the state
//! check, interruption, and one sign-in for many processes.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::botocore::Botocore;
use crate::support::browsers::{
    headless_chromium_dumping_the_page, wait_for_file_containing, write_script,
};
use crate::support::home::*;
use crate::support::shells::RealShell;
use crate::support::terminal::{Attach, Terminal};
use sso_emulator::AuthorizeBehaviour;

/// A "browser" that does what a browser does with the sign-in page: follow the redirect to the
/// loopback callback.
const CURL_BROWSER: &str = "curl -sfL -o /dev/null";

fn login(home: &TestHome, emulator_url: &str, browser: &str, args: &[&str]) -> Run {
    run(home
        .ssoenv(emulator_url)
        .arg("login")
        .args(args)
        .env("BROWSER", browser)
        .env("SSOENV_SIGN_IN_TIMEOUT", "20s"))
}

#[test]
fn pkce_sign_in_writes_the_clis_files_and_reuses_the_registration() {
    let emulator = start_emulator();
    let home = TestHome::new();

    let first = login(&home, &emulator.url(), CURL_BROWSER, &[PROFILE]);
    assert!(first.status.success(), "{}", first.stderr);
    assert_eq!(first.stdout, "", "login prints nothing on stdout");
    assert!(
        first.stderr.contains("Signed in to SSO session 'my-sso'"),
        "{}",
        first.stderr
    );

    // The browser was sent where the CLI sends it.
    let query = emulator
        .last_authorize_query()
        .expect("the browser reached /authorize");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["scopes"], "sso:account:access");
    assert_eq!(query["code_challenge"].len(), 43);
    let redirect = &query["redirect_uri"];
    assert!(
        redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/oauth/callback"),
        "{redirect}"
    );

    // The token, in the CLI's format, with everything a refresh needs.
    let token = home.read_token_json();
    for key in [
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ] {
        assert!(token.get(key).is_some(), "{key} missing from {token}");
    }
    // The registration, at the key the CLI uses for this session (the fixture's key).
    let registration_path = home
        .sso_cache()
        .join("c5cfae6e3e4f067423a532368c8b514b6a4b0ace.json");
    let registration: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&registration_path).expect("registration cached"))
            .unwrap();
    assert_eq!(registration["clientId"], token["clientId"]);
    assert_eq!(
        registration["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );

    let second = login(&home, &emulator.url(), CURL_BROWSER, &[PROFILE]);
    assert!(second.status.success(), "{}", second.stderr);
    assert_eq!(
        emulator.request_count("RegisterClient"),
        1,
        "two logins, one registration"
    );
    assert_eq!(emulator.request_count("Authorize"), 2, "but two sign-ins");
    assert_ne!(home.read_token_json()["accessToken"], token["accessToken"]);

    // And the credentials work: export uses the token without another sign-in.
    let export = run(home
        .ssoenv(&emulator.url())
        .args([PROFILE, "--shell", "sh", "--no-login"]));
    assert!(export.status.success(), "{}", export.stderr);
}

#[test]
fn botocore_uses_the_token_of_an_ssoenv_sign_in() {
    let Some(botocore) = Botocore::available("botocore_uses_the_token_of_an_ssoenv_sign_in") else {
        return;
    };
    let emulator = start_emulator();
    let home = TestHome::new();
    assert!(
        login(
            &home,
            &emulator.url(),
            CURL_BROWSER,
            &["--sso-session", SESSION]
        )
        .status
        .success()
    );
    emulator.reset_counts();
    let creds = botocore.credentials(&home, &emulator.url(), PROFILE);
    assert_eq!(
        emulator.credentials_owner(creds["access_key"].as_str().unwrap()),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert_eq!(
        emulator.request_count("CreateToken"),
        0,
        "botocore did not sign in or refresh"
    );
    assert_eq!(emulator.request_count("RegisterClient"), 0);
}

/// The real thing: headless Chromium follows the redirect and shows ssoenv's closing page.
#[test]
fn headless_chromium_signs_in_and_sees_the_closing_page() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let Some((browser, page)) = headless_chromium_dumping_the_page(home.path()) else {
        return;
    };
    let out = login(&home, &emulator.url(), &browser, &[PROFILE]);
    assert!(out.status.success(), "{}", out.stderr);
    wait_for_file_containing(&page, "You can close this tab", Duration::from_secs(20));
}

#[test]
fn a_declined_sign_in_is_reported_and_writes_nothing() {
    let emulator = start_emulator_with(|c| c.authorize = AuthorizeBehaviour::Deny);
    let home = TestHome::new();
    let out = login(&home, &emulator.url(), CURL_BROWSER, &[PROFILE]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("refused (access_denied"),
        "{}",
        out.stderr
    );
    assert!(!home.token_path().exists());
}

/// A callback with a forged `state` is answered 400 and ignored; the genuine one then completes.
#[test]
fn a_callback_with_the_wrong_state_is_refused() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let forged_status = home.path().join("forged-status");
    let browser = write_script(
        home.path(),
        "forging-browser",
        &format!(
            "location=$(curl -s -o /dev/null -w '%{{redirect_url}}' \"$1\")\n\
             forged=$(printf '%s' \"$location\" | sed 's/state=[^&]*/state=forged/')\n\
             curl -s -o /dev/null -w '%{{http_code}}' \"$forged\" > '{}'\n\
             curl -s -o /dev/null \"$location\"",
            forged_status.display()
        ),
    );
    let out = login(&home, &emulator.url(), &browser, &[PROFILE]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&forged_status).unwrap(), "400");
    assert!(
        out.stderr.contains("state does not match"),
        "{}",
        out.stderr
    );
}

fn device_emulator(
    configure: impl FnOnce(&mut sso_emulator::EmulatorConfig),
) -> sso_emulator::Emulator {
    start_emulator_with(|c| {
        c.device_interval = 1;
        configure(c);
    })
}

#[test]
fn device_code_sign_in_after_a_few_polls() {
    let emulator = device_emulator(|c| c.device_auto_approve_after_polls = Some(3));
    let home = TestHome::new();
    let out = login(
        &home,
        &emulator.url(),
        "false",
        &[PROFILE, "--use-device-code", "--no-browser"],
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr.contains("Code: "),
        "the user is shown the code: {}",
        out.stderr
    );
    assert_eq!(emulator.request_count("StartDeviceAuthorization"), 1);
    assert_eq!(
        emulator.request_count("CreateToken"),
        4,
        "one immediate try, then polls"
    );
    let token = home.read_token_json();
    assert!(
        token["refreshToken"].is_string(),
        "sso-session sign-ins can refresh"
    );
}

#[test]
fn device_code_slow_down_makes_the_polling_slower() {
    let emulator = device_emulator(|c| c.device_auto_approve_after_polls = Some(0));
    emulator.inject_failure(sso_emulator::Failure::error(
        "CreateToken",
        400,
        "SlowDownException",
        1,
    ));
    let home = TestHome::new();
    let started = Instant::now();
    let out = login(
        &home,
        &emulator.url(),
        "false",
        &[PROFILE, "--use-device-code", "--no-browser"],
    );
    assert!(out.status.success(), "{}", out.stderr);
    // The first try is told to slow down: the next poll waits the 1 s interval plus 5 s.
    assert!(
        started.elapsed() >= Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emulator.request_count("CreateToken"), 2);
}

#[test]
fn an_unconfirmed_device_code_expires() {
    let emulator = device_emulator(|c| c.device_code_lifetime = Duration::from_secs(2));
    let home = TestHome::new();
    let out = login(
        &home,
        &emulator.url(),
        "false",
        &[PROFILE, "--use-device-code", "--no-browser"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("expired before it was confirmed"),
        "{}",
        out.stderr
    );
    assert!(!home.token_path().exists());
}

#[test]
fn a_denied_device_code_is_reported() {
    let emulator = device_emulator(|_| {});
    let home = TestHome::new();
    let child = home
        .ssoenv(&emulator.url())
        .args(["login", PROFILE, "--use-device-code", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(code) = emulator.pending_user_codes().pop() {
            break code;
        }
        assert!(Instant::now() < deadline, "no device authorization started");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(emulator.deny_device(&code));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused"));
}

/// Legacy profiles sign in with a device code and get the four fields the CLI writes for them.
#[test]
fn legacy_profiles_use_the_device_code() {
    let emulator = device_emulator(|c| c.device_auto_approve_after_polls = Some(0));
    let home = TestHome::new();
    let out = login(&home, &emulator.url(), "false", &["legacy"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(emulator.request_count("Authorize"), 0);
    let path = home.sso_cache().join(format!(
        "{}.json",
        sha1_hex("https://legacy.awsapps.com/start")
    ));
    let token: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let keys: Vec<&str> = token.keys().map(String::as_str).collect();
    assert_eq!(keys, ["accessToken", "expiresAt", "region", "startUrl"]);
}

/// Ctrl-C while waiting for the browser: the process ends, no token or temporary file is left,
/// and the lock is free for the next sign-in at once.
#[test]
fn an_interrupted_sign_in_leaves_nothing_behind() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let mut child = home
        .ssoenv(&emulator.url())
        .args(["login", PROFILE])
        .env("BROWSER", "true") // opens nothing: the sign-in waits
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.request_count("RegisterClient") == 0 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(!home.token_path().exists());
    let leftovers: Vec<_> = std::fs::read_dir(home.sso_cache())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let started = Instant::now();
    let next = login(&home, &emulator.url(), CURL_BROWSER, &[PROFILE]);
    assert!(next.status.success(), "{}", next.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the lock was free"
    );
}

/// Without a terminal, export never signs in: it fails with the command to run.
#[test]
fn export_without_a_terminal_does_not_sign_in() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let out = run(home
        .ssoenv(&emulator.url())
        .arg(PROFILE)
        .env("BROWSER", CURL_BROWSER));
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(out.stdout, "");
    assert_eq!(emulator.request_count("RegisterClient"), 0);
}

/// Ten shells asking at once with no token: one registration, one sign-in, ten good outputs.
#[test]
fn ten_processes_share_one_sign_in() {
    // Some latency, so that the sign-in is still under way when the others ask.
    let emulator = start_emulator_with(|c| c.latency = Duration::from_millis(300));
    let home = TestHome::new();
    let terminals: Vec<Terminal> = (0..10)
        .map(|_| {
            Terminal::spawn(
                home.ssoenv(&emulator.url())
                    .args([PROFILE, "--shell", "bash"])
                    .env("BROWSER", CURL_BROWSER)
                    .env("SSOENV_SIGN_IN_TIMEOUT", "30s"),
                Attach::Stderr,
            )
        })
        .collect();
    let mut waiting_messages = 0;
    let mut transcripts = Vec::new();
    for terminal in terminals {
        let finished = terminal.finish();
        let said = finished.raw;
        assert_eq!(finished.code, Some(0), "{said}");
        if said.contains("waiting for it") {
            waiting_messages += 1;
        }
        transcripts.push(said);
        let env = RealShell::Bash.eval(&finished.stdout, &[]);
        assert_eq!(
            emulator.credentials_owner(&env["AWS_ACCESS_KEY_ID"]),
            Some((ACCOUNT.to_string(), ROLE.to_string()))
        );
    }
    assert_eq!(emulator.request_count("RegisterClient"), 1);
    assert_eq!(emulator.request_count("Authorize"), 1, "one sign-in");
    assert_eq!(emulator.request_count("CreateToken"), 1);
    assert!(
        waiting_messages >= 1,
        "the others said they were waiting: {transcripts:?}"
    );
}

/// What the user sees on the terminal during both flows, with the variable parts masked.
#[test]
fn what_the_user_sees() {
    let emulator = start_emulator_with(|c| {
        c.device_interval = 1;
        c.device_auto_approve_after_polls = Some(2);
    });
    let home = TestHome::new();
    let mut transcripts = Vec::new();
    for (flow, args, browser) in [
        ("pkce", vec!["login", PROFILE], CURL_BROWSER),
        (
            "device",
            vec!["login", PROFILE, "--use-device-code", "--no-browser"],
            "false",
        ),
    ] {
        let finished = Terminal::spawn(
            home.ssoenv(&emulator.url())
                .args(&args)
                .env("BROWSER", browser),
            Attach::Stderr,
        )
        .finish();
        let said = finished.raw;
        assert_eq!(finished.code, Some(0), "{said}");
        transcripts.push(format!("--- {flow} ---\n{}", mask(&said, &emulator.url())));
    }
    insta::assert_snapshot!(transcripts.join("\n"));
}

/// Replaces what changes from run to run (ports, random values, times, the spinner's frames)
/// with placeholders.
fn mask(text: &str, emulator_url: &str) -> String {
    let text = text
        .replace("\r\n", "\n")
        .replace(emulator_url, "http://EMULATOR");
    let mut out = String::new();
    for line in text.split('\n') {
        // A spinner frame ends with "\r\x1b[2K"; keep what comes after the last one.
        let line = line
            .rsplit("\x1b[2K")
            .next()
            .unwrap_or(line)
            .trim_end_matches('\r');
        if line.is_empty() && out.ends_with("\n\n") {
            continue;
        }
        out.push_str(&mask_values(line));
        out.push('\n');
    }
    out
}

fn mask_values(line: &str) -> String {
    let words: Vec<String> = line
        .split(' ')
        .map(|word| {
            if word.contains("/authorize?") {
                "http://EMULATOR/authorize?…".to_string()
            } else if word.contains("user_code=") {
                "http://EMULATOR/device?user_code=…".to_string()
            } else if word.len() == 9 && word.as_bytes()[4] == b'-' {
                "XXXX-XXXX".to_string()
            } else if word.starts_with("20") && word.len() == 10 && word.as_bytes()[4] == b'-' {
                "YYYY-MM-DD".to_string()
            } else if word.len() == 5 && word.as_bytes().get(2) == Some(&b':') {
                "HH:MM".to_string()
            } else {
                word.to_string()
            }
        })
        .collect();
    words.join(" ")
}

/// `--redirect-port` and `sso_redirect_port` fix the callback port, so `ssh -L` can forward it.
#[test]
fn the_callback_port_can_be_fixed() {
    let emulator = start_emulator();
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let home = TestHome::new();
    let port = free_port();
    let out = login(
        &home,
        &emulator.url(),
        CURL_BROWSER,
        &[PROFILE, "--redirect-port", &port.to_string()],
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        emulator.last_authorize_query().unwrap()["redirect_uri"],
        format!("http://127.0.0.1:{port}/oauth/callback")
    );

    let port = free_port();
    let home = TestHome::with_config(&CONFIG.replace(
        "sso_registration_scopes = sso:account:access\n",
        &format!("sso_registration_scopes = sso:account:access\nsso_redirect_port = {port}\n"),
    ));
    let out = login(&home, &emulator.url(), CURL_BROWSER, &[PROFILE]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        emulator.last_authorize_query().unwrap()["redirect_uri"],
        format!("http://127.0.0.1:{port}/oauth/callback")
    );
}

/// Paste-back: the browser runs elsewhere; the user pastes the address it ended on. A pasted
/// address of another sign-in is refused and the user can paste again.
#[test]
fn paste_back_finishes_a_sign_in_from_another_machine() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let mut terminal = Terminal::spawn(
        home.ssoenv(&emulator.url())
            .args(["login", PROFILE, "--paste"])
            .env("SSOENV_SIGN_IN_TIMEOUT", "30s"),
        Attach::StdinAndStderr,
    );
    // Wait for the address, as a user would read it.
    let text = terminal.expect_within("paste it here", Duration::from_secs(15));
    let authorize_url = text
        .split_whitespace()
        .find(|w| w.contains("/authorize?"))
        .unwrap_or_else(|| panic!("no address shown: {text}"))
        .to_string();
    // "The browser on another machine": sign in, end on the (unreachable there) callback page.
    let landed = run(Command::new("curl").args([
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{redirect_url}",
        &authorize_url,
    ]));
    let landed = landed.stdout.trim().to_string();
    assert!(landed.contains("/oauth/callback?code="), "{landed}");
    let forged = landed.replace("state=", "state=x");
    terminal.send(&format!("{forged}\n"));
    terminal.send(&format!("{landed}\n"));
    let finished = terminal.finish();
    let said = finished.raw;
    assert_eq!(finished.code, Some(0), "{said}");
    assert!(said.contains("not the address of this sign-in"), "{said}");
    assert!(said.contains("Signed in to SSO session 'my-sso'"), "{said}");
    assert!(home.token_path().exists());
}

/// No display and no `$BROWSER` (a server, an SSH session): the device code flow is chosen.
#[test]
fn without_a_display_the_device_code_is_chosen() {
    let emulator = device_emulator(|c| c.device_auto_approve_after_polls = Some(0));
    let home = TestHome::new();
    // `TestHome::ssoenv` clears the environment: no DISPLAY, no WAYLAND_DISPLAY, no BROWSER.
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["login", PROFILE])
        .env("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22"));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Using the device code flow: no browser"),
        "{}",
        out.stderr
    );
    assert_eq!(emulator.request_count("Authorize"), 0);
    assert_eq!(emulator.request_count("StartDeviceAuthorization"), 1);
}

/// A browser command that fails at once: the device code flow takes over.
#[test]
fn a_browser_that_fails_to_start_leads_to_the_device_code() {
    let emulator = device_emulator(|c| c.device_auto_approve_after_polls = Some(0));
    let home = TestHome::new();
    let out = login(&home, &emulator.url(), "false", &[PROFILE]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stderr.contains("using the device code flow instead"),
        "{}",
        out.stderr
    );
    assert_eq!(emulator.request_count("StartDeviceAuthorization"), 1);
    assert!(home.token_path().exists());
}

/// The process signing in is killed while another waits for it: the waiting one takes over.
#[test]
fn a_waiting_process_takes_over_when_the_signer_dies() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let mut signer = home
        .ssoenv(&emulator.url())
        .args(["login", PROFILE])
        .env("BROWSER", "true") // never completes
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.request_count("RegisterClient") == 0 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut waiter = Terminal::spawn(
        home.ssoenv(&emulator.url())
            .args([PROFILE, "--shell", "bash"])
            .env("BROWSER", CURL_BROWSER)
            .env("SSOENV_SIGN_IN_TIMEOUT", "30s"),
        Attach::Stderr,
    );
    // Let the waiter reach the lock and say so, then kill the signer outright.
    waiter.expect_within("waiting for it", Duration::from_secs(10));
    signer.kill().unwrap();
    signer.wait().unwrap();
    let finished = waiter.finish();
    let said = finished.raw;
    assert_eq!(finished.code, Some(0), "{said}");
    let env = RealShell::Bash.eval(&finished.stdout, &[]);
    assert_eq!(
        emulator.credentials_owner(&env["AWS_ACCESS_KEY_ID"]),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    assert_eq!(
        emulator.request_count("Authorize"),
        1,
        "the waiter signed in itself"
    );
}

/// While one terminal waits for the user to approve a sign-in, commands that never sign in
/// (`process`, `--no-login`) fail at once with the command to run instead of waiting for it.
#[test]
fn commands_that_never_sign_in_do_not_wait_behind_another_terminals_sign_in() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let mut signer = Terminal::spawn(
        home.ssoenv(&emulator.url())
            .args([PROFILE, "--shell", "bash"])
            .env("BROWSER", "true") // the user never approves
            .env("SSOENV_SIGN_IN_TIMEOUT", "60s"),
        Attach::Stderr,
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.request_count("RegisterClient") == 0 {
        assert!(Instant::now() < deadline, "{}", signer.screen());
        std::thread::sleep(Duration::from_millis(20));
    }
    for args in [&["process", PROFILE][..], &[PROFILE, "--no-login"][..]] {
        let started = Instant::now();
        let out = run(home.ssoenv(&emulator.url()).args(args));
        let waited = started.elapsed();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
        assert!(out.stderr.contains("ssoenv login"), "{}", out.stderr);
        assert!(!out.stderr.contains("waiting"), "{}", out.stderr);
        assert!(
            waited < Duration::from_secs(5),
            "{args:?} waited {waited:?}"
        );
    }
    signer.kill();
}

/// A token in its refresh window is still usable for minutes: while another terminal signs in
/// anew (`ssoenv login`, which holds the token's lock), `process` uses it without waiting.
#[test]
fn a_usable_token_serves_process_while_another_terminal_signs_in() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 10 * 60); // inside the 15-minute refresh window
    let mut signer = home
        .ssoenv(&emulator.url())
        .args(["login", PROFILE])
        .env("BROWSER", "true") // the user never approves
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.request_count("RegisterClient") == 0 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    let out = run(home.ssoenv(&emulator.url()).args(["process", PROFILE]));
    let waited = started.elapsed();
    signer.kill().unwrap();
    signer.wait().unwrap();
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("SecretAccessKey"), "{}", out.stdout);
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    assert_eq!(
        emulator.request_count("CreateToken"),
        0,
        "no refresh raced the sign-in"
    );
}
