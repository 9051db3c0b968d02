//! How every AWS call is made: on a small current-thread runtime, with one time limit and retry
//! policy, one `--debug` trace, and one reading of its failure.
//!
//! Every SDK client of the layer (OIDC, portal, STS) is configured by [`sdk_config!`] and every
//! call goes through [`Runtime::call`], so a timeout, a retry or a trace line cannot differ
//! between services: that is what keeps `ssoenv --debug` on a role chain as readable as on an SSO
//! profile, and `SSOENV_HTTP_TIMEOUT` honoured by every call.

use std::future::Future;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

// The smithy types below are the same in every SDK crate (each re-exports them); they are named
// through the SSO crate only because one path is needed.
use aws_sdk_sso::config::http::HttpResponse;
use aws_sdk_sso::config::retry::RetryConfig;
use aws_sdk_sso::config::timeout::TimeoutConfig;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};

use super::error::{CallFailure, FromCallFailure};

/// How long one HTTP attempt may take before it is abandoned (and retried). `SSOENV_HTTP_TIMEOUT`
/// (e.g. `5s`) overrides it for slow links or for tests.
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The SDK's standard retry mode: throttling (429) and 5xx are retried with jittered back-off.
const MAX_ATTEMPTS: u32 = 3;

/// `SSOENV_HTTP_TIMEOUT` (e.g. `5s`), else [`DEFAULT_ATTEMPT_TIMEOUT`].
pub(super) fn attempt_timeout_from_env() -> Duration {
    Some(crate::duration::from_env(
        "SSOENV_HTTP_TIMEOUT",
        DEFAULT_ATTEMPT_TIMEOUT,
    ))
    .filter(|d| !d.is_zero())
    .unwrap_or(DEFAULT_ATTEMPT_TIMEOUT)
}

/// The SDK's timeouts for one attempt time limit: connecting gets at most 5 s, the whole call
/// (every attempt and the back-off between them) four times the attempt's limit.
fn timeouts_for(attempt_timeout: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(attempt_timeout.min(Duration::from_secs(5)))
        .operation_attempt_timeout(attempt_timeout)
        .operation_timeout(attempt_timeout * (MAX_ATTEMPTS + 1))
        .build()
}

/// The runtime the calls of one client run on, with the settings every SDK client of that client
/// is built from, reading failures as that client's error type `Failure`. Built only once a call
/// is needed: the fast path never starts one.
pub(super) struct Runtime<Failure> {
    tokio: tokio::runtime::Runtime,
    /// The region the SDK clients are configured for (it also picks their default endpoints).
    pub(super) region: String,
    pub(super) timeouts: TimeoutConfig,
    pub(super) retries: RetryConfig,
    failure: PhantomData<fn() -> Failure>,
}

impl<Failure: FromCallFailure> Runtime<Failure> {
    /// A current-thread runtime (ssoenv makes its calls one after another, or a bounded batch at
    /// a time on the same thread) for calls to `region` with `attempt_timeout` per attempt.
    pub(super) fn new(region: &str, attempt_timeout: Duration) -> std::io::Result<Self> {
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Runtime {
            tokio,
            region: region.to_string(),
            timeouts: timeouts_for(attempt_timeout),
            retries: RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS),
            failure: PhantomData,
        })
    }

    /// Drives `future` (a batch of [`Runtime::call`]s) to completion.
    pub(super) fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.tokio.block_on(future)
    }

    /// [`Runtime::call`], to completion.
    pub(super) fn send<T, E>(
        &self,
        operation: &'static str,
        endpoint: &str,
        call: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, Failure>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.block_on(self.call(operation, endpoint, call))
    }

    /// Runs one SDK operation, reading its failure into the service's error type and tracing the
    /// call and its outcome under `--debug` (each attempt is traced by the interceptor every
    /// client carries). `endpoint` names where the call went, for the trace and messages.
    pub(super) async fn call<T, E>(
        &self,
        operation: &'static str,
        endpoint: &str,
        call: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, Failure>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        crate::debug!("{operation} → {endpoint}");
        let started = Instant::now();
        let outcome = call.await.map_err(|error| {
            Failure::from_call_failure(operation, CallFailure::of(operation, endpoint, error))
        });
        let elapsed = started.elapsed().as_millis();
        match &outcome {
            Ok(_) => crate::debug!("{operation} succeeded in {elapsed} ms"),
            Err(error) => crate::debug!("{operation} failed after {elapsed} ms: {error}"),
        }
        outcome
    }
}

/// The config builder of one SDK crate (`$sdk` is `aws_sdk_sso`, `aws_sdk_ssooidc` or
/// `aws_sdk_sts`) with the [`Runtime`]'s region, timeouts and retries, the `--debug` attempt
/// trace, and `$endpoint` (an `Option<String>`; `None` leaves the regional default to the SDK).
/// A macro because each SDK crate generates its own builder type, with the same methods but no
/// trait in common.
macro_rules! sdk_config {
    ($sdk:ident, $runtime:expr, $endpoint:expr) => {{
        let mut builder = $sdk::Config::builder()
            .behavior_version($sdk::config::BehaviorVersion::latest())
            .region($sdk::config::Region::new($runtime.region.clone()))
            .timeout_config($runtime.timeouts.clone())
            .retry_config($runtime.retries.clone())
            .interceptor($crate::aws::trace::AttemptTrace::default());
        builder.set_endpoint_url($endpoint);
        builder
    }};
}
pub(super) use sdk_config;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_call_may_take_four_attempts_worth() {
        let timeouts = timeouts_for(Duration::from_secs(3));
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(Duration::from_secs(3))
        );
        assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(12)));
        assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(3)));
        assert_eq!(
            timeouts_for(Duration::from_secs(30)).connect_timeout(),
            Some(Duration::from_secs(5))
        );
    }
}
