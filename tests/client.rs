//! The API client against a real HTTP server on 127.0.0.1: what is sent and how every answer
//! is read.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use stage_images::api::{Client, FetchError};
use stage_images::auth::Credentials;
use stage_images::catalogue::VersionOrder;
use stage_images::config::{Config, NetworkSettings};
use stage_images::endpoint::Endpoint;
use stage_images::project_id::ProjectId;
use stage_images::secret::{SecretSource, SecretString};
use support::clock::RecordingClock;
use support::cloud::{Cloud, IamOptions};
use support::server::{Behaviour, Reply, TestServer};
use support::{DOCUMENTED_EXAMPLE, PROJECT_ID};

const TOKEN: &str = "test-token-0123";

/// Builds a client that sends each request once, for tests of how one response is read.
fn client_for(server: &TestServer) -> Client {
    client_with(server, no_retries())
}

fn no_retries() -> NetworkSettings {
    NetworkSettings {
        max_retries: 0,
        ..NetworkSettings::default()
    }
}

/// Builds a client with the default retries whose waits are recorded instead of slept.
fn retrying_client(server: &TestServer) -> (Client, Arc<RecordingClock>) {
    let clock = Arc::new(RecordingClock::new());
    let client = client_with(server, NetworkSettings::default()).with_clock(clock.clone());
    (client, clock)
}

/// Starts a server that replies with `failures` in turn, then with the documented example.
fn failing_then_ok(failures: Vec<Reply>) -> TestServer {
    let calls = AtomicUsize::new(0);
    TestServer::start(move |_| {
        let call = calls.fetch_add(1, Ordering::SeqCst);
        failures
            .get(call)
            .cloned()
            .unwrap_or_else(|| Reply::json(200, DOCUMENTED_EXAMPLE))
    })
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
        "HTTP 401 Unauthorized: the credentials were rejected (wrong or expired); check the profile's \
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
        "HTTP 502 Bad Gateway: the gateway got no valid response from ServiceStage; retry later \
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
            "cannot read the catalogue from {}: the response is not valid JSON",
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
            "cannot read the catalogue from {}: the response is a JSON array, not a JSON object mapping language names to versions",
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
        ..no_retries()
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
    assert!(matches!(error, FetchError::Interrupted { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the connection to {} closed before the response was complete (connection reset); retry later",
            server.url()
        )
    );
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
        no_retries(),
    )
    .expect("client");
    let error = client.fetch_catalogue().await.expect_err("refused");
    assert!(matches!(error, FetchError::Connect { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot connect to http://127.0.0.1:{port}: connection refused; check the endpoint and the network"
        )
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
        no_retries(),
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

#[tokio::test]
async fn chunked_answer_over_the_cap_is_rejected() {
    let body = format!(r#"{{"Big":["{}"]}}"#, "9".repeat(4096));
    let server = TestServer::always(Reply::json(200, &body).behaving(Behaviour::CloseDelimited));
    let network = NetworkSettings {
        max_body_bytes: 1024,
        ..no_retries()
    };
    let error = client_with(&server, network)
        .fetch_catalogue()
        .await
        .expect_err("too large");
    assert_eq!(
        error.to_string(),
        format!(
            "the response from {} is larger than 1 KiB and was rejected; raise `max_body_size` in \
             the profile if that is expected",
            server.url()
        )
    );
}

#[tokio::test]
async fn chunked_answer_under_the_cap_is_read() {
    let server = TestServer::always(
        Reply::json(200, DOCUMENTED_EXAMPLE).behaving(Behaviour::CloseDelimited),
    );
    let fetched = client_for(&server).fetch_catalogue().await.expect("fetch");
    assert_eq!(fetched.catalogue.languages().len(), 6);
}

// Retries: the clock records the waits, so nothing sleeps.

#[tokio::test]
async fn unavailable_is_retried_until_success() {
    let server = failing_then_ok(vec![Reply::text(503, "busy"), Reply::text(502, "bad")]);
    let (client, clock) = retrying_client(&server);
    let fetched = client.fetch_catalogue().await.expect("third attempt works");
    assert_eq!(fetched.catalogue.languages().len(), 6);
    assert_eq!(server.received().len(), 3);
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert!((Duration::from_millis(250)..=Duration::from_millis(500)).contains(&sleeps[0]));
    assert!((Duration::from_millis(500)..=Duration::from_secs(1)).contains(&sleeps[1]));
}

#[tokio::test]
async fn retries_repeat_credentials() {
    let server = failing_then_ok(vec![Reply::text(500, "oops")]);
    let (client, _) = retrying_client(&server);
    client
        .fetch_catalogue()
        .await
        .expect("second attempt works");
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].header("x-auth-token"), Some(TOKEN));
}

#[tokio::test]
async fn retry_after_seconds_are_honoured() {
    let server = failing_then_ok(vec![
        Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
        )
        .header("Retry-After", "7"),
    ]);
    let (client, clock) = retrying_client(&server);
    client
        .fetch_catalogue()
        .await
        .expect("second attempt works");
    assert_eq!(clock.sleeps(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_beyond_limit_stops_at_once() {
    let server = failing_then_ok(vec![
        Reply::text(503, "maintenance").header("Retry-After", "3600"),
    ]);
    let (client, clock) = retrying_client(&server);
    let error = client.fetch_catalogue().await.expect_err("no retry");
    assert_eq!(server.received().len(), 1);
    assert!(clock.sleeps().is_empty());
    assert_eq!(
        error.to_string(),
        "HTTP 503 Service Unavailable: ServiceStage is unavailable right now; retry later [maintenance]; \
         the service asked to wait 1h before retrying, longer than `max_retry_time` allows"
    );
}

#[tokio::test]
async fn huge_retry_after_is_capped_not_added() {
    // The second wait asked for is the largest `u64` number of seconds; adding it to the 2 s
    // already spent overflows a `Duration`.
    let server = failing_then_ok(vec![
        Reply::text(503, "busy").header("Retry-After", "2"),
        Reply::text(503, "busy").header("Retry-After", "18446744073709551615"),
    ]);
    let (client, clock) = retrying_client(&server);
    let error = client.fetch_catalogue().await.expect_err("no retry");
    assert_eq!(server.received().len(), 2);
    assert_eq!(clock.sleeps(), [Duration::from_secs(2)]);
    assert_eq!(
        error.to_string(),
        "HTTP 503 Service Unavailable: ServiceStage is unavailable right now; retry later [busy]; \
         gave up after 2 attempts, the service asked to wait 1day more, longer than \
         `max_retry_time` allows"
    );
}

#[tokio::test]
async fn client_errors_are_sent_once() {
    for status in [400, 401, 403, 404] {
        let server = TestServer::always(Reply::text(status, "no"));
        let (client, clock) = retrying_client(&server);
        let error = client.fetch_catalogue().await.expect_err("error status");
        assert_eq!(error.status().map(|status| status.as_u16()), Some(status));
        assert_eq!(server.received().len(), 1, "HTTP {status} was retried");
        assert!(clock.sleeps().is_empty(), "HTTP {status} waited");
    }
}

#[tokio::test]
async fn persistent_failure_gives_up_after_max_retries() {
    let server = TestServer::always(
        Reply::json(500, r#"{"error_code":"SVCSTG.500","error_msg":"internal"}"#)
            .header("X-Request-Id", "req-last"),
    );
    let (client, clock) = retrying_client(&server);
    let error = client.fetch_catalogue().await.expect_err("always 500");
    assert_eq!(server.received().len(), 4);
    assert_eq!(clock.sleeps().len(), 3);
    assert_eq!(error.request_id(), Some("req-last"));
    assert_eq!(
        error.to_string(),
        "HTTP 500 Internal Server Error: the service failed with an internal error; retry later \
         [SVCSTG.500: internal] (request id req-last); gave up after 4 attempts"
    );
}

#[tokio::test]
async fn reset_connection_is_retried() {
    let calls = AtomicUsize::new(0);
    let server = TestServer::start(move |_| {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::json(200, DOCUMENTED_EXAMPLE).behaving(Behaviour::ResetMidBody)
        } else {
            Reply::json(200, DOCUMENTED_EXAMPLE)
        }
    });
    let (client, clock) = retrying_client(&server);
    client
        .fetch_catalogue()
        .await
        .expect("second attempt works");
    assert_eq!(server.received().len(), 2);
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn refused_connection_is_retried_then_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let clock = Arc::new(RecordingClock::new());
    let client = Client::with_parts(
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).expect("endpoint"),
        ProjectId::parse(PROJECT_ID).expect("project id"),
        Credentials::Token(SecretSource::Inline(SecretString::from(TOKEN.to_owned()))),
        NetworkSettings::default(),
    )
    .expect("client")
    .with_clock(clock.clone());

    let mut notices = Vec::new();
    let error = client
        .fetch_catalogue_reporting(&mut |notice| notices.push(notice.to_string()))
        .await
        .expect_err("refused");

    assert_eq!(clock.sleeps().len(), 3);
    assert_eq!(notices.len(), 3);
    assert!(
        notices[0].starts_with("connection refused; retrying in "),
        "{}",
        notices[0]
    );
    assert!(notices[2].ends_with("(attempt 4 of 4)"), "{}", notices[2]);
    assert!(
        error.to_string().ends_with(
            "connection refused; check the endpoint and the network; gave up after 4 attempts"
        ),
        "{error}"
    );
}

// Clock skew: a 401 for an expired signature points at the system clock.

#[tokio::test]
async fn expired_signature_shows_clock_offset() {
    // An hour ahead of the local clock, in the `Date` format servers send.
    let server_time = std::time::SystemTime::now() + Duration::from_secs(3600);
    let server = TestServer::always(
        Reply::json(
            401,
            r#"{"error_code":"APIG.0303","error_msg":"Incorrect app authentication information: signature expired"}"#,
        )
        .header("Date", &httpdate::fmt_http_date(server_time))
        .header("X-Request-Id", "req-skew"),
    );
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("401");

    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    let text = error.to_string();
    assert!(
        text.starts_with(
            "HTTP 401 Unauthorized: the service rejected the request as expired, which usually means \
             this computer's clock is wrong; check the system clock (it is "
        ),
        "{text}"
    );

    // The header has whole seconds and the response takes a moment to arrive.
    let FetchError::ClockSkew {
        offset: Some(offset),
        ..
    } = &error
    else {
        panic!("expected a clock skew with an offset: {error:?}");
    };
    assert!((3590..=3600).contains(&offset.behind_seconds), "{offset:?}");
    assert!(text.contains(&format!(" ({offset}) ")), "{text}");
    assert!(
        text.ends_with(
            "[APIG.0303: Incorrect app authentication information: signature expired] (request id req-skew)"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn expired_signature_without_date_still_names_clock() {
    let server = TestServer::always(Reply::json(
        401,
        r#"{"error_code":"APIG.0303","error_msg":"signature expired"}"#,
    ));
    let error = client_for(&server)
        .fetch_catalogue()
        .await
        .expect_err("401");
    assert_eq!(
        error.to_string(),
        "HTTP 401 Unauthorized: the service rejected the request as expired, which usually means \
         this computer's clock is wrong; check the system clock [APIG.0303: signature expired]"
    );
}

/// Maximum time the writer of the named pipe below waits for the runtime thread before it
/// writes anyway. It only bounds a failing test.
const PIPE_WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "current_thread")]
async fn token_cache_is_read_off_the_runtime_thread() {
    // The token cache file is a named pipe, so reading it waits until a writer opens it. The
    // writer opens it when the test's task runs, and that task shares the one runtime thread
    // with the fetch, as the browser's drawing does.
    let cloud = Cloud::start(IamOptions::default());
    let cache_dir = tempfile::tempdir().expect("temp dir");
    let pipe = cache_dir.path().join("tokens").join("dev.json");
    std::fs::create_dir_all(pipe.parent().expect("folder")).expect("mkdir");
    let mkfifo = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("run mkfifo");
    assert!(mkfifo.success(), "mkfifo failed");
    let text = format!(
        "[profiles.dev]\nregion = \"cn-north-4\"\nendpoint = \"{}\"\niam_endpoint = \"{}\"\n\
         iam_user = \"alice\"\niam_domain = \"acme\"\niam_password = \"correct horse\"\n",
        cloud.servicestage.url(),
        cloud.iam.url()
    );
    let config = Config::parse(Path::new("/test/config.toml"), &text).expect("valid config");
    let profile = config.select(Some("dev")).expect("profile dev");
    let client = Client::for_profile(profile, Some(cache_dir.path())).expect("client");

    let (signal, signalled) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let in_time = signalled.recv_timeout(PIPE_WAIT).is_ok();
        std::fs::write(&pipe, "not a token file").expect("write the pipe");
        in_time
    });
    let fetch = tokio::spawn(async move { client.fetch_catalogue().await });
    // The fetch task runs while this one sleeps; this one wakes only when the fetch task
    // gives the thread back.
    tokio::time::sleep(Duration::from_millis(1)).await;
    // When the writer stopped waiting, the channel is closed and its result below reports it.
    let _ = signal.send(());

    let fetched = fetch.await.expect("fetch task").expect("catalogue");
    assert_eq!(fetched.catalogue.languages().len(), 6);
    assert!(
        writer.join().expect("writer thread"),
        "the cache read blocked the runtime thread"
    );
    assert_eq!(cloud.logins(), 1);
}
