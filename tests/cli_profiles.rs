//! The commands that work across profiles and fetches: `list --changes`, `diff` and `config`,
//! run as a user would, against loopback servers.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use stage_images::config::{Config, ConfigOrigin};
use support::server::{Reply, TestServer};
use support::{run, stderr, stdout};

/// Returns a server whose response body can be changed between requests.
fn changing_server(first: &str) -> (TestServer, Arc<Mutex<String>>) {
    let body = Arc::new(Mutex::new(first.to_owned()));
    let current = Arc::clone(&body);
    let server = TestServer::start(move |_| Reply::json(200, &current.lock().expect("lock")));
    (server, body)
}

fn run_in(home: &Path, config: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--config", config.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    run(home, &all, &[])
}

#[test]
fn changes_are_listed_against_the_last_fetch() {
    let (server, body) =
        changing_server(r#"{"Go":["1.22"],"Java":["8","11","17"],"Php":["7-apache"]}"#);
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "t"),
    );

    let first = run_in(home.path(), &config, &["list", "--changes"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(
        stdout(&first),
        "No earlier fetch of profile dev is cached, so there is nothing to compare with; this \
         fetch is cached for the next time.\n"
    );

    // Added, removed and reordered versions, a new language and a gone one.
    *body.lock().expect("lock") =
        r#"{"Java":["21","17","11"],"Go":["1.22"],"Rust":["1.80"]}"#.to_owned();
    let second = run_in(home.path(), &config, &["list", "--changes"]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(
        stdout(&second),
        "+2 new, 2 removed since the fetch just now (profile dev)\n\
         + Java  21\n\
         - Java  8\n\
         - Php   7-apache\n\
         + Rust  1.80\n"
    );

    let unchanged = run_in(home.path(), &config, &["list", "--changes"]);
    assert_eq!(
        stdout(&unchanged),
        "No changes since the fetch just now (profile dev)\n"
    );
    assert_eq!(server.received().len(), 3);
}

#[test]
fn changes_as_json_and_for_one_language() {
    let (server, body) = changing_server(r#"{"Java":["8","11","17"],"Php":["7-apache"]}"#);
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "t"),
    );
    let none = run_in(home.path(), &config, &["list", "--changes", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&none)).expect("json");
    assert_eq!(
        value,
        serde_json::json!({"profile": "dev", "since": null, "added": {}, "removed": {}})
    );

    *body.lock().expect("lock") = r#"{"Java":["21","25","11","17"]}"#.to_owned();
    let java = run_in(
        home.path(),
        &config,
        &["list", "java", "--changes", "--json"],
    );
    assert_eq!(java.status.code(), Some(0), "{}", stderr(&java));
    let value: serde_json::Value = serde_json::from_str(&stdout(&java)).expect("json");
    assert_eq!(value["added"], serde_json::json!({"Java": ["25", "21"]}));
    assert_eq!(value["removed"], serde_json::json!({"Java": ["8"]}));
    assert!(
        value["since"].as_str().expect("since").ends_with('Z'),
        "{value}"
    );

    // A language that disappeared is still found, in the older catalogue.
    *body.lock().expect("lock") = r#"{"Java":["21","25","11","17"],"Php":["8"]}"#.to_owned();
    run_in(home.path(), &config, &["list"]);
    *body.lock().expect("lock") = r#"{"Java":["21","25","11","17"]}"#.to_owned();
    let php = run_in(
        home.path(),
        &config,
        &["list", "php", "--changes", "--api-order"],
    );
    assert_eq!(
        stdout(&php),
        "1 removed since the fetch just now (profile dev)\n- Php  8\n"
    );
}

#[test]
fn changes_need_a_fetch() {
    let server = TestServer::always(Reply::json(200, support::DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "t"),
    );
    let output = run_in(home.path(), &config, &["--offline", "list", "--changes"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "stage-images: --changes compares a new fetch with the cached catalogue, so it cannot be \
         used with --offline\n"
    );
    assert!(server.received().is_empty());
}

// diff

const NORTH: &str = r#"{"Go":["1.22","1.21"],"Java":["8","11","17","21"],"Php":["7-apache"]}"#;
const SOUTH: &str = r#"{"Go":["1.22"],"Java":["17","11","8"],"Python":["3.12"]}"#;

/// Writes a config with the profiles `north` and `south`, one per server, in a new home.
fn two_regions(north: &TestServer, south: &TestServer) -> (tempfile::TempDir, std::path::PathBuf) {
    let home = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "{}{}",
        support::profile_toml("north", &north.url(), "tn"),
        support::profile_toml("south", &south.url(), "ts"),
    );
    let config = support::write_config(home.path(), &text);
    (home, config)
}

#[test]
fn diff_prints_every_language_with_differences_marked() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(200, SOUTH));
    let (home, config) = two_regions(&north, &south);
    let output = run_in(home.path(), &config, &["diff", "north", "south"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "  language  version   north  south\n\
         \x20 Go        1.22      yes    yes\n\
         * Go        1.21      yes    no\n\
         * Java      21        yes    no\n\
         \x20 Java      17        yes    yes\n\
         \x20 Java      11        yes    yes\n\
         \x20 Java      8         yes    yes\n\
         * Php       7-apache  yes    -\n\
         * Python    3.12      -      yes\n\
         4 of 8 versions differ (* marks them; \"-\" means the profile does not list the language)\n"
    );
    assert_eq!(north.received()[0].header("x-auth-token"), Some("tn"));
    assert_eq!(south.received()[0].header("x-auth-token"), Some("ts"));

    let only = run_in(
        home.path(),
        &config,
        &["diff", "south", "north", "--only-differences"],
    );
    assert_eq!(
        stdout(&only),
        "  language  version   south  north\n\
         * Go        1.21      no     yes\n\
         * Java      21        no     yes\n\
         * Php       7-apache  -      yes\n\
         * Python    3.12      yes    -\n\
         4 of 4 versions differ (* marks them; \"-\" means the profile does not list the language)\n"
    );
}

#[test]
fn diff_json_names_who_offers_what() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(200, SOUTH));
    let (home, config) = two_regions(&north, &south);
    let output = run_in(home.path(), &config, &["diff", "north", "south", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(value["profiles"], serde_json::json!(["north", "south"]));
    assert_eq!(
        value["languages"]["Php"],
        serde_json::json!({
            "listed_by": ["north"],
            "versions": [{"version": "7-apache", "offered_by": ["north"], "differs": true}]
        })
    );
    assert_eq!(
        value["languages"]["Go"]["versions"],
        serde_json::json!([
            {"version": "1.22", "offered_by": ["north", "south"], "differs": false},
            {"version": "1.21", "offered_by": ["north"], "differs": true}
        ])
    );
    let names: Vec<&String> = value["languages"]
        .as_object()
        .expect("object")
        .keys()
        .collect();
    assert_eq!(names, ["Go", "Java", "Php", "Python"]);
}

#[test]
fn diff_fetches_profiles_at_the_same_time() {
    // Each server responds only after the other one has received its request too. Fetched one
    // after the other, the first server would stop waiting and respond with 503.
    let asked = [
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    ];
    let server = |own: usize, body: &'static str| {
        let asked = asked.clone();
        TestServer::start(move |_| {
            asked[own].store(true, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(10);
            while !asked[1 - own].load(Ordering::SeqCst) {
                if Instant::now() > deadline {
                    return Reply::json(503, r#"{"error_msg":"the other profile was not asked"}"#);
                }
                thread::sleep(Duration::from_millis(10));
            }
            Reply::json(200, body)
        })
    };
    let north = server(0, NORTH);
    let south = server(1, SOUTH);
    let (home, config) = two_regions(&north, &south);
    let output = run_in(home.path(), &config, &["diff", "north", "south"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("4 of 8 versions differ"));
}

#[test]
fn diff_reports_the_failing_profile() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(
        503,
        r#"{"error_code":"SVCSTG.503","error_msg":"try later"}"#,
    ));
    let (home, config) = two_regions(&north, &south);
    let output = run_in(home.path(), &config, &["diff", "north", "south"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("stage-images: profile south: HTTP 503 Service Unavailable"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn diff_rejects_unknown_and_repeated_profiles() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(200, SOUTH));
    let (home, config) = two_regions(&north, &south);
    let unknown = run_in(home.path(), &config, &["diff", "north", "sooth"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        stderr(&unknown),
        format!(
            "stage-images: {}: unknown profile \"sooth\" (did you mean \"south\"?); profiles: north, south\n",
            config.display()
        )
    );
    let twice = run_in(home.path(), &config, &["diff", "north", "north"]);
    assert_eq!(twice.status.code(), Some(2));
    assert_eq!(
        stderr(&twice),
        "stage-images: profile \"north\" is named twice; name each profile once\n"
    );
    let one = run_in(home.path(), &config, &["diff", "north"]);
    assert_eq!(one.status.code(), Some(2));
    assert!(north.received().is_empty());
    assert!(south.received().is_empty());
}

#[test]
fn diff_offline_compares_the_caches() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(200, SOUTH));
    let (home, config) = two_regions(&north, &south);
    let online = run_in(home.path(), &config, &["diff", "north", "south"]);
    assert_eq!(online.status.code(), Some(0), "{}", stderr(&online));
    let offline = run_in(
        home.path(),
        &config,
        &["--offline", "diff", "north", "south"],
    );
    assert_eq!(offline.status.code(), Some(0), "{}", stderr(&offline));
    assert_eq!(stdout(&offline), stdout(&online));
    assert_eq!(
        stderr(&offline),
        "stage-images: profile north: catalogue cached just now (offline)\n\
         stage-images: profile south: catalogue cached just now (offline)\n"
    );
    assert_eq!(north.received().len(), 1);
    assert_eq!(south.received().len(), 1);
}

// config init and config path

#[test]
fn config_init_writes_a_starter_once() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = run(home.path(), &["config", "init"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let path = home.path().join("config/stage-images/config.toml");
    assert_eq!(
        stdout(&output),
        format!(
            "Wrote a starter config to {}\nUncomment the [profiles.dev] table in it, set region, \
             project_id and token_env for your project, then run `stage-images`.\n",
            path.display()
        )
    );
    let written = std::fs::read_to_string(&path).expect("config written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    std::fs::write(&path, "# edited by the user\n").expect("edit");
    let again = run(home.path(), &["config", "init"], &[]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again),
        format!(
            "stage-images: {} already exists and is left as it is; edit it, or move it away and \
             run `stage-images config init` again\n",
            path.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "# edited by the user\n"
    );

    // What init wrote is a valid config whose only profile is commented out.
    let config = Config::parse(&path, &written).expect("starter config is valid");
    assert!(config.profiles.is_empty());
}

#[test]
fn starter_profile_is_valid_once_uncommented() {
    let home = tempfile::tempdir().expect("temp dir");
    let config = home.path().join("nested/stage.toml");
    let output = run(
        home.path(),
        &[
            "--config",
            config.to_str().expect("utf-8"),
            "config",
            "init",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(&config).expect("written at --config");
    let uncommented: Vec<&str> = written
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
            _ => line,
        })
        .collect();
    let uncommented = uncommented.join("\n");
    let parsed = Config::parse(&config, &uncommented).expect("uncommented starter is valid");
    assert_eq!(parsed.profile_names(), ["dev"]);
    assert_eq!(parsed.default_profile.as_deref(), Some("dev"));
    assert_eq!(
        parsed.refresh.interval_for("dev"),
        Some(Duration::from_secs(15 * 60))
    );
}

#[test]
fn starter_stays_valid_when_every_setting_is_uncommented() {
    // Removing "# " from every line that has it, explanations included, is what a person does
    // with a block comment shortcut; the explanations start with "##" and stay comments.
    let home = tempfile::tempdir().expect("temp dir");
    let config = home.path().join("stage.toml");
    let output = run(
        home.path(),
        &[
            "--config",
            config.to_str().expect("utf-8"),
            "config",
            "init",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(&config).expect("written at --config");
    let uncommented: Vec<&str> = written
        .lines()
        .map(|line| line.strip_prefix("# ").unwrap_or(line))
        .collect();
    let parsed = Config::parse(&config, &uncommented.join("\n"))
        .expect("fully uncommented starter is valid");
    assert_eq!(parsed.profile_names(), ["dev"]);
    assert_eq!(
        parsed.profiles["dev"].endpoint.to_string(),
        "https://servicestage.cn-north-4.myhuaweicloud.com"
    );
}

#[test]
fn config_path_prints_every_location() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = run(home.path(), &["config", "path"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let home = home.path().display();
    assert_eq!(
        stdout(&output),
        format!(
            "config  {home}/config/stage-images/config.toml\n\
             cache   {home}/cache/stage-images\n\
             log     {home}/state/stage-images/stage-images.log\n"
        )
    );
}

#[test]
fn config_path_follows_flags() {
    let home = tempfile::tempdir().expect("temp dir");
    let config = home.path().join("etc/stage.toml");
    let log = home.path().join("logs/other.log");
    let output = run(
        home.path(),
        &["config", "path", "--log-file", log.to_str().expect("utf-8")],
        &[("STAGE_IMAGES_CONFIG", config.to_str().expect("utf-8"))],
    );
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!("config  {}\n", config.display())),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("log     {}\n", log.display())),
        "{text}"
    );
}

#[test]
fn missing_config_points_to_config_init() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = run(home.path(), &["list"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "stage-images: {}: no config file yet; run `stage-images config init` to write a \
             starter config there (`stage-images config path` shows where every file lives), or \
             try `stage-images --demo`, which needs no account\n",
            home.path()
                .join("config/stage-images/config.toml")
                .display()
        )
    );
    let config = Config::load(
        &home.path().join("config/stage-images/config.toml"),
        ConfigOrigin::Default,
    );
    assert!(config.is_err(), "list wrote no config");
}

#[test]
fn has_reads_the_cache_offline() {
    let server = TestServer::always(Reply::json(200, support::DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "t"),
    );
    let online = run_in(home.path(), &config, &["has", "java", "17"]);
    assert_eq!(online.status.code(), Some(0), "{}", stderr(&online));
    let offline = run_in(home.path(), &config, &["--offline", "has", "java", "17"]);
    assert_eq!(offline.status.code(), Some(0), "{}", stderr(&offline));
    assert_eq!(stdout(&offline), "Java 17 is offered\n");
    let missing = run_in(home.path(), &config, &["--offline", "has", "java", "25"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(server.received().len(), 1, "--offline sends no request");
}
