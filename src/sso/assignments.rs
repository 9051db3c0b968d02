//! What the signed-in user may reach: accounts, and the roles in each, fetched for many accounts
//! at once.
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
use tokio::time::Instant;

use super::client::{AccountInfo, RoleInfo, SsoClient};
use super::error::SsoError;

/// Calls in flight when the caller does not choose (`populate --concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 16;
/// How many times a call that is still throttled after the SDK's own retries is tried again.
const THROTTLED_RETRIES: u32 = 6;
const FIRST_THROTTLE_DELAY: Duration = Duration::from_millis(500);
const MAX_THROTTLE_DELAY: Duration = Duration::from_secs(20);
const THROTTLED: &str = "TooManyRequestsException";

/// Spreads the calls of one batch over time when the service throttles: the moment before which
/// no new call starts.
struct Throttle {
    resume_at: Cell<Option<Instant>>,
    first_delay: Duration,
}

impl Throttle {
    fn new() -> Throttle {
        Throttle {
            resume_at: Cell::new(None),
            first_delay: FIRST_THROTTLE_DELAY,
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
                Err(error) if error.code() == Some(THROTTLED) && retries < THROTTLED_RETRIES => {
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

impl SsoClient {
    /// `ListAccounts`, every page (pages follow each other: each needs the previous one's token).
    /// Throttled calls back off and try again.
    pub fn list_all_accounts(&self, access_token: &str) -> Result<Vec<AccountInfo>, SsoError> {
        let throttle = Throttle::new();
        self.runtime.block_on(async {
            let mut accounts = Vec::new();
            let mut next_token: Option<String> = None;
            loop {
                let page = throttle
                    .run(|| async {
                        self.portal
                            .list_accounts()
                            .access_token(access_token)
                            .max_results(100)
                            .set_next_token(next_token.clone())
                            .send()
                            .await
                            .map_err(|e| {
                                SsoError::from_sdk("ListAccounts", &self.portal_endpoint, e)
                            })
                    })
                    .await?;
                accounts.extend(page.account_list().iter().map(|a| AccountInfo {
                    account_id: a.account_id().unwrap_or_default().to_string(),
                    account_name: a.account_name().unwrap_or_default().to_string(),
                    email_address: a.email_address().unwrap_or_default().to_string(),
                }));
                match page.next_token() {
                    Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                    _ => return Ok(accounts),
                }
            }
        })
    }

    /// The roles of every account in `account_ids`, in the same order, with at most
    /// `concurrency` requests in flight (at least one). `progress` is called with the number of
    /// accounts done so far after each one.
    pub fn list_roles_of_accounts(
        &self,
        access_token: &str,
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

    /// `ListAccountRoles` for one account, every page.
    pub(super) async fn account_roles(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, SsoError> {
        let mut roles = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let output = self
                .portal
                .list_account_roles()
                .access_token(access_token)
                .account_id(account_id)
                .max_results(100)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|e| SsoError::from_sdk("ListAccountRoles", &self.portal_endpoint, e))?;
            roles.extend(output.role_list().iter().map(|r| RoleInfo {
                account_id: r.account_id().unwrap_or(account_id).to_string(),
                role_name: r.role_name().unwrap_or_default().to_string(),
            }));
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => return Ok(roles),
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
