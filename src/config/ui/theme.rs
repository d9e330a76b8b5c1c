//! The `[theme]` table: a base theme and a style for each element of the screen.
//!
//! ```toml
//! [theme]
//! base = "light"                      # or "dark" (the default)
//! selection = "white on blue bold"    # [COLOUR] [on COLOUR] [MODIFIER ...]
//! end_of_life = "light-red"
//! ```
//!
//! Colours are ratatui's names (`red`, `light-blue`, `dark-gray`, `default`), an index
//! `0`–`255`, or `#rrggbb`. A value replaces the base theme's style of that element. The
//! selection always keeps a modifier, so it stays visible when colours are off or look alike.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;

use crate::config::error::ConfigError;
use crate::tui::theme::Theme;

/// The `[theme]` table as written: element names to style strings.
pub type RawTheme = BTreeMap<String, Spanned<String>>;

/// Key of the `[theme]` table that picks the built-in theme the others change.
const BASE_KEY: &str = "base";

/// Access to the style of one element of a theme.
type ElementStyle = fn(&mut Theme) -> &mut Style;

/// Each themable element, by its name in the `[theme]` table.
const ELEMENTS: &[(&str, ElementStyle)] = &[
    ("selection", |theme| &mut theme.selection),
    ("selection_unfocused", |theme| {
        &mut theme.selection_unfocused
    }),
    ("border_focused", |theme| &mut theme.border_focused),
    ("border", |theme| &mut theme.border),
    ("title", |theme| &mut theme.title),
    ("dim", |theme| &mut theme.dim),
    ("status_bar", |theme| &mut theme.status_bar),
    ("info", |theme| &mut theme.info),
    ("success", |theme| &mut theme.success),
    ("warning", |theme| &mut theme.warning),
    ("error", |theme| &mut theme.error),
    ("demo", |theme| &mut theme.demo),
    ("lts", |theme| &mut theme.lts),
    ("end_of_life", |theme| &mut theme.end_of_life),
];

/// Text modifiers by their name in a style string.
const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("crossed_out", Modifier::CROSSED_OUT),
];

/// The names of the elements a `[theme]` table may set, in screen order.
#[must_use]
pub fn element_names() -> Vec<&'static str> {
    ELEMENTS.iter().map(|(name, _)| *name).collect()
}

/// Builds the theme a `[theme]` table describes.
pub(super) fn read(file: &Path, text: &str, table: &RawTheme) -> Result<Theme, ConfigError> {
    let error_at = |key: &str, value: &Spanned<String>, message: String| {
        ConfigError::at(
            file,
            text,
            Some(value.span().start),
            format!("theme.{key}"),
            message,
        )
    };
    let mut theme = match table.get(BASE_KEY) {
        None => Theme::dark(),
        Some(value) => match value.get_ref().trim() {
            "dark" => Theme::dark(),
            "light" => Theme::light(),
            other => {
                return Err(error_at(
                    BASE_KEY,
                    value,
                    format!("unknown theme {other:?}; use \"dark\" or \"light\""),
                ));
            }
        },
    };
    for (key, value) in table {
        if key == BASE_KEY {
            continue;
        }
        let Some((_, element)) = ELEMENTS.iter().find(|(name, _)| name == key) else {
            return Err(error_at(key, value, unknown_element_message(key)));
        };
        let style =
            parse_style(value.get_ref()).map_err(|message| error_at(key, value, message))?;
        *element(&mut theme) = style;
    }
    if theme.selection.add_modifier.is_empty() {
        theme.selection = theme.selection.add_modifier(Modifier::BOLD);
    }
    Ok(theme)
}

fn unknown_element_message(key: &str) -> String {
    let mut names = vec![BASE_KEY];
    names.extend(element_names());
    super::unknown_name_message("theme element", key, &names)
}

/// Parses `[COLOUR] [on COLOUR] [MODIFIER ...]` into a style. The message of an error names
/// the word that is wrong and shows the expected form.
pub fn parse_style(text: &str) -> Result<Style, String> {
    let mut style = Style::new();
    let mut foreground_set = false;
    let mut words = text.split_whitespace().peekable();
    if words.peek().is_none() {
        return Err(
            "is empty; write a style like \"black on cyan bold\" or \"default\"".to_owned(),
        );
    }
    while let Some(word) = words.next() {
        let lower = word.to_ascii_lowercase();
        if lower == "on" {
            let Some(background) = words.next() else {
                return Err(format!(
                    "{text:?}: `on` needs a colour after it, like \"on blue\""
                ));
            };
            style =
                style.bg(parse_colour(background).ok_or_else(|| invalid_word(text, background))?);
        } else if let Some((_, modifier)) = MODIFIERS.iter().find(|(name, _)| *name == lower) {
            style = style.add_modifier(*modifier);
        } else if !foreground_set && let Some(colour) = parse_colour(word) {
            style = style.fg(colour);
            foreground_set = true;
        } else {
            return Err(invalid_word(text, word));
        }
    }
    Ok(style)
}

fn parse_colour(word: &str) -> Option<Color> {
    if word.eq_ignore_ascii_case("default") {
        return Some(Color::Reset);
    }
    Color::from_str(word).ok()
}

fn invalid_word(text: &str, word: &str) -> String {
    let modifiers: Vec<&str> = MODIFIERS.iter().map(|(name, _)| *name).collect();
    format!(
        "{text:?}: {word:?} is not a colour or modifier; write [COLOUR] [on COLOUR] [MODIFIER ...] \
         with colours like red, light-blue, 208 or #ff8800 and modifiers {}",
        modifiers.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<Theme, ConfigError> {
        let table: RawTheme = toml::from_str(text).expect("valid TOML");
        read(Path::new("/c.toml"), text, &table)
    }

    #[test]
    fn style_strings_parse() {
        assert_eq!(
            parse_style("black on cyan bold").expect("valid"),
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(
            parse_style("on #102030").expect("valid"),
            Style::new().bg(Color::Rgb(0x10, 0x20, 0x30))
        );
        assert_eq!(
            parse_style("light-red underlined italic").expect("valid"),
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::UNDERLINED | Modifier::ITALIC)
        );
        assert_eq!(
            parse_style("208").expect("valid"),
            Style::new().fg(Color::Indexed(208))
        );
        assert_eq!(
            parse_style("default").expect("valid"),
            Style::new().fg(Color::Reset)
        );
    }

    #[test]
    fn bad_style_strings_name_the_word() {
        let message = parse_style("blak on cyan").expect_err("typo");
        assert!(message.starts_with("\"blak on cyan\": \"blak\" is not a colour or modifier"));
        let message = parse_style("red on").expect_err("no background");
        assert_eq!(
            message,
            "\"red on\": `on` needs a colour after it, like \"on blue\""
        );
        assert!(parse_style("red blue").is_err(), "two foregrounds");
        assert!(parse_style("  ").is_err());
    }

    #[test]
    fn base_picks_the_builtin_theme() {
        assert_eq!(
            read_text("base = \"light\"\n").expect("valid"),
            Theme::light()
        );
        assert_eq!(read_text("").expect("valid"), Theme::dark());
        let error = read_text("base = \"solarized\"\n").expect_err("unknown base");
        assert_eq!(error.key.as_deref(), Some("theme.base"));
        assert_eq!(
            error.message,
            "unknown theme \"solarized\"; use \"dark\" or \"light\""
        );
    }

    #[test]
    fn elements_replace_base_styles() {
        let theme = read_text("base = \"light\"\nerror = \"magenta\"\n").expect("valid");
        assert_eq!(theme.error, Style::new().fg(Color::Magenta));
        assert_eq!(theme.warning, Theme::light().warning);
    }

    #[test]
    fn selection_keeps_a_modifier() {
        let theme = read_text("selection = \"white on red\"\n").expect("valid");
        assert_eq!(theme.selection.fg, Some(Color::White));
        assert_eq!(theme.selection.bg, Some(Color::Red));
        assert!(theme.selection.add_modifier.contains(Modifier::BOLD));
        let theme = read_text("selection = \"reversed\"\n").expect("valid");
        assert_eq!(theme.selection.add_modifier, Modifier::REVERSED);
    }

    #[test]
    fn unknown_element_suggests_one() {
        let error = read_text("\nselectoin = \"red\"\n").expect_err("typo");
        assert_eq!(error.line, Some(2));
        assert_eq!(error.key.as_deref(), Some("theme.selectoin"));
        assert_eq!(
            error.message,
            "unknown theme element `selectoin`; did you mean `selection`?"
        );
    }
}
