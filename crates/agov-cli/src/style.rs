//! Colour for stderr messages, decided once from `--color`, NO_COLOR and the terminal.

use std::io::IsTerminal;

use crate::args::ColorChoice;

/// Whether to colour, and the few styles agov uses.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    /// `--color` wins; otherwise NO_COLOR turns colour off; otherwise colour on a terminal.
    pub fn decide(choice: Option<ColorChoice>, no_color: bool, is_terminal: bool) -> Style {
        let color = match choice {
            Some(ColorChoice::Always) => true,
            Some(ColorChoice::Never) => false,
            Some(ColorChoice::Auto) | None => !no_color && is_terminal,
        };
        Style { color }
    }

    /// Style for stderr.
    pub fn for_stderr(choice: Option<ColorChoice>, no_color: bool) -> Style {
        Style::decide(choice, no_color, std::io::stderr().is_terminal())
    }

    /// Whether colour is on.
    pub fn enabled(&self) -> bool {
        self.color
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Bold red.
    pub fn error(&self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Bold yellow.
    pub fn warn(&self, text: &str) -> String {
        self.paint("1;33", text)
    }

    /// Cyan.
    pub fn hint(&self, text: &str) -> String {
        self.paint("36", text)
    }

    /// Green.
    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_no_color_which_beats_terminal() {
        assert!(Style::decide(Some(ColorChoice::Always), true, false).enabled());
        assert!(!Style::decide(Some(ColorChoice::Never), false, true).enabled());
        assert!(!Style::decide(None, true, true).enabled());
        assert!(Style::decide(None, false, true).enabled());
        assert!(!Style::decide(Some(ColorChoice::Auto), false, false).enabled());
    }
}
