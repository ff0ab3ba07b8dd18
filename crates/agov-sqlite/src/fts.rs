//! Full-text search helpers shared by every FTS5 table agov keeps.
//!
//! Users type plain words; [`match_expression`] turns them into a safe FTS5
//! query (every token quoted, so `AND`, `-` or `"` are just text; a trailing
//! `*` asks for a prefix). Tokens must all occur, not as a phrase, so the
//! query also works on indexes that keep no positions (`detail=none`). [`Terms`] finds the same words again in a piece of
//! text so a snippet can be cut around them, in Rust, for tables whose FTS
//! index keeps no copy of the text.

/// The searchable tokens of a word, as FTS5's default tokenizer cuts them:
/// runs of letters and digits, lower-cased (`aws_instance` → `aws`, `instance`).
fn tokens(word: &str) -> impl Iterator<Item = String> + '_ {
    word.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
}

/// The user's words as an FTS5 query: every token of every word must match
/// (each quoted, so `AND`, `-` or `"` are just text); a trailing `*` on a
/// word asks for a prefix of its last token. `None` when no token is left.
pub fn match_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = Terms::new(query)
        .0
        .into_iter()
        .map(|(t, prefix)| format!("\"{t}\"{}", if prefix { "*" } else { "" }))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The search tokens, lower-cased, each with whether it is a prefix.
#[derive(Clone, Debug)]
pub struct Terms(Vec<(String, bool)>);

impl Terms {
    /// The tokens of `query` (a trailing `*` on a word marks its last token a prefix).
    pub fn new(query: &str) -> Terms {
        let mut terms = Vec::new();
        for w in query.split_whitespace() {
            let (word, prefix) = w.strip_suffix('*').map_or((w, false), |s| (s, true));
            let toks: Vec<String> = tokens(word).collect();
            let last = toks.len().saturating_sub(1);
            terms.extend(
                toks.into_iter()
                    .enumerate()
                    .map(|(i, t)| (t, prefix && i == last)),
            );
        }
        terms.dedup();
        Terms(terms)
    }

    /// Whether a whitespace-separated word of text holds one of the terms
    /// (ignoring case and punctuation: `[aws_instance]` holds `instance`).
    pub fn matches_word(&self, word: &str) -> bool {
        tokens(word).any(|tok| {
            self.0.iter().any(|(t, prefix)| {
                if *prefix {
                    tok.starts_with(t.as_str())
                } else {
                    tok == *t
                }
            })
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
        assert_eq!(
            Terms::new("renew-self")
                .snippet("POST /v1/auth/token/renew-self 200")
                .unwrap(),
            "POST [/v1/auth/token/renew-self] 200"
        );
    }

    #[test]
    fn match_expressions_quote_every_word() {
        assert_eq!(
            match_expression("lock timeout").unwrap(),
            "\"lock\" \"timeout\""
        );
        assert_eq!(match_expression("time*").unwrap(), "\"time\"*");
        assert_eq!(
            match_expression("a\"b OR drop").unwrap(),
            "\"a\" \"b\" \"or\" \"drop\""
        );
        assert_eq!(
            match_expression("aws_instance renew-se*").unwrap(),
            "\"aws\" \"instance\" \"renew\" \"se\"*"
        );
        assert!(match_expression("   ").is_none());
        assert!(match_expression("-- \"\" *").is_none());
    }
}
