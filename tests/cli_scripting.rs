//! The commands for scripts and CI: `has`, `list --plain`, release status in `list`,
//! `completions` and `man`, run as a user would against loopback servers.

mod support;

use std::path::Path;

use support::server::{Reply, TestServer};
use support::{DOCUMENTED_EXAMPLE, run, stderr, stdout};

/// Runs the binary with a config whose only profile points at `server`, in a fresh home.
fn run_against(server: &TestServer, args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().expect("temp dir");
    run_in(home.path(), server, args)
}

fn run_in(home: &Path, server: &TestServer, args: &[&str]) -> std::process::Output {
    let config = support::write_config(
        home,
        &support::profile_toml("dev", &server.url(), "script-token"),
    );
    let mut all = vec!["--config", config.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    run(home, &all, &[])
}

#[test]
fn has_exits_zero_when_offered() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let output = run_against(&server, &["has", "java", "17"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Java 17 is offered\n");
    assert_eq!(stderr(&output), "");
    let output = run_against(&server, &["has", "node", "16"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run_against(&server, &["has", "java", "8u181-jdk-alpine", "--quiet"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

#[test]
fn has_exits_one_when_not_offered() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let output = run_against(&server, &["has", "java", "21"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "stage-images: Java 21 is not offered; versions: 17, 11, 8u181-jdk-alpine\n"
    );
    // A version that only starts like an offered one is not offered.
    let output = run_against(&server, &["has", "java", "8"]);
    assert_eq!(output.status.code(), Some(1));

    let output = run_against(&server, &["has", "cobol", "1"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "stage-images: language \"cobol\" is not offered; languages: Go, Java, Nodejs, Php, Python, Tomcat\n"
    );

    let output = run_against(&server, &["has", "jaav", "17"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "stage-images: language \"jaav\" is not offered (did you mean \"Java\"?); languages: Go, Java, Nodejs, \
         Php, Python, Tomcat\n"
    );

    let output = run_against(&server, &["has", "-q", "java", "21"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "");
}

#[test]
fn has_names_a_language_without_versions() {
    let server = TestServer::always(Reply::json(200, r#"{"Go":[],"Java":["17"]}"#));
    let output = run_against(&server, &["has", "go", "1.22"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "stage-images: Go 1.22 is not offered; versions: the service lists none\n"
    );
}

#[test]
fn has_keeps_two_for_usage_and_config_errors() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let output = run_against(&server, &["has", "java"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a missing argument is a usage error"
    );

    let home = tempfile::tempdir().expect("temp dir");
    let missing = home.path().join("missing.toml");
    let output = run(
        home.path(),
        &[
            "--config",
            missing.to_str().expect("utf-8"),
            "has",
            "java",
            "17",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("config file not found"),
        "{}",
        stderr(&output)
    );
    assert!(server.received().is_empty());
}

#[test]
fn has_reports_a_failed_request() {
    let server = TestServer::always(Reply::text(503, "busy"));
    let output = run_against(&server, &["has", "java", "17"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("HTTP 503 Service Unavailable"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn plain_prints_tab_separated_lines() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let output = run_against(&server, &["list", "--plain"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "Go\t1.11\nJava\t17\nJava\t11\nJava\t8u181-jdk-alpine\nNodejs\t16\nNodejs\t8\n\
         Php\t7-apache\nPython\t3.7\nTomcat\t8-alpine\n"
    );
    let output = run_against(&server, &["list", "java", "--plain", "--api-order"]);
    assert_eq!(
        stdout(&output),
        "Java\t8u181-jdk-alpine\nJava\t11\nJava\t17\n"
    );

    let output = run_against(&server, &["list", "--plain", "--json"]);
    assert_eq!(output.status.code(), Some(2), "--plain and --json conflict");
}

#[test]
fn release_status_on_request() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let output = run_against(&server, &["list", "node", "--plain", "--release-status"]);
    assert_eq!(
        stdout(&output),
        "Nodejs\t16\tEOL 2023-09-11\nNodejs\t8\tEOL 2019-12-31\n"
    );

    let output = run_against(&server, &["list", "java", "--release-status"]);
    assert_eq!(
        stdout(&output),
        "17                LTS\n11                LTS\n8u181-jdk-alpine  LTS\n"
    );

    let output = run_against(&server, &["list", "--release-status"]);
    let text = stdout(&output);
    assert!(
        text.contains("Java    17 (LTS)  11 (LTS)  8u181-jdk-alpine (LTS)\n"),
        "{text}"
    );
    assert!(text.contains("Python  3.7 (EOL)\n"), "{text}");

    let output = run_against(&server, &["list", "python", "--json", "--release-status"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(
        json,
        serde_json::json!({"Python": [{"version": "3.7", "release_status": {
            "line": "3.7", "lts": false, "end_of_life": "2023-06-27",
            "is_end_of_life": true, "label": "EOL 2023-06-27"}}]})
    );

    // Without the flag, JSON keeps the API's shape.
    let output = run_against(&server, &["list", "python", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(json, serde_json::json!({"Python": ["3.7"]}));
}

#[test]
fn override_file_changes_release_status() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let folder = home.path().join("config/stage-images");
    std::fs::create_dir_all(&folder).expect("config folder");
    std::fs::write(
        folder.join("release-status.toml"),
        "[languages.java]\n\"17\" = { end_of_life = 2020-01-01 }\n\"11\" = { lts = true, end_of_life = 2099-12-31 }\n",
    )
    .expect("override");
    let output = run_in(
        home.path(),
        &server,
        &["list", "java", "--plain", "--release-status"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "Java\t17\tEOL 2020-01-01\nJava\t11\tLTS until 2099-12-31\nJava\t8u181-jdk-alpine\tLTS\n"
    );

    std::fs::write(
        folder.join("release-status.toml"),
        "[languages.java]\n\"17\" = { lts = \"yes\" }\n",
    )
    .expect("override");
    let output = run_in(home.path(), &server, &["list", "java"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: {}:2: `languages.java.17.lts`: wrong type: string \"yes\", expected true or false\n",
            folder.join("release-status.toml").display()
        )
    );
}

#[test]
fn completions_for_each_shell() {
    let home = tempfile::tempdir().expect("temp dir");
    for (shell, marker) in [
        ("bash", "complete -F _stage__images"),
        ("zsh", "#compdef stage-images"),
        ("fish", "complete -c stage-images"),
    ] {
        let output = run(home.path(), &["completions", shell], &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell} lacks {marker:?}");
        for word in ["list", "has", "completions", "release-status", "plain"] {
            assert!(script.contains(word), "{shell} lacks {word:?}");
        }
    }
    // Bash itself accepts the script.
    let script = home.path().join("stage-images.bash");
    std::fs::write(
        &script,
        stdout(&run(home.path(), &["completions", "bash"], &[])),
    )
    .expect("write");
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("run bash -n");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let output = run(home.path(), &["completions", "tcsh"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("tcsh"), "{}", stderr(&output));
    // Completions are read at every shell start-up: they leave no log file behind.
    assert!(
        !home.path().join("state").exists(),
        "completions wrote a log file"
    );
}

#[test]
fn man_page_is_roff() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = run(home.path(), &["man"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.contains(".TH stage-images 1"), "{page}");
    assert!(page.contains(".SH NAME"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    assert!(page.contains("Exit codes: 0 success"), "{page}");
    for command in ["list", "has", "completions"] {
        assert!(
            page.contains(&format!("stage\\-images\\-{command}")),
            "{command} missing"
        );
    }
}
