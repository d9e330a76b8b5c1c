//! Retrying a request after a failure that may pass: a connection error, HTTP 429 or a 5xx.
//!
//! Waits grow exponentially with equal jitter: before retry `n` (1-based) the cap is
//! `min(max_delay, base_delay × 2^(n-1))` and the wait is drawn evenly from `[cap/2, cap]`, so
//! many clients that failed together do not retry together. A `Retry-After` header replaces
//! the computed wait. Retries stop after `max_retries`, or when the next attempt would start
//! later than `max_time` after the first one started. A running attempt is never cut short,
//! because each attempt has its own `timeout`. Every other failure, including any other 4xx,
//! ends the request at once.
//!
//! Time comes from a [`Clock`], so tests can count and bound the waits without sleeping.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use super::FetchError;
use crate::config::NetworkSettings;

/// First backoff cap; the first wait is between half of this and all of it.
pub const BASE_DELAY: Duration = Duration::from_millis(500);
/// Largest computed wait between attempts; a `Retry-After` header may ask for more.
pub const MAX_DELAY: Duration = Duration::from_secs(8);
/// Longest wait a `Retry-After` header is read as: a longer one, up to the largest number a
/// server can send, counts as one day.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// When and how often to retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 sends one request only.
    pub max_retries: u32,
    /// No attempt starts later than this after the first one started.
    pub max_time: Duration,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// Builds the policy from a profile's network settings.
    #[must_use]
    pub fn from_settings(network: &NetworkSettings) -> Self {
        Self {
            max_retries: network.max_retries,
            max_time: network.max_retry_time,
            base_delay: BASE_DELAY,
            max_delay: MAX_DELAY,
        }
    }

    /// Returns the maximum computed wait before retry `retry` (1-based), before jitter.
    #[must_use]
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1_u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// Draws a wait before retry `retry` from `[cap/2, cap]`.
    #[must_use]
    pub fn backoff(&self, retry: u32, rng: &mut fastrand::Rng) -> Duration {
        let cap = self.backoff_cap(retry);
        let half = cap / 2;
        let spread = u64::try_from(cap.saturating_sub(half).as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(rng.u64(0..=spread))
    }
}

/// The source of time for retries: the real clock, or a test's.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Returns the current instant.
    fn now(&self) -> Instant;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// The real clock: `Instant::now` and `tokio::time::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// One failed attempt, with the wait the service asked for.
#[derive(Debug)]
pub struct Attempted {
    pub error: FetchError,
    /// The `Retry-After` header of the response, when it had a valid one.
    pub retry_after: Option<Duration>,
}

impl From<FetchError> for Attempted {
    fn from(error: FetchError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// A retry about to happen, for logs and the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryNotice {
    /// The attempt about to start, 2 for the first retry.
    pub attempt: u32,
    /// Maximum number of attempts the policy allows.
    pub max_attempts: u32,
    /// The wait before it starts.
    pub delay: Duration,
    /// Short reason for the failure (`HTTP 503 Service Unavailable`).
    pub reason: String,
}

impl fmt::Display for RetryNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; retrying in {} (attempt {} of {})",
            self.reason,
            format_delay(self.delay),
            self.attempt,
            self.max_attempts
        )
    }
}

/// Returns whether a failure may pass when the request is repeated.
#[must_use]
pub fn is_retryable(error: &FetchError) -> bool {
    match error {
        FetchError::Status { status, .. } => status.as_u16() == 429 || status.is_server_error(),
        FetchError::Connect { .. }
        | FetchError::ProxyConnect { .. }
        | FetchError::ConnectTimeout { .. }
        | FetchError::Interrupted { .. } => true,
        // The IAM requests before the catalogue (login, project lookup) fail the same ways.
        FetchError::Iam { source, .. } => is_retryable(source),
        _ => false,
    }
}

/// Runs `attempt` until it succeeds, fails for good, or the policy allows no more retries.
///
/// `attempt` receives the attempt number, starting at 1. `on_retry` receives each retry
/// notice before its wait starts.
pub async fn run<T, F, Fut>(
    policy: &RetryPolicy,
    clock: &dyn Clock,
    rng: &mut fastrand::Rng,
    on_retry: &mut (dyn FnMut(&RetryNotice) + Send),
    mut attempt: F,
) -> Result<T, FetchError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Attempted>>,
{
    let started = clock.now();
    let max_attempts = policy.max_retries.saturating_add(1);
    let mut number = 1;
    loop {
        let failed = match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(failed) => failed,
        };
        if !is_retryable(&failed.error) {
            return Err(give_up(failed.error, number, None));
        }
        if number >= max_attempts {
            return Err(give_up(failed.error, number, None));
        }
        let delay = failed
            .retry_after
            .unwrap_or_else(|| policy.backoff(number, rng));
        let elapsed = clock.now().saturating_duration_since(started);
        let past_the_limit = elapsed
            .checked_add(delay)
            .is_none_or(|next_start| next_start > policy.max_time);
        if past_the_limit {
            tracing::warn!(
                attempt = number,
                delay_ms = delay.as_millis() as u64,
                "no retry: the wait would pass max_retry_time"
            );
            return Err(give_up(failed.error, number, failed.retry_after));
        }
        let notice = RetryNotice {
            attempt: number + 1,
            max_attempts,
            delay,
            reason: short_reason(&failed.error),
        };
        tracing::warn!(error = %failed.error, %notice, "retrying the request");
        on_retry(&notice);
        clock.sleep(delay).await;
        number += 1;
    }
}

/// Wraps the last error with how the retries ended. A first failure that was not retried
/// and did not ask for a wait is returned unchanged.
fn give_up(error: FetchError, attempts: u32, retry_after: Option<Duration>) -> FetchError {
    if attempts == 1 && retry_after.is_none() {
        return error;
    }
    FetchError::GaveUp {
        attempts,
        source: Box::new(error),
        retry_after,
    }
}

/// Describes a failure in a few words, for a retry notice.
fn short_reason(error: &FetchError) -> String {
    match error {
        FetchError::Status { status, .. } => format!(
            "HTTP {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("error")
        ),
        FetchError::Connect { reason, .. }
        | FetchError::ProxyConnect { reason, .. }
        | FetchError::Interrupted { reason, .. } => reason.clone(),
        FetchError::ConnectTimeout { .. } => "connecting timed out".to_owned(),
        FetchError::Iam { action, source, .. } => format!("{action}: {}", short_reason(source)),
        other => other.to_string(),
    }
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date (a past date means now). The
/// wait is at most [`MAX_RETRY_AFTER`].
#[must_use]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// Formats a wait for people: `750ms`, `2s`, `1m 30s`.
#[must_use]
pub fn format_delay(delay: Duration) -> String {
    if delay < Duration::from_secs(1) {
        return format!("{}ms", delay.as_millis());
    }
    humantime::format_duration(Duration::from_secs(delay.as_secs())).to_string()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use reqwest::StatusCode;

    use super::*;
    use crate::api::ServiceError;

    /// A clock that only moves when slept on, and records every sleep.
    #[derive(Debug, Default)]
    struct FakeClock {
        start: Option<Instant>,
        slept: Mutex<Vec<Duration>>,
    }

    impl FakeClock {
        fn new() -> Self {
            Self {
                start: Some(Instant::now()),
                slept: Mutex::default(),
            }
        }

        fn sleeps(&self) -> Vec<Duration> {
            self.slept.lock().expect("lock").clone()
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            let slept: Duration = self.sleeps().iter().sum();
            self.start.expect("started") + slept
        }

        fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            self.slept.lock().expect("lock").push(duration);
            Box::pin(std::future::ready(()))
        }
    }

    fn status(code: u16) -> FetchError {
        FetchError::Status {
            status: StatusCode::from_u16(code).expect("status"),
            service: ServiceError::default(),
            body_text: None,
            request_id: None,
        }
    }

    fn refused() -> FetchError {
        FetchError::Connect {
            endpoint: "http://127.0.0.1:9".to_owned(),
            reason: "connection refused".to_owned(),
        }
    }

    fn policy(max_retries: u32) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            max_time: Duration::from_secs(60),
            base_delay: BASE_DELAY,
            max_delay: MAX_DELAY,
        }
    }

    /// Runs the retry loop over a script of outcomes and returns the result, the number of
    /// attempts made and the notices given.
    async fn run_script(
        policy: &RetryPolicy,
        clock: &FakeClock,
        mut script: Vec<Result<&'static str, Attempted>>,
    ) -> (Result<&'static str, FetchError>, u32, Vec<RetryNotice>) {
        script.reverse();
        let script = Arc::new(Mutex::new(script));
        let attempts = Arc::new(Mutex::new(0));
        let mut notices = Vec::new();
        let mut rng = fastrand::Rng::with_seed(7);
        let result = run(
            policy,
            clock,
            &mut rng,
            &mut |notice| notices.push(notice.clone()),
            |_| {
                let script = Arc::clone(&script);
                let attempts = Arc::clone(&attempts);
                async move {
                    *attempts.lock().expect("lock") += 1;
                    script
                        .lock()
                        .expect("lock")
                        .pop()
                        .unwrap_or(Err(Attempted::from(status(500))))
                }
            },
        )
        .await;
        let count = *attempts.lock().expect("lock");
        (result, count, notices)
    }

    #[tokio::test]
    async fn server_errors_are_retried_until_success() {
        let clock = FakeClock::new();
        let script = vec![
            Err(status(503).into()),
            Err(status(502).into()),
            Ok("catalogue"),
        ];
        let (result, attempts, notices) = run_script(&policy(3), &clock, script).await;
        assert_eq!(result.expect("success"), "catalogue");
        assert_eq!(attempts, 3);
        assert_eq!(clock.sleeps().len(), 2);
        assert_eq!(notices[0].attempt, 2);
        assert_eq!(notices[0].max_attempts, 4);
        assert_eq!(notices[0].reason, "HTTP 503 Service Unavailable");
        assert_eq!(notices[1].reason, "HTTP 502 Bad Gateway");
    }

    #[tokio::test]
    async fn retries_stop_at_max_retries() {
        let clock = FakeClock::new();
        let (result, attempts, _) = run_script(&policy(3), &clock, Vec::new()).await;
        assert_eq!(attempts, 4);
        assert_eq!(clock.sleeps().len(), 3);
        let error = result.expect_err("always 500");
        assert!(
            matches!(error, FetchError::GaveUp { attempts: 4, .. }),
            "{error:?}"
        );
        assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(
            error.to_string().ends_with("; gave up after 4 attempts"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn other_client_errors_are_never_retried() {
        for code in [400, 401, 403, 404, 405, 409, 422] {
            let clock = FakeClock::new();
            let script = vec![Err(status(code).into()), Ok("unreachable")];
            let (result, attempts, notices) = run_script(&policy(3), &clock, script).await;
            assert_eq!(attempts, 1, "HTTP {code}");
            assert!(notices.is_empty(), "HTTP {code}");
            assert_eq!(
                result
                    .expect_err("error")
                    .status()
                    .map(|status| status.as_u16()),
                Some(code)
            );
        }
    }

    #[tokio::test]
    async fn throttling_and_connection_errors_are_retried() {
        let clock = FakeClock::new();
        let script = vec![
            Err(status(429).into()),
            Err(refused().into()),
            Ok("catalogue"),
        ];
        let (result, attempts, notices) = run_script(&policy(3), &clock, script).await;
        assert_eq!(result.expect("success"), "catalogue");
        assert_eq!(attempts, 3);
        assert_eq!(notices[1].reason, "connection refused");
    }

    #[test]
    fn iam_failures_follow_their_cause() {
        let iam = |source: FetchError| FetchError::Iam {
            action: "IAM login",
            endpoint: "http://127.0.0.1:9".to_owned(),
            source: Box::new(source),
        };
        assert!(is_retryable(&iam(status(503))));
        assert!(is_retryable(&iam(refused())));
        assert!(!is_retryable(&iam(status(403))));
        assert_eq!(
            short_reason(&iam(status(503))),
            "IAM login: HTTP 503 Service Unavailable"
        );
        let rejected = FetchError::LoginRejected {
            endpoint: "http://127.0.0.1:9".to_owned(),
            status: StatusCode::UNAUTHORIZED,
            service: ServiceError::default(),
            request_id: None,
        };
        assert!(!is_retryable(&rejected));
    }

    #[tokio::test]
    async fn backoff_waits_stay_within_bounds() {
        let clock = FakeClock::new();
        let policy = RetryPolicy {
            max_retries: 6,
            max_time: Duration::from_secs(600),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        };
        run_script(&policy, &clock, Vec::new())
            .await
            .0
            .expect_err("fails");
        let sleeps = clock.sleeps();
        let caps_ms = [500, 1000, 2000, 4000, 8000, 8000];
        assert_eq!(sleeps.len(), caps_ms.len());
        for (sleep, cap_ms) in sleeps.iter().zip(caps_ms) {
            let cap = Duration::from_millis(cap_ms);
            assert!(*sleep >= cap / 2, "{sleep:?} below half of {cap:?}");
            assert!(*sleep <= cap, "{sleep:?} above {cap:?}");
        }
    }

    #[test]
    fn jitter_spreads_waits() {
        let policy = policy(3);
        let mut rng = fastrand::Rng::with_seed(1);
        let waits: std::collections::HashSet<Duration> =
            (0..50).map(|_| policy.backoff(3, &mut rng)).collect();
        assert!(waits.len() > 10, "only {} distinct waits", waits.len());
        assert!(
            waits
                .iter()
                .all(|wait| { (Duration::from_secs(1)..=Duration::from_secs(2)).contains(wait) })
        );
    }

    #[test]
    fn backoff_cap_never_overflows() {
        let policy = policy(3);
        assert_eq!(policy.backoff_cap(1), Duration::from_millis(500));
        assert_eq!(policy.backoff_cap(40), MAX_DELAY);
        assert_eq!(policy.backoff_cap(u32::MAX), MAX_DELAY);
    }

    #[tokio::test]
    async fn retry_after_replaces_the_backoff() {
        let clock = FakeClock::new();
        let script = vec![
            Err(Attempted {
                error: status(503),
                retry_after: Some(Duration::from_secs(20)),
            }),
            Ok("catalogue"),
        ];
        let (result, _, notices) = run_script(&policy(3), &clock, script).await;
        assert_eq!(result.expect("success"), "catalogue");
        assert_eq!(clock.sleeps(), [Duration::from_secs(20)]);
        assert_eq!(
            notices[0].to_string(),
            "HTTP 503 Service Unavailable; retrying in 20s (attempt 2 of 4)"
        );
    }

    #[tokio::test]
    async fn retry_after_beyond_the_time_limit_stops() {
        let clock = FakeClock::new();
        let script = vec![Err(Attempted {
            error: status(429),
            retry_after: Some(Duration::from_secs(300)),
        })];
        let (result, attempts, _) = run_script(&policy(3), &clock, script).await;
        assert_eq!(attempts, 1);
        assert!(clock.sleeps().is_empty());
        let error = result.expect_err("stopped");
        assert!(
            error.to_string().ends_with(
                "; the service asked to wait 5m before retrying, longer than `max_retry_time` allows"
            ),
            "{error}"
        );
    }

    #[tokio::test]
    async fn huge_retry_after_ends_without_overflow() {
        let clock = FakeClock::new();
        let script = vec![
            Err(Attempted {
                error: status(503),
                retry_after: Some(Duration::from_secs(2)),
            }),
            Err(Attempted {
                error: status(503),
                retry_after: Some(Duration::MAX),
            }),
        ];
        let (result, attempts, _) = run_script(&policy(3), &clock, script).await;
        assert_eq!(attempts, 2);
        assert_eq!(clock.sleeps(), [Duration::from_secs(2)]);
        assert!(
            matches!(result, Err(FetchError::GaveUp { attempts: 2, .. })),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn total_time_bounds_the_retries() {
        let clock = FakeClock::new();
        let policy = RetryPolicy {
            max_retries: 10,
            max_time: Duration::from_secs(10),
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(8),
        };
        let (result, attempts, _) = run_script(&policy, &clock, Vec::new()).await;
        let slept: Duration = clock.sleeps().iter().sum();
        assert!(slept <= Duration::from_secs(10), "slept {slept:?}");
        assert!(attempts < 11, "{attempts} attempts");
        assert!(matches!(result, Err(FetchError::GaveUp { .. })));
    }

    #[tokio::test]
    async fn zero_retries_send_one_request() {
        let clock = FakeClock::new();
        let (result, attempts, _) = run_script(&policy(0), &clock, Vec::new()).await;
        assert_eq!(attempts, 1);
        assert!(matches!(result, Err(FetchError::Status { .. })));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(24 * 60 * 60))
        );
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now),
            Some(Duration::from_secs(24 * 60 * 60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }
}
