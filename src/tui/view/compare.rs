//! The comparison view: one column per profile, one row per version of the compared language.
//!
//! ```text
//! ┏ Compare · Java · 2 profiles ━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 versions differ ┓
//! ┃  version   dev               prod                                          ┃
//! ┃            cn-north-4        ap-southeast-1                                ┃
//! ┃            cached 3 h ago    ⠋ loading                                     ┃
//! ┃≠ 21        ✓                 ✗                                             ┃
//! ┃  17        ✓                 ✓                                             ┃
//! ┃✓ offered  ✗ not offered  — language not listed  ? not known yet            ┃
//! ┗ ←/→ language  ↑/↓ scroll  r refresh  Esc close ━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛
//! ```
//! Rows where the profiles disagree start with `≠` and use the warning style. The hint at the
//! bottom names the keys the key table binds.

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::panes::fit;
use super::spinner;
use crate::catalogue::comparison::{Offer, Row};
use crate::tui::action::Action;
use crate::tui::clock;
use crate::tui::compare::{Column, ColumnFetch, Comparison};
use crate::tui::state::{App, Origin};

const LEGEND: &str = "✓ offered  ✗ not offered  — language not listed  ? not known yet";
const DIFFERS: &str = "≠ ";
/// Widest a profile column gets, in terminal columns.
const MAX_COLUMN_WIDTH: usize = 24;

/// Widths of the table, in terminal columns.
struct Widths {
    /// The version column, with the `≠` marker.
    version: usize,
    /// Each profile column.
    column: usize,
    /// How many profile columns fit.
    columns_shown: usize,
}

/// Draws the comparison over `area`.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect, now: SystemTime) {
    let Some(comparison) = &app.compare else {
        return;
    };
    let block = frame_block(app, comparison);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);

    let statuses: Vec<String> = comparison
        .columns
        .iter()
        .map(|column| column_status(app, column, now))
        .collect();
    let widths = widths(comparison, &statuses, usize::from(inner.width));
    let mut lines = header_lines(app, comparison, &statuses, &widths);
    // The legend takes the last line; the rows get what is left between.
    let row_space = usize::from(inner.height).saturating_sub(lines.len() + 1);
    if comparison.rows.is_empty() {
        lines.push(Line::from(Span::styled(
            placeholder(comparison),
            app.theme.dim,
        )));
    }
    lines.extend(
        comparison
            .rows
            .iter()
            .skip(comparison.scroll)
            .take(row_space)
            .map(|row| row_line(app, row, &widths)),
    );
    frame.render_widget(Paragraph::new(lines), inner);
    if inner.height > 0 {
        let legend_area = Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        };
        frame.render_widget(
            Paragraph::new(fit(LEGEND, usize::from(inner.width))).style(app.theme.dim),
            legend_area,
        );
    }
}

fn frame_block<'a>(app: &App, comparison: &Comparison) -> Block<'a> {
    let language = comparison.language.as_deref().unwrap_or("no language");
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(app.theme.border_focused)
        .title(Span::styled(
            format!(
                " Compare · {language} · {} profiles ",
                comparison.columns.len()
            ),
            app.theme.title,
        ))
        .title(
            Line::from(format!(
                " {} of {} versions differ ",
                comparison.differing_rows(),
                comparison.rows.len()
            ))
            .alignment(Alignment::Right),
        )
        .title_bottom(Line::from(Span::styled(hint(app), app.theme.dim)))
}

/// Builds the hint under the comparison from the keys the key table binds, which by default
/// reads ` ←/→ language  ↑/↓ scroll  r refresh  Esc close `. An action without a key is left
/// out.
fn hint(app: &App) -> String {
    let label = |action| app.keymap.first_label(action);
    let next_language = label(Action::FocusVersions).or_else(|| label(Action::SwitchPane));
    let mut parts = Vec::new();
    if let Some(keys) = key_pair(label(Action::FocusLanguages), next_language) {
        parts.push(format!("{keys} language"));
    }
    if let Some(keys) = key_pair(label(Action::Up), label(Action::Down)) {
        parts.push(format!("{keys} scroll"));
    }
    if let Some(key) = label(Action::Refresh) {
        parts.push(format!("{key} refresh"));
    }
    parts.push("Esc close".to_owned());
    format!(" {} ", parts.join("  "))
}

/// `←/→` from two keys, or the one key that exists.
fn key_pair(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(first), Some(second)) => Some(format!("{first}/{second}")),
        (first, second) => first.or(second),
    }
}

fn widths(comparison: &Comparison, statuses: &[String], inner_width: usize) -> Widths {
    let version = comparison
        .version_width()
        .max("version".width())
        .min(inner_width / 3)
        + DIFFERS.width()
        + 2;
    let column = comparison
        .columns
        .iter()
        .zip(statuses)
        .map(|(column, status)| {
            column
                .info
                .name
                .width()
                .max(column.info.region.width())
                .max(status.width().min(16))
        })
        .max()
        .unwrap_or(0)
        .clamp(6, MAX_COLUMN_WIDTH)
        + 2;
    let fitting = inner_width.saturating_sub(version) / column;
    Widths {
        version,
        column,
        columns_shown: comparison.columns.len().min(fitting.max(1)),
    }
}

/// `text` cut or padded to `width` columns, keeping two columns of air.
fn cell(text: &str, width: usize) -> String {
    let text = fit(text, width.saturating_sub(2));
    let padding = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(padding))
}

/// Three lines naming each column (profile, region, where its data comes from), and a warning
/// when not every column fits.
fn header_lines(
    app: &App,
    comparison: &Comparison,
    statuses: &[String],
    widths: &Widths,
) -> Vec<Line<'static>> {
    let line = |label: &str, values: Vec<&str>| {
        let mut spans = vec![Span::styled(
            cell(&format!("  {label}"), widths.version),
            app.theme.title,
        )];
        spans.extend(
            values
                .into_iter()
                .take(widths.columns_shown)
                .map(|value| Span::styled(cell(value, widths.column), app.theme.title)),
        );
        Line::from(spans)
    };
    let columns = &comparison.columns;
    let mut lines = vec![
        line(
            "version",
            columns
                .iter()
                .map(|column| column.info.name.as_str())
                .collect(),
        ),
        line(
            "",
            columns
                .iter()
                .map(|column| column.info.region.as_str())
                .collect(),
        ),
        line("", statuses.iter().map(String::as_str).collect()),
    ];
    if widths.columns_shown < columns.len() {
        lines.push(Line::from(Span::styled(
            format!(
                "  {} more profiles do not fit; mark fewer in the picker (p, Space)",
                columns.len() - widths.columns_shown
            ),
            app.theme.warning,
        )));
    }
    lines
}

fn row_line(app: &App, row: &Row, widths: &Widths) -> Line<'static> {
    let differs = row.differs();
    let marker = if differs { DIFFERS } else { "  " };
    let mut spans = vec![Span::raw(cell(
        &format!("{marker}{}", row.version),
        widths.version,
    ))];
    spans.extend(
        row.offers
            .iter()
            .take(widths.columns_shown)
            .map(|offer| Span::raw(cell(offer_symbol(*offer), widths.column))),
    );
    let style = if differs {
        app.theme.warning
    } else {
        Style::new()
    };
    Line::from(spans).style(style)
}

fn placeholder(comparison: &Comparison) -> String {
    if comparison.is_loading() {
        "  Loading the catalogues…".to_owned()
    } else if comparison.language.is_none() {
        "  No profile lists any language".to_owned()
    } else {
        "  No versions listed".to_owned()
    }
}

fn offer_symbol(offer: Offer) -> &'static str {
    match offer {
        Offer::Yes => "✓",
        Offer::No => "✗",
        Offer::NoLanguage => "—",
        Offer::Unknown => "?",
    }
}

/// Describes where a column's catalogue comes from, or why it has none.
fn column_status(app: &App, column: &Column, now: SystemTime) -> String {
    match (&column.fetch, &column.shown) {
        (ColumnFetch::Loading, _) => format!("{} loading", spinner(app.spinner_step)),
        (ColumnFetch::Failed(message), _) => format!("✗ {message}"),
        (ColumnFetch::Idle, Some(shown)) => match shown.origin {
            Origin::Network => format!(
                "fetched {}",
                clock::clock(shown.fetched_at, now, app.utc_offset)
            ),
            Origin::Cache => format!("cached {}", clock::age(shown.fetched_at, now)),
        },
        (ColumnFetch::Idle, None) => "no data".to_owned(),
    }
}
