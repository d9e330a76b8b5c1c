//! Several instances at once with one home folder: they share the catalogue, IAM token and
//! project id caches without corrupting them, and a later run reuses what they left.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};

use support::cloud::{Cloud, IamOptions};
use support::{stderr, stdout};

/// Number of instances started together.
const INSTANCES: usize = 6;

fn cache_file(home: &Path, folder: &str) -> std::path::PathBuf {
    home.join("cache/stage-images")
        .join(folder)
        .join("dev.json")
}

/// Starts `stage-images [FLAGS] list java` in `home` without waiting for it.
fn spawn_list(home: &Path, config: &Path, flags: &[&str]) -> std::process::Child {
    let mut command = Command::new(support::binary());
    support::isolate(&mut command, home);
    command
        .args(["--config", config.to_str().expect("utf-8")])
        .args(flags)
        .args(["list", "java"])
        .env("T_PASSWORD", "correct horse")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn stage-images")
}

#[test]
fn parallel_instances_share_the_caches() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    // No `project_id`, so each instance also resolves and caches the project id.
    let config = support::write_config(
        home.path(),
        &format!(
            "[profiles.dev]\nregion = \"cn-north-4\"\nendpoint = \"{}\"\niam_endpoint = \"{}\"\n\
             iam_user = \"alice\"\niam_domain = \"acme\"\niam_password_env = \"T_PASSWORD\"\n",
            cloud.servicestage.url(),
            cloud.iam.url()
        ),
    );

    let children: Vec<_> = (0..INSTANCES)
        .map(|_| spawn_list(home.path(), &config, &[]))
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(stdout(&output), "17\n11\n8u181-jdk-alpine\n");
    }

    // Each cache file is whole: one instance's version of it, never a mix.
    let tokens: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cache_file(home.path(), "tokens")).expect("token cache"),
    )
    .expect("the token cache is valid JSON");
    assert!(tokens.is_object(), "{tokens}");
    let projects: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cache_file(home.path(), "projects")).expect("project cache"),
    )
    .expect("the project cache is valid JSON");
    assert!(
        projects.to_string().contains(support::PROJECT_ID),
        "{projects}"
    );
    let catalogue: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cache_file(home.path(), "catalogues")).expect("catalogue cache"),
    )
    .expect("the catalogue cache is valid JSON");
    assert!(
        catalogue.to_string().contains("8u181-jdk-alpine"),
        "{catalogue}"
    );
    for folder in ["tokens", "projects", "catalogues"] {
        let names: Vec<String> =
            std::fs::read_dir(home.path().join("cache/stage-images").join(folder))
                .expect("cache folder")
                .map(|entry| {
                    entry
                        .expect("entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
        assert_eq!(names, ["dev.json"], "temporary files left in {folder}");
    }

    // A later run finds a valid token and project id and logs in no more.
    let logins = cloud.logins();
    assert!((1..=INSTANCES).contains(&logins), "{logins} logins");
    let output = spawn_list(home.path(), &config, &[])
        .wait_with_output()
        .expect("wait");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(cloud.logins(), logins, "the cached token was not reused");

    // The catalogue they cached serves an offline run without any request.
    let requests = cloud.all_received().len();
    let output = spawn_list(home.path(), &config, &["--offline"])
        .wait_with_output()
        .expect("wait");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "17\n11\n8u181-jdk-alpine\n");
    assert_eq!(
        cloud.all_received().len(),
        requests,
        "an offline run sent a request"
    );
}
