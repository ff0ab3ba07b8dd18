-- The audit ledger: an append-only, hash-chained event log.
-- Each row's hash is SHA-256 over the previous row's hash and a canonical,
-- length-prefixed encoding of its fields (see crates/agov-ledger/src/chain.rs).
CREATE TABLE events (
    seq      INTEGER PRIMARY KEY,          -- 1, 2, 3 … with no gaps
    ts_us    INTEGER NOT NULL,             -- microseconds since the Unix epoch, UTC
    tenant   TEXT    NOT NULL,
    actor    TEXT    NOT NULL,             -- who acted: an OS user or an agent id
    action   TEXT    NOT NULL,             -- dotted name, e.g. ledger.note, token.revoke
    agent    TEXT,                         -- the agent concerned, if any
    pipeline TEXT,                         -- the pipeline concerned, if any
    subject  TEXT,                         -- the object acted on (a bug id, a key …)
    detail   TEXT    NOT NULL,             -- canonical JSON object; secrets only as HMAC
    hash     BLOB    NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE INDEX events_tenant ON events (tenant);
CREATE INDEX events_tenant_ts ON events (tenant, ts_us);
CREATE INDEX events_tenant_action ON events (tenant, action);
CREATE INDEX events_agent ON events (agent) WHERE agent IS NOT NULL;
CREATE INDEX events_pipeline ON events (pipeline) WHERE pipeline IS NOT NULL;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: events cannot be changed');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: events cannot be deleted');
END;

-- Tables of the reference governance system. Each row points at the ledger
-- event that recorded it, so the chain covers it.
CREATE TABLE tenants (
    id                       TEXT PRIMARY KEY,
    name                     TEXT NOT NULL,
    created_us               INTEGER NOT NULL,
    max_concurrent_pipelines INTEGER,
    max_tier                 INTEGER CHECK (max_tier BETWEEN 0 AND 4)
) STRICT;

CREATE TABLE projects (
    id         TEXT PRIMARY KEY,
    tenant     TEXT NOT NULL REFERENCES tenants (id),
    name       TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    UNIQUE (tenant, name)
) STRICT;

CREATE TABLE agent_actions (
    id        INTEGER PRIMARY KEY,
    event_seq INTEGER NOT NULL REFERENCES events (seq),
    tenant    TEXT NOT NULL,
    agent     TEXT NOT NULL,
    pipeline  TEXT,
    phase     TEXT,
    action    TEXT NOT NULL,
    target    TEXT,
    tier      INTEGER NOT NULL CHECK (tier BETWEEN 0 AND 4),
    outcome   TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'ok', 'error')),
    ts_us     INTEGER NOT NULL
) STRICT;
CREATE INDEX agent_actions_agent ON agent_actions (tenant, agent, ts_us);

CREATE TABLE agent_metrics (
    tenant                 TEXT NOT NULL,
    agent                  TEXT NOT NULL,
    tier                   INTEGER NOT NULL CHECK (tier BETWEEN 0 AND 4),
    runs                   INTEGER NOT NULL DEFAULT 0,
    compliant_runs         INTEGER NOT NULL DEFAULT 0,
    consecutive_compliant  INTEGER NOT NULL DEFAULT 0,
    errors                 INTEGER NOT NULL DEFAULT 0,
    violations             INTEGER NOT NULL DEFAULT 0,
    revocations            INTEGER NOT NULL DEFAULT 0,
    last_run_us            INTEGER,
    updated_us             INTEGER NOT NULL,
    PRIMARY KEY (tenant, agent)
) STRICT;

CREATE TABLE violations (
    id        INTEGER PRIMARY KEY,
    event_seq INTEGER NOT NULL REFERENCES events (seq),
    tenant    TEXT NOT NULL,
    agent     TEXT NOT NULL,
    pipeline  TEXT,
    kind      TEXT NOT NULL,   -- procedure, budget, forbidden, missing_artifact, rate, stuck
    severity  TEXT NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    phase     TEXT,
    detail    TEXT NOT NULL,
    ts_us     INTEGER NOT NULL
) STRICT;
CREATE INDEX violations_agent ON violations (tenant, agent, ts_us);

CREATE TABLE promotions (
    id          INTEGER PRIMARY KEY,
    event_seq   INTEGER NOT NULL REFERENCES events (seq),
    tenant      TEXT NOT NULL,
    agent       TEXT NOT NULL,
    from_tier   INTEGER NOT NULL CHECK (from_tier BETWEEN 0 AND 4),
    to_tier     INTEGER NOT NULL CHECK (to_tier BETWEEN 0 AND 4),
    reason      TEXT NOT NULL,
    approved_by TEXT,
    ts_us       INTEGER NOT NULL
) STRICT;
