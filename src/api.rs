//! The `ServiceStage` API client: one `reqwest::Client` and one request, the catalogue.
//!
//! `GET {endpoint}/v3/{project_id}/assembling/base-images` returns a JSON object mapping
//! language names to version arrays. This module sends it with the profile's credentials,
//! maps every failure to a [`FetchError`] a person can act on, and decodes the answer. A body
//! of 64 KiB or more is decoded off the async runtime's thread; a smaller one is decoded on it.
//! Redirects are never followed: a 3xx becomes an error naming the location, so credentials
//! never travel to another host. The IAM requests that come before it (password login, project
//! id lookup) live in [`iam`] and [`project`].

pub mod clock_skew;
pub mod error;
mod http_client;
pub mod iam;
pub mod project;
pub mod proxy;
pub mod retry;
mod send;
mod transport;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{
    ACCEPT, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};

pub use error::{FetchError, ServiceError};
pub use retry::RetryNotice;

use crate::auth::password::{self, LoginScope, LoginSession};
use crate::auth::sdk::{SdkError, SdkLookup};
use crate::auth::store::CacheFile;
use crate::auth::{Authenticator, Authorized, Credentials};
use crate::catalogue::decode::Problems;
use crate::catalogue::{self, Catalogue};
use crate::config::{NetworkSettings, Profile};
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;
use clock_skew::ClockOffset;
use http_client::build_http;
use project::ProjectResolver;
use retry::{Attempted, Clock, RetryPolicy, TokioClock};
use send::{Answer, Target, send};

/// Content type the API documents as mandatory.
pub const CONTENT_TYPE_JSON: &str = "application/json;charset=utf8";

/// Header the API gateway uses to identify a request for support.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// `User-Agent` of every request. It is set on each request, not only as the client's
/// default, so that AK/SK signatures cover it.
const USER_AGENT_TEXT: &str = concat!("stage-images/", env!("CARGO_PKG_VERSION"));

/// A catalogue as fetched, with what was skipped and how to find the request again.
#[derive(Debug)]
pub struct Fetched {
    pub catalogue: Catalogue,
    pub problems: Problems,
    pub request_id: Option<String>,
    /// The project the catalogue belongs to, configured or resolved from the region.
    pub project_id: ProjectId,
    pub fetched_at: SystemTime,
    /// Time from sending the first request to having the catalogue decoded, retries included.
    pub elapsed: Duration,
}

/// Sends requests for one profile.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    project: Arc<ProjectResolver>,
    auth: Arc<Authenticator>,
    network: NetworkSettings,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

/// Error of an HTTP client that could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    #[error("{0}")]
    Http(String),
    /// The profile names no credentials and the official SDKs' places hold none either.
    #[error(transparent)]
    Credentials(#[from] SdkError),
    /// The thread building the client ended before it finished: it panicked, or the runtime
    /// shut down.
    #[error("building the client stopped before it finished: {0}")]
    Interrupted(String),
}

impl Client {
    /// Builds the client of a profile, with its caches in the platform's cache folder.
    pub fn new(profile: &Profile) -> Result<Self, ClientBuildError> {
        Self::for_profile(profile, crate::config::location::cache_dir().as_deref())
    }

    /// Builds the client of a profile, with its caches (IAM token, project id) in `cache_dir`,
    /// or in memory only when it is `None`.
    ///
    /// A profile without credential keys gets them from the official SDKs' environment
    /// variables or credentials file here, unless [`Profile::resolve_sdk_fallback`] already
    /// did.
    pub fn for_profile(
        profile: &Profile,
        cache_dir: Option<&Path>,
    ) -> Result<Self, ClientBuildError> {
        let mut profile = profile.clone();
        for warning in profile.resolve_sdk_fallback(&SdkLookup::from_process())? {
            tracing::warn!("{warning}");
        }
        let iam_endpoint = profile.effective_iam_endpoint();
        // IAM is contacted to log in with a password or to find the project id of the region.
        let uses_iam =
            matches!(profile.credentials, Credentials::Password(_)) || profile.project_id.is_none();
        let contacted: Vec<&Endpoint> = if uses_iam {
            vec![&profile.endpoint, &iam_endpoint]
        } else {
            vec![&profile.endpoint]
        };
        let http = build_http(
            profile.network,
            profile.ca_bundle.as_ref(),
            &profile.endpoint,
            &contacted,
        )?;
        let cache = |folder: &str| cache_dir.map(|dir| CacheFile::new(dir, folder, &profile.name));
        let auth = match &profile.credentials {
            Credentials::Password(_) => {
                let scope = match &profile.project_id {
                    Some(id) => LoginScope::ProjectId(id.clone()),
                    None => LoginScope::ProjectName(profile.region.to_string()),
                };
                let session = LoginSession {
                    http: http.clone(),
                    iam_endpoint: iam_endpoint.clone(),
                    scope,
                    cache: cache(password::TOKEN_FOLDER),
                    network: profile.network,
                };
                Authenticator::with_login(profile.credentials.clone(), session)
            }
            _ => Authenticator::new(profile.credentials.clone()),
        };
        let project = match &profile.project_id {
            Some(id) => ProjectResolver::known(id.clone()),
            None => ProjectResolver::from_region(
                profile.region.clone(),
                iam_endpoint,
                cache(project::PROJECT_FOLDER),
            ),
        };
        Ok(Self {
            http,
            endpoint: profile.endpoint.clone(),
            project: Arc::new(project),
            auth: Arc::new(auth),
            network: profile.network,
            retry: RetryPolicy::from_settings(&profile.network),
            clock: Arc::new(TokioClock),
        })
    }

    /// Builds a client from its parts (used by the demo and tests).
    pub fn with_parts(
        endpoint: Endpoint,
        project_id: ProjectId,
        credentials: Credentials,
        network: NetworkSettings,
    ) -> Result<Self, ClientBuildError> {
        Ok(Self {
            http: build_http(network, None, &endpoint, &[&endpoint])?,
            endpoint,
            project: Arc::new(ProjectResolver::known(project_id)),
            auth: Arc::new(Authenticator::new(credentials)),
            network,
            retry: RetryPolicy::from_settings(&network),
            clock: Arc::new(TokioClock),
        })
    }

    /// Replaces the clock that times retries, so tests can count and bound the waits without
    /// sleeping.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Returns the URL of the catalogue request for a project.
    #[must_use]
    pub fn catalogue_url(&self, project_id: &ProjectId) -> Url {
        self.endpoint
            .join(&format!("v3/{project_id}/assembling/base-images"))
    }

    /// Returns the endpoint requests go to.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Returns the project id when it is configured or already resolved, without a request.
    #[must_use]
    pub fn known_project_id(&self) -> Option<ProjectId> {
        self.project.known_now()
    }

    /// Fetches and decodes the catalogue, resolving the project id first when needed and
    /// retrying failures that may pass.
    pub async fn fetch_catalogue(&self) -> Result<Fetched, FetchError> {
        self.fetch_catalogue_reporting(&mut |_| {}).await
    }

    /// Fetches and decodes the catalogue like [`Client::fetch_catalogue`], passing each retry
    /// notice to `on_retry` before its wait starts.
    pub async fn fetch_catalogue_reporting(
        &self,
        on_retry: &mut (dyn FnMut(&RetryNotice) + Send),
    ) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let mut rng = fastrand::Rng::new();
        let mut fetched = retry::run(&self.retry, self.clock.as_ref(), &mut rng, on_retry, |_| {
            self.attempt()
        })
        .await?;
        fetched.elapsed = started.elapsed();
        Ok(fetched)
    }

    /// Resolves the project id when needed, sends the catalogue request once and reads the
    /// response.
    async fn attempt(&self) -> Result<Fetched, Attempted> {
        let started = Instant::now();
        let project_id = self.project.project_id(self).await?;
        let url = self.catalogue_url(&project_id);
        let answer = self
            .send_authorized(
                || catalogue_request(&url),
                &self.endpoint,
                "endpoint",
                "catalogue request",
            )
            .await?;
        if answer.status == StatusCode::NOT_FOUND {
            // A project id cached in an earlier run may belong to a deleted project.
            self.project.forget_resolved().await;
        }
        let Answer {
            status,
            headers,
            body,
            request_id,
            received_at,
        } = answer;
        if !status.is_success() {
            let mut error = status_error(status, &body, request_id);
            if let FetchError::ClockSkew { offset, .. } = &mut error {
                *offset = header_text(&headers, DATE.as_str())
                    .and_then(|date| ClockOffset::from_date_header(&date, received_at));
            }
            let retry_after = header_text(&headers, RETRY_AFTER.as_str())
                .and_then(|value| retry::parse_retry_after(&value, received_at));
            return Err(Attempted { error, retry_after });
        }
        let endpoint = self.endpoint.to_string();
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
            project_id,
            fetched_at: SystemTime::now(),
            elapsed: started.elapsed(),
        })
    }

    /// Authorizes and sends the request `build` makes. After a 401 the secrets kept in memory
    /// are dropped, and when an IAM token from an earlier login was used, the request is sent
    /// once more with a new login.
    pub(crate) async fn send_authorized(
        &self,
        build: impl Fn() -> reqwest::Request,
        endpoint: &Endpoint,
        key: &'static str,
        label: &'static str,
    ) -> Result<Answer, FetchError> {
        let mut request = build();
        let authorized = self.authorize_for(&mut request, endpoint).await?;
        let answer = self.send(request, endpoint, key, label).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        // A token read from an env var or command may have been renewed since.
        self.auth.forget().await;
        if !authorized.may_renew() {
            return Ok(answer);
        }
        tracing::info!(%endpoint, "{label}: the IAM token was rejected with 401; logging in again");
        let mut request = build();
        self.authorize_for(&mut request, endpoint).await?;
        self.send(request, endpoint, key, label).await
    }

    /// Adds the credentials to `request`, but only when it goes to `endpoint`'s own origin.
    pub(crate) async fn authorize_for(
        &self,
        request: &mut reqwest::Request,
        endpoint: &Endpoint,
    ) -> Result<Authorized, FetchError> {
        if endpoint.same_origin(request.url()) {
            self.auth.authorize(request).await
        } else {
            tracing::warn!(url = %request.url(), %endpoint, "request outside the endpoint sent without credentials");
            Ok(Authorized::default())
        }
    }

    /// Sends a request with this client's limits; see [`send`].
    pub(crate) async fn send(
        &self,
        request: reqwest::Request,
        endpoint: &Endpoint,
        key: &'static str,
        label: &'static str,
    ) -> Result<Answer, FetchError> {
        let target = Target {
            endpoint,
            key,
            network: self.network,
        };
        send(&self.http, request, &target, label).await
    }
}

/// Builds the catalogue request, without credentials.
fn catalogue_request(url: &Url) -> reqwest::Request {
    let mut request = reqwest::Request::new(Method::GET, url.clone());
    let headers = request.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_TEXT));
    request
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

fn status_error(status: StatusCode, body: &[u8], request_id: Option<String>) -> FetchError {
    let service = error::parse_service_error(body).unwrap_or_default();
    let body_text = if service == ServiceError::default() && !body.is_empty() {
        Some(error::sanitize(&String::from_utf8_lossy(body), 200))
    } else {
        None
    };
    if status == StatusCode::UNAUTHORIZED
        && clock_skew::reports_clock_problem(&service, body_text.as_deref())
    {
        // The caller adds the offset when it has the response's `Date` header.
        return FetchError::ClockSkew {
            service,
            body_text,
            request_id,
            offset: None,
        };
    }
    FetchError::Status {
        status,
        service,
        body_text,
        request_id,
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(|text| error::sanitize(text, 200))
        .filter(|text| !text.is_empty())
}
