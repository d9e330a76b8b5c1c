//! Service endpoints: the base URL requests of a profile are sent to.
//!
//! An endpoint is an absolute `https://` URL, or `http://` for a loopback host only (a local
//! test server or the demo), with no credentials, query or fragment in it. Credentials are only
//! ever sent to the exact scheme, host and port of the endpoint they were configured for.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

/// A validated base URL of a service (`ServiceStage` or IAM).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Endpoint(Url);

/// Why a URL cannot be used as an endpoint.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EndpointError {
    #[error("{value:?} is not an absolute URL ({reason})")]
    Invalid { value: String, reason: String },
    #[error("{value:?} uses plain http to a host that is not loopback; use https://")]
    InsecureHttp { value: String },
    #[error("{value:?} uses the scheme {scheme}; only https:// (and http:// for loopback) work")]
    Scheme { value: String, scheme: String },
    #[error(
        "{value:?} holds a user name or password; put credentials in the profile's credential keys"
    )]
    UserInfo { value: String },
    #[error(
        "{value:?} has a query or fragment; give only scheme, host, port and an optional path prefix"
    )]
    QueryOrFragment { value: String },
}

impl Endpoint {
    /// Validates an endpoint URL from the config or a region table.
    pub fn parse(value: &str) -> Result<Self, EndpointError> {
        let trimmed = value.trim();
        let url = Url::parse(trimmed).map_err(|error| EndpointError::Invalid {
            value: trimmed.to_owned(),
            reason: error.to_string(),
        })?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(EndpointError::InsecureHttp {
                    value: trimmed.to_owned(),
                });
            }
            other => {
                return Err(EndpointError::Scheme {
                    value: trimmed.to_owned(),
                    scheme: other.to_owned(),
                });
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EndpointError::UserInfo {
                value: trimmed.to_owned(),
            });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(EndpointError::QueryOrFragment {
                value: trimmed.to_owned(),
            });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(EndpointError::Invalid {
                value: trimmed.to_owned(),
                reason: "no host".to_owned(),
            });
        }
        Ok(Self(url))
    }

    /// Joins a path below the endpoint's own path prefix (`/v3/...`).
    #[must_use]
    pub fn join(&self, path: &str) -> Url {
        let mut url = self.0.clone();
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}/{}", path.trim_start_matches('/')));
        url
    }

    /// Returns the URL as configured.
    #[must_use]
    pub fn url(&self) -> &Url {
        &self.0
    }

    /// Returns the host and port, as sent in the `Host` header (`127.0.0.1:8080`).
    #[must_use]
    pub fn authority(&self) -> String {
        let host = self.0.host_str().unwrap_or_default();
        match self.0.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// Returns whether `url` points at the same scheme, host and port as this endpoint.
    #[must_use]
    pub fn same_origin(&self, url: &Url) -> bool {
        self.0.origin() == url.origin()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str().trim_end_matches('/'))
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({self})")
    }
}

/// Returns whether `url`'s host is `localhost` or a loopback address (127.0.0.0/8, `::1`).
#[must_use]
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => IpAddr::V4(address).is_loopback(),
        Some(url::Host::Ipv6(address)) => IpAddr::V6(address).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_endpoint_is_accepted() {
        let endpoint =
            Endpoint::parse("https://servicestage.cn-north-4.myhuaweicloud.com").expect("valid");
        assert_eq!(
            endpoint.to_string(),
            "https://servicestage.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            endpoint.authority(),
            "servicestage.cn-north-4.myhuaweicloud.com"
        );
    }

    #[test]
    fn http_is_accepted_for_loopback_only() {
        assert!(Endpoint::parse("http://127.0.0.1:8080").is_ok());
        assert!(Endpoint::parse("http://localhost:8080").is_ok());
        assert!(Endpoint::parse("http://[::1]:8080").is_ok());
        assert_eq!(
            Endpoint::parse("http://servicestage.example.com"),
            Err(EndpointError::InsecureHttp {
                value: "http://servicestage.example.com".to_owned()
            })
        );
        assert!(matches!(
            Endpoint::parse("http://127.0.0.1.example.com"),
            Err(EndpointError::InsecureHttp { .. })
        ));
    }

    #[test]
    fn other_schemes_and_parts_are_rejected() {
        assert!(matches!(
            Endpoint::parse("ftp://example.com"),
            Err(EndpointError::Scheme { .. })
        ));
        assert!(matches!(
            Endpoint::parse("https://user:pw@example.com"),
            Err(EndpointError::UserInfo { .. })
        ));
        assert!(matches!(
            Endpoint::parse("https://example.com/?a=1"),
            Err(EndpointError::QueryOrFragment { .. })
        ));
        assert!(matches!(
            Endpoint::parse("servicestage.example.com"),
            Err(EndpointError::Invalid { .. })
        ));
    }

    #[test]
    fn join_keeps_path_prefix() {
        let endpoint = Endpoint::parse("https://proxy.example.com/servicestage/").expect("valid");
        assert_eq!(
            endpoint.join("/v3/p/assembling/base-images").as_str(),
            "https://proxy.example.com/servicestage/v3/p/assembling/base-images"
        );
        let plain = Endpoint::parse("http://127.0.0.1:9").expect("valid");
        assert_eq!(plain.join("v3/x").as_str(), "http://127.0.0.1:9/v3/x");
        assert_eq!(plain.authority(), "127.0.0.1:9");
    }

    #[test]
    fn same_origin_compares_port() {
        let endpoint = Endpoint::parse("http://127.0.0.1:9000").expect("valid");
        assert!(endpoint.same_origin(&Url::parse("http://127.0.0.1:9000/v3/x").expect("url")));
        assert!(!endpoint.same_origin(&Url::parse("http://127.0.0.1:9001/v3/x").expect("url")));
    }
}
