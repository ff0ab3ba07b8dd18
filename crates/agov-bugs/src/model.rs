//! What a bug is: its id, severity, status and the moves between statuses.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::Serialize;

/// A bug's id, shown as `b42`. Accepts `b42`, `B42`, `b-42`, `#42` and `42`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BugId(pub i64);

impl fmt::Display for BugId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b{}", self.0)
    }
}

impl FromStr for BugId {
    type Err = String;
    fn from_str(s: &str) -> Result<BugId, String> {
        let t = s.trim();
        let digits = match t.strip_prefix(['b', 'B']) {
            Some(rest) => rest.strip_prefix('-').unwrap_or(rest),
            None => t.strip_prefix('#').unwrap_or(t),
        };
        match digits.parse::<i64>() {
            Ok(n) if n > 0 => Ok(BugId(n)),
            _ => Err(format!("`{s}` is not a bug id (they look like b42)")),
        }
    }
}

/// How bad a bug is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Cosmetic.
    Low,
    /// The default.
    Medium,
    /// Breaks something that matters.
    High,
    /// Stops work or endangers a system.
    Critical,
}

impl Severity {
    /// All severities, least severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// 0 (low) to 3 (critical), for sorting.
    pub fn rank(self) -> i64 {
        self as i64
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Severity, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is not a severity (low, medium, high, critical)"))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a bug is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Reported, nobody on it.
    Open,
    /// Someone is on it.
    InProgress,
    /// Fixed, awaiting confirmation.
    Resolved,
    /// Done.
    Closed,
    /// Will not be fixed.
    Wontfix,
}

impl Status {
    /// All statuses, in life order.
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
        Status::Wontfix,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Wontfix => "wontfix",
        }
    }

    /// The statuses a bug may move to from this one.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Open => &[Status::InProgress, Status::Resolved, Status::Wontfix],
            Status::InProgress => &[Status::Open, Status::Resolved, Status::Wontfix],
            Status::Resolved => &[Status::Closed, Status::Open],
            Status::Closed | Status::Wontfix => &[Status::Open],
        }
    }

    /// True for open and in_progress: work still to do.
    pub fn is_active(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }
}

impl FromStr for Status {
    type Err = String;
    /// Accepts `in_progress`, `in-progress` and `inprogress`, in any case.
    fn from_str(s: &str) -> Result<Status, String> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect();
        Status::ALL
            .into_iter()
            .find(|v| v.as_str().replace('_', "") == norm)
            .ok_or_else(|| {
                format!("`{s}` is not a status (open, in_progress, resolved, closed, wontfix)")
            })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A bug as read back. JSON shape: `schema/json/bug.schema.json`.
#[derive(Clone, Debug, Serialize, PartialEq, JsonSchema)]
#[schemars(
    title = "A bug",
    description = "`bugs log|get|update|claim --json`, and each element of `bugs list --json`."
)]
pub struct Bug {
    /// b<number>, e.g. b42.
    #[schemars(regex(pattern = "^b[0-9]+$"))]
    pub id: String,
    /// One line.
    pub title: String,
    /// Longer text (may be empty).
    pub description: String,
    /// Severity.
    pub severity: Severity,
    /// Status.
    pub status: Status,
    /// The component it is in.
    pub component: Option<String>,
    /// The directory it concerns.
    pub dir: Option<String>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Who is on it.
    pub assignee: Option<String>,
    /// Who reported it.
    pub reporter: String,
    /// RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
    /// RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub updated: String,
    /// When the status last changed, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub status_changed: String,
    /// Microseconds, for computing ages.
    #[serde(skip)]
    pub status_changed_us: i64,
    /// Microseconds, for computing ages.
    #[serde(skip)]
    pub created_us: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_every_way_people_type_them() {
        for s in ["b42", "B42", "b-42", "#42", "42", " b42 "] {
            assert_eq!(s.parse::<BugId>().unwrap(), BugId(42), "{s}");
        }
        for s in ["", "b", "bx", "-1", "b0", "42a"] {
            assert!(s.parse::<BugId>().is_err(), "{s}");
        }
        assert_eq!(BugId(7).to_string(), "b7");
    }

    #[test]
    fn statuses_parse_loosely_and_move_strictly() {
        assert_eq!("in-progress".parse::<Status>().unwrap(), Status::InProgress);
        assert_eq!("IN_PROGRESS".parse::<Status>().unwrap(), Status::InProgress);
        assert!("done".parse::<Status>().is_err());
        assert!(Status::Open.next().contains(&Status::InProgress));
        assert!(!Status::Open.next().contains(&Status::Closed));
        assert!(Status::Closed.next().contains(&Status::Open));
    }
}
