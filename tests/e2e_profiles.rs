//! End to end in a real terminal: switching profiles with `p`, comparing with `c`, and the
//! cached catalogue on the first screen.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use support::server::{Reply, TestServer};
use support::tmux::Tmux;

const NORTH: &str = r#"{"Go":["1.22","1.21"],"Java":["8","11","17","21"],"Php":["7-apache"]}"#;
const SOUTH: &str = r#"{"Go":["1.22"],"Java":["8","11","17"],"Python":["3.12"]}"#;

fn profile(name: &str, region: &str, endpoint: &str) -> String {
    format!(
        "[profiles.{name}]\nregion = \"{region}\"\nproject_id = \"{}\"\nendpoint = \"{endpoint}\"\ntoken = \"t-{name}\"\n",
        support::PROJECT_ID
    )
}

/// Starts the browser on `north` with the profiles `north` and `south`.
fn browse(home: &std::path::Path, north: &TestServer, south: &TestServer, extra: &str) -> Tmux {
    let text = format!(
        "default_profile = \"north\"\n{}{}",
        profile("north", "cn-north-4", &north.url()),
        profile("south", "ap-southeast-1", &south.url()),
    );
    browse_config(home, &text, extra)
}

/// Starts the browser with the config `text`, written into `home`, and the extra arguments.
fn browse_config(home: &std::path::Path, text: &str, extra: &str) -> Tmux {
    let config = support::write_config(home, text);
    Tmux::start(
        &format!(
            "{} --config {}{extra}",
            support::binary().display(),
            config.display()
        ),
        110,
        30,
        home,
        &[],
    )
}

#[test]
fn p_switches_profile() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(200, SOUTH));
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = browse(home.path(), &north, &south, "");
    let screen = tmux.wait_for("fetched");
    assert!(screen.contains(" north · cn-north-4 · "), "{screen}");
    assert!(screen.contains("Php"), "{screen}");
    assert!(
        south.received().is_empty(),
        "south is fetched only when chosen"
    );

    tmux.send(&["p"]);
    tmux.wait_for("Profiles 2");
    tmux.type_text("south");
    tmux.wait_for("/south▏");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_until(
        |screen| screen.contains(" south · ap-southeast-1 · ") && screen.contains("Python"),
        "south's catalogue",
    );
    assert!(!screen.contains("Php"), "{screen}");
    assert_eq!(south.received()[0].header("x-auth-token"), Some("t-south"));
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn c_compares_profiles() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(200, SOUTH));
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = browse(home.path(), &north, &south, "");
    tmux.wait_for("fetched");
    tmux.send(&["j", "c"]);
    let screen = tmux.wait_until(
        |screen| screen.contains("Compare · Java") && !screen.contains("loading"),
        "the comparison with both profiles fetched",
    );
    assert!(screen.contains("1 of 4 versions differ"), "{screen}");
    assert!(screen.contains("≠ 21"), "{screen}");
    assert_eq!(south.received().len(), 1, "the comparison fetched south");
    assert_eq!(north.received().len(), 2, "and north again");
    tmux.send(&["l"]);
    tmux.wait_for("Compare · Php");
    tmux.send(&["Escape"]);
    tmux.wait_until(
        |screen| !screen.contains("Compare ·"),
        "the comparison closed",
    );
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn first_screen_shows_the_cache_before_the_answer() {
    // The first request (from `list`) gets its response at once. Later ones wait far longer
    // than the test does, so the browser can only show the cache.
    let calls = AtomicUsize::new(0);
    let north = TestServer::start(move |_| {
        let reply = Reply::json(200, NORTH);
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            reply
        } else {
            reply.delayed(Duration::from_secs(30))
        }
    });
    let south = TestServer::always(Reply::json(200, SOUTH));
    let home = tempfile::tempdir().expect("temp dir");
    let text = profile("north", "cn-north-4", &north.url());
    let config = support::write_config(home.path(), &text);
    let listed = support::run(
        home.path(),
        &["--config", config.to_str().expect("utf-8"), "list"],
        &[],
    );
    assert_eq!(
        listed.status.code(),
        Some(0),
        "{}",
        support::stderr(&listed)
    );

    let tmux = browse(home.path(), &north, &south, "");
    let screen = tmux.wait_for("cached just now");
    assert!(screen.contains("Languages 3"), "{screen}");
    assert!(screen.contains("loading"), "{screen}");
    tmux.wait_until(
        |_| north.received().len() == 2,
        "the refresh in the background",
    );
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn offline_browser_sends_nothing() {
    let north = TestServer::always(Reply::json(200, NORTH));
    let south = TestServer::always(Reply::json(200, SOUTH));
    let home = tempfile::tempdir().expect("temp dir");
    let text = profile("north", "cn-north-4", &north.url());
    let config = support::write_config(home.path(), &text);
    support::run(
        home.path(),
        &["--config", config.to_str().expect("utf-8"), "list"],
        &[],
    );
    assert_eq!(north.received().len(), 1);

    let tmux = browse(home.path(), &north, &south, " --offline");
    let screen = tmux.wait_for("cached just now · offline");
    assert!(screen.contains("Languages 3"), "{screen}");
    tmux.send(&["r"]);
    tmux.wait_for("Offline: nothing is fetched");
    tmux.send(&["p"]);
    tmux.type_text("south");
    tmux.send(&["Enter"]);
    tmux.wait_for("no cached catalogue for profile south");
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
    assert_eq!(north.received().len(), 1);
    assert!(south.received().is_empty());
}

#[test]
fn profile_without_credentials_reports_setup_failure() {
    // `bare` names no credentials, and the isolated home has no SDK credentials file, so its
    // client cannot be set up when the picker switches to it.
    let north = TestServer::always(Reply::json(200, NORTH));
    let bare = TestServer::always(Reply::json(200, SOUTH));
    let home = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "default_profile = \"north\"\n{}[profiles.bare]\nregion = \"cn-north-4\"\nproject_id = \"{}\"\nendpoint = \"{}\"\n",
        profile("north", "cn-north-4", &north.url()),
        support::PROJECT_ID,
        bare.url()
    );
    let tmux = browse_config(home.path(), &text, "");
    tmux.wait_for("fetched");
    tmux.send(&["p"]);
    tmux.wait_for("Profiles 2");
    tmux.type_text("bare");
    tmux.wait_for("/bare▏");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("Could not load the catalogue");
    assert!(
        screen.contains("cannot set up the client of profile \"bare\""),
        "{screen}"
    );
    assert!(!screen.contains("request to"), "{screen}");
    assert!(bare.received().is_empty());
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}
