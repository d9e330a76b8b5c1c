//! Comparing three profiles at every catalogue size: one language (what the comparison view
//! rebuilds), every language (what `stage-images diff` prints), and opening the comparison in
//! the browser with its redraw.
//!
//! The three catalogues share most versions: the second lacks every third version of each
//! language and the third every fifth, so most rows differ in some column.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use stage_images::catalogue::comparison::{compare_language, language_names};
use stage_images::catalogue::{self, Catalogue, Language, VersionOrder};
use stage_images::tui::profiles::{ProfileSlot, Profiles};
use stage_images::tui::state::{App, Origin, ProfileInfo, Shown};
use stage_images::tui::theme::Theme;
use stage_images::tui::update::{self, Message};
use stage_images::tui::view;
use time::UtcOffset;

/// The catalogue of one profile: the generated one without every `skip`-th version of each
/// language (`skip` 0 keeps them all).
fn profile_catalogue(full: &Catalogue, skip: usize) -> Catalogue {
    let languages = full
        .languages()
        .iter()
        .map(|language| {
            let versions = language
                .versions(VersionOrder::Api)
                .enumerate()
                .filter(|(index, _)| skip == 0 || index % skip != 0)
                .map(|(_, version)| version.to_owned())
                .collect();
            Language::new(language.name(), versions)
        })
        .collect();
    Catalogue::new(languages)
}

fn three_profiles(languages: usize, versions: usize) -> Vec<Catalogue> {
    let json = support::catalogue_json(languages, versions);
    let full = catalogue::decode(json.as_bytes())
        .expect("valid catalogue")
        .catalogue;
    vec![
        profile_catalogue(&full, 0),
        profile_catalogue(&full, 3),
        profile_catalogue(&full, 5),
    ]
}

fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(6));
}

/// Times `compare` on the three profiles of every size. It returns the number of rows, which
/// must be `versions` per language compared.
fn bench_columns(
    c: &mut Criterion,
    group_name: &str,
    languages_compared: impl Fn(usize) -> usize,
    compare: impl Fn(&[Option<&Catalogue>]) -> usize,
) {
    let mut group = c.benchmark_group(group_name);
    configure(&mut group);
    for (name, languages, versions) in support::SIZES {
        let catalogues = three_profiles(languages, versions);
        let columns: Vec<Option<&Catalogue>> = catalogues.iter().map(Some).collect();
        group.bench_function(BenchmarkId::from_parameter(name), |bencher| {
            bencher.iter(|| {
                let rows = compare(black_box(&columns));
                assert_eq!(rows, languages_compared(languages) * versions);
                rows
            });
        });
    }
    group.finish();
}

fn one_language(c: &mut Criterion) {
    bench_columns(
        c,
        "compare_language",
        |_| 1,
        |columns| compare_language(columns, "Language000").len(),
    );
}

fn every_language(c: &mut Criterion) {
    // What `stage-images diff` computes before printing.
    bench_columns(
        c,
        "diff_every_language",
        |languages| languages,
        |columns| {
            language_names(columns)
                .iter()
                .map(|language| compare_language(columns, language).len())
                .sum()
        },
    );
}

fn browser_app(catalogues: Vec<Catalogue>) -> App {
    let slots = catalogues
        .into_iter()
        .enumerate()
        .map(|(index, catalogue)| ProfileSlot {
            info: ProfileInfo {
                name: format!("profile{index}"),
                region: "cn-north-4".into(),
                ..ProfileInfo::default()
            },
            refresh_interval: None,
            last: Some(Shown {
                catalogue: Arc::new(catalogue),
                fetched_at: SystemTime::now(),
                origin: Origin::Cache,
            }),
        })
        .collect();
    let mut app = App::with_profiles(Profiles::new(slots, 0), Theme::dark(), UtcOffset::UTC);
    // Offline, opening the comparison uses the cached catalogues and starts no fetch.
    app.offline = true;
    app
}

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn open_in_browser(c: &mut Criterion) {
    // `c` opens the comparison of the selected language and redraws; `Esc` closes it again.
    let mut group = c.benchmark_group("key_open_comparison");
    configure(&mut group);
    for (name, languages, versions) in support::SIZES {
        let mut app = browser_app(three_profiles(languages, versions));
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        group.bench_function(BenchmarkId::from_parameter(name), |bencher| {
            bencher.iter(|| {
                update::update(&mut app, key(KeyCode::Char('c')), Instant::now());
                let mut info = app.frame;
                terminal
                    .draw(|frame| info = view::render(&app, frame, SystemTime::now()))
                    .expect("draw");
                app.frame = info;
                let rows = app.compare.as_ref().map(|comparison| comparison.rows.len());
                assert_eq!(rows, Some(versions));
                update::update(&mut app, key(KeyCode::Esc), Instant::now());
                black_box(rows)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, one_language, every_language, open_in_browser);
criterion_main!(benches);
