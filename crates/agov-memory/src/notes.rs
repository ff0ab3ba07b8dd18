//! What the summary needs from each chunk, found while the chunk is being
//! compressed: lines that look like errors, Markdown headings, NUL bytes.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::model::{Line, summary_text};

/// Most error-like lines a summary lists.
pub(crate) const MAX_ERROR_LINES: usize = 20;
/// Most headings a summary lists.
pub(crate) const MAX_HEADINGS: usize = 50;

/// Words that make a line look like an error, matched as whole words in
/// lower case, Title case or UPPER case. Spelled out rather than matched
/// case-insensitively so that the search runs on the SIMD prefilter: a
/// case-insensitive search cost a fifth of `memory log`'s time.
const ERROR_WORDS: &[&str] = &[
    "error",
    "errors",
    "err",
    "failed",
    "failure",
    "fatal",
    "panic",
    "panicked",
    "exception",
    "traceback",
    "denied",
    "refused",
    "timed out",
    "critical",
];

static ERROR_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    for w in ERROR_WORDS {
        let mut title = w.to_string();
        title[..1].make_ascii_uppercase();
        patterns.extend([w.to_string(), title, w.to_ascii_uppercase()]);
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .unwrap_or_else(|e| unreachable!("the error words are valid patterns: {e}"))
});

/// True when `b` can be part of a word.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Notes on one chunk; line numbers are already the entry's (from 1).
#[derive(Debug, Default)]
pub(crate) struct ChunkNotes {
    /// The first error-like lines of the chunk.
    pub errors: Vec<Line>,
    /// How many error-like lines it has.
    pub error_count: u64,
    /// The first headings of the chunk.
    pub headings: Vec<Line>,
    /// It holds a NUL byte (binary content).
    pub has_nul: bool,
}

/// Counts line breaks in `data[from..to]`.
fn newlines(data: &[u8], from: usize, to: usize) -> u64 {
    memchr::memchr_iter(b'\n', &data[from..to]).count() as u64
}

/// The line around byte `at`: (start, end without the newline).
fn line_bounds(data: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &data[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |p| at + p);
    (start, end)
}

/// Notes on `data`, a chunk whose first byte is on line `first_line`.
pub(crate) fn chunk_notes(data: &[u8], first_line: u64) -> ChunkNotes {
    let mut notes = ChunkNotes {
        has_nul: memchr::memchr(0, data).is_some(),
        ..ChunkNotes::default()
    };
    if notes.has_nul {
        return notes;
    }
    // Error-like lines, each counted once however many words match.
    let (mut counted_to, mut line) = (0usize, first_line);
    let mut last_line_end = None;
    for m in ERROR_FINDER.find_iter(data) {
        if last_line_end.is_some_and(|end| m.start() < end) {
            continue;
        }
        let before = m.start().checked_sub(1).map(|i| data[i]);
        if before.is_some_and(is_word_byte) || data.get(m.end()).copied().is_some_and(is_word_byte)
        {
            continue;
        }
        let (start, end) = line_bounds(data, m.start());
        line += newlines(data, counted_to, start);
        counted_to = start;
        last_line_end = Some(end);
        notes.error_count += 1;
        if notes.errors.len() < MAX_ERROR_LINES {
            notes.errors.push(Line {
                line,
                text: summary_text(&data[start..end]),
            });
        }
    }
    // Markdown headings: a line starting with 1-6 '#' and a space.
    let (mut counted_to, mut line) = (0usize, first_line);
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', data).map(|p| p + 1));
    for start in starts.filter(|&s| data.get(s) == Some(&b'#')) {
        let hashes = data[start..].iter().take_while(|&&b| b == b'#').count();
        if hashes > 6 || !matches!(data.get(start + hashes), Some(b' ' | b'\t')) {
            continue;
        }
        line += newlines(data, counted_to, start);
        counted_to = start;
        let (_, end) = line_bounds(data, start);
        notes.headings.push(Line {
            line,
            text: summary_text(&data[start..end]),
        });
        if notes.headings.len() == MAX_HEADINGS {
            break;
        }
    }
    notes
}

/// Keeps the `max` lowest-numbered lines of `into` and `more`.
pub(crate) fn merge_lines(into: &mut Vec<Line>, more: Vec<Line>, max: usize) {
    into.extend(more);
    into.sort_by_key(|l| l.line);
    into.truncate(max);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_error_lines_and_headings_with_their_numbers() {
        let data = b"# Title\nall good\nERROR: disk full, write failed\n## Section\nok\npanic at the disco\n#hashtag\n";
        let n = chunk_notes(data, 10);
        assert_eq!(
            n.errors
                .iter()
                .map(|l| (l.line, l.text.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (12, "ERROR: disk full, write failed"),
                (15, "panic at the disco")
            ]
        );
        assert_eq!(n.error_count, 2);
        assert_eq!(
            n.headings
                .iter()
                .map(|l| (l.line, l.text.as_str()))
                .collect::<Vec<_>>(),
            vec![(10, "# Title"), (13, "## Section")]
        );
        assert_eq!(chunk_notes(b"terror and errorless\n", 1).error_count, 0);
        assert!(chunk_notes(b"a\0b", 1).has_nul);
    }

    #[test]
    fn merging_keeps_the_earliest_lines() {
        let l = |n| Line {
            line: n,
            text: String::new(),
        };
        let mut a = vec![l(5), l(9)];
        merge_lines(&mut a, vec![l(1), l(7)], 3);
        assert_eq!(a.iter().map(|x| x.line).collect::<Vec<_>>(), vec![1, 5, 7]);
    }
}
