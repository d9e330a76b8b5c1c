//! Credentials seen from outside: redirects never carry them, secrets never reach an output,
//! a log or a cache file, `profiles` lists every profile, and the status bar names the method.

mod support;

use std::path::Path;
use std::process::Output;

use support::cloud::{Cloud, IamOptions};
use support::server::{Received, Reply, TestServer};
use support::signature::{TEST_AK, TEST_SK};
use support::tmux::Tmux;
use support::{DOCUMENTED_EXAMPLE, PROJECT_ID, stderr, stdout};

/// The headers that carry credentials.
const CREDENTIAL_HEADERS: [&str; 3] = ["x-auth-token", "x-security-token", "authorization"];

/// One way to authenticate: profile keys, the environment they need, and what IAM accepts.
struct Kind {
    name: &'static str,
    keys: String,
    env: Vec<(&'static str, String)>,
    iam: IamOptions,
}

fn kinds() -> Vec<Kind> {
    vec![
        Kind {
            name: "token",
            keys: "token_env = \"T_TOKEN\"\n".to_owned(),
            env: vec![("T_TOKEN", "CANARY-token-5b1e".to_owned())],
            iam: IamOptions {
                static_tokens: vec!["CANARY-token-5b1e".to_owned()],
                ..IamOptions::default()
            },
        },
        Kind {
            name: "AK/SK",
            keys: "access_key_env = \"T_AK\"\nsecret_key_env = \"T_SK\"\nsecurity_token_env = \"T_STS\"\n"
                .to_owned(),
            env: vec![
                ("T_AK", TEST_AK.to_owned()),
                ("T_SK", TEST_SK.to_owned()),
                ("T_STS", "CANARY-sts-9c2d".to_owned()),
            ],
            iam: IamOptions {
                security_token: Some("CANARY-sts-9c2d".to_owned()),
                ..IamOptions::default()
            },
        },
        Kind {
            name: "IAM user",
            // The command prints the password from the environment, so that its text, which
            // messages may show, contains no secret.
            keys: "iam_user = \"alice\"\niam_domain = \"acme\"\niam_password_command = 'printf %s \"$T_PW\"'\n"
                .to_owned(),
            env: vec![("T_PW", "CANARY-password-e4a7".to_owned())],
            iam: IamOptions {
                password: "CANARY-password-e4a7".to_owned(),
                ..IamOptions::default()
            },
        },
    ]
}

/// The secrets of every kind; none may appear in any output.
const CANARIES: [&str; 4] = [
    "CANARY-token-5b1e",
    "CANARY-sts-9c2d",
    "CANARY-password-e4a7",
    TEST_SK,
];

fn config(servicestage: &str, iam: &str, extra: &str) -> String {
    format!(
        "[profiles.dev]\nregion = \"cn-north-4\"\nendpoint = \"{servicestage}\"\niam_endpoint = \"{iam}\"\n{extra}"
    )
}

fn run(home: &Path, config: &str, args: &[&str], env: &[(&str, String)]) -> Output {
    let path = support::write_config(home, config);
    let mut all = vec!["--config", path.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    let env: Vec<(&str, &str)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    support::run(home, &all, &env)
}

/// Asserts the run failed on the redirect, which was asked once and never followed.
fn assert_redirect_refused(
    kind: &Kind,
    output: &Output,
    expected: &str,
    redirecting: &TestServer,
    target: &TestServer,
) {
    let name = kind.name;
    assert_eq!(output.status.code(), Some(1), "{name}: {}", stderr(output));
    assert!(
        stderr(output).contains(expected),
        "{name}: {}",
        stderr(output)
    );
    assert_eq!(redirecting.received().len(), 1, "{name}");
    assert_no_credentials(&target.received(), name);
}

fn assert_no_credentials(received: &[Received], what: &str) {
    for request in received {
        for header in CREDENTIAL_HEADERS {
            assert_eq!(
                request.header(header),
                None,
                "{what}: {header} reached the redirect target"
            );
        }
    }
    assert!(
        received.is_empty(),
        "{what}: the redirect target was contacted"
    );
}

#[test]
fn catalogue_redirect_carries_no_credentials() {
    for kind in kinds() {
        let cloud = Cloud::start(kind.iam.clone());
        let target = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
        let location = format!("{}/v3/{PROJECT_ID}/assembling/base-images", target.url());
        let redirecting = TestServer::always(Reply::json(302, "").header("Location", &location));
        let home = tempfile::tempdir().expect("temp dir");
        let text = config(
            &redirecting.url(),
            &cloud.iam.url(),
            &format!("project_id = \"{PROJECT_ID}\"\n{}", kind.keys),
        );
        let output = run(home.path(), &text, &["list"], &kind.env);
        let expected = format!(
            "responded with HTTP 302 redirecting to {location}; redirects are not followed with \
             credentials attached, set `endpoint` to the right URL"
        );
        assert_redirect_refused(&kind, &output, &expected, &redirecting, &target);
    }
}

#[test]
fn iam_redirect_carries_no_credentials() {
    for kind in kinds() {
        let cloud = Cloud::start(kind.iam.clone());
        let target = TestServer::always(Reply::json(201, "{}").header("X-Subject-Token", "t"));
        let redirecting = TestServer::start({
            let base = target.url();
            move |request| {
                Reply::json(307, "").header("Location", &format!("{base}{}", request.target))
            }
        });
        let home = tempfile::tempdir().expect("temp dir");
        // No project id: token and AK/SK profiles look it up, IAM users log in first.
        let text = config(&cloud.servicestage.url(), &redirecting.url(), &kind.keys);
        let output = run(home.path(), &text, &["list"], &kind.env);
        let expected = "set `iam_endpoint` to the right URL";
        assert_redirect_refused(&kind, &output, expected, &redirecting, &target);
        assert!(cloud.servicestage.received().is_empty(), "{}", kind.name);
    }
}

/// Reads every file under `folder`, with its path.
fn files_under(folder: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return found;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
            found.push((path.display().to_string(), text));
        }
    }
    found
}

#[test]
fn canary_secrets_never_leave_their_place() {
    for kind in kinds() {
        let cloud = Cloud::start(kind.iam.clone());
        let home = tempfile::tempdir().expect("temp dir");
        let log = home.path().join("run.log");
        let log_text = log.to_str().expect("utf-8").to_owned();
        let text = config(&cloud.servicestage.url(), &cloud.iam.url(), &kind.keys);
        // Three runs: the second reads the caches the first one wrote, and the third has every
        // library logging at trace level, headers included.
        let mut traced = kind.env.clone();
        traced.push(("RUST_LOG", "trace".to_owned()));
        let listing = ["--debug", "--log-file", &log_text, "list", "--json"];
        let mut outputs = Vec::new();
        for env in [&kind.env, &kind.env, &traced] {
            let output = run(home.path(), &text, &listing, env);
            let name = kind.name;
            assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
            outputs.push(output);
        }
        outputs.push(run(home.path(), &text, &["profiles"], &kind.env));
        outputs.push(run(home.path(), &text, &["profiles", "--json"], &kind.env));

        let mut places: Vec<(String, String)> = Vec::new();
        for (index, output) in outputs.iter().enumerate() {
            places.push((format!("stdout of run {index}"), stdout(output)));
            places.push((format!("stderr of run {index}"), stderr(output)));
        }
        places.push((
            "the log file".to_owned(),
            std::fs::read_to_string(&log).expect("log"),
        ));
        let cached = files_under(&home.path().join("cache"));
        places.extend(cached.iter().cloned());
        places.extend(files_under(&home.path().join("state")));

        for (place, content) in &places {
            for canary in CANARIES {
                assert!(
                    !content.contains(canary),
                    "{}: {canary} found in {place}:\n{content}",
                    kind.name
                );
            }
            // The issued IAM token may live in the token cache only.
            if !place.ends_with("tokens/dev.json") {
                assert!(
                    !content.contains("issued-token-"),
                    "{}: the IAM token is in {place}",
                    kind.name
                );
            }
        }
        let log_text = std::fs::read_to_string(&log).expect("log");
        assert!(
            log_text.contains("catalogue request"),
            "{}: the log is empty",
            kind.name
        );
        let token_cached = cached
            .iter()
            .any(|(path, _)| path.ends_with("tokens/dev.json"));
        assert_eq!(
            token_cached,
            kind.name == "IAM user",
            "{}: token cache",
            kind.name
        );
    }
}

#[test]
fn profiles_lists_every_profile_without_secrets() {
    let home = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "default_profile = \"dev\"\n\n\
         [profiles.dev]\nregion = \"cn-north-4\"\nproject_id = \"{PROJECT_ID}\"\ntoken = \"CANARY-token-5b1e\"\n\n\
         [profiles.keys]\nregion = \"ap-southeast-3\"\naccess_key = \"AKINLINE\"\nsecret_key = \"{TEST_SK}\"\n\n\
         [profiles.intl]\nregion = \"eu-west-101\"\niam_user = \"alice\"\niam_domain = \"acme\"\niam_password_env = \"T_PASSWORD\"\n\n\
         [profiles.sdk]\nregion = \"cn-east-3\"\nendpoint = \"https://servicestage.example.internal\"\n"
    );
    let env = vec![
        ("HUAWEICLOUD_SDK_AK", "AKSDK".to_owned()),
        ("HUAWEICLOUD_SDK_SK", "sdk-secret".to_owned()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "fedcba9876543210fedcba9876543210".to_owned(),
        ),
    ];
    let output = run(home.path(), &text, &["profiles"], &env);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "PROFILE  REGION          ENDPOINT                                               PROJECT ID                        AUTH      CREDENTIALS\n\
         dev *    cn-north-4      https://servicestage.cn-north-4.myhuaweicloud.com      0123456789abcdef0123456789abcdef  token     token from config file\n\
         intl     eu-west-101     https://servicestage.eu-west-101.myhuaweicloud.eu      resolved from region              IAM user  IAM user alice in account acme, password from env T_PASSWORD\n\
         keys     ap-southeast-3  https://servicestage.ap-southeast-3.myhuaweicloud.com  resolved from region              AK/SK     AK/SK: access key from config file, secret key from config file\n\
         sdk      cn-east-3       https://servicestage.example.internal                  fedcba9876543210fedcba9876543210  AK/SK     AK/SK from the HUAWEICLOUD_SDK_* environment variables\n"
    );

    let json = run(home.path(), &text, &["profiles", "--json"], &env);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(rows.as_array().expect("array").len(), 4);
    assert_eq!(
        rows[1]["iam_endpoint"],
        "https://iam.eu-west-101.myhuaweicloud.eu"
    );
    assert_eq!(rows[1]["project_id"], serde_json::Value::Null);
    assert_eq!(rows[1]["project_id_source"], "region");
    assert_eq!(rows[0]["project_id_source"], "config");
    assert_eq!(rows[3]["project_id_source"], "sdk");
    for text in [stdout(&output), stdout(&json), stderr(&output)] {
        assert!(!text.contains("CANARY-token-5b1e"), "{text}");
        assert!(!text.contains(TEST_SK), "{text}");
        assert!(!text.contains("sdk-secret"), "{text}");
    }
    assert_eq!(stderr(&output), "");
}

#[test]
fn status_bar_shows_method_and_resolved_project() {
    let cloud = Cloud::start(IamOptions {
        lookup_delay: std::time::Duration::from_millis(1500),
        ..IamOptions::default()
    });
    let home = tempfile::tempdir().expect("temp dir");
    let text = config(
        &cloud.servicestage.url(),
        &cloud.iam.url(),
        "access_key_env = \"T_AK\"\nsecret_key_env = \"T_SK\"\n",
    );
    let path = support::write_config(home.path(), &text);
    let command = format!(
        "{} --config {}",
        support::binary().display(),
        path.display()
    );
    let tmux = Tmux::start(
        &command,
        120,
        20,
        home.path(),
        &[("T_AK", TEST_AK), ("T_SK", TEST_SK)],
    );
    let screen = tmux.wait_for("resolved from region");
    assert!(
        screen.contains(" dev · cn-north-4 · resolved from region · AK/SK"),
        "{screen}"
    );
    let screen = tmux.wait_for("6 languages");
    assert!(
        screen.contains(&format!(
            " dev · cn-north-4 · {PROJECT_ID} · AK/SK · 6 languages"
        )),
        "{screen}"
    );
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}
