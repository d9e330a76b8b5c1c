//! One scrollable, filterable list pane: which rows match the filter and which one is selected.
//!
//! The pane stores positions of matching rows, not the rows themselves, so filtering a large
//! list allocates one index vector and rendering reads only the rows on screen.

/// Selection and filter of one list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPane {
    /// The filter text typed after `/`; empty means every row matches.
    pub filter: String,
    /// Whether keys currently go to the filter text.
    pub editing: bool,
    /// Positions of the rows that match the filter, in display order.
    visible: Vec<u32>,
    /// Index into `visible` of the selected row.
    cursor: usize,
}

impl ListPane {
    /// Recomputes the matching rows; `matches(position)` tells whether a row matches the filter.
    ///
    /// The selection stays on the same row if it still matches, else moves to the first row.
    pub fn refilter(&mut self, row_count: usize, matches: impl Fn(usize) -> bool) {
        let positions = (0..row_count)
            .filter(|&position| matches(position))
            .map(|position| position as u32)
            .collect();
        self.set_rows(positions);
    }

    /// Replaces the matching rows with `positions` (in display order), keeping the selection
    /// on the same row if it is still among them, else moving it to the first row.
    pub fn set_rows(&mut self, positions: Vec<u32>) {
        let selected = self.selected();
        self.visible = positions;
        self.cursor = selected
            .and_then(|position| {
                self.visible
                    .iter()
                    .position(|&row| row as usize == position)
            })
            .unwrap_or(0);
    }

    /// Appends pasted text to the filter, without its control characters (a pasted line break
    /// or tab must not end up in the filter). The caller refilters.
    pub fn paste(&mut self, text: &str) {
        self.filter.extend(text.chars().filter(|c| !c.is_control()));
    }

    /// Forgets the matching rows and the selection, keeping the filter.
    pub fn reset(&mut self) {
        self.visible.clear();
        self.cursor = 0;
    }

    /// Position of the selected row, if any row matches.
    #[must_use]
    pub fn selected(&self) -> Option<usize> {
        self.visible
            .get(self.cursor)
            .map(|&position| position as usize)
    }

    /// Index of the selected row among the matching rows.
    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Positions of the matching rows.
    #[must_use]
    pub fn visible(&self) -> &[u32] {
        &self.visible
    }

    /// Number of matching rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.visible.len()
    }

    /// Returns whether no row matches.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// Selects the matching row at `position`, if it is one.
    pub fn select_position(&mut self, position: usize) -> bool {
        match self
            .visible
            .iter()
            .position(|&row| row as usize == position)
        {
            Some(index) => {
                self.cursor = index;
                true
            }
            None => false,
        }
    }

    /// Selects the `index`-th matching row, clamped to the list.
    pub fn select_index(&mut self, index: usize) {
        self.cursor = index.min(self.visible.len().saturating_sub(1));
    }

    /// Moves the selection by `delta` rows, stopping at either end.
    pub fn move_by(&mut self, delta: isize) {
        let target = self.cursor.saturating_add_signed(delta);
        self.select_index(target);
    }

    /// Selects the first matching row.
    pub fn first(&mut self) {
        self.cursor = 0;
    }

    /// Selects the last matching row.
    pub fn last(&mut self) {
        self.cursor = self.visible.len().saturating_sub(1);
    }
}

/// Returns whether `text` contains `filter`, ignoring ASCII case. `filter` must already be
/// lowercase.
#[must_use]
pub fn matches_filter(text: &str, lowercase_filter: &str) -> bool {
    if lowercase_filter.is_empty() {
        return true;
    }
    let needle = lowercase_filter.as_bytes();
    text.as_bytes().windows(needle.len()).any(|window| {
        window
            .iter()
            .zip(needle)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

/// Returns the first row to draw so that `cursor` is visible, scrolling as little as possible from
/// `previous_offset`.
#[must_use]
pub fn scroll_offset(previous_offset: usize, cursor: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let max_offset = len - height;
    let offset = if cursor < previous_offset {
        cursor
    } else if cursor >= previous_offset + height {
        cursor + 1 - height
    } else {
        previous_offset
    };
    offset.min(max_offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pane_with(rows: usize) -> ListPane {
        let mut pane = ListPane::default();
        pane.refilter(rows, |_| true);
        pane
    }

    #[test]
    fn refilter_keeps_selected_row_when_it_still_matches() {
        let mut pane = pane_with(10);
        pane.select_index(6);
        pane.refilter(10, |position| position % 2 == 0);
        assert_eq!(pane.selected(), Some(6));
        assert_eq!(pane.cursor(), 3);
    }

    #[test]
    fn refilter_falls_back_to_first_match() {
        let mut pane = pane_with(10);
        pane.select_index(5);
        pane.refilter(10, |position| position % 2 == 0);
        assert_eq!(pane.selected(), Some(0));
    }

    #[test]
    fn paste_drops_control_characters() {
        let mut pane = ListPane::default();
        pane.filter.push('j');
        pane.paste("dk\t17\r\n");
        assert_eq!(pane.filter, "jdk17");
    }

    #[test]
    fn moves_stop_at_both_ends() {
        let mut pane = pane_with(3);
        pane.move_by(-5);
        assert_eq!(pane.selected(), Some(0));
        pane.move_by(10);
        assert_eq!(pane.selected(), Some(2));
        pane.first();
        assert_eq!(pane.selected(), Some(0));
        pane.last();
        assert_eq!(pane.selected(), Some(2));
    }

    #[test]
    fn empty_pane_has_no_selection() {
        let mut pane = pane_with(0);
        pane.move_by(1);
        pane.last();
        assert_eq!(pane.selected(), None);
    }

    #[test]
    fn filter_ignores_ascii_case() {
        assert!(matches_filter("8u181-JDK-alpine", "jdk"));
        assert!(matches_filter("Nodejs", ""));
        assert!(!matches_filter("Go", "golang"));
        assert!(matches_filter("版本17", "17"));
    }

    #[test]
    fn scroll_moves_only_when_needed() {
        assert_eq!(scroll_offset(0, 3, 100, 10), 0);
        assert_eq!(scroll_offset(0, 10, 100, 10), 1);
        assert_eq!(scroll_offset(20, 5, 100, 10), 5);
        assert_eq!(scroll_offset(95, 99, 100, 10), 90);
        assert_eq!(scroll_offset(7, 2, 5, 10), 0);
        assert_eq!(scroll_offset(3, 0, 100, 0), 0);
    }
}
