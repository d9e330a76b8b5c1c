//! Switching profiles, the cache-first start, comparing, changes and automatic refresh, driven
//! by messages as the event loop would send them.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stage_images::api::{FetchError, Fetched};
use stage_images::catalogue::comparison::Offer;
use stage_images::catalogue::{self, Catalogue};
use stage_images::tui::compare::ColumnFetch;
use stage_images::tui::profiles::{ProfileSlot, Profiles};
use stage_images::tui::state::{App, FetchState, NoticeKind, Origin, Popup, ProfileInfo, Shown};
use stage_images::tui::theme::Theme;
use stage_images::tui::update::{self, Effect, Message};
use time::UtcOffset;

const NORTH: &str = r#"{"Go":["1.22"],"Java":["8","11","17","21"],"Php":["7-apache"]}"#;
const SOUTH: &str = r#"{"Go":["1.22"],"Java":["8","11","17"],"Python":["3.12"]}"#;
const EAST: &str = r#"{"Java":["17","21","25"]}"#;

fn catalogue(json: &str) -> Catalogue {
    catalogue::decode(json.as_bytes())
        .expect("valid catalogue")
        .catalogue
}

fn fetched(json: &str) -> Fetched {
    support::ui::fetched(json, SystemTime::now())
}

fn cached(json: &str) -> Shown {
    Shown {
        catalogue: Arc::new(catalogue(json)),
        fetched_at: SystemTime::now() - Duration::from_secs(3 * 3600),
        origin: Origin::Cache,
    }
}

fn info(name: &str, region: &str) -> ProfileInfo {
    ProfileInfo {
        name: name.into(),
        region: region.into(),
        project_id: "0123456789abcdef0123456789abcdef".into(),
        endpoint: format!("http://127.0.0.1:9/{name}"),
        auth: "token".into(),
        demo: false,
    }
}

/// Three profiles: `east` without cache, `north` (in use) and `south` with cached catalogues.
fn three_profiles() -> App {
    let slot = |name: &str, region: &str, last: Option<Shown>| ProfileSlot {
        info: info(name, region),
        refresh_interval: None,
        last,
    };
    let profiles = Profiles::new(
        vec![
            slot("east", "cn-east-3", None),
            slot("north", "cn-north-4", Some(cached(NORTH))),
            slot("south", "ap-southeast-1", Some(cached(SOUTH))),
        ],
        1,
    );
    App::with_profiles(profiles, Theme::monochrome(), UtcOffset::UTC)
}

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn send(app: &mut App, message: Message) -> Vec<Effect> {
    update::update(app, message, Instant::now())
}

fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    keys.chars()
        .flat_map(|c| send(app, key(KeyCode::Char(c))))
        .collect()
}

fn completion(generation: u64, json: &str) -> Message {
    Message::Fetched {
        generation,
        result: Box::new(Ok(fetched(json))),
    }
}

fn language_names(app: &App) -> Vec<String> {
    app.catalogue()
        .map(|catalogue| {
            catalogue
                .languages()
                .iter()
                .map(|language| language.name().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn selected_language(app: &App) -> Option<String> {
    app.selected_language()
        .map(|language| language.name().to_owned())
}

/// The three profiles after north's first fetch returned `NORTH`, with Java selected.
fn north_fetched_on_java() -> App {
    let mut app = three_profiles();
    update::start(&mut app, Instant::now());
    send(&mut app, completion(1, NORTH));
    press(&mut app, "j");
    app
}

/// Opens the picker, types `filter` and presses Enter.
fn switch_with_picker(app: &mut App, filter: &str) -> Vec<Effect> {
    press(app, "p");
    assert_eq!(app.popup, Some(Popup::Picker));
    press(app, filter);
    send(app, key(KeyCode::Enter))
}

#[test]
fn first_frame_shows_the_cache_then_fetches() {
    let mut app = three_profiles();
    assert_eq!(
        app.shown.as_ref().map(|shown| shown.origin),
        Some(Origin::Cache),
        "the cached catalogue is on screen before any request"
    );
    assert_eq!(language_names(&app), ["Go", "Java", "Php"]);
    let effects = update::start(&mut app, Instant::now());
    assert_eq!(
        effects,
        [Effect::Fetch {
            generation: 1,
            profile: 1
        }]
    );
    assert_eq!(
        app.shown.as_ref().map(|shown| shown.origin),
        Some(Origin::Cache),
        "the cache stays until the fetch ends"
    );
}

#[test]
fn switching_shows_the_cache_at_once_and_fetches() {
    let mut app = north_fetched_on_java();
    assert_eq!(selected_language(&app).as_deref(), Some("Java"));

    let effects = switch_with_picker(&mut app, "south");
    assert_eq!(
        effects,
        [Effect::Fetch {
            generation: 2,
            profile: 2
        }]
    );
    assert_eq!(app.popup, None);
    assert_eq!(app.profile.name, "south");
    assert_eq!(app.profiles.current_index(), 2);
    assert_eq!(language_names(&app), ["Go", "Java", "Python"]);
    assert_eq!(
        app.shown.as_ref().map(|shown| shown.origin),
        Some(Origin::Cache)
    );
    assert_eq!(
        selected_language(&app).as_deref(),
        Some("Java"),
        "the language stays selected across profiles"
    );
    assert_eq!(
        app.notice.as_ref().map(|notice| notice.text.as_str()),
        Some("Switched to profile south (ap-southeast-1)")
    );
}

#[test]
fn switching_mid_fetch_drops_the_stale_completion() {
    let mut app = three_profiles();
    update::start(&mut app, Instant::now());
    // north's fetch (generation 1) is still running when the user switches to south.
    switch_with_picker(&mut app, "south");
    assert!(app.is_loading());
    let effects = send(&mut app, completion(1, r#"{"NorthOnly":["1"]}"#));
    assert!(effects.is_empty(), "a dropped result is not cached either");
    assert_eq!(app.profile.name, "south");
    assert_eq!(language_names(&app), ["Go", "Java", "Python"]);
    assert!(app.is_loading(), "south's own fetch is still awaited");

    send(&mut app, completion(2, r#"{"SouthFresh":["2"]}"#));
    assert_eq!(language_names(&app), ["SouthFresh"]);
    assert!(
        app.profiles
            .get(1)
            .and_then(|slot| slot.last.as_ref())
            .is_some_and(|last| last.catalogue.find_language("NorthOnly").is_none()),
        "north keeps its last good catalogue"
    );
}

#[test]
fn switching_back_and_forth_drops_every_older_completion() {
    let mut app = three_profiles();
    update::start(&mut app, Instant::now());
    switch_with_picker(&mut app, "south");
    switch_with_picker(&mut app, "north");
    assert_eq!(app.profile.name, "north");
    for generation in [1, 2] {
        send(&mut app, completion(generation, r#"{"Stale":["1"]}"#));
        assert_eq!(language_names(&app), ["Go", "Java", "Php"]);
    }
    send(&mut app, completion(3, r#"{"Fresh":["1"]}"#));
    assert_eq!(language_names(&app), ["Fresh"]);
}

#[test]
fn switching_to_a_profile_without_cache_shows_loading() {
    let mut app = three_profiles();
    let effects = switch_with_picker(&mut app, "east");
    assert_eq!(
        effects,
        [Effect::Fetch {
            generation: 1,
            profile: 0
        }]
    );
    assert!(app.shown.is_none());
    assert!(app.is_loading());
}

#[test]
fn picker_filters_on_every_column() {
    let mut app = three_profiles();
    press(&mut app, "p");
    assert_eq!(
        app.picker.list.selected(),
        Some(1),
        "the profile in use is selected"
    );
    press(&mut app, "AP-SOUTH");
    assert_eq!(app.picker.list.visible(), [2]);
    send(&mut app, key(KeyCode::Backspace));
    for _ in 0.."AP-SOUT".len() {
        send(&mut app, key(KeyCode::Backspace));
    }
    press(&mut app, "cn-");
    assert_eq!(app.picker.list.visible(), [0, 1]);
    // Esc clears the filter first, then closes without switching.
    send(&mut app, key(KeyCode::Esc));
    assert_eq!(app.picker.list.filter, "");
    assert_eq!(app.picker.list.len(), 3);
    assert_eq!(app.popup, Some(Popup::Picker));
    send(&mut app, key(KeyCode::Esc));
    assert_eq!(app.popup, None);
    assert_eq!(app.profile.name, "north");
    assert!(!app.should_quit);
}

#[test]
fn picker_keys_do_not_reach_the_panes() {
    let mut app = three_profiles();
    press(&mut app, "p");
    press(&mut app, "q");
    assert!(!app.should_quit, "q is filter text in the picker");
    assert_eq!(app.picker.list.filter, "q");
    assert_eq!(app.picker.list.len(), 0);
    assert!(
        send(&mut app, key(KeyCode::Enter)).is_empty(),
        "Enter with no match switches nothing"
    );
}

#[test]
fn choosing_the_profile_in_use_changes_nothing() {
    let mut app = three_profiles();
    let effects = switch_with_picker(&mut app, "north");
    assert!(effects.is_empty());
    assert_eq!(
        app.notice.as_ref().map(|notice| notice.text.as_str()),
        Some("Already on profile north")
    );
}

#[test]
fn offline_start_shows_the_cache_and_sends_nothing() {
    let mut app = three_profiles();
    app.offline = true;
    assert!(update::start(&mut app, Instant::now()).is_empty());
    assert_eq!(language_names(&app), ["Go", "Java", "Php"]);
    assert!(press(&mut app, "r").is_empty());
    assert_eq!(
        app.notice.as_ref().map(|notice| notice.text.as_str()),
        Some("Offline: nothing is fetched (started with --offline)")
    );
    assert!(switch_with_picker(&mut app, "east").is_empty());
    assert_eq!(
        app.fetch,
        FetchState::Failed {
            message:
                "offline: no cached catalogue for profile east; run without --offline to fetch it"
                    .into()
        }
    );
}

#[test]
fn fetch_marks_changes_and_caches() {
    let mut app = three_profiles();
    update::start(&mut app, Instant::now());
    let newer = r#"{"Go":["1.22","1.23"],"Java":["21","17","11","25"],"Php":["7-apache"]}"#;
    let effects = send(&mut app, completion(1, newer));
    match effects.as_slice() {
        [
            Effect::StoreCache {
                profile: 1,
                catalogue,
                ..
            },
        ] => assert!(
            catalogue
                .find_language("Go")
                .is_some_and(|go| go.offers("1.23"))
        ),
        other => panic!("expected one StoreCache effect, got {other:?}"),
    }
    let changes = app.changes.as_ref().expect("changes");
    assert_eq!(changes.summary().as_deref(), Some("+2 new, 1 removed"));
    assert!(changes.is_new("Java", "25"));
    assert!(changes.is_new("Go", "1.23"));
    assert_eq!(
        changes
            .for_language("Java")
            .map(|java| java.removed.clone()),
        Some(vec!["8".to_owned()])
    );
    assert_eq!(
        app.notice.as_ref().map(|notice| notice.text.as_str()),
        Some("Changed since the last fetch: +2 new, 1 removed")
    );

    // The same catalogue again, reordered, keeps the marks.
    press(&mut app, "r");
    let reordered = r#"{"Php":["7-apache"],"Java":["25","11","17","21"],"Go":["1.23","1.22"]}"#;
    send(&mut app, completion(2, reordered));
    assert_eq!(
        app.changes
            .as_ref()
            .and_then(stage_images::catalogue::Changes::summary),
        Some("+2 new, 1 removed".to_owned())
    );

    // Another profile has its own history.
    switch_with_picker(&mut app, "south");
    assert!(app.changes.is_none());
}

#[test]
fn first_fetch_without_cache_marks_nothing() {
    let mut app = three_profiles();
    switch_with_picker(&mut app, "east");
    send(&mut app, completion(1, EAST));
    assert!(app.changes.is_none());
    assert_eq!(
        app.profiles
            .get(0)
            .and_then(|slot| slot.last.as_ref())
            .map(|last| last.origin),
        Some(Origin::Network),
        "the fetch is remembered for switching back"
    );
}

#[test]
fn compare_fetches_every_profile_at_once() {
    let mut app = north_fetched_on_java();
    let effects = press(&mut app, "c");
    assert_eq!(app.popup, Some(Popup::Compare));
    assert_eq!(
        effects,
        [
            Effect::FetchForComparison {
                request: 2,
                profile: 1
            },
            Effect::FetchForComparison {
                request: 2,
                profile: 0
            },
            Effect::FetchForComparison {
                request: 2,
                profile: 2
            },
        ],
        "the profile in use comes first"
    );
    let comparison = app.compare.as_ref().expect("comparison");
    assert_eq!(comparison.language.as_deref(), Some("Java"));
    assert!(comparison.is_loading());
    // Known catalogues fill their columns before the fetches end; east is unknown yet.
    let versions: Vec<(&str, &[Offer])> = comparison
        .rows
        .iter()
        .map(|row| (row.version.as_str(), row.offers.as_slice()))
        .collect();
    assert_eq!(
        versions,
        [
            ("21", &[Offer::Yes, Offer::Unknown, Offer::No][..]),
            ("17", &[Offer::Yes, Offer::Unknown, Offer::Yes][..]),
            ("11", &[Offer::Yes, Offer::Unknown, Offer::Yes][..]),
            ("8", &[Offer::Yes, Offer::Unknown, Offer::Yes][..]),
        ]
    );
    assert_eq!(comparison.differing_rows(), 1);

    let effects = send(
        &mut app,
        Message::ComparisonFetched {
            request: 2,
            profile: 0,
            result: Box::new(Ok(fetched(EAST))),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::StoreCache { profile: 0, .. }]),
        "{effects:?}"
    );
    let comparison = app.compare.as_ref().expect("comparison");
    assert_eq!(comparison.rows[0].version, "25");
    assert_eq!(
        comparison.rows[0].offers,
        [Offer::No, Offer::Yes, Offer::No]
    );
    assert_eq!(comparison.differing_rows(), 4);

    send(
        &mut app,
        Message::ComparisonFetched {
            request: 2,
            profile: 2,
            result: Box::new(Err(FetchError::Connect {
                endpoint: "http://127.0.0.1:9/south".into(),
                reason: "connection refused".into(),
            })),
        },
    );
    let comparison = app.compare.as_ref().expect("comparison");
    assert_eq!(
        comparison.columns[2].fetch,
        ColumnFetch::Failed(
            "cannot connect to http://127.0.0.1:9/south: connection refused; check the endpoint \
             and the network"
                .into()
        )
    );
    assert!(
        comparison.columns[2].shown.is_some(),
        "the cached column stays"
    );
}

#[test]
fn compare_drops_results_of_a_closed_comparison() {
    let mut app = three_profiles();
    press(&mut app, "c");
    send(&mut app, key(KeyCode::Esc));
    assert_eq!(app.popup, None);
    assert!(app.compare.is_none());
    let effects = send(
        &mut app,
        Message::ComparisonFetched {
            request: 1,
            profile: 2,
            result: Box::new(Ok(fetched(r#"{"Late":["1"]}"#))),
        },
    );
    assert!(effects.is_empty());
    assert!(
        app.profiles
            .get(2)
            .and_then(|slot| slot.last.as_ref())
            .is_some_and(|last| last.catalogue.find_language("Late").is_none())
    );
    press(&mut app, "c");
    let effects = send(
        &mut app,
        Message::ComparisonFetched {
            request: 1,
            profile: 2,
            result: Box::new(Ok(fetched(r#"{"Late":["1"]}"#))),
        },
    );
    assert!(effects.is_empty(), "a reopened comparison has a new number");
}

#[test]
fn compare_uses_the_profiles_marked_in_the_picker() {
    let mut app = three_profiles();
    press(&mut app, "p");
    send(&mut app, key(KeyCode::Char(' ')));
    send(&mut app, key(KeyCode::Down));
    send(&mut app, key(KeyCode::Char(' ')));
    send(&mut app, key(KeyCode::Esc));
    assert_eq!(
        app.picker.marked.iter().copied().collect::<Vec<_>>(),
        [1, 2]
    );
    let effects = press(&mut app, "c");
    assert_eq!(effects.len(), 2);
    let columns: Vec<&str> = app
        .compare
        .as_ref()
        .expect("comparison")
        .columns
        .iter()
        .map(|column| column.info.name.as_str())
        .collect();
    assert_eq!(columns, ["north", "south"]);
}

#[test]
fn compare_steps_through_languages() {
    let mut app = three_profiles();
    app.offline = true;
    assert!(
        press(&mut app, "c").is_empty(),
        "offline compares the caches"
    );
    let language = |app: &App| {
        app.compare
            .as_ref()
            .and_then(|comparison| comparison.language.clone())
    };
    assert_eq!(language(&app).as_deref(), Some("Go"));
    send(&mut app, key(KeyCode::Right));
    assert_eq!(language(&app).as_deref(), Some("Java"));
    press(&mut app, "ll");
    assert_eq!(language(&app).as_deref(), Some("Python"));
    press(&mut app, "l");
    assert_eq!(language(&app).as_deref(), Some("Go"), "wraps around");
    send(&mut app, key(KeyCode::Left));
    assert_eq!(language(&app).as_deref(), Some("Python"));
    let comparison = app.compare.as_ref().expect("comparison");
    assert_eq!(comparison.rows.len(), 1);
    assert_eq!(
        comparison.rows[0].offers,
        [Offer::NoLanguage, Offer::Unknown, Offer::Yes]
    );
}

#[test]
fn compare_keys_follow_the_key_table() {
    let mut app = three_profiles();
    app.offline = true;
    let config = stage_images::config::Config::parse(
        std::path::Path::new("/c.toml"),
        "[keys]\ndown = \"n\"\nup = \"e\"\nfocus_versions = \"Right\"\ncopy = \"c\"\ncompare = \"C\"\n\n\
         [profiles.north]\nregion = \"cn-north-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\n\
         token_env = \"HW_TOKEN\"\n",
    )
    .expect("valid config");
    app.keymap = config.ui.keymap;
    press(&mut app, "j");
    press(&mut app, "C");
    assert_eq!(app.popup, Some(Popup::Compare));
    let scroll = |app: &App| app.compare.as_ref().map(|comparison| comparison.scroll);
    let language = |app: &App| {
        app.compare
            .as_ref()
            .and_then(|comparison| comparison.language.clone())
    };
    assert_eq!(language(&app).as_deref(), Some("Go"), "j no longer moves");

    send(&mut app, key(KeyCode::Right));
    assert_eq!(language(&app).as_deref(), Some("Java"));
    press(&mut app, "n");
    assert_eq!(scroll(&app), Some(1), "n scrolls down");
    press(&mut app, "j");
    assert_eq!(scroll(&app), Some(1), "j no longer scrolls");
    press(&mut app, "e");
    assert_eq!(scroll(&app), Some(0), "e scrolls up");
    press(&mut app, "l");
    assert_eq!(language(&app).as_deref(), Some("Java"), "l was dropped");

    press(&mut app, "c");
    assert_eq!(app.popup, Some(Popup::Compare), "c is copy now");
    press(&mut app, "C");
    assert_eq!(app.popup, None, "the compare key closes");
    press(&mut app, "C");
    send(&mut app, key(KeyCode::Esc));
    assert_eq!(app.popup, None, "Esc always closes");
}

#[test]
fn compare_needs_two_profiles() {
    let mut app = App::new(
        info("only", "cn-north-4"),
        Theme::monochrome(),
        UtcOffset::UTC,
    );
    assert!(press(&mut app, "c").is_empty());
    assert_eq!(app.popup, None);
    let notice = app.notice.as_ref().expect("notice");
    assert_eq!(notice.kind, NoticeKind::Warning);
    assert_eq!(
        notice.text,
        "Comparing needs two or more profiles; add another [profiles.NAME] table to the config"
    );
}

fn with_interval(interval: Duration) -> App {
    let profiles = Profiles::new(
        vec![
            ProfileSlot {
                info: info("north", "cn-north-4"),
                refresh_interval: Some(interval),
                last: None,
            },
            ProfileSlot::new(info("south", "ap-southeast-1")),
        ],
        0,
    );
    App::with_profiles(profiles, Theme::monochrome(), UtcOffset::UTC)
}

#[test]
fn refresh_interval_schedules_the_next_fetch() {
    let interval = Duration::from_secs(15 * 60);
    let mut app = with_interval(interval);
    let start = Instant::now();
    update::start(&mut app, start);
    update::update(&mut app, completion(1, NORTH), start);
    let schedule = app.refresh.expect("scheduled");
    assert_eq!(schedule.due, start + interval);
    assert_eq!(app.next_wakeup(start), Some(start + interval));

    let early = update::update(&mut app, Message::Tick(start + interval / 2), start);
    assert!(early.is_empty());
    let due = update::update(&mut app, Message::Tick(start + interval), start);
    assert_eq!(
        due,
        [Effect::Fetch {
            generation: 2,
            profile: 0
        }]
    );
    assert!(app.refresh.is_none(), "rescheduled when this fetch ends");

    // A failed refresh is retried one interval later too.
    let later = start + interval;
    let error = FetchError::Connect {
        endpoint: "http://127.0.0.1:9".into(),
        reason: "connection refused".into(),
    };
    update::update(
        &mut app,
        Message::Fetched {
            generation: 2,
            result: Box::new(Err(error)),
        },
        later,
    );
    assert_eq!(
        app.refresh.map(|schedule| schedule.due),
        Some(later + interval)
    );
}

#[test]
fn huge_refresh_interval_schedules_nothing() {
    // The config rejects intervals over 7 days; a slot built another way must not crash the
    // browser when the due time cannot be represented.
    let mut app = with_interval(Duration::MAX);
    let start = Instant::now();
    update::start(&mut app, start);
    update::update(&mut app, completion(1, NORTH), start);
    assert_eq!(app.fetch, FetchState::Idle);
    assert!(app.refresh.is_none());
    assert_eq!(app.next_wakeup(start), None);
}

#[test]
fn no_refresh_without_interval_or_offline() {
    let mut app = with_interval(Duration::from_secs(60));
    switch_with_picker(&mut app, "south");
    let now = Instant::now();
    update::update(&mut app, completion(1, SOUTH), now);
    assert!(app.refresh.is_none(), "south has no interval");
    assert_eq!(
        app.next_wakeup(now + Duration::from_secs(10)),
        app.notice.as_ref().map(|notice| notice.expires)
    );

    let mut offline = with_interval(Duration::from_secs(60));
    offline.offline = true;
    update::start(&mut offline, now);
    assert!(offline.refresh.is_none());
}

#[test]
fn due_refresh_waits_for_a_running_fetch() {
    let interval = Duration::from_secs(60);
    let mut app = with_interval(interval);
    let start = Instant::now();
    update::start(&mut app, start);
    update::update(&mut app, completion(1, NORTH), start);
    press(&mut app, "r");
    assert!(app.is_loading());
    let due = start + interval;
    let tick = update::update(&mut app, Message::Tick(due), due);
    assert!(tick.is_empty(), "no second request while one runs");
    assert!(app.refresh.is_none());
    assert!(
        app.next_wakeup(due).is_some_and(|wakeup| wakeup > due),
        "the loop does not wake again at once"
    );

    update::update(&mut app, completion(2, NORTH), due);
    assert_eq!(
        app.refresh.map(|schedule| schedule.due),
        Some(due + interval),
        "the running fetch schedules the next one"
    );
}
