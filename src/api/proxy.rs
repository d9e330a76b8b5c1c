//! The proxy a request goes through, for messages and the log.
//!
//! reqwest 0.13 reads `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (each also in
//! lowercase) when the client is built, through hyper-util's proxy matcher, and ignores them
//! all when `REQUEST_METHOD` is set (a CGI script). This module queries the same matcher, so
//! errors can name the proxy that was used. It never changes where requests go.

use std::fmt;

use hyper_util::client::proxy::matcher::Matcher;
use reqwest::Url;

/// A proxy that requests to one URL go through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyRoute {
    /// The proxy's scheme, host and port, without credentials (`http://proxy.corp:3128`).
    pub proxy: String,
    /// The environment variable that set it (`HTTPS_PROXY`).
    pub variable: &'static str,
}

impl fmt::Display for ProxyRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {})", self.proxy, self.variable)
    }
}

/// Returns the proxy that requests to `url` go through, if any.
#[must_use]
pub fn route_for(url: &Url) -> Option<ProxyRoute> {
    let uri: hyper::Uri = url.as_str().parse().ok()?;
    let intercept = Matcher::from_system().intercept(&uri)?;
    let proxy = intercept.uri().to_string().trim_end_matches('/').to_owned();
    Some(ProxyRoute {
        proxy,
        variable: variable_for(url.scheme()),
    })
}

/// Returns the first proxy variable set for a scheme, in the order the matcher reads them.
fn variable_for(scheme: &str) -> &'static str {
    let names: &[&'static str] = if scheme == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    names
        .iter()
        .find(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
        .copied()
        .unwrap_or("the system settings")
}
