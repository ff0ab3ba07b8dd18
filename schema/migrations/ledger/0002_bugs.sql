-- The bug log. Every change to a bug appends a ledger event (action bug.*,
-- subject the bug's id) in the same transaction, so a bug's history is its
-- ledger events.
CREATE TABLE bugs (
    num               INTEGER PRIMARY KEY,    -- shown as b<num>, e.g. b42
    tenant            TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    severity          TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    severity_rank     INTEGER NOT NULL,        -- 0 low … 3 critical, for sorting
    status            TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed', 'wontfix')),
    component         TEXT,
    dir               TEXT,
    assignee          TEXT,
    reporter          TEXT NOT NULL,
    fingerprint       TEXT,                    -- set by `bugs scan --apply`, so it logs each anomaly once
    created_us        INTEGER NOT NULL,
    updated_us        INTEGER NOT NULL,
    status_changed_us INTEGER NOT NULL
) STRICT;

CREATE INDEX bugs_tenant_status ON bugs (tenant, status, severity_rank, created_us);
CREATE INDEX bugs_tenant_created ON bugs (tenant, created_us);
CREATE UNIQUE INDEX bugs_fingerprint ON bugs (tenant, fingerprint) WHERE fingerprint IS NOT NULL;

CREATE TABLE bug_tags (
    num INTEGER NOT NULL REFERENCES bugs (num),
    tag TEXT NOT NULL,
    PRIMARY KEY (num, tag)
) STRICT, WITHOUT ROWID;

-- Full-text search over titles and descriptions, kept in step by triggers.
CREATE VIRTUAL TABLE bugs_fts USING fts5 (title, description, content = 'bugs', content_rowid = 'num');

CREATE TRIGGER bugs_fts_insert AFTER INSERT ON bugs BEGIN
    INSERT INTO bugs_fts (rowid, title, description) VALUES (new.num, new.title, new.description);
END;
CREATE TRIGGER bugs_fts_update AFTER UPDATE OF title, description ON bugs BEGIN
    INSERT INTO bugs_fts (bugs_fts, rowid, title, description) VALUES ('delete', old.num, old.title, old.description);
    INSERT INTO bugs_fts (rowid, title, description) VALUES (new.num, new.title, new.description);
END;

-- A bug's history is its ledger events.
CREATE INDEX events_tenant_subject ON events (tenant, subject) WHERE subject IS NOT NULL;
