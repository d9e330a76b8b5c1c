//! Building the one `reqwest::Client` of a profile: no redirects, the profile's timeouts, the
//! environment's proxies except for loopback hosts, and TLS verified against the system's CA
//! certificates plus the profile's `ca_bundle`.

use std::sync::{Arc, Once};

use super::proxy::ProxySettings;
use super::{ClientBuildError, USER_AGENT_TEXT, transport};
use crate::config::NetworkSettings;
use crate::config::network::CaBundle;
use crate::endpoint::Endpoint;

/// Builds the one HTTP client of a profile: no redirects, the profile's timeouts, the proxies
/// of the environment, the system's CA certificates and the profile's `ca_bundle`.
///
/// `endpoints` are every endpoint the client may contact. When all of them are plain http (the
/// demo, a local server), the system's CA certificates are not loaded: reading them takes a few
/// milliseconds of every start, and no request of this client could use them. When none of
/// them goes through a proxy (all are loopback hosts, or no proxy variable applies), the client
/// has no proxy at all.
pub(super) fn build_http(
    network: NetworkSettings,
    ca_bundle: Option<&CaBundle>,
    endpoint: &Endpoint,
    endpoints: &[&Endpoint],
) -> Result<reqwest::Client, ClientBuildError> {
    install_crypto_provider();
    let proxies = ProxySettings::from_env();
    let mut uses_proxy = false;
    for contacted in endpoints {
        if let Some(proxy) = proxies.route(contacted.url()) {
            tracing::info!(endpoint = %contacted, %proxy, "requests go through a proxy");
            uses_proxy = true;
        }
    }
    let proxies = uses_proxy.then(|| Arc::new(proxies));
    let builder = || {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // reqwest's own reading of the proxy variables would send requests for loopback
            // hosts through the proxy too, so the proxy is chosen by `ProxySettings` instead.
            .no_proxy()
            .connect_timeout(network.connect_timeout)
            .timeout(network.timeout)
            .user_agent(USER_AGENT_TEXT);
        if let Some(proxies) = &proxies {
            let proxies = Arc::clone(proxies);
            builder = builder.proxy(reqwest::Proxy::custom(move |url| {
                proxies.proxy_url_for(url)
            }));
        }
        if let Some(bundle) = ca_bundle {
            let certificates = bundle
                .certificates
                .iter()
                .filter_map(|der| reqwest::Certificate::from_der(der).ok());
            builder = builder.tls_certs_merge(certificates);
        }
        builder
    };
    if ca_bundle.is_none()
        && endpoints
            .iter()
            .all(|endpoint| endpoint.url().scheme() == "http")
    {
        return builder()
            .tls_certs_only(Vec::new())
            .build()
            .map_err(|error| ClientBuildError::Http(transport::describe_build_error(&error)));
    }
    match builder().build() {
        Ok(http) => Ok(http),
        // A plain-http endpoint (the demo, a local server) never needs the system's CA
        // certificates, so a system without any must not stop it.
        Err(error) if endpoint.url().scheme() == "http" => {
            tracing::warn!(error = %transport::error_chain(&error), "TLS set-up failed; plain http only");
            builder()
                .tls_certs_only(Vec::new())
                .build()
                .map_err(|error| ClientBuildError::Http(transport::describe_build_error(&error)))
        }
        Err(error) => Err(ClientBuildError::Http(transport::describe_build_error(
            &error,
        ))),
    }
}

/// Installs the process-wide TLS crypto provider once (reqwest is built without a default).
fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Fails only when a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
