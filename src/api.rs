//! The `ServiceStage` API client: one `reqwest::Client` and one request, the catalogue.
//!
//! `GET {endpoint}/v3/{project_id}/assembling/base-images` answers a JSON object mapping
//! language names to version arrays. This module sends it with the profile's credentials,
//! maps every failure to a [`FetchError`] a person can act on, and decodes the answer off the
//! async runtime's thread. Redirects are never followed: a 3xx becomes an error naming the
//! location, so credentials never travel to another host.

pub mod error;

use std::sync::{Arc, Once};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode, Url};

pub use error::{FetchError, ServiceError};

use crate::auth::{Authenticator, Credentials};
use crate::catalogue::decode::Problems;
use crate::catalogue::{self, Catalogue};
use crate::config::{NetworkSettings, Profile};
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;

/// Content type the API documents as mandatory.
pub const CONTENT_TYPE_JSON: &str = "application/json;charset=utf8";

/// Largest answer read, in bytes; a catalogue is a few KiB, so this only stops runaways.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Header the API gateway uses to identify a request for support.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A catalogue as fetched, with what was skipped and how to find the request again.
#[derive(Debug)]
pub struct Fetched {
    pub catalogue: Catalogue,
    pub problems: Problems,
    pub request_id: Option<String>,
    pub fetched_at: SystemTime,
    /// Time from sending the request to having the catalogue decoded.
    pub elapsed: Duration,
}

/// Sends requests for one profile.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    project_id: ProjectId,
    auth: Arc<Authenticator>,
    network: NetworkSettings,
    max_body_bytes: usize,
}

/// Why the HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct ClientBuildError(String);

impl Client {
    /// Builds the client of a profile.
    pub fn new(profile: &Profile) -> Result<Self, ClientBuildError> {
        Self::with_parts(
            profile.endpoint.clone(),
            profile.project_id.clone(),
            profile.credentials.clone(),
            profile.network,
        )
    }

    /// Builds a client from its parts (used by the demo and tests).
    pub fn with_parts(
        endpoint: Endpoint,
        project_id: ProjectId,
        credentials: Credentials,
        network: NetworkSettings,
    ) -> Result<Self, ClientBuildError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(network.connect_timeout)
            .timeout(network.timeout)
            .user_agent(concat!("stage-images/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientBuildError(error_chain(&error)))?;
        Ok(Self {
            http,
            endpoint,
            project_id,
            auth: Arc::new(Authenticator::new(credentials)),
            network,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// The URL of the catalogue request.
    #[must_use]
    pub fn catalogue_url(&self) -> Url {
        self.endpoint
            .join(&format!("v3/{}/assembling/base-images", self.project_id))
    }

    /// The endpoint requests go to.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Fetches and decodes the catalogue.
    pub async fn fetch_catalogue(&self) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let url = self.catalogue_url();
        let endpoint = self.endpoint.to_string();
        let mut request = reqwest::Request::new(Method::GET, url.clone());
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        // Credentials are only ever attached to a request for the profile's own endpoint.
        if self.endpoint.same_origin(request.url()) {
            self.auth.authorize(&mut request).await?;
        }

        let response = self.http.execute(request).await.map_err(|error| {
            let error = transport_error(&error, &endpoint, self.network);
            tracing::warn!(
                method = "GET",
                %url,
                elapsed_ms = started.elapsed().as_millis() as u64,
                %error,
                "catalogue request failed without an answer"
            );
            error
        })?;
        let status = response.status();
        let request_id = header_text(response.headers(), REQUEST_ID_HEADER);
        if status.is_redirection() {
            let location = header_text(response.headers(), LOCATION.as_str())
                .unwrap_or_else(|| "(no Location header)".to_owned());
            tracing::warn!(%url, status = status.as_u16(), %location, "redirect not followed");
            return Err(FetchError::Redirect {
                endpoint,
                status: status.as_u16(),
                location,
            });
        }
        let body = read_body(response, self.max_body_bytes, &endpoint, self.network).await;
        tracing::info!(
            method = "GET",
            %url,
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            request_id = request_id.as_deref().unwrap_or("-"),
            "catalogue request"
        );
        let body = body?;
        if !status.is_success() {
            if status == StatusCode::UNAUTHORIZED {
                // A token read from an env var or command may have been renewed since.
                self.auth.forget().await;
            }
            return Err(status_error(status, &body, request_id));
        }
        let decoded = decode_off_thread(body)
            .await
            .map_err(|source| FetchError::Decode {
                endpoint: endpoint.clone(),
                source,
                request_id: request_id.clone(),
            })?;
        if !decoded.problems.is_empty() {
            tracing::warn!(count = decoded.problems.total(), first = %decoded.problems.kept()[0], "skipped invalid catalogue data");
        }
        Ok(Fetched {
            catalogue: decoded.catalogue,
            problems: decoded.problems,
            request_id,
            fetched_at: SystemTime::now(),
            elapsed: started.elapsed(),
        })
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

async fn decode_off_thread(body: Vec<u8>) -> Result<catalogue::Decoded, catalogue::DecodeError> {
    // Large catalogues take tens of milliseconds to decode and sort; keep that off the thread
    // that draws the screen.
    if body.len() < 64 * 1024 {
        return catalogue::decode(&body);
    }
    match tokio::task::spawn_blocking(move || catalogue::decode(&body)).await {
        Ok(result) => result,
        Err(join_error) => std::panic::resume_unwind(join_error.into_panic()),
    }
}

async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    endpoint: &str,
    network: NetworkSettings,
) -> Result<Vec<u8>, FetchError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(FetchError::TooLarge {
            endpoint: endpoint.to_owned(),
            limit,
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| transport_error(&error, endpoint, network))?
    {
        if body.len() + chunk.len() > limit {
            return Err(FetchError::TooLarge {
                endpoint: endpoint.to_owned(),
                limit,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn status_error(status: StatusCode, body: &[u8], request_id: Option<String>) -> FetchError {
    let service = error::parse_service_error(body).unwrap_or_default();
    let body_text = if service == ServiceError::default() && !body.is_empty() {
        Some(error::sanitize(&String::from_utf8_lossy(body), 200))
    } else {
        None
    };
    FetchError::Status {
        status,
        service,
        body_text,
        request_id,
    }
}

fn transport_error(error: &reqwest::Error, endpoint: &str, network: NetworkSettings) -> FetchError {
    let endpoint = endpoint.to_owned();
    if error.is_timeout() {
        let after = if error.is_connect() {
            network.connect_timeout
        } else {
            network.timeout
        };
        return FetchError::Timeout { endpoint, after };
    }
    let reason = error_chain(error);
    if error.is_connect() {
        return FetchError::Connect { endpoint, reason };
    }
    FetchError::Other { endpoint, reason }
}

/// Joins an error and its sources into one line, skipping repeats.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(error);
    while let Some(cause) = current {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = cause.source();
    }
    parts.join(": ")
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(|text| error::sanitize(text, 200))
        .filter(|text| !text.is_empty())
}
