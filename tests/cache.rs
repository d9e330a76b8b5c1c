//! The catalogue cache: files on disk, and `--offline` as a user runs it.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, SystemTime};

use stage_images::cache::{CacheError, CacheKey, CatalogueCache};
use stage_images::catalogue::{self, Catalogue, VersionOrder};
use stage_images::config::Config;
use support::server::{Reply, TestServer};
use support::{DOCUMENTED_EXAMPLE, run, stderr, stdout};

fn key(profile: &str) -> CacheKey {
    CacheKey {
        profile: profile.to_owned(),
        endpoint: "http://127.0.0.1:9/".to_owned(),
        region: "cn-north-4".to_owned(),
        project_id: Some(support::PROJECT_ID.to_owned()),
    }
}

fn catalogue(json: &str) -> Catalogue {
    catalogue::decode(json.as_bytes())
        .expect("valid catalogue")
        .catalogue
}

/// 2026-12-04 12:00:00.250 UTC.
fn fetched_at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(1_796_385_600_250)
}

#[test]
fn round_trip_keeps_api_order_and_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path().join("stage-images"));
    let original = catalogue(DOCUMENTED_EXAMPLE);
    let path = cache
        .store(&key("dev"), support::PROJECT_ID, &original, fetched_at())
        .expect("store");
    assert_eq!(path, dir.path().join("stage-images/catalogues/dev.json"));

    let loaded = cache.load(&key("dev")).expect("load").expect("cached");
    assert_eq!(loaded.key, key("dev"));
    assert_eq!(loaded.project_id, support::PROJECT_ID);
    assert_eq!(loaded.fetched_at, fetched_at());
    assert_eq!(loaded.catalogue, original);
    let java = loaded.catalogue.find_language("Java").expect("Java");
    assert_eq!(
        java.versions(VersionOrder::Api).collect::<Vec<_>>(),
        ["8u181-jdk-alpine", "11", "17"]
    );
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("\"fetched_at\": \"2026-12-04T12:00:00.25Z\""),
        "{text}"
    );
}

#[test]
fn missing_file_is_no_cache() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    assert!(cache.load(&key("dev")).expect("no error").is_none());
}

#[test]
fn file_of_another_endpoint_is_not_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    cache
        .store(
            &key("dev"),
            support::PROJECT_ID,
            &catalogue(DOCUMENTED_EXAMPLE),
            fetched_at(),
        )
        .expect("store");
    let moved = CacheKey {
        endpoint: "http://127.0.0.1:10/".to_owned(),
        ..key("dev")
    };
    assert!(cache.load(&moved).expect("no error").is_none());
    let other_project = CacheKey {
        project_id: Some("fedcba9876543210fedcba9876543210".to_owned()),
        ..key("dev")
    };
    assert!(cache.load(&other_project).expect("no error").is_none());
    let other_region = CacheKey {
        region: "cn-east-3".to_owned(),
        ..key("dev")
    };
    assert!(cache.load(&other_region).expect("no error").is_none());
}

#[test]
fn project_resolved_from_region_is_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    let from_region = CacheKey {
        project_id: None,
        ..key("dev")
    };
    cache
        .store(
            &from_region,
            "fedcba9876543210fedcba9876543210",
            &catalogue(DOCUMENTED_EXAMPLE),
            fetched_at(),
        )
        .expect("store");
    let loaded = cache.load(&from_region).expect("no error").expect("cached");
    assert_eq!(loaded.project_id, "fedcba9876543210fedcba9876543210");
    assert_eq!(loaded.key.project_id, None);
    // Once the project id is configured, only a file of that project is used.
    assert!(cache.load(&key("dev")).expect("no error").is_none());
}

#[test]
fn corrupt_file_is_an_error_and_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    let path = cache.path_for("dev");
    std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
    for text in [
        "{\"format\": 1, \"profile\": \"dev\"",
        "not json at all",
        "",
        "[1, 2, 3]",
    ] {
        std::fs::write(&path, text).expect("write");
        let error = cache.load(&key("dev")).expect_err("corrupt");
        assert!(
            matches!(&error, CacheError::Corrupt { path: reported, .. } if *reported == path),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .ends_with("; it is ignored and replaced after the next fetch"),
            "{error}"
        );
        assert!(cache.load_or_warn(&key("dev")).is_none());
    }
}

#[test]
fn unreadable_file_is_a_read_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    // A folder where the file should be cannot be read as a file.
    std::fs::create_dir_all(cache.path_for("dev")).expect("mkdir");
    let error = cache.load(&key("dev")).expect_err("unreadable");
    assert!(matches!(error, CacheError::Read { .. }), "{error:?}");
    assert!(cache.load_or_warn(&key("dev")).is_none());
}

#[test]
fn oversized_file_is_corrupt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    let path = cache.path_for("dev");
    std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(stage_images::cache::MAX_FILE_BYTES + 1)
        .expect("grow");
    let error = cache.load(&key("dev")).expect_err("too large");
    assert!(error.to_string().contains("larger than 16 MiB"), "{error}");
}

#[test]
fn write_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    for round in 0..3 {
        let json = format!(r#"{{"Go":["1.{round}"]}}"#);
        cache
            .store(
                &key("dev"),
                support::PROJECT_ID,
                &catalogue(&json),
                fetched_at(),
            )
            .expect("store");
    }
    let names: Vec<String> = std::fs::read_dir(dir.path().join("catalogues"))
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["dev.json"]);
    let loaded = cache.load(&key("dev")).expect("load").expect("cached");
    assert!(
        loaded
            .catalogue
            .find_language("Go")
            .expect("Go")
            .offers("1.2")
    );
}

#[test]
fn concurrent_writers_never_leave_a_torn_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CatalogueCache::new(dir.path());
    let small = catalogue(r#"{"Go":["1.22"]}"#);
    let versions: Vec<String> = (0..5_000).map(|number| format!("\"2.{number}\"")).collect();
    let large = catalogue(&format!(r#"{{"Big":[{}]}}"#, versions.join(",")));
    cache
        .store(&key("dev"), support::PROJECT_ID, &small, fetched_at())
        .expect("first store");

    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = [small.clone(), large.clone()]
        .into_iter()
        .map(|written| {
            let cache = cache.clone();
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    cache
                        .store(&key("dev"), support::PROJECT_ID, &written, fetched_at())
                        .expect("store");
                }
            })
        })
        .collect();

    // Every read returns one whole catalogue or the other, never a mix or a partial file.
    for _ in 0..300 {
        let loaded = cache
            .load(&key("dev"))
            .expect("readable while written")
            .expect("present while written");
        assert!(
            loaded.catalogue == small || loaded.catalogue == large,
            "a torn catalogue was read"
        );
    }

    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().expect("writer");
    }
}

// The binary: caching each fetch, `--offline`, and credentials never reaching the cache.

fn cache_file(home: &Path, profile: &str) -> std::path::PathBuf {
    home.join("cache/stage-images/catalogues")
        .join(format!("{profile}.json"))
}

#[test]
fn list_caches_without_credentials_and_offline_reads_it() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "secret-token-value"),
    );
    let config = config.to_str().expect("utf-8");

    let online = run(home.path(), &["--config", config, "list", "java"], &[]);
    assert_eq!(online.status.code(), Some(0), "{}", stderr(&online));
    let text = std::fs::read_to_string(cache_file(home.path(), "dev")).expect("cache file");
    assert!(!text.contains("secret-token-value"), "{text}");
    assert!(!text.to_lowercase().contains("token"), "{text}");
    assert_eq!(server.received().len(), 1);

    let offline = run(
        home.path(),
        &["--config", config, "--offline", "list", "java"],
        &[],
    );
    assert_eq!(offline.status.code(), Some(0), "{}", stderr(&offline));
    assert_eq!(stdout(&offline), "17\n11\n8u181-jdk-alpine\n");
    assert_eq!(
        stderr(&offline),
        "stage-images: profile dev: catalogue cached just now (offline)\n"
    );
    assert_eq!(server.received().len(), 1, "--offline sends no request");
}

#[test]
fn offline_without_cache_names_the_profile() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "t"),
    );
    let output = run(
        home.path(),
        &[
            "--config",
            config.to_str().expect("utf-8"),
            "--offline",
            "list",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "stage-images: no cached catalogue for profile dev; run once without --offline to fetch it\n"
    );
    assert!(server.received().is_empty());
}

#[test]
fn corrupt_cache_is_logged_and_replaced() {
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "t"),
    );
    let config = config.to_str().expect("utf-8");
    let path = cache_file(home.path(), "dev");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, "{\"format\": 1, tor").expect("write");

    let offline = run(home.path(), &["--config", config, "--offline", "list"], &[]);
    assert_eq!(offline.status.code(), Some(1));
    assert!(
        stderr(&offline).starts_with(&format!(
            "stage-images: the cache file {} is corrupt (invalid JSON: ",
            path.display()
        )),
        "{}",
        stderr(&offline)
    );

    let online = run(home.path(), &["--config", config, "list", "go"], &[]);
    assert_eq!(online.status.code(), Some(0), "{}", stderr(&online));
    assert_eq!(stdout(&online), "1.11\n");
    assert_eq!(
        stderr(&online),
        "",
        "a corrupt cache is no error when fetching"
    );
    let log = std::fs::read_to_string(home.path().join("state/stage-images/stage-images.log"))
        .expect("log file");
    assert!(log.contains("cached catalogue ignored"), "{log}");
    let replaced = CatalogueCache::new(home.path().join("cache/stage-images"));
    let loaded_config = Config::load(
        Path::new(config),
        stage_images::config::ConfigOrigin::Explicit,
    )
    .expect("config");
    let key = CacheKey::of(&loaded_config.profiles["dev"]);
    assert!(replaced.load(&key).expect("valid again").is_some());
}
