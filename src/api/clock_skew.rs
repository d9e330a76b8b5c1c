//! Recognising a request rejected because this computer's clock is wrong, and by how much.
//!
//! Signed requests carry the time they were signed (`X-Sdk-Date`), and the API gateway rejects
//! one more than about 15 minutes away from its own clock with HTTP 401. Its message then says
//! so, for example "Incorrect app authentication information: signature expired, signature
//! time:20230527T000431Z,server time:20230527T020608Z" (Huawei Cloud API Gateway FAQ, "What
//! Should I Do If the App Authentication Information Is Incorrect?"). The gateway's `Date`
//! header gives its clock, which tells how far off this one is.

use std::fmt;
use std::time::SystemTime;

use super::ServiceError;

/// Lowercase phrases of a 401 message that point at the clock rather than the credentials.
// NOTE: only "signature expired" is documented; the others are guesses at how other gateways
// and IAM word the same rejection. A token that expired is not about the clock and does not
// match.
const CLOCK_PHRASES: &[&str] = &[
    "signature expired",
    "expired signature",
    "request expired",
    "request has expired",
    "request is expired",
    "clock",
    "time skew",
    "time difference",
    "x-sdk-date",
];

/// Offsets up to this many seconds count as agreeing, because `Date` has whole seconds and
/// the response takes time to arrive.
const AGREEMENT_SECONDS: i64 = 2;

/// Returns whether a 401 error body reports the request as rejected for its time.
#[must_use]
pub fn reports_clock_problem(service: &ServiceError, body_text: Option<&str>) -> bool {
    let texts = [
        service.code.as_deref(),
        service.message.as_deref(),
        body_text,
    ];
    texts.into_iter().flatten().any(|text| {
        let lower = text.to_lowercase();
        CLOCK_PHRASES.iter().any(|phrase| lower.contains(phrase))
    })
}

/// How far this computer's clock is from the service's, in whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockOffset {
    /// Service time minus local time: positive when this clock is behind.
    pub behind_seconds: i64,
}

impl ClockOffset {
    /// Compares the service's `Date` header with the local time the response arrived.
    #[must_use]
    pub fn from_date_header(date: &str, received_at: SystemTime) -> Option<Self> {
        let service_time = httpdate::parse_http_date(date.trim()).ok()?;
        let behind_seconds = match service_time.duration_since(received_at) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).ok()?,
            Err(behind) => -i64::try_from(behind.duration().as_secs()).ok()?,
        };
        Some(Self { behind_seconds })
    }
}

impl fmt::Display for ClockOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.behind_seconds;
        if seconds.abs() <= AGREEMENT_SECONDS {
            return f.write_str("it agrees with the service's clock within seconds");
        }
        let amount =
            humantime::format_duration(std::time::Duration::from_secs(seconds.unsigned_abs()));
        let direction = if seconds > 0 { "behind" } else { "ahead of" };
        write!(f, "it is {amount} {direction} the service's clock")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn service(message: &str) -> ServiceError {
        ServiceError {
            code: Some("APIG.0303".to_owned()),
            message: Some(message.to_owned()),
        }
    }

    #[test]
    fn documented_signature_message_is_recognised() {
        let found = service(
            "Incorrect app authentication information: signature expired, \
             signature time:20230527T000431Z,server time:20230527T020608Z",
        );
        assert!(reports_clock_problem(&found, None));
    }

    #[test]
    fn wrong_or_expired_token_is_not_a_clock_problem() {
        assert!(!reports_clock_problem(
            &service("Incorrect IAM authentication information: token expired"),
            None
        ));
        assert!(!reports_clock_problem(
            &service("Incorrect IAM authentication information: verify aksk signature fail"),
            None
        ));
    }

    #[test]
    fn plain_text_body_is_checked_too() {
        assert!(reports_clock_problem(
            &ServiceError::default(),
            Some("Request expired: X-Sdk-Date is too far from server time")
        ));
    }

    #[test]
    fn offset_is_read_from_date_header() {
        let received = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let behind = ClockOffset::from_date_header("Wed, 21 Oct 2015 07:45:00 GMT", received)
            .expect("valid date");
        assert_eq!(behind.behind_seconds, 17 * 60);
        assert_eq!(behind.to_string(), "it is 17m behind the service's clock");
        let ahead = ClockOffset::from_date_header("Wed, 21 Oct 2015 07:00:00 GMT", received)
            .expect("valid date");
        assert_eq!(ahead.to_string(), "it is 28m ahead of the service's clock");
        let close = ClockOffset::from_date_header("Wed, 21 Oct 2015 07:28:01 GMT", received)
            .expect("valid date");
        assert_eq!(
            close.to_string(),
            "it agrees with the service's clock within seconds"
        );
    }

    #[test]
    fn invalid_date_gives_no_offset() {
        assert_eq!(
            ClockOffset::from_date_header("yesterday", SystemTime::UNIX_EPOCH),
            None
        );
    }
}
