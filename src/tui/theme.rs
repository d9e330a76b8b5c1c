//! Colours and text styles of the browser.
//!
//! Every element that must stand out also has a modifier or a symbol, so the screen stays
//! readable without colour: with `NO_COLOR` set, [`Theme::monochrome`] drops every colour.
//! [`Theme::dark`] and [`Theme::light`] are the built-in colour themes; the `[theme]` table of
//! the config file starts from one of them (see `config::ui`).

use ratatui::style::{Color, Modifier, Style};

/// Styles for each element of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Selected row of the focused pane (drawn after the `▶` marker).
    pub selection: Style,
    /// Selected row of the other pane.
    pub selection_unfocused: Style,
    pub border_focused: Style,
    pub border: Style,
    pub title: Style,
    /// Secondary text: counts, hints, separators.
    pub dim: Style,
    pub status_bar: Style,
    pub info: Style,
    pub success: Style,
    pub warning: Style,
    pub error: Style,
    /// Demo data label.
    pub demo: Style,
    /// Release status of a long-term support line that is still supported.
    pub lts: Style,
    /// Release status of a line past its end of life.
    pub end_of_life: Style,
}

impl Theme {
    /// The colour theme, or the monochrome one when `NO_COLOR` is set to a non-empty value
    /// (<https://no-color.org>).
    #[must_use]
    pub fn from_env() -> Self {
        Self::dark().unless_no_color()
    }

    /// This theme, or the monochrome one when `NO_COLOR` is set to a non-empty value, because
    /// the user's wish for no colour wins over any configured theme.
    #[must_use]
    pub fn unless_no_color(self) -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(value) if !value.is_empty() => Self::monochrome(),
            _ => self,
        }
    }

    /// Colours for dark terminal backgrounds.
    #[must_use]
    pub fn dark() -> Self {
        Self {
            selection: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            selection_unfocused: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            border_focused: Style::new().fg(Color::Cyan),
            border: Style::new().fg(Color::DarkGray),
            title: Style::new().add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            status_bar: Style::new(),
            info: Style::new().fg(Color::Blue),
            success: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            demo: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            lts: Style::new().fg(Color::Green),
            end_of_life: Style::new().fg(Color::Red),
        }
    }

    /// Colours for light terminal backgrounds: no yellow or cyan text, which fade on white.
    #[must_use]
    pub fn light() -> Self {
        Self {
            selection: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            selection_unfocused: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            border_focused: Style::new().fg(Color::Blue),
            border: Style::new().fg(Color::Gray),
            title: Style::new().add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            status_bar: Style::new(),
            info: Style::new().fg(Color::Blue),
            success: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            demo: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            lts: Style::new().fg(Color::Green),
            end_of_life: Style::new().fg(Color::Red),
        }
    }

    /// No colours at all: selection by reverse video and bold, emphasis by bold and underline.
    #[must_use]
    pub fn monochrome() -> Self {
        Self {
            selection: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selection_unfocused: Style::new().add_modifier(Modifier::BOLD),
            border_focused: Style::new().add_modifier(Modifier::BOLD),
            border: Style::new(),
            title: Style::new().add_modifier(Modifier::BOLD),
            dim: Style::new(),
            status_bar: Style::new(),
            info: Style::new(),
            success: Style::new(),
            warning: Style::new().add_modifier(Modifier::BOLD),
            error: Style::new().add_modifier(Modifier::BOLD),
            demo: Style::new().add_modifier(Modifier::BOLD),
            lts: Style::new(),
            end_of_life: Style::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_has_no_colour() {
        let theme = Theme::monochrome();
        for style in [
            theme.selection,
            theme.selection_unfocused,
            theme.error,
            theme.warning,
            theme.dim,
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(theme.selection.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn colour_selection_has_a_modifier_too() {
        for theme in [Theme::dark(), Theme::light()] {
            assert!(theme.selection.add_modifier.contains(Modifier::BOLD));
            assert!(
                theme
                    .selection_unfocused
                    .add_modifier
                    .contains(Modifier::BOLD)
            );
        }
    }
}
