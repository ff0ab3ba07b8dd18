//! Reading and editing one STATUS.md without losing a byte of what a person wrote.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The file's name in every directory.
pub const FILE_NAME: &str = "STATUS.md";

/// Where the work in a directory stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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

/// A STATUS.md, as front-matter pairs (in file order) and body lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusFile {
    front: Vec<(String, String)>,
    body: Vec<String>,
    had_front: bool,
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

    /// Parses a file. A file without front matter is all body; front-matter
    /// lines that are not `key: value` are kept as body-less keys would not be:
    /// they are an error, so nothing is silently dropped.
    pub fn parse(text: &str) -> Result<StatusFile, String> {
        let lines: Vec<&str> = text.lines().collect();
        if lines.first().map(|l| l.trim_end()) != Some("---") {
            return Ok(StatusFile {
                front: Vec::new(),
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
        let mut front = Vec::new();
        for (i, line) in lines[1..end].iter().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once(':').ok_or_else(|| {
                format!("front matter line {} is not `key: value`: {line}", i + 2)
            })?;
            front.push((k.trim().to_string(), v.trim().to_string()));
        }
        Ok(StatusFile {
            front,
            body: lines[end + 1..].iter().map(|l| l.to_string()).collect(),
            had_front: true,
        })
    }

    /// A front-matter value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.front
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets a front-matter value, keeping its position if it exists.
    pub fn set(&mut self, key: &str, value: &str) {
        let value = value.replace(['\n', '\r'], " ");
        match self.front.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.front.push((key.to_string(), value)),
        }
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
            for (k, v) in &self.front {
                out.push_str(&format!("{k}: {v}\n"));
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

    #[test]
    fn broken_front_matter_is_an_error_not_a_loss() {
        assert!(StatusFile::parse("---\nphase: in_progress\n").is_err());
        assert!(StatusFile::parse("---\nno colon here\n---\n").is_err());
        let f = StatusFile::parse("---\nphase: banana\n---\n").unwrap();
        assert!(f.phase().is_err());
        assert_eq!("In-Progress".parse::<Phase>().unwrap(), Phase::InProgress);
    }
}
