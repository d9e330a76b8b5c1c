//! Reading config files: every key, profile precedence, and a clear error for each mistake.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use stage_images::auth::{AuthMethod, Credentials};
use stage_images::config::{Config, ConfigError, ConfigOrigin};
use stage_images::project_id::ProjectId;
use stage_images::secret::SecretSource;
use support::server::{Reply, TestServer};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

fn load(name: &str) -> Result<Config, ConfigError> {
    Config::load(&fixture(name), ConfigOrigin::Explicit)
}

fn error_of(name: &str) -> ConfigError {
    load(name).expect_err("the fixture is invalid")
}

#[test]
fn full_config_reads_every_key() {
    let config = load("full.toml").expect("valid");
    assert_eq!(config.default_profile.as_deref(), Some("prod"));
    assert_eq!(
        config.profile_names(),
        [
            "dev",
            "intl",
            "intl-command",
            "intl-inline",
            "keys",
            "keys-inline",
            "keys-mixed",
            "local",
            "prod",
            "sdk"
        ]
    );
    assert!(!config.clipboard.osc52);
    assert_eq!(
        config
            .clipboard
            .command
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("wl-copy --trim-newline")
    );

    let dev = &config.profiles["dev"];
    assert_eq!(dev.region.as_str(), "cn-north-4");
    assert_eq!(
        dev.project_id.as_ref().map(ProjectId::as_str),
        Some("0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        dev.endpoint.to_string(),
        "https://servicestage.cn-north-4.myhuaweicloud.com"
    );
    assert!(
        matches!(&dev.credentials, Credentials::Token(SecretSource::Env(name)) if name == "HW_TOKEN")
    );
    assert_eq!(dev.network.connect_timeout, Duration::from_secs(60));
    assert_eq!(dev.network.timeout, Duration::from_secs(120));
    assert_eq!(dev.network.max_retries, 3);
    assert_eq!(dev.network.max_retry_time, Duration::from_secs(30));
    assert_eq!(dev.network.max_body_bytes, 8 * 1024 * 1024);
    assert_eq!(dev.ca_bundle, None);

    let prod = &config.profiles["prod"];
    assert_eq!(
        prod.endpoint.to_string(),
        "https://servicestage.example.internal/prefix"
    );
    assert!(
        matches!(&prod.credentials, Credentials::Token(SecretSource::Command(command)) if command.to_string() == "pass show huawei/token")
    );
    assert_eq!(prod.network.connect_timeout, Duration::from_secs(5));
    assert_eq!(prod.network.timeout, Duration::from_secs(60));
    assert_eq!(prod.network.max_retries, 5);
    assert_eq!(prod.network.max_retry_time, Duration::from_secs(45));
    assert_eq!(prod.network.max_body_bytes, 16 * 1024 * 1024);
    let bundle = prod.ca_bundle.as_ref().expect("ca_bundle");
    assert_eq!(bundle.path, fixture("corporate-ca.pem"));
    assert_eq!(bundle.certificates.len(), 1);

    let local = &config.profiles["local"];
    assert_eq!(local.endpoint.to_string(), "http://127.0.0.1:8080");
    assert!(matches!(
        &local.credentials,
        Credentials::Token(SecretSource::Inline(_))
    ));
    assert_eq!(local.credentials.describe(), "token from config file");
}

#[test]
fn full_config_reads_access_keys() {
    let config = load("full.toml").expect("valid");
    let keys = &config.profiles["keys"];
    assert_eq!(keys.project_id, None);
    assert_eq!(keys.credentials.method(), AuthMethod::AccessKey);
    assert_eq!(
        keys.credentials.describe(),
        "AK/SK with a security token: access key from env MY_AK, secret key from command `pass show huawei/sk`"
    );
    let Credentials::AccessKey(access_key) = &keys.credentials else {
        panic!("keys holds {:?}", keys.credentials);
    };
    assert!(
        matches!(&access_key.security_token, Some(SecretSource::Env(name)) if name == "MY_STS")
    );

    let inline = &config.profiles["keys-inline"];
    assert!(inline.credentials.has_inline_secret());
    let shown = format!("{inline:?} {}", inline.credentials.describe());
    for secret in ["inline-secret-key", "inline-security-token", "AKINLINE"] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }

    let mixed = &config.profiles["keys-mixed"];
    let Credentials::AccessKey(access_key) = &mixed.credentials else {
        panic!("keys-mixed holds {:?}", mixed.credentials);
    };
    assert!(
        matches!(&access_key.access_key, SecretSource::Command(command) if command.to_string() == "pass show huawei/ak")
    );
    assert!(matches!(&access_key.secret_key, SecretSource::Env(name) if name == "MY_SK"));
    assert!(!mixed.credentials.has_inline_secret());
}

#[test]
fn full_config_reads_iam_users() {
    let config = load("full.toml").expect("valid");
    let intl = &config.profiles["intl"];
    assert_eq!(intl.credentials.method(), AuthMethod::Password);
    assert_eq!(
        intl.credentials.describe(),
        "IAM user alice in account acme, password from env HW_PASSWORD"
    );
    assert_eq!(
        intl.effective_iam_endpoint().to_string(),
        "https://iam.example.internal"
    );
    assert_eq!(
        intl.endpoint.to_string(),
        "https://servicestage.eu-west-101.myhuaweicloud.eu"
    );

    let command = &config.profiles["intl-command"];
    assert_eq!(
        command.effective_iam_endpoint().to_string(),
        "https://iam.cn-north-4.myhuaweicloud.com"
    );
    assert!(
        matches!(&command.credentials, Credentials::Password(login) if login.user == "bob" && matches!(&login.password, SecretSource::Command(_)))
    );
    let inline = &config.profiles["intl-inline"];
    assert!(inline.credentials.has_inline_secret());
    assert!(!format!("{inline:?}").contains("inline-password"));
}

#[test]
fn no_credential_keys_use_the_sdk_fallback() {
    let config = load("no_credentials.toml").expect("valid");
    let dev = &config.profiles["dev"];
    assert!(matches!(dev.credentials, Credentials::SdkFallback));
    assert_eq!(dev.credentials.method(), AuthMethod::AccessKey);
    let sdk = &load("full.toml").expect("valid").profiles["sdk"];
    assert!(matches!(sdk.credentials, Credentials::SdkFallback));
}

#[test]
fn example_config_is_valid_and_documents_every_key() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config = Config::load(&path, ConfigOrigin::Explicit).expect("config.example.toml is valid");
    assert!(!config.profiles.is_empty());
    let text = std::fs::read_to_string(&path).expect("read example");
    let full = std::fs::read_to_string(fixture("full.toml")).expect("read fixture");
    for line in full.lines() {
        let Some((key, _)) = line.split_once(" = ") else {
            continue;
        };
        assert!(
            text.contains(&format!("{key} =")),
            "config.example.toml does not document the key `{key}`"
        );
    }
}

#[test]
fn select_prefers_requested_then_default_then_only() {
    let config = load("full.toml").expect("valid");
    assert_eq!(config.select(Some("dev")).expect("dev").name, "dev");
    assert_eq!(config.select(None).expect("default").name, "prod");

    let single = Config::parse(
        Path::new("/one.toml"),
        &support::profile_toml("only", "http://127.0.0.1:1", "t"),
    )
    .expect("valid");
    assert_eq!(single.select(None).expect("only").name, "only");
}

#[test]
fn several_profiles_without_default_ask_for_one() {
    let text = format!(
        "{}{}",
        support::profile_toml("a", "http://127.0.0.1:1", "t"),
        support::profile_toml("b", "http://127.0.0.1:2", "t")
    );
    let config = Config::parse(Path::new("/two.toml"), &text).expect("valid");
    let error = config.select(None).expect_err("ambiguous");
    assert_eq!(
        error.to_string(),
        "/two.toml: several profiles (a, b) and no default_profile; pass --profile NAME or set default_profile"
    );
}

#[test]
fn unknown_profile_lists_profiles_and_suggests() {
    let config = load("full.toml").expect("valid");
    let error = config.select(Some("prd")).expect_err("unknown");
    assert_eq!(
        error.message,
        "unknown profile \"prd\" (did you mean \"prod\"?); profiles: dev, intl, intl-command, \
         intl-inline, keys, keys-inline, keys-mixed, local, prod, sdk"
    );
}

#[test]
fn empty_file_has_no_profiles() {
    let config = Config::parse(Path::new("/empty.toml"), "").expect("valid");
    let error = config.select(None).expect_err("no profiles");
    assert!(error.message.starts_with("no profiles defined"), "{error}");
}

/// Asserts an error names the fixture, the line and the key, and its message.
fn assert_error(name: &str, line: usize, key: &str, message: &str) {
    let error = error_of(name);
    assert_eq!(
        error.file.as_deref(),
        Some(fixture(name).as_path()),
        "{name}: file"
    );
    assert_eq!(error.line, Some(line), "{name}: line of {error}");
    assert_eq!(error.key.as_deref(), Some(key), "{name}: key of {error}");
    assert_eq!(error.message, message, "{name}: message");
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!("{}:{line}: `{key}`: ", fixture(name).display())),
        "{shown}"
    );
}

#[test]
fn syntax_error_names_line() {
    let error = error_of("syntax.toml");
    assert_eq!(error.line, Some(3));
    assert!(error.message.starts_with("invalid TOML: "), "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:3: ", fixture("syntax.toml").display()))
    );
}

#[test]
fn unknown_key_suggests_spelling() {
    assert_error(
        "unknown_key.toml",
        4,
        "profiles.dev.tokn_env",
        "unknown key `tokn_env`; did you mean `token_env`?",
    );
}

#[test]
fn wrong_type_names_expected_type() {
    assert_error(
        "wrong_type.toml",
        3,
        "profiles.dev.project_id",
        "wrong type: integer `1234`, expected a string; write it like \
         `project_id = \"0123456789abcdef0123456789abcdef\"`",
    );
}

#[test]
fn missing_region_points_at_profile() {
    assert_error(
        "missing_region.toml",
        1,
        "profiles.dev.region",
        "missing; add `region = \"cn-north-4\"` (the region id of the project)",
    );
}

#[test]
fn invalid_project_id_is_rejected() {
    assert_error(
        "bad_project_id.toml",
        3,
        "profiles.dev.project_id",
        "\"0123456789abcdef/../../other\" is not a project id; a project id is 32 lowercase hexadecimal characters \
         (console: My Credentials > API Credentials > Projects)",
    );
}

#[test]
fn plain_http_endpoint_is_rejected() {
    assert_error(
        "http_endpoint.toml",
        4,
        "profiles.dev.endpoint",
        "\"http://servicestage.cn-north-4.myhuaweicloud.com\" uses plain http to a host that is not loopback; use https://",
    );
}

#[test]
fn two_credential_sources_are_rejected() {
    assert_error(
        "two_sources.toml",
        5,
        "profiles.dev.token_env",
        "two credential sources in one profile (`token` and `token_env`); keep one of them",
    );
}

#[cfg(unix)]
#[test]
fn readable_config_with_secrets_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    let chmod = |mode| {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    let load = || Config::load(&path, ConfigOrigin::Explicit).expect("valid");

    std::fs::write(
        &path,
        support::profile_toml("dev", "http://127.0.0.1:1", "t"),
    )
    .expect("write");
    chmod(0o644);
    assert_eq!(
        load().warnings,
        [format!(
            "{} holds secrets and can be read by other users; run `chmod 600 {}`",
            path.display(),
            path.display()
        )]
    );
    chmod(0o600);
    assert!(load().warnings.is_empty());

    std::fs::write(
        &path,
        "[profiles.dev]\nregion = \"cn-north-4\"\ntoken_env = \"T\"\n",
    )
    .expect("write");
    chmod(0o644);
    assert!(
        load().warnings.is_empty(),
        "a file without secrets is fine to share"
    );
}

#[test]
fn two_credential_kinds_are_rejected() {
    assert_error(
        "two_kinds.toml",
        4,
        "profiles.dev.access_key_env",
        "two credential sources in one profile (`token_env` and `access_key_env`); keep one of them",
    );
}

#[test]
fn two_sources_for_one_key_are_rejected() {
    assert_error(
        "two_secret_keys.toml",
        5,
        "profiles.dev.secret_key_command",
        "two credential sources in one profile (`secret_key` and `secret_key_command`); keep one of them",
    );
}

#[test]
fn access_key_without_secret_key_is_rejected() {
    assert_error(
        "missing_secret_key.toml",
        1,
        "profiles.dev.secret_key_env",
        "missing; these credentials need the secret key (SK): add `secret_key_env = \"...\"` \
         (or `secret_key` / `secret_key_command`)",
    );
}

#[test]
fn iam_user_without_domain_is_rejected() {
    assert_error(
        "missing_iam_domain.toml",
        1,
        "profiles.dev.iam_domain",
        "missing; IAM password login needs the account (domain) name of the IAM user: add \
         `iam_domain = \"...\"`",
    );
}

#[test]
fn plain_http_iam_endpoint_is_rejected() {
    assert_error(
        "http_iam_endpoint.toml",
        3,
        "profiles.dev.iam_endpoint",
        "\"http://iam.example.com\" uses plain http to a host that is not loopback; use https://",
    );
}

#[test]
fn unknown_default_profile_is_rejected() {
    assert_error(
        "unknown_default.toml",
        1,
        "default_profile",
        "unknown profile \"prd\" (did you mean \"prod\"?); profiles: prod",
    );
}

#[test]
fn bad_duration_shows_format() {
    let error = error_of("bad_duration.toml");
    assert_eq!(error.line, Some(5));
    assert_eq!(error.key.as_deref(), Some("profiles.dev.timeout"));
    assert!(
        error.message.starts_with("\"soon\" is not a duration"),
        "{error}"
    );
    assert!(
        error.message.ends_with("write it like \"30s\" or \"2m\""),
        "{error}"
    );
}

#[test]
fn retry_count_out_of_range_is_rejected() {
    assert_error(
        "bad_retries.toml",
        5,
        "profiles.dev.max_retries",
        "50 is out of range; use 0 (no retries) to 10",
    );
}

#[test]
fn body_size_in_other_units_is_rejected() {
    assert_error(
        "bad_body_size.toml",
        5,
        "profiles.dev.max_body_size",
        "\"8 MB\" is not a size; write it like \"8MiB\", \"512KiB\" or \"1048576\" (bytes)",
    );
}

#[test]
fn missing_ca_bundle_is_named() {
    assert_error(
        "bad_ca_bundle.toml",
        5,
        "profiles.dev.ca_bundle",
        &format!(
            "cannot read {}: No such file or directory (os error 2); give the path of a PEM file \
             with the CA certificates",
            fixture("no-such-ca.pem").display()
        ),
    );
}

#[test]
fn ca_bundle_without_certificate_is_rejected() {
    assert_error(
        "not_a_certificate.toml",
        6,
        "profiles.dev.ca_bundle",
        &format!(
            "{} holds no certificate (no `BEGIN CERTIFICATE` block); export the CA certificates \
             in PEM format",
            fixture("not_a_certificate.toml").display()
        ),
    );
}

#[test]
fn bad_region_is_rejected() {
    assert_error(
        "bad_region.toml",
        2,
        "profiles.dev.region",
        "\"CN North 4\" is not a region id; a region id is lowercase letters, digits and dashes, like \"cn-north-4\"",
    );
}

#[test]
fn bad_env_name_is_rejected() {
    assert_error(
        "bad_env_name.toml",
        4,
        "profiles.dev.token_env",
        "\"$HW_TOKEN\" is not an environment variable name; use letters, digits and _ like \"HW_TOKEN\"",
    );
}

#[test]
fn unknown_region_gives_a_warning_with_suggestion() {
    let text = "[profiles.dev]\nregion = \"cn-nort-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\ntoken_env = \"T\"\n";
    let config = Config::parse(Path::new("/w.toml"), text).expect("still valid");
    assert_eq!(
        config.warnings,
        [
            "/w.toml: profile \"dev\" uses region \"cn-nort-4\", which the official SDKs do not list; did you mean \"cn-north-4\"?"
        ]
    );
}

#[test]
fn missing_explicit_file_is_named() {
    let error = Config::load(Path::new("/nonexistent/stage.toml"), ConfigOrigin::Explicit)
        .expect_err("missing");
    assert_eq!(
        error.to_string(),
        "/nonexistent/stage.toml: config file not found; check the path given with --config or STAGE_IMAGES_CONFIG"
    );
}

// The binary: flag, environment and default, end to end against loopback servers.

fn named_server(language: &'static str) -> TestServer {
    TestServer::always(Reply::json(200, &format!(r#"{{"{language}":["1"]}}"#)))
}

#[test]
fn profile_flag_beats_env_beats_default() {
    let home = tempfile::tempdir().expect("temp dir");
    let (first, second, third) = (
        named_server("First"),
        named_server("Second"),
        named_server("Third"),
    );
    let text = format!(
        "default_profile = \"one\"\n{}{}{}",
        support::profile_toml("one", &first.url(), "t1"),
        support::profile_toml("two", &second.url(), "t2"),
        support::profile_toml("three", &third.url(), "t3"),
    );
    let config = support::write_config(home.path(), &text);
    let config = config.to_str().expect("utf-8 path");

    let by_default = support::run(home.path(), &["--config", config, "list"], &[]);
    assert_eq!(
        support::stdout(&by_default),
        "First  1\n",
        "{}",
        support::stderr(&by_default)
    );

    let by_env = support::run(
        home.path(),
        &["--config", config, "list"],
        &[("STAGE_IMAGES_PROFILE", "two")],
    );
    assert_eq!(
        support::stdout(&by_env),
        "Second  1\n",
        "{}",
        support::stderr(&by_env)
    );

    let by_flag = support::run(
        home.path(),
        &["--config", config, "-p", "three", "list"],
        &[("STAGE_IMAGES_PROFILE", "two")],
    );
    assert_eq!(
        support::stdout(&by_flag),
        "Third  1\n",
        "{}",
        support::stderr(&by_flag)
    );
}

#[test]
fn config_env_and_flag_choose_the_file() {
    let home = tempfile::tempdir().expect("temp dir");
    let (first, second) = (named_server("FromEnv"), named_server("FromFlag"));
    let env_dir = home.path().join("env");
    let flag_dir = home.path().join("flag");
    std::fs::create_dir_all(&env_dir).expect("mkdir");
    std::fs::create_dir_all(&flag_dir).expect("mkdir");
    let env_config =
        support::write_config(&env_dir, &support::profile_toml("p", &first.url(), "t"));
    let flag_config =
        support::write_config(&flag_dir, &support::profile_toml("p", &second.url(), "t"));
    let env = [("STAGE_IMAGES_CONFIG", env_config.to_str().expect("utf-8"))];

    let from_env = support::run(home.path(), &["list"], &env);
    assert_eq!(
        support::stdout(&from_env),
        "FromEnv  1\n",
        "{}",
        support::stderr(&from_env)
    );

    let from_flag = support::run(
        home.path(),
        &["--config", flag_config.to_str().expect("utf-8"), "list"],
        &env,
    );
    assert_eq!(
        support::stdout(&from_flag),
        "FromFlag  1\n",
        "{}",
        support::stderr(&from_flag)
    );
}

#[test]
fn default_location_is_the_platform_config_dir() {
    let home = tempfile::tempdir().expect("temp dir");
    let server = named_server("Default");
    let dir = home.path().join("config").join("stage-images");
    std::fs::create_dir_all(&dir).expect("mkdir");
    support::write_config(&dir, &support::profile_toml("p", &server.url(), "t"));
    let output = support::run(home.path(), &["list"], &[]);
    assert_eq!(
        support::stdout(&output),
        "Default  1\n",
        "{}",
        support::stderr(&output)
    );
}

#[test]
fn config_errors_exit_with_code_two() {
    let home = tempfile::tempdir().expect("temp dir");
    let path = fixture("unknown_key.toml");
    let output = support::run(
        home.path(),
        &["--config", path.to_str().expect("utf-8"), "list"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        support::stderr(&output),
        format!(
            "stage-images: {}:4: `profiles.dev.tokn_env`: unknown key `tokn_env`; did you mean `token_env`?\n",
            path.display()
        )
    );
    assert!(support::stdout(&output).is_empty());
}

/// Every invalid fixture, run through the binary: exit code 2 and the same one line that
/// names the file, the line and the key.
#[test]
fn every_config_mistake_exits_with_two() {
    let fixtures = [
        "syntax.toml",
        "unknown_key.toml",
        "wrong_type.toml",
        "missing_region.toml",
        "two_sources.toml",
        "two_kinds.toml",
        "two_secret_keys.toml",
        "missing_secret_key.toml",
        "missing_iam_domain.toml",
        "http_iam_endpoint.toml",
        "bad_project_id.toml",
        "http_endpoint.toml",
        "unknown_default.toml",
        "bad_duration.toml",
        "bad_region.toml",
        "bad_env_name.toml",
        "bad_retries.toml",
        "bad_body_size.toml",
        "bad_ca_bundle.toml",
        "not_a_certificate.toml",
    ];
    let home = tempfile::tempdir().expect("temp dir");
    for name in fixtures {
        let error = error_of(name);
        let path = fixture(name);
        let output = support::run(
            home.path(),
            &["--config", path.to_str().expect("utf-8"), "list"],
            &[],
        );
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert_eq!(
            support::stderr(&output),
            format!("stage-images: {error}\n"),
            "{name}"
        );
        let line = error.line.expect("a line");
        assert!(
            support::stderr(&output)
                .starts_with(&format!("stage-images: {}:{line}: ", path.display())),
            "{name}"
        );
        assert!(support::stdout(&output).is_empty(), "{name}");
        if name != "syntax.toml" {
            let key = error.key.expect("a key");
            assert!(
                support::stderr(&output).contains(&format!("`{key}`: ")),
                "{name}"
            );
        }
    }
}

#[test]
fn unknown_profile_flag_exits_with_two() {
    let home = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "default_profile = \"dev\"\n{}{}",
        support::profile_toml("dev", "http://127.0.0.1:1", "t"),
        support::profile_toml("prod", "http://127.0.0.1:2", "t")
    );
    let path = support::write_config(home.path(), &text);
    // The file contains tokens, so only its owner may read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let output = support::run(
        home.path(),
        &[
            "--config",
            path.to_str().expect("utf-8"),
            "-p",
            "prd",
            "list",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        support::stderr(&output),
        format!(
            "stage-images: {}: unknown profile \"prd\" (did you mean \"prod\"?); profiles: dev, prod\n",
            path.display()
        )
    );
}

#[test]
fn missing_default_config_points_to_demo() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = support::run(home.path(), &["list"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = support::stderr(&output);
    assert!(
        text.contains(
            &home
                .path()
                .join("config/stage-images/config.toml")
                .display()
                .to_string()
        ),
        "{text}"
    );
    assert!(text.contains("stage-images --demo"), "{text}");
}
