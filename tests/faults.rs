//! Bad networks and bad servers, met by the binary as a user runs it: every fault ends in the
//! exact message and exit code asserted here. All servers are started by the tests on
//! 127.0.0.1.

mod support;

use std::net::TcpListener;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use support::server::{Behaviour, Reply, TestServer};
use support::{DOCUMENTED_EXAMPLE, run, stderr, stdout};

/// Runs `stage-images list` against `endpoint` with extra profile keys (`max_retries = 0`).
fn list_with(endpoint: &str, extra_keys: &str) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "{}{extra_keys}\n",
        support::profile_toml("dev", endpoint, "fault-token")
    );
    let config = support::write_config(home.path(), &text);
    run(
        home.path(),
        &["--config", config.to_str().expect("utf-8 path"), "list"],
        &[],
    )
}

/// Runs `list` with retries turned off, so each fault is met exactly once.
fn list_once(server: &TestServer) -> Output {
    list_with(&server.url(), "max_retries = 0")
}

/// Returns a port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

fn assert_fails(output: &Output, code: i32, message: &str) {
    assert_eq!(stderr(output), format!("stage-images: {message}\n"));
    assert_eq!(output.status.code(), Some(code), "{}", stderr(output));
    assert_eq!(stdout(output), "", "nothing on standard output");
}

// Every status the gateway may send, with and without a JSON error body.

const STATUSES: [(u16, &str, &str); 9] = [
    (
        400,
        "Bad Request",
        "the service rejected the request as invalid",
    ),
    (
        401,
        "Unauthorized",
        "the credentials were rejected (wrong or expired); check the profile's credentials",
    ),
    (
        403,
        "Forbidden",
        "access denied: the credentials lack permission for ServiceStage in this project",
    ),
    (
        404,
        "Not Found",
        "the project id may be wrong, or ServiceStage is not offered in this region",
    ),
    (
        429,
        "Too Many Requests",
        "the service is throttling requests; wait a moment and retry",
    ),
    (
        500,
        "Internal Server Error",
        "the service failed with an internal error; retry later",
    ),
    (
        502,
        "Bad Gateway",
        "the gateway got no valid response from ServiceStage; retry later",
    ),
    (
        503,
        "Service Unavailable",
        "ServiceStage is unavailable right now; retry later",
    ),
    (
        504,
        "Gateway Timeout",
        "the gateway timed out waiting for ServiceStage; retry later",
    ),
];

#[test]
fn status_with_json_body_shows_service_error() {
    for (status, reason, meaning) in STATUSES {
        let body = format!(r#"{{"error_code":"SVCSTG.{status}","error_msg":"failure {status}"}}"#);
        let server = TestServer::always(
            Reply::json(status, &body).header("X-Request-Id", &format!("req-{status}")),
        );
        let output = list_once(&server);
        assert_fails(
            &output,
            1,
            &format!(
                "HTTP {status} {reason}: {meaning} [SVCSTG.{status}: failure {status}] (request id req-{status})"
            ),
        );
    }
}

#[test]
fn status_without_body_shows_meaning() {
    for (status, reason, meaning) in STATUSES {
        let server = TestServer::always(Reply::text(status, ""));
        let output = list_once(&server);
        assert_fails(&output, 1, &format!("HTTP {status} {reason}: {meaning}"));
    }
}

#[test]
fn status_with_html_body_shows_text() {
    let server = TestServer::always(
        Reply::text(502, "<html><body>upstream\nerror</body></html>")
            .header("X-Request-Id", "req-html"),
    );
    assert_fails(
        &list_once(&server),
        1,
        "HTTP 502 Bad Gateway: the gateway got no valid response from ServiceStage; retry later \
         [<html><body>upstream error</body></html>] (request id req-html)",
    );
}

#[test]
fn server_errors_are_retried_by_default() {
    let calls = AtomicUsize::new(0);
    let server = TestServer::start(move |_| match calls.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::text(503, "busy").header("Retry-After", "0"),
        1 => Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
        )
        .header("Retry-After", "0"),
        _ => Reply::json(200, DOCUMENTED_EXAMPLE),
    });
    let output = list_with(&server.url(), "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().next(), Some("Go      1.11"));
    assert_eq!(stderr(&output), "");
    assert_eq!(server.received().len(), 3);
}

#[test]
fn persistent_server_error_gives_up() {
    let server = TestServer::always(
        Reply::text(500, "down")
            .header("Retry-After", "0")
            .header("X-Request-Id", "req-down"),
    );
    let output = list_with(&server.url(), "max_retries = 2");
    assert_fails(
        &output,
        1,
        "HTTP 500 Internal Server Error: the service failed with an internal error; retry later \
         [down] (request id req-down); gave up after 3 attempts",
    );
    assert_eq!(server.received().len(), 3);
}

#[test]
fn client_errors_are_not_retried() {
    let server = TestServer::always(Reply::text(404, "").header("Retry-After", "0"));
    let output = list_with(&server.url(), "");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(server.received().len(), 1);
}

#[test]
fn long_retry_after_is_reported_not_waited() {
    let server = TestServer::always(
        Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
        )
        .header("Retry-After", "3600"),
    );
    let output = list_with(&server.url(), "");
    assert_fails(
        &output,
        1,
        "HTTP 429 Too Many Requests: the service is throttling requests; wait a moment and retry \
         [APIGW.0308: throttled]; the service asked to wait 1h before retrying, longer than \
         `max_retry_time` allows",
    );
    assert_eq!(server.received().len(), 1);
}

// Transport faults.

#[test]
fn slow_server_times_out() {
    let server =
        TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE).delayed(Duration::from_secs(5)));
    let output = list_with(&server.url(), "timeout = \"300ms\"");
    assert_fails(
        &output,
        1,
        &format!(
            "request to {} timed out after 300ms; check the network or raise `timeout` in the profile",
            server.url()
        ),
    );
    assert_eq!(server.received().len(), 1, "a timeout is not retried");
}

#[test]
fn unanswered_connect_times_out() {
    // A listener whose accept queue is full drops further connection attempts, so connecting
    // hangs until the connect timeout.
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .expect("address")
                .into(),
        )
        .expect("bind");
    socket.listen(0).expect("listen");
    let address = socket
        .local_addr()
        .expect("address")
        .as_socket()
        .expect("inet address");

    let mut queued = Vec::new();
    while let Ok(stream) =
        std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200))
    {
        queued.push(stream);
        assert!(queued.len() < 64, "the accept queue never filled");
    }

    let endpoint = format!("http://{address}");
    let output = list_with(&endpoint, "max_retries = 0\nconnect_timeout = \"300ms\"");
    assert_fails(
        &output,
        1,
        &format!(
            "connecting to {endpoint} timed out after 300ms; check the network or raise \
             `connect_timeout` in the profile"
        ),
    );
}

#[test]
fn refused_connection_is_reported() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let output = list_with(&endpoint, "max_retries = 0");
    assert_fails(
        &output,
        1,
        &format!(
            "cannot connect to {endpoint}: connection refused; check the endpoint and the network"
        ),
    );
}

#[test]
fn refused_connection_is_retried() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let output = list_with(&endpoint, "max_retries = 1");
    assert_fails(
        &output,
        1,
        &format!(
            "cannot connect to {endpoint}: connection refused; check the endpoint and the network; \
             gave up after 2 attempts"
        ),
    );
}

#[test]
fn reset_mid_body_is_reported() {
    let server =
        TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE).behaving(Behaviour::ResetMidBody));
    assert_fails(
        &list_once(&server),
        1,
        &format!(
            "the connection to {} closed before the response was complete (connection reset); retry later",
            server.url()
        ),
    );
}

#[test]
fn closed_without_answer_is_reported() {
    let server = TestServer::always(
        Reply::json(200, DOCUMENTED_EXAMPLE).behaving(Behaviour::CloseWithoutAnswer),
    );
    assert_fails(
        &list_once(&server),
        1,
        &format!(
            "the connection to {} closed before the response was complete (connection closed \
             before message completed); retry later",
            server.url()
        ),
    );
}

#[test]
fn oversized_body_is_rejected() {
    let big = format!(r#"{{"Big":["{}"]}}"#, "9".repeat(9 * 1024 * 1024));
    let server = TestServer::always(Reply::json(200, &big));
    assert_fails(
        &list_once(&server),
        1,
        &format!(
            "the response from {} is larger than 8 MiB and was rejected; raise `max_body_size` in \
             the profile if that is expected",
            server.url()
        ),
    );
}

#[test]
fn body_cap_applies_without_length() {
    let big = format!(r#"{{"Big":["{}"]}}"#, "9".repeat(4096));
    let server = TestServer::always(Reply::json(200, &big).behaving(Behaviour::CloseDelimited));
    let output = list_with(&server.url(), "max_retries = 0\nmax_body_size = \"2KiB\"");
    assert_fails(
        &output,
        1,
        &format!(
            "the response from {} is larger than 2 KiB and was rejected; raise `max_body_size` in \
             the profile if that is expected",
            server.url()
        ),
    );
}

#[test]
fn redirect_is_reported_not_followed() {
    let server =
        TestServer::always(Reply::text(301, "").header("Location", "http://127.0.0.1:1/elsewhere"));
    assert_fails(
        &list_once(&server),
        1,
        &format!(
            "{} responded with HTTP 301 redirecting to http://127.0.0.1:1/elsewhere; redirects are not \
             followed with credentials attached, set `endpoint` to the right URL",
            server.url()
        ),
    );
}

// Malformed catalogues: the response as a whole cannot be read.

#[test]
fn unreadable_catalogues_exit_with_one() {
    let cases = [
        (
            r#"{"Java": ["17""#,
            "the response is not valid JSON (EOF while parsing a list at line 1 column 14)",
        ),
        (
            "",
            "the response is not valid JSON (EOF while parsing a value at line 1 column 0)",
        ),
        (
            r#"["Java","Go"]"#,
            "the response is a JSON array, not a JSON object mapping language names to versions",
        ),
        (
            "null",
            "the response is JSON null, not a JSON object mapping language names to versions",
        ),
        (
            r#""Java""#,
            "the response is a JSON string, not a JSON object mapping language names to versions",
        ),
        (
            "42",
            "the response is a JSON number, not a JSON object mapping language names to versions",
        ),
    ];
    for (body, reason) in cases {
        let server = TestServer::always(Reply::json(200, body));
        assert_fails(
            &list_once(&server),
            1,
            &format!("cannot read the catalogue from {}: {reason}", server.url()),
        );
    }
}

// Malformed parts: the valid part is printed, each invalid item is reported once.

/// Runs `list` on `body` and returns standard output and standard error.
fn list_body(body: &str) -> (String, String) {
    let server = TestServer::always(Reply::json(200, body));
    let output = list_once(&server);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (stdout(&output), stderr(&output))
}

/// Builds the standard error of `list` for these skipped items, one warning line each.
fn warnings(lines: &[&str]) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str("stage-images: warning: skipped invalid data: ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

#[test]
fn numbers_and_nulls_are_skipped() {
    let (out, err) = list_body(r#"{"Java":["17",21,null,true,"11"]}"#);
    assert_eq!(out, "Java  17  11\n");
    assert_eq!(
        err,
        warnings(&[
            "Java: item 1 is the number 21, not a version string",
            "Java: item 2 is null, not a version string",
            "Java: item 3 is the boolean true, not a version string",
        ])
    );
}

#[test]
fn nested_arrays_and_objects_are_skipped() {
    let (out, err) = list_body(r#"{"Go":[["1.21"],{"v":"1.20"},"1.22"]}"#);
    assert_eq!(out, "Go  1.22\n");
    assert_eq!(
        err,
        warnings(&[
            "Go: item 0 is a nested array, not a version string",
            "Go: item 1 is an object, not a version string",
        ])
    );
}

#[test]
fn value_that_is_not_an_array_is_skipped() {
    let (out, err) = list_body(r#"{"Go":"1.22","Php":{"v":"8"},"Java":["17"]}"#);
    assert_eq!(out, "Go\nJava  17\nPhp\n");
    assert_eq!(
        err,
        warnings(&[
            r#"Go: expected an array of versions, found the string "1.22""#,
            "Php: expected an array of versions, found an object",
        ])
    );
}

#[test]
fn duplicates_are_kept_once() {
    let (out, err) = list_body(r#"{"Java":["17","11","17"],"Go":["1.22"],"Java":["21"]}"#);
    assert_eq!(out, "Go    1.22\nJava  17  11\n");
    assert_eq!(
        err,
        warnings(&[
            r#"language "Java" is listed twice, the first list is kept"#,
            r#"Java: version "17" is listed twice"#,
        ])
    );
}

#[test]
fn empty_names_are_skipped() {
    let (out, err) = list_body(r#"{"":["1"],"  ":["2"],"Go":["","1.22"]}"#);
    assert_eq!(out, "Go  1.22\n");
    assert_eq!(
        err,
        warnings(&[
            r#"language name "" is empty"#,
            r#"language name "  " is empty"#,
            r#"Go: version "" is empty"#,
        ])
    );
}

#[test]
fn extremely_long_strings_are_skipped() {
    let long_version = "9".repeat(100_000);
    let long_name = "L".repeat(300);
    let body = format!(r#"{{"Go":["{long_version}","1.22"],"{long_name}":["1"]}}"#);
    let (out, err) = list_body(&body);
    assert_eq!(out, "Go  1.22\n");
    assert_eq!(
        err,
        warnings(&[
            &format!(
                r#"Go: version "{}…" is longer than 256 bytes"#,
                "9".repeat(40)
            ),
            &format!(
                r#"language name "{}…" is longer than 256 bytes"#,
                "L".repeat(40)
            ),
        ])
    );
}

#[test]
fn control_characters_are_escaped_in_warnings() {
    let (out, err) = list_body(r#"{"Go":["1.2\u001b[31m","1.22"]}"#);
    assert_eq!(out, "Go  1.22\n");
    assert_eq!(
        err,
        warnings(&[r#"Go: version "1.2\u{1b}[31m" contains control characters"#])
    );
}

#[test]
fn many_problems_are_listed_then_counted() {
    let items: Vec<String> = (0..60).map(|number| number.to_string()).collect();
    let body = format!(r#"{{"Java":["17",{}]}}"#, items.join(","));
    let (out, err) = list_body(&body);
    assert_eq!(out, "Java  17\n");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 51);
    assert_eq!(
        lines[0],
        "stage-images: warning: skipped invalid data: Java: item 1 is the number 0, not a version string"
    );
    assert_eq!(
        lines[50],
        "stage-images: warning: skipped 10 more invalid items"
    );
}
