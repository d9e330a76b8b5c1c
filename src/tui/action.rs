//! Actions a person can ask of the browser, and the keys bound to each action.
//!
//! Actions are the intents keys map to; internal events (a fetch finishing, a tick) are
//! [`super::update::Message`]s instead. The key table here is the single source for both key
//! dispatch and the help popup, so the help always shows the bindings in effect.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A user intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    FocusLanguages,
    FocusVersions,
    SwitchPane,
    Filter,
    Refresh,
    Copy,
    ToggleOrder,
    SwitchProfile,
    Compare,
    Help,
    Quit,
}

impl Action {
    /// Every action, in the order the help popup lists them.
    pub const ALL: [Action; 17] = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::FocusLanguages,
        Action::FocusVersions,
        Action::SwitchPane,
        Action::Filter,
        Action::Refresh,
        Action::Copy,
        Action::ToggleOrder,
        Action::SwitchProfile,
        Action::Compare,
        Action::Help,
        Action::Quit,
    ];

    /// Returns what the action does, for the help popup.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Self::Up => "move up",
            Self::Down => "move down",
            Self::PageUp => "page up",
            Self::PageDown => "page down",
            Self::Top => "go to the first row",
            Self::Bottom => "go to the last row",
            Self::FocusLanguages => "focus the languages pane",
            Self::FocusVersions => "focus the versions pane",
            Self::SwitchPane => "switch pane",
            Self::Filter => "filter the focused pane (Enter keeps, Esc clears)",
            Self::Refresh => "refresh the catalogue",
            Self::Copy => "copy the selected version",
            Self::ToggleOrder => "sort versions: newest first / API order",
            // The picker's keys are fixed, because typed characters go to its filter.
            Self::SwitchProfile => "switch profile (fixed keys: ↑ ↓ Space Enter Esc)",
            Self::Compare => "compare profiles; the keys above work in it",
            Self::Help => "show or hide this help",
            Self::Quit => "quit (Esc clears a filter first)",
        }
    }

    /// Returns the action's name in the `[keys]` table of the config file.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
            Self::PageUp => "page_up",
            Self::PageDown => "page_down",
            Self::Top => "top",
            Self::Bottom => "bottom",
            Self::FocusLanguages => "focus_languages",
            Self::FocusVersions => "focus_versions",
            Self::SwitchPane => "switch_pane",
            Self::Filter => "filter",
            Self::Refresh => "refresh",
            Self::Copy => "copy",
            Self::ToggleOrder => "sort",
            Self::SwitchProfile => "switch_profile",
            Self::Compare => "compare",
            Self::Help => "help",
            Self::Quit => "quit",
        }
    }

    /// Finds the action with a `[keys]` name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.name() == name)
    }
}

/// A key with its modifiers, as bound in the key table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyBinding {
    #[must_use]
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    #[must_use]
    pub const fn ctrl(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::CONTROL,
        }
    }

    /// Returns whether a key event is this binding. Shift is ignored for characters, because the
    /// character itself already shows whether Shift was held (`G` vs `g`). It is ignored for
    /// `BackTab` too, which crossterm 0.29 reports with Shift set although the key code implies
    /// it.
    #[must_use]
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let modifiers = match key.code {
            KeyCode::Char(_) | KeyCode::BackTab => key.modifiers - KeyModifiers::SHIFT,
            _ => key.modifiers,
        };
        self.code == key.code && self.modifiers == modifiers
    }

    /// Returns how the key is written in the help popup (`Ctrl-C`, `PgUp`, `/`).
    #[must_use]
    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "Shift-Tab".to_owned(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::F(number) => format!("F{number}"),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{key}")
        } else if self.modifiers.contains(KeyModifiers::ALT) {
            format!("Alt-{key}")
        } else {
            key
        }
    }
}

/// The keys bound to each action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMap {
    bindings: Vec<(KeyBinding, Action)>,
}

impl Default for KeyMap {
    fn default() -> Self {
        use KeyCode::{
            BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up,
        };
        let plain = KeyBinding::plain;
        let bindings = vec![
            (plain(Up), Action::Up),
            (plain(Char('k')), Action::Up),
            (plain(Down), Action::Down),
            (plain(Char('j')), Action::Down),
            (plain(PageUp), Action::PageUp),
            (KeyBinding::ctrl(Char('b')), Action::PageUp),
            (plain(PageDown), Action::PageDown),
            (KeyBinding::ctrl(Char('f')), Action::PageDown),
            (plain(Char('g')), Action::Top),
            (plain(Home), Action::Top),
            (plain(Char('G')), Action::Bottom),
            (plain(End), Action::Bottom),
            (plain(Left), Action::FocusLanguages),
            (plain(Char('h')), Action::FocusLanguages),
            (plain(Right), Action::FocusVersions),
            (plain(Char('l')), Action::FocusVersions),
            (plain(Enter), Action::FocusVersions),
            (plain(Tab), Action::SwitchPane),
            (plain(BackTab), Action::SwitchPane),
            (plain(Char('/')), Action::Filter),
            (plain(Char('r')), Action::Refresh),
            (plain(Char('y')), Action::Copy),
            (plain(Char('s')), Action::ToggleOrder),
            (plain(Char('p')), Action::SwitchProfile),
            (plain(Char('c')), Action::Compare),
            (plain(Char('?')), Action::Help),
            (plain(Char('q')), Action::Quit),
            (plain(Esc), Action::Quit),
            (KeyBinding::ctrl(Char('c')), Action::Quit),
        ];
        Self { bindings }
    }
}

impl KeyMap {
    /// Builds a key table from bindings in lookup order. The first binding of a key wins, so
    /// callers that accept user input reject duplicate keys before building one.
    #[must_use]
    pub fn from_bindings(bindings: Vec<(KeyBinding, Action)>) -> Self {
        Self { bindings }
    }

    /// Returns every binding, in lookup order.
    #[must_use]
    pub fn bindings(&self) -> &[(KeyBinding, Action)] {
        &self.bindings
    }

    /// Returns the label of the first key bound to an action, for hints.
    #[must_use]
    pub fn first_label(&self, action: Action) -> Option<String> {
        self.keys_for(action).next().map(KeyBinding::label)
    }

    /// Returns the action bound to a key, if any.
    #[must_use]
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(binding, _)| binding.matches(key))
            .map(|(_, action)| *action)
    }

    /// Returns the keys bound to an action, in table order.
    pub fn keys_for(&self, action: Action) -> impl Iterator<Item = &KeyBinding> + '_ {
        self.bindings
            .iter()
            .filter(move |(_, bound)| *bound == action)
            .map(|(binding, _)| binding)
    }
}

/// Returns whether a key is Ctrl-C, which always quits, whatever the mode or key table.
#[must_use]
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn default_keys_map_to_actions() {
        let map = KeyMap::default();
        assert_eq!(
            map.action_for(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            map.action_for(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action_for(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action_for(&key(KeyCode::Char('c'), KeyModifiers::NONE)),
            Some(Action::Compare)
        );
        assert_eq!(
            map.action_for(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.action_for(&key(KeyCode::Tab, KeyModifiers::NONE)),
            Some(Action::SwitchPane)
        );
    }

    #[test]
    fn shift_tab_switches_pane() {
        let map = KeyMap::default();
        // Terminals send Shift-Tab as BackTab, and crossterm adds the Shift modifier to it.
        assert_eq!(
            map.action_for(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::SwitchPane)
        );
        assert_eq!(
            map.action_for(&key(KeyCode::BackTab, KeyModifiers::NONE)),
            Some(Action::SwitchPane)
        );
        assert_eq!(
            map.action_for(&key(
                KeyCode::BackTab,
                KeyModifiers::SHIFT | KeyModifiers::ALT
            )),
            None
        );
    }

    #[test]
    fn every_action_has_a_key() {
        let map = KeyMap::default();
        for action in Action::ALL {
            assert!(
                map.keys_for(action).next().is_some(),
                "{action:?} has no key"
            );
        }
    }

    #[test]
    fn action_names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(action));
        }
        assert_eq!(Action::from_name("toggle_order"), None);
    }

    #[test]
    fn labels_read_like_keys() {
        assert_eq!(KeyBinding::ctrl(KeyCode::Char('c')).label(), "Ctrl-c");
        assert_eq!(KeyBinding::plain(KeyCode::PageDown).label(), "PgDn");
        assert_eq!(KeyBinding::plain(KeyCode::Char('/')).label(), "/");
    }
}
