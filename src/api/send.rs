//! Sending one request and reading its whole response, for the catalogue and the IAM requests
//! alike: redirects are errors, bodies are capped, and each request is logged.

use std::time::{Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};

use super::{FetchError, REQUEST_ID_HEADER, header_text, transport};
use crate::config::NetworkSettings;
use crate::endpoint::Endpoint;

/// A response read in full.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
    /// When the response head arrived, by this computer's clock.
    pub received_at: SystemTime,
}

/// The destination of a request, for its limits and error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub endpoint: &'a Endpoint,
    /// The profile key that sets the endpoint, for the redirect error.
    pub key: &'static str,
    /// Time limits and the response size cap (`max_body_bytes`).
    pub network: NetworkSettings,
}

/// Sends one request and reads the whole response. A redirect is an error naming its location
/// and is never followed. The request is logged with its status and duration.
pub(crate) async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
    target: &Target<'_>,
    label: &'static str,
) -> Result<Answer, FetchError> {
    let started = Instant::now();
    let endpoint = target.endpoint.to_string();
    let method = request.method().clone();
    let url = request.url().clone();

    let response = http.execute(request).await.map_err(|error| {
        let error = transport::classify(&error, target.endpoint, target.network, false);
        tracing::warn!(
            method = method.as_str(),
            %url,
            elapsed_ms = started.elapsed().as_millis() as u64,
            %error,
            "{label} failed without a response"
        );
        error
    })?;
    let received_at = SystemTime::now();
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
            key: target.key,
        });
    }

    let headers = response.headers().clone();
    let body = read_body(
        response,
        target.network.max_body_bytes,
        target.endpoint,
        target.network,
    )
    .await;
    tracing::info!(
        method = method.as_str(),
        %url,
        status = status.as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        request_id = request_id.as_deref().unwrap_or("-"),
        "{label}"
    );
    Ok(Answer {
        status,
        headers,
        body: body?,
        request_id,
        received_at,
    })
}

/// Reads a response, stopping as soon as it passes `limit` bytes.
async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
    endpoint: &Endpoint,
    network: NetworkSettings,
) -> Result<Vec<u8>, FetchError> {
    let too_large = || FetchError::TooLarge {
        endpoint: endpoint.to_string(),
        limit,
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| transport::classify(&error, endpoint, network, true))?
    {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
