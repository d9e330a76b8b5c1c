//! The help popup: every action with the keys bound to it in this session.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::centered;
use crate::tui::action::{Action, KeyBinding};
use crate::tui::state::App;

/// Returns the rows of the help popup: keys and what they do.
#[must_use]
pub fn rows(app: &App) -> Vec<(String, &'static str)> {
    Action::ALL
        .iter()
        .map(|&action| {
            let keys: Vec<String> = app.keymap.keys_for(action).map(KeyBinding::label).collect();
            (keys.join(", "), action.description())
        })
        .collect()
}

/// Where the release status beside versions comes from: the bundled table's date and the
/// override file, when there is one.
fn release_status_lines(app: &App) -> Vec<Line<'static>> {
    let table = &app.release_status;
    if table.is_empty() {
        return Vec::new();
    }
    let date = table
        .date
        .map_or_else(|| "an unknown date".to_owned(), |date| date.to_string());
    let mut lines = vec![Line::from(Span::styled(
        format!(" Release status (LTS, EOL): bundled table of {date}"),
        app.theme.dim,
    ))];
    if let Some(path) = &table.override_file {
        lines.push(Line::from(Span::styled(
            format!(" with overrides from {}", path.display()),
            app.theme.dim,
        )));
    }
    lines
}

/// Returns the keys that close the help, as "?, q or Esc"; `Ctrl-c` quits instead.
fn closing_keys(app: &App) -> String {
    let mut labels: Vec<String> = [Action::Help, Action::Quit]
        .into_iter()
        .flat_map(|action| app.keymap.keys_for(action).map(KeyBinding::label))
        .filter(|label| label != "Ctrl-c")
        .collect();
    labels.push("Enter".to_owned());
    labels.dedup();
    match labels.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Draws the help popup centred over `area` and returns the largest useful scroll offset.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) -> usize {
    let rows = rows(app);
    let key_width = rows.iter().map(|(keys, _)| keys.width()).max().unwrap_or(0);
    let mut lines: Vec<Line<'_>> = rows
        .into_iter()
        .map(|(keys, description)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<key_width$}  "), app.theme.title),
                Span::raw(description),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.extend(release_status_lines(app));
    lines.push(Line::from(Span::styled(
        format!(
            " Keys act only when pressed. {} closes this help.",
            closing_keys(app)
        ),
        app.theme.dim,
    )));
    // Two columns of border and one of air on the right.
    let content_width = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let popup = centered(area, content_width as u16, lines.len() as u16 + 2);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(app.theme.border_focused)
        .title(Span::styled(" Help ", app.theme.title));
    // On a short screen the help scrolls, and its frame shows so and how to close it.
    let visible = usize::from(popup.height.saturating_sub(2));
    let last_scroll = lines.len().saturating_sub(visible);
    let scroll = app.help_scroll.min(last_scroll);
    if last_scroll > 0 {
        let more = match (scroll > 0, scroll < last_scroll) {
            (true, true) => "↑↓ more",
            (true, false) => "↑ more",
            _ => "↓ more",
        };
        block = block.title_bottom(Line::from(Span::styled(
            format!(" {more} · {} closes ", closing_keys(app)),
            app.theme.dim,
        )));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        popup,
    );
    last_scroll
}
