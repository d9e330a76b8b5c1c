//! The two list panes: languages on the left, versions of the selected language on the right.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};
use time::Date;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{SELECTION_MARKER, changes, spinner};
use crate::release_status::Standing;
use crate::tui::list::{ListPane, scroll_offset};
use crate::tui::state::{App, FetchState, Pane};

/// Width of the languages pane: enough for the longest name and its count, within limits.
pub fn languages_width(app: &App, total: u16) -> u16 {
    let widest = app.catalogue().map_or(0, |catalogue| {
        catalogue
            .languages()
            .iter()
            .map(|language| language.name().width() + digits(language.len()) + 1)
            .max()
            .unwrap_or(0)
    });
    // Borders (2) and the marker (2), plus one column of air.
    let wanted = (widest + 5).clamp(18, 40) as u16;
    wanted.min(total / 2)
}

fn digits(mut number: usize) -> usize {
    let mut count = 1;
    while number >= 10 {
        number /= 10;
        count += 1;
    }
    count
}

fn pane_block<'a>(
    app: &App,
    pane: Pane,
    title: Line<'a>,
    list: &ListPane,
    total: usize,
) -> Block<'a> {
    let focused = app.focus == pane;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused {
            app.theme.border_focused
        } else {
            app.theme.border
        })
        .title(title);
    if list.editing || !list.filter.is_empty() {
        let cursor = if list.editing { "▏" } else { "" };
        block = block
            .title_bottom(Line::from(format!("/{}{cursor}", list.filter)).style(app.theme.title))
            .title_bottom(
                Line::from(format!("{}/{total}", list.len())).alignment(Alignment::Right),
            );
    }
    block
}

/// Draws the languages pane and returns the first row drawn.
pub fn render_languages(app: &App, frame: &mut Frame<'_>, area: Rect) -> usize {
    let total = app
        .catalogue()
        .map_or(0, |catalogue| catalogue.languages().len());
    let mut title = vec![Span::styled(" Languages ", app.theme.title)];
    if app.catalogue().is_some() {
        title.push(Span::styled(format!("{total} "), app.theme.dim));
    }
    let title = Line::from(title);
    let block = pane_block(app, Pane::Languages, title, &app.languages, total);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(catalogue) = app.catalogue() else {
        return 0;
    };
    if app.languages.is_empty() {
        let text = if total == 0 {
            "No languages"
        } else {
            "No match"
        };
        frame.render_widget(Paragraph::new(text).style(app.theme.dim), inner);
        return 0;
    }
    let height = usize::from(inner.height);
    let offset = scroll_offset(
        app.frame.language_offset,
        app.languages.cursor(),
        app.languages.len(),
        height,
    );
    let focused = app.focus == Pane::Languages;
    let width = usize::from(inner.width);
    let lines: Vec<Line<'_>> = app.languages.visible()[offset..]
        .iter()
        .take(height)
        .enumerate()
        .filter_map(|(row, &position)| {
            let language = catalogue.languages().get(position as usize)?;
            let selected = offset + row == app.languages.cursor();
            let count = language.len().to_string();
            let name_width = width.saturating_sub(SELECTION_MARKER.width() + count.len() + 1);
            let name = fit(language.name(), name_width);
            let padding =
                width.saturating_sub(SELECTION_MARKER.width() + name.width() + count.len());
            let line = Line::from(vec![
                Span::raw(marker(selected)),
                Span::raw(name),
                Span::raw(" ".repeat(padding)),
                Span::styled(
                    count,
                    if selected {
                        Style::new()
                    } else {
                        app.theme.dim
                    },
                ),
            ]);
            Some(style_row(app, line, selected, focused))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    offset
}

/// Draws the versions pane, with the release status of each version as of `today`,
/// and returns the first row drawn.
pub fn render_versions(app: &App, frame: &mut Frame<'_>, area: Rect, today: Date) -> usize {
    let language = app.selected_language();
    let mut title = vec![Span::styled(" Versions ", app.theme.title)];
    if let Some(language) = language {
        title.push(Span::styled(
            format!(
                "· {} · {} · {} ",
                language.name(),
                language.len(),
                app.order.label()
            ),
            app.theme.dim,
        ));
    }
    let total = language.map_or(0, crate::catalogue::Language::len);
    let block = pane_block(app, Pane::Versions, Line::from(title), &app.versions, total);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let Some(language) = language else {
        render_placeholder(app, frame, inner);
        return 0;
    };
    let inner = changes::render_removed(app, frame, inner, language.name());
    if app.versions.is_empty() {
        let text = if language.is_empty() {
            format!("No versions listed for {}", language.name())
        } else {
            format!("No version matches /{}", app.versions.filter)
        };
        frame.render_widget(Paragraph::new(text).style(app.theme.dim), inner);
        return 0;
    }
    let height = usize::from(inner.height);
    let offset = scroll_offset(
        app.frame.version_offset,
        app.versions.cursor(),
        app.versions.len(),
        height,
    );
    let focused = app.focus == Pane::Versions;
    let width = usize::from(inner.width).saturating_sub(SELECTION_MARKER.width());
    // Release status labels start in one column after the widest version on screen.
    let status_column = app.versions.visible()[offset..]
        .iter()
        .take(height)
        .filter_map(|&position| language.version_at(app.order, position as usize))
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        + 2;
    let lines: Vec<Line<'_>> = app.versions.visible()[offset..]
        .iter()
        .take(height)
        .enumerate()
        .filter_map(|(row, &position)| {
            let version = language.version_at(app.order, position as usize)?;
            let selected = offset + row == app.versions.cursor();
            let label = app
                .release_status
                .status(language.name(), version)
                .and_then(|status| status.label(today));
            let tag = changes::new_tag(app, language.name(), version);
            let room = width.saturating_sub(tag.as_ref().map_or(0, |_| changes::new_tag_width()));
            let mut spans = vec![Span::raw(marker(selected))];
            spans.extend(version_with_status(
                app,
                version,
                label,
                (room, status_column),
                selected,
            ));
            spans.extend(tag);
            Some(style_row(app, Line::from(spans), selected, focused))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    offset
}

/// Returns a version and its release status label starting at `status_column`, within `width`
/// columns. The label moves left when the pane is narrow and is left out when it does not fit
/// two columns after the version, because the version matters more.
fn version_with_status<'a>(
    app: &App,
    version: &'a str,
    label: Option<(String, Standing)>,
    (width, status_column): (usize, usize),
    selected: bool,
) -> Vec<Span<'a>> {
    let Some((label, standing)) = label else {
        return vec![Span::raw(fit(version, width))];
    };
    let start = status_column.min(width.saturating_sub(label.width()));
    if start < version.width() + 2 {
        return vec![Span::raw(fit(version, width))];
    }
    let room = start - version.width();
    let style = match (selected, standing) {
        (true, _) => Style::new(),
        (false, Standing::Lts) => app.theme.lts,
        (false, Standing::EndOfLife) => app.theme.end_of_life,
        (false, Standing::Supported) => app.theme.dim,
    };
    vec![
        Span::raw(version),
        Span::raw(" ".repeat(room)),
        Span::styled(label, style),
    ]
}

/// Draws what the versions pane shows before there is a catalogue: loading, an error, or
/// nothing.
fn render_placeholder(app: &App, frame: &mut Frame<'_>, inner: Rect) {
    let paragraph = match (&app.fetch, app.catalogue()) {
        (FetchState::Loading { .. }, None) => Paragraph::new(vec![
            Line::from(format!(
                "{} Loading the catalogue…",
                spinner(app.spinner_step)
            )),
            Line::from(Span::styled(app.profile.endpoint.clone(), app.theme.dim)),
        ]),
        (FetchState::Failed { message }, None) => Paragraph::new(vec![
            Line::from(Span::styled(
                "✗ Could not load the catalogue",
                app.theme.error,
            )),
            Line::from(""),
            Line::from(message.clone()),
        ])
        .wrap(Wrap { trim: true }),
        (_, Some(catalogue)) if catalogue.is_empty() => {
            Paragraph::new("The service lists no languages for this project.").style(app.theme.dim)
        }
        _ => Paragraph::new("Select a language").style(app.theme.dim),
    };
    frame.render_widget(paragraph, inner);
}

fn marker(selected: bool) -> &'static str {
    if selected { SELECTION_MARKER } else { "  " }
}

fn style_row<'a>(app: &App, line: Line<'a>, selected: bool, focused: bool) -> Line<'a> {
    match (selected, focused) {
        (true, true) => line.style(app.theme.selection),
        (true, false) => line.style(app.theme.selection_unfocused),
        (false, _) => line,
    }
}

/// Cuts `text` to at most `width` terminal columns, ending with `…` when cut. Wide characters
/// count as two columns and are never split.
#[must_use]
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut used = 0;
    let mut cut = String::new();
    for c in text.chars() {
        let char_width = c.width().unwrap_or(0);
        if used + char_width > width - 1 {
            break;
        }
        used += char_width;
        cut.push(c);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_ellipsis() {
        assert_eq!(fit("8u181-jdk-alpine", 8), "8u181-j…");
        assert_eq!(fit("17", 8), "17");
        assert_eq!(fit("17", 0), "");
    }

    #[test]
    fn fit_never_splits_wide_characters() {
        assert_eq!(fit("版本十七号", 6), "版本…");
        assert_eq!(fit("版本十七号", 6).width(), 5);
    }

    #[test]
    fn digits_counts() {
        assert_eq!(digits(0), 1);
        assert_eq!(digits(9), 1);
        assert_eq!(digits(100_000), 6);
    }
}
