//! The three kinds of credentials and the SDK fallback, run as a user runs them: the binary
//! with a config file, against loopback stand-ins for IAM and `ServiceStage`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::cloud::{Cloud, IamOptions};
use support::server::{Received, Reply, TestServer};
use support::signature::{TEST_AK, TEST_SK};
use support::{PROJECT_ID, stderr, stdout};
use time::{Duration, OffsetDateTime};

const JAVA_VERSIONS: &str = "17\n11\n8u181-jdk-alpine\n";

/// Builds a profile `dev` in cn-north-4 whose endpoints are the stand-ins, plus `extra` keys.
fn profile(cloud: &Cloud, extra: &str) -> String {
    format!(
        "[profiles.dev]\nregion = \"cn-north-4\"\nendpoint = \"{}\"\niam_endpoint = \"{}\"\n{extra}",
        cloud.servicestage.url(),
        cloud.iam.url()
    )
}

/// Runs `stage-images list java` with `config` in the isolated `home`.
fn list_java(home: &Path, config: &str, env: &[(&str, &str)]) -> Output {
    let path = support::write_config(home, config);
    support::run(
        home,
        &["--config", path.to_str().expect("utf-8"), "list", "java"],
        env,
    )
}

fn cache_file(home: &Path, folder: &str) -> PathBuf {
    home.join("cache/stage-images")
        .join(folder)
        .join("dev.json")
}

fn assert_listed(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    assert_eq!(stdout(output), JAVA_VERSIONS);
}

/// Returns the `X-Auth-Token` of each catalogue request, in order.
fn catalogue_tokens(cloud: &Cloud) -> Vec<Option<String>> {
    cloud
        .servicestage
        .received()
        .iter()
        .map(|request| request.header("x-auth-token").map(str::to_owned))
        .collect()
}

fn project_lookups(cloud: &Cloud) -> Vec<Received> {
    cloud
        .iam
        .received()
        .into_iter()
        .filter(|request| request.path() == "/v3/projects")
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

const KEYS: &str = "access_key_env = \"T_AK\"\nsecret_key_env = \"T_SK\"\n";

#[test]
fn access_keys_sign_lookup_and_catalogue() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let env = [("T_AK", TEST_AK), ("T_SK", TEST_SK)];
    let output = list_java(home.path(), &profile(&cloud, KEYS), &env);
    assert_listed(&output);

    let lookups = project_lookups(&cloud);
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].target, "/v3/projects?name=cn-north-4");
    let catalogue = &cloud.servicestage.received()[0];
    assert_eq!(
        catalogue.target,
        format!("/v3/{PROJECT_ID}/assembling/base-images")
    );
    for request in cloud.all_received() {
        let authorization = request.header("authorization").expect("signed");
        assert!(
            authorization.starts_with(&format!("SDK-HMAC-SHA256 Access={TEST_AK}, ")),
            "{authorization}"
        );
        assert_eq!(request.header("x-auth-token"), None);
        assert_eq!(
            request.header("host"),
            Some(expected_host(&request, &cloud).as_str())
        );
    }
    let cached = std::fs::read_to_string(cache_file(home.path(), "projects")).expect("cached");
    assert!(cached.contains(PROJECT_ID), "{cached}");

    // The second run takes the project id from the cache and sends IAM nothing.
    assert_listed(&list_java(home.path(), &profile(&cloud, KEYS), &env));
    assert_eq!(project_lookups(&cloud).len(), 1);
    assert_eq!(cloud.servicestage.received().len(), 2);
}

/// `127.0.0.1:PORT` of the server that received `request`.
fn expected_host(request: &Received, cloud: &Cloud) -> String {
    let server = if request.path().starts_with("/v3/projects") {
        &cloud.iam
    } else {
        &cloud.servicestage
    };
    format!("127.0.0.1:{}", server.port())
}

#[test]
fn temporary_keys_send_signed_security_token() {
    let cloud = Cloud::start(IamOptions {
        security_token: Some("sts-token-0123".to_owned()),
        ..IamOptions::default()
    });
    let home = tempfile::tempdir().expect("temp dir");
    let config = profile(&cloud, &format!("{KEYS}security_token_env = \"T_STS\"\n"));
    let env = [
        ("T_AK", TEST_AK),
        ("T_SK", TEST_SK),
        ("T_STS", "sts-token-0123"),
    ];
    assert_listed(&list_java(home.path(), &config, &env));
    for request in cloud.all_received() {
        assert_eq!(request.header("x-security-token"), Some("sts-token-0123"));
        let authorization = request.header("authorization").expect("signed");
        assert!(
            authorization.contains(";x-security-token, "),
            "{authorization}"
        );
    }
}

#[test]
fn wrong_secret_key_fails_the_lookup() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let env = [("T_AK", TEST_AK), ("T_SK", "not-the-secret-key")];
    let output = list_java(home.path(), &profile(&cloud, KEYS), &env);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: the project id lookup at {} failed: HTTP 401 Unauthorized: the \
             credentials were rejected (wrong or expired); check the profile's credentials \
             [APIGW.0301: Incorrect IAM authentication information]\n",
            cloud.iam.url()
        )
    );
    assert!(cloud.servicestage.received().is_empty());
}

const IAM_USER: &str =
    "iam_user = \"alice\"\niam_domain = \"acme\"\niam_password_env = \"T_PASSWORD\"\n";
const PASSWORD: [(&str, &str); 1] = [("T_PASSWORD", "correct horse")];

fn logins(cloud: &Cloud) -> Vec<serde_json::Value> {
    cloud
        .iam
        .received()
        .iter()
        .filter(|request| request.path() == "/v3/auth/tokens")
        .map(|request| serde_json::from_slice(&request.body).expect("JSON body"))
        .collect()
}

#[test]
fn iam_login_is_scoped_cached_and_reused() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let config = profile(&cloud, IAM_USER);
    assert_listed(&list_java(home.path(), &config, &PASSWORD));

    let sent = logins(&cloud);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0],
        serde_json::json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "domain": {"name": "acme"}, "name": "alice", "password": "correct horse"}}},
            "scope": {"project": {"name": "cn-north-4"}}}})
    );
    let login = &cloud.iam.received()[0];
    assert_eq!(
        login.header("content-type"),
        Some("application/json;charset=utf8")
    );
    assert_eq!(
        project_lookups(&cloud)[0].header("x-auth-token"),
        Some("issued-token-1")
    );
    assert_eq!(
        cloud.servicestage.received()[0].header("x-auth-token"),
        Some("issued-token-1")
    );

    let token_file = cache_file(home.path(), "tokens");
    let cached = std::fs::read_to_string(&token_file).expect("token cached");
    assert!(cached.contains("issued-token-1"), "{cached}");
    assert!(
        !cached.contains("correct horse"),
        "the password is never cached"
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&token_file), 0o600);
        assert_eq!(mode(token_file.parent().expect("folder")), 0o700);
    }

    // The next run reuses the token and the project id: IAM hears nothing.
    let before = cloud.iam.received().len();
    assert_listed(&list_java(home.path(), &config, &PASSWORD));
    assert_eq!(cloud.iam.received().len(), before);
    assert_eq!(
        cloud.servicestage.received()[1].header("x-auth-token"),
        Some("issued-token-1")
    );
}

#[test]
fn token_close_to_expiry_is_not_reused() {
    let cloud = Cloud::start(IamOptions {
        token_lifetime: Duration::minutes(2),
        ..IamOptions::default()
    });
    let home = tempfile::tempdir().expect("temp dir");
    let config = profile(
        &cloud,
        &format!("project_id = \"{PROJECT_ID}\"\n{IAM_USER}"),
    );
    assert_listed(&list_java(home.path(), &config, &PASSWORD));
    assert_listed(&list_java(home.path(), &config, &PASSWORD));
    assert_eq!(cloud.logins(), 2);
    assert_eq!(
        catalogue_tokens(&cloud),
        [
            Some("issued-token-1".to_owned()),
            Some("issued-token-2".to_owned())
        ]
    );
    // With a configured project id the token is scoped to it.
    assert_eq!(
        logins(&cloud)[0]["auth"]["scope"],
        serde_json::json!({"project": {"id": PROJECT_ID}})
    );
}

/// Writes a token cache entry for the profile `dev` of `cloud`, as an earlier run would;
/// `scope` is `id:PROJECT_ID` or `name:REGION`.
fn write_cached_token(home: &Path, cloud: &Cloud, token: &str, scope: &str) {
    let expires_at = (OffsetDateTime::now_utc() + Duration::hours(12))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    let entry = serde_json::json!({
        "token": token,
        "expires_at": expires_at,
        "iam_endpoint": cloud.iam.url(),
        "user": "alice",
        "domain": "acme",
        "scope": scope,
    });
    let path = cache_file(home, "tokens");
    std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
    std::fs::write(path, entry.to_string()).expect("write cache");
}

#[test]
fn rejected_cached_token_is_renewed_once() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    write_cached_token(
        home.path(),
        &cloud,
        "revoked-token",
        &format!("id:{PROJECT_ID}"),
    );
    let config = profile(
        &cloud,
        &format!("project_id = \"{PROJECT_ID}\"\n{IAM_USER}"),
    );
    assert_listed(&list_java(home.path(), &config, &PASSWORD));

    assert_eq!(
        catalogue_tokens(&cloud),
        [
            Some("revoked-token".to_owned()),
            Some("issued-token-1".to_owned())
        ]
    );
    assert_eq!(cloud.logins(), 1);
    let cached = std::fs::read_to_string(cache_file(home.path(), "tokens")).expect("cached");
    assert!(cached.contains("issued-token-1"), "{cached}");
}

#[test]
fn rejected_cached_token_is_renewed_for_the_lookup() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    write_cached_token(home.path(), &cloud, "revoked-token", "name:cn-north-4");
    assert_listed(&list_java(
        home.path(),
        &profile(&cloud, IAM_USER),
        &PASSWORD,
    ));
    let lookups = project_lookups(&cloud);
    assert_eq!(lookups.len(), 2);
    assert_eq!(lookups[0].header("x-auth-token"), Some("revoked-token"));
    assert_eq!(lookups[1].header("x-auth-token"), Some("issued-token-1"));
    assert_eq!(cloud.logins(), 1);
}

#[test]
fn cached_token_from_another_user_is_ignored() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    write_cached_token(
        home.path(),
        &cloud,
        "bobs-token",
        &format!("id:{PROJECT_ID}"),
    );
    cloud.accept_token("bobs-token");
    let config = profile(
        &cloud,
        &format!(
            "project_id = \"{PROJECT_ID}\"\n{}",
            IAM_USER.replace("alice", "bob")
        ),
    );
    let output = list_java(home.path(), &config, &PASSWORD);
    // bob's login fails because the stand-in accepts only alice, and alice's cached token is not
    // used.
    assert_eq!(output.status.code(), Some(1));
    assert!(cloud.servicestage.received().is_empty());
}

#[test]
fn fresh_token_rejected_is_not_retried() {
    let cloud = Cloud::start(IamOptions::default());
    let rejecting = TestServer::always(Reply::json(
        401,
        r#"{"error_code":"APIGW.0307","error_msg":"The token must be updated."}"#,
    ));
    let home = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "[profiles.dev]\nregion = \"cn-north-4\"\nproject_id = \"{PROJECT_ID}\"\nendpoint = \"{}\"\niam_endpoint = \"{}\"\n{IAM_USER}",
        rejecting.url(),
        cloud.iam.url()
    );
    let output = list_java(home.path(), &config, &PASSWORD);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("HTTP 401 Unauthorized"),
        "{}",
        stderr(&output)
    );
    assert_eq!(cloud.logins(), 1);
    assert_eq!(rejecting.received().len(), 1);
}

#[test]
fn wrong_password_is_reported_and_nothing_cached() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let output = list_java(
        home.path(),
        &profile(&cloud, IAM_USER),
        &[("T_PASSWORD", "wrong horse")],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: IAM login at {} was rejected with HTTP 401 Unauthorized: the user name, \
             account name or password is wrong, or the user may not log in with a password; \
             check `iam_user`, `iam_domain` and the password [IAM.0001: The username or password \
             is incorrect.]\n",
            cloud.iam.url()
        )
    );
    assert!(!cache_file(home.path(), "tokens").exists());
    assert!(cloud.servicestage.received().is_empty());
}

#[test]
fn missing_password_variable_exits_with_two() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let output = list_java(home.path(), &profile(&cloud, IAM_USER), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "stage-images: cannot read the credentials: iam_password_env: environment variable \
         T_PASSWORD is not set; export it or change `iam_password_env`\n"
    );
    assert!(cloud.all_received().is_empty());
}

const TOKEN: &str = "token = \"static-token\"\n";

fn token_cloud(projects: Vec<(String, String)>) -> Cloud {
    Cloud::start(IamOptions {
        projects,
        static_tokens: vec!["static-token".to_owned()],
        ..IamOptions::default()
    })
}

#[test]
fn one_matching_project_is_used() {
    let other = "ffffffffffffffffffffffffffffffff".to_owned();
    let cloud = token_cloud(vec![
        (PROJECT_ID.to_owned(), "cn-north-4".to_owned()),
        (other, "cn-north-4_sub".to_owned()),
    ]);
    let home = tempfile::tempdir().expect("temp dir");
    assert_listed(&list_java(home.path(), &profile(&cloud, TOKEN), &[]));
    let lookups = project_lookups(&cloud);
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].header("x-auth-token"), Some("static-token"));
}

#[test]
fn no_matching_project_is_a_config_error() {
    let cloud = token_cloud(vec![(PROJECT_ID.to_owned(), "cn-east-3".to_owned())]);
    let home = tempfile::tempdir().expect("temp dir");
    let output = list_java(home.path(), &profile(&cloud, TOKEN), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: no project named \"cn-north-4\" at {}; check `region`, or set \
             `project_id` in the profile\n",
            cloud.iam.url()
        )
    );
    assert!(cloud.servicestage.received().is_empty());
    assert!(!cache_file(home.path(), "projects").exists());
}

#[test]
fn several_matching_projects_are_a_config_error() {
    let second = "ffffffffffffffffffffffffffffffff";
    let cloud = token_cloud(vec![
        (PROJECT_ID.to_owned(), "cn-north-4".to_owned()),
        (second.to_owned(), "cn-north-4".to_owned()),
    ]);
    let home = tempfile::tempdir().expect("temp dir");
    let output = list_java(home.path(), &profile(&cloud, TOKEN), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: 2 projects are named \"cn-north-4\" at {} ({PROJECT_ID}, {second}); \
             set `project_id` in the profile to the one to use\n",
            cloud.iam.url()
        )
    );
    assert!(cloud.servicestage.received().is_empty());
}

/// Builds a profile with endpoints but no credential keys.
fn bare_profile(cloud: &Cloud) -> String {
    profile(cloud, "")
}

fn write_credentials_file(path: &Path, access_key: &str) {
    std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
    std::fs::write(
        path,
        format!(
            "[global]\nak = GLOBALKEY\nsk = global\n\n[basic]\nak = {access_key}\nsk = {TEST_SK}\n"
        ),
    )
    .expect("write credentials");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

#[test]
fn sdk_environment_variables_are_used() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let env = [
        ("HUAWEICLOUD_SDK_AK", TEST_AK),
        ("HUAWEICLOUD_SDK_SK", TEST_SK),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID),
    ];
    assert_listed(&list_java(home.path(), &bare_profile(&cloud), &env));
    assert!(
        cloud.iam.received().is_empty(),
        "the project id came from the environment"
    );
    let catalogue = &cloud.servicestage.received()[0];
    assert!(catalogue.header("authorization").is_some());
}

#[test]
fn sdk_credentials_file_is_used() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    write_credentials_file(&home.path().join(".huaweicloud/credentials"), TEST_AK);
    assert_listed(&list_java(home.path(), &bare_profile(&cloud), &[]));
    assert_eq!(project_lookups(&cloud).len(), 1);
}

#[test]
fn sdk_sources_follow_precedence() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    // The default file contains a key the stand-in rejects, so only the other places work.
    write_credentials_file(&home.path().join(".huaweicloud/credentials"), "AKUNKNOWN");

    let env_keys = [
        ("HUAWEICLOUD_SDK_AK", TEST_AK),
        ("HUAWEICLOUD_SDK_SK", TEST_SK),
    ];
    assert_listed(&list_java(home.path(), &bare_profile(&cloud), &env_keys));

    let named = home.path().join("elsewhere/credentials");
    write_credentials_file(&named, TEST_AK);
    let named_env = [(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        named.to_str().expect("utf-8"),
    )];
    assert_listed(&list_java(home.path(), &bare_profile(&cloud), &named_env));

    let output = list_java(home.path(), &bare_profile(&cloud), &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the default file's key is unknown"
    );

    // Keys in the profile win over the SDK's places.
    let token_cloud = token_cloud(vec![(PROJECT_ID.to_owned(), "cn-north-4".to_owned())]);
    assert_listed(&list_java(
        home.path(),
        &profile(&token_cloud, TOKEN),
        &env_keys,
    ));
    for request in token_cloud.all_received() {
        assert_eq!(request.header("authorization"), None);
        assert_eq!(request.header("x-auth-token"), Some("static-token"));
    }
}

#[test]
fn no_credentials_anywhere_names_what_was_read() {
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let output = list_java(home.path(), &bare_profile(&cloud), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: profile \"dev\" has no credentials: it has no credential keys, \
             HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set, and {}/.huaweicloud/credentials \
             does not exist; add `token_env`, `access_key_env` and `secret_key_env`, or \
             `iam_user`, `iam_domain` and `iam_password_env` to the profile\n",
            home.path().display()
        )
    );
    assert!(cloud.all_received().is_empty());
}

#[cfg(unix)]
#[test]
fn readable_credentials_file_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let cloud = Cloud::start(IamOptions::default());
    let home = tempfile::tempdir().expect("temp dir");
    let file = home.path().join(".huaweicloud/credentials");
    write_credentials_file(&file, TEST_AK);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let output = list_java(home.path(), &bare_profile(&cloud), &[]);
    assert_listed(&output);
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: warning: {} holds secrets and can be read by other users; run `chmod 600 {}`\n",
            file.display(),
            file.display()
        )
    );
}
