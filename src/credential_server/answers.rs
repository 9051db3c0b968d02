//! What a request gets: the credentials the endpoint holds while they have more than `min_valid`
//! left, otherwise new ones from the [`CredentialSource`], fetched once however many requests
//! arrive meanwhile (single flight), and on a thread of their own, since the source blocks (it
//! reads files, calls AWS, may sign the user in on the terminal).
//!
//! While a fetch is under way, or after it failed, requests still get the credentials held as long
//! as those have more than [`STILL_USABLE`] left: a sign-in that takes the user a minute, or a
//! network blip, never reaches the SDK in the child as an error while the old credentials are good.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use time::OffsetDateTime;

use crate::secret::Secret;

/// Below this much time left, held credentials are no longer handed out while a fetch is under
/// way: the request waits for the fetch instead. The SDKs themselves treat credentials as expired
/// a few seconds early (the Rust SDK 10 s, botocore at 0 s), so less would be of no use.
pub const STILL_USABLE: Duration = Duration::from_secs(15);

/// Credentials as the endpoint serves them: the response body, and when they expire.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The container-credentials JSON document (it holds the secret key and session token).
    pub document: Secret,
    pub expiration: OffsetDateTime,
}

/// Why there are no credentials to serve, as the HTTP answer says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    /// A word for programs (`Code` in the JSON body, which the JS SDK attaches to its error).
    pub code: &'static str,
    /// A sentence for people (`Message`; botocore shows the whole body).
    pub message: String,
}

/// Where fresh credentials come from; `fetch` blocks.
pub trait CredentialSource: Send + Sync + 'static {
    fn fetch(&self) -> Result<Fetched, Refusal>;
}

type Fetch = Shared<BoxFuture<'static, Result<Fetched, Refusal>>>;

/// The credentials held, and the fetch under way if there is one.
#[derive(Default)]
struct Held {
    current: Option<Fetched>,
    in_flight: Option<Fetch>,
}

pub struct Answers {
    source: Arc<dyn CredentialSource>,
    min_valid: Duration,
    held: Mutex<Held>,
}

impl Answers {
    /// Answers from `source`, reusing credentials while they have more than `min_valid` left,
    /// starting with `initial` (what the command fetched before it started the endpoint).
    pub fn new(
        source: Arc<dyn CredentialSource>,
        min_valid: Duration,
        initial: Option<Fetched>,
    ) -> Answers {
        Answers {
            source,
            min_valid,
            held: Mutex::new(Held {
                current: initial,
                in_flight: None,
            }),
        }
    }

    /// The credentials for one request.
    pub async fn answer(&self) -> Result<Fetched, Refusal> {
        let (fetch, usable) = {
            let mut held = self.lock();
            let now = OffsetDateTime::now_utc();
            if let Some(current) = held
                .current
                .as_ref()
                .filter(|c| left(c, now) > self.min_valid)
            {
                return Ok(current.clone());
            }
            let fetch = held
                .in_flight
                .get_or_insert_with(|| self.start_fetch())
                .clone();
            let usable = held.current.clone().filter(|c| left(c, now) > STILL_USABLE);
            (fetch, usable)
        };
        if let Some(usable) = usable {
            // Take the fetch's result if it is already there; never wait for it.
            return match fetch.clone().now_or_never() {
                Some(result) => {
                    self.record(&fetch, &result);
                    Ok(result.unwrap_or(usable))
                }
                None => Ok(usable),
            };
        }
        let result = fetch.clone().await;
        self.record(&fetch, &result);
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps what `fetch` brought (once: the first request to see it finished) and clears it,
    /// so that the next request after a failure tries again.
    fn record(&self, fetch: &Fetch, result: &Result<Fetched, Refusal>) {
        let mut held = self.lock();
        if held.in_flight.as_ref().is_some_and(|f| f.ptr_eq(fetch)) {
            held.in_flight = None;
            if let Ok(fetched) = result {
                held.current = Some(fetched.clone());
            }
        }
    }

    fn start_fetch(&self) -> Fetch {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let source = Arc::clone(&self.source);
        let started = std::thread::Builder::new()
            .name("credential-fetch".into())
            .spawn(move || {
                let _ = sender.send(source.fetch());
            });
        async move {
            started.map_err(|error| internal(&error))?;
            receiver
                .await
                .unwrap_or_else(|_| Err(internal(&"the fetch stopped without an answer")))
        }
        .boxed()
        .shared()
    }
}

fn left(fetched: &Fetched, now: OffsetDateTime) -> Duration {
    (fetched.expiration - now)
        .try_into()
        .unwrap_or(Duration::ZERO)
}

fn internal(error: &dyn std::fmt::Display) -> Refusal {
    Refusal {
        status: 500,
        code: "InternalError",
        message: format!("ssoenv could not fetch credentials: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts fetches; each one takes `delay` and gives credentials that last `lifetime`, or
    /// fails while `failing` is set.
    struct Counting {
        fetches: AtomicUsize,
        delay: Duration,
        lifetime: Duration,
        failing: std::sync::atomic::AtomicBool,
    }

    impl Counting {
        fn new(delay: Duration, lifetime: Duration) -> Arc<Counting> {
            Arc::new(Counting {
                fetches: AtomicUsize::new(0),
                delay,
                lifetime,
                failing: false.into(),
            })
        }
    }

    impl CredentialSource for Counting {
        fn fetch(&self) -> Result<Fetched, Refusal> {
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            std::thread::sleep(self.delay);
            if self.failing.load(Ordering::SeqCst) {
                return Err(Refusal {
                    status: 401,
                    code: "SignInRequired",
                    message: "sign in".into(),
                });
            }
            Ok(Fetched {
                document: Secret::new(format!("fetch {n}")),
                expiration: OffsetDateTime::now_utc() + self.lifetime,
            })
        }
    }

    fn fetched(document: &str, left: Duration) -> Fetched {
        Fetched {
            document: Secret::new(document),
            expiration: OffsetDateTime::now_utc() + left,
        }
    }

    #[tokio::test]
    async fn many_requests_at_once_cause_one_fetch() {
        let source = Counting::new(Duration::from_millis(200), Duration::from_secs(3600));
        let answers = Answers::new(source.clone(), Duration::from_secs(60), None);
        let all = futures_util::future::join_all((0..50).map(|_| answers.answer())).await;
        assert_eq!(source.fetches.load(Ordering::SeqCst), 1);
        for answer in all {
            assert_eq!(answer.unwrap().document, "fetch 1");
        }
        // Later requests reuse them.
        assert_eq!(answers.answer().await.unwrap().document, "fetch 1");
        assert_eq!(source.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn credentials_below_min_valid_are_replaced() {
        let source = Counting::new(Duration::ZERO, Duration::from_secs(3600));
        let initial = fetched("initial", Duration::from_secs(5));
        let answers = Answers::new(source.clone(), Duration::from_secs(60), Some(initial));
        assert_eq!(answers.answer().await.unwrap().document, "fetch 1");
    }

    #[tokio::test]
    async fn usable_credentials_are_served_while_a_slow_fetch_runs() {
        let source = Counting::new(Duration::from_millis(300), Duration::from_secs(3600));
        let initial = fetched("old", Duration::from_secs(120));
        let answers = Answers::new(source.clone(), Duration::from_secs(600), Some(initial));
        assert_eq!(answers.answer().await.unwrap().document, "old");
        assert_eq!(answers.answer().await.unwrap().document, "old");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(answers.answer().await.unwrap().document, "fetch 1");
        assert_eq!(source.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failure_is_served_only_once_the_held_credentials_are_too_old() {
        let source = Counting::new(Duration::ZERO, Duration::from_secs(3600));
        source.failing.store(true, Ordering::SeqCst);
        let usable = Answers::new(
            source.clone(),
            Duration::from_secs(600),
            Some(fetched("old", Duration::from_secs(120))),
        );
        assert_eq!(usable.answer().await.unwrap().document, "old");
        let too_old = Answers::new(
            source.clone(),
            Duration::from_secs(600),
            Some(fetched("old", Duration::from_secs(5))),
        );
        let refusal = too_old.answer().await.unwrap_err();
        assert_eq!(refusal.code, "SignInRequired");
        // The next request tries again, and gets the credentials once the source has them.
        source.failing.store(false, Ordering::SeqCst);
        assert!(
            too_old
                .answer()
                .await
                .unwrap()
                .document
                .expose()
                .starts_with("fetch")
        );
    }
}
