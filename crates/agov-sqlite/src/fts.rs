//! Full-text search helpers shared by every FTS5 table agov keeps.
//!
//! Users type plain words; [`match_expression`] turns them into a safe FTS5
//! query (every word quoted, so `AND`, `-` or `"` are just text; a trailing
//! `*` asks for a prefix). [`Terms`] finds the same words again in a piece of
//! text so a snippet can be cut around them, in Rust, for tables whose FTS
//! index keeps no copy of the text.

/// The user's words, each quoted for FTS5, a trailing `*` kept as a prefix
/// match; `None` when no word is left.
pub fn match_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split_whitespace()
        .map(|w| {
            let (word, prefix) = w.strip_suffix('*').map_or((w, ""), |s| (s, "*"));
            format!("\"{}\"{prefix}", word.replace('"', "\"\""))
        })
        .filter(|t| !t.starts_with("\"\""))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The search words, lower-cased, each with whether it is a prefix.
#[derive(Clone, Debug)]
pub struct Terms(Vec<(String, bool)>);

impl Terms {
    /// The words of `query` (a trailing `*` marks a prefix).
    pub fn new(query: &str) -> Terms {
        Terms(
            query
                .split_whitespace()
                .map(|w| match w.strip_suffix('*') {
                    Some(p) => (p.to_lowercase(), true),
                    None => (w.to_lowercase(), false),
                })
                .filter(|(w, _)| !w.is_empty())
                .collect(),
        )
    }

    /// Whether a whitespace-separated word of text is one of the terms
    /// (ignoring case and punctuation around it).
    pub fn matches_word(&self, word: &str) -> bool {
        let core: String = word
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        !core.is_empty()
            && self.0.iter().any(|(t, prefix)| {
                if *prefix {
                    core.starts_with(t.as_str())
                } else {
                    core == *t
                }
            })
    }

    /// Whether any word of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        text.split_whitespace().any(|w| self.matches_word(w))
    }

    /// About a dozen words of `text` around the first matching word, each
    /// match in [brackets]; `None` if no word matches.
    pub fn snippet(&self, text: &str) -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let first = words.iter().position(|w| self.matches_word(w))?;
        let start = first.saturating_sub(4);
        let end = (start + 12).min(words.len());
        let mut out: Vec<String> = words[start..end]
            .iter()
            .map(|w| {
                if self.matches_word(w) {
                    format!("[{w}]")
                } else {
                    (*w).to_string()
                }
            })
            .collect();
        if start > 0 {
            out.insert(0, "…".into());
        }
        if end < words.len() {
            out.push("…".into());
        }
        Some(out.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::{Terms, match_expression};

    #[test]
    fn snippets_bracket_matches_around_the_first_one() {
        let terms = Terms::new("Lock renew*");
        let text = "one two three four five six seven the lock was never renewed after the crash of the node";
        assert_eq!(
            terms.snippet(text).unwrap(),
            "… five six seven the [lock] was never [renewed] after the crash of …"
        );
        assert!(terms.snippet("nothing here").is_none());
        assert!(Terms::new("Error").matches("an error: happened"));
    }

    #[test]
    fn match_expressions_quote_every_word() {
        assert_eq!(match_expression("lock timeout").unwrap(), "\"lock\" \"timeout\"");
        assert_eq!(match_expression("time*").unwrap(), "\"time\"*");
        assert_eq!(
            match_expression("a\"b OR drop").unwrap(),
            "\"a\"\"b\" \"OR\" \"drop\""
        );
        assert!(match_expression("   ").is_none());
    }
}
