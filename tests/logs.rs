//! The log file of real runs: request lines with method, URL, status, duration and request id,
//! the file's location, and no secret at any level.

mod support;

use std::path::Path;

use support::server::{Reply, TestServer};
use support::tmux::Tmux;
use support::{DOCUMENTED_EXAMPLE, PROJECT_ID, run, stderr};

/// A token long and odd enough that any part of it showing up in a log is a leak.
const TOKEN: &str = "MIIlogsecret-4f1e9c2b7a-token-value";

/// Returns a config whose profile reads its token from an environment variable.
fn config_for(home: &Path, server: &TestServer) -> String {
    let text = format!(
        "[profiles.dev]\nregion = \"cn-north-4\"\nproject_id = \"{PROJECT_ID}\"\nendpoint = \"{}\"\ntoken_env = \"STAGE_IMAGES_TEST_LOG_TOKEN\"\n",
        server.url()
    );
    support::write_config(home, &text)
        .to_str()
        .expect("utf-8")
        .to_owned()
}

fn assert_no_secret(log: &str) {
    assert!(!log.contains(TOKEN), "the log contains the token:\n{log}");
    assert!(
        !log.contains("logsecret"),
        "the log contains part of the token:\n{log}"
    );
}

/// Returns the lines of `log` that record a catalogue request.
fn request_lines(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|line| line.contains("catalogue request"))
        .collect()
}

#[test]
fn list_run_logs_the_request_and_no_secret() {
    let server = TestServer::always(
        Reply::json(200, DOCUMENTED_EXAMPLE).header("X-Request-Id", "log-req-1"),
    );
    let home = tempfile::tempdir().expect("temp dir");
    let config = config_for(home.path(), &server);
    let log_file = home.path().join("logs/run.log");
    // The trace level, libraries included, must not leak the token either.
    let output = run(
        home.path(),
        &[
            "--config",
            &config,
            "--log-file",
            log_file.to_str().expect("utf-8"),
            "list",
        ],
        &[
            ("STAGE_IMAGES_TEST_LOG_TOKEN", TOKEN),
            ("RUST_LOG", "trace"),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        server.received()[0].header("x-auth-token"),
        Some(TOKEN),
        "the token was sent"
    );

    let log = std::fs::read_to_string(&log_file).expect("log file");
    assert_no_secret(&log);
    assert!(log.contains("stage-images started"), "{log}");
    assert!(log.contains("profile selected"), "{log}");
    let requests = request_lines(&log);
    assert_eq!(requests.len(), 1, "{log}");
    let line = requests[0];
    assert!(line.contains(" INFO "), "{line}");
    assert!(line.contains("method=\"GET\""), "{line}");
    assert!(
        line.contains(&format!(
            "url={}/v3/{PROJECT_ID}/assembling/base-images",
            server.url()
        )),
        "{line}"
    );
    assert!(line.contains("status=200"), "{line}");
    assert!(line.contains("elapsed_ms="), "{line}");
    assert!(line.contains("request_id=\"log-req-1\""), "{line}");
}

#[test]
fn rejected_request_is_logged_with_status() {
    let server = TestServer::always(
        Reply::json(
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#,
        )
        .header("X-Request-Id", "log-req-401"),
    );
    let home = tempfile::tempdir().expect("temp dir");
    let config = config_for(home.path(), &server);
    let log_file = home.path().join("run.log");
    let output = run(
        home.path(),
        &[
            "--config",
            &config,
            "--log-file",
            log_file.to_str().expect("utf-8"),
            "has",
            "java",
            "17",
        ],
        &[("STAGE_IMAGES_TEST_LOG_TOKEN", TOKEN)],
    );
    assert_eq!(output.status.code(), Some(1));
    let log = std::fs::read_to_string(&log_file).expect("log file");
    assert_no_secret(&log);
    let requests = request_lines(&log);
    assert_eq!(requests.len(), 1, "{log}");
    assert!(requests[0].contains("status=401"), "{log}");
    assert!(requests[0].contains("request_id=\"log-req-401\""), "{log}");
    assert!(log.contains("stage-images failed"), "{log}");
    assert!(log.contains("APIGW.0301"), "{log}");
}

#[test]
fn unreachable_server_is_logged() {
    // A port that was free a moment ago: nothing listens there any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &format!("http://127.0.0.1:{port}"), TOKEN),
    );
    let log_file = home.path().join("run.log");
    let output = run(
        home.path(),
        &[
            "--config",
            config.to_str().expect("utf-8"),
            "--log-file",
            log_file.to_str().expect("utf-8"),
            "list",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let log = std::fs::read_to_string(&log_file).expect("log file");
    assert_no_secret(&log);
    let failed = log
        .lines()
        .find(|line| line.contains("catalogue request failed without a response"))
        .unwrap_or_else(|| panic!("no failed request line:\n{log}"));
    assert!(failed.contains(" WARN "), "{failed}");
    assert!(
        failed.contains(&format!("url=http://127.0.0.1:{port}/v3/")),
        "{failed}"
    );
}

#[test]
fn log_file_from_env_or_state_folder() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let config = config_for(home.path(), &server);

    let from_env = home.path().join("env.log");
    let output = run(
        home.path(),
        &["--config", &config, "list"],
        &[
            ("STAGE_IMAGES_TEST_LOG_TOKEN", TOKEN),
            ("STAGE_IMAGES_LOG", from_env.to_str().expect("utf-8")),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let log = std::fs::read_to_string(&from_env).expect("STAGE_IMAGES_LOG file");
    assert_eq!(request_lines(&log).len(), 1, "{log}");

    let output = run(
        home.path(),
        &["--config", &config, "list"],
        &[("STAGE_IMAGES_TEST_LOG_TOKEN", TOKEN)],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let default = home.path().join("state/stage-images/stage-images.log");
    let log = std::fs::read_to_string(&default).expect("log in the state folder");
    assert_eq!(request_lines(&log).len(), 1, "{log}");
    assert_no_secret(&log);
}

#[test]
fn browser_run_logs_every_request() {
    let server = TestServer::always(
        Reply::json(200, DOCUMENTED_EXAMPLE).header("X-Request-Id", "log-req-tui"),
    );
    let home = tempfile::tempdir().expect("temp dir");
    let config = config_for(home.path(), &server);
    let log_file = home.path().join("browser.log");
    let tmux = Tmux::start(
        &format!(
            "{} --config {config} --log-file {}",
            support::binary().display(),
            log_file.display()
        ),
        100,
        30,
        home.path(),
        &[
            ("STAGE_IMAGES_TEST_LOG_TOKEN", TOKEN),
            ("RUST_LOG", "debug"),
        ],
    );
    tmux.wait_for("Languages 6");
    tmux.send(&["r"]);
    tmux.wait_until(|_| server.received().len() == 2, "a second request");
    tmux.wait_for("fetched");
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");

    let log = std::fs::read_to_string(&log_file).expect("log file");
    assert_no_secret(&log);
    let requests = request_lines(&log);
    assert_eq!(requests.len(), 2, "{log}");
    for line in requests {
        assert!(line.contains("status=200"), "{line}");
        assert!(line.contains("request_id=\"log-req-tui\""), "{line}");
    }
}
