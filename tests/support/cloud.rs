//! Loopback stand-ins for IAM and `ServiceStage` that check credentials the way the real ones
//! do: IAM issues tokens for one user and lists projects, `ServiceStage` serves the catalogue
//! only to a token IAM issued (or a static one) or to a valid AK/SK signature.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::server::{Received, Reply, TestServer};
use super::signature::Verifier;
use super::{DOCUMENTED_EXAMPLE, PROJECT_ID};

/// Settings of the IAM stand-in: the user it accepts and the projects it lists.
#[derive(Debug, Clone)]
pub struct IamOptions {
    pub user: String,
    pub domain: String,
    pub password: String,
    /// How long issued tokens live.
    pub token_lifetime: Duration,
    /// Projects listed by `GET /v3/projects` as (id, name); the `name` filter is applied.
    pub projects: Vec<(String, String)>,
    /// Tokens that work without a login (for token profiles).
    pub static_tokens: Vec<String>,
    /// The security token AK/SK requests must carry, if any.
    pub security_token: Option<String>,
    /// Wait before answering the project lookup, so a test can see the state before it.
    pub lookup_delay: std::time::Duration,
}

impl Default for IamOptions {
    fn default() -> Self {
        Self {
            user: "alice".to_owned(),
            domain: "acme".to_owned(),
            password: "correct horse".to_owned(),
            token_lifetime: Duration::hours(24),
            projects: vec![(PROJECT_ID.to_owned(), "cn-north-4".to_owned())],
            static_tokens: Vec::new(),
            security_token: None,
            lookup_delay: std::time::Duration::ZERO,
        }
    }
}

/// Credentials the stand-ins accept, shared between IAM and `ServiceStage`.
#[derive(Debug, Default)]
struct Accepted {
    tokens: Mutex<BTreeSet<String>>,
    verifier: Verifier,
}

impl Accepted {
    fn allows(&self, request: &Received) -> bool {
        if let Some(token) = request.header("x-auth-token") {
            return self.tokens.lock().expect("lock").contains(token);
        }
        request.header("authorization").is_some() && self.verifier.check(request).is_ok()
    }
}

/// A running IAM and `ServiceStage` pair.
pub struct Cloud {
    pub iam: TestServer,
    pub servicestage: TestServer,
    accepted: Arc<Accepted>,
    logins: Arc<AtomicUsize>,
}

const UNAUTHORIZED: &str =
    r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#;

impl Cloud {
    /// Starts both servers.
    pub fn start(options: IamOptions) -> Self {
        let accepted = Arc::new(Accepted {
            tokens: Mutex::new(options.static_tokens.iter().cloned().collect()),
            verifier: Verifier {
                security_token: options.security_token.clone(),
            },
        });
        let logins = Arc::new(AtomicUsize::new(0));
        let iam = {
            let accepted = Arc::clone(&accepted);
            let logins = Arc::clone(&logins);
            TestServer::start(move |request| iam_reply(request, &options, &accepted, &logins))
        };
        let servicestage = {
            let accepted = Arc::clone(&accepted);
            TestServer::start(move |request| {
                let path = format!("/v3/{PROJECT_ID}/assembling/base-images");
                if request.path() != path {
                    return Reply::json(
                        404,
                        r#"{"error_code":"SVCSTG.404","error_msg":"no such project"}"#,
                    );
                }
                if accepted.allows(request) {
                    Reply::json(200, DOCUMENTED_EXAMPLE)
                } else {
                    Reply::json(401, UNAUTHORIZED)
                }
            })
        };
        Self {
            iam,
            servicestage,
            accepted,
            logins,
        }
    }

    /// Returns the number of password logins IAM received.
    pub fn logins(&self) -> usize {
        self.logins.load(Ordering::SeqCst)
    }

    /// Makes `token` acceptable, as if IAM had issued it.
    pub fn accept_token(&self, token: &str) {
        self.accepted
            .tokens
            .lock()
            .expect("lock")
            .insert(token.to_owned());
    }

    /// Returns every request both servers received, IAM's first.
    pub fn all_received(&self) -> Vec<Received> {
        let mut all = self.iam.received();
        all.extend(self.servicestage.received());
        all
    }
}

fn iam_reply(
    request: &Received,
    options: &IamOptions,
    accepted: &Accepted,
    logins: &AtomicUsize,
) -> Reply {
    match (request.method.as_str(), request.path()) {
        ("POST", "/v3/auth/tokens") => {
            let number = logins.fetch_add(1, Ordering::SeqCst) + 1;
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let user = &body["auth"]["identity"]["password"]["user"];
            let valid = user["name"] == options.user.as_str()
                && user["domain"]["name"] == options.domain.as_str()
                && user["password"] == options.password.as_str()
                && body["auth"]["identity"]["methods"] == serde_json::json!(["password"]);
            if !valid {
                return Reply::json(
                    401,
                    r#"{"error_code":"IAM.0001","error_msg":"The username or password is incorrect."}"#,
                );
            }
            let token = format!("issued-token-{number}");
            accepted.tokens.lock().expect("lock").insert(token.clone());
            let expires_at = (OffsetDateTime::now_utc() + options.token_lifetime)
                .format(&Rfc3339)
                .expect("format");
            let answer = serde_json::json!({
                "token": {
                    "expires_at": expires_at,
                    "methods": ["password"],
                    "project": {"id": PROJECT_ID, "name": "cn-north-4"},
                }
            });
            Reply::json(201, &answer.to_string()).header("X-Subject-Token", &token)
        }
        ("GET", "/v3/projects") => {
            if !accepted.allows(request) {
                return Reply::json(401, UNAUTHORIZED);
            }
            let wanted = request
                .target
                .split_once("?name=")
                .map(|(_, name)| name.to_owned());
            let projects: Vec<serde_json::Value> = options
                .projects
                .iter()
                .filter(|(_, name)| wanted.as_deref().is_none_or(|wanted| wanted == name))
                .map(|(id, name)| serde_json::json!({"id": id, "name": name, "enabled": true}))
                .collect();
            let list = serde_json::json!({ "projects": projects });
            Reply::json(200, &list.to_string()).delayed(options.lookup_delay)
        }
        _ => Reply::json(404, r#"{"error_code":"IAM.404","error_msg":"not found"}"#),
    }
}
