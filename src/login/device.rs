//! The device authorization flow (RFC 8628) as the AWS CLI runs it: one immediate token request
//! (the pre-authorised case), then the URL and code for the user, then polling at the interval the
//! service asks for, slower when it says `slow_down`.

use std::time::{Duration, Instant};

use super::progress::Spinner;
use super::{LoginError, browser};
use crate::aws::{RegisteredClient, SsoClient, SsoError, TokenGrant};
use crate::secret::Secret;

/// RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds for the rest of the flow.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

pub fn sign_in_with_device_code(
    client: &SsoClient,
    registration: &RegisteredClient,
    start_url: &str,
    open_browser: bool,
    deadline: Instant,
) -> Result<TokenGrant, LoginError> {
    let authorization = client.start_device_authorization(registration, start_url)?;
    let code_deadline = deadline.min(Instant::now() + authorization.expires_in);
    let mut interval = authorization.interval;
    match poll_once(client, registration, &authorization.device_code)? {
        Poll::Done(grant) => return Ok(grant),
        Poll::Pending => {}
        Poll::SlowDown => interval += SLOW_DOWN_STEP,
    }

    let url = authorization
        .verification_uri_complete
        .as_deref()
        .unwrap_or(&authorization.verification_uri);
    eprintln!(
        "Confirm this code in a browser, on this or any other device:\n\n  {}\n  Code: {}\n",
        authorization.verification_uri, authorization.user_code
    );
    if authorization.verification_uri_complete.is_some() {
        eprintln!("Or open this address, which carries the code:\n\n  {url}\n");
    }
    if open_browser && let Err(error) = browser::open(url) {
        eprintln!("ssoenv: could not open a browser ({error}); open the address above yourself.");
    }

    let mut spinner = Spinner::new("Waiting for the code to be confirmed…");
    loop {
        sleep_with_spinner(interval, &mut spinner);
        if Instant::now() >= code_deadline {
            return Err(LoginError::CodeExpired);
        }
        match poll_once(client, registration, &authorization.device_code)? {
            Poll::Done(grant) => return Ok(grant),
            Poll::Pending => {}
            Poll::SlowDown => interval += SLOW_DOWN_STEP,
        }
    }
}

enum Poll {
    Done(TokenGrant),
    Pending,
    SlowDown,
}

fn poll_once(
    client: &SsoClient,
    registration: &RegisteredClient,
    device_code: &Secret,
) -> Result<Poll, LoginError> {
    match client.create_token_with_device_code(registration, device_code) {
        Ok(grant) => Ok(Poll::Done(grant)),
        Err(error) => match error.code() {
            Some("AuthorizationPendingException") => Ok(Poll::Pending),
            Some("SlowDownException") => Ok(Poll::SlowDown),
            Some("ExpiredTokenException") => Err(LoginError::CodeExpired),
            Some("AccessDeniedException") => Err(LoginError::Denied {
                error: "access_denied".into(),
                description: service_message(&error),
            }),
            _ => Err(error.into()),
        },
    }
}

fn service_message(error: &SsoError) -> String {
    match error {
        SsoError::Service { message, .. } | SsoError::SessionEnded { message, .. } => {
            message.clone()
        }
        other => other.to_string(),
    }
}

fn sleep_with_spinner(duration: Duration, spinner: &mut Spinner) {
    let until = Instant::now() + duration;
    while Instant::now() < until {
        spinner.tick();
        std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
    }
}
