//! The SSO portal: a role's credentials, what the signed-in user may reach (accounts, and the
//! roles in each, fetched for many accounts at once), and ending the session.
//!
//! An organisation can give a user a thousand accounts, and the portal answers one account's roles
//! per request. One request at a time, at 50 ms each, that is most of a minute; with a bounded
//! number in flight on the client's (single-threaded) runtime it is a couple of seconds. The
//! service throttles (`TooManyRequestsException`): the SDK retries a throttled call a few times
//! itself; when it gives up, the call waits and tries again here, with a doubling, jittered delay,
//! and every other call holds back for that delay too, so that a throttled burst slows the whole
//! batch down instead of failing it.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use time::OffsetDateTime;
use tokio::time::Instant;

use super::{SsoClient, SsoError, TransportError};
use crate::role_credentials::RoleCredentials;
use crate::secret::Secret;

/// Calls in flight when the caller does not choose (`populate --concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 16;
/// How many times a call that is still throttled after the SDK's own retries is tried again.
const THROTTLED_RETRIES: u32 = 6;
const FIRST_THROTTLE_DELAY: Duration = Duration::from_millis(500);
const MAX_THROTTLE_DELAY: Duration = Duration::from_secs(20);
const THROTTLED: &str = "TooManyRequestsException";

/// An AWS account the signed-in user can reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInfo {
    pub account_id: String,
    pub account_name: String,
    pub email_address: String,
}

/// A role the user may take in an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleInfo {
    pub account_id: String,
    pub role_name: String,
}

impl SsoClient {
    /// `GetRoleCredentials`: the role's short-term credentials for the signed-in user.
    pub fn get_role_credentials(
        &self,
        access_token: &Secret,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, SsoError> {
        let call = self
            .portal
            .get_role_credentials()
            .access_token(access_token.expose())
            .account_id(account_id)
            .role_name(role_name)
            .send();
        let output = self
            .runtime
            .send("GetRoleCredentials", &self.portal_endpoint, call)?;
        let bad =
            |what: &str| TransportError::missing("GetRoleCredentials", &self.portal_endpoint, what);
        let credentials = output
            .role_credentials()
            .ok_or_else(|| bad("roleCredentials"))?;
        let credentials = RoleCredentials {
            access_key_id: credentials
                .access_key_id()
                .ok_or_else(|| bad("accessKeyId"))?
                .into(),
            secret_access_key: Secret::new(
                credentials
                    .secret_access_key()
                    .ok_or_else(|| bad("secretAccessKey"))?,
            ),
            session_token: Secret::new(
                credentials
                    .session_token()
                    .ok_or_else(|| bad("sessionToken"))?,
            ),
            expiration: OffsetDateTime::from_unix_timestamp_nanos(
                i128::from(credentials.expiration()) * 1_000_000,
            )
            .ok()
            .filter(|t| t.unix_timestamp() > 0)
            .ok_or_else(|| bad("valid expiration"))?,
            account_id: Some(account_id.to_string()),
        };
        credentials
            .check_carriable()
            .map_err(|detail| TransportError::BadResponse {
                operation: "GetRoleCredentials",
                endpoint: self.portal_endpoint.clone(),
                detail,
            })?;
        Ok(credentials)
    }

    /// `ListAccounts` asking for one account: the cheapest call that the service answers only
    /// for a live access token (`status --check`). Its answer is not needed, only its success.
    pub fn check_access_token(&self, access_token: &Secret) -> Result<(), SsoError> {
        let call = self
            .portal
            .list_accounts()
            .access_token(access_token.expose())
            .max_results(1)
            .send();
        self.runtime
            .send("ListAccounts", &self.portal_endpoint, call)
            .map(|_| ())
    }

    /// `ListAccounts`, every page; a throttled call fails once the SDK's retries are spent.
    pub fn list_accounts(&self, access_token: &Secret) -> Result<Vec<AccountInfo>, SsoError> {
        self.runtime
            .block_on(self.accounts(access_token, &Throttle::none()))
    }

    /// `ListAccounts`, every page (pages follow each other: each needs the previous one's token).
    /// Throttled calls back off and try again.
    pub fn list_all_accounts(&self, access_token: &Secret) -> Result<Vec<AccountInfo>, SsoError> {
        self.runtime
            .block_on(self.accounts(access_token, &Throttle::new()))
    }

    /// `ListAccountRoles`, every page.
    pub fn list_account_roles(
        &self,
        access_token: &Secret,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, SsoError> {
        self.runtime
            .block_on(self.account_roles(access_token, account_id))
    }

    /// The roles of every account in `account_ids`, in the same order, with at most
    /// `concurrency` requests in flight (at least one). `progress` is called with the number of
    /// accounts done so far after each one.
    pub fn list_roles_of_accounts(
        &self,
        access_token: &Secret,
        account_ids: &[String],
        concurrency: usize,
        progress: &dyn Fn(usize),
    ) -> Vec<Result<Vec<RoleInfo>, SsoError>> {
        let throttle = Throttle::new();
        let done = Cell::new(0usize);
        let calls = account_ids.iter().map(|account_id| {
            let throttle = &throttle;
            let done = &done;
            async move {
                let roles = throttle
                    .run(|| self.account_roles(access_token, account_id))
                    .await;
                done.set(done.get() + 1);
                progress(done.get());
                roles
            }
        });
        self.runtime.block_on(
            stream::iter(calls)
                .buffered(concurrency.max(1))
                .collect::<Vec<_>>(),
        )
    }

    /// `Logout`: ends the session the access token belongs to.
    pub fn logout(&self, access_token: &Secret) -> Result<(), SsoError> {
        let call = self
            .portal
            .logout()
            .access_token(access_token.expose())
            .send();
        self.runtime
            .send("Logout", &self.portal_endpoint, call)
            .map(|_| ())
    }

    /// `ListAccounts`, every page, each page's call run through `throttle`.
    async fn accounts(
        &self,
        access_token: &Secret,
        throttle: &Throttle,
    ) -> Result<Vec<AccountInfo>, SsoError> {
        let mut accounts = Vec::new();
        let mut next_token: Option<String> = None;
        let mut pages = Pages::new("ListAccounts");
        loop {
            let page = throttle
                .run(|| {
                    let call = self
                        .portal
                        .list_accounts()
                        .access_token(access_token.expose())
                        .max_results(100)
                        .set_next_token(next_token.clone())
                        .send();
                    self.runtime
                        .call("ListAccounts", &self.portal_endpoint, call)
                })
                .await?;
            accounts.extend(page.account_list().iter().map(|a| AccountInfo {
                account_id: a.account_id().unwrap_or_default().to_string(),
                account_name: a.account_name().unwrap_or_default().to_string(),
                email_address: a.email_address().unwrap_or_default().to_string(),
            }));
            match page.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(pages.next(token)?),
                _ => return Ok(accounts),
            }
        }
    }

    /// `ListAccountRoles` for one account, every page.
    async fn account_roles(
        &self,
        access_token: &Secret,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, SsoError> {
        let mut roles = Vec::new();
        let mut next_token: Option<String> = None;
        let mut pages = Pages::new("ListAccountRoles");
        loop {
            let call = self
                .portal
                .list_account_roles()
                .access_token(access_token.expose())
                .account_id(account_id)
                .max_results(100)
                .set_next_token(next_token.take())
                .send();
            let output = self
                .runtime
                .call("ListAccountRoles", &self.portal_endpoint, call)
                .await?;
            roles.extend(output.role_list().iter().map(|r| RoleInfo {
                account_id: r.account_id().unwrap_or(account_id).to_string(),
                role_name: r.role_name().unwrap_or_default().to_string(),
            }));
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(pages.next(token)?),
                _ => return Ok(roles),
            }
        }
    }
}

/// The most pages one listing may take: 100,000 accounts (or roles of one account) at 100 a
/// page, ten times the largest organization AWS allows.
const MAX_PAGES: u32 = 1_000;

/// Guards a paged listing against a service that never stops: a page token seen before, or more
/// than [`MAX_PAGES`] pages, ends it with [`SsoError::EndlessPages`].
struct Pages {
    operation: &'static str,
    seen: std::collections::HashSet<String>,
}

impl Pages {
    fn new(operation: &'static str) -> Pages {
        Pages {
            operation,
            seen: std::collections::HashSet::new(),
        }
    }

    /// The token to ask the next page with, if it is one the listing may go on with.
    fn next(&mut self, token: &str) -> Result<String, SsoError> {
        let pages = self.seen.len() as u32 + 1;
        let problem = if self.seen.contains(token) {
            "the service sent a page token it had sent before"
        } else if pages >= MAX_PAGES {
            "the service kept sending more pages"
        } else {
            self.seen.insert(token.to_string());
            return Ok(token.to_string());
        };
        Err(SsoError::EndlessPages {
            operation: self.operation,
            problem,
            pages,
        })
    }
}

/// Spreads the calls of one batch over time when the service throttles: the moment before which
/// no new call starts.
struct Throttle {
    resume_at: Cell<Option<Instant>>,
    first_delay: Duration,
    /// How many times a throttled call is tried again.
    retries: u32,
}

impl Throttle {
    fn new() -> Throttle {
        Throttle {
            resume_at: Cell::new(None),
            first_delay: FIRST_THROTTLE_DELAY,
            retries: THROTTLED_RETRIES,
        }
    }

    /// Runs each call once: a throttled call fails as the SDK left it.
    fn none() -> Throttle {
        Throttle {
            retries: 0,
            ..Throttle::new()
        }
    }

    async fn wait(&self) {
        while let Some(at) = self.resume_at.get() {
            if at <= Instant::now() {
                break;
            }
            tokio::time::sleep_until(at).await;
        }
    }

    fn hold_back(&self, delay: Duration) {
        let until = Instant::now() + delay;
        if self.resume_at.get().is_none_or(|at| at < until) {
            self.resume_at.set(Some(until));
        }
    }

    /// Runs `call`, trying again after a back-off while it is throttled.
    async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, SsoError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SsoError>>,
    {
        let mut delay = self.first_delay;
        let mut retries = 0;
        loop {
            self.wait().await;
            match call().await {
                Err(error) if error.code() == Some(THROTTLED) && retries < self.retries => {
                    retries += 1;
                    let pause = jittered(delay);
                    self.hold_back(pause);
                    delay = (delay * 2).min(MAX_THROTTLE_DELAY);
                }
                outcome => return outcome,
            }
        }
    }
}

/// Between half and all of `delay` ("equal jitter"), so that calls throttled together do not all
/// come back together.
fn jittered(delay: Duration) -> Duration {
    let fraction = f64::from(getrandom::u32().unwrap_or(u32::MAX / 2)) / f64::from(u32::MAX);
    delay.mul_f64(0.5 + fraction / 2.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_repeated_page_token_ends_the_listing() {
        let mut pages = super::Pages::new("ListAccounts");
        assert_eq!(pages.next("a").unwrap(), "a");
        assert_eq!(pages.next("b").unwrap(), "b");
        let error = pages.next("a").unwrap_err().to_string();
        assert_eq!(
            error,
            "ListAccounts: the service sent a page token it had sent before; stopped after 3 pages (the listing would never end)"
        );
    }

    #[test]
    fn a_listing_ends_after_the_most_pages_any_organization_has() {
        let mut pages = super::Pages::new("ListAccountRoles");
        let error = (0..)
            .find_map(|n| pages.next(&n.to_string()).err())
            .unwrap();
        assert!(
            error.to_string().contains("stopped after 1000 pages"),
            "{error}"
        );
    }

    use super::*;

    #[test]
    fn jitter_stays_between_half_and_all_of_the_delay() {
        for _ in 0..100 {
            let d = jittered(Duration::from_secs(2));
            assert!(
                d >= Duration::from_secs(1) && d <= Duration::from_secs(2),
                "{d:?}"
            );
        }
    }

    #[test]
    fn throttled_calls_are_tried_again_and_other_errors_are_not() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let throttle = Throttle {
            first_delay: Duration::from_millis(1),
            ..Throttle::new()
        };
        let calls = Cell::new(0);
        let service_error = |code: &str| SsoError::Service {
            operation: "ListAccountRoles",
            code: code.to_string(),
            message: String::new(),
            status: 429,
        };
        let outcome: Result<u32, SsoError> = runtime.block_on(throttle.run(|| {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move {
                if n < 3 {
                    Err(service_error(THROTTLED))
                } else {
                    Ok(n)
                }
            }
        }));
        assert_eq!(outcome.ok(), Some(3));

        calls.set(0);
        let outcome: Result<u32, SsoError> = runtime.block_on(throttle.run(|| {
            calls.set(calls.get() + 1);
            async { Err(service_error("InvalidRequestException")) }
        }));
        assert!(outcome.is_err());
        assert_eq!(calls.get(), 1);

        calls.set(0);
        let outcome: Result<u32, SsoError> = runtime.block_on(throttle.run(|| {
            calls.set(calls.get() + 1);
            async { Err(service_error(THROTTLED)) }
        }));
        assert!(outcome.is_err());
        assert_eq!(calls.get(), THROTTLED_RETRIES + 1);
    }
}
