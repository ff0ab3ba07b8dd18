//! What a memory entry is: its id, its record and its extractive summary.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An entry's id, shown as `m42`. Accepts `m42`, `M42`, `m-42` and `42`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemoryId(pub i64);

impl fmt::Display for MemoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m{}", self.0)
    }
}

impl FromStr for MemoryId {
    type Err = String;
    fn from_str(s: &str) -> Result<MemoryId, String> {
        let t = s.trim();
        let digits = match t.strip_prefix(['m', 'M']) {
            Some(rest) => rest.strip_prefix('-').unwrap_or(rest),
            None => t,
        };
        match digits.parse::<i64>() {
            Ok(n) if n > 0 => Ok(MemoryId(n)),
            _ => Err(format!("`{s}` is not a memory id (they look like m42)")),
        }
    }
}

/// A stored entry (without its content). JSON form:
/// `schema/json/memory-entry.schema.json`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, JsonSchema)]
#[schemars(
    title = "A memory entry",
    description = "`memory log --json`, and each element of `memory list --json`. The content itself comes from `memory fetch`."
)]
pub struct Entry {
    /// m<number>, e.g. m42.
    #[schemars(regex(pattern = "^m[0-9]+$"))]
    pub id: String,
    /// One line.
    pub title: String,
    /// `stdin` or the file it was read from.
    pub source: String,
    /// Size of the content.
    #[schemars(range(min = 1))]
    pub bytes: u64,
    /// Number of lines (a last line without a newline counts).
    pub lines: u64,
    /// A rough token count (bytes / 4, rounded up), for budgeting an
    /// agent's context.
    pub tokens_estimate: u64,
    /// Number of chunks: `memory fetch --chunk N` takes 1 to this.
    #[schemars(range(min = 1))]
    pub chunks: u64,
    /// Compressed size of its chunks (chunks shared with other entries count in each).
    pub stored_bytes: u64,
    /// SHA-256 of the content, hex: compare with `sha256sum`.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// Valid UTF-8 without NUL bytes.
    pub text: bool,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Who logged it.
    pub actor: String,
    /// RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
    /// Microseconds, for ages.
    #[serde(skip)]
    pub created_us: i64,
}

/// One line picked out of the content, with its number (from 1).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[schemars(title = "A line picked out of a memory entry")]
pub struct Line {
    /// Line number, from 1.
    #[schemars(range(min = 1))]
    pub line: u64,
    /// The line, cut to 240 characters.
    pub text: String,
}

/// An extractive summary, made while the content streams in. JSON form:
/// `schema/json/memory-summary.schema.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
#[schemars(
    title = "An extractive summary of a memory entry",
    description = "`memory fetch ID --summary --json`: made while the content was logged. Lines are cut to 240 characters; binary entries have no lines."
)]
pub struct Summary {
    /// The entry.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Size.
    #[schemars(range(min = 1))]
    pub bytes: u64,
    /// Lines.
    pub lines: u64,
    /// bytes / 4.
    pub tokens_estimate: u64,
    /// Chunks.
    #[schemars(range(min = 1))]
    pub chunks: u64,
    /// Valid UTF-8 without NUL bytes.
    pub text: bool,
    /// Markdown headings (`# …`), at most 50.
    pub headings: Vec<Line>,
    /// The first lines, at most 10.
    pub first_lines: Vec<Line>,
    /// The last lines (not already among the first), at most 10.
    pub last_lines: Vec<Line>,
    /// Lines with error, failed, fatal, panic, exception, traceback,
    /// denied, refused, timed out or critical as a word; at most 20.
    pub error_lines: Vec<Line>,
    /// How many lines look like errors in all.
    pub error_line_count: u64,
}

/// Longest line kept in a summary, in characters.
pub(crate) const SUMMARY_LINE_CHARS: usize = 240;

/// `bytes` as a summary line: lossy UTF-8, no line ending, cut to
/// [`SUMMARY_LINE_CHARS`] characters.
pub(crate) fn summary_text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim_end_matches(['\n', '\r']);
    match s.char_indices().nth(SUMMARY_LINE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_the_ways_people_type_them() {
        for s in ["m42", "M42", "m-42", "42", " m42 "] {
            assert_eq!(s.parse::<MemoryId>().unwrap(), MemoryId(42), "{s}");
        }
        for s in ["m0", "b42", "m", "", "m-", "m4x"] {
            assert!(s.parse::<MemoryId>().is_err(), "{s}");
        }
        assert_eq!(MemoryId(7).to_string(), "m7");
    }

    #[test]
    fn summary_lines_are_cut_on_character_boundaries() {
        let long = "é".repeat(300);
        let t = summary_text(long.as_bytes());
        assert_eq!(t.chars().count(), SUMMARY_LINE_CHARS + 1);
        assert_eq!(summary_text(b"abc\r\n"), "abc");
        assert_eq!(summary_text(b"\xff\xfeok"), "\u{fffd}\u{fffd}ok");
    }
}
