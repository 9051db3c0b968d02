//! The credential endpoint: `ssoenv exec --server PROFILE -- COMMAND` and `ssoenv serve PROFILE`.
//! Real SDK clients (botocore, the JS SDK v3, the Rust SDK) run as children and keep calling STS
//! at the emulator across credential expiries; the endpoint refuses requests without its token,
//! other paths and methods, and outlasts slow and hostile local clients.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::botocore::Botocore;
use crate::support::home::*;
use crate::support::shells::{Environment, RealShell};
use crate::support::terminal::{Attach, Terminal};

const CURL_BROWSER: &str = "curl -sfL -o /dev/null";

/// `ssoenv serve PROFILE --format dotenv ARGS…` running, with what it printed.
struct Served {
    child: Child,
    variables: Vec<(String, String)>,
}

impl Served {
    fn start(home: &TestHome, emulator_url: &str, args: &[&str]) -> Served {
        Served::start_for(home, emulator_url, PROFILE, args)
    }

    fn start_for(home: &TestHome, emulator_url: &str, profile: &str, args: &[&str]) -> Served {
        let mut child = home
            .ssoenv(emulator_url)
            .args(["serve", profile, "--format", "dotenv"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        // serve closes its stdout once the variables are written: reading to the end returns
        // while it goes on serving.
        let mut printed = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut printed)
            .unwrap();
        assert!(
            child.try_wait().unwrap().is_none(),
            "serve ended: {printed}"
        );
        let variables = printed
            .lines()
            .map(|line| {
                let (name, value) = line.split_once('=').expect("NAME=value");
                (name.to_string(), value.to_string())
            })
            .collect();
        Served { child, variables }
    }

    fn variable(&self, name: &str) -> &str {
        let found = self.variables.iter().find(|(n, _)| n == name);
        &found
            .unwrap_or_else(|| panic!("{name} in {:?}", self.variables))
            .1
    }

    fn url(&self) -> &str {
        self.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    }

    fn token(&self) -> &str {
        self.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN")
    }

    fn address(&self) -> SocketAddr {
        address_of(self.url())
    }

    /// Stops it and returns what it said on stderr.
    fn stop(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut said = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut said)
            .unwrap();
        said
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `127.0.0.1:PORT` of `http://127.0.0.1:PORT/path`.
fn address_of(url: &str) -> SocketAddr {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    rest.split('/').next().unwrap().parse().expect("IP:PORT")
}

/// Sends `request` as it is and returns the status and body of the answer (the connection is
/// closed by the request's `Connection: close`).
fn exchange(address: SocketAddr, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP answer: {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

fn request(method: &str, path: &str, token: Option<&str>) -> String {
    let authorization = token.map_or(String::new(), |t| format!("Authorization: {t}\r\n"));
    format!("{method} {path} HTTP/1.1\r\nHost: x\r\n{authorization}Connection: close\r\n\r\n")
}

fn get(address: SocketAddr, token: Option<&str>) -> (u16, String) {
    exchange(address, &request("GET", "/credentials", token))
}

#[test]
fn serve_answers_only_get_of_its_path_with_its_token() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let served = Served::start(&home, &emulator.url(), &[]);
    let address = served.address();
    assert!(address.ip().is_loopback(), "{address}");
    assert_eq!(served.token().len(), 64, "a 32-byte random token");

    let (status, body) = get(address, Some(served.token()));
    assert_eq!(status, 200, "{body}");
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        emulator.credentials_owner(document["AccessKeyId"].as_str().unwrap()),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    for field in ["SecretAccessKey", "Token"] {
        assert!(document[field].as_str().is_some_and(|v| !v.is_empty()));
    }
    let expiration = document["Expiration"].as_str().unwrap();
    assert!(
        expiration.len() == 20 && expiration.ends_with('Z'),
        "RFC 3339 in UTC: {expiration}"
    );
    assert_eq!(document["AccountId"], ACCOUNT);

    let wrong = format!("{}0", &served.token()[1..]);
    assert_eq!(get(address, None).0, 401, "no token");
    assert_eq!(get(address, Some(&wrong)).0, 403, "a wrong token");
    assert_eq!(get(address, Some("")).0, 403, "an empty token");
    let other_path = request("GET", "/credentials/../x", Some(served.token()));
    assert_eq!(exchange(address, &other_path).0, 404);
    assert_eq!(
        exchange(address, &request("GET", "/", Some(served.token()))).0,
        404
    );
    for method in ["POST", "PUT", "DELETE", "HEAD"] {
        let answer = exchange(
            address,
            &request(method, "/credentials", Some(served.token())),
        );
        assert_eq!(answer.0, 405, "{method}");
    }
    assert_eq!(
        emulator.request_count("GetRoleCredentials"),
        1,
        "every answer came from the one fetch"
    );
}

/// Every profile kind is served, not only SSO: a credential_process profile's credentials come
/// from its command, and new ones from the command again once they are due.
#[test]
fn a_credential_process_profile_is_served_and_renewed_through_its_command() {
    let emulator = start_emulator();
    let home = TestHome::new();
    let script = crate::profile_kinds::process_script(&home, 1200);
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "{CONFIG}\n[profile proc]\ncredential_process = {}\n",
            script.display()
        ),
    )
    .unwrap();
    // Due 10 s after each run of the command: 1200 s of life, 1190 s wanted.
    let served = Served::start_for(&home, &emulator.url(), "proc", &["--min-valid", "1190s"]);
    let key_of = |body: &str| {
        let document: serde_json::Value = serde_json::from_str(body).unwrap();
        document["AccessKeyId"].as_str().unwrap().to_string()
    };
    let (status, body) = get(served.address(), Some(served.token()));
    assert_eq!(
        (status, key_of(&body)),
        (200, "PROC-1".to_string()),
        "{body}"
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    let renewed = loop {
        std::thread::sleep(Duration::from_millis(500));
        let (status, body) = get(served.address(), Some(served.token()));
        assert_eq!(status, 200, "{body}");
        let key = key_of(&body);
        if key != "PROC-1" || Instant::now() > deadline {
            break key;
        }
    };
    assert_eq!(
        renewed, "PROC-2",
        "the command ran again once they were due"
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 0);
}

#[test]
fn the_env_file_is_read_the_same_by_docker_style_readers_and_botocore_uses_it() {
    let Some(botocore) = Botocore::available("credential_server::env_file") else {
        return;
    };
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let served = Served::start(&home, &emulator.url(), &[]);
    // `docker run --env-file` takes every line as NAME=value, literally: no quotes to strip.
    for (name, value) in &served.variables {
        assert!(
            value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ":/._".contains(c)),
            "{name}={value} reads the same with or without quote handling"
        );
    }
    let file = home.path().join("endpoint.env");
    let text: String = served
        .variables
        .iter()
        .map(|(name, value)| format!("{name}={value}\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    let parsed = botocore.json(botocore.python().args([
        "-c",
        "import dotenv, json, sys; print(json.dumps(dotenv.dotenv_values(sys.argv[1])))",
        file.to_str().unwrap(),
    ]));
    assert_eq!(parsed["AWS_CONTAINER_CREDENTIALS_FULL_URI"], served.url());
    assert_eq!(parsed["AWS_CONTAINER_AUTHORIZATION_TOKEN"], served.token());
    // The variables as a container on the host network sees them: nothing else.
    let mut client = botocore.script("container_credentials.py");
    client.arg("once").env("HOME", home.path());
    for (name, value) in &served.variables {
        client.env(name, value);
    }
    let result = botocore.json(&mut client);
    assert_eq!(result["method"], "container-role", "{result}");
    assert_eq!(
        emulator.credentials_owner(result["access_key"].as_str().unwrap()),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
}

#[test]
fn serve_prints_the_variables_for_the_chosen_shell() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let mut child = home
        .ssoenv(&emulator.url())
        .args(["serve", PROFILE, "--shell", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut printed)
        .unwrap();
    let env = RealShell::Bash.eval(&printed, &[]);
    child.kill().unwrap();
    child.wait().unwrap();
    let url = &env["AWS_CONTAINER_CREDENTIALS_FULL_URI"];
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/credentials"));
    assert_eq!(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].len(), 64);
}

#[test]
fn ctrl_c_stops_serve_and_its_port() {
    use std::os::unix::process::ExitStatusExt;
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let mut served = Served::start(&home, &emulator.url(), &[]);
    let address = served.address();
    assert_eq!(get(address, Some(served.token())).0, 200);
    let interrupt = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", served.child.id())])
        .status()
        .unwrap();
    assert!(interrupt.success());
    assert_eq!(served.child.wait().unwrap().signal(), Some(2));
    assert!(TcpStream::connect_timeout(&address, Duration::from_secs(2)).is_err());
}

#[test]
fn a_non_loopback_listen_address_is_warned_about() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let served = Served::start(&home, &emulator.url(), &["--listen", "0.0.0.0:0"]);
    assert!(
        served.url().starts_with("http://127.0.0.1:"),
        "a wildcard address is reached through loopback: {}",
        served.url()
    );
    assert_eq!(get(served.address(), Some(served.token())).0, 200);
    let said = served.stop();
    assert!(
        said.contains("warning") && said.contains("0.0.0.0"),
        "{said}"
    );
}

#[test]
fn exec_server_gives_the_command_the_endpoint_and_no_shadowing_variables() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let out = home
        .ssoenv(&emulator.url())
        .args(["exec", "--server", PROFILE, "--", "env", "-0"])
        .env("AWS_PROFILE", "prod-readonly")
        .env("AWS_DEFAULT_PROFILE", "legacy")
        .env("AWS_ACCESS_KEY_ID", "AKIAOLDOLDOLDOLDOLD0")
        .env("AWS_SECRET_ACCESS_KEY", "old")
        .env("AWS_SESSION_TOKEN", "old")
        .env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials")
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent")
        .env("SSOENV_PROFILE", PROFILE)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = Environment::from_env0(&out.stdout).into_text();
    for shadowing in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "SSOENV_PROFILE",
    ] {
        assert!(!env.contains_key(shadowing), "{shadowing}: {env:?}");
    }
    assert_eq!(env["AWS_REGION"], "us-west-2", "the profile's region");
    assert_eq!(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].len(), 64);
    let url = &env["AWS_CONTAINER_CREDENTIALS_FULL_URI"];
    // The endpoint ended with the command: its port refuses connections.
    let refused = TcpStream::connect_timeout(&address_of(url), Duration::from_secs(2));
    assert!(refused.is_err(), "the endpoint outlived the command");
}

#[test]
fn a_default_profile_that_would_shadow_the_endpoint_is_warned_about() {
    let emulator = start_emulator();
    let home = TestHome::with_config(&format!(
        "{CONFIG}\n[default]\nsso_session = my-sso\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n"
    ));
    home.seed_token(&emulator, 3600);
    let out = run(home
        .ssoenv(&emulator.url())
        .args(["exec", "--server", PROFILE, "--", "true"]));
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stderr.contains("profile 'default'"), "{}", out.stderr);
    let quiet = TestHome::new();
    quiet.seed_token(&emulator, 3600);
    let out = run(quiet
        .ssoenv(&emulator.url())
        .args(["exec", "--server", PROFILE, "--", "true"]));
    assert_eq!(out.stderr, "", "no default profile, nothing to say");
}

#[test]
fn exec_server_gives_a_new_token_each_run() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let token = || {
        run(home.ssoenv(&emulator.url()).args([
            "exec",
            "--server",
            PROFILE,
            "--",
            "sh",
            "-c",
            "printf %s \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\"",
        ]))
        .stdout
    };
    let (first, second) = (token(), token());
    assert_eq!(first.len(), 64);
    assert_ne!(first, second);
}

#[test]
fn exec_server_ends_as_the_command_ends() {
    use std::os::unix::process::ExitStatusExt;
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    for status in [0, 3, 42] {
        let out = run(home.ssoenv(&emulator.url()).args([
            "exec",
            "--server",
            PROFILE,
            "--",
            "sh",
            "-c",
            &format!("exit {status}"),
        ]));
        assert_eq!(out.status.code(), Some(status), "{}", out.stderr);
    }
    let missing = run(home.ssoenv(&emulator.url()).args([
        "exec",
        "--server",
        PROFILE,
        "--",
        "no-such-command-here",
    ]));
    assert_eq!(missing.status.code(), Some(127));

    // A signal sent to ssoenv reaches the command; ssoenv then dies of the same signal.
    for (signal, number) in [("TERM", 15), ("HUP", 1), ("INT", 2)] {
        let mut child = home
            .ssoenv(&emulator.url())
            .args(["exec", "--server", PROFILE, "--", "sleep", "300"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_child_named(child.id(), "sleep");
        let kill = Command::new("sh")
            .args(["-c", &format!("kill -{signal} {}", child.id())])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(number), "{signal}: {status:?}");
    }
}

/// Waits until process `parent` has a child called `name`.
fn wait_for_child_named(parent: u32, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let children = std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"))
            .unwrap_or_default();
        let found = children.split_whitespace().any(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .unwrap_or_default()
                .trim()
                == name
        });
        if found {
            return;
        }
        assert!(Instant::now() < deadline, "{name} did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_a_terminal_an_ended_session_is_an_error_botocore_shows_with_the_command_to_run() {
    if Botocore::available("credential_server::no_terminal").is_none() {
        return;
    }
    // Credentials of 17 s renewed below 16 s left: once the session is revoked, the renewal
    // fails, and after 3 s the held ones are too old to hand out instead.
    let emulator = start_emulator_with(|c| c.credential_lifetime = Duration::from_secs(17));
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let child = home
        .ssoenv(&emulator.url())
        .args([
            "exec",
            "--server",
            "--min-valid",
            "16s",
            PROFILE,
            "--",
            "sh",
            "-c",
        ])
        .arg(format!(
            "sleep 3; exec python3 {} once",
            script("container_credentials.py").display()
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The endpoint is up once the command runs; then the session ends.
    wait_for_child_named(child.id(), "sh");
    emulator.revoke_all_sessions();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = result["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{result}"));
    assert!(
        error.contains("401") && error.contains(&format!("ssoenv login {PROFILE}")),
        "botocore shows the status and the command to run: {error}"
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("ssoenv login {PROFILE}")),
        "ssoenv says it on stderr too (the Rust SDK shows only the status): {said}"
    );
    assert_eq!(
        emulator.request_count("Authorize"),
        0,
        "no sign-in without a terminal"
    );
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

/// What a raw exchange got back: the status, or `None` when the server closed the connection
/// without an answer.
fn status_of(address: SocketAddr, bytes: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // The server may close before it has read everything: a failed write is an answer too.
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn slow_and_hostile_local_clients_do_not_stop_the_endpoint() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let served = Served::start(&home, &emulator.url(), &[]);
    let (address, token) = (served.address(), served.token().to_string());

    // Idle connections and a slowloris head: the others are still served at once.
    let idle: Vec<TcpStream> = (0..150)
        .map(|_| TcpStream::connect(address).unwrap())
        .collect();
    let mut slow = TcpStream::connect(address).unwrap();
    slow.write_all(b"GET /credentials HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = Instant::now();
    assert_eq!(get(address, Some(&token)).0, 200);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The unfinished head is cut off after the header timeout (5 s), idle connections too.
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(12),
        "closed after {waited:?}"
    );
    assert!(!String::from_utf8_lossy(&rest).contains(" 200 "));
    let mut first_idle = &idle[0];
    assert_eq!(
        first_idle.read(&mut [0u8; 64]).unwrap_or(0),
        0,
        "idle ones are closed"
    );
    drop(idle);

    // A head too large, or with too many headers: refused, never read whole.
    let huge = format!(
        "GET /credentials HTTP/1.1\r\nAuthorization: {token}\r\nX-Junk: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert_ne!(status_of(address, huge.as_bytes()), Some(200));
    let many: String = (0..100).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /credentials HTTP/1.1\r\nAuthorization: {token}\r\n{many}\r\n");
    assert_ne!(status_of(address, many.as_bytes()), Some(200));
    assert_eq!(
        status_of(address, b"\x16\x03\x01garbage\r\n\r\n"),
        Some(400)
    );

    // A flood of requests with wrong tokens from several threads: every one refused.
    let refused: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|n| {
                scope.spawn(move || {
                    (0..150)
                        .filter(|i| get(address, Some(&format!("guess-{n}-{i}"))).0 == 403)
                        .count()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(refused, 8 * 150);

    // More connections than it serves at once: the rest wait their turn, and a real client
    // gets through once idle ones time out.
    let crowd: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(address).unwrap())
        .collect();
    let started = Instant::now();
    assert_eq!(get(address, Some(&token)).0, 200);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    drop(crowd);

    assert_eq!(get(address, Some(&token)).0, 200);
    let rss = rss_kib(served.child.id());
    assert!(
        rss < 64 * 1024,
        "the endpoint holds {rss} KiB after all that"
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
}

#[test]
fn debug_traces_requests_without_the_token_or_the_credentials() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let served = Served::start(&home, &emulator.url(), &["--debug"]);
    let (status, body) = get(served.address(), Some(served.token()));
    assert_eq!(status, 200);
    assert_eq!(get(served.address(), Some("wrong-token-value")).0, 403);
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = served.token().to_string();
    let said = served.stop();
    assert!(
        said.contains("credential endpoint: GET /credentials → 200") && said.contains("→ 403"),
        "{said}"
    );
    for secret in [
        token.as_str(),
        document["SecretAccessKey"].as_str().unwrap(),
        document["Token"].as_str().unwrap(),
    ] {
        assert!(!said.contains(secret), "a secret in the trace: {said}");
    }
}

/// The Rust SDK client built from examples/sdk_chain_probe.rs, next to this test binary's
/// folder (`cargo test` builds the examples; `cargo build --example sdk_chain_probe` alone).
fn rust_sdk_probe() -> Option<PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let probe = deps.parent()?.join("examples/sdk_chain_probe");
    probe.exists().then_some(probe)
}

/// node with the JS SDK installed in tests/js (scripts/install-test-deps).
fn js_sdk() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    let installed = dir.join("node_modules/@aws-sdk/client-sts").exists();
    let node = crate::support::shells::find_program("node");
    (installed && node.is_some()).then(|| dir.join("sts_loop.mjs"))
}

/// Skips (or, in CI, fails) a test whose client is missing.
fn required(what: &str, found: Option<PathBuf>, test: &str) -> Option<PathBuf> {
    if found.is_none() {
        assert!(
            std::env::var_os("SSOENV_REQUIRE_BOTOCORE").is_none(),
            "{test}: {what} is missing (and SSOENV_REQUIRE_BOTOCORE is set)"
        );
        eprintln!("SKIPPED {test}: {what} is missing");
    }
    found
}

/// The few-minutes proof: four SDK clients of three SDKs, each calling STS every second for
/// 150 s with role credentials that last 60 s and are renewed when 30 s are left, all keep
/// working, and the emulator sees one GetRoleCredentials per renewal, not one per client.
#[test]
fn sdk_children_keep_working_across_expiries_with_one_fetch_per_renewal() {
    const TEST: &str = "credential_server::sdk_children";
    const SECONDS: u64 = 150;
    if Botocore::available(TEST).is_none() {
        return;
    }
    let Some(js) = required("node with tests/js/node_modules", js_sdk(), TEST) else {
        return;
    };
    let Some(probe) = required("the sdk_chain_probe example", rust_sdk_probe(), TEST) else {
        return;
    };
    let emulator = start_emulator_with(|c| c.credential_lifetime = Duration::from_secs(60));
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let python = script("container_credentials.py");
    let children = format!(
        "python3 '{py}' loop {SECONDS} > py1.json & python3 '{py}' loop {SECONDS} > py2.json & \
         node '{js}' {SECONDS} > js.json & '{rust}' {SECONDS} > rust.json & wait",
        py = python.display(),
        js = js.display(),
        rust = probe.display(),
    );
    let out = run(home
        .ssoenv(&emulator.url())
        .args([
            "exec",
            "--server",
            "--min-valid",
            "30s",
            PROFILE,
            "--",
            "sh",
            "-c",
        ])
        .arg(&children));
    assert!(out.status.success(), "{}", out.stderr);
    let mut distinct_keys = std::collections::BTreeSet::new();
    for file in ["py1.json", "py2.json", "js.json", "rust.json"] {
        let text = std::fs::read_to_string(home.path().join(file)).unwrap();
        let result: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}: {text}"));
        assert_eq!(result["errors"], serde_json::json!([]), "{file}: {result}");
        assert!(
            result["calls"].as_u64().unwrap() >= SECONDS / 2,
            "{file}: {result}"
        );
        let keys = result["keys"].as_array().unwrap();
        assert!(keys.len() >= 4, "{file} saw several renewals: {result}");
        for key in keys {
            let key = key.as_str().unwrap();
            assert_eq!(
                emulator.credentials_owner(key),
                Some((ACCOUNT.to_string(), ROLE.to_string()))
            );
            distinct_keys.insert(key.to_string());
        }
    }
    let fetches = emulator.request_count("GetRoleCredentials");
    assert!(
        (4..=SECONDS / 30 + 2).contains(&fetches),
        "one fetch per renewal (every 30 s), whatever the number of clients: {fetches}"
    );
    // Each fetch's keys reached the clients, but for perhaps the last one, fetched as they ended.
    let used = distinct_keys.len() as u64;
    assert!(
        used <= fetches && used + 1 >= fetches,
        "the clients used {used} keys of {fetches} fetches"
    );
}

/// The SSO session is revoked while the command runs: the endpoint signs in again on the
/// terminal (once), serving the credentials it holds meanwhile, and the client never fails.
#[test]
fn a_session_revoked_mid_run_signs_in_once_on_the_terminal_and_the_child_never_fails() {
    if Botocore::available("credential_server::revoked").is_none() {
        return;
    }
    let emulator = start_emulator_with(|c| c.credential_lifetime = Duration::from_secs(40));
    let home = TestHome::new();
    home.seed_token(&emulator, 3600);
    let child = format!(
        "echo CHILD-STARTED >&2; python3 '{}' loop 45; echo CHILD-DONE >&2",
        script("container_credentials.py").display()
    );
    let mut terminal = Terminal::spawn(
        home.ssoenv(&emulator.url())
            .args([
                "exec",
                "--server",
                "--min-valid",
                "20s",
                PROFILE,
                "--",
                "sh",
                "-c",
            ])
            .arg(&child)
            .env("BROWSER", CURL_BROWSER),
        Attach::Stderr,
    );
    terminal.expect("CHILD-STARTED");
    emulator.revoke_all_sessions();
    terminal.expect_within("CHILD-DONE", Duration::from_secs(90));
    let finished = terminal.finish();
    assert_eq!(finished.code, Some(0), "{}", finished.screen);
    let result: serde_json::Value = serde_json::from_str(&finished.stdout).unwrap();
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
    assert!(result["keys"].as_array().unwrap().len() >= 2, "{result}");
    assert_eq!(
        emulator.request_count("Authorize"),
        1,
        "one sign-in: {}",
        finished.screen
    );
}
