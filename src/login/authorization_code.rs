//! The authorization code flow with PKCE, the AWS CLI v2's default for sso-session profiles:
//! listen on loopback, send the browser to `/authorize`, take the code from the redirect, and
//! exchange it with the verifier only this process knows.

use std::ops::ControlFlow;
use std::process::Child;
use std::time::{Duration, Instant};

use super::callback::CallbackListener;
use super::pkce::{PkceSecrets, authorize_url};
use super::progress::Spinner;
use super::{LoginError, browser};
use crate::sso::{RegisteredClient, SsoClient, TokenGrant};

/// A browser command that exits with an error this soon did not open the page.
const BROWSER_FAILURE_WINDOW: Duration = Duration::from_secs(5);

pub fn sign_in_with_authorization_code(
    client: &SsoClient,
    registration: &RegisteredClient,
    scopes: &[String],
    open_browser: bool,
    deadline: Instant,
) -> Result<TokenGrant, LoginError> {
    // Bind first: the redirect must find the listener however fast the browser is.
    let listener = CallbackListener::bind(0).map_err(LoginError::Listener)?;
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
    if open_browser {
        eprintln!(
            "Opening the sign-in page in your browser. If it does not open, open this address:\n\n  {url}\n"
        );
        browser_process = Some(browser::open(&url).map_err(LoginError::BrowserFailed)?);
    } else {
        eprintln!("Open this address in a browser on this machine to sign in:\n\n  {url}\n");
    }

    let started = Instant::now();
    let mut spinner = Spinner::new("Waiting for the sign-in in the browser…");
    let code = listener.wait_for_code(&secrets.state, deadline, || {
        spinner.tick();
        browser_failed(&mut browser_process, started)
    })?;
    spinner.clear();
    Ok(client.create_token_with_code(registration, &code, &redirect_uri, &secrets.verifier)?)
}

/// Notices a browser command that gave up at once (`xdg-open` with no browser installed), so the
/// caller can switch to the device code flow instead of waiting ten minutes.
fn browser_failed(process: &mut Option<Child>, started: Instant) -> ControlFlow<LoginError> {
    let Some(child) = process else {
        return ControlFlow::Continue(());
    };
    match child.try_wait() {
        Ok(Some(status)) if !status.success() && started.elapsed() < BROWSER_FAILURE_WINDOW => {
            ControlFlow::Break(LoginError::BrowserFailed(std::io::Error::other(format!(
                "the browser command exited with {status}"
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
