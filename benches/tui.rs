//! One keypress plus the redraw it causes, also with change marks shown, and filtering per
//! keystroke, at every catalogue size.
//!
//! Each iteration applies one key to the state with `update` and draws a 120×40 frame on
//! ratatui's `TestBackend`, as the event loop does for every key.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use stage_images::catalogue::{self, Catalogue, Changes, Language, VersionOrder};
use stage_images::tui::state::{App, Origin, ProfileInfo, Shown};
use stage_images::tui::theme::Theme;
use stage_images::tui::update::{self, Message};
use stage_images::tui::view;
use time::UtcOffset;

fn loaded_app(languages: usize, versions: usize) -> App {
    let json = support::catalogue_json(languages, versions);
    let decoded = catalogue::decode(json.as_bytes()).expect("valid catalogue");
    let mut app = App::new(
        ProfileInfo {
            name: "bench".into(),
            ..ProfileInfo::default()
        },
        Theme::dark(),
        UtcOffset::UTC,
    );
    app.show(Shown {
        catalogue: Arc::new(decoded.catalogue),
        fetched_at: SystemTime::now(),
        origin: Origin::Network,
    });
    app
}

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &mut App) {
    let mut info = app.frame;
    terminal
        .draw(|frame| info = view::render(app, frame, SystemTime::now()))
        .expect("draw");
    app.frame = info;
}

/// Applies `keys` in turn, one per iteration, each followed by a redraw.
fn bench_keys(c: &mut Criterion, group_name: &str, setup: &[KeyCode], keys: &[KeyCode]) {
    let mut group = c.benchmark_group(group_name);
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(4));
    for (name, languages, versions) in support::SIZES {
        let mut app = loaded_app(languages, versions);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        for &code in setup {
            update::update(&mut app, key(code), Instant::now());
        }
        draw(&mut terminal, &mut app);
        let mut next = 0;
        group.bench_function(BenchmarkId::from_parameter(name), |bencher| {
            bencher.iter(|| {
                let code = keys[next % keys.len()];
                next += 1;
                update::update(&mut app, key(code), Instant::now());
                draw(&mut terminal, &mut app);
                black_box(app.selected_version().map(str::len))
            });
        });
    }
    group.finish();
}

fn move_in_versions(c: &mut Criterion) {
    bench_keys(
        c,
        "key_move_version",
        &[KeyCode::Tab],
        &[KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Char('k')],
    );
}

fn switch_language(c: &mut Criterion) {
    bench_keys(
        c,
        "key_switch_language",
        &[],
        &[KeyCode::Char('j'), KeyCode::Char('k')],
    );
}

fn filter_character(c: &mut Criterion) {
    // Typing and deleting one character refilters the whole versions list each time.
    bench_keys(
        c,
        "key_filter_character",
        &[KeyCode::Tab, KeyCode::Char('/')],
        &[KeyCode::Char('5'), KeyCode::Backspace],
    );
}

/// The catalogue shown before `catalogue`: every second version of each language is missing
/// from it, and as many versions that `catalogue` no longer lists are there instead.
fn older_catalogue(catalogue: &Catalogue) -> Catalogue {
    let languages = catalogue
        .languages()
        .iter()
        .map(|language| {
            let versions = language
                .versions(VersionOrder::Api)
                .enumerate()
                .map(|(index, version)| {
                    if index % 2 == 0 {
                        format!("{version}-gone")
                    } else {
                        version.to_owned()
                    }
                })
                .collect();
            Language::new(language.name(), versions)
        })
        .collect();
    Catalogue::new(languages)
}

fn move_with_change_marks(c: &mut Criterion) {
    // Half the versions carry the `new` mark and as many are listed as removed: a frame must
    // still cost the same at every catalogue size.
    let mut group = c.benchmark_group("key_move_version_with_changes");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(4));
    for (name, languages, versions) in support::SIZES {
        let mut app = loaded_app(languages, versions);
        let shown = app.catalogue().cloned().expect("catalogue shown");
        app.changes = Some(Changes::between(&older_catalogue(&shown), &shown));
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        update::update(&mut app, key(KeyCode::Tab), Instant::now());
        draw(&mut terminal, &mut app);
        let keys = [KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Char('k')];
        let mut next = 0;
        group.bench_function(BenchmarkId::from_parameter(name), |bencher| {
            bencher.iter(|| {
                update::update(&mut app, key(keys[next % keys.len()]), Instant::now());
                next += 1;
                draw(&mut terminal, &mut app);
                black_box(app.selected_version().map(str::len))
            });
        });
    }
    group.finish();
}

fn filter_only(c: &mut Criterion) {
    // The refilter alone, without drawing, on the largest language.
    let mut group = c.benchmark_group("filter_versions");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(4));
    for (name, languages, versions) in support::SIZES {
        let mut app = loaded_app(languages, versions);
        update::update(&mut app, key(KeyCode::Tab), Instant::now());
        let mut toggle = false;
        group.bench_function(BenchmarkId::from_parameter(name), |bencher| {
            bencher.iter(|| {
                toggle = !toggle;
                app.versions.filter = if toggle {
                    "alpine".into()
                } else {
                    "alpin".into()
                };
                app.refilter_versions();
                black_box(app.versions.len())
            });
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    move_in_versions,
    switch_language,
    filter_character,
    filter_only,
    move_with_change_marks
);
criterion_main!(benches);
