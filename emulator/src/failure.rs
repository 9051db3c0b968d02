//! Injected failures: the next `count` calls of an operation answer with an error, a malformed
//! body, a delay or a dropped connection instead of (or before) the normal answer, so tests can
//! exercise a client's retry and error paths.

use std::time::Duration;

use serde::Deserialize;

/// One injected failure.
///
/// How a matching request is answered:
/// 1. wait `delay`, if any;
/// 2. if `close_connection`: drop the connection without answering;
/// 3. if `status` is 0: answer normally (a pure delay);
/// 4. otherwise answer `status` with `body` verbatim if given (e.g. malformed JSON, with a 200 to
///    break a success response), else the service's error shape for `error_code` (header
///    `x-amzn-ErrorType` and JSON body, see [`crate::wire`]), else an empty body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Operation name as in [`crate::Emulator::request_count`], or `*` for every operation.
    pub operation: String,
    pub status: u16,
    /// e.g. `InvalidGrantException`, `TooManyRequestsException`.
    pub error_code: Option<String>,
    pub body: Option<String>,
    pub delay: Option<Duration>,
    pub close_connection: bool,
    /// How many matching requests fail; then the operation is normal again.
    pub count: u32,
}

impl Failure {
    /// `count` times: answer `status` with the service's error shape for `error_code`.
    pub fn error(operation: &str, status: u16, error_code: &str, count: u32) -> Self {
        Failure {
            operation: operation.to_owned(),
            status,
            error_code: Some(error_code.to_owned()),
            body: None,
            delay: None,
            close_connection: false,
            count,
        }
    }

    /// `count` times: answer `status` with this raw body.
    pub fn raw_body(operation: &str, status: u16, body: &str, count: u32) -> Self {
        Failure {
            body: Some(body.to_owned()),
            error_code: None,
            ..Failure::error(operation, status, "", count)
        }
    }

    /// `count` times: wait, then answer normally.
    pub fn delay(operation: &str, delay: Duration, count: u32) -> Self {
        Failure {
            status: 0,
            error_code: None,
            delay: Some(delay),
            ..Failure::error(operation, 0, "", count)
        }
    }

    /// `count` times: drop the connection without answering.
    pub fn close_connection(operation: &str, count: u32) -> Self {
        Failure {
            status: 0,
            error_code: None,
            close_connection: true,
            ..Failure::error(operation, 0, "", count)
        }
    }

    fn matches(&self, operation: &str) -> bool {
        self.count > 0 && (self.operation == operation || self.operation == "*")
    }
}

/// The JSON form accepted by `POST /_emulator/fail`:
/// `{"operation": "CreateToken", "status": 400, "errorCode": "InvalidGrantException",
///   "body": null, "delayMs": 0, "closeConnection": false, "count": 1}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FailureSpec {
    pub operation: String,
    #[serde(default)]
    pub status: u16,
    pub error_code: Option<String>,
    pub body: Option<String>,
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub close_connection: bool,
    /// Default 1.
    pub count: Option<u32>,
}

impl From<FailureSpec> for Failure {
    fn from(spec: FailureSpec) -> Self {
        Failure {
            operation: spec.operation,
            status: spec.status,
            error_code: spec.error_code,
            body: spec.body,
            delay: spec.delay_ms.map(Duration::from_millis),
            close_connection: spec.close_connection,
            count: spec.count.unwrap_or(1),
        }
    }
}

/// Failures waiting to happen, first injected first used.
#[derive(Debug, Default)]
pub struct FailureQueue {
    failures: Vec<Failure>,
}

impl FailureQueue {
    pub fn push(&mut self, failure: Failure) {
        self.failures.push(failure);
    }

    pub fn clear(&mut self) {
        self.failures.clear();
    }

    /// The failure this call of `operation` suffers, if any, using up one of its count.
    pub fn take(&mut self, operation: &str) -> Option<Failure> {
        let index = self.failures.iter().position(|f| f.matches(operation))?;
        let failure = &mut self.failures[index];
        failure.count -= 1;
        let taken = failure.clone();
        if failure.count == 0 {
            self.failures.remove(index);
        }
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_applies_count_times_then_stops() {
        let mut queue = FailureQueue::default();
        queue.push(Failure::error(
            "CreateToken",
            400,
            "InvalidGrantException",
            2,
        ));
        assert!(queue.take("GetRoleCredentials").is_none());
        assert!(queue.take("CreateToken").is_some());
        assert!(queue.take("CreateToken").is_some());
        assert!(queue.take("CreateToken").is_none());
    }

    #[test]
    fn failures_for_one_operation_are_used_in_order_and_star_matches_all() {
        let mut queue = FailureQueue::default();
        queue.push(Failure::error("*", 500, "InternalServerException", 1));
        queue.push(Failure::error(
            "ListAccounts",
            429,
            "TooManyRequestsException",
            1,
        ));
        assert_eq!(queue.take("ListAccounts").map(|f| f.status), Some(500));
        assert_eq!(queue.take("ListAccounts").map(|f| f.status), Some(429));
        assert_eq!(queue.take("ListAccounts"), None);
    }

    #[test]
    fn json_spec_defaults_to_one_failure() {
        let spec: FailureSpec =
            serde_json::from_str(r#"{"operation": "Logout", "status": 500, "delayMs": 30}"#)
                .unwrap();
        let failure = Failure::from(spec);
        assert_eq!(failure.count, 1);
        assert_eq!(failure.delay, Some(Duration::from_millis(30)));
    }
}
