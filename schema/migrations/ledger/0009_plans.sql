-- Stored plans: `pipeline plan add FILE` keeps a plan as written so that
-- `pipeline spawn --plan pl3` (or the plan's name) runs it later. The same
-- text added twice is one plan. Every add and remove appends a ledger event
-- (plan.add / plan.rm, subject pl<num>) in the same transaction.
CREATE TABLE plans (
    num        INTEGER PRIMARY KEY,     -- shown as pl<num>, e.g. pl3
    tenant     TEXT NOT NULL,
    name       TEXT NOT NULL,           -- the plan's `name`
    text       TEXT NOT NULL,           -- the plan as written (YAML or JSON)
    digest     TEXT NOT NULL,           -- SHA-256 of text, hex
    source     TEXT NOT NULL,           -- the file it was read from
    actor      TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    UNIQUE (tenant, digest)
) STRICT;

CREATE INDEX plans_tenant_name ON plans (tenant, name, num);
