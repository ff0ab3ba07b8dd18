-- Human approvals of T3/T4 actions. An agent's request for such an action is
-- answered `needs_approval` with a digest of exactly that action (agent,
-- task, action text); `pipeline agents approve AGENT DIGEST` records who
-- approved it, and the agent's next request of exactly that action uses the
-- approval up. Each row changes with its ledger event.
CREATE TABLE approvals (
    id          INTEGER PRIMARY KEY,
    event_seq   INTEGER NOT NULL REFERENCES events (seq),
    tenant      TEXT NOT NULL,
    digest      TEXT NOT NULL,
    agent       TEXT NOT NULL,
    action      TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    reason      TEXT,
    ts_us       INTEGER NOT NULL,
    used_by_run TEXT,
    used_us     INTEGER
) STRICT;

CREATE INDEX approvals_open ON approvals (tenant, digest) WHERE used_by_run IS NULL;
