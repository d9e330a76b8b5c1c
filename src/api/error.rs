//! Errors of the catalogue request and of the IAM requests before it, each phrased for the
//! person who has to act on it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

use super::ClientBuildError;
use super::clock_skew::ClockOffset;
use super::retry::format_delay;
use crate::auth::AuthError;
use crate::catalogue::DecodeError;
use crate::config::network::format_size;

/// The `error_code` / `error_msg` pair of an error response, in any of the shapes the gateway
/// uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceError {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Error of a catalogue fetch.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The profile's credentials could not be read (missing env var, failing command).
    #[error("cannot read the credentials: {0}")]
    Credentials(#[from] AuthError),
    /// The profile's client could not be set up (no credentials found, no CA certificates), so
    /// no request was sent.
    #[error("cannot set up the client of profile {profile:?}, so no request was sent: {source}")]
    Setup {
        profile: String,
        #[source]
        source: Arc<ClientBuildError>,
    },
    /// No whole response within the configured time.
    #[error("request to {endpoint} timed out after {}; check the network or raise `timeout` in the profile", humantime::format_duration(*.after))]
    Timeout { endpoint: String, after: Duration },
    /// No connection within the configured time.
    #[error("connecting to {endpoint} timed out after {}; check the network or raise `connect_timeout` in the profile", humantime::format_duration(*.after))]
    ConnectTimeout { endpoint: String, after: Duration },
    /// The connection could not be made.
    #[error("cannot connect to {endpoint}: {reason}; check the endpoint and the network")]
    Connect { endpoint: String, reason: String },
    /// The connection through a proxy from the environment could not be made.
    #[error(
        "cannot connect to {endpoint} through the proxy {proxy}: {reason}; check the proxy and NO_PROXY"
    )]
    ProxyConnect {
        endpoint: String,
        /// The proxy and the variable that set it.
        proxy: String,
        reason: String,
    },
    /// The connection closed or broke before the whole response arrived.
    #[error(
        "the connection to {endpoint} closed before the response was complete ({reason}); retry later"
    )]
    Interrupted { endpoint: String, reason: String },
    /// The server's TLS certificate was rejected.
    #[error(
        "certificate not trusted for {host}: {reason}; if a proxy or firewall inspects TLS, set `ca_bundle` in the profile to its CA certificate (PEM)"
    )]
    Certificate { host: String, reason: String },
    /// The service responded with a redirect, which is never followed with credentials attached.
    #[error(
        "{endpoint} responded with HTTP {status} redirecting to {location}; redirects are not followed with credentials attached, set `{key}` to the right URL"
    )]
    Redirect {
        endpoint: String,
        status: u16,
        location: String,
        /// The profile key that sets this endpoint (`endpoint` or `iam_endpoint`).
        key: &'static str,
    },
    /// The service responded with an error status.
    #[error("{}", describe_status(*.status, .service, .body_text.as_deref(), .request_id.as_deref()))]
    Status {
        status: StatusCode,
        service: ServiceError,
        body_text: Option<String>,
        request_id: Option<String>,
    },
    /// A 401 saying the request was rejected for its time, so the local clock is likely wrong.
    #[error("{}", describe_clock_skew(.service, .body_text.as_deref(), .request_id.as_deref(), *.offset))]
    ClockSkew {
        service: ServiceError,
        body_text: Option<String>,
        request_id: Option<String>,
        /// The offset from the service's `Date` header, when it sent a valid one.
        offset: Option<ClockOffset>,
    },
    /// The response was larger than `max_body_size`.
    #[error("the response from {endpoint} is larger than {} and was rejected; raise `max_body_size` in the profile if that is expected", format_size(*.limit))]
    TooLarge { endpoint: String, limit: u64 },
    /// The response was not a catalogue.
    #[error("cannot read the catalogue from {endpoint}: {source}{}", request_id_suffix(.request_id.as_deref()))]
    Decode {
        endpoint: String,
        #[source]
        source: DecodeError,
        request_id: Option<String>,
    },
    /// Another transport failure, with the chain of causes.
    #[error("request to {endpoint} failed: {reason}")]
    Other { endpoint: String, reason: String },
    /// Retrying ended without success; `source` is the last failure.
    #[error("{source}{}", describe_give_up(*.attempts, *.retry_after))]
    GaveUp {
        attempts: u32,
        source: Box<FetchError>,
        /// The wait the service asked for when it was longer than `max_retry_time` allows.
        retry_after: Option<Duration>,
    },

    // Failures of the IAM requests: the password login and the project id lookup.
    /// An IAM request failed; `action` names it (`IAM login`).
    #[error("{action} at {endpoint} failed: {source}")]
    Iam {
        action: &'static str,
        endpoint: String,
        #[source]
        source: Box<FetchError>,
    },
    /// IAM rejected the user name, account name or password.
    #[error("{}", describe_rejected_login(.endpoint, *.status, .service, .request_id.as_deref()))]
    LoginRejected {
        endpoint: String,
        status: StatusCode,
        service: ServiceError,
        request_id: Option<String>,
    },
    /// An IAM response lacked what it must contain (the token header, the project list).
    #[error("cannot read the response of {endpoint}: {reason}{}", request_id_suffix(.request_id.as_deref()))]
    IamAnswer {
        endpoint: String,
        reason: String,
        request_id: Option<String>,
    },
    /// No project of the account is named after the region.
    #[error(
        "no project named {region:?} at {endpoint}; check `region`, or set `project_id` in the profile"
    )]
    NoProject { region: String, endpoint: String },
    /// Several projects are named after the region, so the one to use is unclear.
    #[error(
        "{} projects are named {region:?} at {endpoint} ({}); set `project_id` in the profile to the one to use",
        .ids.len(),
        .ids.join(", ")
    )]
    SeveralProjects {
        region: String,
        endpoint: String,
        ids: Vec<String>,
    },
}

impl FetchError {
    /// Returns whether the problem is in the user's setup (exit code 2) rather than the request.
    #[must_use]
    pub fn is_configuration(&self) -> bool {
        match self {
            Self::Credentials(_)
            | Self::Setup { .. }
            | Self::NoProject { .. }
            | Self::SeveralProjects { .. } => true,
            Self::Iam { source, .. } | Self::GaveUp { source, .. } => source.is_configuration(),
            _ => false,
        }
    }

    /// Returns the HTTP status, when the service responded with an error status.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Status { status, .. } | Self::LoginRejected { status, .. } => Some(*status),
            Self::ClockSkew { .. } => Some(StatusCode::UNAUTHORIZED),
            Self::Iam { source, .. } | Self::GaveUp { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Returns the `X-Request-Id` of the failed request, when the service sent one.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Status { request_id, .. }
            | Self::ClockSkew { request_id, .. }
            | Self::Decode { request_id, .. }
            | Self::LoginRejected { request_id, .. }
            | Self::IamAnswer { request_id, .. } => request_id.as_deref(),
            Self::Iam { source, .. } | Self::GaveUp { source, .. } => source.request_id(),
            _ => None,
        }
    }
}

/// Returns what an error status means for the person using stage-images.
#[must_use]
pub fn status_meaning(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "the service rejected the request as invalid",
        401 => "the credentials were rejected (wrong or expired); check the profile's credentials",
        403 => "access denied: the credentials lack permission for ServiceStage in this project",
        404 => "the project id may be wrong, or ServiceStage is not offered in this region",
        429 => "the service is throttling requests; wait a moment and retry",
        500 => "the service failed with an internal error; retry later",
        502 => "the gateway got no valid response from ServiceStage; retry later",
        503 => "ServiceStage is unavailable right now; retry later",
        504 => "the gateway timed out waiting for ServiceStage; retry later",
        _ if status.is_client_error() => "the service rejected the request",
        _ => "the service failed",
    }
}

fn describe_status(
    status: StatusCode,
    service: &ServiceError,
    body_text: Option<&str>,
    request_id: Option<&str>,
) -> String {
    let mut text = format!(
        "HTTP {} {}: {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("error"),
        status_meaning(status)
    );
    push_detail(&mut text, service, body_text);
    text.push_str(&request_id_suffix(request_id));
    text
}

/// Appends the service's `error_code: error_msg`, or the body text when it sent neither.
fn push_detail(text: &mut String, service: &ServiceError, body_text: Option<&str>) {
    let detail = if *service == ServiceError::default() {
        body_text.map(str::to_owned)
    } else {
        Some(service.to_string())
    };
    if let Some(detail) = detail {
        text.push_str(" [");
        text.push_str(&detail);
        text.push(']');
    }
}

fn describe_clock_skew(
    service: &ServiceError,
    body_text: Option<&str>,
    request_id: Option<&str>,
    offset: Option<ClockOffset>,
) -> String {
    let mut text = "HTTP 401 Unauthorized: the service rejected the request as expired, which \
                    usually means this computer's clock is wrong; check the system clock"
        .to_owned();
    if let Some(offset) = offset {
        text.push_str(" (");
        text.push_str(&offset.to_string());
        text.push(')');
    }
    push_detail(&mut text, service, body_text);
    text.push_str(&request_id_suffix(request_id));
    text
}

fn describe_give_up(attempts: u32, retry_after: Option<Duration>) -> String {
    match (attempts, retry_after) {
        (_, Some(wait)) if attempts <= 1 => format!(
            "; the service asked to wait {} before retrying, longer than `max_retry_time` allows",
            format_delay(wait)
        ),
        (_, Some(wait)) => format!(
            "; gave up after {attempts} attempts, the service asked to wait {} more, longer \
             than `max_retry_time` allows",
            format_delay(wait)
        ),
        (_, None) => format!("; gave up after {attempts} attempts"),
    }
}

fn describe_rejected_login(
    endpoint: &str,
    status: StatusCode,
    service: &ServiceError,
    request_id: Option<&str>,
) -> String {
    let mut text = format!(
        "IAM login at {endpoint} was rejected with HTTP {} {}: the user name, account name or \
         password is wrong, or the user may not log in with a password; check `iam_user`, \
         `iam_domain` and the password",
        status.as_u16(),
        status.canonical_reason().unwrap_or("error"),
    );
    if *service != ServiceError::default() {
        text.push_str(" [");
        text.push_str(&service.to_string());
        text.push(']');
    }
    text.push_str(&request_id_suffix(request_id));
    text
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}"),
            (Some(text), None) | (None, Some(text)) => f.write_str(text),
            (None, None) => Ok(()),
        }
    }
}

/// Reads `error_code`/`error_msg` (or `errorCode`/`errorMsg`, `code`/`message`) from an error
/// body, at the top level or nested one level down.
#[must_use]
pub fn parse_service_error(body: &[u8]) -> Option<ServiceError> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    if let Some(found) = service_error_in(object) {
        return Some(found);
    }
    object
        .values()
        .filter_map(serde_json::Value::as_object)
        .find_map(service_error_in)
}

fn service_error_in(object: &serde_json::Map<String, serde_json::Value>) -> Option<ServiceError> {
    const PAIRS: [(&str, &str); 3] = [
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
    ];
    PAIRS.iter().find_map(|(code_key, message_key)| {
        let code = object.get(*code_key).and_then(scalar_text);
        let message = object.get(*message_key).and_then(scalar_text);
        (code.is_some() || message.is_some()).then_some(ServiceError { code, message })
    })
}

fn scalar_text(value: &serde_json::Value) -> Option<String> {
    let text = match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(number) => number.to_string(),
        _ => return None,
    };
    Some(sanitize(&text, 300))
}

/// Makes text from a server safe to show: control characters removed, length capped.
#[must_use]
pub fn sanitize(text: &str, max_chars: usize) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if cleaned.chars().count() > max_chars {
        let mut cut: String = cleaned.chars().take(max_chars).collect();
        cut.push('…');
        cut
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_error_body_is_read() {
        let found = parse_service_error(
            br#"{"error_code":"SVCSTG.00100404","error_msg":"Project not found"}"#,
        );
        assert_eq!(
            found,
            Some(ServiceError {
                code: Some("SVCSTG.00100404".into()),
                message: Some("Project not found".into())
            })
        );
    }

    #[test]
    fn camel_case_and_nested_bodies_are_read() {
        let camel = parse_service_error(
            br#"{"errorCode":"APIGW.0301","errorMsg":"Incorrect IAM authentication information"}"#,
        )
        .expect("camel");
        assert_eq!(camel.code.as_deref(), Some("APIGW.0301"));
        let nested =
            parse_service_error(br#"{"error":{"code":"APIGW.0308","message":"throttled"}}"#)
                .expect("nested");
        assert_eq!(nested.to_string(), "APIGW.0308: throttled");
    }

    #[test]
    fn non_json_body_has_no_service_error() {
        assert_eq!(parse_service_error(b"<html>Bad Gateway</html>"), None);
        assert_eq!(parse_service_error(br#"{"other":1}"#), None);
    }

    #[test]
    fn status_error_reads_as_one_line() {
        let error = FetchError::Status {
            status: StatusCode::NOT_FOUND,
            service: ServiceError {
                code: Some("SVCSTG.00100404".into()),
                message: Some("Project not found".into()),
            },
            body_text: None,
            request_id: Some("req-42".into()),
        };
        assert_eq!(
            error.to_string(),
            "HTTP 404 Not Found: the project id may be wrong, or ServiceStage is not offered in this region \
             [SVCSTG.00100404: Project not found] (request id req-42)"
        );
    }

    #[test]
    fn sanitize_strips_control_characters_and_caps_length() {
        assert_eq!(sanitize("a\u{1b}[31mb\n c", 100), "a [31mb c");
        assert_eq!(sanitize("abcdef", 3), "abc…");
    }
}
