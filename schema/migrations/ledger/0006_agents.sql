-- Governed agents. The trust tables came with 0001 (agent_metrics,
-- violations, promotions); this adds what a run records beside them: the
-- outcome of the last run, the task and run of a violation, and handoffs.
-- Each row changes in the same transaction as the ledger event that
-- explains it (agent.run, agent.violation, agent.revoke, agent.promote, …).
ALTER TABLE agent_metrics ADD COLUMN last_outcome TEXT;   -- completed | revoked | failed
ALTER TABLE violations ADD COLUMN task TEXT;
ALTER TABLE violations ADD COLUMN run_id TEXT;

-- What each revoked (or failed) agent left for the next one, durable beside
-- the runtime store's handoff:{task}:latest.
CREATE TABLE handoffs (
    id         INTEGER PRIMARY KEY,
    event_seq  INTEGER NOT NULL REFERENCES events (seq),
    tenant     TEXT NOT NULL,
    task       TEXT NOT NULL,
    agent      TEXT NOT NULL,
    handoff    TEXT NOT NULL,      -- JSON, schema/json/handoff.schema.json
    ts_us      INTEGER NOT NULL
) STRICT;

CREATE INDEX handoffs_task ON handoffs (tenant, task, ts_us);
