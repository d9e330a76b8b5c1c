//! Turning transport failures (timeouts, refused or broken connections, untrusted
//! certificates) into a [`FetchError`] a person can act on.
//!
//! reqwest reports these as a chain of library errors. The chain goes to the log, and the user
//! gets a short reason found in it (`connection refused`, `unknown issuer`) and what to do.

use std::error::Error as StdError;
use std::io;

use rustls::CertificateError;

use super::{FetchError, proxy};
use crate::config::NetworkSettings;
use crate::endpoint::Endpoint;

/// Classifies a reqwest error. `reading_body` is true once the response body was being read.
pub fn classify(
    error: &reqwest::Error,
    endpoint: &Endpoint,
    network: NetworkSettings,
    reading_body: bool,
) -> FetchError {
    let chain = error_chain(error);
    tracing::debug!(%endpoint, error = %chain, "transport failure");
    if let Some(reason) = certificate_problem(error) {
        return FetchError::Certificate {
            host: endpoint.url().host_str().unwrap_or_default().to_owned(),
            reason,
        };
    }
    let proxy = proxy::route_for(endpoint.url());
    let endpoint = endpoint.to_string();
    if error.is_timeout() {
        return if error.is_connect() {
            FetchError::ConnectTimeout {
                endpoint,
                after: network.connect_timeout,
            }
        } else {
            FetchError::Timeout {
                endpoint,
                after: network.timeout,
            }
        };
    }
    let reason = short_reason(error).unwrap_or_else(|| innermost(error));
    if error.is_connect() && !reading_body {
        return match proxy {
            Some(proxy) => FetchError::ProxyConnect {
                endpoint,
                proxy: proxy.to_string(),
                reason,
            },
            None => FetchError::Connect { endpoint, reason },
        };
    }
    if reading_body || error.is_request() || error.is_body() || error.is_decode() {
        return FetchError::Interrupted { endpoint, reason };
    }
    FetchError::Other {
        endpoint,
        reason: chain,
    }
}

/// Explains why the HTTP client could not be built, with the fix when it is known.
pub fn describe_build_error(error: &reqwest::Error) -> String {
    let chain = error_chain(error);
    // The wording of rustls-platform-verifier 0.7 on Linux when the system store is empty;
    // `missing_system_certificates_are_explained` in tests/network.rs notices a change.
    if chain.contains("No CA certificates were loaded from the system") {
        return "no CA certificates found on this system (nor in SSL_CERT_FILE or SSL_CERT_DIR when \
                set); install the system's CA certificates package, or set `ca_bundle` in the \
                profile to a PEM file"
            .to_owned();
    }
    format!("cannot set up the HTTP client: {chain}")
}

/// Joins an error and its sources into one line, skipping repeats.
pub fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in causes(error) {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Lists the error and every cause below it. It also looks inside each `io::Error`, because
/// its `source` skips the error it wraps.
fn causes<'a>(error: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut found = Vec::new();
    let mut current = Some(error);
    while let Some(cause) = current {
        found.push(cause);
        current = match cause
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => cause.source(),
        };
    }
    found
}

/// Returns why the server's certificate was rejected, when that is what failed.
fn certificate_problem(error: &reqwest::Error) -> Option<String> {
    causes(error).into_iter().find_map(|cause| {
        let rustls::Error::InvalidCertificate(problem) = cause.downcast_ref::<rustls::Error>()?
        else {
            return None;
        };
        Some(match problem {
            CertificateError::UnknownIssuer => {
                "it is issued by an unknown certificate authority".to_owned()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "it has expired (or this computer's clock is wrong)".to_owned()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "it is not valid yet (or this computer's clock is wrong)".to_owned()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "it is not valid for this host name".to_owned()
            }
            CertificateError::Revoked => "it has been revoked".to_owned(),
            other => rustls::Error::InvalidCertificate(other.clone()).to_string(),
        })
    })
}

/// Returns a short reason from the operating system's error, when the chain contains one.
fn short_reason(error: &reqwest::Error) -> Option<String> {
    let causes = causes(error);
    let texts: Vec<String> = causes.iter().map(ToString::to_string).collect();
    if texts.iter().any(|text| text.starts_with("dns error")) {
        return Some("the host name could not be resolved".to_owned());
    }
    let operating_system = causes.iter().find_map(|cause| {
        let kind = cause.downcast_ref::<io::Error>()?.kind();
        let text = match kind {
            io::ErrorKind::ConnectionRefused => "connection refused",
            io::ErrorKind::ConnectionReset => "connection reset",
            io::ErrorKind::ConnectionAborted => "connection aborted",
            io::ErrorKind::UnexpectedEof => "connection closed early",
            io::ErrorKind::HostUnreachable => "host unreachable",
            io::ErrorKind::NetworkUnreachable => "network unreachable",
            io::ErrorKind::AddrNotAvailable => "address not available",
            _ => return None,
        };
        Some(text.to_owned())
    });
    if operating_system.is_some() {
        return operating_system;
    }
    // hyper-util 0.1 words a failed `CONNECT` as "tunnel error: <reason>".
    if let Some(reason) = texts
        .iter()
        .find_map(|text| text.strip_prefix("tunnel error: "))
    {
        return Some(match reason {
            "unsuccessful" => "the proxy rejected the tunnel (CONNECT)".to_owned(),
            "proxy authorization required" => {
                "the proxy requires authentication (HTTP 407); put the user and password in the \
                 proxy URL"
                    .to_owned()
            }
            other => format!("proxy tunnel failed: {other}"),
        });
    }
    None
}

/// Returns the deepest cause's message, which names the failure closest to the network.
fn innermost(error: &reqwest::Error) -> String {
    causes(error)
        .last()
        .map_or_else(|| error.to_string(), ToString::to_string)
}
