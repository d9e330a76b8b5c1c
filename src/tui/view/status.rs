//! The status lines: what is shown (profile, region, project, counts, age), then notices,
//! errors or key hints. A long notice or error wraps onto up to four lines instead of being
//! cut, because its end is usually the part that tells what to do.

use std::fmt::Write as _;
use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::spinner;
use crate::catalogue::Changes;
use crate::tui::action::Action;
use crate::tui::clock;
use crate::tui::state::{App, FetchState, NoticeKind, Origin};

const SEPARATOR: &str = " · ";

/// Most lines a notice or error may take below the summary line.
const MAX_MESSAGE_LINES: usize = 4;

/// Rows the status area needs at `width`: the summary line and the wrapped message.
#[must_use]
pub fn height(app: &App, width: u16) -> u16 {
    // Key hints are cut rather than wrapped: they stay one line.
    if !has_message(app) {
        return 2;
    }
    let text: String = message_line(app)
        .spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect();
    let lines = wrapped_lines(&text, usize::from(width)).clamp(1, MAX_MESSAGE_LINES);
    1 + lines as u16
}

/// Returns whether a notice or an error takes the line below the summary, rather than key hints.
fn has_message(app: &App) -> bool {
    app.notice.is_some() || matches!(app.fetch, FetchState::Failed { .. })
}

/// Counts the lines greedy word wrapping makes of `text` at `width` columns; a word wider
/// than a line takes as many lines as it fills.
fn wrapped_lines(text: &str, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let word_width = word.width();
        let needed = if used == 0 {
            word_width
        } else {
            used + 1 + word_width
        };
        if needed <= width {
            used = needed;
        } else if word_width <= width {
            lines += 1;
            used = word_width;
        } else {
            // The word is broken across lines, starting on a fresh one.
            lines += usize::from(used > 0) + (word_width - 1) / width;
            used = word_width % width;
        }
    }
    lines
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect, now: SystemTime) {
    let [first, second] = [
        Rect { height: 1, ..area },
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        },
    ];
    frame.render_widget(
        Paragraph::new(summary_line(app, usize::from(area.width), now)).style(app.theme.status_bar),
        first,
    );
    let message = Paragraph::new(message_line(app));
    if has_message(app) {
        frame.render_widget(message.wrap(Wrap { trim: false }), second);
    } else {
        frame.render_widget(message, second);
    }
}

/// Profile, region, project id, auth method, counts and the age of the data.
fn summary_line(app: &App, width: usize, now: SystemTime) -> Line<'static> {
    let profile = &app.profile;
    let mut head: Vec<Span<'static>> = vec![Span::raw(" ")];
    if profile.demo {
        head.push(Span::styled("DEMO DATA ", app.theme.demo));
    }
    head.push(Span::styled(profile.name.clone(), app.theme.title));
    let mut parts = vec![
        profile.region.clone(),
        profile.project_id.clone(),
        profile.auth.clone(),
    ];
    let counts = app.catalogue().map(|catalogue| {
        format!(
            "{} languages, {} versions",
            catalogue.languages().len(),
            catalogue.version_count()
        )
    });
    if let Some(counts) = &counts {
        parts.push(counts.clone());
    }
    if let Some(shown) = &app.shown {
        parts.push(match shown.origin {
            Origin::Network => format!(
                "fetched {}",
                clock::clock(shown.fetched_at, now, app.utc_offset)
            ),
            Origin::Cache => format!("cached {}", clock::age(shown.fetched_at, now)),
        });
    }
    if let Some(summary) = app.changes.as_ref().and_then(Changes::summary) {
        parts.push(summary);
    }
    if app.offline {
        parts.push("offline".to_owned());
    }
    if app.is_loading() {
        parts.push(format!("{} loading", spinner(app.spinner_step)));
    } else if let Some(schedule) = app.refresh {
        parts.push(format!(
            "next refresh {}",
            clock::clock(schedule.due_at, now, app.utc_offset)
        ));
    }
    let head_width: usize = head.iter().map(|span| span.content.width()).sum();
    let total_width = |parts: &[String]| {
        head_width
            + parts
                .iter()
                .map(|part| SEPARATOR.width() + part.width())
                .sum::<usize>()
    };
    // The project id is the longest part; shorten it first when the line does not fit.
    if total_width(&parts) > width {
        parts[1] = shorten_middle(&parts[1]);
    }
    // Then the counts, which the pane titles show too.
    if total_width(&parts) > width && counts.is_some() {
        parts.remove(3);
    }
    for part in parts {
        head.push(Span::styled(SEPARATOR, app.theme.dim));
        head.push(Span::raw(part));
    }
    Line::from(head)
}

/// Returns a notice if one is showing, else the last fetch error, else key hints.
fn message_line(app: &App) -> Line<'static> {
    if let Some(notice) = &app.notice {
        let (symbol, style) = match notice.kind {
            NoticeKind::Info => ("ℹ", app.theme.info),
            NoticeKind::Success => ("✓", app.theme.success),
            NoticeKind::Warning => ("!", app.theme.warning),
            NoticeKind::Error => ("✗", app.theme.error),
        };
        return Line::from(Span::styled(format!(" {symbol} {}", notice.text), style));
    }
    if let FetchState::Failed { message } = &app.fetch {
        return Line::from(Span::styled(format!(" ✗ {message}"), app.theme.error));
    }
    Line::from(Span::styled(key_hints(app), app.theme.dim))
}

/// Returns the first key of the most used actions, from the key table in effect. With several
/// profiles, switching and comparing take the place of the pane switch.
fn key_hints(app: &App) -> String {
    let several = app.profiles.len() > 1;
    let hints = [
        (Action::Help, "help", true),
        (Action::Filter, "filter", true),
        (Action::Refresh, "refresh", true),
        (Action::SwitchProfile, "profile", several),
        (Action::Compare, "compare", several),
        (Action::Copy, "copy", true),
        (Action::ToggleOrder, "sort", true),
        (Action::SwitchPane, "pane", !several),
        (Action::Quit, "quit", true),
    ];
    let mut text = String::new();
    for (action, word, shown) in hints {
        if !shown {
            continue;
        }
        if let Some(key) = app.keymap.first_label(action) {
            let _ = write!(text, " {key} {word} ");
        }
    }
    text.trim_end().to_owned()
}

/// Keeps the first and last four characters of a long id (`0123…cdef`); text with spaces,
/// such as "resolved from region", is not an id and stays whole.
pub(super) fn shorten_middle(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 12 || id.contains(' ') {
        return id.to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_counts_greedy_wrapping() {
        assert_eq!(wrapped_lines("short", 20), 1);
        assert_eq!(wrapped_lines("aaaa bbbb cccc", 9), 2);
        assert_eq!(wrapped_lines("aaaa bbbb cccc", 4), 3);
        assert_eq!(wrapped_lines("aaaaaaaaaa", 4), 3);
        assert_eq!(wrapped_lines("x aaaaaaaaaa", 4), 4);
        assert_eq!(wrapped_lines("", 10), 1);
    }

    #[test]
    fn long_ids_are_shortened_in_the_middle() {
        assert_eq!(
            shorten_middle("0123456789abcdef0123456789abcdef"),
            "0123…cdef"
        );
        assert_eq!(shorten_middle("short"), "short");
        assert_eq!(
            shorten_middle("resolved from region"),
            "resolved from region"
        );
    }
}
