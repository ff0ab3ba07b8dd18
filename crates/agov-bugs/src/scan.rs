//! Anomalies worth a bug: error spikes and revocations in the ledger, bugs
//! stuck in progress, and likely duplicates. Each has a fingerprint, so
//! logging them (`bugs scan --apply`) is idempotent.

use std::collections::BTreeMap;

use agov_ledger::Query;
use serde::Serialize;

use crate::error::BugError;
use crate::model::{Severity, Status};
use crate::store::{Bugs, ListQuery, NewBug};

/// More than this many errors from one agent in one minute is a spike.
pub const SPIKE_PER_MINUTE: usize = 5;

/// What to look at.
#[derive(Clone, Copy, Debug)]
pub struct ScanOptions {
    /// Ledger events since this time (µs).
    pub since_us: i64,
    /// A bug in progress for longer than this (µs) is stuck.
    pub stuck_after_us: i64,
    /// Now (µs).
    pub now_us: i64,
}

/// One anomaly.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Anomaly {
    /// `error_spike`, `revocation`, `stuck`, `duplicate`.
    #[schemars(extend("enum" = ["error_spike", "revocation", "stuck", "duplicate"]))]
    pub kind: String,
    /// What was found, as a bug title.
    pub title: String,
    /// Suggested severity.
    pub severity: Severity,
    /// Identifies the anomaly, so it is logged once.
    pub fingerprint: String,
    /// The bug that records it, once logged.
    pub bug: Option<String>,
    /// True when this run logged it (`--apply`); false when a bug already
    /// recorded it, or nothing was logged.
    pub new: bool,
}

/// Finds anomalies for the tenant of `bugs`.
pub fn scan(bugs: &Bugs<'_>, opts: ScanOptions) -> Result<Vec<Anomaly>, BugError> {
    let mut found = Vec::new();
    let tenant = Some(bugs.tenant().to_string());
    let since = Some(opts.since_us);

    let events = bugs.ledger().query(&Query {
        tenant: tenant.clone(),
        since_us: since,
        ..Query::default()
    })?;

    // Error spikes: more than SPIKE_PER_MINUTE `*.error` events from one agent in one minute.
    let mut per_minute: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for e in events.iter().filter(|e| e.action.ends_with(".error")) {
        let who = e.agent.clone().unwrap_or_else(|| e.actor.clone());
        *per_minute.entry((who, e.ts_us / 60_000_000)).or_default() += 1;
    }
    for ((who, minute), n) in per_minute {
        if n > SPIKE_PER_MINUTE {
            found.push(Anomaly {
                kind: "error_spike".into(),
                title: format!(
                    "error spike: {who} logged {n} errors in the minute from {}",
                    agov_core::time::format_us(minute * 60_000_000)
                ),
                severity: Severity::High,
                fingerprint: format!("error_spike:{who}:{minute}"),
                bug: None,
                new: false,
            });
        }
    }

    // Revocations.
    for e in events
        .iter()
        .filter(|e| e.action.ends_with(".revoke") || e.action.ends_with(".revoked"))
    {
        let who = e
            .agent
            .clone()
            .or_else(|| e.subject.clone())
            .unwrap_or_else(|| e.actor.clone());
        let reason = e
            .detail
            .get("reason")
            .and_then(|r| r.as_str())
            .unwrap_or("no reason recorded");
        found.push(Anomaly {
            kind: "revocation".into(),
            title: format!("{who} was revoked ({reason}), ledger event #{}", e.seq),
            severity: Severity::High,
            fingerprint: format!("revocation:{}", e.seq),
            bug: None,
            new: false,
        });
    }

    // Bugs stuck in progress.
    let in_progress = bugs.list(&ListQuery {
        statuses: vec![Status::InProgress],
        ..ListQuery::default()
    })?;
    for b in in_progress
        .iter()
        .filter(|b| opts.now_us - b.status_changed_us > opts.stuck_after_us)
    {
        let days = (opts.now_us - b.status_changed_us) / 86_400_000_000;
        found.push(Anomaly {
            kind: "stuck".into(),
            title: format!(
                "{} has been in progress for {days} day(s) ({}): {}",
                b.id,
                b.assignee.as_deref().unwrap_or("unassigned"),
                b.title
            ),
            severity: Severity::Medium,
            fingerprint: format!("stuck:{}:{}", b.id, b.status_changed_us),
            bug: None,
            new: false,
        });
    }

    // Likely duplicates: active bugs whose titles have the same words.
    let active = bugs.list(&ListQuery {
        statuses: vec![Status::Open, Status::InProgress],
        sort: crate::Sort::Created,
        ..ListQuery::default()
    })?;
    let mut by_words: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for b in active
        .iter()
        .rev()
        .filter(|b| !b.tags.iter().any(|t| t == "scan"))
    {
        by_words
            .entry(words(&b.title))
            .or_default()
            .push(b.id.clone());
    }
    for ids in by_words.into_values().filter(|ids| ids.len() > 1) {
        found.push(Anomaly {
            kind: "duplicate".into(),
            title: format!("likely duplicates: {}", ids.join(", ")),
            severity: Severity::Low,
            fingerprint: format!("duplicate:{}", ids.join(",")),
            bug: None,
            new: false,
        });
    }
    Ok(found)
}

/// Logs each anomaly as a bug tagged `scan` (once per fingerprint).
pub fn apply(bugs: &mut Bugs<'_>, anomalies: &mut [Anomaly]) -> Result<usize, BugError> {
    let mut created = 0;
    for a in anomalies.iter_mut() {
        let mut new = NewBug::new(a.title.clone());
        new.severity = a.severity;
        new.tags = vec!["scan".into(), a.kind.clone()];
        new.fingerprint = Some(a.fingerprint.clone());
        let (bug, fresh) = bugs.log(&new)?;
        created += usize::from(fresh);
        a.bug = Some(bug.id);
        a.new = fresh;
    }
    Ok(created)
}

/// A title's lower-case words, sorted and deduplicated.
fn words(title: &str) -> Vec<String> {
    let mut w: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    w.sort();
    w.dedup();
    w
}
