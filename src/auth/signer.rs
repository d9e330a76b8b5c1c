//! AK/SK request signing (`SDK-HMAC-SHA256`), as a pure function of the request, the time and
//! the keys.
//!
//! The algorithm, as Huawei Cloud's API reference and the official SDKs define it:
//! 1. the request gets `X-Sdk-Date` (UTC, `YYYYMMDDTHHMMSSZ`) and `Host` (with `:port` when
//!    the URL names one);
//! 2. the canonical URI percent-decodes the path, re-encodes each segment keeping only
//!    `A-Z a-z 0-9 - . _ ~`, and ends with `/`;
//! 3. the canonical query sorts the decoded (key, value) pairs and encodes both the same way;
//! 4. every header whose name has no `_` is signed: names lowercased and sorted, values trimmed;
//! 5. the payload hash is the hex SHA-256 of the body, unless `X-Sdk-Content-Sha256` gives it;
//! 6. the string to sign is the algorithm, the date and the hex SHA-256 of the canonical
//!    request, and the signature is the hex HMAC-SHA256 of it keyed with the secret key.
//!
//! Nothing here reads the clock, the environment or the network; [`super::access_key`] applies
//! the result to a real request.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use reqwest::Url;
use ring::{digest, hmac};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::secret::{ExposeSecret, SecretString};

/// Name of the algorithm, the first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Header carrying the signing time.
pub const DATE_HEADER: &str = "X-Sdk-Date";

/// Header that replaces the payload hash, such as `UNSIGNED-PAYLOAD`.
pub const CONTENT_SHA256_HEADER: &str = "X-Sdk-Content-Sha256";

/// Bytes left as they are in canonical URIs and queries; every other byte is percent-encoded.
const UNRESERVED_COMPLEMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The parts of a request that the signature covers.
#[derive(Debug, Clone)]
pub struct RequestParts<'a> {
    /// HTTP method in upper case (`GET`).
    pub method: &'a str,
    /// The full URL; the path is signed as sent and the query is canonicalised.
    pub url: &'a Url,
    /// Headers to send, names in any case. `Host` and `X-Sdk-Date` are added by [`sign`] and
    /// replace any given here.
    pub headers: Vec<(String, String)>,
    /// The body as sent; empty for none.
    pub body: &'a [u8],
}

/// The access key pair that signs a request.
#[derive(Debug, Clone, Copy)]
pub struct SigningKey<'a> {
    /// The access key id (AK), sent in the clear in `Authorization`.
    pub access_key: &'a str,
    /// The secret key (SK); only its HMAC output leaves this module.
    pub secret_key: &'a SecretString,
}

/// A signature and the intermediate texts, so tests can compare each step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Value of `X-Sdk-Date`.
    pub date: String,
    /// Value of `Host`.
    pub host: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    /// Lowercased names of the signed headers, sorted.
    pub signed_headers: Vec<String>,
    /// Value of the `Authorization` header.
    pub authorization: String,
    /// The canonical query; sending it as the URL's query leaves the server no room to read
    /// the query differently.
    pub canonical_query: String,
}

/// Formats a time as `X-Sdk-Date` wants it (`20261204T120000Z`).
#[must_use]
pub fn sdk_date(time: OffsetDateTime) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    time.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_else(|error| unreachable!("a four-digit year always formats: {error}"))
}

/// Signs a request at `time` with `key`.
#[must_use]
pub fn sign(parts: &RequestParts<'_>, time: OffsetDateTime, key: SigningKey<'_>) -> Signed {
    let date = sdk_date(time);
    let host = host_header(parts.url);

    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter(|(name, _)| {
            !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case(DATE_HEADER)
        })
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .filter(|(name, _)| !name.contains('_'))
        .collect();
    headers.push(("host".to_owned(), host.clone()));
    headers.push((DATE_HEADER.to_ascii_lowercase(), date.clone()));
    headers.sort();
    let headers = join_repeated(headers);

    let payload_hash = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(CONTENT_SHA256_HEADER))
        .map_or_else(|| sha256_hex(parts.body), |(_, value)| value.clone());
    let signed_headers: Vec<String> = headers.iter().map(|(name, _)| name.clone()).collect();
    let signed_list = signed_headers.join(";");
    let mut canonical_headers = String::new();
    for (name, value) in &headers {
        let _ = writeln!(canonical_headers, "{name}:{value}");
    }
    let canonical_query = canonical_query(parts.url.query());

    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        parts.method.to_ascii_uppercase(),
        canonical_uri(parts.url.path()),
        canonical_query,
        canonical_headers,
        signed_list,
        payload_hash
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mac_key = hmac::Key::new(hmac::HMAC_SHA256, key.secret_key.expose_secret().as_bytes());
    let signature = hex(hmac::sign(&mac_key, string_to_sign.as_bytes()).as_ref());
    let authorization = format!(
        "{ALGORITHM} Access={}, SignedHeaders={signed_list}, Signature={signature}",
        key.access_key
    );
    Signed {
        date,
        host,
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
        canonical_query,
    }
}

/// Returns the `Host` header of a URL: the host, and `:port` when the URL names a non-default
/// port.
#[must_use]
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Builds the canonical URI of a path: each segment decoded and re-encoded, ending with `/`.
#[must_use]
pub fn canonical_uri(path: &str) -> String {
    let mut uri: String = path
        .split('/')
        .map(|segment| encode(&percent_decode_str(segment).collect::<Vec<u8>>()))
        .collect::<Vec<String>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Builds the canonical query: pairs decoded, sorted on their decoded bytes, then encoded.
///
/// `+` is a literal plus here, not a space, so `1+2` signs as `1%2B2`. A key without `=`
/// signs as `key=`.
#[must_use]
pub fn canonical_query(query: Option<&str>) -> String {
    let Some(query) = query else {
        return String::new();
    };
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode_str(key).collect(),
                percent_decode_str(value).collect(),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<String>>()
        .join("&")
}

/// Joins the values of a header sent more than once with `,`, in the order given.
fn join_repeated(sorted: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut joined: Vec<(String, String)> = Vec::with_capacity(sorted.len());
    for (name, value) in sorted {
        match joined.last_mut() {
            Some((last, values)) if *last == name => {
                values.push(',');
                values.push_str(&value);
            }
            _ => joined.push((name, value)),
        }
    }
    joined
}

fn encode(bytes: &[u8]) -> String {
    percent_encode(bytes, UNRESERVED_COMPLEMENT).to_string()
}

/// Lowercase hex SHA-256 of `bytes`.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn sdk_date_is_compact_utc() {
        assert_eq!(
            sdk_date(datetime!(2026-12-04 13:00:00 +01:00)),
            "20261204T120000Z"
        );
    }

    #[test]
    fn canonical_uri_ends_with_one_slash() {
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/v3/a"), "/v3/a/");
        assert_eq!(canonical_uri("/v3/a/"), "/v3/a/");
        assert_eq!(canonical_uri("/a%20b/c%7e/%2F"), "/a%20b/c~/%2F/");
    }

    #[test]
    fn canonical_query_sorts_decoded_pairs() {
        assert_eq!(canonical_query(None), "");
        assert_eq!(canonical_query(Some("")), "");
        assert_eq!(canonical_query(Some("b=2&a=1&a=0")), "a=0&a=1&b=2");
        assert_eq!(canonical_query(Some("flag&x=a+b")), "flag=&x=a%2Bb");
        assert_eq!(canonical_query(Some("name=cn%20north")), "name=cn%20north");
    }

    #[test]
    fn underscore_headers_are_not_signed() {
        let url = Url::parse("https://example.com/x").expect("url");
        let parts = RequestParts {
            method: "get",
            url: &url,
            headers: vec![
                ("X_Trace".to_owned(), "1".to_owned()),
                ("Accept".to_owned(), " */* ".to_owned()),
            ],
            body: b"",
        };
        let secret = SecretString::from("sk".to_owned());
        let key = SigningKey {
            access_key: "ak",
            secret_key: &secret,
        };
        let signed = sign(&parts, datetime!(2026-01-01 0:00 UTC), key);
        assert_eq!(signed.signed_headers, ["accept", "host", "x-sdk-date"]);
        assert!(
            signed
                .canonical_request
                .starts_with("GET\n/x/\n\naccept:*/*\n"),
            "{}",
            signed.canonical_request
        );
    }
}
