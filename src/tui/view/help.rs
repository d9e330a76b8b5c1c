//! The help popup: every action with the keys bound to it in this session.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::centered;
use crate::tui::action::Action;
use crate::tui::state::App;

/// The rows of the help popup: keys and what they do.
#[must_use]
pub fn rows(app: &App) -> Vec<(String, &'static str)> {
    Action::ALL
        .iter()
        .map(|&action| {
            let keys: Vec<String> = app
                .keymap
                .keys_for(action)
                .map(super::super::action::KeyBinding::label)
                .collect();
            (keys.join(", "), action.description())
        })
        .collect()
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
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
    lines.push(Line::from(Span::styled(
        " Keys act only when pressed. Esc, ? or q closes this help.",
        app.theme.dim,
    )));
    // Two columns of border and one of air on the right.
    let content_width = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let popup = centered(area, content_width as u16, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(app.theme.border_focused)
        .title(Span::styled(" Help ", app.theme.title));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
