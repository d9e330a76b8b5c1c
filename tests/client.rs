//! The API client against a real HTTP server on 127.0.0.1: what is sent and how every answer
//! is read.

mod support;

use std::time::Duration;

use stage_images::api::{Client, FetchError};
use stage_images::auth::Credentials;
use stage_images::catalogue::VersionOrder;
use stage_images::config::NetworkSettings;
use stage_images::endpoint::Endpoint;
use stage_images::project_id::ProjectId;
use stage_images::secret::{SecretSource, SecretString};
use support::server::{Behaviour, Reply, TestServer};
use support::{DOCUMENTED_EXAMPLE, PROJECT_ID};

const TOKEN: &str = "test-token-0123";

fn client_for(server: &TestServer) -> Client {
    client_with(server, NetworkSettings::default())
}

fn client_with(server: &TestServer, network: NetworkSettings) -> Client {
    Client::with_parts(
        Endpoint::parse(&server.url()).expect("loopback endpoint"),
        ProjectId::parse(PROJECT_ID).expect("project id"),
        Credentials::Token(SecretSource::Inline(SecretString::from(TOKEN.to_owned()))),
        network,
    )
    .expect("client")
}

#[tokio::test]
async fn sends_documented_request() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    client_for(&server).fetch_catalogue().await.expect("fetch");
    let received = server.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        format!("/v3/{PROJECT_ID}/assembling/base-images")
    );
    assert_eq!(request.header("x-auth-token"), Some(TOKEN));
    assert_eq!(
        request.header("content-type"),
        Some("application/json;charset=utf8")
    );
    assert!(
        request
            .header("user-agent")
            .is_some_and(|agent| agent.starts_with("stage-images/"))
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn decodes_documented_example() {
    let server =
        TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE).header("X-Request-Id", "req-ok-1"));
    let fetched = client_for(&server).fetch_catalogue().await.expect("fetch");
    assert_eq!(fetched.request_id.as_deref(), Some("req-ok-1"));
    assert_eq!(fetched.catalogue.languages().len(), 6);
    let java = fetched.catalogue.find_language("java").expect("Java");
    assert_eq!(
        java.versions(VersionOrder::NewestFirst).collect::<Vec<_>>(),
        ["17", "11", "8u181-jdk-alpine"]
    );
    assert!(fetched.problems.is_empty());
}

#[tokio::test]
async fn unauthorized_shows_service_error_and_request_id() {
    let body =
        r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#;
    let server = TestServer::always(Reply::json(401, body).header("X-Request-Id", "req-401"));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("401");
    assert_eq!(
        error.to_string(),
        "HTTP 401 Unauthorized: the credentials were rejected (wrong or expired token); check the profile's \
         credentials [APIGW.0301: Incorrect IAM authentication information] (request id req-401)"
    );
    assert_eq!(error.request_id(), Some("req-401"));
}

#[tokio::test]
async fn not_found_explains_project_or_region() {
    let body = r#"{"error_code":"SVCSTG.00100404","error_msg":"project not found"}"#;
    let server = TestServer::always(Reply::json(404, body));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("404");
    let text = error.to_string();
    assert!(text.starts_with("HTTP 404 Not Found: the project id may be wrong, or ServiceStage is not offered in this region"), "{text}");
    assert!(
        text.contains("[SVCSTG.00100404: project not found]"),
        "{text}"
    );
}

#[tokio::test]
async fn server_error_with_camel_case_body() {
    let server = TestServer::always(Reply::json(
        500,
        r#"{"errorCode":"SVCSTG.500","errorMsg":"internal"}"#,
    ));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("500");
    assert_eq!(
        error.to_string(),
        "HTTP 500 Internal Server Error: the service failed with an internal error; retry later [SVCSTG.500: internal]"
    );
}

#[tokio::test]
async fn non_json_error_body_is_shown_as_text() {
    let server = TestServer::always(Reply::text(502, "<html>\n<b>Bad Gateway</b>\n</html>"));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("502");
    assert_eq!(
        error.to_string(),
        "HTTP 502 Bad Gateway: the gateway got no valid answer from ServiceStage; retry later \
         [<html> <b>Bad Gateway</b> </html>]"
    );
}

#[tokio::test]
async fn non_json_success_body_is_a_decode_error() {
    let server = TestServer::always(
        Reply::text(200, "<html>login page</html>").header("X-Request-Id", "req-html"),
    );
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("not json");
    assert!(matches!(error, FetchError::Decode { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot read the catalogue from {}: the answer is not valid JSON",
            server.url()
        )),
        "{text}"
    );
    assert!(text.ends_with("(request id req-html)"), "{text}");
}

#[tokio::test]
async fn json_array_is_rejected_clearly() {
    let server = TestServer::always(Reply::json(200, r#"["Java","Go"]"#));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("array");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot read the catalogue from {}: the answer is a JSON array, not a JSON object mapping language names to versions",
            server.url()
        )
    );
}

#[tokio::test]
async fn empty_object_is_an_empty_catalogue() {
    let server = TestServer::always(Reply::json(200, "{}"));
    let fetched = client_for(&server).fetch_catalogue().await.expect("fetch");
    assert!(fetched.catalogue.is_empty());
}

#[tokio::test]
async fn unknown_languages_are_kept() {
    let server = TestServer::always(Reply::json(200, r#"{"Rust":["1.83"],"Go":["1.22"]}"#));
    let fetched = client_for(&server).fetch_catalogue().await.expect("fetch");
    let names: Vec<&str> = fetched
        .catalogue
        .languages()
        .iter()
        .map(stage_images::catalogue::Language::name)
        .collect();
    assert_eq!(names, ["Go", "Rust"]);
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let target = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let location = format!("{}/elsewhere", target.url());
    let server = TestServer::always(Reply::json(302, "{}").header("Location", &location));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("redirect");
    assert!(
        matches!(error, FetchError::Redirect { status: 302, .. }),
        "{error}"
    );
    assert!(error.to_string().contains(&location), "{error}");
    assert!(
        target.received().is_empty(),
        "the redirect target was contacted"
    );
}

#[tokio::test]
async fn slow_server_times_out_with_endpoint_named() {
    let server =
        TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE).delayed(Duration::from_secs(3)));
    let network = NetworkSettings {
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_millis(300),
    };
    let error = client_with(&server, network)
        .fetch_catalogue()
        .await
        .expect_err("timeout");
    assert!(matches!(error, FetchError::Timeout { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        format!(
            "request to {} timed out after 300ms; check the network or raise `timeout` in the profile",
            server.url()
        )
    );
}

#[tokio::test]
async fn reset_mid_body_is_reported() {
    let server =
        TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE).behaving(Behaviour::ResetMidBody));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("reset");
    assert!(error.to_string().contains(&server.url()), "{error}");
}

#[tokio::test]
async fn refused_connection_names_endpoint() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let client = Client::with_parts(
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).expect("endpoint"),
        ProjectId::parse(PROJECT_ID).expect("project id"),
        Credentials::Token(SecretSource::Inline(SecretString::from(TOKEN.to_owned()))),
        NetworkSettings::default(),
    )
    .expect("client");
    let error = client.fetch_catalogue().await.expect_err("refused");
    assert!(matches!(error, FetchError::Connect { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot reach http://127.0.0.1:{port}")),
        "{error}"
    );
}

#[tokio::test]
async fn missing_token_env_is_a_configuration_error() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let client = Client::with_parts(
        Endpoint::parse(&server.url()).expect("endpoint"),
        ProjectId::parse(PROJECT_ID).expect("project id"),
        Credentials::Token(SecretSource::Env(
            "STAGE_IMAGES_TEST_TOKEN_NOT_SET".to_owned(),
        )),
        NetworkSettings::default(),
    )
    .expect("client");
    let error = client.fetch_catalogue().await.expect_err("no token");
    assert!(error.is_configuration());
    assert!(
        error
            .to_string()
            .contains("STAGE_IMAGES_TEST_TOKEN_NOT_SET is not set"),
        "{error}"
    );
    assert!(
        server.received().is_empty(),
        "a request went out without credentials"
    );
}
