//! The log pane: the selected pipeline's newest ledger events (its own and
//! its agents'), oldest first so that the newest is at the bottom, each one
//! line as `pipeline logs` and `ledger tail` print them.

use agov_ledger::{Ledger, Query};
use serde::Serialize;

/// How many events the pane keeps (it shows the newest that fit).
pub(crate) const KEEP: u64 = 100;

/// One event of the log pane.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct LogLine {
    /// Its ledger sequence number.
    #[schemars(range(min = 1))]
    pub seq: u64,
    /// When.
    #[schemars(extend("format" = "date-time"))]
    pub ts: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// The agent it is about, if any.
    pub agent: Option<String>,
    /// The event's detail as key=value pairs.
    pub detail: String,
}

/// The newest [`KEEP`] events of pipeline `id`, oldest first.
pub(crate) fn tail(
    ledger: &Ledger,
    tenant: &str,
    id: &str,
) -> Result<Vec<LogLine>, agov_ledger::LedgerError> {
    let q = Query {
        tenant: Some(tenant.to_string()),
        pipeline: Some(id.to_string()),
        limit: Some(KEEP),
        newest_first: true,
        ..Query::default()
    };
    let mut events = ledger.query(&q)?;
    events.reverse();
    Ok(events
        .into_iter()
        .map(|e| LogLine {
            seq: e.seq,
            detail: crate::render::detail(&e.detail),
            ts: e.ts,
            actor: e.actor,
            action: e.action,
            agent: e.agent,
        })
        .collect())
}

impl LogLine {
    /// The event as one line: time, actor, action, agent and detail.
    pub(crate) fn text(&self) -> String {
        let time = self.ts.get(11..19).unwrap_or(&self.ts);
        let mut s = format!("{time} {} {}", self.actor, self.action);
        if let Some(a) = &self.agent {
            s.push_str(&format!(" {a}"));
        }
        if !self.detail.is_empty() {
            s.push(' ');
            s.push_str(&self.detail);
        }
        s
    }
}
