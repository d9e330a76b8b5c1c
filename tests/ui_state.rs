//! The browser's state machine, driven by messages as the event loop would send them.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use stage_images::api::{FetchError, Fetched, RetryNotice};
use stage_images::catalogue::{self, VersionOrder};
use stage_images::clipboard::CopyReport;
use stage_images::project_id::ProjectId;
use stage_images::tui::state::{
    App, FetchState, NoticeKind, Origin, Pane, Popup, ProfileInfo, Shown,
};
use stage_images::tui::theme::Theme;
use stage_images::tui::update::{self, Effect, Message};
use time::UtcOffset;

const EXAMPLE: &str = r#"{"Go":["1.11"],"Java":["8u181-jdk-alpine","11","17","21"],"Nodejs":["8","16"],"Php":["7-apache"],"Python":["3.7"],"Tomcat":["8-alpine"]}"#;

fn app() -> App {
    App::new(
        ProfileInfo {
            name: "dev".into(),
            ..ProfileInfo::default()
        },
        Theme::monochrome(),
        UtcOffset::UTC,
    )
}

fn fetched(json: &str) -> Fetched {
    let decoded = catalogue::decode(json.as_bytes()).expect("valid catalogue");
    Fetched {
        catalogue: decoded.catalogue,
        problems: decoded.problems,
        request_id: None,
        project_id: ProjectId::parse("0123456789abcdef0123456789abcdef").expect("project id"),
        fetched_at: SystemTime::now(),
        elapsed: Duration::ZERO,
    }
}

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn char_key(c: char) -> Message {
    key(KeyCode::Char(c))
}

fn send(app: &mut App, message: Message) -> Vec<Effect> {
    update::update(app, message, Instant::now())
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        send(app, char_key(c));
    }
}

/// An app with the example catalogue loaded by its first fetch.
fn loaded() -> App {
    let mut app = app();
    let effects = update::start(&mut app, Instant::now());
    assert_eq!(
        effects,
        [Effect::Fetch {
            generation: 1,
            profile: 0
        }]
    );
    send(
        &mut app,
        Message::Fetched {
            generation: 1,
            result: Box::new(Ok(fetched(EXAMPLE))),
        },
    );
    app
}

fn names(app: &App) -> (Option<String>, Option<String>) {
    (
        app.selected_language()
            .map(|language| language.name().to_owned()),
        app.selected_version().map(str::to_owned),
    )
}

#[test]
fn first_fetch_fills_both_panes() {
    let app = loaded();
    assert_eq!(app.fetch, FetchState::Idle);
    assert_eq!(names(&app), (Some("Go".into()), Some("1.11".into())));
    assert_eq!(
        app.shown.as_ref().map(|shown| shown.origin),
        Some(Origin::Network)
    );
}

#[test]
fn moving_in_languages_changes_versions() {
    let mut app = loaded();
    send(&mut app, char_key('j'));
    assert_eq!(names(&app), (Some("Java".into()), Some("21".into())));
    send(&mut app, key(KeyCode::Down));
    assert_eq!(names(&app), (Some("Nodejs".into()), Some("16".into())));
    send(&mut app, char_key('G'));
    assert_eq!(names(&app).0.as_deref(), Some("Tomcat"));
    send(&mut app, char_key('g'));
    assert_eq!(names(&app).0.as_deref(), Some("Go"));
}

#[test]
fn versions_pane_moves_within_language() {
    let mut app = loaded();
    press(&mut app, "j");
    send(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Pane::Versions);
    press(&mut app, "jj");
    assert_eq!(names(&app), (Some("Java".into()), Some("11".into())));
    send(&mut app, key(KeyCode::End));
    assert_eq!(app.selected_version(), Some("8u181-jdk-alpine"));
    send(&mut app, char_key('h'));
    assert_eq!(app.focus, Pane::Languages);
    send(&mut app, char_key('l'));
    assert_eq!(app.focus, Pane::Versions);
}

#[test]
fn shift_tab_switches_pane_both_ways() {
    let mut app = loaded();
    // crossterm reports Shift-Tab as BackTab with the Shift modifier set.
    let shift_tab = Message::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    send(&mut app, shift_tab);
    assert_eq!(app.focus, Pane::Versions);
    let shift_tab = Message::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    send(&mut app, shift_tab);
    assert_eq!(app.focus, Pane::Languages);
}

#[test]
fn page_keys_use_visible_rows() {
    let mut app = loaded();
    app.frame.page_rows = 2;
    send(&mut app, key(KeyCode::PageDown));
    assert_eq!(names(&app).0.as_deref(), Some("Nodejs"));
    send(&mut app, key(KeyCode::PageUp));
    assert_eq!(names(&app).0.as_deref(), Some("Go"));
}

#[test]
fn key_release_and_repeat_do_nothing() {
    let mut app = loaded();
    for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
        let event = KeyEvent {
            code: KeyCode::Char('j'),
            modifiers: KeyModifiers::NONE,
            kind,
            state: KeyEventState::NONE,
        };
        send(&mut app, Message::Key(event));
    }
    assert_eq!(names(&app).0.as_deref(), Some("Go"));
}

#[test]
fn filter_narrows_focused_pane_and_escape_clears() {
    let mut app = loaded();
    send(&mut app, char_key('/'));
    press(&mut app, "ja");
    assert_eq!(app.languages.filter, "ja");
    assert_eq!(app.languages.len(), 1);
    assert_eq!(names(&app), (Some("Java".into()), Some("21".into())));
    // While editing, letters are text, not commands.
    press(&mut app, "q");
    assert!(!app.should_quit);
    assert_eq!(app.languages.len(), 0);
    send(&mut app, key(KeyCode::Backspace));
    send(&mut app, key(KeyCode::Enter));
    assert!(!app.languages.editing);
    assert_eq!(app.languages.filter, "ja");
    // Esc first clears an applied filter, then quits.
    send(&mut app, key(KeyCode::Esc));
    assert_eq!(app.languages.filter, "");
    assert_eq!(app.languages.len(), 6);
    assert_eq!(
        names(&app).0.as_deref(),
        Some("Java"),
        "the selection survives clearing"
    );
    assert!(!app.should_quit);
    send(&mut app, key(KeyCode::Esc));
    assert!(app.should_quit);
}

#[test]
fn version_filter_matches_substrings_case_insensitively() {
    let mut app = loaded();
    press(&mut app, "j");
    send(&mut app, key(KeyCode::Tab));
    send(&mut app, char_key('/'));
    press(&mut app, "JDK");
    assert_eq!(app.versions.len(), 1);
    assert_eq!(app.selected_version(), Some("8u181-jdk-alpine"));
    assert_eq!(app.languages.len(), 6, "the languages pane is not filtered");
}

#[test]
fn paste_goes_into_filter_being_edited() {
    let mut app = loaded();
    send(&mut app, Message::Paste("pyth".into()));
    assert_eq!(
        app.languages.filter, "",
        "paste outside filter editing is ignored"
    );
    send(&mut app, char_key('/'));
    send(&mut app, Message::Paste("pyth\n".into()));
    assert_eq!(app.languages.filter, "pyth");
    assert_eq!(names(&app).0.as_deref(), Some("Python"));
}

#[test]
fn sort_toggle_keeps_selected_version() {
    let mut app = loaded();
    press(&mut app, "j");
    send(&mut app, key(KeyCode::Tab));
    press(&mut app, "j");
    assert_eq!(app.selected_version(), Some("17"));
    press(&mut app, "s");
    assert_eq!(app.order, VersionOrder::Api);
    assert_eq!(app.selected_version(), Some("17"));
    assert_eq!(app.versions.cursor(), 2);
    assert_eq!(
        app.notice.as_ref().map(|notice| notice.text.as_str()),
        Some("Versions sorted: API order")
    );
    press(&mut app, "s");
    assert_eq!(app.order, VersionOrder::NewestFirst);
    assert_eq!(app.selected_version(), Some("17"));
}

#[test]
fn copy_asks_for_selected_version() {
    let mut app = loaded();
    press(&mut app, "j");
    assert_eq!(send(&mut app, char_key('y')), [Effect::Copy("21".into())]);
    let report = CopyReport {
        text: "21".into(),
        osc52: Some(Ok(())),
        system: None,
    };
    send(&mut app, Message::Copied(report));
    let notice = app.notice.as_ref().expect("notice");
    assert_eq!(notice.text, "Copied 21 to the terminal (OSC 52)");
    assert_eq!(notice.kind, NoticeKind::Success);
}

#[test]
fn copy_without_selection_warns() {
    let mut app = app();
    assert!(send(&mut app, char_key('y')).is_empty());
    assert_eq!(
        app.notice.as_ref().map(|notice| notice.kind),
        Some(NoticeKind::Warning)
    );
}

#[test]
fn refresh_starts_new_generation_once() {
    let mut app = loaded();
    assert_eq!(
        send(&mut app, char_key('r')),
        [Effect::Fetch {
            generation: 2,
            profile: 0
        }]
    );
    assert!(app.is_loading());
    assert!(
        send(&mut app, char_key('r')).is_empty(),
        "no second request while one runs"
    );
    assert!(
        app.shown.is_some(),
        "the old catalogue stays on screen while loading"
    );
}

#[test]
fn stale_fetch_result_is_dropped() {
    let mut app = loaded();
    send(&mut app, char_key('r'));
    send(
        &mut app,
        Message::Fetched {
            generation: 1,
            result: Box::new(Ok(fetched(r#"{"Stale":["1"]}"#))),
        },
    );
    assert!(
        app.is_loading(),
        "a stale result does not end the current fetch"
    );
    assert!(
        app.catalogue()
            .expect("shown")
            .find_language("Stale")
            .is_none()
    );
    send(
        &mut app,
        Message::Fetched {
            generation: 2,
            result: Box::new(Ok(fetched(r#"{"Fresh":["1"]}"#))),
        },
    );
    assert_eq!(names(&app).0.as_deref(), Some("Fresh"));
}

#[test]
fn failed_refresh_keeps_data_and_retries() {
    let mut app = loaded();
    press(&mut app, "j");
    send(&mut app, char_key('r'));
    let error = FetchError::Connect {
        endpoint: "http://127.0.0.1:9".into(),
        reason: "connection refused".into(),
    };
    send(
        &mut app,
        Message::Fetched {
            generation: 2,
            result: Box::new(Err(error)),
        },
    );
    match &app.fetch {
        FetchState::Failed { message } => assert_eq!(
            message,
            "cannot connect to http://127.0.0.1:9: connection refused; check the endpoint and the network; \
             showing the last catalogue, press r to retry"
        ),
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(
        names(&app),
        (Some("Java".into()), Some("21".into())),
        "data and selection stay"
    );
    assert_eq!(
        send(&mut app, char_key('r')),
        [Effect::Fetch {
            generation: 3,
            profile: 0
        }]
    );
}

#[test]
fn new_catalogue_keeps_selection_by_name() {
    let mut app = loaded();
    press(&mut app, "j");
    send(&mut app, key(KeyCode::Tab));
    press(&mut app, "j");
    send(&mut app, char_key('r'));
    let newer = r#"{"Dotnet":["8.0"],"Go":["1.22"],"Java":["25","21","17","11"]}"#;
    send(
        &mut app,
        Message::Fetched {
            generation: 2,
            result: Box::new(Ok(fetched(newer))),
        },
    );
    assert_eq!(names(&app), (Some("Java".into()), Some("17".into())));
}

#[test]
fn help_popup_opens_and_closes_without_quitting() {
    let mut app = loaded();
    press(&mut app, "?");
    assert_eq!(app.popup, Some(Popup::Help));
    press(&mut app, "j");
    assert_eq!(
        names(&app).0.as_deref(),
        Some("Go"),
        "keys do not reach the panes under the popup"
    );
    send(&mut app, key(KeyCode::Esc));
    assert_eq!(app.popup, None);
    assert!(!app.should_quit);
    press(&mut app, "?q");
    assert_eq!(app.popup, None);
    assert!(!app.should_quit);
    press(&mut app, "q");
    assert!(app.should_quit);
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut app = loaded();
    press(&mut app, "/");
    send(
        &mut app,
        Message::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(app.should_quit);
}

#[test]
fn terminate_signal_quits() {
    let mut app = loaded();
    send(&mut app, Message::Terminate);
    assert!(app.should_quit);
}

#[test]
fn notices_expire_on_tick() {
    let mut app = loaded();
    let start = Instant::now();
    app.notify(NoticeKind::Info, "hello", start);
    assert_eq!(
        app.next_wakeup(start),
        app.notice.as_ref().map(|notice| notice.expires)
    );
    update::update(
        &mut app,
        Message::Tick(start + Duration::from_secs(1)),
        start,
    );
    assert!(app.notice.is_some());
    update::update(
        &mut app,
        Message::Tick(start + Duration::from_secs(60)),
        start,
    );
    assert!(app.notice.is_none());
    assert_eq!(
        app.next_wakeup(start),
        None,
        "an idle browser sleeps until input"
    );
}

#[test]
fn loading_wakes_for_spinner() {
    let mut app = app();
    let now = Instant::now();
    update::start(&mut app, now);
    assert!(app.next_wakeup(now).is_some());
    let step = app.spinner_step;
    update::update(&mut app, Message::Tick(now), now);
    assert_eq!(app.spinner_step, step + 1);
}

#[test]
fn problems_in_answer_show_a_warning() {
    let mut app = app();
    update::start(&mut app, Instant::now());
    send(
        &mut app,
        Message::Fetched {
            generation: 1,
            result: Box::new(Ok(fetched(r#"{"Java":["17",21]}"#))),
        },
    );
    let notice = app.notice.as_ref().expect("warning");
    assert_eq!(notice.kind, NoticeKind::Warning);
    assert_eq!(
        notice.text,
        "skipped invalid data: Java: item 1 is the number 21, not a version string"
    );
    assert_eq!(app.selected_version(), Some("17"));
}

#[test]
fn empty_catalogue_says_so() {
    let mut app = app();
    update::start(&mut app, Instant::now());
    send(
        &mut app,
        Message::Fetched {
            generation: 1,
            result: Box::new(Ok(fetched("{}"))),
        },
    );
    assert_eq!(
        app.notice.as_ref().map(|notice| notice.text.as_str()),
        Some("The service lists no languages for this project")
    );
    assert_eq!(names(&app), (None, None));
    // Keys on an empty catalogue do nothing harmful.
    press(&mut app, "jjGgy/x");
    send(&mut app, key(KeyCode::Tab));
    press(&mut app, "jk");
}

#[test]
fn shown_catalogue_can_come_from_cache() {
    let mut app = app();
    let catalogue = fetched(EXAMPLE).catalogue;
    app.show(Shown {
        catalogue: Arc::new(catalogue),
        fetched_at: SystemTime::now(),
        origin: Origin::Cache,
    });
    assert_eq!(names(&app).0.as_deref(), Some("Go"));
}

fn retry_notice() -> RetryNotice {
    RetryNotice {
        attempt: 2,
        max_attempts: 4,
        delay: Duration::from_secs(2),
        reason: "HTTP 503 Service Unavailable".into(),
    }
}

#[test]
fn retry_of_current_fetch_is_announced() {
    let mut app = app();
    let effects = update::start(&mut app, Instant::now());
    assert_eq!(
        effects,
        [Effect::Fetch {
            generation: 1,
            profile: 0
        }]
    );
    send(
        &mut app,
        Message::Retrying {
            generation: 1,
            notice: retry_notice(),
        },
    );
    let notice = app.notice.as_ref().expect("a notice");
    assert_eq!(notice.kind, NoticeKind::Warning);
    assert_eq!(
        notice.text,
        "HTTP 503 Service Unavailable; retrying in 2s (attempt 2 of 4)"
    );
    assert!(app.is_loading(), "the fetch is still running");
}

#[test]
fn retry_of_stale_fetch_is_ignored() {
    let mut app = loaded();
    send(
        &mut app,
        Message::Retrying {
            generation: 1,
            notice: retry_notice(),
        },
    );
    assert_eq!(app.notice, None);
}
