//! What happened after a point in the ledger, grouped the way a person
//! resuming work asks about it.

use std::collections::{BTreeMap, VecDeque};

use agov_ledger::{Event, Ledger, LedgerError, Query};
use serde::{Deserialize, Serialize};

/// One event, in a sentence.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Item {
    /// Ledger sequence number.
    #[schemars(range(min = 1))]
    pub seq: u64,
    /// When, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub ts: String,
    /// Who.
    pub actor: String,
    /// What action.
    pub action: String,
    /// About what.
    pub subject: Option<String>,
    /// The pipeline it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub pipeline: Option<String>,
    /// In words.
    pub summary: String,
}

/// Everything after a ledger sequence number, grouped.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Since {
    /// Events after this sequence number…
    pub after_seq: u64,
    /// …up to this one.
    pub head_seq: u64,
    /// How many.
    pub events: u64,
    /// Counts by action.
    pub by_action: BTreeMap<String, u64>,
    /// Bugs logged.
    pub new_bugs: Vec<Item>,
    /// Bugs that changed or were claimed.
    pub bug_changes: Vec<Item>,
    /// Revocations of agents or tokens.
    pub revocations: Vec<Item>,
    /// STATUS.md changes.
    pub status_changes: Vec<Item>,
    /// Pipeline events.
    pub pipelines: Vec<Item>,
    /// Operator notes.
    pub notes: Vec<Item>,
    /// Memory entries stored or removed: memory.log and memory.rm events.
    pub memory: Vec<Item>,
    /// True when some groups hold only their newest items.
    pub truncated: bool,
    /// How many older items each truncated group left out, by group name
    /// (`new_bugs`, `pipelines`, …).
    pub more: BTreeMap<String, u64>,
    /// Each pipeline's states in this window, in order (consecutive
    /// repeats once): `[RUNNING, CONSENSUS_FAILED]`.
    pub pipeline_states: BTreeMap<String, Vec<String>>,
}

/// The names of [`Since`]'s groups, in order.
pub const GROUPS: [&str; 7] = [
    "new_bugs",
    "bug_changes",
    "revocations",
    "status_changes",
    "pipelines",
    "notes",
    "memory",
];

fn text(e: &Event, key: &str) -> Option<String> {
    e.detail
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// One event as a sentence.
pub fn describe(e: &Event) -> Item {
    let subject = e.subject.clone().unwrap_or_default();
    let summary = match e.action.as_str() {
        "bug.log" => format!("{subject} logged: {}", text(e, "title").unwrap_or_default()),
        "bug.update" => match (text(e, "from"), text(e, "to")) {
            (Some(f), Some(t)) => format!("{subject} {f} → {t}"),
            _ => format!("{subject} updated"),
        },
        "bug.claim" => format!(
            "{subject} claimed by {}",
            text(e, "agent").unwrap_or_default()
        ),
        "status.update" => status_change(e, &subject),
        "pipeline.state" => {
            let note = text(e, "note")
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            format!(
                "{} → {}{note}",
                e.pipeline.clone().unwrap_or(subject),
                text(e, "status").unwrap_or_default()
            )
        }
        "ledger.note" => text(e, "text").unwrap_or_default(),
        "memory.log" => format!(
            "{subject} stored: {} ({} bytes)",
            text(e, "title").unwrap_or_default(),
            e.detail.get("bytes").and_then(|b| b.as_u64()).unwrap_or(0)
        ),
        "memory.rm" => format!(
            "{subject} removed: {}",
            text(e, "title").unwrap_or_default()
        ),
        "checkpoint.create" => match text(e, "notes").filter(|n| !n.is_empty()) {
            Some(n) => format!("{subject} taken: {n}"),
            None => format!("{subject} taken"),
        },
        _ => {
            let who = e
                .agent
                .clone()
                .or_else(|| e.pipeline.clone())
                .or_else(|| e.subject.clone())
                .unwrap_or_default();
            let reason = text(e, "reason")
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            format!("{} {who}{reason}", e.action)
        }
    };
    Item {
        seq: e.seq,
        ts: e.ts.clone(),
        actor: e.actor.clone(),
        action: e.action.clone(),
        subject: e.subject.clone(),
        pipeline: e.pipeline.clone(),
        summary,
    }
}

/// A STATUS.md change as a person says it: the phase when it changed, the
/// tasks ticked or added, the note.
fn status_change(e: &Event, subject: &str) -> String {
    let from = text(e, "from");
    let to = text(e, "to");
    let mut parts = Vec::new();
    if from != to || from.is_none() {
        parts.push(format!(
            "{} → {}",
            from.as_deref().unwrap_or("new"),
            to.as_deref().unwrap_or("-")
        ));
    }
    let listed = |key: &str| -> Vec<String> {
        e.detail
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let done = listed("done");
    if !done.is_empty() {
        parts.push(format!("ticked {}", done.join(", ")));
    }
    let added = listed("tasks_added");
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if let Some(n) = text(e, "note").filter(|n| !n.is_empty()) {
        parts.push(format!("note: {n}"));
    }
    if parts.is_empty() {
        parts.push(format!("still {}", to.as_deref().unwrap_or("-")));
    }
    format!("{subject}: {}", parts.join("; "))
}

/// Summarises the tenant's events after `after_seq`, keeping the newest
/// `per_group` items of each group.
pub fn since(
    ledger: &Ledger,
    tenant: &str,
    after_seq: u64,
    per_group: usize,
) -> Result<Since, LedgerError> {
    let mut s = Since {
        after_seq,
        head_seq: ledger.head()?.map_or(0, |(seq, _)| seq),
        ..Since::default()
    };
    let mut groups: [VecDeque<Item>; 7] = Default::default();
    let q = Query {
        tenant: Some(tenant.to_string()),
        after_seq: Some(after_seq),
        ..Query::default()
    };
    ledger.for_each(&q, |e| {
        s.events += 1;
        *s.by_action.entry(e.action.clone()).or_default() += 1;
        let group = match e.action.as_str() {
            "bug.log" => Some(0),
            "bug.update" | "bug.claim" => Some(1),
            a if a.ends_with(".revoke") || a.ends_with(".revoked") => Some(2),
            "status.update" => Some(3),
            a if a.starts_with("pipeline.") => Some(4),
            "ledger.note" => Some(5),
            a if a.starts_with("memory.") => Some(6),
            _ => None,
        };
        if e.action == "pipeline.state"
            && let (Some(id), Some(to)) = (&e.pipeline, text(&e, "status"))
        {
            let states = s.pipeline_states.entry(id.clone()).or_default();
            if states.last() != Some(&to) {
                states.push(to);
            }
        }
        if let Some(g) = group {
            groups[g].push_back(describe(&e));
            if groups[g].len() > per_group {
                groups[g].pop_front();
                s.truncated = true;
                *s.more.entry(GROUPS[g].to_string()).or_default() += 1;
            }
        }
        true
    })?;
    let [a, b, c, d, e, f, g] = groups.map(Vec::from);
    (
        s.new_bugs,
        s.bug_changes,
        s.revocations,
        s.status_changes,
        s.pipelines,
        s.notes,
        s.memory,
    ) = (a, b, c, d, e, f, g);
    Ok(s)
}
