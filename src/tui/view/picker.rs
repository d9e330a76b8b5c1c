//! The profile picker popup: one row per profile matching the filter.
//!
//! ```text
//! ╔ Profiles 3 ══════════════════════════════════════════╗
//! ║▶   dev    cn-north-4      0123…cdef  token  in use   ║
//! ║  ✓ prod   ap-southeast-1  fedc…3210  token           ║
//! ║ Enter switch · Space mark for compare · Esc close    ║
//! ╚/d▏═══════════════════════════════════════════════2/3═╝
//! ```

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::panes::fit;
use super::status::shorten_middle;
use super::{SELECTION_MARKER, centered};
use crate::tui::list::scroll_offset;
use crate::tui::state::App;

const HINT: &str = " Enter switch · Space mark for compare · Esc close";
const MARKED: &str = "✓ ";

/// Draws the picker and returns the area of its rows and the first row drawn.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) -> (Rect, usize) {
    let slots = app.profiles.slots();
    let current = app.profiles.current_index();
    let name_width = column_width(slots.iter().map(|slot| slot.info.name.as_str()));
    let region_width = column_width(slots.iter().map(|slot| slot.info.region.as_str()));
    let row_text = |index: usize| {
        let info = &slots.get(index)?.info;
        let in_use = if index == current { "  in use" } else { "" };
        Some(format!(
            "{}  {}  {}  {}{in_use}",
            pad(&info.name, name_width),
            pad(&info.region, region_width),
            shorten_middle(&info.project_id),
            info.auth,
        ))
    };
    let cells: Vec<(usize, String)> = app
        .picker
        .list
        .visible()
        .iter()
        .map(|&position| position as usize)
        .filter_map(|index| Some((index, row_text(index)?)))
        .collect();

    let prefix_width = SELECTION_MARKER.width() + MARKED.width();
    // Sized for every profile, not only the matching ones, so the popup keeps its size while
    // the user types.
    let widest = (0..slots.len())
        .filter_map(row_text)
        .map(|text| text.width() + prefix_width)
        .chain([HINT.width(), 24])
        .max()
        .unwrap_or(0);
    // Rows, the hint line and two borders; one column of air on the right.
    let height = slots.len().max(1) + 3;
    let popup = centered(area, (widest + 3) as u16, height as u16);

    let list = &app.picker.list;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(app.theme.border_focused)
        .title(Span::styled(
            format!(" Profiles {} ", slots.len()),
            app.theme.title,
        ))
        .title_bottom(Line::from(format!("/{}▏", list.filter)).style(app.theme.title))
        .title_bottom(
            Line::from(format!("{}/{}", list.len(), slots.len())).alignment(Alignment::Right),
        );
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);

    let rows_area = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let hint_area = Rect {
        y: inner.y + rows_area.height,
        height: inner.height.min(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(HINT).style(app.theme.dim), hint_area);

    if cells.is_empty() {
        frame.render_widget(
            Paragraph::new("No profile matches").style(app.theme.dim),
            rows_area,
        );
        return (rows_area, 0);
    }

    let height = usize::from(rows_area.height);
    let offset = scroll_offset(app.frame.picker_offset, list.cursor(), list.len(), height);
    let width = usize::from(rows_area.width).saturating_sub(prefix_width);
    let lines: Vec<Line<'_>> = cells
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(row, (index, text))| {
            let selected = row == list.cursor();
            let cursor = if selected { SELECTION_MARKER } else { "  " };
            let mark = if app.picker.marked.contains(index) {
                MARKED
            } else {
                "  "
            };
            let line = Line::from(vec![
                Span::raw(cursor),
                Span::styled(mark, app.theme.success),
                Span::raw(fit(text, width)),
            ]);
            if selected {
                line.style(app.theme.selection)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows_area);
    (rows_area, offset)
}

/// Pads `text` with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

fn column_width<'a>(values: impl Iterator<Item = &'a str>) -> usize {
    values.map(UnicodeWidthStr::width).max().unwrap_or(0)
}
