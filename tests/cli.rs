//! The non-interactive commands, run as a user would, against loopback servers.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};

use support::server::{Reply, TestServer};
use support::{DOCUMENTED_EXAMPLE, run, stderr, stdout};

/// A home folder with a config whose only profile points at `server`.
fn setup(server: &TestServer) -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "cli-token"),
    );
    (home, config.to_str().expect("utf-8").to_owned())
}

fn list(server: &TestServer, args: &[&str]) -> std::process::Output {
    let (home, config) = setup(server);
    let mut all = vec!["--config", config.as_str(), "list"];
    all.extend_from_slice(args);
    run(home.path(), &all, &[])
}

#[test]
fn list_prints_every_language_newest_first() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let output = list(&server, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "Go      1.11\nJava    17  11  8u181-jdk-alpine\nNodejs  16  8\nPhp     7-apache\nPython  3.7\nTomcat  8-alpine\n"
    );
    assert_eq!(
        server.received()[0].header("x-auth-token"),
        Some("cli-token")
    );
}

#[test]
fn list_language_prints_one_version_per_line() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    assert_eq!(
        stdout(&list(&server, &["java"])),
        "17\n11\n8u181-jdk-alpine\n"
    );
    assert_eq!(
        stdout(&list(&server, &["JAVA", "--api-order"])),
        "8u181-jdk-alpine\n11\n17\n"
    );
    assert_eq!(stdout(&list(&server, &["node"])), "16\n8\n");
    assert_eq!(stdout(&list(&server, &["golang"])), "1.11\n");
}

#[test]
fn list_json_is_an_object() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let all: serde_json::Value =
        serde_json::from_str(&stdout(&list(&server, &["--json"]))).expect("json");
    assert_eq!(
        all["Java"],
        serde_json::json!(["17", "11", "8u181-jdk-alpine"])
    );
    assert_eq!(all.as_object().expect("object").len(), 6);
    let one: serde_json::Value =
        serde_json::from_str(&stdout(&list(&server, &["nodejs", "--json"]))).expect("json");
    assert_eq!(one, serde_json::json!({"Nodejs": ["16", "8"]}));
}

#[test]
fn unknown_language_lists_available_ones() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let output = list(&server, &["cobol"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "stage-images: unknown language \"cobol\"; available: Go, Java, Nodejs, Php, Python, Tomcat\n"
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn service_errors_exit_with_one() {
    let body =
        r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#;
    let server = TestServer::always(Reply::json(401, body).header("X-Request-Id", "cli-401"));
    let output = list(&server, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "stage-images: HTTP 401 Unauthorized: the credentials were rejected (wrong or expired); check the \
         profile's credentials [APIGW.0301: Incorrect IAM authentication information] (request id cli-401)\n"
    );

    let server = TestServer::always(Reply::text(500, "oops"));
    let output = list(&server, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("HTTP 500 Internal Server Error"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn malformed_json_exits_with_one() {
    let server = TestServer::always(Reply::json(200, r#"{"Java": ["17""#));
    let output = list(&server, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the response is not valid JSON"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn skipped_items_are_warned_about_on_stderr() {
    let server = TestServer::always(Reply::json(200, r#"{"Java":["17",null]}"#));
    let output = list(&server, &["java"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "17\n");
    assert_eq!(
        stderr(&output),
        "stage-images: warning: skipped invalid data: Java: item 1 is null, not a version string\n"
    );
}

#[test]
fn missing_token_env_exits_with_two() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "[profiles.dev]\nregion = \"cn-north-4\"\nproject_id = \"{}\"\nendpoint = \"{}\"\ntoken_env = \"STAGE_IMAGES_TEST_NO_SUCH_TOKEN\"\n",
        support::PROJECT_ID,
        server.url()
    );
    let config = support::write_config(home.path(), &text);
    let output = run(
        home.path(),
        &["--config", config.to_str().expect("utf-8"), "list"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("environment variable STAGE_IMAGES_TEST_NO_SUCH_TOKEN is not set"),
        "{}",
        stderr(&output)
    );
    assert!(server.received().is_empty());
}

#[test]
fn demo_list_needs_no_config() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = run(
        home.path(),
        &["--demo", "list", "java"],
        &[("STAGE_IMAGES_DEMO_DELAY_MS", "0")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "21\n17\n11\n8u181-jdk-alpine\n8\n");
    let all = run(
        home.path(),
        &["--demo", "list", "--json"],
        &[("STAGE_IMAGES_DEMO_DELAY_MS", "0")],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&all)).expect("json");
    assert!(
        json.as_object().expect("object").len() > 6,
        "the demo has a language outside the documented six"
    );
}

#[test]
fn help_and_version_exit_with_zero() {
    let home = tempfile::tempdir().expect("temp dir");
    let help = run(home.path(), &["--help"], &[]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("Usage: stage-images [OPTIONS] [COMMAND]"));
    assert!(stdout(&help).contains(
        "Exit codes: 0 success, 1 request or service error, 2 usage or configuration error."
    ));
    let version = run(home.path(), &["--version"], &[]);
    assert_eq!(
        stdout(&version),
        format!("stage-images {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_with_two() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = run(home.path(), &["list", "--no-such-flag"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--no-such-flag"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn browser_refuses_a_pipe() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = run(home.path(), &["--demo"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "stage-images: standard output is not a terminal; use `stage-images list` for scripts\n"
    );
}

#[test]
fn closed_pipe_ends_quietly() {
    let versions: Vec<String> = (0..20_000)
        .map(|number| format!("\"1.{number}\""))
        .collect();
    let body = format!(r#"{{"Big":[{}]}}"#, versions.join(","));
    let server = TestServer::always(Reply::json(200, &body));
    let (home, config) = setup(&server);
    let mut command = Command::new(support::binary());
    support::isolate(&mut command, home.path());
    let mut child = command
        .args(["--config", &config, "list", "big"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read one byte and close the pipe, like `| head -c1`.
    let mut first = [0_u8; 1];
    child
        .stdout
        .as_mut()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("read");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}
