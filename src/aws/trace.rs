//! Under `--debug`: one trace line per HTTP attempt of every AWS call (SSO, OIDC and STS alike),
//! so retries, and what each attempt got, show in a bug report. Only the status, or the kind of
//! transport failure, is logged: never a header, a body or a URL query, which carry tokens,
//! signatures and credentials.

use std::sync::atomic::{AtomicU32, Ordering};

// The interceptor trait and its context types are the same in every SDK crate (each re-exports
// them), so one interceptor serves the clients of all three.
use aws_sdk_sso::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_sdk_sso::config::{ConfigBag, Intercept, RuntimeComponents};

use super::error::innermost_cause;

/// What the SDK's interceptor hooks return on failure (ours never fail).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Counts and traces the attempts of the operation in flight. Every SDK client gets its own
/// (see [`super::runtime::sdk_config!`]); the count is only exact while a client runs one
/// operation at a time, which all do except the portal's batched role listing.
#[derive(Debug, Default)]
pub(super) struct AttemptTrace {
    attempt: AtomicU32,
}

impl Intercept for AttemptTrace {
    fn name(&self) -> &'static str {
        "ssoenv::AttemptTrace"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.attempt.store(0, Ordering::Relaxed);
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.attempt.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = self.attempt.load(Ordering::Relaxed);
        match (context.response(), context.output_or_error()) {
            (Some(response), _) => {
                crate::debug!("  attempt {attempt}: HTTP {}", response.status().as_u16());
            }
            // The innermost cause ("Connection refused", "timed out") is what a reader of the
            // trace needs; the outer layers only say "dispatch failure".
            (None, Some(Err(error))) => {
                crate::debug!(
                    "  attempt {attempt}: no answer ({})",
                    innermost_cause(error)
                );
            }
            _ => crate::debug!("  attempt {attempt}: no answer"),
        }
        Ok(())
    }
}
