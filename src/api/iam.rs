//! The two IAM requests stage-images sends: the password login and the project lookup.
//!
//! - `POST {iam}/v3/auth/tokens` with a password, scoped to the region's project, returns 201
//!   with the token in the `X-Subject-Token` header and `token.expires_at` in the body.
//! - `GET {iam}/v3/projects?name={region}` returns `{"projects": [{"id", "name"}, …]}`.
//!
//! Both go through [`super::send`], so redirects are errors and never followed, and credentials
//! are attached only for the IAM endpoint's own origin.

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{
    Answer, CONTENT_TYPE_JSON, Client, FetchError, Target, USER_AGENT_TEXT, error, send,
    status_error,
};
use crate::auth::password::LoginScope;
use crate::config::NetworkSettings;
use crate::endpoint::Endpoint;
use crate::region::Region;
use crate::secret::{ExposeSecret, SecretString};

/// Response header carrying the issued token.
const SUBJECT_TOKEN_HEADER: &str = "x-subject-token";

/// Profile key that sets the IAM endpoint, for messages.
const IAM_ENDPOINT_KEY: &str = "iam_endpoint";

/// A token issued by a password login.
#[derive(Debug)]
pub struct IssuedToken {
    pub token: SecretString,
    /// Expiry time of the token; `None` when the response has no readable one.
    pub expires_at: Option<OffsetDateTime>,
}

/// The body of the project lookup response.
#[derive(Deserialize)]
struct ProjectList {
    projects: Vec<ListedProject>,
}

/// The part of the login response body that is read; the token itself is in a header.
#[derive(Deserialize)]
struct LoginBody {
    token: LoginBodyToken,
}

#[derive(Deserialize)]
struct LoginBodyToken {
    expires_at: Option<String>,
}

/// One entry of the project list.
#[derive(Debug, Clone, Deserialize)]
pub struct ListedProject {
    pub id: String,
    pub name: Option<String>,
}

/// The user, account and password of a login, read and ready to send.
#[derive(Debug)]
pub struct PasswordIdentity<'a> {
    pub user: &'a str,
    pub domain: &'a str,
    pub password: &'a SecretString,
}

/// Logs in with a password and returns the token.
pub async fn request_token(
    http: &reqwest::Client,
    iam_endpoint: &Endpoint,
    identity: &PasswordIdentity<'_>,
    scope: &LoginScope,
    network: NetworkSettings,
) -> Result<IssuedToken, FetchError> {
    let project = match scope {
        LoginScope::ProjectName(name) => serde_json::json!({ "name": name }),
        LoginScope::ProjectId(id) => serde_json::json!({ "id": id.as_str() }),
    };
    let body = serde_json::json!({
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "domain": { "name": identity.domain },
                        "name": identity.user,
                        "password": identity.password.expose_secret(),
                    }
                }
            },
            "scope": { "project": project }
        }
    });
    let url = iam_endpoint.join("v3/auth/tokens");
    let mut request = reqwest::Request::new(Method::POST, url);
    set_json_headers(&mut request);
    *request.body_mut() = Some(reqwest::Body::from(body.to_string()));
    let target = Target {
        endpoint: iam_endpoint,
        key: IAM_ENDPOINT_KEY,
        network,
    };
    let answer = send(http, request, &target, "IAM login request")
        .await
        .map_err(|source| wrap("IAM login", iam_endpoint, source))?;
    if matches!(
        answer.status,
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED
    ) {
        return Err(FetchError::LoginRejected {
            endpoint: iam_endpoint.to_string(),
            status: answer.status,
            service: error::parse_service_error(&answer.body).unwrap_or_default(),
            request_id: answer.request_id,
        });
    }
    if !answer.status.is_success() {
        let failure = status_error(answer.status, &answer.body, answer.request_id);
        return Err(wrap("IAM login", iam_endpoint, failure));
    }
    read_token(&answer, iam_endpoint)
}

/// Lists the projects named after `region`, authorized with the client's credentials.
pub async fn list_projects(
    client: &Client,
    iam_endpoint: &Endpoint,
    region: &Region,
) -> Result<Vec<ListedProject>, FetchError> {
    let mut url = iam_endpoint.join("v3/projects");
    url.query_pairs_mut().append_pair("name", region.as_str());
    let build = || {
        let mut request = reqwest::Request::new(Method::GET, url.clone());
        set_json_headers(&mut request);
        request
    };
    let lookup = async {
        let answer = client
            .send_authorized(build, iam_endpoint, IAM_ENDPOINT_KEY, "IAM project lookup")
            .await?;
        if !answer.status.is_success() {
            return Err(status_error(answer.status, &answer.body, answer.request_id));
        }
        Ok(answer)
    };
    let answer = lookup
        .await
        .map_err(|source| wrap("the project id lookup", iam_endpoint, source))?;
    serde_json::from_slice::<ProjectList>(&answer.body)
        .map(|list| list.projects)
        .map_err(|error| FetchError::IamAnswer {
            endpoint: iam_endpoint.to_string(),
            reason: format!(
                "the project list is invalid: expected {{\"projects\": [...]}} ({error})"
            ),
            request_id: answer.request_id,
        })
}

fn set_json_headers(request: &mut reqwest::Request) {
    let headers = request.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_TEXT));
}

/// Wraps an IAM failure with the name of the request, unless the error already names it.
fn wrap(action: &'static str, iam_endpoint: &Endpoint, source: FetchError) -> FetchError {
    match source {
        FetchError::Credentials(_)
        | FetchError::Iam { .. }
        | FetchError::LoginRejected { .. }
        | FetchError::IamAnswer { .. } => source,
        other => FetchError::Iam {
            action,
            endpoint: iam_endpoint.to_string(),
            source: Box::new(other),
        },
    }
}

fn read_token(answer: &Answer, iam_endpoint: &Endpoint) -> Result<IssuedToken, FetchError> {
    let missing = |reason: &str| FetchError::IamAnswer {
        endpoint: iam_endpoint.to_string(),
        reason: reason.to_owned(),
        request_id: answer.request_id.clone(),
    };
    let token = answer
        .headers
        .get(SUBJECT_TOKEN_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| missing("the login response has no X-Subject-Token header"))?;
    let token = SecretString::from(token.to_owned());
    let expires_at = serde_json::from_slice::<LoginBody>(&answer.body)
        .ok()
        .and_then(|body| body.token.expires_at)
        .and_then(|text| OffsetDateTime::parse(&text, &Rfc3339).ok());
    if expires_at.is_none() {
        tracing::warn!(endpoint = %iam_endpoint, "the login response has no readable token.expires_at; the token is not cached");
    }
    Ok(IssuedToken { token, expires_at })
}
