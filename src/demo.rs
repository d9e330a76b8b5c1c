//! The demo: the bundled catalogue served from 127.0.0.1 inside the process.
//!
//! The demo goes through the same client, credentials and decoding as a real profile; only the
//! server is local. It responds like the real API: the catalogue for the right path and token,
//! 401 and 404 error bodies otherwise, with an `X-Request-Id` header. A short delay before each
//! answer makes the loading state visible.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::auth::Credentials;
use crate::config::{NetworkSettings, Profile};
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;
use crate::region::Region;
use crate::secret::{SecretSource, SecretString};

/// The bundled demo catalogue (demo data, not from any real region).
pub const CATALOGUE_JSON: &str = include_str!("../assets/demo-catalogue.json");

/// Project id of the demo profile.
pub const PROJECT_ID: &str = "d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0";

/// Token the demo server expects; it guards nothing and is not a secret.
pub const TOKEN: &str = "demo-token";

/// Region shown for the demo profile.
pub const REGION: &str = "cn-north-4";

/// Delay before each response, so the loading state can be seen.
pub const DEFAULT_DELAY: Duration = Duration::from_millis(700);

/// Environment variable that sets the delay in milliseconds (for tests and benchmarks).
pub const DELAY_ENV: &str = "STAGE_IMAGES_DEMO_DELAY_MS";

/// The demo server, running until dropped.
#[derive(Debug)]
pub struct DemoServer {
    endpoint: Endpoint,
    task: JoinHandle<()>,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DemoServer {
    /// Starts the server on a free port of 127.0.0.1.
    pub async fn start(delay: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let endpoint = Endpoint::parse(&format!("http://{address}"))
            .map_err(|error| std::io::Error::other(error.to_string()))?;
        let requests = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let requests = Arc::clone(&requests);
                tokio::spawn(async move {
                    let service =
                        service_fn(move |request| answer(request, delay, Arc::clone(&requests)));
                    if let Err(error) = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                    {
                        tracing::debug!(%error, "demo server connection ended with an error");
                    }
                });
            }
        });
        tracing::info!(%endpoint, "demo server started");
        Ok(Self { endpoint, task })
    }

    /// Returns the delay from `STAGE_IMAGES_DEMO_DELAY_MS`, else the default.
    #[must_use]
    pub fn delay_from_env() -> Duration {
        std::env::var(DELAY_ENV)
            .ok()
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map_or(DEFAULT_DELAY, Duration::from_millis)
    }

    /// Returns the server's base URL.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Returns a profile that browses this server.
    #[must_use]
    pub fn profile(&self) -> Profile {
        Profile {
            name: "demo".to_owned(),
            region: Region::parse(REGION)
                .unwrap_or_else(|error| unreachable!("demo region: {error}")),
            project_id: Some(
                ProjectId::parse(PROJECT_ID)
                    .unwrap_or_else(|error| unreachable!("demo project id: {error}")),
            ),
            endpoint: self.endpoint.clone(),
            // The demo never talks to IAM; pointing it here keeps every request on loopback.
            iam_endpoint: Some(self.endpoint.clone()),
            credentials: Credentials::Token(SecretSource::Inline(SecretString::from(
                TOKEN.to_owned(),
            ))),
            network: NetworkSettings {
                connect_timeout: Duration::from_secs(5),
                timeout: Duration::from_secs(30),
                ..NetworkSettings::default()
            },
            ca_bundle: None,
        }
    }
}

async fn answer(
    request: Request<Incoming>,
    delay: Duration,
    requests: Arc<AtomicU64>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    tokio::time::sleep(delay).await;
    let number = requests.fetch_add(1, Ordering::Relaxed) + 1;
    let expected_path = format!("/v3/{PROJECT_ID}/assembling/base-images");
    let token = request
        .headers()
        .get("x-auth-token")
        .and_then(|value| value.to_str().ok());
    let (status, body) = if request.uri().path() != expected_path
        || request.method() != hyper::Method::GET
    {
        (
            StatusCode::NOT_FOUND,
            r#"{"error_code":"DEMO.404","error_msg":"The demo server only serves the base image catalogue"}"#,
        )
    } else if token != Some(TOKEN) {
        (
            StatusCode::UNAUTHORIZED,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#,
        )
    } else {
        (StatusCode::OK, CATALOGUE_JSON)
    };
    let response = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-request-id", format!("demo-{number:04}"))
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap_or_else(|error| unreachable!("static demo response: {error}"));
    Ok(response)
}
