//! Under `--debug`: one trace line per HTTP attempt, so retries (and what each attempt got) show
//! in a bug report. Only the status, or the kind of transport failure, is logged: never a header,
//! a body or a URL query, which carry tokens.

use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_sso::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_sso::config::{ConfigBag, Intercept, RuntimeComponents};
/// What the SDK's interceptor hooks return on failure (ours never fail).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Counts and traces the attempts of the operation in flight (the client runs one at a time).
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
        _context: &aws_sdk_sso::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
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
            (None, Some(Err(error))) => {
                crate::debug!(
                    "  attempt {attempt}: no answer ({})",
                    transport_failure(error)
                );
            }
            _ => crate::debug!("  attempt {attempt}: no answer"),
        }
        Ok(())
    }
}

/// The innermost cause of a failed attempt ("Connection refused", "timed out"), which is what a
/// reader of the trace needs; the outer layers only say "dispatch failure".
fn transport_failure(error: &dyn std::error::Error) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
