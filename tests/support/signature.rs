//! An independent check of `SDK-HMAC-SHA256` signatures, as a server would do it.
//!
//! Everything here is written from the documented rules, apart from the client: the
//! canonicalisation reads the request the server received (method, target, headers, body), not
//! what the client meant to send, and calls none of stage-images' functions. Only SHA-256 and
//! HMAC come from `ring`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ring::{digest, hmac};
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::server::{Received, Reply, TestServer};

/// The access key the verifying server accepts.
pub const TEST_AK: &str = "AKLOOPBACKVERIFIER01";
/// Its secret key.
pub const TEST_SK: &str = "SKloopback-verifier-secret-0123456789";

/// Largest difference between `X-Sdk-Date` and the server's clock that is accepted.
pub const MAX_SKEW: Duration = Duration::minutes(15);

/// A request as the server saw it; header names lowercased.
#[derive(Debug, Clone)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// Path and query as sent.
    pub target: &'a str,
    pub headers: BTreeMap<String, String>,
    pub body: &'a [u8],
}

impl<'a> SignedRequest<'a> {
    pub fn from_received(received: &'a Received) -> Self {
        Self {
            method: &received.method,
            target: &received.target,
            headers: received.headers.clone(),
            body: &received.body,
        }
    }
}

/// Reason a request was rejected. Its code is the `error_code` of the 401 response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    MissingAuthorization,
    MalformedAuthorization(String),
    UnknownAccessKey(String),
    MissingHeader(String),
    HostNotSigned,
    DateNotSigned,
    SecurityTokenNotSigned,
    WrongSecurityToken,
    StaleDate(String),
    SignatureMismatch,
}

impl Rejection {
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthorization => "MISSING_AUTHORIZATION",
            Self::MalformedAuthorization(_) => "MALFORMED_AUTHORIZATION",
            Self::UnknownAccessKey(_) => "UNKNOWN_ACCESS_KEY",
            Self::MissingHeader(_) => "MISSING_SIGNED_HEADER",
            Self::HostNotSigned => "HOST_NOT_SIGNED",
            Self::DateNotSigned => "DATE_NOT_SIGNED",
            Self::SecurityTokenNotSigned => "SECURITY_TOKEN_NOT_SIGNED",
            Self::WrongSecurityToken => "WRONG_SECURITY_TOKEN",
            Self::StaleDate(_) => "STALE_DATE",
            Self::SignatureMismatch => "SIGNATURE_MISMATCH",
        }
    }

    /// Builds the 401 response for this rejection.
    pub fn reply(&self) -> Reply {
        let body = serde_json::json!({
            "error_code": format!("TEST.{}", self.code()),
            "error_msg": format!("{self:?}"),
        });
        Reply::json(401, &body.to_string())
    }
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 ...` header.
#[derive(Debug, Clone)]
struct Authorization {
    access_key: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(value: &str) -> Result<Authorization, Rejection> {
    let malformed = || Rejection::MalformedAuthorization(value.to_owned());
    let rest = value
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or_else(malformed)?;
    let mut fields = BTreeMap::new();
    for part in rest.split(", ") {
        let (name, field) = part.split_once('=').ok_or_else(malformed)?;
        fields.insert(name, field);
    }
    Ok(Authorization {
        access_key: (*fields.get("Access").ok_or_else(malformed)?).to_owned(),
        signed_headers: fields
            .get("SignedHeaders")
            .ok_or_else(malformed)?
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: (*fields.get("Signature").ok_or_else(malformed)?).to_owned(),
    })
}

/// The canonical request the signature must cover, built from the request as received.
pub fn canonical_request(request: &SignedRequest<'_>) -> Result<String, Rejection> {
    canonical_with(request, &authorization_of(request)?)
}

fn authorization_of(request: &SignedRequest<'_>) -> Result<Authorization, Rejection> {
    let value = request
        .headers
        .get("authorization")
        .ok_or(Rejection::MissingAuthorization)?;
    parse_authorization(value)
}

fn canonical_with(
    request: &SignedRequest<'_>,
    authorization: &Authorization,
) -> Result<String, Rejection> {
    let (path, query) = match request.target.split_once('?') {
        Some((path, query)) => (path, query),
        None => (request.target, ""),
    };
    let mut text = String::new();
    text.push_str(request.method);
    text.push('\n');
    text.push_str(&uri(path));
    text.push('\n');
    text.push_str(&query_text(query));
    text.push('\n');
    for name in &authorization.signed_headers {
        let value = request
            .headers
            .get(name)
            .ok_or_else(|| Rejection::MissingHeader(name.clone()))?;
        let _ = writeln!(text, "{name}:{}", value.trim());
    }
    text.push('\n');
    text.push_str(&authorization.signed_headers.join(";"));
    text.push('\n');
    match request.headers.get("x-sdk-content-sha256") {
        Some(declared) => text.push_str(declared),
        None => text.push_str(&hex(digest::digest(&digest::SHA256, request.body).as_ref())),
    }
    Ok(text)
}

/// Canonical URI: every segment decoded then encoded, one `/` at the end.
fn uri(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| encode(&decode(segment)))
        .collect();
    let mut joined = segments.join("/");
    if !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

/// Canonical query: pairs decoded, sorted by bytes, encoded, `key=` for a key alone.
fn query_text(query: &str) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for piece in query.split('&').filter(|piece| !piece.is_empty()) {
        let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
        pairs.push((decode(key), decode(value)));
    }
    pairs.sort();
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    encoded.join("&")
}

fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex_pair = bytes.get(index + 1..index + 3).and_then(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        });
        match (bytes[index], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    out
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

/// Checks signatures made with [`TEST_AK`] / [`TEST_SK`].
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    /// The security token temporary credentials must send, if any.
    pub security_token: Option<String>,
}

impl Verifier {
    /// Checks the signature, the signed headers and the date of a received request.
    pub fn check(&self, received: &Received) -> Result<(), Rejection> {
        let request = SignedRequest::from_received(received);
        let authorization = authorization_of(&request)?;
        if authorization.access_key != TEST_AK {
            return Err(Rejection::UnknownAccessKey(authorization.access_key));
        }
        let signed = |name: &str| {
            authorization
                .signed_headers
                .iter()
                .any(|signed| signed == name)
        };
        if !signed("host") {
            return Err(Rejection::HostNotSigned);
        }
        if !signed("x-sdk-date") {
            return Err(Rejection::DateNotSigned);
        }
        if request.headers.contains_key("x-security-token") && !signed("x-security-token") {
            return Err(Rejection::SecurityTokenNotSigned);
        }
        if request.headers.get("x-security-token") != self.security_token.as_ref() {
            return Err(Rejection::WrongSecurityToken);
        }

        let canonical = canonical_with(&request, &authorization)?;
        let date = request
            .headers
            .get("x-sdk-date")
            .ok_or_else(|| Rejection::MissingHeader("x-sdk-date".to_owned()))?;
        let string_to_sign = format!(
            "SDK-HMAC-SHA256\n{date}\n{}",
            hex(digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref())
        );
        let key = hmac::Key::new(hmac::HMAC_SHA256, TEST_SK.as_bytes());
        let expected = hex(hmac::sign(&key, string_to_sign.as_bytes()).as_ref());
        if expected != authorization.signature {
            return Err(Rejection::SignatureMismatch);
        }

        let format = format_description!("[year][month][day]T[hour][minute][second]Z");
        let signed_at = PrimitiveDateTime::parse(date, format)
            .map_err(|_| Rejection::StaleDate(date.clone()))?
            .assume_utc();
        if (OffsetDateTime::now_utc() - signed_at).abs() > MAX_SKEW {
            return Err(Rejection::StaleDate(date.clone()));
        }
        Ok(())
    }

    /// Starts a server that returns `{"verified": true}` to well-signed requests and 401 otherwise.
    pub fn server() -> TestServer {
        let verifier = Self::default();
        TestServer::start(move |received| match verifier.check(received) {
            Ok(()) => Reply::json(200, r#"{"verified":true}"#),
            Err(rejection) => rejection.reply(),
        })
    }
}
