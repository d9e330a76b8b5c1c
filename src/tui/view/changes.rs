//! Marks of what the last fetch changed, in the versions pane: `new` after each added version,
//! and a last line listing the versions removed from the selected language.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::panes::fit;
use crate::tui::state::App;

/// The tag after a version that is new since the last fetch.
pub const NEW_TAG: &str = "  new";

/// Returns the `new` tag for a version, when it is new.
pub fn new_tag(app: &App, language: &str, version: &str) -> Option<Span<'static>> {
    let changes = app.changes.as_ref()?;
    changes
        .is_new(language, version)
        .then(|| Span::styled(NEW_TAG, app.theme.success.add_modifier(Modifier::BOLD)))
}

/// Draws the removed versions of `language` on the last line of `area`, if there are any, and
/// returns the area left for the version rows.
pub fn render_removed(app: &App, frame: &mut Frame<'_>, area: Rect, language: &str) -> Rect {
    let removed = app
        .changes
        .as_ref()
        .and_then(|changes| changes.for_language(language))
        .map(|changes| changes.removed.as_slice())
        .unwrap_or_default();
    if removed.is_empty() || area.height < 2 {
        return area;
    }
    let width = usize::from(area.width);
    let line = Line::from(Span::styled(
        fit(&removed_text(removed, width), width),
        app.theme.dim.add_modifier(Modifier::CROSSED_OUT),
    ));
    let last = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(line), last);
    Rect {
        height: area.height - 1,
        ..area
    }
}

/// Lists the removed versions after `  removed: `, stopping once the text is wider than
/// `width`, so a language that lost 100,000 versions costs no more per frame than one that lost
/// two. The caller cuts the text to `width`.
fn removed_text(removed: &[String], width: usize) -> String {
    let mut text = String::from("  removed: ");
    let mut used = text.width();
    for (position, version) in removed.iter().enumerate() {
        if used > width {
            break;
        }
        if position > 0 {
            text.push_str(", ");
            used += 2;
        }
        text.push_str(version);
        used += version.width();
    }
    text
}

/// Returns the width of the `new` tag, which the version text leaves room for.
#[must_use]
pub fn new_tag_width() -> usize {
    NEW_TAG.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(count: usize) -> Vec<String> {
        (0..count).map(|number| number.to_string()).collect()
    }

    #[test]
    fn removed_text_lists_what_fits() {
        assert_eq!(removed_text(&versions(3), 80), "  removed: 0, 1, 2");
        assert_eq!(removed_text(&[], 80), "  removed: ");
    }

    #[test]
    fn removed_text_stops_past_the_width() {
        let text = removed_text(&versions(100_000), 20);
        // One version past the width is enough for the cut to end with an ellipsis.
        assert_eq!(text, "  removed: 0, 1, 2, 3");
        assert_eq!(fit(&text, 20), "  removed: 0, 1, 2,…");
    }
}
