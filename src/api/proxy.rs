//! The proxy each request goes through, read from the environment.
//!
//! The variables are those reqwest 0.13 reads through hyper-util 0.1: `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, each also in lowercase, with the first one set of
//! each pair used, and all of them ignored when `REQUEST_METHOD` is set (a CGI script). One
//! rule is added: a request to a loopback host (`localhost`, 127.0.0.0/8, `::1`) never goes
//! through a proxy, whatever `NO_PROXY` contains. Requests carry credentials, and a proxy would
//! read them in clear text on an `http://` endpoint, which is allowed only for loopback hosts.
//!
//! The HTTP client routes every request with [`ProxySettings::route`], and error messages name
//! the proxy through the same function, so the two always agree.

use std::fmt;

use hyper_util::client::proxy::matcher::Matcher;
use reqwest::Url;

use crate::endpoint;

/// Proxy URL schemes hyper-util 0.1 accepts; any other value is ignored, as it does.
const PROXY_SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// A proxy that requests to one URL go through, for messages and the log.
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

/// One proxy from the environment.
#[derive(Clone)]
struct ProxyUrl {
    /// The proxy URL, with the user and password it may carry.
    url: Url,
    variable: &'static str,
}

impl ProxyUrl {
    fn route(&self) -> ProxyRoute {
        let host = self.url.host_str().unwrap_or_default();
        let proxy = match self.url.port() {
            Some(port) => format!("{}://{host}:{port}", self.url.scheme()),
            None => format!("{}://{host}", self.url.scheme()),
        };
        ProxyRoute {
            proxy,
            variable: self.variable,
        }
    }
}

/// The proxy settings of the environment.
pub struct ProxySettings {
    /// The proxy for `http://` URLs, from `HTTP_PROXY` or else `ALL_PROXY`.
    http: Option<ProxyUrl>,
    /// The proxy for `https://` URLs, from `HTTPS_PROXY` or else `ALL_PROXY`.
    https: Option<ProxyUrl>,
    /// Applies `NO_PROXY` the way reqwest does.
    matcher: Matcher,
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Proxy URLs may carry a password, so only the routes are shown.
        f.debug_struct("ProxySettings")
            .field("http", &self.http.as_ref().map(ProxyUrl::route))
            .field("https", &self.https.as_ref().map(ProxyUrl::route))
            .finish_non_exhaustive()
    }
}

impl ProxySettings {
    /// Reads the proxy variables of this process.
    #[must_use]
    pub fn from_env() -> Self {
        Self::from_variables(|name| std::env::var(name).ok())
    }

    /// Reads the proxy variables through `variable`, which returns a variable's value when it
    /// is set.
    #[must_use]
    pub fn from_variables(variable: impl Fn(&str) -> Option<String>) -> Self {
        if variable("REQUEST_METHOD").is_some() {
            return Self::from_parts(None, None, "");
        }
        let first_set = |names: [&'static str; 2]| {
            names
                .into_iter()
                .find_map(|name| variable(name).map(|value| (name, value)))
        };
        let proxy = |names| {
            first_set(names).and_then(|(name, value)| {
                Some(ProxyUrl {
                    url: parse_proxy_url(&value)?,
                    variable: name,
                })
            })
        };
        let all = proxy(["ALL_PROXY", "all_proxy"]);
        let http = proxy(["HTTP_PROXY", "http_proxy"]).or_else(|| all.clone());
        let https = proxy(["HTTPS_PROXY", "https_proxy"]).or(all);
        let no_proxy = first_set(["NO_PROXY", "no_proxy"])
            .map(|(_, value)| value)
            .unwrap_or_default();
        Self::from_parts(http, https, &no_proxy)
    }

    fn from_parts(http: Option<ProxyUrl>, https: Option<ProxyUrl>, no_proxy: &str) -> Self {
        let text = |proxy: &Option<ProxyUrl>| {
            proxy
                .as_ref()
                .map(|proxy| proxy.url.to_string())
                .unwrap_or_default()
        };
        let matcher = Matcher::builder()
            .http(text(&http))
            .https(text(&https))
            .no(no_proxy)
            .build();
        Self {
            http,
            https,
            matcher,
        }
    }

    /// Returns whether no proxy is set at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }

    /// Returns the proxy URL, with its credentials, that a request to `url` goes through.
    #[must_use]
    pub fn proxy_url_for(&self, url: &Url) -> Option<Url> {
        self.choose(url).map(|proxy| proxy.url.clone())
    }

    /// Returns the proxy a request to `url` goes through, for messages.
    #[must_use]
    pub fn route(&self, url: &Url) -> Option<ProxyRoute> {
        self.choose(url).map(ProxyUrl::route)
    }

    fn choose(&self, url: &Url) -> Option<&ProxyUrl> {
        if endpoint::is_loopback(url) {
            return None;
        }
        let uri: hyper::Uri = url.as_str().parse().ok()?;
        // `intercept` applies `NO_PROXY`; the proxy itself is taken from this struct, which
        // keeps the credentials and the variable name.
        self.matcher.intercept(&uri)?;
        match url.scheme() {
            "http" => self.http.as_ref(),
            "https" => self.https.as_ref(),
            _ => None,
        }
    }
}

/// Returns the proxy that requests to `url` go through, if any, by this process's variables.
#[must_use]
pub fn route_for(url: &Url) -> Option<ProxyRoute> {
    ProxySettings::from_env().route(url)
}

/// Reads a proxy variable's value: a URL, where a missing scheme means `http://`.
fn parse_proxy_url(value: &str) -> Option<Url> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let url = if value.contains("://") {
        Url::parse(value).ok()?
    } else {
        Url::parse(&format!("http://{value}")).ok()?
    };
    let usable = PROXY_SCHEMES.contains(&url.scheme())
        && url.host_str().is_some_and(|host| !host.is_empty());
    usable.then_some(url)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::region::Region;

    /// Reads the settings from the given variables only.
    fn settings_from(variables: &[(&str, &str)]) -> ProxySettings {
        let variables: BTreeMap<String, String> = variables
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        ProxySettings::from_variables(|name| variables.get(name).cloned())
    }

    /// Returns a catalogue URL on the default `ServiceStage` endpoint of a region, the usual
    /// remote destination. No test here connects to it.
    fn remote_url() -> Url {
        let region = Region::parse("cn-north-4").expect("region");
        region
            .servicestage_endpoint()
            .join("v3/0123456789abcdef0123456789abcdef/assembling/base-images")
    }

    fn url(text: &str) -> Url {
        Url::parse(text).expect("URL")
    }

    /// Builds the route through `proxy`, set by `variable`.
    fn via(proxy: &str, variable: &'static str) -> ProxyRoute {
        ProxyRoute {
            proxy: proxy.to_owned(),
            variable,
        }
    }

    #[test]
    fn remote_https_uses_https_proxy() {
        let settings = settings_from(&[
            ("HTTPS_PROXY", "http://127.0.0.1:3128"),
            ("HTTP_PROXY", "http://127.0.0.1:3129"),
        ]);
        assert_eq!(
            settings.route(&remote_url()),
            Some(via("http://127.0.0.1:3128", "HTTPS_PROXY"))
        );
    }

    #[test]
    fn uppercase_variable_wins_over_lowercase() {
        let both = settings_from(&[
            ("HTTPS_PROXY", "http://127.0.0.1:3128"),
            ("https_proxy", "http://127.0.0.1:3129"),
        ]);
        assert_eq!(
            both.route(&remote_url()),
            Some(via("http://127.0.0.1:3128", "HTTPS_PROXY"))
        );
        let lowercase = settings_from(&[("https_proxy", "127.0.0.1:3129")]);
        assert_eq!(
            lowercase.route(&remote_url()),
            Some(via("http://127.0.0.1:3129", "https_proxy"))
        );
    }

    #[test]
    fn all_proxy_covers_both_schemes() {
        let settings = settings_from(&[("ALL_PROXY", "http://127.0.0.1:3128")]);
        assert_eq!(
            settings.route(&remote_url()),
            Some(via("http://127.0.0.1:3128", "ALL_PROXY"))
        );
        let mut plain = remote_url();
        plain.set_scheme("http").expect("scheme");
        assert_eq!(
            settings.route(&plain),
            Some(via("http://127.0.0.1:3128", "ALL_PROXY"))
        );
    }

    #[test]
    fn loopback_hosts_never_use_a_proxy() {
        let settings = settings_from(&[
            ("HTTPS_PROXY", "http://127.0.0.1:3128"),
            ("HTTP_PROXY", "http://127.0.0.1:3128"),
            ("ALL_PROXY", "http://127.0.0.1:3128"),
        ]);
        for loopback in [
            "http://127.0.0.1:8080/v3/x",
            "http://127.0.0.2:8080/v3/x",
            "https://127.0.0.1:8443/v3/x",
            "http://[::1]:8080/v3/x",
            "http://localhost:8080/v3/x",
            "https://LOCALHOST/v3/x",
        ] {
            assert_eq!(settings.route(&url(loopback)), None, "{loopback}");
            assert_eq!(settings.proxy_url_for(&url(loopback)), None, "{loopback}");
        }
        assert!(settings.route(&remote_url()).is_some());
    }

    #[test]
    fn no_proxy_excludes_remote_hosts() {
        let host = remote_url().host_str().expect("host").to_owned();
        let suffix = host.split_once('.').expect("domain").1.to_owned();
        for no_proxy in [host.as_str(), suffix.as_str(), "*"] {
            let settings = settings_from(&[
                ("HTTPS_PROXY", "http://127.0.0.1:3128"),
                ("NO_PROXY", no_proxy),
            ]);
            assert_eq!(settings.route(&remote_url()), None, "NO_PROXY={no_proxy}");
        }
        let other = settings_from(&[
            ("HTTPS_PROXY", "http://127.0.0.1:3128"),
            ("no_proxy", "example.invalid"),
        ]);
        assert!(other.route(&remote_url()).is_some());
    }

    #[test]
    fn cgi_request_method_turns_proxies_off() {
        let settings = settings_from(&[
            ("HTTPS_PROXY", "http://127.0.0.1:3128"),
            ("REQUEST_METHOD", "GET"),
        ]);
        assert!(settings.is_empty());
        assert_eq!(settings.route(&remote_url()), None);
    }

    #[test]
    fn unusable_value_falls_back_to_all_proxy() {
        let settings = settings_from(&[
            ("HTTPS_PROXY", ""),
            ("https_proxy", "http://127.0.0.1:3129"),
            ("ALL_PROXY", "http://127.0.0.1:3128"),
        ]);
        // The first variable set is used even when empty, as reqwest does, so
        // `https_proxy` is never read.
        assert_eq!(
            settings.route(&remote_url()),
            Some(via("http://127.0.0.1:3128", "ALL_PROXY"))
        );
        let unknown_scheme = settings_from(&[("HTTPS_PROXY", "ftp://127.0.0.1:21")]);
        assert!(unknown_scheme.is_empty());
    }

    #[test]
    fn proxy_credentials_stay_out_of_messages() {
        let settings = settings_from(&[("HTTPS_PROXY", "http://user:pa55word@127.0.0.1:3128")]);
        let proxy = settings.proxy_url_for(&remote_url()).expect("proxy");
        assert_eq!(proxy.username(), "user");
        assert_eq!(proxy.password(), Some("pa55word"));
        let message = settings.route(&remote_url()).expect("route").to_string();
        assert_eq!(message, "http://127.0.0.1:3128 (from HTTPS_PROXY)");
        assert!(!format!("{settings:?}").contains("pa55word"));
    }
}
