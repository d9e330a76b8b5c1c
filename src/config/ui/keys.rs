//! The `[keys]` table: action names mapped to the keys that trigger them.
//!
//! ```toml
//! [keys]
//! down = ["j", "Down", "n"]   # replaces the default keys of `down`
//! copy = "c"                  # one key may be a plain string
//! refresh = []                # no key at all
//! ```
//!
//! An action set here loses its default keys; the other actions keep theirs. A key may do only
//! one thing, so a key that two actions would share is an error naming both, whether the other
//! binding is in the table or a default. `Ctrl-c` always quits and cannot be bound elsewhere.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyModifiers};
use toml::Spanned;

use crate::config::error::ConfigError;
use crate::tui::action::{Action, KeyBinding, KeyMap};

/// Examples of key notation, for error messages.
const KEY_FORMS: &str =
    "write keys like \"j\", \"G\", \"/\", \"Ctrl-f\", \"Alt-x\", \"PgDn\", \"Shift-Tab\" or \"F5\"";

/// Builds the key table a `[keys]` table describes, on top of the default bindings.
pub(super) fn read(
    file: &Path,
    text: &str,
    table: &BTreeMap<String, Spanned<toml::Value>>,
) -> Result<KeyMap, ConfigError> {
    let error_at = |name: &str, value: &Spanned<toml::Value>, message: String| {
        ConfigError::at(
            file,
            text,
            Some(value.span().start),
            format!("keys.{name}"),
            message,
        )
    };

    // The user's bindings, in file order within each action, checked against each other.
    let mut configured: Vec<(KeyBinding, Action, &str)> = Vec::new();
    for (name, value) in table {
        let action =
            Action::from_name(name).ok_or_else(|| error_at(name, value, unknown_action(name)))?;
        for key_text in
            key_texts(value.get_ref()).map_err(|message| error_at(name, value, message))?
        {
            let binding = parse_key(&key_text).map_err(|message| {
                error_at(
                    name,
                    value,
                    format!("invalid key {key_text:?}: {message}; {KEY_FORMS}"),
                )
            })?;
            if binding == KeyBinding::ctrl(KeyCode::Char('c')) && action != Action::Quit {
                return Err(error_at(
                    name,
                    value,
                    "`Ctrl-c` always quits and cannot be bound to another action; choose another key"
                        .to_owned(),
                ));
            }
            match configured.iter().find(|(bound, _, _)| *bound == binding) {
                Some((_, other, _)) if *other == action => {}
                Some((_, _, other_name)) => {
                    return Err(error_at(
                        name,
                        value,
                        format!(
                            "`{}` is also bound to `{other_name}` in [keys]; a key can trigger only one action",
                            binding.label()
                        ),
                    ));
                }
                None => configured.push((binding, action, name.as_str())),
            }
        }
    }

    // Default bindings of the actions the table leaves alone, which must not collide with the
    // user's keys either.
    let defaults = KeyMap::default();
    let kept: Vec<(KeyBinding, Action)> = defaults
        .bindings()
        .iter()
        .filter(|(_, action)| !table.contains_key(action.name()))
        .copied()
        .collect();
    for (binding, action, name) in &configured {
        if let Some((_, default_action)) = kept
            .iter()
            .find(|(kept_binding, _)| kept_binding == binding)
        {
            let value = &table[*name];
            return Err(error_at(
                name,
                value,
                format!(
                    "`{}` is bound to `{}` by default; also set `{}` in [keys] without `{}`, or choose another key for `{}`",
                    binding.label(),
                    default_action.name(),
                    default_action.name(),
                    binding.label(),
                    action.name()
                ),
            ));
        }
    }

    let mut bindings = kept;
    bindings.extend(
        configured
            .into_iter()
            .map(|(binding, action, _)| (binding, action)),
    );
    Ok(KeyMap::from_bindings(bindings))
}

fn unknown_action(name: &str) -> String {
    let names: Vec<&str> = Action::ALL.iter().map(|action| action.name()).collect();
    super::unknown_name_message("action", name, &names)
}

/// The key strings of one `[keys]` entry: a string, or an array of strings.
fn key_texts(value: &toml::Value) -> Result<Vec<String>, String> {
    let expected = "must be a key like \"j\" or an array of keys like [\"j\", \"Down\"]";
    match value {
        toml::Value::String(key) => Ok(vec![key.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| expected.to_owned())
            })
            .collect(),
        _ => Err(expected.to_owned()),
    }
}

/// Parses a key as the help popup writes it (`j`, `G`, `Ctrl-f`, `PgDn`, `Shift-Tab`, `↑`).
///
/// Modifier prefixes (`Ctrl-`, `Alt-`, `Shift-`, also with `+`) and key names ignore case; a
/// single character is taken as written, so `G` is Shift+g. `Shift-` before a letter gives the
/// capital letter, because terminals report the character, not the Shift key.
pub fn parse_key(text: &str) -> Result<KeyBinding, String> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err("the key is empty".to_owned());
    }
    let mut modifiers = KeyModifiers::NONE;
    while let Some((modifier, remainder)) = split_modifier(rest) {
        modifiers |= modifier;
        rest = remainder;
    }

    let mut chars = rest.chars();
    let code = match (named_key(rest), chars.next(), chars.next()) {
        (Some(code), _, _) => code,
        (None, Some(c), None) => KeyCode::Char(c),
        _ => return Err(format!("unknown key name {rest:?}")),
    };
    normalize(code, modifiers)
}

/// Splits a leading `Ctrl-`, `Alt-` or `Shift-` (or `+`) off, when a key follows it.
fn split_modifier(text: &str) -> Option<(KeyModifiers, &str)> {
    let lower = text.to_ascii_lowercase();
    for (prefix, modifier) in [
        ("ctrl", KeyModifiers::CONTROL),
        ("alt", KeyModifiers::ALT),
        ("shift", KeyModifiers::SHIFT),
    ] {
        let Some(after) = lower.strip_prefix(prefix) else {
            continue;
        };
        if (after.starts_with('-') || after.starts_with('+')) && after.len() > 1 {
            return Some((modifier, &text[prefix.len() + 1..]));
        }
    }
    None
}

fn named_key(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "up" | "↑" => KeyCode::Up,
        "down" | "↓" => KeyCode::Down,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        _ => {
            let number: u8 = lower.strip_prefix('f')?.parse().ok()?;
            return (1..=24).contains(&number).then_some(KeyCode::F(number));
        }
    };
    Some(code)
}

/// Writes a key the way the terminal reports it, so that it compares equal to key events.
fn normalize(code: KeyCode, modifiers: KeyModifiers) -> Result<KeyBinding, String> {
    let shift = modifiers.contains(KeyModifiers::SHIFT);
    let without_shift = modifiers - KeyModifiers::SHIFT;
    let binding = match code {
        KeyCode::Tab if shift => KeyBinding {
            code: KeyCode::BackTab,
            modifiers: without_shift,
        },
        KeyCode::Char(c) if shift => {
            if !c.is_alphabetic() {
                return Err(format!(
                    "Shift with {c:?} is ambiguous; write the shifted character itself"
                ));
            }
            KeyBinding {
                code: KeyCode::Char(c.to_uppercase().next().unwrap_or(c)),
                modifiers: without_shift,
            }
        }
        // Terminals report Ctrl+F and Ctrl+f alike, as the lowercase letter.
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => KeyBinding {
            code: KeyCode::Char(c.to_ascii_lowercase()),
            modifiers,
        },
        code => KeyBinding { code, modifiers },
    };
    Ok(binding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> KeyBinding {
        parse_key(text).unwrap_or_else(|message| panic!("{text:?}: {message}"))
    }

    #[test]
    fn keys_parse_like_help_labels() {
        assert_eq!(key("j"), KeyBinding::plain(KeyCode::Char('j')));
        assert_eq!(key("G"), KeyBinding::plain(KeyCode::Char('G')));
        assert_eq!(key("Ctrl-f"), KeyBinding::ctrl(KeyCode::Char('f')));
        assert_eq!(key("ctrl+F"), KeyBinding::ctrl(KeyCode::Char('f')));
        assert_eq!(key("PgDn"), KeyBinding::plain(KeyCode::PageDown));
        assert_eq!(key("pagedown"), KeyBinding::plain(KeyCode::PageDown));
        assert_eq!(key("↑"), KeyBinding::plain(KeyCode::Up));
        assert_eq!(key("Shift-Tab"), KeyBinding::plain(KeyCode::BackTab));
        assert_eq!(key("Shift-g"), KeyBinding::plain(KeyCode::Char('G')));
        assert_eq!(key("Space"), KeyBinding::plain(KeyCode::Char(' ')));
        assert_eq!(key("F5"), KeyBinding::plain(KeyCode::F(5)));
        assert_eq!(key("-"), KeyBinding::plain(KeyCode::Char('-')));
        assert_eq!(
            key("Alt-x"),
            KeyBinding {
                code: KeyCode::Char('x'),
                modifiers: KeyModifiers::ALT
            }
        );
    }

    #[test]
    fn labels_parse_back_to_the_same_key() {
        for (binding, _) in KeyMap::default().bindings() {
            assert_eq!(key(&binding.label()), *binding, "{}", binding.label());
        }
    }

    #[test]
    fn bad_keys_are_rejected() {
        assert_eq!(
            parse_key("Ctl-f").expect_err("typo"),
            "unknown key name \"Ctl-f\""
        );
        assert_eq!(parse_key(" ").expect_err("empty"), "the key is empty");
        assert!(parse_key("F99").is_err());
        assert!(parse_key("Shift-1").is_err());
    }
}
