//! A string that must never be printed by accident.
//!
//! Every secret wrapped in this process is also remembered, so that log
//! output can be scrubbed of it ([`redact`]) even if a value escaped its
//! wrapper on the way (an error text quoting a response body, say).

use std::borrow::Cow;
use std::fmt;
use std::sync::{Mutex, PoisonError};

/// Values shorter than this are not scrubbed from logs: too likely to be an
/// ordinary word, and too short to be a real token or key.
const MIN_REDACTED_LEN: usize = 8;

/// The secrets this process has seen.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn remember(value: &str) {
    if value.len() >= MIN_REDACTED_LEN {
        let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
        if !seen.iter().any(|v| v == value) {
            seen.push(value.to_string());
        }
    }
}

/// `text` with every secret this process has wrapped replaced by `***`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
    let mut out = Cow::Borrowed(text);
    for value in seen.iter() {
        if out.contains(value.as_str()) {
            out = Cow::Owned(out.replace(value.as_str(), "***"));
        }
    }
    out
}

/// A secret value (a token, a password, a key). `Debug` and `Display` print a
/// placeholder; the value is only reachable through [`Secret::expose`], so
/// every place that reveals it is easy to find.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        remember(&value);
        Secret(value)
    }

    /// The secret value itself. Call only where the value must leave the process
    /// (an HTTP header, a child's environment) or where the user asked for it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("hvs.supersecret");
        assert!(!format!("{s:?}").contains("supersecret"));
        assert!(!format!("{s}").contains("supersecret"));
        assert_eq!(s.expose(), "hvs.supersecret");
    }

    #[test]
    fn redact_scrubs_every_wrapped_value_but_not_short_ones() {
        let _long = Secret::new("s.redact-me-please");
        let _short = Secret::new("abc");
        assert_eq!(
            super::redact("token s.redact-me-please twice s.redact-me-please, abc"),
            "token *** twice ***, abc"
        );
        assert!(matches!(
            super::redact("nothing here"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
