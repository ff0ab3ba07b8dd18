//! Reading and editing one STATUS.md without losing a byte of what a person wrote.
//!
//! The front matter is YAML, read as YAML (a value may be quoted, followed
//! by a `# comment`, or a number); it is edited line by line, so comments,
//! blank lines, quoting and every key agov does not change stay as written.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::Serialize;

/// The file's name in every directory.
pub const FILE_NAME: &str = "STATUS.md";

/// Where the work in a directory stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing done yet.
    NotStarted,
    /// Under way.
    InProgress,
    /// Waiting on something.
    Blocked,
    /// Done.
    Complete,
}

impl Phase {
    /// All phases.
    pub const ALL: [Phase; 4] = [
        Phase::NotStarted,
        Phase::InProgress,
        Phase::Blocked,
        Phase::Complete,
    ];

    /// The name in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::NotStarted => "not_started",
            Phase::InProgress => "in_progress",
            Phase::Blocked => "blocked",
            Phase::Complete => "complete",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Phase, String> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str() == norm)
            .ok_or_else(|| {
                format!("`{s}` is not a phase (not_started, in_progress, blocked, complete)")
            })
    }
}

/// One checklist item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Task {
    /// Ticked.
    pub done: bool,
    /// Its text.
    pub text: String,
}

/// A STATUS.md: its front matter's lines as written and the values they
/// hold, and the body's lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusFile {
    front: Vec<String>,
    values: BTreeMap<String, String>,
    body: Vec<String>,
    had_front: bool,
}

/// The values of a YAML front matter, scalars as text (`null` left out).
fn read_front(yaml: &str) -> Result<BTreeMap<String, String>, String> {
    if yaml.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    let doc: serde_json::Value =
        serde_saphyr::from_str(yaml).map_err(|e| format!("the front matter is not YAML: {e}"))?;
    let map = match doc {
        serde_json::Value::Object(m) => m,
        serde_json::Value::Null => return Ok(BTreeMap::new()),
        _ => return Err("the front matter is not a mapping of `key: value` lines".into()),
    };
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some((k, s)),
            other => Some((k, other.to_string())),
        })
        .collect())
}

/// The key a top-level front-matter line sets, if it sets one.
fn line_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let (k, _) = line.split_once(':')?;
    Some(k.trim().trim_matches(['"', '\'']))
}

/// The ` # comment` that ends a line, outside quotes.
fn trailing_comment(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => {
                let start = line[..i].trim_end().len();
                return &line[start..];
            }
            _ => {}
        }
        prev = c;
    }
    ""
}

/// A value as a YAML scalar: plain where YAML reads it back as the same
/// text, double-quoted otherwise.
fn scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"',
            '%', '@', '`',
        ])
        && !value.ends_with(' ')
        && !value.contains(": ")
        && !value.contains(" #")
        && read_front(&format!("k: {value}"))
            .ok()
            .and_then(|m| m.get("k").cloned())
            == Some(value.to_string());
    if plain {
        value.to_string()
    } else {
        serde_json::Value::String(value.to_string()).to_string()
    }
}

const TASKS: &str = "## Tasks";
const NOTES: &str = "## Notes";

fn task_line(line: &str) -> Option<Task> {
    let t = line.trim_start();
    let rest = t.strip_prefix("- [").or_else(|| t.strip_prefix("* ["))?;
    let (mark, text) = rest.split_at_checked(1)?;
    let text = text.strip_prefix("] ")?;
    Some(Task {
        done: mark.eq_ignore_ascii_case("x"),
        text: text.trim().to_string(),
    })
}

impl StatusFile {
    /// A new file for a directory: a title, and empty Tasks and Notes sections.
    pub fn new(title: &str) -> StatusFile {
        StatusFile {
            front: Vec::new(),
            values: BTreeMap::new(),
            body: vec![
                format!("# {title}"),
                String::new(),
                TASKS.into(),
                String::new(),
                NOTES.into(),
            ],
            had_front: true,
        }
    }

    /// Parses a file. A file without front matter is all body; a front
    /// matter that is not a YAML mapping is an error, so nothing is silently
    /// dropped.
    pub fn parse(text: &str) -> Result<StatusFile, String> {
        let lines: Vec<&str> = text.lines().collect();
        if lines.first().map(|l| l.trim_end()) != Some("---") {
            return Ok(StatusFile {
                front: Vec::new(),
                values: BTreeMap::new(),
                body: lines.iter().map(|l| l.to_string()).collect(),
                had_front: false,
            });
        }
        let end = lines
            .iter()
            .skip(1)
            .position(|l| l.trim_end() == "---")
            .ok_or("the front matter opened with --- is never closed")?
            + 1;
        let front: Vec<String> = lines[1..end].iter().map(|l| l.to_string()).collect();
        Ok(StatusFile {
            values: read_front(&front.join("\n"))?,
            front,
            body: lines[end + 1..].iter().map(|l| l.to_string()).collect(),
            had_front: true,
        })
    }

    /// A front-matter value (quotes and comments are YAML's, not the value's).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Sets a front-matter value on the line that holds it (its comment
    /// kept, any continuation lines of its old value dropped), or on a new
    /// line at the end; every other line stays as written.
    pub fn set(&mut self, key: &str, value: &str) {
        let value = value.replace(['\n', '\r'], " ");
        match self.front.iter().position(|l| line_key(l) == Some(key)) {
            Some(i) => {
                let comment = trailing_comment(&self.front[i]).to_string();
                self.front[i] = format!("{key}: {}{comment}", scalar(&value));
                while self
                    .front
                    .get(i + 1)
                    .is_some_and(|l| l.starts_with([' ', '\t']) && !l.trim().is_empty())
                {
                    self.front.remove(i + 1);
                }
            }
            None => self.front.push(format!("{key}: {}", scalar(&value))),
        }
        self.values.insert(key.to_string(), value);
        self.had_front = true;
    }

    /// The phase, if present and valid.
    pub fn phase(&self) -> Result<Option<Phase>, String> {
        self.get("phase").map(str::parse).transpose()
    }

    /// The checklist under `## Tasks`.
    pub fn tasks(&self) -> Vec<Task> {
        let Some((start, end)) = self.section(TASKS) else {
            return Vec::new();
        };
        self.body[start..end]
            .iter()
            .filter_map(|l| task_line(l))
            .collect()
    }

    /// Adds an unticked task at the end of `## Tasks` (created if missing).
    pub fn add_task(&mut self, text: &str) {
        let line = format!("- [ ] {}", text.trim().replace('\n', " "));
        let (start, end) = self.ensure_section(TASKS);
        let after = (start..end)
            .rev()
            .find(|&i| task_line(&self.body[i]).is_some())
            .map_or(start, |i| i + 1);
        self.body.insert(after, line);
    }

    /// Ticks a task named by its 1-based number or its text (case-insensitive).
    pub fn mark_done(&mut self, which: &str) -> Result<String, String> {
        let Some((start, end)) = self.section(TASKS) else {
            return Err("there is no `## Tasks` section".into());
        };
        let indices: Vec<usize> = (start..end)
            .filter(|&i| task_line(&self.body[i]).is_some())
            .collect();
        let target = match which.trim().parse::<usize>() {
            Ok(n) if n >= 1 && n <= indices.len() => Some(indices[n - 1]),
            _ => indices.iter().copied().find(|&i| {
                task_line(&self.body[i]).is_some_and(|t| t.text.eq_ignore_ascii_case(which.trim()))
            }),
        };
        let i = target.ok_or_else(|| {
            let names: Vec<String> = indices
                .iter()
                .enumerate()
                .map(|(n, &i)| {
                    format!(
                        "{}. {}",
                        n + 1,
                        task_line(&self.body[i]).map(|t| t.text).unwrap_or_default()
                    )
                })
                .collect();
            format!(
                "no task `{which}` (tasks: {})",
                if names.is_empty() {
                    "none".into()
                } else {
                    names.join("; ")
                }
            )
        })?;
        let line = &mut self.body[i];
        if let Some(pos) = line.find("[ ]") {
            line.replace_range(pos..pos + 3, "[x]");
        }
        Ok(task_line(line).map(|t| t.text).unwrap_or_default())
    }

    /// Appends `- TIME: text` at the end of `## Notes` (created if missing).
    pub fn add_note(&mut self, when: &str, text: &str) {
        let (_, end) = self.ensure_section(NOTES);
        let mut at = end;
        while at > 0 && self.body[at - 1].trim().is_empty() {
            at -= 1;
        }
        self.body
            .insert(at, format!("- {when}: {}", text.trim().replace('\n', " ")));
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.had_front {
            out.push_str("---\n");
            for l in &self.front {
                out.push_str(l);
                out.push('\n');
            }
            out.push_str("---\n");
        }
        for l in &self.body {
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    /// Lines `[start, end)` of a section's content (after its heading).
    fn section(&self, heading: &str) -> Option<(usize, usize)> {
        let h = self
            .body
            .iter()
            .position(|l| l.trim_end().eq_ignore_ascii_case(heading))?;
        let end = (h + 1..self.body.len())
            .find(|&i| self.body[i].starts_with("## ") || self.body[i].starts_with("# "))
            .unwrap_or(self.body.len());
        Some((h + 1, end))
    }

    fn ensure_section(&mut self, heading: &str) -> (usize, usize) {
        if let Some(s) = self.section(heading) {
            return s;
        }
        if self.body.last().is_some_and(|l| !l.trim().is_empty()) {
            self.body.push(String::new());
        }
        self.body.push(heading.to_string());
        (self.body.len(), self.body.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAND_WRITTEN: &str = "---\nphase: in_progress\nupdated: 2026-11-01T00:00:00Z\nowner: ana\nreviewer: bob\n---\n# Parser\n\nSome *free* text, kept as is.\n\n## Tasks\n- [x] tokenizer\n- [ ] error recovery\n\n## Notes\n- 2026-11-01: started\n\n## Links\nhttps://example.invalid\n";

    #[test]
    fn round_trips_byte_for_byte() {
        let f = StatusFile::parse(HAND_WRITTEN).unwrap();
        assert_eq!(f.render(), HAND_WRITTEN);
        assert_eq!(f.phase().unwrap(), Some(Phase::InProgress));
        assert_eq!(f.tasks().len(), 2);
        assert_eq!(f.get("reviewer"), Some("bob"));
    }

    #[test]
    fn edits_touch_only_their_lines() {
        let mut f = StatusFile::parse(HAND_WRITTEN).unwrap();
        f.set("phase", "blocked");
        f.add_task("fuzzing");
        assert_eq!(f.mark_done("2").unwrap(), "error recovery");
        f.add_note("2026-11-22T10:00:00Z", "waiting on review");
        let text = f.render();
        assert!(text.contains(
            "phase: blocked\nupdated: 2026-11-01T00:00:00Z\nowner: ana\nreviewer: bob\n"
        ));
        assert!(text.contains("- [x] tokenizer\n- [x] error recovery\n- [ ] fuzzing\n\n## Notes\n- 2026-11-01: started\n- 2026-11-22T10:00:00Z: waiting on review\n\n## Links\nhttps://example.invalid\n"), "{text}");
        assert!(text.contains("Some *free* text, kept as is."));
        assert!(f.mark_done("nope").unwrap_err().contains("1. tokenizer"));
        assert_eq!(f.mark_done("FUZZING").unwrap(), "fuzzing");
    }

    #[test]
    fn a_file_without_front_matter_gains_one_and_keeps_its_text() {
        let mut f = StatusFile::parse("just notes\n").unwrap();
        assert_eq!(f.phase().unwrap(), None);
        f.set("phase", "not_started");
        f.add_task("first");
        assert_eq!(
            f.render(),
            "---\nphase: not_started\n---\njust notes\n\n## Tasks\n- [ ] first\n"
        );
    }

    /// The README's own example, with a comment after the phase.
    const COMMENTED: &str = "---\n# where this folder stands\nphase: in_progress   # not_started | in_progress | blocked | complete\n\nowner: \"ana\"\nupdated: 2026-11-01T00:00:00Z\ntickets: 12\n---\n# Parser\n";

    #[test]
    fn the_front_matter_is_yaml_and_edits_keep_comments_blank_lines_and_quotes() {
        let mut f = StatusFile::parse(COMMENTED).unwrap();
        assert_eq!(f.phase().unwrap(), Some(Phase::InProgress));
        assert_eq!(f.get("owner"), Some("ana"));
        assert_eq!(f.get("tickets"), Some("12"));
        assert_eq!(f.render(), COMMENTED, "untouched, byte for byte");
        f.set("phase", "blocked");
        f.set("updated", "2026-12-01T10:00:00Z");
        f.set("note", "waiting: on review # 3");
        let text = f.render();
        assert_eq!(
            text,
            "---\n# where this folder stands\nphase: blocked   # not_started | in_progress | blocked | complete\n\nowner: \"ana\"\nupdated: 2026-12-01T10:00:00Z\ntickets: 12\nnote: \"waiting: on review # 3\"\n---\n# Parser\n"
        );
        let again = StatusFile::parse(&text).unwrap();
        assert_eq!(again.get("note"), Some("waiting: on review # 3"));
        assert_eq!(again.phase().unwrap(), Some(Phase::Blocked));
    }

    #[test]
    fn a_value_set_over_a_block_scalar_replaces_all_of_it() {
        let mut f = StatusFile::parse("---\nphase: |\n  in_progress\nowner: ana\n---\n").unwrap();
        f.set("phase", "complete");
        assert_eq!(f.render(), "---\nphase: complete\nowner: ana\n---\n");
    }

    #[test]
    fn broken_front_matter_is_an_error_not_a_loss() {
        assert!(StatusFile::parse("---\nphase: in_progress\n").is_err());
        assert!(StatusFile::parse("---\nno colon here\n---\n").is_err());
        assert!(StatusFile::parse("---\nphase: [unclosed\n---\n").is_err());
        let f = StatusFile::parse("---\nphase: banana\n---\n").unwrap();
        assert!(f.phase().is_err());
        assert_eq!("In-Progress".parse::<Phase>().unwrap(), Phase::InProgress);
    }
}
