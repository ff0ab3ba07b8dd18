//! What each agent of each pipeline did, counted from the ledger: messages
//! sent, blackboard writes (posts and votes), model calls and the tokens
//! they used. `pipeline metrics` exposes it per pipeline and agent.

use agov_ledger::Ledger;
use rusqlite::params;

use crate::error::PipelineError;

/// One agent's activity in one pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    /// The pipeline.
    pub pipeline: String,
    /// The agent (its id; empty for events without one).
    pub agent: String,
    /// Messages it sent (`pipeline.message`).
    pub messages: u64,
    /// Blackboard writes: posts and votes (`pipeline.post`, `pipeline.vote`).
    pub board_ops: u64,
    /// Model calls, retries included (`agent.call` attempts).
    pub llm_calls: u64,
    /// Tokens those calls used, as the API reported them.
    pub llm_tokens: u64,
}

/// Every agent's activity in the tenant's pipelines, by pipeline and agent.
/// One grouped query over the tenant's pipeline events.
pub fn per_agent(ledger: &Ledger, tenant: &str) -> Result<Vec<Activity>, PipelineError> {
    let run = || -> rusqlite::Result<Vec<Activity>> {
        let mut stmt = ledger.conn().prepare_cached(
            "SELECT pipeline, coalesce(agent, ''),
                    sum(action = 'pipeline.message'),
                    sum(action IN ('pipeline.post', 'pipeline.vote')),
                    sum(CASE WHEN action = 'agent.call'
                        THEN max(coalesce(json_extract(detail, '$.attempts'), 1), 1) ELSE 0 END),
                    sum(CASE WHEN action = 'agent.call'
                        THEN coalesce(json_extract(detail, '$.tokens'), 0) ELSE 0 END)
               FROM events
              WHERE tenant = ?1 AND pipeline IS NOT NULL
                AND action IN ('pipeline.message', 'pipeline.post', 'pipeline.vote', 'agent.call')
              GROUP BY pipeline, agent
              ORDER BY pipeline, agent",
        )?;
        let rows = stmt.query_map(params![tenant], |r| {
            let n = |i: usize| r.get::<_, i64>(i).map(|v| v.max(0).unsigned_abs());
            Ok(Activity {
                pipeline: r.get(0)?,
                agent: r.get(1)?,
                messages: n(2)?,
                board_ops: n(3)?,
                llm_calls: n(4)?,
                llm_tokens: n(5)?,
            })
        })?;
        rows.collect()
    };
    run().map_err(|e| {
        PipelineError::Ledger(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            ledger.path(),
            e,
        )))
    })
}
