//! The `refresh_interval` keys: read at both levels, and a clear error for a bad value.

use std::path::{Path, PathBuf};
use std::time::Duration;

use stage_images::config::{Config, ConfigOrigin};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

#[test]
fn profile_interval_wins_over_the_top_level() {
    let config = Config::load(&fixture("full.toml"), ConfigOrigin::Explicit).expect("valid");
    assert_eq!(config.refresh.default, Some(Duration::from_secs(15 * 60)));
    assert_eq!(
        config.refresh.interval_for("dev"),
        Some(Duration::from_secs(15 * 60)),
        "dev has no key of its own"
    );
    assert_eq!(config.refresh.interval_for("prod"), None, "prod says off");
    assert_eq!(
        config.refresh.interval_for("local"),
        Some(Duration::from_secs(120))
    );
}

#[test]
fn refresh_is_off_without_keys() {
    let text = "[profiles.dev]\nregion = \"cn-north-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\ntoken_env = \"HW_TOKEN\"\n";
    let config = Config::parse(Path::new("/c.toml"), text).expect("valid");
    assert_eq!(config.refresh.interval_for("dev"), None);
}

#[test]
fn invalid_interval_names_line_and_key() {
    let path = fixture("bad_refresh_interval.toml");
    let error = Config::load(&path, ConfigOrigin::Explicit).expect_err("invalid");
    assert_eq!(
        error.to_string(),
        format!(
            "{}:7: `profiles.dev.refresh_interval`: \"every hour\" is not a duration (expected \
             number at 0); write it like \"15m\" or \"1h\", or \"off\"",
            path.display()
        )
    );
}

#[test]
fn too_short_interval_is_rejected() {
    let path = fixture("short_refresh_interval.toml");
    let error = Config::load(&path, ConfigOrigin::Explicit).expect_err("too short");
    assert_eq!(
        error.to_string(),
        format!(
            "{}:1: `refresh_interval`: \"1s\" is too short; use at least \"10s\", or \"off\"",
            path.display()
        )
    );
}

#[test]
fn too_long_interval_is_rejected() {
    let path = fixture("long_refresh_interval.toml");
    let error = Config::load(&path, ConfigOrigin::Explicit).expect_err("too long");
    assert_eq!(
        error.to_string(),
        format!(
            "{}:5: `profiles.dev.refresh_interval`: \"500000000000y\" is too long; use at \
             most \"7d\", or \"off\"",
            path.display()
        )
    );
}
