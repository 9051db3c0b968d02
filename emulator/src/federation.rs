//! The console's federation endpoint and a console stand-in, as `ssoenv console` and a browser
//! use them:
//!
//! - `GET /federation?Action=getSigninToken&Session={"sessionId","sessionKey","sessionToken"}`:
//!   the three parts must be role credentials the emulator issued (GetRoleCredentials or
//!   AssumeRole), all three matching and unexpired; answers `{"SigninToken": …}`, a token valid
//!   once for 15 minutes. `SessionDuration` is refused: every key the emulator issues is a role
//!   session's, for which the real endpoint does not allow it.
//! - `GET /federation?Action=login&Issuer=…&Destination=…&SigninToken=…`: accepts a token once,
//!   records the login (account, role, destination; see [`ConsoleLogin`]), sets the console
//!   stand-in's session cookie and redirects (302) to `Destination`. A token used again, unknown
//!   or expired gets a 400 page.
//! - `GET /oauth?Action=logout&redirect_uri=…`: the console sign-out: the session cookie is
//!   cleared and the browser redirected to `redirect_uri` when it points at the emulator.
//! - `GET /console/…`: the console stand-in, an HTML page naming the account and role of the
//!   browser's console session (its cookie), or a 401 page without one.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::http::{Request, Response};
use crate::ids;
use crate::state::{State, deadline};
use crate::wire::xml_escape;

/// How long a sign-in token may wait for its login, as the real endpoint's 15 minutes.
const SIGNIN_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// The console stand-in's session cookie.
const SESSION_COOKIE: &str = "emulator-console-session";

/// One successful `Action=login`: who signed in to the console, and where the browser went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleLogin {
    pub account_id: String,
    pub role_name: String,
    /// The access key id the sign-in token was made from.
    pub access_key_id: String,
    pub destination: String,
    /// `None` when the login URL had no `Issuer`.
    pub issuer: Option<String>,
}

#[derive(Debug, Clone)]
struct SigninToken {
    login: ConsoleLogin,
    expires_at: Instant,
    used: bool,
}

/// What the federation endpoint and the console stand-in remember.
#[derive(Debug, Default)]
pub struct ConsoleState {
    tokens: HashMap<String, SigninToken>,
    /// Every successful login, oldest first.
    pub logins: Vec<ConsoleLogin>,
    /// Session cookie → index into `logins`.
    sessions: HashMap<String, usize>,
    /// Logins refused (token unknown, used again, expired).
    pub refused_logins: u64,
}

fn page(status: u16, title: &str, body: &str) -> Response {
    Response::html(
        status,
        &format!(
            "<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
        ),
    )
}

fn bad_request(message: &str) -> Response {
    Response::new(400)
        .with_header("Content-Type", "text/plain; charset=utf-8")
        .with_body(message.as_bytes().to_vec())
}

/// `GET /federation?Action=getSigninToken`.
pub fn get_signin_token(state: &mut State, request: &Request) -> Response {
    if request.query_param("SessionDuration").is_some() {
        return bad_request("SessionDuration is not allowed with role session credentials");
    }
    let Some(session) = request
        .query_param("Session")
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
    else {
        return bad_request("Session is missing or not JSON");
    };
    let part = |name: &str| session.get(name).and_then(serde_json::Value::as_str);
    let (Some(key_id), Some(secret), Some(token)) =
        (part("sessionId"), part("sessionKey"), part("sessionToken"))
    else {
        return bad_request("Session needs sessionId, sessionKey and sessionToken");
    };
    let Some(issued) = state.issued_keys.get(key_id) else {
        return bad_request("the credentials are not valid");
    };
    if issued.secret_access_key != secret || issued.session_token != token {
        return bad_request("the credentials are not valid");
    }
    if Instant::now() >= issued.expires_at {
        return bad_request("the credentials have expired");
    }
    let Some((account_id, role_name)) = owner_of(state, key_id) else {
        return bad_request("the credentials are not valid");
    };
    let signin_token = ids::signin_token();
    state.console.tokens.insert(
        signin_token.clone(),
        SigninToken {
            login: ConsoleLogin {
                account_id,
                role_name,
                access_key_id: key_id.to_owned(),
                destination: String::new(),
                issuer: None,
            },
            expires_at: deadline(SIGNIN_TOKEN_LIFETIME),
            used: false,
        },
    );
    Response::json(200, &serde_json::json!({ "SigninToken": signin_token }))
}

/// The account and role name behind an issued key: a permission set's role, or an assumed
/// role (`arn:aws:iam::ACCOUNT:role/PATH/NAME`).
fn owner_of(state: &State, key_id: &str) -> Option<(String, String)> {
    if let Some(owner) = state.role_credentials.get(key_id) {
        return Some((owner.account_id.clone(), owner.role_name.clone()));
    }
    let assumed = state.assumed_roles.get(key_id)?;
    let account = assumed.role_arn.split(':').nth(4)?.to_owned();
    let name = assumed.role_arn.rsplit('/').next()?.to_owned();
    Some((account, name))
}

/// `GET /federation?Action=login`.
pub fn login(state: &mut State, request: &Request) -> Response {
    let Some(destination) = request.query_param("Destination").filter(|d| !d.is_empty()) else {
        return page(400, "Sign-in failed", "<p>Destination is missing.</p>");
    };
    let record = request
        .query_param("SigninToken")
        .and_then(|token| state.console.tokens.get_mut(token))
        .filter(|record| !record.used && Instant::now() < record.expires_at);
    let Some(record) = record else {
        state.console.refused_logins += 1;
        return page(
            400,
            "Sign-in failed",
            "<p>The sign-in token is invalid, expired or already used.</p>",
        );
    };
    record.used = true;
    let mut login = record.login.clone();
    login.destination = destination.to_owned();
    login.issuer = request.query_param("Issuer").map(str::to_owned);
    state.console.logins.push(login);
    let cookie = ids::console_session();
    state
        .console
        .sessions
        .insert(cookie.clone(), state.console.logins.len() - 1);
    Response::new(302)
        .with_header("Location", destination)
        .with_header(
            "Set-Cookie",
            &format!("{SESSION_COOKIE}={cookie}; Path=/; HttpOnly"),
        )
}

/// `GET /oauth?Action=logout`.
pub fn logout(state: &mut State, request: &Request, base_url: &str) -> Response {
    if let Some(cookie) = session_cookie(request) {
        state.console.sessions.remove(cookie);
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; Max-Age=0");
    match request
        .query_param("redirect_uri")
        .filter(|uri| uri.starts_with(&format!("{base_url}/")))
    {
        Some(next) => Response::new(302)
            .with_header("Location", next)
            .with_header("Set-Cookie", &clear),
        None => page(
            200,
            "Signed out",
            "<p>You have signed out of the console.</p>",
        )
        .with_header("Set-Cookie", &clear),
    }
}

/// `GET /console/…`: the console stand-in.
pub fn console_page(state: &State, request: &Request) -> Response {
    let login = session_cookie(request)
        .and_then(|cookie| state.console.sessions.get(cookie))
        .and_then(|index| state.console.logins.get(*index));
    match login {
        Some(login) => page(
            200,
            "AWS Management Console (emulator)",
            &format!(
                "<p>Account: <span id=\"account\">{}</span></p><p>Role: <span id=\"role\">{}</span></p><p>Page: <span id=\"page\">{}</span></p>",
                xml_escape(&login.account_id),
                xml_escape(&login.role_name),
                xml_escape(&request.path),
            ),
        ),
        None => page(401, "Not signed in", "<p>No console session.</p>"),
    }
}

fn session_cookie(request: &Request) -> Option<&str> {
    request.header("cookie")?.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == SESSION_COOKIE).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;
    use crate::state::CredentialsOwner;

    fn get(path: &str, query: &[(&str, &str)], cookie: Option<&str>) -> Request {
        Request {
            method: "GET".to_owned(),
            path: path.to_owned(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers: cookie
                .map(|c| vec![("cookie".to_owned(), c.to_owned())])
                .unwrap_or_default(),
            body: Vec::new(),
        }
    }

    /// A state that issued role credentials `AKID`/`SECRET`/`TOKEN` for 111122223333/Admin.
    fn issued(lifetime: Duration) -> State {
        let mut state = State::new(EmulatorConfig::default());
        state.record_issued_key("AKID".into(), "SECRET".into(), "TOKEN".into(), lifetime);
        state.record_role_credentials(
            "AKID".into(),
            crate::state::epoch_millis_after(lifetime),
            CredentialsOwner {
                account_id: "111122223333".into(),
                role_name: "Admin".into(),
            },
        );
        state
    }

    fn session(secret: &str) -> String {
        serde_json::json!({"sessionId": "AKID", "sessionKey": secret, "sessionToken": "TOKEN"})
            .to_string()
    }

    fn token_of(response: &Response) -> String {
        let answer: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        answer["SigninToken"].as_str().unwrap().to_owned()
    }

    #[test]
    fn only_the_three_parts_of_unexpired_issued_credentials_get_a_token() {
        let mut state = issued(Duration::from_secs(3600));
        let ok = get_signin_token(
            &mut state,
            &get("/federation", &[("Session", &session("SECRET"))], None),
        );
        assert_eq!(ok.status, 200);
        assert!(token_of(&ok).len() > 100);

        let wrong_secret = get("/federation", &[("Session", &session("OTHER"))], None);
        assert_eq!(get_signin_token(&mut state, &wrong_secret).status, 400);
        let with_duration = get(
            "/federation",
            &[
                ("Session", &session("SECRET")),
                ("SessionDuration", "43200"),
            ],
            None,
        );
        assert_eq!(get_signin_token(&mut state, &with_duration).status, 400);
        assert_eq!(
            get_signin_token(&mut state, &get("/federation", &[], None)).status,
            400
        );

        let mut expired = issued(Duration::ZERO);
        let refused = get_signin_token(
            &mut expired,
            &get("/federation", &[("Session", &session("SECRET"))], None),
        );
        assert_eq!(refused.status, 400);
        assert_eq!(refused.body, b"the credentials have expired");
    }

    #[test]
    fn a_token_signs_in_once_and_the_console_names_the_role_until_sign_out() {
        let mut state = issued(Duration::from_secs(3600));
        let token = token_of(&get_signin_token(
            &mut state,
            &get("/federation", &[("Session", &session("SECRET"))], None),
        ));
        let login_request = get(
            "/federation",
            &[
                ("Action", "login"),
                ("Destination", "http://127.0.0.1:1/console/s3"),
                ("SigninToken", &token),
            ],
            None,
        );
        let first = login(&mut state, &login_request);
        assert_eq!(first.status, 302);
        assert_eq!(
            first.header("Location"),
            Some("http://127.0.0.1:1/console/s3")
        );
        assert_eq!(login(&mut state, &login_request).status, 400);
        assert_eq!(state.console.logins.len(), 1);
        assert_eq!(state.console.refused_logins, 1);
        assert_eq!(state.console.logins[0].role_name, "Admin");

        let cookie = first
            .header("Set-Cookie")
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_owned();
        let page = console_page(&state, &get("/console/s3", &[], Some(&cookie)));
        assert_eq!(page.status, 200);
        let html = String::from_utf8(page.body).unwrap();
        assert!(
            html.contains("<span id=\"account\">111122223333</span>"),
            "{html}"
        );
        assert_eq!(
            console_page(&state, &get("/console/s3", &[], None)).status,
            401
        );

        let out = logout(
            &mut state,
            &get(
                "/oauth",
                &[("redirect_uri", "https://elsewhere.example/")],
                Some(&cookie),
            ),
            "http://127.0.0.1:1",
        );
        assert_eq!(out.status, 200, "no redirect away from the emulator");
        assert_eq!(
            console_page(&state, &get("/console/s3", &[], Some(&cookie))).status,
            401
        );
    }
}
