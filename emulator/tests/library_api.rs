//! The Rust API of the emulator and the HTTP details clients rely on (persistent connections,
//! `Connection: close`, chunked bodies), checked with raw sockets so nothing hides a mistake.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use sso_emulator::{Emulator, EmulatorConfig, Failure, pkce_s256_challenge};

#[derive(Debug)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("response body is JSON")
    }
}

fn address(emulator: &Emulator) -> SocketAddr {
    emulator
        .url()
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .unwrap()
}

fn connect(emulator: &Emulator) -> (TcpStream, BufReader<TcpStream>) {
    let stream = TcpStream::connect(address(emulator)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let reader = BufReader::new(stream.try_clone().unwrap());
    (stream, reader)
}

fn request_text(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    text
}

/// Reads one response; `None` if the server closed the connection without answering.
fn read_response(reader: &mut BufReader<TcpStream>) -> Option<RawResponse> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line).ok()? == 0 {
        return None;
    }
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, value)| value.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(RawResponse {
        status,
        headers,
        body,
    })
}

/// One request on a fresh connection.
fn call(
    emulator: &Emulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> RawResponse {
    let (mut stream, mut reader) = connect(emulator);
    stream
        .write_all(request_text(method, path, headers, body).as_bytes())
        .unwrap();
    read_response(&mut reader).expect("a response")
}

fn post_json(emulator: &Emulator, path: &str, body: &Value) -> RawResponse {
    call(
        emulator,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
}

fn bearer_get(emulator: &Emulator, path: &str, token: &str) -> RawResponse {
    call(
        emulator,
        "GET",
        path,
        &[("x-amz-sso_bearer_token", token)],
        "",
    )
}

#[test]
fn a_persistent_connection_serves_several_requests() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let session = emulator.mint_session();
    let (mut stream, mut reader) = connect(&emulator);
    for _ in 0..3 {
        stream
            .write_all(
                request_text(
                    "GET",
                    "/assignment/accounts",
                    &[("x-amz-sso_bearer_token", &session.access_token)],
                    "",
                )
                .as_bytes(),
            )
            .unwrap();
        let response = read_response(&mut reader).expect("answered on the same connection");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Connection"), Some("keep-alive"));
        assert_eq!(response.json()["accountList"].as_array().unwrap().len(), 2);
    }
    assert_eq!(emulator.request_count("ListAccounts"), 3);
}

#[test]
fn connection_close_and_http_1_0_end_the_connection_after_the_answer() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    for raw in [
        "GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /_emulator/health HTTP/1.0\r\n\r\n",
    ] {
        let (mut stream, mut reader) = connect(&emulator);
        stream.write_all(raw.as_bytes()).unwrap();
        let response = read_response(&mut reader).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Connection"), Some("close"));
        let mut rest = Vec::new();
        assert_eq!(
            reader.read_to_end(&mut rest).unwrap(),
            0,
            "closed after the answer"
        );
    }
}

#[test]
fn chunked_bodies_and_expect_continue_are_accepted() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let body = r#"{"clientName":"chunky","clientType":"public"}"#;
    let (first, second) = body.split_at(10);
    let raw = format!(
        "POST /client/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
         Expect: 100-continue\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    );
    let (mut stream, mut reader) = connect(&emulator);
    stream.write_all(raw.as_bytes()).unwrap();
    assert_eq!(read_response(&mut reader).unwrap().status, 100);
    let response = read_response(&mut reader).unwrap();
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert!(response.json()["clientId"].as_str().is_some());
}

#[test]
fn dropping_the_emulator_stops_the_server_and_closes_open_connections() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let addr = address(&emulator);
    let (mut stream, mut reader) = connect(&emulator);
    stream
        .write_all(request_text("GET", "/_emulator/health", &[], "").as_bytes())
        .unwrap();
    assert_eq!(read_response(&mut reader).unwrap().status, 200);
    drop(emulator);
    let mut rest = Vec::new();
    assert_eq!(reader.read_to_end(&mut rest).unwrap_or(0), 0);
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens any more"
    );
}

#[test]
fn minted_sessions_get_credentials_whose_owner_is_known() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    assert_eq!(emulator.newest_role_credentials(), None);
    let session = emulator.mint_session();
    assert!(session.refresh_token.is_some());
    assert_eq!(session.expires_in, 8 * 3600);
    let response = bearer_get(
        &emulator,
        "/federation/credentials?role_name=FullAccess&account_id=123456789022",
        &session.access_token,
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Type"), Some("application/json"));
    let key = response.json()["roleCredentials"]["accessKeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        emulator.credentials_owner(&key),
        Some(("123456789022".to_owned(), "FullAccess".to_owned()))
    );
    assert_eq!(emulator.credentials_owner("ASIANOTISSUED0000000"), None);
    let newest = emulator.newest_role_credentials().expect("issued");
    assert_eq!(newest.access_key_id, key);
    assert_eq!(
        Some(newest.expiration_millis),
        response.json()["roleCredentials"]["expiration"].as_u64(),
        "the expiration sent"
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
    assert_eq!(emulator.request_counts()["RegisterClient"], 0);

    emulator.revoke_all_sessions();
    let response = bearer_get(
        &emulator,
        "/federation/credentials?role_name=FullAccess&account_id=123456789022",
        &session.access_token,
    );
    assert_eq!(response.status, 401);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("UnauthorizedException")
    );
    emulator.reset_counts();
    assert_eq!(emulator.request_count("GetRoleCredentials"), 0);
}

#[test]
fn injected_failures_through_the_rust_api() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let session = emulator.mint_session();
    emulator.inject_failure(Failure::close_connection("ListAccounts", 1));
    let (mut stream, mut reader) = connect(&emulator);
    stream
        .write_all(
            request_text(
                "GET",
                "/assignment/accounts",
                &[("x-amz-sso_bearer_token", &session.access_token)],
                "",
            )
            .as_bytes(),
        )
        .unwrap();
    assert!(
        read_response(&mut reader).is_none(),
        "dropped without an answer"
    );

    emulator.inject_failure(Failure::error(
        "CreateToken",
        500,
        "InternalServerException",
        1,
    ));
    let refresh = json!({
        "clientId": session.client_id, "clientSecret": session.client_secret,
        "grantType": "refresh_token", "refreshToken": session.refresh_token,
    });
    let response = post_json(&emulator, "/token", &refresh);
    assert_eq!(response.status, 500);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("InternalServerException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")
    );
    assert_eq!(response.json()["error"], "internal_server");

    emulator.inject_failure(Failure::error("*", 503, "ServiceUnavailable", 5));
    emulator.clear_failures();
    assert_eq!(post_json(&emulator, "/token", &refresh).status, 200);
}

#[test]
fn device_flow_approved_through_the_rust_api() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let registration = post_json(
        &emulator,
        "/client/register",
        &json!({"clientName": "rust", "clientType": "public"}),
    )
    .json();
    let device = post_json(
        &emulator,
        "/device_authorization",
        &json!({
            "clientId": registration["clientId"], "clientSecret": registration["clientSecret"],
            "startUrl": "https://example.awsapps.com/start",
        }),
    )
    .json();
    let user_code = device["userCode"].as_str().unwrap();
    assert_eq!(emulator.pending_user_codes(), vec![user_code.to_owned()]);
    assert!(!emulator.approve_device("NONE-NONE"));
    assert!(emulator.approve_device(&user_code.to_lowercase().replace('-', "")));
    let token = post_json(
        &emulator,
        "/token",
        &json!({
            "clientId": registration["clientId"], "clientSecret": registration["clientSecret"],
            "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            "deviceCode": device["deviceCode"],
        }),
    );
    assert_eq!(token.status, 200);
    assert_eq!(token.json()["tokenType"], "Bearer");
    assert!(emulator.pending_user_codes().is_empty());
}

#[test]
fn authorize_records_the_query_and_redirects_to_the_loopback_listener() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let session = emulator.mint_session();
    let challenge = pkce_s256_challenge(&"v".repeat(64));
    let path = format!(
        "/authorize?response_type=code&client_id={}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Foauth%2Fcallback\
         &state=abc&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={challenge}",
        session.client_id
    );
    let response = call(&emulator, "GET", &path, &[], "");
    assert_eq!(response.status, 302);
    let location = response.header("Location").unwrap();
    assert!(
        location.starts_with("http://127.0.0.1:9999/oauth/callback?code="),
        "{location}"
    );
    assert!(location.ends_with("&state=abc"), "{location}");
    let query = emulator.last_authorize_query().unwrap();
    assert_eq!(
        query["redirect_uri"],
        "http://127.0.0.1:9999/oauth/callback"
    );
    assert_eq!(query["scopes"], "sso:account:access");
    assert_eq!(emulator.request_count("Authorize"), 1);
}

#[test]
fn config_changes_apply_while_running() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    emulator.update_config(|config| {
        config.accounts = EmulatorConfig::with_generated_accounts(45, &["Admin"]).accounts;
        config.token_lifetime = Duration::from_secs(60);
    });
    let session = emulator.mint_session();
    assert_eq!(session.expires_in, 60);
    let page = bearer_get(
        &emulator,
        "/assignment/accounts?max_result=40",
        &session.access_token,
    )
    .json();
    assert_eq!(page["accountList"].as_array().unwrap().len(), 40);
    let next = page["nextToken"].as_str().unwrap();
    let rest = bearer_get(
        &emulator,
        &format!("/assignment/accounts?max_result=40&next_token={next}"),
        &session.access_token,
    )
    .json();
    assert_eq!(rest["accountList"].as_array().unwrap().len(), 5);
    assert!(rest.get("nextToken").is_none());
    assert_eq!(emulator.config().token_lifetime, Duration::from_secs(60));
}

#[test]
fn the_binary_prints_only_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sso-emulator"))
        .args(["--accounts", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    let url = url.trim_end().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    let mut stream = TcpStream::connect(url.strip_prefix("http://").unwrap()).unwrap();
    stream
        .write_all(b"POST /_emulator/mint-session HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    let mut reader = BufReader::new(stream);
    let session = read_response(&mut reader).unwrap().json();
    assert!(session["accessToken"].as_str().is_some());
    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "nothing but the URL on stdout");
}

#[test]
fn the_binary_rejects_bad_options_on_stderr() {
    let output = Command::new(env!("CARGO_BIN_EXE_sso-emulator"))
        .args(["--latency", "soon"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--latency") && stderr.contains("soon"),
        "{stderr}"
    );

    let help = Command::new(env!("CARGO_BIN_EXE_sso-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--device-approve-after"));
}

#[test]
fn the_emulator_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Emulator>();
}

#[test]
fn the_federation_endpoint_signs_issued_credentials_in_to_the_console_once() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let session = emulator.mint_session();
    let credentials = bearer_get(
        &emulator,
        "/federation/credentials?role_name=FullAccess&account_id=123456789022",
        &session.access_token,
    )
    .json()["roleCredentials"]
        .clone();
    let session_parameter = serde_json::json!({
        "sessionId": credentials["accessKeyId"],
        "sessionKey": credentials["secretAccessKey"],
        "sessionToken": credentials["sessionToken"],
    })
    .to_string();
    let encoded: String = form_urlencoded::byte_serialize(session_parameter.as_bytes()).collect();
    let answer = call(
        &emulator,
        "GET",
        &format!("/federation?Action=getSigninToken&Session={encoded}"),
        &[],
        "",
    );
    assert_eq!(answer.status, 200);
    let token = answer.json()["SigninToken"].as_str().unwrap().to_owned();

    let destination = format!("{}/console/s3/home", emulator.url());
    let login_path = format!(
        "/federation?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("Action", "login")
            .append_pair("Destination", &destination)
            .append_pair("SigninToken", &token)
            .finish()
    );
    let login = call(&emulator, "GET", &login_path, &[], "");
    assert_eq!(login.status, 302);
    assert_eq!(login.header("Location"), Some(destination.as_str()));
    assert_eq!(call(&emulator, "GET", &login_path, &[], "").status, 400);

    let logins = call(&emulator, "GET", "/_emulator/console-logins", &[], "").json();
    assert_eq!(logins["logins"][0]["accountId"], "123456789022");
    assert_eq!(logins["logins"][0]["roleName"], "FullAccess");
    assert_eq!(logins["logins"][0]["destination"], destination.as_str());
    assert_eq!(logins["refused"], 1);
    assert_eq!(emulator.request_count("ConsoleLogin"), 2);
}
