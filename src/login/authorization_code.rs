//! The authorization code flow with PKCE, the AWS CLI v2's default for sso-session profiles:
//! listen on loopback, send the browser to `/authorize`, take the code from the redirect, and
//! exchange it with the verifier only this process knows.
//!
//! Over SSH the browser runs on another machine and cannot reach the loopback listener. Two ways
//! out, both keeping PKCE: a fixed port (`--redirect-port`, `sso_redirect_port`) that `ssh -L`
//! can forward, or paste-back (`--paste`): the user pastes the address the browser ended on.

use std::io::{BufRead, IsTerminal};
use std::ops::ControlFlow;
use std::process::Child;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::callback::{CallbackListener, outcome_of, parse_pasted_address};
use super::pkce::{PkceSecrets, authorize_url};
use super::progress::Spinner;
use super::{LoginError, SignInOptions, browser};
use crate::aws::{RegisteredClient, SsoClient, TokenGrant};
use crate::secret::Secret;

/// A browser command that exits with an error this soon did not open the page.
const BROWSER_FAILURE_WINDOW: Duration = Duration::from_secs(5);

pub fn sign_in_with_authorization_code(
    client: &SsoClient,
    registration: &RegisteredClient,
    scopes: &[String],
    options: &SignInOptions,
    deadline: Instant,
) -> Result<TokenGrant, LoginError> {
    // Bind first: the redirect must find the listener however fast the browser is.
    let listener =
        CallbackListener::bind(options.redirect_port.unwrap_or(0)).map_err(LoginError::Listener)?;
    let redirect_uri = listener.redirect_uri();
    let secrets = PkceSecrets::generate().map_err(LoginError::Random)?;
    let url = authorize_url(
        client.oidc_endpoint(),
        &registration.client_id,
        &redirect_uri,
        &secrets.state,
        &secrets.challenge(),
        scopes,
    );

    let mut browser_process: Option<Child> = None;
    let pasted = if options.paste_back {
        eprintln!(
            "Open this address in a browser on any machine and sign in:\n\n  {url}\n\n\
             The browser then tries to load a page at 127.0.0.1, which fails on another machine.\n\
             Copy that page's address from the address bar and paste it here, then press Enter:"
        );
        Some(read_lines_from_terminal())
    } else if options.open_browser {
        eprintln!(
            "Opening the sign-in page in your browser. If it does not open, open this address:\n\n  {url}\n"
        );
        browser_process = Some(browser::open(&url).map_err(LoginError::BrowserFailed)?);
        None
    } else {
        eprintln!("Open this address in a browser on this machine to sign in:\n\n  {url}\n");
        None
    };

    let started = Instant::now();
    // The spinner would overwrite what the user types.
    let mut spinner = Spinner::new("Waiting for the sign-in in the browser…");
    let code = listener.wait_for_code(&secrets.state, deadline, || {
        if let Some(lines) = &pasted {
            return pasted_outcome(lines, &secrets.state);
        }
        spinner.tick();
        browser_failed(&mut browser_process, started)
    })?;
    spinner.clear();
    crate::debug!("sign-in: the browser brought back an authorization code");
    Ok(client.create_token_with_code(registration, &code, &redirect_uri, &secrets.verifier)?)
}

/// Lines the user types, read on a thread so the listener keeps serving meanwhile: from stdin
/// when it is the terminal, else from `/dev/tty` (stdin may be a pipe under `eval "$(…)"`).
fn read_lines_from_terminal() -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let reader: Box<dyn BufRead> = if std::io::stdin().is_terminal() {
            Box::new(std::io::stdin().lock())
        } else {
            match std::fs::File::open("/dev/tty") {
                Ok(tty) => Box::new(std::io::BufReader::new(tty)),
                Err(_) => Box::new(std::io::stdin().lock()),
            }
        };
        for line in reader.lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// A pasted address with this sign-in's `state` ends the wait; anything else is explained and
/// the user may paste again.
fn pasted_outcome(
    lines: &Receiver<String>,
    expected_state: &str,
) -> ControlFlow<Result<Secret, LoginError>> {
    let Ok(line) = lines.try_recv() else {
        return ControlFlow::Continue(());
    };
    if line.trim().is_empty() {
        return ControlFlow::Continue(());
    }
    match outcome_of(parse_pasted_address(&line), expected_state) {
        Some(outcome) => ControlFlow::Break(outcome),
        None => {
            eprintln!(
                "That is not the address of this sign-in (it needs /oauth/callback?code=…&state=…). Paste it again:"
            );
            ControlFlow::Continue(())
        }
    }
}

/// Notices a browser command that gave up at once (`xdg-open` with no browser installed), so the
/// caller can switch to the device code flow instead of waiting ten minutes.
fn browser_failed(
    process: &mut Option<Child>,
    started: Instant,
) -> ControlFlow<Result<Secret, LoginError>> {
    let Some(child) = process else {
        return ControlFlow::Continue(());
    };
    match child.try_wait() {
        Ok(Some(status)) if !status.success() && started.elapsed() < BROWSER_FAILURE_WINDOW => {
            ControlFlow::Break(Err(LoginError::BrowserFailed(std::io::Error::other(
                format!("the browser command exited with {status}"),
            ))))
        }
        // Exited (reaped now, so no zombie) or still running: keep waiting for the callback.
        Ok(Some(_)) => {
            *process = None;
            ControlFlow::Continue(())
        }
        _ => ControlFlow::Continue(()),
    }
}
