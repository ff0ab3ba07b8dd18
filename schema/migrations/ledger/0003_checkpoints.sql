-- Checkpoints: snapshots of the governance state a reader needs to resume.
-- `head_seq` is the ledger's head when the snapshot was taken, so "what
-- changed since" is the ledger's events after it. Pruning deletes rows here
-- only; the ledger's checkpoint.* events stay, so the chain still verifies.
CREATE TABLE checkpoints (
    num        INTEGER PRIMARY KEY,   -- shown as c<num>
    tenant     TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    notes      TEXT NOT NULL DEFAULT '',
    head_seq   INTEGER NOT NULL,
    snapshot   TEXT NOT NULL          -- JSON, schema/json/checkpoint.schema.json
) STRICT;

CREATE INDEX checkpoints_tenant_created ON checkpoints (tenant, created_us);
